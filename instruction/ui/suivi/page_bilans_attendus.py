"""Les bilans attendus (menu Suivi) : calculés d'après les conventions, filtrés par statut, cofinanceur et exercice.

Entrée (ou double clic) ouvre le compte rendu du bilan choisi — s'il n'est pas encore enregistré, une petite boîte
demande sa date de réception. « Relancer… » écrit les lettres de relance des bilans choisis (ou de tous les
retards affichés), avec progression et annulation. « Seuils… » règle les seuils déclarés dans
``resources/bilans.yaml`` (très en retard, écarts à expliquer, reversement).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import bilans, dates, nombres
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import BILANS, CONVENTIONS, REGLAGES, TOUT
from instruction.services.actions import bilans as actions
from instruction.ui.champs import champ_date, champ_nombre, etiquette_erreur
from instruction.ui.operation import Operation
from instruction.ui.suivi.page_calendrier import ouvrir_dossier
from instruction.ui.tableaux import remplir_table, table_lecture

COULEURS = {bilans.ATTENDU: "#1f3a5f", bilans.EN_RETARD: "#8a5300", bilans.TRES_EN_RETARD: "#b00020",
            bilans.RECU: "#1f3a5f", bilans.A_COMPLETER: "#8a5300", bilans.VALIDE: "#1b6e20"}
FILTRES_STATUT = (
    ("Non reçus (attendus et en retard)", frozenset({bilans.ATTENDU, bilans.EN_RETARD, bilans.TRES_EN_RETARD})),
    ("En retard (dont très en retard)", frozenset(bilans.RETARDS)),
    ("Très en retard", frozenset({bilans.TRES_EN_RETARD})),
    ("Attendus (échéance à venir)", frozenset({bilans.ATTENDU})),
    ("Reçus, à valider", frozenset({bilans.RECU, bilans.A_COMPLETER})),
    ("Validés", frozenset({bilans.VALIDE})),
    ("Tous", frozenset()),
)
COLONNES = ["Échéance", "Dossier", "Action", "Porteur", "Cofinanceurs", "Bilan", "Exercice", "Statut", "Retard",
            "Reçu le", "Relances"]


def boutons_ok_annuler(dialogue: QDialog, ok: str, accepter, annuler: str = "Annuler") -> QDialogButtonBox:
    """Les boutons d'une boîte des bilans, en français : ``ok`` appelle ``accepter``, ``annuler`` ferme."""
    boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    boutons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    boutons.button(QDialogButtonBox.StandardButton.Cancel).setText(annuler)
    boutons.accepted.connect(accepter)
    boutons.rejected.connect(dialogue.reject)
    return boutons


def ouvrir_compte_rendu(widget: QWidget, compte_rendu_id: int) -> None:
    espace = getattr(widget.window(), "espace", None)
    if espace is not None:
        espace.ouvrir_page("instruction.ui.suivi.editeur_compte_rendu", "EditeurCompteRendu",
                           "Compte rendu financier (CERFA 15059)", compte_rendu_id=compte_rendu_id)


class DialogueReception(QDialog):
    """La date de réception d'un compte rendu (aujourd'hui par défaut)."""

    def __init__(self, bilan, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compte rendu reçu")
        self.date = champ_date()
        self.date.setText(dates.formater(aujourd_hui()))
        self.date.setAccessibleName("Reçu le")
        self.erreur = etiquette_erreur()
        formes = QFormLayout()
        formes.addRow(QLabel(f"{bilan.libelle_nature} {bilan.exercice} — {bilan.numero}, {bilan.porteur}\n"
                             f"Échéance : {dates.formater(bilan.due_le)}"))
        formes.addRow("&Reçu le :", self.date)
        boutons = boutons_ok_annuler(self, "Ouvrir le compte rendu", self._valider)
        disposition = QVBoxLayout(self)
        disposition.addLayout(formes)
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons)
        self.jour: dt.date | None = None

    def _valider(self) -> None:
        try:
            self.jour = dates.lire(self.date.text())
        except Exception as erreur:  # DonneesInvalides : message en français
            self.erreur.setText(str(erreur))
            return
        self.accept()


