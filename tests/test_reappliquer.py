"""Recharger et réappliquer après un conflit : champ par champ, sans rien perdre de part et d'autre."""

from __future__ import annotations

from instruction.domaine import dossier as d


def _saisie(**champs) -> d.SaisieDossier:
    base = dict(intitule="Jardin partagé", resume="Un jardin.", description="Ateliers.", quartiers=["beau-marais"],
                budget=[{"sens": "charge", "compte": "60", "montant": "100"}])
    return d.SaisieDossier(**{**base, **champs})


def test_mes_changements_sont_poses_sur_la_version_de_l_autre():
    origine = _saisie()
    mienne = _saisie(intitule="Jardin partagé et compost", quartiers=["beau-marais", "saint-pierre"])
    fraiche = _saisie(resume="Un jardin et un composteur.", description="Ateliers le mercredi.")
    fusion, miens, communs = d.reappliquer(origine, mienne, fraiche)
    assert fusion.intitule == "Jardin partagé et compost" and fusion.quartiers == ["beau-marais", "saint-pierre"]
    assert fusion.resume == "Un jardin et un composteur." and fusion.description == "Ateliers le mercredi."
    assert miens == ["Intitulé", "Quartiers"] and communs == []
    assert origine == _saisie() and fraiche.intitule == "Jardin partagé", "les saisies d'origine ne bougent pas"


def test_un_champ_change_des_deux_cotes_est_signale_et_garde_ma_valeur():
    origine = _saisie()
    mienne = _saisie(resume="Mon résumé.", budget=[{"sens": "charge", "compte": "60", "montant": "150"}])
    fraiche = _saisie(resume="Son résumé.")
    fusion, miens, communs = d.reappliquer(origine, mienne, fraiche)
    assert fusion.resume == "Mon résumé." and fusion.budget[0]["montant"] == "150"
    assert communs == ["Résumé"] and set(miens) == {"Résumé", "Budget prévisionnel"}


def test_le_meme_changement_des_deux_cotes_n_est_pas_un_conflit():
    fusion, miens, communs = d.reappliquer(_saisie(), _saisie(resume="Pareil."), _saisie(resume="Pareil."))
    assert fusion.resume == "Pareil." and miens == ["Résumé"] and communs == []
