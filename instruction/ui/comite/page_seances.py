"""La liste des séances du comité (menu Comité › Séances du comité) : la plus récente en haut, avec son état et
son ordre du jour ; « Nouvelle séance… » (instance, date, lieu) ; Entrée ou double-clic ouvre la séance.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import comite as regles
from instruction.domaine import dates
from instruction.services.actions import COMITE
from instruction.services.actions import comite as actions
from instruction.ui.champs import etiquette_erreur
from instruction.ui.comite.page_de_travail import PageDeTravail
from instruction.ui.operation import Lectures, Operation
from instruction.ui.tableaux import remplir_table, table_lecture

MODULE_SEANCE = "instruction.ui.comite.page_seance"


def ouvrir_seance(widget: QWidget, seance_id: int) -> None:
    """Ouvre la séance dans un onglet de travail de la fenêtre de ``widget``."""
    espace = getattr(widget.window(), "espace", None)
    if espace is not None:
        espace.ouvrir_page(MODULE_SEANCE, "PageSeance", "Séance du comité", seance_id=seance_id)


class PageSeances(PageDeTravail):
    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.titre_onglet = "Séances du comité"
        self.seances = []
        self.lectures = Lectures()  # seule la dernière lecture partie s'affiche
        self.nouvelle = QPushButton("&Nouvelle séance…")
        self.ouvrir = QPushButton("&Ouvrir la séance")
        self.deliberations = QPushButton("&Délibérations des partenaires")
        self.nouvelle.clicked.connect(self._nouvelle)
        self.ouvrir.clicked.connect(self._ouvrir)
        self.deliberations.clicked.connect(self._deliberations)
        boutons = QHBoxLayout()
        for bouton in (self.nouvelle, self.ouvrir, self.deliberations):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        self.table = table_lecture(["Date", "Séance", "Instance", "Lieu", "État", "Dossiers", "Décisions saisies"],
                                   "Séances du comité", etirees=(1,))
        self.table.activated.connect(lambda _i: self._ouvrir())
        self.table.doubleClicked.connect(lambda _i: self._ouvrir())
        self.message = etiquette_erreur()
        disposition = QVBoxLayout(self)
        self.entete(disposition, "Séances du comité des financeurs et du jury PIC",
                    "Le comité des financeurs « vient acter la programmation » après l'instruction (contrat de ville, "
                    "l. 3828-3830) : préparez l'ordre du jour, saisissez les décisions, clôturez la séance pour les "
                    "appliquer toutes ensemble.")
        disposition.addLayout(boutons)
        disposition.addWidget(self.message)
        disposition.addWidget(self.table, 1)
        self.relire()

    def relire(self) -> None:
        Operation(actions.lister_seances, self.contexte, parent=self).apres(self.lectures.rappel(self.afficher)) \
            .refus(self.message.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(COMITE):
            self.relire()

    def afficher(self, seances) -> None:
        self.seances = list(seances)
        instances = regles.instances()
        remplir_table(self.table, [
            [dates.formater(s.date), s.intitule, instances[s.instance].libelle if s.instance in instances else s.instance,
             s.lieu, s.libelle_statut + (f" le {dates.formater_horodatage(s.close_le)}" if s.close else ""),
             str(s.dossiers), f"{s.decides} / {s.dossiers}"]
            for s in self.seances
        ], couleurs={(rang, 4): "#1b6e20" if s.close else "#8a5300" for rang, s in enumerate(self.seances)})
        for rang in range(len(self.seances)):
            for colonne in (5, 6):
                self.table.item(rang, colonne).setTextAlignment(Qt.AlignmentFlag.AlignRight
                                                                | Qt.AlignmentFlag.AlignVCenter)
        if self.seances and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.ouvrir.setEnabled(bool(self.seances))

    def _ouvrir(self) -> None:
        rang = self.table.currentRow()
        if 0 <= rang < len(self.seances):
            ouvrir_seance(self, self.seances[rang].id)

    def _deliberations(self) -> None:
        espace = getattr(self.window(), "espace", None)
        if espace is not None:
            espace.ouvrir_page("instruction.ui.comite.page_deliberations", "PageDeliberations",
                               "Délibérations des partenaires")

    def _nouvelle(self) -> None:
        boite = DialogueNouvelleSeance(self)
        boite.valide.connect(lambda saisie: Operation(actions.creer_seance, self.contexte, *saisie, parent=self)
                             .apres(lambda seance: (boite.accept(), ouvrir_seance(self, seance.id)))
                             .refus(boite.erreur.setText).lancer())
        boite.exec()


class DialogueNouvelleSeance(QDialog):
    valide = Signal(tuple)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nouvelle séance")
        self.resize(560, 220)
        self.instance = QComboBox()
        for code, instance in regles.instances().items():
            self.instance.addItem(instance.libelle, code)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.lieu = QLineEdit()
        self.lieu.setPlaceholderText("Hôtel de ville de Calais, salle du conseil")
        self.intitule = QLineEdit()
        self.intitule.setPlaceholderText("par défaut : « Comité des financeurs du JJ/MM/AAAA »")
        formulaire = QFormLayout()
        formulaire.addRow("&Instance :", self.instance)
        formulaire.addRow("&Date :", self.date)
        formulaire.addRow("&Lieu :", self.lieu)
        formulaire.addRow("In&titulé :", self.intitule)
        self.erreur = etiquette_erreur()
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Créer la séance")
        boutons.accepted.connect(lambda: self.valide.emit(self.saisie()))
        boutons.rejected.connect(self.reject)
        disposition = QVBoxLayout(self)
        disposition.addLayout(formulaire)
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons)

    def saisie(self) -> tuple:
        jour = self.date.date()
        return (self.instance.currentData(), dt.date(jour.year(), jour.month(), jour.day()),
                self.intitule.text(), self.lieu.text())
