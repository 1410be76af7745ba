"""L'onglet d'un porteur : identité, contacts, histoires datées, dossiers de toutes les années.

Lire, enregistrer et relire passent par les actions de ``services.actions.porteur`` (``Operation``).
Un enregistrement refusé parce qu'un autre l'a fait entre-temps (``Conflit``) ouvre la boîte du conflit,
qui sait « recharger et réappliquer » : la fiche relue, avec par-dessus ce que l'utilisateur a changé.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates, etats
from instruction.domaine import referentiel as r
from instruction.domaine.erreurs import Conflit
from instruction.services.actions import porteur as actions
from instruction.services.porteurs import FichePorteur
from instruction.ui import erreurs
from instruction.ui.champs import Formulaire
from instruction.ui.operation import Operation
from instruction.ui.porteur.dialogues import DialogueVersion
from instruction.ui.porteur.identite import CHAMPS_VERSION, TITRES_VERSION, FormulaireIdentite
from instruction.ui.tableau_lignes import Colonne, TableauLignes
from instruction.ui.tableaux import remplir_table, table_lecture
from instruction.domaine.validation import SaisieInvalide


def _afficher(champ: str, valeur: str | None) -> str:
    if champ == "iban" and valeur:
        from stdnum import iban

        return iban.format(valeur)
    return valeur or ""


class OngletPorteur(QWidget):
    enregistre = Signal(int)
    titre_change = Signal()
    dossier_demande = Signal(int)

    def __init__(self, contexte, referentiel: r.Referentiel, fiche: FichePorteur) -> None:
        super().__init__()
        self.contexte, self.fiche, self.modifie = contexte, fiche, False
        self.formulaire = Formulaire()
        self.identite = FormulaireIdentite(referentiel, self.formulaire)
        self.contacts = TableauLignes(
            [Colonne("nom", "Nom", 170), Colonne("fonction", "Fonction", 170), Colonne("telephone", "Téléphone", 120),
             Colonne("courriel", "Courriel", 200, etirer=True)],
            "contacts", "Contacts", ajout="Ajouter un contact", hauteur=110,
        )
        self.formulaire.enregistrer_afficheur(self.contacts.afficher_erreurs)
        groupe_contacts = QGroupBox("Personnes à contacter")
        QVBoxLayout(groupe_contacts).addWidget(self.contacts)

        self.titre = QLabel()
        self.titre.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.titre.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.bouton_enregistrer = QPushButton("&Enregistrer")
        self.bouton_enregistrer.setToolTip("Enregistrer l'identité et les contacts (Ctrl+S)")
        self.bouton_enregistrer.clicked.connect(self.enregistrer)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.enregistrer)

        self.histoires: dict[str, QTableWidget] = {}
        droite = QWidget()
        colonne_d = QVBoxLayout(droite)
        for genre in ("noms", "representants", "comptes"):
            colonne_d.addWidget(self._groupe_histoire(genre))
        self.dossiers = QTableWidget(0, 5)
        self.dossiers.setHorizontalHeaderLabels(["N°", "Intitulé", "Année", "Dispositif", "État"])
        self.dossiers.setAccessibleName("Dossiers du porteur")
        self.dossiers.verticalHeader().hide()
        self.dossiers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.dossiers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dossiers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.dossiers.doubleClicked.connect(self._ouvrir_dossier)
        self.historique = table_lecture(["Date", "Par", "Action", "Champ", "Avant", "Après"],
                                        "Historique des modifications du porteur", (4, 5))
        self.suivi = QTabWidget()
        self.suivi.addTab(self.dossiers, "Dossiers (toutes années) — double-cliquer pour ouvrir")
        self.suivi.addTab(self.historique, "Historique des modifications")
        colonne_d.addWidget(self.suivi, 1)

        gauche = QWidget()
        colonne_g = QVBoxLayout(gauche)
        colonne_g.addWidget(self.identite)
        colonne_g.addWidget(groupe_contacts)
        colonne_g.addStretch(1)
        zone = QScrollArea()
        zone.setWidgetResizable(True)
        zone.setWidget(gauche)

        entete = QHBoxLayout()
        entete.addWidget(self.titre, 1)
        entete.addWidget(self.bouton_enregistrer)
        corps = QHBoxLayout()
        corps.addWidget(zone, 5)
        corps.addWidget(droite, 6)
        disposition = QVBoxLayout(self)
        disposition.addLayout(entete)
        disposition.addWidget(self.message)
        disposition.addLayout(corps, 1)

        self.afficher(fiche)
        self.identite.modifie.connect(self._sur_modification)
        self.contacts.modele.lignes_modifiees.connect(self._sur_modification)
        if not contexte.utilisateur.peut("porteur.modifier"):
            from instruction.ui.champs import mettre_en_consultation

            mettre_en_consultation(gauche)
            for bouton in self.findChildren(QPushButton):
                bouton.setEnabled(False)
            self.bouton_enregistrer.hide()
            self.message.setText("Consultation : votre rôle ne modifie pas les porteurs.")

    @property
    def titre_onglet(self) -> str:
        return self.fiche.nom[:28] + (" *" if self.modifie else "")

    def _groupe_histoire(self, genre: str) -> QGroupBox:
        groupe = QGroupBox(TITRES_VERSION[genre] + " — historique daté")
        champs = CHAMPS_VERSION[genre]
        table = QTableWidget(0, len(champs) + 2)
        table.setHorizontalHeaderLabels([libelle.replace("&", "") for _c, libelle in champs] + ["Depuis", "Jusqu'au"])
        table.setAccessibleName(TITRES_VERSION[genre])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMaximumHeight(120)
        self.histoires[genre] = table
        changer = QPushButton("Changement daté…")
        changer.setToolTip("Nouvelle version à partir d'une date ; l'ancienne reste dans l'historique")
        changer.clicked.connect(lambda: self._version(genre, None))
        corriger = QPushButton("Corriger…")
        corriger.setToolTip("Corriger la version choisie (faute de frappe, dates)")
        corriger.clicked.connect(lambda: self._version(genre, self._version_choisie(genre)))
        table.doubleClicked.connect(lambda _i: self._version(genre, self._version_choisie(genre)))
        boutons = QHBoxLayout()
        boutons.addWidget(changer)
        boutons.addWidget(corriger)
        boutons.addStretch(1)
        colonne = QVBoxLayout(groupe)
        colonne.addWidget(table)
        colonne.addLayout(boutons)
        return groupe

    def _version_choisie(self, genre: str):
        rang = self.histoires[genre].currentRow()
        versions = getattr(self.fiche, genre)
        return versions[rang] if 0 <= rang < len(versions) else None

    def _version(self, genre: str, version) -> None:
        if version is None and self.sender() and "Corriger" in getattr(self.sender(), "text", lambda: "")():
            QMessageBox.information(self, "Corriger", "Choisissez d'abord la version à corriger dans le tableau.")
            return
        dialogue = DialogueVersion(self.contexte, self.fiche.id, genre, version, self)
        dialogue.reussi.connect(self._relue)
        dialogue.open()

    def afficher(self, fiche: FichePorteur) -> None:
        self.fiche = fiche
        self.titre.setText(fiche.nom + (f" ({fiche.identite['sigle']})" if fiche.identite.get("sigle") else ""))
        self.identite.blockSignals(True)
        self.identite.remplir(fiche.identite)
        self.identite.blockSignals(False)
        self.contacts.modele.remplacer([{k: v or "" for k, v in c.items()} for c in fiche.contacts])
        # Telles que lues : ce qui en diffère ensuite, c'est l'utilisateur qui l'a changé.
        self._identite_lue, self._contacts_lus = self.identite.valeurs(), self.contacts.modele.lignes()
        for genre, table in self.histoires.items():
            versions = getattr(fiche, genre)
            champs = CHAMPS_VERSION[genre]
            table.setRowCount(len(versions))
            for rang, v in enumerate(versions):
                valeurs = [_afficher(c, v.valeurs.get(c)) for c, _l in champs]
                valeurs += [dates.formater(v.depuis, vide="(origine)"), dates.formater(v.jusqu_a, vide="en cours")]
                for colonne, valeur in enumerate(valeurs):
                    cellule = QTableWidgetItem(valeur)
                    if v.en_cours:
                        police = cellule.font()
                        police.setBold(True)
                        cellule.setFont(police)
                    table.setItem(rang, colonne, cellule)
        remplir_table(self.historique, [
            [dates.formater_horodatage(e.le), e.acteur, e.action, e.champ or "", e.ancien or "", e.nouveau or ""]
            for e in fiche.historique])
        self.dossiers.setRowCount(len(fiche.dossiers))
        for rang, dossier in enumerate(fiche.dossiers):
            for colonne, valeur in enumerate(
                (dossier.numero, dossier.intitule, str(dossier.annee), dossier.dispositif.upper(),
                 etats.libelle(dossier.etat))
            ):
                cellule = QTableWidgetItem(valeur)
                cellule.setData(Qt.ItemDataRole.UserRole, dossier.id)
                self.dossiers.setItem(rang, colonne, cellule)
        self._marquer(False)

    def _ouvrir_dossier(self, index) -> None:
        identifiant = self.dossiers.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        self.dossier_demande.emit(identifiant)

    def _sur_modification(self, *_args) -> None:
        self._marquer(True)

    def _marquer(self, modifie: bool) -> None:
        if modifie != self.modifie:
            self.modifie = modifie
            self.titre_change.emit()

    def recharger(self) -> None:
        Operation(actions.lire, self.contexte, self.fiche.id, parent=self).apres(self._relue).lancer()

    def _relue(self, fiche: FichePorteur) -> None:
        """La fiche relue (après un conflit ou un changement daté) ; les modifications en cours y restent."""
        modifie = self.modifie
        lue, contacts_lus = self._identite_lue, self._contacts_lus
        identite, contacts = self.identite.valeurs(), self.contacts.modele.lignes()
        self.afficher(fiche)
        if modifie:
            # Les modifications en cours ne sont pas perdues, et ce que d'autres ont enregistré non plus :
            # seuls les champs changés ici depuis la lecture sont remis sur la fiche relue.
            fraiche = self.identite.valeurs()
            self.identite.remplir({champ: identite[champ] if identite.get(champ) != lue.get(champ) else valeur
                                   for champ, valeur in fraiche.items()}
                                  | {"nom": fiche.identite["nom"] or "", "sigle": fiche.identite["sigle"] or ""})
            if contacts != contacts_lus:
                self.contacts.modele.remplacer(contacts)
            self._marquer(True)
            self.message.setText("<span style='color:#8a5300'>Fiche relue telle qu'elle est enregistrée ; vos "
                                 "modifications en cours y sont réappliquées. Vérifiez, puis enregistrez "
                                 "(Ctrl+S).</span>")
        self.enregistre.emit(fiche.id)

    def enregistrer(self) -> None:
        identite, contacts = self.identite.valeurs(), self.contacts.modele.lignes()
        self.contacts.modele.numeroter(0)

        def echec(erreur, trace) -> None:
            if isinstance(erreur, SaisieInvalide):
                par_champ: dict[str, str] = {}
                for e in erreur.erreurs:
                    par_champ.setdefault(e.champ, e.message)
                premier = self.formulaire.afficher_erreurs(par_champ)
                self.message.setText(f"<span style='color:#b00020'>{len(erreur.erreurs)} erreur(s) à corriger ; "
                                     "rien n'a été enregistré, votre saisie est intacte.</span>")
                if premier is not None:
                    premier.setFocus()
            elif isinstance(erreur, Conflit):
                from instruction.ui.dialogue_conflit import DialogueConflit

                self.message.setText("<span style='color:#b00020'><b>Enregistrement refusé</b> : ce porteur a été "
                                     "modifié par quelqu'un d'autre entre-temps ; votre saisie est intacte à "
                                     "l'écran.</span>")
                self.dialogue_conflit = DialogueConflit(erreur, self)
                self.dialogue_conflit.rechargement_demande.connect(self.recharger)
                self.dialogue_conflit.open()
            else:
                erreurs.montrer(erreur, trace, self)

        def fini(fiche: FichePorteur) -> None:
            self.formulaire.effacer_erreurs()
            self.afficher(fiche)
            self.message.setText("<span style='color:#1b6e20'>Porteur enregistré.</span>")
            self.enregistre.emit(fiche.id)

        Operation(actions.enregistrer, self.contexte, self.fiche.id, identite, contacts, self.fiche.version,
                  parent=self).apres(fini).echec(echec).lancer()

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        if not self.modifie:
            return True
        reponse = QMessageBox.question(
            self, "Modifications non enregistrées",
            f"Les modifications de « {self.fiche.nom} » ne sont pas enregistrées. Fermer quand même et les perdre ?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        return reponse == QMessageBox.StandardButton.Discard
