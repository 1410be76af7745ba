"""La programmation d'une campagne : le tableau des dossiers par cofinanceur, et les scénarios.

Le tableau (``lire_tableau``) montre, pour chaque dossier d'une campagne (un dispositif, une année) et chaque
cofinanceur : le demandé (compte 74 du budget), le proposé par l'instructeur (sa proposition au comité), le
montant de l'avis du cofinanceur, le décidé (montants accordés) et le montant d'un **scénario**. Il se lit en
un nombre fixe de requêtes, quel que soit le nombre de dossiers.

Un scénario est une simulation : des décisions provisoires gardées à part des décisions définitives, pour
que le comité itère sans toucher aux dossiers décidés. Plusieurs scénarios par campagne ; on en duplique un
pour essayer une variante. Un scénario ne porte que sur les dossiers pas encore tranchés
(``domaine.programmation.TRANCHES``) : la saisie sur un dossier décidé, refusé ou clos est refusée.
Rendre un scénario définitif n'est pas ici : la clôture de la séance du comité applique les décisions ;
``decisions_du_scenario`` lui donne de quoi pré-remplir ses décisions.

Choix faits là où le ticket est muet : une campagne est déjà « un dispositif une année » (une seule campagne
par dispositif et par année) ; un montant saisi dans un scénario au-delà de la demande est gardé avec sa
justification (exigée), comme le fera la décision définitive ; deux postes qui saisissent dans le même scénario
écrivent chacun sa case (la dernière saisie d'une case l'emporte, l'historique garde les deux).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import delete, func, select

from instruction.db import modeles as m
from instruction.db.modeles.instruction import MontantPropose, Proposition
from instruction.db.modeles.programmation import Scenario, ScenarioDossier, ScenarioMontant
from instruction.domaine import argent
from instruction.domaine import programmation as prog
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import maintenant
from instruction.services import enveloppes
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

ZERO = prog.ZERO
EGALITE = "egalite-femmes-hommes"
OBJET = "scénario de programmation"
PRE_REMPLISSAGES = {"propositions": "les propositions de l'instructeur (sinon les demandes)",
                    "demandes": "les montants demandés", "vide": "rien (scénario vide)"}


class Cellule(NamedTuple):
    """Les montants d'un dossier pour un cofinanceur (None : rien de ce genre)."""

    demande: Decimal | None = None
    propose: Decimal | None = None  # la proposition de l'instructeur au comité
    avis: Decimal | None = None  # le montant de l'avis du cofinanceur (le dernier)
    decide: Decimal | None = None  # montant accordé (décision définitive)
    simule: Decimal | None = None  # montant du scénario
    justification: str | None = None  # pourquoi le montant du scénario dépasse la demande


VIDE = Cellule()


@dataclass
class LigneProgrammation:
    dossier_id: int
    numero: str
    intitule: str
    porteur: str
    etat: str
    quartiers: str
    codes_quartiers: tuple[str, ...]
    axes: tuple[str, ...]
    cotation_egalite: int | None
    cout_total: Decimal
    cellules: dict[str, Cellule] = field(default_factory=dict)
    decision: str | None = None  # décision provisoire choisie dans le scénario (None : déduite des montants)
    motif: str | None = None

    @property
    def tranche(self) -> bool:
        """Décidé, refusé ou clos : le scénario ne le touche pas."""
        return self.etat in prog.TRANCHES

    @property
    def pret_pour_le_comite(self) -> bool:
        return prog.peut_aller_au_comite(self.etat, self.cotation_egalite)

    def cellule(self, financeur: str) -> Cellule:
        return self.cellules.get(financeur, VIDE)

    def decision_provisoire(self) -> str | None:
        """La décision du scénario : choisie, sinon déduite de ses montants (None : rien de simulé)."""
        if self.tranche:
            return None
        if self.decision:
            return self.decision
        simules = {c: v.simule for c, v in self.cellules.items() if v.simule is not None}
        return prog.decision_par_defaut(simules) if simules else None


@dataclass(frozen=True)
class ScenarioLu:
    id: int
    campagne_id: int
    nom: str
    commentaire: str | None
    cree_le: dt.datetime
    acteur: str
    modifie_le: dt.datetime


