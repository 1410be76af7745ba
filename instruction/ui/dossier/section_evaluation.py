"""Section « Moyens et évaluation » : moyens mis en œuvre, méthode d'évaluation, indicateurs et cibles."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QVBoxLayout

from instruction.domaine import dossier as d
from instruction.domaine import seances
from instruction.ui.champs import TexteLong
from instruction.ui.dossier.section import Environnement, Section
from instruction.ui.tableau_lignes import Colonne, TableauLignes


class SectionEvaluation(Section):
    def __init__(self, env: Environnement) -> None:
        super().__init__(env)
        f = self.formulaire
        textes = QGroupBox("Moyens et méthode")
        formes = QFormLayout(textes)
        self.moyens = f.ligne(formes, "moyens", "&Moyens mis en œuvre :", TexteLong(70),
                              "Moyens humains (salariés, bénévoles) et matériels")
        self.evaluation = f.ligne(formes, "evaluation", "Méthode d'é&valuation :", TexteLong(70))

        indicateurs_contrat = {"": "—"}
        for indicateur in env.referentiel.indicateurs:
            if indicateur.niveau == "action":
                prefixe = indicateur.objectif_strategique or "Transversal"
                indicateurs_contrat[indicateur.code] = f"{prefixe} — {indicateur.libelle}"
        self.indicateurs = TableauLignes(
            [
                Colonne("libelle", "Indicateur", 300, etirer=True),
                Colonne("indicateur_code", "Indicateur du contrat de ville (facultatif)", 260,
                        choix=indicateurs_contrat),
                Colonne("cible", "Cible", 80, droite=True, aide="Valeur visée (nombre ; pourcentage ≤ 100)"),
                Colonne("unite", "Unité", 90, choix={"": "—", **seances.UNITES_CIBLE}, defaut="nombre"),
            ],
            "indicateurs",
            "Indicateurs d'évaluation",
            ajout="Ajouter un indicateur",
            hauteur=160,
        )
        self.formulaire.enregistrer_afficheur(self.indicateurs.afficher_erreurs)
        groupe = QGroupBox("Indicateurs d'évaluation et cibles")
        colonne = QVBoxLayout(groupe)
        colonne.addWidget(self.indicateurs)

        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(textes)
        disposition.addWidget(groupe, 1)
        self.signaler(self.moyens, self.evaluation)
        self.indicateurs.modele.lignes_modifiees.connect(self.modifie)

    def remplir(self, saisie: d.SaisieDossier) -> None:
        self.moyens.setPlainText(saisie.moyens)
        self.evaluation.setPlainText(saisie.evaluation)
        self.indicateurs.modele.remplacer(saisie.indicateurs)

    def completer(self, saisie: d.SaisieDossier) -> None:
        saisie.moyens = self.moyens.toPlainText()
        saisie.evaluation = self.evaluation.toPlainText()
        self.indicateurs.modele.numeroter(0)
        saisie.indicateurs = self.indicateurs.modele.lignes()
