"""Où l'application range ses fichiers (conventions de chaque système, via platformdirs).

Sous Linux, les variables XDG (``XDG_DATA_HOME``, ``XDG_STATE_HOME``…) sont
respectées : les tests et les bancs d'essai s'en servent pour travailler dans un
dossier temporaire.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

_APPLICATION = "instruction"

RACINE_PROJET = Path(__file__).resolve().parent.parent
RESSOURCES = RACINE_PROJET / "resources"
SOURCE_CONTRAT = RESSOURCES / "source" / "engagements_quartiers_2030.txt"


def dossier_donnees() -> Path:
    """Dossier des données de l'utilisateur (la base SQLite par défaut y vit)."""
    return Path(platformdirs.user_data_dir(_APPLICATION, appauthor=False))


def dossier_journaux() -> Path:
    return Path(platformdirs.user_log_dir(_APPLICATION, appauthor=False))


def fichier_base_par_defaut() -> Path:
    return dossier_donnees() / "instruction.sqlite"


def dossier_sauvegardes_automatiques(fichier_base: Path) -> Path:
    """Les copies faites avant chaque migration, à côté de la base qu'elles protègent."""
    return fichier_base.parent / "sauvegardes"
