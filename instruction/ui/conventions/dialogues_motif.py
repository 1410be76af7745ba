"""Les petites boîtes de l'éditeur d'une convention et de ses versements : un passage motivé (résilier, dénoncer,
remettre en projet, abandonner un avenant, solder sans tout verser) et l'exercice d'une CPO dont le budget est
voté. Bâties sur ``ui.suivi.dialogue_base.DialogueSaisie`` comme la boîte du reversement : OK lance l'action,
un refus s'affiche dans la boîte, qui reste ouverte avec ce qui a été tapé ; ``resultat`` garde ce que l'action
a relu (la fiche de la convention ou la situation de ses versements)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from instruction.domaine import dates
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import versements as actions_versements
from instruction.ui.champs import champ_date
from instruction.ui.suivi.dialogue_base import DialogueSaisie


class DialogueMotif(DialogueSaisie):
    """Un passage qui s'explique : ``fonction(*arguments, motif)`` est lancée au clic sur « Enregistrer »."""

    def __init__(self, titre: str, explication: str, fonction: Callable, *arguments,
                 bouton: str = "&Enregistrer", parent: QWidget | None = None) -> None:
        super().__init__(titre, parent)
        self.fonction, self.arguments = fonction, arguments
        texte = QLabel(explication)
        texte.setWordWrap(True)
        self.disposition.addRow(texte)
        self.motif = self.texte_long("motif", "M&otif :", 90, "Pourquoi : il est gardé dans l'historique de l'acte")
        self.boutons.button(self.boutons.StandardButton.Ok).setText(bouton)
        self.resize(560, 240)
        self.terminer()
        self.motif.setFocus()

    def enregistrer(self) -> None:
        # Le motif vide part aux services : ce sont eux qui disent quand il est exigé (le refus s'affiche ici).
        self.lancer(self.fonction, *self.arguments, self.motif.toPlainText().strip())


class DialogueExerciceVote(DialogueSaisie):
    """L'exercice d'une CPO « sous réserve du vote du budget » devient ferme : lequel, et la date du vote."""

    def __init__(self, contexte, situation, exercice: int | None, parent: QWidget | None = None) -> None:
        super().__init__(f"Exercice voté — convention {situation.numero}", parent)
        self.contexte, self.convention_id = contexte, situation.convention_id
        f = self.formulaire
        self.exercice = f.ligne(self.disposition, "exercice", "E&xercice :", QComboBox())
        for e in situation.exercices:
            self.exercice.addItem(f"{e.exercice} — {'ferme' if e.ferme else 'sous réserve du vote du budget'}",
                                  e.exercice)
        a_voter = [e.exercice for e in situation.exercices if not e.ferme]
        choisi = exercice if exercice in a_voter or not a_voter else a_voter[0]
        if choisi is not None:
            self.exercice.setCurrentIndex(max(0, self.exercice.findData(choisi)))
        self.vote_le = f.ligne(self.disposition, "vote_le", "&Budget voté le :", champ_date(),
                               "La date de la délibération du cofinanceur qui vote son budget (jj/mm/aaaa)")
        self.vote_le.setText(dates.formater(aujourd_hui()))
        self.boutons.button(self.boutons.StandardButton.Ok).setText("&Confirmer l'exercice")
        self.resize(480, 180)
        self.terminer()
        self.vote_le.setFocus()
        self.vote_le.selectAll()

    def enregistrer(self) -> None:
        try:
            vote_le = dates.lire(self.vote_le.text())
        except DonneesInvalides as erreur:
            self.formulaire.afficher_erreurs({"vote_le": erreur.message})
            self.erreur.setText("Corrigez la date signalée en rouge.")
            self.vote_le.setFocus()
            return
        self.lancer(actions_versements.confirmer_exercice, self.contexte, self.convention_id,
                    self.exercice.currentData(), vote_le)
