"""Base partagée : la base PostgreSQL fait respecter elle-même ce que les services font respecter.

Chaque essai se connecte avec les vrais identifiants de base d'un rôle (personnels, et de poste partagés)
et tente les contournements d'un collègue malveillant qui aurait ces identifiants : désactiver le
déclencheur de l'historique, le modifier, l'effacer, le vider ; se promouvoir administrateur ; changer le
montant d'un autre cofinanceur ; l'avis d'un autre référent ; modifier ou supprimer une table. PostgreSQL
doit tout refuser, et les chemins normaux de l'application (connexion, ouverture, enregistrement d'un
dossier, avis, historique) doivent marcher avec ces mêmes identifiants, par les services.

Les rôles sont communs à tout le serveur : leur préfixe est le nom de la base de test (unique) et ils
sont supprimés après la base. Il faut ``INSTRUCTION_TEST_POSTGRES_URL`` et un rôle de test qui a
CREATEDB et CREATEROLE (``.ci/run`` les donne).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import textwrap
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.db import roles
from instruction.domaine.erreurs import ErreurInstruction, SchemaPasAJour
from instruction.domaine.horloge import aujourd_hui
from tests import fabrique
from tests.conftest import RAISON_SANS_POSTGRES, URL_POSTGRES, creer_base_postgres, supprimer_base_postgres

psycopg = pytest.importorskip("psycopg")

RAISON = RAISON_SANS_POSTGRES.replace("rôle avec CREATEDB", "rôle avec CREATEDB et CREATEROLE")
pytestmark = [pytest.mark.postgresql, pytest.mark.skipif(not URL_POSTGRES, reason=RAISON)]

COMPTES = ("a.durand", "m.lefebvre", "r.urbain", "e.ecole", "f.ville", "f.region", "l.lecteur")
POSTES = {"poste-instruction": ("instruction", droits.INSTRUCTEUR), "poste-lecture": ("lecture", droits.LECTEUR)}
TOUS = ("a.durand", "m.lefebvre", "r.urbain", "f.ville", "l.lecteur", *POSTES)
NON_ADMINISTRATEURS = tuple(q for q in TOUS if q != "a.durand")
REFUS = psycopg.errors.InsufficientPrivilege  # SQLSTATE 42501


@dataclass
class BasePartagee:
    url: str  # celle du rôle propriétaire (le rôle de test)
    prefixe: str
    proprietaire: str
    identifiants: dict[str, roles.NouvelIdentifiant] = field(default_factory=dict)
    mots_de_passe: dict[str, str] = field(default_factory=dict)  # ceux de l'application (provisoires)
    demandes: dict[str, int] = field(default_factory=dict)  # destinataire → demande d'avis
    avis: dict[str, int] = field(default_factory=dict)
    comptes: dict[str, int] = field(default_factory=dict)
    dossier_id: int = 0

    def url_de(self, qui: str) -> str:
        identifiant = self.identifiants[qui]
        return make_url(self.url).set(username=identifiant.role_base, password=identifiant.mot_de_passe) \
            .render_as_string(hide_password=False)

    @contextlib.contextmanager
    def sql(self, qui: str):
        """Une connexion psycopg brute avec les identifiants de base de ``qui``, en validation automatique."""
        url = make_url(self.url_de(qui))
        with psycopg.connect(host=url.host, port=url.port or 5432, dbname=url.database, user=url.username,
                             password=url.password, autocommit=True) as connexion:
            yield connexion

    @contextlib.contextmanager
    def contexte(self, qui: str):
        """L'application ouverte avec les identifiants de base de ``qui`` (comme sur son poste)."""
        from instruction.services.contexte import ouvrir

        contexte = ouvrir(self.url_de(qui))
        try:
            yield contexte
        finally:
            contexte.fermer()

    def valeur(self, requete: str, *parametres):
        """Relue par le propriétaire : l'état réel de la base, quelles que soient les règles par ligne."""
        with psycopg.connect(_conninfo(self.url), autocommit=True) as connexion:
            return connexion.execute(requete, parametres).fetchone()[0]


def _conninfo(url: str) -> str:
    u = make_url(url)
    return psycopg.conninfo.make_conninfo(host=u.host, port=u.port or 5432, dbname=u.database, user=u.username,
                                          password=u.password)


