"""« Rapporter un fichier de travail… » : comparer, trancher les conflits côte à côte, rapporter, effacer.

1. Le fichier et sa phrase de passe ; « Comparer » lance le retour en simulation (rien n'est écrit).
2. Le bilan (ce qui s'ajoutera, se modifiera, se supprimera) et, pour chaque conflit, côte à côte : la valeur
   au départ, celle du portable (le mien) et celle du bureau (le leur), avec qui l'a changée et quand ; on
   garde l'une ou l'autre, ou l'on saisit la valeur juste.
3. « Rapporter » écrit tout en une transaction (``actions.emprunts.rapporter``) ; le fichier est ensuite
   marqué rapporté, et l'on propose de l'effacer de ce poste.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.ui import fichiers
from instruction.ui.champs import etiquette_erreur
from instruction.ui.operation import Operation

COLONNES = ["Donnée", "Champ", "Au départ", "Portable (le mien)", "Bureau (le leur)", "Garder", "Valeur saisie"]
GARDER, SAISIE = 5, 6
CHOIX = ["— à choisir —", "Le portable", "Le bureau", "Ma saisie"]


def _actions():
    from instruction.services.actions import emprunts

    return emprunts


def _fusion():
    from instruction.domaine import fusion

    return fusion


class DialogueRetour(QDialog):
    rapporte = Signal(object)  # le Retour

    def __init__(self, contexte, fichier: Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.retour = None
        self.garder: list[QComboBox] = []
        self._idents: list[str] = []  # l'identifiant du conflit de chaque rang (pour garder les choix faits)
        self.setWindowTitle("Rapporter un fichier de travail")
        self.resize(1200, 640)
        disposition = QVBoxLayout(self)
        formulaire = QFormLayout()
        self.fichier = QLineEdit(str(fichier) if fichier else "")
        self.fichier.setAccessibleName("Fichier de travail")
        choisir = QPushButton("Choisir…")
        choisir.clicked.connect(self._choisir)
        ligne = QHBoxLayout()
        ligne.addWidget(self.fichier, 1)
        ligne.addWidget(choisir)
        formulaire.addRow("Fichier de travail :", ligne)
        self.phrase = QLineEdit()
        self.phrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.phrase.setAccessibleName("Phrase de passe")
        self.bouton_comparer = QPushButton("&Comparer")
        self.bouton_comparer.clicked.connect(self.comparer)
        ligne_phrase = QHBoxLayout()
        ligne_phrase.addWidget(self.phrase, 1)
        ligne_phrase.addWidget(self.bouton_comparer)
        formulaire.addRow("Phrase de passe :", ligne_phrase)
        disposition.addLayout(formulaire)
        self.bilan = QLabel("Choisissez le fichier, tapez sa phrase de passe, puis « Comparer » : rien n'est écrit "
                            "avant « Rapporter ».")
        self.bilan.setWordWrap(True)
        self.bilan.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)  # table cachée : en haut
        self.bilan.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        disposition.addWidget(self.bilan)
        self.table = QTableWidget(0, len(COLONNES))
        self.table.setAccessibleName("Conflits : version du portable et version du bureau, côte à côte")
        self.table.setHorizontalHeaderLabels(COLONNES)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        entete = self.table.horizontalHeader()
        for colonne, largeur in ((0, 190), (1, 120), (GARDER, 130)):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(colonne, largeur)
        for colonne in (2, 3, 4, SAISIE):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.Stretch)
        self.table.hide()
        disposition.addWidget(self.table, 1)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        boutons = QDialogButtonBox()
        self.tout_mien = boutons.addButton("Tout garder du &portable", QDialogButtonBox.ButtonRole.ActionRole)
        self.tout_leur = boutons.addButton("Tout garder du &bureau", QDialogButtonBox.ButtonRole.ActionRole)
        self.bouton_rapporter = boutons.addButton("&Rapporter", QDialogButtonBox.ButtonRole.AcceptRole)
        self.bouton_fermer = boutons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.tout_mien.clicked.connect(lambda: self._tout(1))
        self.tout_leur.clicked.connect(lambda: self._tout(2))
        boutons.accepted.connect(self.rapporter)
        boutons.rejected.connect(self.reject)
        disposition.addWidget(boutons)
        for bouton in (self.tout_mien, self.tout_leur, self.bouton_rapporter):
            bouton.setEnabled(False)
        self.tout_mien.hide()
        self.tout_leur.hide()

    # --- Comparer ---------------------------------------------------------------------------------

    def _choisir(self) -> None:
        chemin = fichiers.ouvrir(self, "Fichier de travail à rapporter", "Fichiers de travail (*.travail)")
        if chemin is not None:
            self.fichier.setText(str(chemin))

    def comparer(self) -> None:
        if not self.fichier.text().strip() or not self.phrase.text():
            self.erreur.setText("Choisissez le fichier de travail et tapez sa phrase de passe.")
            return
        self.erreur.setText("")
        self.bouton_comparer.setEnabled(False)
        Operation(_actions().rapporter, self.contexte, Path(self.fichier.text().strip()), self.phrase.text(),
                  simulation=True, parent=self).progression(self.bilan.setText).apres(self._compare) \
            .refus(self._refus).lancer()

    def _refus(self, message: str) -> None:
        self.bouton_comparer.setEnabled(True)
        self.bouton_rapporter.setEnabled(bool(self.retour and self.retour.deja_rapporte is None))
        self.erreur.setText(message)

    def _compare(self, retour) -> None:
        self.retour = retour
        self.bouton_comparer.setEnabled(True)
        self.bilan.setText("<br>".join(retour.resume()))
        conflits = retour.conflits
        self.table.setVisible(bool(conflits))
        self.tout_mien.setVisible(bool(conflits))
        self.tout_leur.setVisible(bool(conflits))
        self.tout_mien.setEnabled(bool(conflits))
        self.tout_leur.setEnabled(bool(conflits))
        # Les choix déjà faits (et les valeurs saisies) restent, conflit par conflit, quand la liste est refaite
        # (nouvelle comparaison, ou conflits apparus au bureau entre la comparaison et le retour).
        faits = {ident: (garder.currentIndex(), self.table.item(rang, SAISIE).text())
                 for rang, (ident, garder) in enumerate(zip(self._idents, self.garder, strict=True))
                 if garder.currentIndex() > 0}
        self.table.setRowCount(len(conflits))
        self.garder = []  # le choix de chaque conflit, rang par rang
        self._idents = [conflit.ident for conflit in conflits]
        for rang, conflit in enumerate(conflits):
            cellules = [conflit.ligne, conflit.champ, conflit.depart,
                        conflit.mien + (f"\n— {conflit.mien_par}" if conflit.mien_par else ""),
                        conflit.leur + (f"\n— {conflit.leur_par}" if conflit.leur_par else "")]
            for colonne, texte in enumerate(cellules):
                item = QTableWidgetItem(texte)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(texte)
                self.table.setItem(rang, colonne, item)
            choix = QComboBox()
            choix.addItems(CHOIX if conflit.modifiable else CHOIX[:3])
            choix.setAccessibleName(f"Garder, pour {conflit.ligne} — {conflit.champ}")
            if not conflit.modifiable:
                choix.setToolTip("Se tranche en gardant la version du portable ou celle du bureau, entière.")
            self.garder.append(choix)
            # Centrée dans sa case (une liste en conflit, un budget, fait une ligne haute).
            case = QWidget()
            centre = QVBoxLayout(case)
            centre.setContentsMargins(4, 2, 4, 2)
            centre.addWidget(choix, 0, Qt.AlignmentFlag.AlignVCenter)
            self.table.setCellWidget(rang, GARDER, case)
            # Une liste (budget, séances…) se tranche en gardant un côté entier : rien à saisir.
            saisie = QTableWidgetItem("" if conflit.modifiable else "(une liste se garde entière : le portable "
                                      "ou le bureau)")
            saisie.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not conflit.modifiable:
                saisie.setForeground(self.palette().placeholderText())
            self.table.setItem(rang, SAISIE, saisie)
            index, texte = faits.get(conflit.ident, (0, ""))
            if 0 < index < choix.count():
                choix.setCurrentIndex(index)
                if index == 3:
                    saisie.setText(texte)
                    saisie.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable
                                    | Qt.ItemFlag.ItemIsSelectable)
            choix.currentIndexChanged.connect(lambda _i, r=rang: self._choix_change(r))
        # Que des listes (rien à saisir) : la colonne de saisie laisse sa place aux versions côte à côte.
        self.table.setColumnHidden(SAISIE, bool(conflits) and not any(c.modifiable for c in conflits))
        self.table.resizeRowsToContents()
        self.bouton_rapporter.setEnabled(retour.deja_rapporte is None)
        self._choix_change(None)

    def _choix_change(self, rang: int | None) -> None:
        if rang is not None:
            choix = self.garder[rang].currentIndex()
            item = self.table.item(rang, SAISIE)
            if choix == 3:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsSelectable)
                if not item.text():
                    item.setText(self.retour.conflits[rang].mien)
                self.table.editItem(item)
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        restants = sum(1 for choix in self.garder if choix.currentIndex() == 0)
        if self.retour is not None and self.retour.conflits:
            self.bouton_rapporter.setText(f"&Rapporter ({restants} conflit(s) à trancher)" if restants
                                          else "&Rapporter")

    def _tout(self, index: int) -> None:
        for choix in self.garder:
            choix.setCurrentIndex(index)

    def choix(self) -> dict:
        f = _fusion()
        resultat = {}
        for rang, conflit in enumerate(self.retour.conflits if self.retour else []):
            index = self.garder[rang].currentIndex()
            if index == 1:
                resultat[conflit.ident] = f.Choix(f.MIEN)
            elif index == 2:
                resultat[conflit.ident] = f.Choix(f.LEUR)
            elif index == 3:
                resultat[conflit.ident] = f.Choix(f.SAISIE, self.table.item(rang, SAISIE).text())
        return resultat

    # --- Rapporter --------------------------------------------------------------------------------

    def rapporter(self) -> None:
        if self.retour is None:
            self.comparer()
            return
        choix = self.choix()
        manquants = len(self.retour.conflits) - len(choix)
        if manquants:
            self.erreur.setText(f"Tranchez chaque conflit ({manquants} restant(s)) : gardez la version du portable, "
                                "celle du bureau, ou saisissez la valeur juste. Rien n'a été écrit.")
            return
        self.erreur.setText("")
        self.bouton_rapporter.setEnabled(False)
        Operation(_actions().rapporter, self.contexte, Path(self.fichier.text().strip()), self.phrase.text(), choix,
                  parent=self).progression(self.bilan.setText).apres(self._rapporte).refus(self._refus).lancer()

    def _rapporte(self, retour) -> None:
        self.retour = retour
        self.bilan.setText("<br>".join(retour.resume()))
        if not retour.applique:  # un conflit apparu entre la comparaison et le retour : on le montre
            self._compare(retour)
            self.erreur.setText("De nouveaux conflits sont apparus (le bureau a changé entre-temps) : tranchez-les, "
                                "puis rapportez de nouveau. Rien n'a été écrit.")
            return
        self.table.hide()
        self.tout_mien.hide()
        self.tout_leur.hide()
        self.bouton_rapporter.setEnabled(False)
        self.bouton_fermer.setText("Fermer")
        self.rapporte.emit(retour)
        self.proposer_effacement()

    def proposer_effacement(self) -> None:
        self.boite_effacement = QMessageBox(
            QMessageBox.Icon.Question, "Effacer le fichier de travail",
            "Le fichier de travail est rapporté. L'effacer de ce poste ? Son contenu est recouvert avant d'être "
            "supprimé (gardez-le si vous voulez le rouvrir pour consultation).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        effacer = self.boite_effacement.button(QMessageBox.StandardButton.Yes)
        effacer.setText("&Effacer")
        self.boite_effacement.button(QMessageBox.StandardButton.No).setText("&Garder")
        self.boite_effacement.buttonClicked.connect(lambda bouton: self._effacer() if bouton is effacer else None)
        self.boite_effacement.open()

    def _effacer(self) -> None:
        fichier = Path(self.fichier.text().strip())
        Operation(_actions().effacer_fichier, fichier, parent=self) \
            .apres(lambda _r: self.bilan.setText(self.bilan.text() + f"<br>Fichier « {fichier.name} » effacé.")) \
            .refus(self.erreur.setText).lancer()
