"""L'assistant d'import, au clavier, de bout en bout : fichier fautif refusé à l'aperçu, fichier corrigé, correspondance
enregistrée, porteur ressemblant confirmé, import ; une capture de chaque page à 1366×768."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.services.actions import echanges as actions
from tests import fabrique
from tests.conftest import frapper
from tests.test_import import LIGNES, _xlsx

CAPTURES = Path(os.environ.get("INSTRUCTION_CAPTURES", "/tmp/captures_import"))


def _capture(assistant, nom: str) -> None:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    assistant.grab().save(str(CAPTURES / f"{nom}.png"))


def _touche(qtbot, assistant, lettre):
    """Le bouton dont le raccourci est Alt+lettre, pressé au clavier (focus puis Espace). Sous la plateforme
    « offscreen », QTest ne déclenche pas les raccourcis Alt des boutons : on presse le bouton qu'ils désignent."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QAbstractButton

    voulu = QKeySequence(Qt.KeyboardModifier.AltModifier | lettre)
    [bouton] = [b for b in assistant.findChildren(QAbstractButton)
                if b.isVisible() and b.isEnabled() and b.shortcut() == voulu]
    bouton.setFocus()
    qtbot.keyClick(bouton, Qt.Key.Key_Space)


@pytest.fixture
def assistant(qtbot, contexte):
    from instruction.ui.assistant_import import AssistantImport

    fenetre = AssistantImport(contexte)
    qtbot.addWidget(fenetre)
    fenetre.resize(1366, 768)
    fenetre.show()
    qtbot.waitExposed(fenetre)
    fenetre.activateWindow()
    qtbot.waitUntil(fenetre.isActiveWindow, timeout=5000)
    yield fenetre
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(20000)


def test_de_bout_en_bout_au_clavier(qtbot, assistant, contexte, tmp_path):
    connu = fabrique.porteur(contexte)
    fautives = [list(l) for l in LIGNES]
    fautives[1][11] = "trois mille"
    fautif = _xlsx(tmp_path / "fautif.xlsx", lignes=fautives)
    bonnes = [list(l) for l in LIGNES]
    bonnes[0][4] = None  # sans SIRET : le porteur n'est reconnu que par son nom, à confirmer
    bonnes[0][5] = "Association les jardiniers des Fontinette"
    bon = _xlsx(tmp_path / "bon.xlsx", lignes=bonnes)
    suivant = assistant.button(QWizard.WizardButton.NextButton)

    # 1. Le fichier (fautif d'abord)
    page = assistant.page_fichier
    assert not suivant.isEnabled()
    frapper(page.chemin, str(fautif))
    qtbot.keyClick(page.chemin, Qt.Key.Key_Return)
    qtbot.waitUntil(page.isComplete, timeout=10000)
    assert "Classeur XLSX" in page.etat.text() and "14 reconnues" in page.etat.text()
    _capture(assistant, "1_fichier")
    _touche(qtbot, assistant, Qt.Key.Key_S)
    assert assistant.currentPage() is assistant.page_correspondance

    # 2. Les colonnes, reconnues par leurs alias
    correspondance = assistant.page_correspondance
    assert correspondance.colonnes()["Montant sollicité État"] == "demande:etat-pv"
    _capture(assistant, "2_colonnes")
    _touche(qtbot, assistant, Qt.Key.Key_S)

    # 3. L'aperçu : l'erreur à côté de sa cellule, pas de suite possible
    apercu = assistant.page_apercu
    qtbot.waitUntil(lambda: apercu._pret, timeout=10000)
    assert not suivant.isEnabled()
    cellules = [apercu.table.item(r, c) for r in range(apercu.table.rowCount()) for c in range(apercu.table.columnCount())]
    [fautive] = [c for c in cellules if c is not None and c.toolTip() and "⚠" in c.text()]
    assert fautive.text().startswith("trois mille  ⚠ ") and "n'est pas un montant" in fautive.toolTip()
    assert "Ligne 3, colonne « Montant sollicité État »" in apercu.erreurs.toPlainText()
    _capture(assistant, "3_apercu_erreur")

    # Retour au fichier, le fichier corrigé
    _touche(qtbot, assistant, Qt.Key.Key_P)
    _touche(qtbot, assistant, Qt.Key.Key_P)
    assert assistant.currentPage() is page
    page.chemin.selectAll()
    frapper(page.chemin, str(bon))
    qtbot.keyClick(page.chemin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.isComplete() and str(bon) in page.chemin.text(), timeout=10000)
    _touche(qtbot, assistant, Qt.Key.Key_S)

    # La correspondance enregistrée sous un nom
    correspondance.nom.setFocus()
    frapper(correspondance.nom, "Dauphin 2027")
    _touche(qtbot, assistant, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: "enregistrée" in correspondance.message.text(), timeout=10000)
    assert [c.nom for c in actions.ouvrir(contexte, str(bon)).correspondances] == ["Dauphin 2027"]
    _touche(qtbot, assistant, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: apercu._pret, timeout=10000)
    qtbot.waitUntil(suivant.isEnabled, timeout=5000)
    _capture(assistant, "3_apercu")
    _touche(qtbot, assistant, Qt.Key.Key_S)

    # 4. La simulation : le porteur ressemblant attend un choix
    simulation = assistant.page_simulation
    assert assistant.currentPage() is simulation
    assert "2 dossier(s) créé(s)" in simulation.resume.toPlainText()
    assert not suivant.isEnabled()
    [combo] = simulation._combos.values()
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == connu and suivant.isEnabled()
    _capture(assistant, "4_simulation")
    _touche(qtbot, assistant, Qt.Key.Key_S)

    # 5. L'import
    page_import = assistant.page_import
    _capture(assistant, "5_import_avant")
    _touche(qtbot, assistant, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: page_import.bilan is not None, timeout=20000)
    assert page_import.barre.value() == page_import.barre.maximum() == 2
    assert "Import terminé : 2 dossier(s) créé(s)" in page_import.message.text()
    _capture(assistant, "5_import")
    with contexte.unite(lecture=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.DossierImporte)) == 2
        assert uow.session.scalar(select(func.count()).select_from(m.Porteur)) == 2  # le connu + Vélo Calais
    _touche(qtbot, assistant, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: not assistant.isVisible(), timeout=5000)


def test_l_entree_du_menu_ouvre_l_assistant(qtbot, dossier_en_base):
    from tests.conftest import fermer_fenetre, ouvrir_fenetre
    from instruction.ui.assistant_import import AssistantImport

    url, _identifiant = dossier_en_base
    f = ouvrir_fenetre(qtbot, url)
    try:
        action = next(a for menu in f.menuBar().actions() for a in menu.menu().actions()
                      if a.text() == "&Importer un export de la plateforme…")
        qtbot.waitUntil(action.isEnabled, timeout=10000)
        action.trigger()
        qtbot.waitUntil(lambda: any(isinstance(w, AssistantImport) and w.isVisible() for w in f.findChildren(AssistantImport)),
                        timeout=5000)
        [assistant] = f.findChildren(AssistantImport)
        assistant.reject()
    finally:
        fermer_fenetre(f)
