"""Mes tâches : ce que chacun a à faire selon son rôle (instructeur, référent, financeur, lecteur), sur
SQLite et PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import avis, taches
from instruction.services import instruction as service_instruction
from tests import fabrique

AUJOURD_HUI = aujourd_hui()


def _jour(jours: int) -> dt.date:
    return AUJOURD_HUI + dt.timedelta(days=jours)


def _comme(contexte, utilisateur, action):
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        resultat = action(uow)
        uow.valider()
    return resultat


def _taches(contexte, utilisateur) -> list[tuple]:
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        return [(t.categorie, t.intitule, t.quoi, t.echeance, t.en_retard) for t in taches.mes_taches(uow)]


@pytest.fixture
def bureau(contexte, monkeypatch):
    """Des dossiers à chaque étape, des compléments et des avis attendus ; on se place 20 jours plus tard."""
    equipe = fabrique.Equipe(contexte)
    instructeur = equipe.instructeur

    def dossier(intitule):
        return fabrique.dossier(contexte, modifier=lambda s: setattr(s, "intitule", intitule))

    def passer(dossier_id, *etats):
        for etat in etats:
            _comme(contexte, instructeur, lambda uow, etat=etat: service_instruction.changer_etat(
                uow, dossier_id, etat, "Le porteur renonce" if etat == Etat.SANS_SUITE else None))

    def completer(dossier_id, objet, jours):
        _comme(contexte, instructeur, lambda uow: service_instruction.demander_complements(
            uow, dossier_id, objet, _jour(jours)))

    def demander(dossier_id, destinataires, jours):
        _comme(contexte, instructeur, lambda uow: avis.demander(uow, dossier_id, [
            d for d in avis.destinataires(uow, dossier_id)
            if d.compte_id in destinataires or d.financeur in destinataires], _jour(jours)))

    dossier("Jardin déposé")
    passer(dossier("Jardin recevable"), Etat.RECEVABLE)
    en_instruction = dossier("Jardin en instruction")
    passer(en_instruction, Etat.RECEVABLE, Etat.EN_INSTRUCTION)
    completer(dossier("Jardin incomplet"), "Bilan 2026", 40)
    completer(dossier("Jardin en retard"), "Statuts signés", 10)
    abandonne = dossier("Jardin abandonné")
    completer(abandonne, "RIB", 5)
    demander(abandonne, {equipe.referent.id, "ville-calais"}, 5)
    passer(abandonne, Etat.SANS_SUITE)
    demander(en_instruction, {equipe.referent.id, equipe.referent_education.id}, 15)
    demander(en_instruction, {"ville-calais"}, 30)
    _comme(contexte, equipe.referent_education, lambda uow: avis.donner(
        uow, next(t.demande_avis_id for t in taches.mes_taches(uow) if t.categorie == taches.AVIS_A_DONNER),
        avis.SaisieAvis("favorable")))

    monkeypatch.setattr(taches, "aujourd_hui", lambda: _jour(20))
    return equipe


def test_les_taches_de_l_instructeur(contexte, bureau):
    assert _taches(contexte, bureau.instructeur) == [
        (taches.DEPASSEES, "Jardin en retard", "Compléments non reçus : Statuts signés", _jour(10), True),
        (taches.DEPASSEES, "Jardin en instruction", "Avis attendu de Rémi Urbain : à relancer", _jour(15), True),
        (taches.A_INSTRUIRE, "Jardin déposé", "Déposé : Vérifier la recevabilité", None, False),
        (taches.A_INSTRUIRE, "Jardin recevable", "Recevable : Commencer l'instruction", None, False),
        (taches.A_INSTRUIRE, "Jardin en instruction", "En instruction : Examiner l'éligibilité et coter", None,
         False),
        (taches.COMPLEMENTS, "Jardin incomplet", "Compléments attendus : Bilan 2026", _jour(40), False),
    ]
    # L'administrateur instruit aussi : il voit la même chose.
    assert _taches(contexte, bureau.admin) == _taches(contexte, bureau.instructeur)


def test_chaque_tache_mene_a_son_dossier(contexte, bureau):
    contexte.utilisateur = bureau.instructeur
    with contexte.unite() as uow:
        liste = taches.mes_taches(uow)
        from instruction.services import dossier as service_dossier

        for tache in liste:
            fiche = service_dossier.lire(uow, tache.dossier_id)
            assert (fiche.numero, fiche.donnees.intitule) == (tache.numero, tache.intitule)
            assert tache.porteur == "Association Les Jardiniers des Fontinettes"
    relance = next(t for t in liste if t.demande_avis_id is not None)
    contexte.utilisateur = bureau.instructeur
    with contexte.unite() as uow:
        ligne = next(a for a in avis.du_dossier(uow, relance.dossier_id) if a.demande_id == relance.demande_avis_id)
    assert ligne.destinataire == "Rémi Urbain"


def test_le_referent_ne_voit_que_ses_avis_a_donner(contexte, bureau):
    assert _taches(contexte, bureau.referent) == [
        (taches.AVIS_A_DONNER, "Jardin en instruction", "Donner votre avis (thème Urbain)", _jour(15), True),
    ]
    assert _taches(contexte, bureau.referent_education) == [], "son avis est donné"
    contexte.utilisateur = bureau.referent
    with contexte.unite() as uow:
        demande_id = taches.mes_taches(uow)[0].demande_avis_id
    _comme(contexte, bureau.referent, lambda uow: avis.donner(uow, demande_id, avis.SaisieAvis("favorable")))
    assert _taches(contexte, bureau.referent) == []


def test_le_financeur_voit_les_avis_demandes_a_son_cofinanceur(contexte, bureau):
    attendu = [(taches.AVIS_A_DONNER, "Jardin en instruction", "Donner votre avis (Ville de Calais)", _jour(30),
                False)]
    taches_financeur = _taches(contexte, bureau.financeur)
    assert [t[:2] + t[3:] for t in taches_financeur] == [t[:2] + t[3:] for t in attendu]
    assert taches_financeur[0][2].startswith("Donner votre avis (Ville")
    assert _taches(contexte, bureau.financeur_region) == []


def test_le_lecteur_n_a_rien_a_faire(contexte, bureau):
    assert _taches(contexte, bureau.lecteur) == []
