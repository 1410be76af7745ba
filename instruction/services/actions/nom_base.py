"""Les actions sur le nom de la base : le lire (fenêtre principale, « À propos ») et le choisir (administrateur)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from instruction.services.actions import REGLAGES, Fait, fait

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte


@dataclass(frozen=True)
class NomBase:
    """Le nom montré aux utilisateurs, celui qu'un administrateur a choisi (``None`` : aucun), celui que donne
    l'adresse de la base, et cette adresse sans mot de passe (montrée aux seuls administrateurs)."""

    nom: str
    choisi: str | None
    par_defaut: str
    adresse: str


def lire(contexte: Contexte) -> NomBase:
    from instruction.services import nom_base

    with contexte.unite(lecture=True) as uow:
        choisi = nom_base.choisi(uow)
    par_defaut = nom_base.nom_par_defaut(contexte.moteur.url)
    return NomBase(choisi or par_defaut, choisi, par_defaut, contexte.lieu)


def nommer(contexte: Contexte, nom: str | None) -> Fait[NomBase]:
    """Donne un nom à la base (vide : le nom du fichier ou du serveur), gardé à l'historique."""
    from instruction.services import nom_base

    with contexte.unite() as uow:
        nom_base.nommer(uow, nom)
        uow.valider()
    return fait(lire(contexte), REGLAGES)


def par_defaut(contexte: Contexte) -> NomBase:
    """Le nom que donne l'adresse de la base, sans la lire : la fenêtre le montre à l'ouverture, le nom choisi
    par un administrateur suit (``lire``)."""
    from instruction.services import nom_base

    defaut = nom_base.nom_par_defaut(contexte.moteur.url)
    return NomBase(defaut, None, defaut, contexte.lieu)
