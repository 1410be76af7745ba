"""Les actions de l'approche budgétaire intégrée : les choix offerts (années, dispositifs) et le rapport
des montants demandés et accordés par cotation des grilles transversales. Rien n'y est écrit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from instruction.services.approche_budgetaire import ApprocheBudgetaire
    from instruction.services.contexte import Contexte


def choix(contexte: Contexte) -> tuple[list[int], list[tuple[str, str]]]:
    """Les années de programmation (la plus récente d'abord) et les dispositifs instruits (code, libellé)."""
    from instruction.services import approche_budgetaire

    with contexte.unite(lecture=True) as uow:
        return approche_budgetaire.annees(uow), approche_budgetaire.dispositifs(uow)


def rapport(contexte: Contexte, annee: int, grille: str, perimetre: str, dispositif: str | None) -> ApprocheBudgetaire:
    """Les montants demandés et accordés de l'année, par cotation de la grille, financeur et dispositif."""
    from instruction.services import approche_budgetaire

    with contexte.unite(lecture=True) as uow:
        return approche_budgetaire.rapport(uow, annee, grille, perimetre, dispositif)
