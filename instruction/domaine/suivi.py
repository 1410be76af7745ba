"""Le suivi des actions (règles pures) : saisies des copils, des visites évaluatives et du suivi renforcé,
la grille courte des visites, le calendrier par mois.

La convention engage le porteur à tenir « au moins un comité de pilotage de l'action par an » et à accepter
des « visites évaluatives programmées » (contrat de ville, l. 3960) ; « chaque année, plusieurs actions
structurantes ou expérimentales feront l'objet d'un suivi renforcé afin de mesurer l'impact de l'action »
(l. 3968). Les saisies arrivent en chaînes (ce que l'écran a lu) et sont validées ici, champ par champ,
avec un message en français sous la clé du champ (``date``, ``indicateurs.2.cible``…).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from instruction.chemins import RESSOURCES
from instruction.domaine.erreurs import ReferentielInvalide
from instruction.domaine.validation import LONGUEUR_TITRE, Verificateur

FICHIER_GRILLE = RESSOURCES / "suivi" / "grille_visite.yaml"
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")


# --- La grille courte des visites évaluatives ---------------------------------------------------------


@dataclass(frozen=True)
class Question:
    code: str
    texte: str
    source: str = ""


@dataclass(frozen=True)
class GrilleVisite:
    numero: int
    libelle: str
    appreciations: dict[str, str]
    questions: tuple[Question, ...]

    def en_donnees(self) -> dict:
        """La copie gardée avec un compte rendu (JSON) : le compte rendu se relit toujours avec sa version."""
        return {"numero": self.numero, "libelle": self.libelle, "appreciations": dict(self.appreciations),
                "questions": [{"code": q.code, "texte": q.texte, "source": q.source} for q in self.questions]}

    @classmethod
    def depuis_donnees(cls, donnees: Mapping) -> GrilleVisite:
        return cls(int(donnees["numero"]), str(donnees["libelle"]), dict(donnees["appreciations"]),
                   tuple(Question(q["code"], q["texte"], q.get("source", "")) for q in donnees["questions"]))


@lru_cache(maxsize=4)
def _grilles(fichier: Path) -> tuple[GrilleVisite, ...]:
    import yaml

    try:
        brut = yaml.safe_load(fichier.read_text(encoding="utf-8"))["grille"]
        versions = tuple(
            GrilleVisite(int(v["numero"]), str(brut["libelle"]), {str(k): str(t) for k, t in brut["appreciations"].items()},
                         tuple(Question(str(q["code"]), str(q["texte"]), str(q.get("source", "")))
                               for q in v["questions"]))
            for v in brut["versions"]
        )
    except (OSError, KeyError, TypeError, ValueError) as erreur:
        raise ReferentielInvalide(f"La grille des visites évaluatives ({fichier.name}) est illisible : {erreur}.") \
            from erreur
    if not versions or any(len({q.code for q in v.questions}) != len(v.questions) for v in versions):
        raise ReferentielInvalide(f"La grille des visites évaluatives ({fichier.name}) n'a pas de version, ou une "
                                  "question y figure deux fois.")
    return versions


def grille_courante(fichier: Path = FICHIER_GRILLE) -> GrilleVisite:
    return max(_grilles(fichier), key=lambda g: g.numero)


# --- Copils -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonneesCopil:
    date: dt.date
    tenu: bool
    lieu: str | None
    participants: tuple[str, ...]
    notes: str | None


def lire_copil(saisie: Mapping[str, str], aujourd_hui: dt.date) -> DonneesCopil:
    """``date`` (jj/mm/aaaa), ``tenu`` (« oui » / « »), ``lieu``, ``participants`` (un par ligne), ``notes``.

    Un copil marqué tenu ne peut pas être daté dans le futur."""
    v = Verificateur()
    jour = v.date("date", saisie.get("date"), "Date du comité de pilotage", obligatoire=True)
    tenu = (saisie.get("tenu") or "").strip().lower() in ("oui", "1", "vrai", "true")
    if jour is not None and tenu and jour > aujourd_hui:
        v.erreur("date", "Un comité de pilotage tenu ne peut pas être daté après aujourd'hui : décochez « tenu » "
                         "(il est alors prévu) ou corrigez la date.")
    lieu = v.texte("lieu", saisie.get("lieu"), "Lieu", maximum=200)
    participants = _lignes(v, "participants", saisie.get("participants"), "Participants")
    notes = v.texte("notes", saisie.get("notes"), "Points abordés")
    v.exiger()
    return DonneesCopil(jour, tenu, lieu, participants, notes)


def _lignes(v: Verificateur, champ: str, texte: str | None, libelle: str) -> tuple[str, ...]:
    propre = v.texte(champ, texte, libelle)
    return tuple(l.strip() for l in (propre or "").splitlines() if l.strip())


# --- Visites évaluatives ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonneesVisite:
    prevue_le: dt.date
    faite_le: dt.date | None
    lieu: str | None
    intervenants: tuple[str, ...]
    reponses: dict[str, tuple[str, str | None]]  # question → (appréciation, commentaire)
    conclusion: str | None


def lire_visite(saisie: Mapping[str, str], reponses: Mapping[str, tuple[str | None, str | None]],
                grille: GrilleVisite, aujourd_hui: dt.date) -> DonneesVisite:
    """``prevue_le``, ``faite_le``, ``lieu``, ``intervenants`` ; ``reponses`` : question → (appréciation, commentaire).

    Une visite faite a une date passée (ou du jour) ; une grille ne se remplit que pour une visite faite ; une
    appréciation « insuffisant » demande un commentaire (ce qui ne va pas)."""
    v = Verificateur()
    prevue = v.date("prevue_le", saisie.get("prevue_le"), "Date prévue", obligatoire=True)
    faite = v.date("faite_le", saisie.get("faite_le"), "Date de la visite")
    if faite is not None and faite > aujourd_hui:
        v.erreur("faite_le", "Une visite faite ne peut pas être datée après aujourd'hui : laissez la date vide "
                             "tant qu'elle n'a pas eu lieu.")
    lieu = v.texte("lieu", saisie.get("lieu"), "Lieu", maximum=200)
    intervenants = _lignes(v, "intervenants", saisie.get("intervenants"), "Intervenants")
    conclusion = v.texte("conclusion", saisie.get("conclusion"), "Conclusion")
    lues: dict[str, tuple[str, str | None]] = {}
    codes = {q.code: q for q in grille.questions}
    for code, (appreciation, commentaire) in reponses.items():
        if code not in codes:
            v.erreur(f"reponses.{code}", f"Question inconnue de la grille : {code}.")
            continue
        libelle = codes[code].texte
        appreciation = v.choix(f"reponses.{code}", appreciation, libelle, grille.appreciations)
        commentaire = v.texte(f"reponses.{code}.commentaire", commentaire, libelle, maximum=2_000)
        if appreciation is None and commentaire is None:
            continue
        if appreciation is None:
            v.erreur(f"reponses.{code}", f"{libelle} : choisissez une appréciation pour ce commentaire.")
            continue
        if appreciation == "insuffisant" and not commentaire:
            v.erreur(f"reponses.{code}.commentaire", f"{libelle} : dites en un mot ce qui est insuffisant.")
        lues[code] = (appreciation, commentaire)
    if (lues or conclusion) and faite is None and "faite_le" not in v.par_champ():
        v.erreur("faite_le", "Le compte rendu suit la visite : indiquez la date à laquelle elle a été faite.")
    v.exiger()
    return DonneesVisite(prevue, faite, lieu, intervenants, lues, conclusion)


# --- Suivi renforcé -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicateurImpact:
    libelle: str
    indicateur_code: str | None = None
    unite: str | None = None
    valeur_initiale: Decimal | None = None
    cible: Decimal | None = None
    valeur_mesuree: Decimal | None = None


@dataclass(frozen=True)
class DonneesSuiviRenforce:
    motif: str
    indicateurs: tuple[IndicateurImpact, ...] = field(default_factory=tuple)


def lire_suivi_renforce(motif: str | None, indicateurs: Iterable[Mapping[str, str]],
                        codes_connus: Iterable[str] = ()) -> DonneesSuiviRenforce:
    """Le motif (obligatoire : pourquoi cette action, structurante ou expérimentale) et les indicateurs d'impact
    (``libelle``, ``indicateur_code``, ``unite``, ``valeur_initiale``, ``cible``, ``valeur_mesuree``)."""
    v = Verificateur()
    propre = v.texte("motif", motif, "Motif du suivi renforcé", obligatoire=True, maximum=4_000)
    connus = set(codes_connus)
    lus = []
    for rang, ligne in enumerate(indicateurs):
        if not any((valeur or "").strip() for valeur in ligne.values()):
            continue
        cle = f"indicateurs.{rang}"
        libelle = v.texte(f"{cle}.libelle", ligne.get("libelle"), "Indicateur", obligatoire=True,
                          maximum=LONGUEUR_TITRE)
        code = (ligne.get("indicateur_code") or "").strip() or None
        if code is not None and connus and code not in connus:
            v.erreur(f"{cle}.indicateur_code", f"« {code} » n'est pas un indicateur du référentiel.")
        unite = v.texte(f"{cle}.unite", ligne.get("unite"), "Unité", maximum=20)
        valeurs = [v.decimal(f"{cle}.{nom}", ligne.get(nom), texte, minimum=Decimal("-1e12"))
                   for nom, texte in (("valeur_initiale", "Valeur de départ"), ("cible", "Cible"),
                                      ("valeur_mesuree", "Valeur mesurée"))]
        lus.append(IndicateurImpact(libelle or "", code, unite, *valeurs))
    v.exiger()
    return DonneesSuiviRenforce(propre or "", tuple(lus))


def texte_decimal(valeur: Decimal | None) -> str | None:
    """La forme gardée en base : « 12.5 », jamais d'exposant, sans zéros inutiles (valeur exacte)."""
    if valeur is None:
        return None
    texte = format(valeur, "f")
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte or "0"


