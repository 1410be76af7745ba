"""La page « Programmation » (menu Comité) : le tableau d'une campagne, dossier par dossier et cofinanceur par
cofinanceur, ses scénarios, ses totaux contre les enveloppes.

* en haut : la campagne, le scénario (nouveau, dupliquer, renommer, supprimer), l'export du classeur ;
  les filtres (recherche, état, quartier, axe, dossiers prêts pour le comité) et les colonnes montrées ;
* le bandeau des enveloppes (``BandeauEnveloppes``) : enveloppe / décidé / scénario / reste, à chaque frappe ;
  les enveloppes par axe du projet de territoire, quand il y en a, y ont leurs colonnes (case « Par axe ») ;
* le tableau (``ModeleProgrammation``) : le numéro et l'intitulé restent en place quand il défile vers la
  droite (``ColonnesGelees``) ; les cases « Scénario » se tapent comme dans un tableur — taper
  remplace, Entrée valide et descend, Tab avance, Suppr vide ; un montant mal tapé est refusé avec un message
  clair et la saisie reste dans la case ; un montant au-delà de la demande demande sa justification ;
* en pied, toujours visible : les totaux des dossiers affichés, l'enveloppe, le programmé et le reste de chaque
  cofinanceur (un second tableau aux colonnes synchronisées, qui défile avec le premier).

Chaque saisie met le modèle à jour tout de suite puis part au service (``actions.programmation``) hors du fil
de l'interface, une à la fois et dans l'ordre ; un refus du service remet la case à sa valeur et le dit.

À côté : le tableau saisi et son pied (``table_programmation.py``), la barre des filtres
(``filtres_programmation.py``), les commandes de scénario et l'export (``scenarios.py``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent
from instruction.domaine import programmation as prog
from instruction.services.actions import PROGRAMMATION
from instruction.services.actions import programmation as actions
from instruction.ui.champs import etiquette_erreur
from instruction.ui.colonnes_gelees import ColonnesGelees
from instruction.ui.comite.bandeau_enveloppes import BandeauEnveloppes
from instruction.ui.comite.filtres_programmation import FiltresProgrammation
from instruction.ui.comite.modele_programmation import ModeleProgrammation
from instruction.ui.comite.scenarios import CommandesScenarios
from instruction.ui.comite.table_programmation import (
    LIGNES_PIED,
    DelegueProgrammation,
    ModelePied,
    TableProgrammation,
)
from instruction.ui.operation import Operation

COLONNES_GELEES = 2  # le numéro et l'intitulé


class PageProgrammation(CommandesScenarios, QWidget):
    titre_change = Signal(str)

    def __init__(self, contexte, campagne_id: int | None = None) -> None:
        super().__init__()
        self.contexte = contexte
        self.titre_onglet = "Programmation"
        self.campagne_id = campagne_id
        self._envois: list[tuple] = []  # saisies à envoyer, dans l'ordre
        self._envoi_en_cours = False
        self._en_attente_de_lecture = False
        self.modele = ModeleProgrammation(self)
        self._construire()
        self.modele.montant_saisi.connect(self._montant_saisi)
        self.modele.decision_choisie.connect(self._decision_choisie)
        self.modele.totaux_changes.connect(self._bandeau)
        self.modele.modelReset.connect(self._compter)
        self._charger_campagnes()

    # --- Construction ---------------------------------------------------------------------------------------

    def _construire(self) -> None:
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.setSpacing(4)
        haut = QHBoxLayout()
        haut.addWidget(QLabel("Campagne :"))
        self.campagnes = QComboBox()
        self.campagnes.setAccessibleName("Campagne à programmer")
        self.campagnes.setMinimumContentsLength(26)
        self.campagnes.currentIndexChanged.connect(self._campagne_choisie)
        haut.addWidget(self.campagnes)
        haut.addSpacing(12)
        haut.addWidget(QLabel("Scénario :"))
        self.scenarios = QComboBox()
        self.scenarios.setAccessibleName("Scénario")
        self.scenarios.setMinimumContentsLength(22)
        self.scenarios.currentIndexChanged.connect(self._scenario_choisi)
        haut.addWidget(self.scenarios)
        self.bouton_nouveau = QPushButton("Nouveau…")
        self.bouton_nouveau.setToolTip("Un nouveau scénario, pré-rempli avec les propositions de l'instructeur")
        self.bouton_nouveau.clicked.connect(self.nouveau_scenario)
        self.bouton_dupliquer = QPushButton("Dupliquer…")
        self.bouton_dupliquer.setToolTip("Une copie du scénario pour essayer une variante")
        self.bouton_dupliquer.clicked.connect(self.dupliquer_scenario)
        self.bouton_renommer = QPushButton("Renommer…")
        self.bouton_renommer.clicked.connect(self.renommer_scenario)
        self.bouton_supprimer = QPushButton("Supprimer")
        self.bouton_supprimer.clicked.connect(self.supprimer_scenario)
        for bouton in (self.bouton_nouveau, self.bouton_dupliquer, self.bouton_renommer, self.bouton_supprimer):
            haut.addWidget(bouton)
        haut.addStretch(1)
        self.bouton_exporter = QPushButton("Exporter…")
        self.bouton_exporter.setToolTip("Le classeur de la programmation : une synthèse, une feuille par cofinanceur")
        self.bouton_exporter.clicked.connect(self.exporter)
        haut.addWidget(self.bouton_exporter)
        disposition.addLayout(haut)

        self.filtres = FiltresProgrammation()
        self.filtres.criteres_changes.connect(self.modele.definir_criteres)
        self.filtres.colonnes_choisies.connect(self._colonnes_choisies)
        disposition.addWidget(self.filtres)
        self.modele.definir_sous_colonnes(self.filtres.sous_colonnes())

        self.bandeau = BandeauEnveloppes(self)
        disposition.addWidget(self.bandeau)
        self.message = etiquette_erreur()
        self._style_erreur = self.message.styleSheet()
        self.message.hide()
        disposition.addWidget(self.message)

        self.table = TableProgrammation()
        self.table.setModel(self.modele)
        self.table.setAccessibleName("Tableau de programmation")
        self.delegue = DelegueProgrammation(self.modele, self.table)
        self.delegue.refus.connect(self._saisie_refusee)
        self.table.setItemDelegate(self.delegue)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        disposition.addWidget(self.table, 1)

        self.pied = QTableView()
        self.modele_pied = ModelePied(self.modele)
        self.pied.setModel(self.modele_pied)
        self.pied.setAccessibleName("Totaux de la programmation")
        self.pied.horizontalHeader().hide()
        self.pied.verticalHeader().hide()
        self.pied.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pied.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pied.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.pied.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pied.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pied.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.pied.setFixedHeight(len(LIGNES_PIED) * (self.fontMetrics().height() + 6) + 4)
        disposition.addWidget(self.pied)
        self.table.horizontalHeader().sectionResized.connect(
            lambda colonne, _ancienne, nouvelle: self.pied.setColumnWidth(colonne, nouvelle))
        self.table.horizontalScrollBar().valueChanged.connect(self.pied.horizontalScrollBar().setValue)
        self.table.gel = ColonnesGelees(self.table, COLONNES_GELEES, nom="Numéro et intitulé (colonnes gelées)")
        self.pied_gele = ColonnesGelees(self.pied, COLONNES_GELEES, nom="Libellés des totaux (colonnes gelées)")

        self.etat = QLabel()
        self.etat.setStyleSheet("color: #555;")
        disposition.addWidget(self.etat)

    def _bandeau(self, _code: str) -> None:
        """Le bandeau suit chaque saisie (le modèle a déjà recalculé les totaux du cofinanceur touché ; le
        bandeau ne change que ses textes), enveloppes par axe comprises."""
        self.bandeau.afficher(self.modele.situations(axes=True))

    # --- Campagnes et scénarios -------------------------------------------------------------------------------

    def _charger_campagnes(self) -> None:
        Operation(actions.campagnes, self.contexte, parent=self).apres(self._campagnes_lues).refus(
            self._dire).lancer()

    def _campagnes_lues(self, campagnes) -> None:
        self.campagnes.blockSignals(True)
        self.campagnes.clear()
        for c in campagnes:
            self.campagnes.addItem(c.libelle, c.id)
        index = self.campagnes.findData(self.campagne_id) if self.campagne_id is not None else 0
        self.campagnes.setCurrentIndex(max(index, 0))
        self.campagnes.blockSignals(False)
        if campagnes:
            self._campagne_choisie()
        else:
            self._dire("Aucune campagne dans la base : créez-en une (Fichier › Nouvelle campagne…).")

    def _campagne_choisie(self, *_args) -> None:
        self.campagne_id = self.campagnes.currentData()
        self.relire(scenario_id=None)

    def _scenario_choisi(self, *_args) -> None:
        if self.campagne_id is not None:
            self.relire(scenario_id=self.scenarios.currentData())

    def relire(self, scenario_id: int | None | bool = False) -> None:
        """Relit le tableau (le scénario courant, sauf si on en donne un ; None : le dernier créé)."""
        if self.campagne_id is None:
            return
        if scenario_id is False:
            scenario_id = self.modele.scenario.id if self.modele.scenario else None
        self._en_attente_de_lecture = True
        self.etat.setText("Lecture de la programmation…")
        Operation(actions.ouvrir, self.contexte, self.campagne_id, scenario_id, parent=self).apres(
            self.afficher).refus(self._dire).lancer()

    def afficher(self, tableau) -> None:
        self._en_attente_de_lecture = False
        self.titre_onglet = f"Programmation {tableau.campagne.libelle}"
        self.titre_change.emit(self.titre_onglet)
        self.filtres.remplir(tableau)
        self.scenarios.blockSignals(True)
        self.scenarios.clear()
        self.scenarios.addItem("(aucun : décisions seules)", None)
        for s in tableau.scenarios:
            self.scenarios.addItem(s.nom, s.id)
        self.scenarios.setCurrentIndex(max(0, self.scenarios.findData(tableau.scenario.id if tableau.scenario else None)))
        self.scenarios.blockSignals(False)
        self.modele.remplacer(tableau)
        self._ajuster_colonnes()
        campagne = tableau.campagne
        Operation(actions.enveloppes, self.contexte, campagne.annee, campagne.dispositif, parent=self).apres(
            lambda liste: self._enveloppes_lues(campagne.id, liste)).refus(self._dire).lancer()
        self._droits()
        if tableau.scenario is None and tableau.lignes:
            self._dire("Aucun scénario choisi : « Nouveau… » en crée un, pré-rempli avec les propositions de "
                       "l'instructeur, pour simuler la programmation sans toucher aux décisions.", erreur=False)
        else:
            self.message.hide()

    def _enveloppes_lues(self, campagne_id: int, enveloppes) -> None:
        """Les enveloppes par axe de la campagne : le bandeau leur donne une colonne chacune."""
        if self.modele.tableau is not None and self.modele.tableau.campagne.id == campagne_id:
            self.modele.definir_enveloppes_axes({(e.financeur, e.axe): e.montant for e in enveloppes if e.axe})

    def _ajuster_colonnes(self) -> None:
        entete = self.table.horizontalHeader()
        largeurs = {"numero": 104, "intitule": 220, "porteur": 150, "etat": 92, "decision": 84, "egalite": 50,
                    "quartiers": 130, "axes": 90}
        for colonne, (genre, code) in enumerate(self.modele.colonnes):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.Interactive)
            largeur = largeurs.get(genre, 96) if code is None else 92
            self.table.setColumnWidth(colonne, largeur)
            self.pied.setColumnWidth(colonne, largeur)
        entete.setMinimumHeight(2 * self.fontMetrics().height() + 10)

    def _colonnes_choisies(self, choisies: tuple[str, ...]) -> None:
        self.modele.definir_sous_colonnes(choisies)
        self._ajuster_colonnes()

    def _compter(self) -> None:
        scenario = self.modele.scenario
        ouverts = sum(1 for l in self.modele.lignes if not l.tranche)
        self.etat.setText(
            f"{self.modele.rowCount()} dossier(s) affiché(s) sur {self.modele.nombre_total()} ; {ouverts} pas encore "
            "tranché(s)" + (f" ; scénario « {scenario.nom} » : tapez les montants dans les colonnes « Scénario »"
                            if scenario else ""))

    def _droits(self) -> None:
        peut = self.contexte.utilisateur.peut("programmation.simuler")
        scenario = self.modele.scenario is not None
        self.bouton_nouveau.setEnabled(peut)
        for bouton in (self.bouton_dupliquer, self.bouton_renommer, self.bouton_supprimer):
            bouton.setEnabled(peut and scenario)
        if not peut:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    # --- Saisie ------------------------------------------------------------------------------------------------

    def _dire(self, texte: str, erreur: bool = True) -> None:
        self.message.setText(texte)
        self.message.setStyleSheet(self._style_erreur if erreur else "color: #1f3a5f;")
        self.message.setVisible(bool(texte))

    def _saisie_refusee(self, index, texte: str, message: str) -> None:
        """Un montant mal tapé : le message, et la case rouverte avec la saisie (rien n'est perdu)."""
        self._dire(message)
        self.table.refus_en_cours = True
        persistant = index

        def rouvrir() -> None:
            self.table.refus_en_cours = False
            self.table.setCurrentIndex(persistant)
            self.delegue.texte_repris = texte
            self.table.edit(persistant)

        QTimer.singleShot(0, rouvrir)

    def _montant_saisi(self, dossier_id: int, financeur: str, ancien, nouveau) -> None:
        self.message.hide()
        ligne = next(l for l in self.modele.lignes if l.dossier_id == dossier_id)
        demande = ligne.cellule(financeur).demande or prog.ZERO
        justification = None
        if nouveau is not None and nouveau > demande:
            justification, ok = QInputDialog.getText(
                self, "Montant au-delà de la demande",
                f"{self.modele.sigle(financeur)} : {argent.formater(nouveau)} pour {argent.formater(demande)} demandés "
                f"au dossier {ligne.numero}.\nPourquoi ce dépassement ? (gardé avec le montant)")
            if not ok or not justification.strip():
                self.modele.poser_montant(dossier_id, financeur, ancien, ligne.cellule(financeur).justification)
                self._dire("Montant non retenu : un montant au-delà de la demande dit pourquoi.")
                return
            self.modele.poser_montant(dossier_id, financeur, nouveau, justification.strip())
        self._envoyer(("montant", dossier_id, financeur, ancien, nouveau, justification))

    def _decision_choisie(self, dossier_id: int, ancienne, nouvelle) -> None:
        self.message.hide()
        self._envoyer(("decision", dossier_id, ancienne, nouvelle))

    def _envoyer(self, envoi: tuple) -> None:
        self._envois.append(envoi)
        self._envoyer_suivant()

    def _envoyer_suivant(self) -> None:
        if self._envoi_en_cours or not self._envois or self.modele.scenario is None:
            self._compter_envois()
            return
        envoi = self._envois.pop(0)
        self._envoi_en_cours = True
        self._compter_envois()
        scenario_id = self.modele.scenario.id
        if envoi[0] == "montant":
            _genre, dossier_id, financeur, ancien, nouveau, justification = envoi
            operation = Operation(actions.saisir_montant, self.contexte, scenario_id, dossier_id, financeur, nouveau,
                                  justification, parent=self)
            defaire = lambda: self.modele.poser_montant(dossier_id, financeur, ancien)  # noqa: E731
        else:
            _genre, dossier_id, ancienne, nouvelle = envoi
            operation = Operation(actions.choisir_decision, self.contexte, scenario_id, dossier_id, nouvelle,
                                  parent=self)
            defaire = lambda: self.relire()  # noqa: E731 — les montants retirés reviennent de la base
        operation.apres(lambda _valeur: self._envoye()).echec(
            lambda erreur, _trace: self._envoi_refuse(erreur, defaire)).lancer()

    def _envoye(self) -> None:
        self._envoi_en_cours = False
        self._envoyer_suivant()

    def _envoi_refuse(self, erreur, defaire) -> None:
        from instruction.domaine.erreurs import ErreurInstruction
        from instruction.ui import erreurs

        self._envoi_en_cours = False
        defaire()
        if isinstance(erreur, ErreurInstruction):
            self._dire(erreur.message)
        else:
            self._dire("La saisie n'a pas été enregistrée ; rien n'a été modifié.")
            erreurs.montrer(erreur, "", self)
        self._envoyer_suivant()

    def _compter_envois(self) -> None:
        attente = len(self._envois) + (1 if self._envoi_en_cours else 0)
        self._compter()
        if attente:
            self.etat.setText(self.etat.text() + f" — {attente} saisie(s) en cours d'enregistrement…")

    def en_attente(self) -> int:
        return len(self._envois) + (1 if self._envoi_en_cours else 0)

    # --- Protocole des onglets de travail ---------------------------------------------------------------------

    def sur_changement(self, changements, origine=None) -> None:
        from instruction.services.actions import COMITE, INSTRUCTION

        if origine is self or self._envois or self._envoi_en_cours:
            return  # nos propres saisies sont déjà à l'écran
        if changements.touche(PROGRAMMATION, INSTRUCTION, COMITE):
            self.relire()

    def demander_fermeture(self) -> bool:
        if self.en_attente():
            QMessageBox.information(self, "Programmation", "Des saisies sont en cours d'enregistrement : "
                                    "attendez un instant avant de fermer l'onglet.")
            return False
        return True

