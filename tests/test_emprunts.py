"""Travail hors ligne, de bout en bout par les actions (sur SQLite et sur PostgreSQL) : emprunter, travailler
dans le fichier de travail chiffré, travailler au bureau pendant ce temps, rapporter — chaque sorte de donnée
et chaque cas de conflit, retour rapporté deux fois, mauvaise phrase, fichier altéré, fichier d'un schéma plus
ancien, retour interrompu par un arrêt brutal, ligne de commande."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from instruction.db import modeles as m
from instruction.db import travail
from instruction.db.modeles.emprunts import Emprunt
from instruction.domaine import dossier as d
from instruction.domaine import fusion
from instruction.services import cotations, pieces, porteurs
from instruction.services import dossier as service_dossier
from instruction.services.actions import emprunts as actions
from instruction.services.contexte import ouvrir, ouvrir_travail
from tests import fabrique

PHRASE = "chaussette verte du Beau-Marais"
RACINE = Path(__file__).resolve().parent.parent


def emprunter(contexte, ids, dossier: Path):
    return actions.emprunter(contexte, ids, dossier / "tournee", PHRASE, dt.date.today() + dt.timedelta(days=14)).valeur


def modifier(contexte, dossier_id: int, **champs) -> None:
    with contexte.unite(lecture=True) as uow:
        dossier = uow.session.get(m.Dossier, dossier_id)
        campagne_id, porteur_id = dossier.campagne_id, dossier.porteur_id
    brute = fabrique.saisie(campagne_id, porteur_id)
    for nom, valeur in champs.items():
        setattr(brute, nom, valeur)
    with contexte.unite() as uow:
        service_dossier.enregistrer(uow, dossier_id, d.valider(brute))
        uow.valider()


def lire(contexte, modele, *conditions):
    with contexte.unite(lecture=True) as uow:
        return [dict(r._mapping) for r in uow.session.execute(select(modele.__table__).where(*conditions))]


def ecrire(contexte, instruction_sql) -> None:
    with contexte.unite() as uow:
        uow.session.execute(instruction_sql)
        uow.valider()


@pytest.fixture
def emprunte(contexte, tmp_path):
    """Un dossier complet (7 pièces), emprunté ; le fichier de travail ouvert à côté."""
    dossier_id = fabrique.dossier(contexte)
    bilan = emprunter(contexte, [dossier_id], tmp_path)
    hors_ligne = ouvrir_travail(bilan.fichier, PHRASE)
    yield contexte, hors_ligne, dossier_id, bilan
    hors_ligne.fermer()


def test_emprunter_travailler_des_deux_cotes_rapporter(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    assert bilan.dossiers == ("CDV-2027-001",) and bilan.pieces == 7
    assert actions.en_cours(bureau)[dossier_id].emprunteur == bureau.acteur
    assert "Fichier de travail « tournee.travail », emprunté" in portable.travail.bandeau
    # Hors ligne : le dossier, une pièce, une grille, le porteur.
    portable.acteur = "m.lefebvre"
    modifier(portable, dossier_id, intitule="Jardin partagé (revu avec la porteuse)")
    with portable.unite() as uow:
        pieces.ajouter(uow, dossier_id, "autre", "compte-rendu-visite.pdf", b"%PDF-1.4 visite", dt.date.today())
        uow.valider()
    fabrique.coter_egalite(portable, dossier_id)
    porteur_id = lire(portable, m.Dossier, m.Dossier.__table__.c.id == dossier_id)[0]["porteur_id"]
    with portable.unite() as uow:
        fiche = porteurs.lire(uow, porteur_id)
        identite = {**fabrique.IDENTITE, "telephone": "03 21 99 99 99"}
        porteurs.modifier(uow, porteur_id, identite, [{k: v or "" for k, v in c.items() if k != "id"}
                                                      for c in fiche.contacts])
        uow.valider()
    # Au bureau, pendant ce temps : un autre champ, une autre pièce.
    modifier(bureau, dossier_id, description="Ateliers le mercredi et le samedi.")
    with bureau.unite() as uow:
        pieces.ajouter(uow, dossier_id, "autre", "courrier-du-bureau.pdf", b"%PDF-1.4 bureau", dt.date.today())
        uow.valider()

    simulation = actions.rapporter(bureau, bilan.fichier, PHRASE, simulation=True).valeur
    assert not simulation.conflits and not simulation.applique and simulation.a_ajouter >= 2
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE)
    assert retour.valeur.applique and retour.changements.touche("emprunts")
    dossier = lire(bureau, m.Dossier, m.Dossier.__table__.c.id == dossier_id)[0]
    assert dossier["intitule"] == "Jardin partagé (revu avec la porteuse)"
    assert dossier["description"] == "Ateliers le mercredi et le samedi."
    noms = {p["nom_fichier"] for p in lire(bureau, m.Piece, m.Piece.__table__.c.dossier_id == dossier_id)}
    assert {"compte-rendu-visite.pdf", "courrier-du-bureau.pdf"} <= noms and len(noms) == 9
    cotation = lire(bureau, m.Cotation, m.Cotation.__table__.c.dossier_id == dossier_id)
    assert cotation and cotation[0]["cotation"] is not None
    assert lire(bureau, m.Porteur, m.Porteur.__table__.c.id == porteur_id)[0]["telephone"] == "03 21 99 99 99"
    # L'historique : les lignes écrites hors ligne, signées de l'emprunteur, à leurs dates.
    lignes = lire(bureau, m.Historique, m.Historique.__table__.c.dossier_id == dossier_id)
    hors_ligne = [h for h in lignes if h["acteur"] == "m.lefebvre"]
    assert any(h["champ"] == "Intitulé" for h in hors_ligne) and all(h["le"] < dossier["modifie_le"]
                                                                      for h in hors_ligne)
    assert any(h["action"] == "rapporté du travail hors ligne" for h in lignes)
    assert dossier_id not in actions.en_cours(bureau)
    assert lire(bureau, Emprunt)[0]["rendu_le"] is not None
    # Rapporter une seconde fois ne change rien.
    avant = fabrique.photographie(bureau)
    second = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert second.deja_rapporte is not None and not second.applique
    assert fabrique.photographie(bureau) == avant
    assert actions.lire_fichier(bilan.fichier, PHRASE).rendu_le is not None


def test_meme_champ_des_deux_cotes_conflit_montre_puis_tranche(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    portable.acteur = "m.lefebvre"
    modifier(portable, dossier_id, intitule="Intitulé du portable")
    bureau.acteur = "a.durand"
    modifier(bureau, dossier_id, intitule="Intitulé du bureau")
    avant = fabrique.photographie(bureau)
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert not retour.applique and retour.non_tranches == 1
    assert fabrique.photographie(bureau) == avant  # rien d'écrit tant qu'un conflit n'est pas tranché
    (conflit,) = retour.conflits
    assert (conflit.champ, conflit.depart, conflit.mien, conflit.leur) == (
        "Intitulé", "Jardin partagé des Fontinettes", "Intitulé du portable", "Intitulé du bureau")
    assert conflit.mien_par.startswith("m.lefebvre") and conflit.leur_par.startswith("a.durand")
    assert conflit.ligne == "Dossier CDV-2027-001" and conflit.modifiable
    choix = {conflit.ident: fusion.Choix(fusion.SAISIE, "Intitulé décidé au retour")}
    assert actions.rapporter(bureau, bilan.fichier, PHRASE, choix).valeur.applique
    assert lire(bureau, m.Dossier)[0]["intitule"] == "Intitulé décidé au retour"
    assert any(h["action"].startswith("conflit tranché") for h in lire(bureau, m.Historique))


def test_champs_differents_de_la_meme_ligne_sans_conflit(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    modifier(portable, dossier_id, resume="Résumé écrit chez la porteuse.")
    modifier(bureau, dossier_id, evaluation="Questionnaire de fin d'année.")
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert retour.applique and not retour.conflits
    dossier = lire(bureau, m.Dossier)[0]
    assert (dossier["resume"], dossier["evaluation"]) == ("Résumé écrit chez la porteuse.",
                                                          "Questionnaire de fin d'année.")


def test_suppressions_contre_modifications_et_ligne_supprimee_au_bureau(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    a, b, c = sorted(p["id"] for p in lire(bureau, m.Piece))[:3]
    table = m.Piece.__table__
    with portable.unite() as uow:  # hors ligne : A retirée, B corrigée
        pieces.retirer(uow, a)
        uow.valider()
    ecrire(portable, update(table).where(table.c.id == b).values(nom_fichier="statuts-signes.pdf"))
    ecrire(bureau, update(table).where(table.c.id == a).values(nom_fichier="corrigee-au-bureau.pdf"))
    with bureau.unite() as uow:  # au bureau : B et C retirées
        pieces.retirer(uow, b)
        pieces.retirer(uow, c)
        uow.valider()
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    genres = {conflit.genre: conflit for conflit in retour.conflits}
    assert set(genres) == {fusion.SUPPRIME_HORS_LIGNE, fusion.SUPPRIME_AU_BUREAU}
    assert "corrigee-au-bureau.pdf" in genres[fusion.SUPPRIME_HORS_LIGNE].leur
    choix = {conflit.ident: fusion.Choix(fusion.MIEN) for conflit in retour.conflits}
    assert actions.rapporter(bureau, bilan.fichier, PHRASE, choix).valeur.applique
    noms = {p["nom_fichier"] for p in lire(bureau, m.Piece)}
    assert "statuts-signes.pdf" in noms  # recréée : la version du portable gardée
    assert "corrigee-au-bureau.pdf" not in noms  # supprimée : la décision du portable
    assert c not in {p["id"] for p in lire(bureau, m.Piece)}  # supprimée au bureau, inchangée hors ligne


def test_lignes_nouvelles_des_deux_cotes_et_identifiants_qui_se_croisent(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    for contexte, nom in ((portable, "portable.pdf"), (bureau, "bureau.pdf")):
        with contexte.unite() as uow:  # même identifiant attribué des deux côtés
            pieces.ajouter(uow, dossier_id, "autre", nom, b"%PDF " + nom.encode(), dt.date.today())
            uow.valider()
    assert max(p["id"] for p in lire(portable, m.Piece)) == max(p["id"] for p in lire(bureau, m.Piece))
    # La même grille commencée des deux côtés (contrainte d'unicité) : reconnue comme la même ligne.
    with portable.unite() as uow:
        cotations.repondre_plusieurs(uow, dossier_id, "egalite-femmes-hommes",
                                     {"efh-diagnostic-donnees": ("oui", "vu avec la porteuse")})
        uow.valider()
    with bureau.unite() as uow:
        cotations.repondre_plusieurs(uow, dossier_id, "egalite-femmes-hommes", {"efh-objectif-explicite": ("oui", None)})
        uow.valider()
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE)
    assert retour.valeur.applique, retour.valeur.resume()
    assert {"portable.pdf", "bureau.pdf"} <= {p["nom_fichier"] for p in lire(bureau, m.Piece)}
    (cotation,) = lire(bureau, m.Cotation)
    questions = {r["question"] for r in lire(bureau, m.CotationReponse)
                 if r["cotation_id"] == cotation["id"]}
    assert {"efh-diagnostic-donnees", "efh-objectif-explicite"} <= questions


# --- Listes possédées (budget, séances…) : une valeur par dossier, jamais mêlées ligne à ligne --------------

def _ligne(compte: str, montant: str, libelle: str = "", financeur: str = "") -> dict:
    from instruction.domaine import budget

    return {"sens": budget.PAR_NUMERO[compte].sens, "compte": compte, "financeur": financeur, "libelle": libelle,
            "montant": montant}


# Hors ligne : l'animatrice plus chère, financée par la ville. Au bureau : une location de salle, financée par l'État.
BUDGET_PORTABLE = [_ligne("60", "1 200,50", "Graines et outils"), _ligne("64", "3 500", "Animatrice"),
                   _ligne("74", "2 000", financeur="etat-pv"), _ligne("74", "2 000", financeur="ville-calais"),
                   _ligne("75", "700,50", "Cotisations")]
BUDGET_BUREAU = [_ligne("60", "1 200,50", "Graines et outils"), _ligne("61", "800", "Location de salle"),
                 _ligne("64", "3 000", "Animatrice"), _ligne("74", "2 800", financeur="etat-pv"),
                 _ligne("74", "1 500", financeur="ville-calais"), _ligne("75", "700,50", "Cotisations")]


def _budget(contexte, dossier_id: int) -> tuple[list[tuple], dict]:
    """Les lignes du budget (compte, libellé, montant) et les totaux du dossier, relus en base."""
    lignes = sorted((x["ordre"], x["compte"], x["libelle"], x["montant"], x["financeur_code"]) for x in lire(
        contexte, m.LigneBudget, m.LigneBudget.__table__.c.dossier_id == dossier_id))
    dossier = lire(contexte, m.Dossier, m.Dossier.__table__.c.id == dossier_id)[0]
    return [x[1:] for x in lignes], {c: dossier[c] for c in ("cout_total", "subvention_demandee", "financeurs")}


def _verifier_base(contexte) -> None:
    from instruction.db.verification import verifier

    constats = verifier(contexte.url)
    assert constats.reussi, constats


def test_listes_de_budget_appliquees_d_un_seul_cote(emprunte):
    """Le budget changé hors ligne, les séances changées au bureau : chacune s'applique entière, sans conflit ;
    les totaux du dossier suivent le budget écrit."""
    bureau, portable, dossier_id, bilan = emprunte
    modifier(portable, dossier_id, budget=BUDGET_PORTABLE)
    attendu = _budget(portable, dossier_id)
    seances = [{"libelle": "Atelier jardin", "periode": "extrascolaire", "jour": "samedi", "heure_debut": "10h00",
                "heure_fin": "12h00", "frequence": "chaque semaine", "nombre": "30"}]
    modifier(bureau, dossier_id, seances=seances)
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert retour.applique and not retour.conflits and retour.a_remplacer == 1, retour.resume()
    assert retour.ecrit.listes == {"ligne_budget": 1}
    assert _budget(bureau, dossier_id) == attendu
    assert len(attendu[0]) == 5 and attendu[1]["cout_total"] == Decimal("4700.50")
    assert attendu[1]["subvention_demandee"] == Decimal("4000.00")
    assert [s["jour"] for s in lire(bureau, m.Seance)] == ["samedi"]  # la séance du bureau, gardée
    _verifier_base(bureau)


def test_listes_changees_a_l_identique_des_deux_cotes(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    for contexte in (portable, bureau):
        modifier(contexte, dossier_id, budget=BUDGET_PORTABLE, quartiers=["beau-marais"])
    attendu = _budget(bureau, dossier_id)
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert retour.applique and not retour.conflits and retour.a_remplacer == 0, retour.resume()
    assert _budget(bureau, dossier_id) == attendu and len(attendu[0]) == 5  # pas de lignes en double
    assert [q["quartier_code"] for q in lire(bureau, m.DossierQuartier)] == ["beau-marais"]
    _verifier_base(bureau)


@pytest.mark.parametrize("garder", [fusion.MIEN, fusion.LEUR])
def test_budget_change_des_deux_cotes_un_seul_conflit_de_liste(emprunte, garder):
    """Le même budget ressaisi des deux côtés : UN conflit (la liste entière, lisible, avec ses totaux), pas de
    conflit sur les totaux du dossier ; le côté gardé s'écrit entier, jamais la somme des deux ; les totaux
    suivent ; la base passe le contrôle d'intégrité."""
    from instruction.domaine import argent

    bureau, portable, dossier_id, bilan = emprunte
    portable.acteur = "m.lefebvre"
    modifier(portable, dossier_id, budget=BUDGET_PORTABLE)
    du_portable = _budget(portable, dossier_id)
    bureau.acteur = "a.durand"
    modifier(bureau, dossier_id, budget=BUDGET_BUREAU)
    du_bureau = _budget(bureau, dossier_id)
    avant = fabrique.photographie(bureau)
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert not retour.applique and fabrique.photographie(bureau) == avant
    (conflit,) = retour.conflits
    assert (conflit.genre, conflit.ligne, conflit.champ, conflit.modifiable) == (
        fusion.LISTE, "Dossier CDV-2027-001", "Budget prévisionnel", False)
    assert f"64 — Animatrice — {argent.formater(Decimal('3500'))}" in conflit.mien.splitlines()
    assert f"61 — Location de salle — {argent.formater(Decimal('800'))}" in conflit.leur.splitlines()
    assert "Location de salle" not in conflit.mien and "Location de salle" not in conflit.depart
    assert conflit.mien.splitlines()[-2:] == [
        f"Charges : {argent.formater(Decimal('4700.50'))} ; produits : {argent.formater(Decimal('4700.50'))}",
        f"Subventions demandées : {argent.formater(Decimal('4000'))}"]
    assert f"74 — Ville de Calais — {argent.formater(Decimal('2000'))}" in conflit.mien.splitlines()
    assert conflit.mien_par.startswith("m.lefebvre") and conflit.leur_par.startswith("a.durand")
    # Une saisie ne tranche pas une liste entière : le conflit reste ouvert, rien n'est écrit.
    refuse = actions.rapporter(bureau, bilan.fichier, PHRASE, {conflit.ident: fusion.Choix(fusion.SAISIE, "x")})
    assert not refuse.valeur.applique and refuse.valeur.non_tranches == 1
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE, {conflit.ident: fusion.Choix(garder)}).valeur
    assert retour.applique, retour.resume()
    attendu = du_portable if garder == fusion.MIEN else du_bureau
    assert _budget(bureau, dossier_id) == attendu
    assert len(attendu[0]) == (5 if garder == fusion.MIEN else 6)
    assert attendu[1] == ({"cout_total": Decimal("4700.50"), "subvention_demandee": Decimal("4000.00"),
                           "financeurs": "etat-pv,ville-calais"} if garder == fusion.MIEN else
                          {"cout_total": Decimal("5000.50"), "subvention_demandee": Decimal("4300.00"),
                           "financeurs": "etat-pv,ville-calais"})
    _verifier_base(bureau)
    (trace,) = [h for h in lire(bureau, m.Historique) if h["action"].startswith("conflit tranché")]
    assert trace["champ"] == "Budget prévisionnel" and trace["dossier_id"] == dossier_id
    assert ("du portable" if garder == fusion.MIEN else "du bureau") in trace["action"]


