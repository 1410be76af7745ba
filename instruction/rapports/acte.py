"""L'acte calculé une fois : termes en vigueur + bibliothèque de clauses + publipostage → ``Acte``.

``composer(donnees)`` lit la bibliothèque ``resources/conventions/clauses.yaml`` (vérifiée au chargement par
les briques de ``rapports/publipostage.py`` : champs déclarés et typés, message qui nomme la ligne), calcule
les champs depuis les termes en vigueur de la convention (``domaine/conventions.Termes``, tenus par le service
des conventions) et la fiche de l'action, rend chaque clause de l'acte voulu (convention, CPO, notification,
avenant) et les tableaux (montants, échéancier, comptes rendus, budget, objectifs par exercice), et rend un
``Acte`` (``rapports/acte_modele.py``) que le PDF et le DOCX impriment à l'identique.

Un **avenant** reprend l'historique (un article par avenant précédent, comme l'avenant n° 4 du contrat de
ville, l. 7467-7493), ce que le présent avenant change, les articles réécrits avec les termes nouveaux, la
liste des clauses inchangées qui « restent applicables » (l. 7503) et, en annexe, le texte consolidé.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from instruction.chemins import RESSOURCES
from instruction.domaine import argent, conventions
from instruction.domaine.conventions import ATTRIBUANT, BENEFICIAIRE, Termes, TypeActe
from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports.publipostage_champs import Champ, declarer_champs, preparer
from instruction.rapports.publipostage_gabarits import Gabarit, compiler, une_ligne
from instruction.rapports.publipostage_sources import LecteurSitue, Lieu, TexteSitue, ligne_de, proche
from instruction.rapports.acte_modele import (Acte, Annexe, Article, Bloc, Colonne, Intertitre, Liste,
                                              Paragraphe, Partie, Signature, Tableau)

FICHIER_CLAUSES = RESSOURCES / "conventions" / "clauses.yaml"
GENRES = ("convention", "cpo", "notification", "avenant")
NOMS_ACTES = {"convention": "convention", "cpo": "convention pluriannuelle d'objectifs",
              "notification": "notification"}
TITRES_COURTS = {"convention": "Convention", "cpo": "CPO", "notification": "Notification"}


# --- Ce que le rendu reçoit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneBudget:
    libelle: str
    montant: Decimal
    compte: str = ""  # « 60 », « 74 »… pour les charges


@dataclass(frozen=True)
class FicheAction:
    """La fiche de l'action (annexe 1) et son budget (annexe 2), lus du dossier."""

    numero: str
    intitule: str
    campagne: str  # « Appel à projets Contrat de ville 2023 »
    resume: str = ""
    periode: str = ""  # laissé vide : les dates des termes font foi
    quartiers: tuple[str, ...] = ()
    lieux: str = ""
    public: str = ""
    objectifs: tuple[str, ...] = ()  # « 1.2.3 — Libellé de l'objectif opérationnel »
    cout_total: Decimal | None = None
    charges: tuple[LigneBudget, ...] = ()
    financements: tuple[LigneBudget, ...] = ()  # par financeur (subventions demandées ou accordées, fonds propres)


@dataclass(frozen=True)
class ObjectifsExercice:
    """Les objectifs d'un exercice d'une CPO (annexe 3)."""

    exercice: int
    objectifs: str


@dataclass(frozen=True)
class AvenantLu:
    """Un avenant tel que le document le raconte : numéro, type, motif, changements en phrases, date d'effet."""

    numero: int
    libelle: str
    motif: str
    changements: tuple[str, ...]
    date_effet: dt.date | None = None


