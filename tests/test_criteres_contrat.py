"""Fidélité au contrat : chaque critère changé ou ajouté, contre un dossier qui le remplit, un qui l'enfreint et
un à la limite. Le nom de chaque cas cite la ligne du contrat de ville (« l3565 » = ligne 3565 de
``resources/source/engagements_quartiers_2030.txt``) ; ``loi`` pour la règle de la loi.

Pour un critère « à constater » (seule une personne peut juger), le résultat calculé est toujours « à vérifier » :
ce qui le remplit ou l'enfreint est la décision de l'instructeur, et l'on vérifie ce qu'elle donne au verdict.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from instruction.domaine import eligibilite as el
from instruction.domaine import source
from instruction.domaine.dossier import LigneBudget
from instruction.domaine.erreurs import ReferentielInvalide
from tests.test_eligibilite import _budget, contexte, resultat

R, N, V, S = el.RESPECTE, el.NON_RESPECTE, el.A_VERIFIER, el.SANS_OBJET
ETE = dict(date_debut=dt.date(2027, 7, 5), date_fin=dt.date(2027, 8, 27))


def _drac(libelle: str, montant: str = "800") -> tuple:
    return _budget(("etat-pv", "2000")) + (LigneBudget("produit", "74", Decimal(montant), "drac", libelle),)


def _precedent(**changes) -> el.Precedent:
    d = contexte().donnees
    valeurs = dict(numero="CDV-2026-012", intitule=d.intitule, description=d.description, cout_total=Decimal("3000"),
                   annee=2026)
    valeurs.update(changes)
    return el.Precedent(**valeurs)


# (identifiant du cas : ligne du contrat, critère, sens du cas ; dispositif ; données du dossier ; résultat attendu)
CAS = [
    # --- 1. Plus strict que le contrat : corrigé ----------------------------------------------------
    ("l3565-benefice-direct-remplit", "cdv-benefice-direct-qpv", "cdv", {}, R),
    ("l3565-benefice-direct-enfreint-aucun-habitant-ni-lieu-qpv", "cdv-benefice-direct-qpv", "cdv",
     dict(quartiers=("quartier-hors",), beneficiaires_quartiers=(("petit-courgain", 10),)), N),
    ("l3565-benefice-direct-limite-un-habitant-qpv-hors-qpv", "cdv-benefice-direct-qpv", "cdv",
     dict(quartiers=("quartier-hors",), beneficiaires_quartiers=(("beau-marais", 1),)), R),
    ("l3565-benefice-direct-limite-en-qpv-sans-effectif", "cdv-benefice-direct-qpv", "cdv",
     dict(beneficiaires_quartiers=()), V),
    ("choix-local-part-qpv-remplit-75pc", "cdv-beneficiaires-qpv", "cdv", {}, R),
    ("choix-local-part-qpv-enfreint-25pc-jamais-non-respecte", "cdv-beneficiaires-qpv", "cdv",
     dict(quartiers=("quartier-hors",), beneficiaires_quartiers=(("beau-marais", 10),)), V),
    ("choix-local-part-qpv-limite-50pc", "cdv-beneficiaires-qpv", "cdv",
     dict(beneficiaires_quartiers=(("beau-marais", 20),)), R),
    ("choix-local-part-qpv-limite-47pc", "cdv-beneficiaires-qpv", "cdv",
     dict(beneficiaires_quartiers=(("beau-marais", 19),)), V),
    ("l3962-reconduction-remplit-action-differente", "cdv-pas-de-reconduction", "cdv",
     dict(precedents=(_precedent(intitule="Chantier jeunes des halls", description="Peinture des halls."),)), R),
    ("l3962-reconduction-enfreint-identique-a-verifier", "cdv-pas-de-reconduction", "cdv",
     dict(precedents=(_precedent(),)), V),
    ("l3962-reconduction-limite-cpo-exempte", "cdv-pas-de-reconduction", "cdv",
     dict(precedents=(_precedent(),), pieces=(("cpo", dt.date(2025, 3, 3)),)), S),
    ("l3962-reconduction-limite-ecart-budget-10pc", "cdv-pas-de-reconduction", "cdv",
     dict(precedents=(_precedent(description="Tout autre chose : une sortie au musée.", cout_total=Decimal("2727.28")),)),
     V),
    ("l3962-reconduction-limite-ecart-budget-au-dela-de-10pc", "cdv-pas-de-reconduction", "cdv",
     dict(precedents=(_precedent(description="Tout autre chose : une sortie au musée.", cout_total=Decimal("2700")),)),
     R),
    ("l3567-cofinancement-remplit-caf", "cdv-cofinancement", "cdv", {}, R),
    ("l373-cofinancement-enfreint-etat-ville-agglo-pv-seulement", "cdv-cofinancement", "cdv",
     dict(budget=_budget(("etat-pv", "2000"), ("ville-calais", "1000"), ("ca-gctm", "500"))), N),
    ("l3567-cofinancement-limite-un-euro-d-un-autre-financeur", "cdv-cofinancement", "cdv",
     dict(budget=_budget(("etat-pv", "2999"), ("autres", "1"))), R),
    # --- 2. Faux contre le contrat : la DRAC --------------------------------------------------------
    ("l8419-drac-remplit-cas-a-quote-part", "drac-valorisation", "cdv",
     dict(budget=_drac("Quote-part de la subvention de fonctionnement 2027")), R),
    ("l8429-drac-remplit-cas-b-ete-culturel", "drac-valorisation", "cdv",
     dict(budget=_drac("L'été culturel 2027 (sollicité, non consolidé)")), R),
    ("l8421-drac-limite-cas-b-apostrophe-typographique", "drac-valorisation", "cdv",
     dict(budget=_drac("C’est mon patrimoine — demande en cours")), R),
    ("l8415-drac-enfreint-subvention-ordinaire", "drac-valorisation", "cdv", dict(budget=_drac("Subvention")), V),
    ("l8415-drac-limite-mot-drac-chez-un-autre-financeur", "drac-valorisation", "cdv",
     dict(budget=_budget(("etat-pv", "2000")) + (
         LigneBudget("produit", "74", Decimal("500"), "etat-autres", "Subvention DRAC"),)), S),
    # --- 3. Obligations --------------------------------------------------------------------------
    ("l3960-convention-cdv-remplit", "convention-action-retenue", "cdv", {}, V),
    ("l3977-convention-ce-limite-un-euro", "convention-action-retenue", "ce", dict(budget=_budget(("etat-pv", "1"))), V),
    ("l3960-convention-limite-collectivite", "convention-action-retenue", "cdv", dict(type_porteur="collectivite"), V),
    ("l3960-copil-remplit", "copil-annuel", "cdv", dict(evaluation="Un comité de pilotage réunit les partenaires en juin."),
     R),
    ("l3977-copil-enfreint-absent", "copil-annuel", "ce", {}, V),
    ("l3977-copil-limite-sigle-copil", "copil-annuel", "ce", dict(moyens="Deux COPIL par an."), R),
    ("loi-convention-23000-remplit-en-dessous", "convention-obligatoire", "cdv",
     dict(budget=_budget(("etat-pv", "12000"))), S),
    ("loi-convention-23000-limite-egal", "convention-obligatoire", "cdv", dict(budget=_budget(("etat-pv", "23000"))), S),
    ("loi-convention-23000-enfreint-au-dela", "convention-obligatoire", "cdv",
     dict(budget=_budget(("etat-pv", "23000.01"))), V),
    # --- 4. Règles du contrat ajoutées ------------------------------------------------------------------
    ("l3044-orientation-cdv-remplit-hors-prevention", "cdv-orientation-fipdr", "cdv", dict(objectifs=("OS22.1",)), S),
    ("l3044-orientation-cdv-a-decider-prevention", "cdv-orientation-fipdr", "cdv", dict(objectifs=("OS18.1",)), V),
    ("l3044-orientation-cdv-limite-os16-hors-axe", "cdv-orientation-fipdr", "cdv", dict(objectifs=("OS16.1",)), S),
    ("l3044-orientation-fipdr-remplit-a-decider-ensemble", "fipd-orientation", "fipd", dict(objectifs=("OS17.1",)), V),
    ("l3044-orientation-fipdr-enfreint-hors-axe-toujours-a-decider", "fipd-orientation", "fipd",
     dict(objectifs=("OS22.1",)), V),
    ("l3044-orientation-fipdr-limite-sans-objectif", "fipd-orientation", "fipd", dict(objectifs=()), V),
    ("l3342-fipd-strategie-remplit", "fipd-strategie", "fipd", dict(objectifs=("OS17.1",)), R),
    ("l3342-fipd-strategie-enfreint", "fipd-strategie", "fipd", dict(objectifs=("OS22.1",)), V),
    ("l3342-fipd-strategie-limite-os19", "fipd-strategie", "fipd", dict(objectifs=("OS19.2", "OS22.1")), R),
    ("l3502-fics-axes-remplit", "fics-axes-prioritaires", "fics",
     dict(description="Accompagnement scolaire des collégiens de Marck."), R),
    ("l3502-fics-axes-enfreint", "fics-axes-prioritaires", "fics", dict(description="Sortie au bowling."), V),
    ("l3517-fics-axes-limite-pluriel", "fics-axes-prioritaires", "fics",
     dict(description="Prévention des addictions chez les jeunes."), R),
    ("l3577-ce-public-remplit", "ce-public", "ce", dict(tranches_age=("6-10", "26-64")), R),
    ("l3577-ce-public-enfreint-seniors", "ce-public", "ce", dict(tranches_age=("65+",)), N),
    ("l3577-ce-public-enfreint-hors-qpv", "ce-public", "ce",
     dict(tranches_age=("6-10",), beneficiaires_quartiers=(("petit-courgain", 10),)), N),
    ("l3577-ce-public-limite-25-ans", "ce-public", "ce", dict(tranches_age=("18-25",)), R),
    ("l3577-ce-public-limite-parents-seuls", "ce-public", "ce", dict(tranches_age=("26-64",)), V),
    ("l3977-ce-bilan-remplit", "ce-bilan-annuel", "ce",
     dict(renouvellement=True, pieces=(("bilan-annuel", dt.date(2027, 1, 10)),)), R),
    ("l3977-ce-bilan-enfreint", "ce-bilan-annuel", "ce", dict(renouvellement=True), V),
    ("l3977-ce-bilan-limite-premier-depot", "ce-bilan-annuel", "ce", {}, S),
    ("l3664-pic-porteur-remplit-habitants", "pic-porteur", "pic", dict(type_porteur="groupe-habitants"), R),
    ("l3664-pic-porteur-enfreint-collectivite", "pic-porteur", "pic", dict(type_porteur="collectivite"), N),
    ("l3664-pic-porteur-limite-association-de-proximite", "pic-porteur", "pic", {}, V),
    ("l3671-pic-thematiques-remplit", "pic-thematiques", "pic",
     dict(description="Des jardinières et un compost partagés au pied des immeubles."), R),
    ("l3671-pic-thematiques-enfreint", "pic-thematiques", "pic", dict(intitule="Bowling", description="Sortie."), V),
    ("l3671-pic-thematiques-limite-art-dans-quartier", "pic-thematiques", "pic",
     dict(intitule="Fête", description="Un après-midi dans le quartier pour les départs."), V),
    ("l3669-pic-jury-remplit", "pic-jury", "pic", dict(pieces=(("avis-jury-pic", dt.date(2027, 4, 11)),)), R),
    ("l3670-pic-jury-enfreint", "pic-jury", "pic", {}, V),
    ("l3669-pic-jury-limite-avis-sans-date", "pic-jury", "pic", dict(pieces=(("avis-jury-pic", None),)), R),
    ("l3645-qe-porteur-remplit", "qe-porteur", "quartiers-ete", {}, R),
    ("l3645-qe-porteur-enfreint", "qe-porteur", "quartiers-ete", dict(type_porteur="bailleur-social"), N),
    ("l3645-qe-porteur-limite-collectivite", "qe-porteur", "quartiers-ete", dict(type_porteur="collectivite"), R),
    ("l3645-qe-ete-remplit", "qe-periode-estivale", "quartiers-ete", ETE, R),
    ("l3645-qe-ete-enfreint", "qe-periode-estivale", "quartiers-ete",
     dict(date_debut=dt.date(2027, 3, 1), date_fin=dt.date(2027, 5, 30)), N),
    ("l3645-qe-ete-limite-bornes", "qe-periode-estivale", "quartiers-ete",
     dict(date_debut=dt.date(2027, 7, 1), date_fin=dt.date(2027, 8, 31)), R),
    ("l3645-qe-ete-limite-deborde-d-un-jour", "qe-periode-estivale", "quartiers-ete",
     dict(date_debut=dt.date(2027, 6, 30), date_fin=dt.date(2027, 8, 31)), V),
    ("l3645-qe-lien-qpv-remplit", "qe-lien-habitants-qpv", "quartiers-ete", {}, R),
    ("l3645-qe-lien-qpv-enfreint", "qe-lien-habitants-qpv", "quartiers-ete",
     dict(quartiers=("quartier-hors",), beneficiaires_quartiers=()), N),
    ("l3645-qe-lien-qpv-limite", "qe-lien-habitants-qpv", "quartiers-ete",
     dict(quartiers=("quartier-hors",), beneficiaires_quartiers=(("bm-centre", 1),)), R),
    ("l3653-qe-mixite-remplit", "qe-mixite", "quartiers-ete",
     dict(femmes=20, hommes=20, moyens="Les mères relaient l'invitation aux jeunes filles."), R),
    ("l3652-qe-mixite-enfreint-non-mixte", "qe-mixite", "quartiers-ete",
     dict(femmes=0, hommes=40, moyens="Les mères relaient l'invitation."), V),
    ("l3653-qe-mixite-enfreint-sans-modalites", "qe-mixite", "quartiers-ete", dict(femmes=20, hommes=20), V),
    ("l3653-qe-mixite-limite-une-fille", "qe-mixite", "quartiers-ete",
     dict(femmes=1, hommes=39, moyens="Une animatrice va chercher les filles."), R),
    ("l3678-nqe-ete-remplit", "nqe-periode-estivale", "nos-quartiers-ete", ETE, R),
    ("l3678-nqe-ete-enfreint", "nqe-periode-estivale", "nos-quartiers-ete",
     dict(date_debut=dt.date(2027, 10, 1), date_fin=dt.date(2027, 10, 31)), N),
    ("l3678-nqe-ete-limite", "nqe-periode-estivale", "nos-quartiers-ete",
     dict(date_debut=dt.date(2027, 8, 20), date_fin=dt.date(2027, 9, 5)), V),
    ("l3680-nqe-qpv-remplit", "nqe-en-qpv", "nos-quartiers-ete", {}, R),
    ("l3680-nqe-qpv-enfreint", "nqe-en-qpv", "nos-quartiers-ete", dict(quartiers=("quartier-hors",)), V),
    ("l3680-nqe-qpv-limite-sous-secteur", "nqe-en-qpv", "nos-quartiers-ete", dict(quartiers=("bm-centre",)), R),
    ("l3545-bp-thematiques-remplit", "bp-thematiques", "budget-participatif",
     dict(intitule="Plantation d'arbres rue Mollien", description="Des arbres et des bancs."), R),
    ("l3545-bp-thematiques-enfreint", "bp-thematiques", "budget-participatif",
     dict(intitule="Ordinateurs", description="Achat d'ordinateurs pour une association."), V),
    ("l3545-bp-thematiques-limite-pluriel", "bp-thematiques", "budget-participatif",
     dict(intitule="Trois bancs", description="Place du marché."), R),
    ("l3436-dms-remplit-en-qpv", "dms-localisation", "modernisation-services", {}, R),
    ("l3436-dms-enfreint-hors-qpv-a-constater-500m", "dms-localisation", "modernisation-services",
     dict(quartiers=("quartier-hors",)), V),
    ("l3436-dms-limite-sous-secteur", "dms-localisation", "modernisation-services", dict(quartiers=("bm-centre",)), R),
    ("l2557-vigilance-remplit-sans-secteur", "secteur-vigilance-credits-pv", "cdv", {}, S),
    ("l2557-vigilance-enveloppe-non-reglee", "secteur-vigilance-credits-pv", "fics",
     dict(quartiers=("petit-courgain",)), V),
    ("l2557-vigilance-limite-secteur-sans-credits-etat", "secteur-vigilance-credits-pv", "fics",
     dict(quartiers=("petit-courgain",), budget=_budget(("caf", "3000"))), S),
]


@pytest.mark.parametrize("cas, code, dispositif, donnees, attendu", CAS, ids=[c[0] for c in CAS])
def test_critere_contre_le_contrat(cas, code, dispositif, donnees, attendu):
    r = resultat(code, contexte(dispositif, **donnees))
    assert r.statut == attendu, r.explication
    assert r.explication


def test_chaque_ligne_citee_par_un_cas_existe_et_chaque_critere_change_a_trois_cas():
    """Les lignes citées par les noms des cas sont des lignes non vides du contrat ; chaque critère nouveau ou
    changé a un cas qui le remplit (ou le rend sans objet), un qui l'enfreint (ou le laisse à vérifier), un limite."""
    for cas, *_reste in CAS:
        debut = cas.split("-")[0]
        if debut[1:].isdigit():
            assert source.ligne(int(debut[1:])).strip(), cas
    calcules = {code for _cas, code, *_ in CAS}
    for code in calcules:
        noms = [c for c, k, *_ in CAS if k == code]
        assert any("remplit" in n for n in noms) or code.startswith("convention-action"), code
        assert any("limite" in n for n in noms), code


