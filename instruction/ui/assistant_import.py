"""L'assistant d'import d'un export de la plateforme (Fichier › Importer un export de la plateforme…).

Cinq pages : le fichier (format, encodage et séparateur détectés) → la correspondance des colonnes
(modifiable, enregistrable sous un nom) → l'aperçu, chaque erreur à côté de sa cellule → la simulation
(créés, mis à jour, inchangés, conflits, porteurs à confirmer) → l'import, tout ou rien, avec sa barre de
progression et son bouton d'annulation. Chaque lecture et l'import passent par ``Operation`` et les actions
de ``services/actions/echanges.py`` : la fenêtre ne gèle jamais et aucune transaction n'est ouverte ici.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from instruction.services.actions import echanges as actions
from instruction.ui.operation import Operation

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte

ROUGE = QColor("#f8d7da")
APERCU_MAXIMUM = 1_000  # lignes montrées à l'aperçu (toutes sont validées ; les erreurs sont toutes listées)
AUCUN = "(ne pas importer)"


class _Avancement(QObject):
    """Le relais de l'avancement : émis dans le fil de l'import, reçu dans celui de l'interface."""

    pas = Signal(int, int)


class AssistantImport(QWizard):
    def __init__(self, contexte: Contexte, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.setWindowTitle("Importer un export de la plateforme")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Suivant >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Précédent")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Terminer")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Fermer")
        self.ouvert = None  # FichierOuvert
        self.apercu = None  # Apercu de la dernière simulation
        self.choix_porteurs: dict[str, int] = {}
        self.page_fichier = PageFichier(self)
        self.page_correspondance = PageCorrespondance(self)
        self.page_apercu = PageApercu(self)
        self.page_simulation = PageSimulation(self)
        self.page_import = PageImport(self)
        for page in (self.page_fichier, self.page_correspondance, self.page_apercu, self.page_simulation,
                     self.page_import):
            self.addPage(page)
        self.resize(1100, 680)

    # Ce que la correspondance dit de tout le fichier (exercice, dispositif sans colonne).
    def options(self) -> dict:
        return self.page_correspondance.options()

    def colonnes(self) -> dict[str, str | None]:
        return self.page_correspondance.colonnes()

    def reject(self) -> None:
        if self.page_import.en_cours:
            self.page_import.annuler()
            return
        super().reject()


# --- 1. Le fichier -----------------------------------------------------------------------------------------


class PageFichier(QWizardPage):
    def __init__(self, assistant: AssistantImport) -> None:
        super().__init__()
        self.assistant = assistant
        self.setTitle("1. Le fichier")
        self.setSubTitle("Un export de la plateforme (Dauphin) ou le tableau d'un partenaire : xlsx, xls, ods ou csv.")
        self.chemin = QLineEdit()
        self.chemin.setPlaceholderText("Chemin du fichier")
        self.chemin.returnPressed.connect(self.lire)
        self.chemin.textEdited.connect(self._oublier)
        parcourir = QPushButton("&Parcourir…")
        parcourir.clicked.connect(self._parcourir)
        self.lire_bouton = QPushButton("&Lire le fichier")
        self.lire_bouton.clicked.connect(self.lire)
        ligne = QHBoxLayout()
        ligne.addWidget(self.chemin, 1)
        ligne.addWidget(parcourir)
        ligne.addWidget(self.lire_bouton)
        self.etat = QLabel("Choisissez le fichier, puis « Lire le fichier » (ou Entrée).")
        self.etat.setWordWrap(True)
        self.etat.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        disposition = QVBoxLayout(self)
        disposition.addLayout(ligne)
        disposition.addWidget(self.etat)
        disposition.addStretch(1)
        self.setFocusProxy(self.chemin)

    def _parcourir(self) -> None:
        from instruction.ui import fichiers

        chemin = fichiers.ouvrir(self, "Importer un export de la plateforme",
                                 "Tableaux (*.xlsx *.xls *.ods *.csv);;Tous les fichiers (*)")
        if chemin is not None:
            self.chemin.setText(str(chemin))
            self.lire()

    def _oublier(self) -> None:
        self.assistant.ouvert = None
        self.completeChanged.emit()

    def lire(self) -> None:
        chemin = self.chemin.text().strip()
        if not chemin:
            return
        self.assistant.ouvert = None
        self.completeChanged.emit()
        self.etat.setText("Lecture du fichier…")
        self.lire_bouton.setEnabled(False)
        Operation(actions.ouvrir, self.assistant.contexte, chemin, parent=self).apres(self._lu).refus(
            self._refus).lancer()

    def _refus(self, message: str) -> None:
        self.lire_bouton.setEnabled(True)
        self.etat.setText(f"<b>Ce fichier ne peut pas être importé.</b><br>{message}")

    def _lu(self, ouvert) -> None:
        self.lire_bouton.setEnabled(True)
        self.assistant.ouvert = ouvert
        reconnues = sum(1 for c in ouvert.colonnes.values() if c)
        texte = (f"{ouvert.tableau.description}. {len(ouvert.tableau.entetes)} colonnes, dont {reconnues} "
                 "reconnues.")
        if ouvert.correspondance is not None:
            texte += f" Correspondance enregistrée « {ouvert.correspondance.nom} » appliquée."
        self.etat.setText(texte)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.assistant.ouvert is not None


