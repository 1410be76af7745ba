"""Section « 9 Avis » : les avis des référents et des cofinanceurs, côte à côte.

Une ligne par avis demandé : destinataire, échéance, sens, montant proposé pour chaque cofinanceur
(une colonne par cofinanceur, à comparer avec le montant demandé en tête de colonne) et commentaire.
L'instructeur demande, relance ou retire ; le destinataire (ou l'instructeur, pour un avis reçu par
un autre canal) donne l'avis. Chaque geste est une action (``services.actions.avis``) lancée par
``Operation`` ; les services vérifient qui a le droit de quoi.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, dates, droits
from instruction.services.actions import avis as actions
from instruction.ui.champs import TexteLong, champ_date, champ_nombre, etiquette_erreur
from instruction.ui.dossier.section import LueALaDemande
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

COULEURS_SENS = {"favorable": "#1b6e20", "reserve": "#8a5300", "defavorable": "#b00020"}
# Les colonnes autour de celles des cofinanceurs (une par cofinanceur, entre les deux).
COLONNES_AVANT = ("Avis de", "Thème", "Échéance", "Avis")
COLONNES_APRES = ("Commentaire", "Donné par, le")
LARGEUR_AVIS_DE = 200  # au-delà, le nom s'abrège (en entier dans la bulle et le panneau de détail)


def montant_compact(montant: Decimal) -> str:
    """« 7 378 € » pour un montant rond, « 7 378,50 € » sinon : exact, sans centimes inutiles."""
    texte = argent.formater(montant)
    return texte.replace(",00", "") if montant == montant.to_integral_value() else texte


def _rang(financeurs: dict, code: str) -> int:
    return list(financeurs).index(code) if code in financeurs else len(financeurs)


def _premiere_ligne(texte: str | None) -> str:
    lignes = (texte or "").strip().splitlines()
    return lignes[0] + (" …" if len(lignes) > 1 else "") if lignes else ""


class DialogueDemandeAvis(QDialog):
    """Choisir les référents et cofinanceurs à solliciter (les proposés sont cochés) et l'échéance."""

    def __init__(self, destinataires, echeance: dt.date, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Demander des avis")
        self.resize(640, 520)
        self.destinataires = destinataires
        disposition = QVBoxLayout(self)
        intro = QLabel("Cochez les référents et les cofinanceurs à solliciter. Sont proposés : les référents des "
                       "thèmes que suivent les objectifs du dossier et les cofinanceurs sollicités par son budget.")
        intro.setWordWrap(True)
        disposition.addWidget(intro)
        self.liste = QListWidget()
        self.liste.setAccessibleName("Destinataires des demandes d'avis")
        for rang, destinataire in enumerate(destinataires):
            texte = destinataire.libelle
            if destinataire.deja_demande:
                texte += " — déjà sollicité"
            elif destinataire.propose:
                texte += " — proposé"
            item = QListWidgetItem(texte)
            item.setData(Qt.ItemDataRole.UserRole, rang)
            if destinataire.deja_demande:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Unchecked)
            else:
                item.setCheckState(Qt.CheckState.Checked if destinataire.propose else Qt.CheckState.Unchecked)
            self.liste.addItem(item)
        if not any(d.compte_id for d in destinataires):
            aucun = QLabel("<i>Aucun compte de référent n'existe encore : un administrateur les crée (menu "
                           "Instruction › Comptes des utilisateurs).</i>")
            aucun.setWordWrap(True)
            disposition.addWidget(aucun)
        disposition.addWidget(self.liste, 1)
        formes = QFormLayout()
        self.echeance = champ_date()
        self.echeance.setText(dates.formater(echeance))
        self.echeance.setAccessibleName("Échéance des avis")
        formes.addRow("É&chéance :", self.echeance)
        disposition.addLayout(formes)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Demander")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.rejected.connect(self.reject)
        disposition.addWidget(self.boutons)

    def choisis(self) -> list:
        return [self.destinataires[self.liste.item(i).data(Qt.ItemDataRole.UserRole)]
                for i in range(self.liste.count()) if self.liste.item(i).checkState() == Qt.CheckState.Checked]

    def date_echeance(self) -> dt.date | None:
        from instruction.domaine.erreurs import DonneesInvalides

        try:
            return dates.lire(self.echeance.text())
        except (DonneesInvalides, ValueError):
            return None


