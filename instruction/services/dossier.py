"""Lire, créer et enregistrer un dossier.

Enregistrer n'exige qu'une saisie valide (``instruction.dossier.valider``) : un budget
déséquilibré ou une pièce manquante n'empêchent jamais d'enregistrer, seulement de
déclarer le dossier recevable (``services.instruction``). Un dossier créé entre dans le
circuit à l'état « déposé », passage inscrit à son historique.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm.exc import StaleDataError

from instruction.domaine import budget, dates
from instruction.domaine import dossier as d
from instruction.db import modeles as m
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail


@dataclass(frozen=True)
class InfoPiece:
    id: int
    type: str
    nom_fichier: str
    date_piece: dt.date | None
    taille: int
    empreinte: str
    ajoutee_le: dt.datetime


@dataclass(frozen=True)
class Campagne:
    id: int
    libelle: str
    dispositif: str
    annee: int


@dataclass
class FicheDossier:
    id: int | None
    numero: str | None
    etat: str
    etat_depuis: dt.datetime | None
    complet_le: dt.datetime | None
    depose_le: dt.date | None
    dispositif: str | None
    type_porteur: str | None
    donnees: d.DonneesDossier
    modifie_le: dt.datetime | None = None
    version: int | None = None  # pour refuser d'écraser ce qu'un autre poste aurait enregistré entre-temps
    pieces: list[InfoPiece] = field(default_factory=list)
    manques: list[str] = field(default_factory=list)
    porteur_recevabilite: d.Porteur | None = None  # tel que lu pour ``manques`` : la recevabilité le reprend

    @property
    def complet(self) -> bool:
        return self.complet_le is not None


# --- Choix proposés par le formulaire -----------------------------------------------------------


def campagnes(uow: UniteDeTravail) -> list[Campagne]:
    return [
        Campagne(*ligne)
        for ligne in uow.session.execute(
            select(m.Campagne.id, m.Campagne.libelle, m.Campagne.dispositif_code, m.Campagne.annee).order_by(
                m.Campagne.annee.desc(), m.Campagne.libelle
            )
        )
    ]


@ecrit("campagne.creer")
def creer_campagne(
    uow: UniteDeTravail, dispositif: str, annee: int, libelle: str | None = None,
    ouverture: dt.date | None = None, cloture: dt.date | None = None,
) -> Campagne:
    dispo = uow.session.get(m.Dispositif, dispositif)
    if dispo is None or not dispo.instruit:
        raise DonneesInvalides("Choisissez un dispositif instruit dans l'application.")
    if not 2000 <= annee <= 2100:
        raise DonneesInvalides(f"Année invalide : {annee}.")
    if ouverture and cloture and cloture < ouverture:
        raise DonneesInvalides("La date de clôture est avant la date d'ouverture.")
    existe = uow.session.scalar(
        select(m.Campagne.id).where(m.Campagne.dispositif_code == dispositif, m.Campagne.annee == annee)
    )
    if existe:
        raise DonneesInvalides(f"La campagne {dispo.sigle or dispo.libelle} {annee} existe déjà.")
    campagne = m.Campagne(
        dispositif_code=dispositif, annee=annee, libelle=libelle or f"{dispo.libelle} {annee}",
        date_ouverture=ouverture, date_cloture=cloture,
    )
    uow.session.add(campagne)
    uow.session.flush()
    historique.noter(uow, "campagne", "création", changements=[("Campagne", None, campagne.libelle)])
    return Campagne(campagne.id, campagne.libelle, dispositif, annee)


@dataclass(frozen=True)
class PorteurChoix:
    id: int
    nom: str
    type: str


@dataclass
class Options:
    """Ce que le formulaire d'un dossier propose : campagnes, porteurs, actions renouvelables."""

    campagnes: list[Campagne]
    porteurs: list[PorteurChoix]
    precedents: list[tuple[int, str]]


def options(uow: UniteDeTravail, porteur_id: int | None = None, sauf: int | None = None) -> Options:
    return Options(
        campagnes=campagnes(uow),
        porteurs=[PorteurChoix(*l) for l in uow.session.execute(
            select(m.Porteur.id, m.Porteur.nom, m.Porteur.type).order_by(m.Porteur.nom))],
        precedents=dossiers_precedents(uow, porteur_id, sauf) if porteur_id else [],
    )


