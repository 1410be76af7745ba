"""Connexion, mot de passe et gestion des comptes (administrateurs).

Les boîtes n'écrivent rien elles-mêmes : chaque geste lance une action (``services.actions.comptes``)
par ``Operation`` ; un refus s'affiche dans la boîte, qui garde ce qui a été tapé (sauf les mots de passe
refusés, qu'il faut retaper).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from instruction.domaine import droits
from instruction.domaine.dates import formater_horodatage
from instruction.services.actions import comptes as actions
from instruction.ui.champs import etiquette_erreur
from instruction.ui.operation import Operation


def _mot_de_passe(nom: str) -> QLineEdit:
    champ = QLineEdit()
    champ.setEchoMode(QLineEdit.EchoMode.Password)
    champ.setAccessibleName(nom)
    champ.setMinimumWidth(260)
    return champ


class DialogueConnexion(QDialog):
    """Se connecter à la base partagée. ``accepte`` → ``self.utilisateur``."""

    def __init__(self, contexte, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.utilisateur: droits.Utilisateur | None = None
        self.doit_changer = False
        self.setWindowTitle("Connexion — Instruction")
        disposition = QVBoxLayout(self)
        titre = QLabel("<b>Connectez-vous pour instruire</b>")
        disposition.addWidget(titre)
        lieu = QLabel(f"Base : {contexte.lieu}")
        lieu.setStyleSheet("color: #555;")
        disposition.addWidget(lieu)
        formes = QFormLayout()
        self.identifiant = QLineEdit(QSettings().value("connexion/identifiant", "") or "")
        self.identifiant.setAccessibleName("Identifiant")
        self.mot_de_passe = _mot_de_passe("Mot de passe")
        formes.addRow("&Identifiant :", self.identifiant)
        formes.addRow("&Mot de passe :", self.mot_de_passe)
        for ligne in range(formes.rowCount()):
            etiquette = formes.itemAt(ligne, QFormLayout.ItemRole.LabelRole).widget()
            etiquette.setBuddy(formes.itemAt(ligne, QFormLayout.ItemRole.FieldRole).widget())
        disposition.addLayout(formes)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        aide = QLabel("Mot de passe oublié : un administrateur vous en donne un provisoire.")
        aide.setStyleSheet("color: #555;")
        disposition.addWidget(aide)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Se connecter")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.accepted.connect(self._connecter)
        self.boutons.rejected.connect(self.reject)
        disposition.addWidget(self.boutons)
        (self.mot_de_passe if self.identifiant.text() else self.identifiant).setFocus()

    def _connecter(self) -> None:
        identifiant, mot_de_passe = self.identifiant.text().strip(), self.mot_de_passe.text()
        if not identifiant or not mot_de_passe:
            self.erreur.setText("Tapez votre identifiant et votre mot de passe.")
            return
        self.erreur.setText("Vérification…")
        self.boutons.setEnabled(False)

        def fini(resultat) -> None:
            self.utilisateur, self.doit_changer = resultat
            QSettings().setValue("connexion/identifiant", identifiant)
            self.accept()

        def refus(message: str) -> None:
            self.boutons.setEnabled(True)
            self.erreur.setText(message)
            self.mot_de_passe.clear()
            self.mot_de_passe.setFocus()

        Operation(actions.connecter, self.contexte, identifiant, mot_de_passe, parent=self) \
            .apres(fini).refus(refus).lancer()


class DialogueMotDePasse(QDialog):
    """Changer son mot de passe (obligatoire après un mot de passe provisoire)."""

    def __init__(self, contexte, obligatoire: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.setWindowTitle("Changer de mot de passe")
        disposition = QVBoxLayout(self)
        if obligatoire:
            intro = QLabel("Votre mot de passe est provisoire : choisissez-en un à vous (10 caractères au moins) "
                           "pour continuer.")
            intro.setWordWrap(True)
            disposition.addWidget(intro)
        formes = QFormLayout()
        self.ancien = _mot_de_passe("Mot de passe actuel")
        self.nouveau = _mot_de_passe("Nouveau mot de passe")
        self.confirmation = _mot_de_passe("Nouveau mot de passe, encore")
        formes.addRow("Mot de passe &actuel :", self.ancien)
        formes.addRow("&Nouveau mot de passe :", self.nouveau)
        formes.addRow("&Encore une fois :", self.confirmation)
        disposition.addLayout(formes)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Changer")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "Se déconnecter" if obligatoire else "Annuler")
        self.boutons.accepted.connect(self._changer)
        self.boutons.rejected.connect(self.reject)
        disposition.addWidget(self.boutons)

    def _changer(self) -> None:
        ancien, nouveau, confirmation = self.ancien.text(), self.nouveau.text(), self.confirmation.text()
        self.boutons.setEnabled(False)

        def refus(message: str) -> None:
            self.boutons.setEnabled(True)
            self.erreur.setText(message)

        Operation(actions.changer_mot_de_passe, self.contexte, ancien, nouveau, confirmation, parent=self) \
            .apres(lambda _r: self.accept()).refus(refus).lancer()


class DialogueCompte(QDialog):
    """Créer ou modifier un compte : identifiant, nom, rôle, thèmes (référent), cofinanceur (financeur)."""

    def __init__(self, referentiel, fiche=None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Modifier le compte" if fiche else "Nouveau compte")
        self.setMinimumWidth(520)
        disposition = QVBoxLayout(self)
        formes = QFormLayout()
        self.identifiant = QLineEdit(fiche.identifiant if fiche else "")
        self.nom = QLineEdit(fiche.nom if fiche else "")
        self.courriel = QLineEdit((fiche.courriel or "") if fiche else "")
        self.role = QComboBox()
        for code, libelle in droits.ROLES.items():
            self.role.addItem(libelle, code)
        if fiche:
            self.role.setCurrentIndex(self.role.findData(fiche.role))
        else:
            self.role.setCurrentIndex(self.role.findData(droits.INSTRUCTEUR))
        self.themes = QListWidget()
        self.themes.setAccessibleName("Thèmes suivis (référent)")
        for theme in referentiel.themes_referents:
            item = QListWidgetItem(theme.libelle)
            item.setData(Qt.ItemDataRole.UserRole, theme.code)
            item.setCheckState(Qt.CheckState.Checked if fiche and theme.code in fiche.themes else Qt.CheckState.Unchecked)
            self.themes.addItem(item)
        self.themes.setMinimumHeight(self.themes.sizeHintForRow(0) * 10 + 8)  # les dix thèmes d'un coup d'œil
        self.financeur = QComboBox()
        self.financeur.addItem("(choisir)", "")
        for financeur in referentiel.financeurs:
            self.financeur.addItem(financeur.libelle, financeur.code)
        if fiche and fiche.financeur:
            self.financeur.setCurrentIndex(self.financeur.findData(fiche.financeur))
        for nom, champ in (("Identifiant", self.identifiant), ("Nom et prénom", self.nom),
                           ("Adresse électronique", self.courriel), ("Rôle", self.role),
                           ("Cofinanceur", self.financeur)):
            champ.setAccessibleName(nom)
        formes.addRow("&Identifiant :", self.identifiant)
        formes.addRow("&Nom et prénom :", self.nom)
        formes.addRow("&Adresse électronique :", self.courriel)
        formes.addRow("&Rôle :", self.role)
        self.etiquette_themes = QLabel("&Thèmes suivis :")
        self.etiquette_themes.setBuddy(self.themes)
        formes.addRow(self.etiquette_themes, self.themes)
        self.etiquette_financeur = QLabel("&Cofinanceur :")
        self.etiquette_financeur.setBuddy(self.financeur)
        formes.addRow(self.etiquette_financeur, self.financeur)
        disposition.addLayout(formes)
        self.aide_role = QLabel()
        self.aide_role.setWordWrap(True)
        self.aide_role.setStyleSheet("color: #555;")
        disposition.addWidget(self.aide_role)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.rejected.connect(self.reject)
        disposition.addWidget(self.boutons)
        self.role.currentIndexChanged.connect(self._role_change)
        self._role_change()

    AIDES = {
        droits.ADMINISTRATEUR: "Tout, y compris les comptes et les réglages.",
        droits.INSTRUCTEUR: "Instruit les dossiers : saisie, pièces, circuit, examens, cotations, avis demandés, "
                            "montants accordés.",
        droits.REFERENT: "Donne les avis qu'on lui demande sur les dossiers de ses thèmes ; ne change ni un dossier "
                         "ni une décision.",
        droits.FINANCEUR: "Donne les avis demandés à son cofinanceur et n'y propose que les montants de ce "
                          "cofinanceur.",
        droits.LECTEUR: "Consulte les dossiers ; ne change rien.",
    }

    def _role_change(self) -> None:
        role = self.role.currentData()
        for widget in (self.themes, self.etiquette_themes):
            widget.setVisible(role == droits.REFERENT)
        for widget in (self.financeur, self.etiquette_financeur):
            widget.setVisible(role == droits.FINANCEUR)
        self.aide_role.setText(self.AIDES.get(role, ""))

    def saisie(self):
        from instruction.services.comptes import SaisieCompte

        themes = tuple(self.themes.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.themes.count())
                       if self.themes.item(i).checkState() == Qt.CheckState.Checked)
        return SaisieCompte(self.identifiant.text(), self.nom.text(), self.role.currentData(), self.courriel.text(),
                            themes, self.financeur.currentData() or None)


class DialogueComptes(QDialog):
    """La liste des comptes et ce qu'un administrateur en fait."""

    COLONNES = ("Identifiant", "Nom", "Rôle", "Thèmes ou cofinanceur", "État", "Dernière connexion")

    def __init__(self, contexte, referentiel, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.referentiel = referentiel
        self.fiches = []
        self.setWindowTitle("Comptes des utilisateurs")
        self.resize(980, 480)
        disposition = QVBoxLayout(self)
        intro = QLabel("Chaque personne qui instruit, donne un avis ou consulte a son compte. Dès qu'un compte "
                       "est actif, il faut se connecter pour ouvrir cette base.")
        intro.setWordWrap(True)
        disposition.addWidget(intro)
        self.table = QTableWidget(0, len(self.COLONNES))
        self.table.setHorizontalHeaderLabels(self.COLONNES)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Comptes")
        self.table.itemSelectionChanged.connect(self._selection_changee)
        self.table.doubleClicked.connect(lambda _i: self.modifier())
        disposition.addWidget(self.table)
        ligne = QHBoxLayout()
        self.bouton_nouveau = QPushButton("&Nouveau compte…")
        self.bouton_modifier = QPushButton("&Modifier…")
        self.bouton_actif = QPushButton("&Désactiver")
        self.bouton_reinitialiser = QPushButton("&Réinitialiser le mot de passe…")
        for bouton, action in ((self.bouton_nouveau, self.nouveau), (self.bouton_modifier, self.modifier),
                               (self.bouton_actif, self.basculer_actif),
                               (self.bouton_reinitialiser, self.reinitialiser)):
            bouton.clicked.connect(action)
            ligne.addWidget(bouton)
        ligne.addStretch()
        disposition.addLayout(ligne)
        # Base partagée aux rôles installés : l'identifiant PostgreSQL personnel de chaque compte.
        ligne_base = QHBoxLayout()
        self.bouton_identifiant = QPushButton("Identifiant de &base…")
        self.bouton_identifiant.setToolTip("Créer l'identifiant de connexion au serveur de ce compte, ou lui donner "
                                           "un nouveau mot de passe")
        self.bouton_identifiant.clicked.connect(self.donner_identifiant_base)
        self.bouton_retirer_identifiant = QPushButton("Retirer l'identifiant de base")
        self.bouton_retirer_identifiant.clicked.connect(self.retirer_identifiant_base)
        for bouton in (self.bouton_identifiant, self.bouton_retirer_identifiant):
            bouton.setVisible(False)
            ligne_base.addWidget(bouton)
        ligne_base.addStretch()
        disposition.addLayout(ligne_base)
        self.identifiants = None
        self.automatique = QCheckBox("Ouvrir ce fichier sans mot de passe sous le compte sélectionné "
                                     "(fichier personnel sur ce poste)")
        self.automatique.setVisible(contexte.est_sqlite)
        self.automatique.clicked.connect(self._regler_automatique)
        disposition.addWidget(self.automatique)
        self.message = QLabel()
        self.message.setWordWrap(True)
        disposition.addWidget(self.message)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        boutons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        boutons.rejected.connect(self.reject)
        disposition.addWidget(boutons)
        self.automatique_pour: str | None = None
        self.recharger()

    # --- Lecture ------------------------------------------------------------------------------

    def recharger(self, selection: int | None = None) -> None:
        Operation(actions.lister, self.contexte, parent=self) \
            .apres(lambda liste: self.afficher(liste, selection)) \
            .refus(self.erreur.setText).lancer()

    def afficher(self, liste: actions.ListeComptes, selection: int | None = None) -> None:
        fiches, automatique = liste.fiches, liste.automatique
        self.fiches = fiches
        self.automatique_pour = automatique
        self.identifiants = liste.identifiants
        avec_identifiants = liste.identifiants is not None
        self.table.setColumnCount(len(self.COLONNES) + avec_identifiants)
        self.table.setHorizontalHeaderLabels(self.COLONNES + (("Identifiant de base",) if avec_identifiants else ()))
        for bouton in (self.bouton_identifiant, self.bouton_retirer_identifiant):
            bouton.setVisible(avec_identifiants)
        themes = {t.code: t.libelle for t in self.referentiel.themes_referents}
        financeurs = {f.code: f.libelle for f in self.referentiel.financeurs}
        self.table.setRowCount(len(fiches))
        for rang, fiche in enumerate(fiches):
            if fiche.role == droits.REFERENT:
                suivi = ", ".join(themes.get(t, t) for t in fiche.themes)
            else:
                suivi = financeurs.get(fiche.financeur, "") if fiche.financeur else ""
            etat = "Actif" if fiche.actif else "Désactivé"
            if fiche.actif and fiche.a_changer:
                etat += " — mot de passe provisoire"
            if fiche.identifiant == automatique:
                etat += " — ouvre ce fichier sans mot de passe"
            valeurs = (fiche.identifiant, fiche.nom, fiche.libelle_role, suivi, etat,
                       formater_horodatage(fiche.derniere_connexion, vide="jamais"))
            if avec_identifiants:
                base = liste.identifiants.get(fiche.identifiant)
                valeurs += (("—" if base is None else base.role_base
                             + ("" if base.peut_se_connecter else " (ne se connecte pas)")),)
            for colonne, valeur in enumerate(valeurs):
                item = QTableWidgetItem(valeur)
                if not fiche.actif:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(rang, colonne, item)
            if fiche.id == selection:
                self.table.selectRow(rang)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if avec_identifiants and self.width() < 1240:  # une colonne de plus : la boîte s'élargit d'autant
            self.resize(1240, self.height())
        self._selection_changee()

    def courant(self):
        lignes = self.table.selectionModel().selectedRows()
        return self.fiches[lignes[0].row()] if lignes else None

    def _selection_changee(self) -> None:
        fiche = self.courant()
        for bouton in (self.bouton_modifier, self.bouton_actif, self.bouton_reinitialiser):
            bouton.setEnabled(fiche is not None)
        self.bouton_actif.setText("&Réactiver" if fiche is not None and not fiche.actif else "&Désactiver")
        self.automatique.setEnabled(fiche is not None and fiche.actif)
        base = self.identifiants.get(fiche.identifiant) if fiche is not None and self.identifiants else None
        self.bouton_identifiant.setEnabled(fiche is not None and fiche.actif)
        self.bouton_identifiant.setText("Nouveau mot de passe de &base…" if base is not None
                                        else "Identifiant de &base…")
        self.bouton_retirer_identifiant.setEnabled(base is not None)
        self.automatique.setChecked(fiche is not None and fiche.identifiant == self.automatique_pour)

    # --- Actions ------------------------------------------------------------------------------

    def _agir(self, action, compte_id: int | None, message: str, fiche) -> None:
        """``action(contexte, compte_id)`` ; la liste relue revient avec le compte ``fiche`` sélectionné."""
        self.erreur.clear()

        def fini(liste: actions.ListeComptes) -> None:
            self.message.setText(message)
            self.afficher(liste, fiche.id)

        Operation(action, self.contexte, compte_id, parent=self).apres(fini).refus(self.erreur.setText).lancer()

    def _formulaire(self, fiche=None) -> None:
        dialogue = DialogueCompte(self.referentiel, fiche, self)
        self.dialogue_compte = dialogue

        def enregistrer() -> None:
            saisie = dialogue.saisie()
            dialogue.boutons.setEnabled(False)

            def refus(message: str) -> None:
                dialogue.boutons.setEnabled(True)
                dialogue.erreur.setText(message)

            if fiche is None:
                def cree(resultat: actions.Provisoire) -> None:
                    dialogue.accept()
                    self.afficher(resultat.comptes, resultat.compte_id)
                    self.montrer_provisoire(saisie.identifiant, resultat.mot_de_passe)

                operation = Operation(actions.creer, self.contexte, saisie, parent=dialogue).apres(cree)
            else:
                def modifie(liste: actions.ListeComptes) -> None:
                    dialogue.accept()
                    self.message.setText(f"Compte « {saisie.identifiant} » modifié.")
                    self.afficher(liste, fiche.id)

                operation = Operation(actions.modifier, self.contexte, fiche.id, saisie, parent=dialogue).apres(modifie)
            operation.refus(refus).lancer()

        dialogue.boutons.accepted.connect(enregistrer)
        dialogue.open()

    def nouveau(self) -> None:
        self._formulaire()

    def modifier(self) -> None:
        if (fiche := self.courant()) is not None:
            self._formulaire(fiche)

    def basculer_actif(self) -> None:
        fiche = self.courant()
        if fiche is None:
            return
        if fiche.actif:
            self._agir(actions.desactiver, fiche.id, f"Compte « {fiche.identifiant} » désactivé.", fiche)
        else:
            self._agir(actions.reactiver, fiche.id, f"Compte « {fiche.identifiant} » réactivé.", fiche)

    def reinitialiser(self) -> None:
        fiche = self.courant()
        if fiche is None:
            return
        reponse = QMessageBox.question(
            self, "Réinitialiser le mot de passe",
            f"Donner un mot de passe provisoire à {fiche.nom} ? L'ancien ne marchera plus.")
        if reponse != QMessageBox.StandardButton.Yes:
            return
        self.erreur.clear()

        def fini(resultat: actions.Provisoire) -> None:
            self.afficher(resultat.comptes, fiche.id)
            self.montrer_provisoire(fiche.identifiant, resultat.mot_de_passe)

        Operation(actions.reinitialiser, self.contexte, fiche.id, parent=self) \
            .apres(fini).refus(self.erreur.setText).lancer()

    def donner_identifiant_base(self) -> None:
        fiche = self.courant()
        if fiche is None:
            return
        self.erreur.clear()

        def fini(resultat: actions.IdentifiantDonne) -> None:
            self.afficher(resultat.comptes, fiche.id)
            self.montrer_identifiant_base(fiche.nom, resultat.role_base, resultat.mot_de_passe)

        Operation(actions.donner_identifiant_base, self.contexte, fiche.id, parent=self) \
            .apres(fini).refus(self.erreur.setText).lancer()

    def retirer_identifiant_base(self) -> None:
        fiche = self.courant()
        base = self.identifiants.get(fiche.identifiant) if fiche is not None and self.identifiants else None
        if base is None:
            return
        reponse = QMessageBox.question(
            self, "Retirer l'identifiant de base",
            f"Supprimer l'identifiant de base « {base.role_base} » de {fiche.nom} ? Cette personne ne pourra plus "
            "se connecter au serveur depuis son poste (son compte dans l'application reste).")
        if reponse != QMessageBox.StandardButton.Yes:
            return
        self.erreur.clear()
        Operation(actions.retirer_identifiant_base, self.contexte, base.role_base, parent=self) \
            .apres(lambda liste: (self.afficher(liste, fiche.id), self.message.setText(
                f"Identifiant de base « {base.role_base} » supprimé."))).refus(self.erreur.setText).lancer()

    def montrer_identifiant_base(self, nom: str, role_base: str, mot_de_passe: str) -> None:
        """L'identifiant de base et son mot de passe, montrés une seule fois (le serveur n'en garde que
        l'empreinte)."""
        boite = QMessageBox(self)
        boite.setWindowTitle("Identifiant de base")
        boite.setIcon(QMessageBox.Icon.Information)
        boite.setTextFormat(Qt.TextFormat.RichText)
        boite.setText(f"Identifiant de connexion au serveur de {html.escape(nom)} :<br><br>"
                      f"<span style='font-family: monospace; font-size: 13pt'>{html.escape(role_base)}</span><br>"
                      f"Mot de passe : <span style='font-family: monospace; font-size: 13pt'>"
                      f"{html.escape(mot_de_passe)}</span><br><br>"
                      "À mettre dans l'adresse de la base de son poste (voir l'administration). Il ne sera plus "
                      "affiché ; en cas d'oubli, redonnez un mot de passe de base.")
        boite.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.boite_identifiant = boite
        boite.open()

    def montrer_provisoire(self, identifiant: str, provisoire: str) -> None:
        """Le mot de passe provisoire, montré une seule fois (il n'est écrit nulle part en clair)."""
        boite = QMessageBox(self)
        boite.setWindowTitle("Mot de passe provisoire")
        boite.setIcon(QMessageBox.Icon.Information)
        boite.setTextFormat(Qt.TextFormat.RichText)
        boite.setText(f"Mot de passe provisoire du compte <b>{identifiant}</b> :<br><br>"
                      f"<span style='font-family: monospace; font-size: 14pt'>{provisoire}</span><br><br>"
                      "Transmettez-le à la personne : il ne sera plus affiché. Elle le changera à sa première "
                      "connexion.")
        boite.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.boite_provisoire = boite
        boite.open()

    def _regler_automatique(self, coche: bool) -> None:
        fiche = self.courant()
        if fiche is None:
            return
        message = (f"Ce fichier s'ouvrira sans mot de passe sous le compte « {fiche.identifiant} »." if coche
                   else "Ce fichier demandera de se connecter.")
        self._agir(actions.regler_connexion_automatique, fiche.id if coche else None, message, fiche)
