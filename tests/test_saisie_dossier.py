"""Saisir un dossier complet au clavier dans la vraie fenêtre, l'enregistrer, le relire en base.

Les champs sont remplis par de vraies frappes (``qtbot.keyClicks``, touches Tab, Espace,
F2, flèches, Entrée) ; seules les boîtes de dialogue du système (choix de fichier) sont
remplacées, comme dans les tests de Vorta.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.services import dossier as service_dossier
from instruction.services import porteurs
from instruction.services.contexte import ouvrir
from instruction.ui.fenetre_principale import FenetrePrincipale
from tests.conftest import frapper

PORTEUR = {
    "nom": "Association Les Jardiniers des Fontinettes", "type": "association", "siret": "73282932000074",
    "rna": "W622001234", "ville": "Calais",
}


@pytest.fixture
def base_preparee(url_base):
    contexte = ouvrir(url_base)
    with contexte.unite() as uow:
        porteur_id = porteurs.creer(uow, PORTEUR, representant={"civilite": "Madame", "nom": "Sandrine Lefebvre",
                                                                "qualite": "Présidente"})
        campagne = service_dossier.creer_campagne(uow, "cdv", 2027)
        uow.valider()
    from instruction.services.demarrage import noter_demo_proposee

    noter_demo_proposee(contexte)  # la base n'a pas de dossier : ne pas proposer la démonstration
    contexte.fermer()
    return url_base, porteur_id, campagne.id


@pytest.fixture
def fenetre(qtbot):
    fenetres = []

    def ouvrir_fenetre(url: str) -> FenetrePrincipale:
        f = FenetrePrincipale(url)  # fermée ci-dessous, après avoir écarté les modifications en cours
        f.resize(1366, 768)
        f.show()
        f.demarrer()
        qtbot.waitUntil(lambda: f.contexte is not None, timeout=15000)
        fenetres.append(f)
        return f

    yield ouvrir_fenetre
    QThreadPool.globalInstance().waitForDone(20000)
    for f in fenetres:
        for onglet in f.espace.onglets_de_travail():
            onglet.modifie = False
        f.close()
        f.deleteLater()


def _nouveau_dossier(qtbot, f):
    qtbot.keyClick(f, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    return f.onglets.currentWidget()


def _taper(qtbot, widget, texte: str) -> None:
    widget.setFocus()
    frapper(widget, texte)


def _cocher(qtbot, liste, code: str) -> None:
    """Coche un élément d'une liste à cocher au clavier (Espace)."""
    item = liste._items[code]
    liste.setFocus()
    liste.setCurrentIndex(item.index())
    qtbot.keyClick(liste, Qt.Key.Key_Space)
    assert item.checkState() == Qt.CheckState.Checked


def _editeur(qtbot, table, classe):
    """L'éditeur que la vue vient d'ouvrir dans la cellule courante."""
    qtbot.waitUntil(lambda: table.viewport().findChild(classe) is not None)
    return table.viewport().findChild(classe)


