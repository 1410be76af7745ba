"""Les avis de l'instruction partagée : destinataires proposés, demandes, réponses des référents et des
cofinanceurs, avis confidentiels, retards et avis à donner. Sur SQLite et PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import avis, comptes, taches
from instruction.services import instruction as service_instruction
from tests import fabrique

DANS_15_JOURS = aujourd_hui() + dt.timedelta(days=15)


@pytest.fixture
def equipe(contexte) -> fabrique.Equipe:
    return fabrique.Equipe(contexte)


@pytest.fixture
def dossier_id(contexte, equipe) -> int:
    """Objectif OS22.1 (logement, cadre de vie : référents urbain, NPNRU, GUSP) ; budget : État et Ville."""
    return fabrique.dossier(contexte)


def _comme(contexte, utilisateur, action):
    """``action(uow)`` faite par ``utilisateur``, puis validée."""
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        resultat = action(uow)
        uow.valider()
    return resultat


def _refuse(contexte, utilisateur, action, erreur=DonneesInvalides, message=""):
    """``action`` est refusée et n'écrit rien, même si l'appelant validait ensuite."""
    contexte.utilisateur = utilisateur
    avant = fabrique.photographie(contexte)
    with contexte.unite() as uow:
        with pytest.raises(erreur, match=message):
            action(uow)
        uow.valider()
    assert fabrique.photographie(contexte) == avant


def _destinataires(contexte, equipe, dossier_id) -> dict:
    """Les destinataires proposés, par identifiant de compte ou code de cofinanceur."""
    contexte.utilisateur = equipe.instructeur
    with contexte.unite() as uow:
        liste = avis.destinataires(uow, dossier_id)
    comptes = {u.id: u.identifiant for u in vars(equipe).values()}
    return {comptes[d.compte_id] if d.compte_id else d.financeur: d for d in liste}


def _demander(contexte, equipe, dossier_id, *cles, echeance=DANS_15_JOURS) -> dict[str, int]:
    destinataires = _destinataires(contexte, equipe, dossier_id)
    ids = _comme(contexte, equipe.instructeur,
                 lambda uow: avis.demander(uow, dossier_id, [destinataires[c] for c in cles], echeance))
    return dict(zip(cles, ids, strict=True))


def _lignes(contexte, utilisateur, dossier_id) -> dict[int, avis.LigneAvis]:
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        return {ligne.demande_id: ligne for ligne in avis.du_dossier(uow, dossier_id)}


def _historique(contexte) -> list[str]:
    with contexte.unite() as uow:
        return [" | ".join(str(v) for v in ligne) for ligne in uow.session.execute(text("select * from historique"))]


def _export_de_l_historique(contexte, dossier_id, fichier) -> str:
    """L'historique du dossier exporté en classeur, relu cellule par cellule."""
    from openpyxl import load_workbook

    from instruction.rapports import historique as export
    from instruction.services import historique

    with contexte.unite() as uow:
        entrees = historique.du_dossier(uow, dossier_id)
    classeur = load_workbook(export.exporter(entrees, fichier, titre="Historique"))
    return "\n".join(" | ".join(str(c) for c in ligne) for ligne in classeur.active.iter_rows(values_only=True))


# --- Destinataires proposés -------------------------------------------------------------------------


def test_les_destinataires_proposes_suivent_les_objectifs_et_le_budget(contexte, equipe, dossier_id):
    destinataires = _destinataires(contexte, equipe, dossier_id)
    proposes = {cle for cle, d in destinataires.items() if d.propose}
    assert proposes == {"r.urbain", "etat-pv", "ville-calais"}
    assert destinataires["r.urbain"].theme == "urbain"
    assert not destinataires["e.ecole"].propose and destinataires["e.ecole"].theme == "education"
    # Seuls les référents sont proposés comme comptes ; tous les cofinanceurs le sont.
    assert {c for c, d in destinataires.items() if d.compte_id} == {"r.urbain", "e.ecole"}
    with contexte.unite() as uow:
        financeurs = set(uow.session.scalars(select(m.Financeur.code)))
    assert {c for c, d in destinataires.items() if d.financeur} == financeurs
    # Les proposés d'abord, référents avant cofinanceurs.
    with contexte.unite() as uow:
        ordre = [(d.propose, d.financeur is None) for d in avis.destinataires(uow, dossier_id)]
    assert ordre == sorted(ordre, reverse=True)


