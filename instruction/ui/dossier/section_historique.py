"""Section « 0 Historique » : chaque modification du dossier (qui, quand, quoi, ancienne → nouvelle valeur).

L'historique est en ajout seul (la base refuse d'en modifier une ligne) ; il s'exporte en classeur Excel.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from instruction.domaine import dates
from instruction.services.actions import historique as actions
from instruction.ui import fichiers
from instruction.ui.dossier.section import LueALaDemande
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture


class SectionHistorique(LueALaDemande, QWidget):
    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.dossier_id: int | None = None
        self.numero = ""
        self.entrees: list = []
        self.resume = QLabel()
        self.table = table_lecture(["Date", "Par", "Action", "Champ", "Ancienne valeur", "Nouvelle valeur"],
                                   "Historique des modifications du dossier", (4, 5))
        self.bouton_actualiser = QPushButton("&Actualiser")
        self.bouton_actualiser.clicked.connect(self.recharger)
        self.bouton_exporter = QPushButton("E&xporter (Excel)…")
        self.bouton_exporter.clicked.connect(self.exporter)
        ligne = QHBoxLayout()
        ligne.addWidget(self.resume, 1)
        ligne.addWidget(self.bouton_actualiser)
        ligne.addWidget(self.bouton_exporter)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(ligne)
        disposition.addWidget(self.table, 1)

    def charger(self, dossier_id: int | None, numero: str) -> None:
        self.dossier_id, self.numero = dossier_id, numero
        self.relire()

    def showEvent(self, evenement) -> None:  # relu à chaque affichage : d'autres ont pu écrire entre-temps
        self._a_relire = True
        super().showEvent(evenement)

    def recharger(self) -> None:
        self.relire()

    def lire_maintenant(self) -> None:
        if self.dossier_id is None:
            self.afficher([])
            return
        Operation(actions.du_dossier, self.contexte, self.dossier_id, parent=self).apres(self.afficher).lancer()

    def afficher(self, entrees: list) -> None:
        self.entrees = entrees
        lignes = [[dates.formater_horodatage(e.le), e.acteur, f"{e.objet} : {e.action}", e.champ or "",
                   _court(e.ancien), _court(e.nouveau)] for e in entrees]
        remplir_table(self.table, lignes, bulles={r: f"{e.ancien or ''} → {e.nouveau or ''}"
                                                  for r, e in enumerate(entrees) if e.champ})
        self.bouton_exporter.setEnabled(bool(entrees))
        self.resume.setText(f"{len(entrees)} modification(s) enregistrée(s), la plus récente en haut. "
                            "L'historique ne s'efface pas." if entrees else
                            "Aucune modification enregistrée pour l'instant.")

    def exporter(self) -> None:
        if not self.entrees:
            return
        chemin = fichiers.enregistrer_sous(self, "Exporter l'historique", f"historique-{self.numero}.xlsx",
                                           "Classeur Excel (*.xlsx)")
        if not chemin:
            return
        from instruction.rapports.historique import exporter

        Operation(exporter, list(self.entrees), chemin, titre=f"Historique du dossier {self.numero}",
                  parent=self).apres(lambda f: self.resume.setText(f"Historique exporté dans {f}")).lancer()


def _court(valeur: str | None) -> str:
    if not valeur:
        return ""
    valeur = valeur.replace("\n", " ")
    return valeur if len(valeur) <= 160 else valeur[:160] + "…"
