"""La liste des conventions, CPO et notifications (menu Conventions) : filtres (état, cofinanceur, campagne, à
signer depuis plus de N jours, texte), ouverture de l'acte au clavier (Entrée) ou au double-clic, export des
restes à payer (xlsx) et des données essentielles (SCDL)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, dates
from instruction.domaine.conventions import LIBELLES_ETATS, TypeActe
from instruction.services.actions import CONVENTIONS, VERSEMENTS
from instruction.services.actions import conventions as actions
from instruction.ui.operation import Lectures, Operation
from instruction.ui.tableaux import remplir_table, table_lecture

COLONNES = ["Numéro", "Acte", "Dossier", "Action", "Porteur", "Cofinanceur", "État", "Depuis", "Effet", "Montant",
            "Versé net", "Avenants"]
MONTANTS = (9, 10)


def aligner_montants(table, colonnes=MONTANTS) -> None:
    for rang in range(table.rowCount()):
        for colonne in colonnes:
            cellule = table.item(rang, colonne)
            if cellule is not None:
                cellule.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def ouvrir_convention(widget: QWidget, convention_id: int, numero: str = "") -> None:
    """Ouvre l'acte dans l'espace de travail de la fenêtre (un onglet par acte)."""
    espace = getattr(widget.window(), "espace", None)
    if espace is not None:
        espace.ouvrir_page("instruction.ui.conventions.editeur", "PageConvention", f"Convention {numero}".strip(),
                           convention_id=convention_id)


class PageConventions(QWidget):
    titre_change = Signal()
    titre_onglet = "Conventions"
    modifie = False

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.lignes: list = []
        self.lectures = Lectures()  # un filtre changé pendant une lecture : seule la dernière s'affiche
        self.etat = QComboBox()
        self.etat.addItem("Tous les états", "")
        for code, libelle in LIBELLES_ETATS.items():
            self.etat.addItem(libelle, code.value)
        self.financeur = QComboBox()
        self.financeur.addItem("Tous les cofinanceurs", "")
        self.campagne = QComboBox()
        self.campagne.addItem("Toutes les campagnes", None)
        self.attente = QCheckBox("À signer depuis plus de")
        self.jours = QSpinBox()
        self.jours.setRange(1, 365)
        self.jours.setValue(30)
        self.jours.setSuffix(" jours")
        self.texte = QLineEdit()
        self.texte.setPlaceholderText("Rechercher : numéro, action, porteur…")
        self.texte.setClearButtonEnabled(True)
        for widget, nom in ((self.etat, "État des conventions"), (self.financeur, "Cofinanceur"),
                            (self.campagne, "Campagne"), (self.jours, "Jours d'attente de signature"),
                            (self.texte, "Recherche dans les conventions")):
            widget.setAccessibleName(nom)
        filtres = QHBoxLayout()
        etiquette = QLabel("É&tat :")
        etiquette.setBuddy(self.etat)
        filtres.addWidget(etiquette)
        for widget in (self.etat, self.financeur, self.campagne, self.attente, self.jours):
            filtres.addWidget(widget)
        filtres.addWidget(self.texte, 1)
        self.table = table_lecture(COLONNES, "Conventions", etirees=(3,))
        self.table.doubleClicked.connect(lambda _i: self.ouvrir_choisie())
        self.table.activated.connect(lambda _i: self.ouvrir_choisie())
        self.resume = QLabel()
        self.ouvrir = QPushButton("Ouvrir la &convention")
        self.ouvrir.clicked.connect(self.ouvrir_choisie)
        self.restes = QPushButton("&Restes à payer (xlsx)…")
        self.restes.clicked.connect(self._exporter_restes)
        self.scdl = QPushButton("Données &essentielles (SCDL)…")
        self.scdl.clicked.connect(self._exporter_scdl)
        bas = QHBoxLayout()
        bas.addWidget(self.resume, 1)
        for bouton in (self.ouvrir, self.restes, self.scdl):
            bas.addWidget(bouton)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(filtres)
        disposition.addWidget(self.table, 1)
        disposition.addLayout(bas)
        self._attendre = QTimer(self, singleShot=True, interval=250)
        self._attendre.timeout.connect(self.relire)
        for signal in (self.etat.currentIndexChanged, self.financeur.currentIndexChanged,
                       self.campagne.currentIndexChanged, self.jours.valueChanged):
            signal.connect(lambda *_a: self.relire())
        self.attente.toggled.connect(lambda _c: self.relire())
        self.texte.textChanged.connect(lambda _t: self._attendre.start())
        Operation(actions.options, contexte, parent=self).apres(self._options).lancer()

    def _options(self, options: dict) -> None:
        for code, libelle in options["financeurs"]:
            self.financeur.addItem(libelle, code)
        for identifiant, libelle in options["campagnes"]:
            self.campagne.addItem(libelle, identifiant)
        self.relire()

    def filtre(self):
        from instruction.services.lecture_conventions import FiltreConventions

        etat = self.etat.currentData()
        return FiltreConventions(etats=(etat,) if etat else (), financeur=self.financeur.currentData() or None,
                                 campagne_id=self.campagne.currentData(),
                                 attente_signature_jours=self.jours.value() if self.attente.isChecked() else None,
                                 texte=self.texte.text())

    def relire(self) -> None:
        Operation(actions.lister, self.contexte, self.filtre(), parent=self) \
            .apres(self.lectures.rappel(self.afficher)).lancer()

    def afficher(self, lignes: list) -> None:
        self.lignes = lignes
        remplir_table(self.table, [[
            x.numero, TypeActe(x.type_acte).libelle.split(" (")[0], x.dossier_numero, x.intitule, x.porteur,
            x.financeur, LIBELLES_ETATS.get(x.etat, x.etat), dates.formater(x.etat_le), dates.formater(x.date_effet),
            argent.formater(x.montant), argent.formater(x.verse), str(x.avenants or "")] for x in lignes])
        aligner_montants(self.table)
        total = sum((x.montant for x in lignes), argent.ZERO)
        verse = sum((x.verse for x in lignes), argent.ZERO)
        self.resume.setText(f"{len(lignes)} acte{'s' if len(lignes) > 1 else ''} — {argent.formater(total)} décidés, "
                            f"{argent.formater(verse)} versés nets.")
        if lignes and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def ouvrir_choisie(self) -> None:
        rang = self.table.currentRow()
        if 0 <= rang < len(self.lignes):
            ouvrir_convention(self, self.lignes[rang].id, self.lignes[rang].numero)

    def _exporter_restes(self) -> None:
        from pathlib import Path

        from instruction.services.actions import versements
        from instruction.ui import fichiers

        chemin = fichiers.enregistrer_sous(self, "Restes à payer", "restes-a-payer.xlsx", "Classeur (*.xlsx)")
        if chemin is not None:
            Operation(versements.exporter_restes, self.contexte, Path(chemin), parent=self).apres(
                lambda f: QMessageBox.information(self, "Restes à payer", f"Classeur écrit : {f}")).lancer()

    def _exporter_scdl(self) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QInputDialog

        from instruction.domaine.horloge import aujourd_hui
        from instruction.ui import fichiers

        annee, ok = QInputDialog.getInt(self, "Données essentielles (SCDL)", "Conventions signées en :",
                                        aujourd_hui().year, 2000, 2100)
        if not ok:
            return
        chemin = fichiers.enregistrer_sous(self, "Données essentielles des conventions", f"subventions-{annee}.csv",
                                           "CSV (*.csv)")
        if chemin is not None:
            Operation(actions.exporter_scdl, self.contexte, annee, Path(chemin), parent=self).apres(
                lambda n: QMessageBox.information(self, "Données essentielles (SCDL)",
                                                  f"{n} convention(s) publiée(s) dans {chemin}.")).lancer()

    def sur_changement(self, changements, _origine) -> None:
        if changements.touche(CONVENTIONS, VERSEMENTS):
            self.relire()

    def demander_fermeture(self) -> bool:
        return True
