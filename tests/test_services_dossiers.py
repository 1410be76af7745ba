"""Porteurs, dossiers, pièces, brouillons et filtres : les services, sur SQLite et PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction.domaine import dossier as d
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services import brouillons, filtres, pieces
from instruction.services import dossier as service_dossier
from instruction.services import porteurs
from instruction.domaine.validation import SaisieInvalide
from tests.fabrique import IDENTITE, campagne as _campagne, porteur as _porteur, saisie as _saisie

def test_creer_lire_porteur_et_refuser_un_doublon(contexte):
    identifiant = _porteur(contexte)
    with contexte.unite() as uow:
        fiche = porteurs.lire(uow, identifiant)
    assert fiche.identite["siret"] == "73282932000074"
    assert fiche.actuel("representants").valeurs["nom"] == "Sandrine Lefebvre"
    assert fiche.actuel("comptes").valeurs["iban"] == "FR7630006000011234567890189"
    assert fiche.contacts[0]["telephone"] == "03 21 00 00 01"
    with contexte.unite() as uow, pytest.raises(SaisieInvalide, match="déjà utilisé"):
        porteurs.creer(uow, {**IDENTITE, "nom": "Autre"})


def test_porteur_invalide_rien_n_est_ecrit(contexte):
    with contexte.unite() as uow, pytest.raises(SaisieInvalide) as erreur:
        porteurs.creer(uow, {**IDENTITE, "siret": "73282932000075", "type": "groupe-habitants", "courriel": "x@"},
                       compte={"iban": "FR7630006000011234567890188"})
    champs = {e.champ for e in erreur.value.erreurs}
    assert {"siret", "courriel", "compte.iban", "rna"} <= champs
    with contexte.unite() as uow:
        assert uow.session.scalar(select(m.Porteur.id).where(m.Porteur.nom == IDENTITE["nom"])) is None


def test_changements_dates_gardent_l_histoire(contexte):
    identifiant = _porteur(contexte)
    with contexte.unite() as uow:
        porteurs.changer(uow, identifiant, "noms", {"nom": "Les Jardins du Calaisis", "sigle": "JDC"}, "01/01/2026")
        porteurs.changer(uow, identifiant, "representants", {"civilite": "Monsieur", "nom": "Karim Haddad",
                                                              "qualite": "Président"}, "15/06/2026")
        porteurs.changer(uow, identifiant, "comptes", {"iban": "FR1420041010050500013M02606"}, "01/09/2026")
        uow.valider()
    with contexte.unite() as uow:
        fiche = porteurs.lire(uow, identifiant)
        assert fiche.nom == "Les Jardins du Calaisis"
        anciens = [v for v in fiche.noms if not v.en_cours]
        assert anciens[0].valeurs["nom"] == IDENTITE["nom"] and anciens[0].jusqu_a == dt.date(2025, 12, 31)
        assert [v.valeurs["nom"] for v in fiche.representants] == ["Sandrine Lefebvre", "Karim Haddad"]
        assert fiche.representants[0].jusqu_a == dt.date(2026, 6, 14)
        assert fiche.actuel("comptes").valeurs["iban"] == "FR1420041010050500013M02606"
        with pytest.raises(DonneesInvalides, match="postérieur"):
            porteurs.changer(uow, identifiant, "noms", {"nom": "Trop tôt"}, "01/01/2025")
        version = fiche.actuel("representants")
        porteurs.corriger(uow, identifiant, "representants", version.id,
                          {"civilite": "Monsieur", "nom": "Karim HADDAD", "qualite": "Président"}, "15/06/2026", "")
        uow.valider()
    with contexte.unite() as uow:
        fiche = porteurs.lire(uow, identifiant)
        assert fiche.actuel("representants").valeurs["nom"] == "Karim HADDAD"
        assert len(fiche.representants) == 2


def test_enregistrer_relire_dossier_et_totaux(contexte):
    porteur_id, campagne_id = _porteur(contexte), _campagne(contexte)
    donnees = d.valider(_saisie(campagne_id, porteur_id))
    with contexte.unite() as uow:
        identifiant = service_dossier.enregistrer(uow, None, donnees)
        uow.valider()
    with contexte.unite() as uow:
        fiche = service_dossier.lire(uow, identifiant)
        dossier = uow.session.get(m.Dossier, identifiant)
        assert fiche.numero == "CDV-2027-001"
        from dataclasses import replace

        from instruction.domaine.horloge import aujourd_hui

        # Sans date de dépôt saisie, le dossier est déposé ce jour.
        assert donnees.depose_le is None and fiche.donnees == replace(donnees, depose_le=aujourd_hui())
        assert dossier.cout_total == Decimal("4200.50") and dossier.subvention_demandee == Decimal("3500.00")
        assert dossier.financeurs == "etat-pv,ville-calais"
        assert any("Statuts" in manque for manque in fiche.manques)
        assert not any("équilibré" in manque for manque in fiche.manques)
    with contexte.unite() as uow:
        second = service_dossier.enregistrer(uow, None, donnees)
        uow.valider()
        assert service_dossier.lire(uow, second).numero == "CDV-2027-002"


def test_pieces_empreinte_et_alteration(contexte, tmp_path):
    porteur_id, campagne_id = _porteur(contexte), _campagne(contexte)
    with contexte.unite() as uow:
        identifiant = service_dossier.enregistrer(uow, None, d.valider(_saisie(campagne_id, porteur_id)))
        uow.valider()
    fichier = tmp_path / "statuts.pdf"
    fichier.write_bytes(b"%PDF-1.4 statuts de l'association")
    with contexte.unite() as uow:
        info = pieces.ajouter(uow, identifiant, "statuts", str(fichier), pieces.lire_fichier(fichier), dt.date(2020, 5, 4))
        uow.valider()
    assert info.nom_fichier == "statuts.pdf" and len(info.empreinte) == 64 and info.taille == fichier.stat().st_size
    with contexte.unite() as uow:
        assert pieces.contenu(uow, info.id) == ("statuts.pdf", fichier.read_bytes())
        uow.session.get(m.Piece, info.id).contenu = b"autre chose"
        uow.valider()
    with contexte.unite() as uow, pytest.raises(DonneesInvalides, match="altérée"):
        pieces.contenu(uow, info.id)
    with pytest.raises(DonneesInvalides, match="Impossible de lire"):
        pieces.lire_fichier(tmp_path / "absent.pdf")
    with contexte.unite() as uow, pytest.raises(DonneesInvalides, match="vide"):
        pieces.ajouter(uow, identifiant, "rib", "rib.pdf", b"")


def test_brouillons_et_filtres(contexte):
    saisie = d.SaisieDossier(intitule="x" * 10_000, beneficiaires="douze")
    with contexte.unite() as uow:
        brouillons.garder(uow, "dossier:nouveau:1", "Nouveau dossier", saisie.en_json())
        filtres.enregistrer(uow, "CDV Beau Marais", {"dispositif": "cdv", "quartier": "beau-marais"})
        uow.valider()
    with contexte.unite() as uow:
        relu = brouillons.lire(uow, "dossier:nouveau:1")
        assert d.SaisieDossier.depuis_json(relu.contenu) == saisie, "rien de ce qui a été tapé n'est perdu"
        assert [b.cle for b in brouillons.lister(uow, "dossier:")] == ["dossier:nouveau:1"]
        assert filtres.lister(uow) == {"CDV Beau Marais": {"dispositif": "cdv", "quartier": "beau-marais"}}
        brouillons.supprimer(uow, "dossier:nouveau:1")
        filtres.supprimer(uow, "CDV Beau Marais")
        uow.valider()
    with contexte.unite() as uow:
        assert brouillons.lire(uow, "dossier:nouveau:1") is None and filtres.lister(uow) == {}
        with pytest.raises(DonneesInvalides):
            filtres.enregistrer(uow, "  ", {})


def test_campagne_en_double_refusee(contexte):
    _campagne(contexte)
    with contexte.unite() as uow, pytest.raises(DonneesInvalides, match="existe déjà"):
        service_dossier.creer_campagne(uow, "cdv", 2027)


def test_changer_l_intitule_n_ecrit_que_l_intitule(contexte):
    """Objectifs et quartiers sont des ensembles : quel que soit l'ordre où la base les rend (PostgreSQL
    n'en garantit aucun), relire puis enregistrer sans les toucher ne les compte pas comme changés."""
    import dataclasses

    from instruction.services import historique
    from tests import fabrique

    def plusieurs(saisie):
        saisie.objectifs = ["OS22.1", "OS01.1", "OS01.2"]
        saisie.quartiers = ["saint-pierre", "beau-marais", "fort-nieulay-cailloux-saint-pierre"]

    dossier_id = fabrique.dossier(contexte, modifier=plusieurs)
    with contexte.unite() as uow:
        fiche = service_dossier.lire(uow, dossier_id)
    with contexte.unite() as uow:
        service_dossier.enregistrer(uow, dossier_id, dataclasses.replace(fiche.donnees, intitule="Nouvel intitulé"),
                            version=fiche.version)
        uow.valider()
    with contexte.unite() as uow:
        entrees = historique.du_dossier(uow, dossier_id, apres_version=fiche.version)
    assert [(e.champ, e.ancien, e.nouveau) for e in entrees] == [
        ("Intitulé", "Jardin partagé des Fontinettes", "Nouvel intitulé")]


