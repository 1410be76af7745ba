"""Le publipostage, ses champs : les types, l'écriture à la française, les déclarations et les valeurs vérifiées.

Chaque champ de fusion a un **type** (``TYPES``) qui dit ce qu'il faut donner et comment la valeur s'écrit ;
dans un gabarit, la valeur arrive sous une forme typée (un montant a ``.en_lettres``, une date ``.courte``…).
``formater`` donne la même écriture hors gabarit ; ``declarer_champs`` lit la section ``champs`` d'un modèle,
``preparer`` vérifie les valeurs données (présentes, connues, du bon type) et les rend sous leur forme typée.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from instruction.domaine import argent, dates
from instruction.rapports.publipostage_sources import Lieu, ligne_de, proche


# --- Les valeurs typées, telles que les gabarits les voient ---------------------------------------------------


class _Montant:
    """Un montant exact ; s'écrit en chiffres (ou en lettres pour ``montant_en_lettres``)."""

    __slots__ = ("valeur", "_lettres_par_defaut")

    def __init__(self, valeur: Decimal, lettres_par_defaut: bool = False) -> None:
        self.valeur = valeur
        self._lettres_par_defaut = lettres_par_defaut

    @property
    def en_chiffres(self) -> str:
        return argent.formater(self.valeur)

    @property
    def en_lettres(self) -> str:
        return argent.en_lettres(self.valeur)

    def __str__(self) -> str:
        return self.en_lettres if self._lettres_par_defaut else self.en_chiffres

    def __bool__(self) -> bool:
        return self.valeur != 0

    def _autre(self, autre: object) -> Decimal:
        if isinstance(autre, _Montant):
            return autre.valeur
        if isinstance(autre, (int, Decimal)) and not isinstance(autre, bool):
            return Decimal(autre)
        raise TypeError("un montant ne se compare qu'à un montant ou à un nombre entier")

    def __eq__(self, autre: object) -> bool:
        try:
            return self.valeur == self._autre(autre)
        except TypeError:
            return NotImplemented

    def __hash__(self) -> int:
        return hash(self.valeur)

    def __lt__(self, autre: object) -> bool:
        return self.valeur < self._autre(autre)

    def __le__(self, autre: object) -> bool:
        return self.valeur <= self._autre(autre)

    def __gt__(self, autre: object) -> bool:
        return self.valeur > self._autre(autre)

    def __ge__(self, autre: object) -> bool:
        return self.valeur >= self._autre(autre)


class _Date:
    __slots__ = ("valeur",)

    def __init__(self, valeur: dt.date) -> None:
        self.valeur = valeur

    @property
    def longue(self) -> str:
        return dates.formater_long(self.valeur)

    @property
    def courte(self) -> str:
        return dates.formater(self.valeur)

    @property
    def annee(self) -> int:
        return self.valeur.year

    def __str__(self) -> str:
        return self.longue


class _Liste(tuple):
    """Une liste de textes ; seule, elle s'écrit « a, b et c »."""

    def __str__(self) -> str:
        elements = [str(e) for e in self]
        if len(elements) <= 1:
            return "".join(elements)
        return ", ".join(elements[:-1]) + " et " + elements[-1]


class _Booleen:
    __slots__ = ("valeur",)

    def __init__(self, valeur: bool) -> None:
        self.valeur = valeur

    def __bool__(self) -> bool:
        return self.valeur

    def __eq__(self, autre: object) -> bool:
        return self.valeur == (autre.valeur if isinstance(autre, _Booleen) else autre)

    def __hash__(self) -> int:
        return hash(self.valeur)

    def __str__(self) -> str:
        return "oui" if self.valeur else "non"


class _Vide:
    """Un champ facultatif sans valeur : s'écrit « », faux dans une condition, égal à ``None``."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return False

    def __eq__(self, autre: object) -> bool:
        return autre is None or isinstance(autre, _Vide)

    def __hash__(self) -> int:
        return 0

    def __iter__(self):
        return iter(())


VIDE = _Vide()


def _entier(valeur: int) -> str:
    from babel.numbers import format_decimal

    return format_decimal(valeur, locale=argent.LOCALE)


class _Entier(int):
    """Un entier qui se compare et se calcule comme un entier, et s'écrit « 1 234 »."""

    def __str__(self) -> str:
        return _entier(int(self))


@dataclass(frozen=True)
class TypeChamp:
    nom: str
    attendu: str  # ce qu'il faut donner, dit en français
    accepte: Callable[[object], bool]
    envelopper: Callable[[Any], object]
    ecrire: Callable[[Any], str]


def _est_liste(v: object) -> bool:
    return isinstance(v, (list, tuple)) and all(isinstance(e, str) for e in v)


def _est_date(v: object) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _est_montant(v: object) -> bool:
    return isinstance(v, Decimal) and v.is_finite()


TYPES: dict[str, TypeChamp] = {
    t.nom: t
    for t in (
        TypeChamp("texte", "un texte", lambda v: isinstance(v, str), str, str),
        TypeChamp("choix", "un texte parmi les valeurs déclarées", lambda v: isinstance(v, str), str, str),
        TypeChamp("entier", "un nombre entier", lambda v: isinstance(v, int) and not isinstance(v, bool),
                  _Entier, _entier),
        TypeChamp("montant", "un montant exact (Decimal)", _est_montant, lambda v: _Montant(v),
                  argent.formater),
        TypeChamp("montant_en_lettres", "un montant exact (Decimal)", _est_montant,
                  lambda v: _Montant(v, lettres_par_defaut=True), argent.en_lettres),
        TypeChamp("date", "une date (jour, sans heure)", _est_date, _Date, dates.formater_long),
        TypeChamp("liste", "une liste de textes", _est_liste, lambda v: _Liste(v), lambda v: str(_Liste(v))),
        TypeChamp("booleen", "oui ou non (booléen)", lambda v: isinstance(v, bool), _Booleen,
                  lambda v: "oui" if v else "non"),
    )
}


