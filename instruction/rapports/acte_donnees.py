"""Ce que le document d'un acte reçoit : les termes en vigueur, la fiche de l'action et son budget, les objectifs
par exercice d'une CPO, les signatures et, pour un avenant, son récit et celui des avenants précédents.

Rempli par le service des conventions (``services/actions/documents_conventions.py``) ou par le banc, puis composé
par ``rapports/acte.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from instruction.domaine.conventions import Termes


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
