"""Dates à la française : « 25/11/2026 » dans les tableaux, « 25 novembre 2026 » dans les documents."""

from __future__ import annotations

import datetime as dt

from instruction.domaine.erreurs import DonneesInvalides

LOCALE = "fr_FR"
FUSEAU = "Europe/Paris"  # les horodatages sont en UTC dans la base


def formater(jour: dt.date | None, *, vide: str = "") -> str:
    if jour is None:
        return vide
    return f"{jour.day:02d}/{jour.month:02d}/{jour.year:04d}"


def formater_long(jour: dt.date) -> str:
    """« 30 novembre 2026 » ; le premier du mois s'écrit « 1er mars 2026 », comme dans les actes."""
    from babel.dates import format_date

    if jour.day == 1:
        return "1er " + format_date(jour, "MMMM yyyy", locale=LOCALE)
    return format_date(jour, "d MMMM yyyy", locale=LOCALE)


def formater_horodatage(moment: dt.datetime | None, *, vide: str = "") -> str:
    if moment is None:
        return vide
    from babel.dates import format_datetime, get_timezone

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_datetime(moment, "dd/MM/yyyy HH:mm", tzinfo=get_timezone(FUSEAU), locale=LOCALE)


def utc_depuis_paris(moment: dt.datetime) -> dt.datetime:
    """Une heure de Paris (sans fuseau) en heure UTC sans fuseau, comme la base les garde."""
    from zoneinfo import ZoneInfo

    return moment.replace(tzinfo=ZoneInfo(FUSEAU)).astimezone(dt.UTC).replace(tzinfo=None)


def lire(texte: str) -> dt.date:
    """Lit « 25/11/2026 » (ou « 25/11/26 ») ; message clair sinon."""
    brut = (texte or "").strip()
    for motif in ("%d/%m/%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(brut, motif).date()
        except ValueError:
            continue
    raise DonneesInvalides(f"« {brut} » n'est pas une date : écrivez-la jj/mm/aaaa, par exemple 25/11/2026.")


def duree_en_jours(depuis: dt.datetime, maintenant: dt.datetime) -> int:
    return max(0, (maintenant.date() - depuis.date()).days)


def formater_duree(jours: int) -> str:
    """« aujourd'hui », « 1 jour », « 12 jours », « 3 mois », « 2 ans »."""
    if jours <= 0:
        return "aujourd'hui"
    if jours < 60:
        return f"{jours} jour" + ("s" if jours > 1 else "")
    if jours < 730:
        return f"{jours // 30} mois"
    return f"{jours // 365} ans"