def test_contacts_du_porteur_changes_des_deux_cotes(emprunte):
    """La même liste côté porteur (ses contacts, réécrits à chaque enregistrement de la fiche)."""
    bureau, portable, dossier_id, bilan = emprunte
    porteur_id = lire(bureau, m.Dossier)[0]["porteur_id"]
    for contexte, nom in ((portable, "Awa Diallo"), (bureau, "Léon Caron")):
        with contexte.unite() as uow:
            porteurs.modifier(uow, porteur_id, dict(fabrique.IDENTITE),
                              [{"nom": nom, "fonction": "coordinatrice", "telephone": "", "courriel": ""}])
            uow.valider()
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    (conflit,) = retour.conflits
    assert conflit.champ == "Contacts" and conflit.ligne.startswith("Porteur") and "Awa Diallo" in conflit.mien
    assert actions.rapporter(bureau, bilan.fichier, PHRASE, {conflit.ident: fusion.Choix(fusion.MIEN)}).valeur.applique
    assert [c["nom"] for c in lire(bureau, m.Contact)] == ["Awa Diallo"]


def test_dossier_cree_hors_ligne_prend_un_numero_du_bureau(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    nouveau = fabrique.dossier(portable, complet=False)
    fabrique.dossier(bureau, complet=False)  # le même numéro, pris au bureau
    numero_portable = lire(portable, m.Dossier, m.Dossier.__table__.c.id == nouveau)[0]["numero"]
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert retour.applique and retour.ecrit.renumerotes == ((numero_portable, "CDV-2027-003"),)
    assert sorted(x["numero"] for x in lire(bureau, m.Dossier)) == ["CDV-2027-001", "CDV-2027-002", "CDV-2027-003"]


def test_valeur_saisie_au_retour_convertie_ou_refusee_clairement():
    """La « valeur saisie » d'un conflit prend le type de sa colonne ; ce qui ne s'y convertit pas est refusé avec
    un message qui le dit (jamais « non » par défaut pour un oui/non mal tapé)."""
    from instruction.domaine.erreurs import DonneesInvalides
    from instruction.services.fusion import convertir

    assert convertir("avis", "confidentiel", " Oui ") is True
    assert convertir("avis", "confidentiel", "non") is False
    with pytest.raises(DonneesInvalides, match="répondez « oui » ou « non » pour confidentiel"):
        convertir("avis", "confidentiel", "peut-être")
    with pytest.raises(DonneesInvalides, match="Un contenu de fichier ne se saisit pas"):
        convertir("piece", "contenu", "un texte")
    assert convertir("dossier", "cout_total", "1 500,50") == Decimal("1500.50")
    with pytest.raises(DonneesInvalides, match="n'est pas une valeur possible pour cout total"):
        convertir("dossier", "cout_total", "mille euros")


def test_mauvaise_phrase_fichier_intact(emprunte):
    bureau, portable, _dossier_id, bilan = emprunte
    portable.fermer()
    octets = bilan.fichier.read_bytes()
    with pytest.raises(travail.PhraseIncorrecte, match="ne déchiffre pas"):
        ouvrir_travail(bilan.fichier, "une autre phrase de passe")
    with pytest.raises(travail.PhraseIncorrecte):
        actions.rapporter(bureau, bilan.fichier, "une autre phrase de passe")
    assert bilan.fichier.read_bytes() == octets


def test_fichier_altere_refuse_rien_d_ecrit(emprunte):
    bureau, portable, dossier_id, bilan = emprunte
    modifier(portable, dossier_id, intitule="Changé hors ligne")
    portable.fermer()
    octets = bytearray(bilan.fichier.read_bytes())
    milieu = len(octets) // 2
    octets[milieu:milieu + 8] = bytes(b ^ 0x5A for b in octets[milieu:milieu + 8])
    bilan.fichier.write_bytes(bytes(octets))
    avant = fabrique.photographie(bureau)
    with pytest.raises(travail.FichierAltere, match="modifié hors de l'application"):
        actions.rapporter(bureau, bilan.fichier, PHRASE)
    assert fabrique.photographie(bureau) == avant


def test_le_fichier_ne_livre_ni_nom_ni_siret_ni_montant(emprunte):
    _bureau, portable, _dossier_id, bilan = emprunte
    portable.fermer()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(bilan.fichier).execute("select * from porteur").fetchall()
    brut = b"".join(p.read_bytes() for p in bilan.fichier.parent.iterdir() if p.name.startswith("tournee"))
    for secret in ("Jardiniers", "Fontinettes", "73282932000074", "Lefebvre", "FR7630006000011234567890189",
                   "1200.50", "120050", "Graines et outils"):
        assert secret.encode() not in brut and secret.encode("utf-16-le") not in brut
    assert oct(bilan.fichier.stat().st_mode & 0o777) == "0o600"


def test_fichier_d_un_schema_plus_ancien_mis_a_jour_au_retour(emprunte):
    from alembic import command

    from instruction.db.schema import config_alembic

    bureau, portable, dossier_id, bilan = emprunte
    modifier(portable, dossier_id, intitule="Écrit avec l'ancienne version")
    portable.fermer()
    moteur = travail.ouvrir(bilan.fichier, PHRASE)
    with moteur.begin() as connexion:  # le portable avait la version précédente (schéma 0014)
        command.downgrade(config_alembic(connexion), "0014_suivi")
    moteur.dispose()
    retour = actions.rapporter(bureau, bilan.fichier, PHRASE).valeur
    assert retour.migre_de == "0014_suivi" and retour.applique
    assert lire(bureau, m.Dossier)[0]["intitule"] == "Écrit avec l'ancienne version"


def test_ligne_de_commande(contexte, tmp_path, monkeypatch, capsys):
    from instruction.cli import main

    dossier_id = fabrique.dossier(contexte)
    monkeypatch.setenv("INSTRUCTION_PHRASE", PHRASE)
    fichier = tmp_path / "cli.travail"
    assert main(["emprunter", "--database", contexte.url, "--dossier", "CDV-2027-001", "-o", str(fichier)]) == 0
    assert "Dossiers empruntés (1)" in capsys.readouterr().out
    portable = ouvrir_travail(fichier, PHRASE)
    modifier(portable, dossier_id, intitule="Portable")
    portable.fermer()
    modifier(contexte, dossier_id, intitule="Bureau")
    assert main(["rapporter", "--database", contexte.url, str(fichier)]) == 2
    sortie = capsys.readouterr().out
    assert "Conflit — Dossier CDV-2027-001 — Intitulé" in sortie and "Rien n'a été écrit" in sortie
    assert main(["rapporter", "--database", contexte.url, str(fichier), "--conflits", "portable", "--effacer"]) == 0
    assert "Fichier de travail effacé" in capsys.readouterr().out and not fichier.exists()
    assert lire(contexte, m.Dossier)[0]["intitule"] == "Portable"


@pytest.mark.lent
@pytest.mark.postgresql
def test_retour_interrompu_par_un_arret_brutal(tmp_path):
    """Le processus qui rapporte est tué (SIGKILL) au milieu de sa transaction : rien n'est appliqué, la base
    passe le contrôle d'intégrité, l'emprunt reste ouvert et le fichier se rapporte ensuite."""
    from tests.conftest import URL_POSTGRES, creer_base_postgres, supprimer_base_postgres

    if not URL_POSTGRES:
        pytest.skip("PostgreSQL non configuré")
    url = creer_base_postgres()
    try:
        bureau = ouvrir(url)
        dossier_id = fabrique.dossier(bureau)
        bilan = emprunter(bureau, [dossier_id], tmp_path)
        portable = ouvrir_travail(bilan.fichier, PHRASE)
        modifier(portable, dossier_id, intitule="Changé hors ligne")
        with portable.unite() as uow:
            pieces.ajouter(uow, dossier_id, "autre", "nouvelle.pdf", b"%PDF nouvelle", dt.date.today())
            uow.valider()
        portable.fermer()
        avant = fabrique.photographie(bureau)
        # Le bureau tient la ligne du dossier : le retour insère la pièce, puis attend ce verrou.
        verrou = bureau.moteur.connect()
        transaction = verrou.begin()
        verrou.exec_driver_sql(f"select id from dossier where id = {dossier_id} for update")
        processus = subprocess.Popen(
            [sys.executable, "-m", "instruction", "rapporter", "--database", url, str(bilan.fichier)],
            cwd=RACINE, env={**os.environ, "INSTRUCTION_PHRASE": PHRASE}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        attente = bureau.moteur.connect()
        try:
            for _ in range(600):
                en_attente = attente.exec_driver_sql(
                    "select count(*) from pg_stat_activity where datname = current_database() "
                    "and wait_event_type = 'Lock' and pid <> pg_backend_pid()").scalar()
                attente.rollback()
                if en_attente:
                    break
                assert processus.poll() is None
                attente.exec_driver_sql("select pg_sleep(0.05)")
            else:
                pytest.fail("le retour n'a jamais atteint le verrou")
            processus.kill()
            processus.wait()
        finally:
            attente.close()
            transaction.rollback()
            verrou.close()
        assert fabrique.photographie(bureau) == avant
        from instruction.db.verification import verifier

        assert verifier(url).reussi
        assert actions.rapporter(bureau, bilan.fichier, PHRASE).valeur.applique
        assert lire(bureau, m.Dossier)[0]["intitule"] == "Changé hors ligne"
        bureau.fermer()
    finally:
        supprimer_base_postgres(url)
