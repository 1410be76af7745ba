"""L'onglet d'un dossier : en-tête, sections du formulaire, enregistrement et brouillon.

* Ctrl+S enregistre. Une saisie invalide n'est pas enregistrée : chaque erreur
  s'affiche sous son champ, le curseur va sur la première, et la saisie est gardée
  en brouillon (rien de ce qui a été tapé n'est perdu).
* Un budget déséquilibré ou une pièce manquante n'empêchent pas d'enregistrer :
  ils empêchent seulement de déclarer le dossier recevable (section « Instruction »).
* Quinze secondes après une modification, la saisie est gardée en brouillon ; fermer
  l'onglet avec des modifications demande quoi en faire.
"""

from __future__ import annotations

import logging
from decimal import Decimal
import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates, droits, etats
from instruction.domaine import dossier as d
from instruction.services.actions import AVIS, COTATIONS, DOSSIERS, INSTRUCTION, Changements
from instruction.services.actions import dossier as actions
from instruction.services.dossier import FicheDossier, Options
from instruction.ui import erreurs
from instruction.ui.dossier.attribution import EnTeteAttribution
from instruction.ui.dossier.pieces_du_dossier import PiecesDuDossier
from instruction.ui.dossier.section import Environnement
from instruction.ui.dossier.section_action import SectionAction
from instruction.ui.dossier.section_budget import SectionBudget
from instruction.ui.dossier.section_calendrier import SectionCalendrier
from instruction.ui.dossier.section_evaluation import SectionEvaluation
from instruction.ui.dossier.section_avis import SectionAvis
from instruction.ui.dossier.section_grilles import SectionGrilles
from instruction.ui.dossier.section_historique import SectionHistorique
from instruction.ui.dossier.section_instruction import SectionInstruction
from instruction.ui.dossier.section_pieces import SectionPieces
from instruction.ui.dossier.section_publics import SectionPublics
from instruction.ui.operation import Operation

journal = logging.getLogger(__name__)
DELAI_BROUILLON_MS = 15_000


def cle_brouillon(dossier_id: int | None) -> str:
    return f"dossier:{dossier_id}" if dossier_id else f"dossier:nouveau:{uuid.uuid4().hex[:12]}"


