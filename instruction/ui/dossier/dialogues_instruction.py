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
from instruction.ui.champs import TexteLong, champ_date, etiquette_erreur
from instruction.workflow import Passage

DELAI_COMPLEMENTS_JOURS = 15


def _boutons(dialogue: QDialog, texte_ok: str, valider) -> QDialogButtonBox:
    boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    boutons.button(QDialogButtonBox.StandardButton.Ok).setText(texte_ok)
    boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    boutons.accepted.connect(valider)
    boutons.rejected.connect(dialogue.reject)
    return boutons


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
        self.erreur = etiquette_erreur()
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
        self.erreur = etiquette_erreur()
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


class DialogueMontants(QDialog):
    """Les montants accordés par chaque financeur (proposés : ceux demandés), et un motif facultatif."""

    def __init__(self, financements, titre: str, texte_ok: str, parent=None, *, avec_motif: bool = False) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QGridLayout, QLineEdit

        from instruction import argent

        super().__init__(parent)
        self.setWindowTitle(titre)
        self.setMinimumWidth(560)
        self.financements = list(financements)
        self.champs: dict[str, QLineEdit] = {}
        self.erreurs: dict[str, QLabel] = {}
        disposition = QVBoxLayout(self)
        intro = QLabel("Montants accordés par chaque financeur (ceux demandés sont proposés). Un financeur qui "
                       "n'accorde rien : 0.")
        intro.setWordWrap(True)
        disposition.addWidget(intro)
        grille = QGridLayout()
        for colonne, titre_colonne in enumerate(("Financeur", "Demandé", "Accordé")):
            entete = QLabel(f"<b>{titre_colonne}</b>")
            if colonne:
                entete.setAlignment(Qt.AlignmentFlag.AlignRight)
            grille.addWidget(entete, 0, colonne)
        for rang, f in enumerate(self.financements, start=1):
            grille.addWidget(QLabel(f.libelle), 2 * rang - 1, 0)
            demande = QLabel(argent.formater(f.demande))
            demande.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grille.addWidget(demande, 2 * rang - 1, 1)
            champ = QLineEdit(argent.formater(f.accorde if f.accorde is not None else f.demande).replace(" €", "")
                              .replace("\u00a0€", ""))
            champ.setAlignment(Qt.AlignmentFlag.AlignRight)
            champ.setMaximumWidth(140)
            champ.setAccessibleName(f"Montant accordé — {f.libelle}")
            champ.textChanged.connect(self._total)
            grille.addWidget(champ, 2 * rang - 1, 2)
            erreur = etiquette_erreur()
            erreur.hide()
            grille.addWidget(erreur, 2 * rang, 0, 1, 3)
            self.champs[f.financeur], self.erreurs[f.financeur] = champ, erreur
        self.total = QLabel()
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        grille.addWidget(self.total, 2 * len(self.financements) + 1, 0, 1, 3)
        disposition.addLayout(grille)
        self.motif = TexteLong(50)
        if avec_motif:
            etiquette = QLabel("&Motif ou référence du comité (facultatif) :")
            etiquette.setBuddy(self.motif)
            self.motif.setAccessibleName("Motif")
            disposition.addWidget(etiquette)
            disposition.addWidget(self.motif)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        disposition.addWidget(_boutons(self, texte_ok, self._valider))
        self.montants: dict = {}
        self._total()

    def _lire(self) -> tuple[dict, dict[str, str]]:
        from instruction import argent

        montants, fautes = {}, {}
        for code, champ in self.champs.items():
            try:
                montants[code] = argent.lire(champ.text())
            except DonneesInvalides as erreur:
                fautes[code] = erreur.message
        return montants, fautes

    def _total(self, *_args) -> None:
        from instruction import argent

        montants, fautes = self._lire()
        demande = sum((f.demande for f in self.financements), argent.euros(0))
        if fautes:
            self.total.setText(f"Total demandé : {argent.formater(demande)}")
        else:
            self.total.setText(f"Total demandé : {argent.formater(demande)} — total accordé : "
                               f"<b>{argent.formater(sum(montants.values(), argent.euros(0)))}</b>")

    def _valider(self) -> None:
        montants, fautes = self._lire()
        for code, etiquette in self.erreurs.items():
            etiquette.setText(fautes.get(code, ""))
            etiquette.setVisible(code in fautes)
        if fautes:
            self.erreur.setText(f"{len(fautes)} montant(s) à corriger.")
            self.champs[next(iter(fautes))].setFocus()
            return
        self.montants = montants
        self.accept()
