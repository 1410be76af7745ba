"""Fidélité au contrat, au-delà des critères : pièces exigées (notice du CERFA 12156, l. 3546, 3669-3670), grille
égalité exigée pour terminer l'instruction (l. 2647), CPO qui exempte de la règle de reconduction (l. 3962), DRAC
(cas b, l. 8429) — d'abord en règles pures, puis dans les services sur une vraie base."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from instruction.domaine import dossier as d
from instruction.domaine import eligibilite as el
from instruction.domaine import grilles, pieces, recevabilite, workflow
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from tests import fabrique

EFH = "egalite-femmes-hommes"


def _exigees(type_porteur, dispositif, **options) -> set[str]:
    return {t.code for t in pieces.types() if t.exigee(type_porteur, dispositif, **options)}


# --- Pièces ----------------------------------------------------------------------------------------------


def test_l3669_groupe_d_habitants_pic_ni_cerfa_ni_rib_mais_sa_fiche_projet():
    pic = _exigees("groupe-habitants", "pic")
    assert "demande-signee" not in pic and "rib" not in pic and "fiche-projet-pic" in pic
    bp = _exigees("groupe-habitants", "budget-participatif")  # l. 3546
    assert "demande-signee" not in bp and "rib" not in bp and "fiche-idee-bp" in bp
    # Limite : une association de proximité du PIC est constituée, elle dépose le CERFA et son RIB.
    association = _exigees("association", "pic")
    assert {"demande-signee", "rib", "statuts"} <= association and "fiche-projet-pic" not in association
    # Un groupe d'habitants hors PIC et budget participatif dépose le CERFA (sans RIB : il n'a pas de compte).
    assert "demande-signee" in _exigees("groupe-habitants", "fics") and "rib" not in _exigees("groupe-habitants", "fics")


def test_cerfa_12156_renouvellement_statuts_liste_et_rib_seulement_s_ils_ont_change():
    premiere = _exigees("association", "cdv")
    assert {"statuts", "liste-dirigeants", "rib"} <= premiere
    inchange = _exigees("association", "cdv", renouvellement=True)
    assert not {"statuts", "liste-dirigeants", "rib"} & inchange
    assert {"demande-signee", "comptes-approuves", "rapport-activite", "budget-structure"} <= inchange
    banque = _exigees("association", "cdv", renouvellement=True, changements=frozenset({"compte"}))
    assert "rib" in banque and "statuts" not in banque and "liste-dirigeants" not in banque
    tout = _exigees("association", "cdv", renouvellement=True, changements=frozenset(pieces.SUJETS))
    assert {"statuts", "liste-dirigeants", "rib"} <= tout


def test_changements_depuis_la_demande_renouvelee():
    depot = dt.date(2026, 11, 2)
    debuts = {"nom": [None], "representant": [None, depot], "compte": [None, depot + dt.timedelta(days=1)]}
    # Limite : une version ouverte le jour même du dépôt précédent était connue de ce dépôt.
    assert pieces.changements_depuis(depot, debuts) == frozenset({"compte"})
    assert pieces.changements_depuis(depot - dt.timedelta(days=1), debuts) == frozenset({"representant", "compte"})
    assert pieces.changements_depuis(None, debuts) == frozenset()


def test_recevabilite_d_un_groupe_d_habitants_pic_et_d_un_renouvellement():
    donnees = d.DonneesDossier(1, 1, "Fête des voisins", description="Repas partagé.", objectifs=("OS03.1",),
                               quartiers=("beau-marais",), beneficiaires=40, date_debut=dt.date(2027, 5, 1),
                               date_fin=dt.date(2027, 5, 1),
                               budget=(d.LigneBudget("charge", "60", Decimal("800")),
                                       d.LigneBudget("produit", "74", Decimal("800"), "region")))
    groupe = d.Porteur("groupe-habitants", None, "Mme Lefebvre")
    points = {p.code: p for p in recevabilite.points(donnees, groupe, "pic", [])}
    assert "piece-demande-signee" not in points and "piece-rib" not in points and "siret" not in points
    assert not points["piece-fiche-projet-pic"].respecte
    assert all(p.respecte for p in recevabilite.points(donnees, groupe, "pic", ["fiche-projet-pic"]))
    renouvele = dataclasses.replace(donnees, renouvellement=True)
    association = d.Porteur("association", "73282932000074", "Mme Lefebvre")
    codes = {p.code for p in recevabilite.points(renouvele, association, "cdv", [])}
    assert "piece-rib" not in codes and "piece-comptes-approuves" in codes
    banque = dataclasses.replace(association, changements=frozenset({"compte"}))
    assert "piece-rib" in {p.code for p in recevabilite.points(renouvele, banque, "cdv", [])}


# --- Grilles : l'égalité obligatoire, les autres facultatives ---------------------------------------------------


def test_l2647_seule_la_grille_egalite_est_obligatoire():
    obligatoires = {g.code: g.obligatoire for g in grilles.charger()}
    assert obligatoires == {EFH: True, "illettrisme-illectronisme": False, "handicap": False}


def test_l2647_instruit_exige_la_cotation_de_la_grille_egalite():
    with pytest.raises(DonneesInvalides, match="Grille de cotation égalité femmes hommes » n'est pas cotée.*2647"):
        workflow.exiger_grilles_cotees({})
    with pytest.raises(DonneesInvalides, match="n'est pas cotée"):
        workflow.exiger_grilles_cotees({EFH: None, "handicap": 2})  # commencée, pas finie
    workflow.exiger_grilles_cotees({EFH: 0})  # limite : une cotation 0 est une cotation
    workflow.exiger_grilles_cotees({EFH: 2, "handicap": None})  # les autres grilles sont facultatives


# --- Dans les services, sur une vraie base ----------------------------------------------------------------------


def _passer(contexte, dossier_id, vers, motif=None):
    from instruction.services import instruction as circuit

    with contexte.unite() as uow:
        circuit.changer_etat(uow, dossier_id, vers, motif)
        uow.valider()


def _examiner(contexte, dossier_id):
    from instruction.services import examen as service_examen

    with contexte.unite() as uow:
        evaluation = service_examen.evaluer(uow, dossier_id)
        decisions = [el.Decision(c.code, c.resultat.statut) for c in evaluation.criteres]
        examen = service_examen.enregistrer_examen(uow, dossier_id, decisions)
        uow.valider()
    return examen


def _coter(contexte, dossier_id, code=EFH, reponse="non", moitie=False):
    from instruction.services import cotations

    questions = [q.code for q in grilles.par_code()[code].courante.questions]
    with contexte.unite() as uow:
        cotations.repondre_plusieurs(uow, dossier_id, code, {q: (reponse, None)
                                                             for q in questions[: len(questions) // 2 if moitie else None]})
        uow.valider()


def test_l2647_instruit_refuse_sans_la_grille_egalite_en_base(contexte):
    from instruction.services import instruction as circuit

    identifiant = fabrique.dossier(contexte)
    _passer(contexte, identifiant, Etat.RECEVABLE)
    _passer(contexte, identifiant, Etat.EN_INSTRUCTION)
    assert _examiner(contexte, identifiant).verdict == el.ELIGIBLE
    with pytest.raises(DonneesInvalides, match="égalité femmes hommes » n'est pas cotée"):
        _passer(contexte, identifiant, Etat.INSTRUIT)
    _coter(contexte, identifiant, "handicap")  # une grille facultative ne suffit pas
    _coter(contexte, identifiant, moitie=True)  # ni une grille égalité commencée
    with pytest.raises(DonneesInvalides, match="n'est pas cotée"):
        _passer(contexte, identifiant, Etat.INSTRUIT)
    with contexte.unite() as uow:
        assert circuit.lire(uow, identifiant).etat == Etat.EN_INSTRUCTION, "rien n'est écrit"
    _coter(contexte, identifiant)  # toutes les réponses « non » : cotation 0, une cotation quand même
    _passer(contexte, identifiant, Etat.INSTRUIT, "Proposition favorable")
    with contexte.unite() as uow:
        assert circuit.lire(uow, identifiant).etat == Etat.INSTRUIT


def test_l3962_une_cpo_exempte_de_la_regle_de_reconduction_en_base(contexte):
    from instruction.services import dossier as service_dossier
    from instruction.services import examen as service_examen
    from instruction.services import pieces as service_pieces

    premier = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        campagne = service_dossier.creer_campagne(uow, "cdv", 2028)
        donnees = service_dossier.lire(uow, premier).donnees
        second = service_dossier.enregistrer(uow, None, dataclasses.replace(donnees, campagne_id=campagne.id))
        uow.valider()
    with contexte.unite() as uow:
        resultat = service_examen.evaluer(uow, second).resultats()["cdv-pas-de-reconduction"]
    assert resultat.statut == el.A_VERIFIER and resultat.comparaison  # côte à côte, pas exclue
    with contexte.unite() as uow:
        service_pieces.ajouter(uow, second, "cpo", "cpo-2027-2029.pdf", b"%PDF-1.4 CPO", dt.date(2027, 1, 15))
        uow.valider()
    with contexte.unite() as uow:
        evaluation = service_examen.evaluer(uow, second)
    resultat = evaluation.resultats()["cdv-pas-de-reconduction"]
    assert resultat.statut == el.SANS_OBJET and "CPO" in resultat.explication


def test_l8429_drac_cas_b_accepte_en_base(contexte):
    """Une ligne DRAC « L'été culturel », sollicitée et non consolidée, est acceptée : le dossier reste éligible."""
    from instruction.services import examen as service_examen

    def drac(saisie):
        saisie.budget.append({"sens": "produit", "compte": "74", "financeur": "drac",
                              "libelle": "L'été culturel 2027 — sollicité, non consolidé", "montant": "500"})
        saisie.budget[1]["montant"] = "3 500"  # la charge suit : le budget reste équilibré

    identifiant = fabrique.dossier(contexte, modifier=drac)
    with contexte.unite() as uow:
        resultat = service_examen.evaluer(uow, identifiant).resultats()["drac-valorisation"]
    assert resultat.statut == el.RESPECTE and "cas b" in resultat.explication
    _passer(contexte, identifiant, Etat.RECEVABLE)
    _passer(contexte, identifiant, Etat.EN_INSTRUCTION)
    assert _examiner(contexte, identifiant).verdict == el.ELIGIBLE


