"""Montage commun des tests.

* Chaque test travaille dans des dossiers d'utilisateur temporaires (XDG_*).
* ``url_base`` est paramétré : chaque test de base tourne sur un fichier SQLite et
  sur un vrai serveur PostgreSQL (``INSTRUCTION_TEST_POSTGRES_URL``, qu'exige
  ``.ci/run``). Sans cette variable, les cas PostgreSQL sont sautés avec la raison.
* Les bases de test partent d'un modèle migré une fois par session (copie de
  fichier pour SQLite, ``CREATE DATABASE … TEMPLATE`` pour PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

URL_POSTGRES = os.environ.get("INSTRUCTION_TEST_POSTGRES_URL")
RAISON_SANS_POSTGRES = (
    "PostgreSQL non configuré : définissez INSTRUCTION_TEST_POSTGRES_URL "
    "(postgresql://utilisateur:motdepasse@hote:5432/base, rôle avec CREATEDB) pour lancer ces tests"
)


@pytest.fixture(autouse=True)
def dossiers_utilisateur(tmp_path, monkeypatch):
    """Données, journaux, réglages : tout dans le dossier temporaire du test."""
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / "utilisateur" / variable.lower()))
    monkeypatch.delenv("INSTRUCTION_DATABASE_URL", raising=False)
    return tmp_path / "utilisateur"


# --- PostgreSQL ------------------------------------------------------------------------------


def _admin():
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(URL_POSTGRES).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT"), url


def creer_base_postgres(modele: str | None = None) -> str:
    moteur, url = _admin()
    nom = f"instruction_t_{uuid.uuid4().hex[:12]}"
    with moteur.connect() as connexion:
        gabarit = f" TEMPLATE {modele}" if modele else ""
        connexion.exec_driver_sql(f'CREATE DATABASE "{nom}"{gabarit}')
    moteur.dispose()
    return url.set(database=nom).render_as_string(hide_password=False)


def supprimer_base_postgres(url_base: str) -> None:
    """Supprime la base de test.

    ``WITH (FORCE)`` coupe les connexions d'un test qui traîneraient, mais échoue sur l'autovacuum qui
    travaille sur une base qu'on vient de remplir (processus du superutilisateur, qu'on ne peut arrêter
    sans le rôle ``pg_signal_backend``) ; un simple ``DROP DATABASE`` arrête lui-même l'autovacuum. On
    essaie l'un puis l'autre, quelques fois.
    """
    import time

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    nom = make_url(url_base).database
    moteur, _url = _admin()
    try:
        for essai in range(40):
            option = " WITH (FORCE)" if essai % 2 == 0 else ""
            try:
                with moteur.connect() as connexion:
                    connexion.exec_driver_sql(f'DROP DATABASE IF EXISTS "{nom}"{option}')
                return
            except DBAPIError:
                if essai == 39:
                    raise
                time.sleep(0.1)
    finally:
        moteur.dispose()


@pytest.fixture(scope="session")
def modele_postgres():
    if not URL_POSTGRES:
        pytest.skip(RAISON_SANS_POSTGRES)
    from sqlalchemy.engine import make_url

    from instruction.services.contexte import ouvrir

    url = creer_base_postgres()
    contexte = ouvrir(url)
    contexte.fermer()
    yield make_url(url).database
    supprimer_base_postgres(url)


@pytest.fixture(scope="session")
def modele_sqlite(tmp_path_factory):
    from instruction.services.contexte import ouvrir

    fichier = tmp_path_factory.mktemp("modele") / "modele.sqlite"
    contexte = ouvrir(f"sqlite:///{fichier}")
    contexte.fermer()
    return fichier


# --- Bases de test ----------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def genre_base(request):
    if request.param == "postgresql" and not URL_POSTGRES:
        pytest.skip(RAISON_SANS_POSTGRES)
    return request.param


@pytest.fixture
def url_vide(genre_base, tmp_path):
    """Une base vide (jamais migrée), sur chaque moteur."""
    if genre_base == "sqlite":
        yield f"sqlite:///{tmp_path / 'base' / 'instruction.sqlite'}"
        return
    url = creer_base_postgres()
    yield url
    supprimer_base_postgres(url)


@pytest.fixture
def url_base(genre_base, tmp_path, request):
    """Une base migrée, référentiel recopié, sans dossiers, sur chaque moteur."""
    if genre_base == "sqlite":
        modele = request.getfixturevalue("modele_sqlite")
        fichier = tmp_path / "base" / "instruction.sqlite"
        fichier.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modele, fichier)
        yield f"sqlite:///{fichier}"
        return
    modele = request.getfixturevalue("modele_postgres")
    url = creer_base_postgres(modele)
    yield url
    supprimer_base_postgres(url)


@pytest.fixture
def contexte(url_base):
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_base)
    yield contexte
    contexte.fermer()


@pytest.fixture(scope="session")
def fichier_demo(tmp_path_factory, modele_sqlite) -> Path:
    """Une base SQLite avec la campagne de démonstration, créée une fois par session."""
    from instruction import demo
    from instruction.services.contexte import ouvrir

    fichier = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copyfile(modele_sqlite, fichier)
    contexte = ouvrir(f"sqlite:///{fichier}")
    demo.remplir(contexte)
    contexte.fermer()
    return fichier


@pytest.fixture
def url_demo(fichier_demo, tmp_path) -> str:
    fichier = tmp_path / "demo" / "instruction.sqlite"
    fichier.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fichier_demo, fichier)
    return f"sqlite:///{fichier}"


def frapper(widget, texte: str) -> None:
    """Tape ``texte`` touche par touche, accents compris (QTest.keyClicks n'accepte que l'ASCII)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    for caractere in texte:
        if caractere.isascii():
            QTest.keyClicks(widget, caractere)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, caractere,
                               Qt.KeyboardModifier.NoModifier)


