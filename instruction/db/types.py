"""Types de colonnes propres au domaine."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

from instruction.domaine.argent import depuis_centimes, en_centimes


class Argent(TypeDecorator[Decimal]):
    """Un montant en euros, ``Decimal`` côté Python, entier de centimes en base.

    Aucun arrondi silencieux : un montant plus précis que le centime est refusé.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> int | None:
        if value is None:
            return None
        return en_centimes(value)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        if value is None:
            return None
        return depuis_centimes(value)
