"""Les grilles transversales : lecture des fichiers, calcul du score et de la cotation (sans base)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from instruction.domaine import grilles, source
from instruction.domaine.erreurs import ReferentielInvalide

OUI, PART, NON, SO = grilles.OUI, grilles.PARTIELLEMENT, grilles.NON, grilles.SANS_OBJET


@pytest.fixture(scope="module")
def egalite() -> grilles.Version:
    return grilles.par_code()["egalite-femmes-hommes"].courante


def _toutes(version: grilles.Version, reponse: str, **autres: str) -> dict[str, str]:
    return {q.code: autres.get(q.code.replace("-", "_"), reponse) for q in version.questions}


def test_les_trois_grilles_du_contrat_de_ville():
    liste = grilles.charger()
    assert [g.code for g in liste] == ["egalite-femmes-hommes", "illettrisme-illectronisme", "handicap"]
    assert [g.theme for g in liste] == ["egalite-femmes-hommes", "illettrisme-illectronisme", "handicap"]
    egalite = liste[0].courante
    # Les étapes du projet que nomme la demande : diagnostic, objectifs, publics, organisation,
    # communication, évaluation.
    assert egalite.etapes == ["Diagnostic", "Objectifs", "Publics et mobilisation", "Organisation",
                              "Communication", "Évaluation"]
    assert "données sexuées" in egalite.questions[0].texte
    assert "Grille de cotation égalité femmes hommes" in source.ligne(2647)
    for grille in liste:
        assert grille.source.startswith("Contrat de ville")
        assert {r.cotation for r in grille.courante.cotations} == {0, 1, 2}


def test_toutes_les_reponses_oui_donnent_la_cotation_2(egalite):
    r = grilles.coter(egalite, _toutes(egalite, OUI))
    assert (r.score, r.cotation, r.sans_reponse) == (Decimal("100.0"), 2, 0)
    assert "objectif principal" in r.explication


def test_sans_l_objectif_principal_pas_de_cotation_2(egalite):
    r = grilles.coter(egalite, _toutes(egalite, OUI, efh_objectif_principal=NON))
    assert r.score == Decimal("88.2")  # 30 points sur 34
    assert r.cotation == 1


def test_partiellement_partout_vaut_50_pour_cent(egalite):
    r = grilles.coter(egalite, _toutes(egalite, PART))
    assert (r.score, r.cotation) == (Decimal("50.0"), 1)


def test_score_moyen_sans_objectif_explicite_cotation_0(egalite):
    reponses = _toutes(egalite, OUI, efh_objectif_explicite=NON, efh_objectif_principal=NON)
    r = grilles.coter(egalite, reponses)
    assert r.score == Decimal("76.5") and r.cotation == 0, "la cotation 1 exige un objectif explicite"


def test_toutes_sans_objet(egalite):
    r = grilles.coter(egalite, _toutes(egalite, SO))
    assert r.score is None and r.cotation == 0
    assert "aucune question ne s'applique" in r.explication


def test_sans_objet_sort_la_question_du_calcul(egalite):
    reponses = _toutes(egalite, NON, efh_objectif_explicite=OUI, efh_diagnostic_donnees=OUI,
                       efh_publics_repartition=OUI, efh_evaluation_indicateurs=OUI)
    avant = grilles.coter(egalite, reponses)
    assert avant.score == Decimal("47.1") and avant.cotation == 1  # 16 sur 34
    apres = grilles.coter(egalite, {**reponses, "efh-organisation-garde": SO, "efh-organisation-horaires": SO})
    assert apres.score == Decimal("53.3") and "16 points sur 30, 2 question(s) sans objet" in apres.explication


def test_grille_inachevee_pas_de_cotation(egalite):
    reponses = dict(list(_toutes(egalite, OUI).items())[:5])
    r = grilles.coter(egalite, reponses)
    assert r.cotation is None and r.sans_reponse == 7
    assert r.score == Decimal("100.0") and "score provisoire" in r.explication
    with pytest.raises(ValueError):
        grilles.coter(egalite, {"efh-diagnostic-donnees": "peut-être"})


def test_une_version_se_relit_a_l_identique_depuis_sa_copie(egalite):
    copie = grilles.version_depuis(egalite.en_dict())
    assert copie == egalite and copie.empreinte() == egalite.empreinte()


ENTETE = """code: essai
theme: egalite-femmes-hommes
libelle: Grille d'essai
source: {texte: "Essai", lignes: [2647]}
"""


@pytest.mark.parametrize("versions, message", [
    ("versions: []", "versions absentes"),
    ("""versions:
  - version: 1
    points: {oui: 2, partiellement: 1, non: 0}
    cotations: [{cotation: 1, libelle: X, score_minimum: 50}]
    etapes: [{libelle: A, questions: [{code: q1, texte: Q1}]}]""", "dernière règle"),
    ("""versions:
  - version: 1
    points: {oui: 2, partiellement: 1, non: 0}
    cotations: [{cotation: 2, libelle: X, score_minimum: 50, exige: {q9: [oui]}}, {cotation: 0, libelle: Y}]
    etapes: [{libelle: A, questions: [{code: q1, texte: Q1}]}]""", "question inconnue : q9"),
    ("""versions:
  - version: 1
    points: {oui: 2, partiellement: 1, non: 0}
    cotations: [{cotation: 0, libelle: Y}]
    etapes: [{libelle: A, questions: [{code: q1, texte: Q1}, {code: q1, texte: Q2}]}]""", "en double"),
    ("""versions:
  - version: 2
    points: {oui: 2}
    cotations: [{cotation: 0, libelle: Y}]
    etapes: [{libelle: A, questions: [{code: q1, texte: Q1}]}]
  - version: 1
    points: {oui: 2}
    cotations: [{cotation: 0, libelle: Y}]
    etapes: [{libelle: A, questions: [{code: q1, texte: Q1}]}]""", "ordre croissant"),
])
def test_une_grille_mal_ecrite_est_refusee(tmp_path, versions, message):
    (tmp_path / "essai.yaml").write_text(ENTETE + versions, encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match=message):
        grilles.charger(tmp_path)
