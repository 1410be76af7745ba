"""La fusion à trois versions, champ par champ (pure : ni base ni Qt, testable seule).

Pour chaque ligne (repérée par sa table et sa clé) on a jusqu'à trois versions : celle de l'emprunt
(``base``, l'instantané gardé dans le fichier de travail), celle du portable (``mien``) et celle de la base
partagée maintenant (``leur``). Les règles :

* un champ changé d'un seul côté : la valeur changée l'emporte, sans rien demander ;
* le même champ changé des deux côtés, différemment : **conflit** (montré côte à côte ; rien n'est choisi
  à la place de l'utilisateur) ; changé des deux côtés à l'identique : rien à faire ;
* une ligne nouvelle d'un côté est gardée (nouvelle hors ligne : ajoutée au bureau) ;
* une ligne supprimée d'un côté et inchangée de l'autre : la suppression s'applique ; supprimée d'un côté et
  modifiée de l'autre : **conflit** de suppression, jamais tranché en silence ;
* une ligne ajoutée des deux côtés sous la même clé (clé naturelle : un quartier, une question de grille) :
  les champs qui diffèrent sont des conflits ;
* une **liste possédée** (les lignes du budget d'un dossier, ses séances, ses indicateurs, ses quartiers… :
  des lignes sans identité propre pour l'utilisateur, que le formulaire remplace en entier) est **une seule
  valeur** par parent (``ListeAFusionner``) : changée d'un seul côté, la liste de ce côté s'applique (lignes
  remplacées) ; changée des deux côtés à l'identique, rien à faire ; différemment, **un** conflit de liste,
  tranché en gardant l'une ou l'autre (jamais un mélange des deux, qui doublerait un budget). Une liste changée
  d'un côté dont le parent a été supprimé de l'autre rend la suppression du parent conflictuelle.

Les colonnes ``ignorees`` (compteurs de version, horodatages de modification) ne se comparent pas : le service
les tient à jour lui-même quand il écrit la ligne.

Rien n'est perdu : chaque changement du portable est soit dans ``mises_a_jour`` / ``insertions`` /
``suppressions``, soit dans ``conflits`` (``tests/test_fusion.py`` le vérifie sur des suites de modifications
tirées au hasard).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Cle = tuple
Ligne = Mapping[str, Any]

# Les genres de conflit
CHAMP = "champ"  # le même champ changé des deux côtés
SUPPRIME_AU_BUREAU = "supprime_au_bureau"  # supprimée au bureau, modifiée hors ligne
SUPPRIME_HORS_LIGNE = "supprime_hors_ligne"  # supprimée hors ligne, modifiée au bureau
LISTE = "liste"  # la même liste possédée changée des deux côtés, différemment
LIBELLES_GENRES = {
    CHAMP: "modifié des deux côtés",
    SUPPRIME_AU_BUREAU: "supprimé au bureau, modifié hors ligne",
    SUPPRIME_HORS_LIGNE: "supprimé hors ligne, modifié au bureau",
    LISTE: "liste changée des deux côtés",
}
# Les choix de l'utilisateur devant un conflit
MIEN, LEUR, SAISIE = "mien", "leur", "saisie"


class _Absent:
    """La valeur d'une ligne qui n'existe pas de ce côté."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


@dataclass(frozen=True)
class Nouveau:
    """La clé provisoire d'une ligne créée hors ligne : son identifiant au bureau n'est connu qu'à l'écriture."""

    table: str
    local: Any

    def __str__(self) -> str:
        return f"nouveau {self.local}"


@dataclass(frozen=True)
class TableAFusionner:
    nom: str
    base: Mapping[Cle, Ligne]
    mien: Mapping[Cle, Ligne]
    leur: Mapping[Cle, Ligne]
    ignorees: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ListeAFusionner:
    """La liste possédée ``table`` d'une ligne parente (``parent``, ``cle_parent``), de chaque côté : un tuple
    de lignes (leur contenu, sans identifiant ni renvoi au parent, dans l'ordre de la liste), ou ``None`` quand
    le parent n'existe pas de ce côté."""

    table: str
    parent: str
    cle_parent: Cle
    base: tuple[Ligne, ...] | None
    mien: tuple[Ligne, ...] | None
    leur: tuple[Ligne, ...] | None


@dataclass(frozen=True)
class Conflit:
    table: str
    cle: Cle
    genre: str
    colonne: str | None = None  # pour un conflit de champ
    # Pour un conflit de liste : ``cle`` est celle du parent, ``base`` / ``mien`` / ``leur`` des tuples de lignes.
    base: Any = None
    mien: Any = None
    leur: Any = None

    @property
    def ident(self) -> str:
        return f"{self.table}|{self.cle!r}|{self.colonne or ''}"


