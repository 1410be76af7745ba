"""Ce que partagent les pages du suivi qui montrent une année (calendrier, suivi renforcé) : le choix de l'année
(l'année en cours par défaut), la lecture par ``Operation`` à chaque changement, le protocole des onglets de
travail (``titre_change``, ``demander_fermeture``, ``relire``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from instruction.services.actions import suivi as actions_suivi
from instruction.ui.operation import Operation


class PageAnnuelle(QWidget):
    titre_change = Signal()
    modifie = False

    def __init__(self, contexte, lecture: Callable, nom_annee: str) -> None:
        """``lecture(contexte, annee)`` : l'action qui lit l'année ; son résultat va à ``afficher``."""
        super().__init__()
        self.contexte, self._lecture = contexte, lecture
        self.annee = QComboBox()
        self.annee.setAccessibleName(nom_annee)
        self.etiquette_annee = QLabel("&Année :")
        self.etiquette_annee.setBuddy(self.annee)
        self.resume = QLabel()
        self.resume.setWordWrap(True)
        self.annee.currentIndexChanged.connect(lambda _i: self.relire())
        Operation(actions_suivi.annees, contexte, parent=self).apres(self._annees).lancer()

    def _annees(self, annees: list[int]) -> None:
        from instruction.domaine.horloge import aujourd_hui

        self.annee.blockSignals(True)
        for annee in annees:
            self.annee.addItem(str(annee), annee)
        self.annee.setCurrentIndex(max(0, self.annee.findData(aujourd_hui().year)))
        self.annee.blockSignals(False)
        self.relire()

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        return True

    def relire(self) -> None:
        annee = self.annee.currentData()
        if annee is not None:
            Operation(self._lecture, self.contexte, annee, parent=self).apres(lambda lu: self._lu(annee, lu)) \
                .refus(self.resume.setText).lancer()

    def _lu(self, annee: int, lu) -> None:
        """Seule la lecture de l'année choisie s'affiche (une lecture partie avant un changement d'année est
        dépassée)."""
        if annee == self.annee.currentData():
            self.afficher(lu)

    def afficher(self, resultat) -> None:  # chaque page montre ce qu'elle a lu
        raise NotImplementedError
