"""Les actions du choix des colonnes d'export et de la commande ``instruction exporter dossiers``.

Écrire le fichier ne touche pas la base : l'écran passe les lignes qu'il montre (dans leur ordre) ; la
ligne de commande les lit (unité de lecture). Enregistrer ou supprimer un jeu écrit dans sa transaction et
rend la liste des jeux relue (seul le choix des colonnes la montre : aucun genre de changement à diffuser).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instruction.services.actions import Fait, fait

if TYPE_CHECKING:
    from instruction.domaine.colonnes import JeuDeColonnes
    from instruction.services.contexte import Contexte


def lire_jeux(contexte: Contexte, liste: str = "dossiers") -> list[JeuDeColonnes]:
    from instruction.services import exports

    with contexte.unite(lecture=True) as uow:
        return exports.jeux(uow, liste)


def enregistrer_jeu(contexte: Contexte, nom: str, codes: Sequence[str],
                    liste: str = "dossiers") -> Fait[list[JeuDeColonnes]]:
    from instruction.services import exports

    with contexte.unite() as uow:
        exports.enregistrer(uow, nom, list(codes), liste)
        uow.valider()
    return fait(lire_jeux(contexte, liste))


def supprimer_jeu(contexte: Contexte, nom: str, liste: str = "dossiers") -> Fait[list[JeuDeColonnes]]:
    from instruction.services import exports

    with contexte.unite() as uow:
        exports.supprimer(uow, nom, liste)
        uow.valider()
    return fait(lire_jeux(contexte, liste))


def exporter(codes: Sequence[str], lignes: Sequence[Any], chemin: Path | str, *, titre: str = "Dossiers") -> Path:
    """Écrit les lignes (celles que montre l'écran, dans son ordre) avec ces colonnes, au format de
    l'extension du fichier (.xlsx, .ods, .csv)."""
    from instruction.domaine import colonnes
    from instruction.rapports.export_colonnes import exporter as ecrire

    return ecrire(colonnes.choisir(codes), lignes, Path(chemin), titre=titre)


@dataclass(frozen=True)
class Export:
    fichier: Path
    nombre: int
    colonnes: tuple[str, ...]  # les en-têtes écrits, dans l'ordre


def exporter_dossiers(contexte: Contexte, jeu: str | None, chemin: Path | str, *,
                      campagne: str | None = None) -> Export:
    """``instruction exporter dossiers [--colonnes JEU] [--campagne cdv-2027] -o FICHIER`` ; sans jeu, les
    colonnes de l'export d'origine (``colonnes.par_defaut``)."""
    from instruction.domaine import colonnes
    from instruction.services import exports

    chemin = Path(chemin)
    colonnes.format_du_fichier(chemin.name)  # refusé avant de lire la base
    with contexte.unite(lecture=True) as uow:
        codes = exports.jeu(uow, jeu).codes if jeu else colonnes.par_defaut()
        lignes = exports.lignes(uow, campagne)
    fichier = exporter(codes, lignes, chemin, titre=f"Dossiers {campagne}" if campagne else "Dossiers")
    return Export(fichier, len(lignes), tuple(c.libelle for c in colonnes.choisir(codes)))
