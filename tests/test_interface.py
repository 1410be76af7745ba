"""La vraie fenêtre, hors écran, pilotée par pytest-qt."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from instruction.ui import modele_dossiers as md
from instruction.ui.dialogue_erreur import DialogueErreur
from instruction.ui.fenetre_principale import FenetrePrincipale


@pytest.fixture
def fenetre(qtbot):
    fenetres = []

    def ouvrir(url: str) -> FenetrePrincipale:
        f = FenetrePrincipale(url)
        qtbot.addWidget(f)
        f.resize(1366, 768)
        f.show()
        f.demarrer()
        fenetres.append(f)
        return f

    yield ouvrir
    from instruction.ui.operation import en_cours

    for _ in range(50):  # un travail qui s'achève peut en lancer un autre : attendre que tout soit revenu
        QThreadPool.globalInstance().waitForDone(20000)
        QApplication.processEvents()
        if en_cours() == 0 and QThreadPool.globalInstance().activeThreadCount() == 0:
            break
    for f in fenetres:
        if f.contexte is not None:
            f.contexte.clore()  # ce qui partirait encore (un écran resté ouvert) est refusé sans bruit


def _dialogues_erreur():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, DialogueErreur) and w.isVisible()]


def test_la_fenetre_liste_trie_et_cherche_les_dossiers(fenetre, qtbot, url_demo):
    f = fenetre(url_demo)
    modele = f.page_dossiers.modele
    qtbot.waitUntil(lambda: modele.rowCount() == 150 and f.contexte is not None, timeout=10000)
    assert modele.recherche_prete()
    assert f.page_dossiers.compte.text() == "150 dossiers"
    assert "Base :" in f.lieu_base.text()
    assert modele.headerData(md.INTITULE, Qt.Orientation.Horizontal) == "Intitulé de l'action"
    # La campagne la plus récente en haut, par numéro ; puis les campagnes 2023.
    numeros = [modele.ligne(i).numero for i in range(modele.rowCount())]
    assert numeros[:3] == ["CDV-2027-001", "CDV-2027-002", "CDV-2027-003"] and numeros[14] == "CDV-2023-001"

    f.page_dossiers.table.sortByColumn(md.COUT, Qt.SortOrder.DescendingOrder)
    couts = [modele.ligne(i).cout_total for i in range(modele.rowCount())]
    assert couts == sorted(couts, reverse=True)
    assert modele.index(0, md.COUT).data().endswith("€")

    qtbot.keyClicks(f.page_dossiers.recherche, "matisse")
    assert 0 < modele.rowCount() < 150
    for i in range(modele.rowCount()):
        ligne = modele.ligne(i)
        assert "matisse" in (ligne.intitule + ligne.porteur).lower()
    assert f.page_dossiers.compte.text().endswith("sur 150 dossiers")
    couts = [modele.ligne(i).cout_total for i in range(modele.rowCount())]
    assert couts == sorted(couts, reverse=True), "le tri est gardé pendant la recherche"

    f.page_dossiers.recherche.clear()
    qtbot.keyClicks(f.page_dossiers.recherche, "pic-2023-")
    assert modele.rowCount() == 29  # 27 retenus par le jury PIC, 2 refusés
    qtbot.keyClicks(f.page_dossiers.recherche, " velos")  # « réparation de vélos », sans accent
    assert modele.rowCount() == 1
    f.page_dossiers.recherche.clear()
    assert modele.rowCount() == 150


def test_le_modele_passe_le_testeur_de_qt(qtmodeltester, fichier_demo, url_demo):
    from instruction.services import dossiers
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    with contexte.unite() as uow:
        lignes = dossiers.lister(uow)
    contexte.fermer()
    modele = md.ModeleDossiers()
    modele.remplacer(lignes)
    qtmodeltester.check(modele)
    modele.sort(md.PORTEUR, Qt.SortOrder.AscendingOrder)
    modele.filtrer("beau marais")
    qtmodeltester.check(modele)
    assert modele.rowCount(modele.index(0, 0)) == 0
    assert modele.data(modele.index(0, md.NUMERO), md.ID_ROLE) == modele.ligne(0).id
    assert modele.data(QModelIndex()) is None


def test_le_referentiel_se_parcourt_avec_ses_sources(fenetre, qtbot, url_demo):
    f = fenetre(url_demo)
    page = f.page_referentiel
    qtbot.waitUntil(lambda: page.modele.rowCount() == 7, timeout=10000)
    titres = [page.modele.item(i).text() for i in range(page.modele.rowCount())]
    assert titres[0] == "Territoire" and titres[-1] == "Thématiques des référents (10)"

    page.recherche.setText("sante mentale")
    index = page.filtre.index(0, 0)
    while page.filtre.rowCount(index):
        index = page.filtre.index(0, 0, index)
    page.arbre.setCurrentIndex(index)
    fiche = page.fiche.toPlainText()
    assert "santé mentale" in fiche.lower()
    assert "Source : contrat de ville, ligne" in fiche
    page.recherche.clear()
    assert page.filtre.rowCount() == 7


def test_base_vide_propose_la_demonstration(fenetre, qtbot, url_base, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    f = fenetre(url_base)
    qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 150, timeout=60000)
    assert not f.menus.demo.isEnabled()
    assert f.page_dossiers.pile.currentIndex() == 0


def test_base_vide_refus_de_la_demonstration_puis_bouton(fenetre, qtbot, url_base, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    f = fenetre(url_base)
    qtbot.waitUntil(lambda: f.contexte is not None, timeout=10000)
    qtbot.waitUntil(lambda: f.page_dossiers.bouton_demo.isVisible(), timeout=5000)
    assert f.page_dossiers.compte.text() == "Aucun dossier"
    qtbot.mouseClick(f.page_dossiers.bouton_demo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 150, timeout=60000)


def test_base_injoignable_message_clair_et_application_vivante(fenetre, qtbot):
    f = fenetre("postgresql://instruction:secret@127.0.0.1:1/instruction")
    qtbot.waitUntil(lambda: bool(_dialogues_erreur()), timeout=15000)
    dialogue = _dialogues_erreur()[0]
    assert "ne répond pas" in dialogue.texte.text()
    assert "secret" not in dialogue.texte.text()
    assert f.page_dossiers.bouton_reessai.isVisible()
    assert "ne répond pas" in f.page_dossiers.message.text()
    dialogue.close()
    f.onglets.setCurrentIndex(1)  # l'application répond toujours
    assert f.onglets.currentIndex() == 1


@pytest.mark.qt_no_exception_capture
def test_erreur_inattendue_dialogue_copiable_et_journal(qtbot, dossiers_utilisateur):
    from instruction.journal import configurer
    from instruction.ui.erreurs import installer_gestionnaire

    fichier = configurer()
    installer_gestionnaire()
    try:
        raise ZeroDivisionError("division par zéro dans un calcul")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: bool(_dialogues_erreur()), timeout=5000)
    dialogue = _dialogues_erreur()[0]
    assert "erreur inattendue" in dialogue.texte.text()
    assert "ZeroDivisionError" in dialogue.detail.toPlainText()
    qtbot.mouseClick(dialogue.copier, Qt.MouseButton.LeftButton)
    assert "ZeroDivisionError" in QGuiApplication.clipboard().text()
    dialogue.close()
    assert fichier is not None and "ZeroDivisionError" in fichier.read_text(encoding="utf-8")
    sys.excepthook = sys.__excepthook__


def test_exporter_la_liste_affichee_en_xlsx(fenetre, qtbot, url_demo, tmp_path, monkeypatch):
    from decimal import Decimal

    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    cible = tmp_path / "export.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(cible), ""))
    f = fenetre(url_demo)
    modele = f.page_dossiers.modele
    qtbot.waitUntil(lambda: f.contexte is not None and modele.recherche_prete(), timeout=10000)
    qtbot.keyClicks(f.page_dossiers.recherche, "pic-2023")
    f.page_dossiers.table.sortByColumn(md.COUT, Qt.SortOrder.DescendingOrder)
    attendues = modele.lignes_visibles()
    qtbot.mouseClick(f.page_dossiers.bouton_export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(f, "dialogue_export", None) is not None and f.dialogue_export.jeux_lus)
    qtbot.mouseClick(f.dialogue_export.exporter, Qt.MouseButton.LeftButton)  # colonnes d'origine, xlsx
    qtbot.waitUntil(lambda: "exportés" in f.statusBar().currentMessage(), timeout=10000)

    feuille = load_workbook(cible).active
    assert [c.value for c in feuille[1]][:3] == ["N°", "Intitulé de l'action", "Porteur"]
    lignes = list(feuille.iter_rows(min_row=2, max_row=1 + len(attendues), values_only=True))
    assert [l[0] for l in lignes] == [a.numero for a in attendues]
    couts = [Decimal(str(l[8])).quantize(Decimal("0.01")) for l in lignes]
    accordes = [Decimal(str(l[10] or 0)).quantize(Decimal("0.01")) for l in lignes]
    assert sum(accordes) == Decimal("27021.00"), "accordé aux 27 PIC de 2023 (l. 3674)"
    assert couts == sorted(couts, reverse=True)
    assert feuille.cell(2, 9).number_format.endswith('"€"')
    assert feuille.cell(len(attendues) + 2, 1).value == "Total"


def test_la_recherche_qui_se_prolonge_donne_les_memes_resultats(url_demo):
    """La recherche ne parcourt que les résultats précédents quand on ajoute des lettres."""
    from instruction.services.contexte import ouvrir
    from instruction.services.demarrage import relister

    contexte = ouvrir(url_demo)
    liste = relister(contexte)
    contexte.fermer()
    progressif = md.ModeleDossiers()
    progressif.remplacer(liste.lignes, liste.recherche, liste.axes)
    frappes = ["m", "ma", "mai", "mais", "maiso", "maison", "maison d", "maison de", "maison des f", "maison d",
               "maison", "", "beau", "beau marais 2023", "jardin"]
    for requete in frappes:
        progressif.filtrer(requete)
        neuf = md.ModeleDossiers()
        neuf.remplacer(liste.lignes, liste.recherche, liste.axes)
        neuf.filtrer(requete)
        assert [progressif.ligne(i).id for i in range(progressif.rowCount())] == [
            neuf.ligne(i).id for i in range(neuf.rowCount())], requete
    progressif.filtrer("sophrologue")  # mot de la description seulement : les textes longs comptent aussi
    assert progressif.rowCount() >= 1
    assert all("sophrologue" not in progressif.ligne(i).intitule.lower() for i in range(progressif.rowCount()))


def test_une_page_abimee_est_dite_a_l_ouverture_de_la_fenetre(qtbot, tmp_path, modele_sqlite):
    """L'avertissement de la base (une page abîmée) s'affiche dans la fenêtre, pas seulement au journal."""
    import shutil

    from instruction.services.contexte import ouvrir
    from tests import fabrique
    from tests.conftest import fermer_fenetre, ouvrir_fenetre

    fichier = tmp_path / "instruction.sqlite"
    shutil.copyfile(modele_sqlite, fichier)
    contexte = ouvrir(f"sqlite:///{fichier}")
    for _ in range(3):
        fabrique.dossier(contexte)
    contexte.fermer()
    fabrique.abimer_une_page(fichier)
    f = ouvrir_fenetre(qtbot, f"sqlite:///{fichier}")
    try:
        qtbot.waitUntil(lambda: getattr(f, "boite_avertissement", None) is not None
                        and f.boite_avertissement.isVisible(), timeout=15000)
        assert "endommagée" in f.boite_avertissement.text()
        assert "endommagée" in f.statusBar().currentMessage()
        f.boite_avertissement.accept()
    finally:
        fermer_fenetre(f)