@dataclass
class Resultat:
    mises_a_jour: dict[tuple[str, Cle], dict[str, Any]] = field(default_factory=dict)
    insertions: list[tuple[str, Cle]] = field(default_factory=list)
    suppressions: list[tuple[str, Cle]] = field(default_factory=list)
    conflits: list[Conflit] = field(default_factory=list)
    inchangees: int = 0  # lignes identiques des trois côtés (ou changées du seul côté du bureau)
    du_bureau: int = 0  # lignes changées, ajoutées ou supprimées au bureau seulement (déjà en place)
    # Listes possédées (table, clé du parent) changées hors ligne seulement : celle du portable remplace.
    listes: list[tuple[str, Cle]] = field(default_factory=list)
    # Les listes du portable de chaque parent (table, clé) : remises si ce parent, supprimé au bureau, est recréé.
    listes_du_parent: dict[tuple[str, Cle], list[tuple[str, Cle]]] = field(default_factory=dict)

    @property
    def vide(self) -> bool:
        return not (self.mises_a_jour or self.insertions or self.suppressions or self.conflits or self.listes)


def _differentes(a: Ligne, b: Ligne, ignorees: frozenset[str]) -> bool:
    return any(a.get(c, ABSENT) != b.get(c, ABSENT) for c in set(a) | set(b) if c not in ignorees)


def fusionner_table(table: TableAFusionner, resultat: Resultat | None = None) -> Resultat:
    """Compare les trois versions de chaque ligne d'une table ; ajoute au ``resultat`` ce qu'il faut faire."""
    resultat = resultat if resultat is not None else Resultat()
    ign = table.ignorees
    for cle in sorted(set(table.base) | set(table.mien) | set(table.leur), key=repr):
        b, m, t = table.base.get(cle), table.mien.get(cle), table.leur.get(cle)
        if b is None:
            if m is None:
                resultat.du_bureau += 1  # ajoutée au bureau seulement : déjà en place
            elif t is None:
                resultat.insertions.append((table.nom, cle))
            else:  # ajoutée des deux côtés sous la même clé
                _champs(table.nom, cle, {}, m, t, ign, resultat, base_absente=True)
            continue
        if m is None and t is None:
            resultat.inchangees += 1  # supprimée des deux côtés
        elif m is None:
            if _differentes(b, t, ign):
                resultat.conflits.append(Conflit(table.nom, cle, SUPPRIME_HORS_LIGNE, base=dict(b), leur=dict(t)))
            else:
                resultat.suppressions.append((table.nom, cle))
        elif t is None:
            if _differentes(b, m, ign):
                resultat.conflits.append(Conflit(table.nom, cle, SUPPRIME_AU_BUREAU, base=dict(b), mien=dict(m)))
            else:
                resultat.du_bureau += 1  # supprimée au bureau seulement
        else:
            _champs(table.nom, cle, b, m, t, ign, resultat)
    return resultat


def _champs(nom: str, cle: Cle, b: Ligne, m: Ligne, t: Ligne, ign: frozenset[str], resultat: Resultat,
            *, base_absente: bool = False) -> None:
    a_ecrire: dict[str, Any] = {}
    du_bureau = False
    conflits_avant = len(resultat.conflits)
    for colonne in sorted(set(m) | set(t)):
        if colonne in ign:
            continue
        vm, vt = m.get(colonne, ABSENT), t.get(colonne, ABSENT)
        # Une colonne absente de l'instantané (ajoutée par une migration depuis l'emprunt) n'a pas pu changer
        # hors ligne : la valeur du portable est celle de départ.
        vb = ABSENT if base_absente else b.get(colonne, vm)
        if vm == vt:
            continue
        if vm == vb:
            du_bureau = True
        elif vt == vb:
            a_ecrire[colonne] = vm
        else:
            resultat.conflits.append(Conflit(nom, cle, CHAMP, colonne, vb, vm, vt))
    if a_ecrire:
        resultat.mises_a_jour[(nom, cle)] = a_ecrire
    elif du_bureau:
        resultat.du_bureau += 1
    elif len(resultat.conflits) == conflits_avant:
        resultat.inchangees += 1


def fusionner_liste(liste: ListeAFusionner, resultat: Resultat, parent: TableAFusionner | None = None) -> None:
    """Une liste possédée comme une seule valeur (voir le module) ; ``parent`` : la table de la ligne parente,
    déjà fusionnée dans ``resultat`` (pour rendre conflictuelle la suppression d'un parent dont la liste a changé
    de l'autre côté)."""
    b, m, t = liste.base, liste.mien, liste.leur
    cle = (liste.table, liste.cle_parent)
    if m is not None:
        resultat.listes_du_parent.setdefault((liste.parent, liste.cle_parent), []).append(cle)
    if m is None:
        if b is not None and t is not None and t != b:  # parent supprimé hors ligne, liste changée au bureau
            _suppression_du_parent(liste, parent, SUPPRIME_HORS_LIGNE, resultat)
        elif t is not None and b is None and t:
            resultat.du_bureau += 1
        return
    if t is None:
        if b is None:  # parent créé hors ligne : sa liste part avec lui
            if m:
                resultat.listes.append(cle)
        elif m != b:  # parent supprimé au bureau, liste changée hors ligne
            _suppression_du_parent(liste, parent, SUPPRIME_AU_BUREAU, resultat)
        return
    depart = b if b is not None else ()
    if m == t:
        if m != depart:
            resultat.inchangees += 1  # changée des deux côtés à l'identique : rien à décider
    elif m == depart:
        resultat.du_bureau += 1  # changée au bureau seulement : déjà en place
    elif t == depart:
        resultat.listes.append(cle)
    else:
        resultat.conflits.append(Conflit(liste.table, liste.cle_parent, LISTE, None, depart, m, t))


