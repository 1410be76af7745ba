"""Les petites boîtes de l'instruction : motif d'un passage d'état, réception de compléments.

Une saisie refusée (motif vide, date invalide) s'affiche dans la boîte, qui reste ouverte
avec ce qui a été tapé.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from instruction import dates
from instruction.erreurs import DonneesInvalides
from instruction.etats import Etat
from instruction.ui.champs import STYLE_ERREUR, TexteLong, champ_date
from instruction.workflow import Passage

DELAI_COMPLEMENTS_JOURS = 15


def _boutons(dialogue: QDialog, texte_ok: str, valider) -> QDialogButtonBox:
    boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    boutons.button(QDialogButtonBox.StandardButton.Ok).setText(texte_ok)
    boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    boutons.accepted.connect(valider)
    boutons.rejected.connect(dialogue.reject)
    return boutons


def _erreur() -> QLabel:
    etiquette = QLabel()
    etiquette.setStyleSheet(STYLE_ERREUR)
    etiquette.setWordWrap(True)
    return etiquette


class DialoguePassage(QDialog):
    """Le motif d'un passage d'état (obligatoire pour un refus, un ajournement, un classement sans
    suite) ; pour une demande de compléments, ce qui est demandé et pour quand."""

    def __init__(self, passage: Passage, numero: str, parent=None, *, deja_incomplet: bool = False) -> None:
        super().__init__(parent)
        self.passage = passage
        self.complements = passage.vers == Etat.INCOMPLET
        self.setWindowTitle(passage.action.rstrip("…") + f" — {numero}")
        self.setMinimumWidth(520)
        self.motif = TexteLong(90)
        self.echeance = champ_date()
        self.erreur = _erreur()
        disposition = QVBoxLayout(self)
        if deja_incomplet:
            texte = "Le dossier est déjà « <b>Incomplet</b> » : cette demande s'ajoute aux précédentes."
        else:
            texte = f"Le dossier passera à l'état « <b>{passage.vers.libelle}</b> »."
            if passage.aide and not self.complements:
                texte += f"<br/>{passage.aide}"
        explication = QLabel(texte)
        explication.setWordWrap(True)
        disposition.addWidget(explication)
        formes = QFormLayout()
        if self.complements:
            libelle = "&Compléments demandés :"
            self.motif.setPlaceholderText("Exemple : RIB au nom de l'association ; budget 2027 de la structure")
            self.echeance.setText(dates.formater(dt.date.today() + dt.timedelta(days=DELAI_COMPLEMENTS_JOURS)))
        else:
            libelle = "&Motif :" if passage.motif_obligatoire else "&Motif (facultatif) :"
        etiquette = QLabel(libelle)
        etiquette.setBuddy(self.motif)
        self.motif.setAccessibleName(libelle.replace("&", "").rstrip(" :"))
        formes.addRow(etiquette, self.motif)
        if self.complements:
            etiquette_echeance = QLabel("À recevoir &avant le :")
            etiquette_echeance.setBuddy(self.echeance)
            self.echeance.setAccessibleName("Échéance des compléments")
            formes.addRow(etiquette_echeance, self.echeance)
        disposition.addLayout(formes)
        disposition.addWidget(self.erreur)
        disposition.addWidget(_boutons(self, passage.action.rstrip("…"), self._valider))
        self.date_echeance: dt.date | None = None
        self.motif.setFocus()

    @property
    def texte_motif(self) -> str:
        return self.motif.toPlainText().strip()

    def _valider(self) -> None:
        if (self.passage.motif_obligatoire or self.complements) and not self.texte_motif:
            self.erreur.setText("Indiquez les compléments demandés." if self.complements
                                else f"Le motif est obligatoire pour passer à « {self.passage.vers.libelle} ».")
            self.motif.setFocus()
            return
        if self.complements and self.echeance.text().strip():
            try:
                self.date_echeance = dates.lire(self.echeance.text())
            except DonneesInvalides as erreur:
                self.erreur.setText(f"Échéance : {erreur}")
                self.echeance.setFocus()
                return
            if self.date_echeance < dt.date.today():
                self.erreur.setText("Échéance : la date est déjà passée.")
                self.echeance.setFocus()
                return
        self.accept()


class DialogueReception(QDialog):
    """La date d'arrivée des compléments demandés, et un commentaire."""

    def __init__(self, objet: str, demandee_le: dt.date, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compléments reçus")
        self.setMinimumWidth(480)
        self.demandee_le = demandee_le
        self.date = champ_date()
        self.date.setText(dates.formater(dt.date.today()))
        self.date.setAccessibleName("Reçus le")
        self.commentaire = TexteLong(60)
        self.commentaire.setAccessibleName("Commentaire")
        self.erreur = _erreur()
        formes = QFormLayout(self)
        rappel = QLabel(f"Demandés le {dates.formater(demandee_le)} : <i>{objet}</i>")
        rappel.setWordWrap(True)
        formes.addRow(rappel)
        formes.addRow("&Reçus le :", self.date)
        formes.addRow("&Commentaire :", self.commentaire)
        formes.addRow(self.erreur)
        formes.addRow(_boutons(self, "Enregistrer", self._valider))
        self.recue_le: dt.date | None = None

    def _valider(self) -> None:
        try:
            jour = dates.lire(self.date.text())
        except DonneesInvalides as erreur:
            self.erreur.setText(f"Reçus le : {erreur}")
            return
        if jour < self.demandee_le:
            self.erreur.setText(f"Reçus le : la date précède la demande ({dates.formater(self.demandee_le)}).")
            return
        if jour > dt.date.today():
            self.erreur.setText("Reçus le : la date est dans le futur.")
            return
        self.recue_le = jour
        self.accept()
