"""Le travail hors ligne à l'écran (pytest-qt) : emprunter depuis la liste, ouvrir le fichier de travail
(phrase fausse puis juste, bandeau), modifier le dossier dans son onglet, rapporter et trancher le conflit
dans le dialogue côte à côte ; captures à 1366×768."""

from __future__ import annotations

from decimal import Decimal
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
    assert boite.isVisible()  # ouverte par le menu, tout de suite
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
    phrase = g.dialogue_phrase
    qtbot.mouseClick(phrase.bouton_ouvrir, Qt.MouseButton.LeftButton)  # rien de tapé : dit, rien de lancé
    assert "Tapez la phrase de passe" in phrase.erreur.text() and phrase.phrase.isEnabled()
    frapper(phrase.phrase, "une phrase qui ne va pas")
    qtbot.mouseClick(phrase.bouton_ouvrir, Qt.MouseButton.LeftButton)
    assert not phrase.bouton_ouvrir.isEnabled() and phrase.etat.isVisible()  # reste ouverte
    qtbot.waitUntil(lambda: "ne déchiffre pas" in phrase.erreur.text(), timeout=15000)
    # La même boîte, toujours ouverte : ce qui a été tapé est là, sélectionné ; le fichier n'a pas bougé.
    assert g.dialogue_phrase is phrase and phrase.isVisible() and phrase.bouton_ouvrir.isEnabled()
    assert phrase.phrase.text() == "une phrase qui ne va pas" and phrase.phrase.selectedText() == phrase.phrase.text()
    assert fichier.read_bytes() == octets
    capturer(phrase, "phrase-refusee.png", tmp_path)
    frapper(phrase.phrase, PHRASE)  # remplace la sélection
    assert phrase.phrase.text() == PHRASE
    qtbot.mouseClick(phrase.bouton_ouvrir, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: g.contexte is not None and g.page_dossiers.modele.rowCount() == 1, timeout=20000)
    assert not phrase.isVisible()
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
    assert retour.isVisible()  # ouverte par le menu, tout de suite
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
    retour.garder[0].setCurrentIndex(3)  # « Ma saisie »
    retour.table.item(0, 6).setText("Jardin partagé des Fontinettes (revu)")
    # Comparer de nouveau refait la liste : le choix fait et la valeur saisie restent.
    avant = retour.retour
    qtbot.mouseClick(retour.bouton_comparer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: retour.retour is not avant, timeout=20000)
    assert retour.garder[0].currentIndex() == 3
    assert retour.table.item(0, 6).text() == "Jardin partagé des Fontinettes (revu)"
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


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_budget_change_des_deux_cotes_tranche_a_l_ecran(qtbot, dossier_en_base, tmp_path):
    """Un dossier emprunté ouvert depuis Mes tâches (pas depuis la liste) : averti une fois ; puis le budget
    ressaisi des deux côtés : UN conflit de liste, côte à côte (lignes « compte — libellé — montant » et totaux),
    tranché en gardant le bureau (pas de saisie possible pour une liste) ; budget et totaux relus en base."""
    import datetime as dt

    from instruction.db.verification import verifier
    from instruction.domaine import argent
    from instruction.services.actions import emprunts as actions
    from instruction.services.contexte import ouvrir_travail
    from tests.test_emprunts import BUDGET_BUREAU, BUDGET_PORTABLE, _budget, modifier

    url, dossier_id = dossier_en_base
    f = ouvrir_fenetre(qtbot, url)
    f.resize(1366, 768)
    qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 1, timeout=15000)
    bilan = actions.emprunter(f.contexte, [dossier_id], tmp_path / "tournee", PHRASE,
                              dt.date.today() + dt.timedelta(days=7)).valeur
    # --- Ouvert depuis Mes tâches : l'avertissement vient du chemin commun (EspaceTravail.ouvrir_dossier)
    f.page_taches.ouverture_demandee.emit(dossier_id, "")
    qtbot.waitUntil(lambda: getattr(f, "boite_emprunt", None) is not None and f.boite_emprunt.isVisible(),
                    timeout=15000)
    boite = f.boite_emprunt
    assert "CDV-2027-001" in boite.text() and "emprunté par" in boite.text()
    assert f.onglets.count() == 4  # rien d'ouvert avant la réponse
    capturer(boite, "avertissement-dossier-emprunte.png", tmp_path)
    qtbot.mouseClick(boite.button(boite.StandardButton.Open), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=15000)
    f.boite_emprunt = None
    f.onglets.setCurrentIndex(0)
    f.page_taches.ouverture_demandee.emit(dossier_id, "")  # déjà ouvert : l'onglet revient, sans second avertissement
    assert f.onglets.currentIndex() == 4 and f.boite_emprunt is None
    f.espace.fermer(4)
    qtbot.waitUntil(lambda: f.onglets.count() == 4, timeout=10000)

    # --- Le budget ressaisi hors ligne et au bureau
    portable = ouvrir_travail(bilan.fichier, PHRASE)
    modifier(portable, dossier_id, budget=BUDGET_PORTABLE)
    portable.fermer()
    modifier(f.contexte, dossier_id, budget=BUDGET_BUREAU)
    du_bureau = _budget(f.contexte, dossier_id)
    f.menus.rapporter.trigger()
    retour = f.dialogue_retour
    assert retour.isVisible()
    retour.resize(1366, 768)
    retour.fichier.setText(str(bilan.fichier))
    frapper(retour.phrase, PHRASE)
    qtbot.mouseClick(retour.bouton_comparer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: retour.retour is not None and retour.table.rowCount() == 1, timeout=20000)
    assert (retour.table.item(0, 0).text(), retour.table.item(0, 1).text()) == ("Dossier CDV-2027-001",
                                                                                 "Budget prévisionnel")
    assert f"64 — Animatrice — {argent.formater(Decimal('3500'))}" in retour.table.item(0, 3).text()
    assert f"61 — Location de salle — {argent.formater(Decimal('800'))}" in retour.table.item(0, 4).text()
    assert "Location de salle" not in retour.table.item(0, 2).text()
    assert retour.table.rowHeight(0) > 6 * retour.fontMetrics().height()  # les lignes du budget se lisent toutes
    garder = retour.garder[0]
    assert [garder.itemText(i) for i in range(garder.count())] == ["— à choisir —", "Le portable", "Le bureau"]
    assert "se garde entière" in retour.table.item(0, 6).text()
    assert f"74 — Ville de Calais — {argent.formater(Decimal('1500'))}" in retour.table.item(0, 4).text()
    capturer(retour, "rapporter-conflit-budget.png", tmp_path)
    garder.setCurrentIndex(2)  # le bureau
    qtbot.mouseClick(retour.bouton_rapporter, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: retour.retour.applique and retour.boite_effacement.isVisible(), timeout=20000)
    retour.boite_effacement.reject()
    assert _budget(f.contexte, dossier_id) == du_bureau
    assert du_bureau[1]["cout_total"] == Decimal("5000.50") and len(du_bureau[0]) == 6
    assert verifier(url).reussi
    retour.close()
    fermer_fenetre(f)
