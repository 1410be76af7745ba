"""Installe ce qu'il faut puis ouvre Instruction : ``python3 outils/demarrer.py [options]``.

Les options sont celles de la commande ``instruction`` (``--database URL``,
``demo``, ``sauvegarder``…) ; sans option, l'application s'ouvre sur sa base par défaut.
Sous Linux, les bibliothèques du système dont Qt a besoin sont vérifiées d'abord (message
en français et paquets à installer s'il en manque). L'installation (.venv) est la même que
celle de ``outils/tester.py``.
"""

import os
import subprocess
import sys

from _environnement import RACINE, preparer, verifier_qt

if __name__ == "__main__":
    verifier_qt(os.environ, sys.argv[1:])
    python = preparer()
    sys.exit(subprocess.call([str(python), "-m", "instruction", *sys.argv[1:]], cwd=RACINE))
