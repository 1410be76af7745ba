"""Issue 11 (parties 1 à 3) : enveloppes des cofinanceurs, règles des montants décidés, scénarios de
programmation et leur tableau.

Sur SQLite et PostgreSQL (fixture ``contexte``) ; deux postes qui décident en même temps sur la même
enveloppe, sur PostgreSQL.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine import droits
from instruction.domaine import programmation as prog
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services import enveloppes, historique
from instruction.services import instruction as circuit
from instruction.services import montants_accordes
from instruction.services import programmation
from instruction.services.instruction import PropositionSaisie
from tests import fabrique
from tests.test_proposition import _instruire

E = Decimal


# --- Les règles pures ---------------------------------------------------------------------------------------

LIBELLES = {"etat-pv": "État PV", "ville-calais": "Ville", "caf": "CAF"}


def test_un_refus_est_a_zero_euro():
    erreurs = prog.erreurs_de_decision(prog.REFUSE, {"etat-pv": E("100.00")}, {}, None, LIBELLES)
    assert erreurs == ["Un refus est à 0 € : retirez les montants décidés (État PV 100,00\u00a0€)."]
    assert prog.erreurs_de_decision(prog.AJOURNE, {"etat-pv": E("0.00")}, {}, None, LIBELLES) == []


def test_un_montant_au_dela_de_la_demande_dit_pourquoi():
    demandes = {"etat-pv": E("2000.00")}
    (erreur,) = prog.erreurs_de_decision(prog.RETENU, {"etat-pv": E("2500.00")}, demandes, E("5000"), LIBELLES)
    assert "État PV : 2\u202f500,00\u00a0€ décidés pour 2\u202f000,00\u00a0€ demandés" in erreur
    assert "dépassement de 500,00\u00a0€" in erreur
    assert prog.erreurs_de_decision(prog.RETENU, {"etat-pv": E("2500.00")}, demandes, E("5000"), LIBELLES,
                                    justification="Action élargie à un second quartier") == []


def test_les_financements_publics_ne_depassent_pas_le_cout():
    (erreur,) = prog.erreurs_de_decision(prog.RETENU, {"etat-pv": E("2000"), "ville-calais": E("1500")},
                                         {"etat-pv": E("2000"), "ville-calais": E("1500")}, E("3000.00"), LIBELLES)
    assert erreur == ("Les financements publics décidés (3\u202f500,00\u00a0€) dépassent le coût de l'action "
                      "(3\u202f000,00\u00a0€) de 500,00\u00a0€.")
    # Un financeur privé (« autres ») ne compte pas dans les financements publics.
    assert prog.erreurs_de_decision(prog.RETENU, {"etat-pv": E("2000"), "caf": E("1500")},
                                    {"etat-pv": E("2000"), "caf": E("1500")}, E("3000.00"), LIBELLES,
                                    publics={"etat-pv"}) == []


def test_le_depassement_d_enveloppe_est_chiffre():
    situation = prog.SituationEnveloppe("caf", "CAF", E("10000.00"), decide=E("9000.00"))
    assert situation.reste == E("1000.00") and not situation.depasse
    (erreur,) = prog.depassements_d_enveloppe([situation], {"caf": E("1500.00")})
    assert erreur == ("CAF : enveloppe de 10\u202f000,00\u00a0€, déjà 9\u202f000,00\u00a0€ décidés ; "
                      "1\u202f500,00\u00a0€ de plus la dépasseraient de 500,00\u00a0€.")
    assert prog.depassements_d_enveloppe([situation], {"caf": E("1000.00")}) == []
    assert prog.depassements_d_enveloppe([prog.SituationEnveloppe("caf", "CAF", None)], {"caf": E("1")}) == []


def test_seul_un_dossier_instruit_et_cote_va_au_comite():
    assert prog.peut_aller_au_comite(Etat.INSTRUIT, 1)
    assert prog.raisons_hors_ordre_du_jour(Etat.INSTRUIT, None) == [
        "sa grille égalité femmes-hommes n'est pas cotée"]
    assert prog.raisons_hors_ordre_du_jour(Etat.EN_INSTRUCTION, 2) == [
        "son instruction n'est pas terminée (il est « En instruction »)"]
    assert prog.raisons_hors_ordre_du_jour(Etat.RETENU, 2) == ["il est déjà « Retenu »"]


# --- Enveloppes -----------------------------------------------------------------------------------------


def test_une_enveloppe_se_saisit_et_garde_son_historique(contexte):
    fabrique.campagne(contexte)
    with contexte.unite() as uow:
        cree = enveloppes.fixer(uow, "caf", 2027, "cdv", "208 108")
        uow.valider()
    assert (cree.montant, cree.decide, cree.reste) == (E("208108.00"), E("0.00"), E("208108.00"))
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="Dites pourquoi l'enveloppe change"):
            enveloppes.fixer(uow, "caf", 2027, "cdv", E("200000"))
        enveloppes.fixer(uow, "caf", 2027, "cdv", E("200000"), motif="Budget primitif de la CAF voté")
        with pytest.raises(DonneesInvalides, match="pas un montant"):
            enveloppes.fixer(uow, "caf", 2027, "cdv", "deux cents")
        uow.valider()
    with contexte.unite() as uow:
        (lue,) = enveloppes.lister(uow, 2027, "cdv")
        modifications = enveloppes.historique(uow, lue.id)
        lignes = [(h.champ, h.ancien, h.nouveau, h.dossier_id) for h in uow.session.scalars(
            select(m.Historique).where(m.Historique.objet == "enveloppe").order_by(m.Historique.id))]
    assert lue.montant == E("200000.00") and lue.financeur == "caf"
    assert [(h.ancien, h.nouveau, h.motif) for h in modifications] == [
        (None, E("208108.00"), None), (E("208108.00"), E("200000.00"), "Budget primitif de la CAF voté")]
    assert {h.acteur for h in modifications} == {contexte.utilisateur.identifiant}
    assert lignes == [
        ("Enveloppe CAF — cdv 2027", None, "208\u202f108,00\u00a0€", None),
        ("Enveloppe CAF — cdv 2027", "208\u202f108,00\u00a0€", "200\u202f000,00\u00a0€", None),
        ("Motif", None, "Budget primitif de la CAF voté", None)]


def _retenir(contexte, dossier_id, montants, justification=None):
    with contexte.unite() as uow:
        circuit.changer_etat(uow, dossier_id, Etat.INSTRUIT, proposition=PropositionSaisie("favorable", montants))
        circuit.changer_etat(uow, dossier_id, Etat.RETENU, montants=montants, justification=justification)
        uow.valider()


def test_une_decision_qui_depasse_l_enveloppe_est_refusee_et_l_administrateur_la_releve(contexte):
    equipe = fabrique.Equipe(contexte)
    premier, second = _instruire(contexte), _instruire(contexte)
    contexte.utilisateur = equipe.instructeur
    with contexte.unite() as uow:
        enveloppe = enveloppes.fixer(uow, "etat-pv", 2027, "cdv", E("3000"))
        uow.valider()
    _retenir(contexte, premier, {"etat-pv": E("2000"), "ville-calais": E("1500")})
    with pytest.raises(DonneesInvalides) as refus:
        _retenir(contexte, second, {"etat-pv": E("2000"), "ville-calais": E("1500")})
    assert str(refus.value).startswith("Enveloppe dépassée : la décision est refusée.")
    assert ("État PV (cdv 2027) : enveloppe de 3\u202f000,00\u00a0€, déjà 2\u202f000,00\u00a0€ décidés ; "
            "2\u202f000,00\u00a0€ de plus la dépasseraient de 1\u202f000,00\u00a0€.") in str(refus.value)
    with contexte.unite() as uow:  # rien n'est écrit : le second dossier est toujours instruit, sans montant
        assert uow.session.get(m.Dossier, second).etat == Etat.EN_INSTRUCTION
        assert uow.session.scalars(select(m.MontantAccorde).where(m.MontantAccorde.dossier_id == second)).all() == []
        # L'instructeur ne relève pas une enveloppe sur laquelle des montants sont décidés, ni ne la baisse dessous.
        with pytest.raises(DonneesInvalides, match="acte d'administrateur"):
            enveloppes.fixer(uow, "etat-pv", 2027, "cdv", E("4000"), motif="Pour passer le second dossier")
        with pytest.raises(DonneesInvalides, match="ne descend pas à 1\u202f500,00"):
            enveloppes.fixer(uow, "etat-pv", 2027, "cdv", E("1500"), motif="Gel de crédits")
        with pytest.raises(droits.Interdit):
            enveloppes.relever(uow, enveloppe.id, E("4000"), "Crédits supplémentaires")
    contexte.utilisateur = equipe.admin
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="Dites pourquoi"):
            enveloppes.relever(uow, enveloppe.id, E("4000"), "")
        relevee = enveloppes.relever(uow, enveloppe.id, E("4000"), "Crédits supplémentaires délégués")
        uow.valider()
    assert (relevee.montant, relevee.decide, relevee.reste) == (E("4000.00"), E("2000.00"), E("2000.00"))
    contexte.utilisateur = equipe.instructeur
    _retenir(contexte, second, {"etat-pv": E("2000"), "ville-calais": E("1500")})
    with contexte.unite() as uow:
        # Baisser un montant décidé passe toujours, même sur une enveloppe pleine.
        montants_accordes.modifier_montants_accordes(uow, premier, {"etat-pv": E("1800"), "ville-calais": E("1500")})
        uow.valider()
    with contexte.unite() as uow:
        (situation,) = [s for s in enveloppes.situation(uow, 2027, "cdv") if s.financeur == "etat-pv"]
        modifications = enveloppes.historique(uow, enveloppe.id)
    assert (situation.enveloppe, situation.decide, situation.reste) == (E("4000.00"), E("3800.00"), E("200.00"))
    assert [(h.acteur, h.motif) for h in modifications][-1] == (equipe.admin.identifiant,
                                                                 "Crédits supplémentaires délégués")


def test_montant_au_dela_de_la_demande_refus_a_zero_et_cout(contexte):
    dossier = _instruire(contexte)
    with contexte.unite() as uow:
        circuit.changer_etat(uow, dossier, Etat.INSTRUIT, proposition=PropositionSaisie(
            "favorable", {"etat-pv": E("2000"), "ville-calais": E("1500")}))
        with pytest.raises(DonneesInvalides, match="État PV : 2\u202f500,00\u00a0€ décidés pour 2\u202f000,00"):
            circuit.changer_etat(uow, dossier, Etat.RETENU, montants={"etat-pv": E("2500")})
        # Le coût de l'action est de 4 200,50 € : 4 300 € publics le dépassent, même justifiés.
        with pytest.raises(DonneesInvalides, match="dépassent le coût de l'action"):
            circuit.changer_etat(uow, dossier, Etat.RETENU, montants={"etat-pv": E("2800"), "ville-calais": E("1500")},
                                 justification="Public doublé")
        with pytest.raises(DonneesInvalides, match="Un refus est à 0"):
            circuit.changer_etat(uow, dossier, Etat.REFUSE, "Hors champ", montants={"etat-pv": E("10")})
        circuit.changer_etat(uow, dossier, Etat.RETENU, montants={"etat-pv": E("2500"), "ville-calais": E("1500")},
                             justification="Public doublé en cours d'instruction")
        uow.valider()
    with contexte.unite() as uow:
        entrees = historique.du_dossier(uow, dossier)
        accordes = dict(uow.session.execute(select(m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
                                            .where(m.MontantAccorde.dossier_id == dossier)).all())
    assert accordes == {"etat-pv": E("2500.00"), "ville-calais": E("1500.00")}
    assert any(e.champ == "Justification du dépassement de la demande"
               and e.nouveau == "Public doublé en cours d'instruction" for e in entrees)


@pytest.mark.lent
def test_deux_postes_qui_decident_en_meme_temps_sur_la_meme_enveloppe(contexte):
    """Chacun des deux tient dans l'enveloppe, pas les deux ensemble : l'un passe, l'autre est refusé avec les
    chiffres, rien n'est à moitié écrit (SQLite sérialise les écritures ; PostgreSQL verrouille l'enveloppe)."""
    premier, second = _instruire(contexte), _instruire(contexte)
    with contexte.unite() as uow:
        enveloppes.fixer(uow, "ville-calais", 2027, "cdv", E("2000"))
        for d in (premier, second):
            circuit.changer_etat(uow, d, Etat.INSTRUIT, proposition=PropositionSaisie("favorable", {}))
        uow.valider()
    barriere = threading.Barrier(2)
    resultats: dict[int, object] = {}

    def decider(dossier_id):
        try:
            with contexte.unite() as uow:
                barriere.wait(timeout=10)
                circuit.changer_etat(uow, dossier_id, Etat.RETENU, montants={"ville-calais": E("1500")})
                uow.valider()
            resultats[dossier_id] = "retenu"
        except DonneesInvalides as refus:
            resultats[dossier_id] = str(refus)

    fils = [threading.Thread(target=decider, args=(d,)) for d in (premier, second)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    assert sorted(v == "retenu" for v in resultats.values()) == [False, True], resultats
    (refus,) = [v for v in resultats.values() if v != "retenu"]
    assert "enveloppe de 2\u202f000,00\u00a0€, déjà 1\u202f500,00\u00a0€ décidés" in refus
    with contexte.unite() as uow:
        (situation,) = [s for s in enveloppes.situation(uow, 2027, "cdv") if s.financeur == "ville-calais"]
        etats = sorted(uow.session.get(m.Dossier, d).etat for d in (premier, second))
    assert situation.decide == E("1500.00")
    assert etats == sorted([Etat.RETENU, Etat.INSTRUIT])


# --- Scénarios et tableau ----------------------------------------------------------------------------------


def test_scenarios_a_part_des_decisions_definitives(contexte):
    decide, ouvert, defavorable = _instruire(contexte), _instruire(contexte), _instruire(contexte)
    depose = fabrique.dossier(contexte)
    _retenir(contexte, decide, {"etat-pv": E("1800"), "ville-calais": E("1500")})
    with contexte.unite() as uow:
        circuit.changer_etat(uow, ouvert, Etat.INSTRUIT, proposition=PropositionSaisie(
            "favorable", {"etat-pv": E("1600"), "ville-calais": E("1500")}))
        circuit.changer_etat(uow, defavorable, Etat.INSTRUIT, proposition=PropositionSaisie(
            "defavorable", {}, "Pas de public du quartier"))
        enveloppes.fixer(uow, "etat-pv", 2027, "cdv", E("5000"))
        campagne_id = uow.session.get(m.Dossier, ouvert).campagne_id
        base = programmation.creer_scenario(uow, campagne_id, "Propositions de l'instruction")
        uow.valider()
    with contexte.unite() as uow:
        prevu = programmation.decisions_du_scenario(uow, base.id)
    # Le dossier décidé n'est pas dans le scénario ; le défavorable y est refusé ; le déposé y a sa demande.
    assert set(prevu) == {ouvert, defavorable, depose}
    assert prevu[ouvert] == programmation.DecisionProvisoire(
        ouvert, prog.RETENU, {"etat-pv": E("1600.00"), "ville-calais": E("1500.00")}, None, None)
    assert (prevu[defavorable].decision, prevu[defavorable].montants) == (prog.REFUSE, {})
    assert prevu[depose].montants == {"etat-pv": E("2000.00"), "ville-calais": E("1500.00")}

    with contexte.unite() as uow:
        variante = programmation.dupliquer_scenario(uow, base.id, "Variante resserrée")
        with pytest.raises(DonneesInvalides, match="existe déjà"):
            programmation.dupliquer_scenario(uow, base.id, "Variante resserrée")
        programmation.saisir_montant(uow, variante.id, ouvert, "etat-pv", E("1200"))
        with pytest.raises(DonneesInvalides, match="au-delà de la demande dit pourquoi"):
            programmation.saisir_montant(uow, variante.id, ouvert, "ville-calais", E("1600"))
        with pytest.raises(DonneesInvalides, match="déjà « Retenu » : un scénario ne change pas"):
            programmation.saisir_montant(uow, variante.id, decide, "etat-pv", E("1"))
        programmation.choisir_decision(uow, variante.id, depose, prog.AJOURNE, "Budget à revoir")
        uow.valider()
    with contexte.unite() as uow:
        tableau_base = programmation.lire_tableau(uow, campagne_id, base.id)
        tableau = programmation.lire_tableau(uow, campagne_id, variante.id)
        prevu_variante = programmation.decisions_du_scenario(uow, variante.id)
        accordes = dict(uow.session.execute(select(m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
                                            .where(m.MontantAccorde.dossier_id == decide)).all())
    assert accordes == {"etat-pv": E("1800.00"), "ville-calais": E("1500.00")}, "le décidé n'a pas bougé"
    assert [s.nom for s in tableau.scenarios] == ["Propositions de l'instruction", "Variante resserrée"]
    assert [c for c, _s in tableau.financeurs] == ["etat-pv", "ville-calais"]
    lignes = {l.dossier_id: l for l in tableau.lignes}
    assert lignes[ouvert].cellule("etat-pv") == programmation.Cellule(
        demande=E("2000.00"), propose=E("1600.00"), simule=E("1200.00"))
    assert lignes[decide].cellule("etat-pv").decide == E("1800.00") and lignes[decide].tranche
    assert lignes[depose].decision_provisoire() == prog.AJOURNE and lignes[depose].cellule("etat-pv").simule is None
    assert lignes[ouvert].pret_pour_le_comite and not lignes[depose].pret_pour_le_comite
    assert lignes[ouvert].quartiers == "Beau Marais, Saint-Pierre" or "Beau Marais" in lignes[ouvert].quartiers
    assert lignes[ouvert].cotation_egalite is not None
    # La base n'a pas bougé ; la variante : décidé 1 800 + simulé 1 200 (l'ajourné ne compte pas).
    assert {l.dossier_id: l.cellule("etat-pv").simule for l in tableau_base.lignes}[ouvert] == E("1600.00")
    (etat_pv,) = [s for s in tableau.enveloppes if s.financeur == "etat-pv"]
    assert (etat_pv.enveloppe, etat_pv.decide, etat_pv.simule, etat_pv.reste) == (
        E("5000.00"), E("1800.00"), E("1200.00"), E("2000.00"))
    assert prevu_variante[depose] == programmation.DecisionProvisoire(depose, prog.AJOURNE, {}, "Budget à revoir", None)
    with contexte.unite() as uow:
        programmation.supprimer_scenario(uow, variante.id)
        uow.valider()
    with contexte.unite() as uow:
        assert [s.nom for s in programmation.scenarios(uow, campagne_id)] == ["Propositions de l'instruction"]
        with pytest.raises(DonneesInvalides, match="n'existe plus"):
            programmation.lire_tableau(uow, campagne_id, variante.id)


def test_campagne_nommee_par_son_dispositif_et_son_annee(contexte):
    campagne_id = fabrique.campagne(contexte)
    with contexte.unite() as uow:
        assert programmation.campagne_par_code(uow, "CDV-2027").id == campagne_id
        with pytest.raises(DonneesInvalides, match="Campagne inconnue : « cdv-2031 ».*cdv-2027"):
            programmation.campagne_par_code(uow, "cdv-2031")


# --- La démonstration et la ligne de commande --------------------------------------------------------------


def test_la_demonstration_a_les_enveloppes_publiees_et_l_export_les_ecrit_en_nombres(url_demo, tmp_path, capsys):
    """Les enveloppes 2023 de la démonstration sont les chiffres publiés (contrat de ville, l. 3569) : les
    décisions y tombent juste, le reste est nul ; le classeur a une synthèse et une feuille par cofinanceur."""
    import openpyxl

    from instruction import cli
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite(lecture=True) as uow:
            situation = {s.financeur: s for s in enveloppes.situation(uow, 2023, "cdv")}
            en_2027 = {e.financeur: e.montant for e in enveloppes.lister(uow, 2027, "cdv")}
            campagne = programmation.campagne_par_code(uow, "cdv-2027")
            (scenario,) = programmation.scenarios(uow, campagne.id)
            tableau = programmation.lire_tableau(uow, campagne.id, scenario.id)
    finally:
        contexte.fermer()
    publies = {"etat-pv": 582_497, "ville-calais": 419_004, "ca-gctm": 55_775, "caf": 208_108, "region": 132_500,
               "departement": 12_715}
    assert {c: situation[c].enveloppe for c in publies} == {c: E(v) for c, v in publies.items()}
    assert {c: situation[c].decide for c in publies} == {c: E(v) for c, v in publies.items()}
    assert all(situation[c].reste == 0 for c in publies)
    assert en_2027 == {c: E(v) for c, v in publies.items()}
    assert scenario.nom == "Propositions de l'instruction" and len(tableau.lignes) == 14
    assert all(not l.tranche for l in tableau.lignes)

    sortie = tmp_path / "programmation-2023.xlsx"
    assert cli.main(["exporter", "programmation", "--campagne", "cdv-2023", "-o", str(sortie),
                     "--database", url_demo]) == cli.SUCCES
    assert "Programmation AAP Contrat de ville 2023 exportée" in capsys.readouterr().out
    classeur = openpyxl.load_workbook(sortie)
    assert classeur.sheetnames[:7] == ["Synthèse", "État PV", "Ville", "CA GCTM", "CAF", "Région", "Département"]
    lignes = {r[0]: r for r in classeur["Synthèse"].iter_rows(min_row=5, values_only=True)}
    assert lignes["CAF"][1:3] == (208108, 208108) and lignes["CAF"][5] == 0
    feuille = classeur["État PV"]
    montants = [r[10] for r in feuille.iter_rows(min_row=2, max_row=feuille.max_row - 1, values_only=True)]
    assert all(isinstance(v, (int, float)) for v in montants if v is not None)
    assert sum(v for v in montants if v is not None) == 582_497
    assert feuille.cell(feuille.max_row, 11).value.startswith("=SUM(K2:K")
    assert cli.main(["exporter", "programmation", "--campagne", "cdv-2031", "-o", str(tmp_path / "x.xlsx"),
                     "--database", url_demo]) == cli.PROBLEME
    assert "Campagne inconnue : « cdv-2031 »" in capsys.readouterr().err
