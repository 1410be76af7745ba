"""Importer un export de la plateforme (Dauphin) ou un tableau des partenaires : règles pures.

Le chemin d'un import, chaque étape une fonction sans base de données :

1. ``charger_alias`` : les titres de colonnes connus, les noms des cofinanceurs, quartiers, dispositifs,
   types de structure et statuts de la plateforme (``resources/import/alias.yaml``, des données qu'on
   complète quand un export change ses titres), enrichis du référentiel de la base ;
2. ``proposer`` : la correspondance colonne → champ proposée pour les en-têtes du fichier (l'utilisateur la
   corrige et l'enregistre sous un nom) ;
3. ``lire_lignes`` : chaque ligne validée, une erreur en français par cellule fautive (SIRET invalide,
   montant qui n'est pas un nombre, cofinanceur ou quartier inconnu, date dans le futur…) ;
4. ``grouper`` : les lignes regroupées par dossier (code de la plateforme + exercice) ; le plan de
   financement se lit sous les deux formes (une colonne par cofinanceur, ou une ligne par dossier et
   cofinanceur) ; la même ligne de cofinanceur deux fois avec deux montants différents est une erreur ;
5. ``planifier`` : ce que l'import ferait, comparé à la base (``Existant``) : dossiers créés, mis à jour
   (seuls les champs changés dans l'export), inchangés, et **conflits** — un champ modifié dans
   l'application depuis le dernier import et changé aussi dans l'export : la valeur locale est gardée et le
   conflit montré. Les porteurs sont reconnus par SIRET (nettoyé : espaces, zéros de tête perdus, nombre à
   virgule d'un tableur), puis RNA ; sinon un nom ressemblant est **proposé**, jamais fusionné sans
   confirmation.

Les valeurs comparées sont des formes simples (textes, dates ISO, listes triées, montants en texte) : ce
qui a été importé la dernière fois est gardé sous cette forme avec chaque dossier.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from instruction.domaine import argent, dates
from instruction.domaine.erreurs import DonneesInvalides, ReferentielInvalide
from instruction.domaine.texte import pour_recherche
from instruction.domaine.validation import LONGUEUR_TITRE, Verificateur

IGNORER = "ignorer"
SEUIL_RESSEMBLANCE = 0.85  # deux noms de porteur au moins aussi proches sont proposés comme le même porteur
CHAMPS_COMPARES = ("intitule", "resume", "description", "depose_le", "date_debut", "date_fin", "beneficiaires",
                   "quartiers", "objectifs", "financement", "porteur")
LIBELLES_COMPARES = {
    "intitule": "Intitulé de l'action", "resume": "Résumé", "description": "Description", "depose_le": "Déposé le",
    "date_debut": "Date de début", "date_fin": "Date de fin", "beneficiaires": "Bénéficiaires prévus",
    "quartiers": "Quartiers", "objectifs": "Objectifs opérationnels", "financement": "Montants demandés (compte 74)",
    "porteur": "Porteur",
}
# Les champs propres au dossier : deux lignes d'un même dossier doivent les dire pareil.
_CHAMPS_DOSSIER = ("dispositif", "intitule", "resume", "description", "siret", "rna", "porteur", "type_porteur",
                   "statut", "depose_le", "date_debut", "date_fin", "beneficiaires", "quartiers", "objectifs",
                   "cout_total")
_SEPARATEURS_LISTE = re.compile(r"[,;/|\n]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normaliser(texte: object) -> str:
    """« Action de demande – Code dossier » → « action de demande code dossier »."""
    return _NON_ALNUM.sub(" ", pour_recherche(str(texte or ""))).strip()


# --- Les alias -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referentiel:
    """Ce que la base connaît : noms des cofinanceurs, quartiers et dispositifs (code → noms), objectifs."""

    financeurs: Mapping[str, tuple[str, ...]]
    quartiers: Mapping[str, tuple[str, ...]]
    dispositifs: Mapping[str, tuple[str, ...]]
    objectifs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Alias:
    libelles: dict[str, str]  # champ → libellé (« demande:etat-pv » compris)
    entetes: dict[str, str]  # titre normalisé → champ
    financeurs: dict[str, str]  # nom normalisé → code
    quartiers: dict[str, str]
    dispositifs: dict[str, str]
    types_porteur: dict[str, str]
    statuts: dict[str, str]  # libellé normalisé → état (ou « ignorer »)
    objectifs: frozenset[str]
    noms_financeurs: dict[str, str] = field(default_factory=dict)  # code → nom court

    def libelle(self, champ: str | None) -> str:
        return self.libelles.get(champ or "", "(ne pas importer)")

    def champs(self) -> list[tuple[str, str]]:
        """Les champs qu'une colonne peut alimenter, dans l'ordre des libellés de l'assistant."""
        return list(self.libelles.items())


