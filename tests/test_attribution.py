"""Qui instruit quoi, et les erreurs qu'on répare (issue 17, points 4 et 5), sur SQLite et PostgreSQL :

* l'instructeur en charge, attribué à la main ou selon les règles (à la création, sur demande), à l'historique ;
* Mes tâches de chaque instructeur : les siens, puis ceux sans instructeur, puis ceux des collègues ;
* la liste des dossiers porte l'instructeur en charge (même lecture sous sqlite3 et SQLAlchemy) ;
* un dossier saisi par erreur se supprime tant qu'il n'est que déposé, avec un motif, historique gardé ;
* plusieurs pièces se joignent en une transaction (un fichier refusé est nommé, aucune n'est jointe) ;
* la restauration depuis l'application : administrateurs seulement, mêmes contrôles que la ligne de commande,
  copie de sécurité d'abord.
"""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from sqlalchemy import func, select

from instruction.domaine import droits
from instruction.domaine import dossier as d
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides, ErreurInstruction, PasUneBase
from instruction.domaine.etats import Etat
from instruction.services import attribution, historique, lignes, taches
from instruction.services import dossier as service_dossier
from instruction.services import instruction as service_instruction
from instruction.services.actions import TOUT
from instruction.services.actions import dossier as actions_dossier
from instruction.services.actions import listes
from instruction.services.attribution import Regle
from tests import fabrique


def _comme(contexte, utilisateur, action):
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        resultat = action(uow)
        uow.valider()
    return resultat


def _historique(contexte, dossier_id):
    with contexte.unite(lecture=True) as uow:
        return [(e.acteur, e.action, e.champ, e.ancien, e.nouveau) for e in historique.du_dossier(uow, dossier_id)]


def _en_charge(contexte, dossier_id):
    with contexte.unite(lecture=True) as uow:
        lue = attribution.lire(uow, dossier_id)
    return lue.instructeur.nom if lue.instructeur else None


@pytest.fixture
def equipe(contexte):
    equipe = fabrique.Equipe(contexte)
    equipe.collegue = fabrique.compte(contexte, "p.martin", droits.INSTRUCTEUR, nom="Paul Martin")
    return equipe


# --- Point 4 : qui instruit quoi -----------------------------------------------------------------------


def test_attribuer_a_la_main_avec_historique(contexte, equipe):
    dossier_id = fabrique.dossier(contexte)
    assert _en_charge(contexte, dossier_id) is None
    with contexte.unite(lecture=True) as uow:
        assert [i.nom for i in attribution.instructeurs(uow)] == ["Anne Durand", "Marie Lefebvre", "Paul Martin"]
    assert _comme(contexte, equipe.instructeur, lambda uow: attribution.attribuer(
        uow, dossier_id, equipe.instructeur.id)) is True
    assert _en_charge(contexte, dossier_id) == "Marie Lefebvre"
    # Rien ne change : rien n'est écrit.
    assert _comme(contexte, equipe.instructeur, lambda uow: attribution.attribuer(
        uow, dossier_id, equipe.instructeur.id)) is False
    _comme(contexte, equipe.admin, lambda uow: attribution.attribuer(uow, dossier_id, equipe.collegue.id))
    _comme(contexte, equipe.collegue, lambda uow: attribution.attribuer(uow, dossier_id, None))
    assert _en_charge(contexte, dossier_id) is None
    assert [h for h in _historique(contexte, dossier_id) if h[1] == "attribution"] == [
        ("p.martin", "attribution", "Instructeur en charge", "Paul Martin", None),
        ("a.durand", "attribution", "Instructeur en charge", "Marie Lefebvre", "Paul Martin"),
        ("m.lefebvre", "attribution", "Instructeur en charge", None, "Marie Lefebvre"),
    ]
    # Un référent ne peut être en charge d'un dossier ; un lecteur ne peut attribuer.
    with pytest.raises(DonneesInvalides, match="seul un instructeur ou un administrateur"):
        _comme(contexte, equipe.instructeur, lambda uow: attribution.attribuer(uow, dossier_id, equipe.referent.id))
    with pytest.raises(droits.Interdit, match="attribuer un dossier"):
        _comme(contexte, equipe.lecteur, lambda uow: attribution.attribuer(uow, dossier_id, equipe.lecteur.id))
    assert _en_charge(contexte, dossier_id) is None