def _supprimer_roles(prefixe: str) -> None:
    with psycopg.connect(_conninfo(URL_POSTGRES), autocommit=True) as connexion:
        noms = [n for (n,) in connexion.execute(
            "select rolname from pg_roles where rolname like %s order by rolcanlogin desc, rolname",
            (prefixe.replace("_", r"\_") + r"\_%",))]
        for nom in noms:  # les identifiants d'abord, les groupes ensuite
            connexion.execute(psycopg.sql.SQL("drop role if exists {}").format(psycopg.sql.Identifier(nom)))


def _exiger_createrole() -> None:
    with psycopg.connect(_conninfo(URL_POSTGRES), autocommit=True) as connexion:
        role, createrole = connexion.execute(
            "select rolname, rolcreaterole or rolsuper from pg_roles where rolname = current_user").fetchone()
    if not createrole:
        pytest.skip(f"Le rôle de test « {role} » n'a pas l'attribut CREATEROLE (exigé pour créer les groupes et les "
                    f"identifiants de base) : su postgres -c \"psql -c 'alter role {role} createrole'\"")


def _comme(contexte, utilisateur, action):
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        resultat = action(uow)
        uow.valider()
    return resultat


@pytest.fixture(scope="module")
def base(modele_postgres):
    """Une base partagée vécue : une équipe, un dossier, des avis demandés et donnés, rôles installés et un
    identifiant de base par personne, plus deux identifiants de poste partagés."""
    from instruction.services import avis, comptes
    from instruction.services.contexte import ouvrir

    _exiger_createrole()
    url = creer_base_postgres(modele_postgres)
    prefixe = roles.prefixe_par_defaut(make_url(url).database)
    contexte = ouvrir(url)
    try:
        equipe = fabrique.Equipe(contexte)
        donnees = BasePartagee(url, prefixe, make_url(url).username)
        administrateur = droits.poste("poste-des-tests")
        for compte in vars(equipe).values():
            donnees.comptes[compte.identifiant] = compte.id
            donnees.mots_de_passe[compte.identifiant] = _comme(
                contexte, administrateur, lambda uow, c=compte: comptes.reinitialiser(uow, c.id))
        donnees.dossier_id = fabrique.dossier(contexte)
        contexte.utilisateur = equipe.instructeur
        with contexte.unite() as uow:
            possibles = {d.financeur or next(u.identifiant for u in vars(equipe).values() if u.id == d.compte_id): d
                         for d in avis.destinataires(uow, donnees.dossier_id)}
        cles = ("r.urbain", "e.ecole", "ville-calais", "region")
        ids = _comme(contexte, equipe.instructeur, lambda uow: avis.demander(
            uow, donnees.dossier_id, [possibles[c] for c in cles], aujourd_hui() + dt.timedelta(days=15)))
        donnees.demandes = dict(zip(cles, ids, strict=True))
        # Avis reçus par courriel et saisis par l'instructeur : des lignes à attaquer.
        for cle, montants in (("e.ecole", {}), ("ville-calais", {"ville-calais": "1 000", "etat-pv": "2 000"}),
                              ("region", {"region": "3 000", "ville-calais": "500"})):
            _comme(contexte, equipe.instructeur, lambda uow, c=cle, mt=montants: avis.donner(
                uow, donnees.demandes[c], avis.SaisieAvis("favorable", montants=mt)))
        with contexte.unite() as uow:
            donnees.avis = {cle: uow.session.scalar(select(m.Avis.id).where(m.Avis.demande_id == donnees.demandes[cle]))
                            for cle in ("e.ecole", "ville-calais", "region")}
        installation = roles.installer(contexte.moteur)
        assert installation.prefixe == prefixe and installation.identifiants_personnels
        with contexte.moteur.connect() as connexion, connexion.begin():
            for identifiant in COMPTES:
                donnees.identifiants[identifiant] = roles.creer_identifiant(connexion, identifiant)
            for cle, (nom, groupe) in POSTES.items():
                donnees.identifiants[cle] = roles.creer_identifiant_poste(connexion, nom, groupe)
        yield donnees
    finally:
        contexte.fermer()
        supprimer_base_postgres(url)
        _supprimer_roles(prefixe)


# --- Installation ----------------------------------------------------------------------------------------