# --- 2. La correspondance ------------------------------------------------------------------------------------


class PageCorrespondance(QWizardPage):
    def __init__(self, assistant: AssistantImport) -> None:
        super().__init__()
        self.assistant = assistant
        self.setTitle("2. Les colonnes")
        self.setSubTitle("Ce que chaque colonne du fichier alimente. Corrigez au besoin, et enregistrez la "
                         "correspondance sous un nom pour le prochain export.")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Colonne du fichier", "Exemple (1re ligne)", "Champ de l'application"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.exercice = QSpinBox()
        self.exercice.setRange(0, 2100)
        self.exercice.setSpecialValueText("(colonne du fichier)")
        self.dispositif = QComboBox()
        self.nom = QLineEdit()
        self.nom.setPlaceholderText("Nom de la correspondance (par exemple « Dauphin 2027 »)")
        enregistrer = QPushButton("&Enregistrer la correspondance")
        enregistrer.clicked.connect(self.enregistrer)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        formulaire = QFormLayout()
        formulaire.addRow("E&xercice de tout le fichier :", self.exercice)
        formulaire.addRow("&Dispositif de tout le fichier :", self.dispositif)
        ligne = QHBoxLayout()
        ligne.addWidget(self.nom, 1)
        ligne.addWidget(enregistrer)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.table, 1)
        disposition.addLayout(formulaire)
        disposition.addLayout(ligne)
        disposition.addWidget(self.message)
        self._combos: list[QComboBox] = []

    def initializePage(self) -> None:
        ouvert = self.assistant.ouvert
        tableau, alias = ouvert.tableau, ouvert.alias
        self.table.setRowCount(len(tableau.entetes))
        self._combos = []
        from instruction.domaine.echanges import en_texte

        for rang, titre in enumerate(tableau.entetes):
            self.table.setItem(rang, 0, QTableWidgetItem(titre))
            exemple = en_texte(tableau.lignes[0][rang]) if tableau.lignes else ""
            self.table.setItem(rang, 1, QTableWidgetItem(exemple[:120]))
            combo = QComboBox()
            combo.addItem(AUCUN, None)
            for champ, libelle in alias.champs():
                combo.addItem(libelle, champ)
            combo.setCurrentIndex(max(0, combo.findData(ouvert.colonnes.get(titre))))
            combo.setAccessibleName(f"Champ de la colonne {titre}")
            self.table.setCellWidget(rang, 2, combo)
            self._combos.append(combo)
        self.dispositif.clear()
        self.dispositif.addItem("(colonne du fichier)", None)
        for code in sorted(set(alias.dispositifs.values())):
            self.dispositif.addItem(code.upper(), code)
        choisie = ouvert.correspondance
        self.exercice.setValue((choisie.exercice or 0) if choisie else 0)
        self.dispositif.setCurrentIndex(max(0, self.dispositif.findData(choisie.dispositif if choisie else None)))
        self.nom.setText(choisie.nom if choisie else "")
        self.message.setText("")
        if self._combos:
            self._combos[0].setFocus()

    def colonnes(self) -> dict[str, str | None]:
        entetes = self.assistant.ouvert.tableau.entetes
        return {titre: combo.currentData() for titre, combo in zip(entetes, self._combos, strict=True)}

    def options(self) -> dict:
        return {"exercice": self.exercice.value() or None, "dispositif": self.dispositif.currentData()}

    def enregistrer(self) -> None:
        Operation(actions.enregistrer_correspondance, self.assistant.contexte, self.nom.text(), self.colonnes(),
                  **self.options(), parent=self).apres(
            lambda _liste: self.message.setText(f"Correspondance « {self.nom.text().strip()} » enregistrée.")
        ).refus(self.message.setText).lancer()


