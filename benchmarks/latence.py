"""Banc d'essai : PostgreSQL derrière un réseau lent (instruction partagée).

    python benchmarks/latence.py [--delai-ms 2.5] [--repetitions 20] [--copies 9]
                                 [--serveur postgresql://instruction:instruction@127.0.0.1:5432/instruction_test]

Les postes du service joignent le serveur partagé par le réseau. Pour le simuler sur cette machine,
un relais TCP (asyncio, dans un fil d'arrière-plan) écoute sur 127.0.0.1 (port libre) devant le
PostgreSQL local et retarde chaque paquet de ``--delai-ms`` dans chaque sens : 2,5 ms par sens, soit
5 ms par aller-retour. On vérifie d'abord que le retard est bien là (``select 1`` direct et par le
relais).

Le banc crée une base jetable sur le serveur (comme les tests : ``CREATE DATABASE``, rôle CREATEDB),
la remplit avec la démonstration (150 dossiers), crée deux comptes (administratrice, référent) et
demande l'avis du référent sur les dossiers ouverts, puis mesure par le relais, en utilisateur
« instructeur » (ou référent pour la dernière ligne) :

* ouvrir un dossier : la lecture que fait l'onglet avant de s'afficher (fiche, choix du formulaire,
  brouillon), puis l'onglet complet : les sections Instruction, Grilles et Avis, que l'onglet lit
  chacune dans un travail d'arrière-plan (deux à la fois, comme le pool de Qt sur deux cœurs) ;
* enregistrer : l'écriture seule (intitulé changé, contrôle de version, historique, brouillon
  retiré, validation), puis l'écriture suivie de la relecture que fait l'onglet ;
* rafraîchir « Mes tâches », en instructeur et en référent.

Puis il recopie les dossiers de la démonstration (``--copies`` fois, dans des campagnes d'années
antérieures, avec toutes leurs lignes : budget, pièces, passages, examens, cotations, historique,
avis demandés…) et refait les mêmes mesures sur la grande base. La base est supprimée à la fin.

Chaque opération est répétée ``--repetitions`` fois après trois tours d'échauffement ; on donne la
médiane et le pire. On compte aussi, à chaque tour :

* les requêtes SQL : événements ``before_cursor_execute`` du moteur (un ``executemany`` compte pour
  une) ;
* les allers-retours réseau, vus par le relais : chaque fois que le client envoie après avoir reçu une
  réponse (des paquets envoyés d'affilée, comme l'``executemany`` de psycopg en mode pipeline, ne
  comptent qu'une fois). En plus des requêtes, ils comprennent la requête vide de ``pool_pre_ping`` à
  chaque unité de travail, le ``BEGIN`` que psycopg envoie seul avant la première requête d'une
  transaction, et le ``COMMIT`` ou ``ROLLBACK`` de la fin (plus, le cas échéant, un ``DEALLOCATE``
  de psycopg). C'est ce nombre, multiplié par la latence, qui fait l'essentiel du temps.

Les mêmes opérations sont aussi chronométrées sans relais (connexion directe) : la différence est le
coût du réseau.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import datetime as dt
import os
import platform
import re
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

URL_PAR_DEFAUT = os.environ.get("INSTRUCTION_TEST_POSTGRES_URL",
                                "postgresql://instruction:instruction@127.0.0.1:5432/instruction_test")
CIBLE_MS = 150


# --- Le relais qui retarde ---------------------------------------------------------------------------


class Relais:
    """Relais TCP 127.0.0.1:port → hôte:port_cible, chaque paquet retardé de ``delai`` secondes par sens.

    Le retard est compté depuis l'arrivée du paquet : des paquets qui se suivent ne s'attendent pas les
    uns les autres (comme sur un vrai lien, où la latence ne s'additionne pas au débit).

    ``allers_retours`` compte, connexion par connexion, les envois du client qui suivent une réponse du
    serveur : plusieurs paquets envoyés d'affilée sans attendre de réponse (le mode « pipeline » de
    psycopg pour un ``executemany``) ne font qu'un aller-retour.
    """

    def __init__(self, hote: str, port: int, delai: float) -> None:
        self.hote, self.port_cible, self.delai = hote, port, delai
        self.port = 0
        self.allers_retours = 0
        self._boucle = asyncio.new_event_loop()
        self._pret = threading.Event()
        self._fil = threading.Thread(target=self._tourner, name="relais-latence", daemon=True)

    def demarrer(self) -> int:
        self._fil.start()
        self._pret.wait(10)
        return self.port

    def arreter(self) -> None:
        async def finir() -> None:
            self._serveur.close()
            taches = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for tache in taches:
                tache.cancel()
            await asyncio.gather(*taches, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(finir(), self._boucle).result(10)
        self._boucle.call_soon_threadsafe(self._boucle.stop)
        self._fil.join(10)

    def _tourner(self) -> None:
        asyncio.set_event_loop(self._boucle)
        self._serveur = self._boucle.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = self._serveur.sockets[0].getsockname()[1]
        self._pret.set()
        self._boucle.run_forever()
        self._boucle.close()

    async def _client(self, lecteur_client, ecrivain_client) -> None:
        try:
            lecteur_serveur, ecrivain_serveur = await asyncio.open_connection(self.hote, self.port_cible)
        except OSError:
            ecrivain_client.close()
            return
        etat = {"repondu": True}  # le client parle d'abord
        try:
            await asyncio.gather(self._pomper(lecteur_client, ecrivain_serveur, etat, montant=True),
                                 self._pomper(lecteur_serveur, ecrivain_client, etat, montant=False),
                                 return_exceptions=True)
        except asyncio.CancelledError:  # arrêt du relais : on ferme sans bruit
            ecrivain_serveur.close()
            ecrivain_client.close()

    async def _pomper(self, lecteur, ecrivain, etat: dict, *, montant: bool) -> None:
        boucle = asyncio.get_running_loop()
        file: asyncio.Queue = asyncio.Queue()

        async def livrer() -> None:
            while True:
                echeance, donnees = await file.get()
                attente = echeance - boucle.time()
                # La boucle ne se réveille qu'à la milliseconde (epoll) : on dort d'abord avec elle, puis le
                # reste (moins de 2 ms) avec time.sleep, précis et qui rend le GIL au programme mesuré.
                if attente > 0.002:
                    await asyncio.sleep(attente - 0.0015)
                reste = echeance - boucle.time()
                if reste > 0:
                    time.sleep(reste)
                if not donnees:
                    ecrivain.close()
                    return
                ecrivain.write(donnees)
                await ecrivain.drain()

        livreur = asyncio.create_task(livrer())
        try:
            while True:
                try:
                    donnees = await lecteur.read(1 << 16)
                except ConnectionError:
                    donnees = b""
                if donnees:
                    if montant and etat["repondu"]:
                        self.allers_retours += 1
                    etat["repondu"] = not montant
                file.put_nowait((boucle.time() + self.delai, donnees))
                if not donnees:
                    break
        finally:
            await livreur


# --- Base jetable ------------------------------------------------------------------------------------


def _admin(url_serveur: str):
    url = make_url(url_serveur).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT"), url


def creer_base(url_serveur: str) -> str:
    moteur, url = _admin(url_serveur)
    nom = f"instruction_latence_{uuid.uuid4().hex[:10]}"
    with moteur.connect() as connexion:
        connexion.exec_driver_sql(f'CREATE DATABASE "{nom}"')
    moteur.dispose()
    return url.set(database=nom).render_as_string(hide_password=False)


def supprimer_base(url_serveur: str, url_base: str) -> None:
    """Comme les tests : ``WITH (FORCE)`` puis ``DROP`` simple (l'autovacuum), quelques essais."""
    from sqlalchemy.exc import DBAPIError

    nom = make_url(url_base).database
    moteur, _url = _admin(url_serveur)
    try:
        for essai in range(40):
            try:
                with moteur.connect() as connexion:
                    connexion.exec_driver_sql(f'DROP DATABASE IF EXISTS "{nom}"' + (" WITH (FORCE)" if essai % 2 == 0
                                                                                     else ""))
                return
            except DBAPIError:
                if essai == 39:
                    raise
                time.sleep(0.1)
    finally:
        moteur.dispose()


def par_le_relais(url_base: str, port: int) -> str:
    return make_url(url_base).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


# --- Remplissage ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Jeu:
    dossier_id: int
    referent: object  # droits.Utilisateur
    avis_demandes: int


def remplir(url_base: str) -> Jeu:
    """La démonstration, deux comptes et des avis demandés au référent sur les dossiers ouverts."""
    from instruction import demo
    from instruction.domaine import droits
    from instruction.db import modeles as m
    from instruction.services import avis, comptes
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_base)
    try:
        demo.remplir(contexte)
        with contexte.unite() as uow:
            comptes.creer(uow, comptes.SaisieCompte("admin", "Administratrice", droits.ADMINISTRATEUR))
            theme = uow.session.scalar(select(m.ThemeReferent.code).order_by(m.ThemeReferent.code))
            referent_id, _mdp = comptes.creer(uow, comptes.SaisieCompte("paul", "Paul Référent", droits.REFERENT,
                                                                         themes=(theme,)))
            uow.valider()
        ouverts = [e.value for e in avis.ETATS_AVIS_OUVERTS]
        with contexte.unite() as uow:
            ids = uow.session.scalars(select(m.Dossier.id).where(m.Dossier.etat.in_(ouverts))
                                      .order_by(m.Dossier.id)).all()
            choisi = avis.Destinataire("Paul Référent", compte_id=referent_id, theme=theme)
            for dossier_id in ids:
                avis.demander(uow, dossier_id, [choisi], avis.echeance_proposee())
            uow.valider()
        with contexte.unite() as uow:
            # Le dossier mesuré : en instruction, le plus fourni (lignes de budget, pièces, passages).
            lignes = (select(func.count()).select_from(m.LigneBudget).where(m.LigneBudget.dossier_id == m.Dossier.id)
                      .scalar_subquery())
            pieces = (select(func.count()).select_from(m.Piece).where(m.Piece.dossier_id == m.Dossier.id)
                      .scalar_subquery())
            dossier_id = uow.session.scalar(select(m.Dossier.id).where(m.Dossier.etat == "en_instruction")
                                            .order_by((lignes + pieces).desc(), m.Dossier.id).limit(1))
    finally:
        contexte.fermer()
    referent = droits.Utilisateur("paul", "Paul Référent", droits.REFERENT, referent_id, frozenset({theme}))
    return Jeu(dossier_id, referent, len(ids))


