"""Qui instruit quoi : l'instructeur en charge d'un dossier, attribué à la main ou selon des règles.

* À la main : ``attribuer`` (un instructeur ou un administrateur actif, ou personne), avec l'ancien et
  le nouveau nom à l'historique du dossier.
* Selon des règles déclarées (``regle_attribution`` : dispositif, quartier → instructeur), dans leur
  ordre : la première qui convient désigne l'instructeur (``instructeur_selon``, règle pure). Elles
  s'appliquent à la création d'un dossier (``appliquer_regles``, appelé par l'action qui crée) et, sur
  demande, à tous les dossiers sans instructeur encore ouverts (``attribuer_selon_regles``).
* Les règles sont un réglage de l'équipe : seul un administrateur les change (``enregistrer_regles``),
  chaque changement est à l'historique (avant → après, en clair).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

CHAMP = "Instructeur en charge"
# Un dossier clos (refusé, sans suite, soldé) n'a plus personne à qui l'attribuer.
ETATS_CLOS = frozenset({Etat.REFUSE, Etat.SANS_SUITE, Etat.SOLDE})


@dataclass(frozen=True)
class Instructeur:
    id: int
    nom: str


@dataclass(frozen=True)
class Regle:
    """Une règle : ``dispositif`` et ``quartier`` vides valent « tous »."""

    instructeur_id: int
    dispositif: str | None = None
    quartier: str | None = None


@dataclass(frozen=True)
class Attribution:
    """L'instructeur en charge d'un dossier, et ceux à qui on peut l'attribuer."""

    dossier_id: int
    instructeur: Instructeur | None
    instructeurs: list[Instructeur]


def instructeur_selon(regles: Sequence[Regle], dispositif: str | None, quartiers: Iterable[str]) -> int | None:
    """L'instructeur de la première règle qui convient au dossier (son dispositif, un de ses quartiers)."""
    quartiers = set(quartiers)
    for regle in regles:
        if regle.dispositif is not None and regle.dispositif != dispositif:
            continue
        if regle.quartier is not None and regle.quartier not in quartiers:
            continue
        return regle.instructeur_id
    return None


# --- Lectures ------------------------------------------------------------------------------------------


def instructeurs(uow: UniteDeTravail) -> list[Instructeur]:
    """Les comptes actifs qui peuvent instruire (instructeurs et administrateurs), par nom."""
    requete = (select(m.Compte.id, m.Compte.nom)
               .where(m.Compte.actif.is_(True), m.Compte.role.in_(sorted(droits.INSTRUIRE)))
               .order_by(m.Compte.nom))
    return [Instructeur(i, n) for i, n in uow.session.execute(requete)]


def lire(uow: UniteDeTravail, dossier_id: int) -> Attribution:
    ligne = uow.session.execute(
        select(m.Dossier.instructeur_id, m.Compte.nom).outerjoin(m.Compte, m.Compte.id == m.Dossier.instructeur_id)
        .where(m.Dossier.id == dossier_id)).first()
    if ligne is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    en_charge = Instructeur(ligne[0], ligne[1]) if ligne[0] is not None else None
    return Attribution(dossier_id, en_charge, instructeurs(uow))


def regles(uow: UniteDeTravail) -> list[Regle]:
    return [Regle(r.instructeur_id, r.dispositif_code, r.quartier_code) for r in uow.session.scalars(
        select(m.RegleAttribution).order_by(m.RegleAttribution.ordre, m.RegleAttribution.id))]


# --- Écritures -----------------------------------------------------------------------------------------


def _compte_qui_instruit(uow: UniteDeTravail, compte_id: int) -> m.Compte:
    compte = uow.session.get(m.Compte, compte_id)
    if compte is None:
        raise DonneesInvalides("Ce compte n'existe plus.")
    if not compte.actif:
        raise DonneesInvalides(f"Le compte de {compte.nom} est désactivé : il ne peut pas être en charge d'un dossier.")
    if compte.role not in droits.INSTRUIRE:
        raise DonneesInvalides(f"{compte.nom} est {droits.ROLES.get(compte.role, compte.role).lower()} : seul un "
                               "instructeur ou un administrateur peut être en charge d'un dossier.")
    return compte


def _nom(uow: UniteDeTravail, compte_id: int | None) -> str | None:
    return uow.session.scalar(select(m.Compte.nom).where(m.Compte.id == compte_id)) if compte_id else None


def _poser(uow: UniteDeTravail, dossier: m.Dossier, compte_id: int | None, action: str,
           motif: str | None = None) -> bool:
    if dossier.instructeur_id == compte_id:
        return False
    ancien = _nom(uow, dossier.instructeur_id)
    dossier.instructeur_id = compte_id
    uow.session.flush()
    changements = [(CHAMP, ancien, _nom(uow, compte_id))]
    if motif:
        changements.append(("Motif", None, motif))
    historique.noter(uow, "dossier", action, dossier_id=dossier.id, version=dossier.version, changements=changements)
    return True


@ecrit("dossier.attribuer")
def attribuer(uow: UniteDeTravail, dossier_id: int, instructeur_id: int | None) -> bool:
    """Met ``instructeur_id`` (ou personne) en charge du dossier ; rend vrai si cela a changé quelque chose."""
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    if instructeur_id is not None:
        _compte_qui_instruit(uow, instructeur_id)
    return _poser(uow, dossier, instructeur_id, "attribution")