# --- 3. L'aperçu ---------------------------------------------------------------------------------------------


class PageApercu(QWizardPage):
    def __init__(self, assistant: AssistantImport) -> None:
        super().__init__()
        self.assistant = assistant
        self.setTitle("3. Aperçu")
        self.setSubTitle("Chaque ligne est validée ; une cellule en erreur est en rouge, son message à côté "
                         "(et en bulle). Rien n'est importé tant qu'une erreur reste : corrigez le fichier et relisez-le.")
        self.resume = QLabel("Validation…")
        self.resume.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.erreurs = QPlainTextEdit()
        self.erreurs.setReadOnly(True)
        self.erreurs.setMaximumHeight(140)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.resume)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(self.erreurs)
        self._pret = False

    def initializePage(self) -> None:
        self._pret = False
        self.assistant.apercu = None
        self.assistant.choix_porteurs = {}
        self.resume.setText("Validation des lignes…")
        self.erreurs.setPlainText("")
        self.table.clear()
        self.table.setRowCount(0)
        ouvert = self.assistant.ouvert
        Operation(actions.simuler, self.assistant.contexte, ouvert.tableau, self.assistant.colonnes(),
                  **self.assistant.options(), parent=self).apres(self._montrer).refus(self._refus).lancer()

    def _refus(self, message: str) -> None:
        self.resume.setText(f"<b>La correspondance ne convient pas.</b> {message} Revenez à la page précédente.")

    def _montrer(self, apercu) -> None:
        self.assistant.apercu = apercu
        tableau = apercu.tableau
        utiles = [t for t in tableau.entetes if apercu.colonnes.get(t)]
        self.table.setColumnCount(len(utiles) + 1)
        self.table.setHorizontalHeaderLabels(["Ligne", *utiles])
        montrees = apercu.lignes[:APERCU_MAXIMUM]
        self.table.setRowCount(len(montrees))
        premiere_erreur = None
        for rang, ligne in enumerate(montrees):
            numero = QTableWidgetItem(str(ligne.numero) + (" (ignorée)" if ligne.ignoree else ""))
            if ligne.ignoree:
                numero.setToolTip(ligne.ignoree)
            self.table.setItem(rang, 0, numero)
            for colonne, titre in enumerate(utiles, start=1):
                valeur = ligne.source.get(titre, "")
                message = ligne.erreurs.get(titre)
                item = QTableWidgetItem(f"{valeur}  ⚠ {message}" if message else valeur)
                if message:
                    item.setBackground(QBrush(ROUGE))
                    item.setToolTip(message)
                    premiere_erreur = premiere_erreur or item
                self.table.setItem(rang, colonne, item)
        self.table.resizeColumnsToContents()
        for colonne in range(self.table.columnCount()):
            self.table.setColumnWidth(colonne, min(self.table.columnWidth(colonne), 320))
        if premiere_erreur is not None:  # la première cellule fautive sous les yeux
            self.table.scrollToItem(premiere_erreur, QAbstractItemView.ScrollHint.PositionAtCenter)
            self.table.setCurrentItem(premiere_erreur)
        resume = f"{len(apercu.lignes)} ligne(s), {len(apercu.dossiers)} dossier(s)"
        if apercu.ignorees:
            resume += f", {len(apercu.ignorees)} ligne(s) ignorée(s) (non transmises)"
        resume += f" ; {len(apercu.erreurs)} erreur(s)." if apercu.erreurs else " ; aucune erreur."
        if len(apercu.lignes) > APERCU_MAXIMUM:
            resume += f" (Les {APERCU_MAXIMUM} premières lignes sont montrées ; toutes sont validées.)"
        self.resume.setText(resume)
        self.erreurs.setPlainText("\n".join(str(e) for e in apercu.erreurs))
        self._pret = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        apercu = self.assistant.apercu
        return self._pret and apercu is not None and apercu.importable


