"""Section « Publics et territoire » : âges, bénéficiaires (dont habitants des quartiers), lieux, quartiers."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dossier as d
from instruction.domaine import publics
from instruction.ui.champs import ListeACocher, TexteLong, champ_nombre
from instruction.ui.dossier.section import Environnement, Section, defilante


class SectionPublics(Section):
    def __init__(self, env: Environnement) -> None:
        super().__init__(env)
        f = self.formulaire
        gauche = QWidget()
        colonne = QVBoxLayout(gauche)

        ages = QGroupBox("Tranches d'âge du public")
        grille = QGridLayout(ages)
        self.tranches: dict[str, QCheckBox] = {}
        for rang, (code, libelle) in enumerate(publics.TRANCHES_AGE.items()):
            case = QCheckBox(libelle)
            self.tranches[code] = case
            grille.addWidget(case, rang // 4, rang % 4)
        colonne.addWidget(ages)
        f.enregistrer("tranches_age", ages)

        nombres = QGroupBox("Bénéficiaires prévus")
        formes = QFormLayout(nombres)
        self.beneficiaires = f.ligne(formes, "beneficiaires", "&Nombre total :", champ_nombre())
        self.femmes = f.ligne(formes, "femmes", "Dont &femmes :", champ_nombre())
        self.hommes = f.ligne(formes, "hommes", "Dont &hommes :", champ_nombre())
        colonne.addWidget(nombres)

        habitants = QGroupBox("Dont habitants des quartiers (nombre de bénéficiaires qui y résident)")
        formes_h = QFormLayout(habitants)
        self.par_quartier = {}
        for quartier in [*env.referentiel.qpv(), *env.referentiel.secteurs_vigilance()]:
            precision = "QPV" if quartier.nature == "qpv" else "secteur de vigilance"
            self.par_quartier[quartier.code] = f.ligne(
                formes_h, f"beneficiaires_quartiers.{quartier.code}", f"{quartier.nom} ({precision}) :", champ_nombre()
            )
        self.erreur_quartiers = QLabel()
        self.erreur_quartiers.setStyleSheet("color: #b00020;")
        self.erreur_quartiers.hide()
        formes_h.addRow(self.erreur_quartiers)
        f.enregistrer("beneficiaires_quartiers", habitants, self.erreur_quartiers)
        colonne.addWidget(habitants)

        lieux = QGroupBox("Lieux de réalisation (un par ligne)")
        formes_l = QFormLayout(lieux)
        self.lieux = f.ligne(formes_l, "lieux", "&Lieux :", TexteLong(60))
        colonne.addWidget(lieux)
        colonne.addStretch(1)

        self.quartiers = ListeACocher("Quartiers concernés")
        ref = env.referentiel
        racine_qpv = self.quartiers.ajouter(None, "Quartiers prioritaires (QPV) et leurs sous-secteurs")
        for qpv in ref.qpv():
            item = self.quartiers.ajouter(racine_qpv, qpv.nom, qpv.code)
            for sous in ref.sous_secteurs(qpv.code):
                self.quartiers.ajouter(item, sous.nom, sous.code)
        racine_vigilance = self.quartiers.ajouter(None, "Secteurs de vigilance")
        for secteur in ref.secteurs_vigilance():
            self.quartiers.ajouter(racine_vigilance, secteur.nom, secteur.code)
        self.quartiers.expand(racine_qpv.index())
        self.quartiers.expand(racine_vigilance.index())
        f.enregistrer("quartiers", self.quartiers)
        droite = QWidget()
        colonne_d = QVBoxLayout(droite)
        colonne_d.setContentsMargins(0, 0, 0, 0)
        titre = QLabel("<b>Quartiers</b> où l'action a lieu ou dont elle mobilise les habitants :")
        titre.setWordWrap(True)
        colonne_d.addWidget(titre)
        colonne_d.addWidget(self.quartiers, 1)

        separation = QSplitter()
        separation.addWidget(defilante(gauche))
        separation.addWidget(droite)
        separation.setSizes([720, 560])
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(separation)
        self.signaler(*self.tranches.values(), self.beneficiaires, self.femmes, self.hommes,
                      *self.par_quartier.values(), self.lieux, self.quartiers)

    def remplir(self, saisie: d.SaisieDossier) -> None:
        for code, case in self.tranches.items():
            case.setChecked(code in saisie.tranches_age)
        self.beneficiaires.setText(saisie.beneficiaires)
        self.femmes.setText(saisie.femmes)
        self.hommes.setText(saisie.hommes)
        for code, champ in self.par_quartier.items():
            champ.setText(saisie.beneficiaires_quartiers.get(code, ""))
        self.lieux.setPlainText(saisie.lieux)
        self.quartiers.cocher(saisie.quartiers)

    def completer(self, saisie: d.SaisieDossier) -> None:
        saisie.tranches_age = [code for code, case in self.tranches.items() if case.isChecked()]
        saisie.beneficiaires = self.beneficiaires.text()
        saisie.femmes = self.femmes.text()
        saisie.hommes = self.hommes.text()
        saisie.beneficiaires_quartiers = {
            code: champ.text() for code, champ in self.par_quartier.items() if champ.text().strip()
        }
        saisie.lieux = self.lieux.toPlainText()
        saisie.quartiers = self.quartiers.codes_coches()
