"""L'évaluation du contrat de ville (règles pures) : valeurs des indicateurs, séries dans le temps, échéances.

« Une partie de l'évaluation aura lieu en continu tout au long du processus. Un point d'étape à mi-parcours en
2027 [...] une évaluation globale en 2030 » (contrat de ville, l. 4015) ; les indicateurs de chaque objectif
stratégique (l. 4019-4076, ``resources/referentiel/indicateurs.yaml``) sont « une base de travail » (l. 4025).
Chaque indicateur reçoit au plus une valeur par année ; l'une d'elles peut être la **situation de référence**
(le point de départ, souvent l'année avant le contrat). Une valeur est un nombre exact (``Decimal``), une
appréciation en texte (indicateurs qualitatifs), ou les deux.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from instruction.domaine.validation import Verificateur

DEBUT_CONTRAT, FIN_CONTRAT = 2024, 2030
ANNEE_MINIMUM, ANNEE_MAXIMUM = 2010, 2035
ECHEANCES = {2027: "Évaluation à mi-parcours", 2030: "Évaluation finale"}  # l. 4015


@dataclass(frozen=True)
class DonneesValeur:
    valeur: Decimal | None
    texte: str | None
    source: str | None
    date_valeur: dt.date | None
    reference: bool


def lire_valeur(annee: int, saisie: Mapping[str, str], aujourd_hui: dt.date) -> DonneesValeur:
    """``valeur`` (nombre, virgule ou point, signe permis : une évolution peut baisser), ``texte``, ``source``,
    ``date_valeur`` (jj/mm/aaaa), ``reference`` (« oui »). Une valeur ou un texte au moins ; une date de valeur
    pas dans le futur."""
    v = Verificateur()
    if not ANNEE_MINIMUM <= annee <= ANNEE_MAXIMUM:
        v.erreur("annee", f"Année {annee} : choisissez une année de {ANNEE_MINIMUM} à {ANNEE_MAXIMUM}.")
    valeur = v.decimal("valeur", saisie.get("valeur"), "Valeur", minimum=Decimal("-1e15"), maximum=Decimal("1e15"))
    texte = v.texte("texte", saisie.get("texte"), "Appréciation", maximum=4_000)
    if valeur is None and texte is None and "valeur" not in v.par_champ():
        v.erreur("valeur", "Indiquez une valeur (un nombre) ou, pour un indicateur qualitatif, une appréciation.")
    source = v.texte("source", saisie.get("source"), "Source", maximum=500)
    date_valeur = v.date("date_valeur", saisie.get("date_valeur"), "Date de la valeur")
    if date_valeur is not None and date_valeur > aujourd_hui:
        v.erreur("date_valeur", "La date de la valeur ne peut pas être après aujourd'hui.")
    reference = (saisie.get("reference") or "").strip().lower() in ("oui", "1", "vrai", "true")
    v.exiger()
    return DonneesValeur(valeur, texte, source, date_valeur, reference)


@dataclass(frozen=True)
class Point:
    annee: int
    valeur: Decimal | None
    texte: str | None
    reference: bool
    source: str | None
    date_valeur: dt.date | None
    saisi_par: str
    saisi_le: dt.datetime


@dataclass(frozen=True)
class Serie:
    """Un indicateur et ses valeurs dans le temps (années croissantes)."""

    code: str
    libelle: str
    objectif: str | None  # code de l'objectif stratégique (rien : transversal)
    niveau: str
    proprietaire: str | None
    nature: str | None
    points: tuple[Point, ...]
    ligne: int | None = None

    @property
    def reference(self) -> Point | None:
        return next((p for p in self.points if p.reference), None)

    @property
    def derniere(self) -> Point | None:
        return self.points[-1] if self.points else None

    def valeur(self, annee: int) -> Decimal | None:
        return next((p.valeur for p in self.points if p.annee == annee), None)

    @property
    def evolution(self) -> tuple[Decimal, Decimal | None] | None:
        """De la référence à la dernière valeur : l'écart, et l'écart relatif (rien si la référence est nulle)."""
        depart, fin = self.reference, self.derniere
        if depart is None or fin is None or fin is depart or depart.valeur is None or fin.valeur is None:
            return None
        ecart = fin.valeur - depart.valeur
        return ecart, (ecart / depart.valeur if depart.valeur else None)

    def indices(self, annees: list[int]) -> list[Decimal | None]:
        """Base 100 à la référence (pour comparer des indicateurs d'unités différentes) ; rien sans référence."""
        depart = self.reference
        if depart is None or not depart.valeur:
            return [None for _a in annees]
        return [(v * 100 / depart.valeur).quantize(Decimal("0.1")) if (v := self.valeur(a)) is not None else None
                for a in annees]


def annees_du_rapport(echeance: int, points: list[Point] | None = None) -> list[int]:
    """Les années d'un rapport : de la plus ancienne référence (ou l'année avant le contrat) à l'échéance."""
    depart = min([DEBUT_CONTRAT - 1] + [p.annee for p in points or () if p.reference])
    return list(range(depart, echeance + 1))
