"""Écrans des bilans (pytest-qt) : un compte rendu financier saisi au clavier, de la liste des bilans attendus à la
validation (et au reversement proposé) ; captures à 1366×768."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from instruction.domaine.argent import euros
from tests import fabrique
from tests.captures import capturer
from tests.conftest import fermer_fenetre, frapper, ouvrir_fenetre
from tests.test_bilans import conventionner


def quand_boite(qtbot, classe: str, geste) -> None:
    """Quand la boîte modale ``classe`` s'ouvre (exec), lui applique ``geste`` (dans sa boucle d'événements)."""
    import time

    # Au plus 15 s d'horloge (comme les autres attentes de la suite), quel que soit le nombre de tours qu'une
    # machine chargée laisse faire : c'est la boîte attendue qui arrête l'attente, pas un compte de tours.
    debut = time.monotonic()

    def essayer():
        boite = QApplication.activeModalWidget()
        if boite is not None and type(boite).__name__ == classe and boite.isVisible():
            geste(boite)
            return
        ecoule = time.monotonic() - debut
        if boite is not None and type(boite).__name__ != classe and ecoule > 5:
            boite.reject()  # une autre boîte (une erreur) : la fermer pour que le test échoue au lieu d'attendre
            raise AssertionError(f"boîte inattendue {type(boite).__name__} au lieu de {classe}")
        if ecoule < 15:
            QTimer.singleShot(20, essayer)

    QTimer.singleShot(0, essayer)


def ouvrir_cellule(qtbot, table, rang: int, colonne: int):
    """F2 sur la cellule : son éditeur s'ouvre ; rend le champ où taper."""
    from PySide6.QtWidgets import QLineEdit

    table.setCurrentCell(rang, colonne)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: table.viewport().findChild(QLineEdit) is not None, timeout=5000)
    return table.viewport().findChild(QLineEdit)


