import datetime as dt

import pytest

from instruction.domaine import dates, nombres, texte
from instruction.domaine.erreurs import DonneesInvalides


def test_dates_a_la_francaise():
    assert dates.formater(dt.date(2026, 11, 5)) == "05/11/2026"
    assert dates.formater_long(dt.date(2026, 11, 5)) == "5 novembre 2026"
    assert dates.formater_long(dt.date(2027, 3, 1)) == "1er mars 2027"
    assert dates.lire("25/11/2026") == dt.date(2026, 11, 25)
    assert dates.lire("1/2/23") == dt.date(2023, 2, 1)


@pytest.mark.parametrize("saisie", ["2026-11-25", "31/02/2026", "demain", ""])
def test_date_invalide(saisie):
    with pytest.raises(DonneesInvalides, match="jj/mm/aaaa"):
        dates.lire(saisie)


@pytest.mark.parametrize("jours, attendu", [(0, "aujourd'hui"), (1, "1 jour"), (12, "12 jours"), (90, "3 mois"), (800, "2 ans")])
def test_durees(jours, attendu):
    assert dates.formater_duree(jours) == attendu


def test_recherche_sans_accents_ni_majuscules():
    assert texte.pour_recherche("Crèvecœur — ÉTÉ") == "crevecoeur  ete"
    assert texte.mots("  Beau   MARAIS ") == ["beau", "marais"]


def test_nombres():
    assert nombres.formater(100000) == "100\u202f000"
