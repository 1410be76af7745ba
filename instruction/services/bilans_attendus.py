"""Les bilans attendus : calculés d'après les conventions, jamais tapés.

Chaque convention signée (ou soldée, ou résiliée : ce qui a été versé se justifie) d'une action engage son
porteur à rendre un compte rendu financier par exercice couvert (``domaine.bilans.echeances``). Les conventions
d'une même action (une par cofinanceur) se réunissent par dossier : le porteur rend **un** compte rendu par
dossier et par exercice, que chaque cofinanceur reçoit. Le statut (attendu, en retard, très en retard, reçu,
renvoyé pour compléments, validé) vient du compte rendu enregistré, sinon de la date.

Les exercices couverts et la fin du premier exercice viennent des colonnes ``convention.exercices`` et
``convention.fin_exercice``, tenues **en vigueur** par ``services.conventions`` (convention + avenants signés) :
un avenant signé qui change la clôture du porteur ou la durée déplace les échéances.

La liste se lit en sept requêtes quel que soit le nombre de conventions (colonnes seules, pas d'objets) :
réglages, campagnes, dossiers engagés, porteurs, conventions, comptes rendus, relances.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Collection, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import String, cast, func, select

from instruction.db import modeles as m
from instruction.db.modeles import comptes_rendus as mcr
from instruction.db.modeles import conventions as mc
from instruction.domaine import bilans
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.services import historique
from instruction.services import reglages as table_des_reglages
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.lecture_conventions import exercices_depuis_texte

# Les conventions qui engagent à rendre des bilans : signées, soldées, résiliées (le versé se justifie).
ETATS_ENGAGES = bilans.ETATS_CONVENTION_ENGAGES


@dataclass(slots=True)  # pas figé : la liste en construit des dizaines de milliers
class BilanAttendu:
    """Une ligne de la liste des bilans attendus."""

    dossier_id: int
    numero: str
    intitule: str
    porteur_id: int
    porteur: str
    dispositif: str
    exercice: int
    nature: str
    fin_exercice: dt.date
    due_le: dt.date
    statut: str
    jours_retard: int
    financeurs: tuple[str, ...]
    conventions: tuple[int, ...]
    compte_rendu_id: int | None = None
    recu_le: dt.date | None = None
    valide_le: dt.date | None = None
    derniere_relance: dt.date | None = None
    relances: int = 0

    @property
    def libelle_statut(self) -> str:
        return bilans.STATUTS[self.statut]

    @property
    def libelle_nature(self) -> str:
        return bilans.NATURES[self.nature]

    @property
    def recu_en_retard(self) -> bool:
        return self.recu_le is not None and self.recu_le > self.due_le

    @property
    def en_retard(self) -> bool:
        """Pas encore reçu et l'échéance passée, ou renvoyé pour compléments après l'échéance."""
        return bilans.en_retard(self.statut, self.jours_retard)


@dataclass(frozen=True)
class Filtres:
    statuts: frozenset[str] = frozenset()  # vide : tous
    exercice: int | None = None
    financeur: str | None = None
    dispositif: str | None = None
    porteurs: frozenset[int] = frozenset()
    dossiers: frozenset[int] = frozenset()
    campagne_annee: int | None = None


# --- Réglages --------------------------------------------------------------------------------------


def reglages(uow: UniteDeTravail) -> dict[str, str]:
    return table_des_reglages.lire(uow, bilans.PREFIXE_REGLAGE)


def regles(uow: UniteDeTravail) -> bilans.Regles:
    """Les règles en vigueur : défauts de ``resources/bilans.yaml``, seuils réglés en base."""
    return bilans.regles(reglages(uow))


@dataclass(frozen=True)
class Seuil:
    cle: str
    libelle: str
    defaut: Decimal
    valeur: Decimal
    reglable: bilans.Reglable


def liste_seuils(uow: UniteDeTravail) -> list[Seuil]:
    en_base = reglages(uow)
    return [Seuil(r.cle, r.libelle, r.defaut, Decimal(en_base[r.cle]) if en_base.get(r.cle) else r.defaut, r)
            for r in bilans.reglables()]


@ecrit("reglages.modifier")
def regler(uow: UniteDeTravail, valeurs: Mapping[str, str | Decimal]) -> None:
    """Change des seuils (« bilans.<nom> » → valeur) ; une valeur égale au défaut l'efface."""
    table_des_reglages.enregistrer(uow, valeurs, {s.cle: s for s in liste_seuils(uow)},
                                   lambda s, brute: bilans.verifier_reglage(s.reglable, brute), "Seuils refusés")