@dataclass(frozen=True)
class CampagneProgrammable:
    id: int
    libelle: str
    dispositif: str
    annee: int
    code: str  # « cdv-2023 » : le dispositif et l'année (ligne de commande)


@dataclass
class TableauProgrammation:
    campagne: CampagneProgrammable
    financeurs: list[tuple[str, str]]  # (code, sigle) : les colonnes, dans l'ordre du référentiel
    lignes: list[LigneProgrammation]
    enveloppes: list[prog.SituationEnveloppe]
    scenarios: list[ScenarioLu]
    scenario: ScenarioLu | None = None
    libelles_axes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DecisionProvisoire:
    """Ce qu'un scénario prévoit pour un dossier : de quoi pré-remplir la décision de la séance."""

    dossier_id: int
    decision: str  # retenu, ajourne, refuse
    montants: dict[str, Decimal]  # vide pour un refus ou un ajournement
    motif: str | None
    justification: str | None  # celle des montants au-delà de la demande (jointes)


# --- Lectures -----------------------------------------------------------------------------------------------


def campagnes(uow: UniteDeTravail) -> list[CampagneProgrammable]:
    """Les campagnes, la plus récente d'abord."""
    return [CampagneProgrammable(i, libelle, disp, annee, f"{disp}-{annee}") for i, libelle, disp, annee in
            uow.session.execute(select(m.Campagne.id, m.Campagne.libelle, m.Campagne.dispositif_code,
                                       m.Campagne.annee).order_by(m.Campagne.annee.desc(), m.Campagne.libelle))]


def campagne_par_code(uow: UniteDeTravail, code: str) -> CampagneProgrammable:
    """« cdv-2023 » → la campagne du dispositif cdv en 2023 ; message clair sinon."""
    dispositif, _, annee = (code or "").strip().lower().rpartition("-")
    trouvees = [c for c in campagnes(uow) if c.dispositif == dispositif and str(c.annee) == annee]
    if not trouvees:
        connues = ", ".join(c.code for c in campagnes(uow)) or "aucune"
        raise DonneesInvalides(f"Campagne inconnue : « {code} » (dispositif-année, par exemple cdv-2023). "
                               f"Campagnes de la base : {connues}.")
    return trouvees[0]


def _campagne(uow: UniteDeTravail, campagne_id: int) -> CampagneProgrammable:
    ligne = uow.session.execute(select(m.Campagne.id, m.Campagne.libelle, m.Campagne.dispositif_code,
                                       m.Campagne.annee).where(m.Campagne.id == campagne_id)).first()
    if ligne is None:
        raise DonneesInvalides("Cette campagne n'existe plus.")
    i, libelle, disp, annee = ligne
    return CampagneProgrammable(i, libelle, disp, annee, f"{disp}-{annee}")


def scenarios(uow: UniteDeTravail, campagne_id: int) -> list[ScenarioLu]:
    return [_lu(s) for s in uow.session.scalars(
        select(Scenario).where(Scenario.campagne_id == campagne_id).order_by(Scenario.cree_le, Scenario.id))]


def _lu(s: Scenario) -> ScenarioLu:
    return ScenarioLu(s.id, s.campagne_id, s.nom, s.commentaire, s.cree_le, s.acteur, s.modifie_le)


def _scenario(uow: UniteDeTravail, scenario_id: int) -> Scenario:
    scenario = uow.session.get(Scenario, scenario_id)
    if scenario is None:
        raise DonneesInvalides("Ce scénario n'existe plus (il a peut-être été supprimé par un autre poste).")
    return scenario


