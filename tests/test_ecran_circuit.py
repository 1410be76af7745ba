"""Issue 17, points 1, 2, 3 et 6 à l'écran : refus calmes qui mènent à la correction, passages datés,
proposition de l'instructeur et décision du comité, date de dépôt, formulaire figé et correction.

La vraie fenêtre (1366×768) sur une vraie base ; on attend chaque condition, jamais une durée. Avec
``INSTRUCTION_CAPTURES=<dossier>``, les écrans montrés par l'issue y sont enregistrés (PNG).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QPushButton

from instruction.domaine import dates
from instruction.domaine.etats import Etat
from instruction.services import historique
from instruction.services import instruction as circuit
from instruction.ui import erreurs
from tests import fabrique
from tests.conftest import frapper
from tests.ecrans import attendre_etat, bouton_passage, ok, passer


def capturer(fenetre, dialogue, nom: str) -> None:
    """La fenêtre et la boîte ouverte par-dessus, en une image (si INSTRUCTION_CAPTURES est défini)."""
    dossier = os.environ.get("INSTRUCTION_CAPTURES")
    if not dossier:
        return
    image = fenetre.grab()
    if dialogue is not None:
        peintre = QPainter(image)
        position = dialogue.mapToGlobal(dialogue.rect().topLeft()) - fenetre.mapToGlobal(fenetre.rect().topLeft())
        if position.x() < 0 or position.y() < 0 or position.x() + dialogue.width() > image.width():
            position.setX((image.width() - dialogue.width()) // 2)
            position.setY(max(0, (image.height() - dialogue.height()) // 2))
        peintre.drawPixmap(position, dialogue.grab())
        peintre.end()
    Path(dossier).mkdir(parents=True, exist_ok=True)
    image.save(str(Path(dossier) / f"{nom}.png"))


def _espaces(texte: str) -> str:
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def _attendre_boite(qtbot, section, nom: str = "dialogue"):
    qtbot.waitUntil(lambda: getattr(section, nom, None) is not None and getattr(section, nom).isVisible(),
                    timeout=10000)
    return getattr(section, nom)


def test_terminer_sans_examen_ni_grille_dit_quoi_faire_et_y_mene(qtbot, onglet_instruction):
    f, onglet, identifiant = onglet_instruction
    section = onglet.instruction
    for vers, etat in (("recevable", Etat.RECEVABLE), ("en_instruction", Etat.EN_INSTRUCTION)):
        passer(qtbot, section, vers)
        attendre_etat(qtbot, section, etat)
    avant = len(erreurs._ouverts)
    qtbot.mouseClick(bouton_passage(section, "instruit"), Qt.MouseButton.LeftButton)
    proposition = _attendre_boite(qtbot, section)
    proposition.boutons_sens["reserve"].setChecked(True)
    proposition.commentaire.setPlainText("Public à préciser")
    ok(qtbot, proposition)
    refus = _attendre_boite(qtbot, section, "refus")
    capturer(f, refus, "passage-refuse")
    assert len(erreurs._ouverts) == avant, "un refus prévu n'ouvre pas le dialogue d'erreur"
    assert "L'instruction ne peut pas encore être terminée" in refus.titre.text()
    textes = [point.text() for point in refus.points]
    assert "examen d'éligibilité n'est pas enregistré" in textes[0]
    assert "Grille de cotation égalité femmes hommes" in textes[1] and "l. 2647" in textes[1]
    assert [b.text() for b in refus.boutons] == ["Ouvrir l'assistant", "Aller aux grilles"]
    qtbot.mouseClick(refus.findChild(QPushButton, "aller-grilles"), Qt.MouseButton.LeftButton)
    assert not refus.isVisible() and onglet.onglets.currentWidget() is onglet.grilles
    assert section.donnees.etat == Etat.EN_INSTRUCTION
    # L'autre bouton ouvre l'assistant d'éligibilité.
    onglet.onglets.setCurrentWidget(section)
    qtbot.mouseClick(bouton_passage(section, "instruit"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.dialogue is not proposition and section.dialogue.isVisible(), timeout=10000)
    # Ce qui avait été tapé dans la proposition refusée revient : rien à retaper.
    assert section.dialogue.boutons_sens["reserve"].isChecked()
    assert section.dialogue.commentaire.toPlainText() == "Public à préciser"
    ok(qtbot, section.dialogue)
    qtbot.waitUntil(lambda: section.refus is not refus and section.refus.isVisible(), timeout=10000)
    qtbot.mouseClick(section.refus.findChild(QPushButton, "aller-eligibilite"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(section, "assistant", None) is not None and section.assistant.isVisible(),
                    timeout=10000)
    section.assistant.close()


def test_un_passage_date_dans_le_passe(qtbot, onglet_instruction):
    f, onglet, identifiant = onglet_instruction
    section = onglet.instruction
    qtbot.mouseClick(bouton_passage(section, "recevable"), Qt.MouseButton.LeftButton)
    dialogue = _attendre_boite(qtbot, section)
    assert dialogue.date.text() == dates.formater(dt.date.today())  # aujourd'hui par défaut
    dialogue.date.setText(dates.formater(dt.date.today() + dt.timedelta(days=2)))
    ok(qtbot, dialogue)
    assert dialogue.isVisible() and "dans le futur" in dialogue.erreur.text()
    # Avant le dépôt : la boîte se ferme, le service refuse calmement.
    dialogue.date.setText(dates.formater(dt.date.today() - dt.timedelta(days=3)))
    ok(qtbot, dialogue)
    refus = _attendre_boite(qtbot, section, "refus")
    assert "précède le dépôt du dossier" in refus.titre.text() and not refus.boutons
    refus.close()
    # Le dossier a été déposé il y a dix jours : un passage daté d'avant-hier est accepté.
    with f.contexte.unite() as uow:
        from instruction.services import dossier as service_dossier

        fiche = service_dossier.lire(uow, identifiant)
        from dataclasses import replace

        service_dossier.enregistrer(uow, identifiant, replace(fiche.donnees,
                                                              depose_le=dt.date.today() - dt.timedelta(days=10)))
        uow.valider()
    section.relire()
    qtbot.waitUntil(lambda: section.historique.item(0, 0).text() == dates.formater(
        dt.date.today() - dt.timedelta(days=10)), timeout=10000)
    avant_hier = dt.date.today() - dt.timedelta(days=2)
    qtbot.mouseClick(bouton_passage(section, "recevable"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.dialogue is not dialogue and section.dialogue.isVisible(), timeout=10000)
    section.dialogue.date.setText(dates.formater(avant_hier))
    ok(qtbot, section.dialogue)
    attendre_etat(qtbot, section, Etat.RECEVABLE)
    assert f"depuis le {dates.formater(avant_hier)} (2 jours)" in section.etat.text()
    assert section.historique.item(0, 0).text() == dates.formater(avant_hier)
    assert section.historique.item(0, 0).toolTip().startswith(f"Saisi le {dates.formater(dt.date.today())}")


def test_proposition_puis_decision_du_comite(qtbot, onglet_instruction):
    from instruction.services import avis

    f, onglet, identifiant = onglet_instruction
    section = onglet.instruction
    contexte = f.contexte
    with contexte.unite() as uow:
        etat_pv = next(x for x in avis.destinataires(uow, identifiant) if x.financeur == "etat-pv")
        (demande,) = avis.demander(uow, identifiant, [etat_pv], dt.date.today() + dt.timedelta(days=10))
        avis.donner(uow, demande, avis.SaisieAvis("favorable", "Utile", montants={"etat-pv": "1 600"}))
        uow.valider()
    for vers, etat in (("recevable", Etat.RECEVABLE), ("en_instruction", Etat.EN_INSTRUCTION)):
        passer(qtbot, section, vers)
        attendre_etat(qtbot, section, etat)
    from tests.test_gel_et_dates import _examiner

    _examiner(contexte, identifiant)
    fabrique.coter_egalite(contexte, identifiant)
    section.relire()
    qtbot.waitUntil(lambda: section.donnees.examen is not None, timeout=10000)

    qtbot.mouseClick(bouton_passage(section, "instruit"), Qt.MouseButton.LeftButton)
    dialogue = _attendre_boite(qtbot, section)
    assert _espaces(dialogue.champs["etat-pv"].text()) == "1 600,00"  # d'après l'avis
    assert _espaces(dialogue.champs["ville-calais"].text()) == "1 500,00"  # la demande
    assert "3 100,00" in _espaces(dialogue.total.text())
    qtbot.mouseClick(dialogue.boutons_sens["reserve"], Qt.MouseButton.LeftButton)
    capturer(f, dialogue, "proposition")
    ok(qtbot, dialogue)
    assert dialogue.isVisible() and "dit pourquoi" in dialogue.erreur.text()
    frapper(dialogue.commentaire, "Budget de communication à resserrer")
    ok(qtbot, dialogue)
    attendre_etat(qtbot, section, Etat.INSTRUIT)
    assert "Proposition de l'instructeur : <b>Réservé</b>" in section.proposition.text()
    assert "Budget de communication à resserrer" in section.proposition.text()
    assert _espaces(section.financements.item(0, 2).text()) == "1 600,00 €"

    # Le comité : ses montants sont pré-remplis par la proposition ; moins que demandé → budget ajusté.
    qtbot.mouseClick(bouton_passage(section, "retenu"), Qt.MouseButton.LeftButton)
    comite = _attendre_boite(qtbot, section)
    assert _espaces(comite.champs["etat-pv"].text()) == "1 600,00"
    assert "budget ajusté" in comite.alerte.text()
    seance = dt.date.today() - dt.timedelta(days=0)
    comite.date.setText(dates.formater(seance))
    ok(qtbot, comite)
    attendre_etat(qtbot, section, Etat.RETENU)
    texte = section.proposition.text()
    assert f"Décision du comité des financeurs : <b style='color:#1b6e20'>Retenu</b> (séance du " \
           f"{dates.formater(seance)})" in texte
    assert "le porteur doit envoyer un budget ajusté" in texte
    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
    assert {f_.financeur: f_.accorde for f_ in etat.financements} == {"etat-pv": Decimal("1600.00"),
                                                                       "ville-calais": Decimal("1500.00")}
    assert etat.proposition.sens == "reserve"


def test_le_formulaire_d_un_dossier_retenu_est_fige_et_se_corrige_avec_une_raison(qtbot, dossier_en_base):
    from tests.conftest import fermer_fenetre, ouvrir_fenetre
    from tests.test_gel_et_dates import CHEMINS, _examiner
    from instruction.services.contexte import ouvrir

    url, identifiant = dossier_en_base
    contexte = ouvrir(url)
    for vers, motif in CHEMINS[Etat.RETENU]:
        if vers == Etat.INSTRUIT:
            _examiner(contexte, identifiant)
            fabrique.coter_egalite(contexte, identifiant)
        with contexte.unite() as uow:
            circuit.changer_etat(uow, identifiant, vers, motif)
            uow.valider()
    contexte.fermer()
    f = ouvrir_fenetre(qtbot, url)
    try:
        f.espace.ouvrir_dossier(identifiant)
        qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
        onglet = f.onglets.currentWidget()
        bandeau = onglet.bandeau_gel
        qtbot.waitUntil(bandeau.isVisible, timeout=10000)
        assert "Dossier figé" in bandeau.texte.text() and "Reprendre l'instruction" in bandeau.texte.text()
        assert onglet.action.intitule.isReadOnly() and onglet.calendrier.debut.isReadOnly()
        assert not onglet.action.campagne.isEnabled()
        assert onglet.action.depose_le.isReadOnly()
        assert not onglet.action.filtre_objectifs.isReadOnly()  # la liste des objectifs se parcourt encore
        capturer(f, None, "dossier-fige")
        # Corriger une faute de frappe : la raison d'abord, puis seuls les textes s'ouvrent.
        qtbot.mouseClick(bandeau.bouton, Qt.MouseButton.LeftButton)
        boite = onglet.dialogue_correction
        qtbot.waitUntil(boite.isVisible, timeout=10000)
        ok(qtbot, boite)
        assert boite.isVisible() and "Indiquez la raison" in boite.erreur.text()
        frapper(boite.raison, "Coquille dans l'intitulé")
        ok(qtbot, boite)
        qtbot.waitUntil(lambda: not onglet.action.intitule.isReadOnly(), timeout=10000)
        assert onglet.calendrier.debut.isReadOnly() and not onglet.action.campagne.isEnabled()
        assert "Correction en cours" in bandeau.texte.text()
        onglet.action.intitule.setText("Jardin partagé des Fontinettes à Calais")
        qtbot.keyClick(onglet, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: onglet.fiche.donnees.intitule == "Jardin partagé des Fontinettes à Calais",
                        timeout=15000)
        qtbot.waitUntil(lambda: onglet.action.intitule.isReadOnly() and "Dossier figé" in bandeau.texte.text(),
                        timeout=10000)
        with f.contexte.unite() as uow:
            entrees = historique.du_dossier(uow, identifiant)
        assert ("Raison de la correction", "Coquille dans l'intitulé") in [(e.champ, e.nouveau) for e in entrees]
    finally:
        fermer_fenetre(f)


def test_la_date_de_depot_d_un_nouveau_dossier(qtbot, dossier_en_base):
    from tests.conftest import fermer_fenetre, ouvrir_fenetre

    url, _identifiant = dossier_en_base
    f = ouvrir_fenetre(qtbot, url)
    try:
        qtbot.keyClick(f, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
        onglet = f.onglets.currentWidget()
        assert onglet.action.depose_le.text() == dates.formater(dt.date.today())
        assert not onglet.bandeau_gel.isVisible()
        onglet.action.depose_le.setText(dates.formater(dt.date.today() + dt.timedelta(days=1)))
        assert onglet.valider() is None
        erreur = onglet.action.formulaire.etiquettes["depose_le"]
        assert erreur.isVisible() and "futur" in erreur.text()
    finally:
        fermer_fenetre(f)


def test_un_refus_prevu_n_est_pas_montre_comme_une_panne(qtbot):
    from instruction.domaine.erreurs import DonneesInvalides
    from instruction.domaine.gel import verifier_retrait_piece

    try:
        verifier_retrait_piece(Etat.CONVENTIONNE, False, "Statuts.pdf")
    except DonneesInvalides as refus:
        dialogue = erreurs.montrer(refus, "")
    qtbot.waitUntil(dialogue.isVisible, timeout=5000)
    assert dialogue.refus and dialogue.windowTitle() == "Instruction — Action refusée"
    assert "avenant" in dialogue.texte.text() and not dialogue.detail.isVisible()
    assert "Journal" not in " ".join(w.text() for w in dialogue.findChildren(type(dialogue.texte)))
    dialogue.close()
    panne = erreurs.montrer(ZeroDivisionError("division par zéro"), "Traceback …")
    qtbot.waitUntil(panne.isVisible, timeout=5000)
    assert not panne.refus and panne.windowTitle() == "Instruction — Erreur" and panne.detail.isVisible()
    panne.close()
