"""Lire dans la base ce que les lettres de notification disent : les décisions du comité des financeurs.

Une lettre par dossier décidé et par cofinanceur notifié par le service (``resources/modeles/_service.yaml``),
adressée au porteur :

* **accord** : la décision qui vaut est « retenu » et ce cofinanceur accorde un montant (``montant_accorde``) ;
* **refus** : la décision est « refusé » et ce cofinanceur était sollicité (compte 74 du budget), ou l'action
  est retenue mais ce cofinanceur, sollicité, n'accorde rien (« retenue ailleurs ») ;
* **ajourné** : la décision est « ajourné » et ce cofinanceur était sollicité.

La décision qui vaut est le dernier passage à retenu, ajourné ou refusé (sa ``date_effet`` : la séance ; son
motif) d'un dossier qui est encore décidé (retenu, ajourné, refusé, ou déjà conventionné, en cours, soldé).
On choisit les dossiers d'une campagne, ou ceux de l'ordre du jour d'une séance du comité. Tout est lu en
un nombre fixe de requêtes, quel que soit le nombre de dossiers.

Un lot généré est noté dans l'historique de chaque dossier (``noter_envoi``, une ligne par dossier et
cofinanceur, trois requêtes pour tout le lot) ; ``notifiees`` en relit la dernière lettre par cofinanceur :
« notifié le … ».
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.db.modeles.comite import SeanceComite, SeanceDossier
from instruction.domaine import dates, droits
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.workflow import DECISIONS_DU_COMITE
from instruction.rapports.lettres import Notification, Papier, formule_appel, papier, representant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

DROIT = "lettres.editer"
# Une décision du comité vaut encore dans ces états (après « retenu » viennent la convention et la suite).
DECIDES = frozenset({Etat.RETENU, Etat.AJOURNE, Etat.REFUSE, Etat.CONVENTIONNE, Etat.EN_COURS, Etat.SOLDE})
# Toute action retenue de ces dispositifs est conventionnée, quel que soit son montant (contrat l. 3960, 3977) ;
# au-delà de 23 000 € une convention est obligatoire (loi 2000-321 art. 10).
DISPOSITIFS_CONVENTIONNES = frozenset({"cdv", "ce"})
SEUIL_CONVENTION = Decimal("23000.00")
GENRES = ("accord", "refus", "ajourne")


@dataclass(frozen=True)
class Choix:
    """Ce que le dialogue propose : campagnes et séances qui ont des décisions, cofinanceurs notifiés."""

    campagnes: tuple[tuple[int, str, int], ...]  # (id, libellé, nombre de dossiers décidés)
    seances: tuple[tuple[int, str, dt.date], ...]  # (id, intitulé, date)
    financeurs: tuple[tuple[str, str], ...]  # (code, libellé)


def choix(uow: UniteDeTravail, papier_: Papier | None = None) -> Choix:
    droits.exiger(uow.utilisateur, DROIT)
    papier_ = papier_ or papier()
    s = uow.session
    campagnes = s.execute(
        select(m.Campagne.id, m.Campagne.libelle, func.count(m.Dossier.id))
        .join(m.Dossier, m.Dossier.campagne_id == m.Campagne.id)
        .where(m.Dossier.etat.in_([e.value for e in DECIDES]))
        .group_by(m.Campagne.id, m.Campagne.libelle, m.Campagne.annee)
        .order_by(m.Campagne.annee.desc(), m.Campagne.libelle)
    ).all()
    seances = s.execute(
        select(SeanceComite.id, SeanceComite.intitule, SeanceComite.date)
        .where(SeanceComite.statut == "close").order_by(SeanceComite.date.desc())
    ).all()
    libelles = dict(s.execute(select(m.Financeur.code, m.Financeur.libelle)).all())
    financeurs = tuple((code, libelles[code]) for code in papier_.signataires if code in libelles)
    return Choix(tuple(tuple(c) for c in campagnes), tuple(tuple(x) for x in seances), financeurs)


def notifications(uow: UniteDeTravail, financeur: str, *, campagne_id: int | None = None,
                  seance_id: int | None = None, genres: tuple[str, ...] = GENRES) -> list[Notification]:
    """Les lettres à écrire pour ce cofinanceur, triées par porteur puis par numéro de dossier."""
    droits.exiger(uow.utilisateur, DROIT)
    if (campagne_id is None) == (seance_id is None):
        raise DonneesInvalides("Choisissez une campagne ou une séance du comité.")
    inconnus = set(genres) - set(GENRES)
    if inconnus:
        raise DonneesInvalides(f"Type de lettre inconnu : {', '.join(sorted(inconnus))}.")
    s = uow.session
    financeur_ligne = s.get(m.Financeur, financeur)
    if financeur_ligne is None:
        raise DonneesInvalides(f"Cofinanceur inconnu : {financeur}.")

    perimetre = select(m.Dossier.id).where(m.Dossier.etat.in_([e.value for e in DECIDES]))
    if campagne_id is not None:
        perimetre = perimetre.where(m.Dossier.campagne_id == campagne_id)
    else:
        perimetre = perimetre.where(m.Dossier.id.in_(
            select(SeanceDossier.dossier_id).where(SeanceDossier.seance_id == seance_id)))
    ids = perimetre.scalar_subquery()

    dossiers = s.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Dossier.porteur_id, m.Dossier.instructeur_id,
               m.Campagne.annee, m.Campagne.dispositif_code, m.Dispositif.libelle)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .join(m.Dispositif, m.Dispositif.code == m.Campagne.dispositif_code)
        .where(m.Dossier.id.in_(ids))
    ).all()
    if not dossiers:
        return []
    derniere = (select(m.Transition.dossier_id, func.max(m.Transition.id).label("id"))
                .where(m.Transition.dossier_id.in_(ids), m.Transition.vers.in_([e.value for e in DECISIONS_DU_COMITE]))
                .group_by(m.Transition.dossier_id).subquery())
    decisions = {d: (vers, date, motif) for d, vers, date, motif in s.execute(
        select(m.Transition.dossier_id, m.Transition.vers, m.Transition.date_effet, m.Transition.motif)
        .join(derniere, derniere.c.id == m.Transition.id))}
    accordes = dict(s.execute(
        select(m.MontantAccorde.dossier_id, m.MontantAccorde.montant)
        .where(m.MontantAccorde.dossier_id.in_(ids), m.MontantAccorde.financeur_code == financeur)).all())
    accordes_ailleurs = set(s.scalars(
        select(m.MontantAccorde.dossier_id).where(m.MontantAccorde.dossier_id.in_(ids),
                                                  m.MontantAccorde.financeur_code != financeur,
                                                  m.MontantAccorde.montant > Decimal("0.00"))))
    demandes: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for dossier_id, montant in s.execute(
            select(m.LigneBudget.dossier_id, m.LigneBudget.montant)
            .where(m.LigneBudget.dossier_id.in_(ids), m.LigneBudget.sens == "produit",
                   m.LigneBudget.financeur_code == financeur)):
        demandes[dossier_id] += montant
    porteurs_ids = {d.porteur_id for d in dossiers}
    porteurs = {p.id: p for p in s.execute(
        select(m.Porteur.id, m.Porteur.nom, m.Porteur.adresse, m.Porteur.code_postal, m.Porteur.ville)
        .where(m.Porteur.id.in_(porteurs_ids)))}
    representants: dict[int, tuple] = {}
    for r in s.execute(select(m.Representant.porteur_id, m.Representant.civilite, m.Representant.nom,
                              m.Representant.qualite, m.Representant.jusqu_a)
                       .where(m.Representant.porteur_id.in_(porteurs_ids))
                       .order_by(m.Representant.porteur_id, m.Representant.id)):
        if r.jusqu_a is None or r.porteur_id not in representants:  # la version en cours, sinon la dernière
            representants[r.porteur_id] = r
    instructeurs = dict(s.execute(
        select(m.Compte.id, m.Compte.nom).where(m.Compte.id.in_(
            {d.instructeur_id for d in dossiers if d.instructeur_id is not None}))).all())

    sigle = financeur_ligne.sigle or financeur_ligne.code
    lettres: list[Notification] = []
    for d in dossiers:
        decision = decisions.get(d.id)
        if decision is None:
            continue
        vers, date_decision, motif = decision
        demande = demandes.get(d.id, Decimal("0.00"))
        accorde = accordes.get(d.id, Decimal("0.00"))
        retenu_ailleurs = False
        if vers == Etat.RETENU and accorde > 0:
            genre = "accord"
        elif vers == Etat.RETENU and demande > 0:
            genre, retenu_ailleurs = "refus", d.id in accordes_ailleurs
            motif = None  # le motif d'un « retenu » porte sur l'action, pas sur le refus de ce cofinanceur
        elif vers == Etat.REFUSE and demande > 0:
            genre = "refus"
        elif vers == Etat.AJOURNE and demande > 0:
            genre = "ajourne"
        else:
            continue
        if genre not in genres:
            continue
        p = porteurs[d.porteur_id]
        r = representants.get(d.porteur_id)
        adresse = tuple(l for l in (p.adresse, " ".join(x for x in (p.code_postal, p.ville) if x)) if l)
        lettres.append(Notification(
            genre=genre, porteur_id=p.id, porteur=p.nom,
            representant=representant(r.civilite, r.nom, r.qualite) if r else None,
            formule_appel=formule_appel(r.civilite, r.qualite) if r else formule_appel(None, None),
            adresse=adresse, dossier_id=d.id, numero=d.numero, intitule=d.intitule,
            campagne=f"{d.libelle} {d.annee}", annee=d.annee, financeur_code=financeur, financeur_sigle=sigle,
            date_decision=date_decision, motif=(motif or "").strip() or None, montant_demande=demande,
            montant_accorde=accorde, retenu_ailleurs=retenu_ailleurs,
            convention=genre == "accord" and (d.dispositif_code in DISPOSITIFS_CONVENTIONNES
                                              or accorde > SEUIL_CONVENTION),
            instructeur=instructeurs.get(d.instructeur_id)))
    lettres.sort(key=lambda n: (n.porteur.casefold(), n.porteur_id, n.numero))
    return lettres


# --- L'envoi des lettres, gardé dans l'historique des dossiers ---------------------------------------------------

OBJET = "lettre de notification"
ACTION = "générée"
LIBELLES_GENRES = {"accord": "accord", "refus": "refus", "ajourne": "ajournement"}
_GENRES_PAR_LIBELLE = {v: k for k, v in LIBELLES_GENRES.items()}
_PHRASE = re.compile(r"^Lettre de notification \((?P<genre>[a-z]+)\) au nom de .+ générée le "
                     r"(?P<le>\d{2}/\d{2}/\d{4})$")


def _champ_lettre(libelle_financeur: str) -> str:
    """Le champ de la ligne d'historique : « Lettre de notification — Ville de Calais »."""
    return f"Lettre de notification — {libelle_financeur}"


