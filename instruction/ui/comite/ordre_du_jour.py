"""L'ordre du jour d'une séance du comité (``page_seance``) : un dossier par ligne (demandé, proposé, décision
saisie, décidé ; le détail par cofinanceur en bulle), puis les totaux par cofinanceur (demandé, proposé, décidé).

Aussi les couleurs et les cellules que partagent la page de la séance et ses boîtes."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, etats
from instruction.domaine import comite as regles

ROUGE, VERT, ORANGE, GRIS = "#b00020", "#1b6e20", "#8a5300", "#666666"
COULEURS = {regles.RETENU: VERT, regles.AJOURNE: ORANGE, regles.REFUSE: ROUGE}
SENS = {"favorable": "favorable", "reserve": "réservé", "defavorable": "défavorable"}


def montant(valeur) -> str:
    return argent.formater(valeur) if valeur is not None else ""


def cellule(texte: str, *, droite: bool = False, couleur: str | None = None, bulle: str = "") -> QTableWidgetItem:
    element = QTableWidgetItem(texte)
    if droite:
        element.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if couleur:
        element.setForeground(QBrush(QColor(couleur)))
    if bulle:
        element.setToolTip(bulle)
    return element


class OrdreDuJour(QWidget):
    """Le tableau de l'ordre du jour (``table``, une ligne choisie à la fois), la phrase des totaux (``totaux``) et
    les totaux par cofinanceur (``par_financeur``)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(["Dossier", "Porteur et action", "Égalité", "Demandé", "Proposé",
                                              "Décision", "Décidé"])
        self.table.setAccessibleName("Ordre du jour")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        entete = self.table.horizontalHeader()
        for colonne in range(7):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.Stretch if colonne == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.totaux = QLabel()
        self.par_financeur = QTableWidget(3, 0)
        self.par_financeur.setAccessibleName("Totaux par cofinanceur")
        self.par_financeur.setVerticalHeaderLabels(["Demandé", "Proposé", "Décidé"])
        self.par_financeur.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.par_financeur.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.par_financeur.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.par_financeur.setMaximumHeight(4 * self.par_financeur.fontMetrics().height() + 34)

        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(0, 0, 0, 0)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(self.totaux)
        disposition.addWidget(self.par_financeur)

    def remplir(self, seance) -> None:
        """Les lignes et les totaux de ``seance``, sans signaler de changement de sélection."""
        self.table.blockSignals(True)
        self.table.setRowCount(len(seance.lignes))
        for rang, ligne in enumerate(seance.lignes):
            proposes = sum(ligne.proposes.values(), Decimal("0.00"))
            sens = SENS.get(ligne.sens_propose or "", "")
            valeurs = [
                cellule(ligne.numero, bulle=etats.libelle(ligne.etat)),
                cellule(f"{ligne.porteur} — {ligne.intitule}", bulle=f"{ligne.porteur}\n{ligne.intitule}"),
                cellule("—" if ligne.cotation_egalite is None else str(ligne.cotation_egalite), droite=True),
                cellule(montant(ligne.total_demande), droite=True, bulle=_detail(seance, ligne.demandes)),
                cellule(montant(proposes) + (f" ({sens})" if sens else ""), droite=True,
                        bulle=_detail(seance, ligne.proposes)),
                cellule(ligne.libelle_decision, couleur=COULEURS.get(ligne.decision or "", GRIS),
                        bulle=ligne.motif or ""),
                cellule(montant(ligne.total_decide) if ligne.decision == regles.RETENU else "", droite=True,
                        bulle=_detail(seance, ligne.montants)),
            ]
            for colonne, element in enumerate(valeurs):
                self.table.setItem(rang, colonne, element)
        self.table.blockSignals(False)
        decides = sum(1 for ligne in seance.lignes if ligne.decision)
        self.totaux.setText(f"{len(seance.lignes)} dossier(s) à l'ordre du jour, {decides} décision(s) saisie(s) ; "
                            "par cofinanceur :")
        codes = seance.financeurs_utilises()
        self.par_financeur.setColumnCount(len(codes))
        self.par_financeur.setHorizontalHeaderLabels([seance.financeurs[c] for c in codes])
        for colonne, code in enumerate(codes):
            for rang, valeur in enumerate(seance.totaux(code)):
                self.par_financeur.setItem(rang, colonne, cellule(montant(valeur), droite=True))

    def ligne_choisie(self, seance):
        """La ligne de ``seance`` choisie dans le tableau, ou ``None``."""
        rangs = self.table.selectionModel().selectedRows()
        if not rangs or seance is None:
            return None
        return seance.lignes[rangs[0].row()]


def _detail(seance, montants: dict) -> str:
    if not seance:
        return ""
    return "\n".join(f"{seance.libelles_financeurs.get(c, c)} : {montant(v)}" for c, v in montants.items())
