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


# --- Listes possédées : une seule valeur par parent ------------------------------------------------------

def _liste(*montants):
    return tuple({"compte": "64", "montant": m_} for m_ in montants)


def _fusion_listes(parents, listes):
    """``parents`` : (base, mien, leur) de la table « p » ; ``listes`` : (base, mien, leur) par clé de parent."""
    tables = [f.TableAFusionner("p", *parents)]
    cles = set().union(*(set(cote) for cote in parents))
    return f.fusionner(tables, [f.ListeAFusionner("l", "p", cle, *(
        (listes[rang].get(cle, ()) if cle in parents[rang] else None) for rang in range(3))) for cle in sorted(cles)])


def test_liste_changee_d_un_cote_des_deux_a_l_identique_ou_differemment():
    p = {(i,): {"id": i} for i in range(4)}
    base = {(i,): _liste("100") for i in range(4)}
    mien = {(0,): _liste("200"), (1,): _liste("100"), (2,): _liste("300"), (3,): _liste("400", "1")}
    leur = {(0,): _liste("100"), (1,): _liste("250"), (2,): _liste("300"), (3,): _liste("500")}
    r = _fusion_listes((p, p, p), (base, mien, leur))
    assert r.listes == [("l", (0,))]  # le portable seul : sa liste remplace
    assert r.du_bureau == 1  # le bureau seul (1) : déjà en place ; (2) à l'identique : rien
    (conflit,) = r.conflits
    assert (conflit.genre, conflit.table, conflit.cle, conflit.mien, conflit.leur) == (
        f.LISTE, "l", (3,), _liste("400", "1"), _liste("500"))
    assert f.decider(r, {conflit.ident: f.Choix(f.MIEN)}).remplacements == [("l", (0,)), ("l", (3,))]
    assert f.decider(r, {conflit.ident: f.Choix(f.LEUR)}).remplacements == [("l", (0,))]
    saisie = f.decider(r, {conflit.ident: f.Choix(f.SAISIE, "x")})  # une liste ne se saisit pas
    assert saisie.non_tranches == [conflit] and saisie.remplacements == [("l", (0,))]


def test_parent_supprime_d_un_cote_liste_changee_de_l_autre_jamais_en_silence():
    p = {(1,): {"id": 1}, (2,): {"id": 2}}
    base = {(1,): _liste("100"), (2,): _liste("100")}
    # 1 : supprimé au bureau, sa liste changée hors ligne ; 2 : supprimé hors ligne, sa liste changée au bureau.
    r = _fusion_listes((p, {(1,): {"id": 1}}, {(2,): {"id": 2}}),
                       (base, {(1,): _liste("150")}, {(2,): _liste("175")}))
    genres = {c.cle: c.genre for c in r.conflits}
    assert genres == {(1,): f.SUPPRIME_AU_BUREAU, (2,): f.SUPPRIME_HORS_LIGNE} and not r.suppressions
    recree = f.decider(r, {c.ident: f.Choix(f.MIEN) for c in r.conflits})
    assert recree.recreations == [("p", (1,))] and recree.remplacements == [("l", (1,))]
    assert recree.suppressions == [("p", (2,))]
    # Un parent créé hors ligne emporte sa liste.
    nouveau = f.Nouveau("p", 9)
    r = _fusion_listes(({}, {(nouveau,): {"id": nouveau}}, {}), ({}, {(nouveau,): _liste("10")}, {}))
    assert r.insertions == [("p", (nouveau,))] and r.listes == [("l", (nouveau,))]


def test_les_listes_possedees_du_schema_et_leurs_totaux():
    """Déduites des relations ORM (cascade « delete-orphan ») de Dossier et Porteur, moins les enfants qui ont
    une identité propre ; les colonnes dérivées sont exactement celles que calcule le service des dossiers."""
    from decimal import Decimal

    from instruction.domaine import budget
    from instruction.services import emprunts
    from instruction.services.dossier import totaux_du_budget

    assert {n: (l.parent, l.colonne) for n, l in emprunts.listes_possedees().items()} == {
        "dossier_quartier": ("dossier", "dossier_id"), "dossier_objectif": ("dossier", "dossier_id"),
        "ligne_budget": ("dossier", "dossier_id"), "beneficiaires_quartier": ("dossier", "dossier_id"),
        "seance": ("dossier", "dossier_id"), "indicateur_action": ("dossier", "dossier_id"),
        "contact": ("porteur", "porteur_id")}
    assert not set(emprunts.AVEC_IDENTITE) & set(emprunts.listes_possedees())
    totaux = totaux_du_budget([budget.Ligne("charge", "64", Decimal("10.00"))])
    assert {("dossier", c) for c in totaux} == set(emprunts.DERIVEES)


