"""Le bandeau des enveloppes : « enveloppe / programmé / reste à programmer » par cofinanceur.

Un petit widget réutilisable : la page de programmation le tient à jour à chaque frappe (``afficher`` avec
les chiffres qu'elle calcule), la séance du comité ou la boîte des montants accordés le chargent eux-mêmes
(``charger(contexte, annee, dispositif)`` ou ``charger_dossier(contexte, dossier_id)``, lecture hors du fil de
l'interface) et le relisent d'après les changements diffusés (``sur_changement``).

Une colonne par cofinanceur : son sigle, l'enveloppe, le décidé, le scénario (s'il y en a un), le reste ; un
reste négatif (enveloppe dépassée) est en rouge, un cofinanceur sans enveloppe dit « pas d'enveloppe ». Une
enveloppe d'axe du projet de territoire a sa propre colonne (l'axe sous le sigle).

``BandeauDecision`` en est la variante des boîtes où l'on décide les montants d'UN dossier (« Retenu par le
comité… », « Montants accordés… ») : pour chacun de ses cofinanceurs, l'enveloppe, ce qui est accordé aux
autres dossiers, ce que l'on tape pour celui-ci et le reste après cette décision, recalculé à chaque frappe
(``situations_apres_saisie``, sans lecture en base).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from instruction.domaine import argent
from instruction.domaine.programmation import SituationEnveloppe

ROUGE, VERT, GRIS = "#b00020", "#2e7d32", "#666666"
LIGNES = ("Enveloppe", "Décidé", "Scénario", "Reste à programmer")


def _court(montant) -> str:
    """« 582 497 € » : sans centimes quand il n'y en a pas (le bandeau reste étroit)."""
    if montant is None:
        return "—"
    texte = argent.formater(montant)
    return texte.replace(",00\u00a0€", "\u00a0€")


def _axe_court(axe: str) -> str:
    """« épanouis » pour « Des quartiers épanouis » (le titre de colonne reste étroit ; la bulle dit tout)."""
    return axe.removeprefix("Des quartiers ")