def dossiers_precedents(uow: UniteDeTravail, porteur_id: int, sauf: int | None = None) -> list[tuple[int, str]]:
    """Les dossiers du porteur qu'une action peut renouveler : (id, « numéro — intitulé »)."""
    requete = (
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule)
        .where(m.Dossier.porteur_id == porteur_id, m.Dossier.id != (sauf or 0))
        .order_by(m.Dossier.numero.desc())
    )
    return [(i, f"{n} — {t}") for i, n, t in uow.session.execute(requete)]


# --- Lecture ---------------------------------------------------------------------------------


def nouvelle_fiche(campagne_id: int | None = None, porteur_id: int | None = None) -> FicheDossier:
    return FicheDossier(
        id=None, numero=None, etat="depose", etat_depuis=None, complet_le=None, depose_le=None, dispositif=None,
        type_porteur=None, donnees=d.DonneesDossier(campagne_id or 0, porteur_id or 0, "", depose_le=aujourd_hui()),
    )


def _charger(uow: UniteDeTravail, dossier_id: int) -> m.Dossier | None:
    """Le dossier avec sa campagne, son porteur et ses représentants en une requête (la base partagée est
    peut-être loin : chaque requête évitée compte) ; ses listes suivent, une requête chacune."""
    from sqlalchemy.orm import joinedload
    from sqlalchemy.orm.util import identity_key

    deja = uow.session.identity_map.get(identity_key(m.Dossier, dossier_id))
    if deja is not None:  # déjà lu dans cette transaction (relecture après écriture) : rien à redemander
        return deja
    dossier = uow.session.get(m.Dossier, dossier_id, options=[
        joinedload(m.Dossier.campagne), joinedload(m.Dossier.porteur).joinedload(m.Porteur.representants)])
    return uow.retenir(dossier) if dossier is not None else None


