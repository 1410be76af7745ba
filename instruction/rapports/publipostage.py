"""Le publipostage : des modèles de documents gardés comme des DONNÉES, des champs typés, un rendu vérifié.

Un modèle (``resources/modeles/<nom>.yaml``) déclare :

- ``titre`` (et ``description``) : ce que l'écran montre pour le choisir ;
- ``champs`` : chaque champ de fusion avec son **type** (``texte``, ``choix`` avec ses ``valeurs``,
  ``entier``, ``montant``, ``montant_en_lettres``, ``date``, ``liste``, ``booleen``), son ``libelle`` et,
  s'il peut manquer, ``facultatif: oui`` ;
- ``entete`` : des textes nommés (objet, référence, destinataire en plusieurs lignes…) ;
- ``corps`` : la suite des blocs — un paragraphe (une chaîne, ou ``texte:``), un intertitre (``titre:``),
  une liste à puces (``liste:`` le nom d'un champ de type liste, ou ``elements:`` des textes) — chacun
  pouvant porter une condition ``si:`` (« decision == 'refus' ») ;
- ``signature`` : les lignes du bloc de signature.

Les textes sont des gabarits Jinja2 (``{{ montant }}``, ``{% if conditions %}…{% endif %}``) rendus dans un
environnement **en bac à sable** (``ImmutableSandboxedEnvironment``) avec ``StrictUndefined`` : un modèle ne
peut ni appeler du code ni lire autre chose que ses champs. Chaque champ arrive dans le gabarit sous une
forme typée qui s'écrit à la française :

==================== ======================= =============================================================
type                 valeur donnée (Python)  écrit dans le gabarit
==================== ======================= =============================================================
texte                ``str``                 tel quel
choix                ``str`` parmi valeurs   tel quel (sert surtout aux conditions)
entier               ``int``                 « 1 234 »
montant              ``Decimal``             « 12 000,00 € » ; ``.en_lettres`` « douze mille euros »
montant_en_lettres   ``Decimal``             « douze mille euros » ; ``.en_chiffres`` « 12 000,00 € »
date                 ``datetime.date``       « 30 novembre 2026 » ; ``.courte`` « 30/11/2026 »
liste                ``list[str]``           « a, b et c » ; ``{% for x in champ %}`` ; bloc ``liste:``
booleen              ``bool``                « oui » / « non » (sert surtout aux conditions)
==================== ======================= =============================================================

Tout est vérifié, avec un message en français qui nomme le modèle, le fichier, la ligne et le champ :
au chargement, un champ employé mais non déclaré (avec le nom proche qu'on voulait sans doute écrire), une
erreur de syntaxe, un type inconnu ; au rendu, un champ déclaré sans valeur, une valeur pour un champ qui
n'existe pas, une valeur du mauvais type. Reformuler une lettre, c'est modifier son fichier YAML : aucune
ligne de code ne change (voir docs/administration.md).

Le rendu (``Rendu``) est un document neutre — en-tête, blocs, signature, en texte simple où ``**gras**``
marque l'emphase — que ``rapports/lettres.py`` compose en PDF et qu'un autre rendu (DOCX) peut reprendre.
Les briques (``declarer_champs``, ``preparer``, ``compiler``, ``formater``) servent aussi aux documents qui
ont leur propre structure de données (bibliothèque de clauses, relances).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from instruction.chemins import RESSOURCES
from instruction.domaine import argent, dates
from instruction.domaine.erreurs import ErreurInstruction

DOSSIER = RESSOURCES / "modeles"


class ErreurModele(ErreurInstruction):
    """Un modèle mal écrit ou mal rempli ; le message nomme le modèle, le fichier, la ligne et le champ."""

    def __init__(self, message: str, *, modele: str, champ: str | None = None, ligne: int | None = None,
                 fichier: Path | None = None, detail: str = "") -> None:
        super().__init__(message, detail)
        self.modele = modele
        self.champ = champ
        self.ligne = ligne
        self.fichier = fichier


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


# --- Déclarations et lecture du YAML avec les numéros de ligne ------------------------------------------------


class _TexteSitue(str):
    """Une chaîne du fichier YAML qui sait à quelle ligne commence son texte."""

    ligne: int = 0


class _Lecteur(yaml.SafeLoader):
    pass


def _construire_texte(lecteur: _Lecteur, noeud: yaml.ScalarNode) -> str:
    valeur = _TexteSitue(lecteur.construct_scalar(noeud))
    # Un bloc « | » ou « > » commence à la ligne qui suit son indicateur.
    valeur.ligne = noeud.start_mark.line + 1 + (1 if noeud.style in ("|", ">") else 0)
    return valeur


_Lecteur.add_constructor("tag:yaml.org,2002:str", _construire_texte)


def _ligne(valeur: object, defaut: int = 0) -> int:
    return getattr(valeur, "ligne", defaut) or defaut


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


@dataclass(frozen=True)
class Lieu:
    """Où une erreur se situe : le modèle, son fichier (peut manquer) et la ligne."""

    modele: str
    fichier: Path | None = None

    def dire(self, ligne: int | None = None) -> str:
        ou = []
        if self.fichier is not None:
            ou.append(_afficher_chemin(self.fichier))
        if ligne:
            ou.append(f"ligne {ligne}")
        return f"Modèle « {self.modele} »" + (f" ({', '.join(ou)})" if ou else "")

    def erreur(self, message: str, *, champ: str | None = None, ligne: int | None = None,
               detail: str = "") -> ErreurModele:
        return ErreurModele(f"{self.dire(ligne)} : {message}", modele=self.modele, champ=champ, ligne=ligne,
                            fichier=self.fichier, detail=detail)


def _afficher_chemin(fichier: Path) -> str:
    try:
        return str(Path(fichier).resolve().relative_to(RESSOURCES.parent))
    except ValueError:
        return str(fichier)


_NOM_CHAMP = re.compile(r"^[a-z_][a-z0-9_]*$")
_OUI = {True, "oui", "vrai", "yes", "true"}


def declarer_champs(declarations: Mapping[str, Any] | None, lieu: Lieu) -> dict[str, Champ]:
    """Lit la section ``champs`` d'un modèle : ``nom: type`` ou ``nom: {type, libelle, facultatif, valeurs}``."""
    if not isinstance(declarations, Mapping) or not declarations:
        raise lieu.erreur("la section « champs » doit déclarer au moins un champ (nom: type).")
    champs: dict[str, Champ] = {}
    for nom, decl in declarations.items():
        ligne = _ligne(nom)
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
                              f"{', '.join(TYPES)}.", champ=nom, ligne=_ligne(genre, ligne))
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
                          f"{_proche(nom, champs)} (champs déclarés : {', '.join(champs)}).", champ=nom)
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