def test_un_objectif_d_education_propose_le_referent_education(contexte, equipe):
    def education(saisie):
        saisie.objectifs = ["OS01.1"]
        saisie.budget = [ligne for ligne in saisie.budget if ligne["financeur"] != "etat-pv"]
        saisie.budget.append({"sens": "produit", "compte": "74", "financeur": "region", "libelle": "",
                              "montant": "2 000"})

    dossier_id = fabrique.dossier(contexte, modifier=education)
    destinataires = _destinataires(contexte, equipe, dossier_id)
    assert {c for c, d in destinataires.items() if d.propose} == {"e.ecole", "ville-calais", "region"}
    assert destinataires["e.ecole"].theme == "education"
    # Un référent désactivé n'est plus proposé.
    _comme(contexte, equipe.admin, lambda uow: comptes.desactiver(
           uow, equipe.referent_education.id))
    assert "e.ecole" not in _destinataires(contexte, equipe, dossier_id)


# --- Demander --------------------------------------------------------------------------------------


def test_demander_des_avis(contexte, equipe, dossier_id):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain", "ville-calais")
    lignes = _lignes(contexte, equipe.instructeur, dossier_id)
    assert set(lignes) == set(ids.values())
    urbain, ville = lignes[ids["r.urbain"]], lignes[ids["ville-calais"]]
    assert (urbain.destinataire, urbain.theme, urbain.echeance, urbain.demandee_par) == (
        "Rémi Urbain", "Urbain", DANS_15_JOURS, "m.lefebvre")
    assert ville.destinataire.startswith("Ville") and ville.theme is None
    assert urbain.sens is None and urbain.libelle_sens == "Attendu" and not urbain.en_retard
    assert _destinataires(contexte, equipe, dossier_id)["r.urbain"].deja_demande
    historique = _historique(contexte)
    assert any("m.lefebvre" in h and "Avis demandé à" in h and f"Rémi Urbain, pour le {DANS_15_JOURS:%d/%m/%Y}" in h
               for h in historique)
    # Relancer, puis retirer une demande restée sans réponse.
    _comme(contexte, equipe.instructeur, lambda uow: avis.relancer(uow, ids["ville-calais"]))
    assert _lignes(contexte, equipe.instructeur, dossier_id)[ids["ville-calais"]].relancee_le is not None
    _comme(contexte, equipe.instructeur, lambda uow: avis.annuler(uow, ids["ville-calais"]))
    assert set(_lignes(contexte, equipe.instructeur, dossier_id)) == {ids["r.urbain"]}
    assert any("demande retirée" in h and "m.lefebvre" in h for h in _historique(contexte))


