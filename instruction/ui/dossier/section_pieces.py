"""Section « Pièces jointes » : les pièces gardées avec le dossier, et celles qui manquent.

On joint un ou plusieurs fichiers par le bouton (sélection multiple) ou en les glissant sur la section
depuis le gestionnaire de fichiers : ``fichiers_deposes`` donne leurs chemins à l'onglet, qui demande le
type de chacun (deviné de son nom) et les joint en une transaction."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates, nombres, pieces
from instruction.services.dossier import InfoPiece
from instruction.ui.champs import champ_date


class SectionPieces(QWidget):
    ajout_demande = Signal()
    ouverture_demandee = Signal(int)
    enregistrement_demande = Signal(int)
    retrait_demande = Signal(int)
    fichiers_deposes = Signal(list)  # chemins (Path) des fichiers glissés sur la section

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["Type de pièce", "Fichier", "Date de la pièce", "Taille", "Empreinte (SHA-256)", "Jointe le"])
        self.table.setAccessibleName("Pièces jointes")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        entete = self.table.horizontalHeader()
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for colonne, largeur in ((1, 230), (2, 110), (3, 80), (4, 130), (5, 120)):
            entete.resizeSection(colonne, largeur)
        self.table.doubleClicked.connect(lambda _i: self._sur_selection(self.ouverture_demandee))

        self.ajouter = QPushButton("&Joindre des pièces…")
        self.ajouter.setToolTip("Choisir un ou plusieurs fichiers (Ctrl ou Maj pour en choisir plusieurs) ; "
                                "on peut aussi les glisser ici depuis le gestionnaire de fichiers")
        self.ajouter.clicked.connect(self.ajout_demande)
        self.ouvrir = QPushButton("&Ouvrir")
        self.ouvrir.clicked.connect(lambda: self._sur_selection(self.ouverture_demandee))
        self.enregistrer_sous = QPushButton("Enregistrer &sous…")
        self.enregistrer_sous.clicked.connect(lambda: self._sur_selection(self.enregistrement_demande))
        self.retirer = QPushButton("&Retirer")
        self.retirer.clicked.connect(lambda: self._sur_selection(self.retrait_demande))
        boutons = QHBoxLayout()
        for bouton in (self.ajouter, self.ouvrir, self.enregistrer_sous, self.retirer):
            boutons.addWidget(bouton)
        boutons.addStretch(1)

        self.manquantes = QLabel()
        self.manquantes.setWordWrap(True)
        self.manquantes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.indication = QLabel()
        self.indication.setWordWrap(True)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(self.indication)
        disposition.addWidget(self.table, 1)
        disposition.addLayout(boutons)
        disposition.addWidget(self.manquantes)
        self._pieces: list[InfoPiece] = []

    def _sur_selection(self, signal) -> None:
        rang = self.table.currentRow()
        if 0 <= rang < len(self._pieces):
            signal.emit(self._pieces[rang].id)

    def afficher(self, liste: list[InfoPiece], manquantes: list[str], enregistre: bool) -> None:
        self._pieces = list(liste)
        libelles = {t.code: t.libelle for t in pieces.types()}
        self.table.setRowCount(len(liste))
        for rang, p in enumerate(liste):
            valeurs = [
                libelles.get(p.type, p.type), p.nom_fichier, dates.formater(p.date_piece),
                _taille(p.taille), p.empreinte[:16] + "…", dates.formater_horodatage(p.ajoutee_le),
            ]
            for colonne, valeur in enumerate(valeurs):
                cellule = QTableWidgetItem(valeur)
                if colonne == 4:
                    cellule.setToolTip(p.empreinte)
                if colonne == 3:
                    cellule.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(rang, colonne, cellule)
        for bouton in (self.ajouter, self.ouvrir, self.enregistrer_sous, self.retirer):
            bouton.setEnabled(enregistre)
        self.indication.setText(
            "Glissez des fichiers ici, ou « Joindre des pièces… », pour en joindre plusieurs à la fois."
            if enregistre else "Enregistrez d'abord le dossier (Ctrl+S) pour y joindre des pièces."
        )
        if manquantes:
            self.manquantes.setText(
                "<b style='color:#b00020'>Pièces exigées manquantes :</b><ul>"
                + "".join(f"<li>{m}</li>" for m in manquantes) + "</ul>"
            )
        else:
            self.manquantes.setText("<span style='color:#1b6e20'>Toutes les pièces exigées sont jointes.</span>")


    # --- Glisser-déposer des fichiers ---------------------------------------------------------------

    def _fichiers(self, evenement) -> list[Path]:
        donnees = evenement.mimeData()
        if not self.ajouter.isEnabled() or donnees is None or not donnees.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in donnees.urls() if url.isLocalFile() and url.toLocalFile()]

    def dragEnterEvent(self, evenement: QDragEnterEvent) -> None:
        if self._fichiers(evenement):
            evenement.acceptProposedAction()
        else:
            evenement.ignore()

    def dragMoveEvent(self, evenement: QDragMoveEvent) -> None:
        if self._fichiers(evenement):
            evenement.acceptProposedAction()
        else:
            evenement.ignore()

    def dropEvent(self, evenement: QDropEvent) -> None:
        fichiers = self._fichiers(evenement)
        if not fichiers:
            evenement.ignore()
            return
        evenement.acceptProposedAction()
        self.fichiers_deposes.emit(fichiers)


def _taille(octets: int) -> str:
    if octets < 1024:
        return f"{octets} o"
    if octets < 1024 * 1024:
        return f"{nombres.formater(round(octets / 1024))} Ko"
    return f"{octets / 1024 / 1024:.1f} Mo".replace(".", ",")


class DialogueTypePiece(QDialog):
    """Quel type de pièce, et de quelle date, pour le fichier choisi."""

    def __init__(self, nom_fichier: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Joindre une pièce")
        self.type = QComboBox()
        for t in pieces.types():
            self.type.addItem(t.libelle, t.code)
        self.type.setAccessibleName("Type de pièce")
        self.date = champ_date()
        self.date.setAccessibleName("Date de la pièce")
        self.erreur = QLabel()
        self.erreur.setStyleSheet("color: #b00020;")
        formes = QFormLayout(self)
        formes.addRow(QLabel(f"Fichier : <b>{nom_fichier}</b>"))
        formes.addRow("&Type de pièce :", self.type)
        formes.addRow("&Date de la pièce :", self.date)
        formes.addRow(self.erreur)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Joindre")
        boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        boutons.accepted.connect(self._valider)
        boutons.rejected.connect(self.reject)
        formes.addRow(boutons)
        self.date_piece = None

    def _valider(self) -> None:
        from instruction.domaine.validation import Verificateur

        v = Verificateur()
        self.date_piece = v.date("date", self.date.text(), "Date de la pièce")
        if not v.valide:
            self.erreur.setText(v.erreurs[0].message)
            return
        self.accept()
