"""La feuille « 2 Données chiffrées » du compte rendu financier (CERFA 15059) : le tableau des lignes du budget.

La prévision (budget du dossier), la réalisation tapée — ou collée d'un tableur (Ctrl+V, à partir de la ligne
courante : la dernière colonne de chaque ligne copiée) —, l'écart en euros et en % recalculé à chaque frappe ;
une explication exigée au-delà des seuils est signalée en rouge ; les totaux des charges et des produits en
dessous. L'éditeur (``editeur_compte_rendu.py``) lit la saisie par ``lignes_saisies``.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, bilans
from instruction.domaine.budget import CHARGE, PRODUIT
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services.comptes_rendus import CompteRenduLu

ROUGE = "#b00020"
# Au clavier : une frappe ou F2 ouvre la cellule, Entrée la valide (pas d'ouverture au simple déplacement).
SAISIE = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
          | QAbstractItemView.EditTrigger.AnyKeyPressed)
FOND_A_EXPLIQUER = "#fde7ea"
C_COMPTE, C_LIBELLE, C_PREVU, C_REALISE, C_ECART, C_POURCENT, C_EXPLICATION = range(7)


def montant_saisi(montant: Decimal | None) -> str:
    """Un montant comme on le tape : « 1 200,50 » (sans le symbole €)."""
    if montant is None:
        return ""
    return argent.formater(montant).replace("€", "").strip("\u00a0\u202f ")


class TableChiffres(QTableWidget):
    """Le tableau des données chiffrées : Ctrl+V y colle des réalisations copiées d'un tableur."""

    collage = Signal()

    def keyPressEvent(self, evenement) -> None:  # noqa: N802 (Qt)
        if evenement.matches(QKeySequence.StandardKey.Paste) and self.state() != QAbstractItemView.State.EditingState:
            self.collage.emit()
            evenement.accept()
            return
        super().keyPressEvent(evenement)


