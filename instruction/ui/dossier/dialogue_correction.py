"""La raison d'une correction de faute de frappe sur un dossier figé (bandeau du gel, ``onglet.py``)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from instruction.ui.champs import TexteLong, etiquette_erreur
from instruction.ui.dossier.dialogues_passage import boutons_ok_annuler


class DialogueCorrection(QDialog):
    """La raison d'une correction de faute de frappe sur un dossier figé (gardée dans l'historique)."""

    def __init__(self, numero: str, raison_gel: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Corriger une faute de frappe — {numero}")
        self.setMinimumWidth(520)
        disposition = QVBoxLayout(self)
        texte = QLabel(f"Le dossier est figé : {raison_gel}. Vous pouvez corriger une faute de frappe dans les "
                       "textes (intitulé, résumé, description, objectifs, moyens, évaluation, lieux, date de dépôt), "
                       "sans changer aucun chiffre décidé. La raison est gardée dans l'historique.")
        texte.setWordWrap(True)
        disposition.addWidget(texte)
        self.raison = TexteLong(60)
        self.raison.setPlaceholderText("Exemple : nom du quartier mal orthographié dans l'intitulé")
        etiquette = QLabel("&Raison de la correction :")
        etiquette.setBuddy(self.raison)
        self.raison.setAccessibleName("Raison de la correction")
        disposition.addWidget(etiquette)
        disposition.addWidget(self.raison)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons_ok_annuler(self, "Corriger", self._valider))
        self.raison.setFocus()

    @property
    def texte_raison(self) -> str:
        return self.raison.toPlainText().strip()

    def _valider(self) -> None:
        if not self.texte_raison:
            self.erreur.setText("Indiquez la raison de la correction : elle est gardée dans l'historique.")
            self.raison.setFocus()
            return
        self.accept()
