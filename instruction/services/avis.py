"""Les avis de l'instruction partagée : demandés aux référents et aux cofinanceurs, donnés, relancés.

Règles (``resources/avis.yaml``, contrat l. 3867, 3869, 3954-3956) :

* l'instructeur demande un avis à un référent (un compte) ou à un cofinanceur (tout compte qui lui est
  rattaché répond), avec une échéance ; les référents proposés sont ceux des thèmes que suivent les
  objectifs cochés du dossier, les cofinanceurs proposés ceux que le budget sollicite ;
* un avis dit favorable, réservé ou défavorable (réservé et défavorable avec un commentaire), propose
  un montant par cofinanceur — un financeur ne propose que le montant de son propre cofinanceur — et
  peut être confidentiel : seuls les instructeurs et les administrateurs le lisent alors ;
* l'avis se donne et se corrige tant que le comité n'a pas décidé ; un instructeur peut saisir l'avis
  reçu par un autre canal, au nom du destinataire (l'historique garde qui l'a saisi).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from instruction.domaine import argent, droits
from instruction.chemins import RESSOURCES
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

SENS = {"favorable": "Favorable", "reserve": "Réservé", "defavorable": "Défavorable"}
# Une fois le comité passé, les avis sont figés : ils ont servi à la décision.
ETATS_AVIS_OUVERTS = frozenset({Etat.DEPOSE, Etat.INCOMPLET, Etat.RECEVABLE, Etat.EN_INSTRUCTION, Etat.INSTRUIT})
CONFIDENTIEL_MASQUE = "Avis confidentiel : réservé aux instructeurs."


@functools.cache
def regles() -> dict:
    with open(RESSOURCES / "avis.yaml", encoding="utf-8") as fichier:
        return yaml.safe_load(fichier)


def echeance_proposee(jour: dt.date | None = None) -> dt.date:
    return (jour or aujourd_hui()) + dt.timedelta(days=int(regles()["delai_jours"]))


# --- Proposer les destinataires ------------------------------------------------------------------


@dataclass(frozen=True)
class Destinataire:
    """Un référent (``compte_id``) ou un cofinanceur (``financeur``) à qui demander un avis."""

    libelle: str
    compte_id: int | None = None
    financeur: str | None = None
    theme: str | None = None
    propose: bool = False  # d'après les thèmes des objectifs ou les financeurs sollicités
    deja_demande: bool = False

    @property
    def cle(self) -> tuple[int | None, str | None]:
        return (self.compte_id, self.financeur)


def themes_du_dossier(uow: UniteDeTravail, dossier_id: int) -> set[str]:
    thematiques = set(uow.session.scalars(
        select(m.ObjectifStrategique.thematique_code)
        .join(m.ObjectifOperationnel, m.ObjectifOperationnel.objectif_strategique_code == m.ObjectifStrategique.code)
        .join(m.DossierObjectif, m.DossierObjectif.objectif_operationnel_code == m.ObjectifOperationnel.code)
        .where(m.DossierObjectif.dossier_id == dossier_id)
    ))
    table = regles()["themes_par_thematique"]
    return {theme for thematique in thematiques for theme in table.get(thematique, [])}


def destinataires(uow: UniteDeTravail, dossier_id: int) -> list[Destinataire]:
    """Tous les référents et cofinanceurs possibles, les proposés d'abord."""
    session = uow.session
    dossier = session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    themes = themes_du_dossier(uow, dossier_id)
    sollicites = {c for c in (dossier.financeurs or "").split(",") if c}
    en_attente = {(d.destinataire_id, d.financeur_code) for d in session.scalars(
        select(m.DemandeAvis).where(m.DemandeAvis.dossier_id == dossier_id))}
    libelles_themes = dict(session.execute(select(m.ThemeReferent.code, m.ThemeReferent.libelle)).all())
    resultat = []
    referents = session.scalars(select(m.Compte).options(selectinload(m.Compte.themes))
                                .where(m.Compte.actif, m.Compte.role == droits.REFERENT).order_by(m.Compte.nom))
    for compte in referents:
        siens = sorted(t.theme_code for t in compte.themes)
        communs = [t for t in siens if t in themes]
        theme = (communs or siens or [None])[0]
        libelle = f"{compte.nom} — référent {', '.join(libelles_themes.get(t, t) for t in siens)}"
        resultat.append(Destinataire(libelle, compte_id=compte.id, theme=theme, propose=bool(communs),
                                     deja_demande=(compte.id, None) in en_attente))
    for financeur in session.scalars(select(m.Financeur).order_by(m.Financeur.libelle)):
        resultat.append(Destinataire(f"{financeur.libelle} — cofinanceur", financeur=financeur.code,
                                     propose=financeur.code in sollicites,
                                     deja_demande=(None, financeur.code) in en_attente))
    resultat.sort(key=lambda d: (not d.propose, d.financeur is not None, d.libelle))
    return resultat


