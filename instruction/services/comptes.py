"""Les comptes : connexion, création, désactivation, mot de passe provisoire.

* Les mots de passe ne sont gardés que sous forme d'empreinte Argon2id (argon2-cffi) : rien ne permet
  de les retrouver. Ni le mot de passe ni l'empreinte n'apparaissent dans le journal, l'historique ou
  un export.
* Les échecs répétés ralentissent : à partir du troisième échec de suite, le compte attend avant
  d'accepter un nouvel essai (5 s, puis 10 s, 20 s… jusqu'à 15 minutes). Un identifiant inconnu
  coûte le même calcul qu'un vrai, pour ne pas révéler quels comptes existent.
* Une base sans compte actif s'ouvre sous le compte de session du poste, administrateur : c'est
  ainsi que l'on crée le premier compte, qui doit être administrateur.
* Un fichier SQLite personnel peut s'ouvrir sans mot de passe sous un compte choisi (réglage).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.db import roles
from instruction.domaine.erreurs import DonneesInvalides, ErreurInstruction
from instruction.domaine.horloge import maintenant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

journal = logging.getLogger(__name__)

LONGUEUR_MINIMALE = 10
ECHECS_AVANT_ATTENTE = 3
ATTENTE_PREMIERE = dt.timedelta(seconds=5)
ATTENTE_MAXIMALE = dt.timedelta(minutes=15)
CLE_CONNEXION_AUTOMATIQUE = "connexion.automatique"
# Lettres et chiffres sans ambiguïté (ni O/0 ni l/1) pour un mot de passe provisoire dicté au téléphone.
ALPHABET_PROVISOIRE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ConnexionRefusee(ErreurInstruction):
    """Identifiant ou mot de passe faux, compte désactivé, ou trop d'essais : personne n'est connecté."""


def _hacheur():
    from argon2 import PasswordHasher

    return PasswordHasher()


_EMPREINTE_LEURRE: str | None = None


def _leurre() -> str:
    """Une empreinte d'un mot de passe que personne ne connaît, vérifiée pour un identifiant inconnu."""
    global _EMPREINTE_LEURRE
    if _EMPREINTE_LEURRE is None:
        _EMPREINTE_LEURRE = _hacheur().hash(secrets.token_urlsafe(16))
    return _EMPREINTE_LEURRE