def formater(type_champ: str, valeur: object) -> str:
    """La valeur écrite comme dans un document : ``formater("montant", Decimal("12000"))`` → « 12 000,00 € »."""
    if type_champ not in TYPES:
        raise ValueError(f"type de champ inconnu : {type_champ}")
    genre = TYPES[type_champ]
    if not genre.accepte(valeur):
        raise TypeError(f"{type_champ} attend {genre.attendu}, pas {type(valeur).__name__}")
    return genre.ecrire(valeur)


# --- Les déclarations et les valeurs données --------------------------------------------------------------------


@dataclass(frozen=True)
class Champ:
    nom: str
    type: str
    libelle: str
    facultatif: bool = False
    valeurs: tuple[str, ...] = ()  # pour un choix
    ligne: int = 0  # où il est déclaré

    def decrire(self) -> str:
        return f"« {self.nom} » ({self.libelle})" if self.libelle and self.libelle != self.nom else f"« {self.nom} »"



_NOM_CHAMP = re.compile(r"^[a-z_][a-z0-9_]*$")
_OUI = {True, "oui", "vrai", "yes", "true"}


def declarer_champs(declarations: Mapping[str, Any] | None, lieu: Lieu) -> dict[str, Champ]:
    """Lit la section ``champs`` d'un modèle : ``nom: type`` ou ``nom: {type, libelle, facultatif, valeurs}``."""
    if not isinstance(declarations, Mapping) or not declarations:
        raise lieu.erreur("la section « champs » doit déclarer au moins un champ (nom: type).")
    champs: dict[str, Champ] = {}
    for nom, decl in declarations.items():
        ligne = ligne_de(nom)
        if not isinstance(nom, str) or not _NOM_CHAMP.match(nom):
            raise lieu.erreur(f"« {nom} » n'est pas un nom de champ : lettres minuscules sans accent, chiffres "
                              "et « _ », comme « montant_accorde ».", ligne=ligne)
        if isinstance(decl, str):
            decl = {"type": decl}
        if not isinstance(decl, Mapping):
            raise lieu.erreur(f"le champ « {nom} » se déclare « {nom}: type » ou avec « type: », « libelle: ».",
                              champ=nom, ligne=ligne)
        inconnues = set(decl) - {"type", "libelle", "facultatif", "valeurs"}
        if inconnues:
            raise lieu.erreur(f"le champ « {nom} » a des clés inconnues : {', '.join(sorted(map(str, inconnues)))} "
                              "(permises : type, libelle, facultatif, valeurs).", champ=nom, ligne=ligne)
        genre = decl.get("type")
        if genre not in TYPES:
            raise lieu.erreur(f"le champ « {nom} » a le type « {genre} », inconnu ; types possibles : "
                              f"{', '.join(TYPES)}.", champ=nom, ligne=ligne_de(genre, ligne))
        valeurs = decl.get("valeurs") or ()
        if genre == "choix" and (not isinstance(valeurs, list) or not valeurs
                                 or not all(isinstance(v, str) for v in valeurs)):
            raise lieu.erreur(f"le champ « {nom} » est un choix : donnez ses « valeurs » (une liste de textes).",
                              champ=nom, ligne=ligne)
        champs[nom] = Champ(nom=nom, type=genre, libelle=str(decl.get("libelle") or nom),
                            facultatif=decl.get("facultatif", False) in _OUI, valeurs=tuple(valeurs), ligne=ligne)
    return champs


def preparer(champs: Mapping[str, Champ], valeurs: Mapping[str, object], lieu: Lieu,
             employes: Mapping[str, int] | None = None) -> dict[str, object]:
    """Vérifie les valeurs données (présentes, connues, du bon type) et les rend sous leur forme typée.

    ``employes`` (champ → première ligne où il sert) précise le message d'un champ manquant.
    """
    employes = employes or {}
    inconnus = sorted(set(valeurs) - set(champs))
    if inconnus:
        nom = inconnus[0]
        raise lieu.erreur(f"la valeur donnée pour « {nom} » ne correspond à aucun champ déclaré"
                          f"{proche(nom, champs)} (champs déclarés : {', '.join(champs)}).", champ=nom)
    prepares: dict[str, object] = {}
    for nom, champ in champs.items():
        valeur = valeurs.get(nom)
        if valeur is None:
            if not champ.facultatif:
                raise lieu.erreur(f"le champ {champ.decrire()} n'a pas de valeur ; il en faut une "
                                  f"({TYPES[champ.type].attendu}), ou déclarez-le « facultatif: oui » (ligne "
                                  f"{champ.ligne}).", champ=nom, ligne=employes.get(nom) or champ.ligne)
            prepares[nom] = VIDE
            continue
        genre = TYPES[champ.type]
        if not genre.accepte(valeur):
            raise lieu.erreur(f"le champ {champ.decrire()} attend {genre.attendu} ; il a reçu {valeur!r} "
                              f"({type(valeur).__name__}).", champ=nom, ligne=champ.ligne)
        if champ.type == "choix" and valeur not in champ.valeurs:
            raise lieu.erreur(f"le champ {champ.decrire()} vaut « {valeur} », qui n'est pas parmi ses valeurs "
                              f"({', '.join(champ.valeurs)}).", champ=nom, ligne=champ.ligne)
        prepares[nom] = genre.envelopper(valeur)
    return prepares
