"""La bibliothèque des clauses des actes : ``resources/conventions/clauses.yaml`` lu et vérifié une fois.

Chaque texte est compilé par les briques de ``rapports/publipostage.py`` (champs déclarés et typés, message qui
nomme la ligne) : en-têtes des actes, préambules, parties, articles (et leurs variantes par genre d'acte),
articles des avenants, annexes. ``bibliotheque()`` la garde en mémoire et la relit si le fichier a changé.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from instruction.chemins import RESSOURCES
from instruction.domaine import conventions
from instruction.domaine.conventions import ATTRIBUANT, BENEFICIAIRE
from instruction.rapports.publipostage_champs import Champ, declarer_champs
from instruction.rapports.publipostage_gabarits import Gabarit, compiler
from instruction.rapports.publipostage_sources import LecteurSitue, Lieu, TexteSitue, ligne_de, proche

FICHIER_CLAUSES = RESSOURCES / "conventions" / "clauses.yaml"
GENRES = ("convention", "cpo", "notification", "avenant")


@dataclass(frozen=True)
class BlocClause:
    genre: str  # texte, liste, liste_champ, tableau, intertitre, clauses
    gabarit: Gabarit | None = None
    elements: tuple[Gabarit, ...] = ()
    nom: str = ""
    condition: Gabarit | None = None


@dataclass(frozen=True)
class Clause:
    code: str
    titres: Mapping[str, Gabarit]  # genre d'acte (ou « * ») → titre
    blocs: Mapping[str, tuple[BlocClause, ...]]  # genre d'acte (ou « * ») → blocs
    actes: frozenset[str]
    termes: frozenset[str]
    source: str
    repeter: str = ""

    def titre(self, genre: str) -> Gabarit:
        return self.titres.get(genre) or self.titres["*"]

    def blocs_pour(self, genre: str) -> tuple[BlocClause, ...]:
        return self.blocs.get(genre) or self.blocs["*"]


@dataclass(frozen=True)
class EnteteActe:
    titre: Gabarit
    sous_titres: tuple[Gabarit, ...]
    reference: Gabarit
    source: str


@dataclass(frozen=True)
class Bibliotheque:
    fichier: Path
    lieu: Lieu
    champs: Mapping[str, Champ]
    ville: str
    exemplaires_en_plus: int
    appellations: Mapping[str, str]
    appellation_par_defaut: str
    entetes: Mapping[str, EnteteActe]
    preambules: Mapping[str, tuple[BlocClause, ...]]
    parties: Mapping[str, tuple[Gabarit, Gabarit]]
    fait_a: Gabarit
    fait_a_notification: Gabarit
    pied: Gabarit
    articles: tuple[Clause, ...]
    articles_avenant: tuple[Clause, ...]
    annexes: tuple[Clause, ...]

    def articles_de(self, genre: str) -> list[Clause]:
        return [c for c in self.articles if genre in c.actes]


_TABLEAUX = {"montant", "montants_cpo", "echeancier", "comptes_rendus", "fiche", "charges", "financements",
             "objectifs"}
_CLAUSES = {"modifiees", "toutes"}


def _source(s: Any) -> str:
    if not isinstance(s, Mapping):
        return " ".join(str(s or "").split())
    texte = " ".join(str(s.get("texte", "")).split())
    lignes = s.get("lignes") or ()
    return f"{texte} (contrat de ville, l. {', '.join(str(x) for x in lignes)})" if lignes else texte


class _Lecture:
    """Compile les textes d'un fichier de clauses avec ses champs ; chaque erreur nomme la ligne."""

    def __init__(self, champs: Mapping[str, Champ], lieu: Lieu) -> None:
        self.champs, self.lieu = champs, lieu

    def gabarit(self, source: Any, ou: str, ligne: int = 0) -> Gabarit:
        if not isinstance(source, str):
            raise self.lieu.erreur(f"{ou} doit être un texte.", ligne=ligne_de(source, ligne) or None)
        return compiler(source, self.champs, self.lieu, ligne=ligne_de(source, ligne) or 1)

    def condition(self, source: Any, ligne: int) -> Gabarit:
        if not isinstance(source, str) or not source.strip():
            raise self.lieu.erreur("« si » attend une condition, par exemple « cpo ».", ligne=ligne or None)
        expression = TexteSitue("{% if " + source + " %}1{% endif %}")
        expression.ligne = ligne_de(source, ligne)
        return self.gabarit(expression, "la condition « si »", ligne)

    def blocs(self, valeur: Any, ou: str) -> tuple[BlocClause, ...]:
        if not isinstance(valeur, list) or not valeur:
            raise self.lieu.erreur(f"{ou} : « blocs » est une liste de textes ou de tables.")
        sortie: list[BlocClause] = []
        for element in _aplatir(valeur):
            if isinstance(element, str):
                sortie.append(BlocClause("texte", gabarit=self.gabarit(element, f"{ou}, un paragraphe")))
                continue
            if not isinstance(element, Mapping):
                raise self.lieu.erreur(f"{ou} : chaque bloc est un texte ou une table (texte, liste, tableau, "
                                       "intertitre, clauses, si).")
            ligne = min((ligne_de(c, 0) for c in element), default=0)
            genres = [g for g in ("texte", "liste", "tableau", "intertitre", "clauses") if g in element]
            inconnues = set(element) - {"texte", "liste", "tableau", "intertitre", "clauses", "si"}
            if inconnues or len(genres) != 1:
                raise self.lieu.erreur(f"{ou} : un bloc a exactement une clé parmi « texte », « liste », "
                                       "« tableau », « intertitre », « clauses », et éventuellement « si ».",
                                       ligne=ligne or None)
            si = self.condition(element["si"], ligne) if "si" in element else None
            genre, valeur_bloc = genres[0], element[genres[0]]
            if genre == "liste" and isinstance(valeur_bloc, list):
                sortie.append(BlocClause("liste", elements=tuple(self.gabarit(v, f"{ou}, un élément", ligne)
                                                            for v in valeur_bloc), condition=si))
            elif genre == "liste":
                champ = self.champs.get(str(valeur_bloc))
                if champ is None or champ.type != "liste":
                    raise self.lieu.erreur(f"{ou} : « liste: {valeur_bloc} » doit nommer un champ de type liste"
                                           f"{proche(str(valeur_bloc), self.champs)}.", champ=str(valeur_bloc),
                                           ligne=ligne_de(valeur_bloc, ligne) or None)
                sortie.append(BlocClause("liste_champ", nom=str(valeur_bloc), condition=si))
            elif genre in ("tableau", "clauses"):
                permis = _TABLEAUX if genre == "tableau" else _CLAUSES
                if valeur_bloc not in permis:
                    raise self.lieu.erreur(f"{ou} : « {genre}: {valeur_bloc} » est inconnu (possibles : "
                                           f"{', '.join(sorted(permis))}).", ligne=ligne_de(valeur_bloc, ligne) or None)
                sortie.append(BlocClause(genre, nom=str(valeur_bloc), condition=si))
            else:
                sortie.append(BlocClause(genre, gabarit=self.gabarit(valeur_bloc, f"{ou}, « {genre} »", ligne),
                                    condition=si))
        return tuple(sortie)

    def clause(self, donnees: Any, *, avenant: bool = False) -> Clause:
        if not isinstance(donnees, Mapping) or "code" not in donnees or "titre" not in donnees:
            raise self.lieu.erreur("chaque article a un « code », un « titre » et des « blocs ».")
        code = str(donnees["code"])
        ou = f"l'article « {code} »"
        actes = frozenset(donnees.get("actes") or (["avenant"] if avenant else []))
        inconnus = actes - set(GENRES)
        if inconnus:
            raise self.lieu.erreur(f"{ou} : actes inconnus {', '.join(sorted(inconnus))} (possibles : "
                                   f"{', '.join(GENRES)}).", ligne=ligne_de(code) or None)
        termes = frozenset(donnees.get("termes") or ())
        if termes - set(conventions.CHAMPS):
            raise self.lieu.erreur(f"{ou} : termes inconnus {', '.join(sorted(termes - set(conventions.CHAMPS)))} "
                                   f"(possibles : {', '.join(conventions.CHAMPS)}).", ligne=ligne_de(code) or None)
        titres = {"*": self.gabarit(donnees["titre"], f"{ou}, son titre", ligne_de(code))}
        blocs = {"*": self.blocs(donnees.get("blocs"), ou)}
        for genre, variante in (donnees.get("variantes") or {}).items():
            if genre not in actes:
                raise self.lieu.erreur(f"{ou} : une variante pour « {genre} », acte qui ne porte pas cet article.",
                                       ligne=ligne_de(genre) or None)
            if "titre" in variante:
                titres[genre] = self.gabarit(variante["titre"], f"{ou}, titre de la variante {genre}", ligne_de(genre))
            if "blocs" in variante:
                blocs[genre] = self.blocs(variante["blocs"], f"{ou}, variante {genre}")
        return Clause(code, titres, blocs, actes, termes, _source(donnees.get("source")),
                      str(donnees.get("repeter") or ""))