# --- Demander, relancer ------------------------------------------------------------------------


def _dossier(uow: UniteDeTravail, dossier_id: int) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    return dossier


def _nom_destinataire(uow: UniteDeTravail, demande: m.DemandeAvis) -> str:
    if demande.destinataire_id is not None:
        compte = uow.session.get(m.Compte, demande.destinataire_id)
        return compte.nom if compte else f"compte {demande.destinataire_id}"
    financeur = uow.session.get(m.Financeur, demande.financeur_code)
    return financeur.libelle if financeur else demande.financeur_code


@ecrit("avis.demander")
def demander(uow: UniteDeTravail, dossier_id: int, choisis: list[Destinataire], echeance: dt.date) -> list[int]:
    """Demande un avis à chacun ; refuse tout si l'un est déjà sollicité ou si l'échéance est passée."""
    dossier = _dossier(uow, dossier_id)
    erreurs = []
    if not choisis:
        erreurs.append("Choisissez au moins un référent ou un cofinanceur.")
    if echeance < aujourd_hui():
        erreurs.append("L'échéance ne peut pas être passée.")
    if dossier.etat not in ETATS_AVIS_OUVERTS:
        erreurs.append(f"Le dossier est « {Etat(dossier.etat).libelle} » : le comité a décidé, on ne demande "
                       "plus d'avis.")
    deja = {(d.destinataire_id, d.financeur_code) for d in uow.session.scalars(
        select(m.DemandeAvis).where(m.DemandeAvis.dossier_id == dossier_id))}
    choisis_ici: set[tuple[int | None, str | None]] = set()
    for choisi in choisis:
        if (choisi.compte_id is None) == (choisi.financeur is None):
            erreurs.append(f"{choisi.libelle} : un référent ou un cofinanceur, pas les deux.")
        elif choisi.cle in deja:
            erreurs.append(f"{choisi.libelle} : un avis lui est déjà demandé sur ce dossier.")
        elif choisi.cle in choisis_ici:
            erreurs.append(f"{choisi.libelle} : choisi deux fois.")
        elif choisi.compte_id is not None:
            compte = uow.session.get(m.Compte, choisi.compte_id)
            if compte is None or not compte.actif:
                erreurs.append(f"{choisi.libelle} : ce compte n'existe plus ou est désactivé.")
            elif compte.role != droits.REFERENT:  # un lecteur, par exemple, ne pourrait pas répondre
                erreurs.append(f"{choisi.libelle} : ce compte n'est pas un référent.")
        elif uow.session.get(m.Financeur, choisi.financeur) is None:
            erreurs.append(f"{choisi.libelle} : Cofinanceur inconnu ({choisi.financeur}).")
        choisis_ici.add(choisi.cle)
    if erreurs:
        raise DonneesInvalides("Demande d'avis refusée :\n- " + "\n- ".join(erreurs))
    ids = []
    for choisi in choisis:
        demande = m.DemandeAvis(dossier_id=dossier_id, destinataire_id=choisi.compte_id,
                                financeur_code=choisi.financeur, theme_code=choisi.theme, demandee_le=maintenant(),
                                echeance=echeance, demandee_par=uow.acteur)
        uow.session.add(demande)
        try:
            uow.session.flush()
        except IntegrityError as erreur:  # un autre poste vient de demander le même avis (contrainte unique)
            texte = str(erreur.orig).lower()
            if "unique" not in texte or "demande_avis" not in texte:
                raise
            raise DonneesInvalides(
                f"{choisi.libelle} : un avis lui est déjà demandé sur ce dossier, par un autre poste à l'instant. "
                "Votre demande n'a pas été enregistrée en double ; rouvrez le dossier pour voir la demande faite.",
                detail=str(erreur.orig)) from None
        ids.append(demande.id)
        historique.noter(uow, "avis", "demande", dossier_id=dossier_id, changements=[
            ("Avis demandé à", None, f"{_nom_destinataire(uow, demande)}, pour le {echeance:%d/%m/%Y}")])
    return ids


