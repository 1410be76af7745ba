"""Les grilles transversales : questions, poids, seuils, versions, et le calcul de la cotation.

Une grille (``resources/grilles/*.yaml``) a des versions qui ne se modifient pas ; chaque version
donne ses questions groupées par étape du projet, la valeur des réponses et les règles qui mènent du
score à la cotation 0, 1 ou 2. Un dossier garde la définition de la version avec laquelle il a été
coté (copie en base) : changer une grille ne change jamais une cotation passée en silence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from instruction.domaine import nombres
from instruction.chemins import RESSOURCES
from instruction.domaine.erreurs import ReferentielInvalide

DOSSIER = RESSOURCES / "grilles"
OUI, PARTIELLEMENT, NON, SANS_OBJET = "oui", "partiellement", "non", "sans_objet"
REPONSES = {OUI: "Oui", PARTIELLEMENT: "Partiellement", NON: "Non", SANS_OBJET: "Sans objet"}
COTATIONS = (0, 1, 2)
# L'ordre des thématiques transversales du contrat de ville (l. 2629-2631).
ORDRE = ("egalite-femmes-hommes", "illettrisme-illectronisme", "handicap")


@dataclass(frozen=True)
class Question:
    code: str
    texte: str
    poids: int
    etape: str


@dataclass(frozen=True)
class RegleCotation:
    cotation: int
    libelle: str
    score_minimum: Decimal
    exige: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Version:
    numero: int
    note: str
    points: Mapping[str, int]
    cotations: tuple[RegleCotation, ...]
    questions: tuple[Question, ...]

    @property
    def etapes(self) -> list[str]:
        vues: list[str] = []
        for q in self.questions:
            if q.etape not in vues:
                vues.append(q.etape)
        return vues

    def libelle_cotation(self, cotation: int | None) -> str:
        return next((r.libelle for r in self.cotations if r.cotation == cotation), "")

    def en_dict(self) -> dict[str, Any]:
        """La définition complète, telle qu'elle est gardée avec le dossier (JSON)."""
        etapes: list[dict[str, Any]] = []
        for q in self.questions:
            if not etapes or etapes[-1]["libelle"] != q.etape:
                etapes.append({"libelle": q.etape, "questions": []})
            etapes[-1]["questions"].append({"code": q.code, "texte": q.texte, "poids": q.poids})
        return {
            "version": self.numero, "note": self.note, "points": dict(self.points),
            "cotations": [{"cotation": r.cotation, "libelle": r.libelle, "score_minimum": str(r.score_minimum),
                           "exige": {k: list(v) for k, v in r.exige.items()}} for r in self.cotations],
            "etapes": etapes,
        }

    def empreinte(self) -> str:
        return hashlib.sha256(json.dumps(self.en_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def version_depuis(donnees: Mapping[str, Any], ou: str = "") -> Version:
    """Lit une version (d'un fichier YAML ou de la copie gardée avec un dossier) et la vérifie."""
    try:
        questions = tuple(
            Question(str(q["code"]), " ".join(str(q["texte"]).split()), int(q.get("poids", 1)), str(e["libelle"]))
            for e in donnees["etapes"] for q in e["questions"]
        )
        version = Version(
            numero=int(donnees["version"]),
            note=str(donnees.get("note", "")),
            points={str(k): int(v) for k, v in donnees["points"].items()},
            cotations=tuple(
                RegleCotation(int(r["cotation"]), str(r["libelle"]), Decimal(str(r.get("score_minimum", 0))),
                              {str(k): tuple(v) for k, v in (r.get("exige") or {}).items()})
                for r in donnees["cotations"]
            ),
            questions=questions,
        )
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as erreur:
        raise ReferentielInvalide(f"Grille {ou} illisible : {erreur!r}.") from None
    _verifier(version, ou)
    return version


def _verifier(v: Version, ou: str) -> None:
    codes = [q.code for q in v.questions]
    problemes = []
    if not codes:
        problemes.append("aucune question")
    if len(set(codes)) != len(codes):
        problemes.append("codes de questions en double")
    if set(v.points) - {OUI, PARTIELLEMENT, NON} or OUI not in v.points:
        problemes.append("les points doivent être donnés pour oui, partiellement, non")
    if any(q.poids <= 0 for q in v.questions):
        problemes.append("un poids doit être positif")
    if {r.cotation for r in v.cotations} - set(COTATIONS):
        problemes.append("une cotation vaut 0, 1 ou 2")
    if not v.cotations or v.cotations[-1].score_minimum != 0 or v.cotations[-1].exige:
        problemes.append("la dernière règle de cotation doit s'appliquer à tout score (score_minimum 0, rien d'exigé)")
    for r in v.cotations:
        for code, reponses in r.exige.items():
            if code not in codes:
                problemes.append(f"la cotation {r.cotation} exige une question inconnue : {code}")
            if set(reponses) - set(REPONSES):
                problemes.append(f"réponse inconnue exigée pour {code}")
    if problemes:
        raise ReferentielInvalide(f"Grille {ou} version {v.numero} incorrecte : " + " ; ".join(problemes) + ".")


@dataclass(frozen=True)
class Grille:
    code: str
    theme: str
    libelle: str
    court: str
    source: str
    versions: tuple[Version, ...]
    # Exigée pour terminer l'instruction (« doit être remplie pour chaque projet », l. 2647 pour l'égalité) ;
    # le contrat n'exige aucune autre grille : celles-là sont facultatives.
    obligatoire: bool = False

    @property
    def courante(self) -> Version:
        return self.versions[-1]

    def version(self, numero: int) -> Version | None:
        return next((v for v in self.versions if v.numero == numero), None)


def charger(dossier: Path | None = None) -> tuple[Grille, ...]:
    """Les grilles de ``dossier`` (par défaut ``DOSSIER``, lu au moment de l'appel), dans l'ordre du contrat."""
    return _charger(Path(dossier or DOSSIER))


@lru_cache(maxsize=8)
def _charger(dossier: Path) -> tuple[Grille, ...]:
    import yaml

    grilles = []
    for fichier in sorted(Path(dossier).glob("*.yaml")):
        try:
            d = yaml.safe_load(fichier.read_text(encoding="utf-8"))
            source = d["source"]
            texte_source = source["texte"] + (f", l. {', '.join(str(l) for l in source['lignes'])}"
                                              if source.get("lignes") else "")
            versions = tuple(version_depuis(v, f"{fichier.name}") for v in d["versions"])
            obligatoire = d.get("obligatoire", False)
            if not isinstance(obligatoire, bool):
                raise ReferentielInvalide(f"La grille {fichier.name} : « obligatoire » vaut true ou false.")
            grille = Grille(str(d["code"]), str(d["theme"]), str(d["libelle"]), str(d.get("court", d["libelle"])),
                            texte_source, versions, obligatoire)
        except ReferentielInvalide:
            raise
        except (OSError, KeyError, TypeError, yaml.YAMLError) as erreur:
            raise ReferentielInvalide(f"La grille {fichier} est illisible.", detail=str(erreur)) from None
        numeros = [v.numero for v in versions]
        if not numeros or numeros != sorted(set(numeros)):
            raise ReferentielInvalide(f"La grille {fichier.name} : versions absentes ou pas dans l'ordre croissant.")
        grilles.append(grille)
    rang = {code: i for i, code in enumerate(ORDRE)}
    return tuple(sorted(grilles, key=lambda g: (rang.get(g.code, len(rang)), g.code)))


def par_code(dossier: Path | None = None) -> dict[str, Grille]:
    return {g.code: g for g in charger(dossier)}


# --- Calcul ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resultat:
    score: Decimal | None  # en %, au dixième ; None si aucune question ne s'applique
    cotation: int | None  # None tant que des questions n'ont pas de réponse
    sans_reponse: int
    explication: str


def coter(version: Version, reponses: Mapping[str, str | None]) -> Resultat:
    """Le score et la cotation d'un jeu de réponses (``question → oui | partiellement | non | sans_objet``)."""
    inconnues = [r for r in reponses.values() if r is not None and r not in REPONSES]
    if inconnues:
        raise ValueError(f"Réponse inconnue : {inconnues[0]}")
    manquantes = [q for q in version.questions if not reponses.get(q.code)]
    applicables = [q for q in version.questions if reponses.get(q.code) not in (None, SANS_OBJET)]
    obtenus = sum(version.points.get(reponses[q.code], 0) * q.poids for q in applicables)
    maximum = max(version.points.values())
    possibles = sum(maximum * q.poids for q in applicables)
    score = (Decimal(obtenus * 100) / Decimal(possibles)).quantize(Decimal("0.1"), ROUND_HALF_UP) if possibles else None
    sans_objet = sum(1 for q in version.questions if reponses.get(q.code) == SANS_OBJET)
    detail = (f"{obtenus} points sur {possibles}" + (f", {sans_objet} question(s) sans objet" if sans_objet else "")
              if possibles else "aucune question ne s'applique à l'action")
    if manquantes:
        texte_score = f"score provisoire {nombres.formater(score)} %" if score is not None else "pas de score"
        return Resultat(score, None, len(manquantes),
                        f"{len(manquantes)} question(s) sans réponse ; {texte_score} ({detail}).")
    regle = next(r for r in version.cotations if _remplie(r, score, reponses))
    texte_score = f"Score {nombres.formater(score)} %" if score is not None else "Pas de score"
    return Resultat(score, regle.cotation, 0, f"{texte_score} ({detail}) : cotation {regle.cotation}, {regle.libelle[0].lower()}"
                    f"{regle.libelle[1:]}.")


def _remplie(regle: RegleCotation, score: Decimal | None, reponses: Mapping[str, str | None]) -> bool:
    if regle.score_minimum > 0 and (score is None or score < regle.score_minimum):
        return False
    return all(reponses.get(code) in permises for code, permises in regle.exige.items())
