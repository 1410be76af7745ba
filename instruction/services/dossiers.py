"""Lister les dossiers pour le tableau principal.

Le tableau peut compter cent mille dossiers : la requête ne lit que les colonnes
affichées, en entiers et en chaînes (pas d'objets ORM ni de ``Decimal`` par ligne),
et les quartiers sont lus en une seconde requête plutôt qu'agrégés en SQL.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, select, type_coerce

from instruction.db import modeles as m
from instruction.services.contexte import UniteDeTravail
from instruction.services.lignes import LigneDossier


def lister(uow: UniteDeTravail, *, limite: int | None = None) -> list[LigneDossier]:
    """Les dossiers, du plus récent au plus ancien numéro ; ``limite`` pour une première page."""
    session = uow.session
    requete = (
        select(
            m.Dossier.id,
            m.Dossier.numero,
            m.Dossier.intitule,
            m.Porteur.nom,
            m.Dispositif.sigle,
            m.Campagne.annee,
            m.Dossier.etat,
            m.Dossier.etat_depuis,
            type_coerce(m.Dossier.cout_total, BigInteger),
            type_coerce(m.Dossier.subvention_demandee, BigInteger),
            m.Dossier.depose_le,
        )
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .join(m.Dispositif, m.Dispositif.code == m.Campagne.dispositif_code)
        .order_by(m.Campagne.annee.desc(), m.Dossier.numero)
    )
    if limite is not None:
        requete = requete.limit(limite)
    lignes = session.execute(requete).all()
    noms = dict(session.execute(select(m.Quartier.code, m.Quartier.nom)).all())
    quartiers: dict[int, list[str]] = {}
    liens = select(m.DossierQuartier.dossier_id, m.DossierQuartier.quartier_code)
    if limite is not None:
        liens = liens.where(m.DossierQuartier.dossier_id.in_([ligne[0] for ligne in lignes]))
    for dossier_id, code in session.execute(liens):
        quartiers.setdefault(dossier_id, []).append(noms.get(code, code))
    return [
        LigneDossier(
            ligne[0], ligne[1], ligne[2], ligne[3], ligne[4] or "", ligne[5],
            ", ".join(sorted(quartiers.get(ligne[0], ()))),
            ligne[6], ligne[7], ligne[8], ligne[9], ligne[10],
        )
        for ligne in lignes
    ]


def compter(uow: UniteDeTravail) -> int:
    from sqlalchemy import func

    return uow.session.scalar(select(func.count()).select_from(m.Dossier)) or 0
