"""La boîte d'une visite évaluative : programmée (date prévue, lieu), puis faite, avec son compte rendu en grille
courte (une appréciation et un commentaire par question de ``resources/suivi/grille_visite.yaml``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHeaderView, QLabel, QLineEdit, QTableWidget, QTableWidgetItem, QWidget

from instruction.domaine import dates
from instruction.services.actions import suivi as actions
from instruction.ui.champs import champ_date, champ_texte
from instruction.ui.suivi.dialogue_base import DialogueSaisie


class DialogueVisite(DialogueSaisie):
    def __init__(self, contexte, dossier_id: int, grille, visite=None, parent: QWidget | None = None) -> None:
        super().__init__("Visite évaluative" if visite is None else
                         f"Visite évaluative prévue le {dates.formater(visite.prevue_le)}", parent)
        self.contexte, self.dossier_id, self.visite = contexte, dossier_id, visite
        self.grille = visite.grille if visite is not None else grille
        f = self.formulaire
        self.prevue_le = f.ligne(self.disposition, "prevue_le", "Date &prévue :", champ_date())
        self.faite_le = f.ligne(self.disposition, "faite_le", "&Faite le :", champ_date(),
                                "Vide tant que la visite n'a pas eu lieu")
        self.lieu = f.ligne(self.disposition, "lieu", "&Lieu :", champ_texte("", 200))
        self.intervenants = self.texte_long("intervenants", "&Intervenants :", 52, "Un par ligne")
        self.table = QTableWidget(len(self.grille.questions), 3)
        self.table.setAccessibleName("Grille du compte rendu de visite")
        self.table.setHorizontalHeaderLabels(["Question", "Appréciation", "Commentaire"])
        self.table.verticalHeader().hide()
        entete = self.table.horizontalHeader()
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        entete.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        entete.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.appreciations: dict[str, QComboBox] = {}
        self.commentaires: dict[str, QLineEdit] = {}
        for rang, question in enumerate(self.grille.questions):
            cellule = QTableWidgetItem(question.texte)
            cellule.setFlags(Qt.ItemFlag.ItemIsEnabled)
            cellule.setToolTip(f"{question.texte} ({question.source})" if question.source else question.texte)
            self.table.setItem(rang, 0, cellule)
            liste = QComboBox()
            liste.addItem("—", "")
            for code, libelle in self.grille.appreciations.items():
                liste.addItem(libelle, code)
            liste.setAccessibleName(f"Appréciation : {question.texte}")
            commentaire = QLineEdit()
            commentaire.setAccessibleName(f"Commentaire : {question.texte}")
            self.table.setCellWidget(rang, 1, liste)
            self.table.setCellWidget(rang, 2, commentaire)
            self.appreciations[question.code], self.commentaires[question.code] = liste, commentaire
            f.enregistrer(f"reponses.{question.code}", liste)
            f.enregistrer(f"reponses.{question.code}.commentaire", commentaire)
        self.table.resizeRowsToContents()
        self.table.setMinimumHeight(sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
                                    + self.table.horizontalHeader().height() + 4)
        self.disposition.addRow(QLabel("Compte rendu (grille courte, une fois la visite faite) :"))
        self.disposition.addRow(self.table)
        self.conclusion = self.texte_long("conclusion", "&Conclusion :", 52)
        if visite is not None:
            self.prevue_le.setText(dates.formater(visite.prevue_le))
            self.faite_le.setText(dates.formater(visite.faite_le))
            self.lieu.setText(visite.lieu or "")
            self.intervenants.setPlainText("\n".join(visite.intervenants))
            self.conclusion.setPlainText(visite.conclusion or "")
            for code, (appreciation, commentaire) in visite.reponses.items():
                if code in self.appreciations:
                    self.appreciations[code].setCurrentIndex(max(0, self.appreciations[code].findData(appreciation)))
                    self.commentaires[code].setText(commentaire or "")
        self.resize(920, 700)
        self.terminer()

    def enregistrer(self) -> None:
        saisie = {"prevue_le": self.prevue_le.text(), "faite_le": self.faite_le.text(), "lieu": self.lieu.text(),
                  "intervenants": self.intervenants.toPlainText(), "conclusion": self.conclusion.toPlainText()}
        reponses = {code: (liste.currentData() or None, self.commentaires[code].text() or None)
                    for code, liste in self.appreciations.items()}
        self.lancer(actions.enregistrer_visite, self.contexte, self.dossier_id, saisie, reponses,
                    self.visite.id if self.visite is not None else None)
