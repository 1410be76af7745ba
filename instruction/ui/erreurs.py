"""Montrer une erreur en français, avec un détail copiable, sans fermer l'application."""

from __future__ import annotations

import logging
import sys
import threading
import traceback

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from instruction.erreurs import ErreurInstruction
from instruction.journal import fichier_journal

journal = logging.getLogger(__name__)

MESSAGE_INATTENDU = (
    "Une erreur inattendue s'est produite. Ce que vous avez saisi n'a pas été effacé et "
    "l'application continue de fonctionner. Si le problème se reproduit, transmettez le "
    "détail ci-dessous à l'administrateur."
)


class DialogueErreur(QDialog):
    def __init__(self, message: str, detail: str, parent: QWidget | None = None, titre: str = "Erreur") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Instruction — {titre}")
        self.setMinimumWidth(560)
        icone = QLabel()
        icone.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        icone.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.texte = QLabel(message)
        self.texte.setWordWrap(True)
        self.texte.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        haut = QHBoxLayout()
        haut.addWidget(icone)
        haut.addWidget(self.texte, 1)

        self.detail = QPlainTextEdit(detail)
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("Détail technique de l'erreur")
        self.detail.setMaximumHeight(180)
        self.detail.setVisible(bool(detail))
        emplacement = fichier_journal()
        lieu_journal = QLabel(f"Journal : {emplacement}" if emplacement else "")
        lieu_journal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lieu_journal.setStyleSheet("color: palette(mid);")

        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        boutons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        self.copier = QPushButton("Copier le détail")
        self.copier.setEnabled(bool(detail))
        self.copier.clicked.connect(self._copier)
        boutons.addButton(self.copier, QDialogButtonBox.ButtonRole.ActionRole)
        boutons.rejected.connect(self.reject)

        disposition = QVBoxLayout(self)
        disposition.addLayout(haut)
        if detail:
            disposition.addWidget(QLabel("Détail technique :"))
        disposition.addWidget(self.detail)
        disposition.addWidget(lieu_journal)
        disposition.addWidget(boutons)

    def _copier(self) -> None:
        QGuiApplication.clipboard().setText(f"{self.texte.text()}\n\n{self.detail.toPlainText()}")
        self.copier.setText("Détail copié")


def message_et_detail(erreur: BaseException, trace: str = "") -> tuple[str, str]:
    if isinstance(erreur, ErreurInstruction):
        return erreur.message, erreur.detail or ""
    return MESSAGE_INATTENDU, trace or "".join(traceback.format_exception(erreur))


def montrer(erreur: BaseException, trace: str = "", parent: QWidget | None = None) -> DialogueErreur:
    message, detail = message_et_detail(erreur, trace)
    if isinstance(erreur, ErreurInstruction):
        journal.warning("%s | %s", message, detail)
    else:
        journal.error("Erreur inattendue :\n%s", detail)
    dialogue = DialogueErreur(message, detail, parent or QApplication.activeWindow())
    dialogue.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Sans parent, seul Python garderait le dialogue : on le retient jusqu'à sa fermeture.
    _ouverts.add(dialogue)
    dialogue.finished.connect(lambda _code: _ouverts.discard(dialogue))
    dialogue.open()
    return dialogue


_ouverts: set[DialogueErreur] = set()


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
