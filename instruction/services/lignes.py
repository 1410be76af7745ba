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

from instruction.domaine import etats
from instruction.domaine.grilles import ORDRE as GRILLES
from instruction.domaine.texte import pour_recherche


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
    # Dates telles que la base les rend : objets date sous PostgreSQL, texte ISO sous SQLite
    # (converties seulement à l'affichage, par ``horodatage`` et ``jour``).
    etat_depuis: dt.datetime | str
    cout_total: int
    subvention_demandee: int
    depose_le: dt.date | str | None
    # Pour les filtres de la liste :
    campagne_id: int = 0
    porteur_id: int = 0
    dispositif_code: str = ""
    codes_quartiers: tuple[str, ...] = ()
    financeurs: tuple[str, ...] = ()
    # Cotation de chaque grille transversale, dans l'ordre de ``GRILLES`` (None : pas cotée) ; () : aucune.
    cotations: tuple[int | None, ...] = ()
    # L'instructeur en charge (``services.attribution``) : son compte et son nom ; None / "" : pas attribué.
    instructeur_id: int | None = None
    instructeur: str = ""
    # Le total accordé par le comité (tous financeurs, en centimes) ; None : pas encore décidé.
    accorde: int | None = None


_SQL_DOSSIERS = """
select d.id, d.numero, d.intitule, p.nom, x.sigle, c.annee, d.etat, d.etat_depuis,
       d.cout_total, d.subvention_demandee, d.depose_le, d.campagne_id, d.porteur_id, c.dispositif_code,
       d.financeurs, d.instructeur_id, u.nom
from dossier d
join porteur p on p.id = d.porteur_id
join campagne c on c.id = d.campagne_id
join dispositif x on x.code = c.dispositif_code
left join utilisateur u on u.id = d.instructeur_id
"""
# Première page : les dossiers de la dernière année, par numéro.
_SQL_PAGE = _SQL_DOSSIERS + """
where c.annee = (select max(annee) from campagne)
order by d.numero
limit {limite:d}
"""
_SQL_QUARTIERS = "select dq.dossier_id, dq.quartier_code from dossier_quartier dq"
_SQL_OBJECTIFS = "select o.dossier_id, o.objectif_operationnel_code from dossier_objectif o"
_SQL_AXES_DES_OBJECTIFS = """
select oo.code, t.axe_code
from objectif_operationnel oo
join objectif_strategique os on os.code = oo.objectif_strategique_code
join thematique t on t.code = os.thematique_code
"""
_SQL_NOMS_QUARTIERS = "select code, nom from quartier"
_SQL_COTATIONS = "select c.dossier_id, c.grille, c.cotation from cotation c"
_SQL_ACCORDES = "select ma.dossier_id, sum(ma.montant) from montant_accorde ma"


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
    listes_financeurs: dict[str, tuple[str, ...]] = {}
    # Beaucoup de dossiers partagent les mêmes quartiers (et axes, financeurs) : un objet par combinaison.
    libelles: dict[tuple[str, ...], str] = {}
    quartiers: dict[int, tuple[tuple[str, ...], str]] = {}
    for dossier_id, liste in codes.items():
        cle = tuple(liste)
        libelle = libelles.get(cle)
        if libelle is None:
            libelle = libelles[cle] = ", ".join(sorted(noms.get(c, c) for c in cle))
        quartiers[dossier_id] = (cle, libelle)
    for texte in {l[14] or "" for l in lignes}:
        listes_financeurs[texte] = tuple(filter(None, texte.split(",")))
    cotations = _lire_cotations(curseur, [l[0] for l in lignes] if limite is not None else None)
    accordes = _lire_accordes(curseur, [l[0] for l in lignes] if limite is not None else None)
    aucun = ((), "")
    resultat = []
    for (id_, numero, intitule, porteur, sigle, annee, etat, depuis, cout, subvention, depot, campagne,
         porteur_id, dispositif, financeurs, instructeur_id, instructeur) in lignes:
        codes_q, libelle_q = quartiers.get(id_, aucun)
        resultat.append(LigneDossier(
            id_, numero, intitule, porteur, sigle or "", annee, libelle_q, etat, depuis, cout, subvention, depot,
            campagne, porteur_id, dispositif, codes_q, listes_financeurs[financeurs or ""], cotations.get(id_, ()),
            instructeur_id, instructeur or "", accordes.get(id_),
        ))
    return resultat


