"""L'examen d'éligibilité d'un dossier : les critères de son dispositif évalués, l'examen gardé, les seuils réglés.

Les critères sont des déclarations (``resources/criteres.yaml``) et leurs règles de petites fonctions pures
(``domaine.eligibilite``) ; ce module prépare ce qu'elles examinent (``contexte_eligibilite`` : dossier,
porteur, quartiers, pièces, actions de l'an dernier, demandes de la campagne), rend leurs résultats
(``evaluer``) et garde l'examen de l'instructeur (``enregistrer_examen`` : libellé, source, résultat
calculé, décision et commentaire du moment). Les seuils marqués ``reglable`` se règlent dans l'application
(``regler``, clés ``critere.<code>.<nom>`` ; la mécanique commune est dans ``services.reglages``).

L'examen se fait et se refait jusqu'à la fin de l'instruction ; « instruit » exige qu'il soit tranché
(``services.instruction``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from instruction.domaine import eligibilite as el
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import maintenant
from instruction.domaine.reglages import lire_seuil
from instruction.services import dossier as service_dossier
from instruction.services import historique as modifs
from instruction.services import reglages as table_des_reglages
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

PREFIXE_REGLAGE = "critere."
# Les dossiers qui ne comptent plus dans les demandes d'une campagne.
CLOS_SANS_FINANCEMENT = (Etat.REFUSE, Etat.SANS_SUITE)
# L'examen d'éligibilité se fait (et se refait) jusqu'à la fin de l'instruction.
EXAMEN_POSSIBLE = (Etat.DEPOSE, Etat.INCOMPLET, Etat.RECEVABLE, Etat.EN_INSTRUCTION)


@dataclass(frozen=True)
class CritereExamine:
    critere: str
    libelle: str
    source: str
    statut_auto: str
    explication: str
    statut: str
    commentaire: str | None

    @property
    def change(self) -> bool:
        return self.statut != self.statut_auto


@dataclass(frozen=True)
class ExamenLu:
    id: int
    le: dt.datetime
    acteur: str
    verdict: str
    commentaire: str | None
    criteres: tuple[CritereExamine, ...]


def _dossier(uow: UniteDeTravail, dossier_id: int) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    return dossier


def dernier_examen(uow: UniteDeTravail, dossier_id: int) -> ExamenLu | None:
    from sqlalchemy.orm import selectinload

    examen = uow.session.scalars(
        select(m.Examen).where(m.Examen.dossier_id == dossier_id).order_by(m.Examen.le.desc(), m.Examen.id.desc())
        .limit(1).options(selectinload(m.Examen.criteres))
    ).first()
    if examen is None:
        return None
    return ExamenLu(
        examen.id, examen.le, examen.acteur, examen.verdict, examen.commentaire,
        tuple(CritereExamine(c.critere, c.libelle, c.source, c.statut_auto, c.explication, c.statut, c.commentaire)
              for c in examen.criteres),
    )


# --- Éligibilité --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CritereEvalue:
    critere: el.Critere
    resultat: el.Resultat
    precedent: CritereExamine | None = None  # la décision du dernier examen, si le critère y figurait

    @property
    def code(self) -> str:
        return self.critere.code


@dataclass(frozen=True)
class Evaluation:
    dossier_id: int
    numero: str
    intitule: str
    dispositif: str | None
    dispositif_libelle: str
    criteres: tuple[CritereEvalue, ...]
    examen: ExamenLu | None = None

    def resultats(self) -> dict[str, el.Resultat]:
        return {c.code: c.resultat for c in self.criteres}


def contexte_eligibilite(uow: UniteDeTravail, dossier_id: int) -> el.Situation:
    session = uow.session
    dossier = _dossier(uow, dossier_id)
    fiche = service_dossier.lire(uow, dossier_id)
    campagne = dossier.campagne
    quartiers = session.execute(select(m.Quartier.code, m.Quartier.nature, m.Quartier.nom)).all()
    financeurs = session.execute(select(m.Financeur.code, m.Financeur.libelle)).all()
    return el.Situation(
        dispositif=campagne.dispositif_code,
        annee=campagne.annee,
        donnees=fiche.donnees,
        type_porteur=dossier.porteur.type,
        commune_porteur=dossier.porteur.commune_code,
        natures_quartiers={code: nature for code, nature, _nom in quartiers},
        communes_agglomeration=frozenset(session.scalars(select(m.Commune.code))),
        noms_quartiers={code: nom for code, _nature, nom in quartiers},
        noms_financeurs=dict(financeurs),
        depose_le=dossier.depose_le,
        pieces=tuple((p.type, p.date_piece) for p in fiche.pieces),
        precedents=_precedents(uow, dossier),
        demandes_campagne=_demandes_campagne(uow, dossier),
    )


def _precedents(uow: UniteDeTravail, dossier: m.Dossier) -> tuple[el.Precedent, ...]:
    """Les actions du porteur au même dispositif l'année précédente, et celle que le dossier renouvelle (avec
    la CPO signée qui couvre aussi l'année du dossier, s'il y en a une : services.conventions)."""
    from instruction.db.modeles.conventions import Convention, ConventionMontant

    cpo = (select(Convention.numero).join(ConventionMontant, ConventionMontant.convention_id == Convention.id)
           .where(Convention.dossier_id == m.Dossier.id, Convention.type_acte == "cpo",
                  Convention.etat.in_(("signee", "soldee")), ConventionMontant.exercice == dossier.campagne.annee)
           .limit(1).scalar_subquery())
    requete = (
        select(m.Dossier.numero, m.Dossier.intitule, m.Dossier.description, m.Dossier.cout_total, m.Campagne.annee,
               cpo)
        .join(m.Campagne)
        .where(
            m.Dossier.id != dossier.id,
            (m.Dossier.id == dossier.renouvelle_id)
            | (
                (m.Dossier.porteur_id == dossier.porteur_id)
                & (m.Campagne.dispositif_code == dossier.campagne.dispositif_code)
                & (m.Campagne.annee == dossier.campagne.annee - 1)
            ),
        )
        .order_by(m.Dossier.numero)
    )
    return tuple(
        el.Precedent(numero, intitule, description or "", cout or Decimal("0.00"), annee, cpo)
        for numero, intitule, description, cout, annee, cpo in uow.session.execute(requete)
    )


def _demandes_campagne(uow: UniteDeTravail, dossier: m.Dossier) -> dict[str, Decimal]:
    lignes = uow.session.execute(
        select(m.LigneBudget.financeur_code, func.sum(m.LigneBudget.montant))
        .join(m.Dossier)
        .where(
            m.Dossier.campagne_id == dossier.campagne_id,
            m.Dossier.id != dossier.id,
            m.Dossier.etat.not_in([str(e) for e in CLOS_SANS_FINANCEMENT]),
            m.LigneBudget.sens == "produit",
            m.LigneBudget.compte == "74",
            m.LigneBudget.financeur_code.is_not(None),
        )
        .group_by(m.LigneBudget.financeur_code)
    ).all()
    return {code: Decimal(montant) for code, montant in lignes}


def evaluer(uow: UniteDeTravail, dossier_id: int) -> Evaluation:
    """Les critères du dispositif du dossier et leur résultat automatique, avec le dernier examen."""
    contexte = contexte_eligibilite(uow, dossier_id)
    dossier = _dossier(uow, dossier_id)
    examen = dernier_examen(uow, dossier_id)
    anciens = {c.critere: c for c in examen.criteres} if examen else {}
    dispositif = uow.session.get(m.Dispositif, contexte.dispositif) if contexte.dispositif else None
    return Evaluation(
        dossier_id=dossier_id,
        numero=dossier.numero,
        intitule=dossier.intitule,
        dispositif=contexte.dispositif,
        dispositif_libelle=dispositif.libelle if dispositif else "",
        criteres=tuple(
            CritereEvalue(c, el.evaluer(c, contexte), anciens.get(c.code))
            for c in el.pour(contexte.dispositif, reglages(uow))
        ),
        examen=examen,
    )


@ecrit("dossier.examen")
def enregistrer_examen(
    uow: UniteDeTravail,
    dossier_id: int,
    decisions: list[el.Decision],
    commentaire: str | None = None,
    *,
    le: dt.datetime | None = None,
) -> ExamenLu:
    """Garde l'examen : chaque critère (libellé, source, résultat automatique, décision) et le verdict.

    Les résultats automatiques sont recalculés ici, sur le dossier tel qu'il est en base : une
    décision qui change un résultat sans commentaire est refusée.
    """
    dossier = _dossier(uow, dossier_id)
    if dossier.etat not in EXAMEN_POSSIBLE:
        raise DonneesInvalides(
            f"Le dossier est « {Etat(dossier.etat).libelle} » : son examen d'éligibilité ne se modifie plus"
            + (" (reprenez d'abord l'instruction)." if dossier.etat in (Etat.INSTRUIT, Etat.AJOURNE, Etat.RETENU)
               else ".")
        )
    evaluation = evaluer(uow, dossier_id)
    resultats = evaluation.resultats()
    el.verifier_decisions(resultats, decisions)
    par_code = {dc.critere: dc for dc in decisions}
    verdict = el.verdict([par_code[c.code] for c in evaluation.criteres])
    examen = m.Examen(dossier_id=dossier_id, le=le or maintenant(), acteur=uow.acteur, verdict=verdict,
                      commentaire=(commentaire or "").strip() or None)
    for rang, ce in enumerate(evaluation.criteres):
        decision = par_code[ce.code]
        examen.criteres.append(
            m.ExamenCritere(
                critere=ce.code, libelle=ce.critere.libelle, source=str(ce.critere.source),
                statut_auto=ce.resultat.statut, explication=ce.resultat.explication, statut=decision.statut,
                commentaire=decision.commentaire.strip() or None, ordre=rang,
            )
        )
    uow.session.add(examen)
    uow.session.flush()
    modifs.noter(uow, "examen d'éligibilité", "enregistrement", dossier_id=dossier_id, changements=[
        ("Verdict", evaluation.examen and el.VERDICTS.get(evaluation.examen.verdict), el.VERDICTS[verdict]),
        *[(c.libelle, el.STATUTS[c.statut_auto], f"{el.STATUTS[c.statut]} — {c.commentaire}")
          for c in examen.criteres if c.statut != c.statut_auto],
    ])
    return dernier_examen(uow, dossier_id)


# --- Réglages des critères -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reglage:
    cle: str  # critere.<code>.<nom>
    critere: str
    libelle: str  # ce que règle le paramètre
    defaut: Decimal
    valeur: Decimal
    pourcentage: bool = False


def reglages(uow: UniteDeTravail) -> dict[str, str]:
    return table_des_reglages.lire(uow, PREFIXE_REGLAGE)


def liste_reglages(uow: UniteDeTravail) -> list[Reglage]:
    """Les seuils réglables de tous les critères, avec leur valeur par défaut et leur valeur en vigueur."""
    en_base = reglages(uow)
    resultat = []
    for critere in el.criteres():
        for nom, libelle in critere.reglable.items():
            cle = f"{PREFIXE_REGLAGE}{critere.code}.{nom}"
            defaut = Decimal(str(critere.parametres.get(nom, 0)))
            valeur = Decimal(en_base[cle]) if en_base.get(cle) else defaut
            resultat.append(Reglage(cle, critere.code, libelle, defaut, valeur, "(%)" in libelle))
    return resultat


@ecrit("reglages.modifier")
def regler(uow: UniteDeTravail, valeurs: Mapping[str, str | Decimal]) -> None:
    """Change des seuils (``critere.<code>.<nom>`` → valeur) ; une valeur égale au défaut l'efface."""
    table_des_reglages.enregistrer(
        uow, valeurs, {r.cle: r for r in liste_reglages(uow)},
        lambda r, brute: lire_seuil(r.libelle, brute, pourcentage=r.pourcentage), "Réglages refusés")
