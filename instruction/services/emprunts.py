"""Emprunter des dossiers : le fichier de travail chiffré, et ce que la base partagée en garde.

**Générique sur le schéma.** Ce qui part dans un fichier de travail se déduit des clés étrangères du schéma
(``Base.metadata``), sans code par table : les tables nouvelles (programmation, comité, conventions,
versements, comptes rendus, suivi…) suivent d'elles-mêmes.

* Les **racines** : les dossiers choisis et leurs porteurs.
* Les tables **accrochées** : toute table qui a une clé étrangère vers un dossier, un porteur, ou une table
  déjà accrochée (pièces, budget, instruction, grilles, avis, montants, conventions, versements…). Une table
  accrochée à la fois côté dossier et côté porteur suit le dossier (les pièces d'un autre dossier du même
  porteur ne partent pas). Seules ces lignes sont **fusionnées** au retour.
* Les **références** : une ligne recopiée qui renvoie à une ligne d'une table accrochée restée au bureau (un
  dossier renouvelé par un dossier emprunté, par exemple) emporte cette ligne aussi (le fichier n'a aucune
  référence cassée) ; elle est fusionnée comme les autres.
* Les tables **indépendantes** (le référentiel, les campagnes, les comptes, les réglages, les séances du
  comité…) sont recopiées entières, pour que les écrans marchent hors ligne, et ne sont **jamais rapportées**
  (le référentiel vient des fichiers YAML, les comptes de l'administrateur).
* Les **exceptions déclarées** (``JAMAIS_EMPRUNTEES``, ``COLONNES_MASQUEES``, ``lignes_reservees``) : ce qui ne
  part jamais (empreintes des mots de passe, brouillons d'un poste, les emprunts eux-mêmes, avis confidentiels
  des autres pour qui ne peut pas les lire).

L'historique est en ajout seul : celui des dossiers et porteurs empruntés part (la section Historique marche
hors ligne), et au retour les lignes écrites hors ligne s'ajoutent à celui du bureau, avec leurs dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, select, tuple_

from instruction.db import modeles as m
from instruction.db import travail
from instruction.db.base import Base
from instruction.db.fichiers import creer_dossier, remplacer, temporaire_a_cote
from instruction.db.modeles.emprunts import Emprunt, EmpruntDossier
from instruction.domaine import droits
from instruction.domaine.erreurs import DonneesInvalides, ErreurInstruction
from instruction.domaine.horloge import maintenant
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

RACINES = ("dossier", "porteur")
# Tables qui ne partent jamais dans un fichier de travail, et pourquoi.
JAMAIS_EMPRUNTEES = {
    "emprunt": "les emprunts eux-mêmes restent au bureau",
    "emprunt_dossier": "les emprunts eux-mêmes restent au bureau",
    "historique": "en ajout seul : recopié à part (lignes des dossiers et porteurs empruntés), jamais fusionné",
    "brouillon": "les saisies en cours d'un poste",
    "filtre_enregistre": "les filtres de la liste, partagés au bureau",
    "correspondance_import": "les correspondances des imports, qui ne se font pas hors ligne",
    "alembic_version": "écrite par les migrations du fichier lui-même",
}
# Colonnes qui partent vides (valeur de remplacement) : un portable perdu ne livre aucune empreinte de mot de passe.
COLONNES_MASQUEES = {("utilisateur", "empreinte"): "!emprunt (empreinte non emportée)"}
# Colonnes tenues par le service au retour, jamais comparées (compteurs de version, horodatages de modification).
COMPTEURS = frozenset({"version", "version_montants"})
HORODATAGES = frozenset({"modifie_le", "modifiee_le"})
LOT = 5000

# --- Listes possédées --------------------------------------------------------------------------------
# Les enfants d'un dossier ou d'un porteur tenus par le formulaire en « supprimer et réinsérer » (relations
# ORM en cascade « delete-orphan » : lignes du budget, séances, indicateurs, quartiers, objectifs,
# bénéficiaires par quartier, contacts) n'ont pas d'identité propre pour l'utilisateur : au retour, chaque
# liste est UNE valeur par parent (``domaine.fusion.ListeAFusionner``), jamais fusionnée ligne à ligne (deux
# budgets ressaisis des deux côtés donneraient un budget doublé). Exceptions, fusionnées ligne à ligne :
AVEC_IDENTITE = {
    "piece": "une pièce s'ajoute et se retire une à une (services.pieces), chacune avec son fichier",
    "transition": "le circuit du dossier : des passages datés, en ajout seul",
    "porteur_nom": "l'histoire datée des noms : un nom ajouté par « changer », l'ancien gardé",
    "representant": "l'histoire datée des représentants légaux, ajoutés un à un",
    "compte_bancaire": "l'histoire datée des comptes bancaires, ajoutés un à un",
}
# Colonnes d'un parent calculées depuis une de ses listes : jamais comparées (elles suivraient la liste en
# conflit), recalculées par le service de la liste après l'écriture (``services.fusion``).
DERIVEES = {("dossier", "cout_total"): "ligne_budget", ("dossier", "subvention_demandee"): "ligne_budget",
            ("dossier", "financeurs"): "ligne_budget"}


@dataclass(frozen=True)
class ListePossedee:
    table: str
    parent: str  # « dossier » ou « porteur »
    colonne: str  # le renvoi au parent


@lru_cache(maxsize=1)
def listes_possedees() -> dict[str, ListePossedee]:
    """Table → sa liste possédée, déduite des relations ORM de ``Dossier`` et ``Porteur`` (voir plus haut)."""
    from sqlalchemy import inspect
    from sqlalchemy.orm import interfaces

    trouvees: dict[str, ListePossedee] = {}
    for modele in (m.Dossier, m.Porteur):
        parent = modele.__table__.name
        for relation in inspect(modele).relationships:
            cible = relation.target.name
            if (relation.direction is not interfaces.ONETOMANY or not relation.cascade.delete_orphan
                    or cible in AVEC_IDENTITE or len(relation.synchronize_pairs) != 1):
                continue
            (_colonne_parent, colonne), = relation.synchronize_pairs
            trouvees[cible] = ListePossedee(cible, parent, colonne.name)
    return trouvees


@dataclass(frozen=True)
class Lien:
    colonne: str
    parent: str
    colonne_parent: str


@dataclass(frozen=True)
class Plan:
    """Ce que le schéma dit de chaque table (voir le module)."""

    accrochees: dict[str, tuple[Lien, ...]]  # table → ses liens vers sa racine (dossier, porteur, accrochée)
    cote: dict[str, str]  # table accrochée ou racine → « dossier » ou « porteur »
    independantes: tuple[str, ...]
    ordre: tuple[str, ...]  # toutes les tables emportées, parents d'abord

    @property
    def fusionnees(self) -> tuple[str, ...]:
        return tuple(n for n in self.ordre if n in self.cote)


@lru_cache(maxsize=1)
def plan() -> Plan:
    tables = Base.metadata.sorted_tables
    cote = {"dossier": "dossier", "porteur": "porteur"}
    accrochees: dict[str, tuple[Lien, ...]] = {}
    for table in tables:
        if table.name in RACINES or table.name in JAMAIS_EMPRUNTEES:
            continue
        liens = {"dossier": [], "porteur": []}
        for cle in table.foreign_keys:
            parent = cle.column.table.name
            if parent in cote and parent != table.name:
                liens[cote[parent]].append(Lien(cle.parent.name, parent, cle.column.name))
        choisis = liens["dossier"] or liens["porteur"]
        if choisis:
            accrochees[table.name] = tuple(choisis)
            cote[table.name] = "dossier" if liens["dossier"] else "porteur"
    ordre = tuple(t.name for t in tables if t.name not in JAMAIS_EMPRUNTEES)
    independantes = tuple(n for n in ordre if n not in cote)
    return Plan(accrochees, cote, independantes, ordre)


def table(nom: str) -> Table:
    return Base.metadata.tables[nom]


def cle_de(t: Table, ligne: dict) -> tuple:
    return tuple(ligne[c.name] for c in t.primary_key.columns)


# --- Formes canoniques (comparables, en JSON) ----------------------------------------------------------


def canonique(valeur: Any) -> Any:
    """Une valeur comparable d'une base à l'autre et gardable en JSON (montants en texte exact, dates ISO,
    contenus binaires par leur empreinte SHA-256)."""
    if valeur is None or isinstance(valeur, bool | int | str):
        return valeur
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, dt.datetime | dt.date | dt.time):
        return valeur.isoformat()
    if isinstance(valeur, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(valeur)).hexdigest()
    return str(valeur)


def canonique_ligne(ligne: dict) -> dict:
    return {c: canonique(v) for c, v in ligne.items()}


def cle_json(cle: tuple) -> str:
    return json.dumps([canonique(v) for v in cle], ensure_ascii=False)


# --- Lire des lignes, par lots -------------------------------------------------------------------------


def _lots(valeurs: Iterable) -> Iterable[list]:
    valeurs = sorted({v for v in valeurs if v is not None}, key=repr)
    for debut in range(0, len(valeurs), LOT):
        yield valeurs[debut:debut + LOT]


def lire_par(connexion: Connection, t: Table, colonne: str, valeurs: Iterable) -> list[dict]:
    lignes: list[dict] = []
    for lot in _lots(valeurs):
        lignes.extend(dict(r._mapping) for r in connexion.execute(select(t).where(t.c[colonne].in_(lot))))
    return lignes


def lire_cles(connexion: Connection, t: Table, cles: Iterable[tuple]) -> list[dict]:
    colonnes = list(t.primary_key.columns)
    cles = list(cles)
    if len(colonnes) == 1:
        return lire_par(connexion, t, colonnes[0].name, (c[0] for c in cles))
    lignes: list[dict] = []
    for debut in range(0, len(cles), LOT):
        lot = cles[debut:debut + LOT]
        lignes.extend(dict(r._mapping) for r in connexion.execute(select(t).where(tuple_(*colonnes).in_(lot))))
    return lignes


def lignes_reservees(nom: str, ligne: dict, utilisateur: droits.Utilisateur) -> bool:
    """Les lignes que l'emprunteur ne peut pas lire dans l'application ne partent pas dans son fichier : les avis
    confidentiels des autres, pour qui n'a pas le droit de les lire."""
    return (nom == "avis" and bool(ligne.get("confidentiel")) and not utilisateur.peut("avis.lire_confidentiels")
            and ligne.get("auteur") != utilisateur.identifiant)


