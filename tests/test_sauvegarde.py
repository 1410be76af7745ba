"""Sauvegarder à chaud, restaurer ; un fichier refusé ne change rien."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import func, select, text

from instruction import demo
from instruction.db import modeles as m
from instruction.db.sauvegarde import restaurer, sauvegarder
from instruction.domaine.erreurs import BaseTropRecente, PasUneBase


def _compter(contexte) -> int:
    with contexte.unite() as uow:
        return uow.session.scalar(select(func.count()).select_from(m.Dossier))


def test_sauvegarder_puis_restaurer(contexte, tmp_path):
    demo.remplir(contexte)
    fichier = sauvegarder(contexte.moteur, tmp_path / "copie.sqlite")
    with sqlite3.connect(fichier) as copie:
        assert copie.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copie.execute("select count(*) from dossier").fetchone()[0] == 150

    with contexte.unite() as uow:
        uow.session.execute(text("delete from ligne_budget"))
        uow.session.execute(text("delete from dossier_quartier"))
        uow.session.execute(text("delete from dossier_objectif"))
        uow.session.execute(text("delete from dossier"))
        uow.valider()
    assert _compter(contexte) == 0

    resultat = restaurer(contexte.moteur, fichier)
    assert resultat.copie_de_securite is not None and resultat.copie_de_securite.exists()
    assert _compter(contexte) == 150
    with sqlite3.connect(fichier) as copie:
        dernier = copie.execute("select max(id) from porteur").fetchone()[0]
    with contexte.unite() as uow:  # les identifiants continuent après restauration
        porteur = m.Porteur(nom="Nouvelle association", type="association")
        uow.session.add(porteur)
        uow.session.flush()
        assert porteur.id > dernier


def test_sauvegarde_dans_un_dossier_nomme_le_fichier(contexte, tmp_path):
    fichier = sauvegarder(contexte.moteur, tmp_path)
    assert fichier.parent == tmp_path and fichier.name.startswith("instruction-") and fichier.suffix == ".sqlite"


def test_restaurer_un_fichier_qui_n_est_pas_une_sauvegarde_ne_change_rien(contexte, tmp_path):
    demo.remplir(contexte)
    faux = tmp_path / "faux.sqlite"
    faux.write_bytes(b"pas une base" * 100)
    with pytest.raises(PasUneBase):
        restaurer(contexte.moteur, faux)
    etrangere = tmp_path / "etrangere.sqlite"
    with sqlite3.connect(etrangere) as connexion:
        connexion.execute("create table t (x)")
    with pytest.raises(PasUneBase, match="aucun schéma"):
        restaurer(contexte.moteur, etrangere)
    assert _compter(contexte) == 150


def test_restaurer_une_sauvegarde_plus_recente_est_refuse(contexte, tmp_path):
    fichier = sauvegarder(contexte.moteur, tmp_path / "copie.sqlite")
    with sqlite3.connect(fichier) as connexion:
        connexion.execute("update alembic_version set version_num = '9999_futur'")
    with pytest.raises(BaseTropRecente):
        restaurer(contexte.moteur, fichier)


def test_sauvegarde_coherente_pendant_des_ecritures(tmp_path):
    """Une autre connexion écrit sans arrêt pendant la sauvegarde : la copie reste intègre."""
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(f"sqlite:///{tmp_path / 'vivante.sqlite'}")
    demo.remplir(contexte)
    arret = threading.Event()
    ecritures = []

    def ecrire():
        while not arret.is_set():
            with contexte.unite() as uow:
                uow.session.add(m.Porteur(nom=f"Association {len(ecritures)}", type="association"))
                uow.valider()
            ecritures.append(1)

    fil = threading.Thread(target=ecrire)
    fil.start()
    try:
        copies = [sauvegarder(contexte.moteur, tmp_path / f"copie{i}.sqlite") for i in range(3)]
    finally:
        arret.set()
        fil.join()
    contexte.fermer()
    assert ecritures
    for copie in copies:
        with sqlite3.connect(copie) as connexion:
            assert connexion.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert connexion.execute("PRAGMA foreign_key_check").fetchall() == []
            assert connexion.execute("select count(*) from dossier").fetchone()[0] == 150


def test_la_copie_d_une_base_garde_l_historique_en_ajout_seul(contexte, tmp_path):
    """Sauvegardée depuis PostgreSQL (tables recréées) comme depuis SQLite (copie du fichier), la copie
    refuse elle aussi qu'on efface ou modifie son historique."""
    import sqlite3

    from instruction.db.sauvegarde import sauvegarder
    from instruction.services import historique

    with contexte.unite() as uow:
        historique.noter(uow, "essai", "création", changements=[("Champ", "avant", "après")])
        uow.valider()
    copie = sauvegarder(contexte.moteur, tmp_path / "copie.sqlite")
    connexion = sqlite3.connect(copie)
    try:
        assert connexion.execute("select count(*) from historique").fetchone()[0] >= 1
        for requete in ("delete from historique", "update historique set acteur = 'faussaire'"):
            with pytest.raises(sqlite3.DatabaseError, match="ajout seul"):
                connexion.execute(requete)
    finally:
        connexion.close()