def _dernieres_propositions(uow: UniteDeTravail, campagne_id: int) -> dict[int, tuple[str, dict[str, Decimal]]]:
    """dossier → (sens, montants) de sa dernière proposition (deux requêtes)."""
    dernieres: dict[int, tuple[int, str]] = {}
    for dossier_id, proposition_id, sens in uow.session.execute(
            select(Proposition.dossier_id, Proposition.id, Proposition.sens)
            .join(m.Dossier, m.Dossier.id == Proposition.dossier_id).where(m.Dossier.campagne_id == campagne_id)
            .order_by(Proposition.le, Proposition.id)):
        dernieres[dossier_id] = (proposition_id, sens)
    par_proposition: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if dernieres:
        ids = {p for p, _s in dernieres.values()}
        for proposition_id, code, montant in uow.session.execute(
                select(MontantPropose.proposition_id, MontantPropose.financeur_code, MontantPropose.montant)
                .join(Proposition, Proposition.id == MontantPropose.proposition_id)
                .join(m.Dossier, m.Dossier.id == Proposition.dossier_id).where(m.Dossier.campagne_id == campagne_id)):
            if proposition_id in ids:
                par_proposition[proposition_id][code] = montant
    return {d: (sens, par_proposition.get(p, {})) for d, (p, sens) in dernieres.items()}


def _demandes(uow: UniteDeTravail, campagne_id: int) -> dict[tuple[int, str], Decimal]:
    return {(d, c): v for d, c, v in uow.session.execute(
        select(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code, func.sum(m.LigneBudget.montant))
        .join(m.Dossier, m.Dossier.id == m.LigneBudget.dossier_id)
        .where(m.Dossier.campagne_id == campagne_id, m.LigneBudget.sens == "produit",
               m.LigneBudget.compte == "74", m.LigneBudget.financeur_code.is_not(None))
        .group_by(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code))}


def lire_tableau(uow: UniteDeTravail, campagne_id: int, scenario_id: int | None = None) -> TableauProgrammation:
    """Le tableau de programmation d'une campagne (avec un scénario, s'il est donné) ; treize requêtes
    environ, quel que soit le nombre de dossiers."""
    session = uow.session
    campagne = _campagne(uow, campagne_id)
    liste_scenarios = scenarios(uow, campagne_id)
    scenario = next((s for s in liste_scenarios if s.id == scenario_id), None)
    if scenario_id is not None and scenario is None:
        raise DonneesInvalides("Ce scénario n'existe plus (il a peut-être été supprimé par un autre poste).")
    dossiers = session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Porteur.nom, m.Dossier.etat,
               m.Dossier.cout_total)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .where(m.Dossier.campagne_id == campagne_id).order_by(m.Dossier.numero)).all()
    cellules: dict[int, dict[str, dict[str, object]]] = defaultdict(lambda: defaultdict(dict))
    for (d, c), v in _demandes(uow, campagne_id).items():
        cellules[d][c]["demande"] = v
    for d, (_sens, montants) in _dernieres_propositions(uow, campagne_id).items():
        for c, v in montants.items():
            cellules[d][c]["propose"] = v
    for d, c, v in session.execute(  # le dernier avis qui propose un montant l'emporte
            select(m.DemandeAvis.dossier_id, m.AvisMontant.financeur_code, m.AvisMontant.montant)
            .join(m.Avis, m.Avis.id == m.AvisMontant.avis_id)
            .join(m.DemandeAvis, m.DemandeAvis.id == m.Avis.demande_id)
            .join(m.Dossier, m.Dossier.id == m.DemandeAvis.dossier_id)
            .where(m.Dossier.campagne_id == campagne_id).order_by(m.Avis.donne_le, m.Avis.id)):
        cellules[d][c]["avis"] = v
    for d, c, v in session.execute(
            select(m.MontantAccorde.dossier_id, m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
            .join(m.Dossier, m.Dossier.id == m.MontantAccorde.dossier_id).where(m.Dossier.campagne_id == campagne_id)):
        cellules[d][c]["decide"] = v
    decisions: dict[int, tuple[str | None, str | None]] = {}
    if scenario is not None:
        for d, c, v, justification in session.execute(
                select(ScenarioMontant.dossier_id, ScenarioMontant.financeur_code, ScenarioMontant.montant,
                       ScenarioMontant.justification).where(ScenarioMontant.scenario_id == scenario.id)):
            cellules[d][c]["simule"] = v
            cellules[d][c]["justification"] = justification
        decisions = {d: (decision, motif) for d, decision, motif in session.execute(
            select(ScenarioDossier.dossier_id, ScenarioDossier.decision, ScenarioDossier.motif)
            .where(ScenarioDossier.scenario_id == scenario.id))}
    noms_quartiers = dict(session.execute(select(m.Quartier.code, m.Quartier.nom)).all())
    quartiers: dict[int, list[str]] = defaultdict(list)
    for d, q in session.execute(select(m.DossierQuartier.dossier_id, m.DossierQuartier.quartier_code)
                                .join(m.Dossier, m.Dossier.id == m.DossierQuartier.dossier_id)
                                .where(m.Dossier.campagne_id == campagne_id)):
        quartiers[d].append(q)
    axes = enveloppes.axes_des_dossiers(uow, annee=campagne.annee, dispositif=campagne.dispositif)
    cotations = dict(session.execute(
        select(m.Cotation.dossier_id, m.Cotation.cotation).join(m.Dossier, m.Dossier.id == m.Cotation.dossier_id)
        .where(m.Dossier.campagne_id == campagne_id, m.Cotation.grille == EGALITE)).all())
    financeurs = [(c, s or l) for c, s, l in session.execute(
        select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle).order_by(m.Financeur.ordre, m.Financeur.code))]
    situation = enveloppes.situation(uow, campagne.annee, campagne.dispositif,
                                     scenario_id=scenario.id if scenario else None)
    utiles = {c for par in cellules.values() for c in par} | {s.financeur for s in situation}
    libelles_quartiers: dict[tuple[str, ...], str] = {}
    lignes = []
    for dossier_id, numero, intitule, porteur, etat, cout in dossiers:
        codes = tuple(quartiers.get(dossier_id, ()))
        libelle_q = libelles_quartiers.get(codes)
        if libelle_q is None:
            libelle_q = libelles_quartiers[codes] = ", ".join(sorted(noms_quartiers.get(q, q) for q in codes))
        decision, motif = decisions.get(dossier_id, (None, None))
        lignes.append(LigneProgrammation(
            dossier_id, numero, intitule, porteur, etat, libelle_q, codes, tuple(sorted(axes.get(dossier_id, ()))),
            cotations.get(dossier_id), cout or ZERO,
            {c: Cellule(**v) for c, v in cellules.get(dossier_id, {}).items()}, decision, motif))
    return TableauProgrammation(
        campagne, [(c, s) for c, s in financeurs if c in utiles], lignes, situation, liste_scenarios, scenario,
        dict(session.execute(select(m.Axe.code, m.Axe.libelle)).all()))