class BandeauEnveloppes(QFrame):
    LIBELLES = {ligne: ligne for ligne in LIGNES}  # ce que chaque ligne affiche (les variantes les renomment)
    VIDE = "Aucune enveloppe ni aucun montant pour cette campagne."

    def __init__(self, parent: QWidget | None = None, *, avec_scenario: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("bandeauEnveloppes")
        self.setAccessibleName("Enveloppes des cofinanceurs")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#bandeauEnveloppes { background: #f5f7fa; }")
        self._avec_scenario = avec_scenario
        self._source: tuple | None = None  # ce que ``relire`` recharge
        self._contexte = None
        self._abonne = False
        self.situations: list[SituationEnveloppe] = []
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(4, 2, 4, 2)
        defilement = QScrollArea()
        defilement.setWidgetResizable(True)
        defilement.setFrameShape(QFrame.Shape.NoFrame)
        defilement.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._contenu = QWidget()
        self._grille = QGridLayout(self._contenu)
        self._grille.setContentsMargins(0, 0, 0, 0)
        self._grille.setHorizontalSpacing(18)
        self._grille.setVerticalSpacing(1)
        defilement.setWidget(self._contenu)
        disposition.addWidget(defilement)
        self.cases: dict[tuple[str, str], QLabel] = {}  # (cofinanceur, ligne) → étiquette (pour les tests)
        self.afficher([])

    # --- Affichage ------------------------------------------------------------------------------------------

    def afficher(self, situations: Sequence[SituationEnveloppe]) -> None:
        cles = [(s.financeur, s.axe) for s in situations]
        if cles and cles == [(s.financeur, s.axe) for s in self.situations]:
            self.situations = list(situations)
            self._mettre_a_jour()  # mêmes cofinanceurs : les textes seulement (à chaque frappe du tableau)
            return
        self.situations = list(situations)
        while self._grille.count():
            element = self._grille.takeAt(0)
            if element.widget() is not None:
                element.widget().deleteLater()
        self.cases = {}
        for colonne in range(self._grille.columnCount()):  # l'étirement d'un affichage précédent
            self._grille.setColumnStretch(colonne, 0)
        lignes = [l for l in LIGNES if self._avec_scenario or l != "Scénario"]
        if not situations:
            vide = QLabel(self.VIDE)
            vide.setStyleSheet(f"color: {GRIS};")
            self._grille.addWidget(vide, 0, 0)
            self._ajuster(1)
            return
        for rang, libelle in enumerate(lignes, start=1):
            etiquette = QLabel(self.LIBELLES[libelle])
            etiquette.setStyleSheet(f"color: {GRIS};")
            self._grille.addWidget(etiquette, rang, 0)
        for colonne, s in enumerate(situations, start=1):
            titre = QLabel(f"<b>{s.libelle}</b>" + (f"<br><small>axe {_axe_court(s.axe)}</small>" if s.axe else ""))
            titre.setAlignment(Qt.AlignmentFlag.AlignRight)
            titre.setToolTip(self._bulle(s))
            self._grille.addWidget(titre, 0, colonne)
            for rang, libelle in enumerate(lignes, start=1):
                case = QLabel()
                case.setAlignment(Qt.AlignmentFlag.AlignRight)
                self._grille.addWidget(case, rang, colonne)
                self.cases[(s.financeur if not s.axe else f"{s.financeur}:{s.axe}", libelle)] = case
        self._grille.setColumnStretch(len(situations) + 1, 1)
        self._ajuster(len(lignes) + 1)
        self._mettre_a_jour()

    def _mettre_a_jour(self) -> None:
        for s in self.situations:
            valeurs = {"Enveloppe": _court(s.enveloppe) if s.enveloppe is not None else "pas d'enveloppe",
                       "Décidé": _court(s.decide), "Scénario": _court(s.simule),
                       "Reste à programmer": _court(s.reste) if s.reste is not None else "—"}
            bulle = self._bulle(s)
            for libelle, texte in valeurs.items():
                case = self.cases.get((s.financeur if not s.axe else f"{s.financeur}:{s.axe}", libelle))
                if case is None:
                    continue
                case.setText(texte)
                case.setToolTip(bulle)
                if libelle == "Reste à programmer" and s.reste is not None:
                    case.setStyleSheet(f"color: {ROUGE if s.depasse else VERT}; font-weight: bold;")
                elif libelle == "Enveloppe" and s.enveloppe is None:
                    case.setStyleSheet(f"color: {GRIS}; font-style: italic;")

    def _ajuster(self, lignes: int) -> None:
        hauteur = self.fontMetrics().height() + 4
        axes = any(s.axe for s in self.situations)  # le titre d'une colonne d'axe tient sur deux lignes
        self.setFixedHeight((lignes + axes) * hauteur + 24)

    @staticmethod
    def _bulle(s: SituationEnveloppe) -> str:
        portee = f" (axe « {s.axe} »)" if s.axe else ""
        if s.enveloppe is None:
            return (f"{s.libelle}{portee} : pas d'enveloppe saisie (pas de limite) ; décidé "
                    f"{argent.formater(s.decide)}, scénario {argent.formater(s.simule)}.")
        taux = f" ({s.taux} % de l'enveloppe)" if s.taux is not None else ""
        etat = "dépassée de " + argent.formater(-s.reste) if s.depasse else "reste " + argent.formater(s.reste)
        demande = "" if s.axe else \
            f" Encore demandé par les dossiers non tranchés : {argent.formater(s.demande)}."
        return (f"{s.libelle}{portee} : enveloppe {argent.formater(s.enveloppe)} ; décidé "
                f"{argent.formater(s.decide)}, scénario {argent.formater(s.simule)}, programmé "
                f"{argent.formater(s.programme)}{taux} ; {etat}.{demande}")

    # --- Chargement autonome (séance, montants accordés) -------------------------------------------------

    def charger(self, contexte, annee: int, dispositif: str, scenario_id: int | None = None) -> None:
        from instruction.services.actions import programmation as actions

        self._contexte, self._source = contexte, (actions.situation, annee, dispositif, scenario_id)
        self.relire()

    def charger_dossier(self, contexte, dossier_id: int) -> None:
        """Le bandeau de la campagne d'un dossier (sans scénario)."""
        from instruction.services.actions import programmation as actions

        self._contexte, self._source = contexte, (actions.situation_du_dossier, dossier_id)
        self.relire()

    def relire(self) -> None:
        if self._source is None or self._contexte is None:
            return
        from instruction.ui.operation import Operation

        if not self._abonne:  # relu d'après les changements diffusés par toute Operation
            from instruction.ui.operation import diffusion

            diffusion().changement.connect(self.sur_changement)
            self._abonne = True
        fonction, *arguments = self._source
        Operation(fonction, self._contexte, *arguments, parent=self).apres(self.afficher).refus(
            lambda message: self.setToolTip(message)).lancer()

    def sur_changement(self, changements, _origine=None) -> None:
        from instruction.services.actions import COMITE, INSTRUCTION, PROGRAMMATION

        if changements.touche(PROGRAMMATION, INSTRUCTION, COMITE):
            self.relire()


# --- La variante des boîtes de décision d'un dossier ------------------------------------------------------------


def situations_apres_saisie(situations: Sequence[SituationEnveloppe], actuels: Mapping[str, Decimal | None],
                            saisis: Mapping[str, Decimal]) -> list[SituationEnveloppe]:
    """Les enveloppes si la saisie remplaçait les montants accordés actuels du dossier : ``decide`` devient ce
    qui est accordé aux autres dossiers, ``simule`` ce qui est tapé pour celui-ci (son ``reste`` : le reste après
    cette décision). ``situations`` : celles que le dossier consomme (``enveloppes_du_dossier``), dont le
    décidé compte ses montants ``actuels``."""
    resultat = []
    for s in situations:
        actuel = actuels.get(s.financeur) or Decimal("0.00")
        resultat.append(SituationEnveloppe(s.financeur, s.libelle, s.enveloppe, s.decide - actuel,
                                           saisis.get(s.financeur, Decimal("0.00")), s.demande, s.axe))
    return resultat


class BandeauDecision(BandeauEnveloppes):
    """Le bandeau d'une boîte de décision : enveloppe, autres dossiers, ce dossier, reste après la décision."""

    LIBELLES = {"Enveloppe": "Enveloppe", "Décidé": "Autres dossiers", "Scénario": "Ce dossier",
                "Reste à programmer": "Reste après"}
    VIDE = "Aucune enveloppe pour les cofinanceurs de ce dossier (pas de limite)."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, avec_scenario=True)
        self.setAccessibleName("Enveloppes des cofinanceurs de ce dossier")

    @staticmethod
    def _bulle(s: SituationEnveloppe) -> str:
        portee = f" (axe « {s.axe} »)" if s.axe else ""
        if s.enveloppe is None:
            return (f"{s.libelle}{portee} : pas d'enveloppe saisie pour ce dispositif et cette année "
                    "(pas de limite).")
        etat = (f"l'enveloppe serait dépassée de {argent.formater(-s.reste)}" if s.depasse
                else f"il resterait {argent.formater(s.reste)} à programmer")
        return (f"{s.libelle}{portee} : enveloppe {argent.formater(s.enveloppe)} ; déjà accordé aux autres dossiers "
                f"{argent.formater(s.decide)} ; pour ce dossier {argent.formater(s.simule)} : {etat}.")
