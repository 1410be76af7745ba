"""Comité › Enveloppes des cofinanceurs… : la liste des enveloppes, leur saisie et leur historique.

L'instructeur ou l'administrateur saisit l'enveloppe d'un cofinanceur pour un dispositif une année
(éventuellement un axe) ; changer une enveloppe demande un motif ; relever une enveloppe sur laquelle des
montants sont déjà décidés est réservé à l'administrateur (« Relever… »). L'historique de l'enveloppe choisie
(qui, quand, ancien, nouveau, motif) s'affiche dessous. Tout passe par ``actions.programmation``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from instruction.domaine import argent, dates
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import programmation as actions
from instruction.ui.champs import etiquette_erreur
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

COLONNES = ["Année", "Dispositif", "Cofinanceur", "Axe", "Enveloppe", "Décidé", "Reste", "Modifiée le", "Par"]


class DialogueEnveloppes(QDialog):
    def __init__(self, contexte, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.setWindowTitle("Enveloppes des cofinanceurs")
        self.resize(1000, 640)
        self.enveloppes = []
        disposition = QVBoxLayout(self)
        filtre = QHBoxLayout()
        filtre.addWidget(QLabel("Année :"))
        self.filtre_annee = QComboBox()
        self.filtre_annee.setAccessibleName("Année des enveloppes montrées")
        self.filtre_annee.currentIndexChanged.connect(self.relire)
        filtre.addWidget(self.filtre_annee)
        filtre.addStretch(1)
        disposition.addLayout(filtre)
        self.table = table_lecture(COLONNES, "Enveloppes", etirees=(2,))
        self.table.itemSelectionChanged.connect(self._choisie)
        disposition.addWidget(self.table, 2)

        formulaire = QFormLayout()
        ligne = QHBoxLayout()
        self.financeur, self.dispositif, self.axe = QComboBox(), QComboBox(), QComboBox()
        self.annee = QSpinBox()
        self.annee.setRange(2000, 2100)
        self.annee.setValue(aujourd_hui().year)
        for widget, nom in ((self.financeur, "Cofinanceur"), (self.annee, "Année"), (self.dispositif, "Dispositif"),
                            (self.axe, "Axe")):
            widget.setAccessibleName(nom)
            ligne.addWidget(widget, 2 if widget is not self.annee else 0)
        formulaire.addRow("Cofinanceur, année, dispositif, axe :", ligne)
        self.montant = QLineEdit()
        self.montant.setPlaceholderText("ex. 582 497")
        self.montant.setAccessibleName("Montant de l'enveloppe")
        self.motif = QLineEdit()
        self.motif.setPlaceholderText("Exigé pour changer une enveloppe existante (gardé à son historique)")
        self.motif.setAccessibleName("Motif du changement")
        formulaire.addRow("Montant :", self.montant)
        formulaire.addRow("Motif :", self.motif)
        disposition.addLayout(formulaire)
        boutons = QHBoxLayout()
        self.enregistrer = QPushButton("Enregistrer l'enveloppe")
        self.enregistrer.clicked.connect(self._enregistrer)
        self.relever = QPushButton("Relever… (administrateur)")
        self.relever.setToolTip("Relever une enveloppe sur laquelle des montants sont déjà décidés")
        self.relever.clicked.connect(self._relever)
        boutons.addWidget(self.enregistrer)
        boutons.addWidget(self.relever)
        boutons.addStretch(1)
        disposition.addLayout(boutons)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        disposition.addWidget(QLabel("Historique de l'enveloppe choisie :"))
        self.historique = table_lecture(["Le", "Par", "Ancien", "Nouveau", "Motif"], "Historique de l'enveloppe",
                                        etirees=(4,))
        disposition.addWidget(self.historique, 1)
        fermer = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        fermer.rejected.connect(self.reject)
        disposition.addWidget(fermer)
        utilisateur = contexte.utilisateur
        self.enregistrer.setEnabled(utilisateur.peut("enveloppe.modifier"))
        self.relever.setEnabled(utilisateur.peut("enveloppe.relever"))
        Operation(actions.choix_enveloppes, contexte, parent=self).apres(self._choix).refus(
            self.erreur.setText).lancer()

    def _choix(self, choix) -> None:
        financeurs, dispositifs, axes, annees = choix
        for code, libelle in financeurs:
            self.financeur.addItem(libelle, code)
        for code, libelle in dispositifs:
            self.dispositif.addItem(libelle, code)
        self.axe.addItem("Tous les axes", None)
        for code, libelle in axes:
            self.axe.addItem(libelle, code)
        self.filtre_annee.blockSignals(True)
        self.filtre_annee.addItem("Toutes", None)
        for annee in annees:
            self.filtre_annee.addItem(str(annee), annee)
        self.filtre_annee.blockSignals(False)
        if annees:
            self.annee.setValue(annees[0])
        self.relire()

    def relire(self, *_args) -> None:
        Operation(actions.enveloppes, self.contexte, self.filtre_annee.currentData(), parent=self).apres(
            self._afficher).refus(self.erreur.setText).lancer()

    def _afficher(self, enveloppes) -> None:
        self.enveloppes = enveloppes
        remplir_table(self.table, [
            [str(e.annee), e.dispositif_libelle, e.financeur_libelle, e.axe_libelle or "Tous", argent.formater(e.montant),
             argent.formater(e.decide), argent.formater(e.reste), dates.formater_horodatage(e.modifiee_le), e.acteur]
            for e in enveloppes], couleurs={(r, 6): "#b00020" for r, e in enumerate(enveloppes) if e.reste < 0})

    def _choisie(self) -> None:
        rangee = self.table.currentRow()
        if not 0 <= rangee < len(self.enveloppes):
            return
        e = self.enveloppes[rangee]
        for liste, code in ((self.financeur, e.financeur), (self.dispositif, e.dispositif), (self.axe, e.axe)):
            liste.setCurrentIndex(max(0, liste.findData(code)))
        self.annee.setValue(e.annee)
        self.montant.setText(argent.formater(e.montant).replace("\u00a0€", ""))
        Operation(actions.historique_enveloppe, self.contexte, e.id, parent=self).apres(
            lambda lignes: remplir_table(self.historique, [
                [dates.formater_horodatage(h.le), h.acteur, argent.formater(h.ancien, vide="—"),
                 argent.formater(h.nouveau), h.motif or ""] for h in lignes])).lancer()

    def _enregistrer(self) -> None:
        self.erreur.clear()
        Operation(actions.fixer_enveloppe, self.contexte, self.financeur.currentData(), self.annee.value(),
                  self.dispositif.currentData(), self.montant.text(), axe=self.axe.currentData(),
                  motif=self.motif.text(), parent=self).apres(self._enregistree).refus(self.erreur.setText).lancer()

    def _enregistree(self, _enveloppe) -> None:
        self.motif.clear()
        self.relire()

    def _relever(self) -> None:
        rangee = self.table.currentRow()
        if not 0 <= rangee < len(self.enveloppes):
            self.erreur.setText("Choisissez d'abord l'enveloppe à relever dans la liste.")
            return
        e = self.enveloppes[rangee]
        motif, ok = QInputDialog.getText(self, "Relever l'enveloppe",
                                         f"{e.portee} : {argent.formater(e.montant)} → {self.montant.text()} €\n"
                                         "Pourquoi l'enveloppe est-elle relevée ?")
        if ok:
            Operation(actions.relever_enveloppe, self.contexte, e.id, self.montant.text(), motif, parent=self).apres(
                self._enregistree).refus(self.erreur.setText).lancer()
