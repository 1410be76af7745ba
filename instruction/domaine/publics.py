"""Les publics d'une action (CERFA 12156, description de l'action : « public(s) cible(s) »)."""

from __future__ import annotations

TRANCHES_AGE = {
    "0-5": "0 à 5 ans",
    "6-10": "6 à 10 ans",
    "11-15": "11 à 15 ans",
    "16-17": "16 à 17 ans",
    "18-25": "18 à 25 ans",
    "26-64": "26 à 64 ans",
    "65+": "65 ans et plus",
}


def tranches(codes: str | None) -> tuple[str, ...]:
    """« 6-10,11-15 » → ("6-10", "11-15"), dans l'ordre des tranches."""
    choisis = {c.strip() for c in (codes or "").split(",") if c.strip()}
    return tuple(c for c in TRANCHES_AGE if c in choisis)


def joindre(codes: tuple[str, ...] | list[str]) -> str:
    return ",".join(c for c in TRANCHES_AGE if c in set(codes))