def test_installation_relancable_et_controlee(base):
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(base.url)
    try:
        avant = base.valeur("select count(*) from pg_roles where rolname like %s", base.prefixe + "%")
        installation = roles.installer(contexte.moteur)  # une deuxième fois : rien ne casse, rien ne double
        assert installation.groupes_crees == [] and installation.problemes == []
        assert base.valeur("select count(*) from pg_roles where rolname like %s", base.prefixe + "%") == avant
        assert roles.controler(contexte.moteur) == []
        with pytest.raises(ErreurInstruction, match="préfixe « " + base.prefixe):
            roles.installer(contexte.moteur, "autre_prefixe")
    finally:
        contexte.fermer()
    # Chaque identifiant a le groupe de son compte, et un seul.
    with psycopg.connect(_conninfo(base.url), autocommit=True) as connexion:
        groupes = dict(connexion.execute("""
            select m.rolname, string_agg(g.rolname, ',') from pg_auth_members a
            join pg_roles m on m.oid = a.member join pg_roles g on g.oid = a.roleid
            where m.rolname like %s group by m.rolname""", (base.prefixe + r"\_%",)).fetchall())
    assert groupes[base.identifiants["f.ville"].role_base] == f"{base.prefixe}_financeur"
    assert groupes[base.identifiants["a.durand"].role_base] == f"{base.prefixe}_administrateur"
    assert groupes[base.identifiants["poste-lecture"].role_base] == f"{base.prefixe}_lecteur"


def test_seul_le_proprietaire_installe(base):
    with base.contexte("a.durand") as contexte, pytest.raises(ErreurInstruction, match="rôle propriétaire"):
        roles.installer(contexte.moteur)


# --- Contournements : chacun essayé avec les identifiants de chaque rôle ----------------------------------

CONTOURNEMENTS = {
    "désactiver le déclencheur de l'historique": "alter table historique disable trigger historique_sans_modification",
    "désactiver tous les déclencheurs": "alter table historique disable trigger all",
    "supprimer le déclencheur": "drop trigger historique_sans_modification on historique",
    "remplacer la fonction du déclencheur": "create or replace function historique_ajout_seul() returns trigger "
                                            "language plpgsql as $$ begin return new; end $$",
    "couper les déclencheurs de la session": "set session_replication_role = replica",
    "réécrire l'historique": "update historique set acteur = 'personne'",
    "effacer l'historique": "delete from historique",
    "vider l'historique": "truncate historique",
    "supprimer une table": "drop table dossier",
    "modifier une table": "alter table dossier add column pirate text",
    "créer une table": "create table pirate (x integer)",
    "changer de propriétaire": "alter table historique owner to {moi}",
    "couper la sécurité par ligne": "alter table avis_montant disable row level security",
    "supprimer une règle par ligne": "drop policy acces_financeur on avis_montant",
    "devenir le propriétaire": "set role {proprietaire}",
    "s'accorder le rôle propriétaire": "grant {proprietaire} to {moi}",
    "s'accorder le groupe des administrateurs": "grant {prefixe}_administrateur to {moi}",
    "se donner CREATEROLE": "alter role {moi} createrole",
    "changer la révision du schéma": "update alembic_version set version_num = 'pirate'",
    "modifier le référentiel": "update financeur set libelle = 'pirate'",
    "vider une table": "truncate brouillon",
}
COMPTES_REFUSES = {
    "promouvoir un lecteur administrateur": "update utilisateur set role = 'administrateur' where identifiant = 'l.lecteur'",
    "réactiver ou désactiver un compte": "update utilisateur set actif = false where identifiant = 'a.durand'",
    "créer un compte administrateur": "insert into utilisateur (identifiant, nom, role, actif, empreinte, a_changer, "
                                      "echecs, cree_le) values ('pirate', 'Pirate', 'administrateur', true, 'x', false, "
                                      "0, now())",
    "supprimer un compte": "delete from utilisateur where identifiant = 'a.durand'",
    "s'ajouter un thème": "insert into utilisateur_theme values (1, 'urbain')",
    "créer un identifiant de base": "select instruction_acces.creer_identifiant('{prefixe}_u_pirate', 'l.lecteur', "
                                    "'SCRAM-SHA-256$4096:c2Vs$YQ==:YQ==')",
}


def _tenter(base, qui: str, requete: str) -> None:
    with base.sql(qui) as connexion:
        moi = connexion.execute("select session_user").fetchone()[0]
        with pytest.raises(REFUS):
            connexion.execute(requete.format(moi=moi, proprietaire=base.proprietaire, prefixe=base.prefixe))


@pytest.mark.parametrize("qui", TOUS)
@pytest.mark.parametrize("contournement", CONTOURNEMENTS)
def test_contournement_refuse_par_postgresql(base, qui, contournement):
    historique = base.valeur("select count(*) || ':' || max(acteur) from historique")
    _tenter(base, qui, CONTOURNEMENTS[contournement])
    assert base.valeur("select count(*) || ':' || max(acteur) from historique") == historique
    assert base.valeur("select count(*) from pg_trigger where tgrelid = 'historique'::regclass and tgenabled = 'O' "
                       "and not tgisinternal") == 2