def _aplatir(valeurs: list) -> list:
    """Une ancre YAML (« - *preambule ») insère une liste dans la liste : on la déplie."""
    sortie: list = []
    for v in valeurs:
        sortie.extend(_aplatir(v) if isinstance(v, list) else [v])
    return sortie


def lire_bibliotheque(fichier: Path = FICHIER_CLAUSES) -> Bibliotheque:
    fichier = Path(fichier)
    lieu = Lieu("clauses des conventions", fichier)
    try:
        with open(fichier, encoding="utf-8") as flux:
            d = yaml.load(flux, Loader=LecteurSitue)  # noqa: S506 — SafeLoader qui situe les chaînes
    except FileNotFoundError:
        raise lieu.erreur("le fichier des clauses n'existe pas.") from None
    except yaml.YAMLError as erreur:
        marque = getattr(erreur, "problem_mark", None)
        raise lieu.erreur(f"le fichier n'est pas un YAML valide ({getattr(erreur, 'problem', erreur)}).",
                          ligne=marque.line + 1 if marque else None, detail=str(erreur)) from erreur
    if not isinstance(d, Mapping):
        raise lieu.erreur("le fichier doit contenir une table (champs, actes, articles…).")
    champs = declarer_champs(d.get("champs"), lieu)
    lecture = _Lecture(champs, lieu)
    try:
        entetes = {
            genre: EnteteActe(lecture.gabarit(e["titre"], f"le titre de l'acte {genre}"),
                              tuple(lecture.gabarit(s, f"un sous-titre de l'acte {genre}") for s in e.get("sous_titres") or ()),
                              lecture.gabarit(e["reference"], f"la référence de l'acte {genre}"), _source(e.get("source")))
            for genre, e in d["actes"].items()
        }
        manquants = set(GENRES) - set(entetes)
        if manquants:
            raise lieu.erreur(f"« actes » doit décrire : {', '.join(sorted(manquants))}.")
        preambules = {g: lecture.blocs(b, f"le préambule de l'acte {g}") for g, b in (d.get("preambules") or {}).items()}
        parties = {role: (lecture.gabarit(p["texte"], f"la partie {role}"),
                          lecture.gabarit(p["designation"], f"l'appellation de la partie {role}"))
                   for role, p in d["parties"].items()}
        articles = tuple(lecture.clause(a) for a in d["articles"])
        articles_avenant = tuple(lecture.clause(a, avenant=True) for a in d["articles_avenant"])
        annexes = tuple(lecture.clause(a) for a in d["annexes"])
        bibliotheque = Bibliotheque(
            fichier=fichier, lieu=lieu, champs=champs, ville=str(d.get("lieu") or "Calais"),
            exemplaires_en_plus=int(d.get("exemplaires_en_plus") or 0),
            appellations={str(k): str(v) for k, v in (d.get("appellations") or {}).items()},
            appellation_par_defaut=str(d.get("appellation_par_defaut") or "l'attribuant"),
            entetes=entetes, preambules=preambules, parties=parties,
            fait_a=lecture.gabarit(d["fait_a"], "« fait_a »"),
            fait_a_notification=lecture.gabarit(d["fait_a_notification"], "« fait_a_notification »"),
            pied=lecture.gabarit(d["pied"], "« pied »"),
            articles=articles, articles_avenant=articles_avenant, annexes=annexes,
        )
    except KeyError as erreur:
        raise lieu.erreur(f"la section « {erreur.args[0]} » manque.") from None
    codes = [a.code for a in articles]
    doubles = sorted({c for c in codes if codes.count(c) > 1})
    if doubles:
        raise lieu.erreur(f"codes d'article en double : {', '.join(doubles)}.")
    if set(parties) != {ATTRIBUANT, BENEFICIAIRE}:
        raise lieu.erreur(f"« parties » décrit « {ATTRIBUANT} » et « {BENEFICIAIRE} ».")
    return bibliotheque


_cache: dict[Path, tuple[tuple[int, int], Bibliotheque]] = {}
_verrou = threading.Lock()


def bibliotheque(fichier: Path = FICHIER_CLAUSES) -> Bibliotheque:
    """La bibliothèque, vérifiée ; relue si le fichier a changé (une clause reformulée s'applique aussitôt)."""
    fichier = Path(fichier)
    try:
        etat = fichier.stat()
    except FileNotFoundError:
        raise Lieu("clauses des conventions", fichier).erreur("le fichier des clauses n'existe pas.") from None
    signature = (etat.st_mtime_ns, etat.st_size)
    with _verrou:
        deja = _cache.get(fichier)
        if deja is not None and deja[0] == signature:
            return deja[1]
    lue = lire_bibliotheque(fichier)
    with _verrou:
        _cache[fichier] = (signature, lue)
    return lue
