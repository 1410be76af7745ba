"""Sauvegarder et restaurer une base, à chaud et de façon cohérente.

Le format d'une sauvegarde est toujours un fichier SQLite au schéma d'Instruction :

* base SQLite : l'API de sauvegarde de SQLite copie une image cohérente même si
  d'autres postes écrivent pendant la copie (ce n'est pas une copie brute du fichier) ;
* base PostgreSQL : toutes les tables sont lues dans une seule transaction
  ``REPEATABLE READ`` (un instantané cohérent) et écrites dans un fichier SQLite.

La restauration vérifie d'abord le fichier (intégrité, schéma connu), le met au
schéma courant sur une copie temporaire si besoin, sauvegarde la base actuelle,
puis remplace son contenu en une seule transaction.
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

from sqlalchemy import Engine, create_engine, delete, insert, select, text

from instruction.chemins import dossier_donnees, dossier_sauvegardes_automatiques
from instruction.db.base import Base
from instruction.db.connexion import ERREURS_DE_BASE, affichable, creer_moteur, fichier_sqlite, traduire
from instruction.erreurs import BaseTropRecente, ErreurInstruction, PasUneBase, SchemaPasAJour

journal = logging.getLogger(__name__)

_LOT = 2000


@dataclass(frozen=True)
class Restauration:
    fichier: Path
    revision_fichier: str
    copie_de_securite: Path | None


def copier_sqlite(source: Path, cible: Path) -> None:
    """Copie cohérente d'un fichier SQLite vers ``cible`` (écrit à côté puis renommé)."""
    cible.parent.mkdir(parents=True, exist_ok=True)
    temporaire = cible.with_name(cible.name + ".partiel")
    temporaire.unlink(missing_ok=True)
    origine = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(temporaire)
        try:
            origine.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
    finally:
        origine.close()
    os.replace(temporaire, cible)


def sauvegarder(moteur: Engine, cible: Path) -> Path:
    """Écrit une sauvegarde cohérente de la base dans le fichier ``cible``."""
    from instruction.db.migrations import TETE
    from instruction.db.schema import examiner

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
            copier_sqlite(fichier, cible)
            return cible
        with moteur.connect() as source:
            source = source.execution_options(isolation_level="REPEATABLE READ")
            with source.begin():
                revision = examiner(source).revision
                if revision != TETE:
                    raise SchemaPasAJour(
                        "La base n'est pas au schéma de cette version : ouvrez-la une fois avec "
                        "l'application pour la mettre à jour, puis sauvegardez."
                    )
                _ecrire_fichier(source, cible, revision)
        return cible
    except ErreurInstruction:
        raise
    except ERREURS_DE_BASE as erreur:
        raise traduire(erreur, moteur.url.render_as_string(hide_password=False)) from erreur


def _ecrire_fichier(source, cible: Path, revision: str) -> None:
    temporaire = cible.with_name(cible.name + ".partiel")
    temporaire.unlink(missing_ok=True)
    moteur_fichier = creer_moteur(f"sqlite:///{temporaire}")
    try:
        with moteur_fichier.begin() as destination:
            Base.metadata.create_all(destination)
            destination.exec_driver_sql("create table alembic_version (version_num varchar(32) primary key)")
            destination.exec_driver_sql("insert into alembic_version values (?)", (revision,))
            copier_tables(source, destination)
            proteger_historique(destination)
        with moteur_fichier.connect() as destination:
            destination.connection.driver_connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        moteur_fichier.dispose()
    os.replace(temporaire, cible)


MESSAGE_HISTORIQUE = "l'historique est en ajout seul : on n'en modifie ni n'en efface une ligne"


def proteger_historique(destination) -> None:
    """Une copie SQLite faite depuis PostgreSQL (par ``create_all``, sans les migrations) reçoit les mêmes
    déclencheurs que la migration 0005 : restaurée, elle garde son historique en ajout seul."""
    message = MESSAGE_HISTORIQUE.replace("'", "''")
    for evenement in ("update", "delete"):
        destination.exec_driver_sql(
            f"create trigger if not exists historique_sans_{evenement} before {evenement} on historique "
            f"begin select raise(abort, '{message}'); end")


def copier_tables(source, destination) -> None:
    """Recopie chaque table du schéma, parents d'abord, par lots."""
    for table in Base.metadata.sorted_tables:
        resultat = source.execution_options(yield_per=_LOT).execute(select(table))
        for lot in resultat.partitions(_LOT):
            destination.execute(insert(table), [dict(ligne._mapping) for ligne in lot])


