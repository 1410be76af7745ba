"""La page d'une séance du comité (menu Comité › Séances du comité, puis une séance).

* en haut : intitulé, date, lieu, état, membres présents ; « Modifier la séance… » (intitulé, date, lieu,
  membres, leur présence), « Inscrire des dossiers… », « Reprendre les propositions », « Clôturer la séance… »
  (les boîtes : ``dialogues_seance``) ;
* les documents (``documents_seance``) : le dossier de séance (enregistré en PDF ou en classeur, ou « Aperçu
  avant impression… ») et le relevé de décisions d'une séance close (enregistré ou en aperçu) ;
* le bandeau des enveloppes (programmation) de l'année et du dispositif de l'ordre du jour ;
* à gauche l'ordre du jour (``ordre_du_jour`` : demandé, proposé, décision saisie, décidé) ; à droite la
  décision du dossier choisi (``decision_seance``) : retenu / ajourné / refusé, un montant par cofinanceur
  (pré-rempli par la proposition), le motif. Au clavier : flèches dans l'ordre du jour, Entrée pour aller à la
  décision, Ctrl+Entrée pour l'enregistrer et passer au dossier suivant.

Tout passe par ``services.actions.comite`` (``Operation``) ; la clôture applique toutes les décisions en une
transaction, puis propose d'écrire le relevé.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSplitter, QVBoxLayout

from instruction.domaine import comite as regles
from instruction.domaine import dates
from instruction.services.actions import COMITE
from instruction.services.actions import comite as actions
from instruction.ui.champs import etiquette_erreur
from instruction.ui.comite.decision_seance import PanneauDecision
from instruction.ui.comite.dialogues_seance import DialogueCandidats, DialogueSeance
from instruction.ui.comite.documents_seance import DocumentsSeance
from instruction.ui.comite.ordre_du_jour import ROUGE, VERT, OrdreDuJour
from instruction.ui.comite.page_de_travail import STYLE_TITRE, PageDeTravail
from instruction.ui.operation import Operation


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
        self.propositions = QPushButton("Reprendre les pr&opositions")
        self.propositions.setToolTip("Les dossiers encore à décider reçoivent la décision proposée par l'instruction "
                                     "(favorable ou réservée : retenu aux montants proposés ; défavorable : refusé).")
        self.scenario = QPushButton("Reprendre un &scénario…")
        self.scenario.setToolTip("Les dossiers de l'ordre du jour reçoivent la décision provisoire d'un scénario de "
                                 "la programmation (Comité › Programmation…).")
        self.scenario.clicked.connect(self._scenario)
        self.cloturer_bouton = QPushButton("&Clôturer la séance…")
        self.cloturer_bouton.setStyleSheet("font-weight: bold;")
        self.modifier.clicked.connect(self._modifier)
        self.inscrire_bouton.clicked.connect(self._inscrire)
        self.retirer_bouton.clicked.connect(self._retirer)
        self.propositions.clicked.connect(self._reprendre)
        self.cloturer_bouton.clicked.connect(self._cloturer)

        boutons = QHBoxLayout()
        for bouton in (self.modifier, self.inscrire_bouton, self.retirer_bouton, self.propositions, self.scenario):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        boutons.addWidget(self.cloturer_bouton)
        self.documents = DocumentsSeance(contexte, seance_id)
        self.documents.annonce.connect(self._annoncer)

        from instruction.ui.comite.bandeau_enveloppes import BandeauEnveloppes

        self.enveloppes = BandeauEnveloppes(avec_scenario=False)
        self.enveloppes.setMaximumHeight(96)

        self.ordre_du_jour = OrdreDuJour()
        self.ordre_du_jour.table.itemSelectionChanged.connect(self._selection)
        self.ordre_du_jour.table.activated.connect(lambda _i: self.decision.prendre_le_focus())
        self.decision = PanneauDecision()
        self.decision.demande.connect(self._enregistrer_decision)
        separateur = QSplitter(Qt.Orientation.Horizontal)
        separateur.addWidget(self.ordre_du_jour)
        separateur.addWidget(self.decision)
        separateur.setStretchFactor(0, 3)
        separateur.setStretchFactor(1, 2)
        separateur.setSizes([820, 520])

        disposition = QVBoxLayout(self)
        disposition.addWidget(self.titre)
        disposition.addWidget(self.infos)
        disposition.addLayout(boutons)
        disposition.addWidget(self.documents)
        disposition.addWidget(self.enveloppes)
        disposition.addWidget(self.message)
        disposition.addWidget(separateur, 1)
        self.relire()

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
        self.documents.montrer(seance)
        self.decision.setEnabled(ouverte)
        self.ordre_du_jour.remplir(seance)
        combos = sorted({(ligne.annee, ligne.dispositif) for ligne in seance.lignes})
        self.enveloppes.setVisible(bool(combos))
        if combos:
            self.enveloppes.charger(self.contexte, *combos[0])
        rang = next((i for i, ligne in enumerate(seance.lignes) if ligne.dossier_id == self._choisi), 0)
        if seance.lignes:
            self.ordre_du_jour.table.selectRow(rang)
            self._montrer(seance.lignes[rang])
        else:
            self._choisi = None
            self.decision.dossier_choisi.setText("L'ordre du jour est vide : « Inscrire des dossiers… » y ajoute les "
                                                 "dossiers instruits.")

    def _selection(self) -> None:
        ligne = self.ordre_du_jour.ligne_choisie(self.seance)
        if ligne is not None:
            self._montrer(ligne)

    def _montrer(self, ligne) -> None:
        self._choisi = ligne.dossier_id
        self.decision.montrer(self.seance, ligne)

    def _annoncer(self, texte: str, couleur: str) -> None:
        self.message.setStyleSheet(f"color: {couleur};")
        self.message.setText(texte)

    def _refus(self, texte: str) -> None:
        self._annoncer(texte, ROUGE)

    # --- Écritures -------------------------------------------------------------------------------------

    def _enregistrer_decision(self) -> None:
        if self.seance is None or self._choisi is None or self.seance.close:
            return
        saisie = self.decision.saisie(self.seance.financeurs)
        if saisie is None:
            return
        code, montants, motif = saisie
        dossier_id = self._choisi
        rang = self.ordre_du_jour.table.currentRow()
        suivant = self.seance.lignes[rang + 1].dossier_id if 0 <= rang < len(self.seance.lignes) - 1 else dossier_id

        def enregistree(seance) -> None:
            self._choisi = suivant
            self.afficher(seance)
            self.ordre_du_jour.table.setFocus()

        Operation(actions.decider, self.contexte, self.seance_id, dossier_id, code or None, montants, motif,
                  parent=self).apres(enregistree).refus(self.decision.erreur_decision.setText).lancer()

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
        ligne = self.ordre_du_jour.ligne_choisie(self.seance)
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
        self._annoncer(cloture.resume() + " Le relevé de décisions : « Enregistrer le relevé… » ou son aperçu "
                       "avant impression.", VERT)
        self.relire()