def decisions_du_scenario(uow: UniteDeTravail, scenario_id: int,
                          dossier_ids: list[int] | None = None) -> dict[int, DecisionProvisoire]:
    """Ce que le scénario prévoit pour chaque dossier pas encore tranché (de quoi pré-remplir les décisions
    d'une séance du comité) : la décision (choisie, sinon retenu si un montant est donné, refusé sinon), les
    montants (aucun pour un refus ou un ajournement), le motif et la justification. Trois requêtes."""
    scenario = _scenario(uow, scenario_id)
    montants: dict[int, dict[str, Decimal]] = defaultdict(dict)
    justifications: dict[int, list[str]] = defaultdict(list)
    for d, c, v, j in uow.session.execute(
            select(ScenarioMontant.dossier_id, ScenarioMontant.financeur_code, ScenarioMontant.montant,
                   ScenarioMontant.justification).where(ScenarioMontant.scenario_id == scenario.id)):
        montants[d][c] = v
        if j and j not in justifications[d]:
            justifications[d].append(j)
    choix = {d: (decision, motif) for d, decision, motif in uow.session.execute(
        select(ScenarioDossier.dossier_id, ScenarioDossier.decision, ScenarioDossier.motif)
        .where(ScenarioDossier.scenario_id == scenario.id))}
    concernes = set(montants) | set(choix)
    if dossier_ids is not None:
        concernes &= set(dossier_ids)
    etats = dict(uow.session.execute(select(m.Dossier.id, m.Dossier.etat).where(m.Dossier.id.in_(sorted(concernes))))
                 .all()) if concernes else {}
    resultat = {}
    for d in sorted(concernes):
        if d not in etats or etats[d] in prog.TRANCHES:
            continue
        decision, motif = choix.get(d, (None, None))
        decision = decision or prog.decision_par_defaut(montants.get(d, {}))
        resultat[d] = DecisionProvisoire(d, decision, {} if decision in prog.SANS_MONTANT else dict(montants.get(d, {})),
                                         motif, " ; ".join(justifications.get(d, [])) or None)
    return resultat


