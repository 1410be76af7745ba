"""La page d'une séance du comité (menu Comité › Séances du comité, puis une séance).

* en haut : intitulé, date, lieu, état, membres présents ; « Modifier la séance… » (intitulé, date, lieu,
  membres, leur présence), « Inscrire des dossiers… », « Reprendre les propositions », « Clôturer la séance… » ;
* les documents : le dossier de séance (enregistré en PDF ou en classeur, ou « Aperçu avant impression… ») et
  le relevé de décisions d'une séance close (enregistré ou en aperçu) — l'aperçu est celui de ``ui/impression`` ;
* le bandeau des enveloppes (programmation) de l'année et du dispositif de l'ordre du jour ;
* à gauche l'ordre du jour (demandé, proposé, décision saisie, décidé) ; à droite la décision du dossier
  choisi : retenu / ajourné / refusé, un montant par cofinanceur (pré-rempli par la proposition), le motif.
  Au clavier : flèches dans l'ordre du jour, Entrée pour aller à la décision, Ctrl+Entrée pour l'enregistrer
  et passer au dossier suivant.

Tout passe par ``services.actions.comite`` (``Operation``) ; la clôture applique toutes les décisions en une
transaction, puis propose d'écrire le relevé.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, dates, etats
from instruction.domaine import comite as regles
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services.actions import COMITE
from instruction.services.actions import comite as actions
from instruction.ui import apercu_document, fichiers
from instruction.ui.champs import etiquette_erreur
from instruction.ui.comite.page_de_travail import STYLE_TITRE, PageDeTravail
from instruction.ui.operation import Operation

ROUGE, VERT, ORANGE, GRIS = "#b00020", "#1b6e20", "#8a5300", "#666666"
COULEURS = {regles.RETENU: VERT, regles.AJOURNE: ORANGE, regles.REFUSE: ROUGE}
SENS = {"favorable": "favorable", "reserve": "réservé", "defavorable": "défavorable"}


def _montant(valeur) -> str:
    return argent.formater(valeur) if valeur is not None else ""


def _cellule(texte: str, *, droite: bool = False, couleur: str | None = None, bulle: str = "") -> QTableWidgetItem:
    from PySide6.QtGui import QBrush, QColor

    cellule = QTableWidgetItem(texte)
    if droite:
        cellule.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if couleur:
        cellule.setForeground(QBrush(QColor(couleur)))
    if bulle:
        cellule.setToolTip(bulle)
    return cellule


class PageSeance(PageDeTravail):
    def __init__(self, contexte, seance_id: int) -> None:
        super().__init__()
        self.contexte, self.seance_id = contexte, seance_id
        self.titre_onglet = "Séance du comité"
        self.seance = None
        self._choisi: int | None = None  # le dossier dont la décision est montrée
        self.setAccessibleName("Séance du comité")

        self.titre = QLabel()
        self.titre.setStyleSheet(STYLE_TITRE)
        self.infos = QLabel()
        self.infos.setWordWrap(True)
        self.infos.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = etiquette_erreur()
        self.modifier = QPushButton("&Modifier la séance…")
        self.inscrire_bouton = QPushButton("&Inscrire des dossiers…")
        self.retirer_bouton = QPushButton("Re&tirer de l'ordre du jour")
        self.pdf = QPushButton("Enregistrer en &PDF…")
        self.pdf.setToolTip("Le dossier de séance en PDF : tableaux par cofinanceur, fiche d'instruction de chaque "
                            "dossier, signets")
        self.xlsx = QPushButton("Enregistrer en classeur (&xlsx)…")
        self.apercu_dossier = QPushButton(apercu_document.LIBELLE.replace("Aperçu", "&Aperçu", 1))
        self.apercu_dossier.setToolTip(apercu_document.BULLE)
        self.propositions = QPushButton("Reprendre les pr&opositions")
        self.propositions.setToolTip("Les dossiers encore à décider reçoivent la décision proposée par l'instruction "
                                     "(favorable ou réservée : retenu aux montants proposés ; défavorable : refusé).")
        self.scenario = QPushButton("Reprendre un &scénario…")
        self.scenario.setToolTip("Les dossiers de l'ordre du jour reçoivent la décision provisoire d'un scénario de "
                                 "la programmation (Comité › Programmation…).")
        self.scenario.clicked.connect(self._scenario)
        self.cloturer_bouton = QPushButton("&Clôturer la séance…")
        self.cloturer_bouton.setStyleSheet("font-weight: bold;")
        self.releve = QPushButton("Enregistrer le &relevé…")
        self.releve.setToolTip("Le relevé de décisions d'une séance close, en PDF")
        self.apercu_releve = QPushButton(apercu_document.LIBELLE.replace("Aperçu", "Aperç&u", 1))
        self.apercu_releve.setToolTip(apercu_document.BULLE)
        self.modifier.clicked.connect(self._modifier)
        self.inscrire_bouton.clicked.connect(self._inscrire)
        self.retirer_bouton.clicked.connect(self._retirer)
        self.pdf.clicked.connect(lambda: self._document(".pdf"))
        self.xlsx.clicked.connect(lambda: self._document(".xlsx"))
        self.apercu_dossier.clicked.connect(self.apercu_du_dossier)
        self.apercu_releve.clicked.connect(self.apercu_du_releve)
        self.propositions.clicked.connect(self._reprendre)
        self.cloturer_bouton.clicked.connect(self._cloturer)
        self.releve.clicked.connect(self._releve)

        boutons = QHBoxLayout()
        for bouton in (self.modifier, self.inscrire_bouton, self.retirer_bouton, self.propositions, self.scenario):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        boutons.addWidget(self.cloturer_bouton)
        documents = QHBoxLayout()  # chaque document : l'enregistrer, ou son aperçu avant impression (comme ailleurs)
        for libelle, groupe in (("Dossier de séance :", (self.pdf, self.xlsx, self.apercu_dossier)),
                                ("Relevé de décisions :", (self.releve, self.apercu_releve))):
            etiquette = QLabel(libelle)
            etiquette.setStyleSheet(f"color: {GRIS};")
            documents.addWidget(etiquette)
            for bouton in groupe:
                documents.addWidget(bouton)
            documents.addSpacing(18)
        documents.addStretch(1)

        from instruction.ui.comite.bandeau_enveloppes import BandeauEnveloppes

        self.enveloppes = BandeauEnveloppes(avec_scenario=False)
        self.enveloppes.setMaximumHeight(96)

        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(["Dossier", "Porteur et action", "Égalité", "Demandé", "Proposé",
                                              "Décision", "Décidé"])
        self.table.setAccessibleName("Ordre du jour")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        entete = self.table.horizontalHeader()
        for colonne in range(7):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.Stretch if colonne == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection)
        self.table.activated.connect(lambda _i: self._aller_a_la_decision())
        self.totaux = QLabel()
        self.par_financeur = QTableWidget(3, 0)
        self.par_financeur.setAccessibleName("Totaux par cofinanceur")
        self.par_financeur.setVerticalHeaderLabels(["Demandé", "Proposé", "Décidé"])
        self.par_financeur.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.par_financeur.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.par_financeur.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.par_financeur.setMaximumHeight(4 * self.par_financeur.fontMetrics().height() + 34)

        gauche = QWidget()
        disposition_gauche = QVBoxLayout(gauche)
        disposition_gauche.setContentsMargins(0, 0, 0, 0)
        disposition_gauche.addWidget(self.table, 1)
        disposition_gauche.addWidget(self.totaux)
        disposition_gauche.addWidget(self.par_financeur)

        self.decision = self._construire_decision()
        separateur = QSplitter(Qt.Orientation.Horizontal)
        separateur.addWidget(gauche)
        separateur.addWidget(self.decision)
        separateur.setStretchFactor(0, 3)
        separateur.setStretchFactor(1, 2)
        separateur.setSizes([820, 520])

        disposition = QVBoxLayout(self)
        disposition.addWidget(self.titre)
        disposition.addWidget(self.infos)
        disposition.addLayout(boutons)
        disposition.addLayout(documents)
        disposition.addWidget(self.enveloppes)
        disposition.addWidget(self.message)
        disposition.addWidget(separateur, 1)
        self.relire()

    # --- La décision du dossier choisi -------------------------------------------------------------------

    def _construire_decision(self) -> QGroupBox:
        boite = QGroupBox("Décision du comité")
        self.dossier_choisi = QLabel("Choisissez un dossier de l'ordre du jour.")
        self.dossier_choisi.setWordWrap(True)
        self.proposition = QLabel()
        self.proposition.setWordWrap(True)
        self.proposition.setStyleSheet(f"color: {GRIS};")
        self.choix = QButtonGroup(self)
        ligne_choix = QHBoxLayout()
        self.boutons_decision: dict[str, QRadioButton] = {}
        for code, libelle in (("", "À décider"), *regles.DECISIONS.items()):
            bouton = QRadioButton(libelle)
            bouton.installEventFilter(self)
            bouton.toggled.connect(lambda _c: self._montants_actifs())
            self.choix.addButton(bouton)
            self.boutons_decision[code] = bouton
            ligne_choix.addWidget(bouton)
        ligne_choix.addStretch(1)
        self.montants_grille = QGridLayout()
        self.montants_grille.setHorizontalSpacing(10)
        self.champs_montants: dict[str, QLineEdit] = {}
        self.motif = QPlainTextEdit()
        self.motif.setPlaceholderText("Motif (exigé pour un ajournement ou un refus ; justifie un montant au-delà "
                                      "de la demande)")
        self.motif.setTabChangesFocus(True)
        self.motif.setMaximumHeight(80)
        self.motif.installEventFilter(self)
        self.erreur_decision = etiquette_erreur()
        self.enregistrer = QPushButton("&Enregistrer la décision (Ctrl+Entrée)")
        self.enregistrer.clicked.connect(self._enregistrer_decision)
        disposition = QVBoxLayout(boite)
        disposition.addWidget(self.dossier_choisi)
        disposition.addWidget(self.proposition)
        disposition.addLayout(ligne_choix)
        disposition.addLayout(self.montants_grille)
        disposition.addWidget(QLabel("Motif :"))
        disposition.addWidget(self.motif)
        disposition.addWidget(self.erreur_decision)
        disposition.addWidget(self.enregistrer)
        disposition.addStretch(1)
        return boite

    # --- Lecture et affichage --------------------------------------------------------------------------

    def relire(self) -> None:
        Operation(actions.lire_seance, self.contexte, self.seance_id, parent=self).apres(self.afficher) \
            .refus(self.message.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if origine is not self and changements.touche(COMITE):
            self.relire()

    def afficher(self, seance) -> None:
        if self.seance is not None and seance.version < self.seance.version:
            # Une lecture partie avant une modification et revenue après elle : la page montre déjà plus récent
            # (chaque modification de la séance augmente sa version).
            return
        self.seance = seance
        self.titre_onglet = f"Séance du {seance.date:%d/%m/%Y}"
        self.titre_change.emit()
        self.titre.setText(seance.intitule)
        presents = sum(1 for mb in seance.membres if mb.present)
        etat = regles.STATUTS[seance.statut] + (
            f" le {dates.formater_horodatage(seance.close_le)} par {seance.close_par}" if seance.close else "")
        self.infos.setText(f"{seance.libelle_instance} — {dates.formater_long(seance.date)}"
                           + (f", {seance.lieu}" if seance.lieu else "")
                           + f" — {etat} — {presents} membre(s) présent(s) sur {len(seance.membres)}")
        utilisateur = self.contexte.utilisateur
        ouverte = not seance.close and utilisateur.peut("seance.preparer")
        for bouton in (self.modifier, self.inscrire_bouton, self.retirer_bouton, self.propositions, self.scenario):
            bouton.setEnabled(ouverte)
        self.cloturer_bouton.setEnabled(not seance.close and utilisateur.peut("seance.cloturer"))
        self.releve.setEnabled(seance.close)
        self.apercu_releve.setEnabled(seance.close)
        for bouton in (self.pdf, self.xlsx, self.apercu_dossier):
            bouton.setEnabled(bool(seance.lignes))
        self.decision.setEnabled(ouverte)
        self._remplir_table(seance)
        combos = sorted({(ligne.annee, ligne.dispositif) for ligne in seance.lignes})
        self.enveloppes.setVisible(bool(combos))
        if combos:
            self.enveloppes.charger(self.contexte, *combos[0])
        rang = next((i for i, ligne in enumerate(seance.lignes) if ligne.dossier_id == self._choisi), 0)
        if seance.lignes:
            self.table.selectRow(rang)
            self._montrer(seance.lignes[rang])
        else:
            self._choisi = None
            self.dossier_choisi.setText("L'ordre du jour est vide : « Inscrire des dossiers… » y ajoute les dossiers "
                                        "instruits.")

    def _remplir_table(self, seance) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(seance.lignes))
        for rang, ligne in enumerate(seance.lignes):
            proposes = sum(ligne.proposes.values(), Decimal("0.00"))
            sens = SENS.get(ligne.sens_propose or "", "")
            valeurs = [
                _cellule(ligne.numero, bulle=etats.libelle(ligne.etat)),
                _cellule(f"{ligne.porteur} — {ligne.intitule}", bulle=f"{ligne.porteur}\n{ligne.intitule}"),
                _cellule("—" if ligne.cotation_egalite is None else str(ligne.cotation_egalite), droite=True),
                _cellule(_montant(ligne.total_demande), droite=True, bulle=self._detail(ligne.demandes)),
                _cellule(_montant(proposes) + (f" ({sens})" if sens else ""), droite=True,
                         bulle=self._detail(ligne.proposes)),
                _cellule(ligne.libelle_decision, couleur=COULEURS.get(ligne.decision or "", GRIS),
                         bulle=ligne.motif or ""),
                _cellule(_montant(ligne.total_decide) if ligne.decision == regles.RETENU else "", droite=True,
                         bulle=self._detail(ligne.montants)),
            ]
            for colonne, cellule in enumerate(valeurs):
                self.table.setItem(rang, colonne, cellule)
        self.table.blockSignals(False)
        decides = sum(1 for ligne in seance.lignes if ligne.decision)
        self.totaux.setText(f"{len(seance.lignes)} dossier(s) à l'ordre du jour, {decides} décision(s) saisie(s) ; "
                            "par cofinanceur :")
        codes = seance.financeurs_utilises()
        self.par_financeur.setColumnCount(len(codes))
        self.par_financeur.setHorizontalHeaderLabels([seance.financeurs[c] for c in codes])
        for colonne, code in enumerate(codes):
            for rang, montant in enumerate(seance.totaux(code)):
                self.par_financeur.setItem(rang, colonne, _cellule(_montant(montant), droite=True))

    def _detail(self, montants: dict) -> str:
        if not self.seance:
            return ""
        return "\n".join(f"{self.seance.libelles_financeurs.get(c, c)} : {_montant(v)}" for c, v in montants.items())

    def _ligne_choisie(self):
        rangs = self.table.selectionModel().selectedRows()
        if not rangs or self.seance is None:
            return None
        return self.seance.lignes[rangs[0].row()]

    def _selection(self) -> None:
        ligne = self._ligne_choisie()
        if ligne is not None:
            self._montrer(ligne)

    def _montrer(self, ligne) -> None:
        self._choisi = ligne.dossier_id
        self.erreur_decision.clear()
        self.dossier_choisi.setText(f"<b>{ligne.numero}</b> — {ligne.porteur}<br/>{ligne.intitule}<br/>"
                                    f"Coût de l'action : {_montant(ligne.cout_total)}")
        sens = SENS.get(ligne.sens_propose or "", "aucune")
        self.proposition.setText(f"Proposition de l'instruction : {sens}"
                                 + (f" — {ligne.commentaire_propose}" if ligne.commentaire_propose else ""))
        self.boutons_decision[ligne.decision or ""].setChecked(True)
        self._montants_actifs()
        while self.montants_grille.count():
            element = self.montants_grille.takeAt(0)
            if element.widget() is not None:
                element.widget().deleteLater()
        self.champs_montants = {}
        codes = [c for c in self.seance.financeurs if c in ligne.demandes or c in ligne.proposes
                 or c in ligne.montants]
        for rang, titre in enumerate(("Cofinanceur", "Demandé", "Proposé", "Décidé")):
            entete = QLabel(f"<b>{titre}</b>")
            self.montants_grille.addWidget(entete, 0, rang)
        for rang, code in enumerate(codes, start=1):
            nom = QLabel(self.seance.financeurs.get(code, code))
            nom.setToolTip(self.seance.libelles_financeurs.get(code, code))
            champ = QLineEdit(_montant(ligne.montants.get(code)) if ligne.montants.get(code) is not None else "")
            champ.setAlignment(Qt.AlignmentFlag.AlignRight)
            champ.setAccessibleName(f"Décidé : {self.seance.financeurs.get(code, code)}")
            champ.setPlaceholderText("0,00 €")
            champ.installEventFilter(self)
            self.montants_grille.addWidget(nom, rang, 0)
            for colonne, valeur in ((1, ligne.demandes.get(code)), (2, ligne.proposes.get(code))):
                etiquette = QLabel(_montant(valeur))
                etiquette.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.montants_grille.addWidget(etiquette, rang, colonne)
            self.montants_grille.addWidget(champ, rang, 3)
            self.champs_montants[code] = champ
        self._montants_actifs()
        self.motif.setPlainText(ligne.motif or "")

    def _montants_actifs(self) -> None:
        """Un refus ou un ajournement est à 0 € : les montants ne se saisissent que pour « à décider » ou « retenu »."""
        actifs = self.boutons_decision[""].isChecked() or self.boutons_decision[regles.RETENU].isChecked()
        for champ in self.champs_montants.values():
            champ.setEnabled(actifs)

    def eventFilter(self, objet, evenement) -> bool:  # noqa: N802 — nom imposé par Qt
        """Ctrl+Entrée dans la décision (choix, montants, motif) l'enregistre et passe au dossier suivant."""
        if (evenement.type() == QEvent.Type.KeyPress
                and evenement.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and evenement.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._enregistrer_decision()
            return True
        return super().eventFilter(objet, evenement)

    def _aller_a_la_decision(self) -> None:
        bouton = self.choix.checkedButton() or self.boutons_decision[""]
        bouton.setFocus()

    # --- Écritures -------------------------------------------------------------------------------------

    def _enregistrer_decision(self) -> None:
        if self.seance is None or self._choisi is None or self.seance.close:
            return
        code = next(c for c, b in self.boutons_decision.items() if b.isChecked())
        montants: dict[str, Decimal] = {}
        try:
            for financeur, champ in self.champs_montants.items():
                if champ.text().strip() and code in ("", regles.RETENU):  # un refus, un ajournement : 0 €
                    montants[financeur] = argent.lire(champ.text())
        except DonneesInvalides as erreur:
            self.erreur_decision.setText(f"{self.seance.financeurs.get(financeur, financeur)} : {erreur}")
            return
        dossier_id = self._choisi
        rang = self.table.currentRow()
        suivant = self.seance.lignes[rang + 1].dossier_id if 0 <= rang < len(self.seance.lignes) - 1 else dossier_id

        def enregistree(seance) -> None:
            self._choisi = suivant
            self.afficher(seance)
            self.table.setFocus()

        Operation(actions.decider, self.contexte, self.seance_id, dossier_id, code or None, montants,
                  self.motif.toPlainText(), parent=self).apres(enregistree).refus(self.erreur_decision.setText) \
            .lancer()

    def _reprendre(self) -> None:
        Operation(actions.reprendre_propositions, self.contexte, self.seance_id, parent=self) \
            .apres(self.afficher).refus(self.message.setText).lancer()

    def _scenario(self) -> None:
        Operation(actions.scenarios_de_la_seance, self.contexte, self.seance_id, parent=self) \
            .apres(self._choisir_scenario).refus(self._refus).lancer()

    def _choisir_scenario(self, scenarios) -> None:
        from PySide6.QtWidgets import QInputDialog

        if not scenarios:
            self._refus("Aucun scénario de programmation pour les campagnes de l'ordre du jour (Comité › "
                        "Programmation… en crée).")
            return
        libelle, ok = QInputDialog.getItem(self, "Reprendre un scénario", "Scénario de programmation :",
                                           [nom for _i, nom in scenarios], 0, False)
        if not ok:
            return
        scenario_id = next(i for i, nom in scenarios if nom == libelle)
        Operation(actions.reprendre_scenario, self.contexte, self.seance_id, scenario_id, parent=self) \
            .apres(self.afficher).refus(self._refus).lancer()

    def _retirer(self) -> None:
        ligne = self._ligne_choisie()
        if ligne is None:
            return
        Operation(actions.retirer, self.contexte, self.seance_id, ligne.dossier_id, parent=self) \
            .apres(self.afficher).refus(self.message.setText).lancer()

    def _inscrire(self) -> None:
        Operation(actions.candidats, self.contexte, parent=self).apres(self._choisir_candidats) \
            .refus(self.message.setText).lancer()

    def _choisir_candidats(self, candidats) -> None:
        boite = DialogueCandidats(candidats, self)
        if boite.exec() != QDialog.DialogCode.Accepted or not boite.choisis():
            return
        Operation(actions.inscrire, self.contexte, self.seance_id, boite.choisis(), parent=self) \
            .apres(self.afficher).refus(self.message.setText).lancer()

    def _modifier(self) -> None:
        if self.seance is None:
            return
        boite = DialogueSeance(self.seance, self)
        boite.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        boite.valide.connect(lambda donnees: Operation(
            actions.modifier_seance, self.contexte, self.seance_id, *donnees, self.seance.version, parent=boite)
            .apres(lambda seance: (self.afficher(seance), boite.accept())).refus(boite.erreur.setText).lancer())
        self.dialogue_seance = boite
        boite.open()  # modale pour la fenêtre, sans boucle d'attente : la page continue de se relire derrière

    def _document(self, extension: str) -> None:
        from instruction.rapports.dossier_seance import nom_de_fichier

        filtre = "PDF (*.pdf)" if extension == ".pdf" else "Classeur Excel (*.xlsx)"
        chemin = fichiers.enregistrer_sous(self, "Enregistrer le dossier de séance", nom_de_fichier(self.seance,
                                                                                                  extension),
                                           filtre, extension)
        if chemin is None:
            return
        self.message.setStyleSheet(f"color: {GRIS};")
        self.message.setText("Écriture du dossier de séance…")
        Operation(actions.ecrire_dossier_de_seance, self.contexte, self.seance_id, chemin, parent=self) \
            .progression(self.message.setText).apres(self._document_ecrit).refus(self._refus).lancer()

    def apercu_du_dossier(self) -> None:
        """Le dossier de séance en PDF, écrit hors du fil de l'interface, puis son aperçu avant impression."""
        if self.seance is None:
            return
        from instruction.rapports.dossier_seance import nom_de_fichier

        self.message.setStyleSheet(f"color: {GRIS};")
        self.message.setText("Écriture du dossier de séance…")
        apercu_document.apercu_apres_ecriture(
            self, f"Dossier de séance – {self.seance.intitule}", nom_de_fichier(self.seance, ".pdf"),
            actions.ecrire_dossier_de_seance, self.contexte, self.seance_id, refus=self._refus,
            progression=self.message.setText, apres=self.message.clear)

    def apercu_du_releve(self) -> None:
        """Le relevé de décisions (séance close) en PDF, puis son aperçu avant impression."""
        if self.seance is None:
            return
        from instruction.rapports.releve_decisions import nom_de_fichier

        apercu_document.apercu_apres_ecriture(
            self, f"Relevé de décisions – {self.seance.intitule}", nom_de_fichier(self.seance),
            actions.ecrire_releve, self.contexte, self.seance_id, refus=self._refus)

    def _document_ecrit(self, chemin) -> None:
        self.message.setStyleSheet(f"color: {VERT};")
        self.message.setText(f"Écrit : {chemin}")
        self.document_ecrit = chemin

    def _refus(self, texte: str) -> None:
        self.message.setStyleSheet(f"color: {ROUGE};")
        self.message.setText(texte)

    def _cloturer(self) -> None:
        if self.seance is None:
            return
        a_decider = len(self.seance.a_decider)
        if a_decider:
            self._refus(f"{a_decider} dossier(s) de l'ordre du jour n'ont pas de décision : saisissez-la (ou "
                        "« Reprendre les propositions »), ou retirez le dossier, avant de clôturer.")
            return
        reponse = QMessageBox.question(
            self, "Clôturer la séance",
            f"Clôturer « {self.seance.intitule} » ? Les {len(self.seance.lignes)} décisions seront appliquées aux "
            f"dossiers, à la date du {self.seance.date:%d/%m/%Y}, en une seule fois ; la séance ne se modifiera "
            "plus.")
        if reponse != QMessageBox.StandardButton.Yes:
            return
        self.cloturer_maintenant()

    def cloturer_maintenant(self) -> None:
        """La clôture sans confirmation (la boîte l'a demandée)."""
        Operation(actions.cloturer, self.contexte, self.seance_id, self.seance.version, parent=self) \
            .apres(self._close).refus(self._refus).lancer()

    def _close(self, cloture) -> None:
        self.message.setStyleSheet(f"color: {VERT};")
        self.message.setText(cloture.resume() + " Le relevé de décisions : « Enregistrer le relevé… » ou son aperçu "
                             "avant impression.")
        self.relire()

    def _releve(self) -> None:
        from instruction.rapports.releve_decisions import nom_de_fichier

        chemin = fichiers.enregistrer_sous(self, "Enregistrer le relevé de décisions", nom_de_fichier(self.seance),
                                           "PDF (*.pdf)", ".pdf")
        if chemin is None:
            return
        Operation(actions.ecrire_releve, self.contexte, self.seance_id, chemin, parent=self) \
            .apres(self._document_ecrit).refus(self._refus).lancer()


class DialogueCandidats(QDialog):
    """Les dossiers instruits à inscrire (cases à cocher) ; ceux qui ne le peuvent pas encore disent pourquoi."""

    def __init__(self, candidats, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inscrire des dossiers à l'ordre du jour")
        self.resize(900, 520)
        self.candidats = list(candidats)
        self.table = QTableWidget(len(self.candidats), 4)
        self.table.setHorizontalHeaderLabels(["Dossier", "Porteur et action", "Demandé", "Prêt pour le comité"])
        self.table.setAccessibleName("Dossiers instruits")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for rang, c in enumerate(self.candidats):
            case = QTableWidgetItem(c.numero)
            if c.raisons:
                case.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                case.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                case.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(rang, 0, case)
            self.table.setItem(rang, 1, QTableWidgetItem(f"{c.porteur} — {c.intitule}"))
            self.table.setItem(rang, 2, _cellule(_montant(c.total_demande), droite=True))
            self.table.setItem(rang, 3, _cellule("oui" if not c.raisons else " ; ".join(c.raisons),
                                                 couleur=VERT if not c.raisons else ROUGE))
        self.table.resizeColumnToContents(0)
        vide = QLabel("Aucun dossier instruit n'attend le comité : terminez d'abord l'instruction des dossiers "
                      "(section Instruction, « Terminer l'instruction (proposition)… »).")
        vide.setWordWrap(True)
        vide.setVisible(not self.candidats)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Inscrire")
        boutons.accepted.connect(self.accept)
        boutons.rejected.connect(self.reject)
        disposition = QVBoxLayout(self)
        disposition.addWidget(QLabel("Seuls les dossiers instruits, grille égalité femmes-hommes cotée, vont à "
                                     "l'ordre du jour (et d'une seule séance en préparation à la fois)."))
        disposition.addWidget(vide)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(boutons)

    def choisis(self) -> list[int]:
        return [c.dossier_id for rang, c in enumerate(self.candidats)
                if self.table.item(rang, 0).checkState() == Qt.CheckState.Checked and not c.raisons]


class DialogueSeance(QDialog):
    """Intitulé, date, lieu et membres (qualité, personne, présent / excusé / absent) d'une séance ; ``valide``
    porte la saisie. Les membres se saisissent au clavier (``editeur_membres``)."""

    valide = Signal(tuple)

    def __init__(self, seance, parent=None) -> None:
        super().__init__(parent)
        from instruction.ui.comite.editeur_membres import EditeurMembres

        self.setWindowTitle("Modifier la séance")
        self.resize(920, 600)
        self.intitule = QLineEdit(seance.intitule)
        self.date = QDateEdit(QDate(seance.date.year, seance.date.month, seance.date.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.lieu = QLineEdit(seance.lieu)
        self.lieu.setPlaceholderText("Salle, adresse")
        formulaire = QFormLayout()
        formulaire.addRow("&Intitulé :", self.intitule)
        formulaire.addRow("Dat&e :", self.date)
        formulaire.addRow("Lie&u :", self.lieu)
        self.editeur = EditeurMembres(list(seance.membres), seance.instance, seance.source_membres, self)
        self.membres = self.editeur.table
        titre_membres = QLabel(f"&Membres — {seance.libelle_instance}"
                               + (f" ({seance.source_membres})" if seance.source_membres else "") + " :")
        titre_membres.setBuddy(self.membres)
        titre_membres.setWordWrap(True)
        self.erreur = etiquette_erreur()
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        boutons.button(QDialogButtonBox.StandardButton.Save).setText("En&registrer")
        boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        boutons.accepted.connect(self._valider)
        boutons.rejected.connect(self.reject)
        self.boutons = boutons
        disposition = QVBoxLayout(self)
        disposition.addLayout(formulaire)
        disposition.addWidget(titre_membres)
        disposition.addWidget(self.editeur, 1)
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons)

    def saisie(self) -> tuple:
        jour = self.date.date()
        return (self.intitule.text(), dt.date(jour.year(), jour.month(), jour.day()), self.lieu.text(),
                self.editeur.membres())

    def _valider(self) -> None:
        from PySide6.QtWidgets import QApplication

        editeur = QApplication.focusWidget()  # un nom en cours de frappe (Alt+R sans quitter la case) compte aussi
        if self.membres.state() == QAbstractItemView.State.EditingState and editeur is not None \
                and self.membres.isAncestorOf(editeur):
            self.membres.commitData(editeur)
        self.valide.emit(self.saisie())
