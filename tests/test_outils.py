"""Les deux commandes du README sur un poste neuf (issue 17, point 10) : une seule installation partagée,
et les bibliothèques du système dont Qt a besoin vérifiées, avec les paquets à installer en français."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="vérification propre à Linux")


def _module():
    spec = importlib.util.spec_from_file_location("_environnement", RACINE / "outils" / "_environnement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_une_bibliotheque_absente_est_nommee_avec_son_paquet():
    env = _module()
    absentes = env.manquantes({"libc.so.6": "libc6", "libinexistante-instruction.so.7": "paquet-introuvable"})
    assert absentes == {"libinexistante-instruction.so.7": "paquet-introuvable"}


def test_qt_complet_hors_ecran_sur_ce_poste():
    # Les tests tournent hors écran sur ce poste : les bibliothèques de base de Qt y sont donc toutes.
    env = _module()
    assert env.manquantes(env.BIBLIOTHEQUES_QT) == {}
    assert env.probleme_qt({"QT_QPA_PLATFORM": "offscreen"}, fenetre=True) is None


def test_message_en_francais_et_arret_quand_une_bibliotheque_manque(monkeypatch):
    env = _module()
    monkeypatch.setitem(env.BIBLIOTHEQUES_QT, "libinexistante-instruction.so.7", "libinexistante7")
    probleme = env.probleme_qt({"QT_QPA_PLATFORM": "offscreen"}, fenetre=True)
    assert "manquent sur ce poste : libinexistante-instruction.so.7" in probleme
    assert "sudo apt-get install libinexistante7" in probleme
    with pytest.raises(SystemExit) as arret:
        env.verifier_qt({"QT_QPA_PLATFORM": "offscreen"})
    assert "sudo apt-get install libinexistante7" in str(arret.value.code)
    # Une commande sans fenêtre (sauvegarder…) ne charge pas Qt : elle n'est pas arrêtée.
    env.verifier_qt({"QT_QPA_PLATFORM": "offscreen"}, ["sauvegarder", "copie.sqlite"])


def test_affichage_x11_ou_wayland(monkeypatch):
    env = _module()
    assert env.plateformes({"DISPLAY": ":0"}) == ["xcb"]
    assert env.plateformes({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}) == ["wayland", "xcb"]
    assert env.plateformes({"QT_QPA_PLATFORM": "wayland;xcb"}) == ["wayland", "xcb"]
    monkeypatch.setitem(env.BIBLIOTHEQUES_AFFICHAGE, "xcb", {"libinexistante-xcb.so.1": "libinexistante-xcb1"})
    monkeypatch.setitem(env.BIBLIOTHEQUES_AFFICHAGE, "wayland", {"libc.so.6": "libc6"})
    # Sous Wayland, le greffon wayland suffit ; sous X11, le manque de xcb est dit.
    assert env.probleme_qt({"WAYLAND_DISPLAY": "wayland-0"}, fenetre=True) is None
    assert "libinexistante-xcb1" in env.probleme_qt({"DISPLAY": ":0"}, fenetre=True)
    monkeypatch.setitem(env.BIBLIOTHEQUES_AFFICHAGE, "xcb", {"libc.so.6": "libc6"})
    assert "Aucun écran graphique" in env.probleme_qt({}, fenetre=True)


def test_demarrer_et_tester_partagent_une_installation():
    # Les deux commandes du README, l'une après l'autre, dans les deux ordres : aucune ne réinstalle
    # ce que l'autre a installé (la première peut installer si pyproject.toml vient de changer).
    environnement = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    commandes = [[sys.executable, "outils/demarrer.py", "--version"], [sys.executable, "outils/tester.py", "--version"]]
    for ordre in (commandes, commandes[::-1]):
        sorties = [subprocess.run(c, cwd=RACINE, env=environnement, capture_output=True, text=True, timeout=900)
                   for c in ordre]
        assert all(s.returncode == 0 for s in sorties), [s.stderr for s in sorties]
        assert "Installation" not in sorties[1].stdout
    temoins = list((RACINE / ".venv").glob(".installe-*"))
    assert [t.name for t in temoins] == [f".installe-{_module().empreinte()}"]