def chemin_alias() -> Path:
    from instruction.chemins import RESSOURCES

    return RESSOURCES / "import" / "alias.yaml"


def charger_alias(referentiel: Referentiel, chemin: Path | None = None) -> Alias:
    import yaml

    chemin = chemin or chemin_alias()
    try:
        donnees = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as erreur:
        raise ReferentielInvalide(f"Le fichier des correspondances d'import ({chemin.name}) est illisible.",
                                  str(erreur)) from None
    return construire_alias(donnees, referentiel)


def _table(nom: str, listes: Mapping[str, Iterable[str]], noms_base: Mapping[str, Iterable[str]] = {}) -> dict:
    table: dict[str, str] = {}
    for code in {*listes, *noms_base}:
        for alias in [code, *noms_base.get(code, ()), *(listes.get(code) or ())]:
            cle = normaliser(alias)
            if not cle:
                continue
            if table.get(cle, code) != code:
                raise ReferentielInvalide(f"Correspondances d'import ({nom}) : « {alias} » désigne à la fois "
                                          f"« {table[cle]} » et « {code} ».")
            table[cle] = code
    return table


def construire_alias(donnees: Mapping[str, Any], referentiel: Referentiel) -> Alias:
    financeurs = _table("cofinanceurs", donnees.get("financeurs") or {}, referentiel.financeurs)
    inconnus = {c for c in (donnees.get("financeurs") or {}) if c not in referentiel.financeurs}
    if inconnus:
        raise ReferentielInvalide(f"Correspondances d'import : cofinanceurs inconnus du référentiel {sorted(inconnus)}.")
    libelles: dict[str, str] = {}
    entetes: dict[str, str] = {}

    def ajouter(champ: str, titre: str) -> None:
        cle = normaliser(titre)
        if cle and entetes.get(cle, champ) != champ:
            raise ReferentielInvalide(f"Correspondances d'import : la colonne « {titre} » désigne à la fois "
                                      f"« {entetes[cle]} » et « {champ} ».")
        entetes[cle] = champ

    for champ, declaration in (donnees.get("champs") or {}).items():
        libelles[champ] = declaration["libelle"]
        ajouter(champ, declaration["libelle"])
        for titre in declaration.get("alias") or ():
            ajouter(champ, titre)
    noms_financeurs = {code: (noms[1] if len(noms) > 1 and noms[1] else noms[0]) if noms else code
                       for code, noms in referentiel.financeurs.items()}
    gabarits = donnees.get("colonnes_par_financeur") or {}
    for genre, titre_genre in (("demande", "Montant demandé"), ("vote", "Montant voté")):
        for code in referentiel.financeurs:
            champ = f"{genre}:{code}"
            libelles[champ] = f"{titre_genre} — {noms_financeurs[code]}"
            noms = {n for n, c in financeurs.items() if c == code}
            for gabarit in gabarits.get(genre) or ():
                for nom in noms:
                    ajouter(champ, gabarit.replace("{financeur}", nom))
    return Alias(
        libelles=libelles,
        entetes=entetes,
        financeurs=financeurs,
        quartiers=_table("quartiers", donnees.get("quartiers") or {}, referentiel.quartiers),
        dispositifs=_table("dispositifs", donnees.get("dispositifs") or {}, referentiel.dispositifs),
        types_porteur=_table("types de structure", donnees.get("types_porteur") or {}),
        statuts=_table("statuts", donnees.get("statuts") or {}),
        objectifs=frozenset(referentiel.objectifs),
        noms_financeurs=noms_financeurs,
    )


# --- La correspondance des colonnes ---------------------------------------------------------------------


def proposer(entetes: Iterable[str], alias: Alias) -> dict[str, str | None]:
    """Colonne → champ reconnu par ses alias (un champ ne sert qu'une colonne : la première)."""
    pris: set[str] = set()
    correspondance: dict[str, str | None] = {}
    for titre in entetes:
        champ = alias.entetes.get(normaliser(titre))
        if champ in pris:
            champ = None
        correspondance[titre] = champ
        if champ:
            pris.add(champ)
    return correspondance


