"""Les boîtes de l'éditeur du compte rendu financier : une date (valider, renvoyer pour compléments avec son
motif, compléments reçus) et le reversement proposé après une sous-réalisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from instruction.domaine import argent, dates
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.ui.champs import champ_date, champ_nombre, etiquette_erreur
from instruction.ui.suivi.feuille_chiffres import montant_saisi
from instruction.ui.suivi.page_bilans_attendus import boutons_ok_annuler


def texte_long(nom: str, hauteur: int = 70) -> QPlainTextEdit:
    """Un texte de plusieurs lignes, Tab passant au champ suivant."""
    champ = QPlainTextEdit()
    champ.setAccessibleName(nom)
    champ.setTabChangesFocus(True)
    champ.setMinimumHeight(hauteur)
    return champ


class DialogueDate(QDialog):
    """Une date (aujourd'hui par défaut) et, si demandé, un motif."""

    def __init__(self, titre: str, explication: str, bouton: str, parent=None, *, motif: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(titre)
        self.setMinimumWidth(480)
        self.date = champ_date()
        self.date.setText(dates.formater(aujourd_hui()))
        self.date.setAccessibleName("Date")
        self.motif = texte_long("Motif") if motif else None
        self.erreur = etiquette_erreur()
        texte = QLabel(explication)
        texte.setWordWrap(True)
        formes = QFormLayout()
        formes.addRow("&Date :", self.date)
        if self.motif is not None:
            formes.addRow("&Ce qui manque :", self.motif)
        boutons = boutons_ok_annuler(self, bouton, self._valider)
        disposition = QVBoxLayout(self)
        disposition.addWidget(texte)
        disposition.addLayout(formes)
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons)
        self.jour: dt.date | None = None

    def _valider(self) -> None:
        try:
            self.jour = dates.lire(self.date.text())
        except DonneesInvalides as erreur:
            self.erreur.setText(str(erreur))
            return
        if self.motif is not None and not self.motif.toPlainText().strip():
            self.erreur.setText("Indiquez ce qui manque : le renvoi pour compléments l'exige.")
            return
        self.accept()


class DialogueReversement(QDialog):
    """Le reversement proposé (pré-rempli au prorata des charges non réalisées), à confirmer avec le titre de
    recette ; chaque montant se corrige."""

    def __init__(self, parts, charges, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reversement proposé")
        self.setMinimumWidth(560)
        self.parts = parts
        texte = QLabel(f"Les charges réalisées ({argent.formater(charges.realise)}) sont inférieures à la prévision "
                       f"({argent.formater(charges.prevu)}, {charges.ecart.libelle_pourcentage()}). Reversement "
                       "proposé au prorata, borné à ce qui a été versé :")
        texte.setWordWrap(True)
        formes = QFormLayout()
        self.montants: list[QLineEdit] = []
        for p in parts:
            champ = champ_nombre(120)
            champ.setText(montant_saisi(p.propose))
            champ.setAccessibleName(f"Reversement {p.financeur_libelle}")
            formes.addRow(f"{p.financeur_libelle} (versé {argent.formater(p.verse)}) :", champ)
            self.montants.append(champ)
        self.titre = QLineEdit()
        self.titre.setAccessibleName("Titre de recette")
        self.date = champ_date()
        self.date.setText(dates.formater(aujourd_hui()))
        formes.addRow("&Titre de recette :", self.titre)
        formes.addRow("Émis le :", self.date)
        self.erreur = etiquette_erreur()
        boutons = boutons_ok_annuler(self, "Enregistrer le reversement", self._valider, "Pas de reversement")
        disposition = QVBoxLayout(self)
        disposition.addWidget(texte)
        disposition.addLayout(formes)
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons)
        self.resultat: tuple[list, str, dt.date] | None = None

    def _valider(self) -> None:
        try:
            lignes = [(p.convention_id, p.financeur, argent.lire(c.text()) if c.text().strip() else Decimal("0"))
                      for p, c in zip(self.parts, self.montants, strict=True)]
            jour = dates.lire(self.date.text())
        except DonneesInvalides as erreur:
            self.erreur.setText(str(erreur))
            return
        if not self.titre.text().strip():
            self.erreur.setText("Indiquez la référence du titre de recette.")
            return
        self.resultat = (lignes, self.titre.text().strip(), jour)
        self.accept()