def test_instructeur_selon_les_regles_dans_leur_ordre():
    regles = [Regle(1, "cdv", "beau-marais"), Regle(2, "cdv"), Regle(3, None, "fort-nieulay"), Regle(4)]
    assert attribution.instructeur_selon(regles, "cdv", {"beau-marais", "saint-pierre"}) == 1
    assert attribution.instructeur_selon(regles, "cdv", {"saint-pierre"}) == 2
    assert attribution.instructeur_selon(regles, "pic", {"fort-nieulay"}) == 3
    assert attribution.instructeur_selon(regles, "pic", set()) == 4
    assert attribution.instructeur_selon(regles[:3], "pic", {"beau-marais"}) is None


def test_regles_a_la_creation_et_sur_demande(contexte, equipe):
    avant_les_regles = fabrique.dossier(contexte, complet=False)
    clos = fabrique.dossier(contexte, complet=False)
    _comme(contexte, equipe.instructeur, lambda uow: service_instruction.changer_etat(
        uow, clos, Etat.SANS_SUITE, "Le porteur renonce"))
    # Seul un administrateur déclare les règles ; une règle fautive est nommée et rien n'est changé.
    with pytest.raises(droits.Interdit, match="réglages"):
        _comme(contexte, equipe.instructeur, lambda uow: attribution.enregistrer_regles(
            uow, [Regle(equipe.instructeur.id, "cdv")]))
    with pytest.raises(DonneesInvalides, match="Règle 2 : Rémi Urbain est référent"):
        _comme(contexte, equipe.admin, lambda uow: attribution.enregistrer_regles(
            uow, [Regle(equipe.instructeur.id, "cdv"), Regle(equipe.referent.id, "pic")]))
    with pytest.raises(DonneesInvalides, match="même dispositif et le même quartier"):
        _comme(contexte, equipe.admin, lambda uow: attribution.enregistrer_regles(
            uow, [Regle(equipe.instructeur.id, "cdv"), Regle(equipe.collegue.id, "cdv")]))
    with contexte.unite(lecture=True) as uow:
        assert attribution.regles(uow) == []
    regles = [Regle(equipe.collegue.id, "cdv", "fort-nieulay"), Regle(equipe.instructeur.id, "cdv")]
    relues = listes.enregistrer_regles(contexte, regles).valeur
    assert relues == regles
    with contexte.unite(lecture=True) as uow:
        trace = uow.session.execute(select(m.Historique.acteur, m.Historique.ancien, m.Historique.nouveau).where(
            m.Historique.action == "règles d'attribution")).one()
    assert tuple(trace) == ("a.durand", "(aucune)", "CDV, Fort Nieulay → Paul Martin\nCDV, tout quartier → Marie Lefebvre")

    # À la création (l'action que lance l'écran) : la première règle qui convient.
    contexte.utilisateur = equipe.instructeur
    with contexte.unite(lecture=True) as uow:
        campagne = uow.session.scalar(select(m.Campagne.id))
        porteur = uow.session.scalar(select(m.Porteur.id))
    saisie = fabrique.saisie(campagne, porteur)
    saisie.quartiers = ["fort-nieulay"]
    saisie.beneficiaires_quartiers = {}
    au_fort = actions_dossier.enregistrer(contexte, None, d.valider(saisie), None, "dossier:nouveau:x").valeur.id
    ailleurs = actions_dossier.enregistrer(contexte, None, d.valider(fabrique.saisie(campagne, porteur)), None,
                                           "dossier:nouveau:y").valeur.id
    assert (_en_charge(contexte, au_fort), _en_charge(contexte, ailleurs)) == ("Paul Martin", "Marie Lefebvre")
    assert ("m.lefebvre", "attribution selon les règles", "Instructeur en charge", None, "Paul Martin") in \
        _historique(contexte, au_fort)

    # Sur demande : les dossiers ouverts sans instructeur ; un dossier clos reste sans personne.
    fait = listes.attribuer_selon_regles(contexte)
    assert fait.valeur == {"Marie Lefebvre": 1}
    assert avant_les_regles in fait.changements.dossiers
    assert (_en_charge(contexte, avant_les_regles), _en_charge(contexte, clos)) == ("Marie Lefebvre", None)
    assert listes.attribuer_selon_regles(contexte).valeur == {}  # plus rien à attribuer
    # Une règle vers un compte désactivé ne s'applique plus.
    contexte.utilisateur = equipe.admin
    from instruction.services import comptes

    _comme(contexte, equipe.admin, lambda uow: comptes.desactiver(uow, equipe.instructeur.id))
    contexte.utilisateur = equipe.collegue
    nouveau = actions_dossier.enregistrer(contexte, None, d.valider(fabrique.saisie(campagne, porteur)), None,
                                          "dossier:nouveau:z").valeur.id
    assert _en_charge(contexte, nouveau) is None


