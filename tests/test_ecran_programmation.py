"""Issue 11 : le tableau de programmation saisi au clavier (pytest-qt), sur la démonstration.

Taper dans une case « Scénario » remplace son montant ; Entrée valide et descend ; les totaux du pied, le
programmé et le reste du bandeau suivent à chaque saisie ; un montant mal tapé est refusé avec un message et
la saisie reste dans la case ; la saisie arrive en base (relue par le service). Capture à 1366 × 768.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from tests.captures import capturer



def _taper(table, texte: str) -> None:
    """Comme au clavier : la première touche ouvre la case, les suivantes vont à l'éditeur ouvert."""
    for caractere in texte:
        QTest.keyClicks(_editeur(table) or table, caractere)


def _editeur(table) -> QLineEdit | None:
    """Le champ ouvert dans une case du tableau (pas la recherche de la page)."""
    if table.state() != table.State.EditingState:
        return None
    ouverts = [c for c in table.viewport().findChildren(QLineEdit) if c.isVisible()]
    return ouverts[-1] if ouverts else None


def _entree(table) -> None:
    QTest.keyClick(_editeur(table) or table, Qt.Key.Key_Return)


def _ouvrir_page(qtbot, url_demo, avant=None):
    """La page de programmation de la campagne CDV 2027 de la démonstration, à 1366 × 768 (``avant(contexte)`` :
    ce qu'on écrit en base avant de l'ouvrir)."""
    from instruction.services import programmation
    from instruction.services.contexte import ouvrir
    from instruction.ui.comite.page_programmation import PageProgrammation

    contexte = ouvrir(url_demo)
    if avant is not None:
        avant(contexte)
    with contexte.unite(lecture=True) as uow:
        campagne = programmation.campagne_par_code(uow, "cdv-2027")
    page = PageProgrammation(contexte, campagne.id)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    qtbot.waitUntil(lambda: page.modele.tableau is not None and page.modele.rowCount() == 14, timeout=20000)
    return page, contexte


@pytest.fixture
def page(qtbot, url_demo):
    page, contexte = _ouvrir_page(qtbot, url_demo)
    yield page
    qtbot.waitUntil(lambda: page.en_attente() == 0, timeout=20000)
    contexte.fermer()


def test_saisie_au_clavier_totaux_et_reste_a_chaque_frappe(qtbot, page, tmp_path):
    from instruction.services import programmation

    modele, table = page.modele, page.table
    colonne = modele.colonne("simule", "etat-pv")
    ligne = modele.ligne(0)
    demande = ligne.cellule("etat-pv").demande
    avant = modele.situation("etat-pv")
    total_affiche = modele.totaux["etat-pv"]["simule"]
    table.setFocus()
    table.setCurrentIndex(modele.index(0, colonne))
    _taper(table, "12 000")
    _entree(table)  # Entrée valide (la validation passe par la boucle d'évènements) et descend
    qtbot.waitUntil(lambda: ligne.cellule("etat-pv").simule == Decimal("12000.00"), timeout=5000)
    # La case a pris le montant tapé (il a remplacé l'ancien), Entrée est descendue d'une ligne.
    assert ligne.cellule("etat-pv").simule == Decimal("12000.00")
    assert table.currentIndex().row() == 1 and table.currentIndex().column() == colonne
    ecart = Decimal("12000.00") - demande  # le scénario pré-rempli proposait la demande
    apres = modele.situation("etat-pv")
    assert apres.simule == avant.simule + ecart and apres.reste == avant.reste - ecart
    assert modele.totaux["etat-pv"]["simule"] == total_affiche + ecart
    pied = page.modele_pied
    assert pied.texte(0, colonne) == f"{total_affiche + ecart:,.2f}".replace(",", "\u202f").replace(".", ",")
    assert pied.texte(3, colonne).replace("\u202f", "") == f"{apres.reste:.2f}".replace(".", ",")
    assert page.bandeau.cases[("etat-pv", "Reste à programmer")].text().replace("\u202f", "") == \
        f"{int(apres.reste)}\u00a0€"

    # Un montant mal tapé : message clair, la case rouverte avec la saisie.
    table.setCurrentIndex(modele.index(1, colonne))
    _taper(table, "12a")
    _entree(table)
    qtbot.waitUntil(lambda: "« 12a » n'est pas un montant" in page.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: _editeur(table) is not None and _editeur(table).text() == "12a", timeout=5000)
    assert "« 12a » n'est pas un montant" in page.message.text() and page.message.isVisible()
    assert modele.ligne(1).cellule("etat-pv").simule == modele.ligne(1).cellule("etat-pv").demande
    QTest.keyClick(_editeur(table), Qt.Key.Key_Escape)

    # Suppr vide une case ; la décision se tape (F : refusé, à 0 €).
    table.setCurrentIndex(modele.index(2, colonne))
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert modele.ligne(2).cellule("etat-pv").simule is None
    table.setCurrentIndex(modele.index(3, modele.colonne("decision")))
    QTest.keyClick(table, Qt.Key.Key_F)
    assert modele.ligne(3).decision == "refuse" and all(c.simule is None for c in modele.ligne(3).cellules.values())

    qtbot.waitUntil(lambda: page.en_attente() == 0, timeout=20000)
    with page.contexte.unite(lecture=True) as uow:
        prevu = programmation.decisions_du_scenario(uow, modele.scenario.id)
    assert prevu[ligne.dossier_id].montants["etat-pv"] == Decimal("12000.00")
    assert "etat-pv" not in prevu[modele.ligne(2).dossier_id].montants
    assert prevu[modele.ligne(3).dossier_id].decision == "refuse"
    fichier = capturer(page, "programmation.png", tmp_path)
    assert fichier.stat().st_size > 10_000