def verifier_fichier(fichier: Path) -> str:
    """Contrôle qu'un fichier est une sauvegarde Instruction intacte ; rend sa révision."""
    from instruction.db.schema import revisions_connues

    fichier = Path(fichier).expanduser()
    if not fichier.is_file():
        raise ErreurInstruction(f"Le fichier « {fichier} » n'existe pas.")
    try:
        connexion = sqlite3.connect(f"file:{fichier}?mode=ro", uri=True)
        try:
            integrite = connexion.execute("PRAGMA integrity_check").fetchone()[0]
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
    if integrite != "ok":
        raise PasUneBase(f"La sauvegarde « {fichier} » est endommagée.", detail=integrite)
    if revision is None:
        raise PasUneBase(f"« {fichier} » n'est pas une sauvegarde d'Instruction (aucun schéma reconnu).")
    _tete, connues = revisions_connues()
    if revision not in connues:
        raise BaseTropRecente(
            f"La sauvegarde « {fichier} » vient d'une version plus récente d'Instruction "
            f"(schéma « {revision} ») : installez la dernière version pour la restaurer."
        )
    return revision


def restaurer(moteur: Engine, fichier: Path) -> Restauration:
    """Remplace le contenu de la base par celui de la sauvegarde ``fichier``.

    Rien n'est modifié si le fichier est refusé. La base actuelle est d'abord
    sauvegardée (copie de sécurité) ; le remplacement est une seule transaction.
    """
    from instruction.db.migrations import TETE
    from instruction.db.schema import examiner, preparer

    fichier = Path(fichier).expanduser().resolve()
    revision = verifier_fichier(fichier)
    with tempfile.TemporaryDirectory(prefix="instruction-restauration-") as dossier:
        travail = Path(dossier) / "sauvegarde.sqlite"
        shutil.copyfile(fichier, travail)
        if revision != TETE:
            moteur_travail = creer_moteur(f"sqlite:///{travail}")
            try:
                preparer(moteur_travail, sauvegarder=False)
            finally:
                moteur_travail.dispose()
        securite = _copie_de_securite(moteur)
        cible = fichier_sqlite(moteur.url)
        try:
            if cible is not None:
                _restaurer_sqlite(travail, cible)
            else:
                moteur_travail = create_engine(f"sqlite:///{travail}")
                try:
                    with moteur_travail.connect() as source, moteur.begin() as destination:
                        if examiner(destination).revision not in (None, TETE):
                            raise SchemaPasAJour(
                                "La base cible n'est pas au schéma de cette version : ouvrez-la une "
                                "fois avec l'application pour la mettre à jour."
                            )
                        _remplacer_contenu(source, destination)
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
    source = sqlite3.connect(travail)
    try:
        destination = sqlite3.connect(cible, timeout=15)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _remplacer_contenu(source, destination) -> None:
    from instruction.db.schema import examiner

    if examiner(destination).revision is None:
        raise SchemaPasAJour("La base cible n'a pas encore de schéma : ouvrez-la une fois avec l'application.")
    postgresql = destination.dialect.name == "postgresql"
    if postgresql:
        # Restaurer remplace toute la base, historique compris (par celui de la sauvegarde) : le temps de
        # cette transaction, le déclencheur qui protège l'historique est suspendu.
        destination.execute(text("alter table historique disable trigger historique_sans_modification"))
    for table in reversed(Base.metadata.sorted_tables):
        destination.execute(delete(table))
    copier_tables(source, destination)
    if postgresql:
        destination.execute(text("alter table historique enable trigger historique_sans_modification"))
    if destination.dialect.name == "postgresql":
        for table in Base.metadata.sorted_tables:
            colonnes = [c for c in table.primary_key.columns if c.autoincrement is True or (
                c.autoincrement == "auto" and c.type._type_affinity is int and len(table.primary_key.columns) == 1)]
            for colonne in colonnes:
                destination.execute(
                    text(
                        f"select setval(pg_get_serial_sequence('{table.name}', '{colonne.name}'), "
                        f"coalesce((select max({colonne.name}) from {table.name}), 0) + 1, false)"
                    )
                )


def _copie_de_securite(moteur: Engine) -> Path | None:
    """Sauvegarde la base actuelle avant de la remplacer (si elle contient quelque chose)."""
    from instruction.db.schema import examiner

    fichier = fichier_sqlite(moteur.url)
    try:
        with moteur.connect() as connexion:
            etat = examiner(connexion)
    except ERREURS_DE_BASE as erreur:
        raise traduire(erreur, moteur.url.render_as_string(hide_password=False)) from erreur
    if etat.vide:
        return None
    horodatage = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dossier = dossier_sauvegardes_automatiques(fichier) if fichier else dossier_donnees() / "sauvegardes"
    dossier.mkdir(parents=True, exist_ok=True)
    return sauvegarder(moteur, dossier / f"instruction-{horodatage}-avant-restauration.sqlite")