def verifier_correspondance(correspondance: Mapping[str, str | None], alias: Alias, *,
                            exercice: int | None = None, dispositif: str | None = None) -> None:
    """Refuse une correspondance inutilisable, avec ce qu'il faut choisir."""
    champs = [c for c in correspondance.values() if c]
    doubles = sorted({alias.libelle(c) for c in champs if champs.count(c) > 1})
    if doubles:
        raise DonneesInvalides(f"Plusieurs colonnes alimentent le même champ : {', '.join(doubles)}. "
                               "Choisissez « (ne pas importer) » pour l'une d'elles.")
    inconnus = sorted({c for c in champs if c not in alias.libelles})
    if inconnus:
        raise DonneesInvalides(f"Champs inconnus dans la correspondance : {', '.join(inconnus)}.")
    manque = [alias.libelle(c) for c in ("code", "intitule") if c not in champs]
    if "exercice" not in champs and exercice is None:
        manque.append("Exercice (une colonne, ou l'exercice de tout le fichier)")
    if "dispositif" not in champs and dispositif is None:
        manque.append("Dispositif (une colonne, ou le dispositif de tout le fichier)")
    if not any(c in champs for c in ("siret", "rna", "porteur")):
        manque.append("le porteur (SIRET, RNA ou nom)")
    if manque:
        raise DonneesInvalides("Il manque à la correspondance : " + " ; ".join(manque) + ".")
    par_ligne = any(c in champs for c in ("financeur", "demande", "vote"))
    par_colonne = any(c.startswith(("demande:", "vote:")) for c in champs)
    if par_ligne and par_colonne:
        raise DonneesInvalides("Le plan de financement se lit soit avec une colonne par cofinanceur, soit avec une "
                               "ligne par cofinanceur (colonnes Cofinanceur et Montant) : pas les deux à la fois.")
    if par_ligne and "financeur" not in champs:
        raise DonneesInvalides("Les colonnes de montant par ligne demandent aussi la colonne du cofinanceur.")


# --- Les lignes ------------------------------------------------------------------------------------------


@dataclass
class LigneLue:
    rang: int  # rang dans le tableau (0 : première ligne de données)
    numero: int  # numéro de la ligne dans le tableur
    valeurs: dict[str, Any]
    erreurs: dict[str, str]  # titre de la colonne → message
    source: dict[str, str]  # titre de la colonne → valeur lue, en texte
    ignoree: str | None = None  # pourquoi la ligne n'est pas importée (statut « brouillon »…)


def en_texte(valeur: object) -> str:
    """La valeur d'une cellule telle qu'on la montre (et qu'on la garde dans la ligne source)."""
    if valeur is None:
        return ""
    if isinstance(valeur, float):
        if valeur.is_integer():
            return str(int(valeur))
        return repr(valeur)
    if isinstance(valeur, dt.datetime):
        if valeur.time() == dt.time(0, 0):
            return dates.formater(valeur.date())
        return valeur.strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, dt.date):
        return dates.formater(valeur)
    return str(valeur).strip()


def nettoyer_siret(valeur: object) -> str:
    """« 732 829 320 00074 », 73282932000074.0 (un tableur), « 8 291 230 000 12 » sans son zéro de tête…"""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    texte = re.sub(r"[\s.\-\u00a0\u202f]", "", str(valeur or ""))
    if texte.endswith(",0"):
        texte = texte[:-2]
    if texte.isdigit() and 9 < len(texte) < 14:
        texte = texte.zfill(14)  # un tableur a mangé les zéros de tête
    return texte


def nettoyer_code(valeur: object) -> str:
    """Le code d'un dossier sur la plateforme ; un code tout en chiffres a 8 chiffres (Dauphin), qu'il vienne
    d'un texte ou d'un nombre (« 12345 » et 12345.0 désignent le même dossier « 00012345 »)."""
    texte = en_texte(valeur).strip().upper()
    if texte.isdigit() and len(texte) < 8:
        texte = texte.zfill(8)
    return texte


def _montant(valeur: object, libelle: str) -> Decimal:
    if isinstance(valeur, bool):
        raise DonneesInvalides(f"{libelle} : « {valeur} » n'est pas un montant.")
    if isinstance(valeur, int):
        return argent.euros(valeur)
    if isinstance(valeur, float):
        centimes = round(valeur * 100)
        if abs(valeur * 100 - centimes) > 1e-6 or valeur != valeur:
            raise DonneesInvalides(f"{libelle} : {valeur!r} a des fractions de centime.")
        if valeur < 0:
            raise DonneesInvalides(f"{libelle} : un montant ne peut pas être négatif.")
        return argent.depuis_centimes(centimes)
    try:
        return argent.lire(en_texte(valeur))
    except DonneesInvalides as erreur:
        raise DonneesInvalides(f"{libelle} : {erreur.message}") from None


