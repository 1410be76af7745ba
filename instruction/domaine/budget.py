"""Le plan de comptes du budget prévisionnel d'une action (CERFA 12156*06).

Charges : comptes 60 à 68, et 86 (emplois des contributions volontaires en nature).
Produits : comptes 70 à 75, et 87 (contributions volontaires en nature) ; le
compte 74 « subventions d'exploitation » porte une ligne par financeur sollicité.
Le budget d'une action doit être équilibré : total des charges = total des produits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

CHARGE, PRODUIT = "charge", "produit"
COMPTE_SUBVENTIONS = "74"


@dataclass(frozen=True)
class CompteBudgetaire:
    numero: str
    sens: str
    libelle: str


COMPTES: tuple[CompteBudgetaire, ...] = (
    CompteBudgetaire("60", CHARGE, "Achats (matières et fournitures, petit matériel)"),
    CompteBudgetaire("61", CHARGE, "Services extérieurs (locations, entretien, assurances)"),
    CompteBudgetaire("62", CHARGE, "Autres services extérieurs (honoraires, publicité, déplacements)"),
    CompteBudgetaire("63", CHARGE, "Impôts et taxes"),
    CompteBudgetaire("64", CHARGE, "Charges de personnel"),
    CompteBudgetaire("65", CHARGE, "Autres charges de gestion courante"),
    CompteBudgetaire("66", CHARGE, "Charges financières"),
    CompteBudgetaire("67", CHARGE, "Charges exceptionnelles"),
    CompteBudgetaire("68", CHARGE, "Dotations aux amortissements, provisions et engagements"),
    CompteBudgetaire("86", CHARGE, "Emplois des contributions volontaires en nature"),
    CompteBudgetaire("70", PRODUIT, "Ventes de produits finis, prestations de services, marchandises"),
    CompteBudgetaire("73", PRODUIT, "Dotations et produits de tarification"),
    CompteBudgetaire("74", PRODUIT, "Subventions d'exploitation"),
    CompteBudgetaire("75", PRODUIT, "Autres produits de gestion courante (cotisations, dons)"),
    CompteBudgetaire("76", PRODUIT, "Produits financiers"),
    CompteBudgetaire("87", PRODUIT, "Contributions volontaires en nature"),
)
PAR_NUMERO = {c.numero: c for c in COMPTES}


@dataclass(frozen=True)
class Ligne:
    sens: str
    compte: str
    montant: Decimal
    financeur: str | None = None


def total(lignes: Iterable[Ligne], sens: str) -> Decimal:
    return sum((l.montant for l in lignes if l.sens == sens), Decimal("0.00"))


def subventions_par_financeur(lignes: Iterable[Ligne]) -> dict[str, Decimal]:
    parts: dict[str, Decimal] = {}
    for l in lignes:
        if l.sens == PRODUIT and l.compte == COMPTE_SUBVENTIONS and l.financeur:
            parts[l.financeur] = parts.get(l.financeur, Decimal("0.00")) + l.montant
    return parts


def ecart(lignes: Iterable[Ligne]) -> Decimal:
    """Charges moins produits : zéro pour un budget équilibré."""
    lignes = list(lignes)
    return total(lignes, CHARGE) - total(lignes, PRODUIT)


@dataclass(frozen=True)
class Part:
    financeur: str
    montant: Decimal
    part: Decimal | None  # fraction exacte du coût total, arrondie à 0,01 % ; None si le coût est nul


@dataclass(frozen=True)
class Synthese:
    total_charges: Decimal
    total_produits: Decimal
    ecart: Decimal  # charges − produits
    subventions: Decimal  # total du compte 74
    parts: tuple[Part, ...]

    @property
    def equilibre(self) -> bool:
        return self.ecart == 0


def part_de(montant: Decimal, total: Decimal) -> Decimal | None:
    """``montant / total`` calculé en fraction exacte puis arrondi au dix-millième (0,01 %)."""
    from fractions import Fraction

    if total == 0:
        return None
    fraction = Fraction(montant) / Fraction(total)
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(Decimal("0.0001"))


def synthese(lignes: Iterable[Ligne]) -> Synthese:
    """Totaux, écart et part de chaque financeur dans le coût total, exacts au centime."""
    lignes = list(lignes)
    charges = total(lignes, CHARGE)
    produits = total(lignes, PRODUIT)
    par_financeur = subventions_par_financeur(lignes)
    return Synthese(
        total_charges=charges,
        total_produits=produits,
        ecart=charges - produits,
        subventions=sum(par_financeur.values(), Decimal("0.00")),
        parts=tuple(Part(f, m, part_de(m, charges)) for f, m in par_financeur.items()),
    )
