"""Les membres d'une séance du comité : qui siège, à quel titre, présent, excusé ou absent.

Un tableau (qualité, personne qui siège, trois cases exclusives Présent / Excusé / Absent), les membres que le
contrat prévoit pour l'instance (``resources/comite.yaml``) à ajouter d'un geste, et tout au clavier :

* dans les colonnes de présence, **P**, **E** ou **A** marque le membre présent, excusé ou absent et passe au
  suivant (l'appel se fait d'une traite) ; **Espace** coche la case de la colonne ;
* dans les colonnes de texte, la frappe commence la saisie (F2 aussi) ;
* **Inser** ajoute un membre (saisie de sa qualité), **Suppr** retire le membre choisi, **Ctrl+↑ / Ctrl+↓** le
  déplace (l'ordre est celui du dossier de séance et du relevé).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import comite as regles
from instruction.domaine.comite import Membre
from instruction.domaine.erreurs import DonneesInvalides

QUALITE, NOM, PRESENT, EXCUSE, ABSENT = range(5)
ENTETES = ["Qualité (ce que le membre représente)", "Personne qui siège", "Présent", "Excusé", "Absent"]
PRESENCE_DE_COLONNE = {PRESENT: regles.PRESENT, EXCUSE: regles.EXCUSE, ABSENT: regles.ABSENT}
TOUCHES_PRESENCE = {Qt.Key.Key_P: regles.PRESENT, Qt.Key.Key_E: regles.EXCUSE, Qt.Key.Key_A: regles.ABSENT}
AIDE = ("Au clavier : dans les colonnes de présence, P, E ou A (présent, excusé, absent) puis le membre suivant ; "
        "Inser ajoute un membre, Suppr le retire, Ctrl+↑ / Ctrl+↓ le déplace.")


@dataclass
class _Ligne:
    qualite: str
    nom: str
    presence: str


class ModeleMembres(QAbstractTableModel):
    """Les membres en cours de saisie ; les trois cases de présence s'excluent (une seule cochée par ligne)."""

    def __init__(self, membres: list[Membre], parent=None) -> None:
        super().__init__(parent)
        self.lignes = [_Ligne(mb.qualite, mb.nom, mb.presence) for mb in membres]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 — noms et signature imposés par Qt
        return 0 if parent.isValid() else len(self.lignes)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(ENTETES)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ENTETES[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (QUALITE, NOM):
            return base | Qt.ItemFlag.ItemIsEditable
        return base | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ligne, colonne = self.lignes[index.row()], index.column()
        if colonne in (QUALITE, NOM):
            texte = ligne.qualite if colonne == QUALITE else ligne.nom
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return texte
            if role == Qt.ItemDataRole.ToolTipRole:
                return texte or None
            return None
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if ligne.presence == PRESENCE_DE_COLONNE[colonne] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{ENTETES[colonne]} : {'oui' if ligne.presence == PRESENCE_DE_COLONNE[colonne] else 'non'}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "P, E ou A : présent, excusé, absent"
        return None

    def setData(self, index, valeur, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        ligne, colonne = self.lignes[index.row()], index.column()
        if colonne in (QUALITE, NOM) and role == Qt.ItemDataRole.EditRole:
            texte = str(valeur or "").strip()
            if colonne == QUALITE:
                ligne.qualite = texte
            else:
                ligne.nom = texte
            self.dataChanged.emit(index, index)
            return True
        if colonne in PRESENCE_DE_COLONNE and role == Qt.ItemDataRole.CheckStateRole:
            if Qt.CheckState(valeur) != Qt.CheckState.Checked:
                return False  # décocher ne veut rien dire : on coche une autre case
            return self.marquer(index.row(), PRESENCE_DE_COLONNE[colonne])
        return False

    def marquer(self, rang: int, presence: str) -> bool:
        if not 0 <= rang < len(self.lignes):
            return False
        self.lignes[rang].presence = presence
        self.dataChanged.emit(self.index(rang, PRESENT), self.index(rang, ABSENT))
        return True

    def ajouter(self, qualite: str = "", nom: str = "", rang: int | None = None) -> int:
        rang = len(self.lignes) if rang is None else max(0, min(rang, len(self.lignes)))
        self.beginInsertRows(QModelIndex(), rang, rang)
        self.lignes.insert(rang, _Ligne(qualite, nom, regles.PRESENT))
        self.endInsertRows()
        return rang

    def retirer(self, rang: int) -> None:
        if 0 <= rang < len(self.lignes):
            self.beginRemoveRows(QModelIndex(), rang, rang)
            del self.lignes[rang]
            self.endRemoveRows()

    def deplacer(self, rang: int, vers: int) -> bool:
        if not (0 <= rang < len(self.lignes) and 0 <= vers < len(self.lignes)) or rang == vers:
            return False
        # beginMoveRows : la destination est la ligne AVANT laquelle insérer, dans l'ordre d'avant le déplacement.
        self.beginMoveRows(QModelIndex(), rang, rang, QModelIndex(), vers + 1 if vers > rang else vers)
        self.lignes.insert(vers, self.lignes.pop(rang))
        self.endMoveRows()
        return True

    def membres(self) -> list[Membre]:
        return [Membre(l.qualite, l.nom, l.presence == regles.PRESENT, l.presence == regles.EXCUSE)
                for l in self.lignes]

    def qualites(self) -> set[str]:
        return {l.qualite.casefold() for l in self.lignes}


class VueMembres(QTableView):
    """Le tableau des membres, avec l'appel au clavier (P / E / A) et Inser, Suppr, Ctrl+↑ / Ctrl+↓."""

    def __init__(self, editeur: EditeurMembres) -> None:
        super().__init__(editeur)
        self.editeur = editeur

    def keyPressEvent(self, evenement) -> None:  # noqa: N802 — nom imposé par Qt
        index = self.currentIndex()
        touche, modificateurs = evenement.key(), evenement.modifiers()
        sans = modificateurs & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier
        controle = modificateurs & Qt.KeyboardModifier.ControlModifier
        if self.state() != QAbstractItemView.State.EditingState:
            if sans and touche in TOUCHES_PRESENCE and index.isValid() and index.column() in PRESENCE_DE_COLONNE:
                self.editeur.modele.marquer(index.row(), TOUCHES_PRESENCE[touche])
                if index.row() + 1 < self.editeur.modele.rowCount():
                    self.setCurrentIndex(self.editeur.modele.index(index.row() + 1, index.column()))
                return
            if sans and touche == Qt.Key.Key_Space and index.isValid() and index.column() in PRESENCE_DE_COLONNE:
                self.editeur.modele.marquer(index.row(), PRESENCE_DE_COLONNE[index.column()])
                return
            if sans and touche == Qt.Key.Key_Insert:
                self.editeur.ajouter_vide()
                return
            if sans and touche == Qt.Key.Key_Delete:
                self.editeur.retirer()
                return
            if controle and touche in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.editeur.deplacer(-1 if touche == Qt.Key.Key_Up else 1)
                return
        super().keyPressEvent(evenement)


class EditeurMembres(QWidget):
    """Le tableau des membres, les boutons d'ajout (dont la liste du contrat) et le décompte des présences."""

    def __init__(self, membres: list[Membre], instance: str | None, source: str = "", parent=None) -> None:
        super().__init__(parent)
        self.modele = ModeleMembres(list(membres), self)
        try:
            self.prevus = list(regles.instance(instance).membres) if instance else []
        except DonneesInvalides:  # une instance que le référentiel ne connaît plus : pas de liste à proposer
            self.prevus = []
        self.table = VueMembres(self)
        self.table.setModel(self.modele)
        self.table.setAccessibleName("Membres de la séance")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab sort du tableau vers les boutons ; les flèches s'y déplacent
        entete = self.table.horizontalHeader()
        entete.setSectionResizeMode(QUALITE, QHeaderView.ResizeMode.Stretch)
        entete.setSectionResizeMode(NOM, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(NOM, 230)
        for colonne in PRESENCE_DE_COLONNE:
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(colonne, max(64, entete.fontMetrics().horizontalAdvance(ENTETES[colonne]) + 22))
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)

        self.ajouter_bouton = QPushButton("&Ajouter un membre")
        self.ajouter_bouton.setToolTip("Une ligne vide sous le membre choisi, pour sa qualité et son nom (Inser)")
        self.ajouter_bouton.clicked.connect(self.ajouter_vide)
        self.depuis_liste = QToolButton()
        self.depuis_liste.setText("Ajouter depuis la &liste du contrat")
        self.depuis_liste.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.depuis_liste.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.menu_liste = QMenu(self.depuis_liste)
        self.menu_liste.aboutToShow.connect(self._remplir_menu)
        self.depuis_liste.setMenu(self.menu_liste)
        self.depuis_liste.setToolTip("Les membres que le contrat prévoit pour cette instance"
                                     + (f" ({source})" if source else "") + ", qui ne sont pas encore dans la liste")
        self.depuis_liste.setEnabled(bool(self.prevus))
        self.tous_presents = QPushButton("Tous &présents")
        self.tous_presents.clicked.connect(self._tous_presents)
        self.retirer_bouton = QPushButton("Re&tirer")
        self.retirer_bouton.setToolTip("Retire le membre choisi (Suppr)")
        self.retirer_bouton.clicked.connect(self.retirer)
        self.monter = QPushButton("Mo&nter")
        self.monter.setToolTip("Ctrl+↑")
        self.monter.clicked.connect(lambda: self.deplacer(-1))
        self.descendre = QPushButton("Descen&dre")
        self.descendre.setToolTip("Ctrl+↓")
        self.descendre.clicked.connect(lambda: self.deplacer(1))
        self.decompte = QLabel()
        self.decompte.setAccessibleName("Décompte des présences")
        aide = QLabel(AIDE)
        aide.setWordWrap(True)
        aide.setStyleSheet("color: #666666;")

        ligne = QHBoxLayout()
        for bouton in (self.ajouter_bouton, self.depuis_liste, self.tous_presents):
            ligne.addWidget(bouton)
        ligne.addStretch(1)
        for bouton in (self.monter, self.descendre, self.retirer_bouton):
            ligne.addWidget(bouton)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(0, 0, 0, 0)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(self.decompte)
        disposition.addLayout(ligne)
        disposition.addWidget(aide)
        for signal in (self.modele.dataChanged, self.modele.rowsInserted, self.modele.rowsRemoved,
                       self.modele.modelReset):
            signal.connect(lambda *_a: self._compter())
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._boutons())
        self._compter()
        if self.modele.rowCount():
            self.table.setCurrentIndex(self.modele.index(0, PRESENT))

    # --- Ce qu'on fait de la liste -----------------------------------------------------------------------

    def membres(self) -> list[Membre]:
        return self.modele.membres()

    def manquants(self) -> list[str]:
        deja = self.modele.qualites()
        return [q for q in self.prevus if q.casefold() not in deja]

    def ajouter_vide(self) -> None:
        courant = self.table.currentIndex()
        rang = self.modele.ajouter(rang=courant.row() + 1 if courant.isValid() else None)
        index = self.modele.index(rang, QUALITE)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def ajouter_prevus(self, qualites: list[str]) -> None:
        rang = -1
        for qualite in qualites:
            if qualite.casefold() not in self.modele.qualites():
                rang = self.modele.ajouter(qualite)
        if rang >= 0:
            self.table.setCurrentIndex(self.modele.index(rang, NOM))
            self.table.setFocus()

    def retirer(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        rang, colonne = index.row(), index.column()
        self.modele.retirer(rang)
        if self.modele.rowCount():
            self.table.setCurrentIndex(self.modele.index(min(rang, self.modele.rowCount() - 1), colonne))

    def deplacer(self, sens: int) -> None:
        index = self.table.currentIndex()
        if index.isValid() and self.modele.deplacer(index.row(), index.row() + sens):
            self.table.setCurrentIndex(self.modele.index(index.row() + sens, index.column()))

    def _tous_presents(self) -> None:
        for rang in range(self.modele.rowCount()):
            self.modele.marquer(rang, regles.PRESENT)

    def _remplir_menu(self) -> None:
        self.menu_liste.clear()
        manquants = self.manquants()
        if not manquants:
            action = self.menu_liste.addAction("Tous les membres prévus par le contrat sont dans la liste")
            action.setEnabled(False)
            return
        if len(manquants) > 1:
            self.menu_liste.addAction(f"Tous les membres manquants ({len(manquants)})",
                                      lambda: self.ajouter_prevus(manquants))
            self.menu_liste.addSeparator()
        for qualite in manquants:
            self.menu_liste.addAction(qualite.replace("&", "&&"), lambda q=qualite: self.ajouter_prevus([q]))

    def _compter(self) -> None:
        compte = {p: 0 for p in regles.PRESENCES}
        for ligne in self.modele.lignes:
            compte[ligne.presence] += 1
        total = len(self.modele.lignes)
        self.decompte.setText(f"{total} membre(s) : {compte[regles.PRESENT]} présent(s), "
                              f"{compte[regles.EXCUSE]} excusé(s), {compte[regles.ABSENT]} absent(s)")
        self._boutons()

    def _boutons(self) -> None:
        index = self.table.currentIndex()
        choisi = index.isValid()
        self.retirer_bouton.setEnabled(choisi)
        self.monter.setEnabled(choisi and index.row() > 0)
        self.descendre.setEnabled(choisi and index.row() < self.modele.rowCount() - 1)

