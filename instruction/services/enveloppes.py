"""Les enveloppes des cofinanceurs : saisie avec historique, et « enveloppe / programmé / reste à programmer ».

Une enveloppe est ce qu'un cofinanceur consacre à un dispositif une année (éventuellement pour un axe du
projet de territoire). L'administrateur ou l'instructeur la saisit ; chaque changement est gardé (table
``enveloppe_modification`` : qui, quand, ancien, nouveau, motif) et noté à l'historique général.

* ``fixer`` (instructeur) crée une enveloppe ou la change ; une fois des montants décidés sur elle, la
  relever est un acte d'administrateur (``relever``), et nul ne la baisse sous ce qui est déjà décidé ;
* ``situation`` rend, par cofinanceur, l'enveloppe, le décidé (montants accordés des dossiers décidés),
  le simulé (un scénario, pour les dossiers pas encore décidés), le demandé restant et le reste ;
* ``exiger_dans_enveloppes`` (appelé par le chemin des montants accordés et par la clôture d'une séance)
  refuse, chiffres à l'appui, une décision qui ferait dépasser une enveloppe ; ``depassements`` dit la même
  chose sans refuser (pour prévenir avant de clore).

Toutes les lectures tiennent en un nombre de requêtes qui ne dépend pas du nombre de dossiers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.db.modeles.programmation import Enveloppe, EnveloppeModification, ScenarioDossier, ScenarioMontant
from instruction.domaine import argent
from instruction.domaine import programmation as prog
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import maintenant
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

ZERO = prog.ZERO


@dataclass(frozen=True)
class EnveloppeLue:
    id: int
    financeur: str
    financeur_libelle: str
    annee: int
    dispositif: str
    dispositif_libelle: str
    axe: str | None
    axe_libelle: str | None
    montant: Decimal
    decide: Decimal  # montants accordés des dossiers décidés qu'elle couvre
    modifiee_le: dt.datetime
    acteur: str

    @property
    def reste(self) -> Decimal:
        return self.montant - self.decide

    @property
    def portee(self) -> str:
        """« Région — Contrat de ville 2023 (axe …) »."""
        axe = f" — {self.axe_libelle}" if self.axe else ""
        return f"{self.financeur_libelle} — {self.dispositif_libelle} {self.annee}{axe}"


@dataclass(frozen=True)
class ModificationLue:
    le: dt.datetime
    acteur: str
    ancien: Decimal | None
    nouveau: Decimal
    motif: str | None


# --- Lectures -----------------------------------------------------------------------------------------------


def _libelles_financeurs(uow: UniteDeTravail) -> dict[str, str]:
    return {code: sigle or libelle for code, sigle, libelle in
            uow.session.execute(select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle))}


def _accordes(uow: UniteDeTravail, annee: int, dispositif: str) -> list[tuple[int, str, Decimal]]:
    """(dossier, financeur, montant) accordés aux dossiers de l'année et du dispositif."""
    return [tuple(r) for r in uow.session.execute(
        select(m.MontantAccorde.dossier_id, m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
        .join(m.Dossier, m.Dossier.id == m.MontantAccorde.dossier_id)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .where(m.Campagne.annee == annee, m.Campagne.dispositif_code == dispositif))]


def axes_des_dossiers(uow: UniteDeTravail, ids: list[int] | None = None, *, annee: int | None = None,
                      dispositif: str | None = None) -> dict[int, frozenset[str]]:
    """Les axes du projet de territoire de chaque dossier, par ses objectifs opérationnels (une requête)."""
    requete = (select(m.DossierObjectif.dossier_id, m.Thematique.axe_code)
               .join(m.ObjectifOperationnel,
                     m.ObjectifOperationnel.code == m.DossierObjectif.objectif_operationnel_code)
               .join(m.ObjectifStrategique,
                     m.ObjectifStrategique.code == m.ObjectifOperationnel.objectif_strategique_code)
               .join(m.Thematique, m.Thematique.code == m.ObjectifStrategique.thematique_code))
    if ids is not None:
        requete = requete.where(m.DossierObjectif.dossier_id.in_(ids))
    if annee is not None:
        requete = (requete.join(m.Dossier, m.Dossier.id == m.DossierObjectif.dossier_id)
                   .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
                   .where(m.Campagne.annee == annee, m.Campagne.dispositif_code == dispositif))
    axes: dict[int, set[str]] = defaultdict(set)
    for dossier_id, axe in uow.session.execute(requete):
        axes[dossier_id].add(axe)
    return {d: frozenset(a) for d, a in axes.items()}


def _decide_par_enveloppe(enveloppes: list[Enveloppe], accordes: list[tuple[int, str, Decimal]],
                          axes: Mapping[int, frozenset[str]], sauf: frozenset[int] = frozenset()) -> dict[int, Decimal]:
    """Enveloppe → total accordé qu'elle couvre (sans les dossiers ``sauf``)."""
    resultat = {}
    for e in enveloppes:
        resultat[e.id] = sum((v for d, f, v in accordes if f == e.financeur_code and d not in sauf
                              and (e.axe_code is None or e.axe_code in axes.get(d, ()))), ZERO)
    return resultat


def lister(uow: UniteDeTravail, annee: int | None = None, dispositif: str | None = None) -> list[EnveloppeLue]:
    """Les enveloppes (d'une année, d'un dispositif), avec ce qui est déjà décidé sur chacune."""
    requete = select(Enveloppe)
    if annee is not None:
        requete = requete.where(Enveloppe.annee == annee)
    if dispositif is not None:
        requete = requete.where(Enveloppe.dispositif_code == dispositif)
    enveloppes = list(uow.session.scalars(requete.order_by(Enveloppe.annee.desc(), Enveloppe.dispositif_code,
                                                          Enveloppe.financeur_code, Enveloppe.axe_code)))
    if not enveloppes:
        return []
    financeurs = _libelles_financeurs(uow)
    dispositifs = dict(uow.session.execute(select(m.Dispositif.code, m.Dispositif.libelle)).all())
    libelles_axes = dict(uow.session.execute(select(m.Axe.code, m.Axe.libelle)).all())
    decides: dict[int, Decimal] = {}
    for annee_e, dispositif_e in {(e.annee, e.dispositif_code) for e in enveloppes}:
        du_groupe = [e for e in enveloppes if (e.annee, e.dispositif_code) == (annee_e, dispositif_e)]
        axes = axes_des_dossiers(uow, annee=annee_e, dispositif=dispositif_e) \
            if any(e.axe_code for e in du_groupe) else {}
        decides |= _decide_par_enveloppe(du_groupe, _accordes(uow, annee_e, dispositif_e), axes)
    return [EnveloppeLue(e.id, e.financeur_code, financeurs.get(e.financeur_code, e.financeur_code), e.annee,
                         e.dispositif_code, dispositifs.get(e.dispositif_code, e.dispositif_code), e.axe_code,
                         libelles_axes.get(e.axe_code) if e.axe_code else None, e.montant, decides[e.id],
                         e.modifiee_le, e.acteur) for e in enveloppes]


def lire(uow: UniteDeTravail, enveloppe_id: int) -> EnveloppeLue:
    enveloppe = uow.session.get(Enveloppe, enveloppe_id)
    if enveloppe is None:
        raise DonneesInvalides("Cette enveloppe n'existe plus.")
    return next(e for e in lister(uow, enveloppe.annee, enveloppe.dispositif_code) if e.id == enveloppe_id)


def historique(uow: UniteDeTravail, enveloppe_id: int) -> list[ModificationLue]:
    """Les changements d'une enveloppe, du plus ancien au plus récent."""
    return [ModificationLue(h.le, h.acteur, h.ancien, h.nouveau, h.motif) for h in uow.session.scalars(
        select(EnveloppeModification).where(EnveloppeModification.enveloppe_id == enveloppe_id)
        .order_by(EnveloppeModification.le, EnveloppeModification.id))]


def situation(uow: UniteDeTravail, annee: int, dispositif: str, *, scenario_id: int | None = None,
              axes: bool = False) -> list[prog.SituationEnveloppe]:
    """Par cofinanceur : enveloppe / décidé / simulé (``scenario_id``) / demandé restant / reste à programmer.

    Les cofinanceurs listés : ceux qui ont une enveloppe (tous axes), ou à qui un dossier de l'année et du
    dispositif demande, ou sur qui un montant est décidé ou simulé ; dans l'ordre du référentiel. ``axes`` :
    ajoute une ligne par enveloppe d'axe (``SituationEnveloppe.axe``). Six requêtes au plus."""
    session = uow.session
    libelles = {c: s or l for c, s, l in session.execute(
        select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle).order_by(m.Financeur.ordre, m.Financeur.code))}
    enveloppes = list(session.scalars(select(Enveloppe).where(Enveloppe.annee == annee,
                                                              Enveloppe.dispositif_code == dispositif)))
    accordes = _accordes(uow, annee, dispositif)
    decides_ids = {d for d, _f, _v in accordes}
    # Ce qui reste demandé : les dossiers pas encore tranchés (ni décidés, ni refusés, ni clos).
    demandes = dict(session.execute(
        select(m.LigneBudget.financeur_code, func.sum(m.LigneBudget.montant))
        .join(m.Dossier, m.Dossier.id == m.LigneBudget.dossier_id)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .where(m.Campagne.annee == annee, m.Campagne.dispositif_code == dispositif,
               m.Dossier.etat.not_in([str(e) for e in prog.TRANCHES]),
               m.LigneBudget.sens == "produit", m.LigneBudget.compte == "74",
               m.LigneBudget.financeur_code.is_not(None))
        .group_by(m.LigneBudget.financeur_code)).all())
    simules: dict[str, Decimal] = defaultdict(lambda: ZERO)
    simules_par_dossier: list[tuple[int, str, Decimal]] = []
    if scenario_id is not None:
        for dossier_id, code, montant in _simules(uow, scenario_id):
            if dossier_id not in decides_ids:
                simules[code] += montant
                simules_par_dossier.append((dossier_id, code, montant))
    decides: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for _d, code, montant in accordes:
        decides[code] += montant
    globales = {e.financeur_code: e.montant for e in enveloppes if e.axe_code is None}
    presents = set(globales) | {c for c, v in demandes.items() if v} | set(decides) | set(simules)
    resultat = [prog.SituationEnveloppe(code, libelles.get(code, code), globales.get(code), decides[code],
                                        simules[code], demandes.get(code) or ZERO)
                for code in libelles if code in presents]
    if axes and any(e.axe_code for e in enveloppes):
        par_axe = axes_des_dossiers(uow, annee=annee, dispositif=dispositif)
        libelles_axes = dict(session.execute(select(m.Axe.code, m.Axe.libelle)).all())
        for e in sorted((e for e in enveloppes if e.axe_code), key=lambda e: (e.financeur_code, e.axe_code)):
            dans = {d for d, a in par_axe.items() if e.axe_code in a}
            resultat.append(prog.SituationEnveloppe(
                e.financeur_code, libelles.get(e.financeur_code, e.financeur_code), e.montant,
                sum((v for d, c, v in accordes if c == e.financeur_code and d in dans), ZERO),
                sum((v for d, c, v in simules_par_dossier if c == e.financeur_code and d in dans), ZERO),
                axe=libelles_axes.get(e.axe_code, e.axe_code)))
    return resultat


