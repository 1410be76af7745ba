"""Ce que partagent les sections du formulaire d'un dossier."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from instruction.domaine import dossier as d
from instruction.domaine import referentiel as r
from instruction.services.dossier import Options
from instruction.ui.champs import Formulaire


@dataclass
class Environnement:
    """Les données dont le formulaire a besoin pour ses listes de choix."""

    referentiel: r.Referentiel
    options: Options
    dispositif: str | None = None
    quartiers: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.quartiers = {q.code for q in self.referentiel.quartiers}


class Section(QWidget):
    """Une section du formulaire : elle se remplit depuis une saisie et y écrit ses champs."""

    modifie = Signal()

    def __init__(self, environnement: Environnement) -> None:
        super().__init__()
        self.env = environnement
        self.formulaire = Formulaire()

    def remplir(self, saisie: d.SaisieDossier) -> None:
        raise NotImplementedError

    def completer(self, saisie: d.SaisieDossier) -> None:
        raise NotImplementedError

    def afficher_erreurs(self, erreurs: Mapping[str, str]) -> QWidget | None:
        return self.formulaire.afficher_erreurs(erreurs)

    def signaler(self, *widgets) -> None:
        """Chaque modification d'un de ces widgets rend le dossier « modifié »."""
        for w in widgets:
            for nom in ("textChanged", "currentIndexChanged", "toggled", "modifie"):
                signal = getattr(w, nom, None)
                if signal is not None and hasattr(signal, "connect"):
                    signal.connect(lambda *_: self.modifie.emit())
                    break


def defilante(contenu: QWidget) -> QScrollArea:
    zone = QScrollArea()
    zone.setWidgetResizable(True)
    zone.setFrameShape(QFrame.Shape.NoFrame)
    zone.setWidget(contenu)
    return zone


def colonne(*widgets) -> QWidget:
    boite = QWidget()
    disposition = QVBoxLayout(boite)
    disposition.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        disposition.addWidget(w)
    return boite


class LueALaDemande:
    """Pour une section qui lit la base (instruction, grilles, avis) : elle ne lit qu'une fois montrée.

    Ouvrir un dossier ne coûte ainsi que la lecture du formulaire ; sur une base partagée lointaine,
    chaque section épargne ses allers-retours tant qu'on ne la regarde pas. ``relire()`` lit tout de
    suite si la section est visible, sinon à son prochain affichage.
    """

    _a_relire = False

    def lire_maintenant(self) -> None:  # à définir par la section
        raise NotImplementedError

    def relire(self) -> None:
        if self.isVisible():
            self._a_relire = False
            self.lire_maintenant()
        else:
            self._a_relire = True

    def showEvent(self, evenement) -> None:
        super().showEvent(evenement)
        if self._a_relire:
            self._a_relire = False
            self.lire_maintenant()
