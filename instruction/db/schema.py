"""Mettre la base au schéma de cette version, sans jamais perdre de données.

Au démarrage (et avant chaque commande), ``preparer`` :

1. lit la révision de la base (table ``alembic_version``) ;
2. si elle égale la tête, s'arrête là (cas courant, sans importer Alembic) ;
3. refuse une base écrite par une version plus récente, ou une base étrangère ;
4. pour un fichier SQLite qui contient déjà des données, en fait une copie
   cohérente dans ``sauvegardes/`` à côté du fichier ;
5. applique toutes les migrations dans **une seule transaction** : si l'une échoue,
   la base reste exactement dans son état d'avant.

Sous PostgreSQL, un verrou consultatif empêche deux postes de migrer en même temps.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, exc, inspect, text

from instruction.chemins import dossier_sauvegardes_automatiques
from instruction.db.connexion import ERREURS_DE_BASE, LECTURE, affichable, fichier_sqlite, traduire
from instruction.db.fichiers import copier_sqlite, creer_dossier
from instruction.db.migrations import TETE
from instruction.domaine.erreurs import (
    BaseEtrangere,
    BaseTropRecente,
    ErreurInstruction,
    MigrationEchouee,
    PasUneBase,
)

journal = logging.getLogger(__name__)

DOSSIER_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERROU_MIGRATION = 735_202_3  # clé du verrou consultatif PostgreSQL


@dataclass(frozen=True)
class EtatSchema:
    revision: str | None
    tables: frozenset[str]

    @property
    def vide(self) -> bool:
        return not self.tables


@dataclass(frozen=True)
class Preparation:
    revision_avant: str | None
    revision_apres: str
    sauvegarde: Path | None
    # Un fichier SQLite dont une page est endommagée (``PRAGMA quick_check``) : à montrer à l'utilisateur.
    avertissement: str | None = None

    @property
    def migree(self) -> bool:
        return self.revision_avant != self.revision_apres


def examiner(connexion: Connection) -> EtatSchema:
    tables = frozenset(inspect(connexion).get_table_names())
    revision = None
    if "alembic_version" in tables:
        revision = connexion.execute(text("select version_num from alembic_version")).scalar()
    return EtatSchema(revision=revision, tables=tables)


def config_alembic(connexion: Connection | None = None, emplacements: Sequence[Path] = ()):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    lieux = [DOSSIER_MIGRATIONS / "versions", *emplacements]
    config.set_main_option("version_locations", " ".join(str(lieu) for lieu in lieux))
    config.set_main_option("path_separator", "space")
    config.set_main_option("file_template", "%%(rev)s")
    config.attributes["connection"] = connexion
    return config


def revisions_connues(emplacements: Sequence[Path] = ()) -> tuple[str, set[str]]:
    """La tête et l'ensemble des révisions que cette version sait appliquer."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(config_alembic(emplacements=emplacements))
    return scripts.get_current_head(), {s.revision for s in scripts.walk_revisions()}


def preparer(
    moteur: Engine,
    *,
    sauvegarder: bool = True,
    emplacements: Sequence[Path] = (),
    progression: Callable[[str], None] = lambda _message: None,
) -> Preparation:
    """Vérifie et, si besoin, met à jour le schéma. Lève une ``ErreurInstruction`` claire."""
    url = moteur.url.render_as_string(hide_password=False)
    _refuser_fichier_vide(fichier_sqlite(moteur.url))
    try:
        with moteur.connect().execution_options(**{LECTURE: True}) as connexion:  # lire n'attend personne
            etat = examiner(connexion)
            avertissement = _controle_rapide(connexion, moteur)
            connexion.rollback()
        if avertissement:
            progression(avertissement)
        if etat.revision == TETE and not emplacements:
            return Preparation(etat.revision, TETE, None, avertissement)
        tete, connues = revisions_connues(emplacements)
        if etat.revision == tete:
            return Preparation(etat.revision, tete, None, avertissement)
        _refuser_si_incompatible(etat, connues, moteur)
        # --- Rôles PostgreSQL (db/roles.py) : un identifiant de poste ne migre pas, il le dit en français.
        from instruction.db.roles import exiger_droit_de_migrer

        exiger_droit_de_migrer(moteur, etat.revision, tete)
        # --- fin
        sauvegarde = None
        fichier = fichier_sqlite(moteur.url)
        if sauvegarder and fichier is not None and not etat.vide:
            progression("Sauvegarde de la base avant mise à jour…")
            sauvegarde = sauvegarde_avant_migration(moteur, fichier, etat.revision)
        progression("Mise à jour du schéma de la base…")
        _migrer(moteur, emplacements, tete)
        journal.info("Base %s migrée de %s à %s", affichable(moteur.url), etat.revision, tete)
        return Preparation(etat.revision, tete, sauvegarde, avertissement)
    except ErreurInstruction:
        raise
    except ERREURS_DE_BASE as erreur:  # pilote, système de fichiers…
        raise traduire(erreur, url) from erreur