@ecrit("avis.demander")
def relancer(uow: UniteDeTravail, demande_id: int) -> None:
    demande = _demande(uow, demande_id)
    if demande.avis is not None:
        raise DonneesInvalides("Cet avis est déjà donné : il n'y a rien à relancer.")
    demande.relancee_le = maintenant()
    historique.noter(uow, "avis", "relance", dossier_id=demande.dossier_id,
                     changements=[("Avis relancé", None, _nom_destinataire(uow, demande))])


@ecrit("avis.demander")
def annuler(uow: UniteDeTravail, demande_id: int) -> None:
    """Retire une demande restée sans réponse (erreur de destinataire)."""
    demande = _demande(uow, demande_id)
    if demande.avis is not None:
        raise DonneesInvalides("Cet avis est déjà donné : la demande reste, avec sa réponse.")
    historique.noter(uow, "avis", "demande retirée", dossier_id=demande.dossier_id,
                     changements=[("Avis demandé à", _nom_destinataire(uow, demande), None)])
    uow.session.delete(demande)


def _demande(uow: UniteDeTravail, demande_id: int) -> m.DemandeAvis:
    demande = uow.session.get(m.DemandeAvis, demande_id)
    if demande is None:
        raise DonneesInvalides("Cette demande d'avis n'existe plus.")
    return demande


# --- Donner ------------------------------------------------------------------------------------


def peut_repondre(utilisateur: droits.Utilisateur, demande: m.DemandeAvis) -> bool:
    if utilisateur.peut("avis.lire_confidentiels"):  # instructeur, administrateur : au nom du destinataire
        return True
    if demande.destinataire_id is not None:
        return demande.destinataire_id == utilisateur.id
    return utilisateur.role == droits.FINANCEUR and utilisateur.financeur == demande.financeur_code


@dataclass
class SaisieAvis:
    sens: str
    commentaire: str = ""
    confidentiel: bool = False
    montants: dict[str, str] = field(default_factory=dict)  # cofinanceur → montant tapé (vide : aucun)


