"""Les brouillons : la saisie d'un formulaire quitté sans enregistrer, gardée telle quelle.

Un brouillon est personnel : il est rangé sous le compte de qui l'a tapé (« m.lefebvre|dossier:12 ») et
n'est proposé qu'à lui. Ceux tapés avant la création des comptes, rangés sous le compte de session du poste
(« marie|… »), sont proposés à qui se connecte depuis cette session ; les plus anciens (sans « | ») à tous.
Ce ne sont pas des données du dossier : ils n'entrent pas dans l'historique.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from instruction.db import modeles as m
from instruction.domaine.horloge import maintenant
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


def _du_poste(uow: UniteDeTravail, cle: str) -> str | None:
    """Sous un compte : la clé qu'avait le brouillon quand la base n'avait pas encore de comptes."""
    if uow.utilisateur.id is None:
        return None
    from instruction.services.contexte import utilisateur_du_poste

    poste = f"{utilisateur_du_poste()[:80]}|{cle}"
    return poste if poste != _a_moi(uow, cle) else None


def _cles(uow: UniteDeTravail, cle: str) -> list[str]:
    """Les clés où chercher, de la plus personnelle à la plus ancienne."""
    return [c for c in (_a_moi(uow, cle), _du_poste(uow, cle), cle) if c is not None]


def _vue(b: m.Brouillon) -> Brouillon:
    return Brouillon(_vue_cle(b), b.titre, json.loads(b.contenu), b.modifie_le)


@ecrit("brouillon.garder")
def garder(uow: UniteDeTravail, cle: str, titre: str, contenu: dict[str, Any]) -> None:
    uow.session.merge(m.Brouillon(cle=_a_moi(uow, cle), titre=titre[:300], contenu=json.dumps(contenu, ensure_ascii=False),
                                  modifie_le=maintenant()))
    uow.session.flush()


def lire(uow: UniteDeTravail, cle: str) -> Brouillon | None:
    """Le brouillon de l'utilisateur pour ce formulaire, sinon celui (ancien) sans auteur ; une requête."""
    cles = _cles(uow, cle)
    trouves = {b.cle: b for b in uow.session.scalars(select(m.Brouillon).where(m.Brouillon.cle.in_(cles)))}
    brouillon = next((trouves[c] for c in cles if c in trouves), None)
    return _vue(brouillon) if brouillon is not None else None


def lister(uow: UniteDeTravail, prefixe: str = "") -> list[Brouillon]:
    condition = m.Brouillon.cle.startswith(_a_moi(uow, prefixe), autoescape=True) | (
        m.Brouillon.cle.startswith(prefixe, autoescape=True) & ~m.Brouillon.cle.contains("|", autoescape=True))
    if (poste := _du_poste(uow, prefixe)) is not None:
        condition = condition | m.Brouillon.cle.startswith(poste, autoescape=True)
    requete = select(m.Brouillon).where(condition).order_by(m.Brouillon.modifie_le.desc())
    resultat: dict[str, Brouillon] = {}  # un formulaire en brouillon sous deux clés : le plus récent seulement
    for brouillon in uow.session.scalars(requete):
        resultat.setdefault(_vue_cle(brouillon), _vue(brouillon))
    return list(resultat.values())


def _vue_cle(b: m.Brouillon) -> str:
    return b.cle.partition("|")[2] or b.cle


def supprimer(uow: UniteDeTravail, cle: str) -> None:
    """Le brouillon n'a plus lieu d'être (formulaire enregistré ou abandonné) : aucun droit n'est exigé."""
    # Une seule requête (la base partagée est peut-être loin) : le brouillon de l'utilisateur et les plus
    # anciens (d'avant les comptes, d'avant les auteurs).
    uow.session.execute(delete(m.Brouillon).where(m.Brouillon.cle.in_(_cles(uow, cle))))