def _date(valeur: object, libelle: str) -> dt.date:
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    texte = en_texte(valeur)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}( .*)?", texte):
        try:
            return dt.date.fromisoformat(texte[:10])
        except ValueError:
            pass
    try:
        return dates.lire(texte.split(" ")[0])
    except DonneesInvalides:
        raise DonneesInvalides(f"{libelle} : « {texte} » n'est pas une date (jj/mm/aaaa).") from None


def _entier(valeur: object, libelle: str, minimum: int = 0, maximum: int = 10_000_000) -> int:
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    texte = en_texte(valeur).replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not re.fullmatch(r"-?\d+", texte):
        raise DonneesInvalides(f"{libelle} : « {texte} » n'est pas un nombre entier.")
    nombre = int(texte)
    if not minimum <= nombre <= maximum:
        raise DonneesInvalides(f"{libelle} : {nombre} n'est pas entre {minimum} et {maximum}.")
    return nombre


def _liste(valeur: object) -> list[str]:
    return [p.strip() for p in _SEPARATEURS_LISTE.split(en_texte(valeur)) if p.strip()]


def _choix(table: Mapping[str, str], valeur: object, libelle: str, genre: str) -> str:
    texte = en_texte(valeur)
    code = table.get(normaliser(texte))
    if code is None:
        raise DonneesInvalides(f"{libelle} : « {texte} » est {genre} (ajoutez ce nom aux correspondances "
                               "d'import, resources/import/alias.yaml).")
    return code


def lire_lignes(entetes: list[str], lignes: list[list[Any]], correspondance: Mapping[str, str | None],
                alias: Alias, *, aujourd_hui: dt.date, premiere_ligne: int = 2, exercice: int | None = None,
                dispositif: str | None = None) -> list[LigneLue]:
    """Chaque ligne du tableau validée champ par champ ; les erreurs sont rangées sous le titre de la colonne."""
    colonnes = [(i, titre, correspondance.get(titre)) for i, titre in enumerate(entetes)]
    utiles = [(i, t, c) for i, t, c in colonnes if c]
    resultat = []
    for rang, ligne in enumerate(lignes):
        valeurs: dict[str, Any] = {}
        erreurs: dict[str, str] = {}
        source = {titre: en_texte(ligne[i]) for i, titre, _c in colonnes if i < len(ligne) and ligne[i] not in ("", None)}
        for i, titre, champ in utiles:
            brut = ligne[i] if i < len(ligne) else None
            if brut in ("", None) or (isinstance(brut, str) and not brut.strip()):
                continue
            try:
                valeurs[champ] = _valeur(champ, brut, alias, aujourd_hui)
            except DonneesInvalides as erreur:
                erreurs[titre] = erreur.message
        if "exercice" not in valeurs and exercice is not None:
            valeurs["exercice"] = exercice
        if "dispositif" not in valeurs and dispositif is not None:
            valeurs["dispositif"] = dispositif
        _controles_de_ligne(valeurs, erreurs, {c: t for _i, t, c in utiles})
        ignoree = "statut « ignorer » sur la plateforme" if valeurs.get("statut", (None, None))[1] == IGNORER else None
        if ignoree:
            ignoree = f"statut « {valeurs['statut'][0]} » : pas un dossier transmis"
        resultat.append(LigneLue(rang, premiere_ligne + rang, valeurs, erreurs, source, ignoree))
    return resultat


