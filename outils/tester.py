"""Installe ce qu'il faut puis lance toute la suite de tests : ``python3 outils/tester.py [options pytest]``.

Les tests PostgreSQL tournent quand ``INSTRUCTION_TEST_POSTGRES_URL`` donne un
serveur (rôle autorisé à créer des bases) ; sinon ils sont sautés, avec la raison.
"""

import os
import subprocess
import sys

from _environnement import RACINE, preparer

if __name__ == "__main__":
    python = preparer("test")
    environnement = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    sys.exit(subprocess.call([str(python), "-m", "pytest", *sys.argv[1:]], cwd=RACINE, env=environnement))
