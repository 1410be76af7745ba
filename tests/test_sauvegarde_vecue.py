"""Sauvegarder et restaurer une base qui a vécu, dans les deux sens entre SQLite et PostgreSQL, puis s'en servir.

La base est remplie par les services (``tests/base_vecue.py``) : 240 enregistrements de dossiers, des
renouvellements qui citent des dossiers enregistrés depuis (sous PostgreSQL, leurs lignes ont changé de
place), des pièces, contacts et brouillons effacés. Chaque sauvegarde est restaurée dans une base SQLite et
dans une base PostgreSQL neuves ; la base restaurée doit contenir exactement la même chose, puis servir :
connexion, création d'un porteur et d'un dossier (numéro et identifiants suivants), enregistrement d'un
dossier cité par d'autres, pièce jointe, nouvelle sauvegarde.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlalchemy import func, select, text

from instruction.db import modeles as m
from instruction.db.sauvegarde import restaurer, sauvegarder
from instruction.db.verification import verifier
from instruction.domaine.erreurs import PasUneBase
from instruction.services.contexte import ouvrir
from tests import base_vecue, fabrique
from tests.conftest import RAISON_SANS_POSTGRES, URL_POSTGRES, creer_base_postgres, supprimer_base_postgres

GENRES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def _exiger_postgres(genre: str) -> None:
    if genre == "postgresql" and not URL_POSTGRES:
        pytest.skip(RAISON_SANS_POSTGRES)


@pytest.fixture(scope="module")
def vecues(tmp_path_factory, request):
    """Une base vécue par genre de base, faite une fois pour le module ; chaque test en reçoit une copie."""
    faites: dict[str, tuple[str, base_vecue.Vecue]] = {}

    def vecue(genre: str) -> tuple[str, base_vecue.Vecue]:
        if genre not in faites:
            if genre == "sqlite":
                fichier = tmp_path_factory.mktemp("vecue") / "vecue.sqlite"
                shutil.copyfile(request.getfixturevalue("modele_sqlite"), fichier)
                url = f"sqlite:///{fichier}"
            else:
                url = creer_base_postgres(request.getfixturevalue("modele_postgres"))
                request.addfinalizer(lambda: supprimer_base_postgres(url))
            contexte = ouvrir(url)
            try:
                faites[genre] = (url, base_vecue.faire_vivre(contexte))
            finally:
                contexte.fermer()
        return faites[genre]

    return vecue


@pytest.fixture
def copie_de(tmp_path, request):
    """``copie_de(url)`` : une copie de la base (fichier copié, ou ``CREATE DATABASE … TEMPLATE``)."""

    def copier(url: str) -> str:
        if url.startswith("sqlite"):
            fichier = tmp_path / f"copie-{len(list(tmp_path.glob('copie-*')))}.sqlite"
            shutil.copyfile(url.removeprefix("sqlite:///"), fichier)
            return f"sqlite:///{fichier}"
        from sqlalchemy.engine import make_url

        nouvelle = creer_base_postgres(make_url(url).database)
        request.addfinalizer(lambda: supprimer_base_postgres(nouvelle))
        return nouvelle

    return copier


@pytest.fixture
def base_neuve(tmp_path, request):
    """``base_neuve(genre)`` : une base migrée, référentiel recopié, sans rien d'autre."""

    def neuve(genre: str) -> str:
        _exiger_postgres(genre)
        if genre == "sqlite":
            fichier = tmp_path / "neuve" / "instruction.sqlite"
            fichier.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(request.getfixturevalue("modele_sqlite"), fichier)
            return f"sqlite:///{fichier}"
        url = creer_base_postgres(request.getfixturevalue("modele_postgres"))
        request.addfinalizer(lambda: supprimer_base_postgres(url))
        return url

    return neuve


def _photographie(url: str) -> dict[str, list[str]]:
    contexte = ouvrir(url, synchroniser_referentiel=False)
    try:
        return fabrique.photographie(contexte)
    finally:
        contexte.fermer()


def _maximums(url: str) -> dict[str, int]:
    contexte = ouvrir(url, synchroniser_referentiel=False)
    try:
        with contexte.unite() as uow:
            return {modele.__tablename__: uow.session.scalar(select(func.max(modele.id)))
                    for modele in (m.Dossier, m.Porteur, m.Piece, m.Historique, m.Compte, m.Transition)}
    finally:
        contexte.fermer()