# --- Scénarios ----------------------------------------------------------------------------------------------


def _nom_propre(uow: UniteDeTravail, campagne_id: int, nom: str, sauf: int | None = None) -> str:
    nom = " ".join((nom or "").split())
    if not nom:
        raise DonneesInvalides("Donnez un nom au scénario.")
    if len(nom) > 120:
        raise DonneesInvalides("Le nom du scénario dépasse 120 caractères.")
    if uow.session.scalar(select(Scenario.id).where(Scenario.campagne_id == campagne_id, Scenario.nom == nom,
                                                    Scenario.id != (sauf or 0))):
        raise DonneesInvalides(f"Un scénario « {nom} » existe déjà pour cette campagne : choisissez un autre nom.")
    return nom


@ecrit("programmation.simuler")
def creer_scenario(uow: UniteDeTravail, campagne_id: int, nom: str, *, pre_remplir: str = "propositions",
                   commentaire: str | None = None) -> ScenarioLu:
    """Un nouveau scénario pour la campagne, pré-rempli pour les dossiers pas encore tranchés :
    « propositions » (la proposition de l'instructeur ; défavorable : refusé ; sans proposition : la demande),
    « demandes » ou « vide »."""
    if pre_remplir not in PRE_REMPLISSAGES:
        raise DonneesInvalides(f"Pré-remplissage inconnu : {pre_remplir}.")
    campagne = _campagne(uow, campagne_id)
    nom = _nom_propre(uow, campagne_id, nom)
    scenario = Scenario(campagne_id=campagne_id, nom=nom, commentaire=(commentaire or "").strip() or None,
                        cree_le=maintenant(), acteur=uow.acteur, modifie_le=maintenant())
    uow.session.add(scenario)
    uow.session.flush()
    if pre_remplir != "vide":
        ouverts = [d for d, etat in uow.session.execute(select(m.Dossier.id, m.Dossier.etat)
                                                         .where(m.Dossier.campagne_id == campagne_id))
                   if etat not in prog.TRANCHES]
        demandes = _demandes(uow, campagne_id)
        propositions = _dernieres_propositions(uow, campagne_id) if pre_remplir == "propositions" else {}
        lignes, choix = [], []
        for d in ouverts:
            if d in propositions:
                sens, montants = propositions[d]
                if sens == "defavorable":
                    choix.append(ScenarioDossier(scenario_id=scenario.id, dossier_id=d, decision=prog.REFUSE,
                                                 motif="Proposition défavorable de l'instructeur"))
                    continue
            else:
                montants = {c: v for (dd, c), v in demandes.items() if dd == d}
            for c, v in montants.items():
                justification = ("Proposition de l'instructeur au-delà de la demande"
                                 if v > demandes.get((d, c), ZERO) else None)
                lignes.append(ScenarioMontant(scenario_id=scenario.id, dossier_id=d, financeur_code=c, montant=v,
                                              justification=justification))
        uow.session.add_all(choix + lignes)
        uow.session.flush()
    modifs.noter(uow, OBJET, "création", changements=[
        ("Scénario", None, f"{nom} — {campagne.libelle}"), ("Pré-rempli avec", None, PRE_REMPLISSAGES[pre_remplir])])
    return _lu(scenario)