def test_mes_taches_de_chaque_instructeur(contexte, equipe):
    def dossier(intitule, qui):
        identifiant = fabrique.dossier(contexte, modifier=lambda s: setattr(s, "intitule", intitule))
        if qui is not None:
            _comme(contexte, equipe.admin, lambda uow: attribution.attribuer(uow, identifiant, qui.id))
        return identifiant

    dossier("Jardin de Marie", equipe.instructeur)
    dossier("Jardin sans instructeur", None)
    dossier("Jardin de Paul", equipe.collegue)
    dossier("Second jardin de Marie", equipe.instructeur)

    def vues(utilisateur):
        contexte.utilisateur = utilisateur
        with contexte.unite(lecture=True) as uow:
            return [(t.categorie, t.intitule, t.en_charge) for t in taches.mes_taches(uow)]

    assert vues(equipe.instructeur) == [
        (taches.A_INSTRUIRE, "Jardin de Marie", "Marie Lefebvre"),
        (taches.A_INSTRUIRE, "Second jardin de Marie", "Marie Lefebvre"),
        (taches.A_INSTRUIRE, "Jardin sans instructeur", None),
        (taches.COLLEGUES, "Jardin de Paul", "Paul Martin"),
    ]
    assert vues(equipe.collegue) == [
        (taches.A_INSTRUIRE, "Jardin de Paul", "Paul Martin"),
        (taches.A_INSTRUIRE, "Jardin sans instructeur", None),
        (taches.COLLEGUES, "Jardin de Marie", "Marie Lefebvre"),
        (taches.COLLEGUES, "Second jardin de Marie", "Marie Lefebvre"),
    ]
    # Les compléments en retard d'un dossier d'un collègue sont aussi chez lui.
    with contexte.unite(lecture=True) as uow:
        de_paul = uow.session.scalar(select(m.Dossier.id).where(m.Dossier.intitule == "Jardin de Paul"))
    import datetime as dt

    from instruction.domaine.horloge import aujourd_hui

    _comme(contexte, equipe.collegue, lambda uow: service_instruction.demander_complements(
        uow, de_paul, "Statuts", aujourd_hui() + dt.timedelta(days=10)))
    assert (taches.COLLEGUES, "Jardin de Paul", "Paul Martin") in vues(equipe.instructeur)
    assert (taches.COMPLEMENTS, "Jardin de Paul", "Paul Martin") in vues(equipe.collegue)


def test_la_liste_porte_l_instructeur_sous_sqlite3_comme_sous_sqlalchemy(contexte, equipe):
    premier = fabrique.dossier(contexte, complet=False)
    second = fabrique.dossier(contexte, complet=False)
    _comme(contexte, equipe.admin, lambda uow: attribution.attribuer(uow, premier, equipe.collegue.id))
    from instruction.services import dossiers

    with contexte.unite(lecture=True) as uow:
        par_sqlalchemy = {l.id: (l.instructeur_id, l.instructeur) for l in dossiers.lister(uow)}
    assert par_sqlalchemy == {premier: (equipe.collegue.id, "Paul Martin"), second: (None, "")}
    if contexte.est_sqlite:
        fichier = contexte.moteur.url.database
        connexion = sqlite3.connect(fichier)
        try:
            par_sqlite3 = {l.id: (l.instructeur_id, l.instructeur) for l in lignes.lire_lignes(connexion.cursor())}
        finally:
            connexion.close()
        assert par_sqlite3 == par_sqlalchemy


# --- Point 5 : supprimer un dossier saisi par erreur ------------------------------------------------------


