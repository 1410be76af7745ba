"""Porteurs, dossiers, pièces, brouillons et filtres : les services, sur SQLite et PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction import dossier as d
from instruction.db import modeles as m
from instruction.erreurs import DonneesInvalides
from instruction.services import brouillons, filtres, pieces
from instruction.services import dossier as service
from instruction.services import porteurs
from instruction.validation import SaisieInvalide

IDENTITE = {
    "nom": "Association Les Jardiniers des Fontinettes", "sigle": "AJF", "type": "association",
    "siret": "732 829 320 00074", "rna": "W622001234", "adresse": "12 rue des Fontinettes",
    "code_postal": "62100", "ville": "Calais", "commune_code": "calais", "quartier_code": "",
    "telephone": "03 21 00 00 00", "courriel": "contact@jardiniers.fr", "objet": "Jardins partagés",
}


def _porteur(contexte) -> int:
    with contexte.unite() as uow:
        identifiant = porteurs.creer(
            uow, IDENTITE,
            representant={"civilite": "Madame", "nom": "Sandrine Lefebvre", "qualite": "Présidente"},
            compte={"titulaire": "AJF", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP"},
            contacts=[{"nom": "Camille Caron", "fonction": "Coordinatrice", "telephone": "0321000001",
                       "courriel": "camille@jardiniers.fr"}],
        )
        uow.valider()
    return identifiant


def _campagne(contexte) -> int:
    with contexte.unite() as uow:
        campagne = service.creer_campagne(uow, "cdv", 2027, ouverture=dt.date(2026, 10, 1),
                                          cloture=dt.date(2026, 12, 1))
        uow.valider()
    return campagne.id


def _saisie(campagne_id: int, porteur_id: int) -> d.SaisieDossier:
    return d.SaisieDossier(
        campagne_id=str(campagne_id), porteur_id=str(porteur_id), intitule="Jardin partagé des Fontinettes",
        resume="Un jardin cultivé par les habitants.", description="Ateliers de jardinage le mercredi.",
        objectifs=["OS22.1"], quartiers=["beau-marais", "saint-pierre"], tranches_age=["6-10", "26-64"],
        beneficiaires="40", femmes="24", hommes="16", beneficiaires_quartiers={"beau-marais": "30"},
        date_debut="01/03/2027", date_fin="30/11/2027",
        seances=[{"libelle": "Atelier jardin", "periode": "extrascolaire", "jour": "mercredi",
                  "heure_debut": "14h00", "heure_fin": "16h30", "frequence": "chaque semaine", "nombre": "30"}],
        indicateurs=[{"libelle": "Participants", "cible": "40", "unite": "personnes", "indicateur_code": ""}],
        budget=[
            {"sens": "charge", "compte": "60", "financeur": "", "libelle": "Graines et outils", "montant": "1 200,50"},
            {"sens": "charge", "compte": "64", "financeur": "", "libelle": "Animatrice", "montant": "3 000"},
            {"sens": "produit", "compte": "74", "financeur": "etat-pv", "libelle": "", "montant": "2 000"},
            {"sens": "produit", "compte": "74", "financeur": "ville-calais", "libelle": "", "montant": "1 500"},
            {"sens": "produit", "compte": "75", "financeur": "", "libelle": "Cotisations", "montant": "700,50"},
        ],
    )


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
        identifiant = service.enregistrer(uow, None, donnees)
        uow.valider()
    with contexte.unite() as uow:
        fiche = service.lire(uow, identifiant)
        dossier = uow.session.get(m.Dossier, identifiant)
        assert fiche.numero == "CDV-2027-001"
        assert fiche.donnees == donnees
        assert dossier.cout_total == Decimal("4200.50") and dossier.subvention_demandee == Decimal("3500.00")
        assert dossier.financeurs == "etat-pv,ville-calais"
        assert any("Statuts" in manque for manque in fiche.manques)
        assert not any("équilibré" in manque for manque in fiche.manques)
    with contexte.unite() as uow:
        second = service.enregistrer(uow, None, donnees)
        uow.valider()
        assert service.lire(uow, second).numero == "CDV-2027-002"


def test_budget_desequilibre_enregistre_mais_pas_complet(contexte):
    porteur_id, campagne_id = _porteur(contexte), _campagne(contexte)
    saisie = _saisie(campagne_id, porteur_id)
    saisie.budget[2]["montant"] = "1 000"  # 1 000 € de produits en moins
    with contexte.unite() as uow:
        identifiant = service.enregistrer(uow, None, d.valider(saisie))
        uow.valider()
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="pas équilibré") as erreur:
            service.declarer_complet(uow, identifiant)
        assert "1\u202f000,00" in erreur.value.message
        assert service.lire(uow, identifiant).complet_le is None


def test_declarer_complet_puis_une_modification_fait_tomber_la_declaration(contexte, tmp_path):
    porteur_id, campagne_id = _porteur(contexte), _campagne(contexte)
    with contexte.unite() as uow:
        identifiant = service.enregistrer(uow, None, d.valider(_saisie(campagne_id, porteur_id)))
        uow.valider()
    from instruction import pieces as types

    with contexte.unite() as uow:
        for type_piece in types.manquantes("association", "cdv", []):
            pieces.ajouter(uow, identifiant, type_piece.code, f"{type_piece.code}.pdf", b"%PDF-1.4 demo",
                           dt.date(2026, 11, 2))
        uow.valider()
    with contexte.unite() as uow:
        assert service.declarer_complet(uow, identifiant) is not None
        uow.valider()
    saisie = _saisie(campagne_id, porteur_id)
    saisie.budget.pop()  # déséquilibre
    with contexte.unite() as uow:
        service.enregistrer(uow, identifiant, d.valider(saisie))
        uow.valider()
    with contexte.unite() as uow:
        assert service.lire(uow, identifiant).complet_le is None


def test_pieces_empreinte_et_alteration(contexte, tmp_path):
    porteur_id, campagne_id = _porteur(contexte), _campagne(contexte)
    with contexte.unite() as uow:
        identifiant = service.enregistrer(uow, None, d.valider(_saisie(campagne_id, porteur_id)))
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
        service.creer_campagne(uow, "cdv", 2027)