class DialogueAvis(QDialog):
    """Donner (ou corriger) un avis : sens, montant proposé par cofinanceur, commentaire, confidentialité."""

    def __init__(self, ligne, financeurs: dict[str, tuple[str, Decimal]], utilisateur: droits.Utilisateur,
                 parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Avis sur le dossier {ligne.dossier_numero}")
        self.setMinimumWidth(620)
        disposition = QVBoxLayout(self)
        pour = ligne.destinataire + (f" (thème {ligne.theme})" if ligne.theme else "")
        entete = QLabel(f"<b>{ligne.dossier_numero}</b> — {ligne.dossier_intitule}<br>Avis demandé à <b>{pour}</b> "
                        f"par {ligne.demandee_par}, pour le {dates.formater(ligne.echeance)}.")
        entete.setWordWrap(True)
        disposition.addWidget(entete)
        if utilisateur.id is None or (ligne.destinataire and utilisateur.nom != ligne.destinataire
                                      and utilisateur.role in (droits.ADMINISTRATEUR, droits.INSTRUCTEUR)):
            au_nom = QLabel("<i>Vous saisissez cet avis au nom du destinataire (reçu par un autre canal) : "
                            "l'historique gardera que vous l'avez saisi.</i>")
            au_nom.setWordWrap(True)
            disposition.addWidget(au_nom)
        sens = QHBoxLayout()
        self.groupe = QButtonGroup(self)
        self.boutons_sens: dict[str, QRadioButton] = {}
        for code, libelle in (("favorable", "&Favorable"), ("reserve", "&Réservé"), ("defavorable", "&Défavorable")):
            bouton = QRadioButton(libelle)
            bouton.setAccessibleName(f"Avis {libelle.replace('&', '').lower()}")
            self.groupe.addButton(bouton)
            self.boutons_sens[code] = bouton
            sens.addWidget(bouton)
        sens.addStretch(1)
        if ligne.sens in self.boutons_sens:
            self.boutons_sens[ligne.sens].setChecked(True)
        disposition.addLayout(sens)
        if financeurs:
            disposition.addWidget(QLabel("Montant proposé pour chaque cofinanceur (vide : pas de proposition) :"))
        formes = QFormLayout()
        self.montants: dict[str, QLineEdit] = {}
        for code, (libelle, demande) in financeurs.items():
            if utilisateur.role == droits.FINANCEUR and code != utilisateur.financeur:
                continue  # un financeur ne propose que le montant de son cofinanceur
            champ = champ_nombre(140)
            champ.setAccessibleName(f"Montant proposé : {libelle}")
            if code in ligne.montants:
                champ.setText(argent.formater(ligne.montants[code]).replace("\u202f€", "").replace(" €", ""))
            champ.setPlaceholderText("aucun")
            self.montants[code] = champ
            formes.addRow(f"{libelle} (demandé {argent.formater(demande)}) :", champ)
        disposition.addLayout(formes)
        self.commentaire = TexteLong(110)
        self.commentaire.setAccessibleName("Commentaire de l'avis")
        self.commentaire.setPlainText(ligne.commentaire or "")
        disposition.addWidget(QLabel("&Commentaire (obligatoire pour un avis réservé ou défavorable) :",
                                     buddy=self.commentaire))
        disposition.addWidget(self.commentaire)
        self.confidentiel = QCheckBox("Avis &confidentiel : lu seulement par les instructeurs")
        self.confidentiel.setChecked(ligne.confidentiel)
        disposition.addWidget(self.confidentiel)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Donner l'avis")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.rejected.connect(self.reject)
        disposition.addWidget(self.boutons)

    def saisie(self):
        from instruction.services.avis import SaisieAvis

        sens = next((code for code, bouton in self.boutons_sens.items() if bouton.isChecked()), "")
        return SaisieAvis(sens, self.commentaire.toPlainText(), self.confidentiel.isChecked(),
                          {code: champ.text() for code, champ in self.montants.items()})


class SectionAvis(LueALaDemande, QWidget):
    """Les avis demandés pour le dossier, côte à côte ; demander, donner, relancer, retirer."""

    def __init__(self, contexte, referentiel) -> None:
        super().__init__()
        self.contexte = contexte
        self.referentiel = referentiel
        self.dossier_id: int | None = None
        self.numero = ""
        self.demandes: dict[str, Decimal] = {}  # montant demandé par cofinanceur (budget du dossier)
        self.lignes: list = []
        self.resume = QLabel()
        self.resume.setWordWrap(True)
        self.table = table_lecture(list(COLONNES_AVANT + COLONNES_APRES), "Avis des référents et des cofinanceurs")
        self.table.setWordWrap(False)  # une ligne par avis : le texte long s'abrège, en entier dans le détail
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.itemSelectionChanged.connect(self._selection)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Détail de l'avis choisi")
        self.detail.setOpenLinks(False)
        self.detail.setMinimumHeight(60)
        self.table.doubleClicked.connect(lambda _i: self.donner())
        self.bouton_demander = QPushButton("&Demander des avis…")
        self.bouton_demander.clicked.connect(self.demander)
        self.bouton_donner = QPushButton("Donner l'a&vis…")
        self.bouton_donner.clicked.connect(self.donner)
        self.bouton_relancer = QPushButton("Re&lancer")
        self.bouton_relancer.setToolTip("Noter la relance d'un avis attendu (la date de relance s'affiche)")
        self.bouton_relancer.clicked.connect(self.relancer)
        self.bouton_retirer = QPushButton("Re&tirer la demande")
        self.bouton_retirer.clicked.connect(self.retirer)
        boutons = QHBoxLayout()
        for bouton in (self.bouton_demander, self.bouton_donner, self.bouton_relancer, self.bouton_retirer):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(self.resume)
        self.separation = QSplitter(Qt.Orientation.Vertical)
        self.separation.addWidget(self.table)
        self.separation.addWidget(self.detail)
        self.separation.setStretchFactor(0, 3)
        self.separation.setStretchFactor(1, 1)
        self.separation.setChildrenCollapsible(False)
        disposition.addWidget(self.separation, 1)
        disposition.addLayout(boutons)
        disposition.addWidget(self.message)
        self._selection()

    @property
    def utilisateur(self) -> droits.Utilisateur:
        return self.contexte.utilisateur

    def charger(self, dossier_id: int | None, numero: str, demandes: dict[str, Decimal]) -> None:
        self.dossier_id, self.numero, self.demandes = dossier_id, numero, demandes
        if dossier_id is None:
            self.afficher([])
            return
        self.relire()

    def precharger(self, lignes: list) -> None:
        """Les avis déjà lus avec le dossier : la section n'a pas à les relire à son affichage."""
        self._a_relire = False
        self.afficher(lignes)

    def lire_maintenant(self) -> None:
        Operation(actions.du_dossier, self.contexte, self.dossier_id, parent=self) \
            .apres(self.afficher).refus(self.message.setText).lancer()

    def _financeurs(self) -> dict[str, tuple[str, Decimal]]:
        """Les cofinanceurs sollicités (et ceux qu'un avis cite), avec le montant demandé."""
        libelles = {f.code: f.sigle or f.libelle for f in self.referentiel.financeurs}
        codes = list(self.demandes)
        for ligne in self.lignes:  # un cofinanceur sollicité pour avis propose aussi, même hors budget
            codes += [c for c in (ligne.financeur_code, *ligne.montants) if c and c not in codes]
        if self.utilisateur.financeur and self.utilisateur.financeur not in codes:
            codes.append(self.utilisateur.financeur)
        return {c: (libelles.get(c, c), self.demandes.get(c, Decimal(0))) for c in codes}

    def _noms_complets(self) -> dict[str, str]:
        return {f.code: f.libelle for f in self.referentiel.financeurs}

    def _nom_court(self, ligne) -> str:
        """Un cofinanceur sollicité se lit par son sigle, comme en tête de sa colonne ; un référent par son nom."""
        financeur = next((f for f in self.referentiel.financeurs if f.code == ligne.financeur_code), None)
        if financeur is not None and financeur.sigle and ligne.destinataire == financeur.libelle:
            return financeur.sigle
        return ligne.destinataire

    def _sens(self, ligne) -> str:
        sens = ligne.libelle_sens
        if ligne.masque:
            return "Confidentiel"
        if ligne.confidentiel:
            sens += " (confidentiel)"
        if ligne.relancee_le and ligne.sens is None:
            sens += ", relancé"
        return sens

    def afficher(self, lignes: list) -> None:
        self.lignes = lignes
        financeurs = self._financeurs()
        noms = self._noms_complets()
        self.premiere_colonne_financeur = len(COLONNES_AVANT)
        colonnes = list(COLONNES_AVANT) + [
            f"{libelle}\n(dem. {montant_compact(financeurs[code][1])})" if code in self.demandes else
            f"{libelle}\n(hors budget)" for code, (libelle, _demande) in financeurs.items()] + list(COLONNES_APRES)
        self.table.clear()
        self.table.setColumnCount(len(colonnes))
        self.table.setHorizontalHeaderLabels(colonnes)
        for rang, (code, (libelle, demande)) in enumerate(financeurs.items(), start=len(COLONNES_AVANT)):
            self.table.horizontalHeaderItem(rang).setToolTip(
                f"{noms.get(code, libelle)} — montant demandé au budget du dossier : {argent.formater(demande)}"
                if code in self.demandes else f"{noms.get(code, libelle)} — pas sollicité au budget du dossier")
        rangs, couleurs, bulles = [], {}, {}
        for rang, ligne in enumerate(lignes):
            montants = [montant_compact(ligne.montants[c]) if c in ligne.montants else "" for c in financeurs]
            donne = f"{ligne.auteur}, {dates.formater(ligne.donne_le.date())}" if ligne.donne_le else ""
            rangs.append([self._nom_court(ligne), ligne.theme or "", dates.formater(ligne.echeance),
                          self._sens(ligne)] + montants + [_premiere_ligne(ligne.commentaire), donne])
            couleurs[(rang, 3)] = "#b00020" if ligne.en_retard else COULEURS_SENS.get(ligne.sens or "", "#555555")
            if ligne.en_retard:
                couleurs[(rang, 2)] = "#b00020"
            bulles[rang] = self._bulle(ligne, financeurs, noms)
        remplir_table(self.table, rangs, couleurs, bulles)
        for rang in range(len(lignes)):
            for colonne in range(len(COLONNES_AVANT), len(COLONNES_AVANT) + len(financeurs)):
                self.table.item(rang, colonne).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setColumnHidden(1, not any(ligne.theme for ligne in lignes))
        self._dimensionner(len(colonnes))
        self._resumer(lignes)
        self._selection()

    def _bulle(self, ligne, financeurs, noms) -> str:
        """L'avis en entier, en texte enrichi (que Qt replie à la largeur de la bulle) : la même chose que le
        panneau de détail, pour qui survole la table."""
        return "<qt>" + self.detail_html(ligne, financeurs, noms) + "</qt>"

    def detail_html(self, ligne, financeurs=None, noms=None) -> str:
        financeurs = self._financeurs() if financeurs is None else financeurs
        noms = self._noms_complets() if noms is None else noms
        pour = escape(ligne.destinataire) + (f" (thème {escape(ligne.theme)})" if ligne.theme else "")
        morceaux = [f"<b>Avis de {pour}</b> — <span style='color:"
                    f"{'#b00020' if ligne.en_retard else COULEURS_SENS.get(ligne.sens or '', '#555555')}'>"
                    f"<b>{escape(ligne.libelle_sens)}</b></span>"
                    + (" (confidentiel)" if ligne.confidentiel and not ligne.masque else ""),
                    f"Demandé le {dates.formater(ligne.demandee_le.date())} par {escape(ligne.demandee_par)}, "
                    f"pour le {dates.formater(ligne.echeance)}"
                    + (f" ; relancé le {dates.formater(ligne.relancee_le.date())}" if ligne.relancee_le else "")
                    + "."]
        if ligne.montants:
            proposes = [f"{escape(noms.get(code, financeurs.get(code, (code,))[0]))} : "
                        f"<b>{argent.formater(montant)}</b>"
                        + (f" (demandé {argent.formater(financeurs[code][1])})" if code in financeurs else "")
                        for code, montant in sorted(ligne.montants.items(), key=lambda c: _rang(financeurs, c[0]))]
            morceaux.append("Montants proposés : " + " ; ".join(proposes) + ".")
        if ligne.commentaire:
            morceaux.append("Commentaire : " + escape(ligne.commentaire).replace("\n", "<br/>"))
        if ligne.donne_le:
            morceaux.append(f"Donné par {escape(ligne.auteur or '')} le {dates.formater_horodatage(ligne.donne_le)}.")
        return "<br/>".join(morceaux).replace("\u202f", "\u00a0")  # QTextDocument coupe à l'espace fine

    def _dimensionner(self, nombre: int) -> None:
        """Tout tient dans la largeur : colonnes courtes à leur contenu, « Avis de » bornée (nom complet dans la
        bulle), le commentaire prend le reste et s'abrège (en entier dans la bulle et le panneau de détail)."""
        entete = self.table.horizontalHeader()
        for colonne in range(nombre):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.ResizeToContents)
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        entete.setSectionResizeMode(nombre - 2, QHeaderView.ResizeMode.Stretch)
        largeur = max(self.table.sizeHintForColumn(0), entete.sectionSizeHint(0))
        entete.resizeSection(0, min(largeur + 8, LARGEUR_AVIS_DE))

    def _resumer(self, lignes: list) -> None:
        compte = {s: sum(1 for ligne in lignes if ligne.sens == s) for s in COULEURS_SENS}
        attendus = sum(1 for ligne in lignes if ligne.sens is None and not ligne.masque)
        retards = sum(1 for ligne in lignes if ligne.en_retard)
        if not lignes:
            self.resume.setText("Aucun avis demandé sur ce dossier." if self.dossier_id else
                                "Enregistrez le dossier avant de demander des avis.")
        else:
            morceaux = [f"{n} {libelle}" for n, libelle in ((compte["favorable"], "favorable(s)"),
                                                           (compte["reserve"], "réservé(s)"),
                                                           (compte["defavorable"], "défavorable(s)"),
                                                           (attendus, "attendu(s)")) if n]
            texte = f"{len(lignes)} avis demandé(s) : " + ", ".join(morceaux) + "."
            if retards:
                texte += f" <span style='color:#b00020'><b>{retards} en retard</b> : à relancer.</span>"
            self.resume.setText(texte)

    def courant(self):
        lignes = self.table.selectionModel().selectedRows()
        return self.lignes[lignes[0].row()] if lignes and lignes[0].row() < len(self.lignes) else None

    def _selection(self) -> None:
        ligne = self.courant()
        if ligne is not None:
            self.detail.setHtml(self.detail_html(ligne))
        else:
            self.detail.setHtml("<span style='color:#5f6b78'>Choisissez un avis pour le lire en entier : "
                                "montants proposés, commentaire, auteur.</span>" if self.lignes else "")
        peut_demander = self.utilisateur.peut("avis.demander") and self.dossier_id is not None
        self.bouton_demander.setVisible(self.utilisateur.peut("avis.demander"))
        self.bouton_demander.setEnabled(peut_demander)
        self.bouton_donner.setEnabled(ligne is not None and ligne.peut_repondre)
        self.bouton_donner.setText("Corriger l'a&vis…" if ligne is not None and ligne.sens else "Donner l'a&vis…")
        attendu = ligne is not None and ligne.sens is None and not ligne.masque
        for bouton in (self.bouton_relancer, self.bouton_retirer):
            bouton.setVisible(self.utilisateur.peut("avis.demander"))
            bouton.setEnabled(attendu)

    def montrer_demande(self, demande_id: int) -> None:
        for rang, ligne in enumerate(self.lignes):
            if ligne.demande_id == demande_id:
                self.table.selectRow(rang)

    # --- Actions ------------------------------------------------------------------------------

    def _apres(self, message: str):
        def fini(lignes) -> None:
            self.afficher(lignes)
            self.message.setText(f"<span style='color:#1b6e20'>{message}</span>")

        return fini

    def demander(self) -> None:
        if self.dossier_id is None:
            return
        Operation(actions.a_demander, self.contexte, self.dossier_id, parent=self) \
            .apres(lambda r: self._choisir(*r)).refus(self.message.setText).lancer()

    def _choisir(self, destinataires, echeance) -> None:
        dialogue = DialogueDemandeAvis(destinataires, echeance, self)
        self.dialogue = dialogue
        dossier_id = self.dossier_id

        def envoyer() -> None:
            choisis, jour = dialogue.choisis(), dialogue.date_echeance()
            if jour is None:
                dialogue.erreur.setText("Échéance : tapez une date (jj/mm/aaaa).")
                return
            self._soumettre(dialogue, Operation(actions.demander, self.contexte, dossier_id, choisis, jour,
                                                parent=dialogue),
                            f"{len(choisis)} avis demandé(s), pour le {dates.formater(jour)}.")

        dialogue.boutons.accepted.connect(envoyer)
        dialogue.open()

    def _soumettre(self, dialogue, operation: Operation, message: str) -> None:
        """Lance l'écriture (qui rend les avis relus) ; un refus s'affiche dans la boîte, qui reste ouverte
        avec sa saisie."""
        dialogue.boutons.setEnabled(False)

        def refus(texte: str) -> None:
            dialogue.boutons.setEnabled(True)
            dialogue.erreur.setText(texte)

        def fini(lignes) -> None:
            dialogue.accept()
            self._apres(message)(lignes)

        operation.apres(fini).refus(refus).lancer()

    def donner(self) -> None:
        ligne = self.courant()
        if ligne is None or not ligne.peut_repondre:
            return
        dialogue = DialogueAvis(ligne, self._financeurs(), self.utilisateur, self)
        self.dialogue = dialogue
        dossier_id = self.dossier_id

        def envoyer() -> None:
            operation = Operation(actions.donner, self.contexte, dossier_id, ligne.demande_id, dialogue.saisie(),
                                  parent=dialogue)
            self._soumettre(dialogue, operation, f"Avis de {ligne.destinataire} enregistré.")

        dialogue.boutons.accepted.connect(envoyer)
        dialogue.open()

    def _agir(self, action, message: str) -> None:
        ligne = self.courant()
        if ligne is None:
            return
        Operation(action, self.contexte, self.dossier_id, ligne.demande_id, parent=self) \
            .apres(self._apres(message.format(ligne.destinataire))) \
            .refus(lambda m: self.message.setText(f"<span style='color:#b00020'>{m}</span>")).lancer()

    def relancer(self) -> None:
        self._agir(actions.relancer, "Relance notée pour {}.")

    def retirer(self) -> None:
        self._agir(actions.retirer, "Demande d'avis à {} retirée.")