@pytest.mark.parametrize("qui", NON_ADMINISTRATEURS)
@pytest.mark.parametrize("contournement", COMPTES_REFUSES)
def test_seuls_les_administrateurs_changent_les_comptes(base, qui, contournement):
    comptes = base.valeur("select string_agg(identifiant || role || actif, ',' order by id) from utilisateur")
    _tenter(base, qui, COMPTES_REFUSES[contournement])
    assert base.valeur("select string_agg(identifiant || role || actif, ',' order by id) from utilisateur") == comptes


def test_l_administrateur_change_un_role_par_sa_connexion(base):
    """Témoin : le même ordre passe pour un administrateur (le refus des autres n'est pas une faute de frappe)."""
    with base.sql("a.durand") as connexion:
        assert connexion.execute("update utilisateur set nom = nom where identifiant = 'l.lecteur'").rowcount == 1


def test_on_ne_touche_qu_au_suivi_de_son_propre_compte(base):
    """Connexion et changement de mot de passe écrivent le compte de la personne ; l'empreinte d'un autre
    compte reste hors d'atteinte (la ligne n'est pas visible pour une modification)."""
    empreinte = base.valeur("select empreinte from utilisateur where identifiant = 'a.durand'")
    for qui in ("l.lecteur", "m.lefebvre", "r.urbain", "f.ville"):
        with base.sql(qui) as connexion:
            assert connexion.execute("update utilisateur set empreinte = 'connue', a_changer = false "
                                     "where identifiant = 'a.durand'").rowcount == 0
            assert connexion.execute("update utilisateur set echecs = echecs where identifiant = %s",
                                     (qui,)).rowcount == 1
    assert base.valeur("select empreinte from utilisateur where identifiant = 'a.durand'") == empreinte


def test_un_identifiant_ne_se_fait_pas_passer_pour_un_autre(base):
    with base.sql("r.urbain") as connexion:
        with pytest.raises(REFUS):
            connexion.execute(psycopg.sql.SQL("set role {}").format(
                psycopg.sql.Identifier(base.identifiants["e.ecole"].role_base)))
        with pytest.raises(REFUS):
            connexion.execute(psycopg.sql.SQL("set session authorization {}").format(
                psycopg.sql.Identifier(base.identifiants["e.ecole"].role_base)))
        connexion.execute("set app.utilisateur = 'e.ecole'")  # une variable de session ne change rien
        # Ni des tables temporaires du même nom placées en tête du chemin de recherche.
        connexion.execute("create temp table identifiant (role_base name, identifiant text)")
        connexion.execute("insert into identifiant values (session_user, 'a.durand')")
        connexion.execute("create temp table utilisateur as select * from public.utilisateur")
        connexion.execute("update utilisateur set identifiant = 'a.durand', id = 1 where identifiant = 'r.urbain'")
        connexion.execute("set search_path = pg_temp, public, instruction_acces")
        assert connexion.execute("select instruction_acces.compte_courant()").fetchone()[0] == base.comptes["r.urbain"]
        assert connexion.execute("update avis set sens = 'reserve' where id = %s", (base.avis["e.ecole"],)).rowcount == 0


# --- Règles par ligne : avis et montants ---------------------------------------------------------------


def test_un_financeur_ne_change_pas_le_montant_d_un_autre_cofinanceur(base):
    montants = "select string_agg(avis_id || financeur_code || montant, ',' order by avis_id, financeur_code) " \
               "from avis_montant"
    avant = base.valeur(montants)
    avis_ville, avis_region = base.avis["ville-calais"], base.avis["region"]
    with base.sql("f.ville") as connexion:
        # Dans l'avis demandé à la Ville, la proposition pour l'État : ni modifiée, ni effacée, ni ajoutée.
        for requete in (f"update avis_montant set montant = 1 where avis_id = {avis_ville} and financeur_code = 'etat-pv'",
                        "delete from avis_montant where financeur_code <> 'ville-calais'",
                        f"insert into avis_montant values ({avis_ville}, 'departement', 100)",
                        f"update avis_montant set financeur_code = 'departement' where avis_id = {avis_ville} "
                        "and financeur_code = 'ville-calais'",
                        "alter table avis_montant disable trigger instruction_acces_montant"):
            with pytest.raises(REFUS):
                connexion.execute(requete)
        # Dans l'avis demandé à la Région, même la ligne « Ville » n'est pas à elle : invisible pour une
        # modification (0 ligne), et un ajout est refusé.
        assert connexion.execute("update avis_montant set montant = 1 where avis_id = %s", (avis_region,)).rowcount == 0
        with pytest.raises(REFUS, match="row-level security"):
            connexion.execute("insert into avis_montant values (%s, 'ville-calais', 100)", (avis_region,))
        assert connexion.execute("update avis set sens = 'defavorable', commentaire = 'x' where id = %s",
                                 (avis_region,)).rowcount == 0
    with base.sql("f.region") as connexion:  # la Région, dans l'avis demandé à la Région, sur la ligne « Ville »
        with pytest.raises(REFUS, match="que le montant de son cofinanceur"):
            connexion.execute("update avis_montant set montant = 1 where financeur_code = 'ville-calais'")
    assert base.valeur(montants) == avant
    with base.sql("f.ville") as connexion:  # témoin : son propre montant, dans l'avis demandé à la Ville
        assert connexion.execute("update avis_montant set montant = montant where avis_id = %s "
                                 "and financeur_code = 'ville-calais'", (avis_ville,)).rowcount == 1