def selectionner(connexion: Connection, dossier_ids: Iterable[int], porteur_ids: Iterable[int],
                 utilisateur: droits.Utilisateur, cles_connues: dict[str, set[tuple]] | None = None
                 ) -> dict[str, dict[tuple, dict]]:
    """Les lignes des tables fusionnées : racines, tables accrochées (une requête par table, par lots de
    clés), puis les lignes auxquelles elles renvoient (références) et, au retour, les lignes de l'instantané
    que la sélection n'a pas retrouvées (``cles_connues`` : elles ont pu changer de dossier)."""
    p = plan()
    pris: dict[str, dict[tuple, dict]] = {n: {} for n in p.fusionnees}

    def prendre(nom: str, lignes: Iterable[dict]) -> None:
        t = table(nom)
        for ligne in lignes:
            if not lignes_reservees(nom, ligne, utilisateur):
                pris[nom][cle_de(t, ligne)] = ligne

    prendre("dossier", lire_par(connexion, table("dossier"), "id", dossier_ids))
    porteurs = set(porteur_ids) | {d["porteur_id"] for d in pris["dossier"].values()}
    prendre("porteur", lire_par(connexion, table("porteur"), "id", porteurs))
    for nom in p.fusionnees:
        if nom in RACINES:
            continue
        t = table(nom)
        vues: dict[tuple, dict] = {}
        for lien in p.accrochees[nom]:
            valeurs = {ligne[lien.colonne_parent] for ligne in pris[lien.parent].values()}
            for ligne in lire_par(connexion, t, lien.colonne, valeurs):
                vues[cle_de(t, ligne)] = ligne
        prendre(nom, vues.values())
    for nom, cles in (cles_connues or {}).items():
        manquantes = [c for c in cles if c not in pris.get(nom, {})]
        if manquantes and nom in pris:
            prendre(nom, lire_cles(connexion, table(nom), manquantes))
    _completer_references(connexion, pris)
    return pris