def test_un_brouillon_d_avant_les_comptes_est_propose_au_compte_du_meme_poste(contexte, monkeypatch):
    """Tapé quand la base n'avait pas de comptes (sous le compte de session du poste « marie »), le
    brouillon est proposé à qui se connecte depuis cette session, pas depuis une autre, puis effacé."""
    from instruction.domaine import droits
    from instruction.services import contexte as module_contexte
    from tests import fabrique

    monkeypatch.setattr(module_contexte, "utilisateur_du_poste", lambda: "marie")
    contexte.utilisateur = droits.poste("marie")
    with contexte.unite() as uow:
        brouillons.garder(uow, "dossier:nouveau:1", "Ma saisie", {"intitule": "Jardin"})
        uow.valider()
    fabrique.compte(contexte, "a.durand", droits.ADMINISTRATEUR)  # le premier compte est administrateur
    contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.INSTRUCTEUR)
    with contexte.unite() as uow:
        assert brouillons.lire(uow, "dossier:nouveau:1").contenu == {"intitule": "Jardin"}
        assert [b.cle for b in brouillons.lister(uow, "dossier:nouveau:")] == ["dossier:nouveau:1"]
    monkeypatch.setattr(module_contexte, "utilisateur_du_poste", lambda: "paul")
    with contexte.unite() as uow:  # depuis la session d'un autre : rien
        assert brouillons.lire(uow, "dossier:nouveau:1") is None
        assert brouillons.lister(uow, "dossier:nouveau:") == []
    monkeypatch.setattr(module_contexte, "utilisateur_du_poste", lambda: "marie")
    with contexte.unite() as uow:
        brouillons.supprimer(uow, "dossier:nouveau:1")
        uow.valider()
    with contexte.unite() as uow:
        assert brouillons.lire(uow, "dossier:nouveau:1") is None
