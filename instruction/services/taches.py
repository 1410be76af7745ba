"""Mes tâches : ce que l'utilisateur connecté a à faire, chaque tâche à un clic de son dossier.

* Avis à donner : les avis demandés à l'utilisateur (ou à son cofinanceur), pas encore donnés.
* Dossiers à instruire (instructeurs) : déposés (recevabilité à vérifier), recevables, en instruction.
* Compléments attendus (instructeurs) : demandés au porteur, pas encore reçus.
* Échéances dépassées (instructeurs) : avis attendus après leur échéance (à relancer) et compléments
  en retard.
* Dossiers de mes collègues (instructeurs) : les tâches des dossiers qu'un autre instructeur a en charge,
  en dernier (pour remplacer un collègue absent).

Chaque instructeur voit d'abord ses dossiers (ceux dont il est l'instructeur en charge,
``services.attribution``), puis ceux qui n'ont encore personne ; ceux de ses collègues viennent à part.

Quatre requêtes au plus, quel que soit le nombre de dossiers : l'écran se rafraîchit vite même
quand la base partagée est loin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services.avis import ETATS_AVIS_OUVERTS, demandees_a
from instruction.services.contexte import UniteDeTravail

AVIS_A_DONNER = "Avis à donner"
A_INSTRUIRE = "Dossiers à instruire"
COMPLEMENTS = "Compléments attendus"
DEPASSEES = "Échéances dépassées"
COLLEGUES = "Dossiers de mes collègues"
CATEGORIES = (AVIS_A_DONNER, DEPASSEES, A_INSTRUIRE, COMPLEMENTS, COLLEGUES)
A_MOI, SANS_INSTRUCTEUR, A_UN_COLLEGUE = 0, 1, 2  # rang d'une tâche dans sa catégorie

A_FAIRE_PAR_ETAT = {
    Etat.DEPOSE: "Vérifier la recevabilité",
    Etat.RECEVABLE: "Commencer l'instruction",
    Etat.EN_INSTRUCTION: "Examiner l'éligibilité et coter",
}


@dataclass(frozen=True)
class Tache:
    categorie: str
    dossier_id: int
    numero: str
    intitule: str
    porteur: str
    quoi: str
    echeance: dt.date | None = None
    demande_avis_id: int | None = None
    en_charge: str | None = None  # l'instructeur en charge du dossier (son nom) ; None : personne
    rang: int = SANS_INSTRUCTEUR  # A_MOI, SANS_INSTRUCTEUR ou A_UN_COLLEGUE

    @property
    def en_retard(self) -> bool:
        return self.echeance is not None and self.echeance < aujourd_hui()


_EN_CHARGE = aliased(m.Compte, name="en_charge")


def _dossier_colonnes():
    return (m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Porteur.nom)


def _avec_en_charge(requete):
    """La requête, avec en dernières colonnes l'instructeur en charge du dossier (id, nom)."""
    return requete.add_columns(m.Dossier.instructeur_id, _EN_CHARGE.nom).outerjoin(
        _EN_CHARGE, _EN_CHARGE.id == m.Dossier.instructeur_id)


def _avis_attendus(*colonnes, conditions):
    """Les avis demandés et pas encore donnés, sur des dossiers que le comité n'a pas encore décidés."""
    return (
        select(*_dossier_colonnes(), m.DemandeAvis.id, m.DemandeAvis.echeance, *colonnes,
               func.coalesce(m.Financeur.sigle, m.Financeur.libelle))
        .join(m.Dossier, m.Dossier.id == m.DemandeAvis.dossier_id)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .outerjoin(m.Avis, m.Avis.demande_id == m.DemandeAvis.id)
        .outerjoin(m.Financeur, m.Financeur.code == m.DemandeAvis.financeur_code)
        .where(m.Avis.id.is_(None), m.Dossier.etat.in_([e.value for e in ETATS_AVIS_OUVERTS]), *conditions)
        .order_by(m.DemandeAvis.echeance, m.Dossier.numero)
    )