def _verifier(empreinte: str, mot_de_passe: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hacheur().verify(empreinte, mot_de_passe)
    except (VerificationError, InvalidHashError):
        return False


def mot_de_passe_provisoire() -> str:
    return "".join(secrets.choice(ALPHABET_PROVISOIRE) for _ in range(12))


def _controler_mot_de_passe(mot_de_passe: str, identifiant: str) -> None:
    if len(mot_de_passe) < LONGUEUR_MINIMALE:
        raise DonneesInvalides(f"Le mot de passe doit compter au moins {LONGUEUR_MINIMALE} caractères.")
    if mot_de_passe.strip().lower() == identifiant.strip().lower():
        raise DonneesInvalides("Le mot de passe ne peut pas être l'identifiant.")


# --- Lecture ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FicheCompte:
    id: int
    identifiant: str
    nom: str
    courriel: str | None
    role: str
    themes: tuple[str, ...]
    financeur: str | None
    actif: bool
    a_changer: bool
    derniere_connexion: dt.datetime | None
    bloque_jusqu_a: dt.datetime | None

    @property
    def libelle_role(self) -> str:
        return droits.ROLES.get(self.role, self.role)


def _fiche(compte: m.Compte) -> FicheCompte:
    return FicheCompte(compte.id, compte.identifiant, compte.nom, compte.courriel, compte.role,
                       tuple(sorted(t.theme_code for t in compte.themes)), compte.financeur_code, compte.actif,
                       compte.a_changer, compte.derniere_connexion, compte.bloque_jusqu_a)


def lister(uow: UniteDeTravail) -> list[FicheCompte]:
    comptes = uow.session.scalars(select(m.Compte).order_by(m.Compte.actif.desc(), m.Compte.nom))
    return [_fiche(c) for c in comptes]


def relire_utilisateur(uow: UniteDeTravail) -> droits.Utilisateur | None:
    """L'utilisateur connecté tel qu'il est maintenant en base (rôle, thèmes…) ; ``None`` si son compte a
    été désactivé. Le compte de session du poste reste ce qu'il est."""
    if uow.utilisateur.id is None:
        return uow.utilisateur
    compte = uow.session.get(m.Compte, uow.utilisateur.id)
    return utilisateur(compte) if compte is not None and compte.actif else None


def connexion_requise(uow: UniteDeTravail) -> bool:
    """Vrai dès qu'un compte actif existe : il faut alors se connecter pour travailler."""
    return bool(uow.session.scalar(select(func.count()).select_from(m.Compte).where(m.Compte.actif)))


def utilisateur(compte: m.Compte) -> droits.Utilisateur:
    return droits.Utilisateur(compte.identifiant, compte.nom, compte.role, compte.id,
                              frozenset(t.theme_code for t in compte.themes), compte.financeur_code)


def _chercher(uow: UniteDeTravail, identifiant: str) -> int | None:
    """Le compte de cet identifiant, sans tenir compte de la casse, accents compris. La comparaison se fait
    ici et non en SQL : le ``lower()`` de SQLite ne connaît que les lettres ASCII (« É » y reste « É »).
    La table des comptes est courte."""
    cle = identifiant.strip().casefold()
    if not cle:
        return None
    return next((compte_id for compte_id, existant in uow.session.execute(select(m.Compte.id, m.Compte.identifiant))
                 if existant.casefold() == cle), None)


def _compte(uow: UniteDeTravail, compte_id: int) -> m.Compte:
    compte = uow.session.get(m.Compte, compte_id)
    if compte is None:
        raise DonneesInvalides("Ce compte n'existe plus.")
    return compte


# --- Connexion ----------------------------------------------------------------------------------


def connecter(uow: UniteDeTravail, identifiant: str, mot_de_passe: str) -> droits.Utilisateur:
    """Vérifie le mot de passe et rend l'utilisateur ; sinon ``ConnexionRefusee``.

    Un échec est compté (et validé) même si l'appelant n'écrit rien d'autre.
    """
    refus = ConnexionRefusee("Identifiant ou mot de passe incorrect.")
    session = uow.session
    compte_id = _chercher(uow, identifiant)
    lie = roles.compte_de_la_connexion(session.connection())  # identifiant de base personnel du poste
    if lie is not None and compte_id != _chercher(uow, lie):
        raise ConnexionRefusee(
            f"Ce poste se connecte au serveur sous l'identifiant de base du compte « {lie} » : connectez-vous avec "
            "ce compte, ou demandez à l'administrateur l'identifiant de base du vôtre.")
    # Verrouillé jusqu'à la fin de la transaction (PostgreSQL) : des essais simultanés ne perdent aucun échec.
    compte = session.get(m.Compte, compte_id, with_for_update=True) if compte_id is not None else None
    if compte is None:
        _verifier(_leurre(), mot_de_passe)  # même durée que pour un compte existant
        raise refus
    instant = maintenant()
    if compte.bloque_jusqu_a is not None and compte.bloque_jusqu_a > instant:
        reste = max(1, math.ceil((compte.bloque_jusqu_a - instant).total_seconds()))
        raise ConnexionRefusee(
            f"Trop d'essais manqués pour ce compte : réessayez dans {_duree(reste)}. "
            "Un administrateur peut aussi réinitialiser le mot de passe.")
    if not _verifier(compte.empreinte, mot_de_passe):
        compte.echecs += 1
        if compte.echecs >= ECHECS_AVANT_ATTENTE:
            # Exposant borné : après des centaines d'échecs, 5 s × 2ⁿ dépasserait ce que timedelta sait compter.
            doublements = min(compte.echecs - ECHECS_AVANT_ATTENTE, 16)
            attente = min(ATTENTE_PREMIERE * 2 ** doublements, ATTENTE_MAXIMALE)
            compte.bloque_jusqu_a = instant + attente
        historique.noter(uow, "compte", "connexion refusée", changements=[("Compte", None, compte.identifiant)])
        uow.valider()
        journal.warning("Connexion refusée pour le compte %s (%d échec(s) de suite)", compte.identifiant,
                        compte.echecs)
        raise refus
    if not compte.actif:
        raise ConnexionRefusee("Ce compte est désactivé. Adressez-vous à un administrateur.")
    compte.echecs = 0
    compte.bloque_jusqu_a = None
    compte.derniere_connexion = instant
    hacheur = _hacheur()
    if hacheur.check_needs_rehash(compte.empreinte):  # paramètres Argon2 renforcés depuis : on met à jour
        compte.empreinte = hacheur.hash(mot_de_passe)
    uow.utilisateur = utilisateur(compte)
    historique.noter(uow, "compte", "connexion", changements=[("Compte", None, compte.identifiant)])
    uow.valider()
    return uow.utilisateur


def _duree(secondes: int) -> str:
    if secondes < 60:
        return f"{secondes} s"
    return f"{(secondes + 59) // 60} min"


def doit_changer(uow: UniteDeTravail) -> bool:
    """Le mot de passe de l'utilisateur connecté est-il provisoire ?"""
    if uow.utilisateur.id is None:
        return False
    compte = uow.session.get(m.Compte, uow.utilisateur.id)
    return bool(compte and compte.a_changer)


def changer_mot_de_passe(uow: UniteDeTravail, ancien: str, nouveau: str, confirmation: str) -> None:
    """L'utilisateur connecté change son propre mot de passe."""
    if uow.utilisateur.id is None:
        raise DonneesInvalides("Le compte de session du poste n'a pas de mot de passe.")
    compte = _compte(uow, uow.utilisateur.id)
    if not compte.actif:  # désactivé depuis la connexion : le compte ne sert plus, son mot de passe non plus
        raise droits.Interdit("Votre compte a été désactivé : son mot de passe ne peut plus être changé. "
                              "Adressez-vous à un administrateur.")
    if not _verifier(compte.empreinte, ancien):
        raise DonneesInvalides("Le mot de passe actuel est incorrect.")
    if nouveau != confirmation:
        raise DonneesInvalides("Les deux saisies du nouveau mot de passe diffèrent.")
    if nouveau == ancien:
        raise DonneesInvalides("Le nouveau mot de passe doit être différent de l'actuel.")
    _controler_mot_de_passe(nouveau, compte.identifiant)
    compte.empreinte = _hacheur().hash(nouveau)
    compte.a_changer = False
    historique.noter(uow, "compte", "mot de passe changé", changements=[("Compte", None, compte.identifiant)])


# --- Administration -----------------------------------------------------------------------------


@dataclass
class SaisieCompte:
    identifiant: str
    nom: str
    role: str
    courriel: str = ""
    themes: tuple[str, ...] = ()
    financeur: str | None = None


def _valider(uow: UniteDeTravail, saisie: SaisieCompte, compte_id: int | None) -> list[str]:
    erreurs = []
    identifiant = saisie.identifiant.strip()
    if not identifiant:
        erreurs.append("L'identifiant est obligatoire.")
    elif len(identifiant) > 80 or any(c.isspace() for c in identifiant):
        erreurs.append("L'identifiant : 80 caractères au plus, sans espace.")
    else:
        existant = _chercher(uow, identifiant)
        if existant is not None and existant != compte_id:
            erreurs.append(f"L'identifiant « {identifiant} » est déjà pris.")
    if not saisie.nom.strip():
        erreurs.append("Le nom est obligatoire.")
    if saisie.role not in droits.ROLES:
        erreurs.append("Choisissez un rôle.")
    if saisie.role == droits.REFERENT:
        if not saisie.themes:
            erreurs.append("Un référent suit au moins un des thèmes des référents.")
        connus = set(uow.session.scalars(select(m.ThemeReferent.code)))
        erreurs += [f"Thème inconnu : {t}." for t in saisie.themes if t not in connus]
    if saisie.role == droits.FINANCEUR:
        if not saisie.financeur:
            erreurs.append("Un compte financeur est rattaché à un cofinanceur.")
        elif uow.session.get(m.Financeur, saisie.financeur) is None:
            erreurs.append(f"Cofinanceur inconnu : {saisie.financeur}.")
    if saisie.courriel.strip() and "@" not in saisie.courriel:
        erreurs.append("L'adresse électronique n'a pas de « @ ».")
    return erreurs


def _ecrire(compte: m.Compte, saisie: SaisieCompte) -> list[tuple[str, object, object]]:
    themes = tuple(sorted(saisie.themes)) if saisie.role == droits.REFERENT else ()
    financeur = saisie.financeur if saisie.role == droits.FINANCEUR else None
    avant = {"Identifiant": compte.identifiant, "Nom": compte.nom, "Adresse électronique": compte.courriel,
             "Rôle": compte.role, "Thèmes": ", ".join(sorted(t.theme_code for t in compte.themes)) or None,
             "Cofinanceur": compte.financeur_code}
    compte.identifiant = saisie.identifiant.strip()
    compte.nom = saisie.nom.strip()
    compte.courriel = saisie.courriel.strip() or None
    compte.role = saisie.role
    compte.financeur_code = financeur
    compte.themes = [m.CompteTheme(theme_code=t) for t in themes]
    apres = {"Identifiant": compte.identifiant, "Nom": compte.nom, "Adresse électronique": compte.courriel,
             "Rôle": compte.role, "Thèmes": ", ".join(themes) or None, "Cofinanceur": financeur}
    return [(champ, avant[champ], apres[champ]) for champ in avant if avant[champ] != apres[champ]]


def _nommes(uow: UniteDeTravail, changements: list[tuple[str, object, object]]) -> list[tuple[str, object, object]]:
    """Les changements comparés sur les codes, écrits avec des noms : libellé du rôle, sigle du cofinanceur,
    libellés des thèmes (la traduction même qui relit les lignes anciennes de l'historique)."""
    lisible = historique._lisible(uow)
    return [(champ, lisible(champ, avant), lisible(champ, apres)) for champ, avant, apres in changements]


def _administrateurs_actifs(uow: UniteDeTravail, sauf: int | None = None) -> int:
    requete = select(func.count()).select_from(m.Compte).where(m.Compte.actif, m.Compte.role == droits.ADMINISTRATEUR)
    if sauf is not None:
        requete = requete.where(m.Compte.id != sauf)
    return uow.session.scalar(requete)


@ecrit("utilisateurs.gerer")
def creer(uow: UniteDeTravail, saisie: SaisieCompte) -> tuple[int, str]:
    """Crée le compte ; rend son id et un mot de passe provisoire, à changer à la première connexion."""
    erreurs = _valider(uow, saisie, None)
    if saisie.role != droits.ADMINISTRATEUR and not _administrateurs_actifs(uow):
        erreurs.append("Le premier compte doit être administrateur : sinon, plus personne ne pourrait gérer "
                       "les comptes une fois la connexion exigée.")
    if erreurs:
        raise DonneesInvalides("Compte refusé :\n- " + "\n- ".join(erreurs))
    provisoire = mot_de_passe_provisoire()
    compte = m.Compte(empreinte=_hacheur().hash(provisoire), a_changer=True, actif=True, echecs=0)
    changements = _ecrire(compte, saisie)
    uow.session.add(compte)
    uow.session.flush()
    historique.noter(uow, "compte", "création", changements=_nommes(uow, changements))
    return compte.id, provisoire


@ecrit("utilisateurs.gerer")
def modifier(uow: UniteDeTravail, compte_id: int, saisie: SaisieCompte) -> None:
    compte = _compte(uow, compte_id)
    erreurs = _valider(uow, saisie, compte_id)
    if (compte.role == droits.ADMINISTRATEUR and saisie.role != droits.ADMINISTRATEUR and compte.actif
            and not _administrateurs_actifs(uow, sauf=compte_id)):
        erreurs.append("C'est le dernier administrateur actif : il garde ce rôle.")
    if erreurs:
        raise DonneesInvalides("Compte refusé :\n- " + "\n- ".join(erreurs))
    changements = _ecrire(compte, saisie)
    if changements:
        historique.noter(uow, "compte", "modification", changements=_nommes(uow, changements))


@ecrit("utilisateurs.gerer")
def desactiver(uow: UniteDeTravail, compte_id: int) -> None:
    compte = _compte(uow, compte_id)
    if compte.id == uow.utilisateur.id:
        raise DonneesInvalides("Vous ne pouvez pas désactiver votre propre compte.")
    if compte.role == droits.ADMINISTRATEUR and not _administrateurs_actifs(uow, sauf=compte_id):
        raise DonneesInvalides("C'est le dernier administrateur actif : il ne peut pas être désactivé.")
    if compte.actif:
        compte.actif = False
        historique.noter(uow, "compte", "désactivation", changements=[("Actif", "oui", "non")])


@ecrit("utilisateurs.gerer")
def reactiver(uow: UniteDeTravail, compte_id: int) -> None:
    compte = _compte(uow, compte_id)
    if not compte.actif:
        compte.actif = True
        historique.noter(uow, "compte", "réactivation", changements=[("Actif", "non", "oui")])


@ecrit("utilisateurs.gerer")
def reinitialiser(uow: UniteDeTravail, compte_id: int) -> str:
    """Nouveau mot de passe provisoire (à changer à la connexion) ; lève aussi l'attente après échecs."""
    compte = _compte(uow, compte_id)
    provisoire = mot_de_passe_provisoire()
    compte.empreinte = _hacheur().hash(provisoire)
    compte.a_changer = True
    compte.echecs = 0
    compte.bloque_jusqu_a = None
    historique.noter(uow, "compte", "mot de passe réinitialisé", changements=[("Compte", None, compte.identifiant)])
    return provisoire


# --- Connexion automatique d'un fichier personnel ------------------------------------------------


def connexion_automatique(uow: UniteDeTravail) -> droits.Utilisateur | None:
    """Sur un fichier SQLite personnel, le compte sous lequel il s'ouvre sans mot de passe (réglage)."""
    if uow.session.get_bind().dialect.name != "sqlite":
        return None
    parametre = uow.session.get(m.Parametre, CLE_CONNEXION_AUTOMATIQUE)
    if parametre is None:
        return None
    compte = uow.session.scalar(select(m.Compte).where(m.Compte.identifiant == parametre.valeur, m.Compte.actif))
    return utilisateur(compte) if compte is not None else None


@ecrit("utilisateurs.gerer")
def regler_connexion_automatique(uow: UniteDeTravail, compte_id: int | None) -> None:
    """Ouvrir ce fichier sans mot de passe sous ce compte (``None`` : toujours demander)."""
    if uow.session.get_bind().dialect.name != "sqlite":
        raise DonneesInvalides("Une base partagée demande toujours de se connecter : ce réglage ne vaut que pour "
                               "un fichier personnel sur ce poste.")
    ancien = uow.session.get(m.Parametre, CLE_CONNEXION_AUTOMATIQUE)
    ancien_valeur = ancien.valeur if ancien else None
    if compte_id is None:
        if ancien is not None:
            uow.session.delete(ancien)
        nouveau = None
    else:
        compte = _compte(uow, compte_id)
        if not compte.actif:
            raise DonneesInvalides("Ce compte est désactivé.")
        nouveau = compte.identifiant
        uow.session.merge(m.Parametre(cle=CLE_CONNEXION_AUTOMATIQUE, valeur=nouveau))
    if ancien_valeur != nouveau:
        historique.noter(uow, "réglage", "connexion sans mot de passe",
                         changements=[("Ouvrir sans mot de passe sous le compte", ancien_valeur, nouveau)])
