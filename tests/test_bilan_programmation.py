"""Le bilan de la programmation (issue 13, point 4) : sommes exactes par cofinanceur, axe et objectif, quartier et
dispositif (SQLite et PostgreSQL), publics prévus et atteints (calcul pur), PDF relu (pypdf, qpdf --check) et
classeur relu (montants en nombres), ligne de commande, page avec ses graphiques (pytest-qt, capture 1366×768).
"""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest

from instruction.domaine import bilan_programmation as domaine
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services.actions import bilan_programmation as actions
from tests.test_suivi import retenu

EURO = Decimal("0.01")


def test_sommes_exactes_de_l_annee(contexte):
    un = retenu(contexte, montants={"etat-pv": Decimal("1800.55"), "ville-calais": Decimal("1500.00")})

    def ailleurs(s):
        s.quartiers, s.objectifs, s.beneficiaires_quartiers = ["fort-nieulay"], ["OS01.1", "OS22.1"], {
            "fort-nieulay": "25"}

    deux = retenu(contexte, montants={"etat-pv": Decimal("999.99"), "ville-calais": Decimal("0.01")},
                  modifier=ailleurs)
    from tests import fabrique

    fabrique.dossier(contexte)  # déposé : hors de la programmation
    (b,) = actions.bilans(contexte, [2027])
    assert (b.actions, b.porteurs, b.total) == (2, 1, Decimal("4300.55"))
    financeurs = {a.code: (a.actions, a.montant) for a in b.financeurs}
    assert financeurs == {"etat-pv": (2, Decimal("2800.54")), "ville-calais": (2, Decimal("1500.01"))}
    assert sum((a.montant for a in b.financeurs), Decimal(0)) == b.total
    axes = {a.code: (a.niveau, a.actions, a.montant) for a in b.axes}
    assert axes["transition"] == (0, 2, Decimal("4300.55")) and axes["OS22"] == (1, 2, Decimal("4300.55"))
    assert axes["epanouis"] == (0, 1, Decimal("1000.00")) and axes["OS01"] == (1, 1, Decimal("1000.00"))
    quartiers = {a.code: (a.actions, a.montant) for a in b.quartiers}
    # Le sous-secteur compte pour son QPV ; l'action des deux QPV compte sous chacun.
    assert quartiers["fort-nieulay"] == (1, Decimal("1000.00"))
    assert quartiers["fort-nieulay-cailloux-saint-pierre"] == (2, Decimal("4300.55"))
    assert quartiers["beau-marais"] == (1, Decimal("3300.55"))
    assert [a.code for a in b.dispositifs] == ["cdv"] and b.dispositifs[0].montant == b.total
    assert b.publics.beneficiaires == 80 and b.publics.femmes == 48 and b.publics.qpv == 55
    assert b.approche.ensemble.total.accorde == b.total  # les crédits par cotation : l'approche budgétaire reprise
    assert actions.bilans(contexte, [2027], "ce")[0].actions == 0
    with pytest.raises(DonneesInvalides, match="Dispositif inconnu"):
        actions.bilans(contexte, [2027], "xyz")
    assert {un, deux}


def test_publics_atteints_comparés_aux_memes_actions():
    noms = domaine.Noms(financeurs={"etat-pv": "État"}, axes={}, objectifs={}, quartiers={}, dispositifs={"cdv": "CDV"})
    actions_ = [
        domaine.ActionBilan(1, 10, "cdv", {"etat-pv": Decimal("100.10")}, beneficiaires=40, femmes=20, hommes=20,
                            tranches=("6-10",), qpv=30,
                            realise=domaine.Realise(femmes=18, hommes=25, qpv=35, hors_qpv=8, tranches={"6-10": 43})),
        domaine.ActionBilan(2, 11, "cdv", {"etat-pv": Decimal("0.20")}, beneficiaires=10, femmes=5, hommes=5,
                            tranches=("6-10", "65+")),
    ]
    b = domaine.calculer(2024, actions_, noms, bilans={"valide": 1, "en_retard": 1})
    p = b.publics
    assert (p.beneficiaires, p.avec_compte_rendu) == (50, 1)
    assert p.prevus_comparables == {"femmes": 20, "hommes": 20, "qpv": 30, "beneficiaires": 40}
    assert p.atteints == {"femmes": 18, "hommes": 25, "qpv": 35, "hors_qpv": 8}
    assert p.actions_par_tranche["6-10"] == 2 and p.atteints_par_tranche["6-10"] == 43
    assert b.total == Decimal("100.30") and b.quartiers[-1].code == domaine.SANS_QUARTIER
    from instruction.rapports.bilan_programmation import resume

    assert "1 reçu(s), 1 en retard sur 2 attendu(s)" in resume(b)