def test_supprimer_un_dossier_depose_saisi_par_erreur(contexte, equipe):
    doublon = fabrique.dossier(contexte)  # complet : des pièces jointes partent avec lui
    gardé = fabrique.dossier(contexte)
    with contexte.unite(lecture=True) as uow:
        numero = uow.session.get(m.Dossier, doublon).numero
        assert uow.session.scalar(select(func.count()).select_from(m.Piece).where(m.Piece.dossier_id == doublon))
    for qui in (equipe.lecteur, equipe.referent, equipe.financeur):
        contexte.utilisateur = qui
        with pytest.raises(droits.Interdit, match="supprimer un dossier"):
            actions_dossier.supprimer(contexte, doublon, "Doublon")
    contexte.utilisateur = equipe.instructeur
    with pytest.raises(DonneesInvalides, match="Dites pourquoi"):
        actions_dossier.supprimer(contexte, doublon, "   ")
    fait = actions_dossier.supprimer(contexte, doublon, "Saisi deux fois (doublon de l'autre dossier)")
    assert fait.valeur == numero and doublon in fait.changements.dossiers
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(m.Dossier, doublon) is None
        for modele in (m.Piece, m.LigneBudget, m.Transition, m.DossierQuartier):
            assert not uow.session.scalar(select(func.count()).select_from(modele).where(modele.dossier_id == doublon))
        assert uow.session.get(m.Dossier, gardé) is not None
    trace = _historique(contexte, doublon)
    assert ("m.lefebvre", "suppression", "Motif de la suppression", None,
            "Saisi deux fois (doublon de l'autre dossier)") in trace
    assert ("m.lefebvre", "suppression", "Dossier", f"{numero} — Jardin partagé des Fontinettes", None) in trace
    assert any(action == "création" for _a, action, *_r in trace), "l'historique d'avant reste"
    # Son numéro n'est jamais redonné.
    nouveau = fabrique.dossier(contexte, complet=False)
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(m.Dossier, nouveau).numero != numero
    # Après « déposé » : on classe sans suite.
    _comme(contexte, equipe.instructeur, lambda uow: service_instruction.changer_etat(uow, gardé, Etat.RECEVABLE))
    with pytest.raises(DonneesInvalides, match="Classez-le sans suite"):
        actions_dossier.supprimer(contexte, gardé, "Erreur")
    with pytest.raises(DonneesInvalides, match="n'existe plus"):
        actions_dossier.supprimer(contexte, doublon, "Encore")


# --- Point 5 : plusieurs pièces en une transaction ----------------------------------------------------------


def test_deviner_le_type_d_une_piece_par_son_nom():
    from instruction.services.pieces import deviner_type

    assert deviner_type("RIB AJF 2027.pdf") == "rib"
    assert deviner_type("Statuts_association_signés.PDF") == "statuts"
    assert deviner_type("cerfa_12156-06 signé.pdf") == "demande-signee"
    assert deviner_type("Comptes approuvés 2025.pdf") == "comptes-approuves"
    assert deviner_type("Rapport d'activité 2025.odt") == "rapport-activite"
    assert deviner_type("Liste des dirigeants.docx") == "liste-dirigeants"
    assert deviner_type("photo-atelier.jpg") == "autre"


def test_joindre_plusieurs_pieces_en_une_transaction(contexte, equipe, tmp_path):
    import datetime as dt

    dossier_id = fabrique.dossier(contexte, complet=False)
    rib, statuts, vide = tmp_path / "RIB 2027.pdf", tmp_path / "Statuts.pdf", tmp_path / "Budget vide.pdf"
    rib.write_bytes(b"%PDF-1.4 rib")
    statuts.write_bytes(b"%PDF-1.4 statuts")
    vide.write_bytes(b"")
    contexte.utilisateur = equipe.instructeur
    with pytest.raises(DonneesInvalides, match="« Budget vide.pdf » est vide"):
        actions_dossier.joindre_pieces(contexte, dossier_id, [
            ("rib", rib, None), ("statuts", statuts, None), ("budget-structure", vide, None)])
    with pytest.raises(DonneesInvalides, match="« Statuts.pdf » : Type de pièce inconnu"):
        actions_dossier.joindre_pieces(contexte, dossier_id, [("rib", rib, None), ("inconnu", statuts, None)])
    with pytest.raises(DonneesInvalides, match="Absent.pdf"):
        actions_dossier.joindre_pieces(contexte, dossier_id, [("rib", tmp_path / "Absent.pdf", None)])
    with contexte.unite(lecture=True) as uow:
        assert service_dossier.lire(uow, dossier_id).pieces == [], "rien n'a été joint"
    fiche = actions_dossier.joindre_pieces(contexte, dossier_id, [
        ("rib", rib, dt.date(2026, 11, 2)), ("statuts", statuts, None)]).valeur
    assert [(p.type, p.nom_fichier, p.date_piece) for p in fiche.pieces] == [
        ("rib", "RIB 2027.pdf", dt.date(2026, 11, 2)), ("statuts", "Statuts.pdf", None)]
    assert not any("Relevé d'identité bancaire" in manque for manque in fiche.manques)
    ajouts = [h for h in _historique(contexte, dossier_id) if h[1] == "ajout"]
    assert {h[4] for h in ajouts} == {"RIB 2027.pdf", "Statuts.pdf"}
    contexte.utilisateur = equipe.lecteur
    with pytest.raises(droits.Interdit):
        actions_dossier.joindre_pieces(contexte, dossier_id, [("rib", rib, None)])