def _selon(uow: UniteDeTravail, dossiers: list[m.Dossier], declarees: list[Regle]) -> dict[int, int]:
    """Attribue chaque dossier selon les règles ; rend {dossier: instructeur} de ceux attribués."""
    if not dossiers or not declarees:
        return {}
    valides = {i.id for i in instructeurs(uow)}  # une règle vers un compte désactivé est passée
    declarees = [r for r in declarees if r.instructeur_id in valides]
    ids = [d.id for d in dossiers]
    quartiers: dict[int, set[str]] = {}
    for dossier_id, code in uow.session.execute(
            select(m.DossierQuartier.dossier_id, m.DossierQuartier.quartier_code)
            .where(m.DossierQuartier.dossier_id.in_(ids))):
        quartiers.setdefault(dossier_id, set()).add(code)
    dispositifs = dict(uow.session.execute(
        select(m.Dossier.id, m.Campagne.dispositif_code).join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .where(m.Dossier.id.in_(ids))).all())
    faits = {}
    for dossier in dossiers:
        choisi = instructeur_selon(declarees, dispositifs.get(dossier.id), quartiers.get(dossier.id, ()))
        if choisi is not None and _poser(uow, dossier, choisi, "attribution selon les règles"):
            faits[dossier.id] = choisi
    return faits


@ecrit("dossier.attribuer")
def appliquer_regles(uow: UniteDeTravail, dossier_id: int) -> int | None:
    """Un dossier qui vient d'être créé (et n'a pas encore d'instructeur) : attribué selon les règles.
    Rend l'instructeur choisi (ou rien si aucune règle ne convient)."""
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None or dossier.instructeur_id is not None:
        return None
    return _selon(uow, [dossier], regles(uow)).get(dossier_id)


@ecrit("dossier.attribuer")
def attribuer_selon_regles(uow: UniteDeTravail) -> dict[int, int]:
    """Tous les dossiers sans instructeur, sauf les dossiers clos, attribués selon les règles ;
    rend {dossier: instructeur} de ceux qui l'ont été."""
    declarees = regles(uow)
    if not declarees:
        raise DonneesInvalides("Aucune règle d'attribution n'est déclarée (menu Instruction › Règles "
                               "d'attribution…).")
    dossiers = list(uow.session.scalars(
        select(m.Dossier).where(m.Dossier.instructeur_id.is_(None),
                                m.Dossier.etat.not_in([e.value for e in ETATS_CLOS])).order_by(m.Dossier.id)))
    return _selon(uow, dossiers, declarees)


def _texte(uow: UniteDeTravail, liste: Sequence[Regle]) -> str:
    if not liste:
        return "(aucune)"
    noms = dict(uow.session.execute(select(m.Compte.id, m.Compte.nom)).all())
    dispositifs = dict(uow.session.execute(select(m.Dispositif.code,
                                                  m.Dispositif.sigle)).all())
    quartiers = dict(uow.session.execute(select(m.Quartier.code, m.Quartier.nom)).all())
    return "\n".join(
        f"{dispositifs.get(r.dispositif) or r.dispositif if r.dispositif else 'tout dispositif'}, "
        f"{quartiers.get(r.quartier, r.quartier) if r.quartier else 'tout quartier'} → "
        f"{noms.get(r.instructeur_id, r.instructeur_id)}" for r in liste)


@ecrit("reglages.modifier")
def enregistrer_regles(uow: UniteDeTravail, nouvelles: Sequence[Regle]) -> list[Regle]:
    """Remplace les règles d'attribution (dans l'ordre donné) ; chaque règle est vérifiée, une règle
    refusée dit laquelle et rien n'est changé."""
    session = uow.session
    for rang, regle in enumerate(nouvelles, start=1):
        try:
            _compte_qui_instruit(uow, regle.instructeur_id)
        except DonneesInvalides as erreur:
            raise DonneesInvalides(f"Règle {rang} : {erreur.message}") from None
        if regle.dispositif is not None and session.get(m.Dispositif, regle.dispositif) is None:
            raise DonneesInvalides(f"Règle {rang} : dispositif inconnu ({regle.dispositif}).")
        if regle.quartier is not None and session.get(m.Quartier, regle.quartier) is None:
            raise DonneesInvalides(f"Règle {rang} : quartier inconnu ({regle.quartier}).")
    doublons = [r for i, r in enumerate(nouvelles) if (r.dispositif, r.quartier) in
                {(a.dispositif, a.quartier) for a in nouvelles[:i]}]
    if doublons:
        raise DonneesInvalides("Deux règles portent sur le même dispositif et le même quartier : la seconde ne "
                               "servirait jamais. Retirez-en une.")
    anciennes = regles(uow)
    if list(nouvelles) == anciennes:
        return anciennes
    avant = _texte(uow, anciennes)
    for ancienne in session.scalars(select(m.RegleAttribution)):
        session.delete(ancienne)
    session.flush()
    for ordre, regle in enumerate(nouvelles):
        session.add(m.RegleAttribution(ordre=ordre, dispositif_code=regle.dispositif, quartier_code=regle.quartier,
                                       instructeur_id=regle.instructeur_id))
    session.flush()
    historique.noter(uow, "réglage", "règles d'attribution",
                     changements=[("Règles d'attribution", avant, _texte(uow, nouvelles))])
    return regles(uow)
