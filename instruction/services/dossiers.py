"""Lister les dossiers pour le tableau principal (voir ``lignes`` pour la lecture elle-même)."""

from __future__ import annotations

from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.services.contexte import UniteDeTravail
from instruction.services.lignes import LigneDossier, lire_axes, lire_lignes, lire_textes


def _curseur(uow: UniteDeTravail):
    return uow.session.connection().connection.driver_connection.cursor()


def lister(uow: UniteDeTravail, *, limite: int | None = None) -> list[LigneDossier]:
    """Tous les dossiers ; avec ``limite``, une première page : ceux de la dernière année."""
    curseur = _curseur(uow)
    try:
        return lire_lignes(curseur, limite)
    finally:
        curseur.close()


def axes(uow: UniteDeTravail) -> dict[int, tuple[str, ...]]:
    """Les axes du projet de territoire de chaque dossier (pour le filtre par axe)."""
    curseur = _curseur(uow)
    try:
        return lire_axes(curseur)
    finally:
        curseur.close()


def compter(uow: UniteDeTravail) -> int:
    return uow.session.scalar(select(func.count()).select_from(m.Dossier)) or 0


def textes(uow: UniteDeTravail) -> dict[int, str]:
    """Résumé, description et objectifs de chaque dossier, prêts pour la recherche."""
    curseur = _curseur(uow)
    try:
        return lire_textes(curseur)
    finally:
        curseur.close()
