"""Ce que partagent les classeurs Excel : formats français, en-têtes, écriture sans fichier à moitié écrit."""

from __future__ import annotations

import os
from pathlib import Path

from instruction.erreurs import ErreurInstruction

FORMAT_EUROS = '#,##0.00\\ "€"'
FORMAT_DATE = "dd/mm/yyyy"
FORMAT_POURCENT = "0.0\\ %"


def avec_extension(fichier: Path) -> Path:
    fichier = Path(fichier)
    return fichier if fichier.suffix.lower() == ".xlsx" else fichier.with_suffix(".xlsx")


def styler_entete(cellules) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cellule in cellules:
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="DDE6F0")
        cellule.alignment = Alignment(vertical="center", wrap_text=True)


def enregistrer(classeur, fichier: Path) -> Path:
    """Écrit le classeur dans un fichier temporaire puis le met à sa place."""
    temporaire = fichier.with_name(f".{fichier.name}.partiel")
    try:
        classeur.save(temporaire)
        os.replace(temporaire, fichier)
    except OSError as erreur:
        temporaire.unlink(missing_ok=True)
        raise ErreurInstruction(
            f"Impossible d'écrire « {fichier} » : {erreur.strerror or erreur}. Le fichier est peut-être ouvert "
            "dans un tableur, ou le dossier n'est pas accessible en écriture.",
            detail=repr(erreur),
        ) from None
    return fichier
