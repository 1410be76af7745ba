"""Le chemin du clavier (issue 17, point 8), avec de vraies frappes : chercher, descendre dans les résultats,
ouvrir ; un nouveau dossier prêt à la saisie ; Ctrl+Inser / Ctrl+Suppr dans le tableau qui a le focus, y
compris les deux tableaux du budget montrés ensemble."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import fermer_fenetre, ouvrir_fenetre

CTRL = Qt.KeyboardModifier.ControlModifier


def _focus():
    return QApplication.focusWidget()


def test_le_chemin_du_clavier(qtbot, url_demo):
    f = ouvrir_fenetre(qtbot, url_demo)
    try:
        page = f.page_dossiers
        qtbot.waitUntil(lambda: page.modele.rowCount() > 100 and page.modele.recherche_prete(), timeout=20000)
        tous = page.modele.rowCount()
        f.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is f)

        # Chercher, puis Bas : le focus est sur la première ligne des résultats.
        page.recherche.setFocus()
        qtbot.waitUntil(lambda: _focus() is page.recherche)
        qtbot.keyClicks(page.recherche, "matisse")
        assert 0 < page.modele.rowCount() < tous
        qtbot.keyClick(page.recherche, Qt.Key.Key_Down)
        assert _focus() is page.table
        assert page.table.currentIndex().row() == 0
        assert page.ids_selectionnes() == [page.modele.ligne(0).id]
        # Retour à la recherche, puis Entrée : même chemin.
        page.recherche.setFocus()
        qtbot.waitUntil(lambda: _focus() is page.recherche)
        qtbot.keyClick(page.recherche, Qt.Key.Key_Return)
        assert _focus() is page.table
        # Bas dans le tableau puis Entrée : le dossier choisi s'ouvre.
        qtbot.keyClick(page.table, Qt.Key.Key_Down)
        voulu = page.modele.ligne(1).id
        assert page.ids_selectionnes() == [voulu]
        ouverts = f.onglets.count()
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: f.onglets.count() == ouverts + 1, timeout=10000)
        assert f.onglets.currentWidget().fiche.id == voulu

        # Ctrl+N : un nouveau dossier, le focus sur son premier champ.
        qtbot.keyClick(f, Qt.Key.Key_N, CTRL)
        qtbot.waitUntil(lambda: f.onglets.count() == ouverts + 2, timeout=10000)
        onglet = f.onglets.currentWidget()
        assert onglet.fiche.id is None
        qtbot.waitUntil(lambda: _focus() is onglet.action.campagne)

        # Le budget (Alt+5) : charges et produits côte à côte ; le raccourci agit sur le tableau qui a le focus.
        qtbot.keyClick(onglet, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
        assert onglet.onglets.currentWidget() is onglet.budget
        charges, produits = onglet.budget.charges, onglet.budget.produits
        n_charges, n_produits = charges.modele.rowCount(), produits.modele.rowCount()
        produits.table.setFocus()
        qtbot.waitUntil(lambda: _focus() is produits.table)
        qtbot.keyClick(produits.table, Qt.Key.Key_Insert, CTRL)
        assert (charges.modele.rowCount(), produits.modele.rowCount()) == (n_charges, n_produits + 1)
        # La ligne ajoutée s'édite : Échap, et le focus revient au tableau des produits.
        qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: _focus() is produits.table)
        qtbot.keyClick(produits.table, Qt.Key.Key_Delete, CTRL)
        assert (charges.modele.rowCount(), produits.modele.rowCount()) == (n_charges, n_produits)

        charges.table.setFocus()
        qtbot.waitUntil(lambda: _focus() is charges.table)
        qtbot.keyClick(charges.table, Qt.Key.Key_Insert, CTRL)
        qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
        qtbot.keyClick(charges.table, Qt.Key.Key_Insert, CTRL)
        assert (charges.modele.rowCount(), produits.modele.rowCount()) == (n_charges + 2, n_produits)
        qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: _focus() is charges.table)
        qtbot.keyClick(charges.table, Qt.Key.Key_Delete, CTRL)
        assert (charges.modele.rowCount(), produits.modele.rowCount()) == (n_charges + 1, n_produits)

        # Les autres tableaux de lignes du dossier (calendrier, moyens) répondent aussi.
        qtbot.keyClick(onglet, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
        from instruction.ui.tableau_lignes import TableauLignes

        for tableau in onglet.calendrier.findChildren(TableauLignes):
            avant = tableau.modele.rowCount()
            tableau.table.setFocus()
            qtbot.waitUntil(lambda t=tableau: _focus() is t.table)
            qtbot.keyClick(tableau.table, Qt.Key.Key_Insert, CTRL)
            assert tableau.modele.rowCount() == avant + 1
    finally:
        fermer_fenetre(f)