def test_un_referent_ne_touche_pas_l_avis_d_un_autre(base):
    avis_ecole = base.avis["e.ecole"]
    avant = base.valeur("select sens || coalesce(commentaire, '') || auteur from avis where id = %s", avis_ecole)
    with base.sql("r.urbain") as connexion:
        assert connexion.execute("update avis set sens = 'defavorable', commentaire = 'pirate' where id = %s",
                                 (avis_ecole,)).rowcount == 0
        assert connexion.execute("delete from avis where id = %s", (avis_ecole,)).rowcount == 0
    with base.sql("r.urbain") as connexion:
        # Un avis à la place d'un autre destinataire, ou son propre avis déplacé sur la demande d'un autre.
        autre = base.valeur("select id from demande_avis where financeur_code = 'region'")
        with pytest.raises(REFUS, match="row-level security"):
            connexion.execute("insert into avis (demande_id, auteur, sens, confidentiel, donne_le) "
                              "values (%s, 'r.urbain', 'favorable', false, now())", (base.demandes["e.ecole"],))
        with pytest.raises(REFUS):
            connexion.execute("update demande_avis set destinataire_id = %s where id = %s",
                              (base.comptes["r.urbain"], autre))
    assert base.valeur("select sens || coalesce(commentaire, '') || auteur from avis where id = %s", avis_ecole) == avant


def test_un_identifiant_de_poste_ne_donne_pas_l_avis_d_un_referent_ni_d_un_financeur(base):
    """Un identifiant partagé ne désigne personne : les règles qui dépendent de la personne lui sont fermées
    (sauf pour un instructeur, qui saisit un avis reçu par courriel)."""
    with base.sql("poste-lecture") as connexion:
        with pytest.raises(REFUS):
            connexion.execute("update avis set sens = 'reserve' where id = %s", (base.avis["e.ecole"],))
        with pytest.raises(REFUS):
            connexion.execute("update dossier set intitule = 'pirate'")


# --- Les chemins normaux de l'application, avec ces identifiants ----------------------------------------


def _connecter(base, contexte, identifiant):
    from instruction.services import comptes

    with contexte.unite() as uow:
        utilisateur = comptes.connecter(uow, identifiant, base.mots_de_passe[identifiant])
    contexte.utilisateur = utilisateur
    return utilisateur


def test_l_instructeur_ouvre_enregistre_un_dossier_et_l_historique_le_note(base):
    from instruction.domaine import dossier as d
    from instruction.services import dossier as service_dossier
    from instruction.services import historique

    with base.contexte("m.lefebvre") as contexte:
        _connecter(base, contexte, "m.lefebvre")
        with contexte.unite() as uow:
            fiche = service_dossier.lire(uow, base.dossier_id)
        saisie = d.saisie_depuis(fiche.donnees)
        saisie.intitule = "Jardin partagé des Fontinettes (2e année)"
        with contexte.unite() as uow:
            service_dossier.enregistrer(uow, base.dossier_id, d.valider(saisie), version=fiche.version)
            uow.valider()
        with contexte.unite() as uow:
            entrees = historique.du_dossier(uow, base.dossier_id)
        assert entrees[0].acteur == "m.lefebvre" and "2e année" in (entrees[0].nouveau or "")
    assert base.valeur("select intitule from dossier where id = %s", base.dossier_id).endswith("(2e année)")


