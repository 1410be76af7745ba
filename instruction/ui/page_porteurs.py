"""L'onglet « Porteurs » : le répertoire, avec une recherche ; un porteur s'ouvre dans son onglet."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget

from typing import TYPE_CHECKING

from instruction.domaine import porteurs as domaine
from instruction.domaine.texte import mots, pour_recherche
from instruction.ui.outils_qt import changer_filtre

if TYPE_CHECKING:
    from instruction.services.porteurs import LignePorteur


class _Filtre(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.mots: list[str] = []

    def filterAcceptsRow(self, rangee, parent) -> bool:
        if not self.mots:
            return True
        texte = self.sourceModel().index(rangee, 0, parent).data(Qt.ItemDataRole.UserRole + 2) or ""
        return all(m in texte for m in self.mots)


class PagePorteurs(QWidget):
    porteur_demande = Signal(int)
    nouveau_demande = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.modele = QStandardItemModel(0, 6, self)
        self.modele.setHorizontalHeaderLabels(["Nom", "Sigle", "Type", "SIRET", "Ville", "Dossiers"])
        self.filtre = _Filtre(self)
        self.filtre.setSourceModel(self.modele)
        self.filtre.setSortRole(Qt.ItemDataRole.UserRole + 3)
        self.recherche = QLineEdit()
        self.recherche.setPlaceholderText("Rechercher un porteur (nom, sigle, SIRET, ville)…")
        self.recherche.setClearButtonEnabled(True)
        self.recherche.setAccessibleName("Rechercher un porteur")
        self.recherche.textChanged.connect(self._filtrer)
        self.compte = QLabel()
        self.nouveau = QPushButton("&Nouveau porteur…")
        self.nouveau.clicked.connect(self.nouveau_demande)
        self.table = QTableView()
        self.table.setModel(self.filtre)
        self.table.setAccessibleName("Répertoire des porteurs")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for colonne, largeur in ((1, 90), (2, 190), (3, 130), (4, 140), (5, 80)):
            self.table.horizontalHeader().resizeSection(colonne, largeur)
        self.table.doubleClicked.connect(self._ouvrir)
        self.table.activated.connect(self._ouvrir)
        barre = QHBoxLayout()
        barre.addWidget(self.recherche, 1)
        barre.addWidget(self.compte)
        barre.addWidget(self.nouveau)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(8, 8, 8, 8)
        disposition.addLayout(barre)
        disposition.addWidget(self.table, 1)

    def afficher(self, lignes: list[LignePorteur]) -> None:
        self.modele.setRowCount(0)
        for p in lignes:
            valeurs = (p.nom, p.sigle or "", domaine.libelle_type(p.type), p.siret or "", p.ville or "", str(p.dossiers))
            items = []
            for colonne, valeur in enumerate(valeurs):
                item = QStandardItem(valeur)
                item.setData(p.id, Qt.ItemDataRole.UserRole + 1)
                item.setData(p.dossiers if colonne == 5 else pour_recherche(valeur), Qt.ItemDataRole.UserRole + 3)
                if colonne == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                items.append(item)
            items[0].setData(pour_recherche(" ".join(valeurs[:5])), Qt.ItemDataRole.UserRole + 2)
            self.modele.appendRow(items)
        self._compter()

    def _filtrer(self, texte: str) -> None:
        changer_filtre(self.filtre, lambda: setattr(self.filtre, "mots", mots(texte)))
        self._compter()

    def _compter(self) -> None:
        self.compte.setText(f"{self.filtre.rowCount()} porteur(s)")

    def _ouvrir(self, index) -> None:
        self.porteur_demande.emit(index.data(Qt.ItemDataRole.UserRole + 1))
