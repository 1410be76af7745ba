"""Actions de la section « Instruction » d'un dossier : circuit, compléments, montants accordés,
examen d'éligibilité, fiche d'instruction, réglages.

Chaque écriture est validée, puis l'état d'instruction est relu dans une nouvelle transaction (ce que
montre la section) : la relecture voit exactement ce qui a été validé.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instruction.services.actions import DOSSIERS, INSTRUCTION, REGLAGES, TACHES, Fait, fait

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte, UniteDeTravail
    from instruction.services.examen import Evaluation, Reglage
    from instruction.services.instruction import EtatInstruction, PropositionSaisie


def _ecrire_puis_relire(contexte: Contexte, dossier_id: int, ecrire: Callable[[UniteDeTravail], Any]) -> Fait:
    from instruction.services import instruction as circuit

    with contexte.unite() as uow:
        ecrire(uow)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        etat = circuit.lire(uow, dossier_id)
    return fait(etat, INSTRUCTION, DOSSIERS, TACHES, dossier=dossier_id)


def lire(contexte: Contexte, dossier_id: int) -> EtatInstruction:
    """L'état d'instruction du dossier (circuit, compléments, recevabilité, examen, montants)."""
    from instruction.services import instruction as circuit

    with contexte.unite(lecture=True) as uow:
        return circuit.lire(uow, dossier_id)


def changer_etat(contexte: Contexte, dossier_id: int, vers: str, motif: str | None = None, *,
                 echeance: dt.date | None = None, montants: Mapping[str, Decimal] | None = None,
                 le: dt.date | None = None, proposition: PropositionSaisie | None = None,
                 justification: str | None = None) -> Fait:
    """Un passage du circuit (avec motif, échéance des compléments, montants accordés, proposition de
    l'instructeur), à sa date métier ``le`` (par défaut, aujourd'hui ; la séance pour une décision du comité)."""
    from instruction.services import instruction as circuit

    return _ecrire_puis_relire(contexte, dossier_id, lambda uow: circuit.changer_etat(
        uow, dossier_id, vers, motif, echeance=echeance, montants=montants, le=le, proposition=proposition,
        justification=justification))


def montants_pre_remplis(contexte: Contexte, dossier_id: int) -> dict[str, tuple[Decimal, str]]:
    """Les montants à proposer au comité, par financeur : ceux des avis, sinon ceux demandés."""
    from instruction.services import montants_accordes

    with contexte.unite(lecture=True) as uow:
        return montants_accordes.montants_pre_remplis(uow, dossier_id)


def modifier_montants_accordes(contexte: Contexte, dossier_id: int, montants: Mapping[str, Decimal],
                               version: int | None, justification: str | None = None) -> Fait:
    """Corrige les montants accordés par le comité (``justification`` : pourquoi un montant dépasse la demande) ; ``version`` : celle des montants lus par l'écran (un autre
    poste qui les a changés depuis fait refuser l'enregistrement, rien n'est écrasé)."""
    from instruction.services import montants_accordes

    return _ecrire_puis_relire(contexte, dossier_id, lambda uow: montants_accordes.modifier_montants_accordes(
        uow, dossier_id, montants, version=version, justification=justification))


def demander_complements(contexte: Contexte, dossier_id: int, objet: str, echeance: dt.date | None) -> Fait:
    """Demande des compléments au porteur."""
    from instruction.services import instruction as circuit

    return _ecrire_puis_relire(contexte, dossier_id,
                               lambda uow: circuit.demander_complements(uow, dossier_id, objet, echeance))


def marquer_recus(contexte: Contexte, dossier_id: int, demande_id: int, recue_le: dt.date,
                  commentaire: str | None) -> Fait:
    """Note la réception de compléments demandés."""
    from instruction.services import complements

    return _ecrire_puis_relire(contexte, dossier_id,
                               lambda uow: complements.marquer_recus(uow, demande_id, recue_le, commentaire))


def evaluer(contexte: Contexte, dossier_id: int) -> Evaluation:
    """Les critères du dispositif évalués sur le dossier (ce que montre l'assistant)."""
    from instruction.services import examen

    with contexte.unite(lecture=True) as uow:
        return examen.evaluer(uow, dossier_id)


def enregistrer_examen(contexte: Contexte, dossier_id: int, decisions: list, commentaire: str) -> Fait:
    """Enregistre l'examen d'éligibilité décidé dans l'assistant."""
    from instruction.services import examen

    return _ecrire_puis_relire(contexte, dossier_id,
                               lambda uow: examen.enregistrer_examen(uow, dossier_id, decisions, commentaire))


def ecrire_fiche(contexte: Contexte, dossier_id: int, chemin: Path) -> Path:
    """La fiche d'instruction du dossier, en PDF, à ``chemin`` (masquée selon qui l'imprime)."""
    from instruction.rapports import fiche_instruction
    from instruction.services.fiche_instruction import lire as lire_fiche

    with contexte.unite(lecture=True) as uow:
        fiche = lire_fiche(uow, dossier_id)
    return fiche_instruction.ecrire(fiche, chemin)


def lire_reglages(contexte: Contexte) -> list[Reglage]:
    """Les seuils et réglages de l'instruction."""
    from instruction.services import examen

    with contexte.unite(lecture=True) as uow:
        return examen.liste_reglages(uow)


def regler(contexte: Contexte, valeurs: Mapping[str, str | Decimal]) -> Fait:
    """Enregistre les réglages de l'instruction."""
    from instruction.services import examen

    with contexte.unite() as uow:
        examen.regler(uow, valeurs)
        uow.valider()
    return fait(None, REGLAGES, INSTRUCTION)
