"""Copier toute la base depuis l'application, ou la remplacer par une sauvegarde : réservé aux administrateurs.

La copie contient tout, avis confidentiels et empreintes des mots de passe compris : seul un
administrateur la fait (les commandes en ligne, elles, demandent déjà l'accès direct à la base).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from instruction.domaine import droits


def sauvegarder(contexte, chemin: Path) -> Path:
    droits.exiger(contexte.utilisateur, "base.sauvegarder")
    from instruction.db.sauvegarde import sauvegarder as copier

    return copier(contexte.moteur, chemin)


# --- Restaurer depuis l'application -----------------------------------------------------------------

@dataclass(frozen=True)
class Apercu:
    """Ce que la restauration remplacerait, pour que l'administrateur confirme en connaissance de cause."""

    fichier: Path
    revision: str
    modifiee_le: dt.datetime  # date du fichier de sauvegarde (UTC, avec son fuseau)
    lieu: str  # la base actuelle, telle que l'utilisateur la connaît
    dossiers_sauvegarde: int
    porteurs_sauvegarde: int
    dossiers_actuels: int
    porteurs_actuels: int
    derniere_modification: str | None  # la dernière ligne d'historique de la sauvegarde (quand, qui)


def _exiger_administrateur(contexte) -> None:
    droits.exiger(contexte.utilisateur, "base.restaurer")
    from instruction.services.acces import _compte_toujours_valable

    with contexte.unite(lecture=True) as uow:  # le compte n'a pas été désactivé ou rétrogradé entre-temps
        _compte_toujours_valable(uow)


def examiner(contexte, chemin: Path) -> Apercu:
    """Vérifie la sauvegarde comme ``instruction restaurer`` (intégrité, schéma connu) et dit ce qu'elle
    contient face à la base actuelle. Ne modifie rien."""
    import sqlite3

    from sqlalchemy import func, select

    from instruction.domaine.dates import formater_horodatage
    from instruction.db import modeles as m
    from instruction.db.fichiers import uri_sqlite
    from instruction.db.sauvegarde import verifier_fichier

    _exiger_administrateur(contexte)
    chemin = Path(chemin).expanduser().resolve()
    revision = verifier_fichier(chemin)
    connexion = sqlite3.connect(uri_sqlite(chemin, mode="ro"), uri=True)
    try:
        dossiers = connexion.execute("select count(*) from dossier").fetchone()[0]
        porteurs = connexion.execute("select count(*) from porteur").fetchone()[0]
        derniere = connexion.execute("select le, acteur from historique order by id desc limit 1").fetchone()
    finally:
        connexion.close()
    with contexte.unite(lecture=True) as uow:
        dossiers_actuels = uow.session.scalar(select(func.count()).select_from(m.Dossier))
        porteurs_actuels = uow.session.scalar(select(func.count()).select_from(m.Porteur))
    modification = None
    if derniere is not None:
        le = dt.datetime.fromisoformat(derniere[0]) if isinstance(derniere[0], str) else derniere[0]
        modification = f"{formater_horodatage(le)} par {derniere[1]}"
    return Apercu(chemin, revision, dt.datetime.fromtimestamp(chemin.stat().st_mtime, dt.UTC), contexte.lieu, dossiers,
                  porteurs, dossiers_actuels, porteurs_actuels, modification)


def restaurer(contexte, chemin: Path, progression: Callable[[str], None] | None = None):
    """Remplace le contenu de la base par la sauvegarde, par le même chemin que ``instruction restaurer``
    (``db.sauvegarde.restaurer`` : vérification du fichier, mise au schéma sur une copie de travail, copie de
    sécurité de la base actuelle, remplacement en une transaction, contrôle). Réservé aux administrateurs.
    La base restaurée reçoit une ligne d'historique : qui l'a restaurée, depuis quel fichier, et où est la
    copie de sécurité. Rend la ``Restauration`` (fichier, révision, copie de sécurité)."""
    from instruction.db.sauvegarde import restaurer as remplacer
    from instruction.db.sauvegarde import verifier_fichier

    dire = progression or (lambda _texte: None)
    _exiger_administrateur(contexte)
    dire("Vérification de la sauvegarde…")
    verifier_fichier(Path(chemin).expanduser())
    dire("Copie de sécurité de la base actuelle, puis remplacement de son contenu…")
    resultat = remplacer(contexte.moteur, Path(chemin))
    dire("Base restaurée ; réouverture…")
    from instruction.services import historique

    with contexte.unite() as uow:
        historique.noter(uow, "base", "restauration", changements=[
            ("Sauvegarde restaurée", None, str(resultat.fichier)),
            ("Copie de sécurité de la base d'avant", None, str(resultat.copie_de_securite or "(base vide)"))])
        uow.valider()
    return resultat
