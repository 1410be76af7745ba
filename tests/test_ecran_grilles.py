"""Les grilles transversales, la décision du comité et l'approche budgétaire intégrée dans la vraie
fenêtre. Seules les boîtes du système (choix de fichier, ouverture d'un document) sont remplacées."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QFileDialog

from instruction.domaine import grilles
from instruction.domaine.etats import Etat
from instruction.services import cotations
from instruction.ui import modele_dossiers as md
from instruction.services import examen as service_examen
from instruction.services import instruction as circuit
from instruction.services import montants_accordes
from tests.conftest import frapper
from tests.ecrans import attendre_etat, bouton_passage, ok

EFH = "egalite-femmes-hommes"


def _page_egalite(qtbot, onglet, *, clavier: bool = True):
    if clavier:
        qtbot.keyClick(onglet, Qt.Key.Key_8, Qt.KeyboardModifier.AltModifier)
    else:  # après une boîte modale, la fenêtre hors écran ne reprend pas toujours le clavier
        onglet.onglets.setCurrentWidget(onglet.grilles)
    assert onglet.onglets.currentWidget() is onglet.grilles
    qtbot.waitUntil(lambda: EFH in onglet.grilles.pages, timeout=10000)
    return onglet.grilles.pages[EFH]


def _attendre_envois(qtbot, section) -> None:
    qtbot.waitUntil(lambda: not section._envoi_en_cours and not section._en_attente, timeout=10000)
    QThreadPool.globalInstance().waitForDone(5000)


def test_remplir_la_grille_egalite_au_clic(qtbot, onglet_instruction):
    f, onglet, identifiant = onglet_instruction
    page = _page_egalite(qtbot, onglet)
    assert "Pas encore cotée" in page.cotation.text()
    assert not page.choix.isEnabled(), "pas de cotation à retenir tant que la grille n'est pas finie"
    version = grilles.par_code()[EFH].courante
    for question in version.questions:
        reponse = grilles.OUI if question.code != "efh-objectif-principal" else grilles.NON
        qtbot.mouseClick(page.lignes[question.code].boutons[reponse], Qt.MouseButton.LeftButton)
    ligne = page.lignes["efh-diagnostic-donnees"]
    ligne.commentaire.setFocus()
    frapper(ligne.commentaire, "Données CAF par sexe")
    page.lignes["efh-diagnostic-besoins"].commentaire.setFocus()  # quitter le champ envoie le commentaire
    _attendre_envois(qtbot, onglet.grilles)
    qtbot.waitUntil(lambda: "Cotation <b" in page.cotation.text(), timeout=10000)
    assert "Score 88,2 %" in page.cotation.text()
    assert onglet.grilles.onglets.tabText(0) == "Égalité F-H : 1"
    with f.contexte.unite() as uow:
        vue = cotations.lire_une(uow, identifiant, EFH)
    assert vue.cotation == 1 and vue.commentaires["efh-diagnostic-donnees"] == "Données CAF par sexe"
    assert vue.reponses["efh-objectif-principal"] == grilles.NON

    # Retenir la cotation 2 : refusé sans motif, dans la page ; accepté avec.
    assert page.choix.isEnabled()
    page.choix.setCurrentIndex(page.choix.findData(2))
    qtbot.mouseClick(page.bouton_retenir, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "indiquez le motif" in page.erreur.text(), timeout=10000)
    page.motif.setFocus()
    frapper(page.motif, "Action réservée aux femmes du quartier")
    qtbot.mouseClick(page.bouton_retenir, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cotation retenue par l'instructeur" in onglet.grilles.pages[EFH].cotation.text(),
                    timeout=10000)
    with f.contexte.unite() as uow:
        vue = cotations.lire_une(uow, identifiant, EFH)
    assert (vue.cotation, vue.resultat.cotation, vue.motif) == (2, 1, "Action réservée aux femmes du quartier")
    # La liste des dossiers montre la cotation (après une courte pause).
    modele = f.page_dossiers.modele
    qtbot.waitUntil(lambda: any(modele.ligne(r).cotations[:1] == (2,) for r in range(modele.rowCount())),
                    timeout=10000)


def test_retenu_avec_les_montants_accordes(qtbot, onglet_instruction):
    from instruction.domaine import eligibilite as el

    f, onglet, identifiant = onglet_instruction
    from tests import fabrique

    fabrique.coter_egalite(f.contexte, identifiant)  # exigée pour terminer l'instruction (l. 2647)
    with f.contexte.unite() as uow:
        for etat in (Etat.RECEVABLE, Etat.EN_INSTRUCTION):
            circuit.changer_etat(uow, identifiant, etat)
        evaluation = service_examen.evaluer(uow, identifiant)
        service_examen.enregistrer_examen(uow, identifiant, [el.Decision(c.code, c.resultat.statut)
                                                      for c in evaluation.criteres])
        circuit.changer_etat(uow, identifiant, Etat.INSTRUIT)
        uow.valider()
    section = onglet.instruction
    section.charger(identifiant, "CDV-2027-001")
    attendre_etat(qtbot, section, Etat.INSTRUIT)
    qtbot.mouseClick(bouton_passage(section, "retenu"), Qt.MouseButton.LeftButton)
    dialogue = section.dialogue
    qtbot.waitUntil(dialogue.isVisible)
    assert dialogue.champs["etat-pv"].text() == "2\u202f000,00"  # proposé (sans avis : le montant demandé)
    dialogue.champs["etat-pv"].setText("1 800,5,0")
    ok(qtbot, dialogue)
    assert dialogue.isVisible() and "n'est pas un montant" in dialogue.erreurs["etat-pv"].text()
    dialogue.champs["etat-pv"].setText("1 800")
    assert "3\u202f300,00" in dialogue.total.text()
    frapper(dialogue.motif, "Comité du 12/03/2027")
    ok(qtbot, dialogue)
    attendre_etat(qtbot, section, Etat.RETENU)
    with f.contexte.unite() as uow:
        accordes = {x.financeur: x.accorde for x in montants_accordes.financements(uow, identifiant)}
    assert accordes == {"etat-pv": Decimal("1800.00"), "ville-calais": Decimal("1500.00")}
    assert section.financements.item(0, 3).text() == "1\u202f800,00\u00a0€"  # Financeur, Demandé, Proposé, Accordé
    assert section.historique.item(0, 3).text() == "Comité du 12/03/2027"
    # Les grilles ne se modifient plus : le dossier a été présenté au comité.
    page = _page_egalite(qtbot, onglet, clavier=False)
    qtbot.waitUntil(lambda: not page.lignes["efh-diagnostic-donnees"].boutons[grilles.OUI].isEnabled(),
                    timeout=10000)
    assert "ne se modifient plus" in onglet.grilles.indication.text()


def test_approche_budgetaire_integree_depuis_le_menu(qtbot, fenetre_demo, monkeypatch, tmp_path):
    from openpyxl import load_workbook

    f = fenetre_demo
    f.espace.ouvrir_approche_budgetaire()
    page = f.onglets.currentWidget()
    qtbot.waitUntil(lambda: page.rapport is not None, timeout=15000)
    assert page.annee.currentData() == 2027
    page.annee.setCurrentIndex(page.annee.findData(2023))
    qtbot.waitUntil(lambda: page.rapport.annee == 2023, timeout=15000)
    total = page.rapport.ensemble.total
    assert total.dossiers == 136  # 128 retenus, 8 refusés
    assert page.par_cotation.item(page.par_cotation.rowCount() - 1, 0).text() == "Total"
    assert page.par_cotation.item(page.par_cotation.rowCount() - 1, 2).text() == "2\u202f184\u202f464,00\u00a0€"
    assert page.par_cotation.item(page.par_cotation.rowCount() - 1, 3).text() == "2\u202f069\u202f332,00\u00a0€"
    assert page.par_financeur.rowCount() == 2 * len(page.rapport.par_financeur)  # demandé, accordé
    assert page.graphique.categories == ["Cotation 2", "Cotation 1", "Cotation 0", "Non coté"]
    page.dispositif.setCurrentIndex(page.dispositif.findData("pic"))
    qtbot.waitUntil(lambda: page.rapport.ensemble.total.dossiers == 29, timeout=15000)
    assert page.rapport.ensemble.total.accorde == Decimal("27021.00")

    cible = tmp_path / "abi.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(cible), ""))
    ouverts = []
    monkeypatch.setattr("instruction.ui.page_approche_budgetaire.QDesktopServices.openUrl",
                        lambda url: ouverts.append(url.toLocalFile()) or True)
    qtbot.mouseClick(page.exporter_xlsx, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ouverts), timeout=15000)
    feuille = load_workbook(ouverts[0])["Par cotation"]
    assert feuille["A1"].value.endswith("Grille de cotation égalité femmes hommes")
    assert "Projet d'initiative citoyenne" in feuille["A1"].value


def test_la_liste_filtre_par_cotation(qtbot, fenetre_demo):
    f = fenetre_demo
    page = f.page_dossiers
    modele = page.modele
    lignes = [modele.ligne(r) for r in range(modele.rowCount())]
    attendus = {l.numero for l in lignes if l.cotations and l.cotations[0] == 2}
    pas_cotes = {l.numero for l in lignes if not l.cotations or l.cotations[2] is None}
    assert 0 < len(attendus) < len(lignes)
    liste = page.filtres.listes["cotation"]
    liste.setCurrentIndex(liste.findData("egalite-femmes-hommes:2"))
    qtbot.waitUntil(lambda: modele.rowCount() == len(attendus), timeout=10000)
    assert {modele.ligne(r).numero for r in range(modele.rowCount())} == attendus
    assert modele.data(modele.index(0, md.COTATIONS)).startswith("2 · ")
    liste.setCurrentIndex(liste.findData("handicap:aucune"))
    qtbot.waitUntil(lambda: modele.rowCount() == len(pas_cotes), timeout=10000)
    assert "CDV-2027-014" in {modele.ligne(r).numero for r in range(modele.rowCount())}
