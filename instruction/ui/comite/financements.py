"""La vue consolidée des financements : la section « Financements » d'un dossier et la page d'une campagne.

Pour chaque partenaire : ce qui lui est demandé (compte 74), ce que l'instruction et son avis proposent, ce
que le comité a décidé, ce que son instance a voté, et les moyens de droit commun qu'il déclare pour l'action
(la Région veut que les moyens de tous les partenaires soient « connus et partagés », contrat de ville
l. 4258). La section déclare et retire ces moyens ; la page de campagne en fait le tableau, action par action.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, etats
from instruction.domaine import comite as regles
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services.actions import COMITE, INSTRUCTION
from instruction.services.actions import comite as actions
from instruction.ui.champs import etiquette_erreur
from instruction.ui.comite.page_de_travail import PageDeTravail
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

COLONNES = ["Partenaire", "Demandé", "Proposé (instruction)", "Proposé (avis)", "Décidé", "Voté", "Droit commun"]


def _m(valeur) -> str:
    return argent.formater(valeur) if valeur is not None else ""


def _aligner(table, colonnes) -> None:
    for rang in range(table.rowCount()):
        for colonne in colonnes:
            if table.item(rang, colonne):
                table.item(rang, colonne).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class SectionFinancements(QWidget):
    """La section « Financements » de l'onglet d'un dossier (``ui/dossier/sections_cycle.py``)."""

    def __init__(self, contexte, dossier_id: int) -> None:
        super().__init__()
        self.contexte, self.dossier_id = contexte, dossier_id
        self.vue = None
        self.resume = QLabel()
        self.resume.setWordWrap(True)
        self.table = table_lecture(COLONNES, "Financements par partenaire", etirees=(0,))
        self.moyens = table_lecture(["Partenaire", "Nature", "Moyen mobilisé", "Valorisation", "Déclaré par"],
                                    "Moyens de droit commun", etirees=(2,))
        self.financeur = QComboBox()
        self.financeur.setAccessibleName("Partenaire")
        self.nature = QComboBox()
        for code, libelle in regles.NATURES_MOYENS.items():
            self.nature.addItem(libelle, code)
        self.libelle = QLineEdit()
        self.libelle.setPlaceholderText("Poste d'adulte-relais, salle mise à disposition, prestation de service…")
        self.montant = QLineEdit()
        self.montant.setPlaceholderText("valorisation (facultatif)")
        self.montant.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.declarer = QPushButton("&Déclarer")
        self.declarer.clicked.connect(self._declarer)
        self.retirer = QPushButton("Re&tirer le moyen")
        self.retirer.clicked.connect(self._retirer)
        self.erreur = etiquette_erreur()
        ligne = QHBoxLayout()
        ligne.addWidget(self.financeur)
        ligne.addWidget(self.nature)
        ligne.addWidget(self.libelle, 1)
        ligne.addWidget(self.montant)
        ligne.addWidget(self.declarer)
        ligne.addWidget(self.retirer)
        boite = QGroupBox("Moyens de droit commun déclarés par les partenaires (contrat de ville, l. 4258)")
        disposition_boite = QVBoxLayout(boite)
        disposition_boite.addWidget(self.moyens, 1)
        disposition_boite.addLayout(ligne)
        disposition_boite.addWidget(self.erreur)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.resume)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(boite, 1)
        self.relire()

    def relire(self) -> None:
        Operation(actions.financements_du_dossier, self.contexte, self.dossier_id, parent=self) \
            .apres(self.afficher).refus(self.erreur.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(COMITE, INSTRUCTION) and (changements.touche_dossier(self.dossier_id)
                                                       or not changements.dossiers):
            self.relire()

    def afficher(self, vue) -> None:
        self.vue = vue
        seances = "; ".join(f"{intitule} : {regles.DECISIONS.get(decision or '', 'à décider')}"
                            for intitule, _jour, decision in vue.seances) or "pas encore passé en séance"
        self.resume.setText(f"<b>{vue.numero}</b> — {etats.libelle(vue.etat)} — coût de l'action "
                            f"{_m(vue.cout_total)} — comité : {seances}")
        lignes = [[l.libelle, _m(l.demande), _m(l.propose), _m(l.propose_avis), _m(l.decide), _m(l.vote),
                   _m(l.droit_commun) if l.moyens else ""] for l in vue.lignes]
        lignes.append(["Total", _m(vue.total("demande")), _m(vue.total("propose")), _m(vue.total("propose_avis")),
                       _m(vue.total("decide")), _m(vue.total("vote")), _m(vue.total("droit_commun"))])
        remplir_table(self.table, lignes)
        _aligner(self.table, range(1, 7))
        remplir_table(self.moyens, [[mo.libelle_financeur, regles.NATURES_MOYENS.get(mo.nature, mo.nature),
                                     mo.libelle, _m(mo.montant), mo.saisi_par] for mo in vue.moyens])
        _aligner(self.moyens, (3,))
        if self.financeur.count() == 0:
            for code, libelle in vue.financeurs.items():
                self.financeur.addItem(libelle, code)
        self.retirer.setEnabled(bool(vue.moyens))

    def _declarer(self) -> None:
        montant = None
        if self.montant.text().strip():
            try:
                montant = argent.lire(self.montant.text())
            except DonneesInvalides as erreur:
                self.erreur.setText(f"Valorisation : {erreur}")
                return
        Operation(actions.declarer_moyen, self.contexte, self.dossier_id, self.financeur.currentData(),
                  self.nature.currentData(), self.libelle.text(), montant, parent=self) \
            .apres(lambda vue: (self.erreur.clear(), self.libelle.clear(), self.montant.clear(), self.afficher(vue))) \
            .refus(self.erreur.setText).lancer()

    def _retirer(self) -> None:
        rang = self.moyens.currentRow()
        if self.vue is None or not 0 <= rang < len(self.vue.moyens):
            self.erreur.setText("Choisissez le moyen à retirer dans la liste.")
            return
        Operation(actions.retirer_moyen, self.contexte, self.dossier_id, self.vue.moyens[rang].id, parent=self) \
            .apres(self.afficher).refus(self.erreur.setText).lancer()


class PageFinancementsCampagne(PageDeTravail):
    """Les financements consolidés d'une campagne (menu Comité › Financements consolidés)."""

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.titre_onglet = "Financements consolidés"
        self.campagne = QComboBox()
        self.campagne.setAccessibleName("Campagne")
        self.campagne.currentIndexChanged.connect(lambda _i: self.relire())
        self.erreur = etiquette_erreur()
        self.table = table_lecture(["Dossier", "Porteur et action", "État"], "Financements consolidés", etirees=(1,))
        haut = QHBoxLayout()
        haut.addWidget(QLabel("&Campagne :"))
        haut.addWidget(self.campagne)
        haut.addStretch(1)
        disposition = QVBoxLayout(self)
        self.entete(disposition, "Financements consolidés par action",
                    "Pour chaque action de la campagne et chaque partenaire : demandé / décidé / voté, et les moyens "
                    "de droit commun déclarés (contrat de ville, l. 4258).")
        disposition.addLayout(haut)
        disposition.addWidget(self.erreur)
        disposition.addWidget(self.table, 1)
        Operation(actions.campagnes, self.contexte, parent=self).apres(self._campagnes) \
            .refus(self.erreur.setText).lancer()

    def _campagnes(self, campagnes) -> None:
        self.campagne.blockSignals(True)
        for identifiant, libelle in campagnes:
            self.campagne.addItem(libelle, identifiant)
        self.campagne.blockSignals(False)
        self.relire()

    def relire(self) -> None:
        if self.campagne.currentData() is None:
            return
        Operation(actions.financements_de_campagne, self.contexte, self.campagne.currentData(), parent=self) \
            .apres(self.afficher).refus(self.erreur.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(COMITE, INSTRUCTION):
            self.relire()

    def afficher(self, vue) -> None:
        self.vue = vue
        codes = list(vue.financeurs)
        colonnes = ["Dossier", "Porteur et action", "État"] + [
            f"{vue.financeurs[c]}\n{quoi}" for c in codes for quoi in ("demandé", "décidé", "voté", "droit commun")]
        from PySide6.QtWidgets import QHeaderView

        self.table.setColumnCount(len(colonnes))
        self.table.setHorizontalHeaderLabels(colonnes)
        entete = self.table.horizontalHeader()
        for colonne in range(len(colonnes)):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.Interactive if colonne == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 340)
        self.table.setWordWrap(False)
        lignes = []
        for ligne in vue.lignes:
            valeurs = [ligne.numero, f"{ligne.porteur} — {ligne.intitule}", etats.libelle(ligne.etat)]
            for code in codes:
                f = ligne.par_financeur.get(code)
                valeurs += ["", "", "", ""] if f is None else [_m(f.demande) if f.demande else "", _m(f.decide),
                                                                 _m(f.vote), _m(f.droit_commun) if f.moyens else ""]
            lignes.append(valeurs)
        lignes.append(["Total", f"{len(vue.lignes)} action(s)", ""] + [
            _m(vue.total(c, attribut)) for c in codes for attribut in ("demande", "decide", "vote", "droit_commun")])
        remplir_table(self.table, lignes)
        _aligner(self.table, range(3, len(colonnes)))
