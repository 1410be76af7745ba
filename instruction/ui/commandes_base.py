"""Les commandes de la fenêtre principale qui portent sur toute la base : exporter la liste, sauvegarder,
restaurer, régler l'instruction, les règles d'attribution, les comptes, le nom de la base.

Une classe à mélanger à ``FenetrePrincipale`` (qui fournit ``contexte``, ``statusBar``, ``page_dossiers``,
``espace``…) : la fenêtre garde l'ouverture de la base, les listes et la connexion ; chaque commande ici
lance ses actions par ``Operation``, comme tout écran.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from instruction.ui import erreurs, fichiers
from instruction.ui.operation import Operation

journal = logging.getLogger(__name__)


def _listes():
    from instruction.services.actions import listes

    return listes


def _actions_nom_base():
    from instruction.services.actions import nom_base

    return nom_base


class CommandesDeLaBase:
    # --- Export et sauvegarde ------------------------------------------------------------------------

    def exporter_liste(self) -> None:
        """Exporter… : le choix des colonnes (ui/dialogue_export.py), puis le fichier, puis l'export."""
        lignes = self.page_dossiers.lignes_a_exporter()
        if not lignes or self.contexte is None:
            self.statusBar().showMessage("Aucun dossier affiché : rien à exporter.", 5000)
            return
        from instruction.ui.dialogue_export import DialogueExport

        self.dialogue_export = dialogue = DialogueExport(
            self.contexte, len(lignes), self, peut_enregistrer=self.contexte.utilisateur.peut("exports.enregistrer"))
        dialogue.accepted.connect(lambda: self._exporter_lignes(lignes, dialogue.codes(), dialogue.extension()))
        dialogue.open()

    def _exporter_lignes(self, lignes, codes: tuple[str, ...], extension: str) -> None:
        import datetime as dt

        from instruction.domaine.colonnes import FORMATS
        from instruction.services.actions import exports

        nom = f"dossiers-{dt.date.today():%Y-%m-%d}{extension}"
        chemin = fichiers.enregistrer_sous(self, "Exporter la liste des dossiers", nom,
                                           f"{FORMATS[extension].split(' (')[0]} (*{extension})", extension)
        if not chemin:
            return
        self.statusBar().showMessage(f"Export de {len(lignes)} dossiers…")
        Operation(exports.exporter, codes, lignes, chemin, parent=self).apres(
            lambda fichier: self.statusBar().showMessage(f"{len(lignes)} dossiers exportés dans {fichier}", 15000)
        ).lancer()

    def sauvegarder(self) -> None:
        if self.contexte is None:
            return
        import datetime as dt

        nom = f"instruction-{dt.date.today():%Y-%m-%d}.sqlite"
        chemin = fichiers.enregistrer_sous(self, "Sauvegarder la base", nom, "Sauvegarde Instruction (*.sqlite)")
        if not chemin:
            return
        self.statusBar().showMessage("Sauvegarde en cours…")
        Operation(_listes().sauvegarder, self.contexte, chemin, parent=self).apres(
            lambda fichier: self.statusBar().showMessage(f"Base sauvegardée dans {fichier}", 15000)).lancer()

    def regler_instruction(self) -> None:
        if self.contexte is None:
            return
        from instruction.services.actions import instruction as actions_instruction

        def enregistrer(valeurs, fini, refus) -> None:
            Operation(actions_instruction.regler, self.contexte, valeurs, parent=self).apres(lambda _r: (
                fini(), self.statusBar().showMessage("Réglages de l'instruction enregistrés.", 8000))) \
                .refus(refus).lancer()

        def montrer(reglages) -> None:
            from instruction.ui.reglages_instruction import DialogueReglages

            self.dialogue_reglages = DialogueReglages(reglages, enregistrer, self)
            self.dialogue_reglages.open()

        Operation(actions_instruction.lire_reglages, self.contexte, parent=self).apres(montrer).lancer()

    # --- Restaurer une sauvegarde, règles d'attribution (ui/restauration.py, ui/regles_attribution.py) ---

    def restaurer_sauvegarde(self) -> None:
        """Fichier › Restaurer une sauvegarde… : vérifiée d'abord, confirmée en disant ce qu'elle remplace."""
        if self.contexte is None:
            return
        from instruction.ui import fichiers
        from instruction.ui.restauration import DialogueRestauration

        chemin = fichiers.ouvrir(self, "Restaurer une sauvegarde", "Sauvegarde Instruction (*.sqlite);;"
                                 "Tous les fichiers (*)")
        if chemin is None:
            return

        def confirmer(apercu) -> None:
            self.dialogue_restauration = DialogueRestauration(apercu, self)
            self.dialogue_restauration.accepted.connect(lambda: self._restaurer(apercu.fichier))
            self.dialogue_restauration.open()

        Operation(_listes().examiner_sauvegarde, self.contexte, chemin, parent=self).apres(confirmer).lancer()

    def _restaurer(self, fichier: Path) -> None:
        from instruction.ui.restauration import progression

        if self._espace is not None:
            if not self._espace.peut_quitter():
                return
            self._espace.fermer_tous()
        self._scrutation.stop()
        self.progression_restauration = boite = progression(self)
        boite.show()

        def dire(texte: str) -> None:
            boite.setLabelText(texte)
            self.statusBar().showMessage(texte)

        def rouvrir() -> None:
            # L'ancien contexte est fermé tout de suite : rien ne relit plus l'ancienne base pendant que la
            # restaurée s'ouvre (les changements diffusés après l'opération trouvent la fenêtre sans base).
            ancien, self.contexte = self.contexte, None
            if ancien is not None:
                ancien.clore()
            self._actions_base(False)
            self._lignes_affichees = None
            self._dernier_numero = None
            self.ouvrir_base()

        def finie(restauration) -> None:
            boite.close()
            copie = restauration.copie_de_securite
            rouvrir()
            # Une boîte (non bloquante) plutôt que la barre d'état, que la réouverture efface : où est la copie.
            self.boite_restauration = QMessageBox(
                QMessageBox.Icon.Information, "Base restaurée",
                f"La base a été restaurée depuis « {restauration.fichier} »." + (
                    f"\n\nCopie de sécurité de la base d'avant : {copie}" if copie else ""),
                QMessageBox.StandardButton.Ok, self)
            self.boite_restauration.open()

        def echouee(erreur: BaseException, trace: str) -> None:
            boite.close()
            self.statusBar().clearMessage()
            rouvrir()  # la base n'a pas été remplacée (une seule transaction) : on la rouvre telle quelle
            erreurs.montrer(erreur, trace, self)

        Operation(_listes().restaurer, self.contexte, fichier, parent=self).progression(dire).apres(finie) \
            .echec(echouee).lancer()

    def regles_attribution(self) -> None:
        if self.contexte is None:
            return

        def enregistrer(regles, fini, refus) -> None:
            Operation(_listes().enregistrer_regles, self.contexte, regles, parent=self).apres(lambda _r: (
                fini(), self.statusBar().showMessage("Règles d'attribution enregistrées.", 8000))) \
                .refus(refus).lancer()

        def montrer(lues) -> None:
            from instruction.ui.regles_attribution import DialogueRegles

            self.dialogue_regles = DialogueRegles(lues, self._referentiel, enregistrer, self)
            self.dialogue_regles.open()

        Operation(_listes().lire_regles, self.contexte, parent=self).apres(montrer).lancer()

    def attribuer_selon_regles(self) -> None:
        if self.contexte is None:
            return

        def fini(par_instructeur: dict[str, int]) -> None:
            if not par_instructeur:
                texte = "Aucun dossier ouvert sans instructeur ne correspond aux règles."
            else:
                texte = "Dossiers attribués selon les règles : " + ", ".join(
                    f"{nom} {nombre}" for nom, nombre in sorted(par_instructeur.items())) + "."
            self.statusBar().showMessage(texte, 15000)

        Operation(_listes().attribuer_selon_regles, self.contexte, parent=self).apres(fini).lancer()

    def gerer_comptes(self) -> None:
        if self.contexte is None:
            return
        from instruction.ui.comptes import DialogueComptes

        self.dialogue_comptes = DialogueComptes(self.contexte, self._referentiel, self)
        self.dialogue_comptes.open()

    def nommer_base(self) -> None:
        """Instruction › Nom de la base… (administrateur)."""
        if self.contexte is None or self.nom_base is None:
            return
        from instruction.ui.nom_base import DialogueNomBase

        def enregistrer(texte: str, fini, refus) -> None:
            Operation(_actions_nom_base().nommer, self.contexte, texte, parent=self).apres(lambda nom: (
                fini(), self._montrer_nom_base(nom),
                self.statusBar().showMessage(f"La base s'appelle maintenant « {nom.nom} ».", 8000))) \
                .refus(refus).lancer()

        self.dialogue_nom_base = DialogueNomBase(self.nom_base, enregistrer, self)
        self.dialogue_nom_base.open()
