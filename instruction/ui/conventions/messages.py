"""Le message d'une réussite dans les écrans des conventions : en vert (#1b6e20, comme ``ui/dossier/onglet.py``),
à côté de la ligne d'erreur rouge, qui reste aux refus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

STYLE_REUSSITE = "color: #1b6e20;"


def etiquette_message() -> QLabel:
    """Vert, sur plusieurs lignes, en texte brut, sélectionnable (un chemin de fichier à copier)."""
    etiquette = QLabel()
    etiquette.setStyleSheet(STYLE_REUSSITE)
    etiquette.setWordWrap(True)
    etiquette.setTextFormat(Qt.TextFormat.PlainText)
    etiquette.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return etiquette
