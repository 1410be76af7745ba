"""Les boîtes où l'on chiffre une décision : la proposition de l'instructeur (« Terminer l'instruction ») et
les montants accordés par le comité (« Retenu », ou leur correction), avec le bandeau des enveloppes et la
justification d'un montant au-delà de la demande.

Une saisie refusée s'affiche dans la boîte, qui reste ouverte avec ce qui a été tapé ; un refus du service
(enveloppe dépassée, coût de l'action…) aussi, pour les montants accordés.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.ui.champs import TexteLong, etiquette_erreur
from instruction.ui.dossier.dialogues_passage import boutons_ok_annuler, champ_date_du_passage, lire_date_du_passage

STYLE_AVERTISSEMENT = "background: #fff4e5; border: 1px solid #e0b36b; border-radius: 3px; padding: 6px;"


class DialogueMontants(QDialog):
    """Les montants accordés par chaque financeur (proposés : ceux demandés), et un motif facultatif.

    Sous les montants, le bandeau des enveloppes de ces cofinanceurs (``montrer_enveloppes`` : la section le
    lit hors du fil de l'interface) dit, à chaque frappe, le reste après cette décision. Un montant au-delà de
    ce qui a été demandé à son cofinanceur fait paraître le champ de la justification (le service l'exige et
    la garde à l'historique du dossier) ; ce qui y est tapé reste, même si le champ se cache.

    « OK » ne ferme pas la boîte : il émet ``validation_demandee`` (``montants``, ``texte_justification``,
    ``date_passage``, ``motif`` lus) ; la section enregistre, puis appelle ``termine`` (la boîte se ferme) ou
    ``refuse(message)`` : le refus du service (enveloppe dépassée, chiffres à l'appui ; coût de l'action…) est
    dit calmement dans la boîte, qui reste ouverte avec tout ce qui a été tapé."""

    validation_demandee = Signal()

    def __init__(self, financements, titre: str, texte_ok: str, parent=None, *, avec_motif: bool = False,
                 proposes: dict | None = None, avec_date: bool = False) -> None:
        """``proposes`` : financeur → montant proposé par l'instructeur (pré-remplit les champs, à défaut
        des montants déjà accordés) ; ``avec_date`` : la date de la séance du comité est demandée."""
        from instruction.domaine import argent
        from instruction.ui.comite.bandeau_enveloppes import BandeauDecision

        super().__init__(parent)
        self.setWindowTitle(titre)
        self.setMinimumWidth(720)
        self.financements = list(financements)
        self.actuels = {f.financeur: f.accorde for f in self.financements if f.accorde is not None}
        self.champs: dict[str, QLineEdit] = {}
        self.erreurs: dict[str, QLabel] = {}
        disposition = QVBoxLayout(self)
        self.proposes = dict(proposes or {})
        intro = QLabel("Montants accordés (pré-remplis : "
                       + ("la proposition de l'instructeur" if self.proposes else
                          "ceux déjà accordés" if self.actuels else "les montants demandés")
                       + "). Un financeur qui n'accorde rien : 0.")
        intro.setWordWrap(True)
        disposition.addWidget(intro)
        grille = QGridLayout()
        for colonne, titre_colonne in enumerate(("Financeur", "Demandé", "Accordé")):
            entete = QLabel(f"<b>{titre_colonne}</b>")
            if colonne:
                entete.setAlignment(Qt.AlignmentFlag.AlignRight)
            grille.addWidget(entete, 0, colonne)
        for rang, f in enumerate(self.financements, start=1):
            grille.addWidget(QLabel(f.libelle), 2 * rang - 1, 0)
            demande = QLabel(argent.formater(f.demande))
            demande.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grille.addWidget(demande, 2 * rang - 1, 1)
            initial = f.accorde if f.accorde is not None else self.proposes.get(f.financeur, f.demande)
            champ = QLineEdit(argent.formater(initial).replace(" €", "").replace("\u00a0€", ""))
            champ.setAlignment(Qt.AlignmentFlag.AlignRight)
            champ.setMaximumWidth(140)
            champ.setAccessibleName(f"Montant accordé — {f.libelle}")
            champ.textChanged.connect(self._total)
            grille.addWidget(champ, 2 * rang - 1, 2)
            erreur = etiquette_erreur()
            erreur.hide()
            grille.addWidget(erreur, 2 * rang, 0, 1, 3)
            self.champs[f.financeur], self.erreurs[f.financeur] = champ, erreur
        grille.setColumnStretch(0, 1)
        grille.setVerticalSpacing(3)
        self.total = QLabel()
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        grille.addWidget(self.total, 2 * len(self.financements) + 1, 0, 1, 3)
        disposition.addLayout(grille)
        self.alerte = QLabel()
        self.alerte.setWordWrap(True)
        self.alerte.setStyleSheet("color: #8a5300;")
        disposition.addWidget(self.alerte)

        # Les enveloppes de ces cofinanceurs, le reste après cette décision (à chaque frappe).
        self.titre_enveloppes = QLabel("<b>Enveloppes</b> — lecture…")
        self.titre_enveloppes.setWordWrap(True)
        disposition.addWidget(self.titre_enveloppes)
        self.bandeau = BandeauDecision(self)
        disposition.addWidget(self.bandeau)
        self.alerte_enveloppes = QLabel()
        self.alerte_enveloppes.setWordWrap(True)
        self.alerte_enveloppes.setObjectName("alerteEnveloppes")
        self.alerte_enveloppes.setStyleSheet(f"#alerteEnveloppes {{ {STYLE_AVERTISSEMENT} }}")
        self.alerte_enveloppes.hide()
        disposition.addWidget(self.alerte_enveloppes)
        self.situations: list = []  # celles que le dossier consomme (``montrer_enveloppes``)

        # La justification d'un montant au-delà de la demande : montrée seulement quand il le faut.
        self.zone_justification = QWidget()
        colonne_j = QVBoxLayout(self.zone_justification)
        colonne_j.setContentsMargins(0, 4, 0, 0)
        self.explication_justification = QLabel()
        self.explication_justification.setWordWrap(True)
        self.justification = TexteLong(50)
        self.justification.setMaximumHeight(64)  # la boîte tient dans un écran de 768 points
        self.justification.setAccessibleName("Justification du dépassement de la demande")
        self.justification.setPlaceholderText("Exemple : le comité finance aussi l'action d'été que le porteur "
                                              "n'avait pas chiffrée")
        self.explication_justification.setBuddy(self.justification)
        colonne_j.addWidget(self.explication_justification)
        colonne_j.addWidget(self.justification)
        politique = self.zone_justification.sizePolicy()
        politique.setHeightForWidth(True)  # son explication se replie : sa hauteur suit la largeur
        self.zone_justification.setSizePolicy(politique)
        self.zone_justification.hide()
        disposition.addWidget(self.zone_justification)

        self.date = None
        self.date_passage: dt.date | None = None
        formes = QFormLayout()  # l'étiquette à gauche : la boîte tient dans un écran de 768 points
        if avec_date:
            etiquette_date, self.date = champ_date_du_passage(Etat.RETENU)
            formes.addRow(etiquette_date, self.date)
        self.motif = TexteLong(44)
        self.motif.setMaximumHeight(56)
        if avec_motif:
            etiquette = QLabel("&Motif ou référence\ndu comité (facultatif) :")
            etiquette.setBuddy(self.motif)
            self.motif.setAccessibleName("Motif")
            formes.addRow(etiquette, self.motif)
        if formes.rowCount():
            disposition.addLayout(formes)
        self.refus = QLabel()  # le refus du service, dit calmement ; la saisie reste
        self.refus.setObjectName("refusMontants")
        self.refus.setWordWrap(True)
        self.refus.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refus.setStyleSheet(f"#refusMontants {{ {STYLE_AVERTISSEMENT} }}")
        self.refus.hide()
        disposition.addWidget(self.refus)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        self.boutons = boutons_ok_annuler(self, texte_ok, self._valider)
        disposition.addWidget(self.boutons)
        self.montants: dict = {}
        self.texte_justification: str | None = None
        self._total()

    # --- Enveloppes -------------------------------------------------------------------------------------------

    def montrer_enveloppes(self, situations) -> None:
        """Les enveloppes que le dossier consomme (``actions.programmation.enveloppes_du_dossier``) : celles
        de ses cofinanceurs seulement, suivies à chaque frappe."""
        codes = set(self.champs)
        # Un cofinanceur sans enveloppe n'a pas de limite : il est nommé, sans colonne.
        self.situations = [s for s in situations if s.financeur in codes and s.enveloppe is not None]
        sans = [s.libelle for s in situations if s.financeur in codes and s.enveloppe is None and not s.axe]
        sans_texte = f" Sans enveloppe (pas de limite) : {escape(', '.join(sans), quote=False)}." if sans else ""
        self.titre_enveloppes.setText(
            "<b>Enveloppes</b> du dispositif et de l'année : le reste après cette décision, à chaque frappe."
            + sans_texte
            if self.situations else "<b>Enveloppes</b> : aucune n'est saisie pour ces cofinanceurs (pas de limite).")
        self.bandeau.setVisible(bool(self.situations))
        self._total()
        QTimer.singleShot(0, self._agrandir)  # après l'affichage des cases du bandeau

    def _enveloppes(self, montants: dict) -> None:
        from instruction.domaine import argent
        from instruction.domaine import programmation as prog
        from instruction.ui.comite.bandeau_enveloppes import situations_apres_saisie

        if not self.situations:
            return
        zero = argent.euros(0)
        saisis = {code: montants.get(code, self.actuels.get(code) or zero) for code in self.champs}
        self.bandeau.afficher(situations_apres_saisie(self.situations, self.actuels, saisis))
        hausses = {code: v - (self.actuels.get(code) or zero) for code, v in saisis.items()}
        depassements = prog.depassements_d_enveloppe(self.situations, hausses)
        self.alerte_enveloppes.setText(
            "<b>Enveloppe dépassée : l'enregistrement sera refusé.</b><br/>" + "<br/>".join(
                f"• {escape(texte, quote=False)}" for texte in depassements) + f"<br/><i>{escape(prog.MESSAGE_RELEVER, quote=False)}</i>"
            if depassements else "")
        self.alerte_enveloppes.setVisible(bool(depassements) and self.refus.isHidden())

    # --- Saisie -----------------------------------------------------------------------------------------------

    def _lire(self) -> tuple[dict, dict[str, str]]:
        from instruction.domaine import argent

        montants, fautes = {}, {}
        for code, champ in self.champs.items():
            try:
                montants[code] = argent.lire(champ.text())
            except DonneesInvalides as erreur:
                fautes[code] = erreur.message
        return montants, fautes

    def au_dela_de_la_demande(self, montants: dict) -> list[str]:
        """« État PV : 13 000,00 € accordés pour 1 185,00 € demandés », pour chaque montant au-delà."""
        from instruction.domaine import argent

        return [f"{f.libelle} : {argent.formater(montants[f.financeur])} pour {argent.formater(f.demande)} demandés"
                for f in self.financements if f.financeur in montants and montants[f.financeur] > f.demande]

    def _total(self, *_args) -> None:
        from instruction.domaine import argent

        self.refus.hide()  # un refus parlait des montants envoyés : ceux-ci changent
        montants, fautes = self._lire()
        demande = sum((f.demande for f in self.financements), argent.euros(0))
        if fautes:
            self.total.setText(f"Total demandé : {argent.formater(demande)}")
        else:
            self.total.setText(f"Total demandé : {argent.formater(demande)} — total accordé : "
                               f"<b>{argent.formater(sum(montants.values(), argent.euros(0)))}</b>")
        moins = [f.libelle for f in self.financements if f.financeur in montants and montants[f.financeur] < f.demande]
        self.alerte.setText(f"Moins que demandé ({', '.join(moins)}) : le porteur devra envoyer un budget ajusté."
                            if moins and not fautes else "")
        self.alerte.setVisible(bool(self.alerte.text()))
        au_dela = self.au_dela_de_la_demande(montants)
        self.explication_justification.setText(
            "<b>Justification</b> — un montant accordé dépasse ce qui a été demandé à ce cofinanceur ("
            + escape(" ; ".join(au_dela), quote=False) + ") : dites pourquoi. Elle est exigée et gardée à l'historique du "
            "dossier." if au_dela else "")
        self.zone_justification.setVisible(bool(au_dela))  # cachée, elle garde ce qui y a été tapé
        self._enveloppes(montants)
        self._agrandir()

    def _agrandir(self) -> None:
        """Quand paraissent (ou se cachent) les enveloppes, l'alerte, le refus ou la justification, la boîte
        prend la hauteur de ce qu'elle montre, au lieu de tasser ses lignes (les textes repliés ne réclament
        pas leur hauteur d'eux-mêmes) ou de garder un vide."""
        if not self.isVisible():
            return
        self.layout().activate()
        voulue = self.layout().totalHeightForWidth(self.width()) if self.layout().hasHeightForWidth() \
            else self.sizeHint().height()
        if self.height() != voulue:
            self.resize(self.width(), voulue)

    def _valider(self) -> None:
        montants, fautes = self._lire()
        for code, etiquette in self.erreurs.items():
            etiquette.setText(fautes.get(code, ""))
            etiquette.setVisible(code in fautes)
        self.erreur.setText("")
        if fautes:
            self.erreur.setText(f"{len(fautes)} montant(s) à corriger.")
            self.champs[next(iter(fautes))].setFocus()
            return
        au_dela = self.au_dela_de_la_demande(montants)
        justification = self.justification.toPlainText().strip()
        if au_dela and not justification:
            self.erreur.setText("Un montant dépasse la demande : écrivez la justification (ou ramenez le montant "
                                "à ce qui a été demandé).")
            self.justification.setFocus()
            return
        if self.date is not None:
            self.date_passage, message = lire_date_du_passage(self.date)
            if message:
                self.erreur.setText(message)
                self.date.setFocus()
                return
        self.montants = montants
        self.texte_justification = justification if au_dela else None
        self.refus.hide()
        self.en_cours(True)
        self.validation_demandee.emit()

    def en_cours(self, oui: bool) -> None:
        """Pendant l'enregistrement, « OK » attend (pas de double envoi)."""
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not oui)

    def termine(self) -> None:
        self.en_cours(False)
        self.accept()

    def refuse(self, message: str) -> None:
        """Le refus du service, point par point, dans la boîte ; rien de ce qui a été tapé n'est perdu."""
        self.en_cours(False)
        lignes = [l.strip() for l in message.splitlines() if l.strip()]
        texte = f"<b>{escape(lignes[0], quote=False) if lignes else 'Enregistrement refusé.'}</b>"
        for ligne in lignes[1:]:
            texte += f"<br/>• {escape(ligne[2:], quote=False)}" if ligne.startswith("- ") else f"<br/>{escape(ligne, quote=False)}"
        texte += "<br/><i>Rien n'a été enregistré ; vos montants sont gardés : corrigez-les, puis validez à " \
                 "nouveau.</i>"
        self.refus.setText(texte)
        self.refus.show()
        self.alerte_enveloppes.hide()  # le refus chiffré la remplace jusqu'à la prochaine frappe
        self._agrandir()


