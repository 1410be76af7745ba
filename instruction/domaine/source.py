"""Le texte du contrat de ville, pour montrer à l'utilisateur d'où vient une règle ou un libellé."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from instruction.chemins import SOURCE_CONTRAT

TITRE = "Contrat de ville « Engagements Quartiers 2030 » (Grand Calais Terres & Mers)"


@dataclass(frozen=True)
class Extrait:
    cible: int
    lignes: tuple[tuple[int, str], ...]  # (numéro, texte), lignes vides omises


@lru_cache(maxsize=1)
def _lignes() -> tuple[str, ...]:
    return tuple(SOURCE_CONTRAT.read_text(encoding="utf-8").splitlines())


def nombre_de_lignes() -> int:
    return len(_lignes())


def ligne(numero: int) -> str:
    """La ligne ``numero`` (numérotée à partir de 1, comme ``grep -n``)."""
    return _lignes()[numero - 1]


def extrait(numero: int, autour: int = 2) -> Extrait:
    """La ligne ``numero`` et ses voisines non vides (au plus ``autour`` de chaque côté)."""
    tout = _lignes()
    if not 1 <= numero <= len(tout):
        raise IndexError(f"le contrat n'a pas de ligne {numero}")
    avant = [i for i in range(numero - 1, 0, -1) if tout[i - 1].strip()][:autour]
    apres = [i for i in range(numero + 1, len(tout) + 1) if tout[i - 1].strip()][:autour]
    numeros = sorted([*avant, numero, *apres])
    return Extrait(numero, tuple((n, tout[n - 1]) for n in numeros))