def lire(uow: UniteDeTravail, dossier_id: int) -> FicheDossier:
    dossier = _charger(uow, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    donnees = d.DonneesDossier(
        campagne_id=dossier.campagne_id,
        porteur_id=dossier.porteur_id,
        intitule=dossier.intitule,
        resume=dossier.resume,
        description=dossier.description,
        objectifs_action=dossier.objectifs_action,
        moyens=dossier.moyens,
        evaluation=dossier.evaluation,
        lieux=dossier.lieux,
        objectifs=tuple(sorted(o.objectif_operationnel_code for o in dossier.objectifs)),
        quartiers=tuple(sorted(q.quartier_code for q in dossier.quartiers)),
        tranches_age=tuple(c for c in (dossier.tranches_age or "").split(",") if c),
        beneficiaires=dossier.beneficiaires,
        femmes=dossier.femmes,
        hommes=dossier.hommes,
        beneficiaires_quartiers=tuple(sorted((b.quartier_code, b.nombre) for b in dossier.beneficiaires_quartiers)),
        date_debut=dossier.date_debut,
        date_fin=dossier.date_fin,
        renouvellement=dossier.renouvellement,
        renouvelle_id=dossier.renouvelle_id,
        seances=tuple(
            d.Seance(s.libelle, s.periode, s.jour, s.heure_debut, s.heure_fin, s.frequence, s.nombre)
            for s in dossier.seances
        ),
        indicateurs=tuple(
            d.IndicateurCible(i.libelle, i.indicateur_code, Decimal(i.cible) if i.cible else None, i.unite)
            for i in dossier.indicateurs
        ),
        budget=tuple(
            d.LigneBudget(l.sens, l.compte, l.montant, l.financeur_code, l.libelle) for l in dossier.lignes_budget
        ),
        depose_le=dossier.depose_le,
    )
    fiche = FicheDossier(
        id=dossier.id,
        numero=dossier.numero,
        etat=dossier.etat,
        etat_depuis=dossier.etat_depuis,
        complet_le=dossier.complet_le,
        depose_le=dossier.depose_le,
        dispositif=dossier.campagne.dispositif_code,
        type_porteur=dossier.porteur.type,
        donnees=donnees,
        modifie_le=dossier.modifie_le,
        version=dossier.version,
        pieces=_pieces(uow, dossier_id),
    )
    fiche.porteur_recevabilite = porteur_pour_recevabilite(uow, dossier)
    fiche.manques = d.manques_pour_completude(donnees, fiche.porteur_recevabilite, dossier.campagne.dispositif_code,
                                              [p.type for p in fiche.pieces])
    return fiche


def _pieces(uow: UniteDeTravail, dossier_id: int) -> list[InfoPiece]:
    return [
        InfoPiece(*ligne)
        for ligne in uow.session.execute(
            select(m.Piece.id, m.Piece.type, m.Piece.nom_fichier, m.Piece.date_piece, m.Piece.taille,
                   m.Piece.empreinte, m.Piece.ajoutee_le)
            .where(m.Piece.dossier_id == dossier_id)
            .order_by(m.Piece.id)
        )
    ]


def porteur_pour_recevabilite(uow: UniteDeTravail, dossier: m.Dossier) -> d.Porteur:
    """Le porteur tel que la recevabilité le voit ; pour un renouvellement, ce qui a changé dans son histoire
    (nom, représentant, compte) depuis le dépôt de la demande renouvelée (``pieces.changements_depuis``)."""
    from instruction.domaine import pieces

    porteur = dossier.porteur
    representant = next((r for r in reversed(porteur.representants) if r.jusqu_a is None), None)
    changements: frozenset[str] = frozenset()
    if dossier.renouvellement and dossier.renouvelle_id:  # lu seulement pour un renouvellement
        # Une requête pour le dépôt renouvelé et les débuts des versions du nom et du compte (les représentants
        # sont déjà lus avec le dossier) : la base partagée est peut-être loin.
        lignes = uow.session.execute(union_all(
            select(literal("depot"), m.Dossier.depose_le).where(m.Dossier.id == dossier.renouvelle_id),
            select(literal("nom"), m.PorteurNom.depuis).where(m.PorteurNom.porteur_id == porteur.id),
            select(literal("compte"), m.CompteBancaire.depuis).where(m.CompteBancaire.porteur_id == porteur.id),
        )).all()
        debuts: dict[str, list] = {"nom": [], "representant": [v.depuis for v in porteur.representants], "compte": []}
        depuis = None
        for sujet, jour in lignes:
            if sujet == "depot":
                depuis = jour
            else:
                debuts[sujet].append(jour)
        changements = pieces.changements_depuis(depuis, debuts)
    return d.Porteur(porteur.type, porteur.siret, representant.nom if representant else None, changements)


# --- Écriture ----------------------------------------------------------------------------------


@ecrit("dossier.modifier")
def enregistrer(uow: UniteDeTravail, dossier_id: int | None, donnees: d.DonneesDossier,
                version: int | None = None, *, correction: str | None = None) -> int:
    """Crée (``dossier_id`` vide) ou met à jour le dossier ; rend son id.

    ``version`` : celle du dossier quand le formulaire l'a lu. Si quelqu'un l'a enregistré depuis,
    ``Conflit`` dit qui a changé quoi, et rien n'est écrit (ni écrasé).
    ``donnees.depose_le`` : la date du dépôt (par défaut, aujourd'hui à la création, inchangée ensuite) ;
    jamais dans le futur, ni après le premier passage du circuit.
    Un dossier figé (instruit, décidé, conventionné…, ``instruction.gel``) refuse tout changement d'un
    chiffre décidé ; une correction de faute de frappe passe avec sa raison (``correction``), écrite à
    l'historique.
    """
    session = uow.session
    if dossier_id is not None:  # lu d'abord : sa campagne et son porteur viennent avec lui
        dossier = _charger(uow, dossier_id)
        if dossier is None:
            raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    campagne = session.get(m.Campagne, donnees.campagne_id)
    if campagne is None:
        raise DonneesInvalides("La campagne choisie n'existe pas.")
    porteur = session.get(m.Porteur, donnees.porteur_id)
    if porteur is None:
        raise DonneesInvalides("Le porteur choisi n'existe pas.")
    if donnees.depose_le is not None and donnees.depose_le > aujourd_hui():
        raise DonneesInvalides(f"Déposé le : le {dates.formater(donnees.depose_le)} est dans le futur.")
    if dossier_id is None:
        maintenant_ = maintenant()
        depose_le = donnees.depose_le or aujourd_hui()
        donnees = replace(donnees, depose_le=depose_le)
        dossier = m.Dossier(
            numero=_nouveau_numero(uow, campagne), depose_le=depose_le, etat=Etat.DEPOSE,
            etat_depuis=_moment_du_depot(depose_le, maintenant_), cree_le=maintenant_,
        )
        session.add(dossier)
        dossier.transitions.append(m.Transition(de=None, vers=Etat.DEPOSE, acteur=uow.acteur, le=maintenant_,
                                                motif="Dossier enregistré", date_effet=depose_le))
        avant = None
    else:
        if version is not None and dossier.version != version and _saisies_depuis(uow, dossier_id, version):
            raise _conflit(uow, dossier, version)
        avant = lire(uow, dossier_id).donnees
        if donnees.depose_le is None:
            donnees = replace(donnees, depose_le=avant.depose_le)
    if donnees.renouvelle_id is not None and donnees.renouvelle_id == dossier.id:
        raise DonneesInvalides("Un dossier ne peut pas être le renouvellement de lui-même.")
    with session.no_autoflush:  # un nouveau dossier n'est pas encore complet : pas d'écriture avant _ecrire
        changements = d.differences(avant, donnees, _noms(uow, avant, donnees))
    if avant is not None and not changements:
        return dossier.id  # rien n'a changé : pas de nouvelle version
    if avant is not None:
        from instruction.domaine import gel

        gel.verifier_modification(dossier.etat, avant, donnees, correction)
        if donnees.depose_le != avant.depose_le:
            _changer_depot(uow, dossier, donnees.depose_le)
    _ecrire(dossier, donnees, campagne, porteur, avant)
    try:
        session.flush()
    except StaleDataError:  # un autre poste a enregistré entre notre lecture et notre écriture
        raise _conflit_apres_coup(uow, dossier_id, version) from None
    if (correction or "").strip() and avant is not None:
        changements = [*changements, ("Raison de la correction", None, correction.strip())]
    historique.noter(uow, "dossier", "création" if avant is None else "modification", dossier_id=dossier.id,
                     version=dossier.version, changements=changements)
    return dossier.id


def _moment_du_depot(depose_le: dt.date, maintenant_: dt.datetime) -> dt.datetime:
    """``etat_depuis`` d'un dossier déposé : la saisie s'il est déposé aujourd'hui, midi (Paris) du dépôt sinon."""
    if depose_le >= aujourd_hui():
        return maintenant_
    return dates.utc_depuis_paris(dt.datetime.combine(depose_le, dt.time(12, 0)))


def _changer_depot(uow: UniteDeTravail, dossier: m.Dossier, depose_le: dt.date) -> None:
    """La date de dépôt change : jamais après un passage du circuit ; le passage « déposé » la suit."""
    passages = uow.session.execute(
        select(m.Transition.id, m.Transition.de, m.Transition.vers, m.Transition.date_effet)
        .where(m.Transition.dossier_id == dossier.id).order_by(m.Transition.date_effet, m.Transition.id)).all()
    suivant = next((p for p in passages if p.de is not None), None)
    if suivant is not None and depose_le > suivant.date_effet:
        raise DonneesInvalides(
            f"Déposé le : le {dates.formater(depose_le)} est après le passage à « {Etat(suivant.vers).libelle} » "
            f"du {dates.formater(suivant.date_effet)} ; un dossier est déposé avant d'être instruit.")
    initiaux = [p.id for p in passages if p.de is None]
    if initiaux:
        from sqlalchemy import update

        uow.session.execute(update(m.Transition).where(m.Transition.id.in_(initiaux)).values(date_effet=depose_le))
    if suivant is None and dossier.etat == Etat.DEPOSE:
        dossier.etat_depuis = _moment_du_depot(depose_le, maintenant())


def _noms(uow: UniteDeTravail, avant: d.DonneesDossier | None, apres: d.DonneesDossier) -> dict:
    """Les noms à montrer dans l'historique à la place des codes (une requête par genre, et seulement
    s'il a changé)."""
    noms: dict[str, dict] = {}

    def change(champ: str) -> bool:
        return avant is None or getattr(avant, champ) != getattr(apres, champ)

    def ids(champ: str) -> set:
        return {v for v in (getattr(avant, champ) if avant else None, getattr(apres, champ)) if v}

    if change("campagne_id"):
        noms["campagne_id"] = dict(uow.session.execute(
            select(m.Campagne.id, m.Campagne.libelle).where(m.Campagne.id.in_(ids("campagne_id")))).all())
    if change("porteur_id"):
        noms["porteur_id"] = dict(uow.session.execute(
            select(m.Porteur.id, m.Porteur.nom).where(m.Porteur.id.in_(ids("porteur_id")))).all())
    if change("renouvelle_id"):
        noms["renouvelle_id"] = {i: f"{n} — {t}" for i, n, t in uow.session.execute(
            select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule).where(m.Dossier.id.in_(ids("renouvelle_id"))))}
    if change("quartiers") or change("beneficiaires_quartiers"):
        noms["quartiers"] = dict(uow.session.execute(select(m.Quartier.code, m.Quartier.nom)).all())
    return noms