def _valeur(champ: str, brut: object, alias: Alias, aujourd_hui: dt.date) -> Any:
    libelle = alias.libelle(champ)
    if champ == "code":
        code = nettoyer_code(brut)
        if len(code) > 60:
            raise DonneesInvalides(f"{libelle} : plus de 60 caractères.")
        return code
    if champ == "exercice":
        if isinstance(brut, dt.date):
            return brut.year
        return _entier(brut, libelle, 2000, 2100)
    if champ == "dispositif":
        return _choix(alias.dispositifs, brut, libelle, "un dispositif inconnu")
    if champ in ("intitule", "resume", "description", "porteur"):
        texte = en_texte(brut)
        v = Verificateur()
        maximum = {"intitule": LONGUEUR_TITRE, "resume": 2_000, "porteur": 300}.get(champ)
        propre = v.texte(champ, texte, libelle, maximum=maximum)
        if not v.valide:
            raise DonneesInvalides(v.par_champ()[champ])
        return propre
    if champ == "siret":
        v = Verificateur()
        propre = v.siret(champ, nettoyer_siret(brut))
        if not v.valide:
            raise DonneesInvalides(v.par_champ()[champ])
        return propre
    if champ == "rna":
        v = Verificateur()
        propre = v.rna(champ, en_texte(brut))
        if not v.valide:
            raise DonneesInvalides(v.par_champ()[champ])
        return propre
    if champ == "type_porteur":
        return _choix(alias.types_porteur, brut, libelle, "un type de structure inconnu")
    if champ == "statut":
        return (en_texte(brut), _choix(alias.statuts, brut, libelle, "un statut de la plateforme inconnu"))
    if champ in ("depose_le", "date_debut", "date_fin"):
        jour = _date(brut, libelle)
        if champ == "depose_le" and jour > aujourd_hui:
            raise DonneesInvalides(f"{libelle} : le {dates.formater(jour)} est dans le futur.")
        return jour
    if champ == "beneficiaires":
        return _entier(brut, libelle)
    if champ == "quartiers":
        codes = []
        for nom in _liste(brut):
            code = alias.quartiers.get(normaliser(nom))
            if code is None:
                raise DonneesInvalides(f"{libelle} : quartier inconnu « {nom} ».")
            codes.append(code)
        return tuple(sorted(set(codes)))
    if champ == "objectifs":
        codes = [c.upper() for c in _liste(brut)]
        inconnus = [c for c in codes if c not in alias.objectifs]
        if inconnus:
            raise DonneesInvalides(f"{libelle} : objectif inconnu « {inconnus[0]} » (codes du projet de territoire, "
                                   "par exemple OS22.1).")
        return tuple(sorted(set(codes)))
    if champ == "financeur":
        return _choix(alias.financeurs, brut, libelle, "un cofinanceur inconnu")
    if champ in ("cout_total", "demande", "vote") or champ.startswith(("demande:", "vote:")):
        return _montant(brut, libelle)
    raise DonneesInvalides(f"Champ inconnu : {champ}.")


def _controles_de_ligne(valeurs: dict, erreurs: dict, colonnes: Mapping[str, str]) -> None:
    debut, fin = valeurs.get("date_debut"), valeurs.get("date_fin")
    if debut and fin and fin < debut:
        erreurs[colonnes["date_fin"]] = (f"Date de fin : le {dates.formater(fin)} est avant le début de l'action "
                                         f"({dates.formater(debut)}).")
    if "code" not in valeurs and "code" in colonnes:
        erreurs.setdefault(colonnes["code"], "Code du dossier : cette cellule est vide.")
    if ("demande" in valeurs or "vote" in valeurs) and "financeur" not in valeurs and "financeur" in colonnes:
        erreurs.setdefault(colonnes["financeur"], "Cofinanceur : indiquez le cofinanceur de ces montants.")


# --- Les dossiers ------------------------------------------------------------------------------------------


@dataclass
class DossierLu:
    code: str
    exercice: int
    valeurs: dict[str, Any]
    demandes: dict[str, Decimal]
    votes: dict[str, Decimal]
    lignes: list[int]  # numéros des lignes du tableur
    source: list[dict[str, str]]

    @property
    def cle(self) -> tuple[str, int]:
        return (self.code, self.exercice)

    @property
    def statut(self) -> tuple[str, str] | None:
        return self.valeurs.get("statut")


@dataclass(frozen=True)
class ErreurCellule:
    numero: int  # ligne du tableur
    colonne: str | None
    message: str

    def __str__(self) -> str:
        return f"Ligne {self.numero}" + (f", colonne « {self.colonne} »" if self.colonne else "") + f" : {self.message}"