def test_une_demande_d_avis_fautive_est_refusee_sans_rien_ecrire(contexte, equipe, dossier_id):
    destinataires = _destinataires(contexte, equipe, dossier_id)
    urbain, ville = destinataires["r.urbain"], destinataires["ville-calais"]

    def demande(choisis, echeance=DANS_15_JOURS, dossier=dossier_id):
        return lambda uow: avis.demander(uow, dossier, choisis, echeance)

    instructeur = equipe.instructeur
    _refuse(contexte, instructeur, demande([urbain], aujourd_hui() - dt.timedelta(days=1)), message="passée")
    _refuse(contexte, instructeur, demande([]), message="au moins un référent ou un cofinanceur")
    _refuse(contexte, instructeur, demande([urbain, urbain]), message="choisi deux fois")
    _refuse(contexte, instructeur, demande([avis.Destinataire("Les deux", compte_id=equipe.referent.id,
                                                              financeur="region")]), message="pas les deux")
    _refuse(contexte, instructeur, demande([avis.Destinataire("Banque", financeur="banque-imaginaire")]),
            message="Cofinanceur inconnu")
    _refuse(contexte, instructeur, demande([avis.Destinataire("Un lecteur", compte_id=equipe.lecteur.id)]),
            message="pas un référent")
    _refuse(contexte, instructeur, demande([urbain], dossier=987654), message="n'existe plus")
    _demander(contexte, equipe, dossier_id, "r.urbain")
    _refuse(contexte, instructeur, demande([ville, urbain]), message="déjà demandé sur ce dossier")
    _comme(contexte, equipe.admin, lambda uow: comptes.desactiver(
           uow, equipe.referent_education.id))
    _refuse(contexte, instructeur, demande([avis.Destinataire("École", compte_id=equipe.referent_education.id)]),
            message="désactivé")
    # Le comité a décidé : on ne demande plus d'avis.
    _comme(contexte, instructeur, lambda uow: service_instruction.changer_etat(
        uow, dossier_id, Etat.SANS_SUITE, "Le porteur renonce"))
    _refuse(contexte, instructeur, demande([ville]), message="le comité a décidé")


# --- Donner ----------------------------------------------------------------------------------------


def test_le_referent_donne_l_avis_qui_lui_est_demande_et_lui_seul(contexte, equipe, dossier_id):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain", "ville-calais")
    favorable = avis.SaisieAvis("favorable")
    _refuse(contexte, equipe.referent_education, lambda uow: avis.donner(uow, ids["r.urbain"], favorable),
            droits.Interdit, "pas demandé à vous")
    _refuse(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["ville-calais"], favorable),
            droits.Interdit, "pas demandé à vous")
    _refuse(contexte, equipe.lecteur, lambda uow: avis.donner(uow, ids["r.urbain"], favorable),
            droits.Interdit, "pas le droit de donner un avis")
    _comme(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis(
        "favorable", "  Projet utile au quartier.  ", montants={"etat-pv": "1 500"})))
    ligne = _lignes(contexte, equipe.instructeur, dossier_id)[ids["r.urbain"]]
    assert (ligne.sens, ligne.commentaire, ligne.auteur, ligne.montants) == (
        "favorable", "Projet utile au quartier.", "r.urbain", {"etat-pv": Decimal("1500.00")})
    assert ligne.libelle_sens == "Favorable" and ligne.donne_le is not None
    # Il le corrige tant que le comité n'a pas décidé ; l'historique garde l'ancien et le nouveau.
    _comme(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis(
        "reserve", "Public à préciser.")))
    ligne = _lignes(contexte, equipe.instructeur, dossier_id)[ids["r.urbain"]]
    assert (ligne.sens, ligne.montants) == ("reserve", {})
    historique = _historique(contexte)
    assert any("avis corrigé" in h and "Favorable" in h and "Réservé" in h and "r.urbain" in h for h in historique)
    # L'instructeur saisit l'avis reçu par courrier au nom du cofinanceur.
    _comme(contexte, equipe.instructeur, lambda uow: avis.donner(uow, ids["ville-calais"],
                                                                 avis.SaisieAvis("favorable")))
    assert _lignes(contexte, equipe.instructeur, dossier_id)[ids["ville-calais"]].auteur == "m.lefebvre"


def test_le_financeur_ne_propose_que_le_montant_de_son_cofinanceur(contexte, equipe, dossier_id):
    ids = _demander(contexte, equipe, dossier_id, "ville-calais", "etat-pv")
    _refuse(contexte, equipe.financeur_region, lambda uow: avis.donner(uow, ids["ville-calais"],
                                                                       avis.SaisieAvis("favorable")),
            droits.Interdit, "pas demandé à vous")
    _refuse(contexte, equipe.financeur, lambda uow: avis.donner(uow, ids["etat-pv"], avis.SaisieAvis("favorable")),
            droits.Interdit, "pas demandé à vous")
    _refuse(contexte, equipe.financeur, lambda uow: avis.donner(uow, ids["ville-calais"], avis.SaisieAvis(
        "favorable", montants={"ville-calais": "1 000", "etat-pv": "2 000"})), droits.Interdit,
        "montant de votre cofinanceur")
    _comme(contexte, equipe.financeur, lambda uow: avis.donner(uow, ids["ville-calais"], avis.SaisieAvis(
        "favorable", montants={"ville-calais": "1 234,56", "etat-pv": "  "})))
    ligne = _lignes(contexte, equipe.instructeur, dossier_id)[ids["ville-calais"]]
    assert ligne.montants == {"ville-calais": Decimal("1234.56")} and ligne.auteur == "f.ville"
    assert isinstance(ligne.montants["ville-calais"], Decimal)


