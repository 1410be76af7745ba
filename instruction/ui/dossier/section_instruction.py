"""Section « Instruction » d'un dossier : circuit, recevabilité, compléments, éligibilité, fiche.

Ici, ce qui se montre (l'état et son historique, les boutons de passage que permet l'état du dossier,
les compléments, la proposition et la décision, la recevabilité, l'examen d'éligibilité) et l'assistant
d'éligibilité. Les passages, montants et compléments sont écrits par ``CircuitDuDossier``
(``circuit_du_dossier.py``) ; la fiche d'instruction par ``FicheDuDossier`` (``fiche_du_dossier.py``).
Toutes les lectures et écritures passent par ``services/actions/instruction.py``, hors du fil de
l'interface.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates, etats
from instruction.domaine import eligibilite as el
from instruction.domaine.erreurs import ErreurInstruction
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import maintenant
from instruction.services.actions import instruction as actions
from instruction.services.examen import EXAMEN_POSSIBLE
from instruction.services.instruction import EtatInstruction
from instruction.ui import apercu_document, erreurs
from instruction.ui.dossier.assistant_eligibilite import COULEURS, COULEURS_VERDICT, SIGNES, AssistantEligibilite
from instruction.ui.dossier.circuit_du_dossier import CircuitDuDossier
from instruction.ui.dossier.fiche_du_dossier import FicheDuDossier
from instruction.ui.dossier.section import LueALaDemande
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

VERT, ROUGE, ORANGE = "#1b6e20", "#b00020", "#8a5300"


def _groupe(titre: str, *contenus) -> QGroupBox:
    groupe = QGroupBox(titre)
    disposition = QVBoxLayout(groupe)
    disposition.setContentsMargins(6, 4, 6, 6)
    for c in contenus:
        if isinstance(c, QWidget):
            disposition.addWidget(c, 1 if isinstance(c, QTableWidget) else 0)
        else:
            disposition.addLayout(c)
    return groupe


def _etiquette() -> QLabel:
    etiquette = QLabel()
    etiquette.setWordWrap(True)
    etiquette.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return etiquette


class SectionInstruction(CircuitDuDossier, FicheDuDossier, LueALaDemande, QWidget):
    """``etat_change`` : l'état, la recevabilité ou l'examen du dossier ont changé en base ; ``aller_a`` :
    l'utilisateur veut corriger ce qui empêche un passage (section de l'onglet, champ)."""

    etat_change = Signal()
    message = Signal(str)
    aller_a = Signal(str, str)

    def __init__(self, contexte, peut_agir: Callable[[str], bool]) -> None:
        super().__init__()
        self.contexte = contexte
        self.peut_agir = peut_agir  # « enregistrez d'abord vos modifications »
        self.dossier_id: int | None = None
        self.numero = ""
        self.donnees: EtatInstruction | None = None

        # --- Circuit ---
        self.etat = _etiquette()
        self.etat.setAccessibleName("État du dossier")
        self.passages = QWidget()
        self.grille_passages = QGridLayout(self.passages)
        self.grille_passages.setContentsMargins(0, 0, 0, 0)
        self.historique = table_lecture(["Date", "Passage", "Par", "Motif"], "Historique des passages d'état", (3,))
        self.historique.setToolTip("La date du passage ; la bulle de chaque ligne dit quand il a été saisi")
        circuit = _groupe("Circuit du dossier", self.etat, self.passages, QLabel("Historique :"), self.historique)

        # --- Compléments ---
        self.complements = table_lecture(["Demandés le", "Objet", "Échéance", "Reçus le", "Commentaire"],
                                         "Compléments demandés", (1, 4))
        self.bouton_demander = QPushButton("&Demander des compléments…")
        self.bouton_demander.clicked.connect(self.demander_complements)
        self.bouton_recus = QPushButton("Compléments &reçus…")
        self.bouton_recus.clicked.connect(self.marquer_recus)
        self.complements.itemSelectionChanged.connect(self._selection_complement)
        boutons = QHBoxLayout()
        boutons.addWidget(self.bouton_demander)
        boutons.addWidget(self.bouton_recus)
        boutons.addStretch(1)
        complements = QWidget()
        colonne_c = QVBoxLayout(complements)
        colonne_c.setContentsMargins(4, 4, 4, 4)
        colonne_c.addWidget(self.complements, 1)
        colonne_c.addLayout(boutons)

        # --- Proposition, décision, montants demandés, proposés et accordés ---
        self.proposition = _etiquette()
        self.proposition.setAccessibleName("Proposition de l'instructeur et décision du comité")
        self.financements = table_lecture(["Financeur", "Demandé", "Proposé", "Accordé"],
                                          "Montants demandés, proposés et accordés", (0,))
        self.bouton_montants = QPushButton("&Montants accordés…")
        self.bouton_montants.setToolTip("Corriger les montants accordés par le comité des financeurs")
        self.bouton_montants.clicked.connect(self.corriger_montants)
        montants = QWidget()
        colonne_m = QVBoxLayout(montants)
        colonne_m.setContentsMargins(4, 4, 4, 4)
        colonne_m.addWidget(self.proposition)
        colonne_m.addWidget(self.financements, 1)
        ligne_m = QHBoxLayout()
        ligne_m.addWidget(self.bouton_montants)
        ligne_m.addStretch(1)
        colonne_m.addLayout(ligne_m)
        self.suivi = QTabWidget()
        self.suivi.addTab(complements, "Compléments demandés au porteur")
        self.suivi.addTab(montants, "Proposition et décision")

        # --- Recevabilité ---
        self.resume_recevabilite = _etiquette()
        self.recevabilite = table_lecture(["Point contrôlé", "Résultat"], "Points de recevabilité", (0,))
        recevabilite = _groupe("Recevabilité", self.resume_recevabilite, self.recevabilite)

        # --- Éligibilité ---
        self.verdict = _etiquette()
        self.verdict.setAccessibleName("Verdict d'éligibilité")
        self.criteres = table_lecture(["Critère", "Retenu", "Commentaire"], "Critères d'éligibilité retenus", (0, 2))
        self.bouton_assistant = QPushButton("&Assistant d'éligibilité…")
        self.bouton_assistant.clicked.connect(self.ouvrir_assistant)
        self.bouton_fiche = QPushButton("&Fiche d'instruction (PDF)…")
        self.bouton_fiche.setToolTip("Imprimer la fiche du dossier pour le comité des financeurs")
        self.bouton_fiche.clicked.connect(self.imprimer_fiche)
        boutons = QHBoxLayout()
        boutons.addWidget(self.bouton_assistant)
        boutons.addWidget(self.bouton_fiche)
        self.bouton_apercu_fiche = QPushButton(apercu_document.LIBELLE.replace("impression", "i&mpression", 1))
        self.bouton_apercu_fiche.setToolTip(apercu_document.BULLE)
        self.bouton_apercu_fiche.clicked.connect(self.apercu_fiche)
        boutons.addWidget(self.bouton_apercu_fiche)
        boutons.addStretch(1)
        eligibilite = _groupe("Éligibilité", self.verdict, self.criteres, boutons)

        self.indication = _etiquette()
        gauche, droite = QSplitter(Qt.Orientation.Vertical), QSplitter(Qt.Orientation.Vertical)
        gauche.addWidget(circuit)
        gauche.addWidget(self.suivi)
        gauche.setSizes([330, 200])
        droite.addWidget(recevabilite)
        droite.addWidget(eligibilite)
        droite.setSizes([220, 310])
        colonnes = QSplitter(Qt.Orientation.Horizontal)
        colonnes.addWidget(gauche)
        colonnes.addWidget(droite)
        colonnes.setSizes([640, 640])
        colonnes.setChildrenCollapsible(False)
        self.colonnes = colonnes
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(self.indication)
        disposition.addWidget(colonnes, 1)
        self.afficher(None)

    # --- Lecture et affichage -----------------------------------------------------------------------

    def charger(self, dossier_id: int | None, numero: str = "") -> None:
        self.dossier_id, self.numero = dossier_id, numero or self.numero
        if dossier_id is None:
            self.afficher(None)
            return
        self.relire()

    def lire_maintenant(self) -> None:
        Operation(actions.lire, self.contexte, self.dossier_id, parent=self).apres(self.afficher).lancer()

    def afficher(self, donnees: EtatInstruction | None) -> None:
        self.donnees = donnees
        self.colonnes.setEnabled(donnees is not None)
        self.indication.setVisible(donnees is None)
        self.indication.setText("Enregistrez d'abord le dossier (Ctrl+S) : son instruction commence à son dépôt.")
        self._afficher_passages(donnees)
        if donnees is None:
            for table in (self.historique, self.complements, self.recevabilite, self.criteres, self.financements):
                table.setRowCount(0)
            self.etat.setText("")
            self.verdict.setText("")
            self.resume_recevabilite.setText("")
            self.proposition.setText("")
            return
        depuis = donnees.date_depuis
        duree = dates.formater_duree(max(0, (maintenant().date() - depuis).days))
        self.etat.setText(
            f"<span style='font-size:14px'>État : <b>{etats.libelle(donnees.etat)}</b></span> depuis le "
            f"{dates.formater(depuis)} ({duree})"
        )
        passages = list(reversed(donnees.historique))
        remplir_table(self.historique, [
            [dates.formater(h.date) if h.date else dates.formater_horodatage(h.le),
             etats.libelle(h.vers) if h.de is None else f"{etats.libelle(h.de)} → {etats.libelle(h.vers)}",
             h.acteur, h.motif or ""]
            for h in passages
        ], bulles={rang: f"Saisi le {dates.formater_horodatage(h.le)} par {h.acteur}"
                   for rang, h in enumerate(passages)})
        self._afficher_complements(donnees)
        self._afficher_financements(donnees)
        self._afficher_recevabilite(donnees)
        self._afficher_examen(donnees)
        self._appliquer_droits()

    def _appliquer_droits(self) -> None:
        """Les boutons d'instruction selon le rôle (les services refusent de toute façon)."""
        utilisateur = self.contexte.utilisateur
        for bouton, droit in ((self.bouton_demander, "dossier.complements"), (self.bouton_recus, "dossier.complements"),
                              (self.bouton_montants, "dossier.montants_accordes"),
                              (self.bouton_assistant, "dossier.examen")):
            if not utilisateur.peut(droit):
                bouton.setEnabled(False)
                bouton.setToolTip("Votre rôle ne le permet pas.")

    def _afficher_passages(self, donnees: EtatInstruction | None) -> None:
        while self.grille_passages.count():
            element = self.grille_passages.takeAt(0)
            if element.widget():
                element.widget().deleteLater()
        if donnees is None:
            return
        if not donnees.passages:
            self.grille_passages.addWidget(QLabel("<i>État final : le dossier ne change plus d'état.</i>"), 0, 0)
            return
        if not self.contexte.utilisateur.peut("dossier.circuit"):
            self.grille_passages.addWidget(QLabel("<i>Consultation : votre rôle ne change pas l'état des "
                                                  "dossiers.</i>"), 0, 0)
            return
        for rang, passage in enumerate(donnees.passages):
            bouton = QPushButton(passage.action)
            bouton.setObjectName(f"passage-{passage.vers}")
            bouton.setAccessibleName(passage.action.rstrip("…"))
            if passage.aide:
                bouton.setToolTip(passage.aide)
            if passage.vers == Etat.RECEVABLE and not donnees.recevable:
                bouton.setToolTip("Des points de recevabilité ne sont pas respectés (voir à droite).")
            bouton.clicked.connect(lambda _=False, p=passage: self.passer(p))
            self.grille_passages.addWidget(bouton, rang // 3, rang % 3)

    def _afficher_complements(self, donnees: EtatInstruction) -> None:
        couleurs = {}
        lignes = []
        for rang, c in enumerate(donnees.complements):
            en_retard = c.attendu and c.echeance is not None and c.echeance < maintenant().date()
            lignes.append([dates.formater(c.demandee_le), c.objet, dates.formater(c.echeance),
                           dates.formater(c.recue_le, vide="en retard" if en_retard else "attendus"),
                           c.commentaire or ""])
            if c.attendu:
                couleurs[(rang, 3)] = ROUGE if en_retard else ORANGE
        remplir_table(self.complements, lignes, couleurs)
        ouvert = donnees.etat not in (Etat.SOLDE, Etat.REFUSE, Etat.SANS_SUITE)
        self.bouton_demander.setEnabled(ouvert and (donnees.etat == Etat.INCOMPLET or any(
            p.vers == Etat.INCOMPLET for p in donnees.passages)))
        self._selection_complement()

    def _afficher_financements(self, donnees: EtatInstruction) -> None:
        from instruction.domaine import argent
        from instruction.services.montants_accordes import MONTANTS_MODIFIABLES

        proposition = donnees.proposition
        proposes = proposition.montants if proposition else {}
        lignes = [[f.libelle, argent.formater(f.demande), argent.formater(proposes.get(f.financeur), vide="—"),
                   argent.formater(f.accorde, vide="—")]
                  for f in donnees.financements]
        if donnees.financements:
            demande = sum((f.demande for f in donnees.financements), argent.euros(0))
            accordes = [f.accorde for f in donnees.financements if f.accorde is not None]
            lignes.append(["Total", argent.formater(demande),
                           argent.formater(proposition.total) if proposition else "—",
                           argent.formater(sum(accordes, argent.euros(0))) if accordes else "—"])
        remplir_table(self.financements, lignes)
        self.proposition.setText(self._texte_proposition(donnees))
        for rang in range(len(lignes)):
            for colonne in (1, 2, 3):
                self.financements.item(rang, colonne).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.bouton_montants.setEnabled(donnees.etat in MONTANTS_MODIFIABLES)

    @staticmethod
    def _texte_proposition(donnees: EtatInstruction) -> str:
        """La proposition de l'instructeur, la décision du comité et, s'il le faut, le budget ajusté attendu."""
        morceaux = []
        proposition = donnees.proposition
        if proposition is not None:
            texte = (f"Proposition de l'instructeur : <b>{proposition.libelle}</b> (le "
                     f"{dates.formater(proposition.date)}, {proposition.acteur})")
            if proposition.commentaire:
                texte += f" — <i>{escape(proposition.commentaire)}</i>"
            morceaux.append(texte)
        elif any(h.vers == Etat.INSTRUIT for h in donnees.historique):
            morceaux.append("<i>Pas de proposition enregistrée (instruction terminée avant qu'on les garde).</i>")
        decision = donnees.decision
        if decision is not None:
            couleur = VERT if decision.etat == Etat.RETENU else ROUGE if decision.etat == Etat.REFUSE else ORANGE
            texte = (f"Décision du comité des financeurs : <b style='color:{couleur}'>{decision.libelle}</b> "
                     f"(séance du {dates.formater(decision.date)})")
            if decision.motif:
                texte += f" — <i>{escape(decision.motif)}</i>"
            morceaux.append(texte)
        if donnees.budget_ajuste_attendu:
            morceaux.append(f"<b style='color:{ORANGE}'>Le comité a accordé moins que demandé : le porteur doit "
                            "envoyer un budget ajusté.</b>")
        return "<br/>".join(morceaux)

    def _afficher_recevabilite(self, donnees: EtatInstruction) -> None:
        points = donnees.recevabilite
        manques = [p for p in points if not p.respecte]
        if manques:
            self.resume_recevabilite.setText(f"<b style='color:{ROUGE}'>{len(manques)} point(s) sur {len(points)} "
                                             "à régler</b> avant de déclarer le dossier recevable.")
        else:
            texte = f"<b style='color:{VERT}'>Les {len(points)} points sont respectés.</b>"
            if donnees.complet_le:
                texte += f" Déclaré recevable le {dates.formater_horodatage(donnees.complet_le).split(' ')[0]}."
            self.resume_recevabilite.setText(texte)
        ordonnes = manques + [p for p in points if p.respecte]
        remplir_table(
            self.recevabilite,
            [[p.libelle, "✔ Respecté" if p.respecte else f"✘ {p.detail}"] for p in ordonnes],
            {(rang, 1): VERT if p.respecte else ROUGE for rang, p in enumerate(ordonnes)},
            {rang: f"Source : {p.source}" for rang, p in enumerate(ordonnes)},
        )

    def _afficher_examen(self, donnees: EtatInstruction) -> None:
        examen = donnees.examen
        possible = donnees.etat in EXAMEN_POSSIBLE
        self.bouton_assistant.setEnabled(possible)
        self.bouton_assistant.setToolTip(
            "Examiner chaque critère du dispositif, pas à pas" if possible
            else "L'examen ne se modifie plus à cet état du dossier"
            + (" : reprenez d'abord l'instruction." if donnees.etat in (Etat.INSTRUIT, Etat.AJOURNE, Etat.RETENU)
               else ".")
        )
        if examen is None:
            self.verdict.setText("Pas encore examiné : ouvrez l'assistant d'éligibilité.")
            self.criteres.setRowCount(0)
            return
        self.verdict.setText(
            f"Verdict : <b style='color:{COULEURS_VERDICT.get(examen.verdict, '#000')}; font-size:14px'>"
            f"{el.VERDICTS.get(examen.verdict, examen.verdict)}</b> — examen du "
            f"{dates.formater_horodatage(examen.le)} par {examen.acteur}"
        )
        remplir_table(
            self.criteres,
            [[c.libelle, f"{SIGNES.get(c.statut, '')} {el.STATUTS.get(c.statut, c.statut)}"
              + (" (modifié)" if c.change else ""), c.commentaire or ""] for c in examen.criteres],
            {(rang, 1): COULEURS.get(c.statut, "#000") for rang, c in enumerate(examen.criteres)},
            {rang: f"{c.explication}\nSource : {c.source}" for rang, c in enumerate(examen.criteres)},
        )

    def _selection_complement(self) -> None:
        self.bouton_recus.setEnabled(self._complement_choisi() is not None
                                     and self.contexte.utilisateur.peut("dossier.complements"))

    def _complement_choisi(self):
        if self.donnees is None:
            return None
        rang = self.complements.currentRow()
        if not self.complements.selectedItems() or not 0 <= rang < len(self.donnees.complements):
            attendus = self.donnees.complements_attendus
            return attendus[0] if len(attendus) == 1 else None
        choisi = self.donnees.complements[rang]
        return choisi if choisi.attendu else None

    def ouvrir_assistant(self) -> None:
        if self.dossier_id is None or not self.peut_agir("Examiner l'éligibilité"):
            return
        Operation(actions.evaluer, self.contexte, self.dossier_id, parent=self).apres(self._montrer_assistant).lancer()

    def _montrer_assistant(self, evaluation) -> None:
        self.assistant = AssistantEligibilite(evaluation, self)
        self.assistant.enregistrement_demande.connect(self._enregistrer_examen)
        self.assistant.open()

    def _enregistrer_examen(self, decisions: list, commentaire: str) -> None:
        assistant = self.assistant

        def fini(donnees: EtatInstruction) -> None:
            assistant.termine()
            self.afficher(donnees)
            self.etat_change.emit()
            self.message.emit(f"{self.numero} : examen d'éligibilité enregistré.")

        def echec(erreur: BaseException, trace: str) -> None:
            if isinstance(erreur, ErreurInstruction):
                assistant.echec(erreur.message)
            else:
                assistant.echec("L'examen n'a pas été enregistré ; vos décisions sont intactes.")
                erreurs.montrer(erreur, trace, assistant)

        Operation(actions.enregistrer_examen, self.contexte, self.dossier_id, decisions, commentaire, parent=self) \
            .apres(fini).echec(echec).lancer()