# --- Les critères « à constater » : la décision de l'instructeur fait le verdict -----------------------------

A_CONSTATER = [
    ("l3342-fipd-impact", "fipd-impact-delinquance", "fipd"),
    ("l3342-fipd-droit-commun", "fipd-hors-droit-commun", "fipd"),
    ("l3342-fipd-prise-en-charge", "fipd-prise-en-charge-individualisee", "fipd"),
    ("l3682-nqe-fil-rouge", "nqe-fil-rouge", "nos-quartiers-ete"),
    ("l3683-nqe-temps-forts", "nqe-temps-forts", "nos-quartiers-ete"),
    ("l3684-nqe-participative", "nqe-participative", "nos-quartiers-ete"),
    ("l3685-nqe-ecoresponsable", "nqe-ecoresponsable", "nos-quartiers-ete"),
    ("l3530-bp-investissement", "bp-investissement", "budget-participatif"),
    ("l3544-bp-lieu-public", "bp-lieu-public", "budget-participatif"),
    ("l3543-bp-participants-8-ans", "bp-participants", "budget-participatif"),
    ("l3546-bp-trois-etapes", "bp-etapes", "budget-participatif"),
]


@pytest.mark.parametrize("cas, code, dispositif", A_CONSTATER, ids=[c[0] for c in A_CONSTATER])
def test_critere_a_constater(cas, code, dispositif):
    """Remplit : l'instructeur retient « respecté » (commentaire) → éligible ; enfreint : « non respecté » → non
    éligible ; limite : il confirme « à vérifier » → à compléter. Le résultat calculé ne dépend pas du dossier."""
    critere = next(c for c in el.pour(dispositif) if c.code == code)
    assert critere.a_constater and str(critere.source.lignes[0]) in cas
    assert resultat(code, contexte(dispositif)).statut == V
    assert resultat(code, contexte(dispositif, intitule="Autre", budget=_budget(("ville-calais", "1")))).statut == V
    decisions = {s: [el.Decision(code, s, "Constaté sur pièces")] for s in (R, N, V)}
    assert el.verdict(decisions[R]) == el.ELIGIBLE
    assert el.verdict(decisions[N]) == el.NON_ELIGIBLE
    assert el.verdict(decisions[V]) == el.A_COMPLETER


