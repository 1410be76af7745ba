"""Exporter la liste des dossiers affichée vers un classeur Excel (.xlsx), avec le jeu de colonnes d'origine.

Les colonnes, leurs types et l'écriture des trois formats sont dans ``instruction.colonnes`` et
``rapports.export_colonnes`` ; ce module garde l'export d'avant les jeux enregistrés (mêmes colonnes dans
le même ordre : ``colonnes.par_defaut``), pour les appelants qui ne choisissent pas de colonnes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from instruction.domaine import colonnes
from instruction.rapports.export_colonnes import exporter as ecrire
from instruction.rapports.tableur import avec_extension
from instruction.services.lignes import LigneDossier


def exporter(lignes: Sequence[LigneDossier], fichier: Path, *, titre: str = "Dossiers") -> Path:
    """Écrit ``lignes`` dans ``fichier`` (remplacé s'il existe ; « .xlsx » ajouté au besoin) ; rend le chemin."""
    return ecrire(colonnes.choisir(colonnes.par_defaut()), lignes, avec_extension(fichier), titre=titre)