def _saisies_depuis(uow: UniteDeTravail, dossier_id: int, version: int) -> list[historique.Entree]:
    """Les champs du formulaire changés depuis ``version``. Un passage du circuit, une cotation ou un avis
    font aussi une nouvelle version du dossier, mais ne touchent à aucun champ du formulaire : ils
    n'empêchent pas d'enregistrer."""
    return [e for e in historique.du_dossier(uow, dossier_id, apres_version=version)
            if e.objet == "dossier" and e.action in ("création", "modification")]


def _conflit(uow: UniteDeTravail, dossier: m.Dossier, version: int) -> Conflit:
    changements = _saisies_depuis(uow, dossier.id, version)
    auteurs = sorted({c.acteur for c in changements}) or ["un autre poste"]
    quand = f" le {dates.formater_horodatage(changements[0].le)}" if changements else ""
    return Conflit(
        f"Le dossier {dossier.numero} a été modifié par {', '.join(auteurs)}{quand} pendant que vous le "
        "modifiiez. Votre enregistrement est refusé pour ne pas écraser ses changements ; vos saisies sont "
        "restées dans le formulaire.",
        changements, dossier.version,
    )


def _conflit_apres_coup(uow: UniteDeTravail, dossier_id: int | None, version: int | None) -> Conflit:
    uow.session.rollback()
    dossier = uow.session.get(m.Dossier, dossier_id)
    return _conflit(uow, dossier, version if version is not None else dossier.version - 1)


