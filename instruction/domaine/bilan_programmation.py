"""Le bilan de la programmation d'une année (issue 13, point 4), calcul pur : actions, porteurs, montants accordés
par cofinanceur, par axe et objectif stratégique, par quartier, par dispositif ; publics prévus et atteints ; bilans
reçus et en retard. La matière du rapport annuel politique de la ville (décret du 3 septembre 2015) et des copils.

Le service lit les actions décidées (``ActionBilan``) et les noms du référentiel (``Noms``) ; ``calculer`` rend le
``BilanProgrammation``. Les montants sont exacts (``Decimal``), sommés action par action. Une action qui relève de
plusieurs axes, objectifs ou quartiers compte **entière** sous chacun : ces tableaux se lisent ligne par ligne
(« les actions qui touchent ce quartier ») et leur somme dépasse le total, qui est donné à part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from instruction.domaine.publics import TRANCHES_AGE

ZERO = Decimal("0.00")
SANS_QUARTIER = "(sans quartier)"
NATURES_QPV = ("qpv", "sous_secteur")
NATURES = {"qpv": " (QPV)", "secteur_vigilance": " (secteur de vigilance)"}


@dataclass(frozen=True)
class Realise:
    """Les publics atteints, d'après le compte rendu de l'action pour l'exercice."""

    femmes: int | None = None
    hommes: int | None = None
    qpv: int | None = None
    hors_qpv: int | None = None
    tranches: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionBilan:
    """Une action décidée de l'année, telle que le bilan la lit."""

    id: int
    porteur_id: int
    dispositif: str
    accordes: Mapping[str, Decimal]  # cofinanceur → montant accordé
    axes: frozenset[str] = frozenset()
    objectifs: frozenset[str] = frozenset()  # objectifs stratégiques
    quartiers: frozenset[str] = frozenset()
    beneficiaires: int | None = None
    femmes: int | None = None
    hommes: int | None = None
    tranches: tuple[str, ...] = ()
    qpv: int | None = None  # bénéficiaires prévus habitant un QPV
    realise: Realise | None = None
    bilan: str | None = None  # statut du bilan attendu (domaine.bilans.STATUTS), s'il y en a un

    @property
    def montant(self) -> Decimal:
        return sum(self.accordes.values(), ZERO)


@dataclass(frozen=True)
class Noms:
    """Les libellés du référentiel, dans l'ordre du référentiel."""

    financeurs: Mapping[str, str]
    axes: Mapping[str, str]
    objectifs: Mapping[str, tuple[str, str]]  # code → (libellé, axe)
    quartiers: Mapping[str, tuple[str, str, str | None]]  # code → (nom, nature, parent)
    dispositifs: Mapping[str, str]
    statuts_bilans: Mapping[str, str] = field(default_factory=dict)
    sigles: Mapping[str, str] = field(default_factory=dict)  # cofinanceur → sigle


@dataclass
class Agregat:
    """Une ligne d'un tableau : combien d'actions et de porteurs, quel montant, dont par cofinanceur."""

    code: str
    libelle: str
    niveau: int = 0  # 1 : sous-ligne (sous-secteur d'un QPV, objectif d'un axe)
    nature: str = ""
    court: str = ""  # un libellé court pour les graphiques (sigle d'un cofinanceur)
    actions: int = 0
    porteurs: set[int] = field(default_factory=set)
    montant: Decimal = ZERO
    par_financeur: dict[str, Decimal] = field(default_factory=dict)

    def ajouter(self, action: ActionBilan) -> None:
        self.actions += 1
        self.porteurs.add(action.porteur_id)
        self.montant += action.montant
        for code, montant in action.accordes.items():
            self.par_financeur[code] = self.par_financeur.get(code, ZERO) + montant

    @property
    def etiquette(self) -> str:
        return self.court or self.libelle

    @property
    def nombre_porteurs(self) -> int:
        return len(self.porteurs)


@dataclass(frozen=True)
class Publics:
    """Publics prévus (toutes les actions, et les seules actions dont le compte rendu est reçu) et atteints."""

    actions: int
    beneficiaires: int
    femmes: int
    hommes: int
    qpv: int
    actions_par_tranche: dict[str, int]  # combien d'actions visent chaque tranche d'âge
    avec_compte_rendu: int  # actions dont le compte rendu donne les publics atteints
    prevus_comparables: dict[str, int]  # femmes, hommes, qpv prévus de ces seules actions
    atteints: dict[str, int]  # femmes, hommes, qpv, hors_qpv atteints
    atteints_par_tranche: dict[str, int]

    @staticmethod
    def part(numerateur: int, denominateur: int) -> Decimal | None:
        return Decimal(numerateur) / Decimal(denominateur) if denominateur else None


@dataclass(frozen=True)
class BilanProgrammation:
    annee: int
    dispositif: str | None  # libellé du dispositif choisi ; rien : tous
    actions: int
    porteurs: int
    total: Decimal
    financeurs: list[Agregat]  # une ligne par cofinanceur : actions financées, porteurs, montant
    axes: list[Agregat]  # axe, puis ses objectifs stratégiques (niveau 1)
    quartiers: list[Agregat]  # QPV (et sous-secteurs, niveau 1), secteurs de vigilance, sans quartier
    dispositifs: list[Agregat]
    publics: Publics
    bilans: dict[str, int]  # statut → nombre (attendus, en retard, reçus, validés…)
    libelles_bilans: Mapping[str, str] = field(default_factory=dict)
    # Les crédits par cotation égalité femmes-hommes, demandés à l'entrée du comité et accordés à sa sortie :
    # l'approche budgétaire intégrée de la même année (services.approche_budgetaire.ApprocheBudgetaire), reprise.
    approche: Any = None

    @property
    def titre(self) -> str:
        return f"Bilan de la programmation {self.annee}" + (f" — {self.dispositif}" if self.dispositif else "")

    @property
    def codes_financeurs(self) -> list[str]:
        return [a.code for a in self.financeurs]


