"""Les commandes d'administration, lancées comme un administrateur le ferait."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from instruction import __version__
from instruction.cli import main

RACINE = Path(__file__).resolve().parent.parent


def test_aide_en_francais(capsys):
    with pytest.raises(SystemExit) as sortie:
        main(["--help"])
    assert sortie.value.code == 0
    aide = capsys.readouterr().out
    assert aide.startswith("utilisation : instruction")
    for mot in ("commandes", "demo", "sauvegarder", "restaurer", "verifier", "--database URL", "affiche cette aide"):
        assert mot in aide


def test_erreur_d_usage_en_francais(capsys):
    with pytest.raises(SystemExit) as sortie:
        main(["sauvegarder"])
    assert sortie.value.code == 2
    assert "argument obligatoire manquant : CHEMIN" in capsys.readouterr().err


def test_version_par_main_py():
    resultat = subprocess.run(
        [sys.executable, "main.py", "--version"], cwd=RACINE, capture_output=True, text=True, timeout=60
    )
    assert resultat.returncode == 0
    assert resultat.stdout.strip() == f"Instruction {__version__}"


def test_verifier_une_base_saine(url_demo, capsys):
    assert main(["verifier", "--database", url_demo]) == 0
    sortie = capsys.readouterr().out
    assert "✓ Schéma à jour" in sortie and "en bon état" in sortie


def test_verifier_signale_un_total_faux_et_sort_en_erreur(url_demo, capsys):
    fichier = url_demo.removeprefix("sqlite:///")
    with sqlite3.connect(fichier) as connexion:
        connexion.execute("update dossier set cout_total = cout_total + 1 where numero = 'CDV-2023-007'")
    assert main(["--database", url_demo, "verifier"]) == 1
    captures = capsys.readouterr()
    assert "✗ Totaux des dossiers égaux à leurs budgets : écart pour CDV-2023-007" in captures.out
    assert "présente des problèmes" in captures.err


def test_verifier_une_base_vide_ou_absente(url_vide, genre_base, capsys):
    assert main(["verifier", "--database", url_vide]) == 1
    captures = capsys.readouterr()
    if genre_base == "sqlite":
        assert "n'existe pas" in captures.err
        assert not Path(url_vide.removeprefix("sqlite:///")).exists(), "verifier ne crée pas de base"
    else:
        assert "la base est vide" in captures.out


def test_verifier_une_base_d_une_version_anterieure(url_vide, capsys):
    from alembic import command

    from instruction.db.connexion import creer_moteur
    from instruction.db.schema import config_alembic

    moteur = creer_moteur(url_vide)
    with moteur.begin() as connexion:
        command.upgrade(config_alembic(connexion), "0001_schema_initial")
    moteur.dispose()
    assert main(["verifier", "--database", url_vide]) == 1
    assert "ouvrez la base avec l'application pour la mettre à jour" in capsys.readouterr().out


def test_verifier_un_fichier_qui_n_est_pas_une_base(tmp_path, capsys):
    fichier = tmp_path / "x.sqlite"
    fichier.write_bytes(b"bonjour" * 1000)
    assert main(["verifier", "--database", f"sqlite:///{fichier}"]) == 1
    assert "n'est pas une base de données" in capsys.readouterr().err


def test_sauvegarder_restaurer_par_la_ligne_de_commande(url_demo, tmp_path, capsys):
    copie = tmp_path / "sauvegarde.sqlite"
    assert main(["sauvegarder", str(copie), "--database", url_demo]) == 0
    assert "sauvegardée dans" in capsys.readouterr().out
    fichier = url_demo.removeprefix("sqlite:///")
    with sqlite3.connect(fichier) as connexion:
        connexion.execute("delete from ligne_budget")
    assert main(["restaurer", str(copie), "--database", url_demo]) == 0
    sortie = capsys.readouterr().out
    assert "Copie de sécurité" in sortie and "restaurée depuis" in sortie
    with sqlite3.connect(fichier) as connexion:
        assert connexion.execute("select count(*) from ligne_budget").fetchone()[0] > 128


def test_demo_par_la_variable_d_environnement(tmp_path):
    fichier = tmp_path / "env.sqlite"
    environnement = {**os.environ, "INSTRUCTION_DATABASE_URL": f"sqlite:///{fichier}"}
    resultat = subprocess.run(
        [sys.executable, "-m", "instruction", "demo"], cwd=RACINE, env=environnement,
        capture_output=True, text=True, timeout=120,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "AAP Contrat de ville 2023 : 60 dossiers, 40 porteurs, 2\u202f320\u202f007,00\u00a0€" in resultat.stdout
    with sqlite3.connect(fichier) as connexion:
        assert connexion.execute("select count(*) from dossier").fetchone()[0] == 150
    second = subprocess.run(
        [sys.executable, "-m", "instruction", "demo"], cwd=RACINE, env=environnement,
        capture_output=True, text=True, timeout=120,
    )
    assert second.returncode == 1
    assert "déjà une campagne de la démonstration" in second.stderr


def test_base_par_defaut_dans_le_dossier_de_l_utilisateur(dossiers_utilisateur, capsys):
    assert main(["demo"]) == 0
    attendu = dossiers_utilisateur / "xdg_data_home" / "instruction" / "instruction.sqlite"
    assert attendu.exists()
