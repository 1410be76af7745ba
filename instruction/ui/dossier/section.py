"""Ce que partagent les sections du formulaire d'un dossier."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from instruction import dossier as d
from instruction import referentiel as r
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