def _proche(nom: str, connus: Iterable[str]) -> str:
    proches = difflib.get_close_matches(nom, list(connus), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""


# --- Les gabarits -----------------------------------------------------------------------------------------------


class _Environnement(ImmutableSandboxedEnvironment):
    """Bac à sable : pas d'attribut « privé », pas d'appel de méthode qui modifie ; tout nom inconnu échoue."""


_environnement_local = threading.local()


def _environnement() -> _Environnement:
    env = getattr(_environnement_local, "env", None)
    if env is None:
        env = _Environnement(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=False)
        _environnement_local.env = env
    return env


@dataclass(frozen=True)
class Gabarit:
    """Un texte compilé, qui sait d'où il vient (pour situer une erreur) et quels champs il emploie."""

    source: str
    ligne: int
    champs: frozenset[str]
    _modele: Any = field(repr=False, compare=False)

    def rendre(self, valeurs: Mapping[str, object], lieu: Lieu) -> str:
        try:
            return self._modele.render(valeurs)
        except UndefinedError as erreur:
            ligne = self.ligne + _ligne_jinja(erreur) - 1
            raise lieu.erreur(f"{_traduire(erreur)}.", ligne=ligne, detail=str(erreur)) from erreur
        except SecurityError as erreur:
            raise lieu.erreur("le modèle tente une opération interdite (le bac à sable ne permet que de lire "
                              "les champs).", ligne=self.ligne, detail=str(erreur)) from erreur
        except (TemplateError, TypeError, ValueError, ArithmeticError) as erreur:
            ligne = self.ligne + _ligne_jinja(erreur) - 1
            raise lieu.erreur(f"le texte ne peut être rendu : {erreur}.", ligne=ligne,
                              detail=str(erreur)) from erreur


def _ligne_jinja(erreur: BaseException) -> int:
    """La ligne du gabarit où l'erreur d'exécution est survenue (Jinja réécrit la pile à ses lignes)."""
    ligne = 1
    trace = erreur.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            ligne = trace.tb_lineno
        trace = trace.tb_next
    return ligne


def _traduire(erreur: UndefinedError) -> str:
    message = str(erreur)
    attribut = re.search(r"has no attribute '([^']+)'", message)
    if attribut:
        return f"« {attribut.group(1)} » n'existe pas pour cette valeur (un montant a « en_lettres » et " \
               "« en_chiffres », une date « longue », « courte » et « annee »)"
    nom = re.search(r"'([^']+)' is undefined", message)
    if nom:
        return f"« {nom.group(1)} » n'est ni un champ ni une variable de boucle"
    return f"valeur indéfinie ({message})"


_SYNTAXE = (
    (re.compile(r"Unexpected end of template"), lambda m: "un bloc n'est pas fermé (il manque « {% endif %} » ou "
                                                          "« {% endfor %} »)"),
    (re.compile(r"Encountered unknown tag '([^']+)'"),
     lambda m: f"la balise « {m.group(1)} » est inconnue ou sans bloc ouvert (balises permises : if, elif, else, "
               "endif, for, endfor)"),
    (re.compile(r"unexpected char '(.)'"), lambda m: f"le caractère « {m.group(1)} » est inattendu"),
    (re.compile(r"unexpected '([^']+)'"), lambda m: f"« {m.group(1)} » est inattendu"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"),
     lambda m: f"« {m.group(2)} » est inattendu (un « {{{{ … }}}} » ou un « {{% … %}} » mal fermé ?)"),
)


def _traduire_syntaxe(message: str) -> str:
    for motif, traduction in _SYNTAXE:
        trouve = motif.search(message)
        if trouve:
            return traduction(trouve)
    return f"vérifiez les « {{{{ … }}}} » et les « {{% if %}} … {{% endif %}} » ({message.rstrip('.')})"


def _noms_employes(arbre: nodes.Template) -> set[str]:
    return set(meta.find_undeclared_variables(arbre))


def compiler(source: str, champs: Mapping[str, Champ], lieu: Lieu, *, ligne: int | None = None) -> Gabarit:
    """Compile un texte et vérifie que chaque nom qu'il emploie est un champ déclaré."""
    depart = ligne if ligne is not None else _ligne(source, 1)
    env = _environnement()
    try:
        arbre = env.parse(source)
    except TemplateSyntaxError as erreur:
        raise lieu.erreur(f"le texte est mal formé : {_traduire_syntaxe(erreur.message or '')}.",
                          ligne=depart + (erreur.lineno or 1) - 1, detail=str(erreur)) from erreur
    employes = _noms_employes(arbre)
    for nom in sorted(employes):
        if nom not in champs:
            raise lieu.erreur(f"le champ « {nom} » n'est pas déclaré{_proche(nom, champs)} ; déclarez-le sous "
                              "« champs » ou corrigez son nom.", champ=nom,
                              ligne=depart + _premiere_ligne(source, nom) - 1)
    return Gabarit(source=str(source), ligne=depart, champs=frozenset(employes),
                   _modele=env.from_string(arbre))


def _premiere_ligne(source: str, nom: str) -> int:
    motif = re.compile(rf"(?<![\w.]){re.escape(nom)}(?!\w)")
    for i, ligne in enumerate(str(source).splitlines(), start=1):
        if motif.search(ligne):
            return i
    return 1


# --- Le modèle complet ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bloc:
    """Un bloc du corps rendu : ``paragraphe`` (texte), ``titre`` (texte) ou ``liste`` (elements)."""

    genre: str
    texte: str = ""
    elements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendu:
    modele: str
    titre: str
    entete: dict[str, str | tuple[str, ...]]
    blocs: tuple[Bloc, ...]
    signature: tuple[str, ...]

    def texte(self) -> str:
        """Tout le texte, dans l'ordre (pour chercher, comparer ou tester)."""
        morceaux: list[str] = []
        for valeur in self.entete.values():
            morceaux.extend(valeur if isinstance(valeur, tuple) else [valeur])
        for bloc in self.blocs:
            morceaux.extend([bloc.texte] if bloc.genre != "liste" else bloc.elements)
        morceaux.extend(self.signature)
        return "\n".join(m for m in morceaux if m)


@dataclass(frozen=True)
class _BlocModele:
    genre: str
    gabarit: Gabarit | None = None
    elements: tuple[Gabarit, ...] = ()
    champ_liste: str | None = None
    condition: Gabarit | None = None


@dataclass(frozen=True)
class Modele:
    nom: str
    titre: str
    description: str
    champs: dict[str, Champ]
    lieu: Lieu
    _entete: dict[str, Gabarit | tuple[Gabarit, ...]] = field(repr=False)
    _corps: tuple[_BlocModele, ...] = field(repr=False)
    _signature: tuple[Gabarit, ...] = field(repr=False)
    _employes: dict[str, int] = field(repr=False)

    def rendre(self, valeurs: Mapping[str, object]) -> Rendu:
        """Le document rempli ; ``ErreurModele`` si une valeur manque, est inconnue ou du mauvais type."""
        prepares = preparer(self.champs, valeurs, self.lieu, self._employes)
        lieu = self.lieu
        entete: dict[str, str | tuple[str, ...]] = {}
        for nom, gabarit in self._entete.items():
            if isinstance(gabarit, tuple):
                # Une ligne rendue sur plusieurs lignes (une boucle sur une adresse) en donne plusieurs.
                lignes = (_une_ligne(l) for g in gabarit for l in g.rendre(prepares, lieu).splitlines())
                entete[nom] = tuple(l for l in lignes if l)
            else:
                entete[nom] = _une_ligne(gabarit.rendre(prepares, lieu))
        blocs: list[Bloc] = []
        for bloc in self._corps:
            if bloc.condition is not None and not bloc.condition.rendre(prepares, lieu).strip():
                continue
            if bloc.genre == "liste":
                if bloc.champ_liste is not None:
                    elements = tuple(str(e) for e in prepares[bloc.champ_liste])
                else:
                    elements = tuple(_une_ligne(g.rendre(prepares, lieu)) for g in bloc.elements)
                elements = tuple(e for e in elements if e)
                if elements:
                    blocs.append(Bloc("liste", elements=elements))
                continue
            texte = _une_ligne(bloc.gabarit.rendre(prepares, lieu))
            if texte:
                blocs.append(Bloc(bloc.genre, texte=texte))
        signature = tuple(l for l in (_une_ligne(g.rendre(prepares, lieu)) for g in self._signature) if l)
        return Rendu(modele=self.nom, titre=self.titre, entete=entete, blocs=tuple(blocs), signature=signature)


def _une_ligne(texte: str) -> str:
    """Un paragraphe coule : les retours à la ligne et espaces répétés du YAML deviennent une espace (les espaces
    insécables des montants et des nombres restent : « 12 000,00 € » ne se coupe pas en fin de ligne)."""
    return _BLANCS.sub(" ", texte).strip(" \t\r\n")


_BLANCS = re.compile(r"[ \t\r\n]+")


_CLES = {"titre", "description", "champs", "entete", "corps", "signature"}


def depuis_donnees(donnees: Mapping[str, Any], *, nom: str, fichier: Path | None = None) -> Modele:
    """Construit et vérifie un modèle à partir de son contenu (lu d'un YAML ou écrit par un test)."""
    lieu = Lieu(nom, fichier)
    if not isinstance(donnees, Mapping):
        raise lieu.erreur("le fichier doit contenir une table (titre, champs, entete, corps, signature).")
    inconnues = set(donnees) - _CLES
    if inconnues:
        raise lieu.erreur(f"clés inconnues : {', '.join(sorted(map(str, inconnues)))} (permises : "
                          f"{', '.join(sorted(_CLES))}).", ligne=min(_ligne(c, 0) for c in inconnues) or None)
    champs = declarer_champs(donnees.get("champs"), lieu)
    employes: dict[str, int] = {}

    def gabarit(source: object, ou: str, ligne_parent: int = 0) -> Gabarit:
        if not isinstance(source, str):
            raise lieu.erreur(f"{ou} doit être un texte.", ligne=_ligne(source, ligne_parent) or None)
        g = compiler(source, champs, lieu, ligne=_ligne(source, ligne_parent) or 1)
        for nom_champ in g.champs:
            employes.setdefault(nom_champ, g.ligne + _premiere_ligne(g.source, nom_champ) - 1)
        return g

    def condition(source: object, ligne_parent: int) -> Gabarit:
        if not isinstance(source, str) or not source.strip():
            raise lieu.erreur("« si » attend une condition, par exemple « decision == 'refus' ».",
                              ligne=ligne_parent or None)
        expression = _TexteSitue("{% if " + source + " %}1{% endif %}")
        expression.ligne = _ligne(source, ligne_parent)
        return gabarit(expression, "la condition « si »", ligne_parent)

    entete: dict[str, Gabarit | tuple[Gabarit, ...]] = {}
    for cle, valeur in (donnees.get("entete") or {}).items():
        if isinstance(valeur, list):
            entete[str(cle)] = tuple(gabarit(v, f"chaque ligne de « {cle} »", _ligne(cle)) for v in valeur)
        else:
            entete[str(cle)] = gabarit(valeur, f"l'en-tête « {cle} »", _ligne(cle))

    corps: list[_BlocModele] = []
    elements_corps = donnees.get("corps")
    if not isinstance(elements_corps, list) or not elements_corps:
        raise lieu.erreur("la section « corps » doit être une liste de paragraphes.")
    for element in elements_corps:
        if isinstance(element, str):
            corps.append(_BlocModele("paragraphe", gabarit=gabarit(element, "un paragraphe")))
            continue
        if not isinstance(element, Mapping):
            raise lieu.erreur("chaque élément du corps est un texte ou une table (texte, titre, liste, si).")
        ligne_element = min((_ligne(c, 0) for c in element), default=0)
        genres = [g for g in ("texte", "titre", "liste", "elements") if g in element]
        inconnues = set(element) - {"texte", "titre", "liste", "elements", "si"}
        if inconnues or len(genres) != 1:
            raise lieu.erreur("un bloc du corps a exactement une clé parmi « texte », « titre », « liste », "
                              "« elements », et éventuellement « si ».", ligne=ligne_element or None)
        si = condition(element["si"], ligne_element) if "si" in element else None
        genre = genres[0]
        if genre == "liste":
            nom_liste = element["liste"]
            if nom_liste not in champs or champs[nom_liste].type != "liste":
                raise lieu.erreur(f"« liste: {nom_liste} » doit nommer un champ déclaré de type liste"
                                  f"{_proche(str(nom_liste), champs)}.", champ=str(nom_liste),
                                  ligne=_ligne(nom_liste, ligne_element) or None)
            employes.setdefault(str(nom_liste), _ligne(nom_liste, ligne_element))
            corps.append(_BlocModele("liste", champ_liste=str(nom_liste), condition=si))
        elif genre == "elements":
            valeurs = element["elements"]
            if not isinstance(valeurs, list) or not valeurs:
                raise lieu.erreur("« elements » est une liste de textes.", ligne=ligne_element or None)
            corps.append(_BlocModele("liste", elements=tuple(gabarit(v, "un élément", ligne_element)
                                                             for v in valeurs), condition=si))
        else:
            corps.append(_BlocModele("paragraphe" if genre == "texte" else "titre",
                                     gabarit=gabarit(element[genre], f"« {genre} »", ligne_element), condition=si))

    signature_brute = donnees.get("signature") or []
    if isinstance(signature_brute, str):
        signature_brute = [signature_brute]
    signature = tuple(gabarit(l, "chaque ligne de la signature") for l in signature_brute)
    titre = donnees.get("titre")
    if not isinstance(titre, str) or not titre.strip():
        raise lieu.erreur("donnez au modèle un « titre » (ce que l'écran montre pour le choisir).")
    return Modele(nom=nom, titre=str(titre), description=str(donnees.get("description") or ""), champs=champs,
                  lieu=lieu, _entete=entete, _corps=tuple(corps), _signature=signature, _employes=employes)


_cache: dict[Path, tuple[tuple[int, int], Modele]] = {}
_verrou = threading.Lock()


def charger(nom: str, dossier: Path | None = None) -> Modele:
    """Le modèle ``<dossier>/<nom>.yaml`` (par défaut ``resources/modeles``), vérifié ; relu s'il a changé."""
    fichier = Path(dossier or DOSSIER) / f"{nom}.yaml"
    lieu = Lieu(nom, fichier)
    try:
        etat = fichier.stat()
    except FileNotFoundError:
        raise lieu.erreur("ce fichier de modèle n'existe pas.") from None
    signature = (etat.st_mtime_ns, etat.st_size)
    with _verrou:
        deja = _cache.get(fichier)
        if deja is not None and deja[0] == signature:
            return deja[1]
    try:
        with open(fichier, encoding="utf-8") as flux:
            donnees = yaml.load(flux, Loader=_Lecteur)  # noqa: S506 — SafeLoader, qui situe les chaînes
    except yaml.YAMLError as erreur:
        marque = getattr(erreur, "problem_mark", None)
        raise lieu.erreur(f"le fichier n'est pas un YAML valide ({getattr(erreur, 'problem', erreur)}).",
                          ligne=marque.line + 1 if marque else None, detail=str(erreur)) from erreur
    except UnicodeDecodeError as erreur:
        raise lieu.erreur("le fichier doit être enregistré en UTF-8.", detail=str(erreur)) from erreur
    modele = depuis_donnees(donnees, nom=nom, fichier=fichier)
    with _verrou:
        _cache[fichier] = (signature, modele)
    return modele


def lister(dossier: Path | None = None, prefixe: str = "") -> list[Modele]:
    """Les modèles du dossier dont le nom commence par ``prefixe``, triés par nom (``_*.yaml`` : des réglages,
    pas des modèles)."""
    fichiers = sorted(Path(dossier or DOSSIER).glob(f"{prefixe}*.yaml"))
    return [charger(f.stem, dossier) for f in fichiers if not f.name.startswith("_")]


def rendre(nom: str, valeurs: Mapping[str, object], dossier: Path | None = None) -> Rendu:
    return charger(nom, dossier).rendre(valeurs)


def ligne_gras(texte: str) -> Sequence[tuple[str, bool]]:
    """Découpe « avant **gras** après » en morceaux (texte, gras ?) pour un rendu PDF ou DOCX."""
    morceaux: list[tuple[str, bool]] = []
    for i, morceau in enumerate(texte.split("**")):
        if morceau:
            morceaux.append((morceau, i % 2 == 1))
    return morceaux
