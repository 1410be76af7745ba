"""L'historique lisible partout (issue 17, point 7) : des noms, jamais des codes — questions des grilles,
cofinanceurs, rôles et thèmes —, écrits ainsi par les services et relus ainsi même pour les lignes anciennes
(l'historique est en ajout seul) ; vérifié sur tout l'historique de la démonstration."""

from __future__ import annotations

import datetime as dt
import re

from instruction.domaine import droits, grilles
from instruction.domaine.horloge import aujourd_hui
from instruction.services import avis, cotations, historique
from instruction.services.contexte import ouvrir
from tests import fabrique

EFH = "egalite-femmes-hommes"
QUESTIONS = {q.code: q.texte for g in grilles.charger() for v in g.versions for q in v.questions}


def _codes_financeurs(uow) -> set[str]:
    from sqlalchemy import select

    from instruction.db import modeles as m

    return set(uow.session.scalars(select(m.Financeur.code)))


def _codes_visibles(entrees, financeurs: set[str]) -> list[str]:
    """Les codes qui se voient encore dans ces lignes d'historique."""
    montant_code = re.compile(r"(?:^|; )(" + "|".join(map(re.escape, financeurs)) + r") [0-9]")
    fautes = []
    for e in entrees:
        textes = [e.champ or "", e.ancien or "", e.nouveau or ""]
        fautes += [f"{e.champ} : {code}" for code in QUESTIONS if any(code in t for t in textes)]
        if e.champ and e.champ.endswith("montants"):
            fautes += [f"{e.champ} : {t}" for t in textes[1:] if montant_code.search(t)]
        if e.champ in ("Rôle", "Cofinanceur") and (e.nouveau or "").islower():
            fautes.append(f"{e.champ} : {e.nouveau}")
    return fautes


def test_grilles_et_avis_ecrits_avec_des_noms(contexte):
    equipe = fabrique.Equipe(contexte)
    dossier_id = fabrique.dossier(contexte)
    contexte.utilisateur = equipe.instructeur
    with contexte.unite() as uow:
        choisis = [d for d in avis.destinataires(uow, dossier_id) if d.financeur == "ville-calais"]
        (demande,) = avis.demander(uow, dossier_id, choisis, aujourd_hui() + dt.timedelta(days=15))
        cotations.repondre(uow, dossier_id, EFH, "efh-diagnostic-donnees", "oui", "Données CAF par sexe")
        uow.valider()
    contexte.utilisateur = equipe.financeur
    with contexte.unite() as uow:
        avis.donner(uow, demande, avis.SaisieAvis("favorable", "Bien.", montants={"ville-calais": "900"}))
        uow.valider()
    with contexte.unite() as uow:
        entrees = historique.du_dossier(uow, dossier_id)
        financeurs = _codes_financeurs(uow)
    champs = {e.champ: e for e in entrees}
    assert f"Égalité F-H — {QUESTIONS['efh-diagnostic-donnees']}" in champs
    montants = next(e for e in entrees if e.champ and e.champ.endswith(": montants"))
    assert montants.champ == "Avis — Ville de Calais : montants"
    assert montants.nouveau == "Ville 900,00\xa0€"  # le sigle du cofinanceur
    assert _codes_visibles(entrees, financeurs) == []


def test_les_lignes_anciennes_se_relisent_avec_des_noms(contexte):
    dossier_id = fabrique.dossier(contexte)
    with contexte.unite() as uow:  # comme les écrivaient les services avant : des codes
        historique.noter(uow, "grille transversale", "réponses", dossier_id=dossier_id, changements=[
            ("Égalité F-H — efh-objectif-principal", None, "Non"),
            ("Avis de Caisse d'allocations familiales : montants", "caf 9 711,00 €",
             "caf 9 000,00 € ; ville-calais 1 185,00 €".replace(" ; ", "; ")),
            ("Rôle", "instructeur", "referent"), ("Cofinanceur", None, "region")])
        uow.valider()
    with contexte.unite() as uow:
        entrees = {e.champ: e for e in historique.du_dossier(uow, dossier_id)}
        financeurs = _codes_financeurs(uow)
    assert f"Égalité F-H — {QUESTIONS['efh-objectif-principal']}" in entrees
    montants = entrees["Avis de Caisse d'allocations familiales : montants"]
    assert (montants.ancien, montants.nouveau) == ("CAF 9 711,00 €", "CAF 9 000,00 €; Ville 1 185,00 €")
    assert (entrees["Rôle"].ancien, entrees["Rôle"].nouveau) == (droits.ROLES["instructeur"], droits.ROLES["referent"])
    assert entrees["Cofinanceur"].nouveau == "Région"
    assert _codes_visibles(list(entrees.values()), financeurs) == []


def test_tout_l_historique_de_la_demonstration_est_lisible(url_demo):
    from sqlalchemy import select

    from instruction.db import modeles as m

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite(lecture=True) as uow:
            ids = list(uow.session.scalars(select(m.Dossier.id)))
            financeurs = _codes_financeurs(uow)
            entrees = [e for i in ids for e in historique.du_dossier(uow, i)]
    finally:
        contexte.fermer()
    assert len(entrees) > 1000
    assert any(e.champ and " — " in e.champ and e.objet == "grille transversale" for e in entrees)
    assert _codes_visibles(entrees, financeurs) == []
