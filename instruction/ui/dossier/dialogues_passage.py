"""Les petites boîtes du circuit d'un dossier : passage d'état (date, motif), demande et réception de
compléments, refus prévu d'un passage (ce qu'il faut corriger, et où).

Une saisie refusée (motif vide, date invalide) s'affiche dans la boîte, qui reste ouverte
avec ce qui a été tapé. Chaque passage se date (par défaut, aujourd'hui) : une décision du comité
prend la date de sa séance (``champ_date_du_passage``, ``lire_date_du_passage``, partagés avec les boîtes
de décision de ``dialogue_decision.py``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from instruction.domaine import dates
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.workflow import Passage
from instruction.ui.champs import TexteLong, champ_date, etiquette_erreur

DELAI_COMPLEMENTS_JOURS = 15

def champ_date_du_passage(vers: Etat) -> tuple[QLabel, QLineEdit]:
    """Le champ de la date métier d'un passage (aujourd'hui par défaut) et son étiquette."""
    from instruction.domaine.workflow import DECISIONS_DU_COMITE

    champ = champ_date()
    champ.setText(dates.formater(dt.date.today()))
    libelle = "Date de la &séance du comité :" if vers in DECISIONS_DU_COMITE else "&Date du passage :"
    etiquette = QLabel(libelle)
    etiquette.setBuddy(champ)
    champ.setAccessibleName(libelle.replace("&", "").rstrip(" :"))
    champ.setToolTip("Le jour où c'est arrivé (il peut précéder aujourd'hui) ; jamais dans le futur")
    return etiquette, champ


def lire_date_du_passage(champ: QLineEdit) -> tuple[dt.date | None, str]:
    """La date tapée, ou un message (date illisible ou dans le futur)."""
    try:
        jour = dates.lire(champ.text())
    except DonneesInvalides as erreur:
        return None, f"Date : {erreur}"
    if jour > dt.date.today():
        return None, "Date : elle est dans le futur ; un passage se date du jour où il a eu lieu."
    return jour, ""


def boutons_ok_annuler(dialogue: QDialog, texte_ok: str, valider) -> QDialogButtonBox:
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
        self.etiquette_date, self.date = champ_date_du_passage(passage.vers)
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
        if not deja_incomplet:
            formes.addRow(self.etiquette_date, self.date)
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
        disposition.addWidget(boutons_ok_annuler(self, passage.action.rstrip("…"), self._valider))
        self.date_echeance: dt.date | None = None
        self.date_passage: dt.date | None = None
        self.deja_incomplet = deja_incomplet
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
        if not self.deja_incomplet:
            self.date_passage, message = lire_date_du_passage(self.date)
            if message:
                self.erreur.setText(message)
                self.date.setFocus()
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
        formes.addRow(boutons_ok_annuler(self, "Enregistrer", self._valider))
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



class DialogueRefus(QDialog):
    """Un passage refusé pour une raison prévue : ce qu'il faut corriger, point par point, et un bouton
    pour aller à l'endroit où le corriger (``aller_a`` : section, champ). Ce n'est pas une erreur : pas de
    détail technique, pas de journal à transmettre."""

    aller_a = Signal(str, str)

    def __init__(self, titre_fenetre: str, titre: str, a_corriger, parent=None) -> None:
        from PySide6.QtWidgets import QStyle

        super().__init__(parent)
        self.setWindowTitle(titre_fenetre)
        self.setMinimumWidth(560)
        disposition = QVBoxLayout(self)
        entete = QHBoxLayout()
        icone = QLabel()
        icone.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(32, 32))
        entete.addWidget(icone, 0, Qt.AlignmentFlag.AlignTop)
        self.titre = QLabel(f"<b>{titre}</b>")
        self.titre.setWordWrap(True)
        entete.addWidget(self.titre, 1)
        disposition.addLayout(entete)
        self.points: list[QLabel] = []
        self.boutons: list[QPushButton] = []
        grille = QGridLayout()
        grille.setColumnStretch(0, 1)
        for rang, point in enumerate(a_corriger):
            texte = point.texte[:1].upper() + point.texte[1:]
            etiquette = QLabel(f"• {texte}")
            etiquette.setWordWrap(True)
            etiquette.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grille.addWidget(etiquette, rang, 0)
            self.points.append(etiquette)
            if point.libelle_bouton and point.section not in ("porteur", "instruction"):
                bouton = QPushButton(point.libelle_bouton)
                bouton.setObjectName(f"aller-{point.section}")
                bouton.setAutoDefault(False)
                bouton.clicked.connect(lambda _=False, p=point: self._aller(p.section, p.champ))
                grille.addWidget(bouton, rang, 1, Qt.AlignmentFlag.AlignTop)
                self.boutons.append(bouton)
        disposition.addLayout(grille)
        rappel = QLabel("<i>Rien n'a changé : corrigez ces points, puis refaites le passage.</i>")
        rappel.setWordWrap(True)
        disposition.addWidget(rappel)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        boutons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        boutons.rejected.connect(self.reject)
        disposition.addWidget(boutons)

    def _aller(self, section: str, champ: str) -> None:
        self.accept()
        self.aller_a.emit(section, champ)
