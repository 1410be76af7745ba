"""Les lignes du tableau des dossiers, et leur lecture sur n'importe quel curseur DB-API.

Ce module n'importe pas SQLAlchemy : l'interface peut l'importer avant que la
couche de données soit chargée, et la première page d'une base SQLite peut être
lue avec le seul module ``sqlite3`` pendant que SQLAlchemy se charge
(``lecture_rapide``).

Le tableau peut compter cent mille dossiers : les requêtes ne lisent que les
colonnes affichées, renvoient des tuples (pas d'objets ORM), laissent les montants
en centimes et les dates SQLite en texte ISO (converties par ``fromisoformat``) ;
les quartiers sont lus en une seconde requête ; les bilans en retard de chaque porteur (le signal « le porteur
doit un bilan ») en trois autres, quel que soit le nombre de conventions (``lire_bilans_dus``). Le SQL est portable (SQLite et
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
    # Les bilans que le porteur doit, en retard, sur ses AUTRES dossiers (``lire_bilans_dus``) ; () : aucun.
    bilans_dus: tuple[BilanDu, ...] = ()


class BilanDu(NamedTuple):
    """Un bilan en retard d'un porteur (loi 2000-321, art. 10 : exigé avant toute nouvelle demande)."""

    dossier_id: int
    numero: str
    exercice: int
    nature: str  # domaine.bilans.NATURES
    jours_retard: int


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
_SQL_REGLAGES_BILANS = "select p.cle, p.valeur from parametre p where p.cle like 'bilans.%'"
# Les conventions engagées (états de ``domaine.bilans.ETATS_CONVENTION_ENGAGES``, insérés dans ``{etats}``).
_SQL_CONVENTIONS_ENGAGEES = """
select cv.id, cv.dossier_id, d.numero, d.porteur_id, c.dispositif_code, c.annee, cv.financeur_code, cv.type_acte,
       cv.fin_exercice, cv.exercices
from convention cv
join dossier d on d.id = cv.dossier_id
join campagne c on c.id = d.campagne_id
where cv.etat in ({etats})
"""
_SQL_COMPTES_RENDUS = """
select cr.dossier_id, cr.exercice, cr.etat, cr.recu_le
from compte_rendu cr
join dossier d on d.id = cr.dossier_id
"""


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
    # Les bilans dus viennent avec la liste complète, quelques instants après la première page : ils demandent les
    # règles déclarées (YAML), que la première page, lue avant tout le reste, n'a pas à charger.
    dus = lire_bilans_dus(curseur) if limite is None else {}
    aucun = ((), "")
    resultat = []
    for (id_, numero, intitule, porteur, sigle, annee, etat, depuis, cout, subvention, depot, campagne,
         porteur_id, dispositif, financeurs, instructeur_id, instructeur) in lignes:
        codes_q, libelle_q = quartiers.get(id_, aucun)
        resultat.append(LigneDossier(
            id_, numero, intitule, porteur, sigle or "", annee, libelle_q, etat, depuis, cout, subvention, depot,
            campagne, porteur_id, dispositif, codes_q, listes_financeurs[financeurs or ""], cotations.get(id_, ()),
            instructeur_id, instructeur or "", accordes.get(id_), _dus_ailleurs(dus.get(porteur_id, ()), id_),
        ))
    return resultat


def _dus_ailleurs(dus: tuple[BilanDu, ...], dossier_id: int) -> tuple[BilanDu, ...]:
    """Les bilans dus par le porteur sur ses autres dossiers (comme le bandeau de l'en-tête d'un dossier)."""
    if not dus or all(b.dossier_id != dossier_id for b in dus):
        return dus  # partagé par toutes les lignes du porteur
    return tuple(b for b in dus if b.dossier_id != dossier_id)


def lire_bilans_dus(curseur, porteur_ids=None, le: dt.date | None = None) -> dict[int, tuple[BilanDu, ...]]:
    """Les bilans en retard de chaque porteur (ou de ces porteurs), en trois requêtes quel que soit leur nombre :
    les seuils réglés, les conventions engagées (fin d'exercice et exercices en vigueur : leurs colonnes), les
    comptes rendus reçus. Les échéances et les statuts sont ceux de la liste des bilans attendus
    (``domaine.bilans`` : mêmes règles, mêmes conventions réunies par dossier)."""
    from instruction.domaine import bilans  # les règles déclarées (YAML) : lues seulement ici
    from instruction.domaine.horloge import aujourd_hui

    if porteur_ids is not None and not porteur_ids:
        return {}
    porteurs = "" if porteur_ids is None else "d.porteur_id in ({})".format(
        ", ".join(str(int(i)) for i in sorted(porteur_ids)))
    curseur.execute(_SQL_REGLAGES_BILANS)
    regles = bilans.regles(dict(curseur.fetchall()))
    etats_engages = ", ".join(f"'{e}'" for e in bilans.ETATS_CONVENTION_ENGAGES)
    curseur.execute(_SQL_CONVENTIONS_ENGAGEES.format(etats=etats_engages) + (f" and {porteurs}" if porteurs else ""))
    dossiers: dict[int, tuple[str, int, str, int, bilans.ConventionsDuDossier]] = {}
    exercices_lus: dict[str, tuple[int, ...]] = {}
    for (cid, did, numero, porteur_id, dispositif, annee, financeur, type_acte, fin,
         exercices_texte) in curseur.fetchall():
        exercices = exercices_lus.get(exercices_texte)
        if exercices is None:
            exercices = exercices_lus[exercices_texte] = tuple(int(x) for x in exercices_texte.split(",") if x)
        if did not in dossiers:
            dossiers[did] = (numero, porteur_id, dispositif, annee, bilans.ConventionsDuDossier())
        dossiers[did][4].ajouter(cid, financeur, type_acte, jour(fin), exercices)
    if not dossiers:
        return {}
    curseur.execute(_SQL_COMPTES_RENDUS + (f" where {porteurs}" if porteurs else ""))
    recus = {(did, exercice): (etat, jour(recu)) for did, exercice, etat, recu in curseur.fetchall()}
    aujourd_hui_ = le or aujourd_hui()
    resultat: dict[int, list[BilanDu]] = {}
    for did, (numero, porteur_id, dispositif, annee, conventions) in dossiers.items():
        for e in bilans.echeances(conventions.engagement(did, porteur_id, dispositif, annee), regles):
            etat, recu = recus.get((did, e.exercice), (None, None))
            retard = bilans.jours_de_retard(e.due_le, aujourd_hui_, recu)
            if bilans.en_retard(bilans.statut(e.due_le, aujourd_hui_, regles, etat), retard):
                resultat.setdefault(porteur_id, []).append(BilanDu(did, numero, e.exercice, e.nature, retard))
    return {p: tuple(sorted(dus, key=lambda b: (-b.jours_retard, b.numero, b.exercice))) for p, dus in resultat.items()}


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
