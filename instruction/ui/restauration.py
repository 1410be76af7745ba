"""Restaurer une sauvegarde depuis l'application (administrateurs) : la confirmation qui dit ce qui sera
remplacé, et la progression.

La sauvegarde est d'abord vérifiée comme par ``instruction restaurer`` (``listes.examiner_sauvegarde``) ;
la boîte montre ce qu'elle contient face à la base actuelle. Confirmée, la restauration fait une copie de
sécurité de la base actuelle, remplace son contenu, puis la fenêtre rouvre la base restaurée.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressDialog, QVBoxLayout

from instruction.domaine.dates import formater_horodatage



class DialogueRestauration(QDialog):
    def __init__(self, apercu, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restaurer une sauvegarde")
        self.setMinimumWidth(620)
        a = apercu
        derniere = (f"<br>Dernière modification enregistrée : {html.escape(a.derniere_modification)}"
                    if a.derniere_modification else "")
        self.texte = QLabel(
            "<p><b>Tout le contenu de la base actuelle sera remplacé par celui de la sauvegarde.</b></p>"
            f"<p>Base actuelle : <b>{html.escape(a.lieu)}</b><br>"
            f"{a.dossiers_actuels} dossier(s), {a.porteurs_actuels} porteur(s) aujourd'hui.</p>"
            f"<p>Sauvegarde : <b>{html.escape(a.fichier.name)}</b> (fichier du "
            f"{formater_horodatage(a.modifiee_le)})<br>{html.escape(str(a.fichier.parent))}<br>"
            f"{a.dossiers_sauvegarde} dossier(s), {a.porteurs_sauvegarde} porteur(s).{derniere}</p>"
            "<p>Ce qui a été saisi depuis cette sauvegarde (dossiers, pièces, avis, comptes, historique) ne sera "
            "plus dans la base. Une <b>copie de sécurité</b> de la base actuelle est faite d'abord : on pourra "
            "la restaurer à son tour. Les onglets ouverts sont fermés (les saisies en cours gardées en "
            "brouillon) et la base restaurée est rouverte ; les autres postes doivent la rouvrir aussi.</p>")
        self.texte.setWordWrap(True)
        self.texte.setTextFormat(Qt.TextFormat.RichText)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Remplacer la base par la sauvegarde")
        self.annuler = self.boutons.button(QDialogButtonBox.StandardButton.Cancel)
        self.annuler.setText("Annuler")
        self.boutons.accepted.connect(self.accept)
        self.boutons.rejected.connect(self.reject)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.texte)
        disposition.addWidget(self.boutons)

    def showEvent(self, evenement) -> None:
        super().showEvent(evenement)
        # Annuler par défaut (la boîte de boutons choisit OK à l'affichage) : Entrée ne remplace rien par mégarde.
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setDefault(False)
        self.annuler.setDefault(True)
        self.annuler.setFocus()


def progression(parent) -> QProgressDialog:
    """La progression de la restauration : les étapes dites par le service, sans bouton d'annulation
    (le remplacement est une seule transaction, qu'on ne coupe pas au milieu)."""
    boite = QProgressDialog("Restauration de la sauvegarde…", None, 0, 0, parent)
    boite.setWindowTitle("Restaurer une sauvegarde")
    boite.setWindowModality(Qt.WindowModality.WindowModal)
    boite.setMinimumDuration(0)
    boite.setMinimumWidth(480)
    return boite
