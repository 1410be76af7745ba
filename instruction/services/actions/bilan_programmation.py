"""Les actions du bilan de la programmation : les choix offerts, le bilan d'une ou plusieurs années, son export
(PDF ou classeur, selon l'extension). Rien n'y est écrit en base."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from instruction.domaine.bilan_programmation import BilanProgrammation
    from instruction.services.contexte import Contexte


def choix(contexte: Contexte) -> tuple[list[int], list[tuple[str, str]]]:
    """Les années de programmation (la plus récente d'abord) et les dispositifs instruits (code, libellé)."""
    from instruction.services import bilan_programmation

    with contexte.unite(lecture=True) as uow:
        return bilan_programmation.annees(uow), bilan_programmation.dispositifs(uow)


def bilans(contexte: Contexte, annees: list[int], dispositif: str | None = None) -> list[BilanProgrammation]:
    """Le bilan de chaque année demandée, de la plus ancienne à la plus récente."""
    from instruction.services import bilan_programmation

    with contexte.unite(lecture=True) as uow:
        return bilan_programmation.comparer(uow, annees, dispositif)


def exporter(contexte: Contexte, annees: list[int], dispositif: str | None, fichier: Path,
             annee: int | None = None) -> Path:
    """Écrit le bilan en PDF (``.pdf``) ou en classeur (``.xlsx``) ; rend le chemin écrit. ``annee`` : l'année
    détaillée (celle choisie à l'écran), les autres comparées ; sans elle, la plus récente qui a des actions."""
    from instruction.domaine.erreurs import DonneesInvalides
    from instruction.rapports import bilan_programmation as rapport

    fichier = Path(fichier)
    if fichier.suffix.lower() not in (".pdf", ".xlsx"):
        raise DonneesInvalides(f"« {fichier.name} » : le bilan s'exporte en PDF (.pdf) ou en classeur Excel (.xlsx).")
    lus = bilans(contexte, annees, dispositif)
    return (rapport.exporter_pdf if fichier.suffix.lower() == ".pdf" else rapport.exporter_xlsx)(lus, fichier, annee)
