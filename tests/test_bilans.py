"""Bilans attendus et comptes rendus financiers (issue 13) : échéances calculées, liste des retards, écarts exacts,
explication exigée au-delà du seuil, validation qui débloque le solde ; sur SQLite et PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction.domaine import bilans
from instruction.domaine.argent import euros
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from tests import fabrique

REGLES = bilans.regles()


# --- Règles pures ----------------------------------------------------------------------------------


def test_convention_annuelle_six_mois_apres_la_fin_de_l_exercice():
    (e,) = bilans.echeances(bilans.Engagement(1, 1, "cdv", (2023,)), REGLES)
    assert (e.exercice, e.nature, e.fin_exercice, e.due_le) == (2023, bilans.UNIQUE, dt.date(2023, 12, 31),
                                                                dt.date(2024, 6, 30))
    assert "2000-321" in REGLES.source(e.regle)


def test_exercice_qui_n_est_pas_l_annee_civile():
    # Un porteur qui clôt au 30 juin : l'exercice 2023 finit le 30/06/2024, compte rendu attendu le 31/12/2024.
    (e,) = bilans.echeances(bilans.Engagement(1, 1, "cdv", (2023,), fin_exercice=dt.date(2024, 6, 30)), REGLES)
    assert (e.fin_exercice, e.due_le) == (dt.date(2024, 6, 30), dt.date(2024, 12, 31))
    # Clôture au 31 août : six mois plus tard, la fin février (bissextile ou non).
    cpo = bilans.echeances(bilans.Engagement(1, 1, "cdv", (2023, 2024, 2025), cpo=True,
                                             fin_exercice=dt.date(2024, 8, 31)), REGLES)
    assert [(e.fin_exercice, e.due_le) for e in cpo] == [
        (dt.date(2024, 8, 31), dt.date(2025, 2, 28)), (dt.date(2025, 8, 31), dt.date(2026, 2, 28)),
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28))]


def test_cpo_un_compte_rendu_intermediaire_par_exercice_puis_le_final():
    lignes = bilans.echeances(bilans.Engagement(1, 1, "cdv", (2024, 2023, 2025), cpo=True), REGLES)
    assert [(e.exercice, e.nature, e.due_le) for e in lignes] == [
        (2023, bilans.INTERMEDIAIRE, dt.date(2024, 6, 30)),
        (2024, bilans.INTERMEDIAIRE, dt.date(2025, 6, 30)),
        (2025, bilans.FINAL, dt.date(2026, 6, 30)),
    ]


def test_cite_educative_bilan_annuel_plus_tot_et_jamais_au_dela_de_la_loi():
    (e,) = bilans.echeances(bilans.Engagement(1, 1, "ce", (2023,)), REGLES)
    assert (e.nature, e.due_le, e.regle) == (bilans.ANNUEL_CE, dt.date(2024, 3, 31), "ce-bilan-annuel")
    assert "3977" in REGLES.source(e.regle)
    regle_9_mois = bilans.regles({"bilans.delai_ce_mois": "9"})  # réglé trop long : la loi l'emporte
    assert bilans.echeances(bilans.Engagement(1, 1, "ce", (2023,)), regle_9_mois)[0].due_le == dt.date(2024, 6, 30)
    with pytest.raises(DonneesInvalides, match="six mois"):
        bilans.verifier_reglage(next(r for r in bilans.reglables() if r.nom == "delai_ce_mois"), "9")


def test_statut_selon_la_date_et_le_seuil_de_tres_en_retard():
    due = dt.date(2024, 6, 30)
    assert bilans.statut(due, dt.date(2024, 6, 30), REGLES) == bilans.ATTENDU
    assert bilans.statut(due, dt.date(2024, 7, 1), REGLES) == bilans.EN_RETARD
    assert bilans.statut(due, due + dt.timedelta(days=90), REGLES) == bilans.EN_RETARD
    assert bilans.statut(due, due + dt.timedelta(days=91), REGLES) == bilans.TRES_EN_RETARD
    assert bilans.statut(due, due + dt.timedelta(days=91), bilans.regles({"bilans.tres_en_retard_jours": "120"})) \
        == bilans.EN_RETARD
    assert bilans.statut(due, dt.date(2030, 1, 1), REGLES, bilans.VALIDE) == bilans.VALIDE
    assert bilans.jours_de_retard(due, dt.date(2024, 9, 1), recu_le=dt.date(2024, 7, 10)) == 10


def test_ecarts_exacts_en_euros_et_en_pourcentage():
    e = bilans.ecart(euros("3000"), euros("2000.01"))
    assert e.montant == Decimal("-999.99") and e.pourcentage == Decimal("-33.33")
    assert bilans.ecart(euros("3"), euros("4")).pourcentage == Decimal("33.33")
    assert bilans.ecart(euros("8"), euros("9")).pourcentage == Decimal("12.50")
    assert bilans.ecart(euros("200"), euros("201")).pourcentage == Decimal("0.50")
    assert bilans.ecart(euros("0.03"), euros("0.04")).pourcentage == Decimal("33.33")
    assert bilans.ecart(euros("0"), euros("150")) == bilans.Ecart(euros("150"), None)
    assert bilans.ecart(euros("10"), None) is None
    # Cent lignes à 0,10 € : la somme exacte, pas 9,99999… d'un flottant.
    lignes = [bilans.LigneCompteRendu("charge", "60", f"l{i}", euros("0.10"), euros("0.20")) for i in range(100)]
    t = bilans.totaux(lignes, "charge")
    assert (t.prevu, t.realise, t.ecart.montant, t.ecart.pourcentage) == (euros("10"), euros("20"), euros("10"),
                                                                          Decimal("100.00"))


def test_explication_exigee_au_dela_des_deux_seuils():
    r = bilans.regles({"bilans.seuil_ecart_pourcentage": "10", "bilans.seuil_ecart_montant": "100"})
    assert bilans.explication_exigee(bilans.ecart(euros("1000"), euros("1101")), r)  # 10,1 % et 101 €
    assert not bilans.explication_exigee(bilans.ecart(euros("1000"), euros("1100")), r)  # 10 % pile
    assert not bilans.explication_exigee(bilans.ecart(euros("500"), euros("600")), r)  # 20 % mais 100 € pile
    assert bilans.explication_exigee(bilans.ecart(euros("0"), euros("150")), r)  # sans prévision
    assert not bilans.explication_exigee(None, r)
    lignes = [bilans.LigneCompteRendu("charge", "64", "Animatrice", euros("3000"), euros("2000"))]
    manques = bilans.manques_pour_validation(lignes, "Fait.", "", r)
    assert [m.feuille for m in manques] == ["chiffres", "annexe"] and "64 Animatrice" in manques[0].message
    lignes = [bilans.LigneCompteRendu("charge", "64", "Animatrice", euros("3000"), euros("2000"), "Départ")]
    assert [m.feuille for m in bilans.manques_pour_validation(lignes, "Fait.", "Poste vacant", r)] == []


def test_reversement_au_prorata_des_charges_non_realisees():
    lignes = [bilans.LigneCompteRendu("charge", "60", "Achats", euros("1000"), euros("600")),
              bilans.LigneCompteRendu("charge", "64", "Personnel", euros("2000"), euros("1800"))]
    # 3 000 prévus, 2 400 réalisés : 20 % non réalisés.
    assert bilans.reversement_propose(lignes, {"etat-pv": euros("1000.01"), "ville-calais": euros("500")}, REGLES) \
        == {"etat-pv": euros("200.00"), "ville-calais": euros("100")}
    lignes_a_4 = [bilans.LigneCompteRendu("charge", "60", "Achats", euros("1000"), euros("960"))]
    assert bilans.reversement_propose(lignes_a_4, {"etat-pv": euros("500")}, REGLES) == {}  # 4 % ≤ 5 %


def test_realisations_collees_d_un_tableur():
    montants = bilans.montants_colles("Achats\t1 000,00\t950,50\r\nPersonnel\t2000\t\n\t\t2 100\n")
    assert montants == [euros("950.50"), None, euros("2100")]
    lignes = [bilans.LigneCompteRendu("charge", c, c, euros("1")) for c in ("60", "61", "62", "64")]
    apres = bilans.avec_realisations(lignes, 1, montants)
    assert [l.realise for l in apres] == [None, euros("950.50"), None, euros("2100")]
    with pytest.raises(DonneesInvalides, match="dépasse le tableau"):
        bilans.avec_realisations(lignes, 2, montants)
    with pytest.raises(DonneesInvalides, match="Ligne 2 collée"):
        bilans.montants_colles("100\ndeux cents\n")


# --- Services, sur les deux moteurs --------------------------------------------------------------------


def conventionner(contexte, dossier_id: int, *, exercices=(2023,), type_acte: str = "convention",
                  fin_exercice: dt.date | None = None, montants=None, verse=None) -> list[int]:
    """Les conventions signées d'un dossier, une par cofinanceur (données de départ du test)."""
    from instruction.db import modeles as m
    from instruction.db.modeles import conventions as mc

    montants = montants or {"etat-pv": euros("2000"), "ville-calais": euros("1500")}
    ids = []
    with contexte.unite() as uow:
        numero = uow.session.get(m.Dossier, dossier_id).numero
        for financeur, montant in montants.items():
            c = mc.Convention(
                numero=f"{numero}-{financeur}", dossier_id=dossier_id, financeur_code=financeur, annee=exercices[0],
                type_acte=type_acte, regle_acte="test", etat="signee", etat_le=dt.date(exercices[0], 3, 1),
                termes_initiaux="{}", objet="Jardin", montant_total=montant * len(exercices),
                fin_exercice=fin_exercice or dt.date(exercices[0], 12, 31),
                exercices=",".join(map(str, exercices)), acteur="test")
            c.montants = [mc.ConventionMontant(exercice=e, financeur_code=financeur, montant=montant,
                                               verse=(verse or {}).get(financeur, montant))
                          for e in exercices]
            uow.session.add(c)
            uow.session.flush()
            ids.append(c.id)
        uow.valider()
    return ids


