"""Exporter l'historique d'un dossier (qui, quand, quoi, ancienne → nouvelle valeur) vers un classeur Excel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from instruction.domaine.dates import FUSEAU
from instruction.rapports.tableur import ajouter, avec_extension, enregistrer, styler_entete
from instruction.services.historique import Entree

COLONNES = (("Date et heure (Paris)", 19), ("Par", 20), ("Objet", 12), ("Action", 22), ("Champ", 34),
            ("Ancienne valeur", 50), ("Nouvelle valeur", 50))


def heure_de_paris(moment: dt.datetime) -> dt.datetime:
    """L'heure de Paris sans fuseau (un tableur n'en garde pas), depuis l'UTC de la base."""
    from babel.dates import get_timezone

    return moment.replace(tzinfo=dt.UTC).astimezone(get_timezone(FUSEAU)).replace(tzinfo=None)


def exporter(entrees: Sequence[Entree], fichier: Path, *, titre: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    fichier = avec_extension(fichier)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Historique"
    ajouter(feuille, [titre])
    ajouter(feuille, [nom for nom, _l in COLONNES])
    styler_entete(feuille[2])
    for e in entrees:
        ajouter(feuille, [heure_de_paris(e.le), e.acteur, e.objet, e.action, e.champ, e.ancien, e.nouveau])
        feuille.cell(feuille.max_row, 1).number_format = "dd/mm/yyyy hh:mm:ss"
        for colonne in (6, 7):
            feuille.cell(feuille.max_row, colonne).alignment = Alignment(wrap_text=True, vertical="top")
    for rang, (_nom, largeur) in enumerate(COLONNES, start=1):
        feuille.column_dimensions[get_column_letter(rang)].width = largeur
    feuille.freeze_panes = "A3"
    feuille.auto_filter.ref = f"A2:G{max(feuille.max_row, 2)}"
    return enregistrer(classeur, fichier)
