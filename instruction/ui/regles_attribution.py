"""Les règles d'attribution des dossiers (Instruction › Règles d'attribution…, administrateurs).

Une ligne par règle : dispositif, quartier, instructeur. Vide (« tous »), un critère vaut pour tout ;
dans l'ordre, la première règle qui convient désigne l'instructeur d'un nouveau dossier (et, sur
demande, des dossiers encore sans instructeur). Une règle refusée est dite dans la boîte, qui reste
ouverte avec ce qui a été choisi.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
)

from instruction.ui.champs import etiquette_erreur
from instruction.services.attribution import Regle
from instruction.ui.outils_qt import choisir


class DialogueRegles(QDialog):
    def __init__(self, lues, referentiel, enregistrer, parent=None) -> None:
        """``lues`` : ``listes.ReglesAttribution`` ; ``enregistrer(regles, fini, refus)`` les écrit."""
        super().__init__(parent)
        self.setWindowTitle("Règles d'attribution des dossiers")
        self.setMinimumSize(820, 420)
        self._enregistrer = enregistrer
        self._instructeurs = {str(i.id): i.nom for i in lues.instructeurs}
        self._dispositifs = {d.code: d.sigle or d.libelle for d in referentiel.dispositifs if d.instruit}
        quartiers = {q.code: q.nom for q in [*referentiel.qpv(), *referentiel.secteurs_vigilance()]}
        for qpv in referentiel.qpv():
            quartiers |= {s.code: f"  {s.nom}" for s in referentiel.sous_secteurs(qpv.code)}
        self._quartiers = quartiers
        intro = QLabel("Un nouveau dossier est attribué à l'instructeur de la <b>première</b> règle qui lui convient "
                       "(son dispositif ; l'un de ses quartiers). « Tous » vaut pour tout : une dernière règle "
                       "« tous, tous » prend le reste. « Attribuer selon les règles » (menu Instruction) les "
                       "applique aux dossiers ouverts encore sans instructeur.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Dispositif", "Quartier", "Instructeur"])
        self.table.setAccessibleName("Règles d'attribution")
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for colonne in range(3):
            self.table.horizontalHeader().setSectionResizeMode(colonne, QHeaderView.ResizeMode.Stretch)
        for regle in lues.regles:
            self.ajouter(regle)
        self.bouton_ajouter = QPushButton("&Ajouter une règle")
        self.bouton_ajouter.clicked.connect(lambda: self.ajouter())
        self.bouton_retirer = QPushButton("&Retirer")
        self.bouton_retirer.clicked.connect(self.retirer)
        self.bouton_monter = QPushButton("&Monter")
        self.bouton_monter.clicked.connect(lambda: self.deplacer(-1))
        self.bouton_descendre = QPushButton("&Descendre")
        self.bouton_descendre.clicked.connect(lambda: self.deplacer(1))
        gestes = QHBoxLayout()
        for bouton in (self.bouton_ajouter, self.bouton_retirer, self.bouton_monter, self.bouton_descendre):
            gestes.addWidget(bouton)
        gestes.addStretch(1)
        self.erreur = etiquette_erreur()
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.accepted.connect(self._valider)
        self.boutons.rejected.connect(self.reject)
        disposition = QVBoxLayout(self)
        disposition.addWidget(intro)
        disposition.addWidget(self.table, 1)
        disposition.addLayout(gestes)
        disposition.addWidget(self.erreur)
        disposition.addWidget(self.boutons)

    def _liste(self, options: dict[str, str], tous: str | None, valeur: str | None, nom: str) -> QComboBox:
        liste = QComboBox()
        liste.setAccessibleName(nom)
        if tous is not None:
            liste.addItem(tous, "")
        for code, libelle in options.items():
            liste.addItem(libelle, code)
        choisir(liste, valeur or "")
        return liste

    def ajouter(self, regle: Regle | None = None) -> None:
        rang = self.table.rowCount()
        self.table.insertRow(rang)
        self.table.setCellWidget(rang, 0, self._liste(self._dispositifs, "Tous les dispositifs",
                                                      regle.dispositif if regle else None, "Dispositif"))
        self.table.setCellWidget(rang, 1, self._liste(self._quartiers, "Tous les quartiers",
                                                      regle.quartier if regle else None, "Quartier"))
        self.table.setCellWidget(rang, 2, self._liste(self._instructeurs, None,
                                                      str(regle.instructeur_id) if regle else None, "Instructeur"))
        self.table.setCurrentCell(rang, 0)

    def regles(self) -> list[Regle]:
        regles = []
        for rang in range(self.table.rowCount()):
            dispositif, quartier, instructeur = (self.table.cellWidget(rang, c).currentData() for c in range(3))
            if instructeur:
                regles.append(Regle(int(instructeur), dispositif or None, quartier or None))
        return regles

    def retirer(self) -> None:
        rang = self.table.currentRow()
        if rang >= 0:
            regles = self._toutes()
            del regles[rang]
            self._remplacer(regles)

    def deplacer(self, sens: int) -> None:
        rang = self.table.currentRow()
        cible = rang + sens
        if rang < 0 or not 0 <= cible < self.table.rowCount():
            return
        regles = self._toutes()
        regles[rang], regles[cible] = regles[cible], regles[rang]
        self._remplacer(regles)
        self.table.setCurrentCell(cible, 0)

    def _toutes(self) -> list[Regle]:
        return [Regle(int(self.table.cellWidget(r, 2).currentData() or 0), self.table.cellWidget(r, 0).currentData()
                      or None, self.table.cellWidget(r, 1).currentData() or None) for r in range(self.table.rowCount())]

    def _remplacer(self, regles) -> None:
        self.table.setRowCount(0)
        for regle in regles:
            self.ajouter(regle)

    def _valider(self) -> None:
        self.erreur.clear()
        self.boutons.setEnabled(False)

        def refus(message: str) -> None:
            self.boutons.setEnabled(True)
            self.erreur.setText(message)

        self._enregistrer(self.regles(), self.accept, refus)
