"""Les actions sur les avis d'un dossier : les lire, en demander, les donner (ou corriger), relancer,
retirer une demande.

Chaque écriture relit les avis du dossier dans la même transaction : la section les affiche sans autre
aller-retour. Un avis change « Mes tâches » (à donner, en retard) ; la liste des dossiers n'en montre rien.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from instruction.services.actions import AVIS, TACHES, Fait, fait

if TYPE_CHECKING:
    import datetime as dt

    from instruction.services.avis import Destinataire, LigneAvis, SaisieAvis
    from instruction.services.contexte import Contexte, UniteDeTravail


def du_dossier(contexte: Contexte, dossier_id: int) -> list[LigneAvis]:
    """Les avis demandés sur le dossier, tels que l'utilisateur peut les lire."""
    from instruction.services import avis

    with contexte.unite(lecture=True) as uow:
        return avis.du_dossier(uow, dossier_id)


def a_demander(contexte: Contexte, dossier_id: int) -> tuple[list[Destinataire], dt.date]:
    """Les référents et cofinanceurs à qui demander un avis (proposés cochés), et l'échéance proposée."""
    from instruction.services import avis

    with contexte.unite(lecture=True) as uow:
        return avis.destinataires(uow, dossier_id), avis.echeance_proposee()


def _ecrire_puis_relire(contexte: Contexte, dossier_id: int,
                        ecrire: Callable[[UniteDeTravail], Any]) -> Fait[list[LigneAvis]]:
    from instruction.services import avis

    with contexte.unite() as uow:
        ecrire(uow)
        lignes = avis.du_dossier(uow, dossier_id)
        uow.valider()
    return fait(lignes, AVIS, TACHES, dossier=dossier_id)


def demander(contexte: Contexte, dossier_id: int, choisis: list[Destinataire],
             echeance: dt.date) -> Fait[list[LigneAvis]]:
    """Demande un avis à chacun des choisis, pour l'échéance ; rend les avis du dossier relus."""
    from instruction.services import avis

    return _ecrire_puis_relire(contexte, dossier_id, lambda uow: avis.demander(uow, dossier_id, choisis, echeance))


def donner(contexte: Contexte, dossier_id: int, demande_id: int, saisie: SaisieAvis) -> Fait[list[LigneAvis]]:
    """Donne (ou corrige) l'avis demandé ; rend les avis du dossier relus."""
    from instruction.services import avis

    return _ecrire_puis_relire(contexte, dossier_id, lambda uow: avis.donner(uow, demande_id, saisie))


def relancer(contexte: Contexte, dossier_id: int, demande_id: int) -> Fait[list[LigneAvis]]:
    """Note la relance d'un avis attendu ; rend les avis du dossier relus."""
    from instruction.services import avis

    return _ecrire_puis_relire(contexte, dossier_id, lambda uow: avis.relancer(uow, demande_id))


def retirer(contexte: Contexte, dossier_id: int, demande_id: int) -> Fait[list[LigneAvis]]:
    """Retire une demande restée sans réponse ; rend les avis du dossier relus."""
    from instruction.services import avis

    return _ecrire_puis_relire(contexte, dossier_id, lambda uow: avis.annuler(uow, demande_id))
