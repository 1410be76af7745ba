"""L'approche budgétaire intégrée : les crédits par cotation, en tableaux et en barres, exportables.

Un onglet de travail (menu Instruction) : on choisit l'année de programmation, la grille, le périmètre
(dossiers présentés au comité, ou tous les dossiers déposés) et éventuellement un dispositif ; le
calcul se fait hors du fil de l'interface (``services.actions.approche_budgetaire``, par ``Operation``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, budget, nombres
from instruction.services.actions import approche_budgetaire as actions
from instruction.ui import fichiers
from instruction.ui.graphiques import BLEU, VERT, GraphiqueBarres
from instruction.ui.operation import Operation

PERIMETRES_COURTS = {"comite": "Présentés au comité", "deposes": "Tous les déposés"}


def _table(colonnes: list[str], nom: str) -> QTableWidget:
    table = QTableWidget(0, len(colonnes))
    table.setHorizontalHeaderLabels(colonnes)
    table.setAccessibleName(nom)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for colonne in range(1, len(colonnes)):
        table.horizontalHeader().setSectionResizeMode(colonne, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _remplir(table: QTableWidget, lignes: list[list[str]], gras_derniere: bool = True) -> None:
    table.setRowCount(len(lignes))
    for rang, ligne in enumerate(lignes):
        for colonne, valeur in enumerate(ligne):
            cellule = QTableWidgetItem(valeur)
            if colonne:
                cellule.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if gras_derniere and rang == len(lignes) - 1:
                police = cellule.font()
                police.setBold(True)
                cellule.setFont(police)
            table.setItem(rang, colonne, cellule)
    table.resizeRowsToContents()


def lignes_doubles(detail) -> list[list[str]]:
    """Deux rangs par financeur (ou dispositif) : « Demandé » puis « Accordé », chaque montant nommé par son rang
    (le nom occupe les deux rangs)."""
    from instruction.services.approche_budgetaire import CLES

    lignes = []
    for ligne in detail:
        cellules = [ligne.cellules[c] for c in CLES] + [ligne.total]
        lignes.append([ligne.libelle, "Demandé"] + [argent.formater(c.demande) for c in cellules])
        lignes.append(["", "Accordé"] + [argent.formater(c.accorde) for c in cellules])
    return lignes


class PageApprocheBudgetaire(QWidget):
    titre_change = Signal()
    titre_onglet = "Approche budgétaire intégrée"
    modifie = False

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.rapport = None
        self.annee = QComboBox()
        self.annee.setAccessibleName("Année de programmation")
        self.grille = QComboBox()
        self.grille.setAccessibleName("Grille transversale")
        self.perimetre = QComboBox()
        self.perimetre.setAccessibleName("Dossiers comptés")
        self.dispositif = QComboBox()
        self.dispositif.setAccessibleName("Dispositif")
        from instruction.domaine import grilles
        from instruction.services.approche_budgetaire import PERIMETRES

        for g in grilles.charger():
            self.grille.addItem(g.court, g.code)
            self.grille.setItemData(self.grille.count() - 1, g.libelle, Qt.ItemDataRole.ToolTipRole)
        for code, libelle in PERIMETRES_COURTS.items():
            self.perimetre.addItem(libelle, code)
            self.perimetre.setItemData(self.perimetre.count() - 1, PERIMETRES[code], Qt.ItemDataRole.ToolTipRole)
        for liste in (self.grille, self.perimetre, self.dispositif):
            liste.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            liste.setMinimumContentsLength(14)
        self.dispositif.addItem("Tous les dispositifs", "")
        selection = QHBoxLayout()
        for etiquette, liste in (("&Année :", self.annee), ("&Grille :", self.grille),
                                 ("&Dossiers :", self.perimetre), ("Dis&positif :", self.dispositif)):
            texte = QLabel(etiquette)
            texte.setBuddy(liste)
            selection.addWidget(texte)
            selection.addWidget(liste, 0 if liste is self.annee else 1)
        self.exporter_pdf = QPushButton("Exporter en P&DF…")
        self.exporter_xlsx = QPushButton("Exporter en E&xcel…")
        self.exporter_pdf.clicked.connect(lambda: self.exporter("pdf"))
        self.exporter_xlsx.clicked.connect(lambda: self.exporter("xlsx"))
        selection.addWidget(self.exporter_pdf)
        selection.addWidget(self.exporter_xlsx)

        self.resume = QLabel()
        self.resume.setWordWrap(True)
        self.par_cotation = _table(["Cotation", "Dossiers", "Demandé", "Accordé", "Part du demandé"],
                                   "Montants par cotation")
        self.graphique = GraphiqueBarres("Graphique : demandé et accordé par cotation")
        self.par_financeur = _table([], "Montants par financeur et par cotation")
        self.par_dispositif = _table([], "Montants par dispositif et par cotation")
        details = QTabWidget()
        details.addTab(self.par_financeur, "Par financeur")
        details.addTab(self.par_dispositif, "Par dispositif")
        gauche = QSplitter(Qt.Orientation.Vertical)
        gauche.addWidget(self.par_cotation)
        gauche.addWidget(self.graphique)
        gauche.setSizes([200, 300])
        corps = QSplitter(Qt.Orientation.Horizontal)
        corps.addWidget(gauche)
        corps.addWidget(details)
        corps.setSizes([560, 760])
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(selection)
        disposition.addWidget(self.resume)
        disposition.addWidget(corps, 1)
        for liste in (self.annee, self.grille, self.perimetre, self.dispositif):
            liste.currentIndexChanged.connect(lambda _i: self.calculer())
        self._charger_choix()

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        return True

    def _charger_choix(self) -> None:
        def fini(resultat) -> None:
            annees, dispositifs = resultat
            for liste in (self.annee, self.dispositif):
                liste.blockSignals(True)
            for annee in annees:
                self.annee.addItem(str(annee), annee)
            for code, libelle in dispositifs:
                self.dispositif.addItem(libelle, code)
            for liste in (self.annee, self.dispositif):
                liste.blockSignals(False)
            self.calculer()

        Operation(actions.choix, self.contexte, parent=self).apres(fini).lancer()

    def calculer(self) -> None:
        annee = self.annee.currentData()
        if annee is None:
            self.resume.setText("Aucune campagne dans la base.")
            return
        Operation(actions.rapport, self.contexte, annee, self.grille.currentData(), self.perimetre.currentData(),
                  self.dispositif.currentData() or None, parent=self).apres(self.afficher).lancer()

    def afficher(self, rapport) -> None:
        from instruction.services.approche_budgetaire import CLES, libelle_cle

        self.rapport = rapport
        total = rapport.ensemble.total
        self.resume.setText(f"<b>{rapport.titre}</b><br/>{total.dossiers} dossier(s), dont {rapport.decisions} "
                            "décidé(s) : les montants accordés sont ceux des dossiers retenus par le comité.")
        lignes = []
        for cle in CLES:
            c = rapport.ensemble.cellules[cle]
            part = budget.part_de(c.demande, total.demande)
            lignes.append([f"{libelle_cle(cle)}" + (f" — {rapport.libelles_cotations[cle]}" if cle is not None else ""),
                           str(c.dossiers), argent.formater(c.demande), argent.formater(c.accorde),
                           nombres.pourcentage(part) if part is not None else "—"])
        lignes.append(["Total", str(total.dossiers), argent.formater(total.demande), argent.formater(total.accorde),
                       "100 %" if total.demande else "—"])
        _remplir(self.par_cotation, lignes)
        self.graphique.definir([libelle_cle(c) for c in CLES], [
            ("Demandé", BLEU, [rapport.ensemble.cellules[c].demande for c in CLES]),
            ("Accordé", VERT, [rapport.ensemble.cellules[c].accorde for c in CLES]),
        ])
        colonnes = ["", "Montant"] + [libelle_cle(c) for c in CLES] + ["Total"]
        for table, detail, titre in ((self.par_financeur, rapport.par_financeur, "Financeur"),
                                     (self.par_dispositif, rapport.par_dispositif, "Dispositif")):
            colonnes[0] = titre
            table.clearSpans()
            table.setColumnCount(len(colonnes))
            table.setHorizontalHeaderLabels(colonnes)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for colonne in range(1, len(colonnes)):
                table.horizontalHeader().setSectionResizeMode(colonne, QHeaderView.ResizeMode.ResizeToContents)
            _remplir(table, lignes_doubles(detail), gras_derniere=False)
            nuance = QColor("#f3f5f8")
            for rang in range(0, table.rowCount(), 2):
                table.setSpan(rang, 0, 2, 1)
                table.item(rang, 0).setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                for decalage, couleur in ((0, BLEU), (1, VERT)):
                    etiquette = table.item(rang + decalage, 1)
                    etiquette.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                    etiquette.setForeground(couleur)  # les couleurs des barres du graphique
                    if rang % 4 == 2:  # une ligne sur deux (deux rangs) nuancée : chaque financeur se lit d'un bloc
                        for colonne in range(len(colonnes)):
                            table.item(rang + decalage, colonne).setBackground(nuance)
            table.setToolTip("Pour chaque ligne : le montant demandé (en bleu), puis le montant accordé (en vert).")

    def exporter(self, genre: str) -> None:
        if self.rapport is None:
            return
        from instruction.rapports import approche_budgetaire as rapports

        rapport = self.rapport
        defaut = rapports.nom_de_fichier(rapport, genre)
        filtre = "Document PDF (*.pdf)" if genre == "pdf" else "Classeur Excel (*.xlsx)"
        chemin = fichiers.enregistrer_sous(self, "Exporter l'approche budgétaire intégrée", defaut, filtre)
        if not chemin:
            return
        exporter = rapports.exporter_pdf if genre == "pdf" else rapports.exporter_xlsx
        Operation(exporter, rapport, chemin, parent=self) \
            .apres(lambda fichier: QDesktopServices.openUrl(QUrl.fromLocalFile(str(fichier)))).lancer()
