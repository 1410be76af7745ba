"""Le dialogue d'erreur : message en français, détail technique copiable, lieu du journal.

Un refus prévu (``refus=True`` : une saisie ou une règle non respectée) s'affiche calmement : icône
d'information, titre « Action refusée », ni détail technique ni journal — ce n'est pas une panne."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
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

from instruction.journal import fichier_journal


class DialogueErreur(QDialog):
    def __init__(self, message: str, detail: str, parent: QWidget | None = None, titre: str = "Erreur", *,
                 refus: bool = False) -> None:
        super().__init__(parent)
        self.refus = refus
        if refus:
            titre, detail = ("Action refusée" if titre == "Erreur" else titre), ""
        self.setWindowTitle(f"Instruction — {titre}")
        self.setMinimumWidth(560)
        icone = QLabel()
        pictogramme = QStyle.StandardPixmap.SP_MessageBoxInformation if refus else \
            QStyle.StandardPixmap.SP_MessageBoxCritical
        icone.setPixmap(self.style().standardIcon(pictogramme).pixmap(40, 40))
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
        lieu_journal = QLabel(f"Journal : {emplacement}" if emplacement and not refus else "")
        lieu_journal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lieu_journal.setStyleSheet("color: palette(mid);")

        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        boutons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        self.copier = QPushButton("Copier le détail")
        self.copier.setEnabled(bool(detail))
        self.copier.clicked.connect(self._copier)
        if not refus:  # un refus n'a pas de détail à transmettre
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
