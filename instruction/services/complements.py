"""Les compléments demandés au porteur : la demande gardée, sa réception notée.

Demander des compléments fait passer le dossier « incomplet » : c'est un passage du circuit
(``services.instruction.demander_complements`` et ``changer_etat``, qui écrivent la demande par
``_ajouter_demande``) ; « recevable » exige que les compléments demandés soient reçus.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail


@dataclass(frozen=True)
class Complement:
    id: int
    objet: str
    demandee_le: dt.date
    echeance: dt.date | None
    recue_le: dt.date | None
    commentaire: str | None
    acteur: str

    @property
    def attendu(self) -> bool:
        return self.recue_le is None


def complements(uow: UniteDeTravail, dossier_id: int) -> list[Complement]:
    return [
        Complement(c.id, c.objet, c.demandee_le, c.echeance, c.recue_le, c.commentaire, c.acteur)
        for c in uow.session.scalars(
            select(m.DemandeComplements).where(m.DemandeComplements.dossier_id == dossier_id)
            .order_by(m.DemandeComplements.demandee_le, m.DemandeComplements.id)
        )
    ]


def _ajouter_demande(uow: UniteDeTravail, dossier_id: int, objet: str, echeance: dt.date | None,
                     le: dt.date) -> m.DemandeComplements:
    if echeance is not None and echeance < le:
        raise DonneesInvalides(f"L'échéance ({echeance:%d/%m/%Y}) précède la demande ({le:%d/%m/%Y}).")
    demande = m.DemandeComplements(dossier_id=dossier_id, objet=objet, demandee_le=le, echeance=echeance,
                                   acteur=uow.acteur)
    uow.session.add(demande)
    uow.session.flush()
    return demande


@ecrit("dossier.complements")
def marquer_recus(uow: UniteDeTravail, demande_id: int, recue_le: dt.date, commentaire: str | None = None) -> None:
    demande = uow.session.get(m.DemandeComplements, demande_id)
    if demande is None:
        raise DonneesInvalides("Cette demande de compléments n'existe plus.")
    if recue_le < demande.demandee_le:
        raise DonneesInvalides(f"Les compléments ne peuvent pas être reçus le {recue_le:%d/%m/%Y}, avant d'avoir "
                               f"été demandés (le {demande.demandee_le:%d/%m/%Y}).")
    if recue_le > aujourd_hui():
        raise DonneesInvalides(f"La date de réception ({recue_le:%d/%m/%Y}) est dans le futur.")
    demande.recue_le = recue_le
    demande.commentaire = (commentaire or "").strip() or None
    uow.session.flush()
    modifs.noter(uow, "compléments", "réception", dossier_id=demande.dossier_id,
                 changements=[(demande.objet, None, f"reçus le {recue_le:%d/%m/%Y}")])
