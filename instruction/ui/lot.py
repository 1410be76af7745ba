"""Les deux pièces communes aux boîtes qui écrivent un lot de documents (lettres de notification, conventions
d'une campagne, relances des bilans) : le dossier où écrire (``ChoixDossierSortie``) et la barre d'avancement
avec son bouton « Annuler » (``BarreDeLot``)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QProgressBar, QPushButton, QWidget

from instruction.ui import fichiers


class ChoixDossierSortie(QWidget):
    """Le champ du dossier (on peut y taper ou y coller un chemin) et « Parcourir… », qui ouvre le choix du
    système au dossier déjà indiqué s'il existe. ``titre`` : le nom du champ et le titre de ce choix ;
    ``parcourir`` : le libellé du bouton, pour un raccourci libre dans la boîte."""

    def __init__(self, titre: str, depart: Path, parent: QWidget | None = None,
                 parcourir: str = "&Parcourir…") -> None:
        super().__init__(parent)
        self._titre = titre
        self.champ = QLineEdit(str(depart))
        self.champ.setAccessibleName(titre)
        self.parcourir = QPushButton(parcourir)
        self.parcourir.clicked.connect(self._parcourir)
        ligne = QHBoxLayout(self)
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.addWidget(self.champ, 1)
        ligne.addWidget(self.parcourir)
        self.setFocusProxy(self.champ)

    def text(self) -> str:
        return self.champ.text()

    def setText(self, texte: str) -> None:
        self.champ.setText(texte)

    def chemin(self) -> Path | None:
        """Le dossier indiqué, ``None`` si le champ est vide."""
        texte = self.champ.text().strip()
        return Path(texte) if texte else None

    def _parcourir(self) -> None:
        choisi = fichiers.choisir_dossier(self, self._titre, self.champ.text())
        if choisi:
            self.champ.setText(str(choisi))


class BarreDeLot(QWidget):
    """« Annuler » et la barre d'avancement d'un lot. ``commencer()`` avant de lancer l'opération, à laquelle on
    passe ``annule=barre.annule`` (et, si elle sait compter, ``avancement=barre.avancement.emit`` : ce signal
    peut être émis depuis le fil du travail) ; ``finir()`` quand elle revient, réussie ou refusée.
    ``annulation_demandee`` : l'utilisateur a cliqué « Annuler » (la boîte le dit à sa façon)."""

    avancement = Signal(int, int)
    annulation_demandee = Signal()

    def __init__(self, libelle_annuler: str = "A&nnuler la génération", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._annulation = threading.Event()
        self.annuler = QPushButton(libelle_annuler)
        self.annuler.setEnabled(False)
        self.annuler.clicked.connect(self.demander_annulation)
        self.barre = QProgressBar()
        self.barre.setRange(0, 1)
        self.barre.setValue(0)
        ligne = QHBoxLayout(self)
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.addWidget(self.annuler)
        ligne.addWidget(self.barre, 1)
        self.avancement.connect(self.pas)

    def commencer(self, total: int = 0) -> None:
        """Un nouveau lot : « Annuler » actif, barre à zéro (indéterminée tant que ``total`` est inconnu)."""
        self._annulation.clear()
        self.annuler.setEnabled(True)
        self.barre.setRange(0, total)
        self.barre.setValue(0)

    def pas(self, fait: int, total: int) -> None:
        self.barre.setRange(0, max(1, total))
        self.barre.setValue(fait)

    def finir(self, fait: int = 0, total: int = 1) -> None:
        """Le lot est revenu : « Annuler » éteint, la barre montre ce qui a été écrit (zéro après un refus)."""
        self.annuler.setEnabled(False)
        self.pas(fait, total)

    def annule(self) -> bool:
        """Interrogé par le travail entre deux documents (depuis son fil)."""
        return self._annulation.is_set()

    def demander_annulation(self) -> None:
        if not self.annuler.isEnabled():
            return
        self._annulation.set()
        self.annuler.setEnabled(False)
        self.annulation_demandee.emit()