# --- 4. La simulation ----------------------------------------------------------------------------------------


class PageSimulation(QWizardPage):
    def __init__(self, assistant: AssistantImport) -> None:
        super().__init__()
        self.assistant = assistant
        self.setTitle("4. Simulation")
        self.setSubTitle("Ce que l'import fera. Une valeur modifiée dans l'application depuis le dernier import et "
                         "changée aussi dans l'export est un conflit : la valeur de l'application est gardée.")
        self.resume = QPlainTextEdit()
        self.resume.setReadOnly(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Code", "Exercice", "Dossier", "Effet", "Détail"])
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.porteurs = QFormLayout()
        cadre = QWidget()
        cadre.setLayout(self.porteurs)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.resume)
        disposition.addWidget(QLabel("Porteurs à confirmer (jamais fusionnés sans votre accord) :"))
        disposition.addWidget(cadre)
        disposition.addWidget(self.table, 1)
        self._combos: dict[str, QComboBox] = {}

    def initializePage(self) -> None:
        self._remplir(self.assistant.apercu)

    def _remplir(self, apercu) -> None:
        plan = apercu.plan
        self.resume.setPlainText(plan.resume())
        while self.porteurs.rowCount():
            self.porteurs.removeRow(0)
        self._combos = {}
        for proposition in plan.propositions:
            combo = QComboBox()
            combo.addItem("— à choisir —", None)
            for identifiant, nom, score in proposition.candidats:
                combo.addItem(f"Le même que « {nom} » ({round(score * 100)} %)", identifiant)
            combo.addItem("Un nouveau porteur", 0)
            combo.setAccessibleName(f"Porteur {proposition.nom}")
            combo.currentIndexChanged.connect(lambda _i, cle=proposition.cle, c=combo: self._choisir(cle, c))
            self.porteurs.addRow(f"« {proposition.nom} » ({', '.join(proposition.dossiers)}) :", combo)
            self._combos[proposition.cle] = combo
        from instruction.domaine.echanges import GENRES, montrer

        self.table.setRowCount(len(plan.mouvements))
        for rang, mouvement in enumerate(plan.mouvements):
            detail = ", ".join(sorted(mouvement.changes)) if mouvement.genre == "mise_a_jour" else ""
            if mouvement.conflits:
                detail = (detail + " ; " if detail else "") + "conflit : " + "; ".join(
                    f"{c.libelle} (application : {montrer(c.local)} ; export : {montrer(c.fichier)})"
                    for c in mouvement.conflits)
            valeurs = [mouvement.dossier.code, str(mouvement.dossier.exercice), mouvement.numero or "(nouveau)",
                       GENRES[mouvement.genre] + (" — conflit" if mouvement.conflits else ""), detail]
            for colonne, valeur in enumerate(valeurs):
                item = QTableWidgetItem(valeur)
                if mouvement.conflits:
                    item.setBackground(QBrush(ROUGE))
                self.table.setItem(rang, colonne, item)
        self.table.resizeColumnsToContents()
        self.completeChanged.emit()

    def _choisir(self, cle: str, combo: QComboBox) -> None:
        choix = combo.currentData()
        if choix is None:
            self.assistant.choix_porteurs.pop(cle, None)
        else:
            self.assistant.choix_porteurs[cle] = choix
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return all(c.currentData() is not None for c in self._combos.values())


