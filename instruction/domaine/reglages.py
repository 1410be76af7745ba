"""Un seuil réglable tapé par l'utilisateur (critères d'éligibilité, bilans) : lu en français, vérifié.

Pur : ``services.reglages`` le garde dans la table « parametre » ; les règles déclarées (``eligibilite``,
``bilans``) disent quels seuils se règlent, leur libellé et leur valeur par défaut."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from instruction.domaine.erreurs import DonneesInvalides


def lire_seuil(libelle: str, brute: str | Decimal, *, pourcentage: bool = False, entier: bool = False) -> Decimal:
    """« 1 234,5 » → Decimal('1234.5') ; ``DonneesInvalides`` en français (préfixée du libellé du seuil) si la
    valeur n'est pas un nombre positif, dépasse 100 pour un pourcentage, n'est pas entière quand il le faut, ou a
    plus de deux décimales."""
    texte = str(brute).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        valeur = Decimal(texte)
    except InvalidOperation:
        raise DonneesInvalides(f"{libelle} : « {brute} » n'est pas un nombre.") from None
    if not valeur.is_finite() or valeur < 0:
        raise DonneesInvalides(f"{libelle} : la valeur doit être positive.")
    if entier and valeur != valeur.to_integral_value():
        raise DonneesInvalides(f"{libelle} : un nombre entier est attendu.")
    if pourcentage and valeur > 100:
        raise DonneesInvalides(f"{libelle} : un pourcentage ne dépasse pas 100.")
    if valeur.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DonneesInvalides(f"{libelle} : deux décimales au plus.")
    return valeur
