"""L'argent : exact au centime, lu et écrit à la française."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from instruction.domaine import argent
from instruction.domaine.erreurs import DonneesInvalides


@pytest.mark.parametrize(
    "saisie, attendu",
    [
        ("1 234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1\u00a0234,5", "1234.50"),
        ("12000", "12000.00"),
        ("12.5", "12.50"),
        ("0", "0.00"),
        ("  582 497 ", "582497.00"),
    ],
)
def test_lire_un_montant_francais(saisie, attendu):
    assert argent.lire(saisie) == Decimal(attendu)


@pytest.mark.parametrize(
    "saisie, message",
    [
        ("", "Indiquez un montant"),
        ("abc", "n'est pas un montant"),
        ("1e5", "n'est pas un montant"),
        ("NaN", "n'est pas un montant"),
        ("1.234.567", "n'est pas un montant"),
        ("12,345", "plus de deux décimales"),
        ("-5", "négatif"),
        ("99 999 999 999", "dix milliards"),
    ],
)
def test_un_montant_invalide_est_refuse_avec_un_message_clair(saisie, message):
    with pytest.raises(DonneesInvalides, match=message):
        argent.lire(saisie)


def test_negatif_permis_sur_demande():
    assert argent.lire("-3,20", negatif_permis=True) == Decimal("-3.20")


def test_formater_a_la_francaise():
    assert argent.formater(Decimal("2320007")) == "2\u202f320\u202f007,00\u00a0€"
    assert argent.formater(None, vide="—") == "—"
    assert argent.formater_centimes(123456) == "1\u202f234,56\u00a0€"


def test_centimes_exacts_et_refus_des_fractions():
    assert argent.en_centimes(Decimal("0.10")) == 10
    assert argent.depuis_centimes(58249700) == Decimal("582497.00")
    with pytest.raises(DonneesInvalides):
        argent.en_centimes(Decimal("0.005"))
    with pytest.raises(TypeError):
        argent.en_centimes(0.1)  # type: ignore[arg-type]


def test_montant_en_lettres():
    assert argent.en_lettres(Decimal("23000.50")) == "vingt-trois mille euros et cinquante centimes"
    assert argent.en_lettres(Decimal("12000.00")) == "douze mille euros"
    assert argent.en_lettres(Decimal("1.01")) == "un euro et un centime"
    assert argent.en_lettres(Decimal("0.50")) == "cinquante centimes"
    assert argent.en_lettres(Decimal("2000000")) == "deux millions d'euros"
    assert argent.en_lettres(Decimal("1200000")) == "un million deux cent mille euros"
    assert argent.en_lettres(Decimal("80")) == "quatre-vingts euros"


@given(
    total=st.integers(min_value=0, max_value=10**11).map(argent.depuis_centimes),
    poids=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30).filter(lambda p: sum(p) > 0),
)
def test_repartir_tombe_juste_au_centime(total, poids):
    parts = argent.repartir(total, poids)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert all(p == 0 for p, w in zip(parts, poids, strict=True) if w == 0)
