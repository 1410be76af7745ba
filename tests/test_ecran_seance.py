"""Issue 11 : les écrans du comité (pytest-qt), sur la base de démonstration, à 1366×768.

La liste des séances (les séances 2023 closes, le comité 2027 en préparation), la séance 2027 : décisions
saisies au clavier (choix, montant, motif, Ctrl+Entrée qui enregistre et passe au dossier suivant), clôture,
puis la section « Financements » d'un dossier décidé et les délibérations des partenaires. Captures regardées.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt, QThreadPool
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
        assert page.cloturer_bouton.isEnabled() and not page.documents.releve.isEnabled()
        qtbot.waitUntil(lambda: bool(page.decision.champs_montants)
                        and all(c.isVisible() for c in page.decision.champs_montants.values()), timeout=15000)
        assert page.ordre_du_jour.par_financeur.columnCount() == len(page.seance.financeurs_utilises())
        capturer(f, "seance.png", tmp_path)

        # Premier dossier : refusé, motif tapé, Ctrl+Entrée.
        page.ordre_du_jour.table.setFocus()
        page.ordre_du_jour.table.selectRow(0)
        page.decision.boutons_decision["refuse"].click()
        page.decision.motif.setFocus()
        page.decision.motif.clear()
        frapper(page.decision.motif, "Action déjà financée par le droit commun")
        qtbot.keyClick(page.decision.motif, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: page.seance.lignes[0].decision == "refuse", timeout=15000)
        assert page._choisi == dossiers[1]  # passé au dossier suivant

        # Second dossier : retenu pour moins que proposé sur le premier cofinanceur.
        code, champ = next(iter(page.decision.champs_montants.items()))
        propose = page.seance.lignes[1].proposes[code]
        page.decision.boutons_decision["retenu"].click()
        champ.setFocus()
        champ.selectAll()
        frapper(champ, "1 000")
        page.decision.motif.setFocus()
        frapper(page.decision.motif, "Montant réduit par le comité")
        qtbot.keyClick(page.decision.motif, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: page.seance.lignes[1].decision == "retenu", timeout=15000)
        assert page.seance.lignes[1].montants[code] == Decimal("1000.00") < propose
        assert page.ordre_du_jour.table.item(1, 5).text() == "Retenu"

        # Un montant mal tapé est refusé calmement, la saisie reste.
        page.ordre_du_jour.table.selectRow(1)
        champ = page.decision.champs_montants[code]
        champ.setText("mille")
        page.decision.enregistrer.click()
        assert "n'est pas un montant" in page.decision.erreur_decision.text() and champ.text() == "mille"

        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        page.cloturer_bouton.click()
        qtbot.waitUntil(lambda: page.seance is not None and page.seance.close, timeout=15000)
        assert "2 décision(s) appliquée(s)" in page.message.text()
        assert page.documents.releve.isEnabled() and not page.cloturer_bouton.isEnabled()
        assert not page.decision.isEnabled()
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


def _apercu_ouvert(vu: dict, capture: str | None, dossier):
    """Regarde, sans attendre, si l'aperçu avant impression est ouvert et peint ; note ses pages puis le ferme.
    Cesse de regarder quand ``vu["fini"]`` est posé (le test a fini d'attendre, aperçu vu ou non)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from instruction.ui.impression import ApercuImpression

    def regarder() -> None:
        if vu.get("fini"):
            return
        boite = QApplication.activeModalWidget()
        if isinstance(boite, ApercuImpression) and boite.pages_peintes:
            vu["pages"], vu["titre"] = boite.vue.pageCount(), boite.windowTitle()
            if capture is not None:
                capturer(boite, capture, dossier)
            boite.close()
        else:
            QTimer.singleShot(20, regarder)

    QTimer.singleShot(0, regarder)


def apercu_par(qtbot, bouton, capture: str | None = None, dossier=None) -> dict:
    """Clique ``bouton`` et attend l'aperçu avant impression peint : ses pages et son titre (capture prise si
    ``capture`` est donné)."""
    vu: dict = {}
    _apercu_ouvert(vu, capture, dossier)
    try:
        bouton.click()
        qtbot.waitUntil(lambda: "pages" in vu, timeout=30000)
    finally:
        vu["fini"] = True  # plus de regard en boucle après ce test, même en échec
    return vu


def _dossiers_temporaires() -> set[str]:
    import tempfile
    from pathlib import Path

    return {p.name for p in Path(tempfile.gettempdir()).glob("instruction-apercu-*")}


def test_apercu_avant_impression_du_dossier_de_seance_et_du_releve(qtbot, url_demo, tmp_path):
    from pypdf import PdfReader

    from instruction.services.actions import comite as actions

    f = ouvrir_fenetre(qtbot, url_demo)
    try:
        seances = actions.lister_seances(f.contexte)
        ouverte = next(s for s in seances if not s.close)
        page = f.espace.ouvrir_page("instruction.ui.comite.page_seance", "PageSeance", seance_id=ouverte.id)
        qtbot.waitUntil(lambda: page.seance is not None and bool(page.seance.lignes), timeout=15000)
        # Le relevé : une fois la séance close.
        assert page.documents.apercu_dossier.isEnabled() and not page.documents.apercu_releve.isEnabled()
        assert page.documents.apercu_dossier.text().replace("&", "") == "Aperçu avant impression…"
        qtbot.waitUntil(lambda: bool(page.decision.champs_montants)
                        and all(c.isVisible() for c in page.decision.champs_montants.values()), timeout=15000)
        capturer(f, "seance-documents.png", tmp_path)
        # Le même document, écrit par la même action : l'aperçu en montre toutes les pages.
        attendues = len(PdfReader(actions.ecrire_dossier_de_seance(f.contexte, ouverte.id, tmp_path / "ds.pdf")).pages)
        assert attendues > 1 + len(page.seance.lignes)  # garde, tableaux, une fiche au moins par dossier
        avant = _dossiers_temporaires()
        vu = apercu_par(qtbot, page.documents.apercu_dossier, "apercu-dossier-de-seance.png", tmp_path)
        assert vu["pages"] == attendues
        assert vu["titre"] == f"Aperçu avant impression – Dossier de séance – {page.seance.intitule}"
        assert _dossiers_temporaires() <= avant  # le PDF temporaire ne reste pas sur le disque
        assert not page.message.text()

        # Une séance close : le relevé de décisions en aperçu.
        close = next(s for s in seances if s.close)
        page = f.espace.ouvrir_page("instruction.ui.comite.page_seance", "PageSeance", seance_id=close.id)
        qtbot.waitUntil(lambda: page.seance is not None and page.seance.close, timeout=15000)
        assert page.documents.apercu_releve.isEnabled()
        attendues = len(PdfReader(actions.ecrire_releve(f.contexte, close.id, tmp_path / "releve.pdf")).pages)
        vu = apercu_par(qtbot, page.documents.apercu_releve, "apercu-releve.png", tmp_path)
        assert vu["pages"] == attendues >= 1
        assert vu["titre"].startswith("Aperçu avant impression – Relevé de décisions – ")
    finally:
        fermer_fenetre(f)


def test_membres_de_la_seance_au_clavier(qtbot, url_demo, tmp_path):
    import shiboken6
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLineEdit

    from instruction.domaine import comite as regles
    from instruction.services.actions import comite as actions

    f = ouvrir_fenetre(qtbot, url_demo)
    try:
        ouverte = next(s for s in actions.lister_seances(f.contexte) if not s.close)
        page = f.espace.ouvrir_page("instruction.ui.comite.page_seance", "PageSeance", seance_id=ouverte.id)
        qtbot.waitUntil(lambda: page.seance is not None, timeout=15000)
        avant = list(page.seance.membres)
        prevus = list(regles.instance(page.seance.instance).membres)
        assert [mb.qualite for mb in avant] == prevus and len(prevus) >= 4
        page.modifier.click()
        boite = page.dialogue_seance
        qtbot.waitUntil(lambda: boite.isVisible() and boite.isActiveWindow(), timeout=15000)
        capturer(boite, "membres-seance.png", tmp_path)
        table, modele = boite.membres, boite.editeur.modele
        table.setFocus()
        assert (table.currentIndex().row(), table.currentIndex().column()) == (0, 2)  # l'appel commence là

        # L'appel : E (excusé), A (absent), P (présent) — chacun passe au membre suivant.
        for touche in (Qt.Key.Key_E, Qt.Key.Key_A, Qt.Key.Key_P):
            qtbot.keyClick(table, touche)
        assert [l.presence for l in modele.lignes[:3]] == ["excuse", "absent", "present"]
        assert table.currentIndex().row() == 3
        assert boite.editeur.decompte.text() == (f"{len(prevus)} membre(s) : {len(prevus) - 2} présent(s), "
                                                 "1 excusé(s), 1 absent(s)")

        # Suppr retire le membre courant (le 4e), Inser en ajoute un sous le 3e, F2 saisit la personne.
        retire = modele.lignes[3].qualite
        qtbot.keyClick(table, Qt.Key.Key_Delete)
        assert len(modele.lignes) == len(prevus) - 1 and retire not in [l.qualite for l in modele.lignes]
        qtbot.keyClick(table, Qt.Key.Key_Up)
        qtbot.keyClick(table, Qt.Key.Key_Insert)
        editeur = table.viewport().findChild(QLineEdit)
        qtbot.waitUntil(lambda: editeur is not None and editeur.hasFocus(), timeout=5000)
        frapper(editeur, "Conseil départemental du Pas-de-Calais")
        qtbot.keyClick(editeur, Qt.Key.Key_Return)  # la fin de saisie passe par la boucle d'évènements
        qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=5000)
        assert modele.lignes[3].qualite == "Conseil départemental du Pas-de-Calais"
        qtbot.keyClick(table, Qt.Key.Key_Right)
        qtbot.keyClick(table, Qt.Key.Key_F2)
        editeur = QApplication.focusWidget()
        assert isinstance(editeur, QLineEdit)
        frapper(editeur, "Mme Durand")
        qtbot.keyClick(editeur, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=5000)
        # Ctrl+↑ : le nouveau membre monte d'un rang.
        qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
        assert (modele.lignes[2].qualite, modele.lignes[2].nom) == ("Conseil départemental du Pas-de-Calais",
                                                                    "Mme Durand")
        assert table.currentIndex().row() == 2

        # Alt+L : les membres prévus par le contrat qui manquent ; flèche et Entrée rajoutent le membre retiré.
        menu_vu: list[list[str]] = []

        def choisir() -> None:
            menu = QApplication.activePopupWidget()
            if menu is None:
                if not menu_vu:
                    QTimer.singleShot(20, choisir)
                return
            menu_vu.append([a.text() for a in menu.actions()])
            qtbot.keyClick(menu, Qt.Key.Key_Down)
            qtbot.keyClick(menu, Qt.Key.Key_Return)

        # Un raccourci Alt+lettre ne vaut que dans la fenêtre active : on attend qu'elle le soit.
        qtbot.waitUntil(boite.isActiveWindow, timeout=5000)
        QTimer.singleShot(0, choisir)
        try:
            qtbot.keyClick(boite, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # rend la main à la fermeture du menu
            qtbot.waitUntil(lambda: len(modele.lignes) == len(prevus) + 1, timeout=5000)
        finally:
            menu_vu.append([])  # le menu a été vu, ou le test échoue : on cesse de le guetter
        assert menu_vu[0] == [retire]
        assert modele.lignes[-1].qualite == retire and boite.editeur.manquants() == []
        capturer(boite, "membres-seance-saisis.png", tmp_path)

        # Alt+R enregistre ; la page relit la séance ; la base garde présence, nom et ordre.
        boite.activateWindow()  # hors écran, la fermeture du menu ne rend pas la main à la boîte d'elle-même
        qtbot.waitUntil(boite.isActiveWindow, timeout=5000)
        qtbot.keyClick(boite, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: len(page.seance.membres) == len(prevus) + 1, timeout=15000)
        qtbot.waitUntil(lambda: not shiboken6.isValid(boite), timeout=5000)  # fermée (et détruite)
        relue = actions.lire_seance(f.contexte, ouverte.id).membres
        assert [mb.presence for mb in relue[:3]] == ["excuse", "absent", "present"]
        assert (relue[2].qualite, relue[2].nom) == ("Conseil départemental du Pas-de-Calais", "Mme Durand")
        assert relue[-1].qualite == retire
        assert f"{len(prevus) - 1} membre(s) présent(s) sur {len(prevus) + 1}" in page.infos.text()
        # Le dossier de séance les imprime : présent, excusé, absent.
        from openpyxl import load_workbook

        classeur = load_workbook(actions.ecrire_dossier_de_seance(f.contexte, ouverte.id, tmp_path / "ds.xlsx"))
        presences = [ligne[2] for ligne in classeur["Membres"].iter_rows(min_row=2, values_only=True) if ligne[0]]
        assert presences[:3] == ["excusé", "absent", "présent"]
    finally:
        fermer_fenetre(f)


def test_financements_consolides_lisibles_a_1366(qtbot, url_demo, tmp_path):
    from decimal import Decimal

    from instruction.domaine import argent

    f = ouvrir_fenetre(qtbot, url_demo)
    try:
        page = f.espace.ouvrir_page("instruction.ui.comite.financements", "PageFinancementsCampagne")
        qtbot.waitUntil(lambda: page.campagne.count() > 0, timeout=15000)
        page.campagne.setCurrentIndex(page.campagne.findText("Contrat de ville 2023", Qt.MatchFlag.MatchContains))
        choisie = page.campagne.currentData()
        qtbot.waitUntil(lambda: page.vue is not None and page.vue.campagne_id == choisie, timeout=15000)
        vue = page.vue
        assert "Contrat de ville 2023" in vue.libelle
        assert page.table.columnCount() == 8 and page.table.rowCount() == len(vue.lignes)
        # Tout tient dans la largeur d'un portable : pas de défilement horizontal.
        assert not page.table.horizontalScrollBar().isVisible()
        assert not page.totaux.horizontalScrollBar().isVisible()
        # Les totaux, toujours visibles sous le tableau : un partenaire par ligne, puis l'ensemble.
        assert page.totaux.isVisible() and page.totaux.rowCount() == len(vue.financeurs) + 1
        ensemble = sum((f.decide or Decimal(0) for l in vue.lignes for f in l.par_financeur.values()), Decimal(0))
        assert page.totaux.item(page.totaux.rowCount() - 1, 4).text() == argent.formater(ensemble)
        capturer(f, "financements-campagne.png", tmp_path)

        # Un clic sur un partenaire dans les totaux : ses seuls montants.
        code = list(vue.financeurs)[1]
        page.totaux.selectRow(page.codes_totaux.index(code))
        assert page.partenaire.currentData() == code
        assert vue.financeurs[code] in page.table.horizontalHeaderItem(5).text()
        attendu = sum((l.par_financeur[code].decide or Decimal(0) for l in vue.lignes if code in l.par_financeur),
                      Decimal(0))
        assert page.table.rowCount() == sum(1 for l in vue.lignes if code in l.par_financeur)
        assert sum((argent.lire(page.table.item(r, 5).text()) for r in range(page.table.rowCount())
                    if page.table.item(r, 5).text()), Decimal(0)) == attendu
        # Les totaux des autres partenaires ne changent pas avec le partenaire choisi.
        assert page.totaux.item(page.totaux.rowCount() - 1, 4).text() == argent.formater(ensemble)
        capturer(f, "financements-campagne-partenaire.png", tmp_path)
        # Le filtre réduit les lignes et les totaux suivent.
        premiere = page.affichees[0]
        frapper(page.filtre, premiere.numero)
        assert page.table.rowCount() == 1 and "1 retenue(s) par le filtre" in page.titre_totaux.text()
        assert page.totaux.item(page.totaux.rowCount() - 1, 1).text() == "1"
    finally:
        fermer_fenetre(f)


def test_une_lecture_plus_ancienne_que_la_seance_affichee_ne_l_ecrase_pas(qtbot, url_demo):
    """Sous charge, une lecture partie avant une modification peut revenir après elle : la page garde la séance
    la plus récente (sa version), et montre une lecture de même version ou plus récente."""
    from instruction.services.actions import comite as actions
    from instruction.services.contexte import ouvrir
    from instruction.ui.comite.page_seance import PageSeance

    contexte = ouvrir(url_demo)
    try:
        ouverte = next(s for s in actions.lister_seances(contexte) if not s.close)
        ancienne = actions.lire_seance(contexte, ouverte.id)  # lue avant la modification
        page = PageSeance(contexte, ouverte.id)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: page.seance is not None, timeout=15000)
        actions.modifier_seance(contexte, ouverte.id, "Comité modifié entre-temps", ancienne.date, ancienne.lieu,
                                list(ancienne.membres), ancienne.version)
        page.relire()
        qtbot.waitUntil(lambda: page.seance.intitule == "Comité modifié entre-temps", timeout=15000)
        assert page.seance.version > ancienne.version
        page.afficher(ancienne)  # la lecture dépassée revient
        assert page.seance.intitule == "Comité modifié entre-temps" and page.titre.text() == page.seance.intitule
        page.afficher(actions.lire_seance(contexte, ouverte.id))  # même version : elle s'affiche
        assert page.seance.intitule == "Comité modifié entre-temps"
        qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=15000)
    finally:
        contexte.fermer()