@ecrit("avis.donner")
def donner(uow: UniteDeTravail, demande_id: int, saisie: SaisieAvis) -> None:
    """Donne (ou corrige) l'avis demandé ; rien n'est écrit si une saisie est fausse."""
    demande = _demande(uow, demande_id)
    utilisateur = uow.utilisateur
    if not peut_repondre(utilisateur, demande):
        raise droits.Interdit(f"{utilisateur.libelle} : cet avis n'est pas demandé à vous.")
    dossier = _dossier(uow, demande.dossier_id)
    if dossier.etat not in ETATS_AVIS_OUVERTS:
        raise DonneesInvalides(f"Le dossier est « {Etat(dossier.etat).libelle} » : le comité a décidé, les avis "
                               "sont figés.")
    erreurs = []
    if saisie.sens not in SENS:
        erreurs.append("Choisissez : favorable, réservé ou défavorable.")
    elif saisie.sens != "favorable" and not saisie.commentaire.strip():
        erreurs.append(f"Un avis {SENS[saisie.sens].lower()} s'explique : le commentaire est obligatoire.")
    montants: dict[str, Decimal] = {}
    connus = dict(uow.session.execute(select(m.Financeur.code, func.coalesce(m.Financeur.sigle, m.Financeur.libelle))).all())
    for code, texte in saisie.montants.items():
        if not str(texte).strip():
            continue
        if code not in connus:
            erreurs.append(f"Cofinanceur inconnu : {code}.")
            continue
        if utilisateur.role == droits.FINANCEUR and code != utilisateur.financeur:
            raise droits.Interdit(f"{utilisateur.libelle} : vous ne proposez que le montant de votre cofinanceur.")
        try:
            montants[code] = argent.lire(str(texte))
        except DonneesInvalides as erreur:
            erreurs.append(f"Montant proposé pour {connus[code]} : {erreur}")
    if erreurs:
        raise DonneesInvalides("Avis refusé :\n- " + "\n- ".join(erreurs))
    avis = demande.avis
    noms = _noms_financeurs(uow)
    avant = _resume(avis, noms) if avis is not None else {}
    if avis is None:
        avis = m.Avis(demande=demande, auteur=uow.acteur, sens=saisie.sens)
        uow.session.add(avis)
    avis.auteur = uow.acteur
    avis.sens = saisie.sens
    avis.commentaire = saisie.commentaire.strip() or None
    avis.confidentiel = saisie.confidentiel
    avis.donne_le = maintenant()
    if utilisateur.role == droits.FINANCEUR:  # il ne touche qu'au montant de son cofinanceur : les autres restent
        montants = {**{a.financeur_code: a.montant for a in avis.montants if a.financeur_code != utilisateur.financeur},
                    **montants}
    avis.montants = [m.AvisMontant(financeur_code=c, montant=v) for c, v in sorted(montants.items())]
    uow.session.flush()
    apres = _resume(avis, noms)
    # Rien d'un avis confidentiel (sens, commentaire, montants) n'est recopié dans l'historique, que tous
    # lisent : seulement qu'il a changé. Ni ce qu'il était quand il l'était, s'il devient public.
    etait_confidentiel = avant.get("confidentiel") == "oui"
    changements = [(f"Avis — {_nom_destinataire(uow, demande)} : {champ}",
                    _masque(avant.get(champ), champ != "confidentiel" and (etait_confidentiel or avis.confidentiel)),
                    _masque(apres[champ], champ != "confidentiel" and avis.confidentiel))
                   for champ in apres if avant.get(champ) != apres[champ]]
    historique.noter(uow, "avis", "avis donné" if not avant else "avis corrigé", dossier_id=demande.dossier_id,
                     changements=changements)


def _masque(valeur: str | None, masquer: bool) -> str | None:
    return "(confidentiel)" if masquer and valeur else valeur


def _noms_financeurs(uow: UniteDeTravail) -> dict[str, str]:
    """Le sigle (sinon le libellé) de chaque cofinanceur : l'historique dit « CAF », pas « caf »."""
    return {code: sigle or libelle for code, sigle, libelle in
            uow.session.execute(select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle))}


def _resume(avis: m.Avis, noms: dict[str, str]) -> dict[str, str | None]:
    return {
        "sens": SENS.get(avis.sens, avis.sens),
        "commentaire": avis.commentaire,
        "confidentiel": "oui" if avis.confidentiel else "non",
        "montants": "; ".join(f"{noms.get(a.financeur_code, a.financeur_code)} {argent.formater(a.montant)}"
                              for a in avis.montants) or None,
    }