def _ecrire(dossier: m.Dossier, donnees: d.DonneesDossier, campagne: m.Campagne, porteur: m.Porteur,
            avant: d.DonneesDossier | None = None) -> None:
    """Écrit les champs ; une liste (séances, budget…) n'est réécrite que si elle a changé."""
    dossier.campagne = campagne
    dossier.porteur = porteur
    for champ in ("intitule", "resume", "description", "objectifs_action", "moyens", "evaluation", "lieux",
                  "beneficiaires", "femmes", "hommes", "date_debut", "date_fin", "renouvellement"):
        setattr(dossier, champ, getattr(donnees, champ))
    dossier.renouvelle_id = donnees.renouvelle_id if donnees.renouvellement else None
    if donnees.depose_le is not None:
        dossier.depose_le = donnees.depose_le
    dossier.tranches_age = ",".join(donnees.tranches_age) or None

    def change(champ: str) -> bool:
        return avant is None or getattr(avant, champ) != getattr(donnees, champ)

    if change("objectifs"):
        dossier.objectifs = [m.DossierObjectif(objectif_operationnel_code=o) for o in donnees.objectifs]
    if change("quartiers"):
        dossier.quartiers = [m.DossierQuartier(quartier_code=q) for q in donnees.quartiers]
    if change("beneficiaires_quartiers"):
        dossier.beneficiaires_quartiers = [
            m.BeneficiairesQuartier(quartier_code=q, nombre=n) for q, n in donnees.beneficiaires_quartiers
        ]
    if change("seances"):
        dossier.seances = [
            m.Seance(libelle=s.libelle, jour=s.jour, heure_debut=s.heure_debut, heure_fin=s.heure_fin,
                     periode=s.periode, frequence=s.frequence, nombre=s.nombre, ordre=i)
            for i, s in enumerate(donnees.seances)
        ]
    if change("indicateurs"):
        dossier.indicateurs = [
            m.IndicateurAction(libelle=i.libelle, indicateur_code=i.indicateur_code,
                               cible=format(i.cible, "f") if i.cible is not None else None, unite=i.unite, ordre=n)
            for n, i in enumerate(donnees.indicateurs)
        ]
    if change("budget"):
        dossier.lignes_budget = [
            m.LigneBudget(sens=l.sens, compte=l.compte, financeur_code=l.financeur, libelle=l.libelle or l.compte,
                          montant=l.montant, ordre=i)
            for i, l in enumerate(donnees.budget)
        ]
    for colonne, valeur in totaux_du_budget(donnees.lignes_budget()).items():
        setattr(dossier, colonne, valeur)
    dossier.modifie_le = maintenant()


def totaux_du_budget(lignes) -> dict[str, Any]:
    """Les colonnes du dossier calculées de son budget (coût total, subvention demandée, financeurs sollicités) ;
    aussi pour le retour d'un fichier de travail, qui remplace un budget entier (``services.fusion``)."""
    synthese = budget.synthese(lignes)
    return {"cout_total": synthese.total_charges, "subvention_demandee": synthese.subventions,
            "financeurs": ",".join(sorted({p.financeur for p in synthese.parts}))}