# --- Engagements et liste ----------------------------------------------------------------------------


def _jour(texte: str | None) -> dt.date | None:
    return None if texte is None else dt.date.fromisoformat(texte[:10])


@dataclass(slots=True)
class _Dossier:
    numero: str
    intitule: str
    porteur_id: int
    porteur: str
    dispositif: str
    annee: int
    conventions: bilans.ConventionsDuDossier = field(default_factory=bilans.ConventionsDuDossier)


def _dossiers_engages(uow: UniteDeTravail, f: Filtres) -> dict[int, _Dossier]:
    """Les dossiers qui ont une convention engagée (selon les filtres), avec leurs conventions et exercices.

    Les exercices couverts et la fin du premier exercice sont ceux **en vigueur** (convention + avenants signés),
    recopiés dans les colonnes ``convention.exercices`` et ``convention.fin_exercice`` à chaque signature : un
    avenant qui change la clôture du porteur ou la durée déplace les échéances. Chaque table est lue à part puis
    réunie par dictionnaires : sous SQLite, la jointure des conventions aux dossiers (aux lignes longues :
    descriptions) coûte plus que les lectures séparées."""
    connexion = uow.session.connection()  # colonnes seules : sans la mécanique des objets
    engagees = select(mc.Convention.dossier_id).where(mc.Convention.etat.in_(ETATS_ENGAGES))
    requete_dossiers = select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Dossier.porteur_id,
                              m.Dossier.campagne_id).where(m.Dossier.id.in_(engagees))
    if f.porteurs:
        requete_dossiers = requete_dossiers.where(m.Dossier.porteur_id.in_(sorted(f.porteurs)))
    if f.dossiers:
        requete_dossiers = requete_dossiers.where(m.Dossier.id.in_(sorted(f.dossiers)))
    campagnes = {cid: (dispositif, annee) for cid, dispositif, annee in connexion.execute(
        select(m.Campagne.id, m.Campagne.dispositif_code, m.Campagne.annee)).all()
        if (not f.dispositif or dispositif == f.dispositif) and (not f.campagne_annee or annee == f.campagne_annee)}
    lignes_dossiers = [l for l in connexion.execute(requete_dossiers).all() if l[4] in campagnes]
    if not lignes_dossiers:
        return {}
    restreint = bool(f.porteurs or f.dossiers or f.dispositif or f.campagne_annee)
    ids = sorted(l[0] for l in lignes_dossiers)
    porteurs = dict(connexion.execute(select(m.Porteur.id, m.Porteur.nom).where(
        m.Porteur.id.in_(sorted({l[3] for l in lignes_dossiers})))).all())
    dossiers = {did: _Dossier(numero, intitule, porteur_id, porteurs.get(porteur_id, ""), *campagnes[campagne_id])
                for did, numero, intitule, porteur_id, campagne_id in lignes_dossiers}
    # La date en texte ISO, convertie par ``date.fromisoformat`` (voir ``_liste``), une fois par valeur distincte.
    requete = select(mc.Convention.id, mc.Convention.dossier_id, mc.Convention.financeur_code,
                     mc.Convention.type_acte, cast(mc.Convention.fin_exercice, String), mc.Convention.exercices
                     ).where(mc.Convention.etat.in_(ETATS_ENGAGES))
    if restreint:
        requete = requete.where(mc.Convention.dossier_id.in_(ids))
    fins: dict[str, dt.date] = {}
    exercices_lus: dict[str, tuple[int, ...]] = {}
    for cid, did, financeur, type_acte, fin, texte in connexion.execute(requete).all():
        d = dossiers.get(did)
        if d is None:
            continue
        exercices = exercices_lus.get(texte)
        if exercices is None:
            exercices = exercices_lus[texte] = exercices_depuis_texte(texte)
        jour = fins.get(fin)
        if jour is None:
            jour = fins[fin] = dt.date.fromisoformat(fin[:10])
        d.conventions.ajouter(cid, financeur, type_acte, jour, exercices)
    return dossiers


