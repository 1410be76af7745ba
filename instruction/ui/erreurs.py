"""Montrer une erreur en français, avec un détail copiable, sans fermer l'application.

Le dialogue lui-même (``dialogue_erreur``) n'est importé qu'à la première erreur.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from instruction.domaine.erreurs import ErreurInstruction

if TYPE_CHECKING:
    from instruction.ui.dialogue_erreur import DialogueErreur

journal = logging.getLogger(__name__)

MESSAGE_INATTENDU = (
    "Une erreur inattendue s'est produite. Ce que vous avez saisi n'a pas été effacé et "
    "l'application continue de fonctionner. Si le problème se reproduit, transmettez le "
    "détail ci-dessous à l'administrateur."
)


def message_et_detail(erreur: BaseException, trace: str = "") -> tuple[str, str]:
    if isinstance(erreur, ErreurInstruction):
        return erreur.message, erreur.detail or ""
    return MESSAGE_INATTENDU, trace or "".join(traceback.format_exception(erreur))


def montrer(erreur: BaseException, trace: str = "", parent: QWidget | None = None) -> DialogueErreur:
    import shiboken6
    from PySide6.QtCore import Qt

    from instruction.ui.dialogue_erreur import DialogueErreur

    message, detail = message_et_detail(erreur, trace)
    if isinstance(erreur, ErreurInstruction):
        journal.warning("%s | %s", message, detail)
    else:
        journal.error("Erreur inattendue :\n%s", detail)
    if parent is not None and not shiboken6.isValid(parent):
        parent = None  # la fenêtre qui attendait ce résultat a été fermée entre-temps
    from instruction.domaine.erreurs import DonneesInvalides

    # Une règle non respectée est un refus prévu, dit calmement ; le reste est une panne (détail, journal).
    dialogue = DialogueErreur(message, detail, parent or QApplication.activeWindow(),
                              refus=isinstance(erreur, DonneesInvalides))
    dialogue.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Sans parent, seul Python garderait le dialogue : on le retient jusqu'à sa fermeture.
    _ouverts.add(dialogue)
    dialogue.finished.connect(lambda _code: _ouverts.discard(dialogue))
    dialogue.open()
    return dialogue


_ouverts: set[QWidget] = set()


def installer_gestionnaire() -> None:
    """Toute exception non rattrapée est journalisée et montrée ; l'application continue."""

    def crochet(type_, valeur, trace_):
        if issubclass(type_, KeyboardInterrupt):
            sys.__excepthook__(type_, valeur, trace_)
            return
        texte = "".join(traceback.format_exception(type_, valeur, trace_))
        try:
            if QApplication.instance() is not None:
                montrer(valeur, texte)
            else:
                journal.error("Erreur inattendue :\n%s", texte)
        except Exception:  # noqa: BLE001 — ne jamais boucler sur une erreur d'affichage
            journal.exception("Impossible d'afficher l'erreur")

    def crochet_fil(arguments: threading.ExceptHookArgs) -> None:
        texte = "".join(
            traceback.format_exception(arguments.exc_type, arguments.exc_value, arguments.exc_traceback)
        )
        journal.error("Erreur inattendue dans un fil :\n%s", texte)

    sys.excepthook = crochet
    threading.excepthook = crochet_fil