def test_le_financeur_qui_corrige_garde_les_montants_des_autres(contexte, equipe, dossier_id):
    """L'avis demandé à la Ville a été saisi par l'instructeur (reçu par courriel) avec une proposition
    pour l'État ; quand la Ville corrige son montant, la proposition pour l'État reste."""
    ids = _demander(contexte, equipe, dossier_id, "ville-calais")
    _comme(contexte, equipe.instructeur, lambda uow: avis.donner(uow, ids["ville-calais"], avis.SaisieAvis(
        "favorable", montants={"ville-calais": "1 000", "etat-pv": "2 000"})))
    _comme(contexte, equipe.financeur, lambda uow: avis.donner(uow, ids["ville-calais"], avis.SaisieAvis(
        "favorable", montants={"ville-calais": "1 500"})))
    ligne = _lignes(contexte, equipe.instructeur, dossier_id)[ids["ville-calais"]]
    assert ligne.montants == {"ville-calais": Decimal("1500.00"), "etat-pv": Decimal("2000.00")}


@pytest.mark.parametrize("tape, attendu", [("1 234,56", "1234.56"), ("12 000", "12000.00"), ("0,1", "0.10"),
                                           ("1\u202f500,05 €", "1500.05"), ("2500.5", "2500.50")])
def test_les_montants_proposes_sont_lus_exactement(contexte, equipe, dossier_id, tape, attendu):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain")
    _comme(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis(
        "favorable", montants={"etat-pv": tape})))
    montant = _lignes(contexte, equipe.instructeur, dossier_id)[ids["r.urbain"]].montants["etat-pv"]
    assert montant == Decimal(attendu) and str(montant) == attendu


@pytest.mark.parametrize("saisie, message", [
    (avis.SaisieAvis("reserve"), "commentaire est obligatoire"),
    (avis.SaisieAvis("defavorable", "   "), "commentaire est obligatoire"),
    (avis.SaisieAvis("peut-etre", "Je ne sais pas"), "favorable, réservé ou défavorable"),
    (avis.SaisieAvis("favorable", montants={"etat-pv": "mille euros"}), "pour État PV : « mille euros » n'est pas un montant"),
    (avis.SaisieAvis("favorable", montants={"etat-pv": "-500"}), "négatif"),
    (avis.SaisieAvis("favorable", montants={"etat-pv": "12,345"}), "montant"),
    (avis.SaisieAvis("favorable", montants={"banque-imaginaire": "500"}), "Cofinanceur inconnu"),
])
def test_un_avis_mal_saisi_est_refuse_sans_rien_ecrire(contexte, equipe, dossier_id, saisie, message):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain")
    _refuse(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], saisie), message=message)


def test_apres_la_decision_les_avis_sont_figes(contexte, equipe, dossier_id):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain", "ville-calais")
    _comme(contexte, equipe.instructeur, lambda uow: service_instruction.changer_etat(
        uow, dossier_id, Etat.SANS_SUITE, "Le porteur renonce"))
    _refuse(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis("favorable")),
            message="les avis sont figés")
    contexte.utilisateur = equipe.referent
    with contexte.unite() as uow:
        assert not [t for t in taches.mes_taches(uow) if t.categorie == taches.AVIS_A_DONNER]


# --- Confidentialité ---------------------------------------------------------------------------------


