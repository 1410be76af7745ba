"""La boîte qui explique un enregistrement refusé (dossier ou porteur) : qui a changé quoi, et quand, pendant qu'on modifiait.

Deux issues : « Recharger et réappliquer mes modifications » (la version de l'autre, plus ce que
l'utilisateur avait changé, champ par champ, à vérifier avant d'enregistrer) ou « Garder ma saisie à
l'écran » (rien ne bouge ; la saisie reste aussi en brouillon).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from instruction.domaine import dates
from instruction.ui.tableaux import remplir_table, table_lecture


class DialogueConflit(QDialog):
    rechargement_demande = Signal()

    def __init__(self, conflit, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dossier modifié par quelqu'un d'autre")
        self.resize(860, 420)
        disposition = QVBoxLayout(self)
        message = QLabel(f"<b>{conflit.message}</b>")
        message.setWordWrap(True)
        disposition.addWidget(message)
        disposition.addWidget(QLabel("Ce qui a été enregistré entre-temps :"))
        self.table = table_lecture(["Quand", "Qui", "Champ", "Avant", "Après"], "Modifications de l'autre personne",
                                   (3, 4))
        remplir_table(self.table, [
            [dates.formater_horodatage(c.le), c.acteur, c.champ or c.action, c.ancien or "", c.nouveau or ""]
            for c in conflit.changements
        ])
        disposition.addWidget(self.table, 1)
        aide = QLabel("« Recharger et réappliquer » affiche le dossier tel qu'il a été enregistré, puis y remet les "
                      "champs que vous aviez changés ; rien n'est enregistré avant que vous ayez vérifié "
                      "(Ctrl+S). « Garder ma saisie » ne change rien à l'écran.")
        aide.setWordWrap(True)
        aide.setStyleSheet("color: #555;")
        disposition.addWidget(aide)
        boutons = QDialogButtonBox()
        self.bouton_recharger = boutons.addButton("&Recharger et réappliquer mes modifications",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.bouton_garder = boutons.addButton("&Garder ma saisie à l'écran", QDialogButtonBox.ButtonRole.RejectRole)
        self.bouton_recharger.setDefault(True)
        boutons.accepted.connect(self.accept)
        boutons.rejected.connect(self.reject)
        self.accepted.connect(self.rechargement_demande)
        disposition.addWidget(boutons)