@pytest.fixture
def deux_dossiers(contexte):
    """Deux dossiers du même porteur : l'un conventionné en 2023 (son bilan est en retard), l'autre nouveau."""
    ancien = fabrique.dossier(contexte, complet=False)
    nouveau = fabrique.dossier(contexte, complet=False)
    conventionner(contexte, ancien)
    return ancien, nouveau


def test_liste_des_bilans_attendus_et_en_retard(contexte, deux_dossiers):
    from instruction.services import bilans_attendus as ba

    ancien, nouveau = deux_dossiers
    cpo = fabrique.dossier(contexte, complet=False)
    conventionner(contexte, cpo, exercices=(2023, 2024, 2025), type_acte="cpo", fin_exercice=dt.date(2024, 6, 30),
                  montants={"etat-pv": euros("5000")})
    with contexte.unite(lecture=True) as uow:
        tout = ba.liste(uow, le=dt.date(2024, 8, 1))
        assert [(b.dossier_id, b.exercice, b.due_le, b.statut) for b in tout] == [
            (ancien, 2023, dt.date(2024, 6, 30), bilans.EN_RETARD),
            (cpo, 2023, dt.date(2024, 12, 31), bilans.ATTENDU),
            (cpo, 2024, dt.date(2025, 12, 31), bilans.ATTENDU),
            (cpo, 2025, dt.date(2026, 12, 31), bilans.ATTENDU),
        ]
        assert tout[0].financeurs == ("etat-pv", "ville-calais") and tout[0].jours_retard == 32
        assert [b.nature for b in tout[1:]] == [bilans.INTERMEDIAIRE, bilans.INTERMEDIAIRE, bilans.FINAL]
        tard = ba.liste(uow, ba.Filtres(statuts=frozenset(bilans.RETARDS)), le=dt.date(2025, 1, 15))
        assert [(b.dossier_id, b.statut) for b in tard] == [(ancien, bilans.TRES_EN_RETARD), (cpo, bilans.EN_RETARD)]
        assert [b.dossier_id for b in ba.liste(uow, ba.Filtres(financeur="ville-calais"))] == [ancien]
        assert [b.exercice for b in ba.liste(uow, ba.Filtres(exercice=2024))] == [2024]
        # Le nouveau dossier du même porteur : son porteur doit le bilan 2023 de l'ancien.
        dus = ba.dus_du_porteur_du_dossier(uow, nouveau, le=dt.date(2024, 8, 1))
        assert [(b.dossier_id, b.exercice) for b in dus] == [(ancien, 2023)]
        assert ba.dus_du_porteur_du_dossier(uow, ancien, le=dt.date(2024, 8, 1)) == []


