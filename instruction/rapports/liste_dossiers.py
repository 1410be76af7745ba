"""Exporter la liste des dossiers affichée vers un classeur Excel (.xlsx).

Les montants sont écrits en nombres (au centime, au format « 1 234,56 € » du
classeur), les dates en dates : le classeur se trie et se totalise comme l'attend
un instructeur habitué aux tableurs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from instruction import etats
from instruction.argent import depuis_centimes
from instruction.erreurs import ErreurInstruction
from instruction.services.lignes import LigneDossier, horodatage, jour

COLONNES = (
    ("N°", 16),
    ("Intitulé de l'action", 60),
    ("Porteur", 40),
    ("Dispositif", 11),
    ("Année", 8),
    ("Quartiers", 36),
    ("État", 14),
    ("Dans cet état depuis le", 14),
    ("Coût total", 15),
    ("Subvention demandée", 15),
    ("Déposé le", 12),
)
FORMAT_EUROS = '#,##0.00\\ "€"'
FORMAT_DATE = "dd/mm/yyyy"


def exporter(lignes: Sequence[LigneDossier], fichier: Path, *, titre: str = "Dossiers") -> Path:
    """Écrit ``lignes`` dans ``fichier`` (remplacé s'il existe) ; rend le chemin écrit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fichier = Path(fichier)
    if fichier.suffix.lower() != ".xlsx":
        fichier = fichier.with_suffix(".xlsx")
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = titre[:31]
    feuille.append([nom for nom, _largeur in COLONNES])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="DDE6F0")
        cellule.alignment = Alignment(vertical="center", wrap_text=True)
    for ligne in lignes:
        feuille.append(
            [
                ligne.numero,
                ligne.intitule,
                ligne.porteur,
                ligne.dispositif,
                ligne.annee,
                ligne.quartiers,
                etats.libelle(ligne.etat),
                horodatage(ligne.etat_depuis).date(),
                depuis_centimes(ligne.cout_total),
                depuis_centimes(ligne.subvention_demandee),
                jour(ligne.depose_le),
            ]
        )
    derniere = feuille.max_row
    for rang in range(2, derniere + 1):
        for colonne in (9, 10):
            feuille.cell(rang, colonne).number_format = FORMAT_EUROS
        for colonne in (8, 11):
            feuille.cell(rang, colonne).number_format = FORMAT_DATE
    if lignes:
        total = derniere + 1
        feuille.cell(total, 1, "Total").font = Font(bold=True)
        for colonne in (9, 10):
            lettre = get_column_letter(colonne)
            cellule = feuille.cell(total, colonne, f"=SUM({lettre}2:{lettre}{derniere})")
            cellule.number_format = FORMAT_EUROS
            cellule.font = Font(bold=True)
    for rang, (_nom, largeur) in enumerate(COLONNES, start=1):
        feuille.column_dimensions[get_column_letter(rang)].width = largeur
    feuille.freeze_panes = "B2"
    feuille.auto_filter.ref = f"A1:{get_column_letter(len(COLONNES))}{derniere}"
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

