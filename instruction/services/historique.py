"""L'historique : chaque modification (qui, quand, quoi, ancienne → nouvelle valeur), en ajout seul.

Les services qui changent des données y écrivent eux-mêmes, dans la même transaction que la
modification : une modification annulée ne laisse pas de trace, une modification gardée en laisse
toujours une. La base refuse de modifier ou d'effacer une ligne de l'historique.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.dates import formater_horodatage
from instruction.horloge import maintenant
from instruction.services.contexte import UniteDeTravail

LONGUEUR_VALEUR = 4_000  # une valeur plus longue (une description) est gardée tronquée, avec sa longueur


@dataclass(frozen=True)
class Entree:
    id: int
    le: dt.datetime
    acteur: str
    objet: str
    action: str
    champ: str | None
    ancien: str | None
    nouveau: str | None
    dossier_id: int | None = None
    porteur_id: int | None = None
    version: int | None = None

    @property
    def resume(self) -> str:
        """Une ligne lisible : quand (heure de Paris), qui, quoi, avant → après."""
        return (f"{formater_horodatage(self.le)} {self.acteur} : {self.champ or self.action} "
                f"{self.ancien or ''} → {self.nouveau or ''}")


def _borne(valeur: object | None) -> str | None:
    if valeur is None:
        return None
    texte = str(valeur)
    if len(texte) > LONGUEUR_VALEUR:
        return texte[:LONGUEUR_VALEUR] + f"… ({len(texte)} caractères)"
    return texte


def noter(uow: UniteDeTravail, objet: str, action: str, *, dossier_id: int | None = None,
          porteur_id: int | None = None, version: int | None = None,
          changements: Iterable[tuple[str, object, object]] = ()) -> None:
    """Écrit l'action, avec une ligne par champ changé (``changements`` : champ, ancien, nouveau)."""
    le = maintenant()
    lignes = list(changements) or [(None, None, None)]
    for champ, ancien, nouveau in lignes:
        uow.session.add(m.Historique(
            le=le, acteur=uow.acteur, objet=objet, action=action, dossier_id=dossier_id, porteur_id=porteur_id,
            version=version, champ=champ, ancien=_borne(ancien), nouveau=_borne(nouveau),
        ))
    uow.session.flush()


def _entrees(requete) -> list[Entree]:
    return [
        Entree(h.id, h.le, h.acteur, h.objet, h.action, h.champ, h.ancien, h.nouveau, h.dossier_id, h.porteur_id,
               h.version)
        for h in requete
    ]


def du_dossier(uow: UniteDeTravail, dossier_id: int, *, apres_version: int | None = None) -> list[Entree]:
    """L'historique d'un dossier, du plus récent au plus ancien (depuis une version, si on la donne)."""
    requete = select(m.Historique).where(m.Historique.dossier_id == dossier_id)
    if apres_version is not None:
        requete = requete.where(m.Historique.version > apres_version)
    return _entrees(uow.session.scalars(requete.order_by(m.Historique.id.desc())))


def du_porteur(uow: UniteDeTravail, porteur_id: int, *, apres_version: int | None = None) -> list[Entree]:
    requete = select(m.Historique).where(m.Historique.porteur_id == porteur_id)
    if apres_version is not None:
        requete = requete.where(m.Historique.version > apres_version)
    return _entrees(uow.session.scalars(requete.order_by(m.Historique.id.desc())))


def dernier_numero(uow: UniteDeTravail) -> int:
    """Le numéro de la dernière modification, toutes données confondues : les postes ouverts s'en servent
    pour savoir, d'une seule requête, si quelqu'un a changé quelque chose depuis leur dernière lecture."""
    from sqlalchemy import func

    return uow.session.scalar(select(func.coalesce(func.max(m.Historique.id), 0)))
