"""Issue 11 : les écrans du comité (pytest-qt), sur la base de démonstration, à 1366×768.

La liste des séances (les séances 2023 closes, le comité 2027 en préparation), la séance 2027 : décisions
saisies au clavier (choix, montant, motif, Ctrl+Entrée qui enregistre et passe au dossier suivant), clôture,
puis la section « Financements » d'un dossier décidé et les délibérations des partenaires. Captures regardées.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine.horloge import aujourd_hui
from tests.captures import capturer
from tests.conftest import fermer_fenetre, frapper, ouvrir_fenetre


def _seance_2027(url: str):
    """Le comité 2027 de la démonstration, avancé à hier pour pouvoir le clore."""
    from instruction.services.actions import comite as actions
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url)
    try:
        seance = next(s for s in actions.lister_seances(contexte) if not s.close)
        lue = actions.lire_seance(contexte, seance.id)
        actions.modifier_seance(contexte, seance.id, lue.intitule, aujourd_hui() - dt.timedelta(days=1), lue.lieu,
                                list(lue.membres), lue.version)
        return seance.id, [ligne.dossier_id for ligne in lue.lignes]
    finally:
        contexte.fermer()


def test_la_seance_au_clavier_jusqu_a_la_cloture(qtbot, url_demo, tmp_path, monkeypatch):
    seance_id, dossiers = _seance_2027(url_demo)
    assert len(dossiers) == 2
    f = ouvrir_fenetre(qtbot, url_demo)
    try:
        liste = f.espace.ouvrir_page("instruction.ui.comite.page_seances", "PageSeances")
        qtbot.waitUntil(lambda: len(liste.seances) >= 8, timeout=15000)
        assert sum(1 for s in liste.seances if s.close) == 7  # CDV, CE, 5 sessions du jury PIC
        assert liste.table.item(0, 4).text() == "En préparation"
        capturer(f, "seances.png", tmp_path)

        page = f.espace.ouvrir_page("instruction.ui.comite.page_seance", "PageSeance", seance_id=seance_id)
        qtbot.waitUntil(lambda: page.seance is not None and len(page.seance.lignes) == 2, timeout=15000)
        assert f.espace.onglets.currentWidget() is page
        assert page.cloturer_bouton.isEnabled() and not page.releve.isEnabled()
        qtbot.waitUntil(lambda: bool(page.champs_montants) and all(c.isVisible() for c in page.champs_montants.values()),
                        timeout=15000)
        assert page.par_financeur.columnCount() == len(page.seance.financeurs_utilises())
        capturer(f, "seance.png", tmp_path)

        # Premier dossier : refusé, motif tapé, Ctrl+Entrée.
        page.table.setFocus()
        page.table.selectRow(0)
        page.boutons_decision["refuse"].click()
        page.motif.setFocus()
        page.motif.clear()
        frapper(page.motif, "Action déjà financée par le droit commun")
        qtbot.keyClick(page.motif, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: page.seance.lignes[0].decision == "refuse", timeout=15000)
        assert page._choisi == dossiers[1]  # passé au dossier suivant

        # Second dossier : retenu pour moins que proposé sur le premier cofinanceur.
        code, champ = next(iter(page.champs_montants.items()))
        propose = page.seance.lignes[1].proposes[code]
        page.boutons_decision["retenu"].click()
        champ.setFocus()
        champ.selectAll()
        frapper(champ, "1 000")
        page.motif.setFocus()
        frapper(page.motif, "Montant réduit par le comité")
        qtbot.keyClick(page.motif, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: page.seance.lignes[1].decision == "retenu", timeout=15000)
        assert page.seance.lignes[1].montants[code] == Decimal("1000.00") < propose
        assert page.table.item(1, 5).text() == "Retenu"

        # Un montant mal tapé est refusé calmement, la saisie reste.
        page.table.selectRow(1)
        champ = page.champs_montants[code]
        champ.setText("mille")
        page.enregistrer.click()
        assert "n'est pas un montant" in page.erreur_decision.text() and champ.text() == "mille"

        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        page.cloturer_bouton.click()
        qtbot.waitUntil(lambda: page.seance is not None and page.seance.close, timeout=15000)
        assert "2 décision(s) appliquée(s)" in page.message.text()
        assert page.releve.isEnabled() and not page.cloturer_bouton.isEnabled() and not page.decision.isEnabled()
        capturer(f, "seance-close.png", tmp_path)
        with f.contexte.unite(lecture=True) as uow:
            etats = dict(uow.session.execute(select(m.Dossier.id, m.Dossier.etat)
                                             .where(m.Dossier.id.in_(dossiers))).all())
        assert etats == {dossiers[0]: "refuse", dossiers[1]: "retenu"}
        qtbot.waitUntil(lambda: bool(liste.seances) and all(s.close for s in liste.seances), timeout=15000)

        # La section « Financements » du dossier retenu.
        f.espace.ouvrir_dossier(dossiers[1])
        qtbot.waitUntil(lambda: hasattr(f.onglets.currentWidget(), "sections_cycle"), timeout=15000)
        onglet = f.onglets.currentWidget()
        differee = next(s for s in onglet.sections_cycle if s._classe == "SectionFinancements")
        onglet.onglets.setCurrentWidget(differee)
        qtbot.waitUntil(lambda: differee.section is not None and differee.section.vue is not None, timeout=15000)
        section = differee.section
        ligne = next(l for l in section.vue.lignes if l.financeur == code)
        assert ligne.decide == Decimal("1000.00") and ligne.propose == propose
        section.libelle.setText("Poste d'adulte-relais mis à disposition")
        section.montant.setText("12 000")
        section.declarer.click()
        qtbot.waitUntil(lambda: len(section.vue.moyens) == 1, timeout=15000)
        capturer(f, "financements.png", tmp_path)

        # Les délibérations : la ligne décidée attend le vote ; on le saisit.
        votes = f.espace.ouvrir_page("instruction.ui.comite.page_deliberations", "PageDeliberations")
        qtbot.waitUntil(lambda: any(l.dossier_id == dossiers[1] for l in votes.lignes), timeout=15000)
        rang = next(i for i, l in enumerate(votes.lignes) if l.dossier_id == dossiers[1] and l.financeur == code)
        votes.table.selectRow(rang)
        votes.instance.setText("Conseil municipal")
        votes.reference.setText("DEL-2027-015")
        avant = len(votes.lignes)
        votes.enregistrer.click()
        qtbot.waitUntil(lambda: len(votes.lignes) == avant - 1, timeout=15000)
        assert not votes.erreur.text()
        capturer(f, "deliberations.png", tmp_path)
    finally:
        fermer_fenetre(f)
