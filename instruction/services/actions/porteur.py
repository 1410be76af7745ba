"""Les actions sur un porteur : lire sa fiche, l'enregistrer (refusé en ``Conflit`` si un autre l'a
enregistré depuis la lecture), le créer, changer ou corriger une version datée (nom, représentant,
compte bancaire) ; et créer une campagne.

Après une écriture, la fiche est relue dans une nouvelle transaction : ses versions datées reviennent
dans l'ordre de leurs dates, comme à l'ouverture (la session garderait l'ordre où elles ont été touchées).
Le nom d'un porteur se lit dans la liste des dossiers : ses changements la touchent aussi.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from instruction.services.actions import CAMPAGNES, DOSSIERS, PORTEURS, Fait, fait

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte, UniteDeTravail
    from instruction.services.dossier import Campagne
    from instruction.services.porteurs import FichePorteur


def lire(contexte: Contexte, porteur_id: int) -> FichePorteur:
    """La fiche du porteur : identité, contacts, versions datées, dossiers, historique."""
    from instruction.services import porteurs

    with contexte.unite(lecture=True) as uow:
        return porteurs.lire(uow, porteur_id)


def _ecrire_puis_relire(contexte: Contexte, porteur_id: int,
                        ecrire: Callable[[UniteDeTravail], Any]) -> Fait[FichePorteur]:
    with contexte.unite() as uow:
        ecrire(uow)
        uow.valider()
    return fait(lire(contexte, porteur_id), PORTEURS, DOSSIERS, porteur=porteur_id)


def enregistrer(contexte: Contexte, porteur_id: int, identite: dict[str, str], contacts: list[dict[str, str]],
                version: int | None) -> Fait[FichePorteur]:
    """Enregistre l'identité et les contacts lus à la ``version`` donnée ; rend la fiche relue."""
    from instruction.services import porteurs

    return _ecrire_puis_relire(
        contexte, porteur_id, lambda uow: porteurs.modifier(uow, porteur_id, identite, contacts, version=version))


def changer_version(contexte: Contexte, porteur_id: int, genre: str, valeurs: dict[str, str],
                    depuis: str) -> Fait[FichePorteur]:
    """Ouvre une nouvelle version datée (la précédente close la veille) ; rend la fiche relue."""
    from instruction.services import porteurs

    return _ecrire_puis_relire(
        contexte, porteur_id, lambda uow: porteurs.changer(uow, porteur_id, genre, valeurs, depuis))


def corriger_version(contexte: Contexte, porteur_id: int, genre: str, version_id: int, valeurs: dict[str, str],
                     depuis: str, jusqu_a: str) -> Fait[FichePorteur]:
    """Corrige une version existante (faute de frappe, dates) ; rend la fiche relue."""
    from instruction.services import porteurs

    return _ecrire_puis_relire(
        contexte, porteur_id,
        lambda uow: porteurs.corriger(uow, porteur_id, genre, version_id, valeurs, depuis, jusqu_a))


def creer(contexte: Contexte, identite: dict[str, str], representant: dict[str, str],
          compte: dict[str, str]) -> Fait[int]:
    """Crée un porteur (nom, représentant légal, compte bancaire) ; rend son identifiant."""
    from instruction.services import porteurs

    with contexte.unite() as uow:
        porteur_id = porteurs.creer(uow, identite, representant, compte)
        uow.valider()
    return fait(porteur_id, PORTEURS, porteur=porteur_id)


def creer_campagne(contexte: Contexte, dispositif: str, annee: int, ouverture: str, cloture: str) -> Fait[Campagne]:
    """Crée la campagne d'un dispositif pour une année, avec ses dates tapées (jj/mm/aaaa, facultatives)."""
    from instruction.services import dossier as service_dossier
    from instruction.domaine.validation import Verificateur

    v = Verificateur()
    debut = v.date("ouverture", ouverture, "Ouverture")
    fin = v.date("cloture", cloture, "Clôture")
    v.periode("cloture", debut, fin)
    v.exiger()
    with contexte.unite() as uow:
        campagne = service_dossier.creer_campagne(uow, dispositif, annee, ouverture=debut, cloture=fin)
        uow.valider()
    return fait(campagne, CAMPAGNES)