def _phrase_lettre(genre: str, au_nom_de: str, le: dt.date) -> str:
    """« Lettre de notification (accord) au nom de la Ville de Calais générée le 01/12/2026 »."""
    return f"Lettre de notification ({LIBELLES_GENRES[genre]}) au nom de {au_nom_de} générée le {dates.formater(le)}"


@dataclass(frozen=True)
class Notifiee:
    """La dernière lettre générée pour un dossier et un cofinanceur : « notifié le … »."""

    dossier_id: int
    financeur_code: str
    financeur: str  # libellé
    genre: str  # accord | refus | ajourne
    le: dt.date  # la date de la lettre
    acteur: str

    @property
    def texte(self) -> str:
        return f"{self.financeur} : {LIBELLES_GENRES[self.genre]}, notifié le {dates.formater(self.le)}"


@ecrit(DROIT)
def noter_envoi(uow: UniteDeTravail, lettres: Sequence[Notification], le: dt.date,
                papier_: Papier | None = None) -> int:
    """Écrit dans l'historique de chaque dossier une ligne par lettre générée (dossier × cofinanceur) :
    « Lettre de notification (accord) au nom de la Ville de Calais générée le 01/12/2026 ». Un lot regénéré
    le même jour (même date de lettre) pour la même lettre (même dossier, cofinanceur et décision) n'ajoute
    rien : la ligne existe déjà ; un autre jour, ou une autre décision, ajoute une ligne. Trois requêtes, quel
    que soit le nombre de lettres. Rend le nombre de lignes ajoutées."""
    if not lettres:
        return 0
    papier_ = papier_ or papier()
    s = uow.session
    codes = {n.financeur_code for n in lettres}
    libelles = dict(s.execute(select(m.Financeur.code, m.Financeur.libelle).where(m.Financeur.code.in_(codes))).all())
    inconnus = codes - set(libelles)
    if inconnus:
        raise DonneesInvalides(f"Cofinanceur inconnu : {', '.join(sorted(inconnus))}.")
    lignes: dict[tuple[int, str, str], None] = {}
    for n in lettres:
        signataire = papier_.signataires.get(n.financeur_code)
        au_nom_de = signataire.au_titre_de if signataire is not None else libelles[n.financeur_code]
        lignes[(n.dossier_id, _champ_lettre(libelles[n.financeur_code]), _phrase_lettre(n.genre, au_nom_de, le))] = None
    ids = {d for d, _c, _p in lignes}
    deja = set(s.execute(select(m.Historique.dossier_id, m.Historique.champ, m.Historique.nouveau)
                         .where(m.Historique.objet == OBJET, m.Historique.dossier_id.in_(ids),
                                m.Historique.nouveau.like(f"% générée le {dates.formater(le)}"))).all())
    return historique.noter_en_lot(uow, OBJET, ACTION, [(d, champ, None, phrase) for d, champ, phrase in lignes
                                                        if (d, champ, phrase) not in deja])


