import sys

from instruction.cli import main

# La garde compte : les processus de travail de la génération en lot (rapports/lot_actes.py) rechargent le module
# principal ; sans elle, chacun relancerait la commande.
if __name__ == "__main__":
    sys.exit(main())
