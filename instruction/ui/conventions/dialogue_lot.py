"""Conventions › Générer les conventions d'une campagne… : tous les actes d'une campagne en PDF et en DOCX.

On choisit la campagne (celles qui ont des actes préparés) et le dossier où écrire ; « Générer » écrit un PDF et
un DOCX modifiable par acte (termes en vigueur, avenants signés compris), avec la barre d'avancement et
« Annuler » (les actes déjà écrits sont complets, aucun fichier n'est à moitié écrit). Ensuite : ouvrir le
dossier, l'aperçu du premier acte, ou imprimer tous les PDF en un seul travail (``ui/impression.py``).

La boîte ne lit ni n'écrit la base elle-même : elle lance les actions de
``services.actions.documents_conventions`` par ``Operation``.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.services.actions import documents_conventions as actions
from instruction.ui import fichiers
from instruction.ui.champs import etiquette_erreur
from instruction.ui.lot import BarreDeLot, ChoixDossierSortie
from instruction.ui.operation import Operation

_PAS = re.compile(r"^Acte (\d+) / (\d+)")


class DialogueLotConventions(QDialog):
    def __init__(self, contexte, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.lot = None
        self.setWindowTitle("Générer les conventions d'une campagne")
        self.setMinimumWidth(640)

        self.campagne = QComboBox()
        self.campagne.setAccessibleName("Campagne")
        self.sortie = ChoixDossierSortie("Dossier où écrire les actes", fichiers.dossier_de_depart() / "Conventions")
        formulaire = QFormLayout()
        formulaire.addRow("&Campagne :", self.campagne)
        formulaire.addRow("Dossier :", self.sortie)

        explication = QLabel("Un PDF et un DOCX modifiable par acte (convention, CPO ou notification), dans ses "
                             "termes en vigueur, composés depuis la bibliothèque de clauses.")
        explication.setWordWrap(True)
        self.generer = QPushButton("&Générer")
        self.generer.setDefault(True)
        self.generer.clicked.connect(self.lancer)
        self.avancement = BarreDeLot()
        self.avancement.annulation_demandee.connect(
            lambda: self.message.setText("Annulation… (l'acte en cours se termine)"))
        self.annuler, self.barre = self.avancement.annuler, self.avancement.barre
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.erreur = etiquette_erreur()
        ligne_generer = QHBoxLayout()
        ligne_generer.addWidget(self.generer)
        ligne_generer.addWidget(self.avancement, 1)

        self.ouvrir = QPushButton("&Ouvrir le dossier")
        self.apercu = QPushButton("&Aperçu du premier acte…")
        self.imprimer = QPushButton("&Imprimer tous les actes…")
        fermer = QPushButton("&Fermer")
        for bouton in (self.ouvrir, self.apercu, self.imprimer):
            bouton.setEnabled(False)
        self.ouvrir.clicked.connect(self._ouvrir_dossier)
        self.apercu.clicked.connect(self._apercu_premier)
        self.imprimer.clicked.connect(self._imprimer_tout)
        fermer.clicked.connect(self.close)
        ligne_apres = QHBoxLayout()
        for bouton in (self.ouvrir, self.apercu, self.imprimer):
            ligne_apres.addWidget(bouton)
        ligne_apres.addStretch(1)
        ligne_apres.addWidget(fermer)

        mise_en_page = QVBoxLayout(self)
        mise_en_page.addLayout(formulaire)
        mise_en_page.addWidget(explication)
        mise_en_page.addLayout(ligne_generer)
        mise_en_page.addWidget(self.message)
        mise_en_page.addWidget(self.erreur)
        mise_en_page.addStretch(1)
        mise_en_page.addLayout(ligne_apres)

        self.generer.setEnabled(False)
        Operation(actions.campagnes, self.contexte, parent=self).apres(self._afficher_campagnes) \
            .refus(self.erreur.setText).lancer()

    def _afficher_campagnes(self, campagnes: list[actions.CampagneActes]) -> None:
        self.campagne.clear()
        for c in campagnes:
            self.campagne.addItem(f"{c.libelle} ({c.conventions} acte{'s' if c.conventions > 1 else ''})", c.code)
        self.generer.setEnabled(bool(campagnes))
        if not campagnes:
            self.message.setText("Aucune campagne n'a encore d'acte préparé (Conventions › Conventions et "
                                 "CPO, « Préparer l'acte »).")

    def lancer(self) -> None:
        code = self.campagne.currentData()
        sortie = self.sortie.chemin()
        if not code or sortie is None:
            self.erreur.setText("Choisissez la campagne et le dossier où écrire les actes.")
            return
        self.erreur.setText("")
        self.lot = None
        for bouton in (self.generer, self.ouvrir, self.apercu, self.imprimer):
            bouton.setEnabled(False)
        self.avancement.commencer()  # indéterminée pendant la lecture
        Operation(actions.generer_campagne, self.contexte, code, sortie, annule=self.avancement.annule,
                  parent=self).progression(self._avancement).apres(self._fini).refus(self._refus).lancer()

    def _avancement(self, texte: str) -> None:
        self.message.setText(texte)
        pas = _PAS.match(texte)
        if pas:
            self.avancement.pas(int(pas.group(1)), int(pas.group(2)))

    def _refus(self, message: str) -> None:
        self.generer.setEnabled(True)
        self.avancement.finir()
        self.erreur.setText(message)

    def _fini(self, lot) -> None:
        self.generer.setEnabled(True)
        self.lot = lot
        self.avancement.finir(len(lot.ecrits), lot.demandes)
        self.message.setText(lot.resume())
        if lot.erreurs:
            self.erreur.setText("Actes non écrits :\n" + "\n".join(lot.erreurs))
        self.ouvrir.setEnabled(True)
        self.apercu.setEnabled(bool(lot.ecrits))
        self.imprimer.setEnabled(bool(lot.ecrits))

    def _ouvrir_dossier(self) -> None:
        if self.lot is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.lot.dossier)))

    def _apercu_premier(self) -> None:
        from instruction.ui import impression

        if self.lot and self.lot.ecrits:
            premier = self.lot.ecrits[0]
            impression.apercu(self, premier.pdf, f"{premier.titre} n° {premier.numero}")

    def _imprimer_tout(self) -> None:
        from instruction.ui import impression

        if self.lot and self.lot.ecrits:
            impression.imprimer_lot(self, [e.pdf for e in self.lot.ecrits],
                                    f"Conventions {self.campagne.currentText()}")


def ouvrir(fenetre) -> DialogueLotConventions:
    """Le menu Conventions › Générer les conventions d'une campagne… : la boîte, non modale."""
    from PySide6.QtCore import Qt

    boite = DialogueLotConventions(fenetre.contexte, fenetre)
    boite.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    boite.show()
    return boite
