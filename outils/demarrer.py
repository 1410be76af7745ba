"""Installe ce qu'il faut puis ouvre Instruction : ``python3 outils/demarrer.py [options]``.

Les options sont celles de la commande ``instruction`` (``--database URL``,
``demo``, ``sauvegarder``…) ; sans option, l'application s'ouvre sur sa base par défaut.
"""

import subprocess
import sys

from _environnement import RACINE, preparer

if __name__ == "__main__":
    python = preparer()
    sys.exit(subprocess.call([str(python), "-m", "instruction", *sys.argv[1:]], cwd=RACINE))
