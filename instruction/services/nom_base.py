"""Le nom de la base que voient les utilisateurs (titre de la fenêtre, barre d'état, « À propos »).

Un administrateur peut lui donner un nom (« Instruction 2027 — service politique de la ville »), gardé
dans la table des paramètres (clé ``base.nom``) avec son changement à l'historique ; sans nom choisi,
c'est le nom du fichier pour une base SQLite, « base partagée <nom> sur <serveur> » pour PostgreSQL.
L'adresse technique (sans mot de passe) n'est montrée qu'aux administrateurs, en bulle.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services import historique
from instruction.services.acces import ecrit

if TYPE_CHECKING:
    from instruction.services.contexte import UniteDeTravail

CLE = "base.nom"
LONGUEUR_MAXIMUM = 80


def nom_par_defaut(url: URL | str) -> str:
    """Le nom montré quand aucun n'a été choisi : le fichier SQLite, ou la base PostgreSQL et son serveur."""
    try:
        url = make_url(url) if isinstance(url, str) else url
    except ArgumentError:  # une adresse illisible n'empêche pas d'afficher la fenêtre
        return "base de données"
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return "base en mémoire"
        return PurePath(url.database).name
    serveur = url.host or "ce poste"
    return f"base partagée {url.database or '(sans nom)'} sur {serveur}"


def choisi(uow: UniteDeTravail) -> str | None:
    """Le nom choisi par un administrateur, ``None`` s'il n'y en a pas."""
    parametre = uow.session.get(m.Parametre, CLE)
    return parametre.valeur if parametre is not None else None


def lire(uow: UniteDeTravail) -> str:
    """Le nom à montrer : celui choisi par un administrateur, sinon celui que donne l'adresse de la base."""
    return choisi(uow) or nom_par_defaut(uow.session.get_bind().url)


def _propre(nom: str | None) -> str | None:
    nom = " ".join((nom or "").split())  # ni retour à la ligne ni espaces doublés dans un titre de fenêtre
    if not nom:
        return None
    if len(nom) > LONGUEUR_MAXIMUM:
        raise DonneesInvalides(f"Le nom de la base fait {len(nom)} caractères : {LONGUEUR_MAXIMUM} au plus "
                               "(il s'affiche dans le titre de la fenêtre).")
    if any(not c.isprintable() for c in nom):
        raise DonneesInvalides("Le nom de la base contient un caractère invisible : retapez-le.")
    return nom


@ecrit("reglages.modifier")
def nommer(uow: UniteDeTravail, nom: str | None) -> str:
    """Donne un nom à la base (vide : revenir au nom du fichier ou du serveur) ; rend le nom à montrer."""
    nouveau = _propre(nom)
    ancien = uow.session.get(m.Parametre, CLE)
    ancien_valeur = ancien.valeur if ancien is not None else None
    if nouveau is None:
        if ancien is not None:
            uow.session.delete(ancien)
    elif ancien is not None:
        ancien.valeur = nouveau
    else:
        uow.session.add(m.Parametre(cle=CLE, valeur=nouveau))
    if ancien_valeur != nouveau:
        historique.noter(uow, "réglage", "nom de la base", changements=[("Nom de la base", ancien_valeur, nouveau)])
    uow.session.flush()
    return nouveau or nom_par_defaut(uow.session.get_bind().url)
