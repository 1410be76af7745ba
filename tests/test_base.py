"""La base : migrations, sauvegarde préalable, et messages clairs quand quelque chose ne va pas.

Chaque cas d'erreur vérifie aussi que rien n'a été modifié.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from instruction.db import connexion as cx
from instruction.db.migrations import TETE
from instruction.db.schema import config_alembic, preparer, revisions_connues
from instruction.domaine.erreurs import (
    BaseEtrangere,
    BaseInaccessible,
    BaseTropRecente,
    MigrationEchouee,
    PasUneBase,
)
from instruction.services.contexte import ouvrir

RACINE = Path(__file__).resolve().parent.parent


def test_la_constante_de_tete_egale_la_tete_alembic():
    tete, connues = revisions_connues()
    assert TETE == tete
    assert TETE in connues


def test_base_vide_migree_jusqu_a_la_tete(url_vide):
    moteur = cx.creer_moteur(url_vide)
    try:
        preparation = preparer(moteur)
        assert preparation.revision_avant is None and preparation.revision_apres == TETE
        assert preparation.sauvegarde is None, "rien à sauvegarder dans une base vide"
        with moteur.connect() as connexion:
            tables = set(inspect(connexion).get_table_names())
            assert {"dossier", "porteur", "ligne_budget", "objectif_operationnel"} <= tables
        assert preparer(moteur).migree is False, "une base à jour n'est pas touchée"
        # Le schéma créé par les migrations est exactement celui des modèles (tables, colonnes, index,
        # contraintes) : une migration oubliée ou fausse se voit ici.
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        from instruction.db.base import Base
        from instruction.db import modeles  # noqa: F401 — enregistre toutes les tables

        with moteur.connect() as connexion:
            ecarts = compare_metadata(MigrationContext.configure(connexion, opts={"compare_type": True}),
                                      Base.metadata)
        assert ecarts == []
    finally:
        moteur.dispose()


def test_sqlite_cles_etrangeres_wal_et_attente(tmp_path):
    moteur = cx.creer_moteur(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with moteur.connect() as connexion:
        assert connexion.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connexion.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connexion.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    moteur.dispose()


# --- Migrations sur une base qui contient des données ---------------------------------------------


def _remplir_a_la_premiere_revision(url: str) -> None:
    """Une base à la première révision, avec un porteur, un dossier et son budget (SQL brut)."""
    from alembic import command

    moteur = cx.creer_moteur(url)
    with moteur.begin() as connexion:
        command.upgrade(config_alembic(connexion), "0001_schema_initial")
        connexion.execute(text("insert into commune (code, nom, ordre, actif) values ('calais', 'Calais', 0, true)"))
        connexion.execute(
            text("insert into dispositif (code, libelle, instruit, ordre, actif) values ('cdv', 'AAP CDV', true, 0, true)")
        )
        connexion.execute(
            text("insert into financeur (code, libelle, ordre, actif) values ('caf', 'CAF du Pas-de-Calais', 0, true)")
        )
        connexion.execute(
            text(
                "insert into porteur (id, nom, sigle, type, representant_civilite, representant_nom, representant_qualite,"
                " cree_le) values (1, 'Centre social Matisse', 'CSM', 'association', 'Madame', 'Sandrine Lefebvre',"
                " 'Présidente', '2023-01-10')"
            )
        )
        connexion.execute(text("insert into campagne (id, dispositif_code, annee, libelle) values (1, 'cdv', 2023, 'AAP CDV 2023')"))
        connexion.execute(
            text(
                "insert into dossier (id, numero, campagne_id, porteur_id, intitule, etat, etat_depuis, cout_total,"
                " subvention_demandee, cree_le, modifie_le) values (1, 'CDV-2023-001', 1, 1, 'Ateliers parents-enfants',"
                " 'depose', '2023-02-01', 1234567, 500000, '2023-02-01', '2023-02-01')"
            )
        )
        connexion.execute(
            text(
                "insert into ligne_budget (id, dossier_id, sens, compte, libelle, montant, ordre) values"
                " (1, 1, 'charge', '64', 'Rémunération des personnels', 1234567, 0)"
            )
        )
        connexion.execute(
            text(
                "insert into ligne_budget (id, dossier_id, sens, compte, financeur_code, libelle, montant, ordre) values"
                " (2, 1, 'produit', '74', 'caf', 'Subvention CAF', 500000, 1)"
            )
        )
    moteur.dispose()


def _relire(url: str):
    moteur = cx.creer_moteur(url)
    with moteur.connect() as connexion:
        resultat = (
            connexion.execute(text("select numero, intitule, cout_total from dossier")).all(),
            connexion.execute(text("select montant from ligne_budget")).scalars().all(),
            connexion.execute(text("select version_num from alembic_version")).scalar(),
        )
    moteur.dispose()
    return resultat


def test_une_ancienne_revision_avec_des_donnees_monte_a_la_tete_sans_perte(url_vide):
    _remplir_a_la_premiere_revision(url_vide)
    contexte = ouvrir(url_vide)
    contexte.fermer()
    dossiers, montants, revision = _relire(url_vide)
    assert dossiers == [("CDV-2023-001", "Ateliers parents-enfants", 1234567)]
    assert montants == [1234567, 500000]
    assert revision == TETE
    # 0002 : le nom et le représentant deviennent des histoires datées ; les financeurs sont résumés.
    moteur = cx.creer_moteur(url_vide)
    with moteur.connect() as connexion:
        assert connexion.execute(text("select nom, sigle, depuis, jusqu_a from porteur_nom")).all() == [
            ("Centre social Matisse", "CSM", None, None)
        ]
        assert connexion.execute(text("select civilite, nom, qualite from representant")).all() == [
            ("Madame", "Sandrine Lefebvre", "Présidente")
        ]
        assert connexion.execute(text("select financeurs from dossier")).scalar() == "caf"
        assert connexion.execute(text("select modifie_le from porteur")).scalar() is not None
        # 0003 : chaque dossier existant reçoit un premier passage, son état d'avant la mise à jour.
        transitions = connexion.execute(text("select dossier_id, de, vers, acteur, le from transition")).all()
        assert [(t[0], t[1], t[2]) for t in transitions] == [(1, None, "depose")]
        assert transitions[0][3] == "mise à jour de l'application" and str(transitions[0][4]).startswith("2023-02-01")
    moteur.dispose()


MIGRATION_QUI_RECOPIE = '''
"""Migration de test : ajoute une colonne à dossier (recopie de la table sous SQLite)."""
from alembic import op
import sqlalchemy as sa

revision = "9001_essai"
down_revision = "{tete}"
branch_labels = None
depends_on = None


def upgrade():
    recopie = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("dossier", recreate=recopie) as batch:
        batch.add_column(sa.Column("essai", sa.String(20), nullable=True))


def downgrade():
    pass
'''

MIGRATION_QUI_ECHOUE = '''
"""Migration de test qui échoue à mi-chemin."""
from alembic import op
import sqlalchemy as sa

revision = "9002_panne"
down_revision = "{tete}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("table_a_moitie", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("insert into table_a_moitie (id) values (1)")
    op.execute("update dossier set intitule = 'ABÎMÉ'")
    raise RuntimeError("panne au milieu de la migration")


def downgrade():
    pass
'''


def _emplacement(tmp_path: Path, nom: str, contenu: str) -> Path:
    dossier = tmp_path / f"versions_{nom}"
    dossier.mkdir()
    (dossier / f"{nom}.py").write_text(textwrap.dedent(contenu.format(tete=TETE)), encoding="utf-8")
    return dossier


def test_migration_qui_recopie_une_table_garde_les_donnees_et_sauvegarde_avant(url_vide, tmp_path):
    _remplir_a_la_premiere_revision(url_vide)
    moteur = cx.creer_moteur(url_vide)
    try:
        preparation = preparer(moteur, emplacements=[_emplacement(tmp_path, "9001_essai", MIGRATION_QUI_RECOPIE)])
        assert preparation.revision_apres == "9001_essai"
        with moteur.connect() as connexion:
            assert connexion.execute(text("select numero, cout_total, essai from dossier")).all() == [
                ("CDV-2023-001", 1234567, None)
            ]
            assert connexion.execute(text("select count(*) from ligne_budget")).scalar() == 2
        fichier = cx.fichier_sqlite(moteur.url)
        if fichier is not None:
            assert preparation.sauvegarde is not None and preparation.sauvegarde.exists()
            assert preparation.sauvegarde.parent == fichier.parent / "sauvegardes"
            copie = cx.creer_moteur(f"sqlite:///{preparation.sauvegarde}")
            with copie.connect() as connexion:
                assert connexion.execute(text("select version_num from alembic_version")).scalar() == "0001_schema_initial"
                assert connexion.execute(text("select intitule from dossier")).scalar() == "Ateliers parents-enfants"
            copie.dispose()
    finally:
        moteur.dispose()


def test_une_migration_qui_echoue_a_mi_chemin_laisse_la_base_intacte(url_vide, tmp_path):
    _remplir_a_la_premiere_revision(url_vide)
    avant = _relire(url_vide)
    moteur = cx.creer_moteur(url_vide)
    try:
        with pytest.raises(MigrationEchouee, match="restée dans son état d'avant") as erreur:
            preparer(moteur, emplacements=[_emplacement(tmp_path, "9002_panne", MIGRATION_QUI_ECHOUE)])
        assert "panne au milieu" in erreur.value.detail
        with moteur.connect() as connexion:
            assert "table_a_moitie" not in inspect(connexion).get_table_names()
    finally:
        moteur.dispose()
    assert _relire(url_vide) == avant


# --- Erreurs claires, rien de modifié ----------------------------------------------------------


def test_base_ecrite_par_une_version_plus_recente(url_vide):
    _remplir_a_la_premiere_revision(url_vide)
    moteur = cx.creer_moteur(url_vide)
    with moteur.begin() as connexion:
        connexion.execute(text("update alembic_version set version_num = '9999_futur'"))
    moteur.dispose()
    avant = _relire(url_vide)
    with pytest.raises(BaseTropRecente, match="version plus récente"):
        ouvrir(url_vide)
    assert _relire(url_vide) == avant


def test_fichier_qui_n_est_pas_une_base(tmp_path):
    fichier = tmp_path / "notes.sqlite"
    contenu = b"Ceci est un compte rendu de comite, pas une base.\n" * 200
    fichier.write_bytes(contenu)
    with pytest.raises(PasUneBase, match="n'est pas une base de données"):
        ouvrir(f"sqlite:///{fichier}")
    assert fichier.read_bytes() == contenu
    assert not (tmp_path / "sauvegardes").exists()


def test_base_d_une_autre_application(tmp_path):
    import sqlite3

    fichier = tmp_path / "autre.sqlite"
    with sqlite3.connect(fichier) as connexion:
        connexion.execute("create table clients (id integer primary key, nom text)")
        connexion.execute("insert into clients values (1, 'Dupont')")
    with pytest.raises(BaseEtrangere, match="pas celles d'Instruction"):
        ouvrir(f"sqlite:///{fichier}")
    with sqlite3.connect(fichier) as connexion:
        tables = [n for (n,) in connexion.execute("select name from sqlite_master where type='table'")]
        assert tables == ["clients"]


def test_serveur_postgresql_injoignable():
    with pytest.raises(BaseInaccessible, match="ne répond pas") as erreur:
        ouvrir("postgresql://instruction:secret@127.0.0.1:1/instruction")
    assert "secret" not in erreur.value.message


def test_adresse_illisible():
    with pytest.raises(BaseInaccessible, match="n'est pas une adresse"):
        ouvrir("pas une url")
    with pytest.raises(BaseInaccessible, match="non pris en charge"):
        ouvrir("mysql://moi@serveur/base")


LECTURE_SEULE = """
import sys
from instruction.domaine.erreurs import BaseInaccessible
from instruction.services.contexte import ouvrir
try:
    ouvrir(sys.argv[1])
except BaseInaccessible as erreur:
    print(erreur.message)
    sys.exit(3)
sys.exit(0)
"""


def test_dossier_en_lecture_seule(tmp_path):
    """Un dossier où l'on ne peut pas écrire : message clair, rien de créé.

    Sous root, les droits des fichiers ne s'appliquent pas : le contrôle tourne alors
    dans un processus privé de la capacité de passer outre (setpriv), qui voit les
    droits comme un instructeur les verrait.
    """
    import shutil

    dossier = tmp_path / "partage"
    dossier.mkdir()
    dossier.chmod(0o555)
    url = f"sqlite:///{dossier / 'instruction.sqlite'}"
    commande = [sys.executable, "-c", LECTURE_SEULE, url]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) manque pour tester les droits sous root")
        commande = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *commande]
    try:
        resultat = subprocess.run(commande, capture_output=True, text=True, cwd=RACINE, timeout=60)
        assert resultat.returncode == 3, resultat.stderr
        assert "n'est pas accessible en écriture" in resultat.stdout
        assert list(dossier.iterdir()) == []
    finally:
        dossier.chmod(0o755)