def _simules(uow: UniteDeTravail, scenario_id: int) -> list[tuple[int, str, Decimal]]:
    """Les montants d'un scénario, sans ceux des dossiers que le scénario ajourne ou refuse."""
    sans_montant = {d for (d,) in uow.session.execute(
        select(ScenarioDossier.dossier_id).where(ScenarioDossier.scenario_id == scenario_id,
                                                 ScenarioDossier.decision.in_(sorted(prog.SANS_MONTANT))))}
    return [(d, c, v) for d, c, v in uow.session.execute(
        select(ScenarioMontant.dossier_id, ScenarioMontant.financeur_code, ScenarioMontant.montant)
        .where(ScenarioMontant.scenario_id == scenario_id)) if d not in sans_montant]


def situation_de_campagne(uow: UniteDeTravail, campagne_id: int, *, scenario_id: int | None = None,
                          axes: bool = False) -> list[prog.SituationEnveloppe]:
    campagne = uow.session.get(m.Campagne, campagne_id)
    if campagne is None:
        raise DonneesInvalides("Cette campagne n'existe plus.")
    return situation(uow, campagne.annee, campagne.dispositif_code, scenario_id=scenario_id, axes=axes)


def depassements(uow: UniteDeTravail, decisions: Mapping[int, Mapping[str, Decimal]], *,
                 verrouiller: bool = False) -> list[str]:
    """Les enveloppes que ces décisions définitives (dossier → montants accordés par cofinanceur, qui
    remplacent les montants actuels de ces dossiers) feraient dépasser, chiffres à l'appui ; vide : elles
    tiennent. Un nombre de requêtes fixe, quel que soit le nombre de dossiers (la clôture d'une séance
    contrôle toutes ses décisions d'un coup).

    ``verrouiller`` : verrouille les enveloppes concernées jusqu'à la fin de la transaction (sous
    PostgreSQL) : deux postes qui décident en même temps sur la même enveloppe passent l'un après l'autre,
    et le second voit ce que le premier a décidé."""
    if not decisions:
        return []
    session = uow.session
    ids = sorted(decisions)
    groupes: dict[tuple[int, str], list[int]] = {}
    for dossier_id, annee, dispositif in session.execute(
            select(m.Dossier.id, m.Campagne.annee, m.Campagne.dispositif_code)
            .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id).where(m.Dossier.id.in_(ids))):
        groupes.setdefault((annee, dispositif), []).append(dossier_id)
    anciens: dict[tuple[int, str], Decimal] = {(d, c): v for d, c, v in session.execute(
        select(m.MontantAccorde.dossier_id, m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
        .where(m.MontantAccorde.dossier_id.in_(ids)))}
    libelles = _libelles_financeurs(uow)
    libelles_axes = None
    erreurs = []
    for (annee, dispositif), dossiers in sorted(groupes.items()):
        codes = {c for d in dossiers for c in decisions[d]} | {c for (d, c) in anciens if d in dossiers}
        requete = select(Enveloppe).where(Enveloppe.annee == annee, Enveloppe.dispositif_code == dispositif,
                                          Enveloppe.financeur_code.in_(sorted(codes)))
        if verrouiller:
            requete = requete.order_by(Enveloppe.id).with_for_update()
        enveloppes = list(session.scalars(requete))
        if not enveloppes:
            continue
        axes = axes_des_dossiers(uow, annee=annee, dispositif=dispositif) \
            if any(e.axe_code for e in enveloppes) else {}
        if axes and libelles_axes is None:
            libelles_axes = dict(session.execute(select(m.Axe.code, m.Axe.libelle)).all())
        accordes = _accordes(uow, annee, dispositif)
        deja = _decide_par_enveloppe(enveloppes, accordes, axes, sauf=frozenset(dossiers))
        for e in enveloppes:
            couverts = [d for d in dossiers if e.axe_code is None or e.axe_code in axes.get(d, ())]
            avant = sum((anciens.get((d, e.financeur_code), ZERO) for d in couverts), ZERO)
            apres = sum((decisions[d].get(e.financeur_code, ZERO) for d in couverts), ZERO)
            if apres <= avant:
                continue  # une baisse, ou rien de changé, passe toujours
            erreurs += prog.depassements_d_enveloppe(
                [prog.SituationEnveloppe(e.financeur_code, f"{libelles.get(e.financeur_code, e.financeur_code)} "
                                         f"({dispositif} {annee})", e.montant, deja[e.id] + avant,
                                         axe=(libelles_axes or {}).get(e.axe_code, e.axe_code) if e.axe_code
                                         else None)],
                {e.financeur_code: apres - avant})
    return erreurs


def exiger_dans_enveloppes(uow: UniteDeTravail, decisions: Mapping[int, Mapping[str, Decimal]]) -> None:
    """Refuse (``DonneesInvalides``, chiffres à l'appui, rien d'écrit) des décisions définitives qui feraient
    dépasser une enveloppe ; verrouille les enveloppes concernées jusqu'à la fin de la transaction."""
    erreurs = depassements(uow, decisions, verrouiller=True)
    if erreurs:
        raise DonneesInvalides("Enveloppe dépassée : la décision est refusée.\n- " + "\n- ".join(erreurs)
                               + f"\n{prog.MESSAGE_RELEVER}")


# --- Saisie -------------------------------------------------------------------------------------------------


def _verifier_cle(uow: UniteDeTravail, financeur: str, annee: int, dispositif: str, axe: str | None) -> None:
    if uow.session.get(m.Financeur, financeur) is None:
        raise DonneesInvalides(f"Financeur inconnu : {financeur}.")
    if uow.session.get(m.Dispositif, dispositif) is None:
        raise DonneesInvalides(f"Dispositif inconnu : {dispositif}.")
    if axe is not None and uow.session.get(m.Axe, axe) is None:
        raise DonneesInvalides(f"Axe inconnu : {axe}.")
    if not 2000 <= int(annee) <= 2100:
        raise DonneesInvalides(f"Année invalide : {annee}.")


def _montant_propre(montant: Decimal | str) -> Decimal:
    valeur = argent.lire(montant) if isinstance(montant, str) else montant
    if not isinstance(valeur, Decimal) or not valeur.is_finite() or valeur < 0:
        raise DonneesInvalides("Une enveloppe est un montant positif ou nul.")
    argent.en_centimes(valeur)
    return valeur.quantize(argent.CENTIME)


def _noter(uow: UniteDeTravail, enveloppe: Enveloppe, ancien: Decimal | None, motif: str | None, action: str) -> None:
    uow.session.add(EnveloppeModification(enveloppe_id=enveloppe.id, le=maintenant(), acteur=uow.acteur,
                                          ancien=ancien, nouveau=enveloppe.montant, motif=motif))
    libelle = _libelles_financeurs(uow).get(enveloppe.financeur_code, enveloppe.financeur_code)
    portee = f"Enveloppe {libelle} — {enveloppe.dispositif_code} {enveloppe.annee}" + (
        f" — axe {enveloppe.axe_code}" if enveloppe.axe_code else "")
    modifs.noter(uow, "enveloppe", action, changements=[
        (portee, argent.formater(ancien, vide="") or None, argent.formater(enveloppe.montant)),
        *([("Motif", None, motif)] if motif else [])])


def _trouver(uow: UniteDeTravail, financeur: str, annee: int, dispositif: str, axe: str | None,
             verrouiller: bool = True) -> Enveloppe | None:
    requete = select(Enveloppe).where(Enveloppe.financeur_code == financeur, Enveloppe.annee == annee,
                                      Enveloppe.dispositif_code == dispositif,
                                      Enveloppe.axe_code.is_(None) if axe is None else Enveloppe.axe_code == axe)
    return uow.session.scalars(requete.with_for_update() if verrouiller else requete).first()


@ecrit("enveloppe.modifier")
def fixer(uow: UniteDeTravail, financeur: str, annee: int, dispositif: str, montant: Decimal | str, *,
          axe: str | None = None, motif: str | None = None) -> EnveloppeLue:
    """Crée l'enveloppe d'un cofinanceur pour un dispositif et une année (et un axe), ou la change.

    Changer une enveloppe existante demande un motif. Nul ne la baisse sous ce qui est déjà décidé sur elle ;
    la relever alors que des montants y sont déjà décidés est un acte d'administrateur (``relever``)."""
    _verifier_cle(uow, financeur, annee, dispositif, axe)
    valeur = _montant_propre(montant)
    motif = (motif or "").strip() or None
    enveloppe = _trouver(uow, financeur, annee, dispositif, axe)
    if enveloppe is None:
        enveloppe = Enveloppe(financeur_code=financeur, annee=annee, dispositif_code=dispositif, axe_code=axe,
                              montant=valeur, modifiee_le=maintenant(), acteur=uow.acteur)
        uow.session.add(enveloppe)
        uow.session.flush()
        _noter(uow, enveloppe, None, motif, "création")
        return lire(uow, enveloppe.id)
    ancien = enveloppe.montant
    if valeur == ancien:
        return lire(uow, enveloppe.id)
    if motif is None:
        raise DonneesInvalides("Dites pourquoi l'enveloppe change (le motif est gardé à son historique).")
    decide = lire(uow, enveloppe.id).decide
    if valeur < decide:
        raise DonneesInvalides(
            f"{argent.formater(decide)} sont déjà décidés sur cette enveloppe : elle ne descend pas à "
            f"{argent.formater(valeur)}.")
    if valeur > ancien and decide > 0:
        raise DonneesInvalides(
            f"{argent.formater(decide)} sont déjà décidés sur cette enveloppe : la relever de "
            f"{argent.formater(ancien)} à {argent.formater(valeur)} est un acte d'administrateur "
            "(« Relever… »).")
    enveloppe.montant, enveloppe.modifiee_le, enveloppe.acteur = valeur, maintenant(), uow.acteur
    uow.session.flush()
    _noter(uow, enveloppe, ancien, motif, "modification")
    return lire(uow, enveloppe.id)


@ecrit("enveloppe.relever")
def relever(uow: UniteDeTravail, enveloppe_id: int, montant: Decimal | str, motif: str) -> EnveloppeLue:
    """Relève une enveloppe (administrateur), par exemple pour qu'une décision du comité qui la dépasserait
    passe ; le motif est exigé et gardé."""
    enveloppe = uow.session.scalars(select(Enveloppe).where(Enveloppe.id == enveloppe_id).with_for_update()).first()
    if enveloppe is None:
        raise DonneesInvalides("Cette enveloppe n'existe plus.")
    valeur = _montant_propre(montant)
    motif = (motif or "").strip() or None
    if valeur <= enveloppe.montant:
        raise DonneesInvalides(f"Relever l'enveloppe, c'est la porter au-delà de {argent.formater(enveloppe.montant)}.")
    if motif is None:
        raise DonneesInvalides("Dites pourquoi l'enveloppe est relevée (le motif est gardé à son historique).")
    ancien = enveloppe.montant
    enveloppe.montant, enveloppe.modifiee_le, enveloppe.acteur = valeur, maintenant(), uow.acteur
    uow.session.flush()
    _noter(uow, enveloppe, ancien, motif, "relèvement")
    return lire(uow, enveloppe.id)