# --- Paramètres lus dans les données, jamais écrits dans le code ---------------------------------------------


def test_l2557_plafond_de_2_5_pourcents_de_l_enveloppe_departementale():
    """Avec une enveloppe départementale réglée (1 000 000 €), le plafond est 25 000 € : une demande égale reste à
    vérifier (circonscrite), une demande au-delà est non respectée."""
    reglage = {"critere.secteur-vigilance-credits-pv.enveloppe_departementale": "1000000"}
    egal = contexte("cdv", quartiers=("petit-courgain",), budget=_budget(("etat-pv", "25000")))
    r = resultat("secteur-vigilance-credits-pv", egal, reglage)
    assert r.statut == V and "25\u202f000,00" in r.explication
    au_dela = contexte("cdv", quartiers=("petit-courgain",), budget=_budget(("etat-pv", "25000.01")))
    assert resultat("secteur-vigilance-credits-pv", au_dela, reglage).statut == N
    petit = contexte("cdv", quartiers=("petit-courgain",), budget=_budget(("etat-pv", "100")))
    assert resultat("secteur-vigilance-credits-pv", petit, reglage).statut == V


def test_l3591_enveloppe_de_la_cite_educative_par_annee():
    """Le montant 2023 (504 992 €, l. 3591) ne vaut que pour 2023 ; 2027 sans enveloppe réglée : à vérifier."""
    pleine = {"etat-pv": Decimal("300000"), "ville-calais": Decimal("108900"), "ca-gctm": Decimal("5000"),
              "etat-autres": Decimal("91091")}
    limite_2023 = contexte("ce", annee=2023, demandes_campagne=pleine, budget=_budget(("etat-pv", "1")))
    assert resultat("ce-enveloppe-contrainte", limite_2023).statut == R  # 504 992 = 504 992
    au_dela_2023 = contexte("ce", annee=2023, demandes_campagne=pleine, budget=_budget(("etat-pv", "1.01")))
    assert resultat("ce-enveloppe-contrainte", au_dela_2023).statut == V
    r = resultat("ce-enveloppe-contrainte", contexte("ce", demandes_campagne=pleine))
    assert r.statut == V and "enveloppe 2027" in r.explication and "pas fixée" in r.explication
    regle = {"critere.ce-enveloppe-contrainte.enveloppe_2027": "700000"}
    assert resultat("ce-enveloppe-contrainte", contexte("ce", demandes_campagne=pleine), regle).statut == R