# --- Propriété : rien n'est perdu --------------------------------------------------------------------------

COLONNES = ("a", "b", "c")
VALEURS = st.sampled_from(["v0", "v1", "v2", "v3", None])
LISTES = st.sampled_from([(), _liste("100"), _liste("200"), _liste("100", "50"), _liste("50", "100")])
EDITION = st.one_of(
    st.tuples(st.just("modifier"), st.integers(0, 5), st.sampled_from(COLONNES), VALEURS),
    st.tuples(st.just("supprimer"), st.integers(0, 5), st.just(""), st.just(None)),
    st.tuples(st.just("ajouter"), st.integers(0, 3), st.sampled_from(COLONNES), VALEURS),
    st.tuples(st.just("liste"), st.integers(0, 5), st.just(""), LISTES),  # le formulaire réécrit la liste
)


def _appliquer(base: dict, listes: dict, editions, cote: str) -> tuple[dict, dict]:
    lignes = {k: dict(v) for k, v in base.items()}
    listes = dict(listes)
    for genre, numero, colonne, valeur in editions:
        cle = (numero,)
        if genre == "modifier" and cle in lignes:
            lignes[cle][colonne] = valeur
        elif genre == "supprimer":
            lignes.pop(cle, None)
            listes.pop(cle, None)
        elif genre == "ajouter":
            nouvelle = (f"{cote}-{numero}",)
            lignes.setdefault(nouvelle, {"id": nouvelle[0], **dict.fromkeys(COLONNES)})[colonne] = valeur
            listes.setdefault(nouvelle, _liste(cote))
        elif genre == "liste" and cle in lignes:
            listes[cle] = valeur
    return lignes, listes


@settings(max_examples=400, deadline=None)
@given(st.lists(EDITION, max_size=12), st.lists(EDITION, max_size=12))
def test_aucune_modification_perdue(editions_mien, editions_leur):
    """Des lignes (table « t ») et la liste possédée de chacune (table « l »), modifiées au hasard des deux
    côtés : chaque modification du portable — champ, ligne, liste entière — est appliquée ou montrée en conflit ;
    ce que le bureau seul a changé n'est jamais écrasé ; une liste n'est jamais un mélange des deux côtés."""
    base = {(i,): {"id": i, "a": "v0", "b": "v1", "c": None} for i in range(6)}
    listes_base = {(i,): _liste("100") for i in range(6)}
    mien, listes_mien = _appliquer(base, listes_base, editions_mien, "portable")
    leur, listes_leur = _appliquer(base, listes_base, editions_leur, "bureau")
    cles = sorted(set(base) | set(mien) | set(leur), key=repr)
    r = f.fusionner([f.TableAFusionner("t", base, mien, leur)], [f.ListeAFusionner(
        "l", "t", cle, *(cote[1].get(cle, ()) if cle in cote[0] else None for cote in (
            (base, listes_base), (mien, listes_mien), (leur, listes_leur)))) for cle in cles])
    conflits = {(c.cle, c.colonne) for c in r.conflits if c.table == "t"}
    lignes_en_conflit = {c.cle for c in r.conflits if c.table == "t"}
    listes_en_conflit = {c.cle for c in r.conflits if c.table == "l"}
    assert all(c.genre == f.LISTE for c in r.conflits if c.table == "l")
    # Après la fusion (conflits mis de côté), la base du bureau serait :
    apres = {k: dict(v) for k, v in leur.items()}
    listes_apres = {k: v for k, v in listes_leur.items() if k in leur}
    for (_t, cle), valeurs in r.mises_a_jour.items():
        apres[cle].update(valeurs)
    for _t, cle in r.insertions:
        apres[cle] = dict(mien[cle])
        listes_apres[cle] = ()
    for _t, cle in r.listes:
        assert cle in apres
        listes_apres[cle] = listes_mien[cle]
    for _t, cle in r.suppressions:
        apres.pop(cle)
        listes_apres.pop(cle, None)
    for cle in cles:
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
        lb = listes_base.get(cle, ()) if b is not None else None
        lm = listes_mien.get(cle, ()) if m is not None else None
        lt = listes_leur.get(cle, ()) if t is not None else None
        en_conflit = cle in listes_en_conflit or cle in lignes_en_conflit
        if lm is not None and lm != (lb or ()):  # la liste changée hors ligne : appliquée entière ou en conflit
            assert listes_apres.get(cle) == lm or en_conflit
        if lt is not None and lt != (lb or ()) and not en_conflit:  # la liste du bureau seul : jamais écrasée
            assert listes_apres.get(cle) == lt or (lm == lt)
        if cle in listes_apres:  # jamais un mélange : la liste d'un côté ou de l'autre
            assert listes_apres[cle] in (lm, lt, ())
