"""Issue 11 (points 1 à 3) : décider les montants d'un dossier, enveloppes sous les yeux (pytest-qt, démonstration).

La boîte « Retenu par le comité… » et la boîte « Montants accordés… » de la section Instruction montrent, pour
chaque cofinanceur du dossier, l'enveloppe, ce qui est accordé aux autres dossiers, ce dossier et le reste après
cette décision, recalculé à chaque frappe (enveloppes par axe comprises). Un montant au-delà de la demande fait
paraître la justification (exigée, gardée à l'historique) ; l'enveloppe dépassée est refusée par le service,
chiffres à l'appui, dans la boîte, qui garde tout ce qui a été tapé. Capture de la boîte à 1366 × 768.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QThreadPool

from instruction.domaine.etats import Etat
from instruction.ui import erreurs
from tests.captures import capturer
from tests.conftest import frapper
from tests.ecrans import attendre_etat, bouton_passage, ok

NUMERO = "CDV-2027-001"  # instruit ; demande État PV 14 081, Ville 14 791, CAF 11 071, Département 1 185, Autres 5 449


def _sans_espaces(texte: str) -> str:
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def _euros(n: int) -> str:
    return f"{n:,} €".replace(",", " ")


@pytest.fixture
def section(qtbot, url_demo):
    """La section Instruction de CDV-2027-001 (démonstration : enveloppes 2027 reconduites de 2023), avec une
    enveloppe État PV pour l'axe « épanouis » (celui du dossier) et une pour l'axe « actifs » (pas le sien)."""
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.services.actions import programmation as actions
    from instruction.services.contexte import ouvrir
    from instruction.ui.dossier.section_instruction import SectionInstruction

    contexte = ouvrir(url_demo)
    actions.fixer_enveloppe(contexte, "etat-pv", 2027, "cdv", Decimal("40000"), axe="epanouis")
    actions.fixer_enveloppe(contexte, "etat-pv", 2027, "cdv", Decimal("45000"), axe="actifs")
    with contexte.unite(lecture=True) as uow:
        dossier_id = uow.session.scalar(select(m.Dossier.id).where(m.Dossier.numero == NUMERO))
    section = SectionInstruction(contexte, lambda _quoi: True)
    qtbot.addWidget(section)
    section.resize(1366, 768)
    section.show()
    section.charger(dossier_id, NUMERO)
    attendre_etat(qtbot, section, Etat.INSTRUIT)
    yield section, contexte, dossier_id
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=20000)
    contexte.fermer()


def _ouvrir(qtbot, section, bouton):
    avant = getattr(section, "dialogue", None)
    qtbot.mouseClick(bouton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(section, "dialogue", None) is not avant and section.dialogue.isVisible(),
                    timeout=10000)
    dialogue = section.dialogue
    qtbot.waitUntil(lambda: ("departement", "Reste à programmer") in dialogue.bandeau.cases
                    and dialogue.bandeau.cases[("departement", "Reste à programmer")].isVisible(), timeout=10000)
    return dialogue


def _case(dialogue, cle: str, ligne: str = "Reste à programmer") -> str:
    return _sans_espaces(dialogue.bandeau.cases[(cle, ligne)].text())


def _remplacer(champ, texte: str) -> None:
    champ.selectAll()
    frapper(champ, texte)


def _accordes(contexte, dossier_id) -> dict[str, Decimal]:
    from instruction.services import montants_accordes

    with contexte.unite(lecture=True) as uow:
        return {f.financeur: f.accorde for f in montants_accordes.financements(uow, dossier_id)
                if f.accorde is not None}


def _historique(contexte, dossier_id) -> list:
    from instruction.services import historique

    with contexte.unite(lecture=True) as uow:
        return historique.du_dossier(uow, dossier_id)


def test_retenu_enveloppes_a_chaque_frappe_justification_et_refus_dans_la_boite(qtbot, section, tmp_path):
    section, contexte, dossier_id = section
    dialogue = _ouvrir(qtbot, section, bouton_passage(section, "retenu"))
    # Les cofinanceurs du dossier seulement, et l'enveloppe d'axe du dossier (pas celle d'un autre axe).
    cles = {(s.financeur, s.axe) for s in dialogue.bandeau.situations}
    assert cles == {("etat-pv", None), ("ville-calais", None), ("caf", None), ("departement", None),
                    ("etat-pv", "Des quartiers épanouis")}
    assert "Sans enveloppe (pas de limite) : Autres." in dialogue.titre_enveloppes.text()  # pas de colonne
    assert dialogue.bandeau.isVisible() and not dialogue.zone_justification.isVisible()
    # Département : enveloppe 12 715, rien d'accordé ailleurs en 2027, 1 185 pré-remplis (la demande).
    assert _sans_espaces(dialogue.champs["departement"].text()) == "1 185,00"
    assert _case(dialogue, "departement", "Enveloppe") == "12 715 €"
    assert _case(dialogue, "departement", "Décidé") == "0 €"
    assert _case(dialogue, "departement", "Scénario") == "1 185 €"
    assert _case(dialogue, "departement") == "11 530 €"
    # Axe « épanouis » : 40 000 ; le dossier y prend ce qu'il reçoit de l'État PV.
    etat_pv = Decimal(_sans_espaces(dialogue.champs["etat-pv"].text()).replace(" ", "").replace(",", "."))
    assert _case(dialogue, "etat-pv:Des quartiers épanouis") == _euros(int(Decimal(40000) - etat_pv))

    # À chaque frappe : le reste après cette décision, la justification quand on dépasse la demande.
    _remplacer(dialogue.champs["departement"], "13 000")
    assert _case(dialogue, "departement", "Scénario") == "13 000 €"
    assert _case(dialogue, "departement") == "-285 €"
    assert "#b00020" in dialogue.bandeau.cases[("departement", "Reste à programmer")].styleSheet()
    assert dialogue.zone_justification.isVisible()
    assert "13 000,00 € pour 1 185,00 € demandés" in _sans_espaces(dialogue.explication_justification.text())
    assert dialogue.alerte_enveloppes.isVisible()
    alerte = _sans_espaces(dialogue.alerte_enveloppes.text())
    assert "Enveloppe dépassée" in alerte and "enveloppe de 12 715,00 €" in alerte and "dépasseraient de 285,00 €" in alerte
    _remplacer(dialogue.champs["etat-pv"], "30 000")  # au-delà de la demande (14 081) et sous l'axe (40 000)
    assert _case(dialogue, "etat-pv:Des quartiers épanouis") == "10 000 €"
    assert "État – politique de la ville : 30 000,00 € pour 14 081,00 € demandés" in \
        _sans_espaces(dialogue.explication_justification.text())
    # La boîte grandit pour ses textes repliés (rien de tassé) et tient dans un écran de 1366 × 768.
    explication = dialogue.explication_justification
    qtbot.waitUntil(lambda: explication.height() >= explication.heightForWidth(explication.width()), timeout=5000)
    assert dialogue.height() <= 730 and dialogue.width() <= 1366
    capturer(dialogue, "decision-retenu.png", tmp_path)

    # Sans justification : la boîte le dit, rien ne part.
    ok(qtbot, dialogue)
    assert dialogue.isVisible() and "écrivez la justification" in dialogue.erreur.text()
    frapper(dialogue.justification, "Le comité finance aussi le volet été")
    frapper(dialogue.motif, "Comité du 12 mars")
    # Les financements publics dépasseraient le coût de l'action (64 880) : refusé dans la boîte, chiffré.
    avant = len(erreurs._ouverts)
    ok(qtbot, dialogue)
    qtbot.waitUntil(dialogue.refus.isVisible, timeout=10000)
    assert "Les financements publics décidés (68 862,00 €) dépassent le coût de l'action (64 880,00 €) de " \
           "3 982,00 €." in _sans_espaces(dialogue.refus.text())
    # L'enveloppe du Département serait dépassée : le service refuse, chiffres à l'appui, dans la boîte.
    _remplacer(dialogue.champs["etat-pv"], "20 000")
    ok(qtbot, dialogue)
    qtbot.waitUntil(lambda: "Enveloppe" in dialogue.refus.text(), timeout=10000)
    refus = _sans_espaces(dialogue.refus.text())
    assert "Enveloppe dépassée : la décision est refusée." in refus
    assert "Département (cdv 2027) : enveloppe de 12 715,00 €, déjà 0,00 € décidés ; 13 000,00 € de plus la " \
           "dépasseraient de 285,00 €" in refus
    assert "vos montants sont gardés" in refus
    assert not dialogue.alerte_enveloppes.isVisible()  # le refus chiffré tient lieu d'alerte
    qtbot.waitUntil(lambda: dialogue.refus.height() >= dialogue.refus.heightForWidth(dialogue.refus.width()),
                    timeout=5000)
    assert dialogue.height() <= 730
    capturer(dialogue, "decision-refusee.png", tmp_path)
    assert len(erreurs._ouverts) == avant and dialogue.isVisible()
    assert dialogue.boutons.button(dialogue.boutons.StandardButton.Ok).isEnabled()
    assert _sans_espaces(dialogue.champs["departement"].text()) == "13 000"
    assert dialogue.justification.toPlainText() == "Le comité finance aussi le volet été"
    assert dialogue.motif.toPlainText() == "Comité du 12 mars"
    assert section.donnees.etat == Etat.INSTRUIT and _accordes(contexte, dossier_id) == {}

    # Revenir à la demande du Département : plus d'alerte ; la justification (toujours utile pour l'État PV)
    # reste, avec ce qui y a été tapé ; elle se cache quand plus rien ne dépasse, sans rien perdre.
    _remplacer(dialogue.champs["departement"], "1 000")
    assert not dialogue.alerte_enveloppes.isVisible() and dialogue.zone_justification.isVisible()
    _remplacer(dialogue.champs["etat-pv"], "14 081")
    assert not dialogue.zone_justification.isVisible()
    assert dialogue.justification.toPlainText() == "Le comité finance aussi le volet été"
    _remplacer(dialogue.champs["etat-pv"], "15 000")
    assert dialogue.zone_justification.isVisible()
    ok(qtbot, dialogue)
    attendre_etat(qtbot, section, Etat.RETENU)
    qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
    accordes = _accordes(contexte, dossier_id)
    assert accordes["etat-pv"] == Decimal("15000.00") and accordes["departement"] == Decimal("1000.00")
    justifications = [e for e in _historique(contexte, dossier_id)
                      if e.champ == "Justification du dépassement de la demande"]
    assert [e.nouveau for e in justifications] == ["Le comité finance aussi le volet été"]


def test_correction_des_montants_accordes_reste_apres_et_refus_garde_la_saisie(qtbot, section, tmp_path):
    from instruction.services.actions import instruction as actions

    section, contexte, dossier_id = section
    demandes = {f.financeur: f.demande for f in section.donnees.financements}
    actions.changer_etat(contexte, dossier_id, Etat.RETENU, "Comité", montants=demandes)
    section.relire()
    attendre_etat(qtbot, section, Etat.RETENU)
    qtbot.waitUntil(section.bouton_montants.isEnabled, timeout=10000)
    dialogue = _ouvrir(qtbot, section, section.bouton_montants)
    # Les montants déjà accordés au dossier ne comptent pas deux fois : « autres dossiers » les exclut.
    assert _case(dialogue, "departement", "Décidé") == "0 €"
    assert _case(dialogue, "departement", "Scénario") == "1 185 €"
    assert _case(dialogue, "departement") == "11 530 €"
    assert _case(dialogue, "etat-pv:Des quartiers épanouis") == _euros(40000 - 14081)
    _remplacer(dialogue.champs["ville-calais"], "0")  # (le total public reste sous le coût de l'action)
    _remplacer(dialogue.champs["caf"], "0")
    _remplacer(dialogue.champs["etat-pv"], "45 000")
    assert _case(dialogue, "etat-pv:Des quartiers épanouis") == "-5 000 €"
    assert _case(dialogue, "etat-pv") == _euros(582497 - 45000)
    frapper(dialogue.justification, "Extension au quartier voisin")
    ok(qtbot, dialogue)
    qtbot.waitUntil(dialogue.refus.isVisible, timeout=10000)
    refus = _sans_espaces(dialogue.refus.text())
    assert "(axe Des quartiers épanouis) : enveloppe de 40 000,00 €, déjà 14 081,00 € décidés ; 30 919,00 € de " \
           "plus la dépasseraient de 5 000,00 €." in refus
    assert "Un administrateur peut relever l'enveloppe" in refus
    assert dialogue.isVisible() and _sans_espaces(dialogue.champs["etat-pv"].text()) == "45 000"
    assert dialogue.champs["caf"].text() == "0" and dialogue.justification.toPlainText() == "Extension au quartier voisin"
    assert _accordes(contexte, dossier_id)["etat-pv"] == Decimal("14081.00")
    _remplacer(dialogue.champs["etat-pv"], "16 000")
    ok(qtbot, dialogue)
    qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: _accordes(contexte, dossier_id)["etat-pv"] == Decimal("16000.00"), timeout=10000)
    assert [e.nouveau for e in _historique(contexte, dossier_id)
            if e.champ == "Justification du dépassement de la demande"] == ["Extension au quartier voisin"]
