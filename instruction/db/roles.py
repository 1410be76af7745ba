"""Base partagée : les rôles PostgreSQL qui font respecter par la base ce que les services font respecter.

Sur une base PostgreSQL partagée, les postes ne se connectent plus avec le rôle propriétaire des tables :

* le **rôle propriétaire** (celui qui a créé la base et l'a mise au schéma) ne sert qu'aux mises à jour
  du schéma et à ``installer`` ; lui seul peut modifier une table, désactiver un déclencheur ou la
  sécurité par ligne ;
* un **rôle de groupe par rôle de l'application** (``<préfixe>_administrateur``, ``_instructeur``,
  ``_referent``, ``_financeur``, ``_lecteur``), sans connexion, reçoit par ``GRANT`` ce dont l'application
  a besoin, rien de plus (matrice ``DROITS``) ; l'historique n'y est qu'en lecture et ajout ;
* les **identifiants de base** qui se connectent : un par personne (``<préfixe>_u_<compte>``, rattaché à
  un compte de l'application, membre du groupe de son rôle), ou un identifiant de poste partagé
  (``<préfixe>_poste_<nom>``) pour les lecteurs, instructeurs et administrateurs ;
* la **sécurité par ligne** (RLS) là où la règle dépend de la personne : un référent n'écrit que les avis
  qui lui sont demandés, un financeur que ceux demandés à son cofinanceur et, dans un avis, que le montant
  de son cofinanceur ; seuls les administrateurs changent un compte (les autres ne touchent qu'aux
  colonnes de suivi de connexion de leur propre compte).

Qui est connecté, pour la base : ``session_user``, l'identifiant avec lequel PostgreSQL a authentifié la
connexion, que personne ne peut changer après coup (contrairement à une variable de session
``SET app.utilisateur``, que n'importe qui pourrait poser). Un identifiant de poste partagé ne désigne
personne : ce qui dépend de la personne (avis, montants) lui est refusé, sauf s'il est instructeur ou
administrateur ; pour son groupe, il ne peut que ce que son groupe peut.

Tout est idempotent : ``installer`` se relance après chaque mise à jour de l'application (c'est ce que
fait ``instruction administrer installer-roles``). ``ALTER DEFAULT PRIVILEGES`` donne dès leur création
aux tables des migrations suivantes la lecture à tous et l'écriture aux instructeurs et administrateurs ;
la sécurité par ligne d'une nouvelle table se pose en relançant la commande.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

from instruction.domaine import droits
from instruction.domaine.erreurs import DonneesInvalides, ErreurInstruction, SchemaPasAJour

SCHEMA_ACCES = "instruction_acces"  # fonctions et table des identifiants, dans la base (un schéma par base)
VERROU_INSTALLATION = 735_202_4  # clé du verrou consultatif : deux installations ne se croisent pas
GROUPES = (droits.ADMINISTRATEUR, droits.INSTRUCTEUR, droits.REFERENT, droits.FINANCEUR, droits.LECTEUR)
GROUPES_PARTAGEABLES = (droits.LECTEUR, droits.INSTRUCTEUR, droits.ADMINISTRATEUR)
INSTRUIRE = (droits.ADMINISTRATEUR, droits.INSTRUCTEUR)
DESTINATAIRES = (droits.REFERENT, droits.FINANCEUR)
ECRIRE = ("INSERT", "UPDATE", "DELETE")
# Colonnes d'un compte que la connexion et le changement de mot de passe écrivent (services.comptes).
COLONNES_SUIVI = ("echecs", "bloque_jusqu_a", "derniere_connexion", "empreinte", "a_changer")
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LONGUEUR_MOT_DE_PASSE = 24
LONGUEUR_MAX_ROLE = 63  # NAMEDATALEN - 1


# --- Ce que chaque groupe peut faire ------------------------------------------------------------------

# table → {groupe: privilèges}. Toute table absente reçoit ``AUTRES`` ; les tables du référentiel
# (module ``modeles.referentiel``) ne sont qu'en lecture : la recopie du référentiel est faite par le
# propriétaire. Personne ne reçoit TRUNCATE, REFERENCES ni TRIGGER.
LECTURE = {g: ("SELECT",) for g in GROUPES}
DROITS: dict[str, dict[str, tuple[str, ...]]] = {
    "historique": {g: ("SELECT", "INSERT") for g in GROUPES},  # en ajout seul, pour tous
    "utilisateur": {**LECTURE, droits.ADMINISTRATEUR: ("SELECT", *ECRIRE)},  # + UPDATE des COLONNES_SUIVI
    "utilisateur_theme": {**LECTURE, droits.ADMINISTRATEUR: ("SELECT", *ECRIRE)},
    "parametre": {**LECTURE, droits.ADMINISTRATEUR: ("SELECT", *ECRIRE)},  # réglages : administrateurs
    "alembic_version": LECTURE,
    "avis": {**LECTURE, **{g: ("SELECT", *ECRIRE) for g in (*INSTRUIRE, *DESTINATAIRES)}},  # + RLS
    "avis_montant": {**LECTURE, **{g: ("SELECT", *ECRIRE) for g in (*INSTRUIRE, *DESTINATAIRES)}},  # + RLS
    "filtre_enregistre": {**LECTURE, **{g: ("SELECT", *ECRIRE) for g in (*INSTRUIRE, *DESTINATAIRES)}},
}
AUTRES = {**LECTURE, **{g: ("SELECT", *ECRIRE) for g in INSTRUIRE}}


def tables_du_referentiel() -> frozenset[str]:
    from instruction.db.modeles import Compte  # importer les modèles enregistre toutes les classes

    return frozenset(mappeur.local_table.name for mappeur in Compte.registry.mappers
                     if mappeur.class_.__module__.endswith("modeles.referentiel"))


def droits_de(table: str, referentiel: frozenset[str]) -> dict[str, tuple[str, ...]]:
    if table in DROITS:
        return DROITS[table]
    return LECTURE if table in referentiel else AUTRES


# --- Noms -----------------------------------------------------------------------------------------------


def _nom_valide(nom: str) -> str:
    """Un nom de rôle sûr : minuscules ASCII, chiffres, soulignés."""
    sans_accents = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", sans_accents.lower()).strip("_")


@dataclass(frozen=True)
class Noms:
    """Les noms des rôles d'une base : les rôles sont communs à tout le serveur, le préfixe les distingue."""

    prefixe: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", self.prefixe):
            raise DonneesInvalides(
                f"Préfixe de rôles invalide : « {self.prefixe} ». Il commence par une lettre et ne compte que "
                "des minuscules sans accent, des chiffres et des soulignés (30 caractères au plus).")

    def groupe(self, role: str) -> str:
        return f"{self.prefixe}_{role}"

    @property
    def groupes(self) -> tuple[str, ...]:
        return tuple(self.groupe(g) for g in GROUPES)

    def personnel(self, identifiant: str) -> str:
        debut = f"{self.prefixe}_u_"
        nom = _nom_valide(identifiant)[: LONGUEUR_MAX_ROLE - len(debut)].rstrip("_")
        if not nom:
            raise DonneesInvalides(f"L'identifiant « {identifiant} » ne donne pas de nom de rôle PostgreSQL "
                                   "(il faut au moins une lettre ou un chiffre).")
        return debut + nom

    def poste(self, nom: str) -> str:
        debut = f"{self.prefixe}_poste_"
        propre = _nom_valide(nom)[: LONGUEUR_MAX_ROLE - len(debut)].rstrip("_")
        if not propre:
            raise DonneesInvalides(f"Nom de poste invalide : « {nom} ».")
        return debut + propre