def _avis_a_donner(uow: UniteDeTravail, utilisateur: droits.Utilisateur) -> list[Tache]:
    condition = demandees_a(utilisateur)
    if condition is None:
        return []
    requete = _avis_attendus(m.ThemeReferent.libelle, conditions=[condition]).outerjoin(
        m.ThemeReferent, m.ThemeReferent.code == m.DemandeAvis.theme_code)
    taches = []
    for dossier_id, numero, intitule, porteur, demande_id, echeance, theme, financeur in uow.session.execute(requete):
        pour = f" (thème {theme})" if theme else f" ({financeur})" if financeur else ""
        taches.append(Tache(AVIS_A_DONNER, dossier_id, numero, intitule, porteur, f"Donner votre avis{pour}",
                            echeance, demande_id))
    return taches


def _a_instruire(uow: UniteDeTravail) -> list[Tache]:
    requete = _avec_en_charge(
        select(*_dossier_colonnes(), m.Dossier.etat)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .where(m.Dossier.etat.in_([e.value for e in A_FAIRE_PAR_ETAT]))
        .order_by(m.Dossier.etat_depuis, m.Dossier.numero)
    )
    return [_placer(uow, Tache(A_INSTRUIRE, i, n, t, p, f"{Etat(e).libelle} : {A_FAIRE_PAR_ETAT[Etat(e)]}"),
                    charge, nom)
            for i, n, t, p, e, charge, nom in uow.session.execute(requete)]


def _placer(uow: UniteDeTravail, tache: Tache, instructeur_id: int | None, nom: str | None) -> Tache:
    """La tâche avec son instructeur en charge : à moi, à personne, ou à un collègue (catégorie à part)."""
    if instructeur_id is None:
        return tache
    if instructeur_id == uow.utilisateur.id:
        return replace(tache, en_charge=nom, rang=A_MOI)
    return replace(tache, en_charge=nom, rang=A_UN_COLLEGUE, categorie=COLLEGUES)


def _complements(uow: UniteDeTravail) -> list[Tache]:
    requete = _avec_en_charge(
        select(*_dossier_colonnes(), m.DemandeComplements.objet, m.DemandeComplements.echeance)
        .join(m.Dossier, m.Dossier.id == m.DemandeComplements.dossier_id)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        # Un dossier classé sans suite n'attend plus ses compléments.
        .where(m.DemandeComplements.recue_le.is_(None), m.Dossier.etat.in_([e.value for e in ETATS_AVIS_OUVERTS]))
        .order_by(m.DemandeComplements.echeance, m.Dossier.numero)
    )
    taches = []
    for i, n, t, p, objet, echeance, charge, nom in uow.session.execute(requete):
        tache = Tache(COMPLEMENTS, i, n, t, p, f"Compléments attendus : {objet}", echeance)
        if tache.en_retard:
            tache = Tache(DEPASSEES, i, n, t, p, f"Compléments non reçus : {objet}", echeance)
        taches.append(_placer(uow, tache, charge, nom))
    return taches


def _avis_en_retard(uow: UniteDeTravail) -> list[Tache]:
    requete = _avec_en_charge(_avis_attendus(m.Compte.nom, conditions=[m.DemandeAvis.echeance < aujourd_hui()])
                              .outerjoin(m.Compte, m.Compte.id == m.DemandeAvis.destinataire_id))
    return [_placer(uow, Tache(DEPASSEES, i, n, t, p, f"Avis attendu de {compte or financeur} : à relancer",
                               echeance, demande), charge, nom)
            for i, n, t, p, demande, echeance, compte, financeur, charge, nom in uow.session.execute(requete)]


def mes_taches(uow: UniteDeTravail) -> list[Tache]:
    """Les tâches de l'utilisateur connecté, par catégorie (``CATEGORIES``), ses dossiers d'abord puis ceux
    sans instructeur, puis par échéance ; les dossiers des collègues à la fin, par collègue."""
    utilisateur = uow.utilisateur
    taches = _avis_a_donner(uow, utilisateur)
    if utilisateur.peut("dossier.circuit"):
        taches += _avis_en_retard(uow) + _a_instruire(uow) + _complements(uow)
    ordre = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(taches, key=lambda t: (ordre[t.categorie], t.rang, t.en_charge or "", t.echeance or dt.date.max,
                                         t.numero))