def grouper(lignes: list[LigneLue], correspondance: Mapping[str, str | None]) -> tuple[list[DossierLu], list[ErreurCellule]]:
    """Les dossiers du fichier (code + exercice) et toutes les erreurs, dans l'ordre des lignes."""
    colonne = {c: t for t, c in correspondance.items() if c}
    erreurs = [ErreurCellule(l.numero, t, m) for l in lignes for t, m in l.erreurs.items()]
    dossiers: dict[tuple[str, int], DossierLu] = {}
    premiere: dict[tuple[tuple[str, int], str], int] = {}
    for ligne in lignes:
        if ligne.erreurs or ligne.ignoree:
            continue
        v = ligne.valeurs
        if "code" not in v or "exercice" not in v:
            erreurs.append(ErreurCellule(ligne.numero, None, "ni code du dossier ni exercice : ligne non reconnue."))
            continue
        cle = (v["code"], v["exercice"])
        dossier = dossiers.get(cle)
        if dossier is None:
            dossier = dossiers[cle] = DossierLu(cle[0], cle[1], {}, {}, {}, [], [])
        dossier.lignes.append(ligne.numero)
        dossier.source.append(ligne.source)
        for champ in _CHAMPS_DOSSIER:
            if champ not in v:
                continue
            if champ in dossier.valeurs and dossier.valeurs[champ] != v[champ]:
                erreurs.append(ErreurCellule(ligne.numero, colonne.get(champ),
                                             f"le dossier {cle[0]} ({cle[1]}) a une autre valeur ligne "
                                             f"{premiere[(cle, champ)]} ; les lignes d'un même dossier doivent "
                                             "concorder."))
                continue
            dossier.valeurs[champ] = v[champ]
            premiere.setdefault((cle, champ), ligne.numero)
        montants: list[tuple[str, str, Decimal, str | None]] = []
        if "financeur" in v:
            for genre in ("demande", "vote"):
                if genre in v:
                    montants.append((genre, v["financeur"], v[genre], colonne.get(genre)))
        for champ, montant in v.items():
            if champ.startswith(("demande:", "vote:")):
                genre, code = champ.split(":", 1)
                montants.append((genre, code, montant, colonne.get(champ)))
        for genre, code, montant, titre in montants:
            table = dossier.demandes if genre == "demande" else dossier.votes
            deja = table.get(code)
            if deja is not None and deja != montant:
                erreurs.append(ErreurCellule(
                    ligne.numero, titre,
                    f"le dossier {cle[0]} a déjà la ligne de ce cofinanceur ({code}) avec {argent.formater(deja)} "
                    f"(ligne {premiere[(cle, genre + ':' + code)]}) ; ici {argent.formater(montant)}. Gardez une "
                    "seule ligne par dossier et cofinanceur."))
                continue
            table[code] = montant
            premiere.setdefault((cle, genre + ":" + code), ligne.numero)
    for dossier in dossiers.values():
        if not dossier.valeurs.get("intitule"):
            erreurs.append(ErreurCellule(dossier.lignes[0], colonne.get("intitule"),
                                         f"le dossier {dossier.code} n'a pas d'intitulé."))
        if not dossier.valeurs.get("dispositif"):
            erreurs.append(ErreurCellule(dossier.lignes[0], colonne.get("dispositif"),
                                         f"le dossier {dossier.code} n'a pas de dispositif."))
        if not any(dossier.valeurs.get(c) for c in ("siret", "rna", "porteur")):
            erreurs.append(ErreurCellule(dossier.lignes[0], colonne.get("porteur"),
                                         f"le dossier {dossier.code} n'a ni SIRET, ni RNA, ni nom de porteur."))
    erreurs.sort(key=lambda e: e.numero)
    return list(dossiers.values()), erreurs


def valeurs_comparees(dossier: DossierLu, porteur_id: int | None) -> dict[str, Any]:
    """Les champs que l'import écrit, sous forme simple (ce qu'on garde comme « dernier import »)."""
    v = dossier.valeurs
    return {
        "intitule": v.get("intitule"),
        "resume": v.get("resume"),
        "description": v.get("description"),
        "depose_le": v["depose_le"].isoformat() if v.get("depose_le") else None,
        "date_debut": v["date_debut"].isoformat() if v.get("date_debut") else None,
        "date_fin": v["date_fin"].isoformat() if v.get("date_fin") else None,
        "beneficiaires": v.get("beneficiaires"),
        "quartiers": list(v.get("quartiers") or ()),
        "objectifs": list(v.get("objectifs") or ()),
        "financement": {code: format(m, "f") for code, m in sorted(dossier.demandes.items())},
        "porteur": porteur_id,
    }


# --- Le plan -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PorteurConnu:
    id: int
    nom: str
    siret: str | None
    rna: str | None


@dataclass(frozen=True)
class DejaImporte:
    dossier_id: int
    numero: str
    importe: Mapping[str, Any]  # ce que le dernier import a écrit
    local: Mapping[str, Any]  # ce que la base contient aujourd'hui


