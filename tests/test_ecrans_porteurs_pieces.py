"""Porteurs (création, changements datés) et pièces jointes, dans la vraie fenêtre."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from instruction.services import porteurs
from instruction.services.contexte import ouvrir
from instruction.ui.porteur.dialogues import DialogueNouveauPorteur, DialogueVersion
from tests.conftest import frapper


@pytest.fixture
def fenetre(fenetre_demo):
    return fenetre_demo


def _dialogue(classe):
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, classe) and w.isVisible())


def test_creer_un_porteur_un_siret_faux_est_signale_puis_corrige(fenetre, qtbot, url_demo):
    f = fenetre
    nombre = f.page_porteurs.modele.rowCount()
    f.page_porteurs.nouveau.click()
    qtbot.waitUntil(lambda: any(isinstance(w, DialogueNouveauPorteur) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=5000)
    dialogue = _dialogue(DialogueNouveauPorteur)
    champs = dialogue.identite.champs
    frapper(champs["nom"], "Association Les Mains Vertes du Beau Marais")
    champs["type"].setFocus()
    qtbot.keyClick(champs["type"], Qt.Key.Key_Down)
    assert champs["type"].currentData() == "association"
    frapper(champs["siret"], "732 829 320 00075")
    frapper(dialogue.representant.champs["nom"], "Nadia Benali")
    frapper(dialogue.compte.champs["iban"], "FR76 3000 6000 0112 3456 7890 188")
    qtbot.mouseClick(dialogue.boutons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialogue.message.text() != "", timeout=10000)
    etiquettes = dialogue.formulaire.etiquettes
    assert "clé de contrôle" in etiquettes["siret"].text()
    assert "clé de contrôle" in etiquettes["compte.iban"].text()
    assert dialogue.isVisible(), "le dialogue reste ouvert, la saisie intacte"
    assert champs["nom"].text() == "Association Les Mains Vertes du Beau Marais"
    champs["siret"].selectAll()
    frapper(champs["siret"], "73282932000074")
    dialogue.compte.champs["iban"].selectAll()
    frapper(dialogue.compte.champs["iban"], "FR76 3000 6000 0112 3456 7890 189")
    qtbot.mouseClick(dialogue.boutons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: f.page_porteurs.modele.rowCount() == nombre + 1, timeout=10000)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    onglet = f.onglets.currentWidget()
    assert onglet.fiche.identite["siret"] == "73282932000074"
    assert onglet.fiche.actuel("representants").valeurs["nom"] == "Nadia Benali"


def test_changement_de_representant_date_garde_l_ancien(fenetre, qtbot, url_demo):
    f = fenetre
    modele = f.page_porteurs.filtre
    rang = next(r for r in range(modele.rowCount()) if modele.index(r, 0).data() == "Terre d'Opale Habitat")
    f.page_porteurs.table.setCurrentIndex(modele.index(rang, 0))
    qtbot.keyClick(f.page_porteurs.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    onglet = f.onglets.currentWidget()
    assert onglet.histoires["noms"].rowCount() == 2, "OPH de Calais puis Terre d'Opale Habitat"
    assert onglet.histoires["noms"].item(0, 0).text().startswith("Office Public de l'Habitat")
    boutons = [b for b in onglet.findChildren(type(onglet.bouton_enregistrer)) if b.text() == "Changement daté…"]
    qtbot.mouseClick(boutons[1], Qt.MouseButton.LeftButton)  # représentant
    qtbot.waitUntil(lambda: any(isinstance(w, DialogueVersion) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=5000)
    dialogue = _dialogue(DialogueVersion)
    frapper(dialogue.champs.champs["nom"], "Hélène Carpentier")
    frapper(dialogue.champs.champs["qualite"], "Directrice générale")
    dialogue.depuis.selectAll()
    frapper(dialogue.depuis, "01/09/2026")
    qtbot.mouseClick(dialogue.boutons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: onglet.histoires["representants"].rowCount() == 2, timeout=10000)
    table = onglet.histoires["representants"]
    assert table.item(0, 4).text() == "31/08/2026" and table.item(1, 3).text() == "01/09/2026"
    assert table.item(1, 1).text() == "Hélène Carpentier"


def test_joindre_ouvrir_et_retirer_une_piece(fenetre, qtbot, url_demo, tmp_path, monkeypatch):
    f = fenetre
    modele = f.page_dossiers.modele
    qtbot.waitUntil(lambda: modele.rowCount() == 150, timeout=10000)
    identifiant = next(modele.ligne(i).id for i in range(modele.rowCount()) if modele.ligne(i).numero == "CDV-2023-001")
    f.espace.ouvrir_dossier(identifiant)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    onglet = f.onglets.currentWidget()
    avant = len(onglet.fiche.pieces)
    fichier = tmp_path / "compte-rendu-copil.pdf"
    fichier.write_bytes(b"%PDF-1.4\n% compte rendu du comite de pilotage\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(fichier)], ""))
    qtbot.keyClick(onglet, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    qtbot.mouseClick(onglet.pieces.ajouter, Qt.MouseButton.LeftButton)
    # La boîte des pièces à joindre (une ligne par fichier choisi) : type et date, puis « Joindre ».
    qtbot.waitUntil(lambda: getattr(onglet, "dialogue_pieces", None) is not None
                    and onglet.dialogue_pieces.isVisible(), timeout=10000)
    dialogue = onglet.dialogue_pieces
    dialogue.types[0].setCurrentIndex(dialogue.types[0].findData("autre"))
    dialogue.dates[0].setText("02/10/2023")
    from PySide6.QtWidgets import QDialogButtonBox

    qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(onglet.fiche.pieces) == avant + 1, timeout=10000)
    piece = onglet.fiche.pieces[-1]
    assert piece.nom_fichier == "compte-rendu-copil.pdf" and piece.date_piece == dt.date(2023, 10, 2)
    import hashlib

    assert piece.empreinte == hashlib.sha256(fichier.read_bytes()).hexdigest()

    ouverts = []
    monkeypatch.setattr("instruction.ui.dossier.pieces_du_dossier.QDesktopServices.openUrl",
                        lambda url: ouverts.append(url.toLocalFile()) or True)
    onglet.pieces.table.selectRow(avant)
    qtbot.mouseClick(onglet.pieces.ouvrir, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ouverts), timeout=10000)
    from pathlib import Path

    assert Path(ouverts[0]).read_bytes() == fichier.read_bytes()

    # « Enregistrer sous » : écrit hors du fil de l'interface ; un dossier impossible est refusé en français.
    copie = tmp_path / "copie.pdf"
    monkeypatch.setattr("instruction.ui.dossier.pieces_du_dossier.fichiers.enregistrer_sous", lambda *a, **k: str(copie))
    onglet.enregistrer_piece_sous(onglet.fiche.pieces[avant].id)
    qtbot.waitUntil(lambda: copie.exists() and "Pièce enregistrée" in onglet.message.text(), timeout=10000)
    assert copie.read_bytes() == fichier.read_bytes()

    monkeypatch.setattr("instruction.ui.dossier.pieces_du_dossier.QMessageBox.question",
                        lambda *a, **k: __import__("PySide6.QtWidgets").QtWidgets.QMessageBox.StandardButton.Yes)
    onglet.pieces.table.selectRow(avant)
    qtbot.mouseClick(onglet.pieces.retirer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(onglet.fiche.pieces) == avant, timeout=10000)


def test_porteur_par_le_service_visible_dans_la_liste(fenetre, qtbot, url_demo):
    contexte = ouvrir(url_demo)
    with contexte.unite() as uow:
        porteurs.creer(uow, {"nom": "Collectif des habitants de la rue Matisse", "type": "groupe-habitants"})
        uow.valider()
    contexte.fermer()
    fenetre.rafraichir_listes()
    qtbot.waitUntil(lambda: any(
        fenetre.page_porteurs.modele.item(r, 0).text() == "Collectif des habitants de la rue Matisse"
        for r in range(fenetre.page_porteurs.modele.rowCount())), timeout=10000)
    fenetre.page_porteurs.recherche.setText("matisse collectif")
    assert fenetre.page_porteurs.filtre.rowCount() == 1
