"""Les délibérations des partenaires (menu Comité › Délibérations des partenaires) : après la séance, chaque ligne
retenue (dossier × cofinanceur) attend le vote de l'instance délibérante de ce cofinanceur (contrat de ville
l. 3830). La liste montre les lignes en attente (ou toutes) ; on choisit une ou plusieurs lignes et on saisit
l'instance, la date, la référence de la délibération ou de l'arrêté et, pour une seule ligne, le montant voté
(plusieurs lignes : chacune au montant décidé par le comité).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from instruction.domaine import argent, dates
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services.actions import COMITE
from instruction.services.actions import comite as actions
from instruction.ui.champs import etiquette_erreur
from instruction.ui.comite.page_de_travail import PageDeTravail
from instruction.ui.operation import Lectures, Operation
from instruction.ui.tableaux import remplir_table, table_lecture


class PageDeliberations(PageDeTravail):
    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.titre_onglet = "Délibérations des partenaires"
        self.lignes = []
        self.lectures = Lectures()  # seule la dernière lecture partie s'affiche
        self.en_attente = QCheckBox("Seulement les lignes en &attente d'un vote")
        self.en_attente.setChecked(True)
        self.en_attente.toggled.connect(lambda _c: self.relire())
        self.compte = QLabel()
        self.table = table_lecture(["Séance", "Dossier", "Action", "Cofinanceur", "Décidé", "Instance", "Voté le",
                                    "Référence", "Voté", "Écart"], "Lignes à voter", etirees=(2,))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.itemSelectionChanged.connect(self._selection)

        self.instance = QLineEdit()
        self.instance.setPlaceholderText("Conseil municipal, commission permanente du conseil régional, arrêté…")
        self.date = QLineEdit(dates.formater(dt.date.today()))
        self.date.setPlaceholderText("JJ/MM/AAAA")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("n° de la délibération ou de l'arrêté")
        self.montant = QLineEdit()
        self.montant.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.enregistrer = QPushButton("&Enregistrer le vote")
        self.enregistrer.clicked.connect(self._enregistrer)
        self.erreur = etiquette_erreur()
        formulaire = QFormLayout()
        formulaire.addRow("&Instance :", self.instance)
        formulaire.addRow("&Date du vote :", self.date)
        formulaire.addRow("&Référence :", self.reference)
        formulaire.addRow("&Montant voté :", self.montant)
        boite = QGroupBox("Vote des lignes choisies")
        disposition_boite = QVBoxLayout(boite)
        disposition_boite.addLayout(formulaire)
        disposition_boite.addWidget(self.erreur)
        disposition_boite.addWidget(self.enregistrer, 0, Qt.AlignmentFlag.AlignRight)

        haut = QHBoxLayout()
        haut.addWidget(self.en_attente)
        haut.addStretch(1)
        haut.addWidget(self.compte)
        disposition = QVBoxLayout(self)
        self.entete(disposition, "Délibérations des partenaires",
                    "La programmation actée par le comité « peut ensuite être soumise aux instances délibérantes des "
                    "différents partenaires » (contrat de ville, l. 3830) : le vote de chacun, ligne par ligne.")
        disposition.addLayout(haut)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(boite)
        self.relire()

    def relire(self) -> None:
        Operation(actions.lignes_a_voter, self.contexte, None, en_attente=self.en_attente.isChecked(), parent=self) \
            .apres(self.lectures.rappel(self.afficher)).refus(self.erreur.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(COMITE):
            self.relire()

    def afficher(self, lignes) -> None:
        self.lignes = list(lignes)
        remplir_table(self.table, [
            [f"{l.seance}", l.numero, l.intitule, l.libelle_financeur, argent.formater(l.decide), l.instance or "",
             dates.formater(l.vote_le), l.reference or "", argent.formater(l.vote),
             argent.formater(l.ecart) if l.ecart else ""]
            for l in self.lignes
        ], couleurs={(rang, 9): "#b00020" for rang, l in enumerate(self.lignes) if l.ecart})
        for rang in range(len(self.lignes)):
            for colonne in (4, 8, 9):
                self.table.item(rang, colonne).setTextAlignment(Qt.AlignmentFlag.AlignRight
                                                                | Qt.AlignmentFlag.AlignVCenter)
        attente = sum(1 for l in self.lignes if l.en_attente)
        self.compte.setText(f"{len(self.lignes)} ligne(s), dont {attente} en attente d'un vote")
        self._selection()

    def _choisies(self):
        return [self.lignes[i.row()] for i in self.table.selectionModel().selectedRows()]

    def _selection(self) -> None:
        choisies = self._choisies()
        self.enregistrer.setEnabled(bool(choisies))
        self.montant.setEnabled(len(choisies) == 1)
        if len(choisies) == 1:
            ligne = choisies[0]
            self.montant.setText(argent.formater(ligne.vote if ligne.vote is not None else ligne.decide))
        elif choisies:
            self.montant.setText("chacune au montant décidé")

    def _enregistrer(self) -> None:
        choisies = self._choisies()
        if not choisies:
            return
        try:
            jour = dates.lire(self.date.text())
        except DonneesInvalides as erreur:
            self.erreur.setText(f"Date du vote : {erreur}")
            return
        if len(choisies) == 1:
            ligne = choisies[0]
            try:
                montant = argent.lire(self.montant.text())
            except DonneesInvalides as erreur:
                self.erreur.setText(f"Montant voté : {erreur}")
                return
            operation = Operation(actions.saisir_deliberation, self.contexte, ligne.seance_id, ligne.dossier_id,
                                  ligne.financeur, self.instance.text(), jour, self.reference.text(), montant,
                                  parent=self)
        else:
            operation = Operation(actions.saisir_deliberations, self.contexte,
                                  [(l.seance_id, l.dossier_id, l.financeur) for l in choisies], self.instance.text(),
                                  jour, self.reference.text(), parent=self)
        operation.apres(lambda _v: (self.erreur.clear(), self.relire())).refus(self.erreur.setText).lancer()
