"""Le compte rendu financier à l'écran, en trois feuilles comme le CERFA 15059, saisi au clavier.

* « 1 Bilan qualitatif » : ce qui a été réalisé, le public atteint (femmes, hommes, QPV / hors QPV, tranches
  d'âge), les indicateurs du dossier (cible, valeur atteinte), difficultés, perspectives ;
* « 2 Données chiffrées » : la prévision (budget du dossier), la réalisation tapée — ou collée d'un tableur
  (Ctrl+V, à partir de la ligne courante : la dernière colonne de chaque ligne copiée) —, l'écart en euros et en %
  recalculé à chaque frappe ; une explication exigée au-delà des seuils est signalée en rouge ;
* « 3 Annexe explicative » : explication d'ensemble, charges indirectes, contributions en nature, et ce qui
  manque encore pour valider.

Enregistrer (Ctrl+S), Valider… (la saisie puis la validation, en une transaction ; le solde des conventions est
débloqué ; une sous-réalisation propose un reversement pré-rempli), Renvoyer pour compléments…, Compléments
reçus…, Aperçu avant impression… (le PDF façon CERFA). Une saisie invalide reste à l'écran avec son message.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import bilans, dates, publics
from instruction.domaine.budget import CHARGE
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services.actions import BILANS, TOUT
from instruction.services.actions import bilans as actions
from instruction.services.comptes_rendus import CompteRenduLu, SaisieCompteRendu
from instruction.ui import apercu_document
from instruction.ui.champs import champ_nombre
from instruction.ui.operation import Operation
from instruction.ui.suivi.dialogues_compte_rendu import DialogueDate, DialogueReversement, texte_long
from instruction.ui.suivi.feuille_chiffres import ROUGE, SAISIE, FeuilleChiffres

VERT, ORANGE = "#1b6e20", "#8a5300"


def _entier(texte: str, nom: str) -> int | None:
    brut = texte.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if not brut:
        return None
    if not brut.isdigit():
        raise DonneesInvalides(f"{nom} : « {texte} » n'est pas un nombre entier.")
    return int(brut)


class EditeurCompteRendu(QWidget):
    titre_change = Signal()

    def __init__(self, contexte, compte_rendu_id: int) -> None:
        super().__init__()
        self.contexte = contexte
        self.compte_rendu_id = compte_rendu_id
        self.lu: CompteRenduLu | None = None
        self.modifie = False
        self._chargement = False
        self.titre_onglet = "Compte rendu financier"
        self.titre = QLabel()
        self.titre.setStyleSheet("font-size: 15px; font-weight: bold; color: #1f3a5f")
        self.etat = QLabel()
        self.etat.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.enregistrer_bouton = QPushButton("&Enregistrer")
        self.enregistrer_bouton.setToolTip("Ctrl+S")
        self.valider_bouton = QPushButton("&Valider…")
        self.renvoyer_bouton = QPushButton("Renvo&yer pour compléments…")  # Alt+M : l'aperçu, comme partout
        self.complements_bouton = QPushButton("Compléments re&çus…")
        self.reversement_bouton = QPushButton("Re&versement…")
        self.apercu_bouton = QPushButton(apercu_document.LIBELLE.replace("impression", "i&mpression", 1))
        self.apercu_bouton.setToolTip(apercu_document.BULLE)
        self.enregistrer_bouton.clicked.connect(self.enregistrer)
        self.valider_bouton.clicked.connect(self.valider)
        self.renvoyer_bouton.clicked.connect(self.renvoyer)
        self.complements_bouton.clicked.connect(self.complements)
        self.reversement_bouton.clicked.connect(self.proposer_reversement)
        self.apercu_bouton.clicked.connect(self.apercu)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.enregistrer)

        self.onglets = QTabWidget()
        self.onglets.addTab(self._feuille_qualitative(), "1 Bilan qualitatif")
        self.onglets.addTab(self._feuille_chiffres(), "2 Données chiffrées")
        self.onglets.addTab(self._feuille_annexe(), "3 Annexe explicative")
        for rang in range(3):
            QShortcut(QKeySequence(f"Alt+{rang + 1}"), self, activated=lambda r=rang: self.onglets.setCurrentIndex(r))

        self.titre.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # un long intitulé
        boutons = QHBoxLayout()
        boutons.addWidget(self.etat, 1)
        for bouton in (self.enregistrer_bouton, self.valider_bouton, self.renvoyer_bouton, self.complements_bouton,
                       self.reversement_bouton, self.apercu_bouton):
            boutons.addWidget(bouton)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(self.titre)
        disposition.addLayout(boutons)
        disposition.addWidget(self.message)
        disposition.addWidget(self.onglets, 1)
        self.relire(force=True)

    # --- Les trois feuilles -------------------------------------------------------------------------------

    def _feuille_qualitative(self) -> QWidget:
        page = QWidget()
        self.realise = texte_long("Ce qui a été réalisé", 90)
        self.difficultes = texte_long("Difficultés rencontrées")
        self.perspectives = texte_long("Perspectives")
        self.nombres: dict[str, QLineEdit] = {}
        public = QGroupBox("Public atteint")
        grille = QGridLayout(public)
        grille.setColumnStretch(8, 1)
        for rang, (cle, libelle) in enumerate((("femmes", "Femmes"), ("hommes", "Hommes"),
                                               ("qpv", "Habitants des QPV"), ("hors_qpv", "Hors QPV"))):
            champ = champ_nombre(80)
            champ.setAccessibleName(libelle)
            self.nombres[cle] = champ
            grille.addWidget(QLabel(f"{libelle} :"), 0, rang * 2)
            grille.addWidget(champ, 0, rang * 2 + 1)
        self.tranches: dict[str, QLineEdit] = {}
        for rang, (code, libelle) in enumerate(publics.TRANCHES_AGE.items()):
            champ = champ_nombre(80)
            champ.setAccessibleName(f"Public {libelle}")
            self.tranches[code] = champ
            grille.addWidget(QLabel(f"{libelle} :"), 1 + rang // 4, (rang % 4) * 2)
            grille.addWidget(champ, 1 + rang // 4, (rang % 4) * 2 + 1)
        self.indicateurs = QTableWidget(0, 4)
        self.indicateurs.setHorizontalHeaderLabels(["Indicateur", "Cible", "Atteint", "Commentaire"])
        self.indicateurs.setAccessibleName("Indicateurs d'évaluation")
        self.indicateurs.verticalHeader().hide()
        entete = self.indicateurs.horizontalHeader()
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        entete.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.indicateurs.setMaximumHeight(130)
        self.indicateurs.itemChanged.connect(lambda _i: self._modification())
        for champ in (self.realise, self.difficultes, self.perspectives):
            champ.textChanged.connect(self._modification)
        for champ in (*self.nombres.values(), *self.tranches.values()):
            champ.textEdited.connect(lambda _t: self._modification())
        formes = QFormLayout(page)
        formes.addRow("Ce qui a été &réalisé :", self.realise)
        formes.addRow(public)
        formes.addRow("&Indicateurs :", self.indicateurs)
        formes.addRow("&Difficultés :", self.difficultes)
        formes.addRow("&Perspectives :", self.perspectives)
        return page

    def _feuille_chiffres(self) -> QWidget:
        self.chiffres = FeuilleChiffres()
        self.table, self.totaux = self.chiffres.table, self.chiffres.totaux
        self.chiffres.modifiee.connect(self._modification)
        self.chiffres.message.connect(self.message.setText)
        return self.chiffres

    def _feuille_annexe(self) -> QWidget:
        page = QWidget()
        self.explication_generale = texte_long("Explication des écarts", 90)
        self.charges_indirectes = texte_long("Charges indirectes")
        self.contributions_nature = texte_long("Contributions volontaires en nature")
        for champ in (self.explication_generale, self.charges_indirectes, self.contributions_nature):
            champ.textChanged.connect(self._modification)
        self.manques = QLabel()
        self.manques.setWordWrap(True)
        formes = QFormLayout(page)
        formes.addRow("&Explication des écarts :", self.explication_generale)
        formes.addRow("Charges &indirectes :", self.charges_indirectes)
        formes.addRow("Contributions en &nature :", self.contributions_nature)
        formes.addRow("Pour valider :", self.manques)
        return page

    # --- Lecture et affichage ---------------------------------------------------------------------------

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        if not self.modifie:
            return True
        from PySide6.QtWidgets import QMessageBox

        reponse = QMessageBox.question(self, "Compte rendu modifié",
                                       "La saisie du compte rendu n'est pas enregistrée. Fermer quand même ?",
                                       QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                       QMessageBox.StandardButton.No)
        return reponse == QMessageBox.StandardButton.Yes

    def relire(self, force: bool = False) -> None:
        if self.modifie and not force:
            return  # la saisie en cours reste (un conflit le dira à l'enregistrement)
        Operation(actions.lire, self.contexte, self.compte_rendu_id, parent=self).apres(self.afficher) \
            .refus(self.message.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if origine is self or self.lu is None:
            return
        if changements.touche(TOUT) or (changements.touche(BILANS) and changements.touche_dossier(self.lu.dossier_id)):
            self.relire()

    def afficher(self, lu: CompteRenduLu) -> None:
        self.lu = lu
        self._chargement = True
        self.titre_onglet = f"CRF {lu.numero} {lu.exercice}"
        self.titre_change.emit()
        self.titre.setText(f"{lu.libelle_nature} {lu.exercice} — {lu.numero} « {lu.intitule} »")
        retard = f", <span style='color:{ORANGE}'>{lu.recu_en_retard} jours après l'échéance</span>" \
            if lu.recu_en_retard else ""
        couleur = VERT if lu.etat == bilans.VALIDE else (ORANGE if lu.etat == bilans.A_COMPLETER else "#1f3a5f")
        etat = f"<b style='color:{couleur}'>{lu.libelle_etat}</b>"
        if lu.valide_le:
            etat += f" le {dates.formater(lu.valide_le)}"
        if lu.etat == bilans.A_COMPLETER:
            etat += f" le {dates.formater(lu.renvoye_le)} : {lu.motif_renvoi}"
        self.etat.setText(f"{lu.porteur} — échéance {dates.formater(lu.echeance)}, reçu le "
                          f"{dates.formater(lu.recu_le)}{retard} — {etat}")
        self.realise.setPlainText(lu.realise)
        self.difficultes.setPlainText(lu.difficultes)
        self.perspectives.setPlainText(lu.perspectives)
        for cle, champ in self.nombres.items():
            valeur = getattr(lu, cle)
            champ.setText("" if valeur is None else str(valeur))
        for code, champ in self.tranches.items():
            champ.setText(str(lu.publics[code]) if code in lu.publics else "")
        self.indicateurs.setRowCount(len(lu.indicateurs))
        for rang, i in enumerate(lu.indicateurs):
            for colonne, valeur, modifiable in ((0, i.libelle, False), (1, f"{i.cible or ''} {i.unite or ''}".strip(),
                                                                         False),
                                                (2, (i.atteint or "").replace(".", ","), True),
                                                (3, i.commentaire, True)):
                cellule = QTableWidgetItem(valeur)
                if not modifiable:
                    cellule.setFlags(cellule.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.indicateurs.setItem(rang, colonne, cellule)
        self.explication_generale.setPlainText(lu.explication_generale)
        self.charges_indirectes.setPlainText(lu.charges_indirectes)
        self.contributions_nature.setPlainText(lu.contributions_nature)
        modifiable = lu.modifiable and self.contexte.utilisateur.peut("compte_rendu.saisir")
        for champ in (self.realise, self.difficultes, self.perspectives, self.explication_generale,
                      self.charges_indirectes, self.contributions_nature):
            champ.setReadOnly(not modifiable)
        for champ in (*self.nombres.values(), *self.tranches.values()):
            champ.setReadOnly(not modifiable)
        self.indicateurs.setEditTriggers(SAISIE if modifiable
                                         else QAbstractItemView.EditTrigger.NoEditTriggers)
        peut_valider = self.contexte.utilisateur.peut("compte_rendu.valider")
        self.enregistrer_bouton.setEnabled(modifiable)
        self.valider_bouton.setEnabled(lu.etat == bilans.RECU and peut_valider)
        self.renvoyer_bouton.setEnabled(lu.etat == bilans.RECU and peut_valider)
        self.complements_bouton.setEnabled(lu.etat == bilans.A_COMPLETER and modifiable)
        self.reversement_bouton.setEnabled(lu.etat == bilans.VALIDE and peut_valider and bool(lu.reversement))
        self.chiffres.remplir(lu, modifiable)
        self._chargement = False
        self.modifie = False
        self._recalculer_annexe()

    # --- Calculs à chaque frappe -----------------------------------------------------------------------

    def _modification(self) -> None:
        if self._chargement:
            return
        self.modifie = True
        self._recalculer_annexe()

    def _recalculer_annexe(self) -> None:
        if self.lu is None:
            return
        manques = bilans.manques_pour_validation(self.chiffres.lignes_saisies(), self.realise.toPlainText(),
                                                 self.explication_generale.toPlainText(), self.lu.regles)
        if self.lu.etat == bilans.VALIDE:
            self.manques.setText(f"<span style='color:{VERT}'>Validé le {dates.formater(self.lu.valide_le)}.</span>")
        elif manques:
            self.manques.setText(f"<span style='color:{ORANGE}'>" + "<br/>".join(f"• {m.message}" for m in manques)
                                 + "</span>")
        else:
            self.manques.setText(f"<span style='color:{VERT}'>Rien ne manque : le compte rendu peut être validé."
                                 "</span>")

    # --- Gestes ----------------------------------------------------------------------------------------

    def saisie(self) -> SaisieCompteRendu:
        """La saisie de l'écran ; ``DonneesInvalides`` (en français) si un nombre est illisible."""
        lignes = self.chiffres.lignes_saisies(strict=True)
        nombres = {cle: _entier(champ.text(), champ.accessibleName()) for cle, champ in self.nombres.items()}
        tranches = {code: v for code, champ in self.tranches.items()
                    if (v := _entier(champ.text(), champ.accessibleName())) is not None}
        atteints = tuple(self.indicateurs.item(r, 2).text() for r in range(self.indicateurs.rowCount()))
        commentaires = tuple(self.indicateurs.item(r, 3).text() for r in range(self.indicateurs.rowCount()))
        return SaisieCompteRendu(
            realisations=tuple(l.realise for l in lignes), explications=tuple(l.explication for l in lignes),
            realise=self.realise.toPlainText(), difficultes=self.difficultes.toPlainText(),
            perspectives=self.perspectives.toPlainText(), publics=tranches, atteints=atteints,
            commentaires_indicateurs=commentaires, explication_generale=self.explication_generale.toPlainText(),
            charges_indirectes=self.charges_indirectes.toPlainText(),
            contributions_nature=self.contributions_nature.toPlainText(), **nombres)

    def _refus(self, message: str) -> None:
        self.message.setText(f"<span style='color:{ROUGE}'>{message}</span>".replace("\n", "<br/>"))

    def _fait(self, texte: str):
        def apres(lu: CompteRenduLu) -> None:
            self.afficher(lu)
            self.message.setText(f"<span style='color:{VERT}'>{texte}</span>")
        return apres

    def enregistrer(self) -> None:
        if self.lu is None or not self.enregistrer_bouton.isEnabled():
            return
        try:
            saisie = self.saisie()
        except DonneesInvalides as erreur:
            self._refus(str(erreur))
            return
        Operation(actions.enregistrer, self.contexte, self.lu.id, saisie, self.lu.version, parent=self) \
            .apres(self._fait("Compte rendu enregistré.")).refus(self._refus).lancer()

    def valider(self) -> None:
        if self.lu is None or not self.valider_bouton.isEnabled():
            return
        try:
            saisie = self.saisie()
        except DonneesInvalides as erreur:
            self._refus(str(erreur))
            return
        boite = DialogueDate("Valider le compte rendu", "La validation débloque le solde des conventions de "
                             f"l'exercice {self.lu.exercice}. Le compte rendu ne se modifiera plus.", "Valider", self)
        if boite.exec() != QDialog.DialogCode.Accepted or boite.jour is None:
            return

        def valide(lu: CompteRenduLu) -> None:
            self._fait("Compte rendu validé : le solde des conventions est débloqué.")(lu)
            if lu.reversement:
                self.proposer_reversement()

        Operation(actions.enregistrer_et_valider, self.contexte, self.lu.id, saisie, self.lu.version, boite.jour,
                  parent=self).apres(valide).refus(self._refus).lancer()

    def renvoyer(self) -> None:
        if self.lu is None:
            return
        boite = DialogueDate("Renvoyer pour compléments", "Le compte rendu revient au porteur ; le solde reste "
                             "bloqué jusqu'à la validation.", "Renvoyer", self, motif=True)
        if boite.exec() != QDialog.DialogCode.Accepted or boite.jour is None:
            return
        Operation(actions.renvoyer, self.contexte, self.lu.id, boite.jour, boite.motif.toPlainText(), parent=self) \
            .apres(self._fait("Compte rendu renvoyé pour compléments.")).refus(self._refus).lancer()

    def complements(self) -> None:
        if self.lu is None:
            return
        boite = DialogueDate("Compléments reçus", "Le compte rendu revient « reçu, à valider ».", "Noter", self)
        if boite.exec() != QDialog.DialogCode.Accepted or boite.jour is None:
            return
        Operation(actions.complements_recus, self.contexte, self.lu.id, boite.jour, parent=self) \
            .apres(self._fait("Compléments reçus.")).refus(self._refus).lancer()

    def proposer_reversement(self) -> None:
        if self.lu is None:
            return

        def proposer(parts) -> None:
            if not parts or self.lu is None:
                self.message.setText("Aucun reversement à proposer (rien de versé à reprendre).")
                return
            boite = DialogueReversement(parts, self.lu.totaux(CHARGE), self)
            if boite.exec() != QDialog.DialogCode.Accepted or boite.resultat is None:
                return
            lignes, titre, jour = boite.resultat
            Operation(actions.reverser, self.contexte, self.lu.id, lignes, titre, jour, parent=self) \
                .apres(self._fait("Reversement enregistré sur les conventions.")).refus(self._refus).lancer()

        Operation(actions.reversement_propose, self.contexte, self.lu.id, parent=self).apres(proposer) \
            .refus(self._refus).lancer()

    def apercu(self) -> None:
        if self.lu is None:
            return
        apercu_document.apercu_apres_ecriture(self, f"Compte rendu financier {self.lu.numero} {self.lu.exercice}",
                                              "compte-rendu.pdf", actions.imprimer, self.contexte, self.lu.id,
                                              refus=self._refus)
