"""Le fichier de travail chiffré : une base SQLite au schéma courant, chiffrée par SQLCipher.

Choix (voir docs/administration.md, « Travail hors ligne : le chiffrement ») :

* **SQLCipher 4** (paquet ``sqlcipher3``, roue binaire qui embarque SQLCipher ; dialecte ``sqlite+pysqlcipher`` de
  SQLAlchemy) chiffre chaque page du fichier (AES-256-CBC) et l'authentifie (HMAC-SHA512 par page, numéro de
  page compris) : rien de déchiffré n'est jamais écrit sur le disque, ni le fichier, ni son journal ; une page
  modifiée se voit (``PRAGMA cipher_integrity_check``).
* La **clé** n'est pas tirée par SQLCipher (PBKDF2, qui n'est pas coûteux en mémoire) : elle est dérivée de la
  phrase de passe par **Argon2id** (argon2-cffi, API de bas niveau : 64 Mio, 3 passes, 4 voies) avec un sel
  aléatoire de 16 octets, puis donnée à SQLCipher comme clé brute (``PRAGMA key = "x'…'"``). Le sel est celui que
  SQLCipher écrit en tête du fichier (les 16 premiers octets, non secrets) : le fichier se suffit à lui-même.

Les tables propres au fichier de travail (``travail_emprunt``, ``travail_ligne``) ne sont pas dans le schéma
de la base partagée : elles ont leur propre ``MetaData`` (``TRAVAIL``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, Connection, Date, DateTime, Engine, Integer, MetaData, String, Table, Text, exc, select
from sqlalchemy.engine import URL
from sqlalchemy.pool import QueuePool

from instruction.db.connexion import creer_moteur
from instruction.domaine import droits
from instruction.domaine.erreurs import ErreurInstruction, PasUneBase

SUFFIXE = ".travail"
LONGUEUR_SEL = 16
# Argon2id (RFC 9106, second choix recommandé : 64 Mio) : environ 0,3 s sur un portable ordinaire.
ARGON2_PASSES, ARGON2_MEMOIRE_KIO, ARGON2_VOIES = 3, 64 * 1024, 4
ENTETE_SQLITE = b"SQLite format 3\x00"


class PhraseIncorrecte(ErreurInstruction):
    """La phrase de passe ne déchiffre pas le fichier ; le fichier n'a pas été modifié."""


class FichierAltere(ErreurInstruction):
    """Le fichier de travail a été modifié hors de l'application (ou abîmé) : il est refusé."""


TRAVAIL = MetaData()

# L'emprunt que porte le fichier (une ligne) : de quelle base, qui, quand, jusqu'à quand, et son état.
travail_emprunt = Table(
    "travail_emprunt", TRAVAIL,
    Column("cle", String(36), primary_key=True),
    Column("emprunt_id", Integer, nullable=False),
    Column("base_nom", Text, nullable=False),
    Column("base_adresse", Text, nullable=False),
    Column("emprunteur", String(120), nullable=False),
    Column("emprunteur_json", Text, nullable=False),  # droits.Utilisateur : rôle, thèmes, cofinanceur
    Column("emprunte_le", DateTime, nullable=False),
    Column("jusqu_au", Date, nullable=False),
    Column("revision", String(40), nullable=False),
    Column("dossiers", Text, nullable=False),  # JSON : identifiants des dossiers empruntés
    Column("historique_dernier", Integer, nullable=False),  # au-delà : lignes d'historique écrites hors ligne
    Column("rendu_le", DateTime),
    Column("bilan", Text),
)

# L'instantané de l'emprunt : chaque ligne recopiée, telle qu'elle était (formes canoniques, en JSON).
travail_ligne = Table(
    "travail_ligne", TRAVAIL,
    Column("nom_table", String(80), primary_key=True),
    Column("cle", Text, primary_key=True),  # JSON de la clé primaire
    Column("valeurs", Text, nullable=False),  # JSON : colonne → forme canonique
)


def est_fichier_de_travail(chemin: str | os.PathLike | None) -> bool:
    """Un chemin de fichier de travail (par son suffixe ``.travail``), et non une URL de base."""
    return chemin is not None and "://" not in str(chemin) and str(chemin).lower().endswith(SUFFIXE)


def nouveau_sel() -> bytes:
    return os.urandom(LONGUEUR_SEL)


_CLES: dict[bytes, bytes] = {}
_VERROU = threading.Lock()


