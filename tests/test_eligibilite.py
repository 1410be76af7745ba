"""Les critères d'éligibilité : chaque règle contre un dossier qui la remplit et un qui l'enfreint.

Règles pures : le dossier est décrit ici (``Contexte``), sans base de données.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from instruction.domaine import eligibilite as el
from instruction.domaine import source
from instruction.domaine.dossier import DonneesDossier, LigneBudget, Seance
from instruction.domaine.erreurs import DonneesInvalides, ReferentielInvalide

NATURES = {"beau-marais": "qpv", "fort-nieulay": "qpv", "bm-centre": "sous_secteur", "petit-courgain": "secteur_vigilance",
           "quartier-hors": "autre"}


def _budget(*demandes: tuple[str, str], cout: str | None = None):
    total = sum((Decimal(m) for _f, m in demandes), Decimal(0))
    charges = Decimal(cout) if cout else total
    lignes = [LigneBudget("charge", "64", charges, None, "Animation")]
    lignes += [LigneBudget("produit", "74", Decimal(m), f, "") for f, m in demandes]
    if charges > total:
        lignes.append(LigneBudget("produit", "75", charges - total, None, "Cotisations"))
    return tuple(lignes)


def contexte(dispositif="cdv", *, type_porteur="association", **donnees) -> el.Situation:
    autres = {k: donnees.pop(k) for k in list(donnees) if k in {f.name for f in dataclasses.fields(el.Situation)}}
    valeurs = dict(
        intitule="Ateliers du mercredi", description="Des ateliers de cuisine au centre social.",
        quartiers=("beau-marais",), beneficiaires=40, beneficiaires_quartiers=(("beau-marais", 30),),
        seances=(Seance("Atelier", "extrascolaire", "mercredi"),),
        budget=_budget(("etat-pv", "2000"), ("caf", "1000")),
    )
    valeurs.update(donnees)
    return el.Situation(
        dispositif=dispositif, annee=autres.pop("annee", 2027), donnees=DonneesDossier(1, 1, **valeurs),
        type_porteur=type_porteur,
        commune_porteur=autres.pop("commune_porteur", "calais"), natures_quartiers=NATURES,
        communes_agglomeration=frozenset({"calais", "coulogne", "marck"}), **autres,
    )


def resultat(code: str, c: el.Situation, reglages=None) -> el.Resultat:
    critere = next(k for k in el.pour(c.dispositif, reglages) if k.code == code)
    return el.evaluer(critere, c)


# --- Déclarations ------------------------------------------------------------------------------------


def test_chaque_critere_a_une_regle_et_une_source_verifiable():
    criteres = el.criteres()
    assert len({c.code for c in criteres}) == len(criteres)
    par_dispositif = {d: [c.code for c in criteres if c.concerne(d)] for d in ("cdv", "ce", "fics", "pic",
                                                                             "budget-participatif")}
    assert len(par_dispositif["cdv"]) == 12 and len(par_dispositif["ce"]) == 11
    for c in criteres:
        assert c.regle in el.REGLES
        assert c.source.texte
        for ligne in c.source.lignes:
            assert 1 <= ligne <= source.nombre_de_lignes()
            assert source.ligne(ligne).strip(), f"{c.code} : la ligne {ligne} de la source est vide"
    # Les lignes citées parlent bien de ce qu'elles fondent.
    assert "temps scolaire" in source.ligne(3959)
    assert "reconduction à l'identique" in source.ligne(3962)
    assert "DRAC" in source.ligne(8419) and "valorisation" in source.ligne(8419)
    assert "fiche d'intention" in source.ligne(3974)


def test_un_critere_ajoute_dans_le_fichier_sans_toucher_au_code(tmp_path):
    texte = el.FICHIER.read_text(encoding="utf-8") + """
  - code: cdv-plafond-local
    dispositifs: [cdv]
    libelle: Subvention d'au plus 5 000 €
    question: La subvention demandée est-elle d'au plus 5 000 € ?
    regle: plafond_subvention
    origine: choix-local
    parametres: {plafond: 5000}
    source: {texte: "Note de cadrage locale"}
