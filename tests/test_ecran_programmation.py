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
from PySide6.QtWidgets import QApplication, QLineEdit

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


@pytest.fixture
def page(qtbot, url_demo):
    from instruction.services import programmation
    from instruction.services.contexte import ouvrir
    from instruction.ui.comite.page_programmation import PageProgrammation

    contexte = ouvrir(url_demo)
    with contexte.unite(lecture=True) as uow:
        campagne = programmation.campagne_par_code(uow, "cdv-2027")
    page = PageProgrammation(contexte, campagne.id)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    qtbot.waitUntil(lambda: page.modele.tableau is not None and page.modele.rowCount() == 14, timeout=20000)
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
    assert pied.texte(0, colonne) == "{:,.2f}".format(total_affiche + ecart).replace(",", "\u202f").replace(".", ",")
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