@ecrit("programmation.simuler")
def dupliquer_scenario(uow: UniteDeTravail, scenario_id: int, nom: str) -> ScenarioLu:
    """Une copie du scénario (montants, décisions, motifs, justifications), sous un autre nom."""
    source = _scenario(uow, scenario_id)
    nom = _nom_propre(uow, source.campagne_id, nom)
    copie = Scenario(campagne_id=source.campagne_id, nom=nom, commentaire=source.commentaire,
                     cree_le=maintenant(), acteur=uow.acteur, modifie_le=maintenant())
    uow.session.add(copie)
    uow.session.flush()
    uow.session.add_all([ScenarioMontant(scenario_id=copie.id, dossier_id=l.dossier_id, financeur_code=l.financeur_code,
                                         montant=l.montant, justification=l.justification)
                         for l in uow.session.scalars(select(ScenarioMontant)
                                                      .where(ScenarioMontant.scenario_id == source.id))])
    uow.session.add_all([ScenarioDossier(scenario_id=copie.id, dossier_id=l.dossier_id, decision=l.decision,
                                         motif=l.motif)
                         for l in uow.session.scalars(select(ScenarioDossier)
                                                      .where(ScenarioDossier.scenario_id == source.id))])
    uow.session.flush()
    modifs.noter(uow, OBJET, "duplication", changements=[("Scénario", source.nom, nom)])
    return _lu(copie)


@ecrit("programmation.simuler")
def renommer_scenario(uow: UniteDeTravail, scenario_id: int, nom: str, commentaire: str | None = None) -> ScenarioLu:
    scenario = _scenario(uow, scenario_id)
    ancien = scenario.nom
    scenario.nom = _nom_propre(uow, scenario.campagne_id, nom, sauf=scenario.id)
    scenario.commentaire = (commentaire or "").strip() or None
    scenario.modifie_le = maintenant()
    uow.session.flush()
    modifs.noter(uow, OBJET, "modification", changements=[("Scénario", ancien, scenario.nom)])
    return _lu(scenario)


@ecrit("programmation.simuler")
def supprimer_scenario(uow: UniteDeTravail, scenario_id: int) -> None:
    scenario = _scenario(uow, scenario_id)
    nom = scenario.nom
    uow.session.delete(scenario)
    uow.session.flush()
    modifs.noter(uow, OBJET, "suppression", changements=[("Scénario", nom, None)])


def _dossier_ouvert(uow: UniteDeTravail, scenario: Scenario, dossier_id: int) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None or dossier.campagne_id != scenario.campagne_id:
        raise DonneesInvalides("Ce dossier n'est pas (ou plus) dans la campagne du scénario.")
    if dossier.etat in prog.TRANCHES:
        raise DonneesInvalides(f"Le dossier {dossier.numero} est déjà « {Etat(dossier.etat).libelle} » : un "
                               "scénario ne change pas un dossier tranché.")
    return dossier


@ecrit("programmation.simuler")
def saisir_montant(uow: UniteDeTravail, scenario_id: int, dossier_id: int, financeur: str,
                   montant: Decimal | None, justification: str | None = None) -> Cellule:
    """Le montant provisoire d'un cofinanceur pour un dossier dans un scénario (None : retire la case).

    Un montant au-delà de ce qui est demandé à ce cofinanceur demande une justification (comme la décision
    définitive). Saisir un montant sur un dossier que le scénario refusait ou ajournait le remet « retenu »
    (décision déduite des montants)."""
    scenario = _scenario(uow, scenario_id)
    dossier = _dossier_ouvert(uow, scenario, dossier_id)
    libelles = {c: s or l for c, s, l in uow.session.execute(select(m.Financeur.code, m.Financeur.sigle,
                                                                   m.Financeur.libelle))}
    justification = (justification or "").strip() or None
    if montant is not None:
        erreurs = prog.erreurs_de_montants({financeur: montant}, libelles)
        if erreurs:
            raise DonneesInvalides(erreurs[0])
        montant = montant.quantize(argent.CENTIME)
    elif financeur not in libelles:
        raise DonneesInvalides(f"Financeur inconnu : {financeur}.")
    demande = uow.session.scalar(
        select(func.sum(m.LigneBudget.montant)).where(
            m.LigneBudget.dossier_id == dossier_id, m.LigneBudget.sens == "produit", m.LigneBudget.compte == "74",
            m.LigneBudget.financeur_code == financeur)) or ZERO
    if montant is not None and montant > demande and justification is None:
        raise DonneesInvalides(
            f"{libelles[financeur]} : {argent.formater(montant)} pour {argent.formater(demande)} demandés ; un "
            "montant au-delà de la demande dit pourquoi (justification).")
    ligne = uow.session.get(ScenarioMontant, (scenario.id, dossier_id, financeur))
    ancien = ligne.montant if ligne is not None else None
    if montant is None:
        if ligne is not None:
            uow.session.delete(ligne)
    elif ligne is None:
        uow.session.add(ScenarioMontant(scenario_id=scenario.id, dossier_id=dossier_id, financeur_code=financeur,
                                        montant=montant, justification=justification if montant > demande else None))
    else:
        ligne.montant = montant
        ligne.justification = justification if montant > demande else None
    if montant is not None and montant > 0:
        choix = uow.session.get(ScenarioDossier, (scenario.id, dossier_id))
        if choix is not None and choix.decision in prog.SANS_MONTANT:
            choix.decision = None
    scenario.modifie_le = maintenant()
    uow.session.flush()
    if ancien != montant:
        modifs.noter(uow, OBJET, "saisie", changements=[
            (f"{scenario.nom} — {dossier.numero} — {libelles[financeur]}", argent.formater(ancien, vide="") or None,
             argent.formater(montant, vide="") or None),
            *([("Justification", None, justification)] if justification and montant and montant > demande else [])])
    return Cellule(demande=demande, simule=montant, justification=justification if montant and montant > demande
                   else None)