def prefixe_par_defaut(base: str) -> str:
    nom = _nom_valide(base)[:30].rstrip("_") or "instruction"
    return nom if nom[0].isalpha() else f"i_{nom}"[:30]


# --- Outils SQL ------------------------------------------------------------------------------------------


def _brut(connexion: Connection):
    """La connexion psycopg sous SQLAlchemy (même transaction) : le SQL composé par ``psycopg.sql``
    cite chaque nom comme il faut, et un texte sans paramètres est envoyé tel quel (les ``%`` des
    fonctions PL/pgSQL ne sont pas pris pour des paramètres)."""
    return connexion.connection.driver_connection


def _executer(connexion: Connection, requete, parametres=None) -> list[tuple]:
    curseur = _brut(connexion).execute(requete, parametres)
    return curseur.fetchall() if curseur.description else []


def _exiger_postgresql(moteur_ou_connexion) -> None:
    if moteur_ou_connexion.dialect.name != "postgresql":
        raise ErreurInstruction("Les rôles et identifiants de base ne concernent qu'une base PostgreSQL partagée ; "
                                "un fichier SQLite se protège par les droits du système de fichiers.")


def _mot_de_passe() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LONGUEUR_MOT_DE_PASSE))


def _verificateur(connexion: Connection, role: str, mot_de_passe: str) -> str:
    """L'empreinte SCRAM-SHA-256 du mot de passe, calculée par libpq sur le poste : le mot de passe en
    clair ne part pas vers le serveur (ni dans ses journaux)."""
    pgconn = _brut(connexion).pgconn
    return pgconn.encrypt_password(mot_de_passe.encode(), role.encode(), b"scram-sha-256").decode()


# --- Installation ------------------------------------------------------------------------------------------


@dataclass
class Installation:
    prefixe: str
    proprietaire: str
    schema: str
    groupes_crees: list[str] = field(default_factory=list)
    tables: int = 0
    identifiants_personnels: bool = False
    problemes: list[str] = field(default_factory=list)

    def resume(self) -> str:
        lignes = [
            f"Rôles installés (préfixe « {self.prefixe} », propriétaire « {self.proprietaire} », "
            f"schéma « {self.schema} », {self.tables} tables).",
            "Groupes : " + ", ".join(Noms(self.prefixe).groupes)
            + (f" (créés : {', '.join(self.groupes_crees)})" if self.groupes_crees else " (existaient déjà)") + ".",
        ]
        if not self.identifiants_personnels:
            lignes.append("Identifiants personnels indisponibles : le rôle propriétaire n'a pas l'attribut "
                          "CREATEROLE.")
        lignes += [f"Problème : {p}" for p in self.problemes]
        return "\n".join(lignes)


