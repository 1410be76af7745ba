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
  les champs qui diffèrent sont des conflits.

Les colonnes ``ignorees`` (compteurs de version, horodatages de modification) ne se comparent pas : le service
les tient à jour lui-même quand il écrit la ligne.

Rien n'est perdu : chaque changement du portable est soit dans ``mises_a_jour`` / ``insertions`` /
``suppressions``, soit dans ``conflits`` (``tests/test_fusion.py`` le vérifie sur des suites de modifications
tirées au hasard).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Cle = tuple
Ligne = Mapping[str, Any]

# Les genres de conflit
CHAMP = "champ"  # le même champ changé des deux côtés
SUPPRIME_AU_BUREAU = "supprime_au_bureau"  # supprimée au bureau, modifiée hors ligne
SUPPRIME_HORS_LIGNE = "supprime_hors_ligne"  # supprimée hors ligne, modifiée au bureau
LIBELLES_GENRES = {
    CHAMP: "modifié des deux côtés",
    SUPPRIME_AU_BUREAU: "supprimé au bureau, modifié hors ligne",
    SUPPRIME_HORS_LIGNE: "supprimé hors ligne, modifié au bureau",
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
class Conflit:
    table: str
    cle: Cle
    genre: str
    colonne: str | None = None  # pour un conflit de champ
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

    @property
    def vide(self) -> bool:
        return not (self.mises_a_jour or self.insertions or self.suppressions or self.conflits)


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


def fusionner(tables: list[TableAFusionner]) -> Resultat:
    resultat = Resultat()
    for table in tables:
        fusionner_table(table, resultat)
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


def decider(resultat: Resultat, choix: Mapping[str, Choix]) -> Decisions:
    """Applique les choix de l'utilisateur aux conflits (par ``Conflit.ident``) ; un conflit sans choix reste
    « non tranché » (le service refuse alors d'écrire, pour que rien ne se perde)."""
    mises_a_jour = {cle: dict(valeurs) for cle, valeurs in resultat.mises_a_jour.items()}
    recreations: list[tuple[str, Cle]] = []
    suppressions = list(resultat.suppressions)
    non_tranches: list[Conflit] = []
    tranches: list[tuple[Conflit, Choix]] = []
    for conflit in resultat.conflits:
        decision = choix.get(conflit.ident)
        if decision is None or decision.decision not in (MIEN, LEUR, SAISIE):
            non_tranches.append(conflit)
            continue
        tranches.append((conflit, decision))
        if decision.decision == LEUR:
            continue
        if conflit.genre == CHAMP:
            valeur = conflit.mien if decision.decision == MIEN else decision.valeur
            mises_a_jour.setdefault((conflit.table, conflit.cle), {})[conflit.colonne] = valeur
        elif conflit.genre == SUPPRIME_AU_BUREAU:
            recreations.append((conflit.table, conflit.cle))
        elif conflit.genre == SUPPRIME_HORS_LIGNE:
            suppressions.append((conflit.table, conflit.cle))
    return Decisions(mises_a_jour, list(resultat.insertions), recreations, suppressions, non_tranches, tranches)