def test_seuils_reglables_gardes_en_base(contexte):
    from instruction.services import bilans_attendus as ba

    with contexte.unite() as uow:
        ba.regler(uow, {"bilans.seuil_ecart_pourcentage": "20", "bilans.tres_en_retard_jours": "60"})
        uow.valider()
    with contexte.unite() as uow:
        r = ba.regles(uow)
        assert (r.seuil_ecart_pourcentage, r.tres_en_retard_jours) == (Decimal("20"), 60)
        with pytest.raises(DonneesInvalides, match="entier"):
            ba.regler(uow, {"bilans.tres_en_retard_jours": "12,5"})
        ba.regler(uow, {"bilans.seuil_ecart_pourcentage": "15"})  # la valeur par défaut efface le réglage
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        assert "bilans.seuil_ecart_pourcentage" not in ba.reglages(uow)


def saisie_complete(lu, **changes):
    from instruction.services.comptes_rendus import SaisieCompteRendu

    valeurs = dict(
        realisations=tuple(l.prevu for l in lu.lignes), explications=tuple("" for _ in lu.lignes),
        realise="Trente ateliers tenus le mercredi.", femmes=22, hommes=15, qpv=30, hors_qpv=7,
        publics={"6-10": 20, "26-64": 17}, atteints=("37",))
    valeurs.update(changes)
    return SaisieCompteRendu(**valeurs)


