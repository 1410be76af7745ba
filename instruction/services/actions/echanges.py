"""Les actions de l'assistant d'import et de la commande ``instruction importer``.

Lire le fichier ne touche pas la base ; proposer la correspondance et simuler lisent (unité de lecture) ;
importer écrit tout le fichier dans **une** unité de travail, validée seulement à la fin : une erreur, une
annulation ou un processus tué au milieu ne laissent rien.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from instruction.services.actions import CAMPAGNES, DOSSIERS, PORTEURS, TACHES, Fait, fait

if TYPE_CHECKING:
    from instruction.domaine.echanges import Alias
    from instruction.import_fichier import Tableau
    from instruction.services.contexte import Contexte
    from instruction.services.echanges import Apercu, Bilan, Correspondance


@dataclass(frozen=True)
class FichierOuvert:
    """Le fichier lu, la correspondance proposée (ou celle enregistrée sous ``nom``), et les choix possibles."""

    tableau: Tableau
    colonnes: dict[str, str | None]
    alias: Alias
    correspondances: list[Correspondance]
    correspondance: Correspondance | None  # celle appliquée, si on l'a demandée ou si ses colonnes collent


def ouvrir(contexte: Contexte, chemin: str, correspondance: str | None = None) -> FichierOuvert:
    from instruction import import_fichier
    from instruction.domaine import echanges
    from instruction.services import echanges as service

    tableau = import_fichier.lire(chemin)
    with contexte.unite(lecture=True) as uow:
        table = service.alias(uow)
        enregistrees = service.correspondances(uow)
        choisie = service.correspondance(uow, correspondance) if correspondance else None
    if choisie is None:  # une correspondance enregistrée qui connaît toutes les colonnes du fichier
        choisie = next((c for c in enregistrees if set(c.colonnes) == set(tableau.entetes)), None)
    if choisie is not None:
        colonnes = {t: choisie.colonnes.get(t) for t in tableau.entetes}
    else:
        colonnes = echanges.proposer(tableau.entetes, table)
    return FichierOuvert(tableau, colonnes, table, enregistrees, choisie)


def simuler(contexte: Contexte, tableau: Tableau, colonnes: Mapping[str, str | None], *,
            exercice: int | None = None, dispositif: str | None = None,
            choix_porteurs: Mapping[str, int] | None = None) -> Apercu:
    from instruction.services import echanges as service

    with contexte.unite(lecture=True) as uow:
        return service.simuler(uow, tableau, colonnes, exercice=exercice, dispositif=dispositif,
                               choix_porteurs=choix_porteurs)


def enregistrer_correspondance(contexte: Contexte, nom: str, colonnes: Mapping[str, str | None], *,
                               exercice: int | None = None, dispositif: str | None = None) -> Fait[list]:
    """Enregistre la correspondance ; rend la liste relue (aucun autre écran ne la montre)."""
    from instruction.services import echanges as service

    with contexte.unite() as uow:
        service.enregistrer_correspondance(uow, nom, colonnes, exercice=exercice, dispositif=dispositif)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        return fait(service.correspondances(uow))


def importer(contexte: Contexte, tableau: Tableau, colonnes: Mapping[str, str | None], *,
             exercice: int | None = None, dispositif: str | None = None,
             choix_porteurs: Mapping[str, int] | None = None,
             avancement: Callable[[int, int], None] | None = None,
             annule: Callable[[], bool] | None = None) -> Fait[Bilan]:
    """Importe tout ou rien ; rend le bilan et les dossiers touchés."""
    from instruction.services import echanges as service

    with contexte.unite() as uow:
        bilan = service.importer(uow, tableau, colonnes, exercice=exercice, dispositif=dispositif,
                                 choix_porteurs=choix_porteurs, avancement=avancement, annule=annule)
        uow.valider()
    return fait(bilan, DOSSIERS, PORTEURS, CAMPAGNES, TACHES, dossiers=bilan.dossiers)
