"""Issue 17, point 3 : la proposition de l'instructeur est enregistrée, pré-remplit la décision du comité,
et la fiche d'instruction imprime proposition et décision (jamais de cases vides sur un dossier décidé).

Sur SQLite et PostgreSQL (fixture ``contexte``) ; la fiche est relue dans le PDF écrit (pypdf).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from instruction.domaine import dates
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import avis
from instruction.services import historique
from instruction.services import instruction as circuit
from instruction.services import montants_accordes
from instruction.services.instruction import PropositionSaisie
from tests import fabrique
from tests.test_gel_et_dates import _examiner


def _instruire(contexte) -> int:
    """Un dossier déposé il y a trente jours, recevable et en instruction depuis, examiné et coté."""
    depot = aujourd_hui() - dt.timedelta(days=30)

    def dater(saisie):
        saisie.depose_le = dates.formater(depot)

    identifiant = fabrique.dossier(contexte, modifier=dater)
    for rang, vers in enumerate((Etat.RECEVABLE, Etat.EN_INSTRUCTION), start=1):
        with contexte.unite() as uow:
            circuit.changer_etat(uow, identifiant, vers, le=depot + dt.timedelta(days=rang))
            uow.valider()
    _examiner(contexte, identifiant)
    fabrique.coter_egalite(contexte, identifiant)
    return identifiant


def _avis_de_l_etat(contexte, dossier_id, montant: str) -> None:
    """L'État (cofinanceur) donne un avis favorable qui propose ``montant``."""
    with contexte.unite() as uow:
        etat_pv = next(x for x in avis.destinataires(uow, dossier_id) if x.financeur == "etat-pv")
        (demande,) = avis.demander(uow, dossier_id, [etat_pv], aujourd_hui() + dt.timedelta(days=10))
        avis.donner(uow, demande, avis.SaisieAvis("favorable", "Action utile", montants={"etat-pv": montant}))
        uow.valider()


def test_les_montants_a_proposer_viennent_des_avis_sinon_de_la_demande(contexte):
    identifiant = _instruire(contexte)
    with contexte.unite() as uow:
        assert montants_accordes.montants_pre_remplis(uow, identifiant) == {
            "etat-pv": (Decimal("2000.00"), "demande"), "ville-calais": (Decimal("1500.00"), "demande")}
    _avis_de_l_etat(contexte, identifiant, "1 600")
    with contexte.unite() as uow:
        assert montants_accordes.montants_pre_remplis(uow, identifiant) == {
            "etat-pv": (Decimal("1600.00"), "avis"), "ville-calais": (Decimal("1500.00"), "demande")}


def test_terminer_l_instruction_enregistre_la_proposition(contexte):
    identifiant = _instruire(contexte)
    fin = aujourd_hui() - dt.timedelta(days=1)
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="réservée ou défavorable dit pourquoi"):
            circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, proposition=PropositionSaisie(
                "reserve", {"etat-pv": Decimal("1500")}))
        with pytest.raises(DonneesInvalides, match="Financeur inconnu : inconnu"):
            circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, proposition=PropositionSaisie(
                "favorable", {"inconnu": Decimal("1500")}))
    with contexte.unite() as uow:
        assert circuit.lire(uow, identifiant).etat == Etat.EN_INSTRUCTION  # les refus n'ont rien changé
        circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, "Budget à resserrer", le=fin,
                             proposition=PropositionSaisie("reserve", {"etat-pv": Decimal("1500"),
                                                                       "ville-calais": Decimal("1500.00")},
                                                           "Budget à resserrer"))
        uow.valider()
    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
        entrees = historique.du_dossier(uow, identifiant)
    proposition = etat.proposition
    assert (proposition.sens, proposition.libelle, proposition.commentaire, proposition.date) == (
        "reserve", "Réservé", "Budget à resserrer", fin)
    assert proposition.montants == {"etat-pv": Decimal("1500.00"), "ville-calais": Decimal("1500.00")}
    assert proposition.total == Decimal("3000.00") and proposition.acteur == contexte.acteur
    assert ("Proposition au comité", "Réservé") in [(e.champ, e.nouveau) for e in entrees]
    assert {"Proposé : État – politique de la ville", "Proposé : Ville de Calais"} == {
        e.champ for e in entrees if e.objet == "proposition" and e.champ.startswith("Proposé : ")}

    # « Retenu » sans montants : ceux de la proposition ; moins que demandé → budget ajusté attendu.
    seance = aujourd_hui()
    with contexte.unite() as uow:
        circuit.changer_etat(uow, identifiant, Etat.RETENU, "Comité des financeurs", le=seance)
        uow.valider()
    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
    assert {f.financeur: f.accorde for f in etat.financements} == {"etat-pv": Decimal("1500.00"),
                                                                    "ville-calais": Decimal("1500.00")}
    assert etat.budget_ajuste_attendu
    assert (etat.decision.etat, etat.decision.date, etat.decision.motif) == (Etat.RETENU, seance,
                                                                           "Comité des financeurs")