def _completer_references(connexion: Connection, pris: dict[str, dict[tuple, dict]]) -> None:
    """Ajoute les lignes des tables fusionnées auxquelles renvoient les lignes prises, jusqu'à ce qu'il n'en
    manque plus (un dossier renouvelé, son porteur…)."""
    while True:
        manquantes: dict[str, set] = {}
        for nom, lignes in pris.items():
            for cle in table(nom).foreign_keys:
                parent = cle.column.table.name
                if parent not in pris or len(cle.column.table.primary_key.columns) != 1 \
                        or cle.column.name != cle.column.table.primary_key.columns[0].name:
                    continue
                connues = pris[parent]
                for ligne in lignes.values():
                    valeur = ligne[cle.parent.name]
                    if valeur is not None and (valeur,) not in connues:
                        manquantes.setdefault(parent, set()).add(valeur)
        if not manquantes:
            return
        for parent, valeurs in manquantes.items():
            t = table(parent)
            for ligne in lire_par(connexion, t, t.primary_key.columns[0].name, valeurs):
                pris[parent][cle_de(t, ligne)] = ligne


# --- Emprunter -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BilanEmprunt:
    fichier: Path
    cle: str
    emprunt_id: int
    dossiers: tuple[str, ...]  # numéros
    lignes: dict[str, int]  # table → nombre de lignes emportées (tables fusionnées)
    jusqu_au: dt.date
    deja_empruntes: tuple[str, ...]  # « CDV-2027-004 (emprunté par X jusqu'au …) »

    @property
    def pieces(self) -> int:
        return self.lignes.get("piece", 0)