def _decaler(jour, annees: int):
    if jour is None:
        return None
    try:
        return jour.replace(year=jour.year - annees)
    except ValueError:  # 29 février
        return jour.replace(year=jour.year - annees, day=28)


def agrandir(url_base: str, copies: int) -> int:
    """Recopie ``copies`` fois tous les dossiers présents, avec toutes leurs lignes ; rend le nombre de dossiers.

    La copie n° k va dans une campagne « année − 5 k » du même dispositif (numéros « CDV-2018-014 »…).
    Écriture par SQLAlchemy Core (insertions groupées), identifiants donnés par le banc puis séquences
    recalées.
    """
    from instruction.db.base import Base
    from instruction.db.connexion import creer_moteur

    tables = Base.metadata.tables
    moteur = creer_moteur(url_base)
    with moteur.begin() as cx:
        a_identifiant = [t for t in Base.metadata.sorted_tables if [c.name for c in t.primary_key.columns] == ["id"]]
        maxi = {t.name: cx.scalar(select(func.max(t.c.id))) or 0 for t in a_identifiant}
        campagnes = [dict(r) for r in cx.execute(select(tables["campagne"])).mappings()]
        dossiers = [dict(r) for r in cx.execute(select(tables["dossier"])).mappings()]
        # Les lignes qui dépendent d'un dossier, directement ou par une ligne elle-même recopiée.
        recopiees = {"dossier"}
        a_copier = []
        for table in Base.metadata.sorted_tables:
            if table.name == "dossier":
                continue
            liens = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys
                     if fk.column.table.name in recopiees}
            if table.name == "historique":  # sans clé étrangère : l'historique survit à tout
                liens = {"dossier_id": "dossier"}
            if not liens:
                continue
            requete = select(table)
            if table.name == "historique":
                requete = requete.where(table.c.dossier_id.is_not(None))
            a_copier.append((table, liens, [dict(r) for r in cx.execute(requete).mappings()]))
            recopiees.add(table.name)
        for k in range(1, copies + 1):
            nouvelles = {}
            lignes = []
            for c in campagnes:
                annee = c["annee"] - 5 * k
                nouvelles[c["id"]] = c["id"] + k * maxi["campagne"]
                lignes.append({**c, "id": nouvelles[c["id"]], "annee": annee,
                               "libelle": c["libelle"].replace(str(c["annee"]), str(annee)),
                               "date_ouverture": _decaler(c["date_ouverture"], 5 * k),
                               "date_cloture": _decaler(c["date_cloture"], 5 * k)})
            cx.execute(insert(tables["campagne"]), lignes)
            annees = {c["id"]: c["annee"] for c in campagnes}
            lignes = []
            for d in dossiers:
                morceaux = d["numero"].split("-")
                annee = annees[d["campagne_id"]]
                if len(morceaux) == 3 and morceaux[1] == str(annee):
                    numero = f"{morceaux[0]}-{annee - 5 * k}-{morceaux[2]}"
                else:
                    numero = f"{d['numero']}-{k}"
                lignes.append({**d, "id": d["id"] + k * maxi["dossier"], "numero": numero,
                               "campagne_id": nouvelles[d["campagne_id"]],
                               "renouvelle_id": d["renouvelle_id"] and d["renouvelle_id"] + k * maxi["dossier"]})
            cx.execute(insert(tables["dossier"]), lignes)
            for table, liens, lignes_table in a_copier:
                copie = []
                for ligne in lignes_table:
                    nouvelle = dict(ligne)
                    if table.name in maxi:
                        nouvelle["id"] = ligne["id"] + k * maxi[table.name]
                    for colonne, cible in liens.items():
                        if ligne[colonne] is not None:
                            nouvelle[colonne] = ligne[colonne] + k * maxi[cible]
                    copie.append(nouvelle)
                if copie:
                    cx.execute(insert(table), copie)
        for table in a_identifiant:
            cx.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM \"{table.name}\"))"))
        total = cx.scalar(select(func.count()).select_from(tables["dossier"]))
    with moteur.connect().execution_options(isolation_level="AUTOCOMMIT") as cx:
        cx.exec_driver_sql("ANALYZE")
    moteur.dispose()
    return total


