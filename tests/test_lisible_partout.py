"""Lisible partout (issue 17, point 7) : la section Avis tient à 1366×768 avec cinq cofinanceurs et plus,
l'approche budgétaire nomme ses deux montants par case, la base se lit par son nom, l'historique des
comptes écrit des noms."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from instruction.services.contexte import ouvrir
from tests.captures import capturer
from tests.conftest import fermer_fenetre, ouvrir_fenetre

COMMENTAIRE_LONG = ("Action pertinente pour les jeunes du quartier, mais le budget prévoit des vacations d'animateurs "
                    "sans qualification précisée : nous demandons le diplôme des intervenants et un calendrier des "
                    "séances avant le versement du solde.\nMontant réduit faute de cofinancement de la commune.")


def _avis_de_cinq_cofinanceurs(url: str) -> int:
    """Le dossier CDV-2027-006 de la démonstration : ses quatre avis demandés, plus celui du Département (hors
    budget, une colonne de plus), donnés avec des montants pour plusieurs cofinanceurs et de longs commentaires."""
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.services import avis

    contexte = ouvrir(url)
    try:
        with contexte.unite() as uow:
            dossier_id = uow.session.scalar(select(m.Dossier.id).where(m.Dossier.numero == "CDV-2027-006"))
            avis.demander(uow, dossier_id, [avis.Destinataire("Département du Pas-de-Calais", financeur="departement")],
                          avis.echeance_proposee())
            lignes = avis.du_dossier(uow, dossier_id)
            for rang, ligne in enumerate(lignes):
                if rang == len(lignes) - 1:
                    continue  # un avis reste attendu
                montants = {"etat-pv": "7000", "ville-calais": "7749", "caf": "4500,50", "region": "4628"}
                sens = ("favorable", "reserve", "defavorable", "favorable")[rang % 4]
                avis.donner(uow, ligne.demande_id, avis.SaisieAvis(sens, COMMENTAIRE_LONG if rang % 2 else "D'accord.",
                                                                   montants=montants))
            uow.valider()
    finally:
        contexte.fermer()
    return dossier_id


def test_section_avis_tient_a_1366_avec_cinq_cofinanceurs(qtbot, url_demo, tmp_path):
    dossier_id = _avis_de_cinq_cofinanceurs(url_demo)
    f = ouvrir_fenetre(qtbot, url_demo)
    try:
        f.espace.ouvrir_dossier(dossier_id, section="avis")
        qtbot.waitUntil(lambda: getattr(f.onglets.currentWidget(), "avis", None) is not None, timeout=10000)
        onglet = f.onglets.currentWidget()
        section = onglet.avis
        qtbot.waitUntil(lambda: len(section.lignes) == 5 and onglet.onglets.currentWidget() is section,
                        timeout=10000)
        table = section.table
        entetes = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        financeurs = entetes[section.premiere_colonne_financeur:-2]
        # Six cofinanceurs (les cinq du budget et le Département sollicité pour avis), par leur sigle.
        assert [e.split("\n")[0] for e in financeurs] == ["État PV", "Ville", "CAF", "Région", "État (autres)",
                                                          "Département"], entetes
        assert financeurs[2] == "CAF\n(dem. 5\u202f088\u00a0€)" and financeurs[5] == "Département\n(hors budget)"
        bulle = table.horizontalHeaderItem(section.premiere_colonne_financeur + 2).toolTip()
        assert "Caisse d'allocations familiales du Pas-de-Calais" in bulle and "5\u202f088,00\u00a0€" in bulle
        # Tout tient dans la largeur : ni barre de défilement horizontale ni colonne coupée.
        qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=5000)
        visibles = [c for c in range(table.columnCount()) if not table.isColumnHidden(c)]
        assert sum(table.columnWidth(c) for c in visibles) <= table.viewport().width()
        assert table.columnWidth(len(entetes) - 2) >= 120, "le commentaire garde une largeur lisible"
        assert table.isColumnHidden(1), "pas de colonne « Thème » vide"
        # Montants à droite, compacts et exacts ; le commentaire long tient sur une ligne, en entier ailleurs.
        caf = table.item(0, section.premiere_colonne_financeur + 2)
        assert caf.text() == "4\u202f500,50\u00a0€"
        assert caf.textAlignment() & Qt.AlignmentFlag.AlignRight
        assert table.item(0, section.premiere_colonne_financeur).text() == "7\u202f000\u00a0€"
        rang_long = next(r for r, ligne in enumerate(section.lignes) if ligne.commentaire == COMMENTAIRE_LONG)
        assert table.item(rang_long, len(entetes) - 2).text().endswith(" …")
        assert "versement du solde" in table.item(rang_long, 0).toolTip()
        table.selectRow(rang_long)
        qtbot.waitUntil(lambda: "faute de cofinancement" in section.detail.toPlainText(), timeout=5000)
        detail = " ".join(section.detail.toPlainText().replace("\u202f", " ").replace("\u00a0", " ").split())
        assert ("Montants proposés : État – politique de la ville : 7 000,00 € (demandé 7 378,00 €) ; "
                "Ville de Calais : 7 749,00 € (demandé 7 749,00 €) ; Caisse d'allocations familiales du Pas-de-Calais : "
                "4 500,50 € (demandé 5 088,00 €)") in detail, detail
        assert "séances avant le versement du solde. Montant réduit faute de cofinancement" in detail
        capturer(f, "avis-cinq-cofinanceurs-1366.png", tmp_path)
    finally:
        fermer_fenetre(f)


# --- L'historique des comptes écrit des noms -----------------------------------------------------------


def test_historique_des_comptes_ecrit_des_noms(contexte):
    from sqlalchemy import select

    from instruction.domaine import droits
    from instruction.db import modeles as m
    from instruction.services import comptes
    from tests import fabrique

    contexte.utilisateur = fabrique.compte(contexte, "a.durand", droits.ADMINISTRATEUR, nom="Anne Durand")
    with contexte.unite() as uow:
        compte_id, _ = comptes.creer(uow, comptes.SaisieCompte("r.urbain", "Rémi Urbain", droits.REFERENT,
                                                               themes=("prevention-delinquance", "insertion-emploi")))
        comptes.modifier(uow, compte_id, comptes.SaisieCompte("r.urbain", "Rémi Urbain", droits.FINANCEUR,
                                                              financeur="caf"))
        comptes.modifier(uow, compte_id, comptes.SaisieCompte("r.urbain", "Rémi Urbain", droits.FINANCEUR,
                                                              financeur="ca-gctm"))
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        lignes = [(h.action, h.champ, h.ancien, h.nouveau) for h in uow.session.scalars(
            select(m.Historique).where(m.Historique.objet == "compte", m.Historique.acteur == "a.durand")
            .order_by(m.Historique.id))]
        financeurs = {code for code, in uow.session.execute(select(m.Financeur.code))}
        themes = {code for code, in uow.session.execute(select(m.ThemeReferent.code))}
    assert ("création", "Rôle", None, "Référent") in lignes
    assert ("création", "Thèmes", None, "Insertion vers l'emploi, Prévention de la délinquance") in lignes
    assert ("modification", "Rôle", "Référent", "Financeur") in lignes
    assert ("modification", "Thèmes", "Insertion vers l'emploi, Prévention de la délinquance", None) in lignes
    assert ("modification", "Cofinanceur", None, "CAF") in lignes
    assert ("modification", "Cofinanceur", "CAF", "CA GCTM") in lignes
    codes = financeurs | themes | set(droits.ROLES)
    ecrits = [v for _a, _c, *valeurs in lignes for v in valeurs if v]
    assert not [v for v in ecrits if v in codes or any(c in codes for c in v.split(", "))], ecrits


# --- L'approche budgétaire nomme ses deux montants ------------------------------------------------------


def _espaces(texte: str) -> str:
    return " ".join(texte.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_approche_budgetaire_nomme_demande_et_accorde(qtbot, fenetre_demo, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from instruction.domaine import argent
    from instruction.rapports import approche_budgetaire as export
    from instruction.services.approche_budgetaire import CLES

    f = fenetre_demo
    f.espace.ouvrir_approche_budgetaire()
    page = f.onglets.currentWidget()
    qtbot.waitUntil(lambda: page.rapport is not None, timeout=15000)
    page.annee.setCurrentIndex(page.annee.findData(2023))
    qtbot.waitUntil(lambda: page.rapport.annee == 2023 and page.par_financeur.rowCount() > 0, timeout=15000)
    rapport = page.rapport
    table = page.par_financeur
    assert table.horizontalHeaderItem(0).text() == "Financeur" and table.horizontalHeaderItem(1).text() == "Montant"
    assert table.rowCount() == 2 * len(rapport.par_financeur)
    for rang, ligne in enumerate(rapport.par_financeur):
        demande, accorde = 2 * rang, 2 * rang + 1
        assert table.item(demande, 0).text() == ligne.libelle and table.rowSpan(demande, 0) == 2
        assert (table.item(demande, 1).text(), table.item(accorde, 1).text()) == ("Demandé", "Accordé")
        for colonne, cle in enumerate(CLES, start=2):
            assert table.item(demande, colonne).text() == argent.formater(ligne.cellules[cle].demande)
            assert table.item(accorde, colonne).text() == argent.formater(ligne.cellules[cle].accorde)
        assert table.item(accorde, table.columnCount() - 1).text() == argent.formater(ligne.total.accorde)
    assert page.par_dispositif.item(1, 1).text() == "Accordé"
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=5000)
    capturer(f, "approche-budgetaire-1366.png", tmp_path)

    # Le PDF : chaque financeur a son rang « demandé » puis son rang « accordé ».
    texte = _espaces(" ".join(p.extract_text() for p in PdfReader(export.exporter_pdf(rapport, tmp_path / "abi.pdf"))
                              .pages))
    assert "Financeur Montant Cotation 2 Cotation 1 Cotation 0 Non coté Total" in texte
    for ligne in rapport.par_financeur:
        montants = [ligne.cellules[c] for c in CLES] + [ligne.total]
        assert _espaces("demandé " + " ".join(argent.formater(c.demande) for c in montants)
                        + " accordé " + " ".join(argent.formater(c.accorde) for c in montants)) in texte, ligne.libelle
    # Le classeur : une colonne par montant, chacune nommée.
    classeur = load_workbook(export.exporter_xlsx(rapport, tmp_path / "abi.xlsx"))
    entete = [c.value for c in classeur["Par financeur"][1]]
    assert entete[:3] == ["Financeur", "Cotation 2 — demandé", "Cotation 2 — accordé"]
    assert entete[-2:] == ["Total demandé", "Total accordé"]
    departement = next(r for r in classeur["Par financeur"].iter_rows(min_row=2, values_only=True)
                       if r[0] == "Département du Pas-de-Calais")
    ligne = next(l for l in rapport.par_financeur if l.libelle == "Département du Pas-de-Calais")
    assert (departement[1], departement[2]) == (float(ligne.cellules[2].demande), float(ligne.cellules[2].accorde))


# --- Le nom de la base --------------------------------------------------------------------------------


def test_nom_par_defaut_fichier_ou_serveur():
    from instruction.services.nom_base import nom_par_defaut

    assert nom_par_defaut("sqlite:////home/marie/Documents/instruction.sqlite") == "instruction.sqlite"
    assert nom_par_defaut("postgresql+psycopg://jean:secret@srv-pv.calais.local:5432/instruction") == \
        "base partagée instruction sur srv-pv.calais.local"
    assert "secret" not in nom_par_defaut("postgresql://jean:secret@hote/base")


def test_un_administrateur_nomme_la_base_avec_son_historique(contexte, url_base):
    from sqlalchemy import select
    from sqlalchemy.engine import make_url

    from instruction.domaine import droits
    from instruction.db import modeles as m
    from instruction.domaine.erreurs import DonneesInvalides
    from instruction.services import nom_base
    from instruction.services.actions import REGLAGES
    from instruction.services.actions import nom_base as actions
    from tests import fabrique

    url = make_url(url_base)
    defaut = (Path(url.database).name if url.get_backend_name() == "sqlite"
              else f"base partagée {url.database} sur {url.host}")
    assert actions.lire(contexte).nom == defaut and actions.lire(contexte).choisi is None
    admin = fabrique.compte(contexte, "a.durand", droits.ADMINISTRATEUR, nom="Anne Durand")
    instructeur = fabrique.compte(contexte, "m.lefebvre", droits.INSTRUCTEUR, nom="Marie Lefebvre")
    contexte.utilisateur = instructeur
    with pytest.raises(droits.Interdit):
        actions.nommer(contexte, "Nom interdit")
    contexte.utilisateur = admin
    resultat = actions.nommer(contexte, "  Instruction 2027 —\n service politique de la ville  ")
    assert resultat.valeur.nom == "Instruction 2027 — service politique de la ville"
    assert resultat.changements.touche(REGLAGES)
    assert actions.lire(contexte).nom == "Instruction 2027 — service politique de la ville"
    assert actions.lire(contexte).adresse == contexte.lieu and "instruction:instruction@" not in contexte.lieu
    for mauvais, message in (("x" * 81, "80 au plus"), ("Base\u0007", "invisible")):
        with pytest.raises(DonneesInvalides, match=message):
            actions.nommer(contexte, mauvais)
    assert actions.lire(contexte).nom == "Instruction 2027 — service politique de la ville", "rien de perdu"
    actions.nommer(contexte, "Instruction 2027 — service politique de la ville")  # inchangé : rien à l'historique
    assert actions.nommer(contexte, "").valeur.nom == defaut  # revenir au nom du fichier ou du serveur
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(m.Parametre, nom_base.CLE) is None
        lignes = [(h.acteur, h.objet, h.action, h.champ, h.ancien, h.nouveau) for h in uow.session.scalars(
            select(m.Historique).where(m.Historique.action == "nom de la base").order_by(m.Historique.id))]
    assert lignes == [
        ("a.durand", "réglage", "nom de la base", "Nom de la base", None,
         "Instruction 2027 — service politique de la ville"),
        ("a.durand", "réglage", "nom de la base", "Nom de la base",
         "Instruction 2027 — service politique de la ville", None)]


def test_la_fenetre_montre_le_nom_de_la_base(qtbot, fenetre_demo, monkeypatch, tmp_path):
    from sqlalchemy import select

    from instruction import NOM_APPLICATION

    from instruction.domaine import droits
    from instruction.db import modeles as m

    f = fenetre_demo
    brute = f.contexte.lieu
    assert brute.startswith("sqlite:///")
    qtbot.waitUntil(lambda: f.windowTitle() == f"{NOM_APPLICATION} — instruction.sqlite", timeout=5000)
    assert f.lieu_base.text() == "Base : instruction.sqlite"
    assert brute in f.lieu_base.toolTip(), "l'adresse en bulle pour l'administrateur"
    # L'administrateur nomme la base depuis le menu Instruction.
    assert f.menus.nom_base.isEnabled()
    f.menus.nom_base.trigger()
    qtbot.waitUntil(lambda: getattr(f, "dialogue_nom_base", None) is not None and f.dialogue_nom_base.isVisible(),
                    timeout=5000)
    dialogue = f.dialogue_nom_base
    assert dialogue.champ.placeholderText() == "instruction.sqlite"
    dialogue.champ.setText("x" * 90)
    qtbot.keyClick(dialogue.champ, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "80 au plus" in dialogue.erreur.text(), timeout=10000)
    assert dialogue.isVisible() and dialogue.champ.text() == "x" * 90, "la saisie reste"
    dialogue.champ.clear()
    qtbot.keyClicks(dialogue.champ, "Instruction 2027 - service PV")
    capturer(dialogue, "nom-de-la-base.png", tmp_path)
    qtbot.keyClick(dialogue.champ, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: f.windowTitle() == f"{NOM_APPLICATION} — Instruction 2027 - service PV", timeout=5000)
    assert f.lieu_base.text() == "Base : Instruction 2027 - service PV"
    capturer(f, "titre-nom-de-la-base-1366.png", tmp_path)
    with f.contexte.unite(lecture=True) as uow:
        lignes = uow.session.execute(select(m.Historique.ancien, m.Historique.nouveau)
                                     .where(m.Historique.action == "nom de la base")).all()
    assert [tuple(ligne) for ligne in lignes] == [(None, "Instruction 2027 - service PV")]
    # « À propos » : le nom, pas l'adresse.
    textes = []
    monkeypatch.setattr("instruction.ui.fenetre_principale.QMessageBox.about", lambda _p, _t, texte: textes.append(texte))
    f.a_propos()
    assert "Base : Instruction 2027 - service PV" in textes[0] and brute not in textes[0]
    # Un instructeur voit le nom, sans l'adresse, et ne peut pas le changer.
    f.contexte.utilisateur = droits.Utilisateur("m.lefebvre", "Marie Lefebvre", droits.INSTRUCTEUR)
    f._appliquer_droits()
    assert f.lieu_base.toolTip() == "" and not f.menus.nom_base.isEnabled()
    assert brute not in f.windowTitle() + f.lieu_base.text()
