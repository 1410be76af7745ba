"""Le circuit d'un dossier, côté actions de la section « Instruction » (``section_instruction.py``).

Chaque bouton de passage ouvre sa boîte : la date du passage (aujourd'hui par défaut ; la séance pour une
décision du comité), le motif, la proposition de l'instructeur (« Terminer l'instruction ») ou les montants
accordés (« Retenu », pré-remplis par la proposition) ; s'y ajoutent la correction des montants accordés et
la demande, puis la réception, de compléments. Un passage refusé pour une raison prévue est dit calmement,
point par point, avec un bouton pour aller corriger (``DialogueRefus``) ; le dialogue d'erreur rouge reste aux
vraies pannes. Les écritures passent par ``services/actions/instruction.py``, hors du fil de l'interface.

``CircuitDuDossier`` est mêlé à ``SectionInstruction``, dont il emploie ``contexte``, ``dossier_id``,
``numero``, ``donnees``, ``peut_agir``, ``afficher``, ``etat_change``, ``message``, ``aller_a``, ``suivi``,
``complements``, ``_complement_choisi`` et ``ouvrir_assistant``.
"""

from __future__ import annotations

from collections.abc import Callable

from instruction.domaine import dates, etats
from instruction.domaine.erreurs import ErreurInstruction
from instruction.domaine.etats import Etat
from instruction.domaine.workflow import Passage
from instruction.services.actions import instruction as actions
from instruction.services.instruction import EtatInstruction
from instruction.ui import erreurs
from instruction.ui.dossier.dialogue_decision import DialogueMontants, DialogueProposition
from instruction.ui.dossier.dialogues_passage import DialoguePassage, DialogueReception, DialogueRefus
from instruction.ui.operation import Operation


