"""Les comptes : création, connexion, mot de passe provisoire puis changé, ralentissement après des
échecs, désactivation, réinitialisation ; rien d'un mot de passe ni de son empreinte dans le journal ou
l'historique. Sur SQLite et PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select, text, update

from instruction import journal

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import maintenant
from instruction.services import comptes, historique
from tests import fabrique

MESSAGE_REFUS = "Identifiant ou mot de passe incorrect."


def _creer(contexte, identifiant, role=droits.ADMINISTRATEUR, *, nom=None, **autres) -> tuple[int, str]:
    with contexte.unite() as uow:
        resultat = comptes.creer(uow, comptes.SaisieCompte(identifiant, nom or identifiant, role, **autres))
        uow.valider()
    return resultat


def _connecter(contexte, identifiant, mot_de_passe) -> droits.Utilisateur:
    """Comme l'écran de connexion : l'appelant ne valide rien lui-même."""
    with contexte.unite() as uow:
        return comptes.connecter(uow, identifiant, mot_de_passe)


def _refus(contexte, identifiant, mot_de_passe) -> str:
    with pytest.raises(comptes.ConnexionRefusee) as refus:
        _connecter(contexte, identifiant, mot_de_passe)
    return str(refus.value)


def _compte(contexte, compte_id) -> m.Compte:
    with contexte.unite() as uow:
        compte = uow.session.get(m.Compte, compte_id)
        uow.session.expunge(compte)
        return compte


def _refuse_sans_rien_ecrire(contexte, action, message):
    """``action(uow)`` est refusée ; même si l'appelant validait ensuite, rien n'est écrit."""
    avant = fabrique.photographie(contexte)
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match=message):
            action(uow)
        uow.valider()
    assert fabrique.photographie(contexte) == avant


class Horloge:
    """L'heure vue par le service des comptes, qu'un test fait avancer."""

    def __init__(self) -> None:
        self.instant = maintenant()

    def __call__(self) -> dt.datetime:
        return self.instant

    def avancer(self, secondes: float) -> None:
        self.instant += dt.timedelta(seconds=secondes)


@pytest.fixture
def horloge(monkeypatch):
    horloge = Horloge()
    monkeypatch.setattr(comptes, "maintenant", horloge)
    return horloge


# --- Création et première connexion ----------------------------------------------------------------


def test_le_premier_compte_doit_etre_administrateur(contexte):
    with contexte.unite() as uow:
        assert not comptes.connexion_requise(uow)
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.creer(uow, comptes.SaisieCompte(
        "m.lefebvre", "Marie Lefebvre", droits.INSTRUCTEUR)), "premier compte doit être administrateur")
    compte_id, provisoire = _creer(contexte, "a.durand", nom="Anne Durand")
    assert len(provisoire) == 12 and set(provisoire) <= set(comptes.ALPHABET_PROVISOIRE)
    compte = _compte(contexte, compte_id)
    assert compte.role == droits.ADMINISTRATEUR and compte.actif and compte.a_changer and compte.echecs == 0
    assert compte.empreinte.startswith("$argon2id$") and provisoire not in compte.empreinte
    with contexte.unite() as uow:
        assert comptes.connexion_requise(uow)
    # Ensuite, les autres rôles sont permis.
    autre_id, autre_provisoire = _creer(contexte, "m.lefebvre", droits.INSTRUCTEUR, nom="Marie Lefebvre")
    assert autre_provisoire != provisoire and _compte(contexte, autre_id).role == droits.INSTRUCTEUR


def test_connexion_avec_le_mot_de_passe_provisoire_qu_il_faut_changer(contexte):
    compte_id, provisoire = _creer(contexte, "a.durand", nom="Anne Durand", courriel="anne.durand@calais.fr")
    with contexte.unite() as uow:
        avant = historique.dernier_numero(uow)
    utilisateur = _connecter(contexte, "  A.Durand ", provisoire)
    assert (utilisateur.identifiant, utilisateur.nom, utilisateur.role, utilisateur.id) == (
        "a.durand", "Anne Durand", droits.ADMINISTRATEUR, compte_id)
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        assert comptes.doit_changer(uow)
        lignes = [(h.acteur, h.objet, h.action)
                  for h in uow.session.scalars(select(m.Historique).where(m.Historique.id > avant))]
    assert lignes == [("a.durand", "compte", "connexion")]
    assert _compte(contexte, compte_id).derniere_connexion is not None


def test_changer_son_mot_de_passe(contexte):
    compte_id, provisoire = _creer(contexte, "marie.lefebvre", nom="Marie Lefebvre")
    contexte.utilisateur = _connecter(contexte, "marie.lefebvre", provisoire)
    nouveau = "Jardin-Fontinettes-2027"
    refus = [
        (("pas le bon", nouveau, nouveau), "actuel est incorrect"),
        ((provisoire, nouveau, nouveau + "x"), "diffèrent"),
        ((provisoire, "court-9ch", "court-9ch"), "au moins 10 caractères"),
        ((provisoire, "Marie.Lefebvre", "Marie.Lefebvre"), "ne peut pas être l'identifiant"),
        ((provisoire, provisoire, provisoire), "différent de l'actuel"),
    ]
    for (ancien, nouveau_tape, confirmation), message in refus:
        _refuse_sans_rien_ecrire(contexte, lambda uow, saisies=(ancien, nouveau_tape, confirmation):
                                 comptes.changer_mot_de_passe(uow, *saisies), message)
    with contexte.unite() as uow:
        comptes.changer_mot_de_passe(uow, provisoire, nouveau, nouveau)
        uow.valider()
    assert not _compte(contexte, compte_id).a_changer
    with contexte.unite() as uow:
        assert not comptes.doit_changer(uow)
        derniere = uow.session.scalars(select(m.Historique).order_by(m.Historique.id.desc())).first()
        assert (derniere.acteur, derniere.action) == ("marie.lefebvre", "mot de passe changé")
    assert _refus(contexte, "marie.lefebvre", provisoire) == MESSAGE_REFUS
    assert _connecter(contexte, "marie.lefebvre", nouveau).id == compte_id


def test_le_compte_de_session_du_poste_n_a_pas_de_mot_de_passe(contexte):
    with contexte.unite() as uow:
        assert not comptes.doit_changer(uow)
        with pytest.raises(DonneesInvalides, match="compte de session du poste"):
            comptes.changer_mot_de_passe(uow, "x", "Nouveau-mot-de-passe", "Nouveau-mot-de-passe")


# --- Échecs répétés -----------------------------------------------------------------------------------


def test_trois_echecs_font_attendre_meme_avec_le_bon_mot_de_passe(contexte, horloge):
    compte_id, provisoire = _creer(contexte, "a.durand")
    for echec in (1, 2):
        assert _refus(contexte, "a.durand", f"mauvais-{echec}") == MESSAGE_REFUS
        # Compté et gardé bien que l'appelant n'ait rien validé : une autre connexion le lit.
        assert _compte(contexte, compte_id).echecs == echec
        assert _compte(contexte, compte_id).bloque_jusqu_a is None
    assert _refus(contexte, "a.durand", "mauvais-3") == MESSAGE_REFUS
    compte = _compte(contexte, compte_id)
    assert compte.echecs == 3 and compte.bloque_jusqu_a == horloge.instant + dt.timedelta(seconds=5)
    message = _refus(contexte, "a.durand", provisoire)
    assert "Trop d'essais manqués" in message and "réessayez dans 5 s" in message
    horloge.avancer(3)
    assert "réessayez dans 2 s" in _refus(contexte, "a.durand", provisoire)
    assert _compte(contexte, compte_id).echecs == 3, "un essai pendant l'attente ne rallonge pas l'attente"
    horloge.avancer(2.5)
    # L'attente passée, un nouvel échec double l'attente…
    assert _refus(contexte, "a.durand", "mauvais-4") == MESSAGE_REFUS
    compte = _compte(contexte, compte_id)
    assert compte.echecs == 4 and compte.bloque_jusqu_a == horloge.instant + dt.timedelta(seconds=10)
    assert "réessayez dans 10 s" in _refus(contexte, "a.durand", provisoire)
    horloge.avancer(11)
    # … et le bon mot de passe, une fois l'attente passée, connecte et remet le compteur à zéro.
    assert _connecter(contexte, "a.durand", provisoire).id == compte_id
    compte = _compte(contexte, compte_id)
    assert compte.echecs == 0 and compte.bloque_jusqu_a is None


def test_l_attente_plafonne_a_quinze_minutes_meme_apres_des_centaines_d_echecs(contexte, horloge):
    compte_id, provisoire = _creer(contexte, "a.durand")
    with contexte.unite() as uow:
        uow.session.execute(update(m.Compte).where(m.Compte.id == compte_id).values(echecs=500))
        uow.valider()
    assert _refus(contexte, "a.durand", "encore faux") == MESSAGE_REFUS
    compte = _compte(contexte, compte_id)
    assert compte.echecs == 501 and compte.bloque_jusqu_a == horloge.instant + dt.timedelta(minutes=15)
    assert "réessayez dans 15 min" in _refus(contexte, "a.durand", provisoire)


def test_l_attente_se_lit_dans_la_base_et_expire(contexte):
    """Sans toucher à l'horloge : l'attente écrite en base est respectée, puis levée quand elle est passée."""
    compte_id, provisoire = _creer(contexte, "a.durand")
    for _ in range(3):
        _refus(contexte, "a.durand", "faux-mot-de-passe")
    assert "Trop d'essais" in _refus(contexte, "a.durand", provisoire)
    with contexte.unite() as uow:
        uow.session.execute(update(m.Compte).where(m.Compte.id == compte_id)
                            .values(bloque_jusqu_a=maintenant() - dt.timedelta(seconds=1)))
        uow.valider()
    assert _connecter(contexte, "a.durand", provisoire).id == compte_id


def test_un_identifiant_inconnu_a_le_meme_message_qu_un_mauvais_mot_de_passe(contexte):
    _compte_id, _provisoire = _creer(contexte, "a.durand")
    faux = _refus(contexte, "a.durand", "pas le bon")
    inconnu = _refus(contexte, "personne", "pas le bon")
    assert faux == inconnu == MESSAGE_REFUS
    assert _refus(contexte, "", "") == MESSAGE_REFUS


def test_un_compte_desactive_est_refuse_puis_reactive(contexte):
    _creer(contexte, "a.durand")
    compte_id, provisoire = _creer(contexte, "m.lefebvre", droits.INSTRUCTEUR)
    with contexte.unite() as uow:
        comptes.desactiver(uow, compte_id)
        uow.valider()
    assert "désactivé" in _refus(contexte, "m.lefebvre", provisoire)
    assert _refus(contexte, "m.lefebvre", "pas le bon") == MESSAGE_REFUS, "rien ne dit qu'il existe"
    with contexte.unite() as uow:
        comptes.reactiver(uow, compte_id)
        uow.valider()
    assert _connecter(contexte, "m.lefebvre", provisoire).id == compte_id


def test_reinitialiser_leve_l_attente_et_donne_un_nouveau_mot_de_passe_provisoire(contexte, horloge):
    _creer(contexte, "a.durand")
    compte_id, provisoire = _creer(contexte, "m.lefebvre", droits.INSTRUCTEUR)
    contexte.utilisateur = _connecter(contexte, "m.lefebvre", provisoire)
    with contexte.unite() as uow:
        comptes.changer_mot_de_passe(uow, provisoire, "Un-mot-de-passe-choisi", "Un-mot-de-passe-choisi")
        uow.valider()
    contexte.utilisateur = droits.poste("poste-des-tests")
    for _ in range(3):
        _refus(contexte, "m.lefebvre", "oublié")
    assert "Trop d'essais" in _refus(contexte, "m.lefebvre", "Un-mot-de-passe-choisi")
    with contexte.unite() as uow:
        nouveau = comptes.reinitialiser(uow, compte_id)
        uow.valider()
    assert nouveau not in (provisoire, "Un-mot-de-passe-choisi")
    compte = _compte(contexte, compte_id)
    assert compte.echecs == 0 and compte.bloque_jusqu_a is None and compte.a_changer
    assert _refus(contexte, "m.lefebvre", "Un-mot-de-passe-choisi") == MESSAGE_REFUS
    contexte.utilisateur = _connecter(contexte, "m.lefebvre", nouveau)
    with contexte.unite() as uow:
        assert comptes.doit_changer(uow)


# --- Administration -------------------------------------------------------------------------------


def test_ni_soi_meme_ni_le_dernier_administrateur_ne_se_desactivent(contexte):
    admin_id, provisoire = _creer(contexte, "a.durand")
    instructeur_id, _ = _creer(contexte, "m.lefebvre", droits.INSTRUCTEUR)
    # Le compte de session du poste (administrateur d'une base sans comptes) ne désactive pas le seul
    # administrateur…
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.desactiver(uow, admin_id), "dernier administrateur")
    # … ni ne lui retire son rôle.
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.modifier(uow, admin_id, comptes.SaisieCompte(
        "a.durand", "a.durand", droits.INSTRUCTEUR)), "dernier administrateur")
    contexte.utilisateur = _connecter(contexte, "a.durand", provisoire)
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.desactiver(uow, admin_id), "votre propre compte")
    # Avec un second administrateur, le premier peut être désactivé par le second, pas par lui-même.
    second_id, second_provisoire = _creer(contexte, "b.martin")
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.desactiver(uow, admin_id), "votre propre compte")
    contexte.utilisateur = _connecter(contexte, "b.martin", second_provisoire)
    with contexte.unite() as uow:
        comptes.desactiver(uow, admin_id)
        comptes.desactiver(uow, instructeur_id)
        uow.valider()
    assert not _compte(contexte, admin_id).actif
    # b.martin est maintenant le dernier administrateur actif.
    contexte.utilisateur = droits.poste("poste-des-tests")
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.desactiver(uow, second_id), "dernier administrateur")


@pytest.mark.parametrize("saisie, message", [
    (comptes.SaisieCompte("r.urbain", "Rémi Urbain", droits.REFERENT), "au moins un des thèmes"),
    (comptes.SaisieCompte("r.urbain", "Rémi Urbain", droits.REFERENT, themes=("astronomie",)),
     "Thème inconnu : astronomie"),
    (comptes.SaisieCompte("f.ville", "Fanny Ville", droits.FINANCEUR), "rattaché à un cofinanceur"),
    (comptes.SaisieCompte("f.ville", "Fanny Ville", droits.FINANCEUR, financeur="banque-imaginaire"),
     "Cofinanceur inconnu"),
    (comptes.SaisieCompte("", "Sans identifiant", droits.LECTEUR), "identifiant est obligatoire"),
    (comptes.SaisieCompte("avec espace", "Espace", droits.LECTEUR), "sans espace"),
    (comptes.SaisieCompte("sans.nom", "  ", droits.LECTEUR), "nom est obligatoire"),
    (comptes.SaisieCompte("x.role", "Rôle inconnu", "chef"), "Choisissez un rôle"),
    (comptes.SaisieCompte("x.courriel", "Courriel", droits.LECTEUR, courriel="pas-une-adresse"), "« @ »"),
])
def test_une_saisie_de_compte_incomplete_est_refusee(contexte, saisie, message):
    _creer(contexte, "a.durand")
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.creer(uow, saisie), message)


def test_referent_et_financeur_bien_saisis(contexte):
    _creer(contexte, "a.durand")
    referent_id, _ = _creer(contexte, "r.urbain", droits.REFERENT, themes=("urbain", "gusp"))
    financeur_id, _ = _creer(contexte, "f.ville", droits.FINANCEUR, financeur="ville-calais", themes=("urbain",))
    with contexte.unite() as uow:
        fiches = {f.identifiant: f for f in comptes.lister(uow)}
        referent = comptes.utilisateur(uow.session.get(m.Compte, referent_id))
    assert fiches["r.urbain"].themes == ("gusp", "urbain") and fiches["r.urbain"].financeur is None
    assert fiches["f.ville"].financeur == "ville-calais" and fiches["f.ville"].themes == (), "thèmes d'un référent"
    assert referent.themes == {"urbain", "gusp"}
    # Un référent devenu financeur perd ses thèmes.
    with contexte.unite() as uow:
        comptes.modifier(uow, referent_id, comptes.SaisieCompte("r.urbain", "Rémi Urbain", droits.FINANCEUR,
                                                               themes=("urbain",), financeur="region"))
        uow.valider()
    with contexte.unite() as uow:
        fiche = next(f for f in comptes.lister(uow) if f.id == referent_id)
    assert (fiche.role, fiche.themes, fiche.financeur) == (droits.FINANCEUR, (), "region")


@pytest.mark.parametrize("existant, doublon", [("m.lefebvre", "M.Lefebvre"), ("éloïse.dupré", "ÉLOÏSE.DUPRÉ")])
def test_un_identifiant_deja_pris_est_refuse_quelle_que_soit_la_casse(contexte, existant, doublon):
    _creer(contexte, "a.durand")
    compte_id, provisoire = _creer(contexte, existant, droits.INSTRUCTEUR)
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.creer(uow, comptes.SaisieCompte(
        doublon, "Homonyme", droits.LECTEUR)), "déjà pris")
    autre_id, _ = _creer(contexte, "autre.compte", droits.LECTEUR)
    _refuse_sans_rien_ecrire(contexte, lambda uow: comptes.modifier(uow, autre_id, comptes.SaisieCompte(
        doublon, "Homonyme", droits.LECTEUR)), "déjà pris")
    # Le compte peut garder son identifiant (ou en changer la casse) en se modifiant lui-même.
    with contexte.unite() as uow:
        comptes.modifier(uow, compte_id, comptes.SaisieCompte(doublon, "Renommé", droits.INSTRUCTEUR))
        uow.valider()
    # La connexion ne tient pas compte de la casse, accents compris.
    assert _connecter(contexte, existant.upper(), provisoire).id == compte_id
    assert _connecter(contexte, existant, provisoire).id == compte_id


def test_creation_et_modification_gardees_a_l_historique(contexte):
    admin = fabrique.compte(contexte, "a.durand", droits.ADMINISTRATEUR, nom="Anne Durand")
    contexte.utilisateur = admin
    compte_id, _ = _creer(contexte, "r.urbain", droits.REFERENT, nom="Rémi Urbain", themes=("urbain",))
    with contexte.unite() as uow:
        comptes.modifier(uow, compte_id, comptes.SaisieCompte("r.urbain", "Rémi Urbain", droits.REFERENT,
                                                            themes=("urbain", "npnru")))
        comptes.desactiver(uow, compte_id)
        uow.valider()
        lignes = [(h.action, h.champ, h.ancien, h.nouveau) for h in uow.session.scalars(
            select(m.Historique).where(m.Historique.objet == "compte", m.Historique.acteur == "a.durand")
            .order_by(m.Historique.id))]
    assert ("création", "Rôle", None, "Référent") in lignes  # des noms, pas des codes
    assert ("modification", "Thèmes", "Urbain", "NPNRU, Urbain") in lignes
    assert lignes[-1] == ("désactivation", "Actif", "oui", "non")


def test_les_comptes_se_gerent_en_administrateur_seulement(contexte):
    _creer(contexte, "a.durand")
    compte_id, provisoire = _creer(contexte, "m.lefebvre", droits.INSTRUCTEUR)
    contexte.utilisateur = _connecter(contexte, "m.lefebvre", provisoire)
    avant = fabrique.photographie(contexte)
    for action in (
        lambda uow: comptes.creer(uow, comptes.SaisieCompte("x.y", "X", droits.ADMINISTRATEUR)),
        lambda uow: comptes.modifier(uow, compte_id, comptes.SaisieCompte("m.lefebvre", "M", droits.ADMINISTRATEUR)),
        lambda uow: comptes.reinitialiser(uow, compte_id),
        lambda uow: comptes.desactiver(uow, compte_id),
    ):
        with contexte.unite() as uow:
            with pytest.raises(droits.Interdit, match="gérer les comptes"):
                action(uow)
            uow.valider()
    assert fabrique.photographie(contexte) == avant


def test_connexion_automatique_d_un_fichier_personnel(contexte):
    compte_id, _ = _creer(contexte, "a.durand")
    if not contexte.est_sqlite:
        with contexte.unite() as uow:
            with pytest.raises(DonneesInvalides, match="base partagée"):
                comptes.regler_connexion_automatique(uow, compte_id)
            assert comptes.connexion_automatique(uow) is None
        return
    with contexte.unite() as uow:
        assert comptes.connexion_automatique(uow) is None
        comptes.regler_connexion_automatique(uow, compte_id)
        uow.valider()
    with contexte.unite() as uow:
        assert comptes.connexion_automatique(uow).id == compte_id
        comptes.regler_connexion_automatique(uow, None)
        uow.valider()
    with contexte.unite() as uow:
        assert comptes.connexion_automatique(uow) is None


# --- Ni mot de passe ni empreinte dans le journal, l'historique ou un export ------------------------------


@pytest.fixture
def journal_de_l_application():
    racine = logging.getLogger()
    niveau = racine.level
    fichier = journal.configurer(logging.DEBUG)
    yield fichier
    for gestionnaire in [h for h in racine.handlers if getattr(h, "_instruction", False)]:
        racine.removeHandler(gestionnaire)
        gestionnaire.close()
    racine.setLevel(niveau)


def test_ni_mot_de_passe_ni_empreinte_dans_le_journal_ni_l_historique(contexte, caplog, journal_de_l_application,
                                                                       horloge, tmp_path):
    from openpyxl import load_workbook

    from instruction.rapports import historique as export

    caplog.set_level(logging.DEBUG)
    assert journal_de_l_application is not None, "le journal de l'application s'écrit dans un fichier"
    mots_de_passe = []
    admin_id, provisoire = _creer(contexte, "a.durand")
    mots_de_passe.append(provisoire)
    contexte.utilisateur = _connecter(contexte, "a.durand", provisoire)
    choisi = "Secret-Du-Jardin-2027"
    mots_de_passe.append(choisi)
    with contexte.unite() as uow:
        comptes.changer_mot_de_passe(uow, provisoire, choisi, choisi)
        uow.valider()
    compte_id, provisoire_instructeur = _creer(contexte, "m.lefebvre", droits.INSTRUCTEUR)
    mots_de_passe.append(provisoire_instructeur)
    essais = ["Essai-Faux-Un-1", "Essai-Faux-Deux-2", "Essai-Faux-Trois-3", "Essai-Faux-Quatre-4"]
    mots_de_passe += essais
    for essai in essais:
        with pytest.raises(comptes.ConnexionRefusee):
            _connecter(contexte, "m.lefebvre", essai)
    with pytest.raises(comptes.ConnexionRefusee):
        _connecter(contexte, "inconnu", "Essai-Inconnu-5")
    mots_de_passe.append("Essai-Inconnu-5")
    with contexte.unite() as uow:
        reinitialise = comptes.reinitialiser(uow, compte_id)
        uow.valider()
    mots_de_passe.append(reinitialise)
    with pytest.raises(DonneesInvalides):  # une erreur de saisie n'en dit pas plus
        with contexte.unite() as uow:
            comptes.changer_mot_de_passe(uow, "Ancien-Faux-6", "Nouveau-Refuse-7", "Nouveau-Refuse-8")
    mots_de_passe += ["Ancien-Faux-6", "Nouveau-Refuse-7", "Nouveau-Refuse-8"]
    _connecter(contexte, "m.lefebvre", reinitialise)

    with contexte.unite() as uow:
        empreintes = list(uow.session.scalars(select(m.Compte.empreinte)))
        lignes = [" ".join(str(v) for v in ligne) for ligne in uow.session.execute(text("select * from historique"))]
        entrees = [historique.Entree(h.id, h.le, h.acteur, h.objet, h.action, h.champ, h.ancien, h.nouveau)
                   for h in uow.session.scalars(select(m.Historique))]
    classeur = load_workbook(export.exporter(entrees, tmp_path / "historique.xlsx", titre="Historique"))
    exporte = "\n".join(" | ".join(str(c) for c in ligne) for ligne in classeur.active.iter_rows(values_only=True))
    assert "connexion refusée" in exporte
    assert len(empreintes) == 2 and all(e.startswith("$argon2id$") for e in empreintes)
    assert any("connexion refusée" in ligne for ligne in lignes) and any("réinitialisé" in ligne for ligne in lignes)
    journal_texte = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    journal_texte += journal_de_l_application.read_text(encoding="utf-8")
    assert "Connexion refusée pour le compte m.lefebvre" in journal_texte, "le journal a bien été capturé"
    for endroit, contenu in (("journal", journal_texte), ("historique", "\n".join(lignes)), ("export", exporte)):
        assert "$argon2" not in contenu, endroit
        for empreinte in empreintes:
            assert empreinte not in contenu and empreinte.rsplit("$", 1)[-1] not in contenu, endroit
        for mot_de_passe in mots_de_passe:
            assert mot_de_passe not in contenu, (endroit, mot_de_passe)
