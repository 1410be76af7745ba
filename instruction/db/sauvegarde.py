"""Sauvegarder et restaurer une base, à chaud et de façon cohérente.

Le format d'une sauvegarde est toujours un fichier SQLite au schéma d'Instruction :

* base SQLite : l'API de sauvegarde de SQLite copie une image cohérente même si
  d'autres postes écrivent pendant la copie (ce n'est pas une copie brute du fichier) ;
* base PostgreSQL : toutes les tables sont lues dans une seule transaction
  ``REPEATABLE READ`` en lecture seule (un instantané cohérent) et écrites dans un fichier SQLite
  créé par les migrations (le même schéma, déclencheurs compris, qu'une base SQLite de l'application).

L'ordre physique des lignes n'importe pas : les tables sont recopiées parents d'abord, et une table qui
se cite elle-même (``dossier.renouvelle_id``, ``quartier.parent_code``) est recopiée en deux temps — ses
lignes sans leurs renvois, puis les renvois —, ce qui vaut aussi pour des renvois croisés.

Avant d'être déclarée réussie, une copie ou une restauration est contrôlée : aucune référence cassée
(``PRAGMA foreign_key_check``, ou une requête par clé étrangère sous PostgreSQL) et l'historique toujours
en ajout seul (``integrite``). Une sauvegarde s'écrit dans un fichier temporaire du même dossier, mis en
place d'un coup une fois contrôlé : interrompue, elle ne laisse rien derrière elle.

La restauration vérifie d'abord le fichier (intégrité, schéma connu, références, historique protégé), le
met au schéma courant sur une copie de travail si besoin, sauvegarde la base actuelle, puis remplace son
contenu en une seule transaction ; sous PostgreSQL, les séquences des identifiants sont ensuite recalées
sur les plus grands identifiants restaurés (sinon la prochaine création réutiliserait l'identifiant 1).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, text, update

from instruction.chemins import dossier_donnees, dossier_sauvegardes_automatiques
from instruction.db import integrite
from instruction.db.base import Base
from instruction.db.connexion import ERREURS_DE_BASE, LECTURE, affichable, creer_moteur, fichier_sqlite, traduire
from instruction.db.fichiers import copier_sqlite, creer_dossier, remplacer, rendre_prive, temporaire_a_cote, uri_sqlite
from instruction.db.migrations import TETE
from instruction.db.schema import creer_schema, examiner, preparer, revisions_connues
from instruction.domaine.erreurs import BaseTropRecente, ErreurInstruction, PasUneBase, SchemaPasAJour

journal = logging.getLogger(__name__)

_LOT = 2000


@dataclass(frozen=True)
class Restauration:
    fichier: Path
    revision_fichier: str
    copie_de_securite: Path | None


# --- Sauvegarder ---------------------------------------------------------------------------------


def sauvegarder(moteur: Engine, cible: Path) -> Path:
    """Écrit une sauvegarde cohérente et contrôlée de la base dans le fichier ``cible``."""
    cible = Path(cible).expanduser().resolve()
    if cible.exists() and cible.is_dir():
        horodatage = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        cible = cible / f"instruction-{horodatage}.sqlite"
    if not cible.parent.is_dir():
        raise ErreurInstruction(f"Le dossier « {cible.parent} » n'existe pas.")
    if not os.access(cible.parent, os.W_OK):
        raise ErreurInstruction(f"Le dossier « {cible.parent} » n'est pas accessible en écriture.")
    fichier = fichier_sqlite(moteur.url)
    try:
        if fichier is not None:
            if fichier.resolve() == cible:
                raise ErreurInstruction("La sauvegarde ne peut pas remplacer la base elle-même.")
            copier_sqlite(fichier, cible, controler=_controler_sauvegarde)
            return cible
        with moteur.connect() as source:
            source = source.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with source.begin():
                revision = examiner(source).revision
                if revision != TETE:
                    raise SchemaPasAJour(
                        "La base n'est pas au schéma de cette version : ouvrez-la une fois avec "
                        "l'application pour la mettre à jour, puis sauvegardez."
                    )
                _ecrire_fichier(source, cible)
        return cible
    except ErreurInstruction:
        raise
    except ERREURS_DE_BASE as erreur:
        raise traduire(erreur, moteur.url.render_as_string(hide_password=False)) from erreur


def _ecrire_fichier(source: Connection, cible: Path) -> None:
    """Recopie la base PostgreSQL lue par ``source`` dans un fichier SQLite neuf, mis en place à la fin."""
    with temporaire_a_cote(cible) as temporaire:
        moteur_fichier = creer_moteur(f"sqlite:///{temporaire}")
        try:
            with moteur_fichier.begin() as destination:
                creer_schema(destination)
                # Les références sont contrôlées toutes ensemble à la fin de la transaction, pas ligne à ligne.
                destination.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
                copier_tables(source, destination)
                _exiger(destination, "La sauvegarde n'a pas été écrite : la copie")
            with moteur_fichier.connect() as destination:
                destination.connection.driver_connection.execute("PRAGMA journal_mode = DELETE")
        finally:
            moteur_fichier.dispose()
        remplacer(temporaire, cible)


def _controler_sauvegarde(copie: Path) -> None:
    """La copie d'une base SQLite, avant qu'elle ne prenne le nom de la sauvegarde."""
    _controler_fichier(copie, "La sauvegarde n'a pas été écrite : la base")


def copier_tables(source: Connection, destination: Connection) -> None:
    """Recopie chaque table du schéma, parents d'abord, par lots, dans l'ordre des clés primaires.

    Les colonnes qui renvoient à la même table sont écrites vides, puis remplies une fois toutes les lignes
    de la table en place : l'ordre des lignes n'a plus d'importance (un dossier peut renouveler un dossier
    enregistré après lui, ou deux dossiers se citer l'un l'autre)."""
    for table in Base.metadata.sorted_tables:
        renvois = [colonne for contrainte in table.foreign_key_constraints
                   if contrainte.referred_table is table for colonne in contrainte.columns]
        cle = list(table.primary_key.columns)
        a_remplir: list[dict] = []
        resultat = source.execute(select(table).order_by(*cle).execution_options(yield_per=_LOT))
        for lot in resultat.partitions(_LOT):
            lignes = [dict(ligne._mapping) for ligne in lot]
            for ligne in lignes if renvois else ():
                if any(ligne[c.key] is not None for c in renvois):
                    a_remplir.append({**{f"cle_{c.key}": ligne[c.key] for c in cle},
                                      **{f"valeur_{c.key}": ligne[c.key] for c in renvois}})
                    ligne.update({c.key: None for c in renvois})
            destination.execute(insert(table), lignes)
        if a_remplir:
            destination.execute(
                update(table)
                .where(*(c == bindparam(f"cle_{c.key}") for c in cle))
                .values({c.key: bindparam(f"valeur_{c.key}") for c in renvois}),
                a_remplir,
            )


# --- Contrôles -----------------------------------------------------------------------------------


def _problemes(connexion: Connection) -> tuple[list[str], list[str]]:
    return integrite.references_cassees(connexion), integrite.historique_non_protege(connexion)


def _exiger(connexion: Connection, debut: str) -> None:
    references, historique = _problemes(connexion)
    if references:
        raise ErreurInstruction(f"{debut} aurait des références cassées.", detail=integrite.resume(references))
    if historique:
        raise ErreurInstruction(f"{debut} n'aurait plus son historique protégé.", detail=integrite.resume(historique))


def _controler_fichier(chemin: Path, debut: str) -> None:
    moteur = creer_moteur(f"sqlite:///{chemin}", lecture_seule=True)
    try:
        with moteur.connect() as connexion:
            _exiger(connexion, debut)
    finally:
        moteur.dispose()


def verifier_fichier(fichier: Path) -> str:
    """Contrôle qu'un fichier est une sauvegarde Instruction intacte ; rend sa révision."""
    fichier = Path(fichier).expanduser()
    if not fichier.is_file():
        raise ErreurInstruction(f"Le fichier « {fichier} » n'existe pas.")
    try:
        connexion = sqlite3.connect(uri_sqlite(fichier, mode="ro"), uri=True)
        try:
            integrite_ = connexion.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {n for (n,) in connexion.execute("select name from sqlite_master where type='table'")}
            revision = None
            if "alembic_version" in tables:
                revision = connexion.execute("select version_num from alembic_version").fetchone()[0]
        finally:
            connexion.close()
    except sqlite3.DatabaseError as erreur:
        raise PasUneBase(
            f"« {fichier} » n'est pas une sauvegarde d'Instruction (ce n'est pas une base SQLite lisible).",
            detail=str(erreur),
        ) from None
    if integrite_ != "ok":
        raise PasUneBase(f"La sauvegarde « {fichier} » est endommagée.", detail=integrite_)
    if revision is None:
        raise PasUneBase(f"« {fichier} » n'est pas une sauvegarde d'Instruction (aucun schéma reconnu).")
    _tete, connues = revisions_connues()
    if revision not in connues:
        raise BaseTropRecente(
            f"La sauvegarde « {fichier} » vient d'une version plus récente d'Instruction "
            f"(schéma « {revision} ») : installez la dernière version pour la restaurer."
        )
    return revision