def _utilisateur_json(utilisateur: droits.Utilisateur) -> str:
    donnees = asdict(utilisateur)
    donnees["themes"] = sorted(utilisateur.themes)
    return json.dumps(donnees, ensure_ascii=False)


def verifier_phrase(phrase: str) -> None:
    if len(phrase) < 10:
        raise DonneesInvalides("La phrase de passe doit compter au moins 10 caractères (une phrase de plusieurs "
                               "mots est à la fois plus sûre et plus facile à retenir).")


@ecrit("dossiers.emprunter")
def emprunter(uow: UniteDeTravail, dossier_ids: Iterable[int], fichier: Path, phrase: str, jusqu_au: dt.date, *,
              base_nom: str, base_adresse: str,
              progression: Callable[[str], None] = lambda _m: None) -> BilanEmprunt:
    """Écrit le fichier de travail chiffré des dossiers et note l'emprunt dans la base partagée.

    Le fichier s'écrit à côté sous un nom caché, puis prend son nom une fois la transaction validée par
    l'action ; interrompu, il ne laisse rien."""
    from instruction.db.migrations import TETE

    dossier_ids = sorted(set(dossier_ids))
    if not dossier_ids:
        raise DonneesInvalides("Choisissez au moins un dossier à emprunter.")
    verifier_phrase(phrase)
    if jusqu_au < maintenant().date():
        raise DonneesInvalides("La date de retour prévue est passée : choisissez une date à venir.")
    fichier = Path(fichier).expanduser()
    if fichier.suffix.lower() != travail.SUFFIXE:
        fichier = fichier.with_name(fichier.name + travail.SUFFIXE)
    fichier = fichier.resolve()
    if not fichier.parent.is_dir():
        raise ErreurInstruction(f"Le dossier « {fichier.parent} » n'existe pas.")
    source = uow.session.connection()
    progression("Lecture des dossiers à emprunter…")
    pris = selectionner(source, dossier_ids, (), uow.utilisateur)
    trouves = {d[0] for d in pris["dossier"]}
    absents = [i for i in dossier_ids if i not in trouves]
    if absents:
        raise DonneesInvalides(f"{len(absents)} dossier(s) demandé(s) n'existent plus : rien n'a été emprunté.")
    numeros = tuple(sorted(pris["dossier"][(i,)]["numero"] for i in dossier_ids))
    deja = tuple(f"{n} (emprunté par {e.emprunteur_nom} jusqu'au {e.jusqu_au:%d/%m/%Y})"
                 for n, e in _en_cours(uow, dossier_ids))
    cle = str(uuid.uuid4())
    le = maintenant()
    emprunt = Emprunt(cle=cle, emprunteur=uow.acteur, emprunteur_nom=uow.utilisateur.nom, emprunte_le=le,
                      jusqu_au=jusqu_au, fichier=fichier.name, revision=TETE)
    uow.session.add(emprunt)
    uow.session.flush()
    uow.session.add_all(EmpruntDossier(emprunt_id=emprunt.id, dossier_id=i) for i in dossier_ids)
    # Une ligne d'historique par dossier, écrites d'un coup (un aller-retour, pas un par dossier).
    uow.session.add_all(m.Historique(le=le, acteur=uow.acteur, objet="dossier", action="emprunté pour le travail "
                                     "hors ligne", dossier_id=i, champ="Emprunté jusqu'au", ancien=None,
                                     nouveau=f"{jusqu_au:%d/%m/%Y} ({uow.utilisateur.nom})") for i in dossier_ids)
    uow.session.flush()
    porteurs = {k[0] for k in pris["porteur"]}
    lignes_historique = [dict(r._mapping) for r in source.execute(
        select(m.Historique.__table__).where(
            m.Historique.dossier_id.in_(dossier_ids) | m.Historique.porteur_id.in_(sorted(porteurs))))]
    creer_dossier(fichier.parent)
    sel = travail.nouveau_sel()
    cle_chiffrement = travail.deriver_cle(phrase, sel)
    with temporaire_a_cote(fichier) as temporaire:
        moteur = travail.moteur(temporaire, cle_chiffrement, sel)
        try:
            progression("Création du fichier de travail chiffré…")
            travail.creer_schema_chiffre(moteur)
            with moteur.begin() as destination:
                travail.TRAVAIL.create_all(destination)
                destination.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
                progression("Recopie du référentiel…")
                for nom in plan().ordre:
                    t = table(nom)
                    if nom in pris:
                        lignes = list(pris[nom].values())
                    else:
                        lignes = [dict(r._mapping) for r in source.execute(select(t))]
                    for (nom_t, colonne), valeur in COLONNES_MASQUEES.items():
                        if nom_t == nom:
                            lignes = [{**ligne, colonne: valeur} for ligne in lignes]
                    if lignes:
                        destination.execute(insert(t), lignes)
                if lignes_historique:
                    destination.execute(insert(m.Historique.__table__), lignes_historique)
                progression("Instantané de l'emprunt…")
                instantane = [{"nom_table": nom, "cle": cle_json(k), "valeurs": json.dumps(
                    canonique_ligne(ligne), ensure_ascii=False)} for nom, lignes in pris.items()
                    for k, ligne in lignes.items()]
                if instantane:
                    destination.execute(insert(travail.travail_ligne), instantane)
                destination.execute(insert(travail.travail_emprunt), [{
                    "cle": cle, "emprunt_id": emprunt.id, "base_nom": base_nom, "base_adresse": base_adresse,
                    "emprunteur": uow.acteur, "emprunteur_json": _utilisateur_json(uow.utilisateur),
                    "emprunte_le": le, "jusqu_au": jusqu_au, "revision": TETE, "dossiers": json.dumps(dossier_ids),
                    "historique_dernier": max((h["id"] for h in lignes_historique), default=0)}])
                rompues = destination.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if rompues:
                    raise ErreurInstruction("Le fichier de travail aurait des références cassées : il n'a pas "
                                            "été écrit.", detail=repr(rompues[:10]))
        finally:
            moteur.dispose()
        remplacer(temporaire, fichier)
    comptes = {nom: len(lignes) for nom, lignes in pris.items() if lignes}
    return BilanEmprunt(fichier, cle, emprunt.id, numeros, comptes, jusqu_au, deja)


