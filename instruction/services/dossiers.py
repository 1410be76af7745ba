"""Lister les dossiers pour le tableau principal (voir ``lignes`` pour la lecture elle-même)."""

from __future__ import annotations

from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.services.contexte import UniteDeTravail
from instruction.services.lignes import LigneDossier, lire_lignes


def lister(uow: UniteDeTravail, *, limite: int | None = None) -> list[LigneDossier]:
    """Tous les dossiers ; avec ``limite``, une première page : ceux de la dernière année."""
    curseur = uow.session.connection().connection.driver_connection.cursor()
    try:
        return lire_lignes(curseur, limite)
    finally:
        curseur.close()


def compter(uow: UniteDeTravail) -> int:
    return uow.session.scalar(select(func.count()).select_from(m.Dossier)) or 0