def _controler_travail(travail: Path, fichier: Path) -> None:
    """La copie de travail de la sauvegarde (au schéma courant) : références et historique intacts."""
    moteur = creer_moteur(f"sqlite:///{travail}", lecture_seule=True)
    try:
        with moteur.connect() as connexion:
            references, historique = _problemes(connexion)
    finally:
        moteur.dispose()
    if references:
        raise PasUneBase(
            f"La sauvegarde « {fichier} » a des références cassées (des lignes renvoient à des fiches "
            "absentes) : elle n'est pas restaurée, la base n'a pas été modifiée.",
            detail=integrite.resume(references))
    if historique:
        raise PasUneBase(
            f"Dans la sauvegarde « {fichier} », l'historique n'est plus protégé (il a pu être réécrit) : "
            "elle n'est pas restaurée, la base n'a pas été modifiée.",
            detail=integrite.resume(historique))


# --- Restaurer -----------------------------------------------------------------------------------


def restaurer(moteur: Engine, fichier: Path) -> Restauration:
    """Remplace le contenu de la base par celui de la sauvegarde ``fichier``.

    Rien n'est modifié si le fichier est refusé. La base actuelle est d'abord
    sauvegardée (copie de sécurité) ; le remplacement est une seule transaction.
    """
    fichier = Path(fichier).expanduser().resolve()
    revision = verifier_fichier(fichier)
    with tempfile.TemporaryDirectory(prefix="instruction-restauration-") as dossier:
        travail = Path(dossier) / "sauvegarde.sqlite"
        shutil.copyfile(fichier, travail)
        rendre_prive(travail)
        if revision != TETE:
            moteur_travail = creer_moteur(f"sqlite:///{travail}")
            try:
                preparer(moteur_travail, sauvegarder=False)
            finally:
                moteur_travail.dispose()
        _controler_travail(travail, fichier)
        securite = _copie_de_securite(moteur)
        cible = fichier_sqlite(moteur.url)
        try:
            if cible is not None:
                moteur.dispose()
                _restaurer_sqlite(travail, cible)
                _controler_restauree(moteur, securite)
            else:
                moteur_travail = creer_moteur(f"sqlite:///{travail}", lecture_seule=True)
                try:
                    with moteur_travail.connect() as source, moteur.begin() as destination:
                        if examiner(destination).revision != TETE:
                            raise SchemaPasAJour(
                                "La base cible n'est pas au schéma de cette version : ouvrez-la une "
                                "fois avec l'application pour la mettre à jour."
                            )
                        _remplacer_contenu_postgresql(source, destination)
                finally:
                    moteur_travail.dispose()
        except ErreurInstruction:
            raise
        except ERREURS_DE_BASE as erreur:
            raise traduire(erreur, moteur.url.render_as_string(hide_password=False)) from erreur
    moteur.dispose()
    journal.info("Base %s restaurée depuis %s", affichable(moteur.url), fichier)
    return Restauration(fichier, revision, securite)


