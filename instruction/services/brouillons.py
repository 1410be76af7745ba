"""Les brouillons : la saisie d'un formulaire quitté sans enregistrer, gardée telle quelle."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.horloge import maintenant
from instruction.services.contexte import UniteDeTravail


@dataclass(frozen=True)
class Brouillon:
    cle: str
    titre: str
    contenu: dict[str, Any]
    modifie_le: dt.datetime


def garder(uow: UniteDeTravail, cle: str, titre: str, contenu: dict[str, Any]) -> None:
    uow.session.merge(
        m.Brouillon(cle=cle, titre=titre[:300], contenu=json.dumps(contenu, ensure_ascii=False), modifie_le=maintenant())
    )
    uow.session.flush()


def lire(uow: UniteDeTravail, cle: str) -> Brouillon | None:
    brouillon = uow.session.get(m.Brouillon, cle)
    if brouillon is None:
        return None
    return Brouillon(brouillon.cle, brouillon.titre, json.loads(brouillon.contenu), brouillon.modifie_le)


def lister(uow: UniteDeTravail, prefixe: str = "") -> list[Brouillon]:
    requete = select(m.Brouillon).order_by(m.Brouillon.modifie_le.desc())
    if prefixe:
        requete = requete.where(m.Brouillon.cle.startswith(prefixe))
    return [Brouillon(b.cle, b.titre, json.loads(b.contenu), b.modifie_le) for b in uow.session.scalars(requete)]


def supprimer(uow: UniteDeTravail, cle: str) -> None:
    brouillon = uow.session.get(m.Brouillon, cle)
    if brouillon is not None:
        uow.session.delete(brouillon)
        uow.session.flush()
