"""La boîte d'une action en suivi renforcé pour une année (l. 3968) : l'action, le motif, ses indicateurs d'impact
(valeur de départ, cible, valeur mesurée ; nombres exacts)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from instruction.domaine import suivi as domaine
from instruction.services.actions import suivi as actions
from instruction.ui.suivi.dialogue_base import DialogueSaisie

COLONNES = (("libelle", "Indicateur d'impact"), ("indicateur_code", "Code du référentiel"), ("unite", "Unité"),
            ("valeur_initiale", "Départ"), ("cible", "Cible"), ("valeur_mesuree", "Mesurée"))


class DialogueSuiviRenforce(DialogueSaisie):
    def __init__(self, contexte, annee: int, suivables: list[tuple[int, str, str, str]], action=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Suivi renforcé {annee}", parent)
        self.contexte, self.annee = contexte, annee
        f = self.formulaire
        self.dossier = QComboBox()
        for identifiant, numero, intitule, porteur in suivables:
            self.dossier.addItem(f"{numero} — {intitule} ({porteur})", identifiant)
        f.ligne(self.disposition, "dossier", "&Action :", self.dossier)
        self.motif = self.texte_long("motif", "&Motif :", 70,
                                     "Pourquoi cette action : structurante, expérimentale… (l. 3968)")
        self.table = QTableWidget(0, len(COLONNES))
        self.table.setAccessibleName("Indicateurs d'impact")
        self.table.setHorizontalHeaderLabels([t for _c, t in COLONNES])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for colonne in range(1, len(COLONNES)):
            self.table.horizontalHeader().setSectionResizeMode(colonne, QHeaderView.ResizeMode.ResizeToContents)
        ajouter, retirer = QPushButton("Ajouter un &indicateur"), QPushButton("&Retirer l'indicateur")
        ajouter.clicked.connect(lambda: self.ajouter_ligne({}))
        retirer.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        boutons = QHBoxLayout()
        boutons.addWidget(ajouter)
        boutons.addWidget(retirer)
        boutons.addStretch(1)
        self.disposition.addRow(self.table)
        self.disposition.addRow(boutons)
        if action is not None:
            self.dossier.setCurrentIndex(max(0, self.dossier.findData(action.dossier_id)))
            self.dossier.setEnabled(False)
            self.motif.setPlainText(action.motif)
            for i in action.indicateurs:
                self.ajouter_ligne({"libelle": i.libelle, "indicateur_code": i.indicateur_code or "",
                                    "unite": i.unite or "",
                                    "valeur_initiale": domaine.formater_decimal(i.valeur_initiale),
                                    "cible": domaine.formater_decimal(i.cible),
                                    "valeur_mesuree": domaine.formater_decimal(i.valeur_mesuree)})
        if self.table.rowCount() == 0:
            self.ajouter_ligne({})
        self.resize(860, 480)
        self.terminer()

    def ajouter_ligne(self, valeurs: dict[str, str]) -> None:
        rang = self.table.rowCount()
        self.table.insertRow(rang)
        for colonne, (cle, _titre) in enumerate(COLONNES):
            self.table.setItem(rang, colonne, QTableWidgetItem(valeurs.get(cle, "")))

    def indicateurs(self) -> list[dict[str, str]]:
        return [{cle: (self.table.item(rang, colonne).text() if self.table.item(rang, colonne) else "")
                 for colonne, (cle, _t) in enumerate(COLONNES)} for rang in range(self.table.rowCount())]

    def enregistrer(self) -> None:
        if self.dossier.currentData() is None:
            self.erreur.setText(f"Aucune action décidée en {self.annee} : rien à placer en suivi renforcé.")
            return
        self.lancer(actions.placer_en_suivi_renforce, self.contexte, self.annee, self.dossier.currentData(),
                    self.motif.toPlainText(), self.indicateurs())