@dataclass
class Existant:
    porteurs: list[PorteurConnu]
    importes: dict[tuple[str, int], DejaImporte]
    campagnes: dict[tuple[str, int], int]


@dataclass(frozen=True)
class Proposition:
    """Un porteur du fichier sans SIRET ni RNA reconnus, dont le nom ressemble à des porteurs connus."""

    cle: str
    nom: str
    candidats: tuple[tuple[int, str, float], ...]  # id, nom, ressemblance (0-1)
    dossiers: tuple[str, ...]


@dataclass(frozen=True)
class NouveauPorteur:
    cle: str
    nom: str
    siret: str | None
    rna: str | None
    type: str


@dataclass(frozen=True)
class ConflitChamp:
    champ: str
    local: Any
    importe: Any
    fichier: Any

    @property
    def libelle(self) -> str:
        return LIBELLES_COMPARES.get(self.champ, self.champ)


@dataclass
class Mouvement:
    genre: str  # creation, mise_a_jour, inchange
    dossier: DossierLu
    porteur_cle: str
    porteur_id: int | None  # None : un nouveau porteur, ou à confirmer
    dossier_id: int | None = None
    numero: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)  # champ → valeur du fichier, à écrire
    conflits: list[ConflitChamp] = field(default_factory=list)
    valeurs: dict[str, Any] = field(default_factory=dict)  # tout ce que le fichier dit (dernier import)


GENRES = {"creation": "créé", "mise_a_jour": "mis à jour", "inchange": "inchangé"}


@dataclass
class Plan:
    mouvements: list[Mouvement]
    nouveaux_porteurs: list[NouveauPorteur]
    propositions: list[Proposition]
    campagnes_a_creer: list[tuple[str, int]]

    def compter(self, genre: str) -> int:
        return sum(1 for m in self.mouvements if m.genre == genre)

    @property
    def conflits(self) -> list[tuple[Mouvement, ConflitChamp]]:
        return [(m, c) for m in self.mouvements for c in m.conflits]

    def resume(self) -> str:
        conflits = self.conflits
        lignes = [f"{self.compter('creation')} dossier(s) créé(s), {self.compter('mise_a_jour')} mis à jour, "
                  f"{self.compter('inchange')} inchangé(s), {len(conflits)} conflit(s) avec des modifications "
                  "faites dans l'application."]
        if self.nouveaux_porteurs:
            lignes.append(f"{len(self.nouveaux_porteurs)} porteur(s) créé(s).")
        if self.campagnes_a_creer:
            lignes.append("Campagne(s) créée(s) : " + ", ".join(f"{d} {a}" for d, a in self.campagnes_a_creer) + ".")
        for mouvement, conflit in conflits:
            lignes.append(f"Conflit, dossier {mouvement.numero} (code {mouvement.dossier.code}), {conflit.libelle} : "
                          f"modifié dans l'application ({montrer(conflit.local)}) et dans l'export "
                          f"({montrer(conflit.fichier)}) ; la valeur de l'application est gardée.")
        for p in self.propositions:
            candidats = ", ".join(f"« {nom} » ({round(score * 100)} %)" for _i, nom, score in p.candidats)
            lignes.append(f"À confirmer : le porteur « {p.nom} » (dossiers {', '.join(p.dossiers)}) ressemble à "
                          f"{candidats}.")
        return "\n".join(lignes)


