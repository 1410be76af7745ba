"""Les brouillons : la saisie d'un formulaire quitté sans enregistrer, gardée telle quelle.

Un brouillon est personnel : il est rangé sous le compte de qui l'a tapé (« m.lefebvre|dossier:12 ») et
n'est proposé qu'à lui. Les brouillons d'avant les comptes (sans « | ») restent proposés à tous. Ce ne
sont pas des données du dossier : ils n'entrent pas dans l'historique.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from instruction.db import modeles as m
from instruction.horloge import maintenant
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail


@dataclass(frozen=True)
class Brouillon:
    cle: str
    titre: str
    contenu: dict[str, Any]
    modifie_le: dt.datetime


def _a_moi(uow: UniteDeTravail, cle: str) -> str:
    return f"{uow.acteur[:80]}|{cle}"


def _vue(b: m.Brouillon) -> Brouillon:
    return Brouillon(b.cle.partition("|")[2] or b.cle, b.titre, json.loads(b.contenu), b.modifie_le)


@ecrit("brouillon.garder")
def garder(uow: UniteDeTravail, cle: str, titre: str, contenu: dict[str, Any]) -> None:
    uow.session.merge(m.Brouillon(cle=_a_moi(uow, cle), titre=titre[:300], contenu=json.dumps(contenu, ensure_ascii=False),
                                  modifie_le=maintenant()))
    uow.session.flush()


def lire(uow: UniteDeTravail, cle: str) -> Brouillon | None:
    """Le brouillon de l'utilisateur pour ce formulaire, sinon celui (ancien) sans auteur ; une requête."""
    a_moi = _a_moi(uow, cle)
    trouves = {b.cle: b for b in uow.session.scalars(select(m.Brouillon).where(m.Brouillon.cle.in_([a_moi, cle])))}
    brouillon = trouves.get(a_moi) or trouves.get(cle)
    return _vue(brouillon) if brouillon is not None else None


def lister(uow: UniteDeTravail, prefixe: str = "") -> list[Brouillon]:
    requete = select(m.Brouillon).where(
        m.Brouillon.cle.startswith(_a_moi(uow, prefixe), autoescape=True)
        | (m.Brouillon.cle.startswith(prefixe, autoescape=True) & ~m.Brouillon.cle.contains("|", autoescape=True))
    ).order_by(m.Brouillon.modifie_le.desc())
    return [_vue(b) for b in uow.session.scalars(requete)]


def supprimer(uow: UniteDeTravail, cle: str) -> None:
    """Le brouillon n'a plus lieu d'être (formulaire enregistré ou abandonné) : aucun droit n'est exigé."""
    # Une seule requête (la base partagée est peut-être loin) : le brouillon de l'utilisateur et
    # celui, plus ancien, qui n'avait pas d'auteur.
    uow.session.execute(delete(m.Brouillon).where(m.Brouillon.cle.in_([_a_moi(uow, cle), cle])))
