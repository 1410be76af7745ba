"""Le bilan de la programmation d'une année, et de plusieurs années côte à côte (issue 13, point 4).

Lit en un nombre fixe de requêtes (quel que soit le nombre de dossiers) les actions décidées de l'année —
retenues, conventionnées, en cours, soldées —, leurs montants accordés, objectifs, quartiers et publics prévus,
les publics atteints d'après leurs comptes rendus (``compte_rendu``, quand ils existent) et l'état des bilans
attendus (``services.bilans_attendus``) ; le calcul est pur (``domaine.bilan_programmation``). Les crédits par
cotation égalité femmes-hommes reprennent l'approche budgétaire intégrée de la même année
(``services.approche_budgetaire.rapport``, dossiers présentés au comité) : un seul calcul pour les deux écrans.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine import bilan_programmation as domaine
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.publics import tranches
from instruction.services import approche_budgetaire
from instruction.services.contexte import UniteDeTravail
from instruction.services.montants_accordes import DECIDES

EGALITE = "egalite-femmes-hommes"
ZERO = Decimal("0.00")


def annees(uow: UniteDeTravail) -> list[int]:
    return approche_budgetaire.annees(uow)


def dispositifs(uow: UniteDeTravail) -> list[tuple[str, str]]:
    return approche_budgetaire.dispositifs(uow)


def noms(uow: UniteDeTravail) -> domaine.Noms:
    """Les libellés du référentiel (six requêtes), dans son ordre."""
    from instruction.domaine import bilans

    session = uow.session
    return domaine.Noms(
        financeurs=dict(session.execute(select(m.Financeur.code, m.Financeur.libelle).order_by(m.Financeur.ordre))
                        .all()),
        axes=dict(session.execute(select(m.Axe.code, m.Axe.libelle).order_by(m.Axe.ordre, m.Axe.code)).all()),
        objectifs={code: (libelle, axe) for code, libelle, axe in session.execute(
            select(m.ObjectifStrategique.code, m.ObjectifStrategique.libelle, m.Thematique.axe_code)
            .join(m.Thematique, m.Thematique.code == m.ObjectifStrategique.thematique_code)
            .order_by(m.ObjectifStrategique.ordre, m.ObjectifStrategique.code))},
        quartiers={code: (nom, nature, parent) for code, nom, nature, parent in session.execute(
            select(m.Quartier.code, m.Quartier.nom, m.Quartier.nature, m.Quartier.parent_code)
            .where(m.Quartier.actif).order_by(m.Quartier.ordre, m.Quartier.code))},
        dispositifs=dict(session.execute(select(m.Dispositif.code, m.Dispositif.libelle)
                                         .order_by(m.Dispositif.ordre)).all()),
        statuts_bilans=dict(bilans.STATUTS),
        sigles={code: sigle for code, sigle in session.execute(select(m.Financeur.code, m.Financeur.sigle)) if sigle},
    )


def bilan(uow: UniteDeTravail, annee: int, dispositif: str | None = None, *,
          noms_lus: domaine.Noms | None = None) -> domaine.BilanProgrammation:
    """Le bilan de la programmation de l'année (tous les dispositifs, ou un seul)."""
    session = uow.session
    noms_lus = noms_lus or noms(uow)
    if dispositif and dispositif not in noms_lus.dispositifs:
        raise DonneesInvalides(f"Dispositif inconnu : {dispositif}.")
    filtres = [m.Campagne.annee == annee, m.Dossier.etat.in_([str(e) for e in DECIDES])]
    if dispositif:
        filtres.append(m.Campagne.dispositif_code == dispositif)
    dossiers = session.execute(
        select(m.Dossier.id, m.Dossier.porteur_id, m.Campagne.dispositif_code, m.Dossier.beneficiaires,
               m.Dossier.femmes, m.Dossier.hommes, m.Dossier.tranches_age)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id).where(*filtres)).all()
    ids = select(m.Dossier.id).join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id).where(*filtres)
    accordes: dict[int, dict[str, Decimal]] = {}
    for dossier_id, code, montant in session.execute(
            select(m.MontantAccorde.dossier_id, m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
            .where(m.MontantAccorde.dossier_id.in_(ids))):
        accordes.setdefault(dossier_id, {})[code] = accordes.get(dossier_id, {}).get(code, ZERO) + montant
    objectifs: dict[int, set[str]] = {}
    axes: dict[int, set[str]] = {}
    for dossier_id, os_code, axe in session.execute(
            select(m.DossierObjectif.dossier_id, m.ObjectifOperationnel.objectif_strategique_code,
                   m.Thematique.axe_code)
            .join(m.ObjectifOperationnel,
                  m.ObjectifOperationnel.code == m.DossierObjectif.objectif_operationnel_code)
            .join(m.ObjectifStrategique,
                  m.ObjectifStrategique.code == m.ObjectifOperationnel.objectif_strategique_code)
            .join(m.Thematique, m.Thematique.code == m.ObjectifStrategique.thematique_code)
            .where(m.DossierObjectif.dossier_id.in_(ids))):
        objectifs.setdefault(dossier_id, set()).add(os_code)
        axes.setdefault(dossier_id, set()).add(axe)
    quartiers: dict[int, set[str]] = {}
    for dossier_id, code in session.execute(select(m.DossierQuartier.dossier_id, m.DossierQuartier.quartier_code)
                                            .where(m.DossierQuartier.dossier_id.in_(ids))):
        quartiers.setdefault(dossier_id, set()).add(code)
    qpv: dict[int, int] = {}
    en_qpv = {c for c, (_n, nature, _p) in noms_lus.quartiers.items() if nature in domaine.NATURES_QPV}
    for dossier_id, code, nombre in session.execute(
            select(m.BeneficiairesQuartier.dossier_id, m.BeneficiairesQuartier.quartier_code,
                   m.BeneficiairesQuartier.nombre).where(m.BeneficiairesQuartier.dossier_id.in_(ids))):
        if code in en_qpv:
            qpv[dossier_id] = qpv.get(dossier_id, 0) + (nombre or 0)
    realises = _realises(uow, ids, annee)
    etats_bilans = _bilans(uow, annee, dispositif, {d.id for d in dossiers})
    actions = [domaine.ActionBilan(
        d.id, d.porteur_id, d.dispositif_code, accordes.get(d.id, {}), frozenset(axes.get(d.id, ())),
        frozenset(objectifs.get(d.id, ())), frozenset(quartiers.get(d.id, ())), d.beneficiaires, d.femmes, d.hommes,
        tranches(d.tranches_age), qpv.get(d.id), realises.get(d.id)) for d in dossiers]
    compte = {}
    for statut in etats_bilans:
        compte[statut] = compte.get(statut, 0) + 1
    approche = approche_budgetaire.rapport(uow, annee, EGALITE, "comite", dispositif)
    return domaine.calculer(annee, actions, noms_lus, dispositif=noms_lus.dispositifs.get(dispositif) if dispositif
                            else None, bilans=compte, approche=approche)


def _realises(uow: UniteDeTravail, ids, annee: int) -> dict[int, domaine.Realise]:
    """Les publics atteints d'après les comptes rendus de l'exercice (reçus, à compléter ou validés)."""
    from instruction.db.modeles import comptes_rendus as mc

    tranches_lues: dict[int, dict[str, int]] = {}
    for compte_rendu_id, tranche, nombre in uow.session.execute(
            select(mc.CompteRenduPublic.compte_rendu_id, mc.CompteRenduPublic.tranche, mc.CompteRenduPublic.nombre)
            .join(mc.CompteRendu, mc.CompteRendu.id == mc.CompteRenduPublic.compte_rendu_id)
            .where(mc.CompteRendu.dossier_id.in_(ids), mc.CompteRendu.exercice == annee)):
        tranches_lues.setdefault(compte_rendu_id, {})[tranche] = nombre
    return {c.dossier_id: domaine.Realise(c.femmes, c.hommes, c.qpv, c.hors_qpv, tranches_lues.get(c.id, {}))
            for c in uow.session.execute(
                select(mc.CompteRendu.id, mc.CompteRendu.dossier_id, mc.CompteRendu.femmes, mc.CompteRendu.hommes,
                       mc.CompteRendu.qpv, mc.CompteRendu.hors_qpv)
                .where(mc.CompteRendu.dossier_id.in_(ids), mc.CompteRendu.exercice == annee))}


def _bilans(uow: UniteDeTravail, annee: int, dispositif: str | None, ids: set[int]) -> list[str]:
    """Le statut de chaque bilan attendu des actions de l'année (exercice de l'année) : attendu, en retard, reçu…"""
    from instruction.services import bilans_attendus

    filtres = bilans_attendus.Filtres(campagne_annee=annee, dispositif=dispositif)
    return [b.statut for b in bilans_attendus.liste(uow, filtres) if b.dossier_id in ids and b.exercice == annee]


def comparer(uow: UniteDeTravail, annees_choisies: list[int], dispositif: str | None = None
             ) -> list[domaine.BilanProgrammation]:
    """Plusieurs années côte à côte (les noms du référentiel lus une fois)."""
    if not annees_choisies:
        raise DonneesInvalides("Choisissez au moins une année.")
    noms_lus = noms(uow)
    return [bilan(uow, annee, dispositif, noms_lus=noms_lus) for annee in sorted(set(annees_choisies))]