def test_un_scenario_se_duplique_et_les_decides_ne_se_saisissent_pas(qtbot, page, url_demo):
    from instruction.services import programmation
    from instruction.services.contexte import ouvrir

    page.dupliquer_scenario("Variante resserrée")
    qtbot.waitUntil(lambda: page.modele.scenario is not None and page.modele.scenario.nom == "Variante resserrée",
                    timeout=10000)
    assert page.scenarios.count() == 3  # aucun, propositions, variante
    # Sur la campagne 2023, tous les dossiers sont tranchés : aucune case ne se saisit.
    contexte = ouvrir(url_demo)
    with contexte.unite(lecture=True) as uow:
        cdv_2023 = programmation.campagne_par_code(uow, "cdv-2023").id
    contexte.fermer()
    page.campagnes.setCurrentIndex(page.campagnes.findData(cdv_2023))
    qtbot.waitUntil(lambda: page.modele.tableau.campagne.id == cdv_2023, timeout=10000)
    assert page.modele.rowCount() == 64
    assert not any(page.modele.flags(page.modele.index(r, c)) & Qt.ItemFlag.ItemIsEditable
                   for r in range(page.modele.rowCount()) for c in range(page.modele.columnCount()))
    assert page.modele.situation("caf").reste == 0


@pytest.fixture
def page_avec_axes(qtbot, url_demo):
    """La page sur la campagne 2027, avec des enveloppes par axe (État PV : axe « épanouis » et « actifs »)."""
    from instruction.services.actions import programmation as actions

    def enveloppes_d_axe(contexte) -> None:
        actions.fixer_enveloppe(contexte, "etat-pv", 2027, "cdv", Decimal("60000"), axe="epanouis")
        actions.fixer_enveloppe(contexte, "etat-pv", 2027, "cdv", Decimal("45000"), axe="actifs")

    page, contexte = _ouvrir_page(qtbot, url_demo, enveloppes_d_axe)
    yield page
    qtbot.waitUntil(lambda: page.en_attente() == 0, timeout=20000)
    contexte.fermer()


def _au_bord_droit(page) -> None:
    barre = page.table.horizontalScrollBar()
    barre.setValue(barre.maximum())