def test_le_referent_donne_et_corrige_son_avis(base):
    from instruction.services import avis

    with base.contexte("r.urbain") as contexte:
        _connecter(base, contexte, "r.urbain")
        demande = base.demandes["r.urbain"]
        for sens, commentaire in (("favorable", ""), ("reserve", "Prévoir un second atelier.")):
            with contexte.unite() as uow:
                avis.donner(uow, demande, avis.SaisieAvis(sens, commentaire=commentaire, montants={"ville-calais": "800"}))
                uow.valider()
        with contexte.unite() as uow, pytest.raises(droits.Interdit):  # le service refuse avant la base
            avis.donner(uow, base.demandes["e.ecole"], avis.SaisieAvis("favorable"))
    assert base.valeur("select sens from avis where demande_id = %s", demande) == "reserve"
    assert base.valeur("select string_agg(distinct action, ', ') from historique where acteur = 'r.urbain' "
                       "and objet = 'avis'") == "avis corrigé, avis donné"


def test_le_financeur_corrige_son_montant_et_garde_ceux_des_autres(base):
    from instruction.services import avis

    with base.contexte("f.ville") as contexte:
        _connecter(base, contexte, "f.ville")
        with contexte.unite() as uow:
            avis.donner(uow, base.demandes["ville-calais"], avis.SaisieAvis("favorable", montants={"ville-calais": "1 500"}))
            uow.valider()
    montants = dict(psycopg.connect(_conninfo(base.url), autocommit=True).execute(
        "select financeur_code, montant from avis_montant where avis_id = %s", (base.avis["ville-calais"],)).fetchall())
    assert montants == {"ville-calais": 150000, "etat-pv": 200000}


def test_le_lecteur_se_connecte_consulte_et_change_son_mot_de_passe(base):
    from instruction.services import comptes, dossiers

    with base.contexte("l.lecteur") as contexte:
        _connecter(base, contexte, "l.lecteur")
        with contexte.unite() as uow:
            assert [ligne.id for ligne in dossiers.lister(uow)] == [base.dossier_id]
            assert comptes.doit_changer(uow)
            nouveau = "un mot de passe du lecteur"
            comptes.changer_mot_de_passe(uow, base.mots_de_passe["l.lecteur"], nouveau, nouveau)
            uow.valider()
        base.mots_de_passe["l.lecteur"] = nouveau
        with contexte.unite() as uow:
            # Un autre compte, avec l'identifiant de base du lecteur : refusé en disant sous quel compte ce poste
            # se connecte (même avec le bon mot de passe), et l'essai n'est compté nulle part.
            echecs = base.valeur("select echecs from utilisateur where identifiant = 'a.durand'")
            with pytest.raises(comptes.ConnexionRefusee, match="identifiant de base du compte « l.lecteur »"):
                comptes.connecter(uow, "a.durand", base.mots_de_passe["a.durand"])
        assert base.valeur("select echecs from utilisateur where identifiant = 'a.durand'") == echecs
        with pytest.raises(ErreurInstruction):  # un lecteur connecté n'écrit rien, même en forçant le service
            _comme(contexte, droits.Utilisateur("l.lecteur", "Louis", droits.INSTRUCTEUR, base.comptes["l.lecteur"]),
                   lambda uow: uow.session.execute(text("update dossier set intitule = 'pirate'")))
    assert base.valeur("select count(*) from historique where acteur = 'l.lecteur' and action = 'mot de passe changé'") == 1


def test_l_administrateur_cree_un_compte_et_son_identifiant_qui_suit_le_compte(base):
    from instruction.services import comptes, identifiants_base

    with base.contexte("a.durand") as contexte:
        _connecter(base, contexte, "a.durand")
        with contexte.unite() as uow:
            assert identifiants_base.disponibles(uow)
            assert identifiants_base.compte_de_la_connexion(uow) == "a.durand"
            compte_id, _provisoire = comptes.creer(uow, comptes.SaisieCompte("n.nouvelle", "Nina Nouvelle",
                                                                             droits.LECTEUR))
            nouveau = identifiants_base.creer(uow, compte_id)
            uow.valider()
        assert nouveau.role_base == f"{base.prefixe}_u_n_nouvelle"
        base.identifiants["n.nouvelle"] = nouveau
        with base.sql("n.nouvelle") as connexion:
            assert connexion.execute("select instruction_acces.compte_courant()").fetchone()[0] == compte_id
            with pytest.raises(REFUS):
                connexion.execute("update dossier set intitule = 'x'")
        # Devenue instructrice : son identifiant de base change de groupe tout seul.
        with contexte.unite() as uow:
            comptes.modifier(uow, compte_id, comptes.SaisieCompte("n.nouvelle", "Nina Nouvelle", droits.INSTRUCTEUR))
            uow.valider()
        with base.sql("n.nouvelle") as connexion:
            assert connexion.execute("update dossier set intitule = intitule").rowcount == 1
        # Désactivée : l'identifiant ne se connecte plus.
        with contexte.unite() as uow:
            comptes.desactiver(uow, compte_id)
            uow.valider()
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in|n'est pas autorisé"):
            with base.sql("n.nouvelle"):
                pass
        assert base.valeur("select count(*) from pg_auth_members where member = %s::regrole",
                           nouveau.role_base) == 0
        with contexte.unite() as uow:
            identifiants_base.retirer(uow, nouveau.role_base)
            uow.valider()
    assert base.valeur("select count(*) from pg_roles where rolname = %s", nouveau.role_base) == 0
    assert base.valeur("select count(*) from historique where action like 'identifiant de base%%'") == 2