class DialogueSeuils(QDialog):
    """Les seuils réglables des bilans (``resources/bilans.yaml``) ; une valeur refusée garde la boîte ouverte."""

    def __init__(self, seuils, contexte, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Seuils des bilans")
        self.setMinimumWidth(640)
        self.contexte = contexte
        self.champs: dict[str, QLineEdit] = {}
        formes = QFormLayout()
        for s in seuils:
            champ = champ_nombre(100)
            champ.setText(nombres.formater(s.valeur))
            champ.setAccessibleName(s.libelle)
            champ.setToolTip(f"Valeur par défaut : {nombres.formater(s.defaut)}")
            formes.addRow(f"{s.libelle} :", champ)
            self.champs[s.cle] = champ
        self.erreur = etiquette_erreur()
        boutons = boutons_ok_annuler(self, "Enregistrer", self._enregistrer)
        self.boutons = boutons
        disposition = QVBoxLayout(self)
        intro = QLabel("Ils valent pour la liste, les comptes rendus à valider et les reversements proposés ; "
                       "l'échéance légale (six mois après la fin de l'exercice) ne se règle pas.")
        intro.setWordWrap(True)
        disposition.addWidget(intro)
        disposition.addLayout(formes)
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons)

    def _enregistrer(self) -> None:
        self.boutons.setEnabled(False)

        def refus(message: str) -> None:
            self.boutons.setEnabled(True)
            self.erreur.setText(message)

        valeurs = {cle: champ.text() for cle, champ in self.champs.items()}
        Operation(actions.regler_seuils, self.contexte, valeurs, parent=self).apres(lambda _s: self.accept()) \
            .refus(refus).lancer()


