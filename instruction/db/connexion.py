"""Le moteur SQLAlchemy : une URL choisit la base, les erreurs sont dites en français.

SQLite (par défaut) : clés étrangères actives, journal WAL, attente de 15 s quand
un autre processus écrit, et des transactions explicites (``BEGIN IMMEDIATE`` pour écrire, ``BEGIN``
pour lire, voir ``pour_lire``) pour que le DDL des migrations soit annulable comme le reste. Un fichier
neuf n'est lisible que par son propriétaire ; un fichier qui n'est pas une base Instruction n'est
jamais modifié (ni passé en WAL).
PostgreSQL : ``postgresql://…`` ou ``postgresql+psycopg://…`` (psycopg 3).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from instruction.chemins import fichier_base_par_defaut
from instruction.db.fichiers import creer_dossier, rendre_prive, uri_sqlite
from instruction.domaine.erreurs import (
    BaseEnLectureSeule,
    BaseInaccessible,
    BaseOccupee,
    ConnexionPerdue,
    Doublon,
    DroitsInsuffisants,
    ErreurInstruction,
    EspaceInsuffisant,
    FicheLieeDisparue,
    PasUneBase,
    ValeurRefusee,
)

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


# Option d'exécution d'une transaction qui ne fait que lire (``pour_lire``).
LECTURE = "instruction_lecture"


def creer_moteur(url_texte: str, *, lecture_seule: bool = False, **options) -> Engine:
    """Le moteur de la base. ``lecture_seule`` : rien ne peut y être écrit (un fichier SQLite est ouvert en
    lecture seule, sans même passer son journal en WAL ; une base PostgreSQL en transactions ``READ ONLY``)."""
    url = normaliser(url_texte)
    if url.get_backend_name() == "sqlite":
        return _moteur_sqlite(url, lecture_seule=lecture_seule, **options)
    moteur = create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,  # ni valeurs saisies ni empreintes de mots de passe dans un journal ou un message
        connect_args={"connect_timeout": DELAI_CONNEXION_SECONDES, "application_name": "instruction",
                      # comme SQLite : une fiche verrouillée par un autre poste est attendue 15 s, pas
                      # indéfiniment ; au-delà, « réessayez » (traduire)
                      "options": f"-c lock_timeout={ATTENTE_VERROU_SECONDES * 1000}"},
        **options,
    )
    if lecture_seule:
        @event.listens_for(moteur, "connect")
        def _en_lecture(connexion_dbapi, _enregistrement):
            connexion_dbapi.read_only = True
    else:
        # Après une transaction de lecture (``pour_lire``), SQLAlchemy remet la connexion en « READ WRITE »
        # explicite, qui passerait outre une base figée en lecture seule par son administrateur
        # (``default_transaction_read_only``) : on rend la main au réglage du serveur à chaque emprunt.
        @event.listens_for(moteur, "checkout")
        def _reglage_du_serveur(connexion_dbapi, _enregistrement, _mandataire):
            if connexion_dbapi.read_only is not None:
                connexion_dbapi.read_only = None
    return moteur


def pour_lire(moteur: Engine) -> Engine:
    """Le même moteur (même réserve de connexions), pour des transactions qui ne font que lire.

    Sous SQLite, elles commencent par un simple ``BEGIN`` : elles lisent l'état validé (WAL) sans attendre
    qu'une longue écriture d'un autre poste se termine, et ``PRAGMA query_only`` leur refuse toute écriture.
    Sous PostgreSQL, elles sont ``READ ONLY`` (sans aller-retour de plus : psycopg l'ajoute au ``BEGIN``).
    """
    options: dict[str, object] = {LECTURE: True}
    if moteur.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return moteur.execution_options(**options)


def _moteur_sqlite(url: URL, *, lecture_seule: bool = False, **options) -> Engine:
    fichier = fichier_sqlite(url)
    if fichier is not None and not lecture_seule:
        _preparer_dossier(fichier.parent)
    if fichier is not None and lecture_seule:
        url = url.set(database=uri_sqlite(fichier, mode="ro"), query={**url.query, "uri": "true"})
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
        if fichier is not None and not lecture_seule:
            _journal_wal(curseur, fichier)
            curseur.execute("PRAGMA synchronous = NORMAL")
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _au_debut(connexion):
        # IMMEDIATE : la transaction réserve l'écriture dès le début. Sinon, une transaction qui
        # lit puis écrit échoue aussitôt (« database is locked ») si un autre poste a écrit
        # entre-temps, sans profiter de l'attente de 15 s. Une transaction de lecture (``pour_lire``)
        # commence par un simple BEGIN : elle lit l'état validé (WAL) sans attendre l'écrivain.
        lecture = lecture_seule or bool(connexion.get_execution_options().get(LECTURE))
        etat = connexion.connection.info
        if etat.get("query_only", False) != lecture:
            connexion.exec_driver_sql(f"PRAGMA query_only = {int(lecture)}")
            etat["query_only"] = lecture
        connexion.exec_driver_sql("BEGIN" if lecture else "BEGIN IMMEDIATE")

    return moteur


def _journal_wal(curseur: sqlite3.Cursor, fichier: Path) -> None:
    """Passe le journal en WAL, mais seulement pour une base neuve ou une base Instruction : un fichier
    d'une autre application qu'on ouvrirait par erreur n'est pas modifié (le mode WAL s'écrit dans son
    en-tête). Une base neuve est d'abord réservée à son propriétaire (ses fichiers -wal et -shm en
    prennent les droits)."""
    if curseur.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    if curseur.execute("PRAGMA page_count").fetchone()[0] == 0:  # lit l'en-tête : refuse un fichier étranger
        rendre_prive(fichier)
    elif curseur.execute(
        "select count(*) from sqlite_master where type = 'table' and name in ('alembic_version', 'dossier')"
    ).fetchone()[0] != 2:
        return
    curseur.execute("PRAGMA journal_mode = WAL")


def _preparer_dossier(dossier: Path) -> None:
    try:
        creer_dossier(dossier)
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


# Les fiches qu'une contrainte d'unicité protège, nommées pour l'utilisateur (par contrainte sur
# PostgreSQL, par « table.colonne » dans le message de SQLite).
_AVIS_REFERENT = "Un avis est déjà demandé à ce référent sur ce dossier"
_AVIS_COFINANCEUR = "Un avis est déjà demandé à ce cofinanceur sur ce dossier"
DOUBLONS = {
    "uq_utilisateur_identifiant": "Cet identifiant de compte est déjà pris",
    "utilisateur.identifiant": "Cet identifiant de compte est déjà pris",
    "uq_dossier_numero": "Ce numéro de dossier vient d'être attribué à un autre dossier",
    "dossier.numero": "Ce numéro de dossier vient d'être attribué à un autre dossier",
    "uq_campagne_dispositif_code": "Cette campagne (dispositif et année) existe déjà",
    "campagne.dispositif_code, campagne.annee": "Cette campagne (dispositif et année) existe déjà",
    "uq_demande_avis_destinataire": _AVIS_REFERENT,
    "demande_avis.dossier_id, demande_avis.destinataire_id": _AVIS_REFERENT,
    "uq_demande_avis_financeur": _AVIS_COFINANCEUR,
    "demande_avis.dossier_id, demande_avis.financeur_code": _AVIS_COFINANCEUR,
    "uq_avis_demande_id": "Cet avis vient d'être donné",
    "avis.demande_id": "Cet avis vient d'être donné",
    "uq_cotation_dossier_id": "Cette grille vient d'être commencée pour ce dossier",
    "cotation.dossier_id, cotation.grille": "Cette grille vient d'être commencée pour ce dossier",
}
SAISIES_GARDEES = "Rien n'a été enregistré ; ce que vous avez saisi reste à l'écran."


def est_erreur_de_base(erreur: BaseException) -> bool:
    """Une erreur que la base ou le réseau renvoient (à traduire pour l'utilisateur), et non un défaut du
    programme (requête mal écrite, objet introuvable…), qui doit remonter avec sa trace."""
    if isinstance(erreur, sqlite3.Error):
        return not isinstance(erreur, sqlite3.ProgrammingError | sqlite3.InterfaceError) \
            and _code_sqlite(erreur) != "SQLITE_ERROR"  # colonne ou table inconnue, syntaxe : un défaut
    if not isinstance(erreur, exc.DBAPIError):
        return False
    if _code_sqlite(erreur) == "SQLITE_ERROR":
        return False
    if isinstance(erreur, exc.ProgrammingError):  # sauf un droit refusé par le serveur
        return getattr(erreur.orig, "sqlstate", None) == "42501"
    return True


def _code_sqlite(erreur: BaseException) -> str:
    orig = getattr(erreur, "orig", None) or erreur
    return getattr(orig, "sqlite_errorname", "") or ""


def _contrainte(erreur: BaseException, texte: str) -> str | None:
    """Le nom de la contrainte (PostgreSQL) ou « table.colonne » (SQLite) en cause."""
    diagnostic = getattr(getattr(erreur, "orig", None), "diag", None)
    nom = getattr(diagnostic, "constraint_name", None)
    if nom:
        return nom
    if "constraint failed:" in texte:  # SQLite : « UNIQUE constraint failed: table.a, table.b »
        return texte.split("constraint failed:", 1)[1].strip() or None
    return None


def _longueur_maximale(texte: str) -> str:
    if "(" in texte and texte.rstrip().endswith(")"):
        nombre = texte.rstrip()[:-1].rsplit("(", 1)[1]
        if nombre.isdigit():
            return f" ({nombre} caractères au plus)"
    return ""


def traduire(erreur: BaseException, url: URL | str) -> ErreurInstruction:
    """Transforme une erreur du pilote en message compréhensible par un instructeur : ce qui s'est passé et
    quoi faire. Le texte technique reste dans ``detail`` (journal, bouton « détail »)."""
    if isinstance(erreur, ErreurInstruction):
        return erreur
    texte = str(getattr(erreur, "orig", None) or erreur)
    bas = texte.lower()
    ou = affichable(url)
    code = getattr(getattr(erreur, "orig", None), "sqlstate", None) or ""
    sqlite_ = _code_sqlite(erreur)

    # --- Le fichier ou le serveur -------------------------------------------------------------------
    if "file is not a database" in bas or "not a database" in bas or "malformed" in bas:
        return PasUneBase(
            f"Le fichier de {ou} n'est pas une base de données Instruction (ou il est endommagé). "
            "Il n'a pas été modifié. Vérifiez le chemin, ou restaurez une sauvegarde.",
            detail=texte,
        )
    if sqlite_.startswith("SQLITE_READONLY") or code == "25006" or "readonly database" in bas \
            or "read-only transaction" in bas:
        return BaseEnLectureSeule(
            f"La base {ou} est en lecture seule : on peut la consulter, pas y enregistrer. {SAISIES_GARDEES} "
            "Demandez à l'administrateur les droits d'écriture sur le fichier et son dossier (ou, sur un "
            "serveur, que la base ne soit plus en lecture seule), puis enregistrez à nouveau.",
            detail=texte,
        )
    if "readonly" in bas or "read-only" in bas or "unable to open database file" in bas:
        return BaseInaccessible(
            f"Impossible d'ouvrir ou d'écrire la base {ou} : le fichier ou son dossier n'est pas "
            "accessible en écriture. Demandez les droits d'écriture ou choisissez un autre emplacement.",
            detail=texte,
        )
    if sqlite_ == "SQLITE_FULL" or code == "53100" or "disk is full" in bas or "no space left" in bas:
        return EspaceInsuffisant(
            f"Le disque de la base {ou} est plein. {SAISIES_GARDEES} Libérez de la place (ou prévenez "
            "l'administrateur du serveur), puis enregistrez à nouveau.",
            detail=texte,
        )
    if sqlite_.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in bas:
        return BaseOccupee(
            "La base est occupée par un autre poste ou programme (une longue opération, une sauvegarde…) "
            f"depuis plus de {ATTENTE_VERROU_SECONDES} secondes. {SAISIES_GARDEES} Réessayez dans un instant ; "
            "si cela dure, demandez qui travaille sur la base.",
            detail=texte,
        )
    if code in ("55P03", "57014") or "lock timeout" in bas or "statement timeout" in bas:
        return BaseOccupee(
            "Le serveur a attendu trop longtemps qu'un autre poste libère la même fiche. "
            f"{SAISIES_GARDEES} Réessayez dans un instant ; si cela dure, demandez qui travaille sur ce dossier.",
            detail=texte,
        )
    if code in ("40P01", "40001"):
        return BaseOccupee(
            "Un autre poste enregistrait les mêmes fiches au même moment : le serveur a annulé votre "
            f"enregistrement pour garder les deux cohérents. {SAISIES_GARDEES} Enregistrez à nouveau.",
            detail=texte,
        )
    if code == "42501" or "permission denied" in bas:
        return DroitsInsuffisants(
            f"Le serveur {ou} refuse cette opération au compte de base de données de ce poste. "
            f"{SAISIES_GARDEES} Demandez à l'administrateur de vérifier les droits de votre compte.",
            detail=texte,
        )
    if "password authentication failed" in bas or "authentification par mot de passe" in bas:
        return BaseInaccessible(
            f"Le serveur {ou} a refusé l'identifiant ou le mot de passe.", detail=texte
        )
    if code == "3D000" or ("does not exist" in bas and "database" in bas):
        return BaseInaccessible(
            f"La base demandée n'existe pas sur le serveur ({ou}). Demandez à l'administrateur de la créer.",
            detail=texte,
        )
    if code == "53300" or "too many clients" in bas or "too many connections" in bas:
        return BaseInaccessible(
            f"Le serveur {ou} a atteint son nombre maximal de connexions. {SAISIES_GARDEES} Réessayez dans "
            "un instant ; si cela dure, prévenez l'administrateur du serveur.",
            detail=texte,
        )
    if code.startswith(("57P", "08")) or getattr(erreur, "connection_invalidated", False) or any(
            m in bas for m in ("server closed the connection", "terminating connection", "connection is lost",
                               "connection is closed", "consuming input failed", "connection already closed",
                               "ssl syscall", "connection reset", "broken pipe", "lost synchronization")):
        return ConnexionPerdue(
            f"La connexion au serveur {ou} a été perdue pendant l'opération. Le serveur annule une "
            "transaction interrompue : l'enregistrement n'a probablement pas été fait, et ce que vous avez "
            "saisi reste à l'écran. Vérifiez le réseau, rouvrez la fiche pour voir ce qui est enregistré, "
            "puis enregistrez à nouveau.",
            detail=texte,
        )

    # --- Une valeur que la base refuse ------------------------------------------------------------------
    if "nul (0x00)" in bas or "\\u0000" in bas or code == "22021" or "invalid byte sequence" in bas:
        return ValeurRefusee(
            "Un texte contient un caractère invisible que la base refuse (un caractère nul, ou de contrôle). "
            f"{SAISIES_GARDEES} Retirez-le — il vient souvent d'un copier-coller —, puis enregistrez à nouveau.",
            detail=texte,
        )
    if code == "22001" or "value too long" in bas:
        return ValeurRefusee(
            f"Un texte est trop long pour la base{_longueur_maximale(texte)}. {SAISIES_GARDEES} Raccourcissez-le, "
            "puis enregistrez à nouveau.",
            detail=texte,
        )
    if code in ("22003", "22008") or "out of range" in bas or "overflow" in bas or sqlite_ == "SQLITE_TOOBIG" \
            or "too big" in bas:
        return ValeurRefusee(
            "Un nombre, une date ou un fichier dépasse ce que la base peut garder. "
            f"{SAISIES_GARDEES} Vérifiez les montants, nombres et dates saisis, puis enregistrez à nouveau.",
            detail=texte,
        )
    if code == "23505" or sqlite_ in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY") \
            or "unique constraint" in bas:
        contrainte = _contrainte(erreur, texte)
        quoi = DOUBLONS.get(contrainte or "", "Cette fiche existe déjà")
        return Doublon(
            f"{quoi} : un autre poste vient sans doute d'enregistrer la même. {SAISIES_GARDEES} Rouvrez la "
            "fiche pour voir ce qui est enregistré, puis complétez-la si besoin.",
            detail=texte,
        )
    if code == "23503" or sqlite_ == "SQLITE_CONSTRAINT_FOREIGNKEY" or "foreign key constraint" in bas:
        return FicheLieeDisparue(
            "Une fiche liée à celle-ci a été supprimée ou modifiée entre-temps (par un autre poste). "
            f"{SAISIES_GARDEES} Rouvrez la fiche pour voir son état actuel, puis enregistrez à nouveau.",
            detail=texte,
        )
    if code.startswith("23") or code.startswith("22") or sqlite_.startswith("SQLITE_CONSTRAINT"):
        return ValeurRefusee(
            f"La base refuse une valeur saisie (elle ne respecte pas une de ses règles). {SAISIES_GARDEES} "
            "Vérifiez les champs remplis, puis enregistrez à nouveau ; si cela se reproduit, transmettez le "
            "détail à l'administrateur.",
            detail=texte,
        )
    if isinstance(erreur, exc.OperationalError | exc.InterfaceError) or "connection" in bas:
        return BaseInaccessible(
            f"Le serveur de base de données {ou} ne répond pas. Vérifiez le réseau, l'adresse "
            "et que le serveur est démarré, puis réessayez.",
            detail=texte,
        )
    return ErreurInstruction(
        f"Erreur de base de données ({ou}). {SAISIES_GARDEES} Réessayez ; si cela se reproduit, transmettez le "
        "détail à l'administrateur.",
        detail=texte,
    )
