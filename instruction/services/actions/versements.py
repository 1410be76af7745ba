"""Les actions des versements d'une convention : situation (échéancier, exercices, mouvements), verser,
reverser, compte rendu financier reçu / validé, exercice d'une CPO confirmé, solde réduit ; restes à payer.

Chaque écriture relit la situation dans la même transaction. Un versement peut faire passer le dossier
« en cours » ou « soldé » : les listes de dossiers se relisent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instruction.services.actions import CONVENTIONS, DOSSIERS, INSTRUCTION, TACHES, VERSEMENTS, Fait, fait

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from instruction.services.contexte import Contexte, UniteDeTravail
    from instruction.services.versements import ResteAPayer, SituationVersements


def situation(contexte: Contexte, convention_id: int) -> SituationVersements:
    from instruction.services import versements

    with contexte.unite(lecture=True) as uow:
        return versements.situation(uow, convention_id)


def _ecrire(contexte: Contexte, convention_id: int,
            ecrire: Callable[[UniteDeTravail], Any]) -> Fait[SituationVersements]:
    from instruction.db.modeles.conventions import Convention
    from instruction.services import versements

    with contexte.unite() as uow:
        ecrire(uow)
        resultat = versements.situation(uow, convention_id)
        dossier_id = uow.session.get(Convention, convention_id).dossier_id
        uow.valider()
    return fait(resultat, VERSEMENTS, CONVENTIONS, DOSSIERS, INSTRUCTION, TACHES, dossier=dossier_id)


def verser(contexte: Contexte, convention_id: int, exercice: int, nature: str, montant: Decimal, le: dt.date,
           mandat: str, engagement: str | None = None) -> Fait[SituationVersements]:
    from instruction.services import versements

    return _ecrire(contexte, convention_id, lambda uow: versements.verser(
        uow, convention_id, exercice, nature, montant, le, mandat, engagement))


def reverser(contexte: Contexte, convention_id: int, exercice: int, montant: Decimal, titre: str, le: dt.date,
             motif: str) -> Fait[SituationVersements]:
    from instruction.services import versements

    return _ecrire(contexte, convention_id, lambda uow: versements.reverser(
        uow, convention_id, exercice, montant, titre, le, motif))


def noter_compte_rendu(contexte: Contexte, convention_id: int, exercice: int, recu_le: dt.date | None,
                       valide_le: dt.date | None) -> Fait[SituationVersements]:
    from instruction.services import versements

    return _ecrire(contexte, convention_id, lambda uow: versements.noter_compte_rendu(
        uow, convention_id, exercice, recu_le, valide_le))


def confirmer_exercice(contexte: Contexte, convention_id: int, exercice: int,
                       vote_le: dt.date) -> Fait[SituationVersements]:
    from instruction.services import versements

    return _ecrire(contexte, convention_id, lambda uow: versements.confirmer_exercice(
        uow, convention_id, exercice, vote_le))


def solder(contexte: Contexte, convention_id: int, motif: str) -> Fait[SituationVersements]:
    from instruction.services import versements

    return _ecrire(contexte, convention_id, lambda uow: versements.solder(uow, convention_id, motif))


def restes_a_payer(contexte: Contexte, annee: int | None = None) -> list[ResteAPayer]:
    from instruction.services import versements

    with contexte.unite(lecture=True) as uow:
        return versements.restes_a_payer(uow, annee)


def exporter_restes(contexte: Contexte, chemin: Path, annee: int | None = None) -> Path:
    from instruction.services import versements

    with contexte.unite(lecture=True) as uow:
        return versements.exporter_restes(uow, Path(chemin), annee)