def deriver_cle(phrase: str, sel: bytes) -> bytes:
    """La clé de 32 octets (Argon2id). Gardée en mémoire le temps de la session, sous une empreinte de la
    phrase et du sel (rouvrir le même fichier ne recalcule pas)."""
    from argon2.low_level import Type, hash_secret_raw

    repere = hmac.new(sel, phrase.encode("utf-8"), hashlib.sha256).digest()
    with _VERROU:
        cle = _CLES.get(repere)
    if cle is None:
        cle = hash_secret_raw(phrase.encode("utf-8"), sel, time_cost=ARGON2_PASSES, memory_cost=ARGON2_MEMOIRE_KIO,
                              parallelism=ARGON2_VOIES, hash_len=32, type=Type.ID)
        with _VERROU:
            _CLES[repere] = cle
    return cle


def lire_sel(fichier: Path) -> bytes:
    """Le sel écrit par SQLCipher en tête du fichier ; refuse ce qui n'est pas un fichier de travail."""
    fichier = Path(fichier)
    if not fichier.is_file():
        raise ErreurInstruction(f"Le fichier de travail « {fichier} » n'existe pas.")
    with open(fichier, "rb") as flux:
        entete = flux.read(LONGUEUR_SEL)
    if entete == ENTETE_SQLITE:
        raise PasUneBase(f"« {fichier.name} » est une base SQLite non chiffrée, pas un fichier de travail. "
                         "Ouvrez-la avec Fichier › Ouvrir une base, ou --database.")
    if len(entete) < LONGUEUR_SEL:
        raise PasUneBase(f"« {fichier.name} » n'est pas un fichier de travail d'Instruction (fichier trop court).")
    return entete


def moteur(fichier: Path, cle: bytes, sel: bytes | None = None, *, lecture_seule: bool = False) -> Engine:
    """Le moteur du fichier (chiffré par ``cle``) : mêmes réglages que toute base SQLite de l'application
    (clés étrangères, attente d'un verrou, transactions explicites). ``sel`` : pour un fichier neuf."""
    brute = f"x'{cle.hex()}{sel.hex() if sel else ''}'"
    url = URL.create("sqlite+pysqlcipher", password=brute, database=str(Path(fichier).resolve()))
    return creer_moteur(url, lecture_seule=lecture_seule, poolclass=QueuePool)  # type: ignore[arg-type]


def ouvrir(fichier: Path, phrase: str, *, lecture_seule: bool = False) -> Engine:
    """Ouvre un fichier de travail avec sa phrase de passe ; une mauvaise phrase est dite, le fichier n'est
    pas touché (rien n'y est écrit avant que la clé soit reconnue)."""
    fichier = Path(fichier).expanduser()
    cle = deriver_cle(phrase, lire_sel(fichier))
    resultat = moteur(fichier, cle, lecture_seule=lecture_seule)
    try:
        with resultat.connect() as connexion:
            connexion.exec_driver_sql("select count(*) from sqlite_master").scalar()
            connexion.rollback()
    except exc.DatabaseError as erreur:
        resultat.dispose()
        if "not a database" in str(erreur.orig).lower() or "hmac" in str(erreur.orig).lower():
            raise PhraseIncorrecte(
                f"La phrase de passe ne déchiffre pas « {fichier.name} » (ou le fichier a été modifié hors de "
                "l'application). Le fichier n'a pas été modifié : vérifiez la phrase (majuscules, accents) et "
                "réessayez.") from None
        raise
    return resultat


def controler(moteur_travail: Engine) -> None:
    """Chaque page authentifiée (HMAC de SQLCipher) et la base cohérente ; sinon ``FichierAltere``."""
    try:
        with moteur_travail.connect() as connexion:
            pages = [ligne[0] for ligne in connexion.exec_driver_sql("PRAGMA cipher_integrity_check")]
            coherence = [ligne[0] for ligne in connexion.exec_driver_sql("PRAGMA integrity_check(5)")]
            connexion.rollback()
    except exc.DatabaseError as erreur:
        raise FichierAltere("Le fichier de travail est illisible par endroits : il a été modifié hors de "
                            "l'application ou abîmé. Il est refusé ; rien n'a été écrit dans la base.",
                            detail=str(erreur.orig)) from None
    if pages or coherence != ["ok"]:
        raise FichierAltere("Le fichier de travail a été modifié hors de l'application (des pages ne sont plus "
                            "authentiques) ou il est abîmé. Il est refusé ; rien n'a été écrit dans la base.",
                            detail="; ".join(pages[:5] + [c for c in coherence if c != "ok"][:5]))


