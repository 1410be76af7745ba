"""Le choix des colonnes d'export, à l'écran et au clavier (pytest-qt, vraie fenêtre, vraie base)."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from instruction.domaine import colonnes as c
from instruction.ui import dialogue_export
from tests.captures import capturer

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def session_neuve(monkeypatch):
    monkeypatch.setattr(dialogue_export, "_dernier", {})


def _ouvrir(f, qtbot):
    qtbot.mouseClick(f.page_dossiers.bouton_export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(f, "dialogue_export", None) is not None and f.dialogue_export.isVisible())
    dialogue = f.dialogue_export
    qtbot.waitUntil(lambda: dialogue.jeux_lus)
    dialogue.activateWindow()  # les lettres Alt+… vont à la fenêtre active
    qtbot.waitUntil(dialogue.isActiveWindow)
    return dialogue


def _libelles(liste) -> list[str]:
    return [liste.item(i).text() for i in range(liste.count())]


def _touche(qtbot, touche, modificateur=Qt.KeyboardModifier.NoModifier):
    """Une touche pour le widget qui a le focus (comme au clavier)."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), touche, modificateur)


def test_choisir_ordonner_enregistrer_et_exporter_au_clavier(fenetre_demo, qtbot, tmp_path, monkeypatch):
    f = fenetre_demo
    qtbot.keyClicks(f.page_dossiers.recherche, "pic-2023")
    visibles = f.page_dossiers.modele.lignes_visibles()
    dialogue = _ouvrir(f, qtbot)
    assert _libelles(dialogue.choisies) == [col.libelle for col in c.choisir(c.par_defaut())]
    assert _libelles(dialogue.disponibles) == ["Instructeur"]
    qtbot.waitUntil(lambda: dialogue.choisies.hasFocus())

    # « Porteur » (3e) monte en tête : Bas, Bas, puis Alt+M deux fois.
    _touche(qtbot, Qt.Key.Key_Down)
    _touche(qtbot, Qt.Key.Key_Down)
    assert dialogue.choisies.currentItem().text() == "Porteur"
    for rang in (1, 0):  # un bouton actionné par sa lettre s'anime avant de cliquer : on attend son effet
        _touche(qtbot, Qt.Key.Key_M, ALT)
        qtbot.waitUntil(lambda rang=rang: dialogue.choisies.currentRow() == rang)
    # « Intitulé » (maintenant 3e) : retiré par Alt+R.
    assert dialogue.choisies.hasFocus() and dialogue.choisies.currentRow() == 0
    _touche(qtbot, Qt.Key.Key_Down)
    _touche(qtbot, Qt.Key.Key_Down)
    assert dialogue.choisies.currentItem().text() == "Intitulé de l'action"
    _touche(qtbot, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: "Intitulé de l'action" in _libelles(dialogue.disponibles))
    assert dialogue.choisies.currentItem().text() == "Dispositif"
    # L'instructeur, disponible : Alt+I va à la liste (sur l'intitulé retiré), Bas, Alt+A l'ajoute après
    # la colonne courante des choisies.
    _touche(qtbot, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(dialogue.disponibles.hasFocus)
    assert dialogue.disponibles.currentItem().text() == "Intitulé de l'action"
    _touche(qtbot, Qt.Key.Key_Down)
    assert dialogue.disponibles.currentItem().text() == "Instructeur"
    _touche(qtbot, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: "Instructeur" in _libelles(dialogue.choisies))
    attendues = ["Porteur", "N°", "Dispositif", "Instructeur", "Année", "Quartiers", "État",
                 "Dans cet état depuis le", "Coût total", "Subvention demandée", "Subvention accordée", "Déposé le",
                 "Cotation Égalité F-H", "Cotation Illettrisme", "Cotation Handicap"]
    assert _libelles(dialogue.choisies) == attendues, _libelles(dialogue.choisies)
    assert "Intitulé de l'action" in _libelles(dialogue.disponibles)
    assert dialogue.jeu.currentText() == "Colonnes d'origine (modifié)"

    # Enregistrer le jeu (Alt+G) sous un nom ; la liste des jeux est relue, le jeu choisi.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Comité  PIC", True))
    _touche(qtbot, Qt.Key.Key_G, ALT)
    qtbot.waitUntil(lambda: dialogue.jeu.currentText() == "Comité PIC")
    assert dialogue.codes()[:4] == ("porteur", "numero", "dispositif", "instructeur")

    # Le format : Alt+F, puis « csv » au clavier ; Entrée exporte.
    _touche(qtbot, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(dialogue.format.hasFocus)
    _touche(qtbot, Qt.Key.Key_Down)
    _touche(qtbot, Qt.Key.Key_Down)
    assert dialogue.extension() == ".csv"
    qtbot.waitUntil(lambda: dialogue.isVisible())
    capturer(dialogue, "export_colonnes.png", tmp_path)
    cible = tmp_path / "pic.csv"
    proposes = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _p, _t, nom, filtre: proposes.append((nom, filtre)) or (str(cible), ""))
    dialogue.choisies.setFocus()
    _touche(qtbot, Qt.Key.Key_Return)  # Entrée, même dans une liste : « Exporter… », le bouton par défaut
    qtbot.waitUntil(lambda: "exportés" in f.statusBar().currentMessage(), timeout=10000)
    assert proposes[0][0].endswith(".csv") and "(*.csv)" in proposes[0][1]
    with open(cible, encoding="utf-8-sig", newline="") as entree:
        rangs = list(csv.reader(entree, delimiter=";"))
    assert rangs[0] == attendues and [r[1] for r in rangs[1:]] == [l.numero for l in visibles]

    # Rouvert : le dernier jeu et son format ; « Colonnes d'origine » puis « Comité PIC » redonne l'ordre.
    dialogue = _ouvrir(f, qtbot)
    qtbot.waitUntil(lambda: dialogue.jeu.currentText() == "Comité PIC")
    assert _libelles(dialogue.choisies) == attendues and dialogue.extension() == ".csv"
    dialogue.jeu.setFocus()
    _touche(qtbot, Qt.Key.Key_Home)
    assert _libelles(dialogue.choisies)[0] == "N°"
    _touche(qtbot, Qt.Key.Key_End)
    assert _libelles(dialogue.choisies) == attendues, _libelles(dialogue.choisies)

    # Supprimer (Alt+P, confirmé) : la liste revient aux colonnes d'origine.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _touche(qtbot, Qt.Key.Key_P, ALT)
    qtbot.waitUntil(lambda: dialogue.jeu.count() == 1)
    assert dialogue.jeu.currentText() == "Colonnes d'origine" and not dialogue.supprimer.isEnabled()
    _touche(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialogue.isVisible())


def test_un_lecteur_exporte_mais_n_enregistre_pas_de_jeu(fenetre_demo, qtbot):
    from instruction.domaine import droits

    f = fenetre_demo
    f.contexte.utilisateur = droits.Utilisateur(0, "lecteur", "Lecteur", droits.LECTEUR)
    dialogue = _ouvrir(f, qtbot)
    assert not dialogue.enregistrer.isEnabled() and not dialogue.supprimer.isEnabled()
    # Vider le choix : Exporter se grise (pas d'export sans colonne).
    dialogue.choisies.setFocus()
    while dialogue.choisies.count():
        reste = dialogue.choisies.count()
        _touche(qtbot, Qt.Key.Key_R, ALT)
        qtbot.waitUntil(lambda reste=reste: dialogue.choisies.count() == reste - 1)
    assert not dialogue.exporter.isEnabled() and dialogue.retirer.isEnabled() is False
    dialogue.reject()
