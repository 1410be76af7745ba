"""Conventions, CPO et avenants : choix de l'acte, signature et date d'effet, avenants, résiliation (SQLite et
PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from instruction.db.modeles.conventions import Avenant
from instruction.domaine import argent
from instruction.domaine import conventions as dc
from instruction.domaine import eligibilite as el
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import avenants, historique, lecture_conventions
from instruction.services import conventions as sc
from instruction.services import examen as service_examen
from instruction.services import versements as sv
from tests.conventions_outils import dossier_retenu

D = Decimal


# --- Règles pures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dispositif, type_porteur, montant, pluriannuel, acte, regle", [
    ("cdv", "association", "800", False, "convention", "cdv-toujours-conventionne"),  # quel que soit le montant
    ("ce", "etablissement-scolaire", "500", False, "convention", "ce-toujours-conventionne"),
    ("cdv", "association", "40000", True, "cpo", "cpo-pluriannuel"),
    ("ce", "association", "10000", True, "cpo", "cpo-pluriannuel"),
    ("fics", "association", "23000.01", False, "convention", "loi-23000-prive"),  # au-delà de 23 000 € par an
    ("fics", "association", "23000", False, "notification", "notification"),  # 23 000 € pile : pas « au-delà »
    ("fics", "collectivite", "90000", False, "notification", "notification"),  # personne publique
    ("pic", "groupe-habitants", "1200", False, "notification", "notification"),
    ("fics", "association", "5000", True, "notification", "notification"),  # la CPO est celle des AAP CDV et CE
])
def test_l_acte_choisi_par_les_regles_declarees(dispositif, type_porteur, montant, pluriannuel, acte, regle):
    choix = dc.choisir_acte(dc.SituationActe(dispositif, type_porteur, "ville-calais", D(montant), pluriannuel))
    assert (choix.acte.value, choix.regle) == (acte, regle)
    assert choix.source and choix.raison


def test_chaque_regle_dit_sa_source_et_l_instructeur_force_avec_motif():
    regles = dc.charger_regles()
    sources = {r.code: r.source for r in regles.regles}
    assert "3960" in sources["cdv-toujours-conventionne"] and "3977" in sources["ce-toujours-conventionne"]
    assert "3961" in sources["cpo-pluriannuel"] and "2000-321" in sources["loi-23000-prive"]
    assert regles.cpo_max == 4 and regles.regles[-1].si == {}
    choix = dc.choisir_acte(dc.SituationActe("cdv", "association", "ville-calais", D("800")))
    with pytest.raises(DonneesInvalides, match="Indiquez le motif"):
        dc.forcer_acte(choix, "notification", "")
    force = dc.forcer_acte(choix, "notification", "Subvention exceptionnelle d'amorçage")
    assert force.acte == dc.TypeActe.NOTIFICATION and force.force and "amorçage" in force.raison


def test_date_d_effet_et_echeance_du_compte_rendu():
    assert dc.date_effet([dt.date(2027, 3, 2), dt.date(2027, 3, 9)]) == dt.date(2027, 3, 9)  # l. 7501
    assert dc.date_effet([dt.date(2027, 3, 2), None]) is None
    assert dc.mois_plus(dt.date(2023, 12, 31), 6) == dt.date(2024, 6, 30)
    assert dc.mois_plus(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert dc.mois_plus(dt.date(2023, 6, 15), 6) == dt.date(2023, 12, 15)


def test_l_echeancier_propose_tombe_juste_au_centime():
    montants = (dc.MontantAnnuel(2027, "ville-calais", D("1000.01")), dc.MontantAnnuel(2028, "ville-calais", D("333.33"),
                                                                                     False))
    echeances = dc.echeancier_propose(dc.TypeActe.CPO, montants)
    assert [(e.exercice, e.nature, e.apres_compte_rendu) for e in echeances] == [
        (2027, "avance", False), (2027, "solde", True), (2028, "avance", False), (2028, "solde", True)]
    assert sum(e.montant for e in echeances if e.exercice == 2027) == D("1000.01")
    assert sum(e.montant for e in echeances if e.exercice == 2028) == D("333.33")


# --- Services -----------------------------------------------------------------------------------------


def _signee(contexte, dossier_id, financeur="ville-calais", **options) -> int:
    with contexte.unite() as uow:
        identifiant = sc.creer(uow, dossier_id, financeur, **options)
        sc.changer_etat(uow, identifiant, "a_signer")
        sc.signer(uow, identifiant, "attribuant", "Le maire adjoint")
        sc.signer(uow, identifiant, "beneficiaire", "Sandrine Lefebvre, présidente")
        uow.valider()
    return identifiant


def test_preparer_signer_date_d_effet_et_dossier_conventionne(contexte):
    dossier_id = dossier_retenu(contexte)
    with contexte.unite() as uow:
        a_faire = lecture_conventions.a_preparer(uow, dossier_id)
        assert [(a.financeur_code, a.montant, a.choix.acte) for a in a_faire] == [
            ("etat-pv", D("2000.00"), dc.TypeActe.CONVENTION), ("ville-calais", D("1500.00"), dc.TypeActe.CONVENTION)]
        ville = sc.creer(uow, dossier_id, "ville-calais")
        etat = sc.creer(uow, dossier_id, "etat-pv")
        with pytest.raises(DonneesInvalides, match="déjà son acte"):
            sc.creer(uow, dossier_id, "ville-calais")
        with pytest.raises(DonneesInvalides, match="ne prépare pas les actes"):
            sc.creer(uow, dossier_id, "caf")
        uow.valider()
    with contexte.unite() as uow:
        fiche = sc.lire(uow, ville)
        annee = fiche.annee
        assert fiche.numero == f"{annee}-VILLE-CALAIS-001" and sc.lire(uow, etat).numero == f"{annee}-ETAT-PV-001"
        t = fiche.termes
        assert (t.attribuant.nom, t.attribuant.siren) == ("Ville de Calais", "216201939")
        assert (t.beneficiaire.nom, t.beneficiaire.siren, t.beneficiaire.representant) == (
            "Association Les Jardiniers des Fontinettes", "732829320", "Madame Sandrine Lefebvre")
        assert t.montant_total == D("1500.00") and [e.montant for e in t.echeancier] == [D("1200.00"), D("300.00")]
        assert any("comité de pilotage" in c for c in t.conditions)
        # Un projet ne se signe pas avant d'être parti à la signature.
        with pytest.raises(DonneesInvalides, match="partie à la signature"):
            sc.signer(uow, ville, "attribuant", "X")
        sc.changer_etat(uow, ville, "a_signer")
        premier = aujourd_hui() - dt.timedelta(days=0)
        assert sc.signer(uow, ville, "beneficiaire", "Sandrine Lefebvre", le=premier) is None
        assert uow.session.get(sc.m.Dossier, dossier_id).etat == Etat.RETENU  # une seule signature : rien
        effet = sc.signer(uow, ville, "attribuant", "L'adjoint délégué", le=premier)
        assert effet == premier
        fiche = sc.lire(uow, ville)
        assert fiche.etat == dc.EtatConvention.SIGNEE and fiche.signatures.date_effet == premier
        assert uow.session.get(sc.m.Dossier, dossier_id).etat == Etat.CONVENTIONNE
        uow.valider()
    with contexte.unite() as uow:
        champs = [e.champ for e in historique.du_dossier(uow, dossier_id)]
        assert any("signature (bénéficiaire)" in (c or "") for c in champs)
        # Les termes signés ne changent plus que par un avenant.
        fiche = sc.lire(uow, ville)
        with pytest.raises(DonneesInvalides, match="avenant"):
            sc.modifier_termes(uow, ville, dataclasses.replace(fiche.termes, objet="Autre"))


def test_termes_corriges_en_projet_et_acte_force_avec_motif(contexte):
    dossier_id = dossier_retenu(contexte)
    with contexte.unite() as uow:
        identifiant = sc.creer(uow, dossier_id, "ville-calais")
        fiche = sc.lire(uow, identifiant)
        with pytest.raises(DonneesInvalides, match="reste celui que le comité a accordé"):
            sc.modifier_termes(uow, identifiant, dataclasses.replace(fiche.termes, montants=(
                dc.MontantAnnuel(fiche.annee, "ville-calais", D("1600.00")),)), version=fiche.version)
        notification = dataclasses.replace(fiche.termes, type_acte=dc.TypeActe.NOTIFICATION)
        with pytest.raises(DonneesInvalides, match="Indiquez le motif"):
            sc.modifier_termes(uow, identifiant, notification, version=fiche.version)
        sc.modifier_termes(uow, identifiant, dataclasses.replace(notification, objet="Jardin partagé, saison 2027"),
                           version=fiche.version, motif_acte="Reconduction d'un micro-projet")
        fiche = sc.lire(uow, identifiant)
        assert fiche.type_acte == dc.TypeActe.NOTIFICATION and fiche.motif_acte == "Reconduction d'un micro-projet"
        assert fiche.termes.objet == "Jardin partagé, saison 2027"
        with pytest.raises(sc.Conflit):
            sc.modifier_termes(uow, identifiant, fiche.termes, version=fiche.version - 1)
        # Une notification n'est signée que par l'attribuant.
        sc.changer_etat(uow, identifiant, "a_signer")
        assert sc.signer(uow, identifiant, "attribuant", "L'adjoint délégué") == aujourd_hui()


def test_cpo_pluriannuelle_premier_exercice_ferme_et_critere_de_reconduction(contexte):
    from instruction.domaine import dossier as saisie
    from instruction.services import dossier as service_dossier
    from tests import fabrique

    dossier_id = dossier_retenu(contexte)
    with contexte.unite() as uow:
        dossier = uow.session.get(sc.m.Dossier, dossier_id)
        annee, porteur_id = dossier.campagne.annee, dossier.porteur_id
        with pytest.raises(DonneesInvalides, match="montant accordé par le comité"):
            sc.creer(uow, dossier_id, "ville-calais", montants_annuels={annee: D("1000"), annee + 1: D("1500")})
        with pytest.raises(DonneesInvalides, match="de 2 à 4 exercices"):
            sc.creer(uow, dossier_id, "ville-calais", montants_annuels={annee + i: D("1500") for i in range(5)})
    cpo = _signee(contexte, dossier_id, montants_annuels={annee: D("1500"), annee + 1: D("1500"), annee + 2: D("1200")})
    with contexte.unite() as uow:
        fiche = sc.lire(uow, cpo)
        assert fiche.type_acte == dc.TypeActe.CPO and fiche.regle_acte == "cpo-pluriannuel"
        assert [(m.exercice, m.ferme) for m in fiche.termes.montants] == [(annee, True), (annee + 1, False),
                                                                          (annee + 2, False)]
        assert fiche.termes.date_fin == dt.date(annee + 2, 12, 31) and fiche.termes.montant_ferme == D("1500.00")
        # Un exercice suivant attend le vote du budget avant tout versement.
        with pytest.raises(DonneesInvalides, match="sous réserve du vote du budget"):
            sv.verser(uow, cpo, annee + 1, "avance", D("100"), aujourd_hui(), "M-1")
        sv.confirmer_exercice(uow, cpo, annee + 1, aujourd_hui())
        sv.verser(uow, cpo, annee + 1, "avance", D("100"), aujourd_hui(), "M-1")
        # L'an prochain, la même action redéposée n'est pas une « reconduction à l'identique » : la CPO la couvre.
        campagne = service_dossier.creer_campagne(uow, "cdv", annee + 1)
        suivant = service_dossier.enregistrer(uow, None, saisie.valider(fabrique.saisie(campagne.id, porteur_id)))
        uow.valider()
    with contexte.unite() as uow:
        resultat = next(c.resultat for c in service_examen.evaluer(uow, suivant).criteres
                        if c.code == "cdv-pas-de-reconduction")
    assert resultat.statut == el.SANS_OBJET and fiche.numero in resultat.explication


def test_avenant_champs_permis_un_seul_ouvert_et_termes_en_vigueur(contexte):
    dossier_id = dossier_retenu(contexte)
    identifiant = _signee(contexte, dossier_id)
    with contexte.unite() as uow:
        fiche = sc.lire(uow, identifiant)
        annee = fiche.annee
        with pytest.raises(DonneesInvalides, match="ne peut pas changer : montants"):
            avenants.ouvrir_avenant(uow, identifiant, "objet", "Nouveau local",
                                    {"montants": (dc.MontantAnnuel(annee, "ville-calais", D("1800")),)})
        with pytest.raises(DonneesInvalides, match="ne change aucun terme"):
            avenants.ouvrir_avenant(uow, identifiant, "objet", "Rien", {"objet": fiche.termes.objet})
        nouveaux = (dc.MontantAnnuel(annee, "ville-calais", D("1800.00")),)
        premier = avenants.ouvrir_avenant(uow, identifiant, "montant", "Public élargi au quartier Saint-Pierre", {
            "montants": nouveaux, "echeancier": dc.echeancier_propose(dc.TypeActe.CONVENTION, nouveaux)})
        with pytest.raises(DonneesInvalides, match="encore ouvert"):
            avenants.ouvrir_avenant(uow, identifiant, "objet", "Autre", {"objet": "Autre objet"})
        uow.valider()
    # La base tient aussi la règle : un second avenant « ouvert » sur la même convention est refusé.
    with contexte.unite() as uow:
        uow.session.add(Avenant(convention_id=identifiant, numero=9, type_code="objet", motif="x", modifications="{}",
                                etat="projet", ouvert=1, acteur="test"))
        with pytest.raises(IntegrityError):
            uow.session.flush()
    with contexte.unite() as uow:
        # Tant qu'il n'est pas signé, l'avenant ne compte pas.
        assert sc.lire(uow, identifiant).termes.montant_total == D("1500.00")
        avenants.changer_etat_avenant(uow, premier, "a_signer")
        assert avenants.signer_avenant(uow, premier, "beneficiaire", "Sandrine Lefebvre") is None
        effet = avenants.signer_avenant(uow, premier, "attribuant", "L'adjoint délégué")
        assert effet == aujourd_hui()
        fiche = sc.lire(uow, identifiant)
        assert fiche.termes.montant_total == D("1800.00") and fiche.termes.objet == fiche.termes_initiaux.objet
        assert fiche.avenants[0].numero == 1 and fiche.avenants[0].differences == (
            f"montant porté de {argent.formater(D('1500'))} à {argent.formater(D('1800'))}", "échéancier modifié")
        # Le montant accordé du dossier suit l'avenant ; l'échéancier en vigueur aussi.
        assert uow.session.get(sc.m.MontantAccorde, (dossier_id, "ville-calais")).montant == D("1800.00")
        assert [e.montant for e in sv.situation(uow, identifiant).echeances] == [D("1440.00"), D("360.00")]
        second = avenants.ouvrir_avenant(uow, identifiant, "objet", "Changement de lieu", {"objet": "Jardin du Fort"})
        assert uow.session.get(Avenant, second).numero == 2
        avenants.changer_etat_avenant(uow, second, "abandonne", "Le lieu reste le même")
        troisieme = avenants.ouvrir_avenant(uow, identifiant, "parties", "Nouveau représentant", {"parties": (
            fiche.termes.attribuant, dataclasses.replace(fiche.termes.beneficiaire, representant="Monsieur Paul Roy"))})
        assert uow.session.get(Avenant, troisieme).numero == 3
        uow.valider()


def _signer_avenant(uow, convention_id, type_code, motif, modifications) -> None:
    numero = avenants.ouvrir_avenant(uow, convention_id, type_code, motif, modifications)
    avenants.changer_etat_avenant(uow, numero, "a_signer")
    avenants.signer_avenant(uow, numero, "attribuant", "L'adjoint délégué")
    avenants.signer_avenant(uow, numero, "beneficiaire", "Sandrine Lefebvre, présidente")


def test_un_avenant_qui_change_la_cloture_du_porteur_deplace_le_bilan_attendu(contexte):
    from instruction.db.modeles.conventions import Convention
    from instruction.domaine import bilans
    from instruction.services import bilans_attendus as ba

    dossier_id = dossier_retenu(contexte)
    identifiant = _signee(contexte, dossier_id)
    with contexte.unite() as uow:
        annee = sc.lire(uow, identifiant).annee
        (b,) = ba.du_dossier(uow, dossier_id)
        assert (b.exercice, b.nature, b.fin_exercice, b.due_le) == (
            annee, bilans.UNIQUE, dt.date(annee, 12, 31), dt.date(annee + 1, 6, 30))
        ouvert = avenants.ouvrir_avenant(uow, identifiant, "general", "Le porteur clôt désormais ses comptes au 30 juin",
                                         {"fin_exercice": dt.date(annee + 1, 6, 30)})
        avenants.changer_etat_avenant(uow, ouvert, "a_signer")
        avenants.signer_avenant(uow, ouvert, "attribuant", "L'adjoint délégué")
        # Tant que l'avenant n'a pas sa dernière signature, l'échéance ne bouge pas.
        assert ba.du_dossier(uow, dossier_id)[0].due_le == dt.date(annee + 1, 6, 30)
        avenants.signer_avenant(uow, ouvert, "beneficiaire", "Sandrine Lefebvre, présidente")
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        convention = uow.session.get(Convention, identifiant)
        assert (convention.fin_exercice, convention.exercices) == (dt.date(annee + 1, 6, 30), str(annee))
        (b,) = ba.du_dossier(uow, dossier_id)
        assert (b.exercice, b.fin_exercice, b.due_le) == (annee, dt.date(annee + 1, 6, 30), dt.date(annee + 1, 12, 31))
        assert b.conventions == (identifiant,) and b.financeurs == ("ville-calais",)
        # La situation des versements dit la même échéance (le solde attend ce compte rendu).
        assert [x.compte_rendu_du_le for x in sv.situation(uow, identifiant).exercices] == [dt.date(annee + 1, 12, 31)]


def test_une_cpo_prolongee_par_avenant_attend_un_bilan_de_plus(contexte):
    from instruction.db.modeles.conventions import Convention
    from instruction.domaine import bilans
    from instruction.services import bilans_attendus as ba

    dossier_id = dossier_retenu(contexte)
    with contexte.unite(lecture=True) as uow:
        annee = uow.session.get(sc.m.Dossier, dossier_id).campagne.annee
    cpo = _signee(contexte, dossier_id, montants_annuels={annee: D("1500"), annee + 1: D("1500")})
    with contexte.unite() as uow:
        assert [(b.exercice, b.nature) for b in ba.du_dossier(uow, dossier_id)] == [
            (annee, bilans.INTERMEDIAIRE), (annee + 1, bilans.FINAL)]
        termes = sc.lire(uow, cpo).termes
        montants = (*termes.montants, dc.MontantAnnuel(annee + 2, "ville-calais", D("1000.00"), ferme=False))
        _signer_avenant(uow, cpo, "duree", "Une troisième année d'ateliers", {
            "exercices": (annee, annee + 1, annee + 2), "date_fin": dt.date(annee + 2, 12, 31), "montants": montants,
            "echeancier": dc.echeancier_propose(dc.TypeActe.CPO, montants)})
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(Convention, cpo).exercices == f"{annee},{annee + 1},{annee + 2}"
        assert [(b.exercice, b.nature, b.due_le) for b in ba.du_dossier(uow, dossier_id)] == [
            (annee, bilans.INTERMEDIAIRE, dt.date(annee + 1, 6, 30)),
            (annee + 1, bilans.INTERMEDIAIRE, dt.date(annee + 2, 6, 30)),
            (annee + 2, bilans.FINAL, dt.date(annee + 3, 6, 30))]


def test_resiliation_avec_motif_reversement_et_dossier_sans_suite(contexte):
    dossier_id = dossier_retenu(contexte, {"ville-calais": D("1500.00")})
    identifiant = _signee(contexte, dossier_id)
    with contexte.unite() as uow:
        annee = sc.lire(uow, identifiant).annee
        sv.verser(uow, identifiant, annee, "avance", D("1200.00"), aujourd_hui(), "M-2027-0042", "EJ-17")
        with pytest.raises(DonneesInvalides, match="Indiquez le motif"):
            sc.changer_etat(uow, identifiant, "resiliee")
        sc.changer_etat(uow, identifiant, "resiliee", "Action annulée : la salle n'est plus disponible")
        with pytest.raises(DonneesInvalides, match="ne peut pas passer"):
            sc.changer_etat(uow, identifiant, "a_signer")
        with pytest.raises(DonneesInvalides, match="on ne verse que sur une convention signée"):
            sv.verser(uow, identifiant, annee, "avance", D("1"), aujourd_hui(), "M-2")
        with pytest.raises(DonneesInvalides, match="n.a reçu que 1.200,00"):
            sv.reverser(uow, identifiant, annee, D("1200.01"), "T-1", aujourd_hui(), "Annulation")
        effet = sc.lire(uow, identifiant).signatures.date_effet
        with pytest.raises(DonneesInvalides, match="précède la date d'effet"):
            sv.reverser(uow, identifiant, annee, D("10.00"), "T-0", effet - dt.timedelta(days=1), "Annulation")
        with pytest.raises(DonneesInvalides, match="Indiquez la référence du titre"):
            sv.reverser(uow, identifiant, annee, D("10.00"), "  ", aujourd_hui(), "Annulation")
        with pytest.raises(DonneesInvalides, match="doit être positif"):
            sv.reverser(uow, identifiant, annee, D("-10.00"), "T-2", aujourd_hui(), "Annulation")
        sv.reverser(uow, identifiant, annee, D("1200.00"), "TR-2027-311", aujourd_hui(), "Action annulée")
        assert sv.situation(uow, identifiant).verse == D("0.00")
        dossier = uow.session.get(sc.m.Dossier, dossier_id)
        assert dossier.etat == Etat.SANS_SUITE
        uow.valider()


def test_liste_filtree_et_attente_de_signature(contexte):
    dossier_id = dossier_retenu(contexte)
    with contexte.unite() as uow:
        ville = sc.creer(uow, dossier_id, "ville-calais")
        etat = sc.creer(uow, dossier_id, "etat-pv")
        sc.changer_etat(uow, ville, "a_signer")
        uow.session.execute(update(sc.Convention).where(sc.Convention.id == ville).values(
            envoyee_le=aujourd_hui() - dt.timedelta(days=40)))
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        assert [x.id for x in sc.lister(uow, sc.FiltreConventions(attente_signature_jours=30))] == [ville]
        assert sc.lister(uow, sc.FiltreConventions(attente_signature_jours=60)) == []
        assert [x.id for x in sc.lister(uow, sc.FiltreConventions(etats=("projet",)))] == [etat]
        assert [x.id for x in sc.lister(uow, sc.FiltreConventions(financeur="etat-pv"))] == [etat]
        assert len(sc.lister(uow, sc.FiltreConventions(texte="fontinettes"))) == 2
        assert len(sc.conventions_du_dossier(uow, dossier_id)) == 2


def test_le_scan_signe_est_garde_avec_son_empreinte(contexte):
    dossier_id = dossier_retenu(contexte)
    identifiant = _signee(contexte, dossier_id)
    with contexte.unite() as uow:
        empreinte = sc.joindre_scan(uow, identifiant, "convention signée.pdf", b"%PDF-1.4 signee")
        uow.valider()
    with contexte.unite() as uow:
        assert sc.scan(uow, identifiant) == ("convention signée.pdf", b"%PDF-1.4 signee")
        assert sc.lire(uow, identifiant).signatures.scan_empreinte == empreinte
        uow.session.execute(update(sc.Convention).where(sc.Convention.id == identifiant).values(
            scan_contenu=b"%PDF-1.4 altere"))
        with pytest.raises(DonneesInvalides, match="altéré"):
            sc.scan(uow, identifiant)
    assert select  # noqa: B018 — importé pour les requêtes de ce module