# --- Les opérations mesurées ----------------------------------------------------------------------------


def operations(contexte, jeu: Jeu, instructeur) -> dict[str, Callable]:
    """Les opérations, par les mêmes actions (``instruction/services/actions``) que lancent les écrans."""
    from instruction.services.actions import avis as actions_avis
    from instruction.services.actions import dossier as actions_dossier
    from instruction.services.actions import grilles as actions_grilles
    from instruction.services.actions import instruction as actions_instruction
    from instruction.services.actions import listes
    from instruction.ui.dossier.onglet import cle_brouillon

    dossier_id = jeu.dossier_id
    cle = cle_brouillon(dossier_id)
    etat = {"fiche": None, "tour": 0}

    def lire_fiche():
        # EspaceTravail.ouvrir_dossier : ce que l'onglet attend pour s'afficher.
        etat["fiche"] = actions_dossier.ouvrir(contexte, dossier_id, cle).fiche
        return etat["fiche"]

    # Les sections Instruction, Grilles, Avis et Historique ne lisent la base qu'une fois montrées
    # (``LueALaDemande``) : chacune est une opération à part.
    def lire_instruction():
        return actions_instruction.lire(contexte, dossier_id)  # SectionInstruction.lire_maintenant

    def lire_grilles():
        return actions_grilles.lire(contexte, dossier_id)  # SectionGrilles.lire_maintenant

    def lire_avis():
        return actions_avis.du_dossier(contexte, dossier_id)  # SectionAvis.lire_maintenant

    def ouvrir_sur_avis():
        # Depuis Mes tâches : le dossier s'ouvre sur sa section Avis, lue dans la même transaction.
        return actions_dossier.ouvrir(contexte, dossier_id, cle, avec_avis=True).avis

    def enregistrer():
        # OngletDossier.enregistrer : écriture (avec la version lue, pour refuser d'écraser un autre
        # poste), brouillon retiré et relecture pour réafficher, en une seule transaction.
        fiche = etat["fiche"] or lire_fiche()
        etat["tour"] += 1
        base = fiche.donnees.intitule.split(" — essai ")[0]
        donnees = dataclasses.replace(fiche.donnees, intitule=f"{base} — essai {etat['tour']}")
        etat["fiche"] = actions_dossier.enregistrer(contexte, dossier_id, donnees, fiche.version, cle).valeur

    def taches_de(utilisateur):
        def rafraichir():
            contexte.utilisateur = utilisateur
            try:
                return listes.mes_taches(contexte)[1]  # FenetrePrincipale.rafraichir_taches
            finally:
                contexte.utilisateur = instructeur

        return rafraichir

    return {
        "Ouvrir un dossier (formulaire affiché)": lire_fiche,
        "Montrer sa section Instruction": lire_instruction,
        "Montrer sa section Grilles": lire_grilles,
        "Montrer sa section Avis": lire_avis,
        "Ouvrir depuis Mes tâches, sur la section Avis": ouvrir_sur_avis,
        "Enregistrer (écriture, relecture, validation)": enregistrer,
        "Mes tâches : instructeur": taches_de(instructeur),
        "Mes tâches : référent": taches_de(jeu.referent),
    }