# --- 5. L'import ---------------------------------------------------------------------------------------------


class PageImport(QWizardPage):
    def __init__(self, assistant: AssistantImport) -> None:
        super().__init__()
        self.assistant = assistant
        self.setTitle("5. Import")
        self.setSubTitle("Tout ou rien : une erreur ou une annulation ne laisse aucun dossier à moitié importé.")
        self.importer_bouton = QPushButton("&Importer")
        self.importer_bouton.clicked.connect(self.importer)
        self.annuler_bouton = QPushButton("&Annuler l'import")
        self.annuler_bouton.clicked.connect(self.annuler)
        self.annuler_bouton.setEnabled(False)
        self.barre = QProgressBar()
        self.barre.setFormat("%v / %m dossiers")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        ligne = QHBoxLayout()
        ligne.addWidget(self.importer_bouton)
        ligne.addWidget(self.annuler_bouton)
        ligne.addStretch(1)
        disposition = QVBoxLayout(self)
        disposition.addLayout(ligne)
        disposition.addWidget(self.barre)
        disposition.addWidget(self.message)
        disposition.addStretch(1)
        self.en_cours = False
        self.bilan = None
        self._annulation = threading.Event()
        self._avancement = _Avancement(self)
        self._avancement.pas.connect(self._pas)

    def initializePage(self) -> None:
        self.bilan = None
        self.barre.setRange(0, max(1, len(self.assistant.apercu.plan.mouvements)))
        self.barre.setValue(0)
        self.message.setText(self.assistant.apercu.plan.resume().splitlines()[0])
        self.importer_bouton.setEnabled(True)
        self.importer_bouton.setFocus()

    def importer(self) -> None:
        self.en_cours = True
        self._annulation.clear()
        self.importer_bouton.setEnabled(False)
        self.annuler_bouton.setEnabled(True)
        self.message.setText("Import en cours…")
        ouvert = self.assistant.ouvert
        Operation(actions.importer, self.assistant.contexte, ouvert.tableau, self.assistant.colonnes(),
                  **self.assistant.options(), choix_porteurs=dict(self.assistant.choix_porteurs),
                  avancement=self._avancement.pas.emit, annule=self._annulation.is_set,
                  parent=self).apres(self._fini).refus(self._refus).lancer()

    def annuler(self) -> None:
        self._annulation.set()
        self.message.setText("Annulation…")

    def _pas(self, fait: int, total: int) -> None:
        self.barre.setMaximum(max(1, total))
        self.barre.setValue(fait)

    def _refus(self, message: str) -> None:
        self.en_cours = False
        self.annuler_bouton.setEnabled(False)
        self.importer_bouton.setEnabled(True)
        self.barre.setValue(0)
        self.message.setText(f"<b>Rien n'a été importé.</b> {message}")

    def _fini(self, bilan) -> None:
        self.en_cours = False
        self.bilan = bilan
        self.annuler_bouton.setEnabled(False)
        self.barre.setValue(self.barre.maximum())
        self.message.setText(f"Import terminé : {bilan.crees} dossier(s) créé(s), {bilan.mis_a_jour} mis à jour, "
                             f"{bilan.inchanges} inchangé(s), {bilan.conflits} conflit(s) (valeurs de l'application "
                             f"gardées), {bilan.porteurs_crees} porteur(s) créé(s).")
        self.completeChanged.emit()
        self.assistant.button(QWizard.WizardButton.FinishButton).setFocus()

    def isComplete(self) -> bool:
        return self.bilan is not None
