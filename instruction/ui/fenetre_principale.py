"""La fenêtre principale : listes des dossiers et des porteurs, référentiel, onglets de travail.

Elle se peint d'abord, puis ouvre la base en arrière-plan (une ``Operation``) : la
fenêtre est utilisable aussitôt, et une base lente ou en panne n'empêche pas
l'application de répondre. Les dossiers et porteurs ouverts vivent dans des onglets
gérés par ``EspaceTravail``. Les listes et « Mes tâches » se relisent d'après les
changements diffusés après chaque opération (``_sur_changement``), et ceux des autres
postes, vus par la scrutation.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from instruction import NOM_APPLICATION, __version__
from instruction.ui import erreurs, mesure
from instruction.ui.commandes_base import CommandesDeLaBase
from instruction.ui.emprunts.commandes import CommandesEmprunts, est_fichier_de_travail
from instruction.ui.menus import Menus
from instruction.ui.page_dossiers import PageDossiers
from instruction.ui.operation import Operation, diffuser, diffusion

ONGLET_TACHES, ONGLET_DOSSIERS, ONGLET_PORTEURS, ONGLET_REFERENTIEL = 0, 1, 2, 3
# Toutes les 15 s, une requête (le numéro de la dernière modification) dit si un autre poste a changé
# quelque chose : les listes ouvertes se relisent alors d'elles-mêmes.
SCRUTATION_MS = 15_000
LISTES_APRES_MS = 400

if TYPE_CHECKING:
    from instruction.services.actions import Changements

journal = logging.getLogger(__name__)


# Les actions ne sont importées qu'à leur premier usage, après la première peinture de la fenêtre.
def _listes():
    from instruction.services.actions import listes

    return listes


def _actions_dossier():
    from instruction.services.actions import dossier

    return dossier


def _actions_nom_base():
    from instruction.services.actions import nom_base

    return nom_base


class FenetrePrincipale(CommandesDeLaBase, CommandesEmprunts, QMainWindow):
    premiere_peinture = Signal()
    nom_base = None  # le nom de la base montré aux utilisateurs (``actions.nom_base.NomBase``), une fois ouverte

    def __init__(self, url: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.contexte = None
        self._referentiel = None
        self._page_referentiel = None
        self._page_porteurs = None
        self._porteurs = None
        self._espace = None
        self._lignes_affichees = None
        self._ouverture_en_attente = None
        self._dernier_numero: int | None = None
        self.setWindowTitle(NOM_APPLICATION)
        self.resize(1280, 760)

        self.onglets = QTabWidget()
        self.onglets.setDocumentMode(True)
        self.onglets.setMovable(False)
        self.page_dossiers = PageDossiers()
        # « Mes tâches » n'est construit qu'à sa première ouverture, comme les porteurs et le référentiel :
        # sur un poste sans compte, la fenêtre s'ouvre sur les dossiers et se peint plus tôt.
        self._page_taches = None
        self._etat_taches = ("message", "Ouverture de la base de données…")
        self._onglet_taches = QWidget()
        QVBoxLayout(self._onglet_taches).setContentsMargins(0, 0, 0, 0)
        # Les onglets des porteurs et du référentiel ne sont construits qu'à leur première ouverture.
        self._onglet_porteurs = QWidget()
        QVBoxLayout(self._onglet_porteurs).setContentsMargins(0, 0, 0, 0)
        self._onglet_referentiel = QWidget()
        QVBoxLayout(self._onglet_referentiel).setContentsMargins(0, 0, 0, 0)
        self.onglets.addTab(self._onglet_taches, "Mes tâches")
        self.onglets.addTab(self.page_dossiers, "Dossiers")
        self.onglets.addTab(self._onglet_porteurs, "Porteurs")
        self.onglets.addTab(self._onglet_referentiel, "Référentiel du contrat de ville")
        self.onglets.currentChanged.connect(self._onglet_change)
        self.onglets.setCurrentIndex(ONGLET_DOSSIERS)
        self.setCentralWidget(self.onglets)

        p = self.page_dossiers
        p.demo_demandee.connect(self.remplir_demo)
        p.reessai_demande.connect(self.ouvrir_base)
        p.export_demande.connect(self.exporter_liste)
        p.ouverture_demandee.connect(self.ouvrir_dossiers_avertis)  # un dossier emprunté : averti d'abord
        p.emprunt_demande.connect(self.emprunter_dossiers)
        p.nouveau_demande.connect(lambda: self.espace.nouveau_dossier())
        p.brouillons_demandes.connect(lambda: self.espace.proposer_brouillons())
        p.connexion_demandee.connect(self.demander_connexion)
        p.filtres.enregistrement_demande.connect(self.enregistrer_filtre)
        p.filtres.suppression_demandee.connect(self.supprimer_filtre)

        self.lieu_base = QLabel()
        self.qui = QLabel()
        self.statusBar().addPermanentWidget(self.qui)
        self.statusBar().addPermanentWidget(self.lieu_base)
        self._scrutation = QTimer(self)
        self._scrutation.setInterval(SCRUTATION_MS)
        self._scrutation.timeout.connect(self.verifier_changements)
        diffusion().changement.connect(self._sur_changement)
        # Les listes suivent les changements sans se relire à chaque clic (une grille cochée question après
        # question) : une fois, un court instant après le dernier.
        self._listes_a_relire = QTimer(self)
        self._listes_a_relire.setSingleShot(True)
        self._listes_a_relire.setInterval(LISTES_APRES_MS)
        self._listes_a_relire.timeout.connect(self.rafraichir_listes)
        self.menus = Menus(self)
        self.premiere_peinture.connect(self.page_dossiers.installer_raccourcis)
        self._actions_base(False)
        self._restaurer_geometrie()
        mesure.ApresPeinture(self, self.premiere_peinture.emit)
        mesure.noter_apres_peinture(self, "fenetre_peinte")

    @property
    def espace(self):
        """Les onglets de travail (dossiers et porteurs ouverts), mis en place au premier besoin."""
        if self._espace is None:
            from instruction.ui.espace_travail import EspaceTravail

            self._espace = EspaceTravail(self.onglets, 4, lambda: self.contexte, lambda: self._referentiel, self)
        return self._espace

    @property
    def page_taches(self):
        if self._page_taches is None:
            from instruction.ui.page_taches import PageTaches

            self._page_taches = PageTaches()
            self._onglet_taches.layout().addWidget(self._page_taches)
            self._page_taches.ouverture_demandee.connect(lambda i, s: self.espace.ouvrir_dossier(i, section=s))
            self._page_taches.rafraichissement_demande.connect(self.rafraichir_taches)
            if getattr(self, "_qui_pour_taches", None):
                self._page_taches.definir_utilisateur(self._qui_pour_taches)
            self._appliquer_taches()
        return self._page_taches

    @property
    def page_porteurs(self):
        if self._page_porteurs is None:
            from instruction.ui.page_porteurs import PagePorteurs

            self._page_porteurs = PagePorteurs()
            self._onglet_porteurs.layout().addWidget(self._page_porteurs)
            self._page_porteurs.porteur_demande.connect(self.espace.ouvrir_porteur)
            self._page_porteurs.nouveau_demande.connect(lambda: self.espace.nouveau_porteur())
            self._page_porteurs.nouveau.setEnabled(self.contexte is not None and self._ouverture_en_attente is None
                                                   and self.contexte.utilisateur.peut("porteur.modifier"))
            if self._porteurs is not None:
                self._page_porteurs.afficher(self._porteurs)
        return self._page_porteurs

    def _afficher_porteurs(self, liste) -> None:
        self._porteurs = liste
        if self._page_porteurs is not None:
            self._page_porteurs.afficher(liste)

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
        if index == ONGLET_TACHES:
            self.page_taches  # noqa: B018 — construit l'onglet à sa première ouverture
            if self.contexte is not None:
                self.rafraichir_taches()
        elif index == ONGLET_REFERENTIEL:
            self.page_referentiel  # noqa: B018 — construit l'onglet à sa première ouverture
        elif index == ONGLET_PORTEURS:
            self.page_porteurs  # noqa: B018

    # --- Menus ------------------------------------------------------------------------------------

    def _actions_base(self, active: bool) -> None:
        self.menus.activer(active)
        if active and self.contexte is not None:
            self._appliquer_droits()

    def _appliquer_droits(self) -> None:
        """Menus et boutons suivent le rôle de l'utilisateur (les services le vérifient de toute façon)."""
        utilisateur = self.contexte.utilisateur
        self.menus.appliquer_droits(utilisateur)
        self.page_dossiers.autoriser_creation(utilisateur.peut("dossier.modifier"), utilisateur.peut("demo.remplir"))
        if self._page_porteurs is not None:
            self._page_porteurs.nouveau.setEnabled(utilisateur.peut("porteur.modifier"))
        self.page_dossiers.filtres.bouton_enregistrer.setEnabled(utilisateur.peut("filtres.enregistrer"))
        self._montrer_nom_base(self.nom_base)  # l'adresse en bulle, pour un administrateur seulement

    def _rechercher(self) -> None:
        self.onglets.setCurrentIndex(ONGLET_DOSSIERS)
        self.page_dossiers.recherche.setFocus()
        self.page_dossiers.recherche.selectAll()

    # --- Ouverture de la base ----------------------------------------------------------------------

    def demarrer(self) -> None:
        """À appeler après ``show()`` : la base s'ouvre une fois la fenêtre peinte."""
        QTimer.singleShot(0, self.ouvrir_base)

    def ouvrir_base(self) -> None:
        if est_fichier_de_travail(self.url):  # travail hors ligne : la phrase de passe d'abord
            self.ouvrir_travail()
            return
        self.page_dossiers.afficher_message("Ouverture de la base de données…")
        self.statusBar().showMessage("Ouverture de la base de données…")
        Operation(_listes().ouvrir_base, self.url, parent=self).progression(self.statusBar().showMessage) \
            .partiel(self._lignes_recues).apres(self._base_ouverte).echec(self._base_en_echec).lancer()

    def _lignes_recues(self, lignes) -> None:
        """La première page, puis la liste complète (sans ses textes de recherche)."""
        from instruction.services.lignes import PREMIERE_PAGE

        self._lignes_affichees = lignes
        self.page_dossiers.afficher_dossiers(lignes)
        self._noter_apres_peinture("premiere_page")
        if len(lignes) > PREMIERE_PAGE:  # la liste complète d'une grande base
            self._noter_apres_peinture("table_complete")

    def _base_ouverte(self, ouverture) -> None:
        if self.contexte is not None:
            self.contexte.clore()
        self.contexte = ouverture.contexte
        self._referentiel = ouverture.referentiel
        self._montrer_nom_base(_actions_nom_base().par_defaut(self.contexte))  # le nom choisi suit, lu dans la base
        self.relire_nom_base()
        if ouverture.connexion_requise:
            self._ouverture_en_attente = ouverture
            self.page_dossiers.afficher_message("Connectez-vous pour voir les dossiers.", connexion=True)
            self._montrer_taches("message", "Connectez-vous pour voir vos tâches.")
            self._appliquer_droits()  # personne n'est connecté : rien ne se crée ni ne s'enregistre
            self.statusBar().clearMessage()
            self.demander_connexion()
            return
        self._entrer(ouverture)

    def demander_connexion(self) -> None:
        """La boîte de connexion ; sans connexion, rien de la base ne se montre."""
        from instruction.ui.comptes import DialogueConnexion

        if self._ouverture_en_attente is None:
            return
        self.dialogue_connexion = DialogueConnexion(self.contexte, self)
        self.dialogue_connexion.accepted.connect(self._connecte)
        self.dialogue_connexion.open()

    def _connecte(self) -> None:
        dialogue = self.dialogue_connexion
        ouverture, self._ouverture_en_attente = self._ouverture_en_attente, None
        self.contexte.utilisateur = dialogue.utilisateur
        self._entrer(ouverture)
        self.rafraichir_listes()  # ce qui a changé pendant que la boîte de connexion était ouverte
        if dialogue.doit_changer:
            self.changer_mot_de_passe(obligatoire=True)

    def _entrer(self, ouverture) -> None:
        """L'utilisateur est connu : la base se montre, selon ses droits."""
        utilisateur = self.contexte.utilisateur
        self.qui.setText(f"Connecté : {utilisateur.libelle}")
        self._qui_pour_taches = utilisateur.libelle
        if self._page_taches is not None:
            self._page_taches.definir_utilisateur(utilisateur.libelle)
        self.page_dossiers.filtres.definir_referentiel(ouverture.referentiel)
        self.page_dossiers.filtres.definir_utilisateur(utilisateur.id)  # « Mes dossiers »
        if ouverture.lignes is self._lignes_affichees:  # déjà affichées : il manquait la recherche
            self.page_dossiers.modele.definir_recherche(ouverture.recherche, ouverture.axes)
            self.page_dossiers.recherche_prete()
        else:
            self.page_dossiers.afficher_dossiers(ouverture.lignes, ouverture.recherche, ouverture.axes)
        self._noter_apres_peinture("premiere_page")
        self._noter_apres_peinture("table_complete")
        if self._page_referentiel is not None:
            self._page_referentiel.afficher(ouverture.referentiel)
        self._actions_base(True)
        self.menus.demo.setEnabled(not ouverture.lignes and utilisateur.peut("demo.remplir"))
        self.montrer_bandeau_travail()  # fichier de travail : de quelle base, emprunté quand, jusqu'à quand
        self.relire_empruntes()
        preparation = self.contexte.preparation
        if preparation.avertissement:  # une page abîmée : qu'on le sache avant d'y travailler
            self.statusBar().showMessage(preparation.avertissement)
            self.boite_avertissement = QMessageBox(QMessageBox.Icon.Warning, "Base de données à vérifier",
                                                   preparation.avertissement, QMessageBox.StandardButton.Ok, self)
            self.boite_avertissement.open()
        elif preparation.migree and preparation.sauvegarde:
            self.statusBar().showMessage(
                f"Base mise à jour ; copie de l'ancienne version : {preparation.sauvegarde}", 15000
            )
        else:
            self.statusBar().clearMessage()
        self.charger_complements()
        self.rafraichir_taches()
        if utilisateur.id is not None:  # un compte : l'accueil, ce sont ses tâches
            self.onglets.setCurrentIndex(ONGLET_TACHES)
        self._scrutation.start()
        if ouverture.demo_a_proposer and utilisateur.peut("demo.remplir"):
            QTimer.singleShot(0, self._proposer_demo)

    def _base_en_echec(self, erreur: BaseException, trace: str) -> None:
        message, _detail = erreurs.message_et_detail(erreur, trace)
        self.page_dossiers.afficher_message(message, reessai=True)
        self.statusBar().showMessage("Base de données indisponible")
        self._actions_base(False)
        erreurs.montrer(erreur, trace, self)

    def _noter_apres_peinture(self, evenement: str) -> None:
        if mesure.active():
            mesure.noter_apres_peinture(self.page_dossiers.table.viewport(), evenement)
            self.page_dossiers.table.viewport().update()

    # --- Listes, porteurs, filtres et brouillons ---------------------------------------------------

    def charger_complements(self) -> None:
        """Porteurs, filtres enregistrés et brouillons, lus en arrière-plan après l'ouverture."""

        def afficher(lus: _listes().Complements) -> None:
            self._afficher_porteurs(lus.porteurs)
            self.page_dossiers.filtres.definir_enregistres(lus.filtres)
            self.page_dossiers.definir_brouillons(lus.brouillons)

        Operation(_listes().complements, self.contexte, parent=self).apres(afficher).lancer()

    def rafraichir_listes(self) -> None:
        contexte = self.contexte
        if contexte is None:
            return

        def afficher(resultat) -> None:
            if not self._toujours_connecte(contexte):
                return  # déconnecté entre-temps : rien de la base ne revient à l'écran
            liste, porteurs = resultat
            self._lignes_affichees = liste.lignes
            self.page_dossiers.afficher_dossiers(liste.lignes, liste.recherche, liste.axes)
            self._afficher_porteurs(porteurs)
            self.compter_brouillons()

        Operation(_listes().relister, contexte, parent=self).apres(afficher).lancer()

    def _toujours_connecte(self, contexte) -> bool:
        from instruction.domaine import droits

        return contexte is self.contexte and contexte.utilisateur != droits.PERSONNE

    def rafraichir_taches(self) -> None:
        contexte = self.contexte
        if contexte is None or self._ouverture_en_attente is not None:
            return

        def afficher(resultat) -> None:
            if not self._toujours_connecte(contexte):
                return
            numero, liste = resultat
            if self._dernier_numero is None:
                self._dernier_numero = numero
            self._montrer_taches("taches", liste)
            nombre = len(liste)
            self.onglets.setTabText(ONGLET_TACHES, f"Mes tâches ({nombre})" if nombre else "Mes tâches")

        Operation(_listes().mes_taches, contexte, parent=self).apres(afficher).echec(lambda e, t: self._montrer_taches(
            "message", f"Les tâches n'ont pas pu être lues : {erreurs.message_et_detail(e, t)[0]}")).lancer()

    def _montrer_taches(self, genre: str, contenu) -> None:
        """Les tâches (ou un message), gardées pour la page si elle n'est pas encore construite."""
        self._etat_taches = (genre, contenu)
        if self._page_taches is not None:
            self._appliquer_taches()

    def _appliquer_taches(self) -> None:
        genre, contenu = self._etat_taches
        if genre == "taches":
            self._page_taches.afficher(contenu)
        else:
            self._page_taches.afficher_message(contenu)

    def verifier_changements(self) -> None:
        """Un autre poste a-t-il changé quelque chose ? Si oui, tout ce qui est montré se relit."""
        contexte = self.contexte
        if contexte is None or self._ouverture_en_attente is not None:
            return

        def comparer(resultat) -> None:
            numero, relu = resultat
            self._suivre_le_compte(relu)
            if self._dernier_numero is not None and numero != self._dernier_numero:
                self._dernier_numero = numero
                from instruction.services.actions import AUTRES_POSTES

                diffuser(AUTRES_POSTES)
                self.statusBar().showMessage("Listes mises à jour : des changements ont été enregistrés.", 5000)
            self._dernier_numero = numero

        # Une base momentanément injoignable ne dérange pas : on réessaiera au prochain tour.
        Operation(_listes().scruter, contexte, parent=self).apres(comparer) \
            .echec(lambda e, _t: journal.info("Scrutation des changements : %s", e)).lancer()

    def _sur_changement(self, changements: Changements, _origine) -> None:
        """Après chaque opération (et quand un autre poste a écrit) : les listes concernées se relisent."""
        from instruction.services.actions import AVIS, BROUILLONS, DOSSIERS, EMPRUNTS, PORTEURS, REGLAGES, TACHES

        if self.contexte is None:
            return
        if changements.touche(DOSSIERS, PORTEURS):
            self._listes_a_relire.start()
        elif changements.touche(BROUILLONS):
            self.compter_brouillons()
        if changements.touche(TACHES, AVIS):
            self.rafraichir_taches()
        if changements.touche(REGLAGES):  # le nom de la base a pu changer (ici ou sur un autre poste)
            self.relire_nom_base()
        if changements.touche(EMPRUNTS):
            self.relire_empruntes()

    def _suivre_le_compte(self, relu) -> None:
        """Un administrateur a désactivé le compte ou changé son rôle : la fenêtre suit sans attendre."""
        from instruction.domaine import droits

        actuel = self.contexte.utilisateur if self.contexte else None
        if actuel is None or actuel.id is None or relu == actuel:
            return
        if relu is None:
            self.contexte.utilisateur = droits.PERSONNE
            self.qui.setText("Compte désactivé")
            self._appliquer_droits()
            QMessageBox.warning(self, "Compte désactivé", "Votre compte vient d'être désactivé par un "
                                "administrateur : vous ne pouvez plus rien modifier. Enregistrez ailleurs ce que "
                                "vous ne voulez pas perdre, puis fermez l'application.")
            return
        self.contexte.utilisateur = relu
        self.qui.setText(f"Connecté : {relu.libelle}")
        self._appliquer_droits()
        self.statusBar().showMessage(f"Vos droits ont changé : {relu.libelle}. Les onglets ouverts les appliqueront "
                                     "à leur réouverture.", 15000)

    def compter_brouillons(self) -> None:
        if self.contexte is None:
            return
        Operation(_actions_dossier().compter_brouillons, self.contexte, parent=self) \
            .apres(self.page_dossiers.definir_brouillons).echec(lambda e, t: journal.warning("%s", e)).lancer()

    def enregistrer_filtre(self, nom: str, valeurs: dict) -> None:
        Operation(_listes().enregistrer_filtre, self.contexte, nom, valeurs, parent=self) \
            .apres(lambda filtres: self._filtres_changes(filtres, f"Filtre « {nom} » enregistré.")).lancer()

    def supprimer_filtre(self, nom: str) -> None:
        Operation(_listes().supprimer_filtre, self.contexte, nom, parent=self) \
            .apres(lambda filtres: self._filtres_changes(filtres, f"Filtre « {nom} » supprimé.")).lancer()

    def _filtres_changes(self, enregistres: dict, message: str) -> None:
        self.page_dossiers.filtres.definir_enregistres(enregistres)
        self.statusBar().showMessage(message, 6000)

    # --- Démonstration --------------------------------------------------------------------------

    def _proposer_demo(self) -> None:
        reponse = QMessageBox.question(
            self,
            "Base vide",
            "La base ne contient encore aucun dossier.\n\nVoulez-vous la remplir avec les campagnes de "
            "démonstration (la programmation 2023 soldée : AAP Contrat de ville, Cité éducative, projets "
            "d'initiative citoyenne ; et l'AAP Contrat de ville 2027 en cours d'instruction) pour découvrir "
            "l'application ?",
        )
        Operation(_listes().noter_demo_proposee, self.contexte, parent=self) \
            .echec(lambda e, t: journal.warning("Proposition de démo non notée : %s", e)).lancer()
        if reponse == QMessageBox.StandardButton.Yes:
            self.remplir_demo()

    def remplir_demo(self) -> None:
        if self.contexte is None:
            return
        self.menus.demo.setEnabled(False)
        self.page_dossiers.afficher_message("Création des campagnes de démonstration…")

        def echec(erreur: BaseException, trace: str) -> None:
            self.menus.demo.setEnabled(True)
            self.page_dossiers.afficher_message(
                "La campagne de démonstration n'a pas pu être créée ; la base n'a pas été modifiée.", demo=True
            )
            erreurs.montrer(erreur, trace, self)

        Operation(_listes().remplir_demo, self.contexte, parent=self).progression(self.statusBar().showMessage) \
            .apres(lambda _r: self.statusBar().showMessage("Campagnes de démonstration créées.", 10000)) \
            .echec(echec).lancer()

    # --- Comptes ----------------------------------------------------------------------------------

    def changer_mot_de_passe(self, obligatoire: bool = False) -> None:
        if self.contexte is None or self.contexte.utilisateur.id is None:
            return
        from instruction.ui.comptes import DialogueMotDePasse

        self.dialogue_mot_de_passe = DialogueMotDePasse(self.contexte, obligatoire, self)
        self.dialogue_mot_de_passe.accepted.connect(
            lambda: self.statusBar().showMessage("Mot de passe changé.", 8000))
        if obligatoire:  # un mot de passe provisoire (que l'administrateur connaît) ne sert qu'à en choisir un
            self.dialogue_mot_de_passe.rejected.connect(self.se_deconnecter)
        self.dialogue_mot_de_passe.open()

    def se_deconnecter(self) -> None:
        """Plus personne n'est connecté : la base se rouvre, et demande qui se connecte."""
        from instruction.domaine import droits

        if self.contexte is None or (self._espace is not None and not self._espace.peut_quitter()):
            return
        if self._espace is not None:
            self._espace.fermer_tous()  # les modifications en cours sont gardées en brouillon par peut_quitter
        self._scrutation.stop()
        self.contexte.utilisateur = droits.PERSONNE
        self.qui.setText("")
        self._actions_base(False)
        self._appliquer_droits()
        self._lignes_affichees = None
        self._dernier_numero = None
        self.page_dossiers.modele.remplacer([])  # rien de la base ne reste à l'écran
        self.page_dossiers.filtres.definir_enregistres([])
        self._afficher_porteurs([])
        self.page_dossiers.afficher_message("Connectez-vous pour voir les dossiers.", connexion=True)
        self._montrer_taches("message", "Connectez-vous pour voir vos tâches.")
        self.onglets.setCurrentIndex(ONGLET_DOSSIERS)
        self.ouvrir_base()

    # --- Nom de la base (services/nom_base.py, ui/nom_base.py) -----------------------------------

    def relire_nom_base(self) -> None:
        if self.contexte is not None:
            Operation(_actions_nom_base().lire, self.contexte, parent=self).apres(self._montrer_nom_base) \
                .echec(lambda e, _t: journal.info("Nom de la base : %s", e)).lancer()

    def _montrer_nom_base(self, nom) -> None:
        """Le nom, jamais l'adresse brute : titre, barre d'état ; l'adresse (sans mot de passe) en bulle pour un
        administrateur."""
        from instruction.domaine import droits

        if nom is None or self.contexte is None:
            return
        self.nom_base = nom
        self.lieu_base.setText(f"Base : {nom.nom}")
        self.setWindowTitle(f"{NOM_APPLICATION} — {nom.nom}")
        administrateur = self.contexte.utilisateur.role == droits.ADMINISTRATEUR
        self.lieu_base.setToolTip(f"Adresse de la base : {nom.adresse}" if administrateur else "")

    # --- Divers --------------------------------------------------------------------------------

    def a_propos(self) -> None:
        from html import escape

        from instruction.journal import fichier_journal

        lieu = escape(self.nom_base.nom) if self.contexte and self.nom_base else "(non ouverte)"
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
        if self._espace is not None and not self._espace.peut_quitter():
            evenement.ignore()
            return
        QSettings().setValue("fenetre_principale/geometrie", self.saveGeometry())
        if self.contexte is not None:
            # Plus aucun travail ne part vers la base une fois la fenêtre fermée (un rafraîchissement
            # demandé par un travail qui s'achève, par exemple).
            contexte, self.contexte = self.contexte, None
            contexte.clore()
        super().closeEvent(evenement)
