"""Issue 17, points 1 et 2 : un dossier décidé est figé ; les dates métier sont les vraies dates.

* le gel est déclaré état par état (``instruction.gel``) et appliqué par les services : pour chaque état,
  on essaie de changer un chiffre décidé (le budget), de corriger une faute de frappe sans puis avec sa
  raison, de joindre et de retirer des pièces ;
* un passage se date dans le passé (jamais dans le futur, ni avant le dépôt, ni avant le passage
  précédent), la date de dépôt est un champ validé ; l'historique garde le moment de la saisie.

Sur SQLite et PostgreSQL (fixture ``contexte``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction.domaine import dates, gel
from instruction.domaine import dossier as d
from instruction.domaine import eligibilite as el
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import complements
from instruction.services import dossier as service_dossier
from instruction.services import examen as service_examen
from instruction.services import historique
from instruction.services import instruction as circuit
from instruction.services import montants_accordes
from instruction.services import pieces
from instruction.domaine.validation import SaisieInvalide
from tests import fabrique

# Le chemin de « déposé » à chaque état (avec son motif quand il en faut un).
CHEMINS: dict[Etat, list[tuple[Etat, str | None]]] = {
    Etat.DEPOSE: [],
    Etat.INCOMPLET: [(Etat.INCOMPLET, "RIB à fournir")],
    Etat.RECEVABLE: [(Etat.RECEVABLE, None)],
    Etat.EN_INSTRUCTION: [(Etat.RECEVABLE, None), (Etat.EN_INSTRUCTION, None)],
    Etat.INSTRUIT: [(Etat.RECEVABLE, None), (Etat.EN_INSTRUCTION, None), (Etat.INSTRUIT, None)],
}
CHEMINS[Etat.RETENU] = CHEMINS[Etat.INSTRUIT] + [(Etat.RETENU, "Comité du 12/03/2027")]
CHEMINS[Etat.AJOURNE] = CHEMINS[Etat.INSTRUIT] + [(Etat.AJOURNE, "À revoir avec le porteur")]
CHEMINS[Etat.REFUSE] = CHEMINS[Etat.INSTRUIT] + [(Etat.REFUSE, "Hors champ")]
CHEMINS[Etat.CONVENTIONNE] = CHEMINS[Etat.RETENU] + [(Etat.CONVENTIONNE, None)]
CHEMINS[Etat.EN_COURS] = CHEMINS[Etat.CONVENTIONNE] + [(Etat.EN_COURS, None)]
CHEMINS[Etat.SOLDE] = CHEMINS[Etat.EN_COURS] + [(Etat.SOLDE, None)]
CHEMINS[Etat.SANS_SUITE] = [(Etat.SANS_SUITE, "Le porteur renonce")]

FIGES = {Etat.INSTRUIT, Etat.RETENU, Etat.AJOURNE, Etat.REFUSE, Etat.CONVENTIONNE, Etat.EN_COURS, Etat.SOLDE,
         Etat.SANS_SUITE}


def _examiner(contexte, dossier_id):
    with contexte.unite() as uow:
        evaluation = service_examen.evaluer(uow, dossier_id)
        service_examen.enregistrer_examen(uow, dossier_id, [el.Decision(c.code, c.resultat.statut, "")
                                                     for c in evaluation.criteres], "Examen de test.")
        uow.valider()


def amener(contexte, etat: Etat) -> int:
    """Un dossier complet amené à ``etat`` par les services."""
    identifiant = fabrique.dossier(contexte)
    for vers, motif in CHEMINS[etat]:
        if vers == Etat.INSTRUIT:
            _examiner(contexte, identifiant)
            fabrique.coter_egalite(contexte, identifiant)
        with contexte.unite() as uow:
            circuit.changer_etat(uow, identifiant, vers, motif)
            uow.valider()
    return identifiant


def _lire(contexte, dossier_id) -> service_dossier.FicheDossier:
    with contexte.unite() as uow:
        return service_dossier.lire(uow, dossier_id)


def _enregistrer(contexte, dossier_id, donnees, correction=None):
    with contexte.unite() as uow:
        service_dossier.enregistrer(uow, dossier_id, donnees, correction=correction)
        uow.valider()


# --- La règle pure ------------------------------------------------------------------------------------


def test_le_gel_est_declare_pour_chaque_etat():
    for etat in Etat:
        regle = gel.gel(etat)
        assert (regle is not None) == (etat in FIGES), etat
        if regle is not None:
            assert regle.raison and regle.chemin
    assert "avenant" in gel.gel(Etat.CONVENTIONNE).chemin and "pas encore disponibles" in gel.gel(Etat.EN_COURS).chemin
    assert "Reprendre l'instruction" in gel.gel(Etat.RETENU).chemin
    # « Reprendre l'instruction… » existe bien dans le circuit avant la convention, et pas après.
    from instruction.domaine import workflow

    for etat in (Etat.INSTRUIT, Etat.RETENU, Etat.AJOURNE):
        assert Etat.EN_INSTRUCTION in {p.vers for p in workflow.passages(etat)}, etat
    for etat in (Etat.CONVENTIONNE, Etat.EN_COURS, Etat.SOLDE):
        assert Etat.EN_INSTRUCTION not in {p.vers for p in workflow.passages(etat)}, etat


def test_chiffres_decides_et_fautes_de_frappe():
    avant = d.valider(fabrique.saisie(1, 1))
    budget = list(avant.budget)
    budget[2] = replace(budget[2], montant=Decimal("2500.00"))
    libelle_corrige = list(avant.budget)
    libelle_corrige[0] = replace(libelle_corrige[0], libelle="Graines, outils")
    assert gel.chiffres_changes(avant, replace(avant, budget=tuple(budget))) == [gel.CHIFFRES_DECIDES["budget"]]
    assert gel.chiffres_changes(avant, replace(avant, budget=tuple(libelle_corrige))) == []
    assert gel.chiffres_changes(avant, replace(avant, intitule="Jardin partagé des Fontinettes (Calais)")) == []
    assert gel.chiffres_changes(avant, replace(avant, date_fin=dt.date(2027, 12, 15))) == ["la date de fin"]
    for etat in Etat:
        if etat in FIGES:
            with pytest.raises(DonneesInvalides, match="chiffres sont figés"):
                gel.verifier_modification(etat, avant, replace(avant, budget=tuple(budget)), "faute de frappe")
            with pytest.raises(DonneesInvalides, match="Corriger une faute de frappe"):
                gel.verifier_modification(etat, avant, replace(avant, intitule="Autre"), "  ")
            gel.verifier_modification(etat, avant, replace(avant, intitule="Autre"), "Coquille")
        else:
            gel.verifier_modification(etat, avant, replace(avant, budget=tuple(budget)), None)


# --- Dans les services, état par état ----------------------------------------------------------------------


@pytest.mark.parametrize("etat", list(Etat), ids=[e.value for e in Etat])
def test_un_dossier_fige_refuse_ses_chiffres_et_accepte_une_correction_motivee(contexte, etat):
    identifiant = amener(contexte, etat)
    fiche = _lire(contexte, identifiant)
    assert fiche.etat == etat
    donnees = fiche.donnees
    budget = list(donnees.budget)
    budget[2] = replace(budget[2], montant=budget[2].montant + Decimal("300.00"))
    budget[4] = replace(budget[4], montant=budget[4].montant - Decimal("300.00"))
    nouveau_budget = replace(donnees, budget=tuple(budget))
    corrige = replace(donnees, intitule="Jardin partagé des Fontinettes — Calais")

    if etat not in FIGES:
        _enregistrer(contexte, identifiant, nouveau_budget)
        assert _lire(contexte, identifiant).donnees.budget == nouveau_budget.budget
        with contexte.unite() as uow:
            pieces.ajouter(uow, identifiant, "statuts", "statuts-2027.pdf", b"%PDF-1.4 statuts")
            uow.valider()
        return

    with pytest.raises(DonneesInvalides, match=f"« {etat.libelle} ».*chiffres sont figés.*budget"):
        _enregistrer(contexte, identifiant, nouveau_budget, correction="Faute de frappe")
    with pytest.raises(DonneesInvalides, match="Corriger une faute de frappe"):
        _enregistrer(contexte, identifiant, corrige)
    relu = _lire(contexte, identifiant)
    assert relu.donnees == donnees and relu.version == fiche.version  # rien n'a été écrit
    _enregistrer(contexte, identifiant, corrige, correction="Nom de la commune oublié dans l'intitulé")
    assert _lire(contexte, identifiant).donnees.intitule == "Jardin partagé des Fontinettes — Calais"
    with contexte.unite() as uow:
        entrees = historique.du_dossier(uow, identifiant)
    assert [(e.champ, e.nouveau) for e in entrees[:2]] == [
        ("Raison de la correction", "Nom de la commune oublié dans l'intitulé"),
        ("Intitulé", "Jardin partagé des Fontinettes — Calais")]

    # Les pièces sur lesquelles on a décidé restent ; une pièce de suivi se joint, et se retire.
    jointes = _lire(contexte, identifiant).pieces
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="ne changent plus"):
            pieces.ajouter(uow, identifiant, "statuts", "statuts-2027.pdf", b"%PDF-1.4 statuts")
        with pytest.raises(DonneesInvalides, match="reste au dossier"):
            pieces.retirer(uow, jointes[0].id)
        suivi = pieces.ajouter(uow, identifiant, "autre", "budget-ajuste.pdf", b"%PDF-1.4 budget ajuste")
        uow.valider()
    with contexte.unite() as uow:
        pieces.retirer(uow, suivi.id)  # jointe après le gel : une erreur se reprend
        uow.valider()
    assert [p.id for p in _lire(contexte, identifiant).pieces] == [p.id for p in jointes]


def test_apres_la_convention_les_montants_accordes_passent_par_un_avenant(contexte):
    identifiant = amener(contexte, Etat.RETENU)
    with contexte.unite() as uow:  # avant la convention : la saisie du comité se corrige
        montants_accordes.modifier_montants_accordes(uow, identifiant, {"etat-pv": Decimal("1900"),
                                                                         "ville-calais": Decimal("1500")})
        circuit.changer_etat(uow, identifiant, Etat.CONVENTIONNE)
        uow.valider()
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="avenant à la convention .*pas encore disponibles"):
            montants_accordes.modifier_montants_accordes(uow, identifiant, {"etat-pv": Decimal("2000")})
        accordes = {f.financeur: f.accorde for f in montants_accordes.financements(uow, identifiant)}
        assert accordes["etat-pv"] == Decimal("1900.00")


def test_reprendre_l_instruction_d_un_dossier_retenu_leve_le_gel_et_retire_la_decision(contexte):
    identifiant = amener(contexte, Etat.RETENU)
    with contexte.unite() as uow:
        assert {f.financeur: f.accorde for f in montants_accordes.financements(uow, identifiant)} == {
            "etat-pv": Decimal("2000.00"), "ville-calais": Decimal("1500.00")}
        with pytest.raises(DonneesInvalides, match="motif"):
            circuit.changer_etat(uow, identifiant, Etat.EN_INSTRUCTION)
        circuit.changer_etat(uow, identifiant, Etat.EN_INSTRUCTION, "Le porteur a revu son budget")
        uow.valider()
    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
    assert etat.etat == Etat.EN_INSTRUCTION and etat.decision is None
    assert all(f.accorde is None for f in etat.financements)
    donnees = _lire(contexte, identifiant).donnees
    budget = list(donnees.budget)
    budget[2] = replace(budget[2], montant=Decimal("1800.00"))
    budget[4] = replace(budget[4], montant=Decimal("900.50"))
    _enregistrer(contexte, identifiant, replace(donnees, budget=tuple(budget)))  # plus figé
    assert _lire(contexte, identifiant).donnees.budget[2].montant == Decimal("1800.00")


# --- Dates métier --------------------------------------------------------------------------------------


def _deposer(contexte, depose_le: dt.date | None) -> int:
    def dater(saisie):
        saisie.depose_le = dates.formater(depose_le)

    return fabrique.dossier(contexte, modifier=dater)


def test_la_date_de_depot_est_un_champ_valide(contexte):
    aujourdhui = aujourd_hui()
    saisie = fabrique.saisie(1, 1)
    saisie.depose_le = dates.formater(aujourdhui + dt.timedelta(days=1))
    with pytest.raises(SaisieInvalide) as refus:
        d.valider(saisie)
    assert [(e.champ, "futur" in e.message) for e in refus.value.erreurs] == [("depose_le", True)]
    saisie.depose_le = ""
    assert d.valider(saisie).depose_le is None  # vide : aujourd'hui à la création

    sans_date = fabrique.dossier(contexte)
    assert _lire(contexte, sans_date).depose_le == aujourdhui
    il_y_a_un_mois = aujourdhui - dt.timedelta(days=30)
    identifiant = _deposer(contexte, il_y_a_un_mois)
    fiche = _lire(contexte, identifiant)
    assert fiche.depose_le == fiche.donnees.depose_le == il_y_a_un_mois
    assert circuit._jour_a_paris(fiche.etat_depuis) == il_y_a_un_mois  # « depuis » : la date du dépôt
    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
        assert etat.historique[0].date == il_y_a_un_mois and etat.date_depuis == il_y_a_un_mois
        assert etat.historique[0].le.date() >= aujourdhui - dt.timedelta(days=1)  # saisi aujourd'hui
        with pytest.raises(DonneesInvalides, match="futur"):
            service_dossier.enregistrer(uow, identifiant, replace(fiche.donnees,
                                                                  depose_le=aujourdhui + dt.timedelta(days=2)))

    # Corriger la date de dépôt : possible tant qu'elle précède le premier passage.
    il_y_a_vingt_jours = aujourdhui - dt.timedelta(days=20)
    with contexte.unite() as uow:
        circuit.changer_etat(uow, identifiant, Etat.RECEVABLE, le=il_y_a_vingt_jours)
        uow.valider()
    with pytest.raises(DonneesInvalides, match="après le passage à « Recevable »"):
        _enregistrer(contexte, identifiant, replace(fiche.donnees, depose_le=aujourdhui - dt.timedelta(days=10)))
    _enregistrer(contexte, identifiant, replace(fiche.donnees, depose_le=aujourdhui - dt.timedelta(days=25)))
    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
        entrees = historique.du_dossier(uow, identifiant)
    assert etat.depose_le == etat.historique[0].date == aujourdhui - dt.timedelta(days=25)
    assert ("Déposé le", dates.formater(il_y_a_un_mois), dates.formater(aujourdhui - dt.timedelta(days=25))) in [
        (e.champ, e.ancien, e.nouveau) for e in entrees]


def test_un_passage_se_date_dans_le_passe_dans_l_ordre(contexte):
    aujourdhui = aujourd_hui()
    depot = aujourdhui - dt.timedelta(days=60)
    identifiant = _deposer(contexte, depot)

    def passer(vers, le, motif=None):
        with contexte.unite() as uow:
            fait = circuit.changer_etat(uow, identifiant, vers, motif, le=le)
            uow.valider()
        return fait

    with pytest.raises(DonneesInvalides, match="dans le futur"):
        passer(Etat.RECEVABLE, aujourdhui + dt.timedelta(days=1))
    with pytest.raises(DonneesInvalides, match=f"précède le dépôt du dossier, le {depot:%d/%m/%Y}"):
        passer(Etat.RECEVABLE, depot - dt.timedelta(days=1))
    recevable = passer(Etat.RECEVABLE, depot + dt.timedelta(days=10))
    assert recevable.date == depot + dt.timedelta(days=10)
    assert recevable.le.date() >= aujourdhui - dt.timedelta(days=1)  # la saisie, elle, est d'aujourd'hui
    with pytest.raises(DonneesInvalides, match="précède le passage précédent .« Recevable » le"):
        passer(Etat.EN_INSTRUCTION, depot + dt.timedelta(days=9))
    passer(Etat.EN_INSTRUCTION, depot + dt.timedelta(days=10))  # le même jour : permis
    _examiner(contexte, identifiant)
    fabrique.coter_egalite(contexte, identifiant)
    passer(Etat.INSTRUIT, depot + dt.timedelta(days=30))
    seance = depot + dt.timedelta(days=45)
    with pytest.raises(DonneesInvalides, match="La date de la séance du comité .* est dans le futur"):
        passer(Etat.RETENU, aujourdhui + dt.timedelta(days=3), "Comité")
    passer(Etat.RETENU, seance, "Comité des financeurs")

    with contexte.unite() as uow:
        etat = circuit.lire(uow, identifiant)
        dossier = uow.session.get(m.Dossier, identifiant)
        etat_depuis, complet_le = dossier.etat_depuis, dossier.complet_le
        transitions = uow.session.execute(select(m.Transition.vers, m.Transition.date_effet)
                                          .where(m.Transition.dossier_id == identifiant)
                                          .order_by(m.Transition.id)).all()
        entrees = historique.du_dossier(uow, identifiant)
    assert [tuple(t) for t in transitions] == [
        ("depose", depot), ("recevable", depot + dt.timedelta(days=10)),
        ("en_instruction", depot + dt.timedelta(days=10)), ("instruit", depot + dt.timedelta(days=30)),
        ("retenu", seance)]
    assert etat.date_depuis == seance and circuit._jour_a_paris(etat_depuis) == seance
    assert circuit._jour_a_paris(complet_le) == depot + dt.timedelta(days=10)
    assert etat.decision.date == seance and etat.decision.etat == Etat.RETENU
    # L'historique garde le moment de la saisie (aujourd'hui) et dit la date du passage quand elle diffère.
    passage = next(e for e in entrees if e.objet == "dossier" and e.action == "passage"
                   and e.champ == "Date du passage" and e.nouveau == dates.formater(seance))
    assert passage.le.date() >= aujourdhui - dt.timedelta(days=1)
    # La liste des dossiers compte les jours depuis la date métier.
    from instruction.services import dossiers

    with contexte.unite() as uow:
        ligne = next(l for l in dossiers.lister(uow) if l.id == identifiant)
    depuis = ligne.etat_depuis if isinstance(ligne.etat_depuis, dt.datetime) else \
        dt.datetime.fromisoformat(str(ligne.etat_depuis))
    assert depuis.date() == seance


def test_les_demandes_de_complements_prennent_la_date_du_passage(contexte):
    depot = aujourd_hui() - dt.timedelta(days=20)
    identifiant = _deposer(contexte, depot)
    with contexte.unite() as uow:
        circuit.changer_etat(uow, identifiant, Etat.INCOMPLET, "RIB à fournir", le=depot + dt.timedelta(days=3))
        uow.valider()
    with contexte.unite() as uow:
        (demande,) = complements.complements(uow, identifiant)
    assert demande.demandee_le == depot + dt.timedelta(days=3)