def _restaurer_sqlite(travail: Path, cible: Path) -> None:
    source = sqlite3.connect(uri_sqlite(travail, mode="ro"), uri=True)
    try:
        destination = sqlite3.connect(cible, timeout=15)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _controler_restauree(moteur: Engine, securite: Path | None) -> None:
    with moteur.connect().execution_options(**{LECTURE: True}) as connexion:
        references, historique = _problemes(connexion)
        connexion.rollback()
    if references or historique:
        recours = (f"restaurez la copie de sécurité « {securite} »." if securite
                   else "restaurez une autre sauvegarde.")
        raise ErreurInstruction(
            "La base restaurée ne passe pas le contrôle (références ou historique) : n'y travaillez pas et "
            + recours, detail=integrite.resume(references + historique))


def _remplacer_contenu_postgresql(source: Connection, destination: Connection) -> None:
    """Vide puis remplit la base PostgreSQL, recale ses séquences et la contrôle, dans la transaction de
    ``destination`` : une erreur ou un contrôle en échec annule tout."""
    # Restaurer remplace toute la base, historique compris (par celui de la sauvegarde) : le temps de
    # cette transaction, ses déclencheurs sont suspendus ; ils sont rétablis (et contrôlés) avant la fin.
    destination.execute(text("alter table historique disable trigger user"))
    for table in reversed(Base.metadata.sorted_tables):
        destination.execute(delete(table))
    copier_tables(source, destination)
    destination.execute(text("alter table historique enable trigger user"))
    recaler_sequences(destination)
    _exiger(destination, "La restauration a été annulée : la base")


