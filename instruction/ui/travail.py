"""Exécuter un travail hors du fil de l'interface et en recevoir le résultat par signal.

Inspiré des ``QueryOp`` d'Anki : la fonction tourne dans le pool de fils de Qt ;
son résultat, son erreur et ses messages de progression reviennent dans le fil de
l'interface. La fenêtre ne gèle jamais pendant une requête longue.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

journal = logging.getLogger(__name__)


class _Signaux(QObject):
    progression = Signal(str)
    partiel = Signal(object)
    termine = Signal(object)
    echec = Signal(object, str)


class Rapport:
    """Ce que la fonction d'arrière-plan peut dire en cours de route."""

    def __init__(self, signaux: _Signaux) -> None:
        self._signaux = signaux

    def progression(self, texte: str) -> None:
        self._signaux.progression.emit(texte)

    def partiel(self, valeur: Any) -> None:
        """Un premier résultat à montrer sans attendre la fin (la première page, par exemple)."""
        self._signaux.partiel.emit(valeur)


class Travail(QRunnable):
    """``Travail(fonction)`` : ``fonction(rapport)`` est appelée dans un autre fil."""

    _en_cours: set[Travail] = set()

    def __init__(self, fonction: Callable[[Rapport], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._fonction = fonction
        self.signaux = _Signaux()

    def lancer(
        self,
        termine: Callable[[Any], None],
        echec: Callable[[BaseException, str], None],
        progression: Callable[[str], None] | None = None,
        partiel: Callable[[Any], None] | None = None,
    ) -> Travail:
        self.signaux.termine.connect(termine)
        self.signaux.echec.connect(echec)
        if progression is not None:
            self.signaux.progression.connect(progression)
        if partiel is not None:
            self.signaux.partiel.connect(partiel)
        self.signaux.termine.connect(lambda _r: Travail._en_cours.discard(self))
        self.signaux.echec.connect(lambda _e, _t: Travail._en_cours.discard(self))
        Travail._en_cours.add(self)
        QThreadPool.globalInstance().start(self)
        return self

    def run(self) -> None:  # dans un fil du pool
        try:
            resultat = self._fonction(Rapport(self.signaux))
        except BaseException as erreur:  # noqa: BLE001 — tout doit revenir à l'interface
            trace = "".join(traceback.format_exception(erreur))
            journal.debug("Travail en échec : %s", trace)
            self.signaux.echec.emit(erreur, trace)
        else:
            self.signaux.termine.emit(resultat)


def ecrire_puis_lire(contexte, ecrire: Callable[[Any], None], lire: Callable[[Any], Any]) -> Callable[[Rapport], Any]:
    """Le travail habituel d'un écran : ``ecrire(uow)`` dans une transaction validée, puis
    ``lire(uow)`` dans une nouvelle, dont le résultat revient à l'écran."""

    def travail(_rapport: Rapport) -> Any:
        with contexte.unite() as uow:
            ecrire(uow)
            uow.valider()
        with contexte.unite() as uow:
            return lire(uow)

    return travail
