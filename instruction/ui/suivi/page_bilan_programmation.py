"""Le bilan de la programmation d'une année (et de plusieurs années côte à côte) : tableaux et graphiques par
cofinanceur, axe et objectif stratégique, quartier, dispositif, cotation égalité femmes-hommes, publics prévus et
atteints, bilans reçus et en retard ; export PDF et Excel. Un onglet de travail (menu Suivi).

Le calcul se fait hors du fil de l'interface (``services.actions.bilan_programmation``) ; les barres sont celles de
``ui/graphiques.py``, partagées avec l'approche budgétaire intégrée.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, budget, nombres
from instruction.domaine.publics import TRANCHES_AGE
from instruction.services.actions import bilan_programmation as actions
from instruction.ui import apercu_document, fichiers
from instruction.ui.graphiques import BLEU, VERT, GraphiqueBarres, couleur, nombre
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

DROITE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _aligner(table, depuis: int = 1, gras: set[int] | None = None) -> None:
    for rang in range(table.rowCount()):
        for colonne in range(table.columnCount()):
            cellule = table.item(rang, colonne)
            if cellule is None:
                continue
            if colonne >= depuis:
                cellule.setTextAlignment(DROITE)
            if gras and rang in gras:
                police = cellule.font()
                police.setBold(True)
                cellule.setFont(police)


def _part(montant: Decimal, total: Decimal) -> str:
    part = budget.part_de(montant, total)
    return nombres.pourcentage(part) if part is not None else "—"


class _Vue(QSplitter):
    """Un onglet du bilan : un tableau à gauche, un graphique à droite."""

    def __init__(self, colonnes: list[str], nom: str, graphique: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.table = table_lecture(colonnes, nom, etirees=(0,))
        self.graphique = graphique
        self.addWidget(self.table)
        self.addWidget(graphique)
        self.setSizes([700, 620])


class PageBilanProgrammation(QWidget):
    titre_change = Signal()
    titre_onglet = "Bilan de la programmation"
    modifie = False

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.bilans: list = []
        self.annee = QComboBox()
        self.annee.setAccessibleName("Année de programmation")
        self.dispositif = QComboBox()
        self.dispositif.setAccessibleName("Dispositif")
        self.dispositif.addItem("Tous les dispositifs", "")
        self.comparer = QListWidget()
        self.comparer.setAccessibleName("Années à comparer")
        self.comparer.setFlow(QListWidget.Flow.LeftToRight)
        self.comparer.setMaximumHeight(30)
        self.comparer.setToolTip("Cochez d'autres années pour les voir côte à côte (onglet « Années »).")
        haut = QHBoxLayout()
        for texte, champ in (("&Année :", self.annee), ("Dis&positif :", self.dispositif),
                             ("&Comparer avec :", self.comparer)):
            etiquette = QLabel(texte)
            etiquette.setBuddy(champ)
            haut.addWidget(etiquette)
            haut.addWidget(champ, 1 if champ is self.comparer else 0)
        self.exporter_pdf = QPushButton("Enregistrer en P&DF…")
        self.exporter_xlsx = QPushButton("Enregistrer en E&xcel…")
        self.apercu = QPushButton(apercu_document.LIBELLE.replace("impression", "i&mpression", 1))
        self.apercu.setToolTip(apercu_document.BULLE)
        self.exporter_pdf.clicked.connect(lambda: self.exporter("pdf"))
        self.exporter_xlsx.clicked.connect(lambda: self.exporter("xlsx"))
        self.apercu.clicked.connect(self.apercu_avant_impression)
        haut.addWidget(self.exporter_pdf)
        haut.addWidget(self.exporter_xlsx)
        haut.addWidget(self.apercu)
        self.resume = QLabel()
        self.resume.setWordWrap(True)
        self.message = QLabel()  # ce que devient un export (écrit, refusé), sous le résumé qu'il ne remplace pas
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        montants = ["Actions", "Porteurs", "Montant accordé", "Part du total"]
        self.financeurs = _Vue(["Cofinanceur"] + montants, "Montants accordés par cofinanceur",
                               GraphiqueBarres("Graphique : montant accordé par cofinanceur"))
        self.axes = _Vue(["Axe / objectif stratégique"] + montants, "Montants par axe et objectif stratégique",
                         GraphiqueBarres("Graphique : montant par axe, par cofinanceur", empile=True))
        self.quartiers = _Vue(["Quartier"] + montants, "Montants par quartier",
                              GraphiqueBarres("Graphique : montant par quartier, par cofinanceur", empile=True))
        self.dispositifs = _Vue(["Dispositif"] + montants, "Montants par dispositif",
                                GraphiqueBarres("Graphique : montant par dispositif"))
        self.cotations = _Vue(["Cotation égalité femmes-hommes", "Dossiers présentés", "Demandé", "Accordé"],
                              "Crédits par cotation égalité femmes-hommes",
                              GraphiqueBarres("Graphique : demandé et accordé par cotation"))
        self.publics = _Vue(["Public", "Prévu (toutes les actions)", "Prévu (comptes rendus reçus)", "Atteint"],
                            "Publics prévus et atteints",
                            GraphiqueBarres("Graphique : publics prévus et atteints", formater=nombre))
        self.bilans_attendus = _Vue(["Bilan attendu", "Nombre"], "Bilans reçus et en retard",
                                    GraphiqueBarres("Graphique : bilans par statut", formater=nombre))
        self.annees = _Vue(["Année"], "Années côte à côte", GraphiqueBarres("Graphique : montant par cofinanceur et "
                                                                           "par année"))
        from instruction.rapports.bilan_programmation import NOTE_CHEVAUCHEMENT

        for vue in (self.axes, self.quartiers):
            vue.table.setToolTip(NOTE_CHEVAUCHEMENT)
        self.onglets = QTabWidget()
        for vue, titre in ((self.financeurs, "Co&financeurs"), (self.axes, "Axes et &objectifs"),
                           (self.quartiers, "&Quartiers"), (self.dispositifs, "Dispositi&fs"),
                           (self.cotations, "Cotation é&galité"), (self.publics, "P&ublics"),
                           (self.bilans_attendus, "&Bilans"), (self.annees, "A&nnées")):
            self.onglets.addTab(vue, titre)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(haut)
        disposition.addWidget(self.resume)
        disposition.addWidget(self.message)
        disposition.addWidget(self.onglets, 1)
        self.annee.currentIndexChanged.connect(lambda _i: (self._masquer_annee_choisie(), self.calculer()))
        self.dispositif.currentIndexChanged.connect(lambda _i: self.calculer())
        self.comparer.itemChanged.connect(lambda _i: self.calculer())
        Operation(actions.choix, contexte, parent=self).apres(self._choix).lancer()

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        return True

    def _choix(self, resultat) -> None:
        annees, dispositifs = resultat
        for liste in (self.annee, self.dispositif, self.comparer):
            liste.blockSignals(True)
        for annee in annees:
            self.annee.addItem(str(annee), annee)
            item = QListWidgetItem(str(annee))
            item.setData(Qt.ItemDataRole.UserRole, annee)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.comparer.addItem(item)
        for code, libelle in dispositifs:
            self.dispositif.addItem(libelle, code)
        for liste in (self.annee, self.dispositif, self.comparer):
            liste.blockSignals(False)
        self._masquer_annee_choisie()
        self.calculer()

    def _masquer_annee_choisie(self) -> None:
        """« Comparer avec » ne propose pas l'année déjà choisie (décochée si elle l'était)."""
        choisie = self.annee.currentData()
        self.comparer.blockSignals(True)
        for i in range(self.comparer.count()):
            item = self.comparer.item(i)
            meme = item.data(Qt.ItemDataRole.UserRole) == choisie
            item.setHidden(meme)
            if meme:
                item.setCheckState(Qt.CheckState.Unchecked)
        self.comparer.blockSignals(False)

    def annees_choisies(self) -> list[int]:
        annee = self.annee.currentData()
        autres = [self.comparer.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.comparer.count())
                  if self.comparer.item(i).checkState() == Qt.CheckState.Checked]
        return sorted({annee, *autres}) if annee is not None else []

    def calculer(self) -> None:
        annees = self.annees_choisies()
        if not annees:
            self.resume.setText("Aucune campagne dans la base.")
            return
        choix = (annees, self.dispositif.currentData() or None)
        Operation(actions.bilans, self.contexte, *choix, parent=self) \
            .apres(lambda bilans: self.afficher(bilans) if choix == (self.annees_choisies(),
                                                                     self.dispositif.currentData() or None) else None) \
            .refus(self.resume.setText).lancer()

    def relire(self) -> None:
        self.calculer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche("dossiers", "instruction", "bilans", "comite", "programmation"):
            self.calculer()

    # --- Affichage ---------------------------------------------------------------------------------------------

    def afficher(self, bilans: list) -> None:
        from instruction.rapports.bilan_programmation import resume

        self.bilans = bilans
        b = next((x for x in bilans if x.annee == self.annee.currentData()), bilans[-1])
        self.bilan = b
        self.resume.setText(f"<b>{b.titre}</b> — {resume(b)}")
        self._agregats(self.financeurs, b.financeurs, b, total=True)
        self.financeurs.graphique.definir([a.etiquette for a in b.financeurs],
                                          [("Montant accordé", BLEU, [a.montant for a in b.financeurs])])
        self._agregats(self.axes, b.axes, b)
        self._empile(self.axes, [a for a in b.axes if not a.niveau], b)
        self._agregats(self.quartiers, b.quartiers, b)
        self._empile(self.quartiers, [a for a in b.quartiers if a.actions], b)
        self._agregats(self.dispositifs, b.dispositifs, b, total=True)
        self.dispositifs.graphique.definir([a.libelle for a in b.dispositifs],
                                           [("Montant accordé", BLEU, [a.montant for a in b.dispositifs])])
        self._cotations(b)
        self._publics(b)
        statuts = list(b.bilans)
        remplir_table(self.bilans_attendus.table, [[b.libelles_bilans.get(s, s), str(b.bilans[s])] for s in statuts]
                      or [["Aucun bilan attendu pour cet exercice (conventions signées)", ""]])
        _aligner(self.bilans_attendus.table)
        self.bilans_attendus.graphique.definir([b.libelles_bilans.get(s, s) for s in statuts],
                                               [("Bilans", BLEU, [b.bilans[s] for s in statuts])])
        self._annees(bilans)

    def _agregats(self, vue: _Vue, lignes: list, b, total: bool = False) -> None:
        contenu = [[("    " if a.niveau else "") + a.libelle, str(a.actions), str(a.nombre_porteurs),
                    argent.formater(a.montant), _part(a.montant, b.total)] for a in lignes]
        tetes = {i for i, a in enumerate(lignes) if not a.niveau and any(x.niveau for x in lignes)}
        if total:
            contenu.append(["Total", str(b.actions), str(b.porteurs), argent.formater(b.total),
                            "100 %" if b.total else "—"])
            tetes.add(len(contenu) - 1)
        remplir_table(vue.table, contenu)
        _aligner(vue.table, gras=tetes)

    def _empile(self, vue: _Vue, lignes: list, b) -> None:
        vue.graphique.definir([a.libelle for a in lignes], [
            (f.etiquette, couleur(i), [a.par_financeur.get(f.code, Decimal(0)) for a in lignes])
            for i, f in enumerate(b.financeurs)])

    def _cotations(self, b) -> None:
        from instruction.services.approche_budgetaire import CLES, libelle_cle

        rapport = b.approche
        if rapport is None:
            remplir_table(self.cotations.table, [])
            self.cotations.graphique.definir([], [])
            return
        remplir_table(self.cotations.table, [
            [libelle_cle(c), str(rapport.ensemble.cellules[c].dossiers), argent.formater(rapport.ensemble.cellules[c]
                                                                                          .demande),
             argent.formater(rapport.ensemble.cellules[c].accorde)] for c in CLES])
        _aligner(self.cotations.table)
        self.cotations.graphique.definir([libelle_cle(c) for c in CLES], [
            ("Demandé", BLEU, [rapport.ensemble.cellules[c].demande for c in CLES]),
            ("Accordé", VERT, [rapport.ensemble.cellules[c].accorde for c in CLES])])

    def _publics(self, b) -> None:
        from instruction.rapports.bilan_programmation import lignes_publics

        lignes = lignes_publics(b.publics)
        contenu = [[libelle, nombres.formater(prevu), nombres.formater(comparable),
                    nombres.formater(atteint) if atteint is not None else "—"]
                   for libelle, prevu, comparable, atteint in lignes]
        contenu.append(["", "", "", ""])
        contenu += [[f"{libelle} : actions qui la visent", str(b.publics.actions_par_tranche[code]), "",
                     nombres.formater(b.publics.atteints_par_tranche[code]) if b.publics.avec_compte_rendu else "—"]
                    for code, libelle in TRANCHES_AGE.items()]
        remplir_table(self.publics.table, contenu)
        _aligner(self.publics.table)
        self.publics.table.setToolTip(
            f"Publics atteints : d'après les comptes rendus de {b.publics.avec_compte_rendu} action(s) ; ils se "
            "comparent aux publics prévus de ces mêmes actions (colonne du milieu).")
        self.publics.graphique.definir([l[0] for l in lignes], [
            ("Prévu (actions au compte rendu reçu)", BLEU, [l[2] for l in lignes]),
            ("Atteint", VERT, [l[3] or 0 for l in lignes])] if b.publics.avec_compte_rendu else [
            ("Prévu (toutes les actions)", BLEU, [l[1] for l in lignes])])

    def _annees(self, bilans: list) -> None:
        from instruction.rapports.bilan_programmation import financeurs_des_annees, lignes_annees

        table = self.annees.table
        table.setColumnCount(1 + len(bilans))
        table.setHorizontalHeaderLabels([""] + [str(b.annee) for b in bilans])
        from PySide6.QtWidgets import QHeaderView

        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for colonne in range(1, len(bilans) + 1):
            table.horizontalHeader().setSectionResizeMode(colonne, QHeaderView.ResizeMode.ResizeToContents)
        remplir_table(table, [[libelle] + [argent.formater(v) if montant else str(v) for v in valeurs]
                              for libelle, valeurs, montant in lignes_annees(bilans)])
        _aligner(table)
        financeurs = financeurs_des_annees(bilans)
        self.annees.graphique.definir(list(financeurs.values()), [
            (str(b.annee), couleur(i), [next((a.montant for a in b.financeurs if a.code == code), Decimal(0))
                                        for code in financeurs]) for i, b in enumerate(bilans)])

    # --- Export ------------------------------------------------------------------------------------------------

    def exporter(self, genre: str) -> None:
        if not self.bilans:
            return
        from instruction.rapports.bilan_programmation import nom_de_fichier

        filtre = "Document PDF (*.pdf)" if genre == "pdf" else "Classeur Excel (*.xlsx)"
        chemin = fichiers.enregistrer_sous(self, "Exporter le bilan de la programmation",
                                           nom_de_fichier(self.bilans, genre), filtre)
        if not chemin:
            return
        chemin = chemin if str(chemin).lower().endswith(f".{genre}") else f"{chemin}.{genre}"
        Operation(actions.exporter, self.contexte, [b.annee for b in self.bilans],
                  self.dispositif.currentData() or None, chemin, self.bilan.annee, parent=self) \
            .apres(lambda fichier: self._ecrit(fichier, ouvrir=genre == "xlsx")).refus(self._dire).lancer()

    def _ecrit(self, fichier, *, ouvrir: bool) -> None:
        """Le classeur s'ouvre dans le tableur ; le PDF est enregistré (son aperçu a son propre bouton)."""
        self._dire(f"Écrit : {fichier}")
        if ouvrir:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(fichier)))

    def apercu_avant_impression(self) -> None:
        """Le bilan (années et dispositif choisis) en PDF, écrit hors du fil de l'interface, puis son aperçu."""
        if not self.bilans:
            return
        from instruction.rapports.bilan_programmation import nom_de_fichier

        nom = nom_de_fichier(self.bilans, "pdf")
        apercu_document.apercu_apres_ecriture(
            self, nom.removesuffix(".pdf"), nom, partial(actions.exporter, annee=self.bilan.annee), self.contexte,
            [b.annee for b in self.bilans], self.dispositif.currentData() or None, refus=self._dire,
            apres=self.message.hide)

    def _dire(self, texte: str) -> None:
        self.message.setText(texte)
        self.message.setVisible(bool(texte))
