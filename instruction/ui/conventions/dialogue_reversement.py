"""La boîte d'un reversement sur une convention (titre de recette) : exercice, montant, référence du titre, date
d'émission et motif sur un seul formulaire ; un refus s'affiche dans la boîte, qui reste ouverte avec la saisie."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from instruction.domaine import argent, dates
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import versements as actions
from instruction.ui.champs import champ_date, champ_nombre, champ_texte
from instruction.ui.suivi.dialogue_base import DialogueSaisie


class DialogueReversementConvention(DialogueSaisie):
    """``resultat`` : la situation des versements relue après le reversement."""

    def __init__(self, contexte, situation, exercice: int | None, parent: QWidget | None = None) -> None:
        super().__init__(f"Reversement — convention {situation.numero}", parent)
        self.contexte, self.convention_id = contexte, situation.convention_id
        f = self.formulaire
        self.exercice = f.ligne(self.disposition, "exercice", "E&xercice :", QComboBox())
        for e in situation.exercices:
            self.exercice.addItem(f"{e.exercice} — versé net {argent.formater(e.verse)}", e.exercice)
        if exercice is not None:
            self.exercice.setCurrentIndex(max(0, self.exercice.findData(exercice)))
        self.montant = f.ligne(self.disposition, "montant", "&Montant à reverser :", champ_nombre())
        self.titre = f.ligne(self.disposition, "titre", "&Titre de recette (réf.) :",
                             champ_texte("n° du titre de recette", 60))
        self.emis_le = f.ligne(self.disposition, "emis_le", "Émis &le :", champ_date())
        self.emis_le.setText(dates.formater(aujourd_hui()))
        self.motif = self.texte_long("motif", "M&otif :", 60, "Action sous-réalisée, annulée…")
        self.resize(520, 300)
        self.terminer()

    def enregistrer(self) -> None:
        erreurs = {}
        montant = emis_le = None
        try:
            montant = argent.lire(self.montant.text())
        except DonneesInvalides as erreur:
            erreurs["montant"] = erreur.message
        try:
            emis_le = dates.lire(self.emis_le.text())
        except DonneesInvalides as erreur:
            erreurs["emis_le"] = erreur.message
        if erreurs:
            premier = self.formulaire.afficher_erreurs(erreurs)
            self.erreur.setText("Corrigez les champs signalés en rouge.")
            if premier is not None:
                premier.setFocus()
            return
        self.lancer(actions.reverser, self.contexte, self.convention_id, self.exercice.currentData(), montant,
                    self.titre.text(), emis_le, self.motif.toPlainText())
