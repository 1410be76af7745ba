"""La fenêtre principale : l'onglet des dossiers et celui du référentiel.

Elle se peint d'abord, puis ouvre la base en arrière-plan (``Travail``) : la
fenêtre est utilisable aussitôt, et une base lente ou en panne n'empêche pas
l'application de répondre.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction import NOM_APPLICATION, __version__
from instruction.ui import erreurs, mesure
from instruction.ui.page_dossiers import PageDossiers
from instruction.ui.travail import Rapport, Travail

from instruction.services.lignes import PREMIERE_PAGE

ONGLET_DOSSIERS, ONGLET_REFERENTIEL = 0, 1

journal = logging.getLogger(__name__)


class FenetrePrincipale(QMainWindow):
    premiere_peinture = Signal()

    def __init__(self, url: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.contexte = None
        self._referentiel = None
        self._page_referentiel = None
        self._lignes_affichees = None
        self.setWindowTitle(NOM_APPLICATION)
        self.resize(1280, 760)

        self.onglets = QTabWidget()
        self.onglets.setDocumentMode(True)
        self.page_dossiers = PageDossiers()
        # L'onglet du référentiel n'est construit qu'à sa première ouverture.
        self._onglet_referentiel = QWidget()
        QVBoxLayout(self._onglet_referentiel).setContentsMargins(0, 0, 0, 0)
        self.onglets.addTab(self.page_dossiers, "Dossiers")
        self.onglets.addTab(self._onglet_referentiel, "Référentiel du contrat de ville")
        self.onglets.currentChanged.connect(self._onglet_change)
        self.setCentralWidget(self.onglets)
        self.page_dossiers.demo_demandee.connect(self.remplir_demo)
        self.page_dossiers.reessai_demande.connect(self.ouvrir_base)
        self.page_dossiers.export_demande.connect(self.exporter_liste)

        self.lieu_base = QLabel()
        self.statusBar().addPermanentWidget(self.lieu_base)
        self._creer_menus()
        self._restaurer_geometrie()
        mesure.ApresPeinture(self, self.premiere_peinture.emit)
        mesure.noter_apres_peinture(self, "fenetre_peinte")

    @property
    def page_referentiel(self):
        if self._page_referentiel is None:
            from instruction.ui.page_referentiel import PageReferentiel

            self._page_referentiel = PageReferentiel()
            self._onglet_referentiel.layout().addWidget(self._page_referentiel)
            if self._referentiel is not None:
                self._page_referentiel.afficher(self._referentiel)
        return self._page_referentiel

    def _onglet_change(self, index: int) -> None:
        if index == ONGLET_REFERENTIEL:
            self.page_referentiel  # noqa: B018 — construit l'onglet à sa première ouverture

    # --- Menus ------------------------------------------------------------------------------------

    def _creer_menus(self) -> None:
        fichier = self.menuBar().addMenu("&Fichier")
        self.action_demo = QAction("Remplir avec la campagne de &démonstration 2023…", self)
        self.action_demo.triggered.connect(self.remplir_demo)
        self.action_demo.setEnabled(False)
        self.action_sauvegarder = QAction("&Sauvegarder la base…", self)
        self.action_sauvegarder.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.action_sauvegarder.triggered.connect(self.sauvegarder)
        self.action_sauvegarder.setEnabled(False)
        quitter = QAction("&Quitter", self)
        quitter.setShortcut(QKeySequence.StandardKey.Quit)
        quitter.triggered.connect(self.close)
        self.action_exporter = QAction("&Exporter la liste des dossiers (Excel)…", self)
        self.action_exporter.setShortcut(QKeySequence("Ctrl+E"))
        self.action_exporter.triggered.connect(self.exporter_liste)
        for action in (self.action_exporter, self.action_demo, self.action_sauvegarder):
            fichier.addAction(action)
        fichier.addSeparator()
        fichier.addAction(quitter)

        affichage = self.menuBar().addMenu("&Affichage")
        for rang, nom in enumerate(("&Dossiers", "&Référentiel du contrat de ville")):  # Ctrl+1, Ctrl+2
            action = QAction(nom, self)
            action.setShortcut(QKeySequence(f"Ctrl+{rang + 1}"))
            action.triggered.connect(lambda _=False, r=rang: self.onglets.setCurrentIndex(r))
            affichage.addAction(action)

        aide = self.menuBar().addMenu("&Aide")
        a_propos = QAction("À &propos d'Instruction", self)
        a_propos.triggered.connect(self.a_propos)
        aide.addAction(a_propos)

    # --- Ouverture de la base ----------------------------------------------------------------------

    def demarrer(self) -> None:
        """À appeler après ``show()`` : la base s'ouvre une fois la fenêtre peinte."""
        QTimer.singleShot(0, self.ouvrir_base)

    def ouvrir_base(self) -> None:
        self.page_dossiers.afficher_message("Ouverture de la base de données…")
        self.statusBar().showMessage("Ouverture de la base de données…")

        def travail(rapport: Rapport):
            from instruction.services.demarrage import ouvrir_et_lister

            return ouvrir_et_lister(self.url, rapport.progression, rapport.partiel)

        Travail(travail).lancer(
            self._base_ouverte, self._base_en_echec, self.statusBar().showMessage, self._lignes_recues
        )

    def _lignes_recues(self, lignes) -> None:
        """La première page, puis la liste complète (sans ses textes de recherche)."""
        self._lignes_affichees = lignes
        self.page_dossiers.afficher_dossiers(lignes)
        self._noter_apres_peinture("premiere_page")
        if len(lignes) > PREMIERE_PAGE:  # la liste complète d'une grande base
            self._noter_apres_peinture("table_complete")

    def _base_ouverte(self, ouverture) -> None:
        if self.contexte is not None:
            self.contexte.fermer()
        self.contexte = ouverture.contexte
        if ouverture.lignes is self._lignes_affichees:  # déjà affichées : il manquait la recherche
            self.page_dossiers.modele.definir_recherche(ouverture.recherche)
            self.page_dossiers.recherche_prete()
        else:
            self.page_dossiers.afficher_dossiers(ouverture.lignes, ouverture.recherche)
        self._noter_apres_peinture("premiere_page")
        self._noter_apres_peinture("table_complete")
        self._referentiel = ouverture.referentiel
        if self._page_referentiel is not None:
            self._page_referentiel.afficher(ouverture.referentiel)
        self.lieu_base.setText(f"Base : {self.contexte.lieu}")
        self.setWindowTitle(f"{NOM_APPLICATION} — {self.contexte.lieu}")
        self.action_sauvegarder.setEnabled(True)
        self.action_demo.setEnabled(not ouverture.lignes)
        preparation = self.contexte.preparation
        if preparation.migree and preparation.sauvegarde:
            self.statusBar().showMessage(
                f"Base mise à jour ; copie de l'ancienne version : {preparation.sauvegarde}", 15000
            )
        else:
            self.statusBar().clearMessage()
        if ouverture.demo_a_proposer:
            QTimer.singleShot(0, self._proposer_demo)

    def _base_en_echec(self, erreur: BaseException, trace: str) -> None:
        message, _detail = erreurs.message_et_detail(erreur, trace)
        self.page_dossiers.afficher_message(message, reessai=True)
        self.statusBar().showMessage("Base de données indisponible")
        self.action_sauvegarder.setEnabled(False)
        self.action_demo.setEnabled(False)
        erreurs.montrer(erreur, trace, self)

    def _noter_apres_peinture(self, evenement: str) -> None:
        if mesure.active():
            mesure.noter_apres_peinture(self.page_dossiers.table.viewport(), evenement)
            self.page_dossiers.table.viewport().update()

    # --- Démonstration --------------------------------------------------------------------------

    def _proposer_demo(self) -> None:
        from instruction.services.demarrage import noter_demo_proposee

        reponse = QMessageBox.question(
            self,
            "Base vide",
            "La base ne contient encore aucun dossier.\n\nVoulez-vous la remplir avec la campagne de "
            "démonstration 2023 (AAP Contrat de ville, Cité éducative, projets d'initiative citoyenne) "
            "pour découvrir l'application ?",
        )
        try:
            noter_demo_proposee(self.contexte)
        except Exception as erreur:  # noqa: BLE001 — la question n'est qu'un confort
            journal.warning("Impossible de noter que la démonstration a été proposée : %s", erreur)
        if reponse == QMessageBox.StandardButton.Yes:
            self.remplir_demo()

    def remplir_demo(self) -> None:
        if self.contexte is None:
            return
        contexte = self.contexte
        self.action_demo.setEnabled(False)
        self.page_dossiers.afficher_message("Création de la campagne de démonstration 2023…")

        def travail(rapport: Rapport):
            from instruction import demo
            from instruction.services.demarrage import relister

            demo.remplir(contexte, progression=rapport.progression)
            return relister(contexte)

        def fini(resultat) -> None:
            lignes, recherche = resultat
            self.page_dossiers.afficher_dossiers(lignes, recherche)
            self.statusBar().showMessage(f"Campagne de démonstration créée : {len(lignes)} dossiers.", 10000)

        def echec(erreur: BaseException, trace: str) -> None:
            self.action_demo.setEnabled(True)
            self.page_dossiers.afficher_message(
                "La campagne de démonstration n'a pas pu être créée ; la base n'a pas été modifiée.", demo=True
            )
            erreurs.montrer(erreur, trace, self)

        Travail(travail).lancer(fini, echec, self.statusBar().showMessage)

    # --- Sauvegarde -------------------------------------------------------------------------------

    def sauvegarder(self) -> None:
        if self.contexte is None:
            return
        import datetime as dt

        nom = f"instruction-{dt.date.today():%Y-%m-%d}.sqlite"
        from PySide6.QtWidgets import QFileDialog

        chemin, _filtre = QFileDialog.getSaveFileName(
            self, "Sauvegarder la base", nom, "Sauvegarde Instruction (*.sqlite)"
        )
        if not chemin:
            return
        contexte = self.contexte
        self.statusBar().showMessage("Sauvegarde en cours…")

        def travail(_rapport: Rapport):
            from pathlib import Path

            from instruction.db.sauvegarde import sauvegarder

            return sauvegarder(contexte.moteur, Path(chemin))

        Travail(travail).lancer(
            lambda fichier: self.statusBar().showMessage(f"Base sauvegardée dans {fichier}", 15000),
            lambda erreur, trace: erreurs.montrer(erreur, trace, self),
        )

    # --- Export ---------------------------------------------------------------------------------

    def exporter_liste(self) -> None:
        lignes = self.page_dossiers.modele.lignes_visibles()
        if not lignes:
            self.statusBar().showMessage("Aucun dossier affiché : rien à exporter.", 5000)
            return
        import datetime as dt

        from PySide6.QtWidgets import QFileDialog

        nom = f"dossiers-{dt.date.today():%Y-%m-%d}.xlsx"
        chemin, _filtre = QFileDialog.getSaveFileName(self, "Exporter la liste des dossiers", nom, "Classeur Excel (*.xlsx)")
        if not chemin:
            return
        self.statusBar().showMessage(f"Export de {len(lignes)} dossiers…")

        def travail(_rapport: Rapport):
            from pathlib import Path

            from instruction.rapports.liste_dossiers import exporter

            return exporter(lignes, Path(chemin))

        Travail(travail).lancer(
            lambda fichier: self.statusBar().showMessage(f"{len(lignes)} dossiers exportés dans {fichier}", 15000),
            lambda erreur, trace: erreurs.montrer(erreur, trace, self),
        )

    # --- Divers --------------------------------------------------------------------------------

    def a_propos(self) -> None:
        from instruction.journal import fichier_journal

        lieu = self.contexte.lieu if self.contexte else "(non ouverte)"
        QMessageBox.about(
            self,
            "À propos d'Instruction",
            f"<h3>{NOM_APPLICATION} {__version__}</h3>"
            "<p>Instruction des demandes de subvention de la politique de la ville — Calais.</p>"
            "<p>Référentiel : contrat de ville « Engagements Quartiers 2030 » "
            "de Grand Calais Terres &amp; Mers.</p>"
            f"<p>Base : {lieu}<br>Journal : {fichier_journal() or '(console)'}</p>",
        )

    def _restaurer_geometrie(self) -> None:
        geometrie = QSettings().value("fenetre_principale/geometrie")
        if geometrie is not None:
            self.restoreGeometry(geometrie)

    def closeEvent(self, evenement: QCloseEvent) -> None:
        QSettings().setValue("fenetre_principale/geometrie", self.saveGeometry())
        if self.contexte is not None:
            self.contexte.fermer()
        super().closeEvent(evenement)