def test_pdf_et_classeur_relus(url_demo, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        (b,) = actions.bilans(contexte, [2023])
        pdf = actions.exporter(contexte, [2023], None, tmp_path / "bilan.pdf")
        classeur = actions.exporter(contexte, [2023], None, tmp_path / "bilan.xlsx")
        deux_annees = actions.exporter(contexte, [2027, 2023], None, tmp_path / "bilans.xlsx")
        compare = actions.exporter(contexte, [2023, 2027], None, tmp_path / "compare.pdf")
        vide = actions.exporter(contexte, [2023, 2027], None, tmp_path / "vide.pdf", annee=2027)
        with pytest.raises(DonneesInvalides, match="PDF .* ou en classeur"):
            actions.exporter(contexte, [2023], None, tmp_path / "bilan.odt")
    finally:
        contexte.fermer()
    assert b.actions == 128 and b.total == Decimal("2069332.00")
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    texte = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    for attendu in ("Bilan de la programmation", "Programmation 2023", "Par cofinanceur", "2 069 332,00 €",
                    "Par axe et objectif stratégique", "Des quartiers épanouis", "Par quartier", "Beau Marais (QPV)",
                    "Par dispositif", "Crédits par cotation égalité femmes-hommes", "Publics prévus et atteints",
                    "12 715,00 €"):
        assert attendu in texte, attendu
    # Comparée à 2027 (rien d'accordé encore) : 2023 détaillée, pas un titre « Programmation 2027 » sur du vide.
    texte = " ".join(" ".join(page.extract_text() for page in PdfReader(compare).pages).split())
    assert "Programmation 2023, comparée à 2027 — tous les dispositifs" in texte and "Programmation 2027" not in texte
    assert "Les années côte à côte" in texte and "Par cofinanceur" in texte and "2 069 332,00 €" in texte
    # 2027 choisie à l'écran : elle le dit en une phrase, sans tableaux vides ; la comparaison reste.
    texte = " ".join(" ".join(page.extract_text() for page in PdfReader(vide).pages).split())
    assert "Programmation 2027, comparée à 2023" in texte and "Aucune action financée en 2027" in texte
    assert "Les années côte à côte" in texte and "Par cofinanceur" not in texte
    assert subprocess.run(["qpdf", "--check", str(vide)], capture_output=True).returncode == 0
    lu = load_workbook(classeur)
    assert lu.sheetnames[:3] == ["Synthèse", "Cofinanceurs", "Axes et objectifs"]
    synthese = {l[0]: l[1] for l in lu["Synthèse"].iter_rows(values_only=True) if l and l[0]}
    assert isinstance(synthese["Montant accordé"], (int, float)) and Decimal(str(synthese["Montant accordé"])) == b.total
    lignes = {l[0]: l for l in lu["Cofinanceurs"].iter_rows(min_row=2, values_only=True) if l[0]}
    departement = lignes["Département du Pas-de-Calais"]
    assert isinstance(departement[3], (int, float)) and Decimal(str(departement[3])) == Decimal("12715")
    assert str(lignes["Total"][3]).startswith("=SUM(")
    assert sum(Decimal(str(l[3])).quantize(EURO) for c, l in lignes.items() if c != "Total") == b.total
    lu = load_workbook(deux_annees)
    assert lu.sheetnames[:2] == ["Synthèse", "Années"]  # les années côte à côte, puis le détail de 2023 (2027 vide)
    assert lu["Synthèse"]["A2"].value == "Programmation 2023, comparée à 2027 — tous les dispositifs"
    annees = {l[0]: l[1:] for l in lu["Années"].iter_rows(values_only=True) if l[0]}
    assert annees["Actions"] == (128, 0) and Decimal(str(annees["Montant accordé"][0])) == b.total


def test_ligne_de_commande(url_demo, tmp_path, capsys):
    from instruction.cli import main

    assert main(["exporter", "bilan-programmation", "--annee", "2023", "-o", str(tmp_path / "b.pdf"),
                 "--database", url_demo]) == 0
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert "Bilan de la programmation 2023 écrit" in capsys.readouterr().out
    assert main(["exporter", "bilan-programmation", "--annee", "2023", "-o", str(tmp_path / "b.csv"),
                 "--database", url_demo]) != 0
    assert not (tmp_path / "b.csv").exists()


def test_page_du_bilan_avec_ses_graphiques(qtbot, fenetre_demo, tmp_path):
    from PySide6.QtCore import Qt

    from tests.captures import capturer
    from tests.test_suivi import _action_du_menu

    f = fenetre_demo
    _action_du_menu(f, "Bilan de la programmation").trigger()
    page = f.onglets.currentWidget()
    qtbot.waitUntil(lambda: page.annee.count() > 0, timeout=10000)
    page.annee.setCurrentIndex(page.annee.findData(2023))
    qtbot.waitUntil(lambda: bool(page.bilans) and page.bilans[-1].annee == 2023, timeout=10000)
    b = page.bilans[-1]
    table = page.financeurs.table
    assert table.rowCount() == len(b.financeurs) + 1
    from instruction.domaine import argent

    assert table.item(table.rowCount() - 1, 3).text() == argent.formater(Decimal("2069332.00"))
    assert page.financeurs.graphique.categories == [a.etiquette for a in b.financeurs]
    assert page.axes.graphique.empile and len(page.axes.graphique.series) == len(b.financeurs)
    page.onglets.setCurrentWidget(page.axes)
    capturer(f, "bilan-programmation-axes.png", tmp_path)
    page.onglets.setCurrentWidget(page.quartiers)
    assert page.quartiers.table.item(0, 0).text() == "Beau Marais (QPV)"
    capturer(f, "bilan-programmation-quartiers.png", tmp_path)
    # « Comparer avec » ne propose pas l'année choisie.
    visibles = [page.comparer.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.comparer.count())
                if not page.comparer.item(i).isHidden()]
    assert 2023 not in visibles and 2027 in visibles
    # Une autre année à côté : l'onglet « Années » les met côte à côte.
    for i in range(page.comparer.count()):
        if page.comparer.item(i).data(Qt.ItemDataRole.UserRole) == 2027:
            page.comparer.item(i).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: [x.annee for x in page.bilans] == [2023, 2027], timeout=10000)
    page.onglets.setCurrentWidget(page.annees)
    assert page.annees.table.columnCount() == 3 and page.annees.table.item(0, 1).text() == "128"
    capturer(f, "bilan-programmation-annees.png", tmp_path)
    # « Aperçu avant impression… » : le PDF des années choisies, toutes ses pages, sans fichier laissé.
    from instruction.services.actions import bilan_programmation as actions
    from pypdf import PdfReader

    from tests.test_ecran_seance import apercu_par

    attendues = len(PdfReader(actions.exporter(f.contexte, [2023, 2027], None, tmp_path / "bilan.pdf")).pages)
    assert page.apercu.text().replace("&", "") == "Aperçu avant impression…" and page.exporter_pdf.isEnabled()
    vu = apercu_par(qtbot, page.apercu, "bilan-programmation-apercu.png", tmp_path)
    assert vu["pages"] == attendues > 1
    assert vu["titre"] == "Aperçu avant impression – Bilan de la programmation 2023-2027"