def _cellule(qtbot, tableau, rang: int, colonne: int, texte: str) -> None:
    """Tape ``texte`` dans une cellule (F2 ouvre l'éditeur, Entrée valide)."""
    from PySide6.QtWidgets import QLineEdit

    table = tableau.table
    table.setFocus()
    table.setCurrentIndex(tableau.modele.index(rang, colonne))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editeur = _editeur(qtbot, table, QLineEdit)
    qtbot.keyClick(editeur, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    frapper(editeur, texte)
    qtbot.keyClick(editeur, Qt.Key.Key_Return)  # la vue valide l'éditeur au tour de boucle suivant
    qtbot.waitUntil(lambda: tableau.modele.index(rang, colonne).data(Qt.ItemDataRole.EditRole) == texte)
    qtbot.waitUntil(lambda: table.viewport().findChild(QLineEdit) is None)


def _choix(qtbot, tableau, rang: int, colonne: int, code: str) -> None:
    """Choisit ``code`` dans la liste déroulante d'une cellule, au clavier (F2, flèches, Entrée)."""
    from PySide6.QtWidgets import QComboBox

    table = tableau.table
    table.setFocus()
    table.setCurrentIndex(tableau.modele.index(rang, colonne))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    liste = _editeur(qtbot, table, QComboBox)
    cible = liste.findData(code)
    assert cible >= 0, code
    touche = Qt.Key.Key_Down if cible > liste.currentIndex() else Qt.Key.Key_Up
    while liste.currentIndex() != cible:
        qtbot.keyClick(liste, touche)
    qtbot.keyClick(liste, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tableau.modele.index(rang, colonne).data(Qt.ItemDataRole.EditRole) == code)
    qtbot.waitUntil(lambda: table.viewport().findChild(QComboBox) is None)


def _ligne_budget(qtbot, tableau, compte: str, libelle: str, montant: str, financeur: str | None = None) -> None:
    from PySide6.QtWidgets import QComboBox

    qtbot.mouseClick(tableau.bouton_ajouter, Qt.MouseButton.LeftButton)
    rang = tableau.modele.rowCount() - 1
    qtbot.keyClick(_editeur(qtbot, tableau.table, QComboBox), Qt.Key.Key_Escape)  # l'éditeur ouvert d'office
    qtbot.waitUntil(lambda: tableau.table.viewport().findChild(QComboBox) is None)
    colonnes = [c.cle for c in tableau.modele.colonnes]
    _choix(qtbot, tableau, rang, colonnes.index("compte"), compte)
    if financeur:
        _choix(qtbot, tableau, rang, colonnes.index("financeur"), financeur)
    _cellule(qtbot, tableau, rang, colonnes.index("libelle"), libelle)
    _cellule(qtbot, tableau, rang, colonnes.index("montant"), montant)


def test_saisir_un_dossier_complet_au_clavier_et_le_relire(fenetre, qtbot, base_preparee):
    url, porteur_id, campagne_id = base_preparee
    f = fenetre(url)
    onglet = _nouveau_dossier(qtbot, f)
    action = onglet.action

    # 1. Action
    action.campagne.setFocus()
    qtbot.keyClick(action.campagne, Qt.Key.Key_Down)
    assert action.campagne.currentData() == str(campagne_id)
    _taper(qtbot, action.porteur.lineEdit(), PORTEUR["nom"])
    _taper(qtbot, action.intitule, "Jardin partagé des Fontinettes")
    _taper(qtbot, action.resume, "Un jardin cultivé par les habitants du quartier.")
    _taper(qtbot, action.description, "Ateliers de jardinage chaque mercredi, avec les écoles voisines.")
    _taper(qtbot, action.objectifs_action, "Rendre les habitants acteurs de leur cadre de vie.")
    _cocher(qtbot, action.objectifs, "OS22.1")

    # 2. Publics et territoire
    qtbot.keyClick(onglet, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    publics = onglet.publics
    for code in ("6-10", "26-64"):
        publics.tranches[code].setFocus()
        qtbot.keyClick(publics.tranches[code], Qt.Key.Key_Space)
    _taper(qtbot, publics.beneficiaires, "40")
    _taper(qtbot, publics.femmes, "24")
    _taper(qtbot, publics.hommes, "16")
    _taper(qtbot, publics.par_quartier["beau-marais"], "30")
    _taper(qtbot, publics.lieux, "Jardin des Fontinettes")
    _cocher(qtbot, publics.quartiers, "beau-marais")

    # 3. Calendrier et séances
    qtbot.keyClick(onglet, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    calendrier = onglet.calendrier
    _taper(qtbot, calendrier.debut, "01/03/2027")
    _taper(qtbot, calendrier.fin, "30/11/2027")
    seances = calendrier.seances
    qtbot.mouseClick(seances.bouton_ajouter, Qt.MouseButton.LeftButton)
    editeur = _editeur(qtbot, seances.table, QLineEdit)
    frapper(editeur, "Atelier jardin")
    qtbot.keyClick(editeur, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: seances.modele.index(0, 0).data() == "Atelier jardin")
    _choix(qtbot, seances, 0, 1, "mercredi")
    _cellule(qtbot, seances, 0, 2, "14h00")
    _cellule(qtbot, seances, 0, 3, "16h30")
    _choix(qtbot, seances, 0, 4, "extrascolaire")
    _cellule(qtbot, seances, 0, 5, "chaque semaine")
    _cellule(qtbot, seances, 0, 6, "30")

    # 4. Moyens et évaluation
    qtbot.keyClick(onglet, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    evaluation = onglet.evaluation
    _taper(qtbot, evaluation.moyens, "Une animatrice, dix bénévoles.")
    _taper(qtbot, evaluation.evaluation, "Feuilles de présence et bilan partagé.")
    qtbot.mouseClick(evaluation.indicateurs.bouton_ajouter, Qt.MouseButton.LeftButton)
    editeur = _editeur(qtbot, evaluation.indicateurs.table, QLineEdit)
    frapper(editeur, "Part des participants du QPV")
    qtbot.keyClick(editeur, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: evaluation.indicateurs.modele.index(0, 0).data() == "Part des participants du QPV")
    _cellule(qtbot, evaluation.indicateurs, 0, 2, "75")
    _choix(qtbot, evaluation.indicateurs, 0, 3, "%")

    # 5. Budget : charges et produits, totaux et parts en direct
    qtbot.keyClick(onglet, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    budget = onglet.budget
    _ligne_budget(qtbot, budget.charges, "60", "Graines et outils", "1 200,50")
    _ligne_budget(qtbot, budget.charges, "64", "Animatrice", "3000")
    _ligne_budget(qtbot, budget.produits, "74", "Subvention État", "2 000", "etat-pv")
    _ligne_budget(qtbot, budget.produits, "74", "Subvention Ville", "1500", "ville-calais")
    assert "Budget non équilibré" in budget.ecart.text() and "700,50" in budget.ecart.text()
    _ligne_budget(qtbot, budget.produits, "75", "Cotisations", "700,50")
    assert "Budget équilibré" in budget.ecart.text()
    assert budget.parts.item(0, 2).text() == "47,6\u00a0%"  # 2 000 / 4 200,50
    assert onglet.modifie and onglet.titre_onglet.endswith("*")

    # Enregistrer (Ctrl+S) puis relire en base
    qtbot.keyClick(onglet, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: onglet.fiche.id is not None, timeout=15000)
    assert not onglet.modifie
    assert onglet.fiche.numero == "CDV-2027-001"
    assert f.onglets.tabText(4) == "CDV-2027-001"
    contexte = ouvrir(url)
    try:
        with contexte.unite() as uow:
            fiche = service_dossier.lire(uow, onglet.fiche.id)
            dossier = uow.session.get(m.Dossier, onglet.fiche.id)
            assert dossier.porteur_id == porteur_id and dossier.campagne_id == campagne_id
            assert dossier.cout_total == Decimal("4200.50") and dossier.subvention_demandee == Decimal("3500.00")
    finally:
        contexte.fermer()
    d = fiche.donnees
    assert d.intitule == "Jardin partagé des Fontinettes"
    assert d.objectifs == ("OS22.1",) and d.quartiers == ("beau-marais",)
    assert d.tranches_age == ("6-10", "26-64")
    assert (d.beneficiaires, d.femmes, d.hommes) == (40, 24, 16)
    assert d.beneficiaires_quartiers == (("beau-marais", 30),)
    assert (d.date_debut, d.date_fin) == (dt.date(2027, 3, 1), dt.date(2027, 11, 30))
    seance = d.seances[0]
    assert (seance.libelle, seance.jour, seance.periode, seance.nombre) == ("Atelier jardin", "mercredi",
                                                                             "extrascolaire", 30)
    assert (seance.heure_debut, seance.heure_fin) == (dt.time(14, 0), dt.time(16, 30))
    assert d.indicateurs[0].cible == Decimal("75") and d.indicateurs[0].unite == "%"
    assert [(l.compte, l.financeur, l.montant) for l in d.budget] == [
        ("60", None, Decimal("1200.50")), ("64", None, Decimal("3000.00")),
        ("74", "etat-pv", Decimal("2000.00")), ("74", "ville-calais", Decimal("1500.00")),
        ("75", None, Decimal("700.50")),
    ]
    # la liste des dossiers se met à jour
    qtbot.waitUntil(lambda: f.page_dossiers.modele.nombre_total() == 1, timeout=10000)


def test_saisie_invalide_messages_sous_les_champs_rien_perdu_brouillon_garde(fenetre, qtbot, base_preparee):
    url, _porteur_id, _campagne_id = base_preparee
    f = fenetre(url)
    onglet = _nouveau_dossier(qtbot, f)
    long_titre = "Jardins " * 1250  # 10 000 caractères, collés
    QGuiApplication.clipboard().setText(long_titre)
    onglet.action.intitule.setFocus()
    qtbot.keyClick(onglet.action.intitule, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(onglet, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    _taper(qtbot, onglet.publics.beneficiaires, "20")
    _taper(qtbot, onglet.publics.par_quartier["beau-marais"], "35")
    qtbot.keyClick(onglet, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    _taper(qtbot, onglet.calendrier.debut, "01/09/2027")
    _taper(qtbot, onglet.calendrier.fin, "30/06/2027")
    qtbot.keyClick(onglet, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    _ligne_budget(qtbot, onglet.budget.charges, "64", "Salaires", "-300")
    _ligne_budget(qtbot, onglet.budget.produits, "74", "Subvention", "12,345", "etat-pv")

    qtbot.keyClick(onglet, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    erreurs = onglet.action.formulaire.etiquettes
    assert "9\u202f999 caractères, pour 300 au plus" in erreurs["intitule"].text()  # espace final retiré
    assert "campagne" in erreurs["campagne_id"].text().lower()
    assert "porteur" in erreurs["porteur_id"].text().lower()
    assert "35 habitants de ce quartier, pour 20" in onglet.publics.formulaire.etiquettes[
        "beneficiaires_quartiers.beau-marais"].text()
    assert "avant la date de début" in onglet.calendrier.formulaire.etiquettes["date_fin"].text()
    assert "négatif" in onglet.budget.charges.erreurs.text()
    assert "deux décimales" in onglet.budget.produits.erreurs.text()
    assert onglet.onglets.currentIndex() == 0, "le curseur va sur la première erreur"
    assert onglet.action.intitule.text() == long_titre, "ce qui a été tapé reste dans le champ"
    assert "erreur(s) à corriger" in onglet.message.text()

    from instruction.domaine import dossier as d
    from instruction.services import brouillons

    def brouillon():
        contexte = ouvrir(url)
        try:
            with contexte.unite() as uow:
                return brouillons.lire(uow, onglet.cle)
        finally:
            contexte.fermer()

    qtbot.waitUntil(lambda: brouillon() is not None, timeout=10000)
    saisie = d.SaisieDossier.depuis_json(brouillon().contenu)
    assert saisie.intitule == long_titre and saisie.date_fin == "30/06/2027"
    assert {"sens": "charge", "compte": "64", "financeur": "", "libelle": "Salaires", "montant": "-300"} in saisie.budget
    contexte = ouvrir(url)
    try:
        with contexte.unite() as uow:
            assert uow.session.scalar(select(func.count()).select_from(m.Dossier)) == 0, "rien d'enregistré"
    finally:
        contexte.fermer()


def test_budget_desequilibre_s_enregistre_mais_n_est_pas_recevable(fenetre, qtbot, base_preparee):
    from PySide6.QtWidgets import QPushButton

    from instruction.ui import erreurs

    url, _porteur_id, campagne_id = base_preparee
    f = fenetre(url)
    onglet = _nouveau_dossier(qtbot, f)
    onglet.action.campagne.setFocus()
    qtbot.keyClick(onglet.action.campagne, Qt.Key.Key_Down)
    _taper(qtbot, onglet.action.porteur.lineEdit(), PORTEUR["nom"])
    _taper(qtbot, onglet.action.intitule, "Fête de quartier")
    qtbot.keyClick(onglet, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    _ligne_budget(qtbot, onglet.budget.charges, "60", "Achats", "500")
    qtbot.keyClick(onglet, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: onglet.fiche.id is not None, timeout=15000)
    assert "point(s) de recevabilité à régler" in onglet.completude.text()
    assert any("pas équilibré" in manque for manque in onglet.fiche.manques)
    # Le lien mène à la section « Instruction », où « Déclarer recevable » est refusé avec la raison.
    onglet.completude.linkActivated.emit("instruction")
    assert onglet.onglets.currentWidget() is onglet.instruction
    qtbot.waitUntil(lambda: onglet.instruction.donnees is not None, timeout=10000)
    assert "à régler" in onglet.instruction.resume_recevabilite.text()
    avant = len(erreurs._ouverts)
    qtbot.mouseClick(onglet.instruction.passages.findChild(QPushButton, "passage-recevable"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(onglet.instruction, "dialogue", None) is not None
                    and onglet.instruction.dialogue.isVisible(), timeout=10000)
    qtbot.keyClick(onglet.instruction.dialogue, Qt.Key.Key_Return)  # la date du jour
    # Un refus prévu : la boîte calme (pas le dialogue d'erreur) dit quoi corriger et mène au budget.
    qtbot.waitUntil(lambda: getattr(onglet.instruction, "refus", None) is not None
                    and onglet.instruction.refus.isVisible(), timeout=10000)
    refus = onglet.instruction.refus
    assert len(erreurs._ouverts) == avant
    assert any("les charges dépassent les produits de 500,00" in point.text() for point in refus.points)
    qtbot.mouseClick(refus.findChild(QPushButton, "aller-budget"), Qt.MouseButton.LeftButton)
    assert not refus.isVisible() and onglet.onglets.currentWidget() is onglet.budget
    assert onglet.fiche.complet_le is None and onglet.instruction.donnees.etat == "depose"


def test_fermer_un_onglet_modifie_demande_et_garde_le_brouillon(fenetre, qtbot, base_preparee, monkeypatch):
    url, _p, _c = base_preparee
    f = fenetre(url)
    onglet = _nouveau_dossier(qtbot, f)
    _taper(qtbot, onglet.action.intitule, "Action en cours de saisie")
    demandes = []
    monkeypatch.setattr(type(onglet), "choisir_fermeture", lambda self: demandes.append(1) or "annuler")
    qtbot.keyClick(f, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert demandes and f.onglets.count() == 5, "Annuler garde l'onglet ouvert"
    monkeypatch.setattr(type(onglet), "choisir_fermeture", lambda self: "brouillon")
    qtbot.keyClick(f, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert f.onglets.count() == 4
    qtbot.waitUntil(lambda: not f.page_dossiers.bouton_brouillons.isHidden(), timeout=10000)
    assert f.page_dossiers.bouton_brouillons.text() == "Brouillons (1)"
    f.espace.ouvrir_dossier(None, onglet.cle)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    repris = f.onglets.currentWidget()
    assert repris.action.intitule.text() == "Action en cours de saisie" and repris.modifie


def test_filtres_et_filtres_enregistres(fenetre, qtbot, url_demo, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    f = fenetre(url_demo)
    page, modele = f.page_dossiers, f.page_dossiers.modele
    qtbot.waitUntil(lambda: modele.recherche_prete() and modele.rowCount() == 150, timeout=10000)
    filtres = page.filtres
    filtres.listes["dispositif"].setCurrentIndex(filtres.listes["dispositif"].findData("pic"))
    assert modele.rowCount() == 29  # 27 retenus par le jury PIC, 2 refusés
    filtres.listes["quartier"].setCurrentIndex(filtres.listes["quartier"].findData("fort-nieulay-cailloux-saint-pierre"))
    assert modele.rowCount() == 13, "9 au Fort Nieulay + 4 à Saint-Pierre : les sous-secteurs comptent"
    filtres.listes["financeur"].setCurrentIndex(filtres.listes["financeur"].findData("caf"))
    assert modele.rowCount() == 0
    filtres.listes["financeur"].setCurrentIndex(0)
    filtres.listes["axe"].setCurrentIndex(filtres.listes["axe"].findData("transition"))
    assert all("transition" in modele._axes[modele.ligne(i).id] for i in range(modele.rowCount()))
    visibles = modele.rowCount()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("PIC du Fort en transition", True))
    qtbot.mouseClick(filtres.bouton_enregistrer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: filtres.enregistres.count() == 2, timeout=10000)
    qtbot.mouseClick(filtres.effacer, Qt.MouseButton.LeftButton)
    assert modele.rowCount() == 150
    filtres.enregistres.setCurrentIndex(1)
    filtres.enregistres.activated.emit(1)
    assert modele.rowCount() == visibles
    assert filtres.listes["dispositif"].currentData() == "pic"


def test_multiselection_ouvre_chaque_dossier_dans_son_onglet(fenetre, qtbot, url_demo):
    f = fenetre(url_demo)
    page = f.page_dossiers
    qtbot.waitUntil(lambda: page.modele.rowCount() == 150, timeout=10000)
    table = page.table
    table.setFocus()
    table.selectRow(0)
    table.selectionModel().select(page.modele.index(1, 0), table.selectionModel().SelectionFlag.Select
                                  | table.selectionModel().SelectionFlag.Rows)
    numeros = {page.modele.ligne(0).numero, page.modele.ligne(1).numero}
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f.onglets.count() == 6, timeout=10000)
    assert {f.onglets.tabText(4), f.onglets.tabText(5)} == numeros
    # Déjà ouvert : son onglet revient au premier plan, tout de suite (sans relire la base), et pas de doublon.
    f.onglets.setCurrentIndex(1)
    page.ouverture_demandee.emit([page.modele.ligne(0).id])
    assert f.onglets.count() == 6 and f.onglets.currentWidget().fiche.numero == page.modele.ligne(0).numero


def test_index_invalide_du_modele_de_lignes():
    from instruction.ui.tableau_lignes import Colonne, ModeleLignes

    modele = ModeleLignes([Colonne("a", "A")], "x")
    assert modele.data(QModelIndex()) is None and not modele.setData(QModelIndex(), "v")


def test_chemin_clavier_et_noms_accessibles(fenetre, qtbot, base_preparee):
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QPushButton, QTreeView

    url, _p, _c = base_preparee
    f = fenetre(url)
    onglet = _nouveau_dossier(qtbot, f)
    action = onglet.action
    action.intitule.setFocus()
    ordre = [action.resume, action.description, action.objectifs_action, action.renouvellement]
    for attendu in ordre:
        qtbot.keyClick(QGuiApplication.focusObject(), Qt.Key.Key_Tab)
        assert QGuiApplication.focusObject() is attendu, attendu.accessibleName()
    sans_nom = []
    for section in (*onglet.sections, onglet.pieces):
        for widget in section.findChildren(QLineEdit) + section.findChildren(QPlainTextEdit) + \
                section.findChildren(QComboBox) + section.findChildren(QTreeView):
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
                continue  # le champ interne d'une liste déroulante modifiable
            if not widget.accessibleName():
                sans_nom.append(f"{type(section).__name__}: {type(widget).__name__} {widget.objectName()}")
        for bouton in section.findChildren(QPushButton) + section.findChildren(QCheckBox):
            assert bouton.text() or bouton.accessibleName(), bouton
    assert sans_nom == []
