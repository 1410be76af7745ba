"""Lire les conventions : la fiche d'un acte (termes initiaux, avenants, termes en vigueur), la liste filtrée,
les actes à préparer d'un dossier retenu. Lectures seules (aucun droit à vérifier)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.db.modeles.conventions import Avenant, Convention, ConventionMontant
from instruction.domaine import argent, dates
from instruction.domaine import conventions as dc
from instruction.domaine.conventions import EtatConvention as EC
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services.contexte import UniteDeTravail


def jour_a_paris(moment: dt.datetime) -> dt.date:
    """Le jour à Paris d'un moment UTC (sans fuseau, comme la base les garde)."""
    from zoneinfo import ZoneInfo

    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(dates.FUSEAU)).date()


def aujourd_hui_a_paris() -> dt.date:
    from instruction.domaine.horloge import aujourd_hui, maintenant

    return max(aujourd_hui(), jour_a_paris(maintenant()))


def _dossier(uow: UniteDeTravail, dossier_id: int) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    return dossier


# --- Lectures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signatures:
    signataire_attribuant: str | None
    signe_attribuant_le: dt.date | None
    signataire_beneficiaire: str | None
    signe_beneficiaire_le: dt.date | None
    date_effet: dt.date | None
    scan_nom: str | None
    scan_taille: int | None
    scan_empreinte: str | None


@dataclass(frozen=True)
class AvenantLu:
    id: int
    numero: int
    type_code: str
    type_libelle: str
    motif: str
    etat: str
    modifications: Mapping[str, Any]
    signatures: Signatures
    termes_avant: dc.Termes
    termes_apres: dc.Termes
    differences: tuple[str, ...]

    @property
    def ouvert(self) -> bool:
        return self.etat in ("projet", "a_signer")


@dataclass(frozen=True)
class FicheConvention:
    """Tout ce qu'il faut pour afficher ou imprimer un acte : identité, état, termes initiaux, avenants
    (avec les termes avant et après chacun), termes en vigueur."""

    id: int
    numero: str
    version: int
    dossier_id: int
    dossier_numero: str
    dossier_intitule: str
    dossier_etat: str
    dispositif: str
    porteur_id: int
    porteur_nom: str
    financeur_code: str
    financeur_libelle: str
    annee: int
    type_acte: dc.TypeActe
    regle_acte: str
    motif_acte: str | None
    etat: EC
    etat_le: dt.date
    motif_etat: str | None
    envoyee_le: dt.date | None
    signatures: Signatures
    termes_initiaux: dc.Termes
    avenants: tuple[AvenantLu, ...]
    termes: dc.Termes  # en vigueur

    @property
    def avenant_ouvert(self) -> AvenantLu | None:
        return next((a for a in self.avenants if a.ouvert), None)


def _signatures(x: Convention | Avenant) -> Signatures:
    return Signatures(x.signataire_attribuant, x.signe_attribuant_le, x.signataire_beneficiaire,
                      x.signe_beneficiaire_le, x.date_effet, x.scan_nom, x.scan_taille, x.scan_empreinte)


def termes_depuis_json(texte: str) -> dc.Termes:
    d = json.loads(texte)
    valeurs = {champ: dc.champ_depuis_json(champ, d[champ]) for champ in dc.CHAMPS}
    return dc.Termes(type_acte=dc.TypeActe(d["type_acte"]), **valeurs)


def termes_vers_json(t: dc.Termes) -> str:
    d = {champ: dc.champ_vers_json(champ, getattr(t, champ)) for champ in dc.CHAMPS}
    d["type_acte"] = t.type_acte.value
    return json.dumps(d, ensure_ascii=False, sort_keys=True)


def en_vigueur(t: dc.Termes) -> dict[str, Any]:
    """Les colonnes de ``convention`` recopiées des termes en vigueur pour les listes et les bilans attendus,
    qui les lisent sans le JSON : objet, montant total, fin du premier exercice couvert, exercices couverts."""
    return {"objet": t.objet, "montant_total": t.montant_total, "fin_exercice": t.fin_de_l_exercice(t.exercices[0]),
            "exercices": exercices_vers_texte(t.exercices)}