# --- Ce que voit le bureau -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmpruntEnCours:
    emprunt_id: int
    emprunteur: str
    emprunteur_nom: str
    emprunte_le: dt.datetime
    jusqu_au: dt.date

    @property
    def libelle(self) -> str:
        return f"Emprunté par {self.emprunteur_nom} jusqu'au {self.jusqu_au:%d/%m/%Y}"


def _en_cours(uow: UniteDeTravail, dossier_ids: Iterable[int] | None = None) -> list[tuple[Any, Any]]:
    requete = (select(m.Dossier.numero, Emprunt).join(EmpruntDossier, EmpruntDossier.dossier_id == m.Dossier.id)
               .join(Emprunt, Emprunt.id == EmpruntDossier.emprunt_id).where(Emprunt.rendu_le.is_(None)))
    if dossier_ids is not None:
        requete = requete.where(m.Dossier.id.in_(list(dossier_ids)))
    return [(n, e) for n, e in uow.session.execute(requete)]


def en_cours(uow: UniteDeTravail, dossier_ids: Iterable[int] | None = None) -> dict[int, EmpruntEnCours]:
    """Les dossiers empruntés en ce moment (une requête) : dossier → qui, jusqu'à quand (le plus tardif) ;
    ``dossier_ids`` : parmi ceux-là seulement (l'ouverture d'un dossier)."""
    requete = (select(EmpruntDossier.dossier_id, Emprunt).join(Emprunt, Emprunt.id == EmpruntDossier.emprunt_id)
               .where(Emprunt.rendu_le.is_(None)).order_by(Emprunt.jusqu_au))
    if dossier_ids is not None:
        requete = requete.where(EmpruntDossier.dossier_id.in_(list(dossier_ids)))
    return {dossier_id: EmpruntEnCours(e.id, e.emprunteur, e.emprunteur_nom, e.emprunte_le, e.jusqu_au)
            for dossier_id, e in uow.session.execute(requete)}

