"""La campagne de démonstration reproduit au centime les chiffres publiés du contrat de ville."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import BigInteger, func, select, type_coerce

from instruction import budget, demo
from instruction import referentiel as r
from instruction.db import modeles as m
from instruction.erreurs import ErreurInstruction


@pytest.fixture(scope="module")
def plan():
    return demo.planifier(r.charger())


def test_le_plan_est_deterministe(plan):
    autre = demo.planifier(r.charger())
    assert [d.numero for d in autre.campagnes["cdv"]] == [d.numero for d in plan.campagnes["cdv"]]
    assert [d.lignes for d in autre.campagnes["ce"]] == [d.lignes for d in plan.campagnes["ce"]]


@pytest.mark.parametrize("cible", demo.CIBLES, ids=lambda c: c.dispositif)
def test_chiffres_publies(plan, cible):
    dossiers = plan.campagnes[cible.dispositif]
    assert len(dossiers) == cible.dossiers
    if cible.porteurs:
        assert len({d.porteur for d in dossiers}) == cible.porteurs
    assert sum(d.cout_total for d in dossiers) == Decimal(cible.total)
    demandes = Counter()
    for d in dossiers:
        for financeur, montant in budget.subventions_par_financeur(
            budget.Ligne(l.sens, l.compte, l.montant, l.financeur) for l in d.lignes
        ).items():
            demandes[financeur] += montant
    for financeur, montant in cible.financeurs.items():
        assert demandes[financeur] == Decimal(montant), financeur


def test_chaque_budget_est_equilibre_et_plausible(plan):
    for dossiers in plan.campagnes.values():
        for d in dossiers:
            lignes = [budget.Ligne(l.sens, l.compte, l.montant, l.financeur) for l in d.lignes]
            assert budget.ecart(lignes) == 0, d.numero
            assert all(l.montant > 0 for l in d.lignes), d.numero
            assert all(l.compte in budget.PAR_NUMERO for l in d.lignes)
            assert d.date_debut <= d.date_fin
            assert d.quartiers and d.objectifs
            assert not d.intitule.lower().startswith("dossier")


def test_regles_des_dispositifs_respectees(plan):
    for d in plan.campagnes["pic"]:
        assert d.cout_total <= Decimal("1200"), "PIC : au plus 1 200 € (l. 3668)"
    quartiers = Counter(d.quartiers for d in plan.campagnes["pic"])
    assert quartiers == Counter({("beau-marais",): 13, ("fort-nieulay",): 9, ("saint-pierre",): 4, ("schweitzer",): 1})
    types = {code: p.type for code, p in plan.porteurs.items()}
    assert {types[d.porteur] for d in plan.campagnes["cdv"]} <= demo.TYPES_ELIGIBLES["cdv"]


def test_identifiants_fictifs_valides(plan):
    from stdnum.fr import siret

    for porteur in plan.porteurs.values():
        if porteur.siret:
            assert siret.is_valid(porteur.siret), porteur.nom
        if porteur.type == "association":
            assert porteur.rna and porteur.rna.startswith("W") and len(porteur.rna) == 10


def test_ventiler_tombe_juste():
    matrice = demo.ventiler([100, 50, 30], {"a": 120, "b": 60}, [{"a", "b"}, {"a"}, {"a", "b"}])
    assert [sum(l.values()) for l in matrice] == [100, 50, 30]
    assert sum(l.get("a", 0) for l in matrice) == 120 and sum(l.get("b", 0) for l in matrice) == 60
    assert "b" not in matrice[1]


def test_remplir_la_base_puis_refuser_un_second_remplissage(contexte):
    bilan = demo.remplir(contexte)
    assert "60 dossiers, 40 porteurs" in bilan.resume()
    with contexte.unite() as uow:
        session = uow.session
        total_cdv = session.scalar(
            select(func.sum(type_coerce(m.Dossier.cout_total, BigInteger)))
            .join(m.Campagne)
            .where(m.Campagne.dispositif_code == "cdv", m.Campagne.annee == 2023)
        )
        assert total_cdv == 2_320_007_00
        par_financeur = dict(
            session.execute(
                select(m.LigneBudget.financeur_code, func.sum(type_coerce(m.LigneBudget.montant, BigInteger)))
                .join(m.Dossier)
                .join(m.Campagne)
                .where(m.Campagne.dispositif_code == "cdv", m.Campagne.annee == 2023, m.LigneBudget.compte == "74")
                .group_by(m.LigneBudget.financeur_code)
            ).all()
        )
        assert par_financeur["etat-pv"] == 582_497_00 and par_financeur["departement"] == 12_715_00
        assert session.scalar(select(func.count()).select_from(m.Dossier)) == 142
    with pytest.raises(ErreurInstruction, match="déjà une campagne de la démonstration"):
        demo.remplir(contexte)
    with contexte.unite() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.Dossier)) == 142


def test_la_base_de_demo_passe_la_verification(url_demo):
    from instruction.db.verification import verifier

    rapport = verifier(url_demo)
    assert rapport.reussi, [c for c in rapport.controles if not c.reussi]


def test_la_demo_2027_a_des_avis_donnes_et_attendus(url_demo):
    """Les dossiers instruits ont les avis de leurs cofinanceurs (un réservé) ; ceux en instruction les
    attendent, échéance dépassée : ils sont dans les tâches de l'instructeur, à relancer."""
    from sqlalchemy import select

    from instruction import droits
    from instruction.db import modeles as m
    from instruction.services import avis, taches
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        contexte.utilisateur = droits.Utilisateur("marie", "Marie", droits.INSTRUCTEUR)
        with contexte.unite() as uow:
            ids = uow.session.scalars(select(m.Dossier.id).where(m.Dossier.numero.startswith("CDV-2027"))).all()
            lignes = [ligne for i in ids for ligne in avis.du_dossier(uow, i)]
            a_faire = taches.mes_taches(uow)
        donnes = [ligne for ligne in lignes if ligne.sens]
        attendus = [ligne for ligne in lignes if not ligne.sens]
        assert {ligne.dossier_numero for ligne in donnes} == {"CDV-2027-001", "CDV-2027-002"}
        assert [ligne.sens for ligne in donnes].count("reserve") == 1
        assert all(ligne.montants for ligne in donnes) and all(ligne.en_retard for ligne in attendus)
        assert len(attendus) >= 8
        a_relancer = [t for t in a_faire if t.categorie == taches.DEPASSEES and t.demande_avis_id]
        assert len(a_relancer) == len(attendus)
    finally:
        contexte.fermer()
