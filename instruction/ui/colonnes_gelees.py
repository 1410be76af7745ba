"""Des colonnes gelées à gauche d'un tableau : elles restent en place quand on le fait défiler vers la droite.

Comme l'exemple « Frozen Column » de Qt : une seconde ``QTableView`` posée par-dessus la première, sur le même
modèle et la même sélection, ne montre que les ``nombre`` premières colonnes ; elle suit la largeur de ces
colonnes, la hauteur des lignes, l'en-tête et le défilement vertical du tableau. Le tableau, lui, défile
dessous au pixel près ; ``visible_a_droite`` ramène la case courante hors de la zone gelée quand on se déplace
au clavier vers la gauche (à appeler depuis ``moveCursor`` du tableau).

Un clic sur un titre gelé trie le tableau comme un clic sur son propre titre (l'indicateur de tri est partagé).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


class ColonnesGelees(QObject):
    def __init__(self, tableau: QTableView, nombre: int, *, nom: str = "Colonnes gelées") -> None:
        super().__init__(tableau)
        self.tableau = tableau
        self.nombre = nombre
        vue = self.vue = QTableView(tableau)
        vue.setObjectName("colonnesGelees")
        vue.setAccessibleName(nom)
        vue.setModel(tableau.model())
        vue.setSelectionModel(tableau.selectionModel())
        vue.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        vue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vue.setSelectionBehavior(tableau.selectionBehavior())
        vue.setSelectionMode(tableau.selectionMode())
        vue.setWordWrap(tableau.wordWrap())
        vue.verticalHeader().hide()
        vue.horizontalHeader().setVisible(not tableau.horizontalHeader().isHidden())
        vue.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vue.horizontalHeader().setDefaultAlignment(tableau.horizontalHeader().defaultAlignment())
        vue.horizontalHeader().setSortIndicatorShown(tableau.horizontalHeader().isSortIndicatorShown())
        vue.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        vue.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        vue.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        tableau.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        tableau.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Un trait à droite marque la limite de la zone gelée.
        vue.setStyleSheet("QTableView#colonnesGelees { border: none; border-right: 2px solid #9aabc2; }")
        tableau.viewport().stackUnder(vue)

        entete = tableau.horizontalHeader()
        entete.sectionResized.connect(self._largeur)
        entete.geometriesChanged.connect(self.ajuster)
        entete.sortIndicatorChanged.connect(lambda section, ordre: vue.horizontalHeader().setSortIndicator(section, ordre))
        vue.horizontalHeader().sectionClicked.connect(self._trier)
        tableau.verticalHeader().sectionResized.connect(lambda rangee, _a, hauteur: vue.setRowHeight(rangee, hauteur))
        vue.verticalHeader().setDefaultSectionSize(tableau.verticalHeader().defaultSectionSize())
        vue.verticalScrollBar().valueChanged.connect(tableau.verticalScrollBar().setValue)
        tableau.verticalScrollBar().valueChanged.connect(vue.verticalScrollBar().setValue)
        modele = tableau.model()
        for signal in (modele.modelReset, modele.layoutChanged, modele.columnsInserted, modele.columnsRemoved):
            signal.connect(self.appliquer)
        tableau.installEventFilter(self)
        tableau.viewport().installEventFilter(self)  # la barre de défilement horizontale paraît, disparaît
        self.appliquer()
        vue.show()

    # --- Synchronisation --------------------------------------------------------------------------------------

    def appliquer(self, *_args) -> None:
        """Cache les colonnes non gelées (le modèle a pu changer de colonnes) et recopie largeurs et hauteurs."""
        modele = self.tableau.model()
        for colonne in range(modele.columnCount()):
            self.vue.setColumnHidden(colonne, colonne >= self.nombre)
            if colonne < self.nombre:
                self.vue.setColumnWidth(colonne, self.tableau.columnWidth(colonne))
        self.vue.verticalHeader().setDefaultSectionSize(self.tableau.verticalHeader().defaultSectionSize())
        entete = self.tableau.horizontalHeader()
        entete_gelee = self.vue.horizontalHeader()
        entete_gelee.setSortIndicator(entete.sortIndicatorSection(), entete.sortIndicatorOrder())
        self.ajuster()

    def _largeur(self, colonne: int, _ancienne: int, nouvelle: int) -> None:
        if colonne < self.nombre:
            self.vue.setColumnWidth(colonne, nouvelle)
            self.ajuster()

    def largeur(self) -> int:
        """La largeur de la zone gelée (les colonnes gelées montrées)."""
        return sum(self.tableau.columnWidth(c) for c in range(min(self.nombre, self.tableau.model().columnCount()))
                   if not self.tableau.isColumnHidden(c))

    def ajuster(self) -> None:
        tableau = self.tableau
        entete = tableau.horizontalHeader()
        montre = not entete.isHidden()
        hauteur_entete = entete.height() if montre else 0
        if montre:
            self.vue.horizontalHeader().setFixedHeight(hauteur_entete)
        gauche = (tableau.verticalHeader().width() if not tableau.verticalHeader().isHidden() else 0) \
            + tableau.frameWidth()
        self.vue.setGeometry(gauche, tableau.frameWidth(), self.largeur() + 2,
                             tableau.viewport().height() + hauteur_entete)
        self.vue.verticalScrollBar().setValue(tableau.verticalScrollBar().value())

    def eventFilter(self, objet, evenement) -> bool:
        if objet in (self.tableau, self.tableau.viewport()) and evenement.type() in (QEvent.Type.Resize,
                                                                                     QEvent.Type.Show):
            self.ajuster()
        return False

    def _trier(self, colonne: int) -> None:
        entete = self.tableau.horizontalHeader()
        if not self.tableau.isSortingEnabled():
            return
        ordre = Qt.SortOrder.AscendingOrder
        if entete.sortIndicatorSection() == colonne and entete.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder:
            ordre = Qt.SortOrder.DescendingOrder
        self.tableau.sortByColumn(colonne, ordre)

    # --- Déplacements dans le tableau ------------------------------------------------------------------------

    def visible_a_droite(self, courant: QModelIndex) -> None:
        """Si la case courante (non gelée) passe sous la zone gelée, le tableau défile pour la montrer."""
        if not courant.isValid() or courant.column() < self.nombre:
            return
        gauche = self.tableau.visualRect(courant).left()
        if gauche < self.largeur():
            barre = self.tableau.horizontalScrollBar()
            barre.setValue(barre.value() + gauche - self.largeur())