@ecrit("programmation.simuler")
def choisir_decision(uow: UniteDeTravail, scenario_id: int, dossier_id: int, decision: str | None,
                     motif: str | None = None) -> None:
    """La décision provisoire d'un dossier dans le scénario (None : déduite de ses montants). Un refus ou un
    ajournement est à 0 € : ses montants provisoires sont retirés (l'historique les garde)."""
    scenario = _scenario(uow, scenario_id)
    dossier = _dossier_ouvert(uow, scenario, dossier_id)
    if decision is not None and decision not in prog.DECISIONS:
        raise DonneesInvalides(f"Décision inconnue : {decision} (retenu, ajourné ou refusé).")
    motif = (motif or "").strip() or None
    choix = uow.session.get(ScenarioDossier, (scenario.id, dossier_id))
    ancienne = choix.decision if choix is not None else None
    if choix is None:
        choix = ScenarioDossier(scenario_id=scenario.id, dossier_id=dossier_id)
        uow.session.add(choix)
    choix.decision, choix.motif = decision, motif
    retires = []
    if decision in prog.SANS_MONTANT:
        retires = list(uow.session.scalars(select(ScenarioMontant).where(
            ScenarioMontant.scenario_id == scenario.id, ScenarioMontant.dossier_id == dossier_id)))
        uow.session.execute(delete(ScenarioMontant).where(ScenarioMontant.scenario_id == scenario.id,
                                                          ScenarioMontant.dossier_id == dossier_id))
    scenario.modifie_le = maintenant()
    uow.session.flush()
    modifs.noter(uow, OBJET, "décision", changements=[
        (f"{scenario.nom} — {dossier.numero}", prog.DECISIONS.get(ancienne or "", None),
         prog.DECISIONS.get(decision or "", "déduite des montants")),
        *([("Motif", None, motif)] if motif else []),
        *([("Montants retirés", None, " ; ".join(f"{l.financeur_code} {argent.formater(l.montant)}" for l in retires))]
          if retires else [])])


def situation_des_enveloppes(uow: UniteDeTravail, campagne_id: int,
                             scenario_id: int | None = None) -> list[prog.SituationEnveloppe]:
    """Raccourci pour le bandeau des enveloppes d'une campagne."""
    return enveloppes.situation_de_campagne(uow, campagne_id, scenario_id=scenario_id)


def montants_par_financeur(lignes: list[LigneProgrammation]) -> Mapping[str, Decimal]:
    """Le total simulé par cofinanceur des lignes données (dossiers pas encore tranchés)."""
    totaux: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ligne in lignes:
        if ligne.tranche or ligne.decision_provisoire() in prog.SANS_MONTANT:
            continue
        for code, cellule in ligne.cellules.items():
            if cellule.simule is not None:
                totaux[code] += cellule.simule
    return totaux
