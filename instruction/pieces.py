"""Les pièces jointes d'un dossier : leurs types et celles qui sont exigées.

Déclarées dans ``resources/pieces.yaml`` (notice du CERFA 12156*06).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from instruction.chemins import RESSOURCES
from instruction.erreurs import ReferentielInvalide

TAILLE_MAXIMUM = 25 * 1024 * 1024  # au-delà, une pièce ralentirait la base partagée


@dataclass(frozen=True)
class TypePiece:
    code: str
    libelle: str
    types_porteur: tuple[str, ...] = ()  # exigée pour ces types (« tous » pour tous)
    dispositifs: tuple[str, ...] = ()  # … et seulement pour ces dispositifs, si donnés
    ligne: int | None = None

    def exigee(self, type_porteur: str | None, dispositif: str | None) -> bool:
        if not self.types_porteur:
            return False
        if "tous" not in self.types_porteur and type_porteur not in self.types_porteur:
            return False
        return not self.dispositifs or dispositif in self.dispositifs


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
            )
            for p in donnees["pieces"]
        )
    except (OSError, KeyError, TypeError, yaml.YAMLError) as erreur:
        raise ReferentielInvalide(f"Le fichier des pièces jointes {fichier} est illisible.", detail=str(erreur)) from None


def par_code() -> dict[str, TypePiece]:
    return {t.code: t for t in types()}


def manquantes(type_porteur: str | None, dispositif: str | None, presentes: Iterable[str]) -> list[TypePiece]:
    """Les pièces exigées pour ce porteur et ce dispositif qui ne sont pas jointes."""
    jointes = set(presentes)
    return [t for t in types() if t.exigee(type_porteur, dispositif) and t.code not in jointes]


def empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()
