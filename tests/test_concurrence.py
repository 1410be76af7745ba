"""Deux postes sur la même base (deux contextes, deux vraies connexions) : un enregistrement fait sur une
fiche périmée est refusé en disant qui a changé quoi, sans rien écraser ; recharger permet d'enregistrer.
Sur SQLite et PostgreSQL."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.domaine.erreurs import Conflit
from instruction.domaine.etats import Etat
from instruction.services import dossier as service_dossier
from instruction.services import historique, porteurs
from instruction.services import instruction as service_instruction
from instruction.services.contexte import ouvrir
from tests import fabrique

INTITULE = "Jardin partagé des Fontinettes"
RESUME = "Un jardin cultivé par les habitants."


@pytest.fixture
def postes(contexte):
    """Le poste A (Marie Lefebvre) et le poste B (Claire Caron), instructrices, ouverts sur la même base."""
    marie = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR, nom="Marie Lefebvre")
    claire = fabrique.compte(contexte, "c.caron", droits.INSTRUCTEUR, nom="Claire Caron")
    dossier_id = fabrique.dossier(contexte)
    contexte.utilisateur = marie
    autre = ouvrir(contexte.url)
    autre.utilisateur = claire
    assert autre.moteur is not contexte.moteur
    yield SimpleNamespace(a=contexte, b=autre, dossier=dossier_id)
    autre.fermer()


def _lire(poste, dossier_id) -> service_dossier.FicheDossier:
    with poste.unite() as uow:
        return service_dossier.lire(uow, dossier_id)


def _enregistrer(poste, fiche, **changements) -> int:
    with poste.unite() as uow:
        identifiant = service_dossier.enregistrer(uow, fiche.id, dataclasses.replace(fiche.donnees, **changements),
                                                  fiche.version)
        uow.valider()
    return identifiant


def _lignes_de(poste, acteur) -> list[tuple]:
    with poste.unite() as uow:
        return [(h.objet, h.action, h.champ) for h in uow.session.scalars(
            select(m.Historique).where(m.Historique.acteur == acteur))]


def test_le_second_enregistrement_est_refuse_et_dit_qui_a_change_quoi(postes):
    fiche_a, fiche_b = _lire(postes.a, postes.dossier), _lire(postes.b, postes.dossier)
    assert fiche_a.version == fiche_b.version is not None
    _enregistrer(postes.a, fiche_a, intitule="Jardin partagé du Beau-Marais")
    avant = _lire(postes.a, postes.dossier)
    assert avant.version > fiche_b.version

    with pytest.raises(Conflit) as conflit:
        _enregistrer(postes.b, fiche_b, resume="Des ateliers de jardinage pour les familles.")
    erreur = conflit.value
    assert "m.lefebvre" in erreur.message and fiche_a.numero in erreur.message
    assert [(c.acteur, c.champ, c.ancien, c.nouveau) for c in erreur.changements] == [
        ("m.lefebvre", "Intitulé", INTITULE, "Jardin partagé du Beau-Marais")]
    assert "Intitulé" in erreur.detail and "Jardin partagé du Beau-Marais" in erreur.detail
    assert erreur.version == avant.version
    # Rien de B n'est écrit, rien de A n'est écrasé.
    apres = _lire(postes.a, postes.dossier)
    assert (apres.donnees.intitule, apres.donnees.resume, apres.version) == (
        "Jardin partagé du Beau-Marais", RESUME, avant.version)
    assert _lignes_de(postes.a, "c.caron") == []

    # B recharge (nouvelle version), reprend sa saisie et enregistre.
    recharge = _lire(postes.b, postes.dossier)
    _enregistrer(postes.b, recharge, resume="Des ateliers de jardinage pour les familles.")
    final = _lire(postes.a, postes.dossier)
    assert (final.donnees.intitule, final.donnees.resume) == (
        "Jardin partagé du Beau-Marais", "Des ateliers de jardinage pour les familles.")
    assert final.version > recharge.version
    assert _lignes_de(postes.a, "c.caron") == [("dossier", "modification", "Résumé")]
    # Et c'est maintenant A, resté sur sa fiche, qui est refusé : il apprend ce que B a changé.
    with pytest.raises(Conflit) as conflit:
        _enregistrer(postes.a, avant, lieux="Jardin de la rue des Fontinettes")
    assert [(c.acteur, c.champ) for c in conflit.value.changements] == [("c.caron", "Résumé")]


def test_un_passage_du_circuit_n_empeche_pas_d_enregistrer_le_formulaire(postes):
    fiche_b = _lire(postes.b, postes.dossier)
    with postes.a.unite() as uow:
        service_instruction.changer_etat(uow, postes.dossier, Etat.RECEVABLE)
        uow.valider()
    apres_passage = _lire(postes.a, postes.dossier)
    assert apres_passage.version > fiche_b.version, "le passage fait une nouvelle version"
    _enregistrer(postes.b, fiche_b, resume="Des ateliers le mercredi et le samedi.")
    final = _lire(postes.a, postes.dossier)
    assert final.etat == Etat.RECEVABLE, "le passage de A reste"
    assert final.donnees.resume == "Des ateliers le mercredi et le samedi."
    assert final.version > apres_passage.version
    # Un changement du formulaire par A, lui, bloque B, qui n'apprend que ce changement (pas le passage).
    fiche_b = _lire(postes.b, postes.dossier)
    _enregistrer(postes.a, _lire(postes.a, postes.dossier), moyens="Une animatrice, des outils")
    with postes.a.unite() as uow:
        service_instruction.changer_etat(uow, postes.dossier, Etat.EN_INSTRUCTION)
        uow.valider()
    with pytest.raises(Conflit) as conflit:
        _enregistrer(postes.b, fiche_b, lieux="Maison de quartier")
    assert [(c.acteur, c.champ, c.nouveau) for c in conflit.value.changements] == [
        ("m.lefebvre", "Moyens", "Une animatrice, des outils")]


def test_enregistrements_croises_au_meme_instant(postes):
    """A enregistre pendant que B écrit (entre sa lecture et son écriture) : B est refusé, sans rien écraser.

    Sur SQLite, une transaction réserve l'écriture dès son début (BEGIN IMMEDIATE) : A attendrait la fin
    de celle de B, les deux écritures ne peuvent pas se croiser."""
    if postes.a.est_sqlite:
        pytest.skip("SQLite sérialise les écritures : A attend la fin de la transaction de B")
    fiche = _lire(postes.b, postes.dossier)

    def a_enregistre_pendant_ce_temps(*_arguments):
        _enregistrer(postes.a, _lire(postes.a, postes.dossier), intitule="Titre choisi par Marie")

    with postes.b.unite() as uow:
        event.listen(uow.session, "before_flush", a_enregistre_pendant_ce_temps, once=True)
        with pytest.raises(Conflit) as conflit:
            service_dossier.enregistrer(uow, postes.dossier, dataclasses.replace(
                fiche.donnees, resume="Résumé choisi par Claire"), fiche.version)
    assert [(c.acteur, c.champ, c.nouveau) for c in conflit.value.changements] == [
        ("m.lefebvre", "Intitulé", "Titre choisi par Marie")]
    final = _lire(postes.a, postes.dossier)
    assert (final.donnees.intitule, final.donnees.resume) == ("Titre choisi par Marie", RESUME)
    assert _lignes_de(postes.a, "c.caron") == []


def test_les_versions_suivent_dans_les_deux_postes(postes):
    with postes.a.unite() as uow:
        numero = historique.dernier_numero(uow)
    _enregistrer(postes.a, _lire(postes.a, postes.dossier), lieux="Jardin")
    with postes.b.unite() as uow:
        assert historique.dernier_numero(uow) > numero, "B voit d'une requête qu'il y a du nouveau"
        assert [(e.acteur, e.champ) for e in historique.du_dossier(uow, postes.dossier)][0] == ("m.lefebvre", "Lieux")


# --- Porteurs ------------------------------------------------------------------------------------------


def _identite(fiche, **changements) -> dict[str, str]:
    return {cle: valeur or "" for cle, valeur in fiche.identite.items()} | changements


def _lire_porteur(poste, porteur_id) -> porteurs.FichePorteur:
    with poste.unite() as uow:
        return porteurs.lire(uow, porteur_id)


def _modifier_porteur(poste, fiche, **changements) -> None:
    with poste.unite() as uow:
        porteurs.modifier(uow, fiche.id, _identite(fiche, **changements), fiche.contacts, version=fiche.version)
        uow.valider()


def test_porteur_modifie_par_deux_postes(postes):
    with postes.a.unite() as uow:
        porteur_id = uow.session.get(m.Dossier, postes.dossier).porteur_id
    fiche_a, fiche_b = _lire_porteur(postes.a, porteur_id), _lire_porteur(postes.b, porteur_id)
    assert fiche_a.version == fiche_b.version is not None
    ancien_telephone = fiche_a.identite["telephone"]
    _modifier_porteur(postes.a, fiche_a, telephone="03 21 11 22 33")
    nouveau_telephone = _lire_porteur(postes.a, porteur_id).identite["telephone"]
    assert nouveau_telephone != ancien_telephone

    with pytest.raises(Conflit) as conflit:
        _modifier_porteur(postes.b, fiche_b, courriel="accueil@jardiniers.fr")
    erreur = conflit.value
    assert "m.lefebvre" in erreur.message and "Jardiniers des Fontinettes" in erreur.message
    assert [(c.acteur, c.champ, c.ancien, c.nouveau) for c in erreur.changements] == [
        ("m.lefebvre", "Téléphone", ancien_telephone, nouveau_telephone)]
    apres = _lire_porteur(postes.a, porteur_id)
    assert (apres.identite["telephone"], apres.identite["courriel"]) == (nouveau_telephone, "contact@jardiniers.fr")
    assert erreur.version == apres.version
    assert _lignes_de(postes.a, "c.caron") == []

    _modifier_porteur(postes.b, _lire_porteur(postes.b, porteur_id), courriel="accueil@jardiniers.fr")
    final = _lire_porteur(postes.a, porteur_id)
    assert (final.identite["telephone"], final.identite["courriel"]) == (nouveau_telephone, "accueil@jardiniers.fr")
    assert final.version > apres.version
