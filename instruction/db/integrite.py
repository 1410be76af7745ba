"""Les contrôles d'une base qui ne dépendent pas de son contenu métier : références entre tables et
protections de l'historique. ``sauvegarde`` les fait avant de déclarer une copie ou une restauration
réussie, ``verification`` les montre.

Chaque contrôle rend une liste de problèmes en français (vide si tout va bien), sans rien écrire.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, exists, func, select

from instruction.db import modeles  # noqa: F401 — enregistre toutes les tables
from instruction.db.base import Base

_EXEMPLES = 5

# Les déclencheurs de PostgreSQL : bits de ``pg_trigger.tgtype``.
_AVANT, _EFFACEMENT, _MODIFICATION, _VIDAGE = 2, 8, 16, 32
_EVENEMENTS_PG = {"modification": _MODIFICATION, "effacement": _EFFACEMENT, "vidage": _VIDAGE}
_GESTES = {"modification": "de modifier", "effacement": "d'effacer des lignes de", "vidage": "de vider"}


def references_cassees(connexion: Connection) -> list[str]:
    """Les lignes qui renvoient à une ligne absente (clés étrangères), une par contrainte en défaut."""
    if connexion.dialect.name == "sqlite":
        lignes = connexion.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        par_table: dict[tuple[str, str], int] = {}
        for table, _rowid, parent, _numero in lignes:
            par_table[(table, parent)] = par_table.get((table, parent), 0) + 1
        return [f"{nombre} ligne(s) de « {table} » renvoient à « {parent} » absent(e)s"
                for (table, parent), nombre in sorted(par_table.items())]
    problemes = [f"contrainte « {nom} » non validée" for (nom,) in connexion.exec_driver_sql(
        "select conname from pg_constraint where contype = 'f' and not convalidated "
        "and connamespace = current_schema()::regnamespace")]
    for table in Base.metadata.sorted_tables:
        for contrainte in table.foreign_key_constraints:
            parent = contrainte.referred_table.alias("parent")
            enfant = table.alias("enfant")
            colonnes = [enfant.c[c.name] for c in contrainte.columns]
            reference = [parent.c[e.column.name] for e in contrainte.elements]
            orphelines = connexion.scalar(
                select(func.count()).select_from(enfant).where(
                    and_(*(c.is_not(None) for c in colonnes)),
                    ~exists().where(and_(*(r == c for r, c in zip(reference, colonnes, strict=True)))),
                ))
            if orphelines:
                problemes.append(f"{orphelines} ligne(s) de « {table.name} » renvoient à « "
                                 f"{contrainte.referred_table.name} » absent(e)s")
    return problemes


def historique_non_protege(connexion: Connection) -> list[str]:
    """Ce qui manque pour que l'historique reste en ajout seul (déclencheurs de la migration 0005)."""
    if connexion.dialect.name == "sqlite":
        evenements = set()
        for (sql,) in connexion.exec_driver_sql(
                "select sql from sqlite_master where type = 'trigger' and tbl_name = 'historique'"):
            bas = " ".join((sql or "").lower().split())
            if "raise(abort" in bas or "raise(fail" in bas or "raise(rollback" in bas:
                for evenement, mot in (("modification", "update"), ("effacement", "delete")):
                    if f"before {mot} on" in bas or f"before {mot} of" in bas:
                        evenements.add(evenement)
        attendus = ("modification", "effacement")
    else:
        evenements = set()
        for tgtype, actif in connexion.exec_driver_sql(
                "select tgtype, tgenabled from pg_trigger where not tgisinternal and tgrelid = "
                "to_regclass('historique')"):
            if actif in ("O", "A") and tgtype & _AVANT:
                evenements.update(nom for nom, bit in _EVENEMENTS_PG.items() if tgtype & bit)
        attendus = tuple(_EVENEMENTS_PG)
    return [f"rien n'empêche {_GESTES[evenement]} l'historique" for evenement in attendus
            if evenement not in evenements]


def resume(problemes: list[str]) -> str:
    """Les premiers problèmes, pour un message."""
    texte = " ; ".join(problemes[:_EXEMPLES])
    return texte + (f" ; et {len(problemes) - _EXEMPLES} autre(s)" if len(problemes) > _EXEMPLES else "")