def test_numero_et_intitule_restent_en_place_quand_le_tableau_defile_a_droite(qtbot, page, tmp_path):
    table, modele = page.table, page.modele
    gel = table.gel
    assert gel.vue.isVisible() and gel.vue.model() is modele and gel.vue.selectionModel() is table.selectionModel()
    # Seuls le numéro et l'intitulé sont dans la zone gelée, aux largeurs du tableau.
    assert [c for c in range(modele.columnCount()) if not gel.vue.isColumnHidden(c)] == [0, 1]
    assert gel.vue.columnWidth(1) == table.columnWidth(1)
    assert gel.vue.width() == table.columnWidth(0) + table.columnWidth(1) + 2

    _au_bord_droit(page)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().value() > 0 and table.columnViewportPosition(1) < 0)
    # Le tableau a défilé (ses colonnes 0 et 1 sont passées à gauche du cadre) ; la zone gelée les montre encore,
    # et le pied aussi garde ses libellés.
    premiere = modele.index(0, 0)
    assert gel.vue.visualRect(premiere).left() == 0 and gel.vue.viewport().rect().contains(
        gel.vue.visualRect(premiere).center())
    assert gel.vue.indexAt(gel.vue.visualRect(premiere).center()).data() == modele.ligne(0).numero
    assert page.pied.horizontalScrollBar().value() == table.horizontalScrollBar().value()
    pied = page.pied_gele.vue
    assert [c for c in range(page.modele_pied.columnCount()) if not pied.isColumnHidden(c)] == [0, 1]
    assert pied.indexAt(pied.visualRect(page.modele_pied.index(0, 1)).center()).data() == "Total des dossiers affichés"

    # Même en-tête (même hauteur), mêmes lignes à la même hauteur, y compris après un défilement vertical.
    assert gel.vue.horizontalHeader().isVisible()
    assert gel.vue.horizontalHeader().height() == table.horizontalHeader().height()

    def alignees() -> bool:
        return all(gel.vue.visualRect(modele.index(r, 0)).top() == table.visualRect(modele.index(r, 2)).top()
                   for r in range(modele.rowCount()))

    assert alignees()
    page.resize(1366, 520)  # moins haut : le tableau défile aussi verticalement
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: table.verticalScrollBar().value() > 0
                    and gel.vue.verticalScrollBar().value() == table.verticalScrollBar().value())
    assert alignees() and gel.vue.height() == table.viewport().height() + table.horizontalHeader().height()
    page.resize(1366, 768)
    qtbot.waitUntil(lambda: gel.vue.height() == table.viewport().height() + table.horizontalHeader().height()
                    and table.height() > 400)
    colonne = modele.colonne("simule", "etat-pv")
    table.setCurrentIndex(modele.index(5, colonne))
    assert gel.vue.selectionModel().currentIndex().row() == 5

    # Au clavier vers la gauche : la case courante n'est jamais cachée sous la zone gelée.
    table.setFocus()
    table.setCurrentIndex(modele.index(5, modele.colonne("etat")))  # la colonne juste après l'intitulé
    qtbot.waitUntil(lambda: table.visualRect(table.currentIndex()).left() >= gel.largeur())
    _au_bord_droit(page)
    table.setCurrentIndex(modele.index(5, modele.colonne("demande", "etat-pv")))
    for _ in range(6):
        QTest.keyClick(table, Qt.Key.Key_Left)
        assert table.visualRect(table.currentIndex()).left() >= gel.largeur()
    assert table.currentIndex().column() == modele.colonne("demande", "etat-pv") - 6
    # Une case gelée choisie ne fait pas défiler le tableau vers la gauche.
    _au_bord_droit(page)
    valeur = table.horizontalScrollBar().value()
    table.setCurrentIndex(modele.index(2, 0))
    assert table.horizontalScrollBar().value() == valeur

    # La zone gelée suit la largeur de l'intitulé et les colonnes choisies.
    table.setColumnWidth(1, 300)
    qtbot.waitUntil(lambda: gel.vue.columnWidth(1) == 300 and gel.vue.width() == table.columnWidth(0) + 302)
    page.filtres.montrer["avis"].setChecked(True)
    qtbot.waitUntil(lambda: modele.columnCount() > colonne + 1 and
                    [c for c in range(modele.columnCount()) if not gel.vue.isColumnHidden(c)] == [0, 1])
    # Trier par le titre gelé trie le tableau.
    titre = gel.vue.horizontalHeader()
    qtbot.mouseClick(titre.viewport(), Qt.MouseButton.LeftButton, pos=_milieu(titre, 0))
    qtbot.waitUntil(lambda: modele.ligne(0).numero == max(modele.ligne(r).numero for r in range(modele.rowCount())))

    table.setColumnWidth(1, 220)
    table.verticalScrollBar().setValue(0)
    _au_bord_droit(page)
    fichier = capturer(page, "programmation-defilee-a-droite.png", tmp_path)
    assert fichier.stat().st_size > 10_000


