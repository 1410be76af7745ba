"""Les pièces jointes d'un dossier, vues depuis son onglet : joindre (plusieurs à la fois, ou glissées),
ouvrir une copie de travail, enregistrer sous, retirer.

Une classe à mélanger à ``OngletDossier`` (qui fournit ``contexte``, ``fiche``, ``message``, ``pieces``…) ;
les fichiers sont lus et écrits par les actions (``services.actions.dossier``) et par
``fichiers_temporaires`` (copie dans un dossier privé), jamais ici.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from instruction.services.actions import dossier as actions
from instruction.services.dossier import FicheDossier
from instruction.ui import fichiers
from instruction.ui.operation import Operation


class PiecesDuDossier:
    # --- Pièces jointes ------------------------------------------------------------------------------

    def joindre_piece(self) -> None:
        """Un ou plusieurs fichiers choisis dans la boîte (sélection multiple)."""
        chemins = fichiers.ouvrir_plusieurs(self, "Joindre des pièces", "Tous les fichiers (*)")
        if chemins:
            self.joindre_fichiers(chemins)

    def joindre_fichiers(self, chemins: list[Path]) -> None:
        """Le type (deviné du nom) et la date de chaque fichier, puis tous joints en une transaction."""
        from instruction.ui.dossier.dialogue_pieces import DialoguePieces

        if self.fiche.id is None or not chemins:
            return
        self.dialogue_pieces = dialogue = DialoguePieces(chemins, actions.types_devines([c.name for c in chemins]),
                                                         self)

        def joindre(choix: list) -> None:
            self.message.setText("Lecture des pièces…")

            def jointes(fiche: FicheDossier) -> None:
                dialogue.accept()
                self._pieces_changees(fiche)
                self.message.setText(f"<span style='color:#1b6e20'>{len(choix)} pièce(s) jointe(s).</span>")

            def refusees(texte: str) -> None:
                self.message.setText("")
                dialogue.refuse(texte)

            Operation(actions.joindre_pieces, self.contexte, self.fiche.id, choix, parent=self) \
                .apres(jointes).refus(refusees).lancer()

        dialogue.jonction_demandee.connect(joindre)
        dialogue.open()

    def _pieces_changees(self, fiche: FicheDossier) -> None:
        self.fiche.pieces, self.fiche.manques, self.fiche.complet_le = fiche.pieces, fiche.manques, fiche.complet_le
        self._afficher_fiche()
        self.message.setText("")

    def ouvrir_piece(self, piece_id: int) -> None:
        """La copie s'écrit hors du fil de l'interface, dans le dossier privé des copies de travail."""

        def ouvrir(fichier: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(fichier))):
                QMessageBox.information(self, "Ouvrir la pièce",
                                        f"Aucun logiciel n'a pu ouvrir la pièce. Elle est enregistrée ici :\n{fichier}")

        Operation(actions.copie_de_travail_piece, self.contexte, piece_id, parent=self).apres(ouvrir).lancer()

    def enregistrer_piece_sous(self, piece_id: int) -> None:
        piece = next((p for p in self.fiche.pieces if p.id == piece_id), None)
        if piece is None:
            return
        from instruction.fichiers_temporaires import nom_sur

        chemin = fichiers.enregistrer_sous(self, "Enregistrer la pièce sous", nom_sur(piece.nom_fichier))
        if chemin:
            Operation(actions.enregistrer_piece_sous, self.contexte, piece_id, Path(chemin), parent=self).apres(
                lambda fichier: self.message.setText(f"Pièce enregistrée dans {fichier}.")).lancer()

    def retirer_piece(self, piece_id: int) -> None:
        piece = next((p for p in self.fiche.pieces if p.id == piece_id), None)
        if piece is None:
            return
        reponse = QMessageBox.question(self, "Retirer la pièce", f"Retirer « {piece.nom_fichier} » du dossier ?")
        if reponse != QMessageBox.StandardButton.Yes:
            return
        Operation(actions.retirer_piece, self.contexte, self.fiche.id, piece_id, parent=self) \
            .apres(self._pieces_changees).lancer()
