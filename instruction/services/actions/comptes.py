"""Les actions sur les comptes : se connecter, changer son mot de passe, et ce qu'un administrateur fait
des comptes (créer, modifier, désactiver, réactiver, donner un mot de passe provisoire, ouvrir un fichier
personnel sans mot de passe).

Chaque écriture relit la liste des comptes dans la même transaction : la boîte des comptes l'affiche
sans autre aller-retour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from instruction.services.actions import COMPTES, Fait, fait

if TYPE_CHECKING:
    from instruction.domaine import droits
    from instruction.db.roles import Identifiant
    from instruction.services.comptes import FicheCompte, SaisieCompte
    from instruction.services.contexte import Contexte, UniteDeTravail


@dataclass(frozen=True)
class ListeComptes:
    """Les comptes, et celui sous lequel ce fichier s'ouvre sans mot de passe (``None`` : aucun) ; sur une base
    PostgreSQL aux rôles installés, l'identifiant de base de chaque compte (``None`` : pas de tels identifiants)."""

    fiches: list[FicheCompte]
    automatique: str | None
    identifiants: dict[str, Identifiant] | None = None


@dataclass(frozen=True)
class Provisoire:
    """Le mot de passe provisoire donné au compte ``compte_id`` (à montrer une seule fois), et la liste relue."""

    compte_id: int
    mot_de_passe: str
    comptes: ListeComptes


def _liste(uow: UniteDeTravail) -> ListeComptes:
    from instruction.services import comptes

    automatique = comptes.connexion_automatique(uow)
    identifiants = None
    if uow.session.get_bind().dialect.name == "postgresql":
        from instruction.services import identifiants_base

        if identifiants_base.disponibles(uow):
            identifiants = {i.compte: i for i in identifiants_base.lister(uow) if i.compte}
    return ListeComptes(comptes.lister(uow), automatique.identifiant if automatique is not None else None,
                        identifiants)


def connecter(contexte: Contexte, identifiant: str, mot_de_passe: str) -> Fait[tuple[droits.Utilisateur, bool]]:
    """Vérifie le mot de passe ; rend l'utilisateur et s'il doit changer un mot de passe provisoire."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        utilisateur = comptes.connecter(uow, identifiant, mot_de_passe)  # valide lui-même, échec compris
        return fait((utilisateur, comptes.doit_changer(uow)), COMPTES)


def changer_mot_de_passe(contexte: Contexte, ancien: str, nouveau: str, confirmation: str) -> Fait[None]:
    """L'utilisateur connecté change son propre mot de passe."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        comptes.changer_mot_de_passe(uow, ancien, nouveau, confirmation)
        uow.valider()
    return fait(None, COMPTES)


def lister(contexte: Contexte) -> ListeComptes:
    """La liste des comptes, pour la boîte d'administration."""
    with contexte.unite(lecture=True) as uow:
        return _liste(uow)


def creer(contexte: Contexte, saisie: SaisieCompte) -> Fait[Provisoire]:
    """Crée un compte ; rend son mot de passe provisoire et la liste relue."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        compte_id, provisoire = comptes.creer(uow, saisie)
        resultat = Provisoire(compte_id, provisoire, _liste(uow))
        uow.valider()
    return fait(resultat, COMPTES)


def modifier(contexte: Contexte, compte_id: int, saisie: SaisieCompte) -> Fait[ListeComptes]:
    """Modifie un compte (identifiant, nom, rôle, thèmes, cofinanceur) ; rend la liste relue."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        comptes.modifier(uow, compte_id, saisie)
        liste = _liste(uow)
        uow.valider()
    return fait(liste, COMPTES)


def desactiver(contexte: Contexte, compte_id: int) -> Fait[ListeComptes]:
    """Désactive un compte (il ne se connecte plus) ; rend la liste relue."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        comptes.desactiver(uow, compte_id)
        liste = _liste(uow)
        uow.valider()
    return fait(liste, COMPTES)


def reactiver(contexte: Contexte, compte_id: int) -> Fait[ListeComptes]:
    """Réactive un compte désactivé ; rend la liste relue."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        comptes.reactiver(uow, compte_id)
        liste = _liste(uow)
        uow.valider()
    return fait(liste, COMPTES)


def reinitialiser(contexte: Contexte, compte_id: int) -> Fait[Provisoire]:
    """Donne un nouveau mot de passe provisoire au compte ; rend ce mot de passe et la liste relue."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        provisoire = comptes.reinitialiser(uow, compte_id)
        resultat = Provisoire(compte_id, provisoire, _liste(uow))
        uow.valider()
    return fait(resultat, COMPTES)


def regler_connexion_automatique(contexte: Contexte, compte_id: int | None) -> Fait[ListeComptes]:
    """Ouvre ce fichier personnel sans mot de passe sous ce compte (``None`` : toujours demander)."""
    from instruction.services import comptes

    with contexte.unite() as uow:
        comptes.regler_connexion_automatique(uow, compte_id)
        liste = _liste(uow)
        uow.valider()
    return fait(liste, COMPTES)


@dataclass(frozen=True)
class IdentifiantDonne:
    """L'identifiant de base (PostgreSQL) donné au compte et son mot de passe, à montrer une seule fois."""

    role_base: str
    mot_de_passe: str
    comptes: ListeComptes


def donner_identifiant_base(contexte: Contexte, compte_id: int) -> Fait[IdentifiantDonne]:
    """Crée l'identifiant de base personnel du compte (ou lui donne un nouveau mot de passe)."""
    from instruction.services import identifiants_base

    with contexte.unite() as uow:
        nouveau = identifiants_base.creer(uow, compte_id)
        liste = _liste(uow)
        uow.valider()
    return fait(IdentifiantDonne(nouveau.role_base, nouveau.mot_de_passe, liste), COMPTES)


def retirer_identifiant_base(contexte: Contexte, role_base: str) -> Fait[ListeComptes]:
    """Supprime un identifiant de base personnel : la personne ne peut plus se connecter au serveur."""
    from instruction.services import identifiants_base

    with contexte.unite() as uow:
        identifiants_base.retirer(uow, role_base)
        liste = _liste(uow)
        uow.valider()
    return fait(liste, COMPTES)
