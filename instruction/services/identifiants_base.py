"""Les identifiants de base personnels, depuis l'écran des comptes (base PostgreSQL partagée).

Un administrateur crée pour un compte son identifiant PostgreSQL (``<préfixe>_u_<compte>``), membre du
groupe de son rôle ; le mot de passe est rendu une fois, pour être transmis à la personne, et n'est gardé
nulle part (le serveur n'en garde que l'empreinte SCRAM). Ensuite, l'identifiant suit le compte tout seul
(déclencheur posé par ``db/roles.py``) : compte désactivé, il ne se connecte plus ; rôle changé, son groupe
change. Voir ``docs/administration.md``, « Base partagée : rôles PostgreSQL ».
"""

from __future__ import annotations

from instruction.db import modeles as m
from instruction.db import roles
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail


def disponibles(uow: UniteDeTravail) -> bool:
    """Vrai sur une base PostgreSQL dont les rôles sont installés : l'écran montre alors la colonne et le
    bouton « Identifiant de base »."""
    return roles.prefixe_installe(uow.session.connection()) is not None


def lister(uow: UniteDeTravail) -> list[roles.Identifiant]:
    return roles.identifiants(uow.session.connection())


def compte_de_la_connexion(uow: UniteDeTravail) -> str | None:
    """Le compte auquel est rattaché l'identifiant de base du poste (``None`` : partagé ou sans rôles)."""
    return roles.compte_de_la_connexion(uow.session.connection())


@ecrit("utilisateurs.gerer")
def creer(uow: UniteDeTravail, compte_id: int) -> roles.NouvelIdentifiant:
    """Crée l'identifiant de base de ce compte, ou lui donne un nouveau mot de passe s'il existe."""
    compte = uow.session.get(m.Compte, compte_id)
    if compte is None:
        raise DonneesInvalides("Ce compte n'existe plus.")
    if not compte.actif:
        raise DonneesInvalides("Ce compte est désactivé : réactivez-le avant de lui donner un identifiant de base.")
    avant = {i.compte: i.role_base for i in lister(uow)}.get(compte.identifiant)
    nouveau = roles.creer_identifiant(uow.session.connection(), compte.identifiant)
    historique.noter(uow, "compte", "identifiant de base créé" if avant is None else "identifiant de base : "
                     "nouveau mot de passe", changements=[("Identifiant de base", avant, nouveau.role_base)])
    return nouveau


@ecrit("utilisateurs.gerer")
def retirer(uow: UniteDeTravail, role_base: str) -> None:
    roles.retirer_identifiant(uow.session.connection(), role_base)
    historique.noter(uow, "compte", "identifiant de base supprimé", changements=[("Identifiant de base", role_base,
                                                                                   None)])
