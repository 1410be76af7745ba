"""Section « Grilles transversales » d'un dossier : égalité femmes-hommes, illettrisme, handicap.

Chaque réponse est enregistrée dès qu'elle est donnée (un commentaire, quand on quitte son champ ou
après une courte pause) : il n'y a rien à « enregistrer » et rien ne se perd. Les envois partent
l'un après l'autre, regroupés, pour que le score affiché soit toujours celui de la dernière réponse.
Une cotation autre que celle calculée se retient avec un motif obligatoire.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates, grilles
from instruction.services.actions import grilles as actions
from instruction.services.cotations import GrilleDuDossier
from instruction.ui import erreurs
from instruction.ui.champs import STYLE_ERREUR
from instruction.ui.dossier.section import defilante
from instruction.ui.dossier.section import LueALaDemande
from instruction.ui.operation import Operation

DELAI_COMMENTAIRE_MS = 800
COULEURS = {2: "#1b6e20", 1: "#1f3a5f", 0: "#8a5300"}


def _etiquette(texte: str = "") -> QLabel:
    etiquette = QLabel(texte)
    etiquette.setWordWrap(True)
    return etiquette


class LigneQuestion:
    """Une question : son texte, quatre réponses exclusives, un commentaire."""

    def __init__(self, question: grilles.Question, grille: QGridLayout, rang: int, page: PageGrille) -> None:
        self.question = question
        texte = _etiquette(question.texte + (f"  <span style='color:#5f6b78'>(×{question.poids})</span>"
                                              if question.poids > 1 else ""))
        texte.setTextFormat(Qt.TextFormat.RichText)
        self.boutons: dict[str, QRadioButton] = {}
        self.groupe = QButtonGroup(page)
        reponses = QHBoxLayout()
        reponses.setSpacing(10)
        for code, libelle in grilles.REPONSES.items():
            bouton = QRadioButton(libelle)
            bouton.setAccessibleName(f"{libelle} — {question.texte}")
            self.groupe.addButton(bouton)
            self.boutons[code] = bouton
            reponses.addWidget(bouton)
            bouton.toggled.connect(lambda coche, c=code: coche and page.reponse_changee(self))
        reponses.addStretch(1)
        self.commentaire = QLineEdit()
        self.commentaire.setPlaceholderText("Commentaire (facultatif)")
        self.commentaire.setAccessibleName(f"Commentaire — {question.texte}")
        self.commentaire.textEdited.connect(lambda _t: page.commentaire_modifie(self))
        self.commentaire.editingFinished.connect(lambda: page.commentaire_fini(self))
        boite = QWidget()
        colonne = QVBoxLayout(boite)
        colonne.setContentsMargins(0, 0, 0, 6)
        colonne.setSpacing(2)
        colonne.addWidget(texte)
        colonne.addLayout(reponses)
        colonne.addWidget(self.commentaire)
        grille.addWidget(boite, rang, 0)

    @property
    def reponse(self) -> str | None:
        return next((code for code, b in self.boutons.items() if b.isChecked()), None)

    def montrer(self, reponse: str | None, commentaire: str | None) -> None:
        self.groupe.blockSignals(True)
        for b in self.boutons.values():
            b.blockSignals(True)
        self.groupe.setExclusive(False)
        for code, b in self.boutons.items():
            b.setChecked(code == reponse)
        self.groupe.setExclusive(True)
        for b in self.boutons.values():
            b.blockSignals(False)
        self.groupe.blockSignals(False)
        if not self.commentaire.hasFocus():
            self.commentaire.setText(commentaire or "")

    def activer(self, actif: bool) -> None:
        for b in self.boutons.values():
            b.setEnabled(actif)
        self.commentaire.setReadOnly(not actif)


class PageGrille(QWidget):
    """Une grille : en-tête (version, cotation), questions par étape, cotation retenue."""

    a_envoyer = Signal(str, str)  # grille, question
    retenue_demandee = Signal(str, object, str)  # grille, cotation (None : la calculée), motif
    recotage_demande = Signal(str)

    def __init__(self, vue: GrilleDuDossier) -> None:
        super().__init__()
        self.code = vue.code
        self.version = vue.version.numero
        self.modifiable = True
        self.lignes: dict[str, LigneQuestion] = {}
        self.minuteries: dict[str, QTimer] = {}

        self.titre = _etiquette()
        self.titre.setTextFormat(Qt.TextFormat.RichText)
        self.cotation = _etiquette()
        self.cotation.setAccessibleName("Cotation de la grille")
        self.cotation.setTextFormat(Qt.TextFormat.RichText)
        self.bandeau = QFrame()
        self.bandeau.setObjectName("bandeau")
        self.bandeau.setStyleSheet("QFrame#bandeau { background: #fdf3e1; border-radius: 4px; }")
        self.texte_bandeau = _etiquette()
        self.bouton_recoter = QPushButton()
        self.bouton_recoter.clicked.connect(lambda: self.recotage_demande.emit(self.code))
        ligne_bandeau = QHBoxLayout(self.bandeau)
        ligne_bandeau.addWidget(self.texte_bandeau, 1)
        ligne_bandeau.addWidget(self.bouton_recoter)

        contenu = QWidget()
        colonne = QVBoxLayout(contenu)
        colonne.setContentsMargins(0, 0, 8, 0)
        for etape in vue.version.etapes:
            groupe = QGroupBox(etape)
            grille = QGridLayout(groupe)
            grille.setColumnStretch(0, 1)
            for rang, q in enumerate([q for q in vue.version.questions if q.etape == etape]):
                self.lignes[q.code] = LigneQuestion(q, grille, rang, self)
            colonne.addWidget(groupe)
        colonne.addStretch(1)

        # --- Cotation retenue ---
        self.choix = QComboBox()
        self.choix.setAccessibleName("Cotation retenue")
        self.choix.addItem("La cotation calculée", None)
        for c in grilles.COTATIONS:
            self.choix.addItem(f"Cotation {c}", c)
        self.motif = QLineEdit()
        self.motif.setPlaceholderText("Motif, obligatoire pour retenir une autre cotation que la cotation calculée")
        self.motif.setAccessibleName("Motif de la cotation retenue")
        self.bouton_retenir = QPushButton("&Retenir")
        self.bouton_retenir.clicked.connect(self._retenir)
        self.erreur = _etiquette()
        self.erreur.setStyleSheet(STYLE_ERREUR)
        retenue = QHBoxLayout()
        retenue.addWidget(QLabel("Cotation retenue :"))
        retenue.addWidget(self.choix)
        retenue.addWidget(self.motif, 1)
        retenue.addWidget(self.bouton_retenir)

        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(4, 4, 4, 4)
        disposition.addWidget(self.titre)
        disposition.addWidget(self.cotation)
        disposition.addWidget(self.bandeau)
        disposition.addWidget(defilante(contenu), 1)
        disposition.addLayout(retenue)
        disposition.addWidget(self.erreur)
        self.afficher(vue, modifiable=True)

    # --- Affichage ---

    def afficher(self, vue: GrilleDuDossier, *, modifiable: bool) -> None:
        self.modifiable = modifiable
        self.titre.setText(f"<b>{vue.libelle}</b> — version {vue.version.numero}"
                           f"<br/><span style='color:#5f6b78'>Source : {vue.source}</span>")
        r = vue.resultat
        if vue.cotation is not None:
            couleur = COULEURS.get(vue.cotation, "#000")
            texte = (f"<span style='font-size:14px'>Cotation <b style='color:{couleur}'>{vue.cotation}</b></span>"
                     f" — {vue.version.libelle_cotation(vue.cotation)}<br/>{r.explication}")
            if vue.cotation_retenue is not None:
                texte += (f"<br/><b>Cotation retenue par l'instructeur</b> (calculée : {r.cotation}) : "
                          f"{vue.motif}")
        else:
            texte = f"<span style='font-size:14px'>Pas encore cotée</span> — {r.explication}"
        if vue.modifiee_le:
            texte += (f"<br/><span style='color:#5f6b78'>Dernière modification le "
                      f"{dates.formater_horodatage(vue.modifiee_le)} par {vue.acteur}</span>")
        self.cotation.setText(texte)
        self.bandeau.setVisible(vue.a_recoter)
        if vue.a_recoter:
            self.texte_bandeau.setText(f"Ce dossier est coté avec la version {vue.version.numero} de la grille ; la "
                                       f"version {vue.version_courante} est en vigueur. Sa cotation ne change pas tant "
                                       "que vous ne le recotez pas.")
            self.bouton_recoter.setText(f"Recoter avec la version {vue.version_courante}…")
            self.bouton_recoter.setEnabled(modifiable)
        for code, ligne in self.lignes.items():
            ligne.montrer(vue.reponses.get(code), vue.commentaires.get(code))
            ligne.activer(modifiable)
        self.choix.blockSignals(True)
        self.choix.setCurrentIndex(max(self.choix.findData(vue.cotation_retenue), 0)
                                   if vue.cotation_retenue is not None else 0)
        self.choix.blockSignals(False)
        if not self.motif.hasFocus():
            self.motif.setText(vue.motif or "")
        for w in (self.choix, self.motif, self.bouton_retenir):
            w.setEnabled(modifiable and r.cotation is not None)
        self.choix.setToolTip("" if r.cotation is not None else "Répondez d'abord à toutes les questions.")

    # --- Saisie ---

    def reponse_changee(self, ligne: LigneQuestion) -> None:
        self.a_envoyer.emit(self.code, ligne.question.code)

    def commentaire_modifie(self, ligne: LigneQuestion) -> None:
        minuterie = self.minuteries.get(ligne.question.code)
        if minuterie is None:
            minuterie = self.minuteries[ligne.question.code] = QTimer(self)
            minuterie.setSingleShot(True)
            minuterie.setInterval(DELAI_COMMENTAIRE_MS)
            minuterie.timeout.connect(lambda q=ligne.question.code: self.a_envoyer.emit(self.code, q))
        minuterie.start()

    def commentaire_fini(self, ligne: LigneQuestion) -> None:
        minuterie = self.minuteries.get(ligne.question.code)
        if minuterie is not None and minuterie.isActive():
            minuterie.stop()
            self.a_envoyer.emit(self.code, ligne.question.code)

    def _retenir(self) -> None:
        cotation = self.choix.currentData()
        motif = self.motif.text().strip()
        self.erreur.clear()
        self.retenue_demandee.emit(self.code, cotation, motif)


class SectionGrilles(LueALaDemande, QWidget):
    """Les grilles du dossier ; chaque réponse part aussitôt (une à la fois, les suivantes groupées)."""

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.dossier_id: int | None = None
        self.modifiable = False
        self.lecture_seule = False
        self.pages: dict[str, PageGrille] = {}
        self._en_attente: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self._envoi_en_cours = False
        self.indication = _etiquette()
        self.message = _etiquette()
        self.onglets = QTabWidget()
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(self.indication)
        disposition.addWidget(self.onglets, 1)
        disposition.addWidget(self.message)
        self.indication.setText("Enregistrez d'abord le dossier (Ctrl+S) pour remplir ses grilles transversales.")

    # --- Lecture ---

    def charger(self, dossier_id: int | None, etat: str | None) -> None:
        from instruction.services.cotations import modifiable

        self.dossier_id = dossier_id
        self.lecture_seule = not self.contexte.utilisateur.peut("dossier.cotation")
        self.modifiable = etat is not None and modifiable(etat) and not self.lecture_seule
        if dossier_id is None:
            self.indication.show()
            self.onglets.setEnabled(False)
            return
        self.relire()

    def lire_maintenant(self) -> None:
        Operation(actions.lire, self.contexte, self.dossier_id, parent=self).apres(self.afficher).lancer()

    def saisie_en_cours(self) -> bool:
        """Des réponses pas encore parties, ou un commentaire en cours de frappe : ne pas réafficher."""
        return bool(self._envoi_en_cours or self._en_attente or any(
            minuterie.isActive() for page in self.pages.values() for minuterie in page.minuteries.values()))

    def afficher(self, vues: list[GrilleDuDossier]) -> None:
        self.onglets.setEnabled(True)
        if self.modifiable:
            self.indication.hide()
        elif self.lecture_seule:
            self.indication.setText("Consultation : votre rôle ne cote pas les dossiers.")
            self.indication.show()
        else:
            self.indication.setText("Les grilles se remplissent pendant l'instruction ; à cet état du dossier, elles "
                                    "ne se modifient plus (reprenez l'instruction pour les changer).")
            self.indication.show()
        for vue in vues:
            page = self.pages.get(vue.code)
            if page is None or page.version != vue.version.numero:
                nouvelle = PageGrille(vue)
                nouvelle.a_envoyer.connect(self._planifier)
                nouvelle.retenue_demandee.connect(self._retenir)
                nouvelle.recotage_demande.connect(self._recoter)
                if page is None:
                    self.onglets.addTab(nouvelle, vue.court)
                else:
                    rang = self.onglets.indexOf(page)
                    self.onglets.removeTab(rang)
                    self.onglets.insertTab(rang, nouvelle, vue.court)
                    page.deleteLater()
                self.pages[vue.code] = page = nouvelle
            page.afficher(vue, modifiable=self.modifiable)
            rang = self.onglets.indexOf(page)
            self.onglets.setTabText(rang, vue.court + (f" : {vue.cotation}" if vue.cotation is not None else ""))

    # --- Envois, l'un après l'autre ---

    def _planifier(self, grille: str, question: str) -> None:
        ligne = self.pages[grille].lignes[question]
        self._en_attente[(grille, question)] = (ligne.reponse, ligne.commentaire.text())
        self._envoyer()

    def _envoyer(self) -> None:
        if self._envoi_en_cours or not self._en_attente or self.dossier_id is None:
            return
        lot, self._en_attente = self._en_attente, {}
        self._envoi_en_cours = True

        def fini(vues) -> None:
            self._envoi_en_cours = False
            self.message.setText("<span style='color:#1b6e20'>Réponses enregistrées.</span>")
            if not self._en_attente:
                self.afficher(vues)
            self._envoyer()

        def echec(erreur: BaseException, trace: str) -> None:
            self._envoi_en_cours = False
            for cle, valeur in lot.items():  # rien n'est perdu : renvoyé avec la prochaine réponse
                self._en_attente.setdefault(cle, valeur)
            self.message.setText(f"<span style='{STYLE_ERREUR}'>Réponses pas enregistrées : elles restent à "
                                 "l'écran et partiront avec la prochaine.</span>")
            erreurs.montrer(erreur, trace, self)

        Operation(actions.repondre, self.contexte, self.dossier_id, lot, parent=self).apres(fini).echec(echec).lancer()

    def enregistrer_maintenant(self) -> None:
        """À la fermeture : les commentaires en cours de frappe sont écrits tout de suite."""
        for page in self.pages.values():
            for question, minuterie in page.minuteries.items():
                if minuterie.isActive():
                    minuterie.stop()
                    ligne = page.lignes[question]
                    self._en_attente[(page.code, question)] = (ligne.reponse, ligne.commentaire.text())
        if self._en_attente and self.dossier_id is not None and self.modifiable:
            lot, self._en_attente = self._en_attente, {}
            actions.repondre(self.contexte, self.dossier_id, lot)

    def _retenir(self, grille: str, cotation, motif: str) -> None:
        self._ecrire(grille, actions.retenir, grille, cotation, motif)

    def _recoter(self, grille: str) -> None:
        self._ecrire(grille, actions.recoter, grille)

    def _ecrire(self, grille: str, action, *arguments) -> None:
        def fini(vues) -> None:
            self.pages[grille].erreur.clear()
            self.afficher(vues)

        Operation(action, self.contexte, self.dossier_id, *arguments, parent=self).apres(fini) \
            .refus(self.pages[grille].erreur.setText).lancer()