def _modele_vide() -> Path:
    """Une base SQLite vide au schéma courant (migrations, déclencheurs compris), écrite une fois par version du
    schéma dans les données de l'application (elle ne contient aucune donnée : rien à chiffrer). Créer le
    schéma d'un fichier de travail revient alors à l'exporter chiffré (``sqlcipher_export``), en quelques
    millisecondes au lieu de rejouer toutes les migrations."""
    from instruction.chemins import dossier_donnees
    from instruction.db.fichiers import creer_dossier, remplacer, temporaire_a_cote
    from instruction.db.schema import DOSSIER_MIGRATIONS, creer_schema

    empreinte = hashlib.sha256()
    for source in sorted((DOSSIER_MIGRATIONS / "versions").glob("*.py")):
        empreinte.update(source.name.encode() + source.read_bytes())
    dossier = dossier_donnees() / "modeles"
    modele = dossier / f"travail-{empreinte.hexdigest()[:16]}.sqlite"
    if modele.is_file():
        return modele
    creer_dossier(dossier)
    with temporaire_a_cote(modele) as temporaire:
        moteur_modele = creer_moteur(f"sqlite:///{temporaire}")
        try:
            with moteur_modele.begin() as connexion:
                creer_schema(connexion)
            with moteur_modele.connect() as connexion:
                connexion.connection.driver_connection.execute("PRAGMA journal_mode = DELETE")
        finally:
            moteur_modele.dispose()
        remplacer(temporaire, modele)
    return modele


def creer_schema_chiffre(moteur_travail: Engine) -> None:
    """Le schéma courant dans un fichier de travail neuf (chiffré), exporté du modèle vide."""
    modele = _modele_vide()
    with moteur_travail.connect() as connexion:
        brute = connexion.connection.driver_connection
        curseur = brute.cursor()
        curseur.execute("ATTACH DATABASE ? AS modele KEY ''", (str(modele),))
        try:
            curseur.execute("SELECT sqlcipher_export('main', 'modele')")
        finally:
            curseur.execute("DETACH DATABASE modele")
        curseur.close()


def effacer(fichier: Path) -> None:
    """Efface le fichier de travail : son contenu est d'abord recouvert d'octets aléatoires (sur un disque
    classique ; un SSD peut garder d'anciennes copies des blocs — elles restent chiffrées), puis supprimé,
    avec ce que SQLite a pu laisser à côté."""
    from instruction.db.fichiers import effacer_sqlite

    fichier = Path(fichier)
    for chemin in (fichier, Path(f"{fichier}-wal"), Path(f"{fichier}-journal")):
        if chemin.is_file():
            taille = chemin.stat().st_size
            with open(chemin, "r+b") as flux:
                reste = taille
                while reste > 0:
                    bloc = min(reste, 1 << 20)
                    flux.write(os.urandom(bloc))
                    reste -= bloc
                flux.flush()
                os.fsync(flux.fileno())
    effacer_sqlite(fichier)


def utilisateur_de(texte: str) -> droits.Utilisateur:
    """L'emprunteur inscrit dans le fichier : qui agit hors ligne, avec les droits qu'il avait au bureau."""
    donnees = json.loads(texte)
    donnees["themes"] = frozenset(donnees.get("themes") or ())
    return droits.Utilisateur(**donnees)




@dataclass(frozen=True)
class InfosTravail:
    """Ce que dit un fichier de travail de lui-même (le bandeau de la fenêtre, le retour)."""

    fichier: Path
    cle: str
    emprunt_id: int
    base_nom: str
    base_adresse: str
    emprunteur: droits.Utilisateur
    emprunte_le: dt.datetime
    jusqu_au: dt.date
    revision: str
    dossiers: tuple[int, ...]
    historique_dernier: int
    rendu_le: dt.datetime | None

    @property
    def bandeau(self) -> str:
        from instruction.domaine.dates import formater_horodatage

        texte = (f"Fichier de travail « {self.fichier.name} », emprunté à la base « {self.base_nom} » par "
                 f"{self.emprunteur.nom} le {formater_horodatage(self.emprunte_le)}, à rapporter avant le "
                 f"{self.jusqu_au:%d/%m/%Y} ({len(self.dossiers)} dossier{'s' if len(self.dossiers) > 1 else ''})")
        if self.rendu_le is not None:
            texte += f". Déjà rapporté le {formater_horodatage(self.rendu_le)} : ce qui s'y écrit ne sera plus rapporté"
        return texte


def lire_infos(connexion: Connection, fichier: Path) -> InfosTravail:
    ligne = connexion.execute(select(travail_emprunt)).mappings().first()
    if ligne is None:
        raise ErreurInstruction(f"« {Path(fichier).name} » n'a pas d'emprunt : ce n'est pas un fichier de travail.")
    return InfosTravail(Path(fichier), ligne["cle"], ligne["emprunt_id"], ligne["base_nom"], ligne["base_adresse"],
                        utilisateur_de(ligne["emprunteur_json"]), ligne["emprunte_le"], ligne["jusqu_au"],
                        ligne["revision"], tuple(json.loads(ligne["dossiers"])), ligne["historique_dernier"],
                        ligne["rendu_le"])