def test_compte_rendu_recu_saisi_valide_debloque_le_solde(contexte, deux_dossiers):
    from instruction.db.modeles import comptes_rendus as mcr
    from instruction.db.modeles import conventions as mc
    from instruction.services import bilans_attendus as ba
    from instruction.services import comptes_rendus as crs

    ancien, _nouveau = deux_dossiers
    with contexte.unite() as uow:
        cid = crs.recevoir(uow, ancien, 2023, dt.date(2024, 7, 10))
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        lu = crs.lire(uow, cid)
        # La prévision vient du budget du CERFA 12156 du dossier, les indicateurs de ses indicateurs.
        assert [(l.compte, l.prevu) for l in lu.lignes] == [
            ("60", euros("1200.50")), ("64", euros("3000")), ("74", euros("2000")), ("74", euros("1500")),
            ("75", euros("700.50"))]
        assert [(i.libelle, i.cible) for i in lu.indicateurs] == [("Participants", "40")]
        assert lu.recu_en_retard == 10 and lu.accordes == {"etat-pv": euros("2000"), "ville-calais": euros("1500")}
        (b,) = ba.liste(uow, ba.Filtres(dossiers=frozenset({ancien})))
        assert (b.statut, b.compte_rendu_id, b.recu_en_retard) == (bilans.RECU, cid, True)
        recus = uow.session.execute(select(mc.CompteRenduExercice.recu_le, mc.CompteRenduExercice.valide_le)).all()
        assert sorted(recus) == [(dt.date(2024, 7, 10), None)] * 2
    # Personnel sous-réalisé de 1 000 € (-33,33 %) : au-delà des seuils, à expliquer.
    realisations = (euros("1200.50"), euros("2000"), euros("2000"), euros("1500"), euros("700.50"))
    with contexte.unite() as uow:
        crs.enregistrer(uow, cid, saisie_complete(lu, realisations=realisations), lu.version)
        uow.valider()
    with contexte.unite() as uow:
        lu = crs.lire(uow, cid)
        e = lu.lignes[1].ecart
        assert (e.montant, e.pourcentage) == (euros("-1000"), Decimal("-33.33"))
        assert lu.publics == {"6-10": 20, "26-64": 17} and lu.indicateurs[0].atteint == "37"
        with pytest.raises(DonneesInvalides, match="64 Animatrice") as refus:
            crs.valider(uow, cid, dt.date(2024, 7, 20))
        assert "annexe explicative" in str(refus.value)
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(mcr.CompteRendu, cid).etat == bilans.RECU  # rien n'a changé
    explications = ("", "Animatrice embauchée en avril.", "", "", "")
    with contexte.unite() as uow:
        crs.enregistrer(uow, cid, saisie_complete(lu, realisations=realisations, explications=explications,
                                                  explication_generale="Recrutement tardif."), lu.version)
        with pytest.raises(Conflit):  # la version lue avant cet enregistrement est périmée
            crs.enregistrer(uow, cid, saisie_complete(lu), lu.version)
        crs.valider(uow, cid, dt.date(2024, 7, 20))
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        assert sorted(uow.session.execute(
            select(mc.CompteRenduExercice.recu_le, mc.CompteRenduExercice.valide_le)).all()) \
            == [(dt.date(2024, 7, 10), dt.date(2024, 7, 20))] * 2
        (b,) = ba.liste(uow, ba.Filtres(dossiers=frozenset({ancien})))
        assert (b.statut, b.valide_le) == (bilans.VALIDE, dt.date(2024, 7, 20))
        # 4 200,50 prévus, 3 200,50 réalisés : 23,8 % non réalisés → reversement au prorata, borné au versé.
        parts = crs.reversement_propose(uow, cid)
        assert [(p.financeur, p.propose) for p in parts] == [("etat-pv", euros("476.13")),
                                                              ("ville-calais", euros("357.10"))]
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="validé"):
            crs.enregistrer(uow, cid, saisie_complete(lu), crs.lire(uow, cid).version)
        # Le reversement confirmé s'enregistre par les reversements des conventions : le net versé baisse.
        crs.reverser(uow, cid, [(p.convention_id, p.financeur, p.propose) for p in parts], "TR-2024-118",
                     dt.date(2024, 7, 25))
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        assert dict(uow.session.execute(select(mc.ConventionMontant.financeur_code, mc.ConventionMontant.verse)
                                        ).all()) == {"etat-pv": euros("1523.87"), "ville-calais": euros("1142.90")}