class PageBilansAttendus(QWidget):
    titre_change = Signal()
    titre_onglet = "Bilans attendus"
    modifie = False

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.tous: list = []
        self.visibles: list = []
        self.statut = QComboBox()
        for libelle, _statuts in FILTRES_STATUT:
            self.statut.addItem(libelle)
        self.statut.setAccessibleName("Statut des bilans")
        self.financeur = QComboBox()
        self.financeur.setAccessibleName("Cofinanceur")
        self.exercice = QComboBox()
        self.exercice.setAccessibleName("Exercice")
        for combo in (self.statut, self.financeur, self.exercice):
            combo.currentIndexChanged.connect(lambda _i: self._filtrer())
        self.ouvrir = QPushButton("&Ouvrir le compte rendu…")
        self.ouvrir.clicked.connect(self.ouvrir_choisi)
        self.dossier = QPushButton("Ouvrir le &dossier")
        self.dossier.clicked.connect(lambda: ouvrir_dossier(self, getattr(self._choisi(), "dossier_id", None)))
        self.relancer = QPushButton("&Relancer…")
        self.relancer.setToolTip("Lettres de relance des bilans choisis, ou de tous les bilans non reçus affichés")
        self.relancer.clicked.connect(self._relancer)
        self.seuils = QPushButton("&Seuils…")
        self.seuils.clicked.connect(self._seuils)
        filtres = QHBoxLayout()
        for texte, combo in (("S&tatut :", self.statut), ("&Cofinanceur :", self.financeur),
                             ("E&xercice :", self.exercice)):
            etiquette = QLabel(texte)
            etiquette.setBuddy(combo)
            filtres.addWidget(etiquette)
            filtres.addWidget(combo)
        filtres.addStretch(1)
        for bouton in (self.ouvrir, self.dossier, self.relancer, self.seuils):
            filtres.addWidget(bouton)
        self.resume = QLabel()
        self.resume.setWordWrap(True)
        self.table = table_lecture(COLONNES, "Bilans attendus", etirees=(2, 3))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.doubleClicked.connect(lambda _i: self.ouvrir_choisi())
        for touche in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Entrée sur la liste seulement
            QShortcut(QKeySequence(touche), self.table, activated=self.ouvrir_choisi,
                      context=Qt.ShortcutContext.WidgetShortcut)
        self.message = QLabel()
        self.message.setWordWrap(True)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(filtres)
        disposition.addWidget(self.resume)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(self.message)
        utilisateur = getattr(contexte, "utilisateur", None)
        self.ouvrir.setEnabled(utilisateur is None or utilisateur.peut("compte_rendu.saisir"))
        self.relancer.setEnabled(utilisateur is None or utilisateur.peut("compte_rendu.saisir"))
        self.seuils.setEnabled(utilisateur is None or utilisateur.peut("reglages.modifier"))
        self.relire()

    # --- Données ---------------------------------------------------------------------------------------

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        return True

    def relire(self) -> None:
        Operation(actions.liste, self.contexte, parent=self).apres(self._afficher_tout).refus(self.message.setText) \
            .lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(BILANS, CONVENTIONS, REGLAGES, TOUT):
            self.relire()

    def _afficher_tout(self, lignes: list) -> None:
        self.tous = lignes
        for combo, valeurs in ((self.financeur, sorted({f for b in lignes for f in b.financeurs})),
                               (self.exercice, sorted({b.exercice for b in lignes}, reverse=True))):
            courant = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Tous", None)
            for v in valeurs:
                combo.addItem(str(v), v)
            index = combo.findData(courant)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self._filtrer()

    def _filtrer(self) -> None:
        statuts = FILTRES_STATUT[max(0, self.statut.currentIndex())][1]
        financeur, exercice = self.financeur.currentData(), self.exercice.currentData()
        self.visibles = [b for b in self.tous if (not statuts or b.statut in statuts)
                         and (financeur is None or financeur in b.financeurs)
                         and (exercice is None or b.exercice == exercice)]
        lignes, couleurs = [], {}
        for rang, b in enumerate(self.visibles):
            retard = f"{b.jours_retard} j" if b.jours_retard else ""
            lignes.append([dates.formater(b.due_le), b.numero, b.intitule, b.porteur, ", ".join(b.financeurs),
                           b.libelle_nature, str(b.exercice), b.libelle_statut, retard, dates.formater(b.recu_le),
                           f"{b.relances} (le {dates.formater(b.derniere_relance)})" if b.relances else ""])
            couleurs[(rang, 7)] = COULEURS.get(b.statut, "")
            if b.jours_retard:
                couleurs[(rang, 8)] = COULEURS[bilans.TRES_EN_RETARD if b.statut == bilans.TRES_EN_RETARD
                                               else bilans.EN_RETARD]
        remplir_table(self.table, lignes, couleurs)
        for rang in range(len(lignes)):
            for colonne in (0, 6, 8, 9):
                self.table.item(rang, colonne).setTextAlignment(Qt.AlignmentFlag.AlignRight
                                                                | Qt.AlignmentFlag.AlignVCenter)
        compte = {s: sum(1 for b in self.visibles if b.statut == s) for s in bilans.STATUTS}
        self.resume.setText(
            f"<b>{len(self.visibles)}</b> bilan(s) affiché(s) sur {len(self.tous)} : {compte[bilans.ATTENDU]} "
            f"attendu(s), <span style='color:#8a5300'>{compte[bilans.EN_RETARD]} en retard</span>, "
            f"<span style='color:#b00020'>{compte[bilans.TRES_EN_RETARD]} très en retard</span>, "
            f"{compte[bilans.RECU] + compte[bilans.A_COMPLETER]} reçu(s) à valider, {compte[bilans.VALIDE]} validé(s).")
        if lignes and not self.table.selectedItems():
            self.table.selectRow(0)

    def _choisis(self) -> list:
        rangs = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.visibles[r] for r in rangs if r < len(self.visibles)]

    def _choisi(self):
        choisis = self._choisis()
        return choisis[0] if choisis else None

    # --- Gestes --------------------------------------------------------------------------------------------

    def ouvrir_choisi(self) -> None:
        bilan = self._choisi()
        if bilan is None:
            return
        if bilan.compte_rendu_id is not None:
            ouvrir_compte_rendu(self, bilan.compte_rendu_id)
            return
        if not self.ouvrir.isEnabled():
            return
        boite = DialogueReception(bilan, self)
        if boite.exec() != QDialog.DialogCode.Accepted or boite.jour is None:
            return
        Operation(actions.recevoir, self.contexte, bilan.dossier_id, bilan.exercice, boite.jour, parent=self) \
            .apres(lambda lu: ouvrir_compte_rendu(self, lu.id)).refus(self.message.setText).lancer()

    def _relancer(self) -> None:
        from instruction.ui.suivi.dialogue_relances import DialogueRelances

        choisis = [b for b in self._choisis() if b.statut in actions.RELANCABLES]
        if len(choisis) <= 1:  # une ligne choisie par défaut : on relance tout ce qui est affiché et non reçu
            choisis = [b for b in self.visibles if b.statut in actions.RELANCABLES] or choisis
        if not choisis:
            self.message.setText("Aucun bilan non reçu parmi ceux affichés : rien à relancer.")
            return
        DialogueRelances(self.contexte, choisis, self).exec()

    def _seuils(self) -> None:
        Operation(actions.seuils, self.contexte, parent=self) \
            .apres(lambda seuils: DialogueSeuils(seuils, self.contexte, self).exec()).lancer()
