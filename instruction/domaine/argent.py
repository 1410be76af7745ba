"""L'argent, toujours exact : ``Decimal`` au centime, jamais de ``float``.

En base, les montants sont des entiers de centimes (voir ``instruction.db.types``).
Le formatage et la lecture suivent les conventions françaises (« 1 234,56 € »)
grâce à Babel ; les montants en lettres des conventions viennent de num2words.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from instruction.domaine.erreurs import DonneesInvalides

# Babel et num2words sont importés à la première utilisation : la fenêtre principale
# se peint avant d'en avoir besoin (démarrage rapide).

LOCALE = "fr_FR"
CENTIME = Decimal("0.01")
ZERO = Decimal("0.00")
# Au-delà, une saisie est presque sûrement une faute de frappe (dix milliards d'euros).
MONTANT_MAXIMUM = Decimal("9999999999.99")

_ESPACE_FINE = "\u202f"
_ESPACES = (" ", "\u00a0", "\u2007", "\u2009")
# Chiffres, espaces de milliers, une virgule décimale : pas d'exposant ni de lettres.
_FORME_MONTANT = re.compile(r"^[+-]?\d[\d\u202f]*(,\d*)?$")


def en_centimes(montant: Decimal) -> int:
    """Nombre entier de centimes ; refuse un montant plus précis que le centime."""
    if not isinstance(montant, Decimal):
        raise TypeError(f"un montant doit être un Decimal, pas {type(montant).__name__}")
    centimes = montant * 100
    if centimes != centimes.to_integral_value():
        raise DonneesInvalides(
            f"Le montant {format(montant, 'f').replace('.', ',')} a plus de deux décimales : "
            "un montant s'exprime au centime près."
        )
    return int(centimes)


def depuis_centimes(centimes: int) -> Decimal:
    return (Decimal(int(centimes)) / 100).quantize(CENTIME)


def euros(valeur: int | str) -> Decimal:
    """Raccourci exact pour écrire un montant dans le code : ``euros("1234.56")``."""
    return Decimal(str(valeur)).quantize(CENTIME)


def formater(montant: Decimal | None, *, vide: str = "") -> str:
    """« 1 234,56 € » (espace fine insécable entre les milliers, comme l'écrit Babel)."""
    if montant is None:
        return vide
    from babel.numbers import format_currency

    return format_currency(montant, "EUR", locale=LOCALE)


def formater_centimes(centimes: int | None, *, vide: str = "") -> str:
    if centimes is None:
        return vide
    return formater(depuis_centimes(centimes))


def lire(texte: str, *, negatif_permis: bool = False) -> Decimal:
    """Lit un montant tapé à la française (« 1 234,56 », « 1234,5 €», « 12 000 »).

    Lève ``DonneesInvalides`` avec un message qui dit quoi corriger.
    """
    brut = (texte or "").strip()
    if not brut:
        raise DonneesInvalides("Indiquez un montant.")
    nettoye = brut.replace("€", "").replace("EUR", "").strip()
    for espace in _ESPACES:
        nettoye = nettoye.replace(espace, _ESPACE_FINE)
    if "." in nettoye and "," not in nettoye and nettoye.count(".") == 1:
        nettoye = nettoye.replace(".", ",")
    if not _FORME_MONTANT.match(nettoye):
        raise DonneesInvalides(
            f"« {brut} » n'est pas un montant : écrivez par exemple 1 234,56."
        )
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        montant = parse_decimal(nettoye, locale=LOCALE, strict=True)
    except (NumberFormatError, InvalidOperation):
        raise DonneesInvalides(
            f"« {brut} » n'est pas un montant : écrivez par exemple 1 234,56."
        ) from None
    if not montant.is_finite():
        raise DonneesInvalides(f"« {brut} » n'est pas un montant.")
    if montant < 0 and not negatif_permis:
        raise DonneesInvalides("Un montant ne peut pas être négatif.")
    if abs(montant) > MONTANT_MAXIMUM:
        raise DonneesInvalides("Ce montant dépasse dix milliards d'euros : vérifiez la saisie.")
    en_centimes(montant)  # refuse les fractions de centime avec un message clair
    return montant.quantize(CENTIME)


def en_lettres(montant: Decimal) -> str:
    """« vingt-trois mille euros et cinquante centimes », « douze mille euros », « un million d'euros ».

    Les nombres viennent de num2words ; l'accord (« un euro », « deux millions d'euros ») et l'absence
    de « zéro centime » pour un montant rond suivent l'usage des actes administratifs.
    """
    from num2words import num2words

    centimes = en_centimes(montant)
    signe = "moins " if centimes < 0 else ""
    euros_entiers, reste = divmod(abs(centimes), 100)
    mots = num2words(euros_entiers, lang="fr")
    if euros_entiers == 1:
        partie_euros = f"{mots} euro"
    elif mots.endswith(("million", "millions", "milliard", "milliards")):
        partie_euros = f"{mots} d'euros"
    else:
        partie_euros = f"{mots} euros"
    if reste == 0:
        return signe + partie_euros
    partie_centimes = f"{num2words(reste, lang='fr')} centime{'s' if reste > 1 else ''}"
    if euros_entiers == 0:
        return signe + partie_centimes
    return f"{signe}{partie_euros} et {partie_centimes}"


def repartir_entiers(total: int, poids: list[int]) -> list[int]:
    """Partage l'entier ``total`` selon des poids entiers (méthode des plus forts restes).

    La somme des parts vaut toujours exactement ``total``.
    """
    if not poids or sum(poids) <= 0 or min(poids) < 0:
        raise ValueError("il faut des poids positifs, dont au moins un non nul")
    somme = sum(poids)
    parts = [total * p // somme for p in poids]
    restes = sorted(range(len(poids)), key=lambda i: (total * poids[i] % somme, -i), reverse=True)
    for i in restes[: total - sum(parts)]:
        parts[i] += 1
    return parts


def repartir(total: Decimal, poids: list[int]) -> list[Decimal]:
    """Partage ``total`` au centime près selon des poids entiers.

    La somme des parts vaut toujours exactement ``total`` : c'est ce qui permet de
    reproduire au centime des totaux publiés.
    """
    return [depuis_centimes(p) for p in repartir_entiers(en_centimes(total), poids)]
