"""L'onglet « Dossiers » : le tableau de tous les dossiers, triable, avec une recherche."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from typing import TYPE_CHECKING

from instruction.ui.barre_filtres import BarreFiltres

if TYPE_CHECKING:
    from instruction.services.lignes import LigneDossier
    from instruction.ui.modele_dossiers import ModeleDossiers



class PageDossiers(QWidget):
    demo_demandee = Signal()
    reessai_demande = Signal()
    export_demande = Signal()
    ouverture_demandee = Signal(list)  # identifiants des dossiers à ouvrir
    nouveau_demande = Signal()
    brouillons_demandes = Signal()
    connexion_demandee = Signal()
    emprunt_demande = Signal(list)  # identifiants des dossiers à emprunter (travail hors ligne)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._modele = None
        self.filtres = BarreFiltres()
        self.filtres.change.connect(self._appliquer_criteres)
        self.filtres.effacer.clicked.connect(self.effacer_filtres)
        self.filtres.bouton_enregistrer.clicked.connect(self.filtres.demander_enregistrement)
        self.filtres.bouton_supprimer.clicked.connect(self.filtres.demander_suppression)
        self.filtres.enregistres.activated.connect(self._choisir_filtre_enregistre)

        self.recherche = QLineEdit()
        self.recherche.setPlaceholderText("Rechercher un numéro, un intitulé, un porteur, un quartier, un état…")
        self.recherche.setClearButtonEnabled(True)
        self.recherche.setAccessibleName("Rechercher dans les dossiers")
        self.recherche.textChanged.connect(self._filtrer)
        # Le chemin du clavier : taper, puis Bas ou Entrée pour descendre dans les résultats.
        self.recherche.returnPressed.connect(self.aller_aux_resultats)
        # (le raccourci Bas est posé après la première peinture : ``installer_raccourcis``)
        self.compte = QLabel()
        self.compte.setAccessibleName("Nombre de dossiers affichés")
        self.bouton_export = QPushButton("Exporter…")
        self.bouton_export.setToolTip(
            "Enregistrer les dossiers affichés (ou ceux sélectionnés), dans l'ordre affiché, avec les colonnes "
            "choisies (jeux enregistrés) : classeur .xlsx ou .ods, ou fichier .csv"
        )
        self.bouton_export.clicked.connect(self.export_demande)
        self.bouton_nouveau = QPushButton("&Nouveau dossier")
        self.bouton_nouveau.setToolTip("Saisir un nouveau dossier (Ctrl+N)")
        self.bouton_nouveau.clicked.connect(self.nouveau_demande)
        self.bouton_brouillons = QPushButton("Brouillons")
        self.bouton_brouillons.setToolTip("Reprendre un nouveau dossier laissé en brouillon")
        self.bouton_brouillons.clicked.connect(self.brouillons_demandes)
        self.bouton_brouillons.hide()
        barre = QHBoxLayout()
        barre.addWidget(self.recherche, 1)
        barre.addWidget(self.compte)
        barre.addWidget(self.filtres.barre_enregistres)
        barre.addWidget(self.bouton_nouveau)
        barre.addWidget(self.bouton_brouillons)
        barre.addWidget(self.bouton_export)

        # Le modèle n'est branché sur la vue qu'à l'arrivée des premières lignes (``_brancher``) :
        # brancher un modèle Python fait créer par PySide l'espace de noms ``Qt`` (une quinzaine
        # de millisecondes), qu'on ne veut pas payer avant la première peinture de la fenêtre.
        self.table = QTableView()
        self.table.setAccessibleName("Tableau des dossiers")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.doubleClicked.connect(lambda _index: self.ouvrir_selection())
        self.table.activated.connect(lambda _index: self.ouvrir_selection())
        self.table.setToolTip("Double-cliquer (ou Entrée) pour ouvrir ; Ctrl ou Maj pour choisir plusieurs dossiers")
        self._branche = False
        # La ligne de total : les dossiers affichés (recherche et filtres), ou la sélection s'il y en a plusieurs.
        self.totaux = QLabel()
        self.totaux.setAccessibleName("Total des dossiers affichés")
        self.totaux.setStyleSheet("font-weight: bold; padding: 3px 2px;")

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.bouton_demo = QPushButton("Remplir avec les campagnes de démonstration")
        self.bouton_demo.clicked.connect(self.demo_demandee)
        self.bouton_reessai = QPushButton("Réessayer")
        self.bouton_reessai.clicked.connect(self.reessai_demande)
        self.bouton_connexion = QPushButton("Se connecter…")
        self.bouton_connexion.clicked.connect(self.connexion_demandee)
        self._demo_permise = True
        panneau = QWidget()
        colonne = QVBoxLayout(panneau)
        colonne.addStretch(1)
        colonne.addWidget(self.message)
        for bouton in (self.bouton_demo, self.bouton_reessai, self.bouton_connexion):
            ligne = QHBoxLayout()
            ligne.addStretch(1)
            ligne.addWidget(bouton)
            ligne.addStretch(1)
            colonne.addLayout(ligne)
        colonne.addStretch(2)

        self.pile = QStackedWidget()
        self.pile.addWidget(self.table)
        self.pile.addWidget(panneau)

        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(8, 8, 8, 8)
        disposition.addLayout(barre)
        disposition.addWidget(self.filtres)
        disposition.addWidget(self.pile, 1)
        disposition.addWidget(self.totaux)
        self.afficher_message("Ouverture de la base de données…")

    # --- États de la page ------------------------------------------------------------------

    def installer_raccourcis(self) -> None:
        """Après la première peinture : l'espace de noms ``Qt`` de PySide (une quinzaine de ms) ne se crée
        qu'une fois la fenêtre montrée."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut

        vers_resultats = QShortcut(QKeySequence(Qt.Key.Key_Down), self.recherche, activated=self.aller_aux_resultats)
        vers_resultats.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.totaux.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def afficher_message(self, texte: str, *, demo: bool = False, reessai: bool = False,
                         connexion: bool = False) -> None:
        self.message.setText("<p align='center'>" + html.escape(texte).replace("\n", "<br>") + "</p>")
        self.bouton_demo.setVisible(demo and self._demo_permise)
        self.bouton_reessai.setVisible(reessai)
        self.bouton_connexion.setVisible(connexion)
        self.recherche.setEnabled(False)
        self.bouton_export.setEnabled(False)
        self.pile.setCurrentIndex(1)
        self.totaux.setText("")

    def autoriser_creation(self, permise: bool, demo: bool) -> None:
        """Un référent, un financeur ou un lecteur ne crée pas de dossier ; seul un administrateur remplit
        la base avec la démonstration."""
        self.bouton_nouveau.setVisible(permise)
        self._demo_permise = demo
        if not demo:
            self.bouton_demo.hide()

    def afficher_dossiers(self, lignes: list[LigneDossier], recherche: list[str] | None = None,
                          axes: dict[int, tuple[str, ...]] | None = None) -> None:
        self._brancher()
        selection = set(self.ids_selectionnes())
        self.modele.remplacer(lignes, recherche, axes)
        self.filtres.definir_lignes(lignes)
        self._reselectionner(selection)
        if not lignes:
            self.afficher_message(
                "La base ne contient encore aucun dossier.\n"
                "Vous pouvez la remplir avec les campagnes de démonstration (2023 soldée, 2027 en cours d'instruction) "
                "pour découvrir l'application.",
                demo=True,
            )
            self._mettre_a_jour_compte()
            return
        self.recherche.setEnabled(True)
        self.bouton_export.setEnabled(True)
        self.pile.setCurrentIndex(0)
        self._mettre_a_jour_compte()

    def recherche_prete(self) -> None:
        """Les textes de recherche sont arrivés : une saisie en attente vient d'être appliquée."""
        self._mettre_a_jour_compte()

    # --- Filtres ------------------------------------------------------------------------------

    def _appliquer_criteres(self) -> None:
        self.modele.definir_criteres(self.filtres.criteres())
        self._mettre_a_jour_compte()

    def effacer_filtres(self) -> None:
        self.recherche.clear()
        self.filtres.appliquer({})

    def _choisir_filtre_enregistre(self, _rang: int) -> None:
        valeurs = self.filtres.filtre_enregistre(self.filtres.enregistres.currentData() or "")
        if valeurs is not None:
            self.recherche.setText(valeurs.get("recherche", ""))
            self.filtres.appliquer(valeurs)

    def definir_brouillons(self, nombre: int) -> None:
        self.bouton_brouillons.setText(f"Brouillons ({nombre})")
        self.bouton_brouillons.setVisible(nombre > 0)

    # --- Sélection ----------------------------------------------------------------------------

    def ids_selectionnes(self) -> list[int]:
        if self.table.selectionModel() is None:
            return []
        rangs = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.modele.ligne(r).id for r in rangs if r < self.modele.rowCount()]

    def lignes_a_exporter(self) -> list[LigneDossier]:
        """Les dossiers sélectionnés s'il y en a plusieurs, sinon tous ceux affichés."""
        modele_selection = self.table.selectionModel()
        rangs = sorted({index.row() for index in modele_selection.selectedRows()}) if modele_selection else []
        if len(rangs) > 1:
            return [self.modele.ligne(r) for r in rangs]
        return self.modele.lignes_visibles()

    def aller_aux_resultats(self) -> None:
        """Met le focus sur le tableau, sur la ligne choisie ou la première affichée."""
        if self.pile.currentIndex() != 0 or not self._branche or self.modele.rowCount() == 0:
            return
        from PySide6.QtCore import QItemSelectionModel, Qt

        courant = self.table.currentIndex()
        if not courant.isValid() or not self.table.selectionModel().isRowSelected(courant.row()):
            self.table.selectionModel().setCurrentIndex(
                self.modele.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _menu_contextuel(self, position) -> None:
        """Ouvrir, choisir tous les dossiers du même porteur ou du même quartier, emprunter la sélection."""
        from PySide6.QtWidgets import QMenu

        index = self.table.indexAt(position)
        if not index.isValid() or not self._branche:
            return
        ligne = self.modele.ligne(index.row())
        if not self.table.selectionModel().isRowSelected(index.row()):
            self.table.selectRow(index.row())
        self.menu = QMenu(self)
        self.menu.addAction("&Ouvrir", self.ouvrir_selection)
        self.menu.addSeparator()
        self.menu.addAction(f"Choisir tous les dossiers de « {ligne.porteur} »",
                            lambda: self.choisir(lambda l: l.porteur_id == ligne.porteur_id))
        for code, nom in zip(ligne.codes_quartiers, ligne.quartiers.split(", "), strict=False):
            self.menu.addAction(f"Choisir tous les dossiers du quartier « {nom} »",
                                lambda c=code: self.choisir(lambda l: c in l.codes_quartiers))
        self.menu.addSeparator()
        self.menu.addAction("&Emprunter les dossiers choisis…", lambda: self.emprunt_demande.emit(self.ids_selectionnes()))
        self.menu.popup(self.table.viewport().mapToGlobal(position))

    def choisir(self, garder) -> None:
        """Choisit, parmi les dossiers affichés, ceux qui répondent à ``garder(ligne)``."""
        self._reselectionner({ligne.id for ligne in self.modele.lignes_visibles() if garder(ligne)})

    def ouvrir_selection(self) -> None:
        ids = self.ids_selectionnes()
        if ids:
            self.ouverture_demandee.emit(ids)

    def _reselectionner(self, ids: set[int]) -> None:
        if not ids:
            return
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        for rang in range(self.modele.rowCount()):
            if self.modele.ligne(rang).id in ids:
                selection.select(self.modele.index(rang, 0), self.modele.index(rang, self.modele.columnCount() - 1))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    @property
    def modele(self) -> ModeleDossiers:
        """Le modèle du tableau, créé à sa première utilisation (après la première peinture)."""
        if self._modele is None:
            from instruction.ui.modele_dossiers import ModeleDossiers

            self._modele = ModeleDossiers(self)
        return self._modele

    def _brancher(self) -> None:
        """Branche le modèle sur la vue, trié par année puis numéro, avec les largeurs de colonnes."""
        if self._branche:
            return
        from PySide6.QtCore import Qt

        from instruction.ui import modele_dossiers as md

        self._branche = True
        self.table.setModel(self.modele)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)  # choisir, emprunter (H8)
        self.table.customContextMenuRequested.connect(self._menu_contextuel)
        self.table.setSortingEnabled(True)
        # La campagne la plus récente en haut ; dans une année, l'ordre des numéros (le tri est stable).
        self.table.sortByColumn(md.ANNEE, Qt.SortOrder.DescendingOrder)
        entete = self.table.horizontalHeader()
        entete.setHighlightSections(False)
        entete.setSectionsMovable(True)
        entete.setStretchLastSection(False)
        for colonne, largeur in largeurs_de_depart().items():
            entete.resizeSection(colonne, largeur)
        entete.setSectionResizeMode(md.INTITULE, QHeaderView.ResizeMode.Stretch)
        entete.setMinimumSectionSize(50)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._mettre_a_jour_totaux())

    def _filtrer(self, texte: str) -> None:
        self.filtres.recherche = texte
        self.modele.filtrer(texte)
        self._mettre_a_jour_compte()

    def _mettre_a_jour_compte(self) -> None:
        from instruction.domaine import nombres

        total = self.modele.nombre_total()
        visibles = self.modele.rowCount()
        if total == 0:
            self.compte.setText("Aucun dossier")
        elif total == visibles:
            self.compte.setText(f"{nombres.formater(total)} dossier{'s' if total > 1 else ''}")
        else:
            self.compte.setText(f"{nombres.formater(visibles)} sur {nombres.formater(total)} dossiers")
        self._mettre_a_jour_totaux()

    def _mettre_a_jour_totaux(self) -> None:
        if not self._branche or self.modele.rowCount() == 0 or self.pile.currentIndex() != 0:
            self.totaux.setText("")
            return
        rangs = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if len(rangs) > 1:
            self.totaux.setText(f"Sélection de {self.modele.totaux(rangs).texte()}")
        else:
            filtre = self.modele.rowCount() < self.modele.nombre_total()
            self.totaux.setText(f"Total {'des dossiers affichés' if filtre else 'de la liste'}, "
                                f"{self.modele.totaux().texte()}")


def largeurs_de_depart() -> dict[int, int]:
    """Largeurs de départ pensées pour un écran de portable de bureau (1366 pixels) :
    l'intitulé prend le reste ; l'utilisateur peut tout redimensionner et déplacer."""
    from instruction.ui import modele_dossiers as md

    return {
        md.NUMERO: 112,  # la place de l'icône d'un dossier emprunté (travail hors ligne)
        md.PORTEUR: 146,
        md.DISPOSITIF: 66,
        md.ANNEE: 50,
        md.QUARTIERS: 104,
        md.ETAT: 88,
        md.DEPUIS: 78,  # « aujourd'hui » en entier
        md.COUT: 90,
        md.SUBVENTION: 90,
        md.ACCORDE: 90,
        md.DEPOT: 78,
        md.COTATIONS: 64,
        md.INSTRUCTEUR: 92,
    }
