"""Mesures de démarrage pour le banc d'essai (``benchmarks/demarrage.py``).

Inactif sauf si la variable ``INSTRUCTION_MESURE`` donne un fichier : chaque
événement y est écrit avec l'heure (``time.time()``), puis l'application se ferme
d'elle-même quand ``INSTRUCTION_MESURE_QUITTER`` nomme l'événement attendu.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

_FICHIER = os.environ.get("INSTRUCTION_MESURE")
_QUITTER_APRES = os.environ.get("INSTRUCTION_MESURE_QUITTER")
_vus: set[str] = set()


def active() -> bool:
    return bool(_FICHIER)


def noter(evenement: str, **donnees) -> None:
    if not _FICHIER or evenement in _vus:
        return
    _vus.add(evenement)
    import json

    with open(_FICHIER, "a", encoding="utf-8") as sortie:
        sortie.write(json.dumps({"evenement": evenement, "t": time.time(), **donnees}) + "\n")
    if evenement == _QUITTER_APRES:
        QTimer.singleShot(0, QApplication.quit)


class ApresPeinture(QObject):
    """Appelle ``action`` juste après la prochaine peinture de ``widget`` (une seule fois)."""

    def __init__(self, widget, action) -> None:
        super().__init__(widget)
        self._action = action
        widget.installEventFilter(self)

    def eventFilter(self, objet, evenement) -> bool:
        if evenement.type() == QEvent.Type.Paint:
            objet.removeEventFilter(self)
            QTimer.singleShot(0, self._action)
        return False


def noter_apres_peinture(widget, evenement: str) -> None:
    if active():
        ApresPeinture(widget, lambda: noter(evenement))