def _refuser_fichier_vide(fichier: Path | None) -> None:
    """Un fichier qui existe mais ne contient rien n'est pas une base : on ne le transforme pas en base
    (c'est peut-être un document vidé, ou un mauvais chemin). Une nouvelle base se crée sur un chemin qui
    n'existe pas encore."""
    if fichier is not None and fichier.is_file() and fichier.stat().st_size == 0:
        raise PasUneBase(
            f"Le fichier « {fichier} » est vide : ce n'est pas une base de données Instruction. Il n'a pas été "
            "modifié. Vérifiez le chemin ; pour créer une nouvelle base, indiquez un fichier qui n'existe pas "
            "encore."
        )


def _controle_rapide(connexion: Connection, moteur: Engine) -> str | None:
    """``PRAGMA quick_check`` d'un fichier SQLite (chaque page lue une fois, sans comparer les index aux
    tables) : une page endommagée se voit dès l'ouverture, avant qu'un enregistrement ne tombe dessus."""
    fichier = fichier_sqlite(moteur.url)
    if fichier is None or connexion.dialect.name != "sqlite":
        return None
    try:
        resultats = [ligne[0] for ligne in connexion.exec_driver_sql("PRAGMA quick_check(5)")]
    except exc.DatabaseError as erreur:  # une page si abîmée que le contrôle lui-même s'arrête dessus
        resultats = [str(erreur.orig)]
    if resultats == ["ok"]:
        return None
    message = (
        f"La base « {fichier} » est endommagée : des pages du fichier sont illisibles ou incohérentes. "
        "Ne continuez pas à y travailler : faites-en une copie, lancez « instruction verifier », puis "
        "restaurez la dernière sauvegarde ou demandez de l'aide à l'administrateur."
    )
    journal.warning("%s Détail : %s", message, "; ".join(resultats))
    return message


def creer_schema(connexion: Connection) -> str:
    """Crée tout le schéma (toutes les migrations, déclencheurs compris) dans une base vide, dans la
    transaction de ``connexion`` ; rend la révision atteinte. Sert aux sauvegardes d'une base PostgreSQL,
    pour qu'elles aient exactement le schéma d'une base SQLite créée par l'application."""
    from alembic import command

    command.upgrade(config_alembic(connexion), "heads")
    return examiner(connexion).revision


def _refuser_si_incompatible(etat: EtatSchema, connues: set[str], moteur: Engine) -> None:
    ou = affichable(moteur.url)
    if etat.revision is not None and etat.revision not in connues:
        raise BaseTropRecente(
            f"La base {ou} a été écrite par une version plus récente d'Instruction "
            f"(schéma « {etat.revision} »). Installez la dernière version de l'application ; "
            "la base n'a pas été modifiée."
        )
    if etat.revision is None and etat.tables:
        raise BaseEtrangere(
            f"La base {ou} contient déjà des tables qui ne sont pas celles d'Instruction "
            f"({', '.join(sorted(etat.tables)[:5])}…). Elle n'a pas été modifiée : indiquez une base "
            "vide ou une base Instruction."
        )


def _migrer(moteur: Engine, emplacements: Sequence[Path], tete: str) -> None:
    from alembic import command

    sqlite = moteur.dialect.name == "sqlite"
    with moteur.connect() as connexion:
        if sqlite:
            # Les migrations « batch » recopient des tables : les clés étrangères sont
            # vérifiées une fois à la fin plutôt que pendant la recopie. Le PRAGMA est
            # sans effet dans une transaction : il passe par la connexion brute.
            _pragma_brut(connexion, "PRAGMA foreign_keys = OFF")
        try:
            with connexion.begin():
                if not sqlite:
                    connexion.execute(text("select pg_advisory_xact_lock(:k)"), {"k": VERROU_MIGRATION})
                    if examiner(connexion).revision == tete:
                        return  # un autre poste vient de faire la mise à jour
                try:
                    command.upgrade(config_alembic(connexion, emplacements), "heads")
                except Exception as erreur:
                    raise MigrationEchouee(
                        "La mise à jour du schéma de la base a échoué ; la base est restée dans "
                        "son état d'avant et reste utilisable avec la version précédente. "
                        "Transmettez le détail ci-dessous à l'administrateur.",
                        detail=f"{type(erreur).__name__}: {erreur}",
                    ) from erreur
                if sqlite:
                    orphelins = connexion.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if orphelins:
                        raise MigrationEchouee(
                            "La mise à jour laisserait des références cassées ; elle a été annulée.",
                            detail=repr(orphelins[:10]),
                        )
        finally:
            if sqlite:
                _pragma_brut(connexion, "PRAGMA foreign_keys = ON")


def _pragma_brut(connexion: Connection, instruction_sql: str) -> None:
    connexion.connection.driver_connection.execute(instruction_sql)


def sauvegarde_avant_migration(moteur: Engine, fichier: Path, revision: str | None) -> Path:
    horodatage = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dossier = dossier_sauvegardes_automatiques(fichier)
    cible = dossier / f"{fichier.stem}-{horodatage}-avant-migration-{revision or 'vide'}.sqlite"
    try:
        creer_dossier(dossier)
        copier_sqlite(fichier, cible)
    except OSError as erreur:
        raise MigrationEchouee(
            f"Impossible de sauvegarder la base dans « {dossier} » avant de la mettre à jour : "
            f"{erreur.strerror or erreur}. Rien n'a été modifié.",
            detail=repr(erreur),
        ) from erreur
    return cible