@pytest.mark.parametrize("destination", GENRES)
@pytest.mark.parametrize("source", GENRES)
def test_une_base_vecue_sauvegardee_se_restaure_a_l_identique_et_sert(source, destination, vecues, copie_de,
                                                                     base_neuve, tmp_path):
    _exiger_postgres(source)
    url_vecue, vecue = vecues(source)
    assert vecue.enregistrements == 240 and vecue.renouvellements >= 16
    url_source = copie_de(url_vecue)
    avant = _photographie(url_source)
    assert len(avant["dossier"]) == 24 and len(avant["historique"]) > 300

    contexte = ouvrir(url_source, synchroniser_referentiel=False)
    try:
        fichier = sauvegarder(contexte.moteur, tmp_path / "vecue.sqlite")
    finally:
        contexte.fermer()
    with sqlite3.connect(fichier) as copie:
        assert copie.execute("PRAGMA foreign_key_check").fetchall() == []

    url_destination = base_neuve(destination)
    contexte = ouvrir(url_destination, synchroniser_referentiel=False)
    try:
        restaurer(contexte.moteur, fichier)
    finally:
        contexte.fermer()
    assert _photographie(url_destination) == avant, "la base restaurée contient exactement la base sauvegardée"
    maximums = _maximums(url_destination)

    contexte = ouvrir(url_destination)
    try:
        cree = base_vecue.utiliser(contexte, vecue)
    finally:
        contexte.fermer()
    assert "désactivé" in cree["refus_du_compte_desactive"]
    assert cree["dossier"] > maximums["dossier"] and cree["porteur"] > maximums["porteur"]
    assert cree["piece"] > maximums["piece"]
    assert cree["numero"] == "CDV-2027-013", "le rang suit ceux de la campagne restaurée"
    assert _maximums(url_destination)["historique"] > maximums["historique"]

    rapport = verifier(url_destination)
    assert rapport.reussi, [c for c in rapport.controles if not c.reussi]
    contexte = ouvrir(url_destination, synchroniser_referentiel=False)
    try:  # la base restaurée puis utilisée se sauvegarde à son tour
        encore = sauvegarder(contexte.moteur, tmp_path / "encore.sqlite")
    finally:
        contexte.fermer()
    with sqlite3.connect(encore) as copie:
        assert copie.execute("select count(*) from dossier").fetchone()[0] == 25
        assert copie.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("genre", GENRES)
def test_restaurer_sur_une_base_vecue_en_garde_une_copie_de_securite_complete(genre, vecues, copie_de, tmp_path):
    """La copie de sécurité d'une base vécue (PostgreSQL compris) se fait, et se restaure à son tour."""
    _exiger_postgres(genre)
    url_vecue, vecue = vecues(genre)
    url = copie_de(url_vecue)
    avant = _photographie(url)
    contexte = ouvrir(url, synchroniser_referentiel=False)
    try:
        fichier = sauvegarder(contexte.moteur, tmp_path / "avant.sqlite")
        with contexte.unite() as uow:  # la base change : ses dossiers de 2026 sont effacés
            uow.session.execute(text("delete from dossier where campagne_id = :c"), {"c": vecue.campagnes[0]})
            uow.valider()
        resultat = restaurer(contexte.moteur, fichier)
    finally:
        contexte.fermer()
    assert _photographie(url) == avant
    assert resultat.copie_de_securite is not None
    with sqlite3.connect(resultat.copie_de_securite) as copie:  # la base d'avant la restauration, entière
        assert copie.execute("select count(*) from dossier").fetchone()[0] == 12
        assert copie.execute("PRAGMA foreign_key_check").fetchall() == []


def test_une_sauvegarde_aux_references_cassees_est_refusee_sans_rien_changer(vecues, copie_de, tmp_path,
                                                                            genre_base, base_neuve):
    url_vecue, _vecue = vecues("sqlite")
    contexte = ouvrir(copie_de(url_vecue), synchroniser_referentiel=False)
    try:
        fichier = sauvegarder(contexte.moteur, tmp_path / "cassee.sqlite")
    finally:
        contexte.fermer()
    with sqlite3.connect(fichier) as connexion:  # un dossier qui renouvelle un dossier qui n'existe pas
        connexion.execute("update dossier set renouvelle_id = 999999 where id = (select min(id) from dossier)")
    url = base_neuve(genre_base)
    avant = _photographie(url)
    contexte = ouvrir(url, synchroniser_referentiel=False)
    try:
        with pytest.raises(PasUneBase, match="références cassées"):
            restaurer(contexte.moteur, fichier)
    finally:
        contexte.fermer()
    assert _photographie(url) == avant


def test_une_sauvegarde_dont_l_historique_n_est_plus_protege_est_refusee(vecues, copie_de, tmp_path, genre_base,
                                                                          base_neuve):
    url_vecue, _vecue = vecues("sqlite")
    contexte = ouvrir(copie_de(url_vecue), synchroniser_referentiel=False)
    try:
        fichier = sauvegarder(contexte.moteur, tmp_path / "sans-protection.sqlite")
    finally:
        contexte.fermer()
    with sqlite3.connect(fichier) as connexion:
        connexion.execute("drop trigger historique_sans_delete")
        connexion.execute("delete from historique where id % 2 = 0")  # l'historique réécrit, sans trace
    url = base_neuve(genre_base)
    avant = _photographie(url)
    contexte = ouvrir(url, synchroniser_referentiel=False)
    try:
        with pytest.raises(PasUneBase, match="historique"):
            restaurer(contexte.moteur, fichier)
    finally:
        contexte.fermer()
    assert _photographie(url) == avant