@dataclasses.dataclass
class Mesure:
    durees: list[float]
    requetes: list[int]
    echanges: list[int]
    detail: collections.Counter
    nombre_taches: int | None = None

    @staticmethod
    def plage(valeurs: list[int]) -> str:
        """« 25 », ou « 25 (25–43) » si un essai en a fait plus (psycopg prépare côté serveur, en un
        aller-retour de plus, une requête à sa cinquième exécution sur la connexion)."""
        if min(valeurs) == max(valeurs):
            return str(valeurs[0])
        return f"{statistics.median_low(valeurs)} ({min(valeurs)}–{max(valeurs)})"


def _forme(sql: str) -> str:
    """La requête réduite à sa forme : de quoi regrouper les requêtes identiques dans le détail."""
    sql = re.sub(r"\s+", " ", sql).strip()
    sql = re.sub(r"%\(\w+\)s", "?", sql)
    if sql.upper().startswith("SELECT"):
        debut = sql.upper().find(" FROM ")
        fin = sql.upper().find(" WHERE ")
        return "SELECT … " + sql[debut + 1: fin if fin > 0 else None][:70] + (" WHERE …" if fin > 0 else "")
    return sql[:90]


def mesurer(contexte, relais: Relais | None, operation: Callable, repetitions: int, echauffement: int = 3) -> Mesure:
    instructions: list[str] = []

    def noter(_cx, _curseur, instruction, _parametres, _contexte, _plusieurs):
        instructions.append(instruction)

    for _ in range(echauffement):
        operation()
    event.listen(contexte.moteur, "before_cursor_execute", noter)
    mesure = Mesure([], [], [], collections.Counter())
    try:
        for _ in range(repetitions):
            instructions.clear()
            allers_retours = relais.allers_retours if relais else 0
            debut = time.perf_counter()
            resultat = operation()
            mesure.durees.append(time.perf_counter() - debut)
            mesure.echanges.append(relais.allers_retours - allers_retours if relais else 0)
            mesure.requetes.append(len(instructions))
            if isinstance(resultat, list):
                mesure.nombre_taches = len(resultat)
        mesure.detail.update(_forme(i) for i in instructions)  # le dernier tour
    finally:
        event.remove(contexte.moteur, "before_cursor_execute", noter)
    return mesure


