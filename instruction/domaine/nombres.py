"""Nombres à la française : « 100 000 », « 12,5 % »."""

from __future__ import annotations

from decimal import Decimal

LOCALE = "fr_FR"


def formater(nombre: int | Decimal) -> str:
    from babel.numbers import format_decimal

    return format_decimal(nombre, locale=LOCALE)


def pourcentage(part: Decimal) -> str:
    """``Decimal("0.125")`` → « 12,5 % »."""
    from babel.numbers import format_percent

    return format_percent(part, format="#,##0.#\u00a0%", locale=LOCALE)
