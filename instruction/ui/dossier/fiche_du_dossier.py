"""La fiche d'instruction d'un dossier, depuis la section « Instruction » : l'enregistrer en PDF (puis
l'ouvrir) ou la voir avant impression. Elle s'écrit hors du fil de l'interface (``Operation``) ; la boîte
d'enregistrement est celle de toute l'application (``ui/fichiers.py``).

``FicheDuDossier`` est mêlé à ``SectionInstruction``, dont il emploie ``contexte``, ``dossier_id`` et
``numero``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from instruction.services.actions import instruction as actions
from instruction.ui import apercu_document, fichiers
from instruction.ui.operation import Operation


class FicheDuDossier:
    """Les boutons « Fiche d'instruction (PDF)… » et « Aperçu avant impression… »."""

    def imprimer_fiche(self) -> None:
        if self.dossier_id is None:
            return
        from instruction.rapports.fiche_instruction import nom_de_fichier  # à la demande : pas au démarrage

        chemin = fichiers.enregistrer_sous(self, "Enregistrer la fiche d'instruction", nom_de_fichier(self.numero),
                                           "Document PDF (*.pdf)", ".pdf")
        if chemin is not None:
            self.ecrire_fiche(chemin, ouvrir=True)

    def apercu_fiche(self) -> None:
        """La fiche écrite hors du fil de l'interface, puis son aperçu avant impression (``ui/apercu_document.py``,
        le même geste que les autres documents)."""
        if self.dossier_id is None:
            return
        from instruction.rapports.fiche_instruction import nom_de_fichier

        apercu_document.apercu_apres_ecriture(self, f"Fiche d'instruction {self.numero}", nom_de_fichier(self.numero),
                                              actions.ecrire_fiche, self.contexte, self.dossier_id)

    def ecrire_fiche(self, chemin: Path, *, ouvrir: bool = False, apres=None) -> None:
        def fini(fichier: Path) -> None:
            if ouvrir:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(fichier)))
            if apres:
                apres(fichier)

        Operation(actions.ecrire_fiche, self.contexte, self.dossier_id, chemin, parent=self).apres(fini).lancer()