class OngletDossier(PiecesDuDossier, QWidget):
    enregistre = Signal(int)
    titre_change = Signal()
    fermeture_voulue = Signal()  # après « enregistrer puis fermer »
    porteur_a_creer = Signal()
    campagne_a_creer = Signal()

    def __init__(self, contexte, referentiel, fiche: FicheDossier, options: Options, cle: str | None = None) -> None:
        super().__init__()
        self.contexte = contexte
        self.fiche = fiche
        self.cle = cle or cle_brouillon(fiche.id)
        self.modifie = False
        self._remplissage = False
        self._fermer_apres = False
        self.env = Environnement(referentiel, options, fiche.dispositif)

        self.titre = QLabel()
        self.titre.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.titre.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Un intitulé très long (collé par erreur) ne doit pas élargir la fenêtre.
        self.titre.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.etat = QLabel()
        self.completude = QLabel()
        self.completude.setWordWrap(True)
        self.completude.linkActivated.connect(lambda _l: self.onglets.setCurrentWidget(self.instruction))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.bouton_enregistrer = QPushButton("&Enregistrer")
        self.bouton_enregistrer.setToolTip("Enregistrer le dossier (Ctrl+S)")
        self.bouton_enregistrer.clicked.connect(self.enregistrer)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.enregistrer)

        entete = QHBoxLayout()
        gauche = QVBoxLayout()
        gauche.addWidget(self.titre)
        ligne_etat = QHBoxLayout()
        ligne_etat.addWidget(self.etat)
        ligne_etat.addWidget(self.completude, 1)
        gauche.addLayout(ligne_etat)
        entete.addLayout(gauche, 1)
        self.attribution = EnTeteAttribution(contexte)  # instructeur en charge ; suppression d'un dossier déposé
        self.attribution.supprime.connect(self._supprime)
        self.attribution.message.connect(lambda texte: self.message.setText(
            f"<span style='color:#b00020'>{texte}</span>"))
        entete.addWidget(self.attribution)
        entete.addWidget(self.bouton_enregistrer)

        self.action = SectionAction(self.env)
        self.publics = SectionPublics(self.env)
        self.calendrier = SectionCalendrier(self.env)
        self.evaluation = SectionEvaluation(self.env)
        self.budget = SectionBudget(self.env)
        self.pieces = SectionPieces()
        self.instruction = SectionInstruction(contexte, self._peut_agir)
        self.grilles = SectionGrilles(contexte)
        self.avis = SectionAvis(contexte, referentiel)
        self.historique = SectionHistorique(contexte)
        self.sections = (self.action, self.publics, self.calendrier, self.evaluation, self.budget)
        self.onglets = QTabWidget()
        for rang, (section, titre) in enumerate(
            (
                (self.action, "1 Action"),
                (self.publics, "2 Publics et territoire"),
                (self.calendrier, "3 Calendrier et séances"),
                (self.evaluation, "4 Moyens et évaluation"),
                (self.budget, "5 Budget prévisionnel"),
                (self.pieces, "6 Pièces jointes"),
                (self.instruction, "7 Instruction"),
                (self.grilles, "8 Grilles transversales"),
                (self.avis, "9 Avis"),
                (self.historique, "0 Historique"),
            )
        ):
            # Alt+1…9 et Alt+0 : un raccourci par section (sans « & » dans le titre, qui ferait doublon).
            touche = (rang + 1) % 10
            self.onglets.addTab(section, titre)
            self.onglets.setTabToolTip(rang, f"Alt+{touche}")
            QShortcut(QKeySequence(f"Alt+{touche}"), self, activated=lambda r=rang: self.onglets.setCurrentIndex(r))
        from instruction.ui.dossier.sections_cycle import SECTIONS, SectionDifferee

        self.sections_cycle: list[SectionDifferee] = []  # le second temps du cycle : construites à l'ouverture
        for module, classe, titre in SECTIONS:
            self.sections_cycle.append(SectionDifferee(module, classe, contexte, lambda: self.fiche.id))
            self.onglets.addTab(self.sections_cycle[-1], titre)
        for section in self.sections:
            section.modifie.connect(self._sur_modification)
        self.action.porteur_change.connect(self._porteur_change)
        self.action.campagne.currentIndexChanged.connect(self._campagne_change)
        self.action.nouveau_porteur_demande.connect(self.porteur_a_creer)
        self.action.nouvelle_campagne_demandee.connect(self.campagne_a_creer)
        self.pieces.ajout_demande.connect(self.joindre_piece)
        self.pieces.fichiers_deposes.connect(self.joindre_fichiers)
        self.pieces.ouverture_demandee.connect(self.ouvrir_piece)
        self.pieces.enregistrement_demande.connect(self.enregistrer_piece_sous)
        self.pieces.retrait_demande.connect(self.retirer_piece)
        self.instruction.etat_change.connect(self._instruction_changee)
        self.instruction.message.connect(
            lambda texte: self.message.setText(f"<span style='color:#1b6e20'>{texte}</span>"))
        self.instruction.aller_a.connect(self.aller_a)
        from instruction.ui.dossier.bandeau_gel import BandeauGel

        self.bandeau_gel = BandeauGel()  # dossier figé (instruction.gel) : consultation, correction de frappe
        self.bandeau_gel.correction_demandee.connect(self.corriger_faute_de_frappe)

        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(entete)
        disposition.addWidget(self.bandeau_gel)
        from instruction.ui.suivi.comptes_rendus_du_dossier import BandeauBilansDus

        self.bandeau_bilans = BandeauBilansDus(contexte)  # le porteur doit des bilans sur d'autres dossiers (H6)
        disposition.addWidget(self.bandeau_bilans)
        disposition.addWidget(self.message)
        disposition.addWidget(self.onglets, 1)

        self._minuterie = QTimer(self)
        self._minuterie.setSingleShot(True)
        self._minuterie.setInterval(DELAI_BROUILLON_MS)
        self._minuterie.timeout.connect(self.garder_brouillon)
        self.remplir(d.saisie_depuis(fiche.donnees))
        self._saisie_lue = self.saisie()  # telle que lue : ce qui en diffère, c'est l'utilisateur qui l'a changé
        self._afficher_fiche()
        if not contexte.utilisateur.peut("dossier.modifier"):
            self._lecture_seule()

    def _lecture_seule(self) -> None:
        """Un référent, un financeur ou un lecteur consulte le formulaire sans pouvoir le changer."""
        from instruction.ui.champs import mettre_en_consultation

        for section in (*self.sections, self.pieces):
            mettre_en_consultation(section)
        self.pieces.ouvrir.setEnabled(True)
        self.pieces.enregistrer_sous.setEnabled(True)
        self.bouton_enregistrer.hide()
        self.message.setText(f"Consultation : votre rôle ({droits.ROLES[self.contexte.utilisateur.role].lower()}) ne "
                             "modifie pas les dossiers.")

    def montrer_section(self, nom: str, relire: bool = False) -> None:
        """Montre la section ; ``relire`` : relue même si elle l'a déjà été (l'onglet était déjà ouvert)."""
        section = {"avis": self.avis, "instruction": self.instruction, "historique": self.historique}.get(nom)
        if section is not None:
            if relire and self.onglets.currentWidget() is section:
                section.relire()  # déjà sous les yeux : relue (une nouvelle demande d'avis, par exemple)
            elif relire:
                section._a_relire = True
            self.onglets.setCurrentWidget(section)

    # --- Remplir et lire le formulaire ----------------------------------------------------------

    def remplir(self, saisie: d.SaisieDossier, *, modifie: bool = False) -> None:
        self._remplissage = True
        try:
            for section in self.sections:
                section.remplir(saisie)
        finally:
            self._remplissage = False
        self._campagne_change()
        self._marquer(modifie)

    def saisie(self) -> d.SaisieDossier:
        saisie = d.SaisieDossier()
        for section in self.sections:
            section.completer(saisie)
        return saisie

    def _sur_modification(self) -> None:
        if self._remplissage:
            return
        self._marquer(True)
        self._minuterie.start()

    def _marquer(self, modifie: bool) -> None:
        if modifie != self.modifie:
            self.modifie = modifie
            self.titre_change.emit()
        self._afficher_titre()

    @property
    def titre_onglet(self) -> str:
        base = self.fiche.numero or "Nouveau dossier"
        return f"{base} *" if self.modifie else base

    def _afficher_titre(self) -> None:
        intitule = self.action.intitule.text().strip() or "(sans intitulé)"
        if len(intitule) > 110:
            intitule = intitule[:110].rstrip() + "…"
        self.titre.setText(f"{self.fiche.numero or 'Nouveau dossier'} — {intitule}" + (" *" if self.modifie else ""))

    def _afficher_fiche(self, *, recharger_instruction: bool = True) -> None:
        fiche = self.fiche
        self._afficher_titre()
        if fiche.id is None:
            self.etat.setText("Pas encore enregistré")
        else:
            depuis = dates.formater(fiche.etat_depuis.date()) if fiche.etat_depuis else ""
            self.etat.setText(f"État : <b>{etats.libelle(fiche.etat)}</b> depuis le {depuis} — déposé le "
                              f"{dates.formater(fiche.depose_le)}")
        if fiche.id is None:
            self.completude.setText("")
        elif fiche.manques:
            self.completude.setText(f"<span style='color:#8a5300'>{len(fiche.manques)} point(s) de recevabilité à "
                                    "régler</span> (<a href='instruction'>voir</a>)")
        elif fiche.complet:
            self.completude.setText(f"<span style='color:#1b6e20'>Recevable depuis le "
                                    f"{dates.formater_horodatage(fiche.complet_le).split(' ')[0]}</span>")
        else:
            self.completude.setText("<span style='color:#1b6e20'>Complet</span> : peut être déclaré recevable "
                                    "(<a href='instruction'>instruction</a>).")
        self.pieces.afficher(fiche.pieces, [m.removeprefix("Pièce manquante : ").rstrip(".") for m in fiche.manques
                                            if m.startswith("Pièce manquante")], fiche.id is not None)
        self.attribution.charger(fiche.id, fiche.numero or "", fiche.donnees.intitule, fiche.etat)
        if recharger_instruction:
            self.instruction.charger(fiche.id, fiche.numero or "")
        self.grilles.charger(fiche.id, fiche.etat if fiche.id else None)
        self.avis.charger(fiche.id, fiche.numero or "", self._demandes_par_financeur())
        self.historique.charger(fiche.id, fiche.numero or "")
        self.bandeau_gel.appliquer(fiche.etat if fiche.id else None, self.sections,
                                   self.contexte.utilisateur.peut("dossier.modifier"))
        self.bandeau_bilans.charger(fiche.id)

    def aller_a(self, section: str, champ: str = "") -> None:
        """Montre la section où corriger ce qui empêche un passage, le curseur sur le champ s'il y en a un."""
        cibles = {"action": self.action, "publics": self.publics, "calendrier": self.calendrier,
                  "evaluation": self.evaluation, "budget": self.budget, "pieces": self.pieces,
                  "grilles": self.grilles, "instruction": self.instruction}
        cible = cibles.get(section)
        if cible is None:
            return
        self.onglets.setCurrentWidget(cible)
        widget = getattr(cible, "formulaire", None) and cible.formulaire.widgets.get(champ)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def corriger_faute_de_frappe(self) -> None:
        """Un dossier figé : la raison de la correction, puis les seuls textes corrigeables s'ouvrent."""
        from instruction.domaine import gel
        from instruction.ui.dossier.dialogue_correction import DialogueCorrection

        regle = gel.gel(self.fiche.etat)
        if regle is None:
            return
        self.dialogue_correction = DialogueCorrection(self.fiche.numero or "", regle.raison, self)
        self.dialogue_correction.accepted.connect(lambda d=self.dialogue_correction: (
            self.bandeau_gel.commencer_correction(d.texte_raison, self.sections), self.action.intitule.setFocus()))
        self.dialogue_correction.open()

    def _demandes_par_financeur(self) -> dict[str, Decimal]:
        demandes: dict[str, Decimal] = {}
        for ligne in self.fiche.donnees.budget:
            if ligne.financeur:
                demandes[ligne.financeur] = demandes.get(ligne.financeur, Decimal(0)) + ligne.montant
        return demandes

    def _campagne_change(self, *_args) -> None:
        code = self.action.campagne.currentData()
        campagne = next((c for c in self.env.options.campagnes if str(c.id) == code), None)
        self.env.dispositif = campagne.dispositif if campagne else None
        self.calendrier._verifier_temps_scolaire()

    def _porteur_change(self, porteur_id: int) -> None:
        Operation(actions.precedents, self.contexte, porteur_id, self.fiche.id, parent=self) \
            .apres(self.action.definir_precedents).lancer()

    def definir_options(self, options: Options, *, campagne: int | None = None, porteur: int | None = None) -> None:
        self.env.options = options
        self.action.definir_options()
        if campagne:
            from instruction.ui.champs import choisir

            choisir(self.action.campagne, str(campagne))
        if porteur:
            from instruction.ui.champs import choisir

            choisir(self.action.porteur, str(porteur))

    # --- Enregistrer ---------------------------------------------------------------------------

    def valider(self) -> d.DonneesDossier | None:
        """Les données si la saisie est valide ; sinon, erreurs affichées et brouillon gardé."""
        from instruction.domaine.validation import SaisieInvalide

        saisie = self.saisie()
        try:
            donnees = d.valider(saisie, self.env.quartiers)
        except SaisieInvalide as erreur:
            par_champ: dict[str, str] = {}
            for e in erreur.erreurs:
                par_champ.setdefault(e.champ, e.message)
            self.afficher_erreurs(par_champ)
            nombre = len(erreur.erreurs)
            self.message.setText(
                f"<span style='color:#b00020'><b>{nombre} erreur(s) à corriger</b> avant d'enregistrer. "
                "Votre saisie est gardée en brouillon.</span>"
            )
            self.garder_brouillon(saisie)
            return None
        self.afficher_erreurs({})
        return donnees

    def afficher_erreurs(self, par_champ: dict[str, str]) -> None:
        premier = None
        for rang, section in enumerate(self.sections):
            widget = section.afficher_erreurs(par_champ)
            if widget is not None and premier is None:
                premier = (rang, widget)
        if premier is not None:
            self.onglets.setCurrentIndex(premier[0])
            premier[1].setFocus(Qt.FocusReason.OtherFocusReason)

    def enregistrer(self) -> None:
        donnees = self.valider()
        if donnees is None:
            self._fermer_apres = False
            return
        self.bouton_enregistrer.setEnabled(False)
        self.message.setText("Enregistrement…")
        Operation(actions.enregistrer, self.contexte, self.fiche.id, donnees, self.fiche.version, self.cle,
                  parent=self, correction=self.bandeau_gel.correction) \
            .apres(self._enregistre).echec(self._echec_enregistrement).lancer()

    def _enregistre(self, fiche: FicheDossier) -> None:
        self._minuterie.stop()
        self.bandeau_gel.correction = None  # la correction est enregistrée (avec sa raison) : le dossier se refige
        nouveau = self.fiche.id is None
        self.fiche = fiche
        self.cle = cle_brouillon(fiche.id)
        self.bouton_enregistrer.setEnabled(True)
        self.remplir(d.saisie_depuis(fiche.donnees))
        self._saisie_lue = self.saisie()
        self._afficher_fiche()
        self.message.setText(
            f"<span style='color:#1b6e20'>Dossier {'créé' if nouveau else 'enregistré'} : {fiche.numero}.</span>"
        )
        self.enregistre.emit(fiche.id)
        if self._fermer_apres:
            self.fermeture_voulue.emit()

    def _echec_enregistrement(self, erreur: BaseException, trace: str) -> None:
        from instruction.domaine.erreurs import Conflit

        self._fermer_apres = False
        self.bouton_enregistrer.setEnabled(True)
        if isinstance(erreur, Conflit):
            self.message.setText("<span style='color:#b00020'><b>Enregistrement refusé</b> : quelqu'un a modifié ce "
                                 "dossier entre-temps. Votre saisie est intacte et gardée en brouillon.</span>")
            self.garder_brouillon()
            self._montrer_conflit(erreur)
            return
        from instruction.domaine.erreurs import ErreurInstruction

        if isinstance(erreur, ErreurInstruction):  # un refus prévu (dossier figé…) : dit calmement, pas une panne
            from html import escape

            self.message.setText(f"<span style='color:#8a5300'><b>Non enregistré</b> : {escape(erreur.message)} "
                                 "Votre saisie est intacte et gardée en brouillon.</span>")
            self.garder_brouillon()
            return
        self.message.setText("<span style='color:#b00020'>L'enregistrement a échoué ; votre saisie est intacte "
                             "et gardée en brouillon.</span>")
        self.garder_brouillon()
        erreurs.montrer(erreur, trace, self)

    def _montrer_conflit(self, conflit) -> None:
        from instruction.ui.dialogue_conflit import DialogueConflit

        self.dialogue_conflit = DialogueConflit(conflit, self)
        self.dialogue_conflit.rechargement_demande.connect(self.recharger_et_reappliquer)
        self.dialogue_conflit.open()

    def recharger_et_reappliquer(self) -> None:
        """Relit le dossier tel que l'autre l'a enregistré et y remet, champ par champ, ce que
        l'utilisateur avait changé depuis sa propre lecture. Rien n'est enregistré : il vérifie d'abord."""
        origine = self._saisie_lue
        mienne = self.saisie()

        def fini(fiche: FicheDossier) -> None:
            self.fiche = fiche
            self.remplir(d.saisie_depuis(fiche.donnees))
            fraiche = self._saisie_lue = self.saisie()
            fusion, miens, communs = d.reappliquer(origine, mienne, fraiche)
            self.remplir(fusion, modifie=bool(miens))
            self._afficher_fiche()
            texte = (f"Dossier rechargé (version enregistrée par l'autre poste) ; vos modifications réappliquées : "
                     f"{', '.join(miens) or 'aucune'}.")
            if communs:
                texte += (f" <b>Attention</b> : {', '.join(communs)} avai(en)t aussi été modifié(s) par l'autre "
                          "personne ; c'est votre valeur qui est à l'écran.")
            self.message.setText(f"<span style='color:#8a5300'>{texte} Vérifiez, puis enregistrez (Ctrl+S).</span>")

        Operation(actions.lire, self.contexte, self.fiche.id, parent=self).apres(fini).lancer()

    def avant_fermeture(self) -> None:
        """L'onglet va se fermer : les réponses aux grilles en cours de frappe sont écrites."""
        self.grilles.enregistrer_maintenant()

    def _peut_agir(self, action: str) -> bool:
        """Les actions d'instruction portent sur le dossier enregistré : pas de modification en suspens."""
        if self.modifie:
            QMessageBox.information(self, action, "Le formulaire a des modifications non enregistrées : "
                                    "enregistrez-les d'abord (Ctrl+S), l'instruction porte sur le dossier enregistré.")
            return False
        return True

    def _instruction_changee(self) -> None:
        """L'état ou la recevabilité ont changé : l'en-tête se met à jour (la liste suit le changement diffusé)."""

        def fini(fiche: FicheDossier) -> None:
            self.fiche.etat, self.fiche.etat_depuis, self.fiche.complet_le = fiche.etat, fiche.etat_depuis, \
                fiche.complet_le
            self._afficher_fiche(recharger_instruction=False)

        Operation(actions.lire, self.contexte, self.fiche.id, parent=self).apres(fini).lancer()

    def sur_changement(self, changements: Changements, origine) -> None:
        """Ce qu'un autre écran ou un autre poste a changé de ce dossier : l'en-tête et les sections déjà lues
        se relisent. Le formulaire garde la saisie en cours (un conflit le dira à l'enregistrement)."""
        if self.fiche.id is None or not changements.touche_dossier(self.fiche.id):
            return
        if origine is not None and (origine is self or (hasattr(origine, "isWidgetType") and origine.isWidgetType()
                                                        and self.isAncestorOf(origine))):
            return  # l'onglet a déjà affiché le résultat de sa propre action
        if changements.touche(INSTRUCTION, DOSSIERS):
            self._instruction_changee()
            self.instruction.relire()
        if changements.touche(COTATIONS) and not self.grilles.saisie_en_cours():
            self.grilles.relire()
        if changements.touche(AVIS):
            self.avis.relire()
        self.historique.relire()
        for section in self.sections_cycle:
            section.sur_changement(changements, origine)

    def _supprime(self, numero: str) -> None:
        """Le dossier a été supprimé (saisi par erreur) : plus rien à garder, l'onglet se ferme."""
        self._minuterie.stop()
        self.modifie = False
        self.message.setText(f"Dossier {numero} supprimé.")
        self.fermeture_voulue.emit()

    # --- Brouillon et fermeture ------------------------------------------------------------------

    def garder_brouillon(self, saisie: d.SaisieDossier | None = None, apres=None) -> None:
        """Garde la saisie en brouillon (en arrière-plan) ; ``apres`` est appelé une fois écrit."""
        if not self.contexte.utilisateur.peut("brouillon.garder"):  # consultation : rien à garder
            if apres:
                apres()
            return
        saisie = saisie or self.saisie()
        titre = f"{self.fiche.numero or 'Nouveau dossier'} — {saisie.intitule.strip()[:200] or '(sans intitulé)'}"
        Operation(actions.garder_brouillon, self.contexte, self.cle, titre, self._contenu_brouillon(saisie),
                  parent=self).apres((lambda _r: apres()) if apres else (lambda _r: None)) \
            .echec(lambda e, t: journal.warning("Brouillon non gardé : %s", e)).lancer()

    def _contenu_brouillon(self, saisie: d.SaisieDossier) -> dict:
        """La saisie, avec la version du dossier et le formulaire tel qu'il avait été lu : repris plus tard,
        le brouillon garde ainsi la protection contre l'écrasement des changements des autres."""
        return {**saisie.en_json(), "_version": self.fiche.version, "_lue": self._saisie_lue.en_json()}

    def reprendre_brouillon(self, contenu: dict) -> None:
        """Remet un brouillon dans le formulaire, sur la version du dossier qu'il modifiait : si d'autres ont
        enregistré depuis, l'enregistrement le dira et proposera de réappliquer (rien n'est écrasé)."""
        if self.fiche.id is not None and contenu.get("_version") is not None:
            self.fiche.version = contenu["_version"]
            self._saisie_lue = d.SaisieDossier.depuis_json(contenu.get("_lue") or {})
        self.remplir(d.SaisieDossier.depuis_json(contenu), modifie=True)

    def garder_brouillon_maintenant(self) -> None:
        """À la fermeture de l'application : écrit le brouillon tout de suite (sans fil d'arrière-plan)."""
        if not self.contexte.utilisateur.peut("brouillon.garder"):
            return
        saisie = self.saisie()
        titre = f"{self.fiche.numero or 'Nouveau dossier'} — {saisie.intitule.strip()[:200] or '(sans intitulé)'}"
        actions.garder_brouillon(self.contexte, self.cle, titre, self._contenu_brouillon(saisie))

    def choisir_fermeture(self) -> str:
        """« enregistrer », « brouillon », « abandonner » ou « annuler » : demandé à l'utilisateur."""
        boite = QMessageBox(self)
        boite.setIcon(QMessageBox.Icon.Question)
        boite.setWindowTitle("Modifications non enregistrées")
        boite.setText(f"Le dossier « {self.titre_onglet.rstrip(' *')} » a des modifications non enregistrées.")
        boite.setInformativeText("Que voulez-vous en faire ?")
        choix = {
            boite.addButton("Enregistrer", QMessageBox.ButtonRole.AcceptRole): "enregistrer",
            boite.addButton("Garder en brouillon", QMessageBox.ButtonRole.ActionRole): "brouillon",
            boite.addButton("Abandonner les modifications", QMessageBox.ButtonRole.DestructiveRole): "abandonner",
            boite.addButton("Annuler", QMessageBox.ButtonRole.RejectRole): "annuler",
        }
        boite.setDefaultButton(next(iter(choix)))
        boite.exec()
        return choix.get(boite.clickedButton(), "annuler")

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        """``True`` si l'onglet peut se fermer tout de suite (``apres_brouillon`` : rappelé
        quand le brouillon demandé est écrit)."""
        if not self.modifie:
            return True
        choix = self.choisir_fermeture()
        if choix == "enregistrer":
            self._fermer_apres = True
            self.enregistrer()
            return False
        if choix == "brouillon":
            self._minuterie.stop()
            self.garder_brouillon(apres=apres_brouillon)
            return True
        if choix == "abandonner":
            self._minuterie.stop()
            Operation(actions.supprimer_brouillon, self.contexte, self.cle, parent=None) \
                .echec(lambda e, t: journal.warning("Brouillon non supprimé : %s", e)).lancer()
            return True
        return False
