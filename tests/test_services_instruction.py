"""Le circuit d'un dossier, la recevabilité, les compléments et l'examen d'éligibilité,
par les services, sur SQLite et PostgreSQL ; la fiche d'instruction relue dans le PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction.domaine import eligibilite as el
from instruction.domaine import workflow
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services import complements
from instruction.services import dossier as service_dossier
from instruction.services import examen as service_examen
from instruction.services import instruction as circuit
from tests import fabrique

# --- Le circuit, sans base ----------------------------------------------------------------------------


@pytest.mark.parametrize("de, vers, message", [
    ("depose", "en_instruction", "ne peut pas passer à l.état « En instruction » ; depuis cet état, il peut passer à : « Recevable »"),
    ("depose", "retenu", "ne peut pas passer à l.état « Retenu »"),
    ("recevable", "instruit", "ne peut pas passer"),
    ("retenu", "refuse", "ne peut pas passer"),
    ("solde", "en_cours", "état final"),
    ("refuse", "sans_suite", "état final"),
    ("sans_suite", "depose", "état final"),
    ("depose", "inconnu", "État inconnu"),
])
def test_passages_interdits_refuses_avec_la_raison(de, vers, message):
    with pytest.raises(DonneesInvalides, match=message):
        workflow.verifier(de, vers, "motif")


@pytest.mark.parametrize("de, vers", [("instruit", "refuse"), ("instruit", "ajourne"), ("en_cours", "sans_suite"),
                                      ("instruit", "en_instruction")])
def test_refus_ajournement_sans_suite_exigent_un_motif(de, vers):
    with pytest.raises(DonneesInvalides, match="motif"):
        workflow.verifier(de, vers, "   ")
    assert workflow.verifier(de, vers, "Projet déjà financé par le FIPD").vers == vers


def test_sans_suite_depuis_tout_etat_ouvert_et_jamais_depuis_un_etat_final():
    for etat in Etat:
        possibles = {p.vers for p in workflow.passages(etat)}
        assert (Etat.SANS_SUITE in possibles) == (etat not in workflow.TERMINAUX)
    # Chaque état est atteignable depuis « déposé ».
    vus, a_voir = {Etat.DEPOSE}, [Etat.DEPOSE]
    while a_voir:
        for p in workflow.passages(a_voir.pop()):
            if p.vers not in vus:
                vus.add(p.vers)
                a_voir.append(p.vers)
    assert vus == set(Etat)


# --- Le circuit en base -------------------------------------------------------------------------------


def _etat(contexte, dossier_id):
    with contexte.unite() as uow:
        return circuit.lire(uow, dossier_id)


def _passer(contexte, dossier_id, vers, motif=None, **options):
    with contexte.unite() as uow:
        fait = circuit.changer_etat(uow, dossier_id, vers, motif, **options)
        uow.valider()
    return fait


def _examiner(contexte, dossier_id, **changements):
    """Enregistre un examen : résultats calculés confirmés, sauf ``changements`` (code → (statut, commentaire))."""
    with contexte.unite() as uow:
        evaluation = service_examen.evaluer(uow, dossier_id)
        decisions = [el.Decision(c.code, *changements.get(c.code, (c.resultat.statut, ""))) for c in evaluation.criteres]
        examen = service_examen.enregistrer_examen(uow, dossier_id, decisions, "Dossier solide.")
        uow.valider()
    return examen


def test_un_dossier_cree_entre_dans_le_circuit_a_l_etat_depose(contexte):
    contexte.acteur = "c.caron"
    identifiant = fabrique.dossier(contexte)
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.DEPOSE
    assert [(h.de, h.vers, h.acteur) for h in etat.historique] == [(None, "depose", "c.caron")]
    assert [p.vers for p in etat.passages] == [Etat.RECEVABLE, Etat.INCOMPLET, Etat.SANS_SUITE]


def test_circuit_complet_chaque_passage_est_garde(contexte):
    contexte.acteur = "m.lefebvre"
    identifiant = fabrique.dossier(contexte)
    _passer(contexte, identifiant, Etat.RECEVABLE)
    _passer(contexte, identifiant, Etat.EN_INSTRUCTION)
    with pytest.raises(DonneesInvalides, match="examen d'éligibilité n'est pas enregistré"):
        _passer(contexte, identifiant, Etat.INSTRUIT)
    _examiner(contexte, identifiant)
    with pytest.raises(DonneesInvalides, match="égalité femmes hommes » n'est pas cotée"):  # l. 2647
        _passer(contexte, identifiant, Etat.INSTRUIT)
    fabrique.coter_egalite(contexte, identifiant)
    _passer(contexte, identifiant, Etat.INSTRUIT, "Proposition favorable")
    with pytest.raises(DonneesInvalides, match="motif"):
        _passer(contexte, identifiant, Etat.REFUSE)
    _passer(contexte, identifiant, Etat.RETENU, "Comité du 12/03/2027")
    _passer(contexte, identifiant, Etat.CONVENTIONNE)
    _passer(contexte, identifiant, Etat.EN_COURS)
    _passer(contexte, identifiant, Etat.SOLDE)
    with pytest.raises(DonneesInvalides, match="état final"):
        _passer(contexte, identifiant, Etat.SANS_SUITE, "Erreur")
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.SOLDE and etat.passages == ()
    assert [h.vers for h in etat.historique] == ["depose", "recevable", "en_instruction", "instruit", "retenu",
                                                 "conventionne", "en_cours", "solde"]
    assert all(h.acteur == "m.lefebvre" for h in etat.historique)
    assert [h.de for h in etat.historique[1:]] == [h.vers for h in etat.historique[:-1]]
    assert etat.historique[4].motif == "Comité du 12/03/2027"
    with contexte.unite() as uow:
        dossier = uow.session.get(m.Dossier, identifiant)
        assert dossier.etat == "solde" and dossier.etat_depuis == etat.historique[-1].le
    # La liste des dossiers montre l'état.
    from instruction.services import dossiers

    with contexte.unite() as uow:
        ligne = next(l for l in dossiers.lister(uow) if l.id == identifiant)
    assert ligne.etat == "solde" and str(ligne.etat_depuis)[:16] == str(etat.historique[-1].le)[:16]


def test_un_passage_refuse_ne_change_rien(contexte):
    identifiant = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="il peut passer à"):
            circuit.changer_etat(uow, identifiant, Etat.RETENU)
        uow.valider()
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.DEPOSE and len(etat.historique) == 1


def test_sans_suite_exige_un_motif_et_est_garde(contexte):
    identifiant = fabrique.dossier(contexte)
    with pytest.raises(DonneesInvalides, match="motif"):
        _passer(contexte, identifiant, Etat.SANS_SUITE, "")
    _passer(contexte, identifiant, Etat.SANS_SUITE, "Le porteur retire sa demande (courriel du 03/12)")
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.SANS_SUITE and etat.historique[-1].motif.startswith("Le porteur retire")


# --- Recevabilité et compléments ---------------------------------------------------------------------


def test_recevable_refuse_avec_la_liste_des_manques(contexte):
    def desequilibrer(saisie):
        saisie.budget[2]["montant"] = "1 000"  # 1 000 € de produits en moins

    identifiant = fabrique.dossier(contexte, complet=False, modifier=desequilibrer)
    points = {p.code: p for p in _etat(contexte, identifiant).recevabilite}
    assert not points["budget-equilibre"].respecte and not points["piece-statuts"].respecte
    assert points["signataire"].respecte and points["siret"].respecte
    assert "l. " in points["objectifs"].source or "Contrat de ville" in points["objectifs"].source
    with pytest.raises(DonneesInvalides) as erreur:
        _passer(contexte, identifiant, Etat.RECEVABLE)
    assert "pas équilibré" in erreur.value.message and "1\u202f000,00" in erreur.value.message
    assert "Pièce manquante : Statuts" in erreur.value.message
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.DEPOSE and etat.complet_le is None


def test_demande_de_complements_puis_reception_puis_recevable(contexte):
    identifiant = fabrique.dossier(contexte)
    with pytest.raises(DonneesInvalides, match="compléments demandés"):
        _passer(contexte, identifiant, Etat.INCOMPLET, "  ")
    with contexte.unite() as uow:
        circuit.demander_complements(uow, identifiant, "RIB au nom de l'association",
                                     echeance=dt.date.today() + dt.timedelta(days=15))
        circuit.demander_complements(uow, identifiant, "Budget 2027 de la structure")  # déjà incomplet : ajoutée
        uow.valider()
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.INCOMPLET
    assert [c.objet for c in etat.complements_attendus] == ["RIB au nom de l'association",
                                                            "Budget 2027 de la structure"]
    assert etat.historique[-1].motif == "RIB au nom de l'association"
    with pytest.raises(DonneesInvalides, match="ne sont pas encore reçus : RIB"):
        _passer(contexte, identifiant, Etat.RECEVABLE)
    premiere, seconde = etat.complements
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="avant d'avoir été demandés"):
            complements.marquer_recus(uow, premiere.id, premiere.demandee_le - dt.timedelta(days=1))
        with pytest.raises(DonneesInvalides, match="dans le futur"):
            complements.marquer_recus(uow, premiere.id, dt.date.today() + dt.timedelta(days=2))
        complements.marquer_recus(uow, premiere.id, dt.date.today(), "Reçu par courriel")
        complements.marquer_recus(uow, seconde.id, dt.date.today())
        uow.valider()
    _passer(contexte, identifiant, Etat.RECEVABLE)
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.RECEVABLE and etat.complet_le is not None
    assert etat.complements[0].recue_le == dt.date.today() and etat.complements[0].commentaire == "Reçu par courriel"
    # Redemander des compléments à un dossier recevable le fait repasser « incomplet ».
    _passer(contexte, identifiant, Etat.INCOMPLET, "Attestation d'assurance")
    etat = _etat(contexte, identifiant)
    assert etat.etat == Etat.INCOMPLET and etat.complet_le is None and len(etat.complements_attendus) == 1


def test_une_echeance_avant_la_demande_est_refusee(contexte):
    identifiant = fabrique.dossier(contexte)
    with pytest.raises(DonneesInvalides, match="échéance"):
        _passer(contexte, identifiant, Etat.INCOMPLET, "RIB", echeance=dt.date.today() - dt.timedelta(days=1))
    assert _etat(contexte, identifiant).etat == Etat.DEPOSE


# --- Examen d'éligibilité -------------------------------------------------------------------------


def test_examen_garde_chaque_critere_et_le_verdict(contexte):
    contexte.acteur = "s.dubois"
    identifiant = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        evaluation = service_examen.evaluer(uow, identifiant)
    codes = [c.code for c in evaluation.criteres]
    assert codes == ["cdv-hors-temps-scolaire", "cdv-benefice-direct-qpv", "cdv-beneficiaires-qpv",
                     "cdv-porteur-eligible", "cdv-pas-de-reconduction", "cdv-cofinancement", "cdv-orientation-fipdr",
                     "convention-action-retenue", "copil-annuel", "convention-obligatoire", "drac-valorisation",
                     "secteur-vigilance-credits-pv"]
    resultats = evaluation.resultats()
    assert resultats["cdv-hors-temps-scolaire"].statut == el.RESPECTE
    # État et Ville : des crédits politique de la ville (l. 373) ; une recommandation non suivie, pas une exclusion.
    assert resultats["cdv-cofinancement"].statut == el.NON_RESPECTE
    assert "Ville de Calais" in resultats["cdv-cofinancement"].explication
    assert resultats["cdv-beneficiaires-qpv"].statut == el.RESPECTE  # 30 sur 40
    with pytest.raises(DonneesInvalides, match="commentaire est obligatoire"):
        _examiner(contexte, identifiant, **{"cdv-porteur-eligible": (el.NON_RESPECTE, "")})
    assert _etat(contexte, identifiant).examen is None, "rien n'est écrit"
    examen = _examiner(contexte, identifiant, **{"cdv-porteur-eligible": (el.NON_RESPECTE, "Statuts non conformes")})
    assert examen.verdict == el.NON_ELIGIBLE and examen.acteur == "s.dubois"
    modifie = next(c for c in examen.criteres if c.critere == "cdv-porteur-eligible")
    assert modifie.statut_auto == el.RESPECTE and modifie.statut == el.NON_RESPECTE and modifie.change
    assert modifie.commentaire == "Statuts non conformes" and "3565" in modifie.source
    # L'examen suivant reprend la décision précédente et la remplace.
    with contexte.unite() as uow:
        assert service_examen.evaluer(uow, identifiant).criteres[3].precedent.commentaire == "Statuts non conformes"
    assert _examiner(contexte, identifiant).verdict == el.ELIGIBLE
    assert _etat(contexte, identifiant).examen.verdict == el.ELIGIBLE


def test_un_critere_a_verifier_empeche_de_terminer_l_instruction(contexte):
    def sans_seance(saisie):
        saisie.seances = []

    identifiant = fabrique.dossier(contexte, modifier=sans_seance)
    _passer(contexte, identifiant, Etat.RECEVABLE)
    _passer(contexte, identifiant, Etat.EN_INSTRUCTION)
    examen = _examiner(contexte, identifiant)
    assert examen.verdict == el.A_COMPLETER
    with pytest.raises(DonneesInvalides, match="restent à vérifier : Action hors temps scolaire"):
        _passer(contexte, identifiant, Etat.INSTRUIT)
    _examiner(contexte, identifiant, **{"cdv-hors-temps-scolaire": (el.RESPECTE, "Planning reçu : mercredis")})
    fabrique.coter_egalite(contexte, identifiant)
    _passer(contexte, identifiant, Etat.INSTRUIT)
    # Instruit : l'examen ne se refait qu'en reprenant l'instruction (avec un motif).
    with pytest.raises(DonneesInvalides, match="reprenez d'abord l'instruction"):
        _examiner(contexte, identifiant)
    _passer(contexte, identifiant, Etat.EN_INSTRUCTION, "Budget revu par le porteur")
    _examiner(contexte, identifiant, **{"cdv-hors-temps-scolaire": (el.RESPECTE, "Planning reçu : mercredis")})


def test_reconduction_comparee_a_l_action_de_l_annee_precedente(contexte):
    premier = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        campagne = service_dossier.creer_campagne(uow, "cdv", 2028)
        donnees = service_dossier.lire(uow, premier).donnees
        from dataclasses import replace

        second = service_dossier.enregistrer(uow, None, replace(donnees, campagne_id=campagne.id))
        uow.valider()
    with contexte.unite() as uow:
        resultat = service_examen.evaluer(uow, second).resultats()["cdv-pas-de-reconduction"]
    assert resultat.statut == el.A_VERIFIER and "CDV-2027-001 (2027)" in resultat.explication  # l. 3962
    assert ("Intitulé", "Jardin partagé des Fontinettes", "Jardin partagé des Fontinettes") in resultat.comparaison


def test_seuils_regles_dans_l_application(contexte):
    with contexte.unite() as uow:
        reglages = {r.cle: r for r in service_examen.liste_reglages(uow)}
    cle = "critere.cdv-beneficiaires-qpv.seuil"
    assert reglages[cle].valeur == reglages[cle].defaut == Decimal(50) and reglages[cle].pourcentage
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides) as erreur:
            service_examen.regler(uow, {cle: "120", "critere.ce-enveloppe-contrainte.enveloppe_2027": "beaucoup",
                                 "critere.inconnu.x": "1"})
        message = erreur.value.message
        assert "ne dépasse pas 100" in message and "« beaucoup » n'est pas un nombre" in message
        assert "Réglage inconnu : critere.inconnu.x" in message
        uow.valider()
    with contexte.unite() as uow:
        assert service_examen.reglages(uow) == {}, "rien n'est écrit"
        service_examen.regler(uow, {cle: "80", "critere.ce-enveloppe-contrainte.enveloppe_2027": "510 000,50"})
        uow.valider()
    with contexte.unite() as uow:
        assert service_examen.reglages(uow) == {cle: "80", "critere.ce-enveloppe-contrainte.enveloppe_2027": "510000.5"}
    identifiant = fabrique.dossier(contexte)  # 30 bénéficiaires sur 40 en QPV : 75 % < 80 %
    with contexte.unite() as uow:
        resultat = service_examen.evaluer(uow, identifiant).resultats()["cdv-beneficiaires-qpv"]
    assert resultat.statut == el.A_VERIFIER and "seuil 80 %" in resultat.explication
    with contexte.unite() as uow:
        service_examen.regler(uow, {cle: "50"})  # revenir au défaut efface le réglage
        uow.valider()
    with contexte.unite() as uow:
        assert cle not in service_examen.reglages(uow)


# --- Fiche d'instruction -----------------------------------------------------------------------------


def test_fiche_d_instruction_relue_dans_le_pdf(contexte, tmp_path):
    from pypdf import PdfReader

    from instruction.rapports import fiche_instruction
    from instruction.services.fiche_instruction import lire as lire_fiche

    identifiant = fabrique.dossier(contexte)
    _passer(contexte, identifiant, Etat.RECEVABLE)
    _passer(contexte, identifiant, Etat.EN_INSTRUCTION)
    _examiner(contexte, identifiant, **{"cdv-cofinancement": (el.A_VERIFIER, "Attendre la réponse de la CAF")})
    with contexte.unite() as uow:
        fiche = lire_fiche(uow, identifiant)
    fichier = fiche_instruction.ecrire(fiche, tmp_path / fiche_instruction.nom_de_fichier(fiche.numero))
    lecteur = PdfReader(fichier)
    assert 1 <= len(lecteur.pages) <= 2
    texte = " ".join(" ".join(page.extract_text() for page in lecteur.pages).split())  # espaces et retours à la ligne
    for attendu in ("Fiche d'instruction", "CDV-2027-001", "Jardin partagé des Fontinettes",
                    "Association Les Jardiniers des Fontinettes", "Beau Marais", "OS22.1",
                    "Coût total de l'action : 4 200,50 €", "2 000,00 €", "1 500,00 €", "3 500,00 €",
                    "47,6 %", "35,7 %",  # parts de l'État et de la Ville dans le coût
                    "Action hors temps scolaire", "Pas de reconduction", "Verdict : À compléter",
                    "Attendre la réponse de la CAF", "Contrat de ville, appel à projets CDV, l. 3565",
                    "Grilles transversales", "Montant proposé", "Avis des référents",
                    "Déposé › Recevable", "En instruction"):
        assert attendu in texte, attendu
    assert lecteur.metadata.title == "Fiche d'instruction CDV-2027-001"


def test_fiche_d_instruction_dans_un_dossier_non_inscriptible(contexte, tmp_path):
    from instruction.domaine.erreurs import ErreurInstruction
    from instruction.rapports import fiche_instruction
    from instruction.services.fiche_instruction import lire as lire_fiche

    identifiant = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        fiche = lire_fiche(uow, identifiant)
    with pytest.raises(ErreurInstruction, match="Impossible d'écrire"):
        fiche_instruction.ecrire(fiche, tmp_path / "absent" / "fiche.pdf")
    assert not list(tmp_path.glob("**/*.en-cours"))


# --- La démonstration suit le circuit ------------------------------------------------------------------


def test_les_dossiers_de_demonstration_ont_un_historique_coherent(url_demo):
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite() as uow:
            dossiers = uow.session.scalars(
                select(m.Dossier).join(m.Campagne).where(m.Campagne.annee == 2023)).all()
            incomplets = 0
            for dossier in dossiers:
                historique = circuit.historique(uow, dossier.id)
                assert historique[0].vers == "depose" and historique[-1].vers == dossier.etat
                assert circuit._jour_a_paris(dossier.etat_depuis) == historique[-1].date  # date métier
                for avant, apres in zip(historique, historique[1:], strict=False):
                    assert apres.de == avant.vers and apres.date >= avant.date
                    workflow.verifier(avant.vers, apres.vers, apres.motif)
                incomplets += any(h.vers == "incomplet" for h in historique)
                examen = service_examen.dernier_examen(uow, dossier.id)
                assert examen.verdict == el.ELIGIBLE
                assert all(c.commentaire for c in examen.criteres if c.change)
            assert 0 < incomplets < len(dossiers) // 4
    finally:
        contexte.fermer()


def test_la_campagne_2027_de_demonstration_est_a_chaque_etape_du_circuit(url_demo):
    from collections import Counter

    from instruction.domaine import budget
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite() as uow:
            dossiers = uow.session.scalars(
                select(m.Dossier).join(m.Campagne).where(m.Campagne.annee == 2027).order_by(m.Dossier.numero)).all()
            assert Counter(d.etat for d in dossiers) == {"depose": 4, "incomplet": 2, "recevable": 2,
                                                         "en_instruction": 4, "instruit": 2}
            for dossier in dossiers:
                fiche = service_dossier.lire(uow, dossier.id)
                assert budget.ecart(fiche.donnees.lignes_budget()) == 0
                assert fiche.donnees.renouvellement and fiche.donnees.renouvelle_id is not None
                etat = circuit.lire(uow, dossier.id)
                assert [h.vers for h in etat.historique][-1] == dossier.etat
                if dossier.etat in ("recevable", "en_instruction", "instruit"):
                    assert etat.recevable and etat.complet_le is not None
                if dossier.etat == "incomplet":
                    assert len(etat.complements_attendus) == 1
            # Deux dossiers déposés n'ont pas toutes leurs pièces : la recevabilité le dit.
            incomplets = [d.numero for d in dossiers if d.etat == "depose" and not circuit.lire(uow, d.id).recevable]
            assert incomplets == ["CDV-2027-011", "CDV-2027-013"]
            # Les reprises à l'identique sont à vérifier (l. 3962), sauf celle couverte par une CPO ; les actions
            # renouvelées ne sont pas signalées.
            reconduction = {d.numero: service_examen.evaluer(uow, d.id).resultats()["cdv-pas-de-reconduction"].statut
                            for d in dossiers}
            assert [n for n, s in reconduction.items() if s == el.A_VERIFIER] == [
                "CDV-2027-004", "CDV-2027-008", "CDV-2027-012"]
            assert reconduction["CDV-2027-001"] == el.SANS_OBJET
            verdicts = {d.numero: service_examen.dernier_examen(uow, d.id) for d in dossiers}
            assert {n: e.verdict for n, e in verdicts.items() if e} == {
                "CDV-2027-001": el.ELIGIBLE, "CDV-2027-002": el.ELIGIBLE, "CDV-2027-003": el.A_COMPLETER,
                "CDV-2027-004": el.A_COMPLETER}  # une reprise à l'identique n'exclut plus (l. 3962)
    finally:
        contexte.fermer()