def test_l_instructeur_ne_cree_pas_d_identifiant(base):
    from instruction.services import identifiants_base

    with base.contexte("m.lefebvre") as contexte:
        contexte.utilisateur = droits.poste("m.lefebvre")  # administrateur d'une base sans comptes
        # Même un poste modifié qui se croirait administrateur : la base refuse.
        with contexte.unite() as uow, pytest.raises(droits.Interdit, match="administrateurs"):
            roles.creer_identifiant(uow.session.connection(), "l.lecteur")
        with contexte.unite() as uow, pytest.raises(droits.Interdit, match="administrateurs"):
            identifiants_base.creer(uow, base.comptes["l.lecteur"])


# --- Sauvegarde et restauration -------------------------------------------------------------------------


def test_sauvegarde_par_un_administrateur_restauration_par_le_proprietaire(base, tmp_path):
    """Le dernier essai sur la base partagée : la restauration remplace tout (le même contenu ici)."""
    from instruction.db.sauvegarde import restaurer, sauvegarder
    from instruction.services.contexte import ouvrir

    with base.contexte("a.durand") as contexte:
        fichier = sauvegarder(contexte.moteur, tmp_path / "partagee.sqlite")
        with pytest.raises(ErreurInstruction) as refus:  # un poste ne remplace pas l'historique
            restaurer(contexte.moteur, fichier)
        assert "42501" in refus.value.detail or "owner" in refus.value.detail or "permission" in refus.value.detail
        assert base.valeur("select count(*) from historique") > 0
    proprietaire = ouvrir(base.url)
    try:
        restaurer(proprietaire.moteur, fichier)
        assert roles.installer(proprietaire.moteur).problemes == []
    finally:
        proprietaire.fermer()
    with base.sql("f.ville") as connexion:  # identifiants et règles par ligne toujours en place
        assert connexion.execute("select instruction_acces.compte_courant()").fetchone()[0] == base.comptes["f.ville"]
        with pytest.raises(REFUS):
            connexion.execute("update avis_montant set montant = 1 where financeur_code = 'etat-pv'")
        with pytest.raises(REFUS):
            connexion.execute("delete from historique")


# --- Un poste ne met pas le schéma à jour ----------------------------------------------------------------

MIGRATION_SUIVANTE = '''
"""Migration de test : une table de plus, créée par le propriétaire après l'installation des rôles."""
from alembic import op
import sqlalchemy as sa

revision = "9100_roles"
down_revision = "{tete}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("essai_roles", sa.Column("id", sa.Integer, primary_key=True), sa.Column("texte", sa.Text))


def downgrade():
    op.drop_table("essai_roles")
'''