# --- Lire --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneAvis:
    demande_id: int
    dossier_id: int
    destinataire: str
    theme: str | None
    demandee_le: dt.datetime
    demandee_par: str
    echeance: dt.date
    relancee_le: dt.datetime | None
    sens: str | None = None  # None : pas encore donné
    commentaire: str | None = None
    confidentiel: bool = False
    masque: bool = False  # confidentiel et le lecteur n'est pas instructeur
    auteur: str | None = None
    donne_le: dt.datetime | None = None
    montants: dict[str, Decimal] = field(default_factory=dict)
    peut_repondre: bool = False
    dossier_numero: str = ""
    dossier_intitule: str = ""
    financeur_code: str | None = None  # l'avis est demandé à ce cofinanceur (sinon à un référent)

    @property
    def donne(self) -> bool:
        return self.donne_le is not None  # ``sens`` est vide aussi pour un avis donné mais masqué

    @property
    def en_retard(self) -> bool:
        return not self.donne and self.echeance < aujourd_hui()

    @property
    def libelle_sens(self) -> str:
        if self.masque:
            return "Confidentiel"
        if not self.donne:
            return "En retard" if self.en_retard else "Attendu"
        return SENS[self.sens]


def _lignes(uow: UniteDeTravail, requete) -> list[LigneAvis]:
    """Les demandes choisies par ``requete`` (sur ``DemandeAvis``), avec leur avis : trois requêtes en tout
    (demandes et noms joints, avis, montants), quel que soit leur nombre."""
    utilisateur = uow.utilisateur
    lit_confidentiels = utilisateur.peut("avis.lire_confidentiels")
    requete = (
        requete.add_columns(m.Compte.nom, m.Financeur.libelle, m.ThemeReferent.libelle, m.Dossier.numero,
                            m.Dossier.intitule)
        .join(m.Dossier, m.Dossier.id == m.DemandeAvis.dossier_id)
        .outerjoin(m.Compte, m.Compte.id == m.DemandeAvis.destinataire_id)
        .outerjoin(m.Financeur, m.Financeur.code == m.DemandeAvis.financeur_code)
        .outerjoin(m.ThemeReferent, m.ThemeReferent.code == m.DemandeAvis.theme_code)
        .options(selectinload(m.DemandeAvis.avis).selectinload(m.Avis.montants))
    )
    resultat = []
    for d, compte, financeur, theme, numero, intitule in uow.session.execute(requete):
        base = dict(demande_id=d.id, dossier_id=d.dossier_id, destinataire=compte or financeur or "?", theme=theme,
                    demandee_le=d.demandee_le, demandee_par=d.demandee_par, echeance=d.echeance,
                    relancee_le=d.relancee_le, peut_repondre=peut_repondre(utilisateur, d), dossier_numero=numero,
                    dossier_intitule=intitule, financeur_code=d.financeur_code)
        avis = d.avis
        if avis is None:
            resultat.append(LigneAvis(**base))
            continue
        masque = avis.confidentiel and not lit_confidentiels and not peut_repondre(utilisateur, d)
        resultat.append(LigneAvis(
            **base, sens=None if masque else avis.sens, commentaire=CONFIDENTIEL_MASQUE if masque else avis.commentaire,
            confidentiel=avis.confidentiel, masque=masque, auteur=avis.auteur, donne_le=avis.donne_le,
            montants={} if masque else {a.financeur_code: a.montant for a in avis.montants},
        ))
    return resultat


def du_dossier(uow: UniteDeTravail, dossier_id: int) -> list[LigneAvis]:
    """Tous les avis d'un dossier, côte à côte ; un avis confidentiel n'est lu que par les instructeurs."""
    return _lignes(uow, select(m.DemandeAvis).where(m.DemandeAvis.dossier_id == dossier_id)
                   .order_by(m.DemandeAvis.demandee_le, m.DemandeAvis.id))


def demandees_a(utilisateur: droits.Utilisateur):
    """La condition SQL « demande adressée à cet utilisateur (ou à son cofinanceur) » ; ``None`` s'il n'en
    reçoit pas (compte de session du poste)."""
    from sqlalchemy import or_

    conditions = []
    if utilisateur.id is not None:
        conditions.append(m.DemandeAvis.destinataire_id == utilisateur.id)
    if utilisateur.role == droits.FINANCEUR and utilisateur.financeur:
        conditions.append(m.DemandeAvis.financeur_code == utilisateur.financeur)
    return or_(*conditions) if conditions else None