def test_renvoi_pour_complements_puis_validation(contexte, deux_dossiers):
    from instruction.services import comptes_rendus as crs

    ancien, _ = deux_dossiers
    with contexte.unite() as uow:
        cid = crs.recevoir(uow, ancien, 2023, dt.date(2024, 6, 1))
        with pytest.raises(DonneesInvalides, match="déjà enregistré"):
            crs.recevoir(uow, ancien, 2023, dt.date(2024, 6, 1))
        with pytest.raises(DonneesInvalides, match="motif|manque"):
            crs.renvoyer(uow, cid, dt.date(2024, 6, 2), " ")
        crs.renvoyer(uow, cid, dt.date(2024, 6, 2), "Bilan qualitatif absent")
        with pytest.raises(DonneesInvalides, match="compléments"):
            crs.valider(uow, cid, dt.date(2024, 6, 3))
        crs.complements_recus(uow, cid, dt.date(2024, 6, 15))
        lu = crs.lire(uow, cid)
        crs.enregistrer(uow, cid, saisie_complete(lu), lu.version)
        crs.valider(uow, cid, dt.date(2024, 6, 20))
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        lu = crs.lire(uow, cid)
        assert (lu.etat, lu.renvoye_le, lu.motif_renvoi, lu.recu_en_retard) == (
            bilans.VALIDE, dt.date(2024, 6, 2), "Bilan qualitatif absent", 0)


def test_pas_de_bilan_sans_convention(contexte):
    from instruction.services import comptes_rendus as crs

    dossier_id = fabrique.dossier(contexte, complet=False)
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="convention signée"):
            crs.recevoir(uow, dossier_id, 2023, dt.date(2024, 6, 1))


# --- Documents : PDF du compte rendu, classeur des bilans, lettres de relance ----------------------------------


