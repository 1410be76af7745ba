"""Les onglets de travail : un onglet par dossier ou porteur ouvert, et leur fermeture sans perte.

Un dossier déjà ouvert n'est pas ouvert deux fois : son onglet revient au premier plan.
Fermer un onglet modifié demande quoi faire des modifications ; quitter l'application
garde en brouillon tout ce qui n'est pas enregistré.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates
from instruction.ui import erreurs
from instruction.services.actions import Changements
from instruction.services.actions import dossier as actions_dossier
from instruction.services.actions import porteur as actions_porteur
from instruction.services.actions.dossier import DossierOuvert
from instruction.ui.operation import Operation, diffusion

journal = logging.getLogger(__name__)


class EspaceTravail(QObject):
    """Les onglets de travail ; chacun suit les changements diffusés après chaque opération."""

    def __init__(self, onglets: QTabWidget, fixes: int, contexte: Callable, referentiel: Callable,
                 fenetre: QWidget) -> None:
        super().__init__(fenetre)
        self.onglets = onglets
        self.fixes = fixes  # les premiers onglets (listes, référentiel) ne se ferment pas
        self._contexte = contexte
        self._referentiel = referentiel
        self.fenetre = fenetre
        onglets.setTabsClosable(True)
        for rang in range(fixes):  # les listes et le référentiel restent
            onglets.tabBar().setTabButton(rang, QTabBar.ButtonPosition.RightSide, None)
            onglets.tabBar().setTabButton(rang, QTabBar.ButtonPosition.LeftSide, None)
        onglets.tabCloseRequested.connect(self.fermer)
        self._sections_voulues: dict[int | None, str | None] = {}
        diffusion().changement.connect(self._sur_changement)

    def _sur_changement(self, changements: Changements, origine) -> None:
        for onglet in self.onglets_de_travail():
            suivre = getattr(onglet, "sur_changement", None)
            if suivre is not None:
                suivre(changements, origine)

    # --- Onglets ouverts ---------------------------------------------------------------------------

    def onglets_de_travail(self) -> list[QWidget]:
        return [self.onglets.widget(i) for i in range(self.fixes, self.onglets.count())]

    def _cherche(self, genre: str, identifiant: int | None) -> QWidget | None:
        from instruction.ui.dossier.onglet import OngletDossier
        from instruction.ui.porteur.onglet import OngletPorteur

        classe = OngletDossier if genre == "dossier" else OngletPorteur
        for widget in self.onglets_de_travail():
            if isinstance(widget, classe) and identifiant is not None and widget.fiche.id == identifiant:
                return widget
        return None

    def _ajouter(self, widget: QWidget, infobulle: str = "") -> None:
        rang = self.onglets.addTab(widget, widget.titre_onglet)
        self.onglets.setTabToolTip(rang, infobulle)
        self.onglets.setCurrentIndex(rang)
        widget.titre_change.connect(lambda w=widget: self._retitrer(w))

    def _retitrer(self, widget: QWidget) -> None:
        rang = self.onglets.indexOf(widget)
        if rang >= 0:
            self.onglets.setTabText(rang, widget.titre_onglet)

    def fermer(self, rang: int) -> None:
        if rang < self.fixes:
            return
        widget = self.onglets.widget(rang)
        if widget.demander_fermeture():
            self._retirer(widget)

    def fermer_courant(self) -> None:
        self.fermer(self.onglets.currentIndex())

    def _retirer(self, widget: QWidget) -> None:
        rang = self.onglets.indexOf(widget)
        avant = getattr(widget, "avant_fermeture", None)
        if avant is not None:
            try:
                avant()
            except Exception as erreur:  # noqa: BLE001 — dire ce qui n'a pas pu être écrit, fermer quand même
                erreurs.montrer(erreur, "", self.fenetre)
        if rang >= 0:
            self.onglets.removeTab(rang)
            widget.deleteLater()

    def fermer_tous(self) -> None:
        """Ferme tous les onglets de travail (après ``peut_quitter``, qui a gardé les brouillons)."""
        for onglet in self.onglets_de_travail():
            self._retirer(onglet)

    def peut_quitter(self) -> bool:
        """Avant de quitter : les modifications non enregistrées sont gardées en brouillon."""
        for onglet in self.onglets_de_travail():
            avant = getattr(onglet, "avant_fermeture", None)
            if avant is not None:
                try:
                    avant()
                except Exception as erreur:  # noqa: BLE001 — prévenir plutôt que perdre
                    erreurs.montrer(erreur, "", self.fenetre)
                    return False
        modifies = [w for w in self.onglets_de_travail() if getattr(w, "modifie", False)]
        if not modifies:
            return True
        from instruction.ui.dossier.onglet import OngletDossier

        dossiers = [w for w in modifies if isinstance(w, OngletDossier)]
        autres = [w for w in modifies if not isinstance(w, OngletDossier)]
        texte = f"{len(modifies)} onglet(s) ont des modifications non enregistrées."
        if dossiers:
            texte += f"\nLes {len(dossiers)} dossier(s) seront gardés en brouillon et proposés à leur réouverture."
        if autres:
            texte += f"\nLes modifications de {len(autres)} fiche(s) de porteur seront perdues."
        reponse = QMessageBox.question(
            self.fenetre, "Quitter", texte + "\n\nQuitter ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel,
        )
        if reponse != QMessageBox.StandardButton.Yes:
            return False
        for onglet in dossiers:
            try:
                onglet.garder_brouillon_maintenant()
            except Exception as erreur:  # noqa: BLE001 — prévenir plutôt que perdre
                erreurs.montrer(erreur, "", self.fenetre)
                return False
        return True

    # --- Rapports -------------------------------------------------------------------------------------

    def ouvrir_approche_budgetaire(self) -> None:
        from instruction.ui.page_approche_budgetaire import PageApprocheBudgetaire

        existante = next((w for w in self.onglets_de_travail() if isinstance(w, PageApprocheBudgetaire)), None)
        if existante is not None:
            self.onglets.setCurrentWidget(existante)
            existante.calculer()  # les chiffres ont pu changer depuis
            return
        self._ajouter(PageApprocheBudgetaire(self._contexte()), "Les crédits par cotation des grilles transversales")

    def ouvrir_page(self, module: str, classe: str, infobulle: str = "", **options):
        """Un onglet de travail « page » (programmation, séances, conventions, bilans…), unique par classe et
        options : déjà ouvert, il revient au premier plan (et se relit s'il sait le faire) ; sinon le module
        est importé à ce moment-là et la page construite par ``Classe(contexte, **options)``.

        La page suit le protocole des onglets de travail : ``titre_onglet``, le signal ``titre_change``,
        ``demander_fermeture()`` et, si elle montre des données, ``sur_changement(changements, origine)``."""
        import importlib

        type_page = getattr(importlib.import_module(module), classe)
        for widget in self.onglets_de_travail():
            if type(widget) is type_page and getattr(widget, "options_page", {}) == options:
                self.onglets.setCurrentWidget(widget)
                relire = getattr(widget, "relire", None)
                if relire is not None:
                    relire()
                return widget
        page = type_page(self._contexte(), **options)
        page.options_page = options
        self._ajouter(page, infobulle)
        return page

    # --- Dossiers -------------------------------------------------------------------------------------

    def ouvrir_dossiers(self, ids: list[int]) -> None:
        for identifiant in ids[:20]:
            self.ouvrir_dossier(identifiant)
        if len(ids) > 20:
            self.fenetre.statusBar().showMessage("Vingt dossiers au plus s'ouvrent à la fois.", 8000)

    def ouvrir_dossier(self, dossier_id: int | None, cle: str | None = None, section: str | None = None) -> None:
        """Ouvre le dossier dans un onglet (ou montre celui déjà ouvert), sur ``section`` si on la donne."""
        existant = self._cherche("dossier", dossier_id)
        if existant is not None:
            self.onglets.setCurrentWidget(existant)
            if section:
                existant.montrer_section(section, relire=True)
            return
        self._sections_voulues[dossier_id] = section
        contexte = self._contexte()
        if contexte is None:
            return
        from instruction.ui.dossier.onglet import cle_brouillon

        cle = cle or cle_brouillon(dossier_id)
        self.fenetre.statusBar().showMessage("Ouverture du dossier…", 3000)
        Operation(actions_dossier.ouvrir, contexte, dossier_id, cle, avec_avis=section == "avis", parent=self) \
            .apres(lambda ouvert: self._dossier_lu(ouvert, cle)).lancer()

    def _dossier_lu(self, ouvert: DossierOuvert, cle: str, averti: bool = False) -> None:
        from instruction.ui.dossier.onglet import OngletDossier

        fiche, brouillon = ouvert.fiche, ouvert.brouillon
        self.fenetre.statusBar().clearMessage()
        existant = self._cherche("dossier", fiche.id)
        if existant is not None:
            self.onglets.setCurrentWidget(existant)
            return
        if ouvert.emprunt is not None and not averti:  # emprunté (travail hors ligne) : averti, une fois, d'où
            from instruction.ui.emprunts.commandes import avertir_emprunt  # qu'on l'ouvre (liste, tâches…)

            avertir_emprunt(self.fenetre, fiche.numero, ouvert.emprunt,
                            lambda: self._dossier_lu(ouvert, cle, averti=True),
                            lambda: self._sections_voulues.pop(fiche.id, None))
            return
        onglet = OngletDossier(self._contexte(), self._referentiel(), fiche, ouvert.options, cle)
        onglet.enregistre.connect(lambda _i, o=onglet: self._retitrer(o))
        onglet.fermeture_voulue.connect(lambda o=onglet: self._retirer(o))
        onglet.porteur_a_creer.connect(lambda o=onglet: self.nouveau_porteur(o))
        onglet.campagne_a_creer.connect(lambda o=onglet: self.nouvelle_campagne(o))
        self._ajouter(onglet, fiche.donnees.intitule)
        if ouvert.avis is not None:
            onglet.avis.precharger(ouvert.avis)
        if section := self._sections_voulues.pop(fiche.id, None):
            onglet.montrer_section(section)
        if brouillon is not None:
            if fiche.id is None or self._reprendre(brouillon, onglet):
                onglet.reprendre_brouillon(brouillon.contenu)
                onglet.message.setText(f"Brouillon du {dates.formater_horodatage(brouillon.modifie_le)} repris : "
                                       "enregistrez pour le garder.")
        if fiche.id is None:
            _premier_champ(onglet.action)  # un nouveau dossier se saisit tout de suite, sans souris

    def _reprendre(self, brouillon, onglet) -> bool:
        boite = QMessageBox(onglet)
        boite.setIcon(QMessageBox.Icon.Question)
        boite.setWindowTitle("Brouillon non enregistré")
        boite.setText(f"Ce dossier a un brouillon non enregistré du {dates.formater_horodatage(brouillon.modifie_le)}.")
        reprendre = boite.addButton("Reprendre le brouillon", QMessageBox.ButtonRole.AcceptRole)
        supprimer = boite.addButton("Supprimer le brouillon", QMessageBox.ButtonRole.DestructiveRole)
        boite.setDefaultButton(reprendre)
        boite.exec()
        if boite.clickedButton() is supprimer:
            Operation(actions_dossier.supprimer_brouillon, self._contexte(), brouillon.cle, parent=onglet).lancer()
            return False
        return True

    def nouveau_dossier(self) -> None:
        self.ouvrir_dossier(None)

    def proposer_brouillons(self) -> None:
        """La liste des nouveaux dossiers laissés en brouillon, pour en reprendre un."""
        def afficher(liste) -> None:
            dialogue = QDialog(self.fenetre)
            dialogue.setWindowTitle("Brouillons de nouveaux dossiers")
            liste_widget = QListWidget()
            liste_widget.setAccessibleName("Brouillons")
            for b in liste:
                item = QListWidgetItem(f"{b.titre} — {dates.formater_horodatage(b.modifie_le)}")
                item.setData(Qt.ItemDataRole.UserRole, b.cle)
                liste_widget.addItem(item)
            liste_widget.setCurrentRow(0)
            boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Close)
            boutons.button(QDialogButtonBox.StandardButton.Open).setText("Reprendre")
            boutons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
            boutons.accepted.connect(dialogue.accept)
            boutons.rejected.connect(dialogue.reject)
            liste_widget.itemDoubleClicked.connect(lambda _i: dialogue.accept())
            colonne = QVBoxLayout(dialogue)
            colonne.addWidget(QLabel("Nouveaux dossiers commencés et pas encore enregistrés :"))
            colonne.addWidget(liste_widget)
            colonne.addWidget(boutons)
            dialogue.resize(620, 320)
            if dialogue.exec() == QDialog.DialogCode.Accepted and liste_widget.currentItem() is not None:
                self.ouvrir_dossier(None, liste_widget.currentItem().data(Qt.ItemDataRole.UserRole))

        Operation(actions_dossier.brouillons_de_nouveaux, self._contexte(), parent=self.fenetre).apres(afficher).lancer()

    # --- Porteurs et campagnes ------------------------------------------------------------------------

    def ouvrir_porteur(self, porteur_id: int) -> None:
        existant = self._cherche("porteur", porteur_id)
        if existant is not None:
            self.onglets.setCurrentWidget(existant)
            return
        def fini(fiche) -> None:
            from instruction.ui.porteur.onglet import OngletPorteur

            if self._cherche("porteur", fiche.id) is not None:
                return
            onglet = OngletPorteur(self._contexte(), self._referentiel(), fiche)
            onglet.dossier_demande.connect(self.ouvrir_dossier)
            self._ajouter(onglet, fiche.nom)

        Operation(actions_porteur.lire, self._contexte(), porteur_id, parent=self.fenetre).apres(fini).lancer()

    def nouveau_porteur(self, onglet_dossier=None) -> None:
        from instruction.ui.porteur.dialogues import DialogueNouveauPorteur

        dialogue = DialogueNouveauPorteur(self._contexte(), self._referentiel(), self.fenetre)
        dialogue.reussi.connect(lambda identifiant: self._porteur_cree(identifiant, onglet_dossier))
        dialogue.open()

    def _porteur_cree(self, identifiant: int, onglet_dossier) -> None:
        if onglet_dossier is not None:
            self._rafraichir_options(onglet_dossier, porteur=identifiant)
        else:
            self.ouvrir_porteur(identifiant)

    def nouvelle_campagne(self, onglet_dossier=None) -> None:
        from instruction.ui.porteur.dialogues import DialogueCampagne

        dialogue = DialogueCampagne(self._contexte(), self._referentiel(), self.fenetre)

        def creee(campagne) -> None:
            self.fenetre.statusBar().showMessage(f"Campagne créée : {campagne.libelle}", 8000)
            for onglet in self.onglets_de_travail():
                if hasattr(onglet, "definir_options"):
                    self._rafraichir_options(onglet, campagne=campagne.id if onglet is onglet_dossier else None)

        dialogue.reussi.connect(creee)
        dialogue.open()

    def _rafraichir_options(self, onglet, *, campagne: int | None = None, porteur: int | None = None) -> None:
        porteur_id = porteur or onglet.fiche.donnees.porteur_id or None
        Operation(actions_dossier.options, self._contexte(), porteur_id, onglet.fiche.id, parent=onglet).apres(
            lambda options: onglet.definir_options(options, campagne=campagne, porteur=porteur)).lancer()


def _premier_champ(conteneur: QWidget) -> None:
    """Met le focus sur le premier champ (dans l'ordre de la touche Tab) du conteneur qui l'accepte ; une zone
    défilante n'est pas un champ (elle prendrait le focus sans rien pouvoir saisir)."""
    from PySide6.QtWidgets import QScrollArea

    widget = conteneur.nextInFocusChain()
    while widget is not conteneur and widget is not None:
        if (conteneur.isAncestorOf(widget) and not isinstance(widget, QScrollArea) and widget.isEnabled()
                and widget.isVisibleTo(conteneur)
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()
