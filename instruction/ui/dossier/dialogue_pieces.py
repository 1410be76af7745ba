"""Joindre plusieurs pièces à la fois : pour chaque fichier, son type (deviné de son nom, à confirmer)
et sa date. Tous les fichiers sont joints en une transaction : un fichier refusé est nommé et aucun
n'est joint (la boîte reste ouverte avec les choix faits)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from instruction.domaine import pieces
from instruction.ui.champs import etiquette_erreur, champ_date
from instruction.ui.outils_qt import choisir


class DialoguePieces(QDialog):
    jonction_demandee = Signal(list)  # [(type, chemin, date)]

    def __init__(self, chemins: list[Path], types_devines: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Joindre des pièces" if len(chemins) > 1 else "Joindre une pièce")
        self.setMinimumWidth(820)
        self.chemins = list(chemins)
        intro = QLabel(f"{len(chemins)} fichier(s) à joindre. Le type proposé vient du nom du fichier : "
                       "vérifiez-le. La date de la pièce est facultative (JJ/MM/AAAA).")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(chemins), 3)
        self.table.setHorizontalHeaderLabels(["Fichier", "Type de pièce", "Date de la pièce"])
        self.table.setAccessibleName("Fichiers à joindre")
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        entete = self.table.horizontalHeader()
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        entete.resizeSection(1, 360)
        entete.resizeSection(2, 120)
        self.types: list[QComboBox] = []
        self.dates = []
        for rang, (chemin, devine) in enumerate(zip(chemins, types_devines, strict=True)):
            nom = QTableWidgetItem(chemin.name)
            nom.setToolTip(str(chemin))
            self.table.setItem(rang, 0, nom)
            liste = QComboBox()
            for t in pieces.types():
                liste.addItem(t.libelle, t.code)
            choisir(liste, devine)
            liste.setAccessibleName(f"Type de la pièce {chemin.name}")
            self.table.setCellWidget(rang, 1, liste)
            date = champ_date()
            date.setAccessibleName(f"Date de la pièce {chemin.name}")
            self.table.setCellWidget(rang, 2, date)
            self.types.append(liste)
            self.dates.append(date)
        self.table.resizeRowsToContents()
        self.erreur = etiquette_erreur()
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Joindre")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.accepted.connect(self._valider)
        self.boutons.rejected.connect(self.reject)
        disposition = QVBoxLayout(self)
        disposition.addWidget(intro)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(self.erreur)
        disposition.addWidget(self.boutons)

    def _valider(self) -> None:
        from instruction.domaine.validation import Verificateur

        v = Verificateur()
        choix = []
        for chemin, liste, date in zip(self.chemins, self.types, self.dates, strict=True):
            jour = v.date(chemin.name, date.text(), f"Date de « {chemin.name} »")
            choix.append((liste.currentData(), chemin, jour))
        if not v.valide:
            self.erreur.setText(v.erreurs[0].message)
            return
        self.erreur.clear()
        self.boutons.setEnabled(False)
        self.jonction_demandee.emit(choix)

    def refuse(self, message: str) -> None:
        self.boutons.setEnabled(True)
        self.erreur.setText(message)