def notifiees(uow: UniteDeTravail, dossier_ids: Sequence[int]) -> dict[int, list[Notifiee]]:
    """Pour chaque dossier, la dernière lettre générée par cofinanceur (lue dans l'historique, en deux requêtes) ;
    lisible par tous ceux qui lisent le dossier."""
    if not dossier_ids:
        return {}
    s = uow.session
    par_libelle = {libelle: code for code, libelle in s.execute(select(m.Financeur.code, m.Financeur.libelle))}
    dernieres: dict[tuple[int, str], Notifiee] = {}
    for dossier_id, champ, nouveau, acteur in s.execute(
            select(m.Historique.dossier_id, m.Historique.champ, m.Historique.nouveau, m.Historique.acteur)
            .where(m.Historique.objet == OBJET, m.Historique.dossier_id.in_(list(dossier_ids)))
            .order_by(m.Historique.id)):
        libelle = (champ or "").removeprefix(_champ_lettre(""))
        trouve = _PHRASE.match(nouveau or "")
        if trouve is None or trouve["genre"] not in _GENRES_PAR_LIBELLE:
            continue
        le = dates.lire(trouve["le"])
        ancienne = dernieres.get((dossier_id, libelle))
        if ancienne is None or le >= ancienne.le:
            dernieres[(dossier_id, libelle)] = Notifiee(dossier_id, par_libelle.get(libelle, ""), libelle,
                                                        _GENRES_PAR_LIBELLE[trouve["genre"]], le, acteur)
    resultat: dict[int, list[Notifiee]] = defaultdict(list)
    for n in sorted(dernieres.values(), key=lambda n: (n.dossier_id, n.financeur_code, n.financeur)):
        resultat[n.dossier_id].append(n)
    return dict(resultat)
