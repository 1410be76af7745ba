"""Chaque champ refuse les mauvaises valeurs avec un message qui dit quoi corriger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from instruction.domaine import budget
from instruction.domaine import dossier as d
from instruction.domaine.validation import SaisieInvalide, Verificateur


def _saisie(**changes) -> d.SaisieDossier:
    base = d.SaisieDossier(campagne_id="1", porteur_id="1", intitule="Ateliers parents-enfants")
    for cle, valeur in changes.items():
        setattr(base, cle, valeur)
    return base


def _erreurs(saisie: d.SaisieDossier, quartiers=None) -> dict[str, str]:
    with pytest.raises(SaisieInvalide) as erreur:
        d.valider(saisie, quartiers)
    return {e.champ: e.message for e in erreur.value.erreurs}


def test_une_saisie_minimale_est_valide():
    donnees = d.valider(_saisie())
    assert donnees.intitule == "Ateliers parents-enfants" and donnees.budget == ()


@pytest.mark.parametrize(
    "changes, champ, extrait",
    [
        ({"intitule": ""}, "intitule", "obligatoire"),
        ({"intitule": "x" * 10_000}, "intitule", "10\u202f000 caractères, pour 300 au plus"),
        ({"resume": "y" * 2_001}, "resume", "raccourcissez"),
        ({"campagne_id": ""}, "campagne_id", "choisissez"),
        ({"date_debut": "31/02/2024"}, "date_debut", "jj/mm/aaaa"),
        ({"date_debut": "01/09/2024", "date_fin": "30/06/2024"}, "date_fin", "avant la date de début"),
        ({"beneficiaires": "douze"}, "beneficiaires", "n'est pas un nombre entier"),
        ({"beneficiaires": "-3"}, "beneficiaires", "inférieur au minimum"),
        ({"beneficiaires": "50", "femmes": "30", "hommes": "30"}, "hommes", "dépassent le nombre de bénéficiaires"),
        ({"beneficiaires": "50", "beneficiaires_quartiers": {"beau-marais": "60"}}, "beneficiaires_quartiers.beau-marais",
         "60 habitants de ce quartier, pour 50"),
        ({"beneficiaires": "50", "beneficiaires_quartiers": {"beau-marais": "30", "schweitzer": "30"}},
         "beneficiaires_quartiers", "dépassent le nombre de bénéficiaires"),
        ({"tranches_age": ["99-120"]}, "tranches_age", "n'est pas une valeur possible"),
        ({"seances": [{"libelle": "Atelier", "periode": "extrascolaire", "heure_debut": "16h", "heure_fin": "15h"}]},
         "seances.0.heure_fin", "après l'heure de début"),
        ({"seances": [{"libelle": "Atelier", "periode": "extrascolaire", "heure_debut": "25h"}]},
         "seances.0.heure_debut", "n'est pas une heure"),
        ({"seances": [{"libelle": "Atelier", "periode": ""}]}, "seances.0.periode", "choisissez"),
        ({"seances": [{"periode": "vacances", "nombre": "4"}]}, "seances.0.libelle", "obligatoire"),
        ({"indicateurs": [{"libelle": "Taux de réussite", "cible": "120", "unite": "%"}]}, "indicateurs.0.cible",
         "ne peut pas dépasser 100 %"),
        ({"indicateurs": [{"libelle": "Participants", "cible": "beaucoup"}]}, "indicateurs.0.cible", "n'est pas un nombre"),
        ({"budget": [{"sens": "charge", "compte": "64", "montant": "-100"}]}, "budget.0.montant", "négatif"),
        ({"budget": [{"sens": "charge", "compte": "64", "montant": "12,345"}]}, "budget.0.montant", "deux décimales"),
        ({"budget": [{"sens": "charge", "compte": "64", "montant": "douze"}]}, "budget.0.montant", "n'est pas un montant"),
        ({"budget": [{"sens": "produit", "compte": "74", "montant": "100"}]}, "budget.0.financeur", "financeur"),
        ({"budget": [{"sens": "charge", "compte": "74", "montant": "100"}]}, "budget.0.compte", "compte de charge"),
    ],
)
def test_mauvaises_valeurs(changes, champ, extrait):
    erreurs = _erreurs(_saisie(**changes), {"beau-marais", "schweitzer"})
    assert champ in erreurs, erreurs
    assert extrait in erreurs[champ]


def test_toutes_les_erreurs_sont_rapportees_ensemble():
    erreurs = _erreurs(_saisie(intitule="", date_debut="hier", beneficiaires="x"))
    assert set(erreurs) == {"intitule", "date_debut", "beneficiaires"}


@pytest.mark.parametrize(
    "methode, valeur, attendu",
    [
        ("siret", "73282932000074", "73282932000074"),
        ("siret", "732 829 320 00074", "73282932000074"),
        ("iban", "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("bic", "agrifrpp", "AGRIFRPP"),
        ("rna", "w622001234", "W622001234"),
        ("telephone", "+33 3 21 46 62 00", "03 21 46 62 00"),
        ("courriel", "contact@centre-social.fr", "contact@centre-social.fr"),
        ("code_postal", "62100", "62100"),
    ],
)
def test_identifiants_valides(methode, valeur, attendu):
    v = Verificateur()
    assert getattr(v, methode)("champ", valeur) == attendu
    assert v.valide


@pytest.mark.parametrize(
    "methode, valeur, extrait",
    [
        ("siret", "73282932000075", "clé de contrôle"),
        ("siret", "7328293200007", "14 chiffres"),
        ("iban", "FR7630006000011234567890188", "clé de contrôle"),
        ("iban", "FR76300060000112", "27 caractères"),
        ("iban", "DE89370400440532013001", "clé de contrôle"),
        ("bic", "AGRI", "BIC"),
        ("rna", "622001234", "W suivi de 9 chiffres"),
        ("telephone", "03 21 46", "10 chiffres"),
        ("courriel", "contact@", "adresse électronique"),
        ("code_postal", "6210", "5 chiffres"),
    ],
)
def test_identifiants_invalides(methode, valeur, extrait):
    v = Verificateur()
    assert getattr(v, methode)("champ", valeur) is None
    assert extrait in v.erreurs[0].message


def test_heures_a_la_francaise():
    v = Verificateur()
    assert v.heure("h", "14h30", "Début") == dt.time(14, 30)
    assert v.heure("h", "9h", "Début") == dt.time(9, 0)
    assert v.heure("h", "18:05", "Début") == dt.time(18, 5)
    assert v.valide


def test_completude_budget_desequilibre_et_pieces():
    donnees = d.valider(_saisie(budget=[
        {"sens": "charge", "compte": "64", "montant": "1000"},
        {"sens": "produit", "compte": "74", "financeur": "etat-pv", "montant": "900"},
    ]))
    manques = d.manques_pour_completude(donnees, d.Porteur("association", None, None), "cdv", [])
    texte = "\n".join(manques)
    assert "pas équilibré" in texte and "100,00" in texte
    assert "SIRET" in texte and "représentant légal" in texte
    assert "Statuts" in texte
    assert "Fiche d'intention" not in texte, "exigée pour la Cité éducative seulement"
    manques_ce = d.manques_pour_completude(donnees, d.Porteur("collectivite", "21620193300012", "M. le Maire"), "ce", [])
    assert any("Fiche d'intention" in m for m in manques_ce)
    assert not any("Statuts" in m for m in manques_ce)


def test_aller_retour_saisie_donnees():
    saisie = _saisie(
        date_debut="02/01/2023", date_fin="31/12/2023", beneficiaires="40", femmes="22", hommes="18",
        beneficiaires_quartiers={"beau-marais": "30"}, tranches_age=["6-10", "0-5"],
        seances=[{"libelle": "Atelier", "periode": "extrascolaire", "jour": "mercredi", "heure_debut": "14h00",
                  "heure_fin": "16h30", "frequence": "chaque semaine", "nombre": "30"}],
        indicateurs=[{"libelle": "Part QPV", "cible": "75,5", "unite": "%", "indicateur_code": ""}],
        budget=[{"sens": "charge", "compte": "64", "financeur": "", "libelle": "Salaires", "montant": "1 234,56"}],
    )
    donnees = d.valider(saisie, {"beau-marais"})
    assert donnees.tranches_age == ("0-5", "6-10")
    assert donnees.indicateurs[0].cible == Decimal("75.5")
    assert d.valider(d.saisie_depuis(donnees), {"beau-marais"}) == donnees


montants = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)


@given(
    charges=st.lists(montants, max_size=40),
    subventions=st.lists(st.tuples(st.sampled_from(["etat-pv", "ville-calais", "caf", "region"]), montants), max_size=20),
    autres=st.lists(montants, max_size=10),
)
def test_totaux_et_parts_exacts_pour_tous_montants(charges, subventions, autres):
    lignes = [budget.Ligne("charge", "60", m) for m in charges]
    lignes += [budget.Ligne("produit", "74", m, f) for f, m in subventions]
    lignes += [budget.Ligne("produit", "75", m) for m in autres]
    s = budget.synthese(lignes)
    assert s.total_charges == sum(charges, Decimal(0))
    assert s.total_produits == sum((m for _f, m in subventions), Decimal(0)) + sum(autres, Decimal(0))
    assert s.ecart == s.total_charges - s.total_produits
    assert sum((p.montant for p in s.parts), Decimal(0)) == s.subventions
    for part in s.parts:
        assert part.montant == sum((m for f, m in subventions if f == part.financeur), Decimal(0))
        if s.total_charges:
            from fractions import Fraction

            exacte = Fraction(part.montant) / Fraction(s.total_charges)
            assert abs(Fraction(part.part) - exacte) <= Fraction(1, 20000)
        else:
            assert part.part is None
    # la saisie aussi : texte → Decimal sans perte
    saisie = _saisie(budget=[{"sens": "charge", "compte": "60", "montant": str(m).replace(".", ",")} for m in charges])
    assert sum((l.montant for l in d.valider(saisie).budget), Decimal(0)) == sum(charges, Decimal(0))