def installer(moteur: Engine, prefixe: str | None = None) -> Installation:
    """Crée ou remet à jour rôles, droits, sécurité par ligne et fonctions, en une transaction.

    À lancer avec le rôle propriétaire des tables, sur une base au schéma courant ; relançable."""
    _exiger_postgresql(moteur)
    with moteur.connect() as connexion, connexion.begin():
        _executer(connexion, "select pg_advisory_xact_lock(%s)", (VERROU_INSTALLATION,))
        schema, proprietaire, base, createrole = _executer(connexion, """
            select current_schema(), current_user, current_database(),
                   (select rolcreaterole or rolsuper from pg_roles where rolname = current_user)""")[0]
        existant = _prefixe_installe(connexion)
        prefixe = prefixe or existant or prefixe_par_defaut(base)
        if existant and existant != prefixe:
            raise DonneesInvalides(
                f"Les rôles de cette base sont déjà installés avec le préfixe « {existant} » ; "
                "relancez sans --prefixe (ou avec celui-là).")
        noms = Noms(prefixe)
        _exiger_proprietaire(connexion, schema, proprietaire)
        if proprietaire in noms.groupes or proprietaire.startswith(f"{prefixe}_u_") \
                or proprietaire.startswith(f"{prefixe}_poste_"):
            raise DonneesInvalides(f"Le rôle propriétaire « {proprietaire} » porte un nom réservé aux groupes "
                                   "et identifiants : choisissez un autre préfixe.")
        installation = Installation(prefixe, proprietaire, schema, identifiants_personnels=bool(createrole))
        installation.groupes_crees = _creer_groupes(connexion, noms, proprietaire, bool(createrole))
        _creer_schema_acces(connexion, noms, proprietaire)
        installation.tables = _accorder(connexion, noms, schema, proprietaire, base)
        _securite_par_ligne(connexion, noms, schema)
        _fonctions_identifiants(connexion, noms, schema, installation.identifiants_personnels)
        if installation.identifiants_personnels:  # après une restauration, par exemple : comptes changés
            _executer(connexion, f"select {SCHEMA_ACCES}.aligner(identifiant) from {SCHEMA_ACCES}.identifiant "
                                 "where identifiant is not null")
        installation.problemes = controler_connexion(connexion, noms, schema)
        if installation.problemes:
            raise ErreurInstruction("L'installation des rôles laisserait des protections manquantes ; elle a été "
                                    "annulée.", detail="\n".join(installation.problemes))
    return installation


def _prefixe_installe(connexion: Connection) -> str | None:
    if not _executer(connexion, "select 1 from pg_namespace where nspname = %s", (SCHEMA_ACCES,)):
        return None
    lignes = _executer(connexion, f"select valeur from {SCHEMA_ACCES}.installation where cle = 'prefixe'")
    return lignes[0][0] if lignes else None


def prefixe_installe(connexion: Connection) -> str | None:
    """Le préfixe des rôles de cette base, ``None`` si les rôles n'y sont pas installés (ou si SQLite)."""
    if connexion.dialect.name != "postgresql":
        return None
    return _prefixe_installe(connexion)


