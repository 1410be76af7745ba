"""Exporter la liste des dossiers affichée vers un classeur Excel (.xlsx).

Les montants sont écrits en nombres (au centime, au format « 1 234,56 € » du
classeur), les dates en dates : le classeur se trie et se totalise comme l'attend
un instructeur habitué aux tableurs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from instruction import etats
from instruction.argent import depuis_centimes
from instruction.rapports.tableur import (
    FORMAT_DATE,
    FORMAT_EUROS,
    Formule,
    ajouter,
    avec_extension,
    ecrire,
    enregistrer,
    styler_entete,
    titre_de_feuille,
)
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
    ("Subvention accordée", 15),
    ("Déposé le", 12),
)
MONTANTS = (9, 10, 11)  # coût, demandé, accordé
DATES = (8, 12)


def _colonnes_cotations() -> tuple[tuple[str, int], ...]:
    """Une colonne par grille transversale, dans l'ordre des cotations des lignes (``grilles.ORDRE``)."""
    from instruction import grilles

    par_code = grilles.par_code()
    return tuple((f"Cotation {par_code[code].court}", 13) for code in grilles.ORDRE)


def exporter(lignes: Sequence[LigneDossier], fichier: Path, *, titre: str = "Dossiers") -> Path:
    """Écrit ``lignes`` dans ``fichier`` (remplacé s'il existe) ; rend le chemin écrit."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    fichier = avec_extension(fichier)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = titre_de_feuille(titre)
    colonnes = COLONNES + _colonnes_cotations()
    ajouter(feuille, [nom for nom, _largeur in colonnes])
    styler_entete(feuille[1])
    for ligne in lignes:
        ajouter(
            feuille,
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
                None if ligne.accorde is None else depuis_centimes(ligne.accorde),
                jour(ligne.depose_le),
                # Une cotation par grille (0 à 2) ; vide : pas cotée.
                *(ligne.cotations or (None,) * (len(colonnes) - len(COLONNES))),
            ]
        )
    derniere = feuille.max_row
    for rang in range(2, derniere + 1):
        for colonne in MONTANTS:
            feuille.cell(rang, colonne).number_format = FORMAT_EUROS
        for colonne in DATES:
            feuille.cell(rang, colonne).number_format = FORMAT_DATE
    if lignes:
        total = derniere + 1
        feuille.cell(total, 1, "Total").font = Font(bold=True)
        nombre = len(lignes)
        feuille.cell(total, 2, f"{nombre} dossier{'s' if nombre > 1 else ''}").font = Font(bold=True)
        for colonne in MONTANTS:
            lettre = get_column_letter(colonne)
            cellule = ecrire(feuille, total, colonne, Formule(f"=SUM({lettre}2:{lettre}{derniere})"))
            cellule.number_format = FORMAT_EUROS
            cellule.font = Font(bold=True)
    for rang, (_nom, largeur) in enumerate(colonnes, start=1):
        feuille.column_dimensions[get_column_letter(rang)].width = largeur
    feuille.freeze_panes = "B2"
    feuille.auto_filter.ref = f"A1:{get_column_letter(len(colonnes))}{derniere}"
    return enregistrer(classeur, fichier)