def recaler_sequences(connexion: Connection) -> int:
    """Chaque séquence d'identifiants (``serial`` ou ``identity``) de PostgreSQL repart après le plus grand
    identifiant de sa table ; rend le nombre de séquences recalées."""
    colonnes = connexion.exec_driver_sql(
        "select c.relname, a.attname, "
        "pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) "
        "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "join pg_attribute a on a.attrelid = c.oid "
        "where c.relkind in ('r', 'p') and n.nspname = current_schema() and a.attnum > 0 and not a.attisdropped"
    ).fetchall()
    recalees = 0
    for table, colonne, sequence in colonnes:
        if sequence is None:
            continue
        table_sql, colonne_sql = ('"' + nom.replace('"', '""') + '"' for nom in (table, colonne))
        connexion.execute(
            text(f"select setval(:sequence, coalesce((select max({colonne_sql}) from {table_sql}), 0) + 1, false)"),
            {"sequence": sequence},
        )
        recalees += 1
    return recalees


def _copie_de_securite(moteur: Engine) -> Path | None:
    """Sauvegarde la base actuelle avant de la remplacer (si elle contient quelque chose)."""
    fichier = fichier_sqlite(moteur.url)
    try:
        with moteur.connect() as connexion:
            etat = examiner(connexion)
            connexion.rollback()
    except ERREURS_DE_BASE as erreur:
        raise traduire(erreur, moteur.url.render_as_string(hide_password=False)) from erreur
    if etat.vide:
        return None
    horodatage = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dossier = dossier_sauvegardes_automatiques(fichier) if fichier else dossier_donnees() / "sauvegardes"
    creer_dossier(dossier)
    return sauvegarder(moteur, dossier / f"instruction-{horodatage}-avant-restauration.sqlite")