def _suppression_du_parent(liste: ListeAFusionner, parent: TableAFusionner | None, genre: str,
                           resultat: Resultat) -> None:
    """La suppression d'un parent d'un côté, quand sa liste a changé de l'autre : un conflit de suppression sur
    le parent (s'il n'y est pas déjà), jamais une suppression silencieuse."""
    cle = liste.cle_parent
    if any(c.table == liste.parent and c.cle == cle and c.genre == genre for c in resultat.conflits):
        return
    lignes = parent if parent is not None else TableAFusionner(liste.parent, {}, {}, {})
    if genre == SUPPRIME_HORS_LIGNE:
        if (liste.parent, cle) in resultat.suppressions:
            resultat.suppressions.remove((liste.parent, cle))
        conflit = Conflit(liste.parent, cle, genre, base=dict(lignes.base.get(cle, {})),
                          leur=dict(lignes.leur.get(cle, {})))
    else:
        resultat.du_bureau -= 1  # la ligne parente avait été comptée « supprimée au bureau seulement »
        conflit = Conflit(liste.parent, cle, genre, base=dict(lignes.base.get(cle, {})),
                          mien=dict(lignes.mien.get(cle, {})))
    resultat.conflits.append(conflit)


def fusionner(tables: list[TableAFusionner], listes: Iterable[ListeAFusionner] = ()) -> Resultat:
    resultat = Resultat()
    for table in tables:
        fusionner_table(table, resultat)
    par_nom = {table.nom: table for table in tables}
    for liste in listes:
        fusionner_liste(liste, resultat, par_nom.get(liste.parent))
    return resultat


@dataclass(frozen=True)
class Choix:
    """Ce que l'utilisateur décide pour un conflit : ``MIEN``, ``LEUR`` ou ``SAISIE`` (avec ``valeur``)."""

    decision: str
    valeur: Any = None


@dataclass
class Decisions:
    """Le résultat, une fois les conflits tranchés : ce qu'il faut écrire au bureau."""

    mises_a_jour: dict[tuple[str, Cle], dict[str, Any]]
    insertions: list[tuple[str, Cle]]
    recreations: list[tuple[str, Cle]]  # supprimées au bureau, gardées hors ligne : recréées (valeurs du portable)
    suppressions: list[tuple[str, Cle]]
    non_tranches: list[Conflit]
    tranches: list[tuple[Conflit, Choix]]
    # Listes possédées (table, clé du parent) à remplacer par celle du portable.
    remplacements: list[tuple[str, Cle]] = field(default_factory=list)


def decider(resultat: Resultat, choix: Mapping[str, Choix]) -> Decisions:
    """Applique les choix de l'utilisateur aux conflits (par ``Conflit.ident``) ; un conflit sans choix reste
    « non tranché » (le service refuse alors d'écrire, pour que rien ne se perde)."""
    mises_a_jour = {cle: dict(valeurs) for cle, valeurs in resultat.mises_a_jour.items()}
    recreations: list[tuple[str, Cle]] = []
    suppressions = list(resultat.suppressions)
    remplacements = list(resultat.listes)
    non_tranches: list[Conflit] = []
    tranches: list[tuple[Conflit, Choix]] = []
    for conflit in resultat.conflits:
        decision = choix.get(conflit.ident)
        # Une liste se tranche en gardant un côté entier (une saisie n'a pas de sens pour un budget entier).
        permis = (MIEN, LEUR) if conflit.genre == LISTE else (MIEN, LEUR, SAISIE)
        if decision is None or decision.decision not in permis:
            non_tranches.append(conflit)
            continue
        tranches.append((conflit, decision))
        if decision.decision == LEUR:
            continue
        if conflit.genre == CHAMP:
            valeur = conflit.mien if decision.decision == MIEN else decision.valeur
            mises_a_jour.setdefault((conflit.table, conflit.cle), {})[conflit.colonne] = valeur
        elif conflit.genre == LISTE:
            remplacements.append((conflit.table, conflit.cle))
        elif conflit.genre == SUPPRIME_AU_BUREAU:
            recreations.append((conflit.table, conflit.cle))
            # Le parent recréé reprend ses listes du portable.
            remplacements.extend(resultat.listes_du_parent.get((conflit.table, conflit.cle), ()))
        elif conflit.genre == SUPPRIME_HORS_LIGNE:
            suppressions.append((conflit.table, conflit.cle))
    return Decisions(mises_a_jour, list(resultat.insertions), recreations, suppressions, non_tranches, tranches,
                     list(dict.fromkeys(remplacements)))
