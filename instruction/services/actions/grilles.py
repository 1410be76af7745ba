"""Actions de la section « Grilles transversales » : répondre, retenir une cotation, recoter."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from instruction.services.actions import COTATIONS, DOSSIERS, Fait, fait

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte, UniteDeTravail
    from instruction.services.cotations import GrilleDuDossier

Reponses = Mapping[tuple[str, str], tuple[str | None, str | None]]  # (grille, question) → (réponse, commentaire)


def lire(contexte: Contexte, dossier_id: int) -> list[GrilleDuDossier]:
    """Les grilles du dossier, avec leurs réponses et leur cotation."""
    from instruction.services import cotations

    with contexte.unite(lecture=True) as uow:
        return cotations.lire(uow, dossier_id)


def _ecrire_puis_relire(contexte: Contexte, dossier_id: int, ecrire: Callable[[UniteDeTravail], Any]) -> Fait:
    from instruction.services import cotations

    with contexte.unite() as uow:
        ecrire(uow)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        vues = cotations.lire(uow, dossier_id)
    return fait(vues, COTATIONS, DOSSIERS, dossier=dossier_id)


def repondre(contexte: Contexte, dossier_id: int, lot: Reponses) -> Fait:
    """Un lot de réponses (une transaction pour toutes), puis les grilles relues."""
    from instruction.services import cotations

    par_grille: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    for (grille, question), valeur in lot.items():
        par_grille.setdefault(grille, {})[question] = valeur

    def ecrire(uow: UniteDeTravail) -> None:
        for grille, reponses in par_grille.items():
            cotations.repondre_plusieurs(uow, dossier_id, grille, reponses)

    return _ecrire_puis_relire(contexte, dossier_id, ecrire)


def retenir(contexte: Contexte, dossier_id: int, grille: str, cotation: int | None, motif: str) -> Fait:
    """Retient une autre cotation que la calculée, avec son motif (ou revient à la calculée)."""
    from instruction.services import cotations

    return _ecrire_puis_relire(contexte, dossier_id,
                               lambda uow: cotations.retenir(uow, dossier_id, grille, cotation, motif))


def recoter(contexte: Contexte, dossier_id: int, grille: str) -> Fait:
    """Passe la grille du dossier à la version en vigueur et recalcule sa cotation."""
    from instruction.services import cotations

    return _ecrire_puis_relire(contexte, dossier_id, lambda uow: cotations.recoter(uow, dossier_id, grille))
