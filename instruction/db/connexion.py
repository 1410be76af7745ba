"""Le moteur SQLAlchemy : une URL choisit la base, les erreurs sont dites en français.

SQLite (par défaut) : clés étrangères actives, journal WAL, attente de 15 s quand
un autre processus écrit, et des transactions explicites (``BEGIN IMMEDIATE``) pour
que le DDL des migrations soit annulable comme le reste.
PostgreSQL : ``postgresql://…`` ou ``postgresql+psycopg://…`` (psycopg 3).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from instruction.chemins import fichier_base_par_defaut
from instruction.erreurs import BaseInaccessible, ErreurInstruction, PasUneBase

VARIABLE_URL = "INSTRUCTION_DATABASE_URL"
# Les erreurs qui viennent de la base ou du système de fichiers, traduites pour l'utilisateur ;
# toute autre exception est un défaut du programme et remonte telle quelle (avec sa trace).
ERREURS_DE_BASE = (exc.SQLAlchemyError, sqlite3.Error, OSError)
ATTENTE_VERROU_SECONDES = 15
DELAI_CONNEXION_SECONDES = 5


def url_par_defaut() -> str:
    return f"sqlite:///{fichier_base_par_defaut()}"


def resoudre_url(option: str | None = None) -> str:
    """L'option ``--database`` d'abord, puis la variable d'environnement, puis le fichier par défaut."""
    return option or os.environ.get(VARIABLE_URL) or url_par_defaut()


def normaliser(url: str) -> URL:
    try:
        resultat = make_url(url)
    except exc.ArgumentError:
        raise BaseInaccessible(
            f"« {url} » n'est pas une adresse de base de données. Exemples : "
            "sqlite:///C:/chemin/instruction.sqlite ou postgresql://utilisateur@serveur/base"
        ) from None
    if resultat.drivername in ("postgresql", "postgres"):
        resultat = resultat.set(drivername="postgresql+psycopg")
    if resultat.get_backend_name() not in ("sqlite", "postgresql"):
        raise BaseInaccessible(
            f"Type de base non pris en charge : {resultat.get_backend_name()}. "
            "Instruction fonctionne avec SQLite ou PostgreSQL."
        )
    return resultat


def affichable(url: URL | str) -> str:
    """L'URL sans mot de passe, pour les messages et le journal."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except exc.ArgumentError:
            return "(adresse illisible)"
    return url.render_as_string(hide_password=True)


def fichier_sqlite(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def creer_moteur(url_texte: str, **options) -> Engine:
    url = normaliser(url_texte)
    if url.get_backend_name() == "sqlite":
        return _moteur_sqlite(url, **options)
    return create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,  # ni valeurs saisies ni empreintes de mots de passe dans un journal ou un message
        connect_args={"connect_timeout": DELAI_CONNEXION_SECONDES, "application_name": "instruction"},
        **options,
    )


def _moteur_sqlite(url: URL, **options) -> Engine:
    fichier = fichier_sqlite(url)
    if fichier is not None:
        _preparer_dossier(fichier.parent)
    moteur = create_engine(
        url,
        hide_parameters=True,
        connect_args={"timeout": ATTENTE_VERROU_SECONDES, "check_same_thread": False},
        **options,
    )

    @event.listens_for(moteur, "connect")
    def _a_la_connexion(connexion_dbapi, _enregistrement):
        # Le module sqlite3 gère mal les transactions (il n'ouvre pas de transaction
        # avant le DDL) : on les ouvre nous-mêmes à l'événement « begin ».
        connexion_dbapi.isolation_level = None
        curseur = connexion_dbapi.cursor()
        curseur.execute("PRAGMA foreign_keys = ON")
        curseur.execute(f"PRAGMA busy_timeout = {ATTENTE_VERROU_SECONDES * 1000}")
        if fichier is not None:
            curseur.execute("PRAGMA journal_mode = WAL")
            curseur.execute("PRAGMA synchronous = NORMAL")
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _au_debut(connexion):
        # IMMEDIATE : la transaction réserve l'écriture dès le début. Sinon, une transaction qui
        # lit puis écrit échoue aussitôt (« database is locked ») si un autre poste a écrit
        # entre-temps, sans profiter de l'attente de 15 s. Les lectures restent possibles (WAL).
        connexion.exec_driver_sql("BEGIN IMMEDIATE")

    return moteur


def _preparer_dossier(dossier: Path) -> None:
    try:
        dossier.mkdir(parents=True, exist_ok=True)
    except OSError as erreur:
        raise BaseInaccessible(
            f"Impossible de créer le dossier « {dossier} » pour la base de données : "
            f"{erreur.strerror or erreur}. Choisissez un autre emplacement avec --database.",
            detail=repr(erreur),
        ) from None
    if not os.access(dossier, os.W_OK | os.X_OK):
        raise BaseInaccessible(
            f"Le dossier « {dossier} » n'est pas accessible en écriture : Instruction ne peut pas "
            "y créer ni y modifier la base. Demandez les droits d'écriture ou choisissez un autre "
            "emplacement avec --database."
        )


def traduire(erreur: BaseException, url: str) -> ErreurInstruction:
    """Transforme une erreur du pilote en message compréhensible par un instructeur."""
    if isinstance(erreur, ErreurInstruction):
        return erreur
    texte = str(getattr(erreur, "orig", None) or erreur)
    bas = texte.lower()
    ou = affichable(url)
    if "file is not a database" in bas or "not a database" in bas or "malformed" in bas:
        return PasUneBase(
            f"Le fichier de {ou} n'est pas une base de données Instruction (ou il est endommagé). "
            "Il n'a pas été modifié. Vérifiez le chemin, ou restaurez une sauvegarde.",
            detail=texte,
        )
    if "readonly" in bas or "read-only" in bas or "unable to open database file" in bas:
        return BaseInaccessible(
            f"Impossible d'ouvrir ou d'écrire la base {ou} : le fichier ou son dossier n'est pas "
            "accessible en écriture. Demandez les droits d'écriture ou choisissez un autre emplacement.",
            detail=texte,
        )
    if "database is locked" in bas:
        return BaseInaccessible(
            "La base est occupée par un autre programme depuis plus de "
            f"{ATTENTE_VERROU_SECONDES} secondes. Réessayez dans un instant.",
            detail=texte,
        )
    if "password authentication failed" in bas or "authentification par mot de passe" in bas:
        return BaseInaccessible(
            f"Le serveur {ou} a refusé l'identifiant ou le mot de passe.", detail=texte
        )
    if "does not exist" in bas and "database" in bas:
        return BaseInaccessible(
            f"La base demandée n'existe pas sur le serveur ({ou}). Demandez à l'administrateur de la créer.",
            detail=texte,
        )
    if isinstance(erreur, exc.OperationalError | exc.InterfaceError) or "connection" in bas:
        return BaseInaccessible(
            f"Le serveur de base de données {ou} ne répond pas. Vérifiez le réseau, l'adresse "
            "et que le serveur est démarré, puis réessayez.",
            detail=texte,
        )
    return ErreurInstruction(f"Erreur de base de données ({ou}).", detail=texte)
