"""Les menus de la fenêtre principale, et qui peut s'en servir.

Chaque entrée appelle une méthode de la fenêtre ou de ses onglets de travail ; les entrées « de base »
ne servent qu'une base ouverte, et chacune suit le rôle de l'utilisateur (``appliquer_droits``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from instruction.domaine import droits
    from instruction.ui.fenetre_principale import FenetrePrincipale

ONGLETS_FIXES = ("Mes &tâches", "&Dossiers", "&Porteurs", "&Référentiel du contrat de ville")


class Menus(QObject):
    def __init__(self, fenetre: FenetrePrincipale) -> None:
        super().__init__(fenetre)
        self._de_base: list[QAction] = []
        self._raccourcis: list[tuple[QAction, object]] = []
        self._fenetre = fenetre
        f = fenetre
        fenetre.premiere_peinture.connect(self._installer_raccourcis)

        fichier = f.menuBar().addMenu("&Fichier")
        self.nouveau_dossier = self._action(fichier, "&Nouveau dossier", lambda: f.espace.nouveau_dossier(), "Ctrl+N",
                                            base=True)
        self.nouveau_porteur = self._action(fichier, "Nouveau &porteur…", lambda: f.espace.nouveau_porteur(), base=True)
        self.nouvelle_campagne = self._action(fichier, "Nouvelle &campagne…", lambda: f.espace.nouvelle_campagne(),
                                              base=True)
        fichier.addSeparator()
        self._action(fichier, "&Exporter la liste des dossiers…", f.exporter_liste, "Ctrl+E", base=True)
        self.importer = self._action(fichier, "&Importer un export de la plateforme…", self._importer, base=True)
        self.demo = self._action(fichier, "Remplir avec les campagnes de &démonstration…", f.remplir_demo)
        self.sauvegarder = self._action(fichier, "&Sauvegarder la base…", f.sauvegarder, "Ctrl+Shift+S", base=True)
        self.restaurer = self._action(fichier, "&Restaurer une sauvegarde…", f.restaurer_sauvegarde, base=True)
        fichier.addSeparator()
        # Travail hors ligne (H8) : emprunter, ouvrir un fichier de travail, rapporter
        self.emprunter = self._action(fichier, "&Emprunter les dossiers choisis…", lambda: f.emprunter_dossiers(),
                                      base=True)
        self.emprunter_taches = self._action(fichier, "Emprunter les dossiers de mes &tâches…",
                                             f.emprunter_mes_taches, base=True)
        self._action(fichier, "&Ouvrir un fichier de travail…", f.ouvrir_fichier_de_travail)
        self.rapporter = self._action(fichier, "&Rapporter un fichier de travail…", f.rapporter_fichier, base=True)
        fichier.addSeparator()
        self.mot_de_passe = self._action(fichier, "Changer de &mot de passe…", f.changer_mot_de_passe, base=True)
        self.deconnexion = self._action(fichier, "Se &déconnecter", f.se_deconnecter, base=True)
        fichier.addSeparator()
        self._action(fichier, "&Fermer l'onglet", lambda: f.espace.fermer_courant(), "Ctrl+W")
        self._action(fichier, "&Quitter", f.close, QKeySequence.StandardKey.Quit)

        affichage = f.menuBar().addMenu("&Affichage")
        for rang, nom in enumerate(ONGLETS_FIXES):
            self._action(affichage, nom, lambda _=False, r=rang: f.onglets.setCurrentIndex(r), f"Ctrl+{rang + 1}")
        self._action(affichage, "Re&chercher dans les dossiers", f._rechercher, QKeySequence.StandardKey.Find)

        instruction = f.menuBar().addMenu("&Instruction")
        self._action(instruction, "&Approche budgétaire intégrée", lambda: f.espace.ouvrir_approche_budgetaire(),
                     base=True)
        instruction.addSeparator()
        self.reglages = self._action(instruction, "&Réglages de l'instruction…", f.regler_instruction, base=True)
        self.nom_base = self._action(instruction, "&Nom de la base…", f.nommer_base, base=True)
        self.regles_attribution = self._action(instruction, "Règles d'a&ttribution…", f.regles_attribution,
                                               base=True)
        self.attribuer = self._action(instruction, "Attribuer &selon les règles", f.attribuer_selon_regles,
                                      base=True)
        instruction.addSeparator()
        self.comptes = self._action(instruction, "&Comptes des utilisateurs…", f.gerer_comptes, base=True)

        # Le second temps du cycle : chaque famille d'écrans pose ses entrées dans son menu, ouvertes en onglets de
        # travail par ``f.espace.ouvrir_page(module, classe)`` (le module n'est importé qu'au premier clic).
        self.menu_comite = f.menuBar().addMenu("C&omité")
        # — entrées du comité des financeurs (enveloppes, programmation, séances, notifications) —
        # H1 : enveloppes des cofinanceurs (boîte) et tableau de programmation (onglet de travail)
        self._action(self.menu_comite, "&Enveloppes des cofinanceurs…", self._enveloppes, base=True)
        self._action(self.menu_comite, "&Programmation…", lambda: f.espace.ouvrir_page(
            "instruction.ui.comite.page_programmation", "PageProgrammation"), base=True)
        # H3 : lettres de notification des décisions (boîte, importée au premier clic)
        self.lettres = self._action(self.menu_comite, "&Lettres de notification…", self._lettres, base=True)
        # H2 : séances du comité, délibérations des partenaires, financements consolidés (onglets de travail)
        self.menu_comite.addSeparator()
        self._action(self.menu_comite, "&Séances du comité…", lambda: f.espace.ouvrir_page(
            "instruction.ui.comite.page_seances", "PageSeances", "Séances du comité"), base=True)
        self._action(self.menu_comite, "&Délibérations des partenaires…", lambda: f.espace.ouvrir_page(
            "instruction.ui.comite.page_deliberations", "PageDeliberations", "Délibérations des partenaires"),
            base=True)
        self._action(self.menu_comite, "&Financements consolidés…", lambda: f.espace.ouvrir_page(
            "instruction.ui.comite.financements", "PageFinancementsCampagne", "Financements consolidés"), base=True)

        self.menu_conventions = f.menuBar().addMenu("Co&nventions")
        # — entrées des conventions, CPO, avenants et versements —
        # H4 : la liste des actes (filtres, ouverture de l'éditeur, restes à payer, données essentielles SCDL)
        self._action(self.menu_conventions, "&Conventions et versements", lambda: f.espace.ouvrir_page(
            "instruction.ui.conventions.page_conventions", "PageConventions", "Conventions, CPO et versements"),
            base=True)
        # H5 : les documents (PDF et DOCX) de tous les actes d'une campagne (boîte, importée au premier clic)
        self._action(self.menu_conventions, "&Générer les conventions d'une campagne…", lambda: __import__(
            "instruction.ui.conventions.dialogue_lot", fromlist=["ouvrir"]).ouvrir(f), base=True)

        self.menu_suivi = f.menuBar().addMenu("&Suivi")
        # — entrées du suivi et des bilans (bilans attendus, comptes rendus, copils, visites, évaluation) —
        # H6 : bilans attendus, relances et comptes rendus financiers
        self._action(self.menu_suivi, "&Bilans attendus et comptes rendus", lambda: f.espace.ouvrir_page(
            "instruction.ui.suivi.page_bilans_attendus", "PageBilansAttendus"), base=True)
        # H7 : calendrier, suivi renforcé, bilan de la programmation, évaluation
        self._action(self.menu_suivi, "&Calendrier du suivi", lambda: f.espace.ouvrir_page(
            "instruction.ui.suivi.page_calendrier", "PageCalendrier"), base=True)
        self._action(self.menu_suivi, "Suivi &renforcé de l'année", lambda: f.espace.ouvrir_page(
            "instruction.ui.suivi.page_suivi_renforce", "PageSuiviRenforce"), base=True)
        self._action(self.menu_suivi, "&Bilan de la programmation", lambda: f.espace.ouvrir_page(
            "instruction.ui.suivi.page_bilan_programmation", "PageBilanProgrammation"), base=True)
        self._action(self.menu_suivi, "É&valuation du contrat de ville", lambda: f.espace.ouvrir_page(
            "instruction.ui.suivi.page_evaluation", "PageEvaluation"), base=True)

        aide = f.menuBar().addMenu("&Aide")
        self._action(aide, "À &propos d'Instruction", f.a_propos)

    def _importer(self) -> None:
        """L'assistant d'import, importé à la demande (rien de plus à charger au démarrage)."""
        from PySide6.QtCore import Qt

        from instruction.ui.assistant_import import AssistantImport

        assistant = AssistantImport(self._fenetre.contexte, self._fenetre)
        assistant.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        assistant.open()

    def _enveloppes(self) -> None:
        """Comité › Enveloppes des cofinanceurs… (H1) : la boîte, importée au premier clic."""
        from PySide6.QtCore import Qt

        from instruction.ui.comite.dialogue_enveloppes import DialogueEnveloppes

        boite = DialogueEnveloppes(self._fenetre.contexte, self._fenetre)
        boite.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        boite.open()

    def _lettres(self) -> None:
        """Comité › Lettres de notification… (H3) : la boîte, importée au premier clic."""
        from PySide6.QtCore import Qt

        from instruction.ui.comite.dialogue_lettres import DialogueLettres

        boite = DialogueLettres(self._fenetre.contexte, self._fenetre)
        boite.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        boite.open()

    def _action(self, menu, texte: str, slot, raccourci=None, base: bool = False) -> QAction:
        action = QAction(texte, self._fenetre)
        if raccourci is not None:
            self._raccourcis.append((action, raccourci))
        action.triggered.connect(slot)
        menu.addAction(action)
        if base:
            self._de_base.append(action)
        return action

    def _installer_raccourcis(self) -> None:
        """Les raccourcis clavier, posés juste après la première peinture : créer une
        QKeySequence fait créer par PySide l'espace de noms ``Qt`` (une quinzaine de ms)."""
        for action, raccourci in self._raccourcis:
            action.setShortcut(QKeySequence(raccourci))
        self._raccourcis = []

    def activer(self, base_ouverte: bool) -> None:
        """Les entrées qui demandent une base ; la démonstration n'est proposée qu'au cas par cas."""
        for action in self._de_base:
            action.setEnabled(base_ouverte)
        self.demo.setEnabled(False)

    def appliquer_droits(self, utilisateur: droits.Utilisateur) -> None:
        for action, droit in ((self.nouveau_dossier, "dossier.modifier"), (self.nouveau_porteur, "porteur.modifier"),
                              (self.nouvelle_campagne, "campagne.creer"), (self.reglages, "reglages.modifier"),
                              (self.comptes, "utilisateurs.gerer"), (self.sauvegarder, "base.sauvegarder"),
                              (self.restaurer, "base.restaurer"), (self.regles_attribution, "reglages.modifier"),
                              (self.attribuer, "dossier.attribuer")):
            action.setEnabled(utilisateur.peut(droit))
        self.nom_base.setEnabled(utilisateur.peut("reglages.modifier"))
        self.lettres.setEnabled(utilisateur.peut("lettres.editer"))  # H3
        for action in (self.emprunter, self.emprunter_taches, self.rapporter):  # H8 : travail hors ligne
            action.setEnabled(utilisateur.peut("dossiers.emprunter"))
        self.mot_de_passe.setEnabled(utilisateur.id is not None)
        self.deconnexion.setEnabled(utilisateur.id is not None)