def _lire_cotations(curseur, ids: list[int] | None) -> dict[int, tuple[int | None, ...]]:
    sql = _SQL_COTATIONS
    if ids is not None:
        sql += " where c.dossier_id in ({})".format(", ".join(str(int(i)) for i in ids)) if ids else " where 0 = 1"
    curseur.execute(sql)
    rang = {code: i for i, code in enumerate(GRILLES)}
    par_dossier: dict[int, list[int | None]] = {}
    for dossier_id, grille, cotation in curseur.fetchall():
        if grille in rang:
            par_dossier.setdefault(dossier_id, [None] * len(GRILLES))[rang[grille]] = cotation
    partages: dict[tuple[int | None, ...], tuple[int | None, ...]] = {}
    return {i: partages.setdefault(tuple(c), tuple(c)) for i, c in par_dossier.items()}


def _lire_accordes(curseur, ids: list[int] | None) -> dict[int, int]:
    """Le total accordé de chaque dossier décidé, en centimes (une requête, quel que soit leur nombre)."""
    sql = _SQL_ACCORDES
    if ids is not None:
        sql += " where ma.dossier_id in ({})".format(", ".join(str(int(i)) for i in ids)) if ids else " where 0 = 1"
    curseur.execute(sql + " group by ma.dossier_id")
    return {dossier_id: int(total) for dossier_id, total in curseur.fetchall()}


def lire_axes(curseur, ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Les axes du projet de territoire de chaque dossier (par ses objectifs opérationnels)."""
    curseur.execute(_SQL_AXES_DES_OBJECTIFS)
    axe_de = dict(curseur.fetchall())
    sql = _SQL_OBJECTIFS
    if ids is not None:
        if not ids:
            return {}
        sql += " where o.dossier_id in ({})".format(", ".join(str(int(i)) for i in ids))
    curseur.execute(sql)
    axes: dict[int, set[str]] = {}
    for dossier_id, objectif in curseur.fetchall():
        if dossier_id in axes:
            axes[dossier_id].add(axe_de.get(objectif))
        else:
            axes[dossier_id] = {axe_de.get(objectif)}
    ensembles: dict[frozenset, tuple[str, ...]] = {}
    return {i: ensembles.setdefault(frozenset(a), tuple(sorted(x for x in a if x))) for i, a in axes.items()}


def horodatage(valeur) -> dt.datetime:
    return dt.datetime.fromisoformat(valeur) if isinstance(valeur, str) else valeur


def jour(valeur) -> dt.date | None:
    return dt.date.fromisoformat(valeur) if isinstance(valeur, str) else valeur


_SQL_TEXTES = "select d.id, d.resume, d.description, d.objectifs_action from dossier d"


def lire_textes(curseur) -> dict[int, str]:
    """Les textes longs de chaque dossier (résumé, description, objectifs), prêts pour la recherche."""
    curseur.execute(_SQL_TEXTES)
    return {
        identifiant: pour_recherche(" ".join(t for t in (resume, description, objectifs) if t))
        for identifiant, resume, description, objectifs in curseur.fetchall()
    }


def textes_de_recherche(lignes: list[LigneDossier], textes: dict[int, str] | None = None) -> list[str]:
    """Le texte où chercher, pour chaque ligne : numéro, intitulé, porteur, dispositif,
    quartiers, état, année, puis (s'ils sont donnés) résumé, description et objectifs."""
    textes = textes or {}
    return [f"{texte_de_recherche(ligne)} {textes.get(ligne.id, '')}" for ligne in lignes]


def texte_de_recherche(ligne: LigneDossier) -> str:
    """Ce sur quoi porte la recherche rapide : numéro, intitulé, porteur, dispositif, quartiers, état, année."""
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
