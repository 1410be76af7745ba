"""Instruction › Nom de la base… : le nom que voient les utilisateurs (administrateur seulement).

Vide, la base reprend le nom de son fichier (SQLite) ou « base partagée <nom> sur <serveur> »
(PostgreSQL), montré en grisé dans le champ. Un refus s'affiche dans la boîte, qui reste ouverte avec
ce qui a été tapé.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from instruction.ui.champs import etiquette_erreur


class DialogueNomBase(QDialog):
    def __init__(self, nom, enregistrer, parent=None) -> None:
        """``nom`` : un ``actions.nom_base.NomBase`` ; ``enregistrer(texte, fini, refus)`` écrit le nom (hors du fil
        de l'interface)."""
        super().__init__(parent)
        self.setWindowTitle("Nom de la base")
        self.setMinimumWidth(560)
        self._enregistrer = enregistrer
        disposition = QVBoxLayout(self)
        intro = QLabel("Le nom que tous les utilisateurs voient dans le titre de la fenêtre et la barre d'état. "
                       f"Laissé vide, c'est « {nom.par_defaut} ».")
        intro.setWordWrap(True)
        disposition.addWidget(intro)
        formes = QFormLayout()
        self.champ = QLineEdit(nom.choisi or "")
        self.champ.setPlaceholderText(nom.par_defaut)
        self.champ.setMaxLength(200)  # le service refuse au-delà de 80, avec un message qui le dit
        self.champ.setAccessibleName("Nom de la base")
        formes.addRow("&Nom :", self.champ)
        adresse = QLabel(nom.adresse)
        adresse.setWordWrap(True)
        adresse.setAccessibleName("Adresse technique de la base")
        formes.addRow("Adresse :", adresse)
        disposition.addLayout(formes)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.accepted.connect(self._valider)
        self.boutons.rejected.connect(self.reject)
        disposition.addWidget(self.boutons)

    def _valider(self) -> None:
        self.erreur.clear()
        self.boutons.setEnabled(False)

        def refus(message: str) -> None:
            self.boutons.setEnabled(True)
            self.erreur.setText(message)

        self._enregistrer(self.champ.text(), self.accept, refus)