def exercices_vers_texte(exercices: tuple[int, ...] | list[int]) -> str:
    return ",".join(str(x) for x in exercices)


def exercices_depuis_texte(texte: str) -> tuple[int, ...]:
    return tuple(int(x) for x in texte.split(",") if x)


def _modifications(a: Avenant) -> dict[str, Any]:
    return {c: dc.champ_depuis_json(c, v) for c, v in json.loads(a.modifications).items()}


def _convention(uow: UniteDeTravail, convention_id: int, *, verrou: bool = False) -> Convention:
    """L'acte ; ``verrou`` : sa ligne verrouillée jusqu'à la fin de la transaction (PostgreSQL ; sur SQLite,
    la transaction d'écriture est déjà seule)."""
    pg = verrou and uow.session.get_bind().dialect.name == "postgresql"
    convention = uow.session.get(Convention, convention_id, with_for_update=True if pg else None)
    if convention is None:
        raise DonneesInvalides("Cette convention n'existe plus.")
    return convention


def lire(uow: UniteDeTravail, convention_id: int) -> FicheConvention:
    c = _convention(uow, convention_id)
    dossier = uow.session.get(m.Dossier, c.dossier_id)
    financeur = uow.session.get(m.Financeur, c.financeur_code)
    regles = dc.charger_regles()
    initiaux = termes_depuis_json(c.termes_initiaux)
    lus, termes = [], initiaux
    for a in c.avenants:
        modifications = _modifications(a)
        apres = dc.appliquer(termes, dc.Avenant(a.numero, a.type_code, a.motif, modifications, a.date_effet))
        type_libelle = next((t.libelle for t in regles.types_avenant if t.code == a.type_code), a.type_code)
        lus.append(AvenantLu(a.id, a.numero, a.type_code, type_libelle, a.motif, a.etat, modifications,
                             _signatures(a), termes, apres, tuple(dc.differences(termes, apres))))
        if a.etat == "signe":
            termes = apres
    return FicheConvention(
        c.id, c.numero, c.version, dossier.id, dossier.numero, dossier.intitule, dossier.etat,
        dossier.campagne.dispositif_code, dossier.porteur_id, dossier.porteur.nom, c.financeur_code,
        financeur.libelle if financeur else c.financeur_code, c.annee, dc.TypeActe(c.type_acte), c.regle_acte,
        c.motif_acte, EC(c.etat), c.etat_le, c.motif_etat, c.envoyee_le, _signatures(c), initiaux, tuple(lus), termes)


@dataclass(frozen=True)
class LigneConvention:
    id: int
    numero: str
    dossier_id: int
    dossier_numero: str
    intitule: str
    porteur: str
    financeur_code: str
    financeur: str
    annee: int
    type_acte: str
    etat: str
    etat_le: dt.date
    envoyee_le: dt.date | None
    date_effet: dt.date | None
    montant: Decimal
    verse: Decimal
    avenants: int
    campagne_id: int


@dataclass(frozen=True)
class FiltreConventions:
    etats: tuple[str, ...] = ()
    financeur: str | None = None
    campagne_id: int | None = None
    annee: int | None = None
    dossier_id: int | None = None
    type_acte: str | None = None
    attente_signature_jours: int | None = None  # à signer depuis plus de N jours
    texte: str = ""


