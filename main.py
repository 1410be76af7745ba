"""Point d'entrée : ``python main.py`` fait la même chose que la commande ``instruction``."""

import sys

from instruction.cli import main

if __name__ == "__main__":
    sys.exit(main())