@contextmanager
def _sans_ramasse_miettes():
    """Des dizaines de milliers de petits objets créés d'un coup déclenchent sans cesse le ramasse-miettes
    cyclique, qui parcourt alors tout le tas (plus de la moitié du temps de la liste sur 10 000 conventions) ;
    aucun de ces objets ne forme de cycle : il est suspendu le temps de la construction."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


def liste(uow: UniteDeTravail, filtres: Filtres | None = None, *, le: dt.date | None = None) -> list[BilanAttendu]:
    """Les bilans attendus (tous, ou selon les filtres), triés par échéance puis numéro de dossier."""
    with _sans_ramasse_miettes():
        return _liste(uow, filtres, le=le)


def _liste(uow: UniteDeTravail, filtres: Filtres | None = None, *, le: dt.date | None = None) -> list[BilanAttendu]:
    f = filtres or Filtres()
    jour = le or aujourd_hui()
    r = regles(uow)
    dossiers = _dossiers_engages(uow, f)
    if not dossiers:
        return []
    # Les dates en texte ISO, converties par ``date.fromisoformat`` : sous SQLite, le type Date de SQLAlchemy les
    # relit par une expression régulière, dix fois plus lente sur des milliers de lignes.
    comptes = select(mcr.CompteRendu.dossier_id, mcr.CompteRendu.exercice, mcr.CompteRendu.id,
                     mcr.CompteRendu.etat, cast(mcr.CompteRendu.recu_le, String),
                     cast(mcr.CompteRendu.valide_le, String))
    relances = (select(mcr.Relance.dossier_id, mcr.Relance.exercice, cast(func.max(mcr.Relance.envoyee_le), String),
                       func.count()).group_by(mcr.Relance.dossier_id, mcr.Relance.exercice))
    if f.dossiers or f.porteurs:
        comptes = comptes.where(mcr.CompteRendu.dossier_id.in_(sorted(dossiers)))
        relances = relances.where(mcr.Relance.dossier_id.in_(sorted(dossiers)))
    connexion = uow.session.connection()  # colonnes seules : sans la mécanique des objets
    recus = {(did, ex): (cid, etat, _jour(recu), _jour(valide))
             for did, ex, cid, etat, recu, valide in connexion.execute(comptes).all()}
    relances_par = {(did, ex): (_jour(derniere), nombre)
                    for did, ex, derniere, nombre in connexion.execute(relances).all()}
    resultat = []
    for did, d in dossiers.items():
        engagement = d.conventions.engagement(did, d.porteur_id, d.dispositif, d.annee)
        for e in bilans.echeances(engagement, r):
            if f.exercice is not None and e.exercice != f.exercice:
                continue
            if f.financeur and f.financeur not in e.financeurs:
                continue
            cid, etat, recu, valide = recus.get((did, e.exercice), (None, None, None, None))
            statut = bilans.statut(e.due_le, jour, r, etat)
            if f.statuts and statut not in f.statuts:
                continue
            derniere, nombre = relances_par.get((did, e.exercice), (None, 0))
            resultat.append(BilanAttendu(
                did, d.numero, d.intitule, d.porteur_id, d.porteur, d.dispositif, e.exercice, e.nature,
                e.fin_exercice, e.due_le, statut, bilans.jours_de_retard(e.due_le, jour, recu), e.financeurs,
                e.conventions, cid, recu, valide, derniere, nombre))
    resultat.sort(key=lambda b: (b.due_le, b.numero, b.exercice))
    return resultat


def attendu(uow: UniteDeTravail, dossier_id: int, exercice: int, *, le: dt.date | None = None) -> BilanAttendu:
    """Le bilan attendu d'un dossier pour un exercice ; refus en français s'il n'y en a pas."""
    for b in liste(uow, Filtres(dossiers=frozenset({dossier_id})), le=le):
        if b.exercice == exercice:
            return b
    raise DonneesInvalides(
        f"Aucun bilan n'est attendu de ce dossier pour l'exercice {exercice} : il faut une convention signée "
        "qui couvre cet exercice.")


