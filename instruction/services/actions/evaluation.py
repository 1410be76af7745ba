"""Les actions de l'évaluation du contrat de ville : lire les indicateurs et leurs valeurs, saisir ou supprimer une
valeur (genre de changement SUIVI), exporter les indicateurs (xlsx), écrire le rapport d'une échéance (PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from instruction.services.actions import SUIVI, Fait, fait

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte
    from instruction.services.evaluation import Tableau


def tableau(contexte: Contexte) -> Tableau:
    from instruction.services import evaluation

    with contexte.unite(lecture=True) as uow:
        return evaluation.tableau(uow)


def saisir_valeur(contexte: Contexte, code: str, annee: int, saisie: dict[str, str]) -> Fait:
    """Écrit la valeur de l'année ; rend le tableau relu."""
    from instruction.services import evaluation

    with contexte.unite() as uow:
        evaluation.saisir_valeur(uow, code, annee, saisie)
        relu = evaluation.tableau(uow)
        uow.valider()
    return fait(relu, SUIVI)


def supprimer_valeur(contexte: Contexte, code: str, annee: int) -> Fait:
    from instruction.services import evaluation

    with contexte.unite() as uow:
        evaluation.supprimer_valeur(uow, code, annee)
        relu = evaluation.tableau(uow)
        uow.valider()
    return fait(relu, SUIVI)


def exporter_indicateurs(contexte: Contexte, fichier: Path, echeance: int = 2030) -> Path:
    """Le classeur des indicateurs : une ligne par indicateur (une colonne par année), puis toutes les valeurs."""
    from instruction.domaine.evaluation import annees_du_rapport
    from instruction.rapports import evaluation as rapport

    lu = tableau(contexte)
    return rapport.exporter_xlsx(lu, Path(fichier), annees_du_rapport(echeance, [p for s in lu.series
                                                                               for p in s.points]))


def rapport_echeance(contexte: Contexte, echeance: int, fichier: Path) -> Path:
    """Le rapport d'évaluation à mi-parcours (2027) ou final (2030), en PDF."""
    from instruction.rapports import evaluation as rapport
    from instruction.services import evaluation

    with contexte.unite(lecture=True) as uow:
        lu = evaluation.rapport(uow, echeance)
    return rapport.exporter_pdf(lu, Path(fichier))
