"""La seule façon pour un écran de lancer une action : ``Operation``.

Inspirée des ``CollectionOp`` / ``QueryOp`` d'Anki. L'écran dit quelle fonction appeler (une action de
``instruction.services.actions``, ou un export), avec quels arguments, et ce qu'il fait du résultat :

    Operation(actions_dossier.enregistrer, contexte, dossier_id, saisie, parent=self) \\
        .apres(self._enregistre).refus(self.message.setText).lancer()

La fonction tourne dans le pool de fils de Qt : la fenêtre ne gèle jamais. Son résultat revient dans le
fil de l'interface. Par défaut, un refus (``ErreurInstruction``) montre son message en français et toute
autre erreur va au dialogue d'erreur et au journal ; ``refus`` envoie le message ailleurs (la ligne
d'erreur d'une boîte), ``echec`` prend tout en main. Quand la fonction rend un ``Fait``, ses
``Changements`` sont diffusés à toute l'application par ``diffusion().changement`` : les listes,
« Mes tâches » et les onglets ouverts se relisent d'après eux (la scrutation des autres postes diffuse
``AUTRES_POSTES`` par le même signal). Un écran fermé avant la fin ne reçoit rien.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from instruction.domaine.erreurs import BaseFermee, ErreurInstruction
from instruction.ui import erreurs

if TYPE_CHECKING:  # importé à la première opération : rien de plus à charger avant la première peinture
    from instruction.services.actions import Changements

journal = logging.getLogger(__name__)

MESSAGE_ECHEC = "L'opération n'a pas abouti ; rien n'a été modifié."


class _Diffusion(QObject):
    """Le signal unique des changements : ``changement(changements, origine)``."""

    changement = Signal(object, object)


_diffusion: _Diffusion | None = None


def diffusion() -> _Diffusion:
    global _diffusion
    if _diffusion is None:
        _diffusion = _Diffusion()
    return _diffusion


def diffuser(changements: Changements, origine: QObject | None = None) -> None:
    if changements:
        diffusion().changement.emit(changements, origine)


class _Signaux(QObject):
    progression = Signal(str)
    partiel = Signal(object)
    termine = Signal(object)
    echoue = Signal(object, str)


class Operation(QRunnable):
    """``fonction(*args, **kwargs)`` hors du fil de l'interface ; résultat et erreurs rendus à ``parent``."""

    _en_cours: set[Operation] = set()

    def __init__(self, fonction: Callable[..., Any], *args: Any, parent: QObject | None = None,
                 **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._fonction = fonction
        self._args = args
        self._kwargs = kwargs
        self._parent = parent
        self._apres: Callable[[Any], None] | None = None
        self._refus: Callable[[str], None] | None = None
        self._echec: Callable[[BaseException, str], None] | None = None
        self._signaux = _Signaux()

    # --- Ce que l'écran fait du résultat -------------------------------------------------------------

    def apres(self, rappel: Callable[[Any], None]) -> Operation:
        """Le résultat (la valeur d'un ``Fait``), dans le fil de l'interface."""
        self._apres = rappel
        return self

    def refus(self, rappel: Callable[[str], None]) -> Operation:
        """Le message d'un refus (en français) ; une erreur inattendue y dit que rien n'a été modifié et
        s'affiche en plus dans le dialogue d'erreur."""
        self._refus = rappel
        return self

    def echec(self, rappel: Callable[[BaseException, str], None]) -> Operation:
        """Toute erreur, avec sa trace, à traiter par l'écran lui-même."""
        self._echec = rappel
        return self

    def progression(self, rappel: Callable[[str], None]) -> Operation:
        """La fonction reçoit ``progression=`` : ses messages reviennent à ``rappel``."""
        self._kwargs["progression"] = self._signaux.progression.emit
        self._signaux.progression.connect(self._vivant(rappel))
        return self

    def partiel(self, rappel: Callable[[Any], None]) -> Operation:
        """La fonction reçoit ``partiel=`` : un premier résultat à montrer sans attendre la fin."""
        self._kwargs["partiel"] = self._signaux.partiel.emit
        self._signaux.partiel.connect(self._vivant(rappel))
        return self

    def lancer(self) -> Operation:
        self._signaux.termine.connect(self._termine)
        self._signaux.echoue.connect(self._echoue)
        Operation._en_cours.add(self)
        QThreadPool.globalInstance().start(self)
        return self

    # --- Dans le fil du pool ------------------------------------------------------------------------

    def run(self) -> None:
        try:
            resultat = self._fonction(*self._args, **self._kwargs)
        except BaseException as erreur:  # noqa: BLE001 — tout doit revenir à l'interface
            self._signaux.echoue.emit(erreur, "".join(traceback.format_exception(erreur)))
        else:
            self._signaux.termine.emit(resultat)

    # --- De retour dans le fil de l'interface ------------------------------------------------------

    def _parent_vivant(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _vivant(self, rappel: Callable[..., None]) -> Callable[..., None]:
        return lambda *valeurs: rappel(*valeurs) if self._parent_vivant() else None

    def _termine(self, resultat: Any) -> None:
        from instruction.services.actions import Fait

        Operation._en_cours.discard(self)
        changements = resultat.changements if isinstance(resultat, Fait) else None
        valeur = resultat.valeur if isinstance(resultat, Fait) else resultat
        try:
            if self._apres is not None and self._parent_vivant():
                self._apres(valeur)
        finally:
            if changements:
                diffuser(changements, self._parent if self._parent_vivant() else None)

    def _echoue(self, erreur: BaseException, trace: str) -> None:
        Operation._en_cours.discard(self)
        if isinstance(erreur, BaseFermee):  # la fenêtre a refermé sa base : personne à qui répondre
            journal.debug("Opération sans suite : %s", erreur.message)
            return
        if isinstance(erreur, ErreurInstruction):
            journal.info("Refus : %s", erreur.message)
        else:
            journal.debug("Opération en échec : %s", trace)
        vivant = self._parent_vivant()
        if self._echec is not None:
            if vivant:
                self._echec(erreur, trace)
            return
        parent = self._parent if vivant and isinstance(self._parent, QObject) else None
        if self._refus is not None and vivant:
            if isinstance(erreur, ErreurInstruction):
                self._refus(erreur.message)
                return
            self._refus(MESSAGE_ECHEC)
        erreurs.montrer(erreur, trace, parent if parent is not None and parent.isWidgetType() else None)


def en_cours() -> int:
    """Le nombre d'opérations pas encore revenues (pour attendre la fin de tout, à la fermeture)."""
    return len(Operation._en_cours)


class Lectures:
    """Les lectures d'une vue, numérotées à leur départ : seule la dernière partie s'affiche, et une écriture
    revenue périme celles parties avant elle.

    Sous charge, une lecture lancée avant une autre (filtre changé entre-temps, relecture après un changement)
    peut revenir après elle et remettrait à l'écran un état dépassé ::

        Operation(actions.lister, contexte, filtre, parent=self).apres(self.lectures.rappel(self.afficher)).lancer()
        ...
        Operation(actions.ecrire, …, parent=self).apres(self.lectures.ecriture(self.afficher)).lancer()
    """

    def __init__(self) -> None:
        self.partie = 0
        self.perimees_jusqu_a = 0

    def rappel(self, afficher: Callable[[Any], None]) -> Callable[[Any], None]:
        """Le rappel d'une nouvelle lecture : il n'affiche que si aucune lecture n'est partie après elle."""
        self.partie += 1
        numero = self.partie

        def revenue(valeur: Any) -> None:
            if numero == self.partie and numero > self.perimees_jusqu_a:
                afficher(valeur)

        return revenue

    def ecriture(self, afficher: Callable[[Any], None]) -> Callable[[Any], None]:
        """Le rappel d'une écriture qui rend la vue à jour : elle s'affiche, et les lectures parties avant son
        retour (qui ont pu lire avant elle) ne s'afficheront plus."""

        def revenue(valeur: Any) -> None:
            self.perimees_jusqu_a = self.partie
            afficher(valeur)

        return revenue
