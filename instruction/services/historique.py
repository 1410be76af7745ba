"""L'historique : chaque modification (qui, quand, quoi, ancienne → nouvelle valeur), en ajout seul.

Les services qui changent des données y écrivent eux-mêmes, dans la même transaction que la
modification : une modification annulée ne laisse pas de trace, une modification gardée en laisse
toujours une. La base refuse de modifier ou d'effacer une ligne de l'historique.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine.dates import formater_horodatage
from instruction.domaine.horloge import maintenant
from instruction.services.contexte import UniteDeTravail

LONGUEUR_VALEUR = 4_000  # une valeur plus longue (une description) est gardée tronquée, avec sa longueur
LONGUEUR_CHAMP = 120  # la colonne « champ » : un libellé plus long (le texte d'une question) finit par « … »


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


def _champ(champ: str | None) -> str | None:
    if champ is None or len(champ) <= LONGUEUR_CHAMP:
        return champ
    return champ[:LONGUEUR_CHAMP - 1] + "…"


def noter(uow: UniteDeTravail, objet: str, action: str, *, dossier_id: int | None = None,
          porteur_id: int | None = None, version: int | None = None,
          changements: Iterable[tuple[str, object, object]] = (), acteur: str | None = None) -> None:
    """Écrit l'action, avec une ligne par champ changé (``changements`` : champ, ancien, nouveau). ``acteur`` :
    celui qui a fait l'action quand ce n'est pas le compte connecté (le retour d'un fichier de travail écrit au
    nom de l'emprunteur)."""
    le = maintenant()
    lignes = list(changements) or [(None, None, None)]
    for champ, ancien, nouveau in lignes:
        uow.session.add(m.Historique(
            le=le, acteur=acteur or uow.acteur, objet=objet, action=action, dossier_id=dossier_id, porteur_id=porteur_id,
            version=version, champ=_champ(champ), ancien=_borne(ancien), nouveau=_borne(nouveau),
        ))
    uow.session.flush()


def noter_en_lot(uow: UniteDeTravail, objet: str, action: str,
                 lignes: Iterable[tuple[int | None, str | None, object, object]]) -> int:
    """Comme ``noter``, pour beaucoup de dossiers à la fois, en UNE requête (quel que soit leur nombre) :
    ``lignes`` : (dossier_id, champ, ancien, nouveau). Rend le nombre de lignes écrites."""
    from sqlalchemy import insert

    le = maintenant()
    valeurs = [{"le": le, "acteur": uow.acteur, "objet": objet, "action": action, "dossier_id": dossier_id,
                "porteur_id": None, "version": None, "champ": _champ(champ), "ancien": _borne(ancien),
                "nouveau": _borne(nouveau)} for dossier_id, champ, ancien, nouveau in lignes]
    if valeurs:
        uow.session.execute(insert(m.Historique.__table__), valeurs)
    return len(valeurs)


def _entrees(requete, lisible: Callable[[str | None, str | None], str | None] | None = None) -> list[Entree]:
    def propre(champ, valeur):
        return lisible(champ, valeur) if lisible is not None else valeur

    return [
        Entree(h.id, h.le, h.acteur, h.objet, h.action, propre(None, h.champ), propre(h.champ, h.ancien),
               propre(h.champ, h.nouveau), h.dossier_id, h.porteur_id, h.version)
        for h in requete
    ]


_MONTANT_CODE = re.compile(r"(?:^|(?<=; ))([a-z0-9][a-z0-9.-]*) (?=[0-9])")


def _lisible(uow: UniteDeTravail) -> Callable[[str | None, str | None], str | None]:
    """Les noms à la place des codes, pour les lignes écrites avant que les services écrivent des noms (elles
    restent telles quelles en base : l'historique est en ajout seul) : questions des grilles, cofinanceurs
    (sigle), rôles et thèmes des comptes. ``lisible(None, champ)`` traduit un champ ; ``lisible(champ, valeur)``
    une valeur de ce champ."""
    from instruction.domaine import droits, grilles

    financeurs = {code: sigle or libelle for code, sigle, libelle in
                  uow.session.execute(select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle))}
    themes = dict(uow.session.execute(select(m.ThemeReferent.code, m.ThemeReferent.libelle)).all())
    questions = {q.code: q.texte for g in grilles.charger() for v in g.versions for q in v.questions}

    def lisible(champ: str | None, valeur: str | None) -> str | None:
        if valeur is None:
            return None
        if champ is None:  # le champ lui-même : « Égalité F-H — efh-diagnostic-donnees »
            debut, tiret, code = valeur.rpartition(" — ")
            return f"{debut} — {questions[code]}" if tiret and code in questions else valeur
        if champ == "Rôle":
            return droits.ROLES.get(valeur, valeur)
        if champ == "Cofinanceur":
            return financeurs.get(valeur, valeur)
        if champ == "Thèmes":
            return ", ".join(themes.get(t, t) for t in valeur.split(", "))
        if champ.endswith(": montants"):  # « caf 9 711,00 € ; ville-calais … » → « CAF 9 711,00 € … »
            return _MONTANT_CODE.sub(lambda t: f"{financeurs.get(t.group(1), t.group(1))} ", valeur)
        return valeur

    return lisible


def du_dossier(uow: UniteDeTravail, dossier_id: int, *, apres_version: int | None = None) -> list[Entree]:
    """L'historique d'un dossier, du plus récent au plus ancien (depuis une version, si on la donne)."""
    requete = select(m.Historique).where(m.Historique.dossier_id == dossier_id)
    if apres_version is not None:
        requete = requete.where(m.Historique.version > apres_version)
    return _entrees(uow.session.scalars(requete.order_by(m.Historique.id.desc())), _lisible(uow))


def du_porteur(uow: UniteDeTravail, porteur_id: int, *, apres_version: int | None = None) -> list[Entree]:
    requete = select(m.Historique).where(m.Historique.porteur_id == porteur_id)
    if apres_version is not None:
        requete = requete.where(m.Historique.version > apres_version)
    return _entrees(uow.session.scalars(requete.order_by(m.Historique.id.desc())), _lisible(uow))


def dernier_numero(uow: UniteDeTravail) -> int:
    """Le numéro de la dernière modification, toutes données confondues : les postes ouverts s'en servent
    pour savoir, d'une seule requête, si quelqu'un a changé quelque chose depuis leur dernière lecture."""
    from sqlalchemy import func

    return uow.session.scalar(select(func.coalesce(func.max(m.Historique.id), 0)))
