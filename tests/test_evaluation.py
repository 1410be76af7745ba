"""L'évaluation du contrat de ville (issue 13, point 5) : valeurs des indicateurs (référence, années, source, date,
qui), exactes, à l'historique ; séries, base 100 ; classeur relu (nombres, dates) ; rapport 2027 relu (pypdf, qpdf)
avec la programmation des mêmes objectifs ; page et sa courbe (pytest-qt, capture 1366×768).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine import droits
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.domaine.validation import SaisieInvalide
from instruction.services.actions import evaluation as actions
from tests import fabrique


def _serie(lu, code):
    return next(s for s in lu.series if s.code == code)


def test_valeurs_exactes_reference_et_historique(contexte):
    lu = actions.tableau(contexte)
    assert len(lu.series) == 129 and len(lu.objectifs) == 23
    assert len(lu.de_l_objectif(None)) == 21  # les indicateurs transversaux
    with pytest.raises(SaisieInvalide, match=r"Indiquez une valeur \(un nombre\) ou"):
        actions.saisir_valeur(contexte, "IND006", 2023, {"source": "EN"})
    with pytest.raises(SaisieInvalide, match="n'est pas un nombre"):
        actions.saisir_valeur(contexte, "IND006", 2023, {"valeur": "deux cents"})
    demain = (aujourd_hui() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    with pytest.raises(SaisieInvalide, match="après aujourd'hui"):
        actions.saisir_valeur(contexte, "IND006", 2023, {"valeur": "1", "date_valeur": demain})
    with pytest.raises(DonneesInvalides, match="n'est pas un indicateur"):
        actions.saisir_valeur(contexte, "IND999", 2023, {"valeur": "1"})
    actions.saisir_valeur(contexte, "IND006", 2023, {"valeur": "236,5", "source": "Éducation nationale",
                                                     "date_valeur": "30/06/2023", "reference": "oui"})
    actions.saisir_valeur(contexte, "IND006", 2024, {"valeur": "221.25"})
    lu = actions.saisir_valeur(contexte, "IND006", 2025, {"valeur": "-0,5", "texte": "Nouvelle méthode de comptage"}
                               ).valeur
    s = _serie(lu, "IND006")
    assert [(p.annee, p.valeur, p.reference) for p in s.points] == [
        (2023, Decimal("236.5"), True), (2024, Decimal("221.25"), False), (2025, Decimal("-0.5"), False)]
    assert s.points[0].date_valeur == dt.date(2023, 6, 30) and s.points[0].source == "Éducation nationale"
    assert s.evolution == (Decimal("-237.0"), Decimal("-237.0") / Decimal("236.5"))
    assert s.indices([2023, 2024, 2026]) == [Decimal("100.0"), Decimal("93.6"), None]
    # Une autre année devient la référence : l'ancienne cesse de l'être.
    lu = actions.saisir_valeur(contexte, "IND006", 2024, {"valeur": "221.25", "reference": "oui"}).valeur
    assert [p.annee for p in _serie(lu, "IND006").points if p.reference] == [2024]
    with contexte.unite() as uow:
        assert uow.session.scalar(select(m.Historique.nouveau).where(
            m.Historique.champ == "IND006 — situation de référence")) == "2024"
        lignes = uow.session.execute(select(m.Historique.objet, m.Historique.champ, m.Historique.ancien,
                                            m.Historique.nouveau).where(m.Historique.objet == "indicateur")
                                     .order_by(m.Historique.id)).all()
    assert lignes[0] == ("indicateur", "IND006 2023", None, "236,5 (référence) [source : Éducation nationale]")
    lu = actions.supprimer_valeur(contexte, "IND006", 2025).valeur
    assert [p.annee for p in _serie(lu, "IND006").points] == [2023, 2024]
    with pytest.raises(DonneesInvalides, match="pas de valeur pour 2025"):
        actions.supprimer_valeur(contexte, "IND006", 2025)


def test_un_referent_ne_saisit_pas_de_valeur(contexte):
    fabrique.compte(contexte, "a.admin", droits.ADMINISTRATEUR)
    contexte.utilisateur = fabrique.compte(contexte, "r.ref", droits.REFERENT, themes=("education",))
    with pytest.raises(droits.Interdit, match="saisir les valeurs des indicateurs"):
        actions.saisir_valeur(contexte, "IND006", 2023, {"valeur": "1"})


def test_classeur_et_rapport_2027_relus(url_demo, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        classeur = actions.exporter_indicateurs(contexte, tmp_path / "indicateurs.xlsx")
        rapport = actions.rapport_echeance(contexte, 2027, tmp_path / "mi-parcours.pdf")
        with pytest.raises(DonneesInvalides, match="Échéance inconnue"):
            actions.rapport_echeance(contexte, 2028, tmp_path / "x.pdf")
    finally:
        contexte.fermer()
    lu = load_workbook(classeur)
    feuille = lu["Indicateurs"]
    entete = [c.value for c in feuille[1]]
    lignes = {l[0]: dict(zip(entete, l, strict=True)) for l in feuille.iter_rows(min_row=2, values_only=True)}
    assert len(lignes) == 129
    absenteisme = lignes["IND006"]
    assert absenteisme["Année de référence"] == 2023 and absenteisme["Référence"] == 236
    assert isinstance(absenteisme["2026"], (int, float)) and absenteisme["2026"] == 198
    assert absenteisme["Évolution"] == -38
    valeurs = [dict(zip([c.value for c in lu["Valeurs"][1]], l, strict=True)) for l in lu["Valeurs"].iter_rows(min_row=2,
                                                                                                    values_only=True)]
    une = next(v for v in valeurs if v["Code"] == "IND002" and v["Année"] == 2024)
    assert une["Valeur"] == 1925 and isinstance(une["Date de la valeur"], dt.datetime)
    assert une["Date de la valeur"].date() == min(dt.date(2024, 6, 30), aujourd_hui())
    assert any(v["Appréciation"] and v["Valeur"] is None for v in valeurs)  # l'indicateur qualitatif
    assert subprocess.run(["qpdf", "--check", str(rapport)], capture_output=True).returncode == 0
    texte = " ".join(" ".join(p.extract_text() for p in PdfReader(rapport).pages).split())
    for attendu in ("Évaluation à mi-parcours 2027", "OS01 — Accompagner les parcours scolaires", "IND006",
                    "236 (réf.)", "-38 (-16,1 %)", "Programmation de l'objectif", "Actions décidées",
                    "1 155 351,00 €", "Indicateurs transversaux", "Mobilisation des deux parents"):
        assert attendu in texte, attendu


def test_page_de_l_evaluation_et_sa_courbe(qtbot, fenetre_demo, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.captures import capturer
    from tests.conftest import frapper
    from tests.test_suivi import _action_du_menu

    f = fenetre_demo
    _action_du_menu(f, "Évaluation du contrat de ville").trigger()
    page = f.onglets.currentWidget()
    qtbot.waitUntil(lambda: page.lu is not None, timeout=10000)
    frapper(page.filtre, "absentéisme")
    qtbot.waitUntil(lambda: page.arbre.topLevelItemCount() == 1, timeout=5000)
    os1 = page.arbre.topLevelItem(0)
    page.arbre.setCurrentItem(os1.child(0))
    assert page.serie_choisie().code == "IND006"
    assert page.graphique.categories[:4] == ["2023", "2024", "2025", "2026"]
    assert page.graphique.series[0][2][:4] == [Decimal("236"), Decimal("221"), Decimal("204"), Decimal("198")]
    capturer(f, "evaluation-indicateur.png", tmp_path)

    def saisir():
        boite = QApplication.activeModalWidget()
        boite.annee.setValue(2027 if aujourd_hui().year >= 2027 else aujourd_hui().year)
        frapper(boite.valeur, "190,5")
        boite.boutons.button(boite.boutons.StandardButton.Ok).click()

    QTimer.singleShot(0, saisir)
    page.ajouter.click()
    qtbot.waitUntil(lambda: len(page.serie_choisie().points) == 5 or page.serie_choisie().valeur(
        aujourd_hui().year) == Decimal("190.5"), timeout=10000)
    assert page.serie_choisie().valeur(min(2027, aujourd_hui().year)) == Decimal("190.5")
    page.arbre.setCurrentItem(page.arbre.topLevelItem(0))
    courbes = {nom: valeurs for nom, _couleur, valeurs in page.graphique.series}  # base 100 à la référence
    assert set(courbes) == {"IND002", "IND003", "IND006"} and courbes["IND006"][0] == Decimal("100.0")
    capturer(f, "evaluation-objectif.png", tmp_path)
    # Le rapport choisi (mi-parcours 2027) en aperçu avant impression : toutes ses pages.
    from pypdf import PdfReader

    from instruction.services.actions import evaluation as actions
    from tests.test_ecran_seance import apercu_par

    assert page.echeance.currentData() == 2027
    attendues = len(PdfReader(actions.rapport_echeance(f.contexte, 2027, tmp_path / "rapport.pdf")).pages)
    vu = apercu_par(qtbot, page.apercu, "evaluation-apercu.png", tmp_path)
    assert vu["pages"] == attendues > 1
    assert vu["titre"] == "Aperçu avant impression – Évaluation à mi-parcours 2027"
