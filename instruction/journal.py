"""Le journal de l'application : un fichier tournant dans le dossier des journaux de l'utilisateur.

Les adresses de base y sont écrites sans mot de passe (``connexion.affichable``).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from instruction.chemins import dossier_journaux

FORMAT = "%(asctime)s %(levelname)s %(name)s : %(message)s"
_fichier_actuel: Path | None = None


def configurer(niveau: int = logging.INFO) -> Path | None:
    """Écrit le journal dans ``instruction.log`` ; rend son chemin (``None`` si impossible)."""
    global _fichier_actuel
    racine = logging.getLogger()
    racine.setLevel(niveau)
    fichier = dossier_journaux() / "instruction.log"
    try:
        fichier.parent.mkdir(parents=True, exist_ok=True)
        gestionnaire: logging.Handler = logging.handlers.RotatingFileHandler(
            fichier, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        _fichier_actuel = fichier
    except OSError:
        gestionnaire = logging.StreamHandler(sys.stderr)
        _fichier_actuel = None
    gestionnaire.setFormatter(logging.Formatter(FORMAT))
    for ancien in [h for h in racine.handlers if getattr(h, "_instruction", False)]:
        racine.removeHandler(ancien)
        ancien.close()
    gestionnaire._instruction = True  # type: ignore[attr-defined]
    racine.addHandler(gestionnaire)
    return _fichier_actuel


def fichier_journal() -> Path | None:
    return _fichier_actuel
