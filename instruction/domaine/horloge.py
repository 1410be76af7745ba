"""L'heure de l'application : UTC sans fuseau en base, heure de Paris à l'écran."""

from __future__ import annotations

import datetime as dt


def maintenant() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def aujourd_hui() -> dt.date:
    return dt.date.today()