class CircuitDuDossier:
    """Passages d'état, montants accordés et compléments : les boîtes, puis l'écriture hors du fil."""

    proposition_refusee = None  # la dernière proposition envoyée, tant qu'elle n'est pas enregistrée

    def _ecrire(self, action, *arguments, succes: str, titre_refus: str = "", dialogue=None, **options) -> None:
        """Lance l'action sur le dossier ; l'état d'instruction relu revient à l'écran. Un refus prévu est
        dit calmement (``montrer_refus``) ; une vraie panne va au dialogue d'erreur.

        ``dialogue`` : la boîte des montants, restée ouverte pendant l'enregistrement ; elle se ferme s'il
        aboutit ; un refus des montants (enveloppe dépassée, justification, coût de l'action, conflit) y est
        dit, la saisie gardée ; un passage refusé pour l'état du dossier garde ``DialogueRefus`` et ses
        boutons pour aller corriger."""
        from instruction.domaine.workflow import PassageRefuse

        def fini(donnees: EtatInstruction) -> None:
            if options.get("proposition") is not None:
                self.proposition_refusee = None
            if dialogue is not None:
                dialogue.termine()
            self.afficher(donnees)
            self.etat_change.emit()
            self.message.emit(succes)

        def echec(erreur: BaseException, trace: str) -> None:
            if dialogue is not None and isinstance(erreur, ErreurInstruction) and not isinstance(erreur, PassageRefuse):
                dialogue.refuse(erreur.message)
                return
            if dialogue is not None:
                dialogue.en_cours(False)
                if isinstance(erreur, PassageRefuse):
                    dialogue.reject()
            if isinstance(erreur, ErreurInstruction):
                self.montrer_refus(titre_refus or "Action refusée", erreur)
            else:
                if dialogue is not None:
                    dialogue.refuse("L'enregistrement n'a pas abouti.")
                erreurs.montrer(erreur, trace, self)

        Operation(action, self.contexte, self.dossier_id, *arguments, parent=self, **options) \
            .apres(fini).echec(echec).lancer()

    def montrer_refus(self, titre_fenetre: str, erreur: ErreurInstruction) -> DialogueRefus:
        """Ce qui empêche l'action, point par point, avec un bouton pour aller corriger chacun."""
        from instruction.domaine.workflow import PassageRefuse

        if isinstance(erreur, PassageRefuse):
            titre, points = erreur.titre, erreur.a_corriger
        else:
            titre, points = erreur.message, ()
        self.refus = DialogueRefus(f"{titre_fenetre} — {self.numero}", titre, points, self)
        self.refus.aller_a.connect(self._aller_a)
        self.refus.open()
        return self.refus

    def _aller_a(self, section: str, champ: str) -> None:
        """Aller corriger : l'assistant et les compléments sont ici ; le reste est une section de l'onglet."""
        if section == "eligibilite":
            self.ouvrir_assistant()
        elif section == "complements":
            self.suivi.setCurrentIndex(0)
            self.complements.setFocus()
        else:
            self.aller_a.emit(section, champ)

    def passer(self, passage: Passage) -> None:
        """Chaque passage ouvre sa boîte : date (et motif), proposition, ou montants accordés."""
        if self.dossier_id is None or not self.peut_agir("Changer l'état du dossier"):
            return
        if passage.vers == Etat.RETENU and self.donnees is not None:
            proposition = self.donnees.proposition
            self._ouvrir_montants(
                DialogueMontants(self.donnees.financements, f"Retenu par le comité — {self.numero}", "Retenu",
                                 self, avec_motif=True, avec_date=True,
                                 proposes=proposition.montants if proposition else None),
                lambda d: self._changer_etat(passage, d.motif.toPlainText(), None, d.montants, le=d.date_passage,
                                             justification=d.texte_justification, dialogue=d))
            return
        if passage.vers == Etat.INSTRUIT and self.donnees is not None:
            Operation(actions.montants_pre_remplis, self.contexte, self.dossier_id, parent=self) \
                .apres(lambda pre_remplis: self._proposer(passage, pre_remplis)).lancer()
            return
        self.dialogue = DialoguePassage(passage, self.numero, self)
        self.dialogue.accepted.connect(
            lambda d=self.dialogue: self._changer_etat(passage, d.texte_motif, d.date_echeance, le=d.date_passage))
        self.dialogue.open()

    def _proposer(self, passage: Passage, pre_remplis: dict) -> None:
        from instruction.services.instruction import PropositionSaisie

        self.dialogue = DialogueProposition(self.donnees.financements, pre_remplis, self.numero, self)
        if self.proposition_refusee is not None:
            self.dialogue.reprendre(self.proposition_refusee)

        def enregistrer(d=self.dialogue) -> None:
            self.proposition_refusee = d  # jusqu'au succès : un refus ne perd pas la saisie
            self._changer_etat(passage, d.texte_commentaire, None, le=d.date_passage,
                               proposition=PropositionSaisie(d.sens, d.montants, d.texte_commentaire))

        self.dialogue.accepted.connect(enregistrer)
        self.dialogue.open()

    def _changer_etat(self, passage: Passage, motif: str | None, echeance, montants=None, *, le=None,
                      proposition=None, justification: str | None = None, dialogue=None) -> None:
        self._ecrire(actions.changer_etat, passage.vers, motif, echeance=echeance, montants=montants, le=le,
                     proposition=proposition, justification=justification,
                     succes=f"{self.numero} : {etats.libelle(passage.vers)}.",
                     titre_refus=passage.action.rstrip("…"), dialogue=dialogue)

    def _ouvrir_montants(self, dialogue: DialogueMontants, enregistrer: Callable[[DialogueMontants], None]) -> None:
        """Une boîte où l'on décide des montants : ses enveloppes lues hors du fil de l'interface, puis suivies à
        chaque frappe ; « OK » enregistre sans la fermer (``_ecrire(…, dialogue=)``)."""
        from instruction.services.actions import programmation as actions_programmation

        self.dialogue = dialogue
        dialogue.validation_demandee.connect(lambda: enregistrer(dialogue))
        Operation(actions_programmation.enveloppes_du_dossier, self.contexte, self.dossier_id, parent=dialogue) \
            .apres(dialogue.montrer_enveloppes).refus(dialogue.titre_enveloppes.setText).lancer()
        dialogue.open()

    def corriger_montants(self) -> None:
        if self.dossier_id is None or self.donnees is None or not self.peut_agir("Montants accordés"):
            return
        version = self.donnees.version_montants  # lue avec les montants affichés : pas d'écrasement silencieux
        self._ouvrir_montants(
            DialogueMontants(self.donnees.financements, f"Montants accordés — {self.numero}", "Enregistrer", self),
            lambda d: self._ecrire(actions.modifier_montants_accordes, d.montants, version,
                                   justification=d.texte_justification, dialogue=d,
                                   succes=f"{self.numero} : montants accordés enregistrés."))

    def demander_complements(self) -> None:
        if self.dossier_id is None or not self.peut_agir("Demander des compléments"):
            return
        from instruction.domaine.workflow import passages

        passage = next(p for p in passages(Etat.DEPOSE) if p.vers == Etat.INCOMPLET)
        deja = self.donnees is not None and self.donnees.etat == Etat.INCOMPLET
        self.dialogue = DialoguePassage(passage, self.numero, self, deja_incomplet=deja)
        self.dialogue.accepted.connect(lambda d=self.dialogue: self._ecrire(
            actions.demander_complements, d.texte_motif, d.date_echeance,
            succes=f"{self.numero} : compléments demandés."))
        self.dialogue.open()

    def marquer_recus(self) -> None:
        complement = self._complement_choisi()
        if complement is None:
            return
        self.dialogue = DialogueReception(complement.objet, complement.demandee_le, self)

        def enregistrer(d=self.dialogue) -> None:
            recue_le = d.recue_le
            self._ecrire(actions.marquer_recus, complement.id, recue_le, d.commentaire.toPlainText(),
                         succes=f"{self.numero} : compléments reçus le {dates.formater(recue_le)}.")

        self.dialogue.accepted.connect(enregistrer)
        self.dialogue.open()
