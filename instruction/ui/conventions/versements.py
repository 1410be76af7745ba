"""Le panneau des versements d'un acte : exercices (décidé, versé, reste, compte rendu), échéancier (ce qui est
payé, ce qui attend et pourquoi), mouvements (versements et reversements) ; verser, reverser, noter le
compte rendu financier, confirmer un exercice de CPO, solder sans tout verser — au clavier."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, dates
from instruction.domaine.conventions import NATURES_ECHEANCE
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import versements as actions
from instruction.ui.champs import champ_date, champ_nombre, etiquette_erreur
from instruction.ui.conventions.messages import etiquette_message
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture


def _aligner(table, colonnes) -> None:
    from instruction.ui.conventions.page_conventions import aligner_montants

    aligner_montants(table, colonnes)


def _date(champ: QLineEdit, vide_permis: bool = False):
    texte = champ.text().strip()
    if not texte and vide_permis:
        return None
    return dates.lire(texte)


class PanneauVersements(QWidget):
    def __init__(self, contexte, convention_id: int, parent=None) -> None:
        super().__init__(parent)
        self.contexte, self.convention_id = contexte, convention_id
        self.situation = None
        self.exercices = table_lecture(["Exercice", "Décidé", "Ferme", "Versé net", "Reversé", "Reste à payer",
                                        "Compte rendu dû le", "Reçu le", "Validé le"], "Exercices de la convention")
        self.echeances = table_lecture(["Exercice", "Échéance", "Montant", "Versé", "Reste", "Condition",
                                        "En attente"], "Échéancier", etirees=(5, 6))
        self.mouvements = table_lecture(["Date", "Mouvement", "Exercice", "Montant", "Référence", "Détail"],
                                        "Versements et reversements", etirees=(5,))
        for table in (self.exercices, self.echeances, self.mouvements):
            table.setMaximumHeight(170)
        self.erreur = etiquette_erreur()
        self.message = etiquette_message()  # ce qui a réussi, en vert
        # Verser
        self.exercice = QComboBox()
        self.nature = QComboBox()
        for code, libelle in NATURES_ECHEANCE.items():
            self.nature.addItem(libelle, code)
        self.montant = champ_nombre()
        self.le = champ_date()
        self.le.setText(dates.formater(aujourd_hui()))
        self.mandat = QLineEdit()
        self.mandat.setPlaceholderText("n° du mandat de paiement")
        self.engagement = QLineEdit()
        self.engagement.setPlaceholderText("engagement juridique (facultatif)")
        self.verser = QPushButton("&Verser")
        self.verser.clicked.connect(self._verser)
        versement = QGroupBox("Enregistrer un versement")
        formulaire = QFormLayout(versement)
        for libelle, champ in (("E&xercice :", self.exercice), ("É&chéance :", self.nature),
                               ("&Montant :", self.montant), ("Da&te :", self.le), ("Mandat (&réf.) :", self.mandat),
                               ("En&gagement :", self.engagement)):
            formulaire.addRow(libelle, champ)
        formulaire.addRow(self.verser)
        self.echeances.itemSelectionChanged.connect(self._echeance_choisie)
        # Compte rendu financier et autres gestes
        self.recu_le = champ_date()
        self.valide_le = champ_date()
        self.noter = QPushButton("No&ter le compte rendu")
        self.noter.clicked.connect(self._noter)
        compte_rendu = QGroupBox("Compte rendu financier de l'exercice")
        formulaire_cr = QFormLayout(compte_rendu)
        formulaire_cr.addRow("Reçu l&e :", self.recu_le)
        formulaire_cr.addRow("Va&lidé le :", self.valide_le)
        formulaire_cr.addRow(self.noter)
        self.reverser = QPushButton("Émettre un titre de recette (&k)…")
        self.reverser.clicked.connect(self._reverser)
        self.confirmer = QPushButton("Exercice voté (CPO) (&w)…")
        self.confirmer.clicked.connect(self._confirmer)
        self.solder = QPushButton("Solder sans tout verser (&z)…")
        self.solder.clicked.connect(self._solder)
        autres = QVBoxLayout()
        autres.addWidget(compte_rendu)
        for bouton in (self.reverser, self.confirmer, self.solder):
            autres.addWidget(bouton)
        autres.addStretch(1)
        gestes = QHBoxLayout()
        gestes.addWidget(versement, 1)
        gestes.addLayout(autres, 1)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.exercices)
        disposition.addWidget(self.echeances)
        disposition.addWidget(self.mouvements)
        disposition.addWidget(self.erreur)
        disposition.addWidget(self.message)
        disposition.addLayout(gestes)
        utilisateur = getattr(contexte, "utilisateur", None)
        peut = utilisateur is None or utilisateur.peut("versement.saisir")
        for bouton in (self.verser, self.noter, self.reverser, self.confirmer, self.solder):
            bouton.setEnabled(peut)
        self.relire()

    def relire(self) -> None:
        Operation(actions.situation, self.contexte, self.convention_id, parent=self).apres(self.afficher).lancer()

    def afficher(self, s) -> None:
        self.situation = s
        choisi = self.exercice.currentData()
        self.exercice.clear()
        for e in s.exercices:
            self.exercice.addItem(str(e.exercice), e.exercice)
        if choisi is not None and self.exercice.findData(choisi) >= 0:
            self.exercice.setCurrentIndex(self.exercice.findData(choisi))
        f = argent.formater
        remplir_table(self.exercices, [[str(e.exercice), f(e.montant), "oui" if e.ferme else "budget à voter",
                                        f(e.verse), f(e.reverse), f(e.reste), dates.formater(e.compte_rendu_du_le),
                                        dates.formater(e.compte_rendu_recu_le), dates.formater(e.compte_rendu_valide_le)]
                                       for e in s.exercices])
        _aligner(self.exercices, (1, 3, 4, 5))
        remplir_table(self.echeances, [[str(e.exercice), e.libelle, f(e.montant), f(e.verse), f(e.reste), e.condition,
                                        e.bloquee] for e in s.echeances],
                      couleurs={(r, 6): "#a15c00" for r, e in enumerate(s.echeances) if e.bloquee})
        _aligner(self.echeances, (2, 3, 4))
        remplir_table(self.mouvements, [[dates.formater(m.le), m.genre.capitalize(), str(m.exercice), f(m.montant),
                                         m.reference, m.detail] for m in s.mouvements])
        _aligner(self.mouvements, (3,))
        prochaine = next((e for e in s.echeances if e.reste > 0 and not e.bloquee), None)
        if prochaine is not None:
            self._proposer(prochaine)

    def _proposer(self, e) -> None:
        self.exercice.setCurrentIndex(max(0, self.exercice.findData(e.exercice)))
        self.nature.setCurrentIndex(max(0, self.nature.findData(e.nature)))
        self.montant.setText(argent.formater(e.reste).replace("\u202f€", "").replace("\xa0€", "").strip())

    def _echeance_choisie(self) -> None:
        rang = self.echeances.currentRow()
        if self.situation is not None and 0 <= rang < len(self.situation.echeances):
            self._proposer(self.situation.echeances[rang])

    def _effacer_messages(self) -> None:
        self.erreur.clear()
        self.message.clear()

    def _lancer(self, action, *arguments, reussite=None) -> None:
        """Lance l'action ; ``reussite`` (facultatif) est appelée après l'affichage de la situation relue."""
        self._effacer_messages()

        def apres(situation) -> None:
            self.afficher(situation)
            if reussite is not None:
                reussite()

        Operation(action, self.contexte, self.convention_id, *arguments, parent=self).apres(apres).refus(
            self.erreur.setText).lancer()

    def _verser(self) -> None:
        try:
            montant, le = argent.lire(self.montant.text()), _date(self.le)
        except Exception as erreur:  # noqa: BLE001 — message de saisie en français
            self.erreur.setText(str(erreur))
            return
        mandat = self.mandat.text().strip()

        def verse() -> None:
            # Le mandat a servi : vidé, pour qu'un second versement ne le reprenne pas par mégarde.
            self.mandat.clear()
            self.message.setText(f"Versement enregistré : {argent.formater(montant)} le {dates.formater(le)}, "
                                 f"mandat {mandat}.")

        self._lancer(actions.verser, self.exercice.currentData(), self.nature.currentData(), montant, le,
                     self.mandat.text(), self.engagement.text() or None, reussite=verse)

    def _noter(self) -> None:
        try:
            recu, valide = _date(self.recu_le, True), _date(self.valide_le, True)
        except Exception as erreur:  # noqa: BLE001
            self.erreur.setText(str(erreur))
            return
        self._lancer(actions.noter_compte_rendu, self.exercice.currentData(), recu, valide)

    def _reverser(self) -> None:
        """Montant, titre de recette, date et motif sur une boîte qui reste ouverte tant que le service refuse."""
        from instruction.ui.conventions.dialogue_reversement import DialogueReversementConvention

        if self.situation is None:
            return
        self._effacer_messages()
        boite = DialogueReversementConvention(self.contexte, self.situation, self.exercice.currentData(), self)
        boite.accepted.connect(lambda: self.afficher(boite.resultat))  # le reversement paraît dans les mouvements
        boite.finished.connect(boite.deleteLater)
        self.boite_reversement = boite
        boite.open()

    def _ouvrir(self, boite) -> None:
        """Une boîte qui reste ouverte tant que le service refuse ; la situation relue à la réussite."""
        self._effacer_messages()
        boite.accepted.connect(lambda: self.afficher(boite.resultat))
        boite.finished.connect(boite.deleteLater)
        self.boite = boite
        boite.open()

    def _confirmer(self) -> None:
        """La date du vote du budget sur une boîte : une date mal tapée ou un refus y restent affichés."""
        from instruction.ui.conventions.dialogues_motif import DialogueExerciceVote

        if self.situation is not None:
            self._ouvrir(DialogueExerciceVote(self.contexte, self.situation, self.exercice.currentData(), self))

    def _solder(self) -> None:
        """Le motif sur une boîte : refusé (comptes rendus pas encore validés…), il reste tapé."""
        from instruction.ui.conventions.dialogues_motif import DialogueMotif

        if self.situation is not None:
            self._ouvrir(DialogueMotif(
                f"Solder sans tout verser — {self.situation.numero}", "Pourquoi la convention est-elle soldée sans "
                "tout verser ? Ce qui reste à payer n'est plus dû.", actions.solder, self.contexte, self.convention_id,
                bouton="&Solder", parent=self))

