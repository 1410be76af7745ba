"""Le modèle de lecture de la fiche d'instruction : tout ce qu'elle imprime, lu en une fois.

La fiche elle-même (PDF) est écrite par ``rapports.fiche_instruction`` ; ce module ne fait que lire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from instruction.domaine import budget, recevabilite
from instruction.db import modeles as m
from instruction.domaine.etats import libelle as libelle_etat
from instruction.domaine.horloge import maintenant
from instruction.domaine.porteurs import libelle_type
from instruction.services import avis, cotations
from instruction.services import dossier as service_dossier
from instruction.services import instruction as circuit
from instruction.services import montants_accordes
from instruction.services.contexte import UniteDeTravail
from instruction.services.examen import ExamenLu, dernier_examen
from instruction.services.instruction import DecisionLue, PassageFait, PropositionLue


@dataclass(frozen=True)
class DemandeFinanceur:
    financeur: str  # libellé
    montant: Decimal
    part: Decimal | None  # fraction du coût total
    accorde: Decimal | None = None
    propose: Decimal | None = None  # par l'instructeur, en terminant l'instruction


@dataclass(frozen=True)
class CotationFiche:
    theme: str
    cotation: int | None
    explication: str
    version: int | None
    motif: str | None


@dataclass(frozen=True)
class FicheInstruction:
    """Tout ce que la fiche d'instruction imprime, lu en une fois."""

    numero: str
    intitule: str
    campagne: str
    dispositif: str
    etat: str
    etat_depuis: dt.datetime
    depose_le: dt.date | None
    complet_le: dt.datetime | None
    porteur: str
    type_porteur: str
    siret: str | None
    representant: str | None
    ville: str | None
    resume: str | None
    date_debut: dt.date | None
    date_fin: dt.date | None
    lieux: str | None
    quartiers: tuple[str, ...]
    objectifs: tuple[tuple[str, str], ...]  # (code, libellé)
    beneficiaires: int | None
    beneficiaires_qpv: int
    femmes: int | None
    hommes: int | None
    cout_total: Decimal
    total_produits: Decimal
    demandes: tuple[DemandeFinanceur, ...]
    recevabilite: tuple[recevabilite.Point, ...]
    examen: ExamenLu | None
    historique: tuple[PassageFait, ...]
    cotations: tuple[CotationFiche, ...]
    imprime_le: dt.datetime
    avis: tuple = ()  # avis.LigneAvis ; un avis confidentiel n'est lisible que si l'imprimeur est instructeur
    financeurs: dict = field(default_factory=dict)  # code → libellé, pour les montants proposés
    date_depuis: dt.date | None = None  # la date métier de l'état actuel
    proposition: PropositionLue | None = None  # la proposition de l'instructeur (la dernière)
    decision: DecisionLue | None = None  # la décision du comité qui vaut encore, avec la date de sa séance
    budget_ajuste_attendu: bool = False  # accordé < demandé : le porteur doit envoyer un budget ajusté
    instruction_terminee: bool = False  # passé par « instruit » (la proposition est faite, ou l'a été)


def lire(uow: UniteDeTravail, dossier_id: int) -> FicheInstruction:
    """Tout ce que la fiche imprime ; les avis confidentiels selon qui l'imprime (``avis.du_dossier``)."""

    session = uow.session
    fiche = service_dossier.lire(uow, dossier_id)  # refuse un dossier introuvable
    dossier = session.get(m.Dossier, dossier_id)
    donnees = fiche.donnees
    porteur = dossier.porteur
    representant = next((r for r in reversed(porteur.representants) if r.jusqu_a is None), None)
    quartiers = {q.code: q for q in session.scalars(select(m.Quartier))}
    financeurs = dict(session.execute(select(m.Financeur.code, m.Financeur.libelle)).all())
    objectifs = dict(session.execute(
        select(m.ObjectifOperationnel.code, m.ObjectifOperationnel.libelle)
        .where(m.ObjectifOperationnel.code.in_(donnees.objectifs))
    ).all())
    synthese = budget.synthese(donnees.lignes_budget())
    financements = montants_accordes.financements(uow, dossier_id, fiche)
    accordes = {f.financeur: f.accorde for f in financements if f.accorde is not None}
    passages = circuit.historique(uow, dossier_id)
    proposition = circuit.lire_proposition(uow, dossier_id)
    proposes = proposition.montants if proposition else {}
    themes = dict(session.execute(select(m.ThemeTransversal.code, m.ThemeTransversal.libelle)).all())
    dispositif = session.get(m.Dispositif, dossier.campagne.dispositif_code)
    return FicheInstruction(
        numero=dossier.numero,
        intitule=dossier.intitule,
        campagne=dossier.campagne.libelle,
        dispositif=dispositif.libelle if dispositif else dossier.campagne.dispositif_code,
        etat=libelle_etat(dossier.etat),
        etat_depuis=dossier.etat_depuis,
        depose_le=dossier.depose_le,
        complet_le=dossier.complet_le,
        porteur=porteur.nom + (f" ({porteur.sigle})" if porteur.sigle else ""),
        type_porteur=libelle_type(porteur.type),
        siret=porteur.siret,
        representant=(" ".join(filter(None, (representant.civilite, representant.nom)))
                      + (f", {representant.qualite}" if representant.qualite else "")) if representant else None,
        ville=porteur.ville,
        resume=donnees.resume,
        date_debut=donnees.date_debut,
        date_fin=donnees.date_fin,
        lieux=donnees.lieux,
        quartiers=tuple(quartiers[q].nom if q in quartiers else q for q in donnees.quartiers),
        objectifs=tuple((code, objectifs.get(code, "")) for code in donnees.objectifs),
        beneficiaires=donnees.beneficiaires,
        beneficiaires_qpv=sum(n for q, n in donnees.beneficiaires_quartiers
                              if q in quartiers and quartiers[q].nature in ("qpv", "sous_secteur")),
        femmes=donnees.femmes,
        hommes=donnees.hommes,
        cout_total=synthese.total_charges,
        total_produits=synthese.total_produits,
        demandes=tuple(DemandeFinanceur(financeurs.get(p.financeur, p.financeur), p.montant, p.part,
                                        accordes.get(p.financeur), proposes.get(p.financeur))
                       for p in synthese.parts),
        recevabilite=tuple(circuit.points_de_recevabilite(uow, dossier_id)),
        examen=dernier_examen(uow, dossier_id),
        historique=tuple(passages),
        cotations=tuple(
            CotationFiche(themes.get(g.theme, g.court), g.cotation if g.commencee else None,
                          g.resultat.explication if g.commencee else "Grille pas remplie.",
                          g.version.numero if g.commencee else None, g.motif)
            for g in cotations.lire(uow, dossier_id)
        ),
        imprime_le=maintenant(),
        avis=tuple(avis.du_dossier(uow, dossier_id)),
        financeurs={code: sigle or libelle for code, sigle, libelle in session.execute(
            select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle))},
        date_depuis=passages[-1].date if passages else None,
        proposition=proposition,
        decision=circuit.decision(passages, dossier.etat),
        budget_ajuste_attendu=(dossier.etat in montants_accordes.DECIDES
                               and montants_accordes.budget_ajuste_attendu(financements)),
        instruction_terminee=any(h.vers == "instruit" for h in passages),
    )
