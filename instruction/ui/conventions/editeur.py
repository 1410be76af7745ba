"""L'éditeur d'un acte (convention, CPO, notification) : un onglet de travail par acte.

En-tête (numéro, acte, état, dossier, porteur, cofinanceur, date d'effet) et boutons du document (générer le
PDF et le DOCX modifiable, aperçu avant impression) ; puis quatre volets : **Termes** (corrigés tant que
l'acte est en projet ; un autre acte que la règle exige un motif), **Signature** (envoi, signature de chaque
partie avec sa date, acte signé numérisé, résiliation ou dénonciation motivée), **Avenants** (un seul ouvert ; le
formulaire de chaque type d'avenant, ``formulaire_avenant.FormulaireAvenant`` : objet, durée, montants,
échéancier, parties), **Versements** (``versements.PanneauVersements``). Tout se fait au clavier :
Alt + lettre soulignée, Tab d'un champ à l'autre, Entrée sur le bouton.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, dates
from instruction.domaine import conventions as dc
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import CONVENTIONS, VERSEMENTS
from instruction.services.actions import conventions as actions
from instruction.ui.champs import TexteLong, champ_date, etiquette_erreur
from instruction.ui.conventions.formulaire_avenant import FormulaireAvenant
from instruction.ui.conventions.messages import etiquette_message
from instruction.ui.conventions.versements import PanneauVersements
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

STYLE_NOTE = "color: #1f3a5f;"  # une information, pas une erreur
TERMES_SAISIS = {"objet": "l'objet", "debut": "la date de début", "fin": "la date de fin", "acte": "l'acte",
                 "motif_acte": "le motif de l'acte"}
ETATS_AVENANT = {"projet": "Projet", "a_signer": "À signer", "signe": "Signé", "abandonne": "Abandonné"}


class PageConvention(QWidget):
    titre_change = Signal()
    modifie = False

    def __init__(self, contexte, convention_id: int) -> None:
        super().__init__()
        self.contexte, self.convention_id = contexte, convention_id
        self.fiche = None
        self._termes_lus: dict[str, str] | None = None  # les termes tels que relus la dernière fois
        self._version_lue: int | None = None  # et la version de la convention qu'ils montraient
        self.titre_onglet = "Convention"
        utilisateur = getattr(contexte, "utilisateur", None)
        self._peut = (lambda droit: utilisateur is None or utilisateur.peut(droit))
        self.entete = QLabel()
        self.entete.setWordWrap(True)
        self.entete.setMinimumHeight(self.entete.fontMetrics().lineSpacing() * 2 + 4)
        self.ouvrir_dossier = QPushButton("Ouvrir le dossier")
        self.ouvrir_dossier.clicked.connect(self._ouvrir_dossier)
        self.generer = QPushButton("Générer &PDF et DOCX")
        self.generer.clicked.connect(lambda: self._generer(apercu=False))
        self.apercu = QPushButton("Aperç&u avant impression…")
        self.apercu.clicked.connect(lambda: self._generer(apercu=True))
        haut = QHBoxLayout()
        haut.addWidget(self.entete, 1)
        for bouton in (self.ouvrir_dossier, self.generer, self.apercu):
            haut.addWidget(bouton)
        self.erreur = etiquette_erreur()
        self.message = etiquette_message()  # ce qui a réussi (documents écrits…), en vert
        self.volets = QTabWidget()
        self.volets.addTab(self._volet_termes(), "&1 Termes")
        self.volets.addTab(self._volet_signature(), "&2 Signature")
        self.volets.addTab(self._volet_avenants(), "&3 Avenants")
        self.versements = PanneauVersements(contexte, convention_id, self)
        self.volets.addTab(self.versements, "&4 Versements")
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(haut)
        disposition.addWidget(self.erreur)
        disposition.addWidget(self.message)
        disposition.addWidget(self.volets, 1)
        self.relire()

    # --- Volets -------------------------------------------------------------------------------------------

    def _volet_termes(self) -> QWidget:
        volet = QWidget()
        self.objet = TexteLong(44)
        self.objet.setMaximumHeight(60)
        self.objet.setAccessibleName("Objet de la convention")
        self.debut, self.fin = champ_date(), champ_date()
        self.acte = QComboBox()
        for acte in dc.TypeActe:
            self.acte.addItem(acte.libelle, acte.value)
        self.motif_acte = QLineEdit()
        self.motif_acte.setPlaceholderText("motif, si l'acte n'est pas celui de la règle")
        self.regle = QLabel()
        self.regle.setWordWrap(True)
        self.enregistrer = QPushButton("&Enregistrer les termes")
        self.enregistrer.clicked.connect(self._enregistrer_termes)
        # La convention changée ailleurs pendant la frappe : la saisie reste, ce bandeau le dit calmement.
        self.note_termes = QLabel()
        self.note_termes.setWordWrap(True)
        self.note_termes.setStyleSheet(STYLE_NOTE)
        self.note_termes.setTextFormat(Qt.TextFormat.PlainText)
        self.note_termes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reprendre = QPushButton("&Reprendre les termes enregistrés")
        self.reprendre.clicked.connect(self._reprendre_termes)
        self.bandeau_termes = QFrame()
        bandeau = QHBoxLayout(self.bandeau_termes)
        bandeau.setContentsMargins(0, 0, 0, 0)
        bandeau.addWidget(self.note_termes, 1)
        bandeau.addWidget(self.reprendre)
        self.bandeau_termes.hide()
        formulaire = QFormLayout()
        formulaire.addRow("Ob&jet :", self.objet)
        dates_action = QHBoxLayout()
        dates_action.addWidget(self.debut)
        dates_action.addWidget(QLabel("au"))
        dates_action.addWidget(self.fin)
        dates_action.addStretch(1)
        formulaire.addRow("Du :", dates_action)
        formulaire.addRow("Ac&te :", self.acte)
        formulaire.addRow("&Motif :", self.motif_acte)
        formulaire.addRow("Règle :", self.regle)
        self.montants = table_lecture(["Exercice", "Montant", "Ferme"], "Montants par exercice")
        self.echeancier = table_lecture(["Exercice", "Échéance", "Montant", "Condition"], "Échéancier",
                                        etirees=(3,))
        self.conditions = QLabel()
        self.conditions.setWordWrap(True)
        for table in (self.montants, self.echeancier):
            table.setMaximumHeight(150)
        tables = QHBoxLayout()
        tables.addWidget(self.montants, 1)
        tables.addWidget(self.echeancier, 3)
        disposition = QVBoxLayout(volet)
        disposition.addLayout(formulaire)
        disposition.addWidget(self.bandeau_termes)
        disposition.addWidget(self.enregistrer)
        disposition.addLayout(tables)
        disposition.addWidget(self.conditions)
        disposition.addStretch(1)
        return volet

    def _volet_signature(self) -> QWidget:
        volet = QWidget()
        self.etat = QLabel()
        self.etat.setWordWrap(True)
        self.envoyer = QPushButton("&Envoyer à la signature")
        self.envoyer.clicked.connect(lambda: self._lancer(actions.changer_etat, "a_signer", None))
        self.remettre = QPushButton("Remettre en pro&jet…")
        self.remettre.clicked.connect(lambda: self._changer_etat("projet"))
        self.partie = QComboBox()
        self.partie.addItem("Bénéficiaire (porteur)", dc.BENEFICIAIRE)
        self.partie.addItem("Attribuant (cofinanceur)", dc.ATTRIBUANT)
        self.signataire = QLineEdit()
        self.signataire.setPlaceholderText("nom et qualité du signataire")
        self.signe_le = champ_date()
        self.signe_le.setText(dates.formater(aujourd_hui()))
        self.signer = QPushButton("Si&gner")
        self.signer.clicked.connect(self._signer)
        signature = QGroupBox("Signature d'une partie")
        formulaire = QFormLayout(signature)
        formulaire.addRow("Par&tie :", self.partie)
        formulaire.addRow("Signatai&re :", self.signataire)
        formulaire.addRow("&Date de signature :", self.signe_le)
        formulaire.addRow(self.signer)
        self.joindre = QPushButton("Joindre le s&can signé…")
        self.joindre.clicked.connect(self._joindre)
        self.resilier = QPushButton("Rési&lier…")
        self.resilier.clicked.connect(lambda: self._changer_etat("resiliee"))
        self.denoncer = QPushButton("Dénoncer…")
        self.denoncer.clicked.connect(lambda: self._changer_etat("denoncee"))
        boutons = QHBoxLayout()
        for bouton in (self.envoyer, self.remettre, self.joindre, self.resilier, self.denoncer):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        disposition = QVBoxLayout(volet)
        disposition.addWidget(self.etat)
        disposition.addLayout(boutons)
        disposition.addWidget(signature)
        disposition.addStretch(1)
        return volet

    def _volet_avenants(self) -> QWidget:
        volet = QWidget()
        self.avenants = table_lecture(["N°", "Type", "Objet de l'avenant", "État", "Effet", "Ce qui change"],
                                      "Avenants", etirees=(2, 5))
        self.envoyer_avenant = QPushButton("&Envoyer l'avenant à la signature")
        self.envoyer_avenant.clicked.connect(lambda: self._etat_avenant("a_signer"))
        self.signer_avenant = QPushButton("Si&gner l'avenant (partie du volet 2)")
        self.signer_avenant.clicked.connect(self._signer_avenant)
        self.abandonner = QPushButton("Aban&donner l'avenant…")
        self.abandonner.clicked.connect(self._abandonner_avenant)
        boutons = QVBoxLayout()
        for bouton in (self.envoyer_avenant, self.signer_avenant, self.abandonner):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        haut = QWidget()
        ligne = QHBoxLayout(haut)
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.addWidget(self.avenants, 1)
        ligne.addLayout(boutons)
        self.formulaire_avenant = FormulaireAvenant()
        self.formulaire_avenant.demande.connect(self._demander_avenant)
        self.cadre_avenant = QGroupBox("Nouvel avenant")
        QVBoxLayout(self.cadre_avenant).addWidget(self.formulaire_avenant)
        defilement = QScrollArea()
        defilement.setWidgetResizable(True)
        defilement.setFrameShape(QFrame.Shape.NoFrame)
        defilement.setWidget(self.cadre_avenant)
        separation = QSplitter(Qt.Orientation.Vertical)
        separation.addWidget(haut)
        separation.addWidget(defilement)
        separation.setStretchFactor(0, 1)
        separation.setStretchFactor(1, 4)
        separation.setSizes([150, 560])
        disposition = QVBoxLayout(volet)
        disposition.addWidget(QLabel("<b>Avenants</b> (un seul ouvert à la fois)"))
        disposition.addWidget(separation)
        return volet

    # --- Lecture ------------------------------------------------------------------------------------------

    def relire(self) -> None:
        Operation(actions.lire, self.contexte, self.convention_id, parent=self).apres(self.afficher).lancer()

    def afficher(self, fiche) -> None:
        self.fiche = fiche
        t = fiche.termes
        self.titre_onglet = f"Convention {fiche.numero}"
        self.titre_change.emit()
        effet = dates.formater(fiche.signatures.date_effet, vide="pas encore signée")
        self.entete.setText(
            f"<b>{fiche.type_acte.libelle} n° {fiche.numero}</b> — <b>{fiche.etat.libelle}</b> "
            f"(depuis le {dates.formater(fiche.etat_le)}) — effet : {effet}<br>"
            f"Dossier {fiche.dossier_numero} « {fiche.dossier_intitule} » — {fiche.porteur_nom} — "
            f"{fiche.financeur_libelle} : <b>{argent.formater(t.montant_total)}</b>"
            + (f" dont {argent.formater(t.montant_ferme)} ferme" if t.montant_ferme != t.montant_total else ""))
        en_projet = fiche.etat == dc.EtatConvention.PROJET and self._peut("convention.modifier")
        self._afficher_termes(fiche, en_projet)
        self.regle.setText(f"{fiche.regle_acte}" + (" — choix de l'instructeur" if fiche.motif_acte else ""))
        for champ in (self.objet, self.debut, self.fin, self.motif_acte):
            champ.setReadOnly(not en_projet)
        self.acte.setEnabled(en_projet)
        self.enregistrer.setEnabled(en_projet)
        remplir_table(self.montants, [[str(m.exercice), argent.formater(m.montant),
                                       "oui" if m.ferme else "sous réserve du vote"] for m in t.montants])
        remplir_table(self.echeancier, [[str(e.exercice), dc.NATURES_ECHEANCE.get(e.nature, e.nature),
                                         argent.formater(e.montant), e.condition] for e in t.echeancier])
        from instruction.ui.conventions.page_conventions import aligner_montants

        aligner_montants(self.montants, (1,))
        aligner_montants(self.echeancier, (2,))
        self.conditions.setText("<b>Conditions d'utilisation</b><br>" + "<br>".join(f"• {c}" for c in t.conditions))
        s = fiche.signatures
        self.etat.setText(
            f"État : <b>{fiche.etat.libelle}</b>" + (f" — motif : {fiche.motif_etat}" if fiche.motif_etat else "")
            + f"<br>Bénéficiaire : {s.signataire_beneficiaire or '—'} ({dates.formater(s.signe_beneficiaire_le, vide='non signée')})"
            + f"<br>Attribuant : {s.signataire_attribuant or '—'} ({dates.formater(s.signe_attribuant_le, vide='non signée')})"
            + f"<br>Acte signé numérisé : {s.scan_nom or 'aucun'}")
        etat = fiche.etat
        signer = self._peut("convention.signer")
        modifier = self._peut("convention.modifier")
        self.envoyer.setEnabled(modifier and etat == dc.EtatConvention.PROJET)
        self.remettre.setEnabled(modifier and etat == dc.EtatConvention.A_SIGNER)
        self.signer.setEnabled(signer and etat == dc.EtatConvention.A_SIGNER)
        self.joindre.setEnabled(signer and etat != dc.EtatConvention.PROJET)
        for bouton in (self.resilier, self.denoncer):
            bouton.setEnabled(modifier and etat == dc.EtatConvention.SIGNEE)
        if not self.signataire.text():
            partie = t.beneficiaire
            self.signataire.setText(" ".join(filter(None, (partie.representant, partie.qualite and f"({partie.qualite})")))
                                    if partie else "")
        remplir_table(self.avenants, [[str(a.numero), a.type_libelle, a.motif, ETATS_AVENANT.get(a.etat, a.etat),
                                       dates.formater(a.signatures.date_effet), " ; ".join(a.differences)]
                                      for a in fiche.avenants])
        ouvert = fiche.avenant_ouvert
        self.formulaire_avenant.charger(fiche, modifiable=modifier and etat == dc.EtatConvention.SIGNEE)
        self.cadre_avenant.setTitle("Nouvel avenant" if ouvert is None else
                                    f"Avenant n° {ouvert.numero} ({ETATS_AVENANT.get(ouvert.etat, ouvert.etat).lower()})"
                                    + (" : signez-le ou abandonnez-le" if ouvert.etat == "a_signer" else ""))
        self.envoyer_avenant.setEnabled(modifier and ouvert is not None and ouvert.etat == "projet")
        self.signer_avenant.setEnabled(signer and ouvert is not None and ouvert.etat == "a_signer")
        self.abandonner.setEnabled(modifier and ouvert is not None)

    # --- Les termes saisis et les termes relus ----------------------------------------------------------------

    @staticmethod
    def _termes_de(fiche) -> dict[str, str]:
        t = fiche.termes
        return {"objet": t.objet, "debut": dates.formater(t.date_debut), "fin": dates.formater(t.date_fin),
                "acte": fiche.type_acte.value, "motif_acte": fiche.motif_acte or ""}

    def _termes_saisis(self) -> dict[str, str]:
        return {"objet": self.objet.toPlainText(), "debut": self.debut.text(), "fin": self.fin.text(),
                "acte": self.acte.currentData(), "motif_acte": self.motif_acte.text()}

    def _poser(self, cle: str, valeur: str) -> None:
        if cle == "objet":
            self.objet.setPlainText(valeur)
        elif cle == "acte":
            self.acte.setCurrentIndex(max(0, self.acte.findData(valeur)))
        else:
            {"debut": self.debut, "fin": self.fin, "motif_acte": self.motif_acte}[cle].setText(valeur)

    def _afficher_termes(self, fiche, modifiable: bool) -> None:
        """Les termes relus, sans jamais écraser ce que l'utilisateur a tapé et pas encore enregistré : un champ
        touché depuis la dernière lecture garde sa saisie, les autres prennent la valeur enregistrée ; si la
        convention a changé ailleurs, un bandeau le dit (« Reprendre les termes enregistrés » abandonne la
        saisie). Une convention qui n'est plus en projet montre ses termes : la saisie perdue y est citée."""
        relus, lus = self._termes_de(fiche), self._termes_lus
        ancienne = self._version_lue
        saisis = self._termes_saisis()
        touches = {} if lus is None else {c: v for c, v in saisis.items() if v != lus[c]}
        self._termes_lus, self._version_lue = relus, fiche.version
        if not modifiable:
            for cle, valeur in relus.items():
                self._poser(cle, valeur)
            perdus = {c: v for c, v in touches.items() if v != relus[c]}
            if perdus:
                self._noter_termes(
                    f"La convention est maintenant « {fiche.etat.libelle} » : ses termes ne se modifient plus ici. "
                    "Votre saisie n'a pas été enregistrée — " + " ; ".join(
                        f"{TERMES_SAISIS[c]} : « {self._lisible(c, v)} »"
                        for c, v in perdus.items()) + ".", reprendre=False)
            elif not self.reprendre.isHidden():  # la saisie gardée n'a plus lieu d'être ; une perte citée reste
                self._noter_termes("")
            return
        for cle, valeur in relus.items():
            if cle not in touches:
                self._poser(cle, valeur)
        en_cours = [c for c, v in touches.items() if v != relus[c]]
        if not en_cours:
            self._noter_termes("")
        elif ancienne is not None and ancienne != fiche.version:
            self._noter_termes(
                "La convention a été modifiée ailleurs pendant votre saisie. Ce que vous avez tapé ("
                + ", ".join(TERMES_SAISIS[c] for c in en_cours) + ") est gardé, pas encore enregistré ; les autres "
                "champs montrent les termes enregistrés.", reprendre=True)

    def _lisible(self, cle: str, valeur: str) -> str:
        if cle == "acte":
            return self.acte.itemText(max(0, self.acte.findData(valeur)))
        return valeur.strip() or "(vide)"

    def _noter_termes(self, texte: str, *, reprendre: bool = False) -> None:
        self.note_termes.setText(texte)
        self.reprendre.setVisible(reprendre)
        self.bandeau_termes.setVisible(bool(texte))

    def _reprendre_termes(self) -> None:
        """Abandonne la saisie : les termes enregistrés reviennent dans les champs."""
        if self.fiche is None:
            return
        for cle, valeur in self._termes_de(self.fiche).items():
            self._poser(cle, valeur)
        self._noter_termes("")
        self.objet.setFocus()

    # --- Gestes -------------------------------------------------------------------------------------------

    def _effacer_messages(self) -> None:
        self.erreur.clear()
        self.message.clear()

    def _lancer(self, action, *arguments) -> None:
        self._effacer_messages()
        Operation(action, self.contexte, self.convention_id, *arguments, parent=self).apres(
            self.afficher).refus(self.erreur.setText).lancer()

    def _enregistrer_termes(self) -> None:
        try:
            termes = dataclasses.replace(self.fiche.termes, objet=self.objet.toPlainText().strip(),
                                         date_debut=dates.lire(self.debut.text()), date_fin=dates.lire(self.fin.text()),
                                         type_acte=dc.TypeActe(self.acte.currentData()))
        except Exception as erreur:  # noqa: BLE001 — une date mal écrite : message en français
            self.erreur.setText(str(erreur))
            return
        self._lancer(actions.modifier_termes, termes, self.fiche.version, self.motif_acte.text() or None)

    def _demander_motif(self, titre: str, explication: str, bouton: str, fonction, *arguments) -> None:
        """La boîte du motif : un refus s'y affiche et le motif tapé reste ; la fiche relue à la réussite."""
        from instruction.ui.conventions.dialogues_motif import DialogueMotif

        self._effacer_messages()
        boite = DialogueMotif(titre, explication, fonction, self.contexte, self.convention_id, *arguments,
                              bouton=bouton, parent=self)
        boite.accepted.connect(lambda: self.afficher(boite.resultat))
        boite.finished.connect(boite.deleteLater)
        self.boite_motif = boite
        boite.open()

    def _changer_etat(self, vers: str) -> None:
        """Remettre en projet, résilier ou dénoncer : un passage motivé."""
        numero = self.fiche.numero if self.fiche else ""
        titre, explication, bouton = {
            "projet": (f"Remettre en projet — {numero}", "L'acte revient en projet pour corriger ses termes ; les "
                       "signatures déjà portées sont effacées.", "&Remettre en projet"),
            "resiliee": (f"Résilier — {numero}", "La résiliation met fin à l'acte signé : plus aucun versement ; "
                         "quand toutes les conventions du dossier sont closes, le dossier est classé sans suite.",
                         "Rési&lier"),
            "denoncee": (f"Dénoncer — {numero}", "La dénonciation met fin à l'acte signé : plus aucun versement ; "
                         "quand toutes les conventions du dossier sont closes, le dossier est classé sans suite.",
                         "&Dénoncer"),
        }[vers]
        self._demander_motif(titre, explication, bouton, actions.changer_etat, vers)

    def _signer(self) -> None:
        try:
            jour = dates.lire(self.signe_le.text())
        except Exception as erreur:  # noqa: BLE001
            self.erreur.setText(str(erreur))
            return
        self._lancer(actions.signer, self.partie.currentData(), self.signataire.text(), jour)

    def _joindre(self) -> None:
        from instruction.ui import fichiers

        chemin = fichiers.ouvrir(self, "Acte signé numérisé", "PDF ou image (*.pdf *.png *.jpg *.jpeg);;Tous (*)")
        if chemin is not None:
            ouvert = self.fiche.avenant_ouvert if self.volets.currentIndex() == 2 else None
            self._lancer(actions.joindre_scan, chemin, ouvert.id if ouvert else None)

    def _demander_avenant(self, type_code: str, motif: str, modifications: dict) -> None:
        """Crée l'avenant, ou enregistre l'avenant en projet ; un refus s'affiche sous le formulaire, la saisie
        reste."""
        ouvert = self.fiche.avenant_ouvert
        self._effacer_messages()
        if ouvert is None:
            operation = Operation(actions.ouvrir_avenant, self.contexte, self.convention_id, type_code, motif,
                                  modifications, parent=self)
        else:
            operation = Operation(actions.modifier_avenant, self.contexte, self.convention_id, ouvert.id,
                                  modifications, motif, parent=self)
        operation.apres(self.afficher).refus(self.formulaire_avenant.refuser).lancer()

    def _etat_avenant(self, vers: str) -> None:
        self._lancer(actions.changer_etat_avenant, self.fiche.avenant_ouvert.id, vers, None)

    def _abandonner_avenant(self) -> None:
        ouvert = self.fiche.avenant_ouvert
        self._demander_motif(f"Abandonner l'avenant n° {ouvert.numero}", "L'avenant abandonné ne prendra jamais "
                             "effet ; la convention garde ses termes en vigueur.", "Aban&donner l'avenant",
                             actions.changer_etat_avenant, ouvert.id, "abandonne")

    def _signer_avenant(self) -> None:
        try:
            jour = dates.lire(self.signe_le.text())
        except Exception as erreur:  # noqa: BLE001
            self.erreur.setText(str(erreur))
            return
        self._lancer(actions.signer_avenant, self.fiche.avenant_ouvert.id, self.partie.currentData(),
                     self.signataire.text(), jour)

    def _ouvrir_dossier(self) -> None:
        espace = getattr(self.window(), "espace", None)
        if espace is not None and self.fiche is not None:
            espace.ouvrir_dossier(self.fiche.dossier_id)

    def _generer(self, *, apercu: bool) -> None:
        """Le PDF et le DOCX de l'acte (ou de l'avenant choisi au volet 3), par les documents des conventions."""
        from instruction.services.actions import documents_conventions

        avenant = None
        if self.volets.currentIndex() == 2 and self.avenants.currentRow() >= 0:
            avenant = self.fiche.avenants[self.avenants.currentRow()].numero
        self._effacer_messages()
        Operation(documents_conventions.generer, self.contexte, self.convention_id, None, avenant_numero=avenant,
                  parent=self).apres(lambda d: self._genere(d, apercu)).refus(self.erreur.setText).lancer()

    def _genere(self, documents, apercu: bool) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if apercu:
            from instruction.ui import impression

            impression.apercu(self, documents.pdf, documents.titre)
            return
        self.message.setText(f"Écrits : {documents.pdf} et {documents.docx}")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(documents.docx)))

    def sur_changement(self, changements, _origine) -> None:
        if changements.touche(CONVENTIONS, VERSEMENTS):
            self.relire()
            self.versements.relire()

    def demander_fermeture(self) -> bool:
        return True