def montrer(valeur: Any) -> str:
    if valeur is None or valeur == "" or valeur == [] or valeur == {}:
        return "vide"
    if isinstance(valeur, dict):
        return ", ".join(f"{k} {argent.formater(Decimal(v))}" for k, v in valeur.items())
    if isinstance(valeur, list):
        return ", ".join(str(v) for v in valeur)
    if isinstance(valeur, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", valeur):
        return dates.formater(dt.date.fromisoformat(valeur))
    return str(valeur)


def cle_porteur(valeurs: Mapping[str, Any]) -> str:
    if valeurs.get("siret"):
        return f"siret:{valeurs['siret']}"
    if valeurs.get("rna"):
        return f"rna:{valeurs['rna']}"
    return f"nom:{normaliser(valeurs.get('porteur'))}"


def planifier(dossiers: list[DossierLu], existant: Existant, *, choix_porteurs: Mapping[str, int] | None = None,
              annule: Callable[[], bool] | None = None) -> Plan:
    """Ce que l'import ferait. ``choix_porteurs`` : clé du porteur du fichier → id d'un porteur connu, ou 0
    pour en créer un nouveau (les réponses aux propositions)."""
    choix = dict(choix_porteurs or {})
    par_siret = {p.siret: p for p in existant.porteurs if p.siret}
    par_rna = {p.rna: p for p in existant.porteurs if p.rna}
    noms = [(p, normaliser(p.nom)) for p in existant.porteurs]
    resolus: dict[str, int | None] = {}
    nouveaux: dict[str, NouveauPorteur] = {}
    propositions: dict[str, Proposition] = {}
    mouvements: list[Mouvement] = []
    campagnes: list[tuple[str, int]] = []
    for dossier in dossiers:
        if annule is not None and annule():
            raise ImportAnnule()
        v = dossier.valeurs
        cle = cle_porteur(v)
        deja = existant.importes.get(dossier.cle)
        if cle not in resolus and deja is not None and deja.importe.get("porteur") and not (
                v.get("siret") in par_siret or v.get("rna") in par_rna):
            resolus[cle] = deja.importe["porteur"]  # le porteur que l'import précédent a reconnu ou créé
        if cle not in resolus:
            resolus[cle] = _resoudre(cle, v, par_siret, par_rna, noms, choix, nouveaux, propositions, dossier)
        elif cle in propositions:
            p = propositions[cle]
            propositions[cle] = Proposition(p.cle, p.nom, p.candidats, (*p.dossiers, dossier.code))
        porteur_id = resolus[cle]
        campagne = (v.get("dispositif"), dossier.exercice)
        if campagne not in existant.campagnes and campagne not in campagnes:
            campagnes.append(campagne)
        valeurs = valeurs_comparees(dossier, porteur_id)
        if deja is None:
            mouvements.append(Mouvement("creation", dossier, cle, porteur_id, changes=dict(valeurs), valeurs=valeurs))
            continue
        mouvement = Mouvement("inchange", dossier, cle, porteur_id, deja.dossier_id, deja.numero, valeurs=valeurs)
        for champ in CHAMPS_COMPARES:
            fichier, importe, local = valeurs.get(champ), deja.importe.get(champ), deja.local.get(champ)
            if _vide(fichier):
                # Colonne absente ou cellule vide : un import n'efface jamais ce que la base sait ; un porteur à
                # créer ne déplace pas un dossier déjà importé.
                continue
            if fichier == local:
                continue
            if local == importe or (importe is None and _vide(local)):
                mouvement.changes[champ] = fichier
            elif fichier != importe:
                mouvement.conflits.append(ConflitChamp(champ, local, importe, fichier))
        if mouvement.changes:
            mouvement.genre = "mise_a_jour"
        mouvements.append(mouvement)
    return Plan(mouvements, list(nouveaux.values()), list(propositions.values()), campagnes)


def _vide(valeur: Any) -> bool:
    return valeur is None or valeur == "" or valeur == [] or valeur == {}


def _resoudre(cle, v, par_siret, par_rna, noms, choix, nouveaux, propositions, dossier) -> int | None:
    if v.get("siret") and v["siret"] in par_siret:
        return par_siret[v["siret"]].id
    if v.get("rna") and v["rna"] in par_rna:
        return par_rna[v["rna"]].id
    if cle in choix and choix[cle]:
        return int(choix[cle])
    nom = v.get("porteur") or v.get("siret") or v.get("rna")
    if cle not in choix and v.get("porteur"):
        cible = normaliser(v["porteur"])
        candidats = []
        for porteur, nom_normalise in noms:
            # Un porteur connu sous un autre SIRET ou RNA n'est pas le même, quel que soit son nom.
            if (v.get("siret") and porteur.siret) or (v.get("rna") and porteur.rna and not v.get("siret")):
                continue
            score = difflib.SequenceMatcher(None, cible, nom_normalise).ratio()
            if score >= SEUIL_RESSEMBLANCE:
                candidats.append((porteur.id, porteur.nom, round(score, 3)))
        if candidats:
            candidats.sort(key=lambda c: -c[2])
            propositions[cle] = Proposition(cle, v["porteur"], tuple(candidats[:3]), (dossier.code,))
            return None
    type_ = v.get("type_porteur") or "association"
    nouveaux[cle] = NouveauPorteur(cle, nom, v.get("siret"), v.get("rna"), type_)
    return None


class ImportAnnule(DonneesInvalides):
    def __init__(self) -> None:
        super().__init__("Import annulé : rien n'a été modifié.")

