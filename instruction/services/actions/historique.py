"""Les actions de l'historique d'un dossier : le lire (chaque modification, la plus récente d'abord).
L'historique est en ajout seul : aucune action ne l'écrit directement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte
    from instruction.services.historique import Entree


def du_dossier(contexte: Contexte, dossier_id: int) -> list[Entree]:
    """L'historique du dossier, du plus récent au plus ancien."""
    from instruction.services import historique

    with contexte.unite(lecture=True) as uow:
        return historique.du_dossier(uow, dossier_id)
