"""Préparer l'environnement Python du projet (.venv), avec la seule bibliothèque standard.

Utilisé par ``outils/demarrer.py`` et ``outils/tester.py`` : crée ``.venv`` avec
l'interpréteur qui lance le script (Python 3.11 ou plus récent), puis installe le
projet quand ``pyproject.toml`` a changé depuis la dernière installation.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
VENV = RACINE / ".venv"
MINIMUM = (3, 11)


def executable(nom: str) -> Path:
    dossier = VENV / ("Scripts" if os.name == "nt" else "bin")
    return dossier / (f"{nom}.exe" if os.name == "nt" else nom)


def preparer(extras: str = "") -> Path:
    """Rend le Python de ``.venv`` après avoir installé le projet (et ses extras) si besoin."""
    if sys.version_info < MINIMUM:
        sys.exit(
            f"Instruction demande Python {MINIMUM[0]}.{MINIMUM[1]} ou plus récent "
            f"(celui-ci est {sys.version.split()[0]})."
        )
    python = executable("python")
    if not python.exists():
        print("Création de l'environnement Python (.venv)…", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    empreinte = hashlib.sha256((RACINE / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()[:16]
    temoin = VENV / f".installe-{empreinte}"
    if not temoin.exists():
        print("Installation d'Instruction et de ses dépendances…", flush=True)
        cible = f".[{extras}]" if extras else "."
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", cible],
            cwd=RACINE,
            check=True,
        )
        for ancien in VENV.glob(".installe-*"):
            ancien.unlink()
        temoin.touch()
    return python
