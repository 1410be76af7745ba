"""La vue consolidée des financements : la section « Financements » d'un dossier et la page d'une campagne.

Pour chaque partenaire : ce qui lui est demandé (compte 74), ce que l'instruction et son avis proposent, ce
que le comité a décidé, ce que son instance a voté, et les moyens de droit commun qu'il déclare pour l'action
(la Région veut que les moyens de tous les partenaires soient « connus et partagés », contrat de ville
l. 4258). La section déclare et retire ces moyens ; la page de campagne en fait le tableau, action par action.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
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
from instruction.ui.operation import Lectures, Operation
from instruction.ui.tableaux import remplir_table, table_lecture

if TYPE_CHECKING:
    from instruction.services.financements import LigneFinancement

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
        self._lectures = Lectures()
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
            .apres(self._lectures.rappel(self.afficher)).refus(self.erreur.setText).lancer()

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
            .apres(self._lectures.ecriture(lambda vue: (self.erreur.clear(), self.libelle.clear(), self.montant.clear(),
                                                        self.afficher(vue)))) \
            .refus(self.erreur.setText).lancer()

    def _retirer(self) -> None:
        rang = self.moyens.currentRow()
        if self.vue is None or not 0 <= rang < len(self.vue.moyens):
            self.erreur.setText("Choisissez le moyen à retirer dans la liste.")
            return
        Operation(actions.retirer_moyen, self.contexte, self.dossier_id, self.vue.moyens[rang].id, parent=self) \
            .apres(self._lectures.ecriture(self.afficher)).refus(self.erreur.setText).lancer()


ATTRIBUTS = ("demande", "propose", "decide", "vote", "droit_commun")
COLONNES_CAMPAGNE = ["Dossier", "Porteur et action", "État", "Demandé", "Proposé", "Décidé", "Voté", "Droit commun"]
COLONNES_TOTAUX = ["Partenaire", "Actions", "Demandé", "Proposé", "Décidé", "Voté", "Reste à voter", "Droit commun"]
TOUS = ""


def _valeur(ligne: LigneFinancement | None, attribut: str):
    if ligne is None:
        return None
    if attribut == "droit_commun":
        return ligne.droit_commun if ligne.moyens else None
    if attribut == "demande":
        return ligne.demande or None
    return getattr(ligne, attribut)


def _somme(valeurs) -> Decimal | None:
    """La somme des valeurs connues ; ``None`` si aucune ne l'est (rien à afficher plutôt qu'un 0 trompeur)."""
    connues = [v for v in valeurs if v is not None]
    return sum(connues, Decimal("0.00")) if connues else None


class PageFinancementsCampagne(PageDeTravail):
    """Les financements consolidés d'une campagne (menu Comité › Financements consolidés).

    Lisible sur un écran de portable : une action par ligne avec cinq montants (demandé, proposé, décidé, voté,
    droit commun) — la somme de tous les partenaires, ou ceux du partenaire choisi (liste « Partenaire » ou clic
    dans les totaux) ; la somme tous partenaires détaille chacun en bulle. En bas, toujours visibles, les totaux
    par partenaire des actions affichées, et leur ensemble."""

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.vue = None
        self._lectures = Lectures()
        self.affichees: list = []
        self.titre_onglet = "Financements consolidés"
        self.campagne = QComboBox()
        self.campagne.setAccessibleName("Campagne")
        self.campagne.setMinimumContentsLength(28)
        self.campagne.currentIndexChanged.connect(lambda _i: self.relire())
        self.partenaire = QComboBox()
        self.partenaire.setAccessibleName("Partenaire")
        self.partenaire.setMinimumContentsLength(22)
        self.partenaire.currentIndexChanged.connect(lambda _i: self._montrer())
        self.filtre = QLineEdit()
        self.filtre.setPlaceholderText("Numéro, porteur ou intitulé…")
        self.filtre.setAccessibleName("Filtrer les actions")
        self.filtre.setClearButtonEnabled(True)
        self.filtre.textChanged.connect(lambda _t: self._montrer())
        self.erreur = etiquette_erreur()
        self.table = table_lecture(COLONNES_CAMPAGNE, "Financements consolidés", etirees=(1,))
        self.table.setWordWrap(False)
        self.titre_totaux = QLabel()
        self.totaux = table_lecture(COLONNES_TOTAUX, "Totaux par partenaire", etirees=(0,))
        self.totaux.setWordWrap(False)
        self.totaux.setToolTip("Cliquez un partenaire pour ne voir que ses montants ; « Ensemble » : tous.")
        self.totaux.itemSelectionChanged.connect(self._partenaire_des_totaux)
        haut = QHBoxLayout()
        for texte, champ in (("&Campagne :", self.campagne), ("&Partenaire :", self.partenaire),
                             ("&Filtrer :", self.filtre)):
            etiquette = QLabel(texte)
            etiquette.setBuddy(champ)
            haut.addWidget(etiquette)
            haut.addWidget(champ, 1 if champ is self.filtre else 0)
        bas = QWidget()
        disposition_bas = QVBoxLayout(bas)
        disposition_bas.setContentsMargins(0, 4, 0, 0)
        disposition_bas.addWidget(self.titre_totaux)
        disposition_bas.addWidget(self.totaux, 1)
        self.separateur = QSplitter(Qt.Orientation.Vertical)
        self.separateur.addWidget(self.table)
        self.separateur.addWidget(bas)
        self.separateur.setStretchFactor(0, 3)
        self.separateur.setStretchFactor(1, 1)
        self.separateur.setChildrenCollapsible(False)
        disposition = QVBoxLayout(self)
        self.entete(disposition, "Financements consolidés par action",
                    "Pour chaque action de la campagne : demandé, proposé, décidé, voté et moyens de droit commun "
                    "déclarés (contrat de ville, l. 4258), pour tous les partenaires ou pour l'un d'eux.")
        disposition.addLayout(haut)
        disposition.addWidget(self.erreur)
        disposition.addWidget(self.separateur, 1)
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
            .apres(self._lectures.rappel(self.afficher)).refus(self.erreur.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(COMITE, INSTRUCTION):
            self.relire()

    def afficher(self, vue) -> None:
        if vue.campagne_id != self.campagne.currentData():
            return  # une lecture d'une autre campagne (défense : seule la dernière lecture partie arrive ici)
        self.vue = vue
        choisi = self.partenaire.currentData() or TOUS
        self.partenaire.blockSignals(True)
        self.partenaire.clear()
        self.partenaire.addItem("Tous les partenaires (somme)", TOUS)
        for code, libelle in vue.financeurs.items():
            self.partenaire.addItem(libelle, code)
        self.partenaire.setCurrentIndex(max(0, self.partenaire.findData(choisi)))
        self.partenaire.blockSignals(False)
        self._montrer()

    @property
    def code_choisi(self) -> str:
        return self.partenaire.currentData() or TOUS

    def _montrer(self) -> None:
        vue = self.vue
        if vue is None:
            return
        code = self.code_choisi
        mots = self.filtre.text().casefold().split()
        # Le filtre de texte vaut pour le tableau et les totaux ; le partenaire choisi, pour le tableau seulement.
        self.filtrees = [l for l in vue.lignes if all(m in f"{l.numero} {l.porteur} {l.intitule}".casefold()
                                                      for m in mots)]
        self.affichees = [l for l in self.filtrees if code == TOUS or code in l.par_financeur]
        lignes, bulles = [], {}
        for rang, ligne in enumerate(self.affichees):
            detail = "\n".join(
                f"{vue.financeurs.get(c, c)} : demandé {_m(f.demande)}, décidé {_m(f.decide) or '—'}, "
                f"voté {_m(f.vote) or '—'}" for c, f in ligne.par_financeur.items())
            bulles[rang] = f"{ligne.numero} — {ligne.porteur}\n{ligne.intitule}\n\n{detail}"
            if code == TOUS:
                montants = [_somme(_valeur(f, a) for f in ligne.par_financeur.values()) for a in ATTRIBUTS]
            else:
                montants = [_valeur(ligne.par_financeur.get(code), a) for a in ATTRIBUTS]
            lignes.append([ligne.numero, f"{ligne.porteur} — {ligne.intitule}", etats.libelle(ligne.etat)]
                          + [_m(v) for v in montants])
        remplir_table(self.table, lignes, bulles=bulles)
        _aligner(self.table, range(3, len(COLONNES_CAMPAGNE)))
        self.table.setHorizontalHeaderLabels(COLONNES_CAMPAGNE[:3] + [
            f"{t}\n{vue.financeurs[code] if code else 'tous partenaires'}" for t in COLONNES_CAMPAGNE[3:]])
        self._totaux()

    def _totaux(self) -> None:
        vue, lignes = self.vue, self.filtrees
        rangs = []
        for code, libelle in vue.financeurs.items():
            concernees = [l.par_financeur[code] for l in lignes if code in l.par_financeur]
            if concernees:
                rangs.append((code, libelle, len(concernees),
                              [_somme(_valeur(f, a) for f in concernees) for a in ATTRIBUTS]))
        ensemble = [_somme(r[3][i] for r in rangs) for i in range(len(ATTRIBUTS))]
        rangs.append((TOUS, "Ensemble", len(lignes), ensemble))
        contenu = []
        for _code, libelle, nombre, (demande, propose, decide, vote, droit_commun) in rangs:
            reste = None if decide is None else decide - (vote or Decimal("0.00"))
            contenu.append([libelle, str(nombre), _m(demande), _m(propose), _m(decide), _m(vote),
                            _m(reste) if reste else "", _m(droit_commun)])
        self.totaux.blockSignals(True)
        self.codes_totaux = [r[0] for r in rangs]
        remplir_table(self.totaux, contenu)
        _aligner(self.totaux, range(1, len(COLONNES_TOTAUX)))
        from PySide6.QtGui import QFont

        gras = QFont(self.totaux.font())
        gras.setBold(True)
        for colonne in range(len(COLONNES_TOTAUX)):
            self.totaux.item(len(contenu) - 1, colonne).setFont(gras)
        self.totaux.selectRow(self.codes_totaux.index(self.code_choisi) if self.code_choisi in self.codes_totaux
                              else len(contenu) - 1)
        self.totaux.blockSignals(False)
        hauteur = self.totaux.horizontalHeader().height() + sum(self.totaux.rowHeight(r) for r in
                                                                 range(self.totaux.rowCount())) + 4
        self.totaux.setMinimumHeight(min(hauteur, 260))
        filtre = f", {len(lignes)} retenue(s) par le filtre" if len(lignes) != len(vue.lignes) else ""
        self.titre_totaux.setText(f"<b>Totaux par partenaire</b> — {len(vue.lignes)} action(s) dans la campagne"
                                  f"{filtre} ; tableau : {len(self.affichees)} action(s)")

    def _partenaire_des_totaux(self) -> None:
        rang = self.totaux.currentRow()
        if 0 <= rang < len(getattr(self, "codes_totaux", [])):
            self.partenaire.setCurrentIndex(max(0, self.partenaire.findData(self.codes_totaux[rang])))