def _exiger_proprietaire(connexion: Connection, schema: str, proprietaire: str) -> None:
    etrangeres = _executer(connexion, """
        select c.relname, pg_get_userbyid(c.relowner) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm', 'S') and c.relowner <> (
            select oid from pg_roles where rolname = current_user)
        order by 1""", (schema,))
    if etrangeres:
        exemples = ", ".join(f"{t} ({r})" for t, r in etrangeres[:5])
        raise ErreurInstruction(
            f"Lancez cette commande avec le rôle propriétaire des tables : « {proprietaire} » n'est pas "
            f"propriétaire de {len(etrangeres)} objet(s), par ex. {exemples}. Rien n'a été modifié.")
    if not _executer(connexion, "select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                                "where n.nspname = %s and c.relname = 'alembic_version'", (schema,)):
        raise SchemaPasAJour("La base n'est pas une base Instruction (pas de table « alembic_version ») : "
                             "ouvrez-la une fois avec le rôle propriétaire pour la créer. Rien n'a été modifié.")


def _creer_groupes(connexion: Connection, noms: Noms, proprietaire: str, createrole: bool) -> list[str]:
    from psycopg import sql

    crees = []
    for groupe in noms.groupes:
        lignes = _executer(connexion, "select rolcanlogin, rolsuper from pg_roles where rolname = %s", (groupe,))
        if lignes:
            if lignes[0][0] or lignes[0][1]:
                raise ErreurInstruction(f"Le rôle « {groupe} » existe déjà et peut se connecter (ou est "
                                        "superutilisateur) : ce n'est pas un groupe Instruction. Choisissez un "
                                        "autre préfixe. Rien n'a été modifié.")
            continue
        if not createrole:
            raise ErreurInstruction(
                f"Le rôle propriétaire « {proprietaire} » ne peut pas créer les groupes (attribut CREATEROLE "
                "manquant) : demandez à l'administrateur du serveur « ALTER ROLE … CREATEROLE », ou de créer "
                f"lui-même les groupes {', '.join(noms.groupes)} (NOLOGIN). Rien n'a été modifié.")
        _executer(connexion, sql.SQL("create role {} nologin").format(sql.Identifier(groupe)))
        crees.append(groupe)
    return crees


def _creer_schema_acces(connexion: Connection, noms: Noms, proprietaire: str) -> None:
    from psycopg import sql

    a = sql.Identifier(SCHEMA_ACCES)
    _executer(connexion, sql.SQL("create schema if not exists {}").format(a))
    _executer(connexion, sql.SQL("""
        create table if not exists {}.installation (cle text primary key, valeur text not null)""").format(a))
    _executer(connexion, sql.SQL("""
        create table if not exists {}.identifiant (
            role_base name primary key,
            identifiant text unique,               -- le compte de l'application ; null : identifiant de poste
            groupe text not null,
            cree_le timestamptz not null default now(),
            cree_par name not null default session_user)""").format(a))
    _executer(connexion, sql.SQL("""
        insert into {}.installation values ('prefixe', %s), ('proprietaire', %s)
        on conflict (cle) do update set valeur = excluded.valeur""").format(a), (noms.prefixe, proprietaire))
    groupes = sql.SQL(", ").join(sql.Identifier(g) for g in noms.groupes)
    _executer(connexion, sql.SQL("revoke all on schema {} from public").format(a))
    _executer(connexion, sql.SQL("grant usage on schema {} to {}").format(a, groupes))
    for table in ("installation", "identifiant"):
        _executer(connexion, sql.SQL("revoke all on {}.{} from public, {}").format(a, sql.Identifier(table), groupes))
        _executer(connexion, sql.SQL("grant select on {}.{} to {}").format(a, sql.Identifier(table), groupes))


def _accorder(connexion: Connection, noms: Noms, schema: str, proprietaire: str, base: str) -> int:
    from psycopg import sql

    referentiel = tables_du_referentiel()
    s = sql.Identifier(schema)
    tous = sql.SQL(", ").join(sql.Identifier(g) for g in noms.groupes)
    _executer(connexion, sql.SQL("grant connect on database {} to {}").format(sql.Identifier(base), tous))
    # Personne d'autre que le propriétaire ne crée d'objet dans le schéma (PostgreSQL 15 le fait déjà pour
    # une base neuve ; une base venue d'une version antérieure l'accorde encore à tout le monde).
    if _executer(connexion, "select pg_has_role(current_user, nspowner, 'USAGE') from pg_namespace where nspname = %s",
                 (schema,))[0][0]:
        _executer(connexion, sql.SQL("revoke create on schema {} from public").format(s))
    _executer(connexion, sql.SQL("grant usage on schema {} to {}").format(s, tous))
    tables = [t for (t,) in _executer(connexion, """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s and c.relkind in ('r', 'p') order by 1""", (schema,))]
    for table in tables:
        cible = sql.SQL("{}.{}").format(s, sql.Identifier(table))
        _executer(connexion, sql.SQL("revoke all on {} from public, {}").format(cible, tous))
        for role, privileges in droits_de(table, referentiel).items():
            _executer(connexion, sql.SQL("grant {} on {} to {}").format(
                sql.SQL(", ").join(sql.SQL(p) for p in privileges), cible, sql.Identifier(noms.groupe(role))))
    colonnes = sql.SQL(", ").join(sql.Identifier(c) for c in COLONNES_SUIVI)
    _executer(connexion, sql.SQL("grant update ({}) on {}.utilisateur to {}").format(colonnes, s, tous))
    for (sequence,) in _executer(connexion, """
            select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = %s and c.relkind = 'S'""", (schema,)):
        cible = sql.SQL("{}.{}").format(s, sql.Identifier(sequence))
        _executer(connexion, sql.SQL("revoke all on sequence {} from public, {}").format(cible, tous))
        _executer(connexion, sql.SQL("grant usage on sequence {} to {}").format(cible, tous))
    # Les tables et séquences que créeront les migrations suivantes (par le propriétaire).
    defaut = sql.SQL("alter default privileges for role {} in schema {} ").format(sql.Identifier(proprietaire), s)
    instruire = sql.SQL(", ").join(sql.Identifier(noms.groupe(g)) for g in INSTRUIRE)
    _executer(connexion, defaut + sql.SQL("grant select on tables to {}").format(tous))
    _executer(connexion, defaut + sql.SQL("grant insert, update, delete on tables to {}").format(instruire))
    _executer(connexion, defaut + sql.SQL("grant usage on sequences to {}").format(tous))
    return len(tables)


# Les règles par ligne. Chaque politique nomme ses groupes : une politique absente vaut refus.
def _politiques(noms: Noms, schema: str) -> dict[str, list[tuple[str, str, tuple[str, ...], str | None, str | None]]]:
    a = SCHEMA_ACCES
    tous = GROUPES
    mien = f"{a}.demande_pour_moi(demande_id)"
    avis_mien = f"{a}.avis_pour_moi(avis_id)"
    propre = f"({a}.connexion_partagee() or id = {a}.compte_courant())"
    return {
        "utilisateur": [
            ("acces_lecture", "select", tous, "true", None),
            ("acces_administration", "all", (droits.ADMINISTRATEUR,), "true", "true"),
            # Suivi de connexion et mot de passe : son propre compte (les colonnes sont limitées par GRANT).
            ("acces_suivi", "update", (droits.INSTRUCTEUR, droits.REFERENT, droits.FINANCEUR, droits.LECTEUR),
             propre, propre),
        ],
        "avis": [
            ("acces_lecture", "select", tous, "true", None),
            ("acces_instruction", "all", INSTRUIRE, "true", "true"),
            ("acces_destinataire", "all", DESTINATAIRES, mien, mien),
        ],
        "avis_montant": [
            ("acces_lecture", "select", tous, "true", None),
            ("acces_instruction", "all", INSTRUIRE, "true", "true"),
            ("acces_referent", "all", (droits.REFERENT,), avis_mien, avis_mien),
            # Dans un avis à lui, le financeur ne change que le montant de son cofinanceur : les autres lignes
            # ne peuvent qu'être réécrites à l'identique (le service les garde), ce que vérifie le
            # déclencheur ``instruction_acces_montant`` (une règle par ligne ne voit pas l'ancienne valeur).
            ("acces_financeur", "all", (droits.FINANCEUR,), avis_mien, avis_mien),
        ],
    }


def _fonctions_lecture(noms: Noms, schema: str) -> list[str]:
    """Qui est connecté, pour les règles par ligne. ``security definer`` : elles lisent les comptes sans
    dépendre des droits ni de la sécurité par ligne de l'appelant ; ``search_path`` fixé et noms
    qualifiés : un appelant ne peut pas leur substituer ses propres tables (``pg_temp``)."""
    a, s = SCHEMA_ACCES, f'"{schema}"'
    entete = "stable security definer set search_path = pg_catalog, pg_temp"
    return [
        f"""create or replace function {a}.compte_courant() returns integer language sql {entete} as $$
            select u.id from {s}.utilisateur u join {a}.identifiant i on i.identifiant = u.identifiant
            where i.role_base = session_user and u.actif $$""",
        f"""create or replace function {a}.connexion_partagee() returns boolean language sql {entete} as $$
            select not exists (select 1 from {a}.identifiant i
                               where i.role_base = session_user and i.identifiant is not null) $$""",
        f"""create or replace function {a}.financeur_courant() returns text language sql {entete} as $$
            select u.financeur_code from {s}.utilisateur u
            where u.id = {a}.compte_courant() and u.role = '{droits.FINANCEUR}' $$""",
        f"""create or replace function {a}.demande_pour_moi(demande integer) returns boolean language sql {entete} as $$
            select exists (select 1 from {s}.demande_avis d where d.id = demande and (
                d.destinataire_id = {a}.compte_courant()
                or (d.financeur_code is not null and d.financeur_code = {a}.financeur_courant()))) $$""",
        f"""create or replace function {a}.avis_pour_moi(avis integer) returns boolean language sql {entete} as $$
            select exists (select 1 from {s}.avis v where v.id = avis and {a}.demande_pour_moi(v.demande_id)) $$""",
    ]


def _declencheur_montants(noms: Noms, schema: str) -> list[str]:
    """Le montant d'un autre cofinanceur est intouchable pour un financeur : ajout, suppression ou
    modification refusés (SQLSTATE 42501) ; une réécriture à l'identique passe. Fonction du propriétaire,
    exécutée avec les droits de l'appelant (``current_user`` est alors bien lui)."""
    a, s = SCHEMA_ACCES, f'"{schema}"'
    groupe = noms.groupe(droits.FINANCEUR)
    return [
        f"""create or replace function {a}.montant_du_financeur() returns trigger language plpgsql
        set search_path = pg_catalog, pg_temp as $$
        declare
            moi text;
        begin
            if not pg_has_role(current_user, '{groupe}', 'USAGE') then
                return coalesce(new, old);
            end if;
            moi := {a}.financeur_courant();
            if (tg_op = 'DELETE' and old.financeur_code is distinct from moi)
               or (tg_op = 'INSERT' and new.financeur_code is distinct from moi)
               or (tg_op = 'UPDATE'
                   and (old.financeur_code is distinct from moi or new.financeur_code is distinct from moi)
                   and (new.avis_id, new.financeur_code, new.montant)
                       is distinct from (old.avis_id, old.financeur_code, old.montant))
            then
                raise exception 'un financeur ne propose que le montant de son cofinanceur'
                    using errcode = '42501';
            end if;
            return coalesce(new, old);
        end $$""",
        f"drop trigger if exists instruction_acces_montant on {s}.avis_montant",
        f"""create trigger instruction_acces_montant before insert or update or delete on {s}.avis_montant
            for each row execute function {a}.montant_du_financeur()""",
    ]


def _securite_par_ligne(connexion: Connection, noms: Noms, schema: str) -> None:
    from psycopg import sql

    for requete in [*_fonctions_lecture(noms, schema), *_declencheur_montants(noms, schema)]:
        _executer(connexion, requete)
    tous = sql.SQL(", ").join(sql.Identifier(g) for g in noms.groupes)
    for fonction in ("compte_courant()", "connexion_partagee()", "financeur_courant()", "demande_pour_moi(integer)",
                     "avis_pour_moi(integer)", "montant_du_financeur()"):
        cible = sql.SQL(f"{SCHEMA_ACCES}.{fonction}")
        _executer(connexion, sql.SQL("revoke all on function {} from public").format(cible))
        _executer(connexion, sql.SQL("grant execute on function {} to {}").format(cible, tous))
    for table, politiques in _politiques(noms, schema).items():
        cible = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        _executer(connexion, sql.SQL("alter table {} enable row level security").format(cible))
        for (nom,) in _executer(connexion, "select policyname from pg_policies "
                                           "where schemaname = %s and tablename = %s", (schema, table)):
            _executer(connexion, sql.SQL("drop policy {} on {}").format(sql.Identifier(nom), cible))
        for nom, commande, groupes, avant, apres in politiques:
            requete = sql.SQL("create policy {} on {} for {} to {} using ({})").format(
                sql.Identifier(nom), cible, sql.SQL(commande),
                sql.SQL(", ").join(sql.Identifier(noms.groupe(g)) for g in groupes), sql.SQL(avant))
            if apres is not None:
                requete += sql.SQL(" with check ({})").format(sql.SQL(apres))
            _executer(connexion, requete)


def _fonctions_identifiants(connexion: Connection, noms: Noms, schema: str, disponibles: bool) -> None:
    """Créer, aligner et retirer les identifiants de base. ``security definer`` (propriétaire, CREATEROLE) et
    réservées aux administrateurs : elles ne créent que des rôles ``<préfixe>_u_…`` / ``<préfixe>_poste_…``
    et n'accordent que les groupes d'Instruction. Un déclencheur sur les comptes les tient à jour : compte
    désactivé ⇒ plus de groupe et plus de connexion ; rôle changé ⇒ groupe changé ; identifiant renommé ⇒
    suivi."""
    a, s, p = SCHEMA_ACCES, f'"{schema}"', noms.prefixe
    entete = "language plpgsql security definer set search_path = pg_catalog, pg_temp"
    groupes = "array[" + ", ".join(f"'{g}'" for g in noms.groupes) + "]"
    if not disponibles:
        _executer(connexion, f"drop trigger if exists instruction_acces_suivi on {s}.utilisateur")
        return
    requetes = [
        f"""create or replace function {a}.aligner(compte text) returns void {entete} as $$
        declare
            i record; u record; trouve boolean; g text;
        begin
            select role, actif into u from {s}.utilisateur where identifiant = compte;
            trouve := found;
            for i in select role_base from {a}.identifiant where identifiant = compte loop
                foreach g in array {groupes} loop
                    if exists (select 1 from pg_auth_members m
                               where m.roleid = g::regrole and m.member = i.role_base::regrole) then
                        execute format('revoke %I from %I', g, i.role_base);
                    end if;
                end loop;
                if trouve and u.actif and '{p}_' || u.role = any({groupes}) then
                    execute format('grant %I to %I', '{p}_' || u.role, i.role_base);
                    execute format('alter role %I login', i.role_base);
                    update {a}.identifiant set groupe = u.role where role_base = i.role_base;
                else
                    execute format('alter role %I nologin', i.role_base);
                end if;
            end loop;
        end $$""",
        f"""create or replace function {a}.creer_identifiant(nom text, compte text, verificateur text)
        returns void {entete} as $$
        declare
            u record; existant record;
        begin
            if nom !~ '^{p}_u_[a-z0-9_]+$' or length(nom) > {LONGUEUR_MAX_ROLE} then
                raise exception 'nom d''identifiant refusé : %', nom using errcode = '22023';
            end if;
            if verificateur !~ '^SCRAM-SHA-256\\$' then
                raise exception 'mot de passe attendu sous forme d''empreinte SCRAM-SHA-256' using errcode = '22023';
            end if;
            select id, actif into u from {s}.utilisateur where identifiant = compte;
            if not found or not u.actif then
                raise exception 'compte inconnu ou désactivé : %', compte using errcode = '22023';
            end if;
            select * into existant from {a}.identifiant where role_base = nom;
            if found then
                if existant.identifiant is distinct from compte then
                    raise exception 'l''identifiant % appartient à un autre compte', nom using errcode = '22023';
                end if;
                execute format('alter role %I password %L', nom, verificateur);
            else
                if exists (select 1 from pg_roles where rolname = nom) then
                    raise exception 'un rôle % existe déjà sur le serveur', nom using errcode = '22023';
                end if;
                if exists (select 1 from {a}.identifiant where identifiant = compte) then
                    raise exception 'le compte % a déjà un identifiant de base', compte using errcode = '22023';
                end if;
                execute format('create role %I login inherit password %L', nom, verificateur);
                insert into {a}.identifiant (role_base, identifiant, groupe) values (nom, compte, '');
            end if;
            perform {a}.aligner(compte);
        end $$""",
        f"""create or replace function {a}.creer_identifiant_poste(nom text, groupe text, verificateur text)
        returns void {entete} as $$
        declare
            existant record;
        begin
            if nom !~ '^{p}_poste_[a-z0-9_]+$' or length(nom) > {LONGUEUR_MAX_ROLE} then
                raise exception 'nom d''identifiant refusé : %', nom using errcode = '22023';
            end if;
            if groupe not in ({", ".join(f"'{g}'" for g in GROUPES_PARTAGEABLES)}) then
                raise exception 'un identifiant de poste partagé ne peut être %', groupe using errcode = '22023';
            end if;
            if verificateur !~ '^SCRAM-SHA-256\\$' then
                raise exception 'mot de passe attendu sous forme d''empreinte SCRAM-SHA-256' using errcode = '22023';
            end if;
            select * into existant from {a}.identifiant where role_base = nom;
            if found then
                if existant.identifiant is not null or existant.groupe <> groupe then
                    raise exception 'l''identifiant % existe déjà avec un autre usage', nom using errcode = '22023';
                end if;
                execute format('alter role %I login password %L', nom, verificateur);
            else
                if exists (select 1 from pg_roles where rolname = nom) then
                    raise exception 'un rôle % existe déjà sur le serveur', nom using errcode = '22023';
                end if;
                execute format('create role %I login inherit password %L', nom, verificateur);
                execute format('grant %I to %I', '{p}_' || groupe, nom);
                insert into {a}.identifiant (role_base, identifiant, groupe) values (nom, null, groupe);
            end if;
        end $$""",
        f"""create or replace function {a}.retirer_identifiant(nom text) returns void {entete} as $$
        begin
            if not exists (select 1 from {a}.identifiant where role_base = nom) then
                raise exception 'identifiant inconnu : %', nom using errcode = '22023';
            end if;
            delete from {a}.identifiant where role_base = nom;
            execute format('drop role %I', nom);
        end $$""",
        f"""create or replace function {a}.suivre_compte() returns trigger {entete} as $$
        begin
            if new.identifiant is distinct from old.identifiant then
                update {a}.identifiant set identifiant = new.identifiant where identifiant = old.identifiant;
            end if;
            perform {a}.aligner(new.identifiant);
            return null;
        end $$""",
    ]
    for requete in requetes:
        _executer(connexion, requete)
    from psycopg import sql

    admin = sql.Identifier(noms.groupe(droits.ADMINISTRATEUR))
    for fonction in ("aligner(text)", "creer_identifiant(text, text, text)",
                     "creer_identifiant_poste(text, text, text)", "retirer_identifiant(text)", "suivre_compte()"):
        cible = sql.SQL(f"{a}.{fonction}")
        _executer(connexion, sql.SQL("revoke all on function {} from public").format(cible))
        if fonction != "suivre_compte()":
            _executer(connexion, sql.SQL("grant execute on function {} to {}").format(cible, admin))
    _executer(connexion, f"drop trigger if exists instruction_acces_suivi on {s}.utilisateur")
    _executer(connexion, f"""create trigger instruction_acces_suivi after update of identifiant, role, actif
                            on {s}.utilisateur for each row execute function {a}.suivre_compte()""")


# --- Contrôle -------------------------------------------------------------------------------------------


def controler_connexion(connexion: Connection, noms: Noms, schema: str) -> list[str]:
    """Ce que les groupes ne doivent jamais pouvoir : vide si tout est en place."""
    problemes = []
    for groupe in noms.groupes:
        for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
            if _executer(connexion, "select has_table_privilege(%s, %s, %s)",
                         (groupe, f'"{schema}".historique', privilege))[0][0]:
                problemes.append(f"{groupe} a le droit {privilege} sur l'historique.")
        if _executer(connexion, "select has_schema_privilege(%s, %s, 'CREATE')", (groupe, schema))[0][0]:
            problemes.append(f"{groupe} peut créer des objets dans le schéma {schema}.")
        if _executer(connexion, """select pg_has_role(%s, c.relowner, 'USAGE') from pg_class c
                                   join pg_namespace n on n.oid = c.relnamespace
                                   where n.nspname = %s and c.relname = 'historique'""", (groupe, schema))[0][0]:
            problemes.append(f"{groupe} a les droits du propriétaire des tables.")
        if _executer(connexion, "select rolsuper or rolbypassrls from pg_roles where rolname = %s", (groupe,))[0][0]:
            problemes.append(f"{groupe} est superutilisateur ou contourne la sécurité par ligne.")
    declencheurs = dict(_executer(connexion, """
        select t.tgname, t.tgenabled from pg_trigger t join pg_class c on c.oid = t.tgrelid
        join pg_namespace n on n.oid = c.relnamespace where n.nspname = %s and c.relname = 'historique'
        and not t.tgisinternal""", (schema,)))
    for nom in ("historique_sans_modification", "historique_sans_vidage"):
        if declencheurs.get(nom) != "O":
            problemes.append(f"Le déclencheur {nom} de l'historique est absent ou désactivé.")
    if _executer(connexion, """select coalesce(max(t.tgenabled), '') from pg_trigger t
                               join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
                               where n.nspname = %s
                               and c.relname = 'avis_montant' and t.tgname = 'instruction_acces_montant'""",
                 (schema,))[0][0] != "O":
        problemes.append("Le déclencheur instruction_acces_montant des montants proposés est absent ou désactivé.")
    for table in _politiques(noms, schema):
        if not _executer(connexion, """select c.relrowsecurity from pg_class c join pg_namespace n
                                       on n.oid = c.relnamespace where n.nspname = %s and c.relname = %s""",
                         (schema, table))[0][0]:
            problemes.append(f"La sécurité par ligne de la table {table} est désactivée.")
    return problemes


def controler(moteur: Engine) -> list[str]:
    """Les protections des rôles de cette base (liste vide : tout est en place). Lecture seule."""
    _exiger_postgresql(moteur)
    with moteur.connect() as connexion:
        prefixe = _prefixe_installe(connexion)
        if prefixe is None:
            return ["Les rôles PostgreSQL ne sont pas installés : les postes se connectent avec le rôle "
                    "propriétaire."]
        schema = connexion.execute(text("select current_schema()")).scalar()
        return controler_connexion(connexion, Noms(prefixe), schema)


# --- Identifiants de base ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identifiant:
    role_base: str
    compte: str | None  # None : identifiant de poste partagé
    groupe: str
    peut_se_connecter: bool


@dataclass(frozen=True)
class NouvelIdentifiant:
    role_base: str
    mot_de_passe: str  # montré une fois, jamais gardé


def _exiger_installe(connexion: Connection) -> Noms:
    _exiger_postgresql(connexion)
    prefixe = _prefixe_installe(connexion)
    if prefixe is None:
        raise ErreurInstruction("Les rôles PostgreSQL ne sont pas installés sur cette base : lancez d'abord "
                                "« instruction administrer installer-roles » avec le rôle propriétaire.")
    if not _executer(connexion, "select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
                                "where n.nspname = %s and p.proname = 'creer_identifiant'", (SCHEMA_ACCES,)):
        raise ErreurInstruction("Cette base n'a pas d'identifiants personnels : le rôle propriétaire n'avait pas "
                                "l'attribut CREATEROLE à l'installation des rôles.")
    return Noms(prefixe)


def _appeler(connexion: Connection, fonction: str, parametres: tuple) -> None:
    """Appelle une fonction d'administration ; un refus de la base devient un message en français."""
    import psycopg

    marques = ", ".join(["%s"] * len(parametres))
    try:
        with _brut(connexion).transaction():  # point de sauvegarde : un refus n'annule pas le reste
            _executer(connexion, f"select {SCHEMA_ACCES}.{fonction}({marques})", parametres)
    except psycopg.errors.InsufficientPrivilege as erreur:
        raise droits.Interdit("La base refuse : seul un identifiant du groupe des administrateurs gère les "
                              "identifiants de base.", detail=str(erreur)) from None
    except psycopg.errors.InvalidParameterValue as erreur:
        raise DonneesInvalides(f"Identifiant de base refusé : {erreur.diag.message_primary}.") from None


def creer_identifiant(connexion: Connection, compte: str) -> NouvelIdentifiant:
    """Crée (ou, s'il existe, redonne un mot de passe à) l'identifiant de base personnel de ce compte."""
    noms = _exiger_installe(connexion)
    existant = _executer(connexion, f"select role_base from {SCHEMA_ACCES}.identifiant where identifiant = %s",
                         (compte,))
    role = existant[0][0] if existant else noms.personnel(compte)
    mot_de_passe = _mot_de_passe()
    _appeler(connexion, "creer_identifiant", (role, compte, _verificateur(connexion, role, mot_de_passe)))
    return NouvelIdentifiant(role, mot_de_passe)


def creer_identifiant_poste(connexion: Connection, nom: str, groupe: str) -> NouvelIdentifiant:
    """Un identifiant partagé par les postes d'un service (lecteurs, instructeurs ou administrateurs)."""
    noms = _exiger_installe(connexion)
    if groupe not in GROUPES_PARTAGEABLES:
        raise DonneesInvalides(
            f"Un identifiant de poste partagé ne peut être que {', '.join(GROUPES_PARTAGEABLES)} : un référent "
            "ou un financeur a son identifiant personnel (la base doit savoir qui donne l'avis).")
    role = noms.poste(nom)
    mot_de_passe = _mot_de_passe()
    _appeler(connexion, "creer_identifiant_poste", (role, groupe, _verificateur(connexion, role, mot_de_passe)))
    return NouvelIdentifiant(role, mot_de_passe)


def retirer_identifiant(connexion: Connection, role_base: str) -> None:
    _exiger_installe(connexion)
    _appeler(connexion, "retirer_identifiant", (role_base,))


def aligner(connexion: Connection, comptes: Iterable[str] | None = None) -> None:
    """Remet chaque identifiant personnel d'accord avec son compte (après une restauration, par exemple)."""
    _exiger_installe(connexion)
    if comptes is None:
        comptes = [c for (c,) in _executer(connexion, f"select identifiant from {SCHEMA_ACCES}.identifiant "
                                                      "where identifiant is not null")]
    for compte in comptes:
        _appeler(connexion, "aligner", (compte,))


def identifiants(connexion: Connection) -> list[Identifiant]:
    if prefixe_installe(connexion) is None:
        return []
    return [Identifiant(*ligne) for ligne in _executer(connexion, f"""
        select i.role_base, i.identifiant, i.groupe, coalesce(r.rolcanlogin, false)
        from {SCHEMA_ACCES}.identifiant i left join pg_roles r on r.rolname = i.role_base
        order by i.identifiant nulls last, i.role_base""")]


def compte_de_la_connexion(connexion: Connection) -> str | None:
    """L'identifiant du compte de l'application auquel l'identifiant de base de cette connexion est
    rattaché (``None`` : SQLite, rôles non installés, ou identifiant partagé). L'écran de connexion peut
    s'en servir pour exiger qu'on se connecte sous ce compte."""
    if prefixe_installe(connexion) is None:
        return None
    lignes = _executer(connexion, f"select identifiant from {SCHEMA_ACCES}.identifiant where role_base = session_user")
    return lignes[0][0] if lignes else None


# --- Mise à jour du schéma par un poste -------------------------------------------------------------------


def exiger_droit_de_migrer(moteur: Engine, revision: str | None, tete: str) -> None:
    """Sous PostgreSQL, un identifiant qui n'est pas propriétaire du schéma ne peut pas le mettre à jour :
    on le dit en français avant d'essayer (rien n'est modifié)."""
    if moteur.dialect.name != "postgresql":
        return
    with moteur.connect() as connexion:
        role, peut = _executer(connexion, """
            select current_user, coalesce(
                (select pg_has_role(current_user, c.relowner, 'USAGE') from pg_class c
                 join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = current_schema() and c.relname = 'alembic_version'),
                has_schema_privilege(current_schema(), 'CREATE'))""")[0]
        connexion.rollback()
    if peut:
        return
    from instruction.db.connexion import affichable

    etat = f"schéma « {revision} »" if revision else "base vide"
    raise SchemaPasAJour(
        f"La base {affichable(moteur.url)} doit être mise à jour pour cette version d'Instruction ({etat}, "
        f"attendu « {tete} »), et votre identifiant de base « {role} » n'a pas le droit de le faire : c'est "
        "voulu, seul le rôle propriétaire modifie le schéma. Demandez à l'administrateur de mettre la base à "
        "jour avec le rôle propriétaire : instruction administrer installer-roles --database "
        "postgresql://PROPRIÉTAIRE@serveur/base. Rien n'a été modifié.")


def exiger_droit_de_recopier_referentiel(connexion: Connection) -> None:
    """Le référentiel du contrat de ville se recopie avec le rôle propriétaire (les groupes ne le lisent)."""
    if connexion.dialect.name != "postgresql":
        return
    if _executer(connexion, "select has_table_privilege(current_user, 'financeur', 'INSERT')")[0][0]:
        return
    role = _executer(connexion, "select current_user")[0][0]
    raise SchemaPasAJour(
        "Cette version d'Instruction apporte un référentiel du contrat de ville plus récent que celui de la "
        f"base, et votre identifiant de base « {role} » n'a pas le droit de le recopier (c'est voulu). Demandez "
        "à l'administrateur de mettre la base à jour avec le rôle propriétaire : instruction administrer "
        "installer-roles --database postgresql://PROPRIÉTAIRE@serveur/base. Rien n'a été modifié.")