@dataclass(frozen=True)
class DonneesActe:
    """Tout ce que le document d'un acte imprime. ``termes`` : les termes EN VIGUEUR (pour un avenant, après
    lui) ; ``termes_avant`` : pour un avenant, ceux d'avant lui."""

    numero: str
    termes: Termes
    action: FicheAction
    financeur_code: str = ""  # l'attribuant ; par défaut celui des montants
    libelles_financeurs: Mapping[str, str] = field(default_factory=dict)
    objectifs_exercices: tuple[ObjectifsExercice, ...] = ()
    signatures: Mapping[str, dt.date] = field(default_factory=dict)  # rôle (attribuant, beneficiaire) → date
    signee_le: dt.date | None = None  # date d'effet de la convention (dernière signature)
    avenant: AvenantLu | None = None  # présent : le document est cet avenant
    termes_avant: Termes | None = None
    avenants_precedents: tuple[AvenantLu, ...] = ()

    @property
    def genre(self) -> str:
        return "avenant" if self.avenant is not None else self.termes.type_acte.value


# --- La bibliothèque des clauses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bloc:
    genre: str  # texte, liste, liste_champ, tableau, intertitre, clauses
    gabarit: Gabarit | None = None
    elements: tuple[Gabarit, ...] = ()
    nom: str = ""
    condition: Gabarit | None = None