def aller_retour_ms(url: str, fois: int = 60) -> float:
    """Médiane d'un ``select 1`` sur une connexion psycopg en autocommit : un aller-retour, rien d'autre."""
    import psycopg

    url_psycopg = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url_psycopg, autocommit=True) as connexion:
        durees = []
        for _ in range(fois + 5):
            debut = time.perf_counter()
            connexion.execute("select 1").fetchone()
            durees.append(time.perf_counter() - debut)
    return statistics.median(durees[5:]) * 1000


def serie(url: str, relais: Relais | None, jeu: Jeu, repetitions: int) -> dict[str, Mesure]:
    """Toutes les opérations, par le relais (``relais`` donné) ou en direct."""
    from instruction.domaine import droits
    from instruction.services.contexte import ouvrir

    instructeur = droits.Utilisateur("marie", "Marie", droits.INSTRUCTEUR)
    contexte = ouvrir(url)
    contexte.utilisateur = instructeur
    resultats = {}
    try:
        for nom, operation in operations(contexte, jeu, instructeur).items():
            resultats[nom] = mesurer(contexte, relais, operation, repetitions)
    finally:
        contexte.fermer()
    return resultats


# --- Affichage ---------------------------------------------------------------------------------------


def ms(secondes: float) -> str:
    return f"{secondes * 1000:.0f} ms"


