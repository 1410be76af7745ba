"""Le travail hors ligne à l'écran (pytest-qt) : emprunter depuis la liste, ouvrir le fichier de travail
(phrase fausse puis juste, bandeau), modifier le dossier dans son onglet, rapporter et trancher le conflit
dans le dialogue côte à côte ; captures à 1366×768."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from instruction.db import modeles as m
from tests.captures import capturer
from tests.conftest import fermer_fenetre, frapper, ouvrir_fenetre

PHRASE = "le jardin du Beau-Marais fleurit"


def _intitule(contexte, dossier_id: int) -> str:
    with contexte.unite(lecture=True) as uow:
        return uow.session.scalar(select(m.Dossier.intitule).where(m.Dossier.id == dossier_id))


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_emprunter_travailler_rapporter_a_l_ecran(qtbot, dossier_en_base, tmp_path):
    from instruction.ui.fenetre_principale import FenetrePrincipale
    from tests.test_emprunts import modifier

    url, dossier_id = dossier_en_base
    f = ouvrir_fenetre(qtbot, url)
    qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 1, timeout=15000)
    # --- Emprunter depuis la liste
    f.page_dossiers.table.selectRow(0)
    f.menus.emprunter.trigger()
    boite = f.dialogue_emprunt
    qtbot.waitUntil(boite.isVisible)
    fichier = tmp_path / "tournee.travail"
    frapper(boite.phrase, "court")
    assert "Trop courte" in boite.indice.text()
    boite.phrase.clear()
    frapper(boite.phrase, PHRASE)
    assert boite.indice.text() == "Solide."
    frapper(boite.confirmation, PHRASE + "x")
    boite.fichier.setText(str(fichier))
    qtbot.mouseClick(boite.bouton_emprunter, Qt.MouseButton.LeftButton)
    assert "diffèrent" in boite.erreur.text() and not fichier.exists()
    boite.confirmation.clear()
    frapper(boite.confirmation, PHRASE)
    capturer(boite, "emprunter.png", tmp_path)
    qtbot.mouseClick(boite.bouton_emprunter, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: fichier.exists() and not boite.isVisible(), timeout=20000)
    modele = f.page_dossiers.modele
    qtbot.waitUntil(lambda: "Emprunté par" in (modele.data(modele.index(0, 0), Qt.ItemDataRole.ToolTipRole) or ""),
                    timeout=10000)
    assert modele.data(modele.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None
    capturer(f, "liste-dossier-emprunte.png", tmp_path)

    # --- Ouvrir le fichier de travail : phrase fausse (redemandée, fichier intact), puis juste
    octets = fichier.read_bytes()
    g = FenetrePrincipale(str(fichier))
    g.resize(1366, 768)
    g.show()
    g.demarrer()
    qtbot.waitUntil(lambda: getattr(g, "dialogue_phrase", None) is not None and g.dialogue_phrase.isVisible())
    premiere = g.dialogue_phrase
    frapper(premiere.phrase, "une phrase qui ne va pas")
    premiere.accept()
    qtbot.waitUntil(lambda: g.dialogue_phrase is not premiere and g.dialogue_phrase.isVisible(), timeout=15000)
    assert "ne déchiffre pas" in g.dialogue_phrase.erreur.text() and fichier.read_bytes() == octets
    frapper(g.dialogue_phrase.phrase, PHRASE)
    g.dialogue_phrase.accept()
    qtbot.waitUntil(lambda: g.contexte is not None and g.page_dossiers.modele.rowCount() == 1, timeout=20000)
    qtbot.waitUntil(lambda: g.bandeau_travail is not None and g.bandeau_travail.isVisible())
    assert "Travail hors ligne" in g.texte_bandeau.text() and "à rapporter avant le" in g.texte_bandeau.text()
    assert not g.menus.emprunter.isEnabled() and not g.menus.rapporter.isEnabled()
    capturer(g, "fichier-de-travail.png", tmp_path)
    # --- Modifier le dossier hors ligne, dans son onglet
    g.espace.ouvrir_dossier(dossier_id)
    qtbot.waitUntil(lambda: g.onglets.count() == 5, timeout=15000)
    onglet = g.onglets.currentWidget()
    qtbot.waitUntil(lambda: onglet.action.intitule.text() != "", timeout=10000)
    onglet.action.intitule.selectAll()
    frapper(onglet.action.intitule, "Jardin revu au centre social")
    onglet.enregistrer()  # le bouton « Enregistrer » (Ctrl+S quand la fenêtre est active)
    qtbot.waitUntil(lambda: _intitule(g.contexte, dossier_id) == "Jardin revu au centre social", timeout=15000)
    qtbot.waitUntil(lambda: not onglet.modifie, timeout=10000)
    fermer_fenetre(g)

    # --- Au bureau, pendant ce temps : le même champ
    modifier(f.contexte, dossier_id, intitule="Jardin renommé au bureau")
    # --- Rapporter : le conflit côte à côte, tranché par une saisie
    f.menus.rapporter.trigger()
    retour = f.dialogue_retour
    qtbot.waitUntil(retour.isVisible)
    retour.fichier.setText(str(fichier))
    frapper(retour.phrase, PHRASE)
    qtbot.mouseClick(retour.bouton_comparer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: retour.retour is not None and retour.table.rowCount() == 1, timeout=20000)
    assert retour.table.item(0, 3).text().startswith("Jardin revu au centre social")
    assert retour.table.item(0, 4).text().startswith("Jardin renommé au bureau")
    assert "Dossier CDV-2027-001" == retour.table.item(0, 0).text()
    capturer(retour, "rapporter-conflit.png", tmp_path)
    qtbot.mouseClick(retour.bouton_rapporter, Qt.MouseButton.LeftButton)
    assert "Tranchez chaque conflit" in retour.erreur.text()
    retour.table.cellWidget(0, 5).setCurrentIndex(3)  # « Ma saisie »
    retour.table.item(0, 6).setText("Jardin partagé des Fontinettes (revu)")
    qtbot.mouseClick(retour.bouton_rapporter, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: retour.retour.applique and retour.boite_effacement.isVisible(), timeout=20000)
    capturer(retour, "rapporte.png", tmp_path)
    qtbot.mouseClick(retour.boite_effacement.button(retour.boite_effacement.StandardButton.Yes),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not fichier.exists(), timeout=10000)
    assert _intitule(f.contexte, dossier_id) == "Jardin partagé des Fontinettes (revu)"
    qtbot.waitUntil(lambda: modele.data(modele.index(0, 0), Qt.ItemDataRole.DecorationRole) is None, timeout=10000)
    retour.close()
    fermer_fenetre(f)
    assert Path(tmp_path / "rapporter-conflit.png").is_file()