def test_un_poste_demande_la_mise_a_jour_et_les_tables_suivantes_recoivent_leurs_droits(modele_postgres, tmp_path):
    from instruction.db import connexion as cx
    from instruction.db.migrations import TETE
    from instruction.db.schema import preparer
    from instruction.services.contexte import ouvrir

    _exiger_createrole()
    url = creer_base_postgres(modele_postgres)
    prefixe = roles.prefixe_par_defaut(make_url(url).database)
    emplacement = tmp_path / "versions_roles"
    emplacement.mkdir()
    (emplacement / "9100_roles.py").write_text(textwrap.dedent(MIGRATION_SUIVANTE.format(tete=TETE)), encoding="utf-8")
    proprietaire = ouvrir(url)
    try:
        fabrique.compte(proprietaire, "a.durand", droits.ADMINISTRATEUR)
        fabrique.compte(proprietaire, "m.lefebvre", droits.INSTRUCTEUR)
        fabrique.compte(proprietaire, "l.lecteur", droits.LECTEUR)
        roles.installer(proprietaire.moteur)
        with proprietaire.moteur.connect() as connexion, connexion.begin():
            instructeur = roles.creer_identifiant(connexion, "m.lefebvre")
            lecteur = roles.creer_identifiant(connexion, "l.lecteur")
        url_instructeur = make_url(url).set(username=instructeur.role_base, password=instructeur.mot_de_passe)
        poste = cx.creer_moteur(url_instructeur.render_as_string(hide_password=False))
        try:
            with pytest.raises(SchemaPasAJour, match="administrateur.*rôle propriétaire") as erreur:
                preparer(poste, emplacements=[emplacement])
            assert instructeur.role_base in erreur.value.message and "Rien n'a été modifié" in erreur.value.message
        finally:
            poste.dispose()
        with psycopg.connect(_conninfo(url), autocommit=True) as connexion:
            assert connexion.execute("select version_num from alembic_version").fetchone()[0] == TETE
        # Le propriétaire met à jour, sans relancer l'installation : les droits par défaut s'appliquent.
        assert preparer(proprietaire.moteur, emplacements=[emplacement]).revision_apres == "9100_roles"
        url_lecteur = make_url(url).set(username=lecteur.role_base, password=lecteur.mot_de_passe)
        with psycopg.connect(_conninfo(url_instructeur.render_as_string(hide_password=False)), autocommit=True) as c:
            c.execute("insert into essai_roles (texte) values ('écrit par un instructeur')")
            with pytest.raises(REFUS):
                c.execute("drop table essai_roles")
        with psycopg.connect(_conninfo(url_lecteur.render_as_string(hide_password=False)), autocommit=True) as c:
            assert c.execute("select texte from essai_roles").fetchall() == [("écrit par un instructeur",)]
            with pytest.raises(REFUS):
                c.execute("insert into essai_roles (texte) values ('lecteur')")
            with pytest.raises(REFUS):
                c.execute("delete from historique")
    finally:
        proprietaire.fermer()
        supprimer_base_postgres(url)
        _supprimer_roles(prefixe)


# --- La ligne de commande --------------------------------------------------------------------------------


def test_la_ligne_de_commande_installe_et_cree_les_identifiants(base, capsys):
    from instruction.cli import SUCCES, main

    assert main(["administrer", "installer-roles", "--database", base.url]) == SUCCES
    sortie = capsys.readouterr().out
    assert f"préfixe « {base.prefixe} »" in sortie and "(existaient déjà)" in sortie
    assert main(["administrer", "creer-identifiant-poste", "accueil", "--role", "lecteur", "--database", base.url]) \
        == SUCCES
    sortie = capsys.readouterr().out
    role = f"{base.prefixe}_poste_accueil"
    assert f"Identifiant de base : {role}" in sortie
    mot_de_passe = sortie.split("à transmettre à la personne) : ")[1].split()[0]
    with psycopg.connect(_conninfo(make_url(base.url).set(username=role, password=mot_de_passe)
                                   .render_as_string(hide_password=False)), autocommit=True) as connexion:
        with pytest.raises(REFUS):
            connexion.execute("insert into historique (le, acteur, objet, action) values (now(), 'x', 'x', 'x') "
                              "returning id; delete from historique")
    assert main(["administrer", "identifiants", "--database", base.url]) == SUCCES
    assert f"{role} : poste partagé, groupe lecteur" in capsys.readouterr().out
    assert main(["administrer", "retirer-identifiant", role, "--database", base.url]) == SUCCES
    assert base.valeur("select count(*) from pg_roles where rolname = %s", role) == 0
    # Un référent n'a pas d'identifiant partagé (la base doit savoir qui donne l'avis).
    with pytest.raises(SystemExit) as sortie_usage:
        main(["administrer", "creer-identifiant-poste", "x", "--role", "referent", "--database", base.url])
    assert sortie_usage.value.code == 2 and "choix invalide" in capsys.readouterr().err
    with base.contexte("a.durand") as contexte, contexte.moteur.connect() as connexion:
        with pytest.raises(ErreurInstruction, match="référent ou un financeur a son identifiant personnel"):
            roles.creer_identifiant_poste(connexion, "x", droits.REFERENT)


def test_sans_rôles_sur_sqlite(tmp_path, capsys):
    from instruction.cli import PROBLEME, main

    assert main(["administrer", "installer-roles", "--database", f"sqlite:///{tmp_path / 'base.sqlite'}"]) == PROBLEME
    assert "PostgreSQL" in capsys.readouterr().err