def _milieu(entete, section: int):
    from PySide6.QtCore import QPoint

    return QPoint(entete.sectionViewportPosition(section) + entete.sectionSize(section) // 2, entete.height() // 2)


def test_le_bandeau_montre_les_enveloppes_par_axe(qtbot, page_avec_axes, tmp_path):
    page = page_avec_axes
    modele, table, bandeau = page.modele, page.table, page.bandeau
    epanouis, actifs = "etat-pv:Des quartiers épanouis", "etat-pv:Des quartiers actifs"
    qtbot.waitUntil(lambda: (epanouis, "Reste à programmer") in bandeau.cases, timeout=10000)
    assert (actifs, "Reste à programmer") in bandeau.cases
    assert bandeau.cases[(epanouis, "Enveloppe")].text() == "60\u202f000\u00a0€"

    def reste(cle: str) -> Decimal:
        return next(s for s in bandeau.situations if f"{s.financeur}:{s.axe}" == cle).reste

    # Le programmé d'un axe : les montants du scénario des dossiers de cet axe.
    simule = sum((l.cellule("etat-pv").simule or Decimal(0) for l in modele.lignes
                  if "epanouis" in l.axes and not l.tranche), Decimal(0))
    assert reste(epanouis) == Decimal("60000") - simule
    # Une saisie sur un dossier de l'axe « épanouis » change son reste (et pas celui d'un autre axe).
    rangee = next(r for r in range(modele.rowCount())
                  if "epanouis" in modele.ligne(r).axes and "actifs" not in modele.ligne(r).axes
                  and not modele.ligne(r).tranche and (modele.ligne(r).cellule("etat-pv").demande or 0) >= 1000)
    ligne = modele.ligne(rangee)
    avant_epanouis, avant_actifs = reste(epanouis), reste(actifs)
    ancien = ligne.cellule("etat-pv").simule or Decimal(0)
    table.setFocus()
    table.setCurrentIndex(modele.index(rangee, modele.colonne("simule", "etat-pv")))
    _taper(table, "1 000")  # pas plus que la demande : pas de justification à donner
    _entree(table)
    qtbot.waitUntil(lambda: ligne.cellule("etat-pv").simule == Decimal("1000.00"), timeout=5000)
    ecart = Decimal("1000.00") - ancien
    assert ecart != 0
    assert reste(epanouis) == avant_epanouis - ecart and reste(actifs) == avant_actifs
    assert bandeau.cases[(epanouis, "Reste à programmer")].text().replace("\u202f", "") == \
        f"{int(avant_epanouis - ecart)}\u00a0€"
    assert ("#b00020" if reste(epanouis) < 0 else "#2e7d32") in \
        bandeau.cases[(epanouis, "Reste à programmer")].styleSheet()
    # L'enveloppe d'axe ne change rien aux colonnes des cofinanceurs (tous axes).
    assert next(s for s in bandeau.situations if s.financeur == "etat-pv" and s.axe is None).enveloppe == \
        Decimal("582497.00")
    fichier = capturer(page, "programmation-axes.png", tmp_path)
    assert fichier.stat().st_size > 10_000