class FeuilleChiffres(QWidget):
    """La feuille 2 : ``modifiee`` quand une réalisation ou une explication change (tapée ou collée),
    ``message`` pour ce que dit un collage (fait ou refusé)."""

    modifiee = Signal()
    message = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.lu: CompteRenduLu | None = None
        self._chargement = False
        self.table = TableChiffres(0, 7)
        self.table.setHorizontalHeaderLabels(["Compte", "Ligne", "Prévision", "Réalisation", "Écart (€)", "Écart (%)",
                                              "Explication de l'écart"])
        self.table.setAccessibleName("Tableau des données chiffrées")
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(SAISIE)
        entete = self.table.horizontalHeader()
        for c in range(7):
            entete.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        entete.setSectionResizeMode(C_LIBELLE, QHeaderView.ResizeMode.Stretch)
        entete.setSectionResizeMode(C_EXPLICATION, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._cellule_changee)
        self.table.collage.connect(self.coller)
        self.totaux = QLabel()
        self.totaux.setWordWrap(True)
        aide = QLabel("Tapez la réalisation de chaque ligne (Tab passe à l'explication, Entrée à la ligne suivante) ; "
                      "Ctrl+V colle une colonne copiée d'un tableur à partir de la ligne courante.")
        aide.setWordWrap(True)
        aide.setStyleSheet("color: #5f6b78")
        disposition = QVBoxLayout(self)
        disposition.addWidget(aide)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(self.totaux)

    def remplir(self, lu: CompteRenduLu, modifiable: bool) -> None:
        """Les lignes du compte rendu lu (sans émettre ``modifiee``), écarts et totaux recalculés."""
        self.lu = lu
        self._chargement = True
        self.table.setRowCount(len(lu.lignes))
        for rang, l in enumerate(lu.lignes):
            libelle = l.libelle if not l.financeur else f"Subvention — {lu.financeurs.get(l.financeur, l.financeur)}"
            valeurs = (l.compte, libelle, argent.formater(l.prevu),
                       montant_saisi(l.realise),
                       "", "", l.explication)
            for colonne, valeur in enumerate(valeurs):
                cellule = QTableWidgetItem(valeur)
                if colonne not in (C_REALISE, C_EXPLICATION):
                    cellule.setFlags(cellule.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if colonne in (C_PREVU, C_REALISE, C_ECART, C_POURCENT):
                    cellule.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(rang, colonne, cellule)
        self.table.setEditTriggers(SAISIE if modifiable
                                   else QAbstractItemView.EditTrigger.NoEditTriggers)
        self._chargement = False
        self.recalculer()

    # --- Calculs à chaque frappe -----------------------------------------------------------------------

    def _cellule_changee(self, cellule: QTableWidgetItem) -> None:
        if self._chargement or cellule.column() not in (C_REALISE, C_EXPLICATION):
            return
        self.recalculer()
        self.modifiee.emit()

    def _realisation(self, rang: int) -> Decimal | None:
        texte = (self.table.item(rang, C_REALISE).text() if self.table.item(rang, C_REALISE) else "").strip()
        return argent.lire(texte) if texte else None

    def lignes_saisies(self, strict: bool = False) -> list[bilans.LigneCompteRendu]:
        """Les lignes avec les réalisations tapées ; une saisie illisible compte pour vide (``strict`` : refus)."""
        assert self.lu is not None
        resultat = []
        for rang, l in enumerate(self.lu.lignes):
            try:
                realise = self._realisation(rang)
            except DonneesInvalides as erreur:
                if strict:
                    raise DonneesInvalides(f"Ligne « {l.compte} {l.libelle} » : {erreur}") from None
                realise = None
            explication = self.table.item(rang, C_EXPLICATION).text() if self.table.item(rang, C_EXPLICATION) else ""
            resultat.append(bilans.LigneCompteRendu(l.sens, l.compte, l.libelle, l.prevu, realise, explication,
                                                    l.financeur))
        return resultat

    def recalculer(self) -> None:
        """Écarts, explications exigées, montants illisibles et totaux, d'après la saisie à l'écran."""
        if self.lu is None:
            return
        self._chargement = True
        for rang, l in enumerate(self.lignes_saisies()):
            e = l.ecart
            illisible = False
            try:
                self._realisation(rang)
            except DonneesInvalides:
                illisible = True
            self.table.item(rang, C_ECART).setText(argent.formater(e.montant) if e else "")
            self.table.item(rang, C_POURCENT).setText(e.libelle_pourcentage() if e else "")
            exigee = bilans.explication_exigee(e, self.lu.regles)
            manque = exigee and not l.explication.strip()
            explication = self.table.item(rang, C_EXPLICATION)
            explication.setBackground(QBrush(QColor(FOND_A_EXPLIQUER)) if manque else QBrush())
            explication.setToolTip("Écart au-delà des seuils : une explication est exigée." if exigee else "")
            for colonne in (C_ECART, C_POURCENT):
                self.table.item(rang, colonne).setForeground(QBrush(QColor(ROUGE if exigee else "#000000")))
            self.table.item(rang, C_REALISE).setForeground(QBrush(QColor(ROUGE if illisible else "#000000")))
            self.table.item(rang, C_REALISE).setToolTip("Montant illisible : écrivez par exemple 1 234,56."
                                                        if illisible else "")
        self._chargement = False
        lignes = self.lignes_saisies()
        textes = []
        for sens, nom in ((CHARGE, "charges"), (PRODUIT, "produits")):
            t = bilans.totaux(lignes, sens)
            textes.append(f"<b>Total des {nom}</b> : prévu {argent.formater(t.prevu)}, réalisé "
                          f"{argent.formater(t.realise)}{'' if t.complet else ' (incomplet)'}, écart "
                          f"{argent.formater(t.ecart.montant)} ({t.ecart.libelle_pourcentage()})")
        self.totaux.setText("<br/>".join(textes))

    def coller(self) -> None:
        """Colle des réalisations copiées d'un tableur à partir de la ligne courante (rien n'est appliqué si une
        cellule est illisible ou si le collage dépasse le tableau)."""
        if self.lu is None or self.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            return
        depuis = max(0, self.table.currentRow())
        try:
            montants = bilans.montants_colles(QGuiApplication.clipboard().text())
            lignes = bilans.avec_realisations(self.lignes_saisies(strict=True), depuis, montants)
        except DonneesInvalides as erreur:
            self.message.emit(f"<span style='color:{ROUGE}'>Collage refusé : {erreur}</span>")
            return
        self._chargement = True
        for rang, l in enumerate(lignes):
            if l.realise is not None:
                self.table.item(rang, C_REALISE).setText(montant_saisi(l.realise))
        self._chargement = False
        self.message.emit(f"{sum(1 for m in montants if m is not None)} réalisation(s) collée(s).")
        self.recalculer()
        self.modifiee.emit()
