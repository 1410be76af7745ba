"""Un tableau de lignes modifiables (séances, indicateurs, lignes de budget, contacts).

Chaque ligne est un dictionnaire de textes bruts : ce que l'utilisateur tape est gardé
tel quel, même invalide. Les erreurs de validation (« budget.3.montant ») colorent la
cellule en cause et s'affichent dans son infobulle et sous le tableau.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from instruction.ui.champs import STYLE_ERREUR

Index = QModelIndex | QPersistentModelIndex
FOND_ERREUR = QColor("#fde7ea")


@dataclass
class Colonne:
    cle: str
    titre: str
    largeur: int = 120
    choix: dict[str, str] | None = None  # code → libellé : une liste déroulante
    droite: bool = False
    etirer: bool = False
    aide: str = ""
    defaut: str = ""
    libelles_courts: dict[str, str] = field(default_factory=dict)


class ModeleLignes(QAbstractTableModel):
    lignes_modifiees = Signal()

    def __init__(self, colonnes: list[Colonne], prefixe: str, parent=None, fixes: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.colonnes = colonnes
        self.prefixe = prefixe  # « budget », « seances »… : début des clés d'erreur
        self.fixes = fixes or {}  # valeurs sans colonne, communes à toutes les lignes (le sens d'un budget…)
        self._lignes: list[dict[str, str]] = []
        self._cles: list[int] = []  # rang de la ligne dans la saisie complète (pour les clés d'erreur)
        self._erreurs: dict[tuple[int, str], str] = {}
        self.dataChanged.connect(lambda *_: self.lignes_modifiees.emit())
        self.rowsInserted.connect(lambda *_: self.lignes_modifiees.emit())
        self.rowsRemoved.connect(lambda *_: self.lignes_modifiees.emit())

    # --- Données ----------------------------------------------------------------------------

    def remplacer(self, lignes: list[dict[str, str]], rangs: list[int] | None = None) -> None:
        self.beginResetModel()
        self._lignes = [{c.cle: str(l.get(c.cle) or "") for c in self.colonnes} | _extra(l, self.colonnes) for l in lignes]
        self._cles = rangs if rangs is not None else list(range(len(lignes)))
        self._erreurs = {}
        self.endResetModel()

    def lignes(self) -> list[dict[str, str]]:
        return [dict(l) for l in self._lignes]

    def rangs(self) -> list[int]:
        return list(self._cles)

    def numeroter(self, debut: int) -> int:
        """Rang de chaque ligne dans la saisie complète (clés d'erreur) ; rend le rang suivant."""
        self._cles = list(range(debut, debut + len(self._lignes)))
        return debut + len(self._lignes)

    def ajouter(self, valeurs: dict[str, str] | None = None) -> int:
        rang = len(self._lignes)
        self.beginInsertRows(QModelIndex(), rang, rang)
        ligne = {c.cle: c.defaut for c in self.colonnes} | dict(self.fixes)
        ligne.update(valeurs or {})
        self._lignes.append(ligne)
        self._cles.append(max(self._cles, default=-1) + 1)
        self.endInsertRows()
        return rang

    def supprimer(self, rang: int) -> None:
        if 0 <= rang < len(self._lignes):
            self.beginRemoveRows(QModelIndex(), rang, rang)
            del self._lignes[rang]
            del self._cles[rang]
            self.endRemoveRows()

    def definir_erreurs(self, erreurs: Mapping[str, str]) -> list[str]:
        """Garde les erreurs qui concernent ce tableau ; rend leurs messages."""
        self._erreurs = {}
        messages = []
        positions = {cle: rang for rang, cle in enumerate(self._cles)}
        for cle, message in erreurs.items():
            morceaux = cle.split(".")
            if morceaux[0] != self.prefixe or len(morceaux) < 3 or not morceaux[1].isdigit():
                continue
            rang = positions.get(int(morceaux[1]))
            if rang is not None:
                self._erreurs[(rang, morceaux[2])] = message
                messages.append(message)
        if self._lignes:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._lignes) - 1, len(self.colonnes) - 1))
        return messages

    def premiere_erreur(self) -> QModelIndex | None:
        if not self._erreurs:
            return None
        rang, cle = min(self._erreurs)
        colonne = next((i for i, c in enumerate(self.colonnes) if c.cle == cle), 0)
        return self.index(rang, colonne)

    # --- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._lignes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.colonnes)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.colonnes):
            colonne = self.colonnes[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return colonne.titre
            if role == Qt.ItemDataRole.ToolTipRole and colonne.aide:
                return colonne.aide
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._lignes)):
            return None
        colonne = self.colonnes[index.column()]
        valeur = self._lignes[index.row()].get(colonne.cle, "")
        erreur = self._erreurs.get((index.row(), colonne.cle))
        if role == Qt.ItemDataRole.DisplayRole:
            if colonne.choix is not None:
                return (colonne.libelles_courts or colonne.choix).get(valeur, valeur)
            return valeur
        if role == Qt.ItemDataRole.EditRole:
            return valeur
        if role == Qt.ItemDataRole.BackgroundRole and erreur:
            return QBrush(FOND_ERREUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return erreur or (colonne.choix or {}).get(valeur) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and colonne.droite:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, valeur, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        colonne = self.colonnes[index.column()]
        texte = "" if valeur is None else str(valeur)
        if self._lignes[index.row()].get(colonne.cle) == texte:
            return False
        self._lignes[index.row()][colonne.cle] = texte
        self._erreurs.pop((index.row(), colonne.cle), None)
        self.dataChanged.emit(index, index)
        return True


def _extra(ligne: Mapping[str, str], colonnes: list[Colonne]) -> dict[str, str]:
    """Les valeurs d'une ligne qui n'ont pas de colonne (le sens d'une ligne de budget…) sont gardées."""
    connues = {c.cle for c in colonnes}
    return {k: str(v or "") for k, v in ligne.items() if k not in connues}


class DelegueChoix(QStyledItemDelegate):
    """Une liste déroulante pour les colonnes à choix."""

    def __init__(self, choix: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.choix = choix

    def createEditor(self, parent, _option, _index):
        liste = QComboBox(parent)
        for code, libelle in self.choix.items():
            liste.addItem(libelle, code)
        return liste

    def setEditorData(self, editeur: QComboBox, index) -> None:
        rang = editeur.findData(index.data(Qt.ItemDataRole.EditRole))
        editeur.setCurrentIndex(max(rang, 0))

    def setModelData(self, editeur: QComboBox, modele, index) -> None:
        modele.setData(index, editeur.currentData(), Qt.ItemDataRole.EditRole)


class TableauLignes(QWidget):
    """Le tableau, ses boutons d'ajout et de suppression, et la liste de ses erreurs."""

    def __init__(self, colonnes: list[Colonne], prefixe: str, titre: str, *, ajout: str = "Ajouter une ligne",
                 hauteur: int = 150, fixes: dict[str, str] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.modele = ModeleLignes(colonnes, prefixe, self, fixes)
        self.table = QTableView()
        self.table.setModel(self.modele)
        self.table.setAccessibleName(titre)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setTabKeyNavigation(True)
        self.table.setMinimumHeight(hauteur)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        entete = self.table.horizontalHeader()
        for rang, colonne in enumerate(colonnes):
            entete.resizeSection(rang, colonne.largeur)
            if colonne.etirer:
                entete.setSectionResizeMode(rang, QHeaderView.ResizeMode.Stretch)
            if colonne.choix is not None:
                self.table.setItemDelegateForColumn(rang, DelegueChoix(colonne.choix, self.table))
        self.bouton_ajouter = QPushButton(ajout)
        self.bouton_ajouter.setToolTip("Ajouter une ligne (Ctrl+Insert dans le tableau)")
        self.bouton_ajouter.clicked.connect(self.ajouter_ligne)
        self.bouton_supprimer = QPushButton("Supprimer la ligne")
        self.bouton_supprimer.setToolTip("Supprimer la ligne choisie (Ctrl+Suppr dans le tableau)")
        self.bouton_supprimer.clicked.connect(self.supprimer_ligne)
        # Le raccourci ne vaut que dans le tableau qui a le focus (et son éditeur de cellule) : avec le
        # contexte « fenêtre » par défaut, deux tableaux d'un même écran (charges et produits du budget)
        # ou de deux onglets le rendaient ambigu, et Qt n'exécutait alors aucun des deux.
        for touches, geste in (("Ctrl+Ins", self.ajouter_ligne), ("Ctrl+Del", self.supprimer_ligne)):
            raccourci = QShortcut(QKeySequence(touches), self.table, activated=geste)
            raccourci.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.erreurs = QLabel()
        self.erreurs.setStyleSheet(STYLE_ERREUR)
        self.erreurs.setWordWrap(True)
        self.erreurs.hide()
        boutons = QHBoxLayout()
        boutons.addWidget(self.bouton_ajouter)
        boutons.addWidget(self.bouton_supprimer)
        boutons.addStretch(1)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(0, 0, 0, 0)
        disposition.addWidget(self.table, 1)
        disposition.addLayout(boutons)
        disposition.addWidget(self.erreurs)

    def ajouter_ligne(self) -> None:
        rang = self.modele.ajouter()
        index = self.modele.index(rang, 0)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def supprimer_ligne(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.modele.supprimer(index.row())

    def afficher_erreurs(self, erreurs: Mapping[str, str]) -> QWidget | None:
        messages = self.modele.definir_erreurs(erreurs)
        self.erreurs.setText("\n".join(dict.fromkeys(messages)))
        self.erreurs.setVisible(bool(messages))
        premiere = self.modele.premiere_erreur()
        if premiere is not None:
            self.table.setCurrentIndex(premiere)
            return self.table
        return None
