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
Ce module charge, vérifie et rend les modèles ; ses briques ont leurs modules : ``publipostage_sources``
(``ErreurModele``, ``Lieu``, YAML lu avec ses lignes), ``publipostage_champs`` (types, ``formater``,
``declarer_champs``, ``preparer``) et ``publipostage_gabarits`` (``compiler``, ``Gabarit``, bac à sable). Elles
servent aussi aux documents qui ont leur propre structure de données (bibliothèque de clauses, relances).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from instruction.chemins import RESSOURCES
from instruction.rapports.publipostage_champs import Champ, declarer_champs, preparer
from instruction.rapports.publipostage_gabarits import Gabarit, compiler, premiere_ligne, une_ligne
from instruction.rapports.publipostage_sources import LecteurSitue, Lieu, TexteSitue, ligne_de, proche

DOSSIER = RESSOURCES / "modeles"


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
                lignes = (une_ligne(l) for g in gabarit for l in g.rendre(prepares, lieu).splitlines())
                entete[nom] = tuple(l for l in lignes if l)
            else:
                entete[nom] = une_ligne(gabarit.rendre(prepares, lieu))
        blocs: list[Bloc] = []
        for bloc in self._corps:
            if bloc.condition is not None and not bloc.condition.rendre(prepares, lieu).strip():
                continue
            if bloc.genre == "liste":
                if bloc.champ_liste is not None:
                    elements = tuple(str(e) for e in prepares[bloc.champ_liste])
                else:
                    elements = tuple(une_ligne(g.rendre(prepares, lieu)) for g in bloc.elements)
                elements = tuple(e for e in elements if e)
                if elements:
                    blocs.append(Bloc("liste", elements=elements))
                continue
            texte = une_ligne(bloc.gabarit.rendre(prepares, lieu))
            if texte:
                blocs.append(Bloc(bloc.genre, texte=texte))
        signature = tuple(l for l in (une_ligne(g.rendre(prepares, lieu)) for g in self._signature) if l)
        return Rendu(modele=self.nom, titre=self.titre, entete=entete, blocs=tuple(blocs), signature=signature)



_CLES = {"titre", "description", "champs", "entete", "corps", "signature"}


def depuis_donnees(donnees: Mapping[str, Any], *, nom: str, fichier: Path | None = None) -> Modele:
    """Construit et vérifie un modèle à partir de son contenu (lu d'un YAML ou écrit par un test)."""
    lieu = Lieu(nom, fichier)
    if not isinstance(donnees, Mapping):
        raise lieu.erreur("le fichier doit contenir une table (titre, champs, entete, corps, signature).")
    inconnues = set(donnees) - _CLES
    if inconnues:
        raise lieu.erreur(f"clés inconnues : {', '.join(sorted(map(str, inconnues)))} (permises : "
                          f"{', '.join(sorted(_CLES))}).", ligne=min(ligne_de(c, 0) for c in inconnues) or None)
    champs = declarer_champs(donnees.get("champs"), lieu)
    employes: dict[str, int] = {}

    def gabarit(source: object, ou: str, ligne_parent: int = 0) -> Gabarit:
        if not isinstance(source, str):
            raise lieu.erreur(f"{ou} doit être un texte.", ligne=ligne_de(source, ligne_parent) or None)
        g = compiler(source, champs, lieu, ligne=ligne_de(source, ligne_parent) or 1)
        for nom_champ in g.champs:
            employes.setdefault(nom_champ, g.ligne + premiere_ligne(g.source, nom_champ) - 1)
        return g

    def condition(source: object, ligne_parent: int) -> Gabarit:
        if not isinstance(source, str) or not source.strip():
            raise lieu.erreur("« si » attend une condition, par exemple « decision == 'refus' ».",
                              ligne=ligne_parent or None)
        expression = TexteSitue("{% if " + source + " %}1{% endif %}")
        expression.ligne = ligne_de(source, ligne_parent)
        return gabarit(expression, "la condition « si »", ligne_parent)

    entete: dict[str, Gabarit | tuple[Gabarit, ...]] = {}
    for cle, valeur in (donnees.get("entete") or {}).items():
        if isinstance(valeur, list):
            entete[str(cle)] = tuple(gabarit(v, f"chaque ligne de « {cle} »", ligne_de(cle)) for v in valeur)
        else:
            entete[str(cle)] = gabarit(valeur, f"l'en-tête « {cle} »", ligne_de(cle))

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
        ligne_element = min((ligne_de(c, 0) for c in element), default=0)
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
                                  f"{proche(str(nom_liste), champs)}.", champ=str(nom_liste),
                                  ligne=ligne_de(nom_liste, ligne_element) or None)
            employes.setdefault(str(nom_liste), ligne_de(nom_liste, ligne_element))
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
            donnees = yaml.load(flux, Loader=LecteurSitue)  # noqa: S506 — SafeLoader, qui situe les chaînes
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