def test_pdf_classeur_et_relances(contexte, deux_dossiers, tmp_path):
    import subprocess

    import openpyxl
    from pypdf import PdfReader

    from instruction.services.actions import bilans as actions

    ancien, _ = deux_dossiers
    autre = fabrique.dossier(contexte, complet=False)
    conventionner(contexte, autre, montants={"etat-pv": euros("2000")})
    lu = actions.recevoir(contexte, ancien, 2023, dt.date(2024, 7, 10)).valeur
    realisations = (euros("1200.50"), euros("2000"), euros("2000"), euros("1500"), euros("700.50"))
    explications = ("", "Animatrice embauchée en avril.", "", "", "")
    lu = actions.enregistrer_et_valider(contexte, lu.id, saisie_complete(
        lu, realisations=realisations, explications=explications, explication_generale="Recrutement tardif.",
        difficultes="Recrutement.", perspectives="Reconduire en 2024."), lu.version, dt.date(2024, 7, 20)).valeur
    assert lu.etat == bilans.VALIDE

    pdf = actions.imprimer(contexte, lu.id, tmp_path / "crf.pdf")
    subprocess.run(["qpdf", "--check", str(pdf)], check=True, capture_output=True)
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) == 3  # trois feuilles, comme le CERFA 15059
    assert "Bilan qualitatif" in pages[0] and "Trente ateliers" in pages[0] and "37" in pages[0]
    assert "Tableau des données chiffrées" in pages[1] and "-1 000,00" in pages[1] and "-33,33" in pages[1]
    assert "Annexe explicative" in pages[2] and "Animatrice embauchée en avril." in pages[2] and "Validé" in pages[2]
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page*.png"))) == 3

    classeur = openpyxl.load_workbook(actions.exporter(contexte, 2023, tmp_path / "bilans.xlsx"))
    feuille = classeur["Bilans 2023"]
    entetes = [c.value for c in feuille[1]]
    lignes = {r[0]: dict(zip(entetes, r, strict=True)) for r in feuille.iter_rows(min_row=2, values_only=True)}
    assert len(lignes) == 2
    valide = next(l for l in lignes.values() if l["Statut"] == "Validé")
    assert valide["Échéance"] == dt.datetime(2024, 6, 30) and valide["Reçu le"] == dt.datetime(2024, 7, 10)
    assert valide["Jours de retard"] == 10 and valide["Charges prévues"] == 4200.5
    assert valide["Écart charges (€)"] == -1000 and abs(valide["Écart charges (%)"] + 0.2381) < 1e-9
    ecarts = list(classeur["Écarts"].iter_rows(min_row=2, values_only=True))
    assert ("64", 3000, 2000, -1000, "oui") == (ecarts[1][3], ecarts[1][5], ecarts[1][6], ecarts[1][7], ecarts[1][9])

    # Relances : le bilan pas reçu de l'autre dossier ; le validé n'est pas relancé. Annulation après la première.
    appels = []
    fait = actions.relancer(contexte, [(ancien, 2023), (autre, 2023)], tmp_path / "relances", dt.date(2024, 11, 5),
                            progression=appels.append)
    (lettre,) = fait.valeur
    assert appels == [f"Lettre 1 sur 1 : {lettre.name.split(' ')[1]} (Association Les Jardiniers des Fontinettes)"]
    texte = " ".join(PdfReader(lettre).pages[0].extract_text().split())
    assert "Objet : Relance – Compte rendu financier 2023" in texte and "30 juin 2024" in texte
    assert "128 jours" in texte and "exercice 2023" in texte
    assert "bloque le versement du solde" in texte  # très en retard : le ton monte
    subprocess.run(["qpdf", "--check", str(lettre)], check=True, capture_output=True)
    assert actions.relancer(contexte, [(autre, 2023)], tmp_path / "rien", dt.date(2024, 11, 6),
                            annule=lambda: True).valeur == []
    (b,) = [b for b in actions.liste(contexte) if b.dossier_id == autre]
    assert (b.relances, b.derniere_relance) == (1, dt.date(2024, 11, 5))