def lister(uow: UniteDeTravail, filtre: FiltreConventions = FiltreConventions(),
           aujourd_hui: dt.date | None = None) -> list[LigneConvention]:
    """Les conventions, filtrées ; en trois requêtes quel que soit leur nombre."""
    from instruction.domaine.texte import pour_recherche

    C, D = Convention, m.Dossier
    verse = (select(ConventionMontant.convention_id, func.sum(ConventionMontant.verse).label("verse"))
             .group_by(ConventionMontant.convention_id).subquery())
    avenants = (select(Avenant.convention_id, func.count().label("n")).where(Avenant.etat == "signe")
                .group_by(Avenant.convention_id).subquery())
    requete = (select(C.id, C.numero, C.dossier_id, D.numero, D.intitule, m.Porteur.nom, C.financeur_code,
                      func.coalesce(m.Financeur.sigle, m.Financeur.libelle), C.annee, C.type_acte, C.etat, C.etat_le,
                      C.envoyee_le, C.date_effet, C.montant_total, verse.c.verse, avenants.c.n, D.campagne_id)
               .join(D, D.id == C.dossier_id).join(m.Porteur, m.Porteur.id == D.porteur_id)
               .join(m.Financeur, m.Financeur.code == C.financeur_code)
               .outerjoin(verse, verse.c.convention_id == C.id).outerjoin(avenants, avenants.c.convention_id == C.id))
    if filtre.etats:
        requete = requete.where(C.etat.in_(filtre.etats))
    if filtre.financeur:
        requete = requete.where(C.financeur_code == filtre.financeur)
    if filtre.campagne_id is not None:
        requete = requete.where(D.campagne_id == filtre.campagne_id)
    if filtre.annee is not None:
        requete = requete.where(C.annee == filtre.annee)
    if filtre.dossier_id is not None:
        requete = requete.where(C.dossier_id == filtre.dossier_id)
    if filtre.type_acte:
        requete = requete.where(C.type_acte == filtre.type_acte)
    if filtre.attente_signature_jours is not None:
        limite = (aujourd_hui or aujourd_hui_a_paris()) - dt.timedelta(days=filtre.attente_signature_jours)
        requete = requete.where(C.etat == EC.A_SIGNER, C.envoyee_le <= limite)
    lignes = [LigneConvention(*ligne[:15], ligne[15] if ligne[15] is not None else argent.ZERO, ligne[16] or 0,
                              ligne[17])
              for ligne in uow.session.execute(requete.order_by(C.annee.desc(), C.numero))]
    if filtre.texte.strip():
        cherche = pour_recherche(filtre.texte)
        lignes = [x for x in lignes if cherche in pour_recherche(f"{x.numero} {x.dossier_numero} {x.intitule} "
                                                                  f"{x.porteur} {x.financeur}")]
    return lignes


def conventions_du_dossier(uow: UniteDeTravail, dossier_id: int) -> list[LigneConvention]:
    return lister(uow, FiltreConventions(dossier_id=dossier_id))


@dataclass(frozen=True)
class ActeAPreparer:
    """Pour un cofinanceur géré d'un dossier retenu sans acte : le montant décidé et l'acte que la règle désigne."""

    financeur_code: str
    financeur: str
    montant: Decimal
    choix: dc.ChoixActe
    choix_pluriannuel: dc.ChoixActe


def a_preparer(uow: UniteDeTravail, dossier_id: int) -> list[ActeAPreparer]:
    dossier = _dossier(uow, dossier_id)
    regles = dc.charger_regles()
    existants = set(uow.session.scalars(select(Convention.financeur_code).where(Convention.dossier_id == dossier_id)))
    resultat = []
    for code, montant, libelle in uow.session.execute(
            select(m.MontantAccorde.financeur_code, m.MontantAccorde.montant, m.Financeur.libelle)
            .join(m.Financeur, m.Financeur.code == m.MontantAccorde.financeur_code)
            .where(m.MontantAccorde.dossier_id == dossier_id).order_by(m.MontantAccorde.financeur_code)):
        if code not in regles.financeurs_geres or code in existants or montant <= 0:
            continue
        situation = dc.SituationActe(dossier.campagne.dispositif_code, dossier.porteur.type, code, montant)
        pluriannuel = dataclasses.replace(situation, pluriannuel=True)
        resultat.append(ActeAPreparer(code, libelle, montant, dc.choisir_acte(situation, regles),
                                      dc.choisir_acte(pluriannuel, regles)))
    return resultat


