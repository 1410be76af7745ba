"""Ce que partagent les pages de travail du comité (séances, séance, délibérations, financements) : le protocole
des onglets de travail (``titre_onglet``, ``titre_change``, ``demander_fermeture``) et l'en-tête (titre, phrase
qui dit à quoi sert la page et sa source dans le contrat de ville)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

STYLE_TITRE = "font-size: 15px; font-weight: bold; color: #1f3a5f;"


class PageDeTravail(QWidget):
    titre_change = Signal()
    titre_onglet = ""

    def demander_fermeture(self) -> bool:
        """Rien n'est gardé en saisie dans ces pages : chaque geste est enregistré aussitôt."""
        return True

    def entete(self, disposition: QVBoxLayout, titre: str, explication: str = "") -> QLabel:
        etiquette = QLabel(titre)
        etiquette.setStyleSheet(STYLE_TITRE)
        disposition.addWidget(etiquette)
        if explication:
            texte = QLabel(explication)
            texte.setWordWrap(True)
            disposition.addWidget(texte)
        return etiquette