def calculer(annee: int, actions: Iterable[ActionBilan], noms: Noms, *, dispositif: str | None = None,
             bilans: Mapping[str, int] | None = None, approche: Any = None) -> BilanProgrammation:
    actions = list(actions)
    total = sum((a.montant for a in actions), ZERO)

    financeurs = {code: Agregat(code, libelle, court=noms.sigles.get(code, "")) for code, libelle
                  in noms.financeurs.items()}
    axes: dict[str, Agregat] = {}
    objectifs: dict[str, Agregat] = {}
    quartiers = {code: Agregat(code, nom + NATURES.get(nature, ""), 1 if nature == "sous_secteur" else 0, nature)
                 for code, (nom, nature, _parent) in noms.quartiers.items()}
    sans_quartier = Agregat(SANS_QUARTIER, "Sans quartier désigné")
    dispositifs = {code: Agregat(code, libelle) for code, libelle in noms.dispositifs.items()}
    for action in actions:
        for code, montant in action.accordes.items():
            ligne = financeurs.setdefault(code, Agregat(code, code))
            if montant > 0:
                ligne.actions += 1
                ligne.porteurs.add(action.porteur_id)
            ligne.montant += montant
        for code in action.axes:
            axes.setdefault(code, Agregat(code, noms.axes.get(code, code))).ajouter(action)
        for code in action.objectifs:
            objectifs.setdefault(code, Agregat(code, noms.objectifs.get(code, (code, ""))[0], 1)).ajouter(action)
        touches = set(action.quartiers)
        for code in action.quartiers:  # un sous-secteur compte aussi pour son QPV
            parent = noms.quartiers.get(code, ("", "", None))[2]
            if parent:
                touches.add(parent)
        for code in touches:
            quartiers.setdefault(code, Agregat(code, code)).ajouter(action)
        if not touches:
            sans_quartier.ajouter(action)
        dispositifs.setdefault(action.dispositif, Agregat(action.dispositif, action.dispositif)).ajouter(action)

    lignes_axes: list[Agregat] = []
    for code in noms.axes:
        if code in axes:
            lignes_axes.append(axes[code])
            lignes_axes += [objectifs[o] for o, (_l, axe) in noms.objectifs.items() if axe == code and o in objectifs]
    lignes_quartiers: list[Agregat] = []
    for code, (_nom, nature, _parent) in noms.quartiers.items():
        if nature == "qpv":
            lignes_quartiers.append(quartiers[code])
            lignes_quartiers += [quartiers[s] for s, (_n, _na, p) in noms.quartiers.items() if p == code]
    lignes_quartiers += [quartiers[c] for c, (_n, nature, _p) in noms.quartiers.items()
                         if nature not in NATURES_QPV]
    lignes_quartiers.append(sans_quartier)

    return BilanProgrammation(
        annee=annee, dispositif=dispositif, actions=len(actions), porteurs=len({a.porteur_id for a in actions}),
        total=total,
        financeurs=[l for l in financeurs.values() if l.montant or l.actions],
        axes=lignes_axes,
        quartiers=[l for l in lignes_quartiers if l.actions or l.nature == "qpv"],
        dispositifs=[l for l in dispositifs.values() if l.actions],
        publics=_publics(actions),
        bilans=dict(bilans or {}),
        libelles_bilans=dict(noms.statuts_bilans),
        approche=approche,
    )


def _publics(actions: list[ActionBilan]) -> Publics:
    par_tranche = {t: 0 for t in TRANCHES_AGE}
    for a in actions:
        for t in a.tranches:
            if t in par_tranche:
                par_tranche[t] += 1
    avec = [a for a in actions if a.realise is not None]
    atteints = {"femmes": 0, "hommes": 0, "qpv": 0, "hors_qpv": 0}
    atteints_tranches = {t: 0 for t in TRANCHES_AGE}
    for a in avec:
        for cle in atteints:
            atteints[cle] += getattr(a.realise, cle) or 0
        for t, n in a.realise.tranches.items():
            if t in atteints_tranches:
                atteints_tranches[t] += n
    return Publics(
        actions=len(actions),
        beneficiaires=sum(a.beneficiaires or 0 for a in actions),
        femmes=sum(a.femmes or 0 for a in actions), hommes=sum(a.hommes or 0 for a in actions),
        qpv=sum(a.qpv or 0 for a in actions),
        actions_par_tranche=par_tranche,
        avec_compte_rendu=len(avec),
        prevus_comparables={"femmes": sum(a.femmes or 0 for a in avec), "hommes": sum(a.hommes or 0 for a in avec),
                            "qpv": sum(a.qpv or 0 for a in avec),
                            "beneficiaires": sum(a.beneficiaires or 0 for a in avec)},
        atteints=atteints, atteints_par_tranche=atteints_tranches,
    )