def test_l3502_axes_fics_d_une_annee_sans_axes_declares():
    r = resultat("fics-axes-prioritaires", contexte("fics", description="Soutien à la parentalité."))
    assert r.statut == R and "axes 2024, les derniers déclarés" in r.explication


def test_un_seuil_absent_des_donnees_est_une_erreur_de_declaration():
    """Aucun seuil par défaut dans le code (23 000 €, 50 %, 1 200 €…) : un paramètre manquant est refusé."""
    critere = next(c for c in el.pour("cdv") if c.code == "convention-obligatoire")
    sans_seuil = el._avec(critere, {k: v for k, v in critere.parametres.items() if k != "seuil"})
    with pytest.raises(ReferentielInvalide, match="« seuil » manque"):
        el.evaluer(sans_seuil, contexte(budget=_budget(("etat-pv", "30000"))))
    from pathlib import Path

    texte = el.FICHIER.read_text(encoding="utf-8")
    code = Path(el.__file__).read_text(encoding="utf-8")
    for valeur in ("23000", "1200", "20000", "504992", "2.5"):
        assert valeur in texte, valeur
        assert valeur not in code, f"{valeur} est écrit dans le code"


def test_chaque_critere_declare_son_origine_et_sa_nature():
    for c in el.criteres():
        assert c.origine in el.ORIGINES and c.nature in el.NATURES, c.code
        if c.origine == el.CONTRAT:
            assert c.source.lignes, c.code
    par_code = {c.code: c for c in el.criteres()}
    assert par_code["convention-obligatoire"].origine == el.LOI
    assert par_code["cdv-beneficiaires-qpv"].origine == el.CHOIX_LOCAL
    assert par_code["cdv-pas-de-reconduction"].nature == el.RECOMMANDATION
    assert par_code["cdv-cofinancement"].nature == el.RECOMMANDATION
    assert 373 in par_code["cdv-cofinancement"].source.lignes
    # Les dispositifs instruits ont chacun leurs critères propres.
    for dispositif in ("fipd", "quartiers-ete", "nos-quartiers-ete"):
        assert [c for c in el.criteres() if dispositif in c.dispositifs], dispositif


def test_docs_referentiel_liste_chaque_critere_avec_sa_source_et_son_origine():
    """docs/referentiel.md : une ligne par critère, avec sa source (lignes du contrat ou loi) et son origine."""
    from pathlib import Path

    texte = (Path(__file__).resolve().parents[1] / "docs" / "referentiel.md").read_text(encoding="utf-8")
    lignes = {ligne.split("|")[1].strip().strip("`"): ligne for ligne in texte.splitlines()
              if ligne.startswith("| `")}
    origines = {el.CONTRAT: "| contrat |", el.LOI: "| loi |", el.CHOIX_LOCAL: "| **choix local** |"}
    for c in el.criteres():
        assert c.code in lignes, f"{c.code} manque dans docs/referentiel.md"
        ligne = lignes[c.code]
        assert origines[c.origine] in ligne and f"| {c.nature} |" in ligne, c.code
        if c.origine == el.LOI:
            assert c.source.texte in ligne, c.code
        else:
            assert "l. " + ", ".join(str(n) for n in c.source.lignes) in ligne, c.code
        assert ("à constater" in ligne) == c.a_constater, c.code