"""
    fichier = tmp_path / "criteres.yaml"
    fichier.write_text(texte, encoding="utf-8")
    nouveau = next(c for c in el.criteres(fichier) if c.code == "cdv-plafond-local")
    assert nouveau.choix_local
    assert el.evaluer(nouveau, contexte()).statut == el.RESPECTE
    assert el.evaluer(nouveau, contexte(budget=_budget(("etat-pv", "6000")))).statut == el.NON_RESPECTE


def test_un_fichier_de_criteres_faux_est_refuse_clairement(tmp_path):
    fichier = tmp_path / "criteres.yaml"
    fichier.write_text("criteres:\n  - code: x\n    dispositifs: [cdv]\n    libelle: X\n    question: Q\n"
                       "    regle: regle_inexistante\n    source: {texte: T}\n", encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match="regle_inexistante"):
        el.criteres(fichier)
    fichier.write_text("criteres: [{code: x, dispositifs: [cdv]}]", encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match="critère x est incomplet .*libelle"):
        el.criteres(fichier)
    fichier.write_text("criteres: [", encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match="illisible"):
        el.criteres(fichier)
    # Une règle dite « du contrat » cite ses lignes ; une origine inconnue est refusée.
    fichier.write_text("criteres:\n  - code: x\n    dispositifs: [cdv]\n    libelle: X\n    question: Q\n"
                       "    regle: a_constater\n    source: {texte: T}\n", encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match="sans ligne du contrat.*x"):
        el.criteres(fichier)
    fichier.write_text("criteres:\n  - code: x\n    dispositifs: [cdv]\n    libelle: X\n    question: Q\n"
                       "    regle: a_constater\n    origine: coutume\n    source: {texte: T}\n", encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match="origine .* inconnue pour x"):
        el.criteres(fichier)


# --- Contrat de ville ------------------------------------------------------------------------------


def test_hors_temps_scolaire():
    assert resultat("cdv-hors-temps-scolaire", contexte()).statut == el.RESPECTE
    scolaire = contexte(seances=(Seance("Atelier", "extrascolaire"), Seance("Classe", "temps-scolaire", "mardi")))
    r = resultat("cdv-hors-temps-scolaire", scolaire)
    assert r.statut == el.NON_RESPECTE and "Classe" in r.explication
    assert resultat("cdv-hors-temps-scolaire", contexte(seances=())).statut == el.A_VERIFIER


def test_part_locale_des_habitants_des_qpv_et_seuil_reglable():
    """Le seuil de 50 % est un choix local (le contrat, l. 3565, ne fixe pas de part) : sous le seuil, « à
    vérifier », jamais « non respecté »."""
    critere = next(c for c in el.pour("cdv") if c.code == "cdv-beneficiaires-qpv")
    assert critere.choix_local and critere.origine == el.CHOIX_LOCAL
    assert resultat("cdv-beneficiaires-qpv", contexte()).statut == el.RESPECTE  # 75 %
    peu = contexte(beneficiaires_quartiers=(("beau-marais", 10), ("bm-centre", 5)))  # 15 sur 40 : 37,5 %
    r = resultat("cdv-beneficiaires-qpv", peu)
    assert r.statut == el.A_VERIFIER and "15 sur 40" in r.explication  # a lieu en QPV : à vérifier
    ailleurs = contexte(quartiers=("quartier-hors",), beneficiaires_quartiers=(("beau-marais", 10),))
    r = resultat("cdv-beneficiaires-qpv", ailleurs)
    assert r.statut == el.A_VERIFIER and "le contrat ne fixe pas de part" in r.explication
    # Le seuil est un réglage : à 30 %, 37,5 % suffit.
    assert resultat("cdv-beneficiaires-qpv", peu, {"critere.cdv-beneficiaires-qpv.seuil": "30"}).statut == el.RESPECTE
    assert resultat("cdv-beneficiaires-qpv", contexte(beneficiaires=None)).statut == el.A_VERIFIER


@pytest.mark.parametrize("type_porteur, attendu", [
    ("association", el.RESPECTE), ("bailleur-social", el.RESPECTE), ("collectivite", el.RESPECTE),
    ("etablissement-public", el.RESPECTE), ("entreprise-privee", el.NON_RESPECTE),
    ("groupe-habitants", el.NON_RESPECTE),
])
def test_porteur_eligible_au_contrat_de_ville(type_porteur, attendu):
    assert resultat("cdv-porteur-eligible", contexte(type_porteur=type_porteur)).statut == attendu


def test_reconduction_a_l_identique_detectee_et_montree_cote_a_cote():
    d = contexte().donnees
    identique = el.Precedent("CDV-2026-012", d.intitule, d.description, Decimal("3000"), 2026)
    r = resultat("cdv-pas-de-reconduction", contexte(precedents=(identique,)))
    assert r.statut == el.A_VERIFIER and "CDV-2026-012" in r.explication and "l. 3962" in r.explication
    rubriques = {ligne[0]: ligne[1:] for ligne in r.comparaison}
    assert rubriques["Intitulé"] == (d.intitule, d.intitule)
    assert rubriques["Coût total"][1] == "3\u202f000,00\u00a0€"
    nouvelle = el.Precedent("CDV-2026-013", "Chantier jeunes de rénovation des halls", "Peinture des halls d'immeubles.",
                            Decimal("12000"), 2026)
    assert resultat("cdv-pas-de-reconduction", contexte(precedents=(nouvelle,))).statut == el.RESPECTE
    assert resultat("cdv-pas-de-reconduction", contexte()).statut == el.RESPECTE  # pas d'action l'an dernier
    # Même intitulé, description et budget très différents : ce n'est pas une reconduction à l'identique.
    renouvelee = el.Precedent("CDV-2026-014", d.intitule, "Sorties culturelles à Lille et à Paris avec les familles.",
                              Decimal("20000"), 2026)
    assert resultat("cdv-pas-de-reconduction", contexte(precedents=(renouvelee,))).statut == el.RESPECTE


def test_cofinancement_au_dela_des_credits_politique_de_la_ville():
    assert resultat("cdv-cofinancement", contexte()).statut == el.RESPECTE
    seul = contexte(budget=_budget(("etat-pv", "3000")))
    assert resultat("cdv-cofinancement", seul).statut == el.NON_RESPECTE  # une recommandation non suivie
    sans = contexte(budget=(LigneBudget("charge", "64", Decimal("100")), LigneBudget("produit", "75", Decimal("100"))))
    assert resultat("cdv-cofinancement", sans).statut == el.SANS_OBJET


# --- Cité éducative ----------------------------------------------------------------------------------


def test_fiche_d_intention_validee_avant_le_depot():
    depot = dt.date(2027, 2, 1)
    avant = contexte("ce", depose_le=depot, pieces=(("fiche-intention", dt.date(2027, 1, 15)),))
    assert resultat("ce-fiche-intention", avant).statut == el.RESPECTE
    apres = contexte("ce", depose_le=depot, pieces=(("fiche-intention", dt.date(2027, 2, 10)),))
    assert resultat("ce-fiche-intention", apres).statut == el.NON_RESPECTE
    assert resultat("ce-fiche-intention", contexte("ce", depose_le=depot)).statut == el.NON_RESPECTE
    sans_date = contexte("ce", depose_le=depot, pieces=(("fiche-intention", None),))
    assert resultat("ce-fiche-intention", sans_date).statut == el.A_VERIFIER


def test_lien_avec_les_ecoles():
    assert resultat("ce-lien-ecoles", contexte("ce", type_porteur="etablissement-scolaire")).statut == el.RESPECTE
    ecole = contexte("ce", description="Ateliers avec les élèves de l'école Jean Macé (REP+).")
    r = resultat("ce-lien-ecoles", ecole)
    assert r.statut == el.A_VERIFIER and "école" in r.explication
    assert resultat("ce-lien-ecoles", contexte("ce", description="Sorties en famille.")).statut == el.NON_RESPECTE


def test_action_education_nationale_avec_un_partenaire_des_qpv():
    assert resultat("ce-partenaire-qpv", contexte("ce")).statut == el.SANS_OBJET
    seul = contexte("ce", type_porteur="etablissement-scolaire", description="Soutien en classe.")
    assert resultat("ce-partenaire-qpv", seul).statut == el.NON_RESPECTE
    avec = contexte("ce", type_porteur="etablissement-scolaire", moyens="Avec l'association du Fort Nieulay.")
    assert resultat("ce-partenaire-qpv", avec).statut == el.A_VERIFIER


def test_enveloppe_contrainte_de_la_cite_educative():
    pleine = {"etat-pv": Decimal("300000"), "ville-calais": Decimal("108900"), "ca-gctm": Decimal("5000"),
              "etat-autres": Decimal("90000")}
    reglage = {"critere.ce-enveloppe-contrainte.enveloppe_2027": "504992"}

    def resultat(code, c, reglages=reglage):  # l'enveloppe 2027 réglée comme celle de 2023
        critere = next(k for k in el.pour(c.dispositif, reglages) if k.code == code)
        return el.evaluer(critere, c)

    place = contexte("ce", demandes_campagne=pleine, budget=_budget(("etat-pv", "1000")))
    assert resultat("ce-enveloppe-contrainte", place).statut == el.RESPECTE  # 504 900 ≤ 504 992
    trop = contexte("ce", demandes_campagne=pleine, budget=_budget(("etat-pv", "1000"), ("ville-calais", "500")))
    r = resultat("ce-enveloppe-contrainte", trop)
    assert r.statut == el.A_VERIFIER and "505\u202f400,00" in r.explication
    # Les crédits de la CAF ne sont pas dans l'enveloppe de la Cité éducative.
    caf = contexte("ce", demandes_campagne={**pleine, "caf": Decimal("90000")}, budget=_budget(("etat-pv", "1000")))
    assert resultat("ce-enveloppe-contrainte", caf).statut == el.RESPECTE
    renouvelee = contexte("ce", demandes_campagne=pleine, renouvellement=True,
                          budget=_budget(("etat-pv", "1000"), ("ville-calais", "500")))
    assert resultat("ce-enveloppe-contrainte", renouvelee).statut == el.RESPECTE
    assert resultat("ce-enveloppe-contrainte", trop, {"critere.ce-enveloppe-contrainte.enveloppe_2027": "600000"}).statut \
        == el.RESPECTE


# --- FICS, PIC, budget participatif ---------------------------------------------------------------------


def test_fics():
    assert resultat("fics-pas-entreprise", contexte("fics")).statut == el.RESPECTE
    assert resultat("fics-pas-entreprise", contexte("fics", type_porteur="entreprise-privee")).statut \
        == el.NON_RESPECTE
    assert resultat("fics-agglomeration", contexte("fics")).statut == el.RESPECTE
    dehors = contexte("fics", commune_porteur="lille", quartiers=())
    assert resultat("fics-agglomeration", dehors).statut == el.A_VERIFIER
    assert resultat("fics-agglomeration", contexte("fics", commune_porteur="lille")).statut == el.RESPECTE
    vigilance = contexte("fics", quartiers=("petit-courgain",), noms_quartiers={"petit-courgain": "Petit Courgain"})
    r = resultat("fics-secteur-vigilance", vigilance)
    assert r.statut == el.RESPECTE and "Petit Courgain" in r.explication
    assert resultat("fics-secteur-vigilance", contexte("fics")).statut == el.A_VERIFIER


def test_pic():
    pic = dict(type_porteur="groupe-habitants", budget=_budget(("region", "1200"), cout="1500"))
    assert resultat("pic-plafond", contexte("pic", **pic)).statut == el.RESPECTE
    trop = dict(pic, budget=_budget(("region", "1200.01")))
    assert resultat("pic-plafond", contexte("pic", **trop)).statut == el.NON_RESPECTE
    assert resultat("pic-porteur", contexte("pic", **pic)).statut == el.RESPECTE
    assert resultat("pic-porteur", contexte("pic", type_porteur="collectivite")).statut == el.NON_RESPECTE
    assert resultat("pic-porteur", contexte("pic", type_porteur="association")).statut == el.A_VERIFIER  # de proximité ?
    assert resultat("pic-en-qpv", contexte("pic", **pic)).statut == el.RESPECTE
    assert resultat("pic-en-qpv", contexte("pic", quartiers=("petit-courgain",))).statut == el.A_VERIFIER
    assert resultat("pic-en-qpv", contexte("pic", quartiers=())).statut == el.A_VERIFIER


def test_budget_participatif():
    bp = "budget-participatif"
    assert resultat("bp-plafond", contexte(bp, budget=_budget(("ville-calais", "20000")))).statut == el.RESPECTE
    assert resultat("bp-plafond", contexte(bp, budget=_budget(("ville-calais", "20000.01")))).statut \
        == el.NON_RESPECTE
    # Investissement et lieu public se constatent sur pièces : l'instructeur tranche.
    assert resultat("bp-investissement", contexte(bp)).statut == el.A_VERIFIER
    assert resultat("bp-lieu-public", contexte(bp)).statut == el.A_VERIFIER


# --- Tous les dispositifs --------------------------------------------------------------------------


def test_convention_obligatoire_au_dela_de_23_000_euros():
    assert resultat("convention-obligatoire", contexte()).statut == el.SANS_OBJET
    gros = contexte(budget=_budget(("etat-pv", "23000.01"), ("caf", "23000")),
                    noms_financeurs={"etat-pv": "État – politique de la ville"})
    r = resultat("convention-obligatoire", gros)
    assert r.statut == el.A_VERIFIER and "État – politique de la ville" in r.explication and "caf" not in r.explication
    public = contexte(type_porteur="collectivite", budget=_budget(("etat-pv", "50000")))
    assert resultat("convention-obligatoire", public).statut == el.SANS_OBJET


def test_drac_reconnue_a_son_cofinanceur_pas_au_libelle():
    """l. 8415-8431 : la DRAC se reconnaît à son code de cofinanceur ; le mot « DRAC » dans un libellé ne suffit pas."""
    assert resultat("drac-valorisation", contexte()).statut == el.SANS_OBJET
    libelle_seul = LigneBudget("produit", "74", Decimal("500"), "etat-autres", "Subvention DRAC")
    assert resultat("drac-valorisation", contexte(budget=_budget(("etat-pv", "2000")) + (libelle_seul,))).statut \
        == el.SANS_OBJET
    drac = LigneBudget("produit", "74", Decimal("500"), "drac", "Subvention")
    r = resultat("drac-valorisation", contexte(budget=_budget(("etat-pv", "2000")) + (drac,)))
    assert r.statut == el.A_VERIFIER and "ni une quote-part" in r.explication


# --- Décisions et verdict ----------------------------------------------------------------------------


def test_changer_un_resultat_exige_un_commentaire():
    resultats = {"a": el.Resultat(el.RESPECTE, ""), "b": el.Resultat(el.A_VERIFIER, "")}
    with pytest.raises(DonneesInvalides, match="commentaire est obligatoire"):
        el.verifier_decisions(resultats, [el.Decision("a", el.RESPECTE), el.Decision("b", el.RESPECTE, "  ")])
    with pytest.raises(DonneesInvalides, match="sans décision : b"):
        el.verifier_decisions(resultats, [el.Decision("a", el.RESPECTE)])
    el.verifier_decisions(resultats, [el.Decision("a", el.RESPECTE), el.Decision("b", el.RESPECTE, "Vu le RIB")])


def test_verdict():
    assert el.verdict([el.Decision("a", el.RESPECTE), el.Decision("b", el.SANS_OBJET)]) == el.ELIGIBLE
    assert el.verdict([el.Decision("a", el.RESPECTE), el.Decision("b", el.A_VERIFIER)]) == el.A_COMPLETER
    assert el.verdict([el.Decision("a", el.A_VERIFIER), el.Decision("b", el.NON_RESPECTE)]) == el.NON_ELIGIBLE


def test_verdict_selon_la_nature_des_criteres():
    """Une recommandation non suivie ne rend pas non éligible (mais « à vérifier » attend une décision) ; une
    obligation ne change jamais le verdict."""
    natures = {"c": el.CONDITION, "r": el.RECOMMANDATION, "o": el.OBLIGATION}
    D = el.Decision
    assert el.verdict([D("c", el.RESPECTE), D("r", el.NON_RESPECTE)], natures) == el.ELIGIBLE
    assert el.verdict([D("c", el.RESPECTE), D("r", el.A_VERIFIER)], natures) == el.A_COMPLETER
    assert el.verdict([D("c", el.RESPECTE), D("o", el.A_VERIFIER)], natures) == el.ELIGIBLE
    assert el.verdict([D("c", el.RESPECTE), D("o", el.NON_RESPECTE)], natures) == el.ELIGIBLE
    assert el.verdict([D("c", el.NON_RESPECTE), D("r", el.RESPECTE)], natures) == el.NON_ELIGIBLE
    # Sans table, les natures déclarées dans resources/criteres.yaml.
    assert el.verdict([D("cdv-cofinancement", el.NON_RESPECTE), D("convention-action-retenue", el.A_VERIFIER)]) \
        == el.ELIGIBLE
    assert el.verdict([D("cdv-hors-temps-scolaire", el.NON_RESPECTE)]) == el.NON_ELIGIBLE
