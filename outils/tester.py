"""Installe ce qu'il faut puis lance toute la suite de tests : ``python3 outils/tester.py [options pytest]``.

Les tests PostgreSQL tournent quand ``INSTRUCTION_TEST_POSTGRES_URL`` donne un
serveur (rôle autorisé à créer des bases) ; sinon ils sont sautés, avec la raison.
Les écrans sont testés hors écran (``QT_QPA_PLATFORM=offscreen``) : seules les
bibliothèques de base de Qt sont vérifiées. L'installation (.venv, avec les outils
de test) est la même que celle de ``outils/demarrer.py``.
"""

import os
import subprocess
import sys

from _environnement import RACINE, preparer, verifier_qt

if __name__ == "__main__":
    environnement = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    verifier_qt(environnement)
    python = preparer()
    sys.exit(subprocess.call([str(python), "-m", "pytest", *sys.argv[1:]], cwd=RACINE, env=environnement))
