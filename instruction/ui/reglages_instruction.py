"""Réglages de l'instruction : les seuils des critères d'éligibilité marqués « réglables ».

Chaque seuil a sa valeur par défaut (celle de ``resources/criteres.yaml``) ; une valeur
refusée est signalée dans la boîte, qui reste ouverte avec ce qui a été tapé.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from instruction.domaine import nombres
from instruction.services.examen import Reglage
from instruction.ui.champs import STYLE_ERREUR, champ_nombre


class DialogueReglages(QDialog):
    def __init__(self, reglages: list[Reglage], enregistrer, parent=None) -> None:
        """``enregistrer(valeurs, fini, echec)`` écrit les valeurs (hors du fil de l'interface)."""
        super().__init__(parent)
        self.setWindowTitle("Réglages de l'instruction")
        self.setMinimumWidth(780)
        self._enregistrer = enregistrer
        self.champs: dict[str, QLineEdit] = {}
        disposition = QVBoxLayout(self)
        intro = QLabel("Seuils des critères d'éligibilité examinés par l'assistant. Ils valent pour tous les "
                       "examens faits ensuite ; les examens déjà enregistrés gardent leur résultat.")
        intro.setWordWrap(True)
        disposition.addWidget(intro)
        formes = QFormLayout()
        for r in reglages:
            champ = champ_nombre(120)
            champ.setText(nombres.formater(r.valeur))
            champ.setAccessibleName(r.libelle)
            champ.setToolTip(f"Critère {r.critere} ; valeur par défaut : {nombres.formater(r.defaut)}")
            etiquette = QLabel(f"{r.libelle} :")
            etiquette.setBuddy(champ)
            formes.addRow(etiquette, champ)
            self.champs[r.cle] = champ
        disposition.addLayout(formes)
        self.erreur = QLabel()
        self.erreur.setStyleSheet(STYLE_ERREUR)
        self.erreur.setWordWrap(True)
        disposition.addWidget(self.erreur)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        defauts = boutons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defauts.setText("Valeurs par défaut")
        defauts.clicked.connect(lambda: [self.champs[r.cle].setText(nombres.formater(r.defaut)) for r in reglages])
        boutons.accepted.connect(self._valider)
        boutons.rejected.connect(self.reject)
        disposition.addWidget(boutons)
        self.boutons = boutons

    def valeurs(self) -> dict[str, str]:
        return {cle: champ.text() for cle, champ in self.champs.items()}

    def _valider(self) -> None:
        self.erreur.clear()
        self.boutons.setEnabled(False)

        def echec(message: str) -> None:
            self.boutons.setEnabled(True)
            self.erreur.setText(message)

        self._enregistrer(self.valeurs(), self.accept, echec)