def du_dossier(uow: UniteDeTravail, dossier_id: int, *, le: dt.date | None = None) -> list[BilanAttendu]:
    return liste(uow, Filtres(dossiers=frozenset({dossier_id})), le=le)


def dus_par_porteur(uow: UniteDeTravail, porteur_ids: Collection[int], *, sauf_dossier: int | None = None,
                    le: dt.date | None = None) -> dict[int, list[BilanAttendu]]:
    """Les bilans en retard (pas reçus après l'échéance, ou renvoyés pour compléments et en retard) de ces
    porteurs : ce qu'on signale quand l'un d'eux dépose une nouvelle demande (loi 2000-321, art. 10)."""
    if not porteur_ids:
        return {}
    resultat: dict[int, list[BilanAttendu]] = defaultdict(list)
    for b in liste(uow, Filtres(porteurs=frozenset(porteur_ids)), le=le):
        if b.en_retard and b.dossier_id != sauf_dossier:
            resultat[b.porteur_id].append(b)
    return dict(resultat)


def dus_du_porteur_du_dossier(uow: UniteDeTravail, dossier_id: int, *,
                              le: dt.date | None = None) -> list[BilanAttendu]:
    """Les bilans en retard du porteur d'un dossier, sur ses autres dossiers (le bandeau de l'onglet)."""
    porteur_id = uow.session.scalar(select(m.Dossier.porteur_id).where(m.Dossier.id == dossier_id))
    if porteur_id is None:
        return []
    return dus_par_porteur(uow, {porteur_id}, sauf_dossier=dossier_id, le=le).get(porteur_id, [])


# --- Relances ----------------------------------------------------------------------------------------


def destinataires(uow: UniteDeTravail, porteur_ids: Collection[int]) -> dict[int, tuple]:
    """Pour chaque porteur : (nom, civilité, représentant en cours, qualité, lignes d'adresse)."""
    if not porteur_ids:
        return {}
    ids = sorted(set(porteur_ids))
    representants: dict[int, tuple] = {}
    for r in uow.session.execute(select(m.Representant.porteur_id, m.Representant.civilite, m.Representant.nom,
                                        m.Representant.qualite, m.Representant.jusqu_a)
                                 .where(m.Representant.porteur_id.in_(ids))
                                 .order_by(m.Representant.porteur_id, m.Representant.id)):
        if r.jusqu_a is None or r.porteur_id not in representants:  # la version en cours, sinon la dernière
            representants[r.porteur_id] = (r.civilite, r.nom, r.qualite)
    resultat = {}
    for p in uow.session.execute(select(m.Porteur.id, m.Porteur.nom, m.Porteur.adresse, m.Porteur.code_postal,
                                        m.Porteur.ville).where(m.Porteur.id.in_(ids))):
        adresse = tuple(x for x in (p.adresse, " ".join(y for y in (p.code_postal, p.ville) if y)) if x)
        resultat[p.id] = (p.nom, *representants.get(p.id, (None, None, None)), adresse)
    return resultat


def libelles_financeurs(uow: UniteDeTravail) -> dict[str, str]:
    return dict(uow.session.execute(select(m.Financeur.code, m.Financeur.libelle)).all())


@ecrit("compte_rendu.saisir")
def noter_relance(uow: UniteDeTravail, dossier_id: int, exercice: int, statut: str, envoyee_le: dt.date) -> None:
    """Garde la trace d'une lettre de relance (et l'écrit à l'historique du dossier)."""
    uow.session.add(mcr.Relance(dossier_id=dossier_id, exercice=exercice, envoyee_le=envoyee_le, statut=statut,
                                acteur=uow.acteur))
    uow.session.flush()
    historique.noter(uow, "bilan", "relance", dossier_id=dossier_id, changements=[
        (f"Relance du compte rendu de l'exercice {exercice}", None,
         f"{bilans.STATUTS.get(statut, statut)}, lettre du {envoyee_le:%d/%m/%Y}")])