def test_sans_proposition_explicite_elle_est_favorable_aux_montants_pre_remplis(contexte):
    identifiant = _instruire(contexte)
    _avis_de_l_etat(contexte, identifiant, "1 800")
    with contexte.unite() as uow:
        circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, "Proposition favorable")
        circuit.changer_etat(uow, identifiant, Etat.RETENU, "Comité", montants={"etat-pv": Decimal("2000"),
                                                                              "ville-calais": Decimal("1500")})
        uow.valider()
    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
    assert etat.proposition.sens == "favorable" and etat.proposition.commentaire == "Proposition favorable"
    assert etat.proposition.montants == {"etat-pv": Decimal("1800.00"), "ville-calais": Decimal("1500.00")}
    assert not etat.budget_ajuste_attendu  # le comité a accordé tout ce qui était demandé


def _texte_pdf(chemin) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(chemin).pages)


def test_la_fiche_d_un_dossier_decide_imprime_proposition_et_decision(contexte, tmp_path):
    from instruction.rapports import fiche_instruction as rapport
    from instruction.services import fiche_instruction

    identifiant = _instruire(contexte)
    with contexte.unite() as uow:
        fiche = fiche_instruction.lire(uow, identifiant)
    assert fiche.proposition is None and fiche.decision is None and not fiche.instruction_terminee
    avant = _texte_pdf(rapport.ecrire(fiche, tmp_path / "avant.pdf"))
    assert "Favorable / Réservée / Défavorable" in " ".join(avant.split())  # à remplir : rien n'est proposé

    seance = aujourd_hui() - dt.timedelta(days=1)
    with contexte.unite() as uow:
        circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, le=seance - dt.timedelta(days=7),
                             proposition=PropositionSaisie("favorable", {"etat-pv": Decimal("1800"),
                                                                         "ville-calais": Decimal("1500")},
                                                           "Action structurante pour le quartier"))
        circuit.changer_etat(uow, identifiant, Etat.RETENU, "Comité des financeurs de mars", le=seance,
                             montants={"etat-pv": Decimal("1700"), "ville-calais": Decimal("1500")})
        uow.valider()
    with contexte.unite() as uow:
        fiche = fiche_instruction.lire(uow, identifiant)
    assert fiche.proposition.sens == "favorable" and fiche.decision.date == seance
    assert fiche.budget_ajuste_attendu and fiche.date_depuis == seance
    assert {d.financeur: (d.propose, d.accorde) for d in fiche.demandes} == {
        "État – politique de la ville": (Decimal("1800.00"), Decimal("1700.00")),
        "Ville de Calais": (Decimal("1500.00"), Decimal("1500.00"))}
    texte = " ".join(_texte_pdf(rapport.ecrire(fiche, tmp_path / "fiche.pdf")).split())
    assert "____" not in texte  # jamais de cases à remplir sur un dossier décidé
    assert "Favorable — le " + dates.formater(seance - dt.timedelta(days=7)) in texte
    assert "Action structurante pour le quartier" in texte
    assert f"Retenu — séance du {dates.formater(seance)}" in texte
    assert "le porteur doit envoyer un budget ajusté" in texte
    assert f"État : Retenu depuis le {dates.formater(seance)}" in texte