@dataclass(frozen=True)
class Clause:
    code: str
    titres: Mapping[str, Gabarit]  # genre d'acte (ou « * ») → titre
    blocs: Mapping[str, tuple[_Bloc, ...]]  # genre d'acte (ou « * ») → blocs
    actes: frozenset[str]
    termes: frozenset[str]
    source: str
    repeter: str = ""

    def titre(self, genre: str) -> Gabarit:
        return self.titres.get(genre) or self.titres["*"]

    def blocs_pour(self, genre: str) -> tuple[_Bloc, ...]:
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
    preambules: Mapping[str, tuple[_Bloc, ...]]
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

    def blocs(self, valeur: Any, ou: str) -> tuple[_Bloc, ...]:
        if not isinstance(valeur, list) or not valeur:
            raise self.lieu.erreur(f"{ou} : « blocs » est une liste de textes ou de tables.")
        sortie: list[_Bloc] = []
        for element in _aplatir(valeur):
            if isinstance(element, str):
                sortie.append(_Bloc("texte", gabarit=self.gabarit(element, f"{ou}, un paragraphe")))
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
                sortie.append(_Bloc("liste", elements=tuple(self.gabarit(v, f"{ou}, un élément", ligne)
                                                            for v in valeur_bloc), condition=si))
            elif genre == "liste":
                champ = self.champs.get(str(valeur_bloc))
                if champ is None or champ.type != "liste":
                    raise self.lieu.erreur(f"{ou} : « liste: {valeur_bloc} » doit nommer un champ de type liste"
                                           f"{proche(str(valeur_bloc), self.champs)}.", champ=str(valeur_bloc),
                                           ligne=ligne_de(valeur_bloc, ligne) or None)
                sortie.append(_Bloc("liste_champ", nom=str(valeur_bloc), condition=si))
            elif genre in ("tableau", "clauses"):
                permis = _TABLEAUX if genre == "tableau" else _CLAUSES
                if valeur_bloc not in permis:
                    raise self.lieu.erreur(f"{ou} : « {genre}: {valeur_bloc} » est inconnu (possibles : "
                                           f"{', '.join(sorted(permis))}).", ligne=ligne_de(valeur_bloc, ligne) or None)
                sortie.append(_Bloc(genre, nom=str(valeur_bloc), condition=si))
            else:
                sortie.append(_Bloc(genre, gabarit=self.gabarit(valeur_bloc, f"{ou}, « {genre} »", ligne),
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


# --- Les champs -----------------------------------------------------------------------------------------------


def _siren(siren: str | None) -> str | None:
    chiffres = "".join(c for c in (siren or "") if c.isdigit())
    if len(chiffres) != 9:
        return siren or None
    return f"{chiffres[:3]}\u00a0{chiffres[3:6]}\u00a0{chiffres[6:]}"


def _minuscule_initiale(texte: str) -> str:
    """« L'adjoint délégué » → « l'adjoint délégué » ; un sigle (« DDETS ») reste tel quel."""
    return texte if len(texte) > 1 and texte[1].isupper() else texte[:1].lower() + texte[1:]


_RENVOIS = re.compile(r"\s*\((?:contrat de ville, )?l\. ?\d[\d, ]*\)")
_ESPACE_AVANT = re.compile(r" ([:;?!»])")
_ESPACE_APRES = re.compile(r"« ")


def typographie(texte: str) -> str:
    """Espaces insécables de la typographie française (« : », « ; », guillemets) : un deux-points ne
    commence jamais une ligne."""
    return _ESPACE_APRES.sub("«\u00a0", _ESPACE_AVANT.sub("\u00a0\\1", texte))


def sans_renvois(texte: str) -> str:
    """Les renvois aux lignes du contrat de ville (« (l. 3960) ») servent aux administrateurs, pas au
    bénéficiaire : les conditions d'une convention s'impriment sans eux."""
    return _RENVOIS.sub("", texte)


def _majuscule_initiale(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def _taux(part: Decimal, total: Decimal | None) -> str | None:
    if not total:
        return None
    from babel.numbers import format_percent

    return format_percent(part / total, format="#,##0.0 %", locale=argent.LOCALE)


def _code_financeur(d: DonneesActe) -> str:
    if d.financeur_code:
        return d.financeur_code
    return d.termes.montants[0].financeur_code if d.termes.montants else ""


def valeurs(d: DonneesActe, b: Bibliotheque, *, regles: conventions.ReglesActes | None = None) -> dict[str, Any]:
    """Les valeurs des champs déclarés, calculées depuis les termes et la fiche de l'action."""
    t = d.termes
    regles = regles or conventions.charger_regles()
    attribuant = t.attribuant or conventions.Partie(ATTRIBUANT, "")
    beneficiaire = t.beneficiaire or conventions.Partie(BENEFICIAIRE, "")
    court = b.appellations.get(_code_financeur(d), b.appellation_par_defaut)
    exercices = t.exercices or (t.date_debut.year,)
    premier = exercices[0]
    genre_parent = t.type_acte.value
    titre_court = TITRES_COURTS[genre_parent]
    if d.avenant is not None:
        titre_court = f"Avenant n° {d.avenant.numero} à la {NOMS_ACTES[genre_parent]}"
    return {
        "numero": d.numero,
        "campagne": d.action.campagne,
        "nom_acte": NOMS_ACTES[genre_parent],
        "acte_parent": _majuscule_initiale(NOMS_ACTES[genre_parent]),
        "nom_acte_parent": NOMS_ACTES[genre_parent],
        "cpo": t.type_acte == TypeActe.CPO,
        "objet": t.objet,
        "attribuant_nom": attribuant.nom,
        "attribuant_court": court,
        "attribuant_court_maj": _majuscule_initiale(court),
        "attribuant_siren": _siren(attribuant.siren),
        "attribuant_adresse": attribuant.adresse or None,
        "attribuant_representant": attribuant.representant or None,
        "attribuant_signataire": _minuscule_initiale(attribuant.signataire) if attribuant.signataire else None,
        "beneficiaire_nom": beneficiaire.nom,
        "beneficiaire_siren": _siren(beneficiaire.siren),
        "beneficiaire_adresse": beneficiaire.adresse or None,
        "beneficiaire_representant": beneficiaire.representant or None,
        "beneficiaire_qualite": beneficiaire.qualite or None,
        "action_numero": d.action.numero,
        "action_intitule": d.action.intitule,
        "action_resume": d.action.resume or None,
        "action_objectifs": list(d.action.objectifs),
        "action_charges": bool(d.action.charges),
        "date_debut": t.date_debut,
        "date_fin": t.date_fin,
        "duree_mois": t.duree_mois,
        "premier_exercice": str(premier),  # une année s'écrit sans espace des milliers
        "dernier_exercice": str(exercices[-1]),
        "nombre_exercices": len(exercices),
        "montant_total": t.montant_total,
        "montant_ferme": t.montant_ferme,
        "cout_total": d.action.cout_total or None,
        "taux": _taux(t.montant(premier), d.action.cout_total),
        "reserve_cpo": regles.reserve_cpo,
        "conditions": [sans_renvois(c) for c in t.conditions],
        "annexes": [],  # énumérées une fois les annexes de l'acte choisies
        "signee_le": d.signee_le,
        "fait_le": (d.avenant.date_effet if d.avenant is not None else d.signee_le),
        "avenant_numero": d.avenant.numero if d.avenant else None,
        "avenant_libelle": d.avenant.libelle if d.avenant else None,
        "avenant_motif": d.avenant.motif if d.avenant else None,
        "avenant_changements": list(d.avenant.changements) if d.avenant else [],
        "precedent_numero": None,
        "precedent_libelle": None,
        "precedent_date_effet": None,
        "precedent_changements": [],
        "clauses_inchangees": [],
        "lieu": b.ville,
        "exemplaires": 2 + b.exemplaires_en_plus,
        "titre_court": titre_court,
    }


# --- Les tableaux calculés ------------------------------------------------------------------------------------


def _m(x: Decimal) -> str:
    return argent.formater(x)


def _libelle_financeur(d: DonneesActe, code: str) -> str:
    return d.libelles_financeurs.get(code) or (d.termes.attribuant.nom if d.termes.attribuant else code)


def _tableau(nom: str, d: DonneesActe, regles: conventions.ReglesActes) -> Tableau | None:
    t = d.termes
    if nom == "montant":
        return Tableau(
            (Colonne("Exercice", 0.14), Colonne("Financeur", 0.36), Colonne("Montant", 0.18, droite=True),
             Colonne("En lettres", 0.32)),
            tuple((str(m.exercice), _libelle_financeur(d, m.financeur_code), _m(m.montant),
                   argent.en_lettres(m.montant)) for m in t.montants))
    if nom == "montants_cpo":
        return Tableau(
            (Colonne("Exercice", 0.14), Colonne("Statut", 0.50), Colonne("Montant", 0.18, droite=True),
             Colonne("Cumul", 0.18, droite=True)),
            tuple((str(m.exercice), "ferme" if m.ferme else "prévisionnel, " + regles.reserve_cpo,
                   _m(m.montant), _m(sum((x.montant for x in t.montants[:i + 1]), argent.ZERO)))
                  for i, m in enumerate(t.montants)),
            total=("Total", "", _m(t.montant_total), ""))
    if nom == "echeancier":
        lignes = tuple(
            (str(e.exercice), conventions.NATURES_ECHEANCE.get(e.nature, e.nature),
             e.condition + (" (après le compte rendu financier)" if e.apres_compte_rendu
                            and "compte rendu" not in e.condition else ""),
             e.date_prevue.strftime("%d/%m/%Y") if e.date_prevue else "—", _m(e.montant))
            for e in t.echeancier)
        return Tableau((Colonne("Exercice", 0.11), Colonne("Versement", 0.16), Colonne("Condition", 0.43),
                        Colonne("Date prévue", 0.13), Colonne("Montant", 0.17, droite=True)), lignes,
                       total=("Total", "", "", "", _m(sum((e.montant for e in t.echeancier), argent.ZERO))))
    if nom == "comptes_rendus":
        return Tableau((Colonne("Exercice", 0.2), Colonne("Fin de l'exercice", 0.35),
                        Colonne("Compte rendu financier dû au plus tard le", 0.45)),
                       tuple((str(x), t.fin_de_l_exercice(x).strftime("%d/%m/%Y"),
                              t.echeance_compte_rendu(x).strftime("%d/%m/%Y")) for x in t.exercices))
    if nom == "fiche":
        a = d.action
        benef = t.beneficiaire
        lignes = [("Porteur", benef.nom if benef else ""), ("Dossier", a.numero), ("Appel à projets", a.campagne),
                  ("Action", a.intitule),
                  ("Période", a.periode or f"du {t.date_debut:%d/%m/%Y} au {t.date_fin:%d/%m/%Y}")]
        if a.quartiers:
            lignes.append(("Quartiers", ", ".join(a.quartiers)))
        if a.lieux:
            lignes.append(("Lieux", a.lieux))
        if a.public:
            lignes.append(("Public", a.public))
        return Tableau((Colonne("Rubrique", 0.22), Colonne("Contenu", 0.78)), tuple(lignes), entete=False)
    if nom == "charges":
        if not d.action.charges:
            return None
        return Tableau((Colonne("Compte", 0.12), Colonne("Charges", 0.63), Colonne("Montant", 0.25, droite=True)),
                       tuple((c.compte, c.libelle, _m(c.montant)) for c in d.action.charges),
                       total=("", "Total des charges", _m(sum((c.montant for c in d.action.charges), argent.ZERO))))
    if nom == "financements":
        financements = d.action.financements or tuple(
            LigneBudget(_libelle_financeur(d, m.financeur_code), m.montant) for m in t.montants)
        total = sum((f.montant for f in financements), argent.ZERO)
        attribuant = t.attribuant.nom if t.attribuant else ""
        lignes = tuple(
            ((f"**{f.libelle}**" if f.libelle in (attribuant, _libelle_financeur(d, _code_financeur(d))) else f.libelle),
             _m(f.montant), _taux(f.montant, total) or "")
            for f in financements)
        return Tableau((Colonne("Financeur", 0.55), Colonne("Montant", 0.25, droite=True),
                        Colonne("Part", 0.20, droite=True)), lignes, total=("Total", _m(total), "100,0 %" if total else ""))
    if nom == "objectifs":
        objectifs = {o.exercice: o.objectifs for o in d.objectifs_exercices}
        return Tableau((Colonne("Exercice", 0.12), Colonne("Objectifs", 0.50), Colonne("Montant", 0.18, droite=True),
                        Colonne("Statut", 0.20)),
                       tuple((str(m.exercice), objectifs.get(m.exercice, "Objectifs de l'action décrits en annexe 1"),
                              _m(m.montant), "ferme" if m.ferme else "sous réserve du vote du budget")
                             for m in t.montants),
                       total=("Total", "", _m(t.montant_total), ""))
    raise ErreurInstruction(f"Tableau inconnu : {nom}.")


# --- La composition -------------------------------------------------------------------------------------------


class _Compositeur:
    def __init__(self, d: DonneesActe, b: Bibliotheque) -> None:
        self.d, self.b = d, b
        self.regles = conventions.charger_regles()
        self.valeurs = valeurs(d, b, regles=self.regles)
        self.prepares = preparer(b.champs, self.valeurs, b.lieu)

    def avec(self, **changes: Any) -> None:
        self.valeurs.update(changes)
        self.prepares = preparer(self.b.champs, self.valeurs, self.b.lieu)

    def texte(self, g: Gabarit) -> str:
        return typographie(une_ligne(g.rendre(self.prepares, self.b.lieu)))

    def blocs(self, blocs: Sequence[_Bloc], genre: str) -> tuple[Bloc, ...]:
        sortie: list[Bloc] = []
        for bloc in blocs:
            if bloc.condition is not None and not self.texte(bloc.condition):
                continue
            if bloc.genre == "texte":
                texte = self.texte(bloc.gabarit)
                if texte:
                    sortie.append(Paragraphe(texte))
            elif bloc.genre == "intertitre":
                sortie.append(Intertitre(self.texte(bloc.gabarit)))
            elif bloc.genre == "liste":
                elements = tuple(e for e in (self.texte(g) for g in bloc.elements) if e)
                if elements:
                    sortie.append(Liste(elements))
            elif bloc.genre == "liste_champ":
                elements = tuple(typographie(str(e)) for e in self.prepares[bloc.nom] if str(e))
                if elements:
                    sortie.append(Liste(elements))
            elif bloc.genre == "tableau":
                tableau = _tableau(bloc.nom, self.d, self.regles)
                if tableau is not None:
                    sortie.append(tableau)
            elif bloc.genre == "clauses":
                sortie += self.clauses_parent(bloc.nom)
        return tuple(sortie)

    def articles(self, genre: str) -> tuple[Article, ...]:
        return tuple(Article(i, c.code, self.texte(c.titre(genre)), self.blocs(c.blocs_pour(genre), genre))
                     for i, c in enumerate(self.b.articles_de(genre), start=1))

    # L'avenant : les articles de l'acte modifié, réécrits ou inchangés.
    def champs_changes(self) -> set[str]:
        avant = self.d.termes_avant
        if avant is None:
            return set()
        return {c for c in conventions.CHAMPS if getattr(avant, c) != getattr(self.d.termes, c)}

    def clauses_parent(self, quoi: str) -> list[Bloc]:
        genre = self.d.termes.type_acte.value
        changes = self.champs_changes()
        sortie: list[Bloc] = []
        # Les articles de l'acte modifié énumèrent SES annexes (fiche, budget…), pas celles de l'avenant.
        annexes_avenant = self.valeurs["annexes"]
        self.avec(annexes=[f"Annexe {i} : {self.texte(a.titre(genre))}"
                           for i, a in enumerate((a for a in self.b.annexes if genre in a.actes), start=1)])
        articles = self.articles(genre)
        self.avec(annexes=annexes_avenant)
        for article in articles:
            clause = next(c for c in self.b.articles if c.code == article.code)
            if quoi == "modifiees" and not (clause.termes & changes):
                continue
            sortie.append(Intertitre(article.intitule))
            sortie += article.blocs
        if quoi == "modifiees" and not sortie:
            sortie.append(Paragraphe("Aucun article n'est réécrit : l'avenant ne change que les parties ou "
                                     "les annexes."))
        return sortie

    def inchangees(self) -> list[str]:
        genre = self.d.termes.type_acte.value
        changes = self.champs_changes()
        return [f"Article {i} : {self.texte(c.titre(genre))}"
                for i, c in enumerate(self.b.articles_de(genre), start=1) if not (c.termes & changes)]

    def articles_avenant(self) -> tuple[Article, ...]:
        self.avec(clauses_inchangees=self.inchangees())
        sortie: list[Article] = []
        for clause in self.b.articles_avenant:
            if clause.repeter == "avenants_precedents":
                for precedent in self.d.avenants_precedents:
                    self.avec(precedent_numero=precedent.numero, precedent_libelle=precedent.libelle,
                              precedent_date_effet=precedent.date_effet,
                              precedent_changements=list(precedent.changements))
                    sortie.append(Article(len(sortie) + 1, f"{clause.code}-{precedent.numero}",
                                          self.texte(clause.titre("avenant")),
                                          self.blocs(clause.blocs_pour("avenant"), "avenant")))
                continue
            sortie.append(Article(len(sortie) + 1, clause.code, self.texte(clause.titre("avenant")),
                                  self.blocs(clause.blocs_pour("avenant"), "avenant")))
        return tuple(sortie)

    def parties(self) -> tuple[Partie, ...]:
        ordre = (ATTRIBUANT, BENEFICIAIRE)
        return tuple(Partie(self.texte(self.b.parties[r][0]), self.texte(self.b.parties[r][1])) for r in ordre)

    def signatures(self, genre: str) -> tuple[Signature, ...]:
        t = self.d.termes
        sortie = []
        for partie in (t.attribuant, t.beneficiaire):
            if partie is None or (genre == "notification" and partie.role == BENEFICIAIRE):
                continue
            jour = self.d.signatures.get(partie.role)
            if partie.role == ATTRIBUANT:
                qualite = partie.signataire or partie.qualite or ""
                nom = "" if partie.signataire else partie.representant
            else:
                qualite = partie.qualite or "Le représentant légal"
                nom = partie.representant
            sortie.append(Signature(pour=partie.nom, qualite=_majuscule_initiale(qualite), nom=nom or "",
                                    delegation=partie.delegation if partie.role == ATTRIBUANT else "",
                                    date=f"Signé le {jour:%d/%m/%Y}" if jour else ""))
        return tuple(sortie)

    def annexes(self, genre: str) -> tuple[Annexe, ...]:
        retenues = [a for a in self.b.annexes if genre in a.actes]
        intitules = [f"Annexe {i} : {self.texte(a.titre(genre))}" for i, a in enumerate(retenues, start=1)]
        self.avec(annexes=intitules)
        return tuple(Annexe(i, self.texte(a.titre(genre)), self.blocs(a.blocs_pour(genre), genre))
                     for i, a in enumerate(retenues, start=1))

    def acte(self) -> Acte:
        d, b = self.d, self.b
        genre = d.genre
        # Les annexes d'abord : l'article « Pièces annexées » les énumère.
        annexes = self.annexes(genre)
        entete = b.entetes[genre]
        articles = self.articles_avenant() if genre == "avenant" else self.articles(genre)
        fait_a = self.texte(b.fait_a_notification if genre == "notification" else b.fait_a)
        mots = (d.numero, d.action.numero, self.valeurs["beneficiaire_nom"], self.valeurs["premier_exercice"])
        nom = f"{self.valeurs['titre_court'].split(' à ')[0]} {d.numero}".replace("/", "-")
        return Acte(
            genre=genre, titre=self.texte(entete.titre), sous_titres=tuple(self.texte(s) for s in entete.sous_titres),
            reference=self.texte(entete.reference), parties=self.parties(),
            preambule=self.blocs(b.preambules.get(genre, ()), genre), articles=articles, fait_a=fait_a,
            signatures=self.signatures(genre), annexes=annexes, pied=self.texte(b.pied),
            nom_fichier=nom_de_fichier(nom), mots_cles=mots,
            liaisons=("L'attribuant", "Le bénéficiaire") if genre == "notification" else ("Entre", "Et"),
        )


def composer(donnees: DonneesActe, bibliotheque_: Bibliotheque | None = None) -> Acte:
    """L'acte (convention, CPO, notification ou avenant) rendu depuis la bibliothèque de clauses."""
    return _Compositeur(donnees, bibliotheque_ or bibliotheque()).acte()


def nom_de_fichier(nom: str) -> str:
    """Un nom de fichier sûr partout (sans / \\ : * ? " < > |)."""
    from instruction.fichiers_temporaires import nom_sur  # noms réservés de Windows (« CON »…), longueur

    interdits = '/\\:*?"<>|'
    return nom_sur("".join("-" if c in interdits else c for c in nom).strip(" .") or "acte")


# --- L'écriture sans fichier à moitié écrit -------------------------------------------------------------------


def ecrire_atomiquement(contenus: Mapping[Path, bytes]) -> list[Path]:
    """Écrit chaque fichier sous un nom provisoire, puis les met tous en place : une interruption ne laisse
    jamais un fichier à moitié écrit (au pire des fichiers « .en-cours » effacés)."""
    provisoires: list[tuple[Path, Path]] = []
    try:
        for fichier, contenu in contenus.items():
            fichier = Path(fichier)
            provisoire = fichier.with_name(f".{fichier.name}.en-cours")
            provisoires.append((provisoire, fichier))
            with open(provisoire, "wb") as flux:
                flux.write(contenu)
        for provisoire, fichier in provisoires:
            os.replace(provisoire, fichier)
    except OSError as erreur:
        for provisoire, _fichier in provisoires:
            provisoire.unlink(missing_ok=True)
        cible = erreur.filename or (provisoires[-1][1] if provisoires else "")
        raise ErreurInstruction(
            f"Impossible d'écrire « {cible} » : {erreur.strerror or erreur}. S'il est ouvert dans un autre "
            "logiciel, fermez-le et recommencez.") from erreur
    return [f for _p, f in provisoires]