# --- Écrans de l'instruction --------------------------------------------------------------------------


@pytest.fixture
def dossier_en_base(url_base):
    """Un dossier CDV complet (pièces jointes), à l'état « déposé »."""
    from instruction.services.contexte import ouvrir
    from instruction.services.demarrage import noter_demo_proposee
    from tests import fabrique

    contexte = ouvrir(url_base)
    identifiant = fabrique.dossier(contexte)
    noter_demo_proposee(contexte)
    contexte.fermer()
    return url_base, identifiant


def ouvrir_fenetre(qtbot, url: str):
    """La vraie fenêtre, à la taille d'un portable de bureau, base ouverte."""
    from instruction.ui.fenetre_principale import FenetrePrincipale

    f = FenetrePrincipale(url)
    f.resize(1366, 768)
    f.show()
    f.demarrer()
    qtbot.waitUntil(lambda: f.contexte is not None, timeout=15000)
    return f


def fermer_fenetre(f) -> None:
    """Attend les travaux en cours, écarte les modifications non enregistrées, ferme."""
    from PySide6.QtCore import QCoreApplication, QThreadPool

    from instruction.ui.operation import en_cours

    # Un travail qui s'achève peut en lancer un autre (une liste relue, puis ses signaux…) : on attend que plus
    # rien ne tourne ni ne revienne, sinon le suivant partirait vers une base que le test va supprimer.
    for _ in range(50):
        QThreadPool.globalInstance().waitForDone(20000)
        QCoreApplication.processEvents()
        if en_cours() == 0 and QThreadPool.globalInstance().activeThreadCount() == 0:
            break
    for onglet in f.espace.onglets_de_travail():
        onglet.modifie = False
    f.close()
    f.deleteLater()


@pytest.fixture
def onglet_instruction(qtbot, dossier_en_base):
    """La fenêtre ouverte sur ce dossier, à sa section « Instruction » (Alt+7)."""
    from PySide6.QtCore import Qt

    url, identifiant = dossier_en_base
    f = ouvrir_fenetre(qtbot, url)
    f.espace.ouvrir_dossier(identifiant)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    onglet = f.onglets.currentWidget()
    qtbot.keyClick(onglet, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert onglet.onglets.currentWidget() is onglet.instruction
    qtbot.waitUntil(lambda: onglet.instruction.donnees is not None, timeout=10000)
    yield f, onglet, identifiant
    fermer_fenetre(f)


@pytest.fixture
def fenetre_demo(qtbot, url_demo):
    """La fenêtre ouverte sur une copie de la base de démonstration, dossiers et porteurs listés."""
    f = ouvrir_fenetre(qtbot, url_demo)
    qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 150 and f.page_porteurs.modele.rowCount() > 0,
                    timeout=20000)
    yield f
    fermer_fenetre(f)
