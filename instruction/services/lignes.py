"""Les lignes que les services rendent aux écrans.

Ce module n'importe pas SQLAlchemy : l'interface peut l'importer avant que la
couche de données soit chargée (démarrage rapide).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from instruction import etats
from instruction.texte import pour_recherche, pour_recherche_memorise


class LigneDossier(NamedTuple):
    """Une ligne du tableau des dossiers. Les montants sont en centimes."""

    id: int
    numero: str
    intitule: str
    porteur: str
    dispositif: str
    annee: int
    quartiers: str
    etat: str
    etat_depuis: dt.datetime
    cout_total: int
    subvention_demandee: int
    depose_le: dt.date | None


def texte_de_recherche(ligne: LigneDossier) -> str:
    """Ce sur quoi porte la recherche : numéro, intitulé, porteur, dispositif, quartiers, état."""
    return " ".join(
        (
            ligne.numero.casefold(),
            pour_recherche(ligne.intitule),
            pour_recherche_memorise(ligne.porteur),
            pour_recherche_memorise(ligne.dispositif),
            pour_recherche_memorise(ligne.quartiers),
            pour_recherche_memorise(etats.libelle(ligne.etat)),
            str(ligne.annee),
        )
    )