# --- Point 5 : restaurer une sauvegarde depuis l'application ------------------------------------------------


def test_restaurer_depuis_l_application(contexte, equipe, tmp_path):
    from instruction.db.sauvegarde import restaurer as restaurer_comme_la_ligne_de_commande
    from instruction.services.sauvegarde import sauvegarder

    garde = fabrique.dossier(contexte, complet=False)
    contexte.utilisateur = equipe.admin
    sauvegarde = sauvegarder(contexte, tmp_path / "sauvegarde.sqlite")
    apres = fabrique.dossier(contexte, complet=False)  # fait après la sauvegarde : la restauration l'efface

    # Seul un administrateur examine ou restaure ; rien n'est touché sinon.
    for qui in (equipe.instructeur, equipe.lecteur):
        contexte.utilisateur = qui
        with pytest.raises(droits.Interdit, match="remplacer toute la base"):
            listes.examiner_sauvegarde(contexte, sauvegarde)
        with pytest.raises(droits.Interdit, match="remplacer toute la base"):
            listes.restaurer(contexte, sauvegarde, progression=lambda _t: None)
    contexte.utilisateur = equipe.admin

    # Un fichier que la ligne de commande refuse est refusé, avec le même message.
    faux = tmp_path / "pas-une-base.sqlite"
    faux.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(PasUneBase) as par_la_ligne_de_commande:
        restaurer_comme_la_ligne_de_commande(contexte.moteur, faux)
    for appel in (lambda: listes.examiner_sauvegarde(contexte, faux),
                  lambda: listes.restaurer(contexte, faux, progression=lambda _t: None)):
        with pytest.raises(PasUneBase) as par_l_application:
            appel()
        assert par_l_application.value.message == par_la_ligne_de_commande.value.message
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(m.Dossier, apres) is not None

    apercu = listes.examiner_sauvegarde(contexte, sauvegarde)
    assert (apercu.dossiers_sauvegarde, apercu.dossiers_actuels) == (1, 2)
    assert apercu.porteurs_sauvegarde == apercu.porteurs_actuels == 1
    assert apercu.derniere_modification is not None and " par " in apercu.derniere_modification
    messages = []
    fait = listes.restaurer(contexte, sauvegarde, progression=messages.append)
    assert fait.changements.touche(TOUT)
    assert messages[0] == "Vérification de la sauvegarde…" and messages[-1] == "Base restaurée ; réouverture…"
    copie = fait.valeur.copie_de_securite
    assert copie is not None and copie.is_file()
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(m.Dossier, garde) is not None
        assert uow.session.get(m.Dossier, apres) is None
        trace = uow.session.execute(select(m.Historique.acteur, m.Historique.champ, m.Historique.nouveau).where(
            m.Historique.action == "restauration").order_by(m.Historique.id)).all()
    assert tuple(trace[0]) == (
        "a.durand", "Sauvegarde restaurée", str(sauvegarde.resolve()))
    # La copie de sécurité contient la base d'avant : le dossier fait après la sauvegarde y est.
    connexion = sqlite3.connect(copie)
    try:
        assert connexion.execute("select count(*) from dossier").fetchone()[0] == 2
    finally:
        connexion.close()
    # La base restaurée reste utilisable : on y travaille aussitôt.
    contexte.utilisateur = equipe.instructeur
    fiche = actions_dossier.lire(contexte, garde)
    donnees = dataclasses.replace(fiche.donnees, intitule="Jardin restauré")
    assert actions_dossier.enregistrer(contexte, garde, donnees, fiche.version, "dossier:1").valeur \
        .donnees.intitule == "Jardin restauré"


def test_examiner_une_sauvegarde_absente(contexte, tmp_path):
    with pytest.raises(ErreurInstruction, match="n'existe pas"):
        listes.examiner_sauvegarde(contexte, tmp_path / "absente.sqlite")
