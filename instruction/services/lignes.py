"""Les lignes du tableau des dossiers, et leur lecture sur n'importe quel curseur DB-API.

Ce module n'importe pas SQLAlchemy : l'interface peut l'importer avant que la
couche de données soit chargée, et la première page d'une base SQLite peut être
lue avec le seul module ``sqlite3`` pendant que SQLAlchemy se charge
(``lecture_rapide``).

Le tableau peut compter cent mille dossiers : les requêtes ne lisent que les
colonnes affichées, renvoient des tuples (pas d'objets ORM), laissent les montants
en centimes et les dates SQLite en texte ISO (converties par ``fromisoformat``) ;
les quartiers sont lus en une seconde requête. Le SQL est portable (SQLite et
PostgreSQL) et ne contient que des entiers produits ici, jamais une saisie.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from instruction import etats
from instruction.texte import pour_recherche


PREMIERE_PAGE = 200  # dossiers montrés avant que la liste complète soit lue


class LigneDossier(NamedTuple):
    """Une ligne du tableau des dossiers. Les montants sont en centimes."""

    id: int
    numero: str
    intitule: str
    porteur: str
    dispositif: str
    annee: int
    quartiers: str
    etat: str
    etat_depuis: dt.datetime
    cout_total: int
    subvention_demandee: int
    depose_le: dt.date | None


_SQL_DOSSIERS = """
select d.id, d.numero, d.intitule, p.nom, x.sigle, c.annee, d.etat, d.etat_depuis,
       d.cout_total, d.subvention_demandee, d.depose_le
from dossier d
join porteur p on p.id = d.porteur_id
join campagne c on c.id = d.campagne_id
join dispositif x on x.code = c.dispositif_code
"""
# Première page : les dossiers de la dernière année, par numéro.
_SQL_PAGE = _SQL_DOSSIERS + """
where c.annee = (select max(annee) from campagne)
order by d.numero
limit {limite:d}
"""
_SQL_QUARTIERS = "select dq.dossier_id, dq.quartier_code from dossier_quartier dq"
_SQL_NOMS_QUARTIERS = "select code, nom from quartier"


def lire_lignes(curseur, limite: int | None = None) -> list[LigneDossier]:
    """Les dossiers (ou la première page si ``limite``), lus sur un curseur DB-API."""
    curseur.execute(_SQL_DOSSIERS if limite is None else _SQL_PAGE.format(limite=int(limite)))
    lignes = curseur.fetchall()
    sql_liens = _SQL_QUARTIERS
    if limite is not None:
        if not lignes:
            return []
        sql_liens += " where dq.dossier_id in ({})".format(", ".join(str(int(l[0])) for l in lignes))
    curseur.execute(_SQL_NOMS_QUARTIERS)
    noms = dict(curseur.fetchall())
    curseur.execute(sql_liens)
    codes: dict[int, list[str]] = {}
    for dossier_id, code in curseur.fetchall():
        if dossier_id in codes:
            codes[dossier_id].append(code)
        else:
            codes[dossier_id] = [code]
    # Beaucoup de dossiers partagent les mêmes quartiers : un libellé par combinaison.
    libelles: dict[tuple[str, ...], str] = {}
    quartiers: dict[int, str] = {}
    for dossier_id, liste in codes.items():
        cle = tuple(liste)
        libelle = libelles.get(cle)
        if libelle is None:
            libelle = libelles[cle] = ", ".join(sorted(noms.get(c, c) for c in cle))
        quartiers[dossier_id] = libelle
    return [
        LigneDossier(
            id_, numero, intitule, porteur, sigle or "", annee, quartiers.get(id_, ""), etat,
            _horodatage(depuis), cout, subvention, _jour(depot),
        )
        for id_, numero, intitule, porteur, sigle, annee, etat, depuis, cout, subvention, depot in lignes
    ]


def _horodatage(valeur) -> dt.datetime:
    return dt.datetime.fromisoformat(valeur) if isinstance(valeur, str) else valeur


def _jour(valeur) -> dt.date | None:
    return dt.date.fromisoformat(valeur) if isinstance(valeur, str) else valeur


def texte_de_recherche(ligne: LigneDossier) -> str:
    """Ce sur quoi porte la recherche : numéro, intitulé, porteur, dispositif, quartiers, état, année."""
    return f"{ligne.numero.casefold()} {pour_recherche(ligne.intitule)} " + _contexte_de_recherche(
        ligne.porteur, ligne.dispositif, ligne.quartiers, ligne.etat, ligne.annee
    )


@lru_cache(maxsize=65536)
def _contexte_de_recherche(porteur: str, dispositif: str, quartiers: str, etat: str, annee: int) -> str:
    # Ces valeurs se répètent d'un dossier à l'autre : préparées une fois par combinaison.
    return " ".join(
        (
            pour_recherche(porteur),
            pour_recherche(dispositif),
            pour_recherche(quartiers),
            pour_recherche(etats.libelle(etat)),
            str(annee),
        )
    )
