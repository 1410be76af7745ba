"""L'instruction dans la vraie fenêtre : circuit, compléments, assistant d'éligibilité, fiche PDF,
réglages. Seules les boîtes du système (choix de fichier, ouverture d'un PDF) sont remplacées."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QFileDialog

from instruction.domaine import dates
from instruction.domaine import eligibilite as el
from instruction.domaine.etats import Etat
from instruction.services import examen as service_examen
from instruction.ui import erreurs
from tests.conftest import frapper
from tests.ecrans import attendre_etat as _attendre_etat
from tests.ecrans import bouton_passage as _bouton_passage
from tests.ecrans import ok as _ok
from tests.ecrans import passer as _passer


def test_circuit_et_complements_au_clic(qtbot, onglet_instruction):
    f, onglet, identifiant = onglet_instruction
    section = onglet.instruction
    assert "Déposé" in section.etat.text()
    assert "Les 16 points sont respectés" in section.resume_recevabilite.text()
    assert section.historique.rowCount() == 1

    # Demander des compléments : le motif est obligatoire, la boîte reste ouverte avec la saisie.
    qtbot.mouseClick(_bouton_passage(section, "incomplet"), Qt.MouseButton.LeftButton)
    dialogue = section.dialogue
    qtbot.waitUntil(dialogue.isVisible)
    _ok(qtbot, dialogue)
    assert dialogue.isVisible() and "Indiquez les compléments" in dialogue.erreur.text()
    frapper(dialogue.motif, "RIB au nom de l'association")
    dialogue.echeance.setText("")
    frapper(dialogue.echeance, "01/01/2020")
    _ok(qtbot, dialogue)
    assert dialogue.isVisible() and "déjà passée" in dialogue.erreur.text()
    dialogue.echeance.setText(dates.formater(dt.date.today() + dt.timedelta(days=10)))
    _ok(qtbot, dialogue)
    _attendre_etat(qtbot, section, Etat.INCOMPLET)
    assert section.complements.rowCount() == 1
    assert section.complements.item(0, 1).text() == "RIB au nom de l'association"
    assert section.complements.item(0, 3).text() == "attendus"
    qtbot.waitUntil(lambda: "Incomplet" in onglet.etat.text(), timeout=10000)  # l'en-tête suit

    # Déclarer recevable avant la réception : refusé calmement, avec la raison (pas le dialogue d'erreur).
    avant = len(erreurs._ouverts)
    _passer(qtbot, section, "recevable")
    qtbot.waitUntil(lambda: getattr(section, "refus", None) is not None and section.refus.isVisible(), timeout=10000)
    assert "ne sont pas encore reçus : RIB au nom de l'association" in section.refus.points[0].text()
    assert len(erreurs._ouverts) == avant
    section.refus.close()
    assert section.donnees.etat == Etat.INCOMPLET

    # Compléments reçus : une date impossible est refusée dans la boîte.
    section.complements.selectRow(0)
    assert section.bouton_recus.isEnabled()
    qtbot.mouseClick(section.bouton_recus, Qt.MouseButton.LeftButton)
    reception = section.dialogue
    qtbot.waitUntil(reception.isVisible)
    reception.date.setText("31/02/2027")
    _ok(qtbot, reception)
    assert reception.isVisible() and "n'est pas une date" in reception.erreur.text()
    reception.date.setText(dates.formater(dt.date.today()))
    frapper(reception.commentaire, "Reçu par courriel")
    _ok(qtbot, reception)
    qtbot.waitUntil(lambda: section.complements.item(0, 3).text() == dates.formater(dt.date.today()), timeout=10000)

    _passer(qtbot, section, "recevable")
    _attendre_etat(qtbot, section, Etat.RECEVABLE)
    _passer(qtbot, section, "en_instruction")
    _attendre_etat(qtbot, section, Etat.EN_INSTRUCTION)
    assert [section.historique.item(r, 1).text() for r in range(section.historique.rowCount())] == [
        "Recevable → En instruction", "Incomplet → Recevable", "Déposé → Incomplet", "Déposé"]
    # La liste des dossiers montre le nouvel état.
    modele = f.page_dossiers.modele
    qtbot.waitUntil(lambda: any(modele._lignes[r].etat == Etat.EN_INSTRUCTION for r in range(modele.rowCount())),
                    timeout=10000)


def test_assistant_d_eligibilite_de_bout_en_bout(qtbot, onglet_instruction):
    f, onglet, identifiant = onglet_instruction
    section = onglet.instruction
    for vers, etat in (("recevable", Etat.RECEVABLE), ("en_instruction", Etat.EN_INSTRUCTION)):
        _passer(qtbot, section, vers)
        _attendre_etat(qtbot, section, etat)
    assert "Pas encore examiné" in section.verdict.text()

    qtbot.mouseClick(section.bouton_assistant, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(section, "assistant", None) is not None and section.assistant.isVisible(),
                    timeout=10000)
    assistant = section.assistant
    assert len(assistant.pages) == 12 and assistant.etapes.count() == 13
    premiere = assistant.pages[0]
    assert premiere.evalue.code == "cdv-hors-temps-scolaire" and premiere.automatique == el.RESPECTE
    assert "hors temps scolaire" in premiere.explication.text()
    assert not assistant.enregistrer.isEnabled()

    # Pages 1 à 3 : confirmer le résultat calculé (la troisième, un choix local, est marquée comme tel).
    qtbot.mouseClick(assistant.suivant, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(assistant.suivant, Qt.MouseButton.LeftButton)
    assert "Choix local" in assistant.page_courante.marques.text() and "choix local" in assistant.etapes.item(2).text()
    qtbot.mouseClick(assistant.suivant, Qt.MouseButton.LeftButton)
    page = assistant.page_courante
    assert page.evalue.code == "cdv-porteur-eligible"
    # Retenir un autre résultat sans commentaire : refusé, on reste sur la page.
    qtbot.mouseClick(page.changer, Qt.MouseButton.LeftButton)
    page.autre.setCurrentIndex(page.autre.findData(el.NON_RESPECTE))
    qtbot.mouseClick(assistant.suivant, Qt.MouseButton.LeftButton)
    assert assistant.page_courante is page
    assert "expliquez pourquoi" in page.erreur.text()
    assert assistant.etapes.item(3).text().startswith("✘")  # la liste des étapes montre la décision
    frapper(page.commentaire, "Statuts non déposés en préfecture")
    qtbot.mouseClick(assistant.suivant, Qt.MouseButton.LeftButton)
    assert assistant.page_courante is assistant.pages[4]
    while assistant.page_courante is not None:
        qtbot.mouseClick(assistant.suivant, Qt.MouseButton.LeftButton)
    assert "Non éligible" in assistant.synthese.verdict.text()
    assert assistant.synthese.table.item(3, 2).text() == "Non respecté (modifié)"
    frapper(assistant.synthese.commentaire, "À représenter l'an prochain.")
    qtbot.mouseClick(assistant.enregistrer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not assistant.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: "Non éligible" in section.verdict.text(), timeout=10000)
    assert section.criteres.rowCount() == 12
    assert section.criteres.item(3, 2).text() == "Statuts non déposés en préfecture"

    with f.contexte.unite() as uow:
        examen = service_examen.dernier_examen(uow, identifiant)
    assert examen.verdict == el.NON_ELIGIBLE and examen.commentaire == "À représenter l'an prochain."
    decision = next(c for c in examen.criteres if c.critere == "cdv-porteur-eligible")
    assert (decision.statut_auto, decision.statut, decision.commentaire) == (
        el.RESPECTE, el.NON_RESPECTE, "Statuts non déposés en préfecture")

    # Proposition au comité (la grille égalité cotée, l. 2647), puis refus : le motif est exigé dans la boîte.
    from tests import fabrique

    fabrique.coter_egalite(f.contexte, identifiant)
    _passer(qtbot, section, "instruit")  # la proposition, favorable aux montants demandés
    _attendre_etat(qtbot, section, Etat.INSTRUIT)
    assert not section.bouton_assistant.isEnabled()
    qtbot.mouseClick(_bouton_passage(section, "refuse"), Qt.MouseButton.LeftButton)
    dialogue = section.dialogue
    qtbot.waitUntil(dialogue.isVisible)
    _ok(qtbot, dialogue)
    assert dialogue.isVisible() and "motif est obligatoire" in dialogue.erreur.text()
    frapper(dialogue.motif, "Porteur non éligible (statuts)")
    _ok(qtbot, dialogue)
    _attendre_etat(qtbot, section, Etat.REFUSE)
    assert "État final" in section.passages.findChild(type(section.etat)).text()
    assert section.historique.item(0, 3).text() == "Porteur non éligible (statuts)"


def test_modifications_en_cours_empechent_d_agir(qtbot, onglet_instruction, monkeypatch):
    f, onglet, identifiant = onglet_instruction
    section = onglet.instruction
    onglet.action.intitule.setText("Jardin partagé (modifié)")
    assert onglet.modifie
    prevenu = []
    monkeypatch.setattr("instruction.ui.dossier.onglet.QMessageBox.information", lambda *a: prevenu.append(a[2]))
    qtbot.mouseClick(_bouton_passage(section, "recevable"), Qt.MouseButton.LeftButton)
    assert prevenu and "enregistrez-les d'abord" in prevenu[0]
    QThreadPool.globalInstance().waitForDone(5000)
    assert section.donnees.etat == Etat.DEPOSE


def test_fiche_d_instruction_imprimee_depuis_le_dossier(qtbot, onglet_instruction, monkeypatch, tmp_path):
    from pypdf import PdfReader

    f, onglet, identifiant = onglet_instruction
    cible = tmp_path / "fiche"  # sans extension : « .pdf » est ajouté
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(cible), ""))
    ouverts = []
    monkeypatch.setattr("instruction.ui.dossier.fiche_du_dossier.QDesktopServices.openUrl",
                        lambda url: ouverts.append(url.toLocalFile()) or True)
    qtbot.mouseClick(onglet.instruction.bouton_fiche, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ouverts), timeout=15000)
    assert ouverts == [str(tmp_path / "fiche.pdf")]
    texte = " ".join(" ".join(p.extract_text() for p in PdfReader(ouverts[0]).pages).split())
    assert "CDV-2027-001" in texte and "L'examen d'éligibilité n'a pas encore été fait" in texte


def test_reglages_de_l_instruction(qtbot, onglet_instruction):
    f, onglet, identifiant = onglet_instruction
    f.regler_instruction()
    qtbot.waitUntil(lambda: getattr(f, "dialogue_reglages", None) is not None and f.dialogue_reglages.isVisible(),
                    timeout=10000)
    dialogue = f.dialogue_reglages
    champ = dialogue.champs["critere.cdv-beneficiaires-qpv.seuil"]
    assert champ.text() == "50"
    champ.setText("150")
    _ok(qtbot, dialogue)
    qtbot.waitUntil(lambda: "ne dépasse pas 100" in dialogue.erreur.text(), timeout=10000)
    assert dialogue.isVisible() and champ.text() == "150", "la saisie est gardée"
    champ.setText("80")
    _ok(qtbot, dialogue)
    qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
    with f.contexte.unite() as uow:
        assert service_examen.reglages(uow) == {"critere.cdv-beneficiaires-qpv.seuil": "80"}