def test_un_avis_confidentiel_n_est_lu_que_par_les_instructeurs_et_son_auteur(contexte, equipe, dossier_id,
                                                                             tmp_path):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain", "ville-calais")
    secret = "Le président de l'association est mon beau-frère"
    _comme(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis(
        "defavorable", secret, confidentiel=True, montants={"etat-pv": "777,77"})))
    for lecteur in (equipe.lecteur, equipe.referent_education, equipe.financeur):
        ligne = _lignes(contexte, lecteur, dossier_id)[ids["r.urbain"]]
        assert ligne.masque and ligne.confidentiel, lecteur.identifiant
        assert (ligne.sens, ligne.commentaire, ligne.montants) == (None, avis.CONFIDENTIEL_MASQUE, {})
        assert ligne.libelle_sens == "Confidentiel" and not ligne.en_retard, "donné, pas attendu"
    for lecteur in (equipe.instructeur, equipe.admin, equipe.referent):
        ligne = _lignes(contexte, lecteur, dossier_id)[ids["r.urbain"]]
        assert not ligne.masque, lecteur.identifiant
        assert (ligne.sens, ligne.commentaire, ligne.montants) == (
            "defavorable", secret, {"etat-pv": Decimal("777.77")})
    # L'historique, que tout le monde lit, ne dit rien de ce qui est confidentiel.
    historique = _historique(contexte)
    export = _export_de_l_historique(contexte, dossier_id, tmp_path / "historique.xlsx")
    assert any("avis donné" in h and "r.urbain" in h for h in historique) and "avis donné" in export
    for trace in (secret, "beau-frère", "Défavorable", "777,77"):
        assert not any(trace in h for h in historique) and trace not in export, trace
    # Corrigé, puis rendu public : l'ancien commentaire confidentiel ne sort pas non plus.
    _comme(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis(
        "reserve", secret + " (précisé)", confidentiel=True)))
    _comme(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis(
        "reserve", "Public à préciser.")))
    historique = _historique(contexte)
    export = _export_de_l_historique(contexte, dossier_id, tmp_path / "historique-corrige.xlsx")
    for trace in ("beau-frère", "777,77", "Défavorable"):
        assert not any(trace in h for h in historique) and trace not in export, trace
    assert any("Public à préciser." in h for h in historique) and "Public à préciser." in export
    ligne = _lignes(contexte, equipe.lecteur, dossier_id)[ids["r.urbain"]]
    assert not ligne.masque and ligne.commentaire == "Public à préciser."


def test_l_avis_confidentiel_d_un_cofinanceur_est_lu_par_son_cofinanceur(contexte, equipe, dossier_id):
    ids = _demander(contexte, equipe, dossier_id, "ville-calais")
    _comme(contexte, equipe.financeur, lambda uow: avis.donner(uow, ids["ville-calais"], avis.SaisieAvis(
        "favorable", "Montant à revoir en commission", confidentiel=True, montants={"ville-calais": "900"})))
    assert not _lignes(contexte, equipe.financeur, dossier_id)[ids["ville-calais"]].masque
    assert not _lignes(contexte, equipe.instructeur, dossier_id)[ids["ville-calais"]].masque
    for lecteur in (equipe.financeur_region, equipe.referent, equipe.lecteur):
        ligne = _lignes(contexte, lecteur, dossier_id)[ids["ville-calais"]]
        assert ligne.masque and ligne.montants == {} and ligne.sens is None, lecteur.identifiant


# --- Retards et avis à donner ---------------------------------------------------------------------------