def tableau(series: dict[str, tuple[dict[str, Mesure], dict[str, Mesure]]]) -> str:
    lignes = ["| opération | base | par le relais : médiane (pire) | sans relais : médiane | requêtes SQL "
              "| allers-retours |",
              "|---|---|---|---|---|---|"]
    noms = list(next(iter(series.values()))[0])
    for nom in noms:
        for taille, (relayees, directes) in series.items():
            m, d = relayees[nom], directes[nom]
            depasse = " ⚠" if statistics.median(m.durees) * 1000 > CIBLE_MS else ""
            lignes.append(f"| {nom} | {taille} | {ms(statistics.median(m.durees))} ({ms(max(m.durees))}){depasse} "
                          f"| {ms(statistics.median(d.durees))} | {m.plage(m.requetes)} | {m.plage(m.echanges)} |")
    return "\n".join(lignes)


def details(series: dict[str, tuple[dict[str, Mesure], dict[str, Mesure]]], tout: bool) -> str:
    sorties = []
    for taille, (mesures, _directes) in series.items():
        for nom, m in mesures.items():
            if not tout and statistics.median(m.durees) * 1000 <= CIBLE_MS:
                continue
            sorties.append(f"\n{nom} — {taille} ({statistics.median(m.durees) * 1000:.0f} ms, "
                           f"{m.requetes[-1]} requêtes, {m.echanges[-1]} allers-retours) :")
            for forme, nombre in m.detail.most_common():
                sorties.append(f"  {nombre:3d} × {forme}")
    return "\n".join(sorties)


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--serveur", default=URL_PAR_DEFAUT,
                           help="PostgreSQL local, rôle avec CREATEDB (défaut : INSTRUCTION_TEST_POSTGRES_URL)")
    analyseur.add_argument("--delai-ms", type=float, default=2.5, help="retard par sens (défaut 2,5 ms)")
    analyseur.add_argument("--repetitions", type=int, default=20)
    analyseur.add_argument("--copies", type=int, default=9, help="copies des dossiers de la démonstration pour la grande base")
    analyseur.add_argument("--detail", action="store_true", help="détailler les requêtes de chaque opération")
    arguments = analyseur.parse_args()

    import logging

    logging.basicConfig(level=logging.WARNING)
    serveur = make_url(arguments.serveur)
    relais = Relais(serveur.host or "127.0.0.1", serveur.port or 5432, arguments.delai_ms / 1000)
    port = relais.demarrer()
    url_base = creer_base(arguments.serveur)
    try:
        url_relais = par_le_relais(url_base, port)
        direct, relaye = aller_retour_ms(url_base), aller_retour_ms(url_relais)
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
              f"{platform.system()} ; relais : {arguments.delai_ms:g} ms par sens.")
        print(f"select 1 (un aller-retour) : direct {direct:.2f} ms, par le relais {relaye:.2f} ms "
              f"(latence ajoutée {relaye - direct:.2f} ms)")
        debut = time.perf_counter()
        jeu = remplir(url_base)
        print(f"Démonstration remplie en {time.perf_counter() - debut:.1f} s ; dossier mesuré n° {jeu.dossier_id} ; "
              f"{jeu.avis_demandes} avis demandés au référent.", flush=True)
        series = {"150 dossiers": (serie(url_relais, relais, jeu, arguments.repetitions),
                                   serie(url_base, None, jeu, arguments.repetitions))}
        debut = time.perf_counter()
        total = agrandir(url_base, arguments.copies)
        print(f"Base agrandie à {total} dossiers en {time.perf_counter() - debut:.1f} s.", flush=True)
        series[f"{total} dossiers"] = (serie(url_relais, relais, jeu, arguments.repetitions),
                                       serie(url_base, None, jeu, arguments.repetitions))
        print()
        print(f"Médianes de {arguments.repetitions} essais après 3 d'échauffement, par le relais "
              f"({2 * arguments.delai_ms:g} ms par aller-retour) ; cible {CIBLE_MS} ms "
              f"(⚠ : dépassée), le {dt.date.today():%d/%m/%Y} :")
        print()
        print(tableau(series))
        for taille, (mesures, _directes) in series.items():
            nombres = {nom: m.nombre_taches for nom, m in mesures.items()
                       if nom.startswith("Mes tâches") and m.nombre_taches is not None}
            print(f"Tâches listées ({taille}) : " + ", ".join(f"{nom.split(' : ')[1]} {n}" for nom, n in nombres.items()))
        texte = details(series, arguments.detail)
        if texte:
            print("\nRequêtes par opération (dernier essai)" + ("" if arguments.detail else ", au-delà de la cible")
                  + " :" + texte)
    finally:
        supprimer_base(arguments.serveur, url_base)
        relais.arreter()


if __name__ == "__main__":
    main()