class DialogueProposition(QDialog):
    """« Terminer l'instruction » : la proposition de l'instructeur au comité (favorable, réservée ou
    défavorable ; un montant par cofinanceur, pré-rempli depuis les avis, sinon la demande ; un commentaire)
    et la date de fin de l'instruction."""

    SENS = (("favorable", "&Favorable"), ("reserve", "&Réservé"), ("defavorable", "Défavora&ble"))

    def __init__(self, financements, pre_remplis: dict, numero: str, parent=None) -> None:
        from instruction.domaine import argent

        super().__init__(parent)
        self.setWindowTitle(f"Terminer l'instruction — {numero}")
        self.setMinimumWidth(600)
        self.financements = [f for f in financements if f.demande or f.financeur in pre_remplis]
        disposition = QVBoxLayout(self)
        intro = QLabel("La proposition présentée au <b>comité des financeurs</b> : elle est imprimée sur la fiche "
                       "d'instruction et pré-remplit la décision du comité.")
        intro.setWordWrap(True)
        disposition.addWidget(intro)

        ligne_sens = QHBoxLayout()
        ligne_sens.addWidget(QLabel("Proposition :"))
        self.groupe_sens = QButtonGroup(self)
        self.boutons_sens: dict[str, QRadioButton] = {}
        for code, libelle in self.SENS:
            bouton = QRadioButton(libelle)
            bouton.setObjectName(f"sens-{code}")
            self.groupe_sens.addButton(bouton)
            self.boutons_sens[code] = bouton
            ligne_sens.addWidget(bouton)
        ligne_sens.addStretch(1)
        self.boutons_sens["favorable"].setChecked(True)
        disposition.addLayout(ligne_sens)

        grille = QGridLayout()
        for colonne, titre in enumerate(("Cofinanceur", "Demandé", "Proposé", "")):
            entete = QLabel(f"<b>{titre}</b>")
            if colonne in (1, 2):
                entete.setAlignment(Qt.AlignmentFlag.AlignRight)
            grille.addWidget(entete, 0, colonne)
        self.champs: dict[str, QLineEdit] = {}
        for rang, f in enumerate(self.financements, start=1):
            grille.addWidget(QLabel(f.libelle), rang, 0)
            demande = QLabel(argent.formater(f.demande))
            demande.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grille.addWidget(demande, rang, 1)
            montant, origine = pre_remplis.get(f.financeur, (f.demande, "demande"))
            champ = QLineEdit(argent.formater(montant).replace("\u00a0€", "").replace(" €", ""))
            champ.setAlignment(Qt.AlignmentFlag.AlignRight)
            champ.setMaximumWidth(140)
            champ.setAccessibleName(f"Montant proposé — {f.libelle}")
            champ.textChanged.connect(self._total)
            grille.addWidget(champ, rang, 2)
            source = QLabel("<i>d'après l'avis</i>" if origine == "avis" else "<i>= demande</i>")
            grille.addWidget(source, rang, 3)
            self.champs[f.financeur] = champ
        grille.setColumnStretch(0, 1)
        disposition.addLayout(grille)
        self.total = QLabel()
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        disposition.addWidget(self.total)

        formes = QFormLayout()
        self.commentaire = TexteLong(70)
        self.commentaire.setPlaceholderText("Ce qui motive la proposition (obligatoire si elle est réservée "
                                            "ou défavorable)")
        etiquette = QLabel("&Commentaire :")
        etiquette.setBuddy(self.commentaire)
        self.commentaire.setAccessibleName("Commentaire de la proposition")
        formes.addRow(etiquette, self.commentaire)
        etiquette_date, self.date = champ_date_du_passage(Etat.INSTRUIT)
        formes.addRow(etiquette_date, self.date)
        disposition.addLayout(formes)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons_ok_annuler(self, "Terminer l'instruction", self._valider))
        self.sens = "favorable"
        self.montants: dict = {}
        self.date_passage: dt.date | None = None
        self._total()
        self.boutons_sens["favorable"].setFocus()

    def _lire(self) -> tuple[dict, list[str]]:
        from instruction.domaine import argent

        montants, fautes = {}, []
        for f in self.financements:
            try:
                montants[f.financeur] = argent.lire(self.champs[f.financeur].text())
            except DonneesInvalides as erreur:
                fautes.append(f"{f.libelle} : {erreur.message}")
        return montants, fautes

    def _total(self, *_args) -> None:
        from instruction.domaine import argent

        montants, fautes = self._lire()
        if not fautes:
            self.total.setText(f"Total proposé : <b>{argent.formater(sum(montants.values(), argent.euros(0)))}</b>")

    def reprendre(self, refusee: DialogueProposition) -> None:
        """Ce qui avait été tapé dans une proposition que le service a refusée (examen manquant, grille non
        cotée…) : rien n'est à retaper une fois le point corrigé."""
        self.boutons_sens[refusee.sens].setChecked(True)
        for code, champ in self.champs.items():
            if code in refusee.champs:
                champ.setText(refusee.champs[code].text())
        self.commentaire.setPlainText(refusee.commentaire.toPlainText())
        self.date.setText(refusee.date.text())

    @property
    def texte_commentaire(self) -> str:
        return self.commentaire.toPlainText().strip()

    def _valider(self) -> None:
        self.sens = next(code for code, bouton in self.boutons_sens.items() if bouton.isChecked())
        montants, fautes = self._lire()
        if fautes:
            self.erreur.setText("\n".join(fautes))
            return
        if self.sens != "favorable" and not self.texte_commentaire:
            self.erreur.setText("Une proposition réservée ou défavorable dit pourquoi : écrivez le commentaire.")
            self.commentaire.setFocus()
            return
        self.date_passage, message = lire_date_du_passage(self.date)
        if message:
            self.erreur.setText(message)
            self.date.setFocus()
            return
        self.montants = montants
        self.accept()
