"""Le tableau de la page « Programmation », saisi au clavier comme un tableur, et son pied de totaux.

* ``DelegueProgrammation`` : l'éditeur des cases — un champ de montant (« Scénario »), une liste (décision) ;
  un montant mal tapé n'est pas posé, la page rouvre la case avec la saisie ;
* ``TableProgrammation`` : taper remplace, Entrée valide et descend, Tab avance, Suppr vide, r/a/f tranchent ;
  les colonnes gelées (numéro, intitulé) restent visibles ;
* ``ModelePied`` : les totaux des dossiers affichés, l'enveloppe, le programmé et le reste de chaque cofinanceur.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
)

from instruction.domaine import programmation as prog
from instruction.domaine.erreurs import DonneesInvalides
from instruction.ui.colonnes_gelees import ColonnesGelees
from instruction.ui.comite.bandeau_enveloppes import BandeauEnveloppes
from instruction.ui.comite.modele_programmation import ModeleProgrammation, montant_court

DECISIONS_TAPEES = {"r": prog.RETENU, "a": prog.AJOURNE, "f": prog.REFUSE, "x": prog.REFUSE}
LIGNES_PIED = ("Total des dossiers affichés", "Enveloppe", "Programmé (décidé + scénario)", "Reste à programmer")


class DelegueProgrammation(QStyledItemDelegate):
    """L'éditeur des cases : un champ de montant (« Scénario »), une liste (décision). Un montant mal tapé
    n'est pas posé : ``refus(index, texte, message)`` et la page rouvre la case avec la saisie."""

    refus = Signal(object, str, str)

    def __init__(self, modele: ModeleProgrammation, parent=None) -> None:
        super().__init__(parent)
        self.modele = modele
        self.texte_repris: str | None = None  # la saisie refusée, remise dans la case rouverte

    def createEditor(self, parent, option, index):
        genre, _code = self.modele.colonnes[index.column()]
        if genre == "decision":
            liste = QComboBox(parent)
            liste.addItem("Déduite des montants", None)
            for code, libelle in prog.DECISIONS.items():
                liste.addItem(libelle, code)
            return liste
        champ = QLineEdit(parent)
        champ.setAlignment(Qt.AlignmentFlag.AlignRight)
        champ.setAccessibleName("Montant du scénario")
        return champ

    def setEditorData(self, editor, index) -> None:
        genre, code = self.modele.colonnes[index.column()]
        ligne = self.modele.ligne(index.row())
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(ligne.decision)))
            return
        if self.texte_repris is not None:
            editor.setText(self.texte_repris)
            self.texte_repris = None
            return
        editor.setText(montant_court(ligne.cellule(code).simule))
        editor.selectAll()

    def setModelData(self, editor, modele, index) -> None:
        if isinstance(editor, QComboBox):
            modele.setData(index, editor.currentData())
            return
        texte = editor.text()
        genre, _code = self.modele.colonnes[index.column()]
        try:
            valeur = prog.lire_montant(texte) if texte.strip() else None
        except DonneesInvalides as erreur:
            self.refus.emit(index, texte, erreur.message)
            return
        modele.setData(index, valeur)


class TableProgrammation(QTableView):
    """Le tableau saisi au clavier : taper remplace, Entrée valide et descend, Tab avance, Suppr vide."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.refus_en_cours = False
        self.gel: ColonnesGelees | None = None

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        """Une case gelée est toujours visible à gauche : le tableau ne défile pas horizontalement pour elle ;
        une autre case n'est jamais laissée sous la zone gelée."""
        if self.gel is None or not index.isValid():
            super().scrollTo(index, hint)
            return
        barre = self.horizontalScrollBar()
        avant = barre.value()
        super().scrollTo(index, hint)
        if index.column() < self.gel.nombre:
            barre.setValue(avant)
        else:
            self.gel.visible_a_droite(index)

    def closeEditor(self, editor, hint) -> None:
        descendre = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if descendre else hint)
        if descendre and not self.refus_en_cours:
            self.deplacer(1)

    def deplacer(self, pas: int) -> None:
        courant = self.currentIndex()
        if not courant.isValid():
            return
        rangee = min(max(courant.row() + pas, 0), self.model().rowCount() - 1)
        self.setCurrentIndex(self.model().index(rangee, courant.column()))

    def keyPressEvent(self, evenement: QKeyEvent) -> None:
        cle = evenement.key()
        if self.state() != QAbstractItemView.State.EditingState:
            if cle in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.deplacer(1)
                return
            courant = self.currentIndex()
            modele = self.model()
            if cle in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and courant.isValid() and modele.editable(courant):
                modele.setData(courant, None)
                return
            genre = modele.colonnes[courant.column()][0] if courant.isValid() else None
            lettre = evenement.text().lower()
            if genre == "decision" and lettre in DECISIONS_TAPEES and modele.editable(courant):
                modele.setData(courant, DECISIONS_TAPEES[lettre])
                return
        super().keyPressEvent(evenement)


class ModelePied(QAbstractTableModel):
    """Le pied du tableau : totaux affichés, enveloppe, programmé et reste, colonne par colonne."""

    def __init__(self, modele: ModeleProgrammation) -> None:
        super().__init__()
        self.modele = modele
        modele.modelReset.connect(self._tout)
        modele.totaux_changes.connect(self._cofinanceur)

    def _tout(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _cofinanceur(self, code: str) -> None:
        if not code:
            self._tout()
            return
        colonnes = [i for i, (_g, c) in enumerate(self.modele.colonnes) if c == code]
        if colonnes:
            self.dataChanged.emit(self.index(0, colonnes[0]), self.index(len(LIGNES_PIED) - 1, colonnes[-1]))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LIGNES_PIED)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.modele.columnCount()

    def texte(self, rangee: int, colonne: int) -> str:
        genre, code = self.modele.colonnes[colonne]
        if code is None:
            return LIGNES_PIED[rangee] if genre == "intitule" else ""
        if rangee == 0:
            return montant_court(self.modele.totaux.get(code, {}).get(genre))
        # Enveloppe, programmé et reste : sous la dernière colonne montrée du cofinanceur.
        if genre != self.modele.sous_colonnes[-1]:
            return ""
        s = self.modele.situation(code)
        valeur = {1: s.enveloppe, 2: s.programme, 3: s.reste}[rangee]
        if valeur is None:
            return "aucune" if rangee == 1 else ("—" if rangee == 3 else montant_court(valeur))
        return montant_court(valeur)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texte(index.row(), index.column())
        genre, code = self.modele.colonnes[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignRight if code else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            gras = QFont()
            gras.setBold(index.row() in (0, 3))
            return gras
        if role == Qt.ItemDataRole.ForegroundRole and index.row() == 3 and code is not None:
            s = self.modele.situation(code)
            if s.reste is not None:
                return QBrush(QColor("#b00020" if s.depasse else "#2e7d32"))
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#eef3f9"))
        if role == Qt.ItemDataRole.ToolTipRole and code is not None and index.row() > 0:
            return BandeauEnveloppes._bulle(self.modele.situation(code))
        return None
