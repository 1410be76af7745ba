"""Les actions des écrans des comptes, des avis et des porteurs (``services.actions``), appelées comme les
écrans les appellent : une action par geste, ce qu'elle rend, ce qu'elle dit avoir changé, et rien
d'écrit quand elle est refusée. Sur SQLite et PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from instruction.domaine import droits
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.services import comptes
from instruction.services.avis import SaisieAvis
from instruction.services.actions import AVIS, CAMPAGNES, COMPTES, DOSSIERS, PORTEURS, TACHES, Fait
from instruction.services.actions import avis as actions_avis
from instruction.services.actions import comptes as actions_comptes
from instruction.services.actions import historique as actions_historique
from instruction.services.actions import porteur as actions_porteur
from instruction.domaine.validation import SaisieInvalide
from tests import fabrique


@pytest.fixture
def equipe(contexte) -> fabrique.Equipe:
    return fabrique.Equipe(contexte)


def _par_identifiant(liste: actions_comptes.ListeComptes) -> dict[str, comptes.FicheCompte]:
    return {fiche.identifiant: fiche for fiche in liste.fiches}


def test_les_comptes_d_un_administrateur(contexte, equipe):
    contexte.utilisateur = equipe.admin
    cree = actions_comptes.creer(contexte, comptes.SaisieCompte("s.sport", "Sonia Sport", droits.REFERENT,
                                                                themes=("sport",)))
    assert isinstance(cree, Fait) and cree.changements.genres == {COMPTES}
    provisoire = cree.valeur
    fiche = _par_identifiant(provisoire.comptes)["s.sport"]
    assert fiche.id == provisoire.compte_id and fiche.a_changer, "la liste relue montre le compte créé"
    assert len(provisoire.mot_de_passe) == 12
    assert actions_comptes.connecter(contexte, "s.sport", provisoire.mot_de_passe).valeur[1], "provisoire à changer"

    contexte.utilisateur = equipe.admin
    desactive = actions_comptes.desactiver(contexte, fiche.id).valeur
    assert not _par_identifiant(desactive)["s.sport"].actif
    assert _par_identifiant(actions_comptes.reactiver(contexte, fiche.id).valeur)["s.sport"].actif
    assert actions_comptes.lister(contexte).automatique is None
    if contexte.est_sqlite:  # un fichier personnel peut s'ouvrir sans mot de passe sous un compte
        assert actions_comptes.regler_connexion_automatique(contexte, fiche.id).valeur.automatique == "s.sport"
        assert actions_comptes.lister(contexte).automatique == "s.sport"
        assert actions_comptes.regler_connexion_automatique(contexte, None).valeur.automatique is None
    else:
        with pytest.raises(DonneesInvalides, match="fichier personnel"):
            actions_comptes.regler_connexion_automatique(contexte, fiche.id)
    nouveau = actions_comptes.reinitialiser(contexte, fiche.id).valeur
    assert nouveau.mot_de_passe != provisoire.mot_de_passe
    with pytest.raises(comptes.ConnexionRefusee):
        actions_comptes.connecter(contexte, "s.sport", provisoire.mot_de_passe)

    contexte.utilisateur = equipe.instructeur
    avant = fabrique.photographie(contexte)
    with pytest.raises(droits.Interdit):
        actions_comptes.desactiver(contexte, fiche.id)
    assert fabrique.photographie(contexte) == avant


def test_changer_son_mot_de_passe(contexte, equipe):
    contexte.utilisateur = equipe.admin
    provisoire = actions_comptes.reinitialiser(contexte, equipe.lecteur.id).valeur.mot_de_passe
    utilisateur, doit_changer = actions_comptes.connecter(contexte, "l.lecteur", provisoire).valeur
    assert doit_changer
    contexte.utilisateur = utilisateur
    with pytest.raises(DonneesInvalides, match="diffèrent"):
        actions_comptes.changer_mot_de_passe(contexte, provisoire, "un vrai mot de passe", "un autre")
    assert actions_comptes.changer_mot_de_passe(
        contexte, provisoire, "un vrai mot de passe", "un vrai mot de passe").changements.genres == {COMPTES}
    assert actions_comptes.connecter(contexte, "l.lecteur", "un vrai mot de passe").valeur == (utilisateur, False)


def test_les_avis_d_un_dossier(contexte, equipe):
    dossier_id = fabrique.dossier(contexte)
    contexte.utilisateur = equipe.instructeur
    destinataires, echeance = actions_avis.a_demander(contexte, dossier_id)
    assert echeance > aujourd_hui()
    choisis = [d for d in destinataires if d.compte_id == equipe.referent.id or d.financeur == "ville-calais"]
    demande = actions_avis.demander(contexte, dossier_id, choisis, echeance)
    assert demande.changements.genres == {AVIS, TACHES} and demande.changements.dossiers == {dossier_id}
    lignes = {ligne.destinataire: ligne for ligne in demande.valeur}
    assert set(lignes) == {"Rémi Urbain", "Ville de Calais"} and all(ligne.sens is None for ligne in lignes.values())

    relance = actions_avis.relancer(contexte, dossier_id, lignes["Ville de Calais"].demande_id).valeur
    assert next(ligne for ligne in relance if ligne.destinataire == "Ville de Calais").relancee_le is not None
    retire = actions_avis.retirer(contexte, dossier_id, lignes["Ville de Calais"].demande_id).valeur
    assert [ligne.destinataire for ligne in retire] == ["Rémi Urbain"]

    contexte.utilisateur = equipe.referent
    avant = fabrique.photographie(contexte)
    with pytest.raises(DonneesInvalides, match="commentaire est obligatoire"):
        actions_avis.donner(contexte, dossier_id, lignes["Rémi Urbain"].demande_id,
                            SaisieAvis("reserve"))
    assert fabrique.photographie(contexte) == avant, "un avis refusé n'écrit rien"
    donne = actions_avis.donner(contexte, dossier_id, lignes["Rémi Urbain"].demande_id,
                                SaisieAvis("reserve", "Le lieu reste à trouver."))
    assert [(ligne.sens, ligne.commentaire) for ligne in donne.valeur] == [("reserve", "Le lieu reste à trouver.")]
    assert [e.action for e in actions_historique.du_dossier(contexte, dossier_id)][:1] == ["avis donné"]


def test_un_porteur_enregistre_relu_et_en_conflit(contexte, equipe):
    porteur_id = fabrique.porteur(contexte)
    contexte.utilisateur = equipe.instructeur
    fiche = actions_porteur.lire(contexte, porteur_id)
    identite = {cle: valeur or "" for cle, valeur in fiche.identite.items()}
    fait = actions_porteur.enregistrer(contexte, porteur_id, identite | {"telephone": "03 21 99 99 99"},
                                       fiche.contacts, fiche.version)
    assert fait.changements.genres == {PORTEURS, DOSSIERS} and fait.changements.porteurs == {porteur_id}
    assert fait.valeur.identite["telephone"] == "03 21 99 99 99" and fait.valeur.version != fiche.version
    assert fait.valeur.historique[0].champ == "Téléphone"

    avant = fabrique.photographie(contexte)
    with pytest.raises(Conflit) as conflit:  # enregistré depuis la version lue par ce formulaire
        actions_porteur.enregistrer(contexte, porteur_id, identite | {"courriel": "autre@jardiniers.fr"},
                                    fiche.contacts, fiche.version)
    assert [c.champ for c in conflit.value.changements] == ["Téléphone"]
    with pytest.raises(SaisieInvalide):
        actions_porteur.enregistrer(contexte, porteur_id, identite | {"siret": "123"}, fiche.contacts,
                                    fait.valeur.version)
    assert fabrique.photographie(contexte) == avant

    depuis = (aujourd_hui() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    change = actions_porteur.changer_version(contexte, porteur_id, "representants",
                                             {"civilite": "Monsieur", "nom": "Karim Haddad", "qualite": "Président"},
                                             depuis).valeur
    assert [v.valeurs["nom"] for v in change.representants] == ["Sandrine Lefebvre", "Karim Haddad"]
    ancienne = change.representants[0]
    corrige = actions_porteur.corriger_version(contexte, porteur_id, "representants", ancienne.id,
                                               ancienne.valeurs | {"nom": "Sandrine Lefèbvre"}, "",
                                               ancienne.jusqu_a.strftime("%d/%m/%Y")).valeur
    assert [v.valeurs["nom"] for v in corrige.representants] == ["Sandrine Lefèbvre", "Karim Haddad"]


def test_creer_un_porteur_et_une_campagne(contexte, equipe):
    contexte.utilisateur = equipe.instructeur
    cree = actions_porteur.creer(contexte, fabrique.IDENTITE | {"siret": ""}, {"nom": "Nadia Benali"}, {})
    assert cree.changements.porteurs == {cree.valeur}
    assert actions_porteur.lire(contexte, cree.valeur).actuel("representants").valeurs["nom"] == "Nadia Benali"

    avant = fabrique.photographie(contexte)
    with pytest.raises(SaisieInvalide) as refus:
        actions_porteur.creer_campagne(contexte, "cdv", 2031, "01/12/2030", "01/10/2030")
    assert [e.champ for e in refus.value.erreurs] == ["cloture"]
    assert fabrique.photographie(contexte) == avant
    campagne = actions_porteur.creer_campagne(contexte, "cdv", 2031, "01/10/2030", "01/12/2030")
    assert campagne.changements.genres == {CAMPAGNES} and campagne.valeur.annee == 2031