def decimal_de(texte: str | None) -> Decimal | None:
    return Decimal(texte) if texte not in (None, "") else None


def formater_decimal(valeur: Decimal | None, unite: str | None = None, *, vide: str = "") -> str:
    """« 1 234,5 » (et l'unité : « 12,5 % », « 40 personnes »)."""
    if valeur is None:
        return vide
    from instruction.domaine import nombres

    texte = nombres.formater(valeur)
    if not unite:
        return texte
    return f"{texte}\u00a0%" if unite.strip() == "%" else f"{texte} {unite}"


# --- Calendrier ---------------------------------------------------------------------------------------

COPIL, VISITE, BILAN, VERSEMENT = "copil", "visite", "bilan", "versement"
GENRES = {COPIL: "Comité de pilotage", VISITE: "Visite évaluative", BILAN: "Bilan attendu", VERSEMENT: "Versement"}


@dataclass(frozen=True)
class Evenement:
    """Une chose prévue (ou faite) un jour donné, pour une action."""

    date: dt.date
    genre: str  # une clé de GENRES
    libelle: str
    dossier_id: int | None = None
    numero: str = ""
    intitule: str = ""
    fait: bool = False

    @property
    def genre_libelle(self) -> str:
        return GENRES.get(self.genre, self.genre)


def par_mois(evenements: Iterable[Evenement], annee: int) -> dict[int, list[Evenement]]:
    """Les événements de l'année, rangés par mois (1 à 12, tous présents), dans l'ordre des dates."""
    mois: dict[int, list[Evenement]] = {m: [] for m in range(1, 13)}
    for e in sorted(evenements, key=lambda e: (e.date, e.genre, e.numero)):
        if e.date.year == annee:
            mois[e.date.month].append(e)
    return mois


def copils_manquants(annee: int, dossiers: Mapping[int, tuple[dt.date | None, dt.date | None]],
                     copils: Mapping[int, Iterable[dt.date]]) -> list[int]:
    """Les actions en cours dans l'année (dates de l'action qui la recoupent) sans copil cette année-là
    (au moins un par an, l. 3960)."""
    debut, fin = dt.date(annee, 1, 1), dt.date(annee, 12, 31)
    manquants = []
    for dossier_id, (du, au) in dossiers.items():
        if (du or debut) <= fin and (au or fin) >= debut:
            if not any(jour.year == annee for jour in copils.get(dossier_id, ())):
                manquants.append(dossier_id)
    return manquants
