"""La fusion à trois versions, pure (domaine/fusion.py) : chaque cas, puis une propriété sur des suites de
modifications tirées au hasard des deux côtés — chaque modification du portable est appliquée ou montrée en
conflit, aucune n'est perdue, et rien de ce que le bureau a changé seul n'est écrasé."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from instruction.domaine import fusion as f


def _fusion(base, mien, leur, ignorees=frozenset()):
    return f.fusionner([f.TableAFusionner("t", base, mien, leur, ignorees)])


def test_un_seul_cote_change_s_applique_sans_rien_demander():
    base = {(1,): {"id": 1, "a": "x", "b": "y"}}
    r = _fusion(base, {(1,): {"id": 1, "a": "X", "b": "y"}}, {(1,): {"id": 1, "a": "x", "b": "Y"}})
    assert r.mises_a_jour == {("t", (1,)): {"a": "X"}}  # b changé au bureau seulement : déjà en place
    assert not r.conflits


def test_meme_champ_change_des_deux_cotes_est_un_conflit_et_a_l_identique_rien():
    base = {(1,): {"id": 1, "a": "x", "b": "y"}}
    r = _fusion(base, {(1,): {"id": 1, "a": "mien", "b": "pareil"}}, {(1,): {"id": 1, "a": "leur", "b": "pareil"}})
    assert [(c.genre, c.colonne, c.base, c.mien, c.leur) for c in r.conflits] == [(f.CHAMP, "a", "x", "mien", "leur")]
    assert not r.mises_a_jour


def test_suppressions_contre_modifications_jamais_en_silence():
    base = {(1,): {"id": 1, "a": "x"}, (2,): {"id": 2, "a": "x"}, (3,): {"id": 3, "a": "x"}, (4,): {"id": 4, "a": "x"}}
    mien = {(2,): {"id": 2, "a": "modifiée hors ligne"}, (3,): {"id": 3, "a": "x"}}
    leur = {(1,): {"id": 1, "a": "modifiée au bureau"}, (4,): {"id": 4, "a": "x"}}
    r = _fusion(base, mien, leur)
    genres = {c.cle: c.genre for c in r.conflits}
    assert genres == {(1,): f.SUPPRIME_HORS_LIGNE, (2,): f.SUPPRIME_AU_BUREAU}
    assert r.suppressions == [("t", (4,))]  # supprimée hors ligne, inchangée au bureau
    assert r.du_bureau == 1  # la 3 supprimée au bureau, inchangée hors ligne : rien à faire


def test_lignes_nouvelles_des_deux_cotes_et_colonnes_ignorees():
    nouveau = f.Nouveau("t", 9)
    r = _fusion({(1,): {"id": 1, "a": "x", "version": 1}},
                {(1,): {"id": 1, "a": "x", "version": 5}, (nouveau,): {"id": nouveau, "a": "n"}},
                {(1,): {"id": 1, "a": "x", "version": 3}, (7,): {"id": 7, "a": "du bureau"}}, frozenset({"version"}))
    assert r.insertions == [("t", (nouveau,))]
    assert not r.conflits and not r.mises_a_jour and r.du_bureau == 1


def test_decider_les_conflits():
    base = {(1,): {"id": 1, "a": "x", "b": "x"}}
    r = _fusion(base, {(1,): {"id": 1, "a": "m", "b": "m"}}, {(1,): {"id": 1, "a": "l", "b": "l"}})
    a, b = r.conflits
    sans = f.decider(r, {a.ident: f.Choix(f.MIEN)})
    assert sans.non_tranches == [b]
    toutes = f.decider(r, {a.ident: f.Choix(f.MIEN), b.ident: f.Choix(f.SAISIE, "saisie")})
    assert toutes.mises_a_jour == {("t", (1,)): {"a": "m", "b": "saisie"}} and not toutes.non_tranches
    leur = f.decider(r, {a.ident: f.Choix(f.LEUR), b.ident: f.Choix(f.LEUR)})
    assert leur.mises_a_jour == {}


def test_colonne_ajoutee_par_une_migration_depuis_l_emprunt_n_est_pas_un_conflit():
    base = {(1,): {"id": 1, "a": "x"}}  # l'instantané n'a pas la colonne « nouvelle »
    r = _fusion(base, {(1,): {"id": 1, "a": "y", "nouvelle": None}}, {(1,): {"id": 1, "a": "x", "nouvelle": "bureau"}})
    assert not r.conflits and r.mises_a_jour == {("t", (1,)): {"a": "y"}}


# --- Propriété : rien n'est perdu --------------------------------------------------------------------------

COLONNES = ("a", "b", "c")
VALEURS = st.sampled_from(["v0", "v1", "v2", "v3", None])
EDITION = st.one_of(
    st.tuples(st.just("modifier"), st.integers(0, 5), st.sampled_from(COLONNES), VALEURS),
    st.tuples(st.just("supprimer"), st.integers(0, 5), st.just(""), st.just(None)),
    st.tuples(st.just("ajouter"), st.integers(0, 3), st.sampled_from(COLONNES), VALEURS),
)


def _appliquer(base: dict, editions, cote: str) -> dict:
    lignes = {k: dict(v) for k, v in base.items()}
    for genre, numero, colonne, valeur in editions:
        cle = (numero,)
        if genre == "modifier" and cle in lignes:
            lignes[cle][colonne] = valeur
        elif genre == "supprimer":
            lignes.pop(cle, None)
        elif genre == "ajouter":
            nouvelle = (f"{cote}-{numero}",)
            lignes.setdefault(nouvelle, {"id": nouvelle[0], **dict.fromkeys(COLONNES)})[colonne] = valeur
    return lignes


@settings(max_examples=300, deadline=None)
@given(st.lists(EDITION, max_size=12), st.lists(EDITION, max_size=12))
def test_aucune_modification_perdue(editions_mien, editions_leur):
    base = {(i,): {"id": i, "a": "v0", "b": "v1", "c": None} for i in range(6)}
    mien = _appliquer(base, editions_mien, "portable")
    leur = _appliquer(base, editions_leur, "bureau")
    r = _fusion(base, mien, leur)
    conflits = {(c.cle, c.colonne) for c in r.conflits}
    lignes_en_conflit = {c.cle for c in r.conflits}
    # Après la fusion (conflits mis de côté), la base du bureau serait :
    apres = {k: dict(v) for k, v in leur.items()}
    for (_t, cle), valeurs in r.mises_a_jour.items():
        apres[cle].update(valeurs)
    for _t, cle in r.insertions:
        apres[cle] = dict(mien[cle])
    for _t, cle in r.suppressions:
        apres.pop(cle)
    for cle in set(base) | set(mien) | set(leur):
        b, m, t = base.get(cle), mien.get(cle), leur.get(cle)
        if m is not None and m != b:  # une modification du portable : appliquée ou en conflit
            for colonne in COLONNES:
                if b is None or m[colonne] != b[colonne]:
                    assert apres.get(cle, {}).get(colonne) == m[colonne] or (cle, colonne) in conflits \
                        or cle in lignes_en_conflit
        if m is None and b is not None:  # une suppression du portable : appliquée ou en conflit
            assert cle not in apres or cle in lignes_en_conflit
        if t is not None and t != b and cle not in lignes_en_conflit:  # le bureau seul : jamais écrasé
            for colonne in COLONNES:
                if b is None or t[colonne] != b[colonne]:
                    assert apres[cle][colonne] == t[colonne] or (cle, colonne) in conflits