def test_les_avis_en_retard_et_les_avis_a_donner(contexte, equipe, dossier_id, monkeypatch):
    autre = fabrique.dossier(contexte, modifier=lambda s: setattr(s, "intitule", "Atelier vélo"))
    decide = fabrique.dossier(contexte, modifier=lambda s: setattr(s, "intitule", "Action abandonnée"))
    proche = _demander(contexte, equipe, dossier_id, "r.urbain", "ville-calais",
                       echeance=aujourd_hui() + dt.timedelta(days=5))
    lointain = _demander(contexte, equipe, autre, "r.urbain", "e.ecole", "ville-calais",
                         echeance=aujourd_hui() + dt.timedelta(days=40))
    abandonne = _demander(contexte, equipe, decide, "r.urbain", echeance=aujourd_hui() + dt.timedelta(days=5))
    _comme(contexte, equipe.financeur, lambda uow: avis.donner(uow, proche["ville-calais"],
                                                               avis.SaisieAvis("favorable")))
    _comme(contexte, equipe.instructeur, lambda uow: service_instruction.changer_etat(
        uow, decide, Etat.SANS_SUITE, "Le porteur renonce"))

    def avis_de(categorie):
        """Les demandes d'avis que Mes tâches range dans cette catégorie, pour l'utilisateur connecté."""
        with contexte.unite() as uow:
            return [t.demande_avis_id for t in taches.mes_taches(uow)
                    if t.categorie == categorie and t.demande_avis_id is not None]

    contexte.utilisateur = equipe.referent
    assert avis_de(taches.AVIS_A_DONNER) == [proche["r.urbain"], lointain["r.urbain"]]
    contexte.utilisateur = equipe.instructeur
    assert avis_de(taches.DEPASSEES) == [], "rien n'est encore en retard"
    contexte.utilisateur = equipe.financeur
    assert avis_de(taches.AVIS_A_DONNER) == [lointain["ville-calais"]]
    for personne in (equipe.lecteur, equipe.instructeur):
        contexte.utilisateur = personne
        assert avis_de(taches.AVIS_A_DONNER) == []

    # Dix jours plus tard : les avis attendus pour dans cinq jours sont en retard, sauf celui déjà donné
    # et celui d'un dossier décidé (il n'y a plus rien à relancer).
    dans_dix_jours = aujourd_hui() + dt.timedelta(days=10)
    monkeypatch.setattr(avis, "aujourd_hui", lambda: dans_dix_jours)
    monkeypatch.setattr(taches, "aujourd_hui", lambda: dans_dix_jours)
    contexte.utilisateur = equipe.instructeur
    assert avis_de(taches.DEPASSEES) == [proche["r.urbain"]]
    assert abandonne["r.urbain"] not in avis_de(taches.DEPASSEES)
    ligne = _lignes(contexte, equipe.instructeur, dossier_id)[proche["r.urbain"]]
    assert ligne.en_retard and ligne.libelle_sens == "En retard"
    assert not _lignes(contexte, equipe.instructeur, dossier_id)[proche["ville-calais"]].en_retard


def test_le_lecteur_ne_fait_rien(contexte, equipe, dossier_id):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain")
    urbain = _destinataires(contexte, equipe, dossier_id)["ville-calais"]
    for action in (
        lambda uow: avis.demander(uow, dossier_id, [urbain], DANS_15_JOURS),
        lambda uow: avis.relancer(uow, ids["r.urbain"]),
        lambda uow: avis.annuler(uow, ids["r.urbain"]),
        lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis("favorable")),
    ):
        _refuse(contexte, equipe.lecteur, action, droits.Interdit, "vous n'avez pas le droit")
    # Les référents et financeurs ne demandent, ne relancent ni n'annulent pas non plus.
    for personne in (equipe.referent, equipe.financeur):
        _refuse(contexte, personne, lambda uow: avis.relancer(uow, ids["r.urbain"]), droits.Interdit,
                "demander des avis")


def test_un_avis_donne_ne_se_relance_ni_ne_se_retire(contexte, equipe, dossier_id):
    ids = _demander(contexte, equipe, dossier_id, "r.urbain")
    _comme(contexte, equipe.referent, lambda uow: avis.donner(uow, ids["r.urbain"], avis.SaisieAvis("favorable")))
    _refuse(contexte, equipe.instructeur, lambda uow: avis.relancer(uow, ids["r.urbain"]), message="déjà donné")
    _refuse(contexte, equipe.instructeur, lambda uow: avis.annuler(uow, ids["r.urbain"]), message="déjà donné")
