"""Section « Calendrier » : dates de l'action et séances, situées par rapport au temps scolaire."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from instruction.domaine import dossier as d
from instruction.domaine import seances
from instruction.ui.champs import champ_date
from instruction.ui.dossier.section import Environnement, Section
from instruction.ui.tableau_lignes import Colonne, TableauLignes

AVERTISSEMENT_CDV = (
    "Attention : l'appel à projets Contrat de ville ne finance pas d'action sur le temps scolaire "
    "(contrat de ville, l. 3565 et 3959). L'instruction le signalera."
)


class SectionCalendrier(Section):
    def __init__(self, env: Environnement) -> None:
        super().__init__(env)
        f = self.formulaire
        dates = QGroupBox("Période de réalisation")
        formes = QFormLayout(dates)
        self.debut = f.ligne(formes, "date_debut", "Date de &début :", champ_date())
        self.fin = f.ligne(formes, "date_fin", "Date de &fin :", champ_date())

        self.seances = TableauLignes(
            [
                Colonne("libelle", "Séance (contenu)", 260, etirer=True),
                Colonne("jour", "Jour", 95, choix={"": "—", **{j: j.capitalize() for j in seances.JOURS}}),
                Colonne("heure_debut", "Début", 70, aide="Heure de début, par exemple 14h00"),
                Colonne("heure_fin", "Fin", 70, aide="Heure de fin, par exemple 16h30"),
                Colonne("periode", "Par rapport à l'école", 170, choix={"": "—", **seances.PERIODES},
                        libelles_courts={"": "—", **seances.PERIODES_COURTES}, defaut="extrascolaire"),
                Colonne("frequence", "Fréquence", 150),
                Colonne("nombre", "Nombre", 70, droite=True, aide="Nombre de séances de ce type"),
            ],
            "seances",
            "Séances de l'action",
            ajout="Ajouter une séance",
            hauteur=220,
        )
        self.formulaire.enregistrer_afficheur(self.seances.afficher_erreurs)
        self.avertissement = QLabel(AVERTISSEMENT_CDV)
        self.avertissement.setWordWrap(True)
        self.avertissement.setStyleSheet("color: #8a5300;")
        self.avertissement.hide()
        self.seances.modele.lignes_modifiees.connect(self._verifier_temps_scolaire)

        groupe = QGroupBox("Séances et calendrier (temps scolaire, périscolaire, extrascolaire, vacances)")
        colonne = QVBoxLayout(groupe)
        colonne.addWidget(self.seances)
        colonne.addWidget(self.avertissement)

        haut = QHBoxLayout()
        haut.addWidget(dates)
        haut.addStretch(1)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(haut)
        disposition.addWidget(groupe, 1)
        self.signaler(self.debut, self.fin)
        self.seances.modele.lignes_modifiees.connect(self.modifie)

    def _verifier_temps_scolaire(self) -> None:
        scolaire = any(l.get("periode") == seances.TEMPS_SCOLAIRE for l in self.seances.modele.lignes())
        self.avertissement.setVisible(scolaire and self.env.dispositif == "cdv")

    def remplir(self, saisie: d.SaisieDossier) -> None:
        self.debut.setText(saisie.date_debut)
        self.fin.setText(saisie.date_fin)
        self.seances.modele.remplacer(saisie.seances)
        self._verifier_temps_scolaire()

    def completer(self, saisie: d.SaisieDossier) -> None:
        saisie.date_debut = self.debut.text()
        saisie.date_fin = self.fin.text()
        self.seances.modele.numeroter(0)
        saisie.seances = self.seances.modele.lignes()


