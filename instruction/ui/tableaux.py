"""Tables en lecture seule partagées par les écrans (instruction, avis, historique, conflit, porteur)."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


def table_lecture(colonnes: list[str], nom: str, etirees: tuple[int, ...] = ()) -> QTableWidget:
    table = QTableWidget(0, len(colonnes))
    table.setHorizontalHeaderLabels(colonnes)
    table.setAccessibleName(nom)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(True)
    entete = table.horizontalHeader()
    for colonne in range(len(colonnes)):
        mode = QHeaderView.ResizeMode.Stretch if colonne in etirees else QHeaderView.ResizeMode.ResizeToContents
        entete.setSectionResizeMode(colonne, mode)
    return table


def remplir_table(table: QTableWidget, lignes: list[list[str]], couleurs: dict[tuple[int, int], str] | None = None,
                  bulles: dict[int, str] | None = None) -> None:
    table.setRowCount(len(lignes))
    for rang, ligne in enumerate(lignes):
        for colonne, valeur in enumerate(ligne):
            cellule = QTableWidgetItem(valeur)
            couleur = (couleurs or {}).get((rang, colonne))
            if couleur:
                cellule.setForeground(QBrush(QColor(couleur)))
            if bulles and rang in bulles:
                cellule.setToolTip(bulles[rang])
            table.setItem(rang, colonne, cellule)
    table.resizeRowsToContents()