def ok(boite) -> None:
    boite.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_compte_rendu_saisi_au_clavier_de_la_liste_a_la_validation(qtbot, url_base, tmp_path):
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_base)
    ancien = fabrique.dossier(contexte, complet=False)
    nouveau = fabrique.dossier(contexte, complet=False)
    conventionner(contexte, ancien)
    contexte.fermer()

    f = ouvrir_fenetre(qtbot, url_base)
    try:
        # La nouvelle demande du même porteur : l'en-tête dit le bilan en retard de l'autre dossier.
        f.espace.ouvrir_dossier(nouveau)
        qtbot.waitUntil(lambda: hasattr(f.onglets.currentWidget(), "bandeau_bilans")
                        and f.onglets.currentWidget().bandeau_bilans.isVisible(), timeout=15000)
        bandeau = f.onglets.currentWidget().bandeau_bilans.text()
        assert "doit 1 bilan(s) en retard" in bandeau and "loi 2000-321" in bandeau
        capturer(f, "dossier-porteur-doit-un-bilan.png", tmp_path)
        action = next(a for a in f.menus.menu_suivi.actions() if a.text() == "&Bilans attendus et comptes rendus")
        action.trigger()
        qtbot.waitUntil(lambda: type(f.onglets.currentWidget()).__name__ == "PageBilansAttendus", timeout=15000)
        page = f.onglets.currentWidget()
        qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=15000)
        assert page.table.item(0, 7).text() == "Très en retard" and page.table.item(0, 1).text().startswith("CDV-")
        capturer(f, "bilans-attendus.png", tmp_path)

        # Entrée sur la ligne : la boîte de réception (aujourd'hui), puis l'éditeur du compte rendu.
        page.table.setFocus()
        quand_boite(qtbot, "DialogueReception", ok)
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: type(f.onglets.currentWidget()).__name__ == "EditeurCompteRendu"
                        and f.onglets.currentWidget().lu is not None, timeout=15000)
        editeur = f.onglets.currentWidget()
        f.activateWindow()  # la boîte de réception fermée, la fenêtre reprend la main (raccourcis Alt+1…3)
        qtbot.waitUntil(f.isActiveWindow, timeout=5000)
        assert [editeur.table.item(r, 2).text() for r in range(5)][:2] == ["1\u202f200,50\u00a0€", "3\u202f000,00\u00a0€"]

        # Feuille 2 (Alt+2) : les réalisations collées d'un tableur (Ctrl+V), l'explication tapée.
        qtbot.keyClick(editeur, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        assert editeur.onglets.currentIndex() == 1
        QGuiApplication.clipboard().setText("Achats\t1 200,50\t1 200,50\nAnimatrice\t3 000\t2 000\n"
                                            "État\t2000\t2000\nVille\t1500\t1500\nCotisations\t700,50\t700,50\n")
        editeur.table.setCurrentCell(0, 3)
        editeur.table.setFocus()
        qtbot.keyClick(editeur.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert editeur.table.item(1, 4).text() == "-1\u202f000,00\u00a0€" and editeur.table.item(1, 5).text() == \
            "-33,33\u00a0%"
        assert editeur.table.item(1, 6).background().color().name() == "#fde7ea"  # explication exigée
        cellule = ouvrir_cellule(qtbot, editeur.table, 1, 6)
        frapper(cellule, "Animatrice embauchée en avril")
        qtbot.keyClick(cellule, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: editeur.table.item(1, 6).text() == "Animatrice embauchée en avril", timeout=5000)
        assert "Total des charges" in editeur.totaux.text() and "-23,81" in editeur.totaux.text()

        # Feuille 1 : ce qui a été réalisé, le public ; feuille 3 : l'explication d'ensemble.
        qtbot.keyClick(editeur, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        assert editeur.onglets.currentIndex() == 0
        editeur.realise.setFocus()
        frapper(editeur.realise, "Trente ateliers tenus, un jardin planté.")
        for cle, valeur in (("femmes", "22"), ("hommes", "15"), ("qpv", "30"), ("hors_qpv", "7")):
            qtbot.keyClicks(editeur.nombres[cle], valeur)
        cellule = ouvrir_cellule(qtbot, editeur.indicateurs, 0, 2)
        qtbot.keyClicks(cellule, "37")
        qtbot.keyClick(cellule, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: editeur.indicateurs.item(0, 2).text() == "37", timeout=5000)
        capturer(f, "compte-rendu-qualitatif.png", tmp_path)
        qtbot.keyClick(editeur, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
        assert editeur.onglets.currentIndex() == 2
        assert "doit en donner la raison" in editeur.manques.text()
        editeur.explication_generale.setFocus()
        frapper(editeur.explication_generale, "Recrutement tardif de l'animatrice.")
        assert "Rien ne manque" in editeur.manques.text()
        qtbot.keyClick(editeur, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        capturer(f, "compte-rendu-chiffres.png", tmp_path)

        # Valider… : la date du jour ; la sous-réalisation propose un reversement pré-rempli, confirmé avec son titre.
        def reverser(boite):
            assert [c.text() for c in boite.montants] == ["476,13", "357,10"]
            boite.titre.setText("TR-2024-118")
            ok(boite)

        quand_boite(qtbot, "DialogueDate", ok)
        quand_boite(qtbot, "DialogueReversement", reverser)
        qtbot.mouseClick(editeur.valider_bouton, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: editeur.lu.etat == "valide", timeout=15000)
        qtbot.waitUntil(lambda: "Reversement enregistré" in editeur.message.text(), timeout=15000)
        assert not editeur.modifie and not editeur.enregistrer_bouton.isEnabled()
        capturer(f, "compte-rendu-valide.png", tmp_path)

        # « Aperçu avant impression… » (Alt+M comme sur les autres écrans) : le compte rendu rempli, façon CERFA.
        from tests.test_ecran_seance import apercu_par

        assert editeur.apercu_bouton.text() == "Aperçu avant i&mpression…"
        vu = apercu_par(qtbot, editeur.apercu_bouton)
        assert vu["pages"] >= 3 and vu["titre"].startswith("Aperçu avant impression – Compte rendu financier CDV-")
    finally:
        fermer_fenetre(f)

    contexte = ouvrir(url_base)
    try:
        from sqlalchemy import select

        from instruction.db.modeles import conventions as mc
        from instruction.services.actions import bilans as actions

        with contexte.unite(lecture=True) as uow:
            assert {v for (v,) in uow.session.execute(select(mc.CompteRenduExercice.valide_le))} == {dt.date.today()}
            assert dict(uow.session.execute(select(mc.ConventionMontant.financeur_code, mc.ConventionMontant.verse))
                        .all()) == {"etat-pv": euros("1523.87"), "ville-calais": euros("1142.90")}
        (b,) = actions.liste(contexte)
        assert (b.dossier_id, b.statut) == (ancien, "valide")
        assert actions.dus_du_porteur(contexte, nouveau) == []  # le bilan est arrivé : plus rien à signaler
    finally:
        contexte.fermer()