def test_renouvellement_rib_redemande_seulement_apres_un_changement_de_compte(contexte):
    from instruction.services import dossier as service_dossier
    from instruction.services import instruction as circuit
    from instruction.services import porteurs

    premier = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        campagne = service_dossier.creer_campagne(uow, "cdv", 2028)
        donnees = service_dossier.lire(uow, premier).donnees
        renouvele = service_dossier.enregistrer(uow, None, dataclasses.replace(
            donnees, campagne_id=campagne.id, renouvellement=True, renouvelle_id=premier))
        uow.valider()
    with contexte.unite() as uow:
        codes = {p.code for p in circuit.points_de_recevabilite(uow, renouvele)}
        manques = service_dossier.lire(uow, renouvele).manques
    assert "piece-rib" not in codes and "piece-statuts" not in codes and "piece-comptes-approuves" in codes
    assert not any("Relevé d'identité bancaire" in m for m in manques)
    with contexte.unite() as uow:
        porteur_id = service_dossier.lire(uow, premier).donnees.porteur_id
        demain = dt.date.today() + dt.timedelta(days=1)
        porteurs.changer(uow, porteur_id, "comptes", {"titulaire": "AJF", "iban": "FR7630001007941234567890185",
                                                      "bic": "BDFEFRPP"}, demain.strftime("%d/%m/%Y"))
        uow.valider()
    with contexte.unite() as uow:
        points = {p.code: p for p in circuit.points_de_recevabilite(uow, renouvele)}
        manques = service_dossier.lire(uow, renouvele).manques
    assert not points["piece-rib"].respecte and "piece-statuts" not in points
    assert any("Relevé d'identité bancaire" in m for m in manques)
