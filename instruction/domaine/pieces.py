"""Les pièces jointes d'un dossier : leurs types et celles qui sont exigées.

Déclarées dans ``resources/pieces.yaml`` (notice du CERFA 12156*06). Une pièce est exigée selon le
type du porteur et le dispositif ; les statuts, la liste des dirigeants et le RIB ne le sont, pour un
renouvellement, que si le porteur a changé de nom, de représentant ou de compte depuis la demande
renouvelée (``si_modifiee``) ; les groupes d'habitants du PIC et du budget participatif déposent leurs
propres pièces au lieu du CERFA et du RIB.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from instruction.chemins import RESSOURCES
from instruction.domaine.erreurs import ReferentielInvalide

TAILLE_MAXIMUM = 25 * 1024 * 1024  # au-delà, une pièce ralentirait la base partagée


@dataclass(frozen=True)
class TypePiece:
    code: str
    libelle: str
    types_porteur: tuple[str, ...] = ()  # exigée pour ces types (« tous » pour tous)
    dispositifs: tuple[str, ...] = ()  # … et seulement pour ces dispositifs, si donnés
    ligne: int | None = None
    sauf_types: tuple[str, ...] = ()  # … sauf pour ces types de porteur
    sauf_dispositifs: tuple[str, ...] = ()  # … dans ces dispositifs (tous, si vide)
    si_modifiee: str | None = None  # renouvellement : exigée seulement si ce sujet du porteur a changé

    def exigee(self, type_porteur: str | None, dispositif: str | None, *, renouvellement: bool = False,
               changements: frozenset[str] = frozenset()) -> bool:
        """Exigée pour ce porteur et ce dispositif ; pour un renouvellement, une pièce ``si_modifiee`` ne
        l'est que si son sujet figure dans ``changements`` (ce qui a changé depuis la demande renouvelée)."""
        if not self.types_porteur:
            return False
        if "tous" not in self.types_porteur and type_porteur not in self.types_porteur:
            return False
        if self.dispositifs and dispositif not in self.dispositifs:
            return False
        if type_porteur in self.sauf_types and (not self.sauf_dispositifs or dispositif in self.sauf_dispositifs):
            return False
        return not (renouvellement and self.si_modifiee and self.si_modifiee not in changements)


@lru_cache(maxsize=1)
def types(fichier: Path = RESSOURCES / "pieces.yaml") -> tuple[TypePiece, ...]:
    import yaml

    try:
        donnees = yaml.safe_load(fichier.read_text(encoding="utf-8"))
        return tuple(
            TypePiece(
                code=p["code"],
                libelle=p["libelle"],
                types_porteur=tuple((p.get("obligatoire") or {}).get("types") or ()),
                dispositifs=tuple((p.get("obligatoire") or {}).get("dispositifs") or ()),
                ligne=p.get("ligne"),
                sauf_types=tuple(((p.get("obligatoire") or {}).get("sauf") or {}).get("types") or ()),
                sauf_dispositifs=tuple(((p.get("obligatoire") or {}).get("sauf") or {}).get("dispositifs") or ()),
                si_modifiee=p.get("si_modifiee"),
            )
            for p in donnees["pieces"]
        )
    except (OSError, KeyError, TypeError, yaml.YAMLError) as erreur:
        raise ReferentielInvalide(f"Le fichier des pièces jointes {fichier} est illisible.", detail=str(erreur)) from None


def par_code() -> dict[str, TypePiece]:
    return {t.code: t for t in types()}


def manquantes(type_porteur: str | None, dispositif: str | None, presentes: Iterable[str], *,
               renouvellement: bool = False, changements: frozenset[str] = frozenset()) -> list[TypePiece]:
    """Les pièces exigées pour ce porteur et ce dispositif qui ne sont pas jointes."""
    jointes = set(presentes)
    return [t for t in types() if t.exigee(type_porteur, dispositif, renouvellement=renouvellement,
                                           changements=changements) and t.code not in jointes]


# Les sujets de l'histoire d'un porteur qu'une pièce ``si_modifiee`` suit (``instruction.porteurs`` les date).
SUJETS = ("nom", "representant", "compte")


def changements_depuis(depuis: dt.date | None, debuts: Mapping[str, Iterable[dt.date | None]]) -> frozenset[str]:
    """Les sujets (nom, représentant, compte) dont une version commence après ``depuis`` (le dépôt de la
    demande renouvelée) : ce qui a changé depuis. Sans date de référence, rien n'est réputé changé."""
    if depuis is None:
        return frozenset()
    return frozenset(sujet for sujet, dates in debuts.items() if any(d is not None and d > depuis for d in dates))


def empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()