def _nouveau_numero(uow: UniteDeTravail, campagne: m.Campagne) -> str:
    """« CDV-2027-014 » : sigle du dispositif, année, rang dans la campagne.

    Le dernier rang du préfixe est dans ``numerotation`` ; sa ligne est verrouillée (``SELECT … FOR
    UPDATE`` sur PostgreSQL ; sur SQLite, la transaction d'écriture est déjà seule) jusqu'à la fin de la
    transaction : deux postes qui créent un dossier au même instant reçoivent deux numéros, le second
    attendant le premier. Un rang n'est jamais réattribué, même après l'effacement d'un dossier.
    """
    from sqlalchemy import and_, func, or_, update
    from sqlalchemy.dialects import postgresql, sqlite

    dispositif = uow.session.get(m.Dispositif, campagne.dispositif_code)
    sigle = (dispositif.sigle if dispositif else None) or campagne.dispositif_code
    prefixe = "".join(c for c in sigle.upper() if c.isalnum())
    debut = f"{prefixe}-{campagne.annee}-"
    session = uow.session
    dialecte = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialecte.insert(m.Numerotation).values(prefixe=debut, dernier=0)
                    .on_conflict_do_nothing(index_elements=["prefixe"]))
    dernier = session.scalar(select(m.Numerotation.dernier).where(m.Numerotation.prefixe == debut)
                             .with_for_update())
    # Les numéros déjà donnés comptent aussi (d'avant la numérotation, ou écrits hors de l'application) : seuls
    # ceux qui dépassent le compteur sont relus — plus longs, ou de même longueur et plus grands —, par l'index
    # unique des numéros ; un import de milliers de dossiers ne relit pas à chaque fois toute la campagne.
    courant = f"{debut}{dernier:03d}"
    numero = m.Dossier.numero
    numeros = session.scalars(select(numero).where(numero.like(f"{debut}%"), or_(
        func.length(numero) > len(courant), and_(func.length(numero) == len(courant), numero > courant)))).all()
    rang = max([dernier, *(int(n[len(debut):]) for n in numeros if n[len(debut):].isdigit())]) + 1
    session.execute(update(m.Numerotation).where(m.Numerotation.prefixe == debut).values(dernier=rang))
    return f"{debut}{rang:03d}"


# --- Suppression d'un dossier saisi par erreur ------------------------------------------------------


@ecrit("dossier.supprimer")
def supprimer(uow: UniteDeTravail, dossier_id: int, motif: str) -> str:
    """Supprime un dossier saisi par erreur (un doublon, une demande mal placée), tant qu'il n'est que
    « déposé » ; rend son numéro. Le motif est exigé. L'historique du dossier reste (il n'a pas de clé vers
    lui) et reçoit une dernière ligne : qui, quand, pourquoi, ce qui a été supprimé ; le dossier, son budget,
    ses pièces et toutes ses lignes partent avec lui (``ON DELETE CASCADE``), son brouillon aussi. Après
    « déposé », un dossier se classe sans suite : son instruction a commencé et reste lisible."""
    from sqlalchemy import delete, func

    motif = (motif or "").strip()
    if not motif:
        raise DonneesInvalides("Dites pourquoi ce dossier est supprimé (doublon, saisi par erreur…) : le motif "
                               "reste à l'historique.")
    dossier = uow.session.get(m.Dossier, dossier_id, with_for_update=True)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    if dossier.etat != Etat.DEPOSE:
        raise DonneesInvalides(
            f"Le dossier {dossier.numero} est « {Etat(dossier.etat).libelle.lower()} » : son instruction a "
            "commencé, il ne peut plus être supprimé. Classez-le sans suite (section Instruction) : il restera "
            "lisible, avec son historique.")
    numero, intitule, porteur_id = dossier.numero, dossier.intitule, dossier.porteur_id
    nombre_pieces = uow.session.scalar(select(func.count()).select_from(m.Piece).where(m.Piece.dossier_id == dossier_id))
    historique.noter(uow, "dossier", "suppression", dossier_id=dossier_id, porteur_id=porteur_id,
                     version=dossier.version, changements=[
                         ("Dossier", f"{numero} — {intitule}", None),
                         ("Pièces jointes", str(nombre_pieces), None),
                         ("Motif de la suppression", None, motif)])
    uow.session.execute(delete(m.Brouillon).where(m.Brouillon.cle == f"dossier:{dossier_id}"))
    uow.session.execute(delete(m.Dossier).where(m.Dossier.id == dossier_id))
    uow.session.expunge(dossier)
    return numero
