"""Des porteurs, campagnes et dossiers complets, pour les tests des services et des écrans."""

from __future__ import annotations

import datetime as dt

from instruction.domaine import dossier as d
from instruction.services import dossier as service_dossier
from instruction.services import porteurs


IDENTITE = {
    "nom": "Association Les Jardiniers des Fontinettes", "sigle": "AJF", "type": "association",
    "siret": "732 829 320 00074", "rna": "W622001234", "adresse": "12 rue des Fontinettes",
    "code_postal": "62100", "ville": "Calais", "commune_code": "calais", "quartier_code": "",
    "telephone": "03 21 00 00 00", "courriel": "contact@jardiniers.fr", "objet": "Jardins partagés",
}


def porteur(contexte) -> int:
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


def campagne(contexte) -> int:
    with contexte.unite() as uow:
        campagne = service_dossier.creer_campagne(uow, "cdv", 2027, ouverture=dt.date(2026, 10, 1),
                                          cloture=dt.date(2026, 12, 1))
        uow.valider()
    return campagne.id


def saisie(campagne_id: int, porteur_id: int) -> d.SaisieDossier:
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


def dossier(contexte, *, complet: bool = True, modifier=None) -> int:
    """Un dossier CDV 2027 enregistré ; ``complet`` : avec toutes les pièces exigées (recevable) ;
    ``modifier(saisie)`` change la saisie avant l'enregistrement."""
    from instruction.domaine import pieces as types
    from instruction.services import pieces

    from sqlalchemy import select

    from instruction.db import modeles as m

    with contexte.unite() as uow:  # le porteur et la campagne du premier dossier servent aux suivants
        porteur_id = uow.session.scalar(select(m.Porteur.id).where(m.Porteur.siret == "73282932000074"))
        campagne_id = uow.session.scalar(select(m.Campagne.id).where(m.Campagne.dispositif_code == "cdv",
                                                                     m.Campagne.annee == 2027))
    porteur_id = porteur_id or porteur(contexte)
    campagne_id = campagne_id or campagne(contexte)
    with contexte.unite() as uow:
        brute = saisie(campagne_id, porteur_id)
        if modifier is not None:
            modifier(brute)
        identifiant = service_dossier.enregistrer(uow, None, d.valider(brute))
        uow.valider()
    if complet:
        with contexte.unite() as uow:
            for type_piece in types.manquantes("association", "cdv", []):
                pieces.ajouter(uow, identifiant, type_piece.code, f"{type_piece.code}.pdf", b"%PDF-1.4 demo",
                               dt.date(2026, 11, 2))
            uow.valider()
    return identifiant


def coter_egalite(contexte, dossier_id: int, reponse: str = "oui") -> None:
    """Remplit toute la grille égalité femmes hommes, exigée pour terminer l'instruction (contrat, l. 2647)."""
    from instruction.domaine import grilles
    from instruction.services import cotations

    questions = grilles.par_code()["egalite-femmes-hommes"].courante.questions
    with contexte.unite() as uow:
        cotations.repondre_plusieurs(uow, dossier_id, "egalite-femmes-hommes", {q.code: (reponse, None) for q in questions})
        uow.valider()


# --- Instruction partagée : comptes, équipe, photographie de la base ----------------------------------


def compte(contexte, identifiant: str, role: str, *, nom: str | None = None, themes=(), financeur=None):
    """Crée un compte (sous un administrateur du poste) ; rend l'utilisateur tel qu'il serait connecté."""
    from instruction.domaine import droits
    from instruction.db import modeles as m
    from instruction.services import comptes

    uow = contexte.unite()
    uow.utilisateur = droits.poste("poste-des-tests")
    with uow:
        compte_id, _provisoire = comptes.creer(uow, comptes.SaisieCompte(
            identifiant, nom or identifiant, role, themes=tuple(themes), financeur=financeur))
        uow.valider()
        return comptes.utilisateur(uow.session.get(m.Compte, compte_id))


class Equipe:
    """Une équipe complète : un compte par rôle, deux référents et deux financeurs."""

    def __init__(self, contexte) -> None:
        from instruction.domaine import droits

        self.admin = compte(contexte, "a.durand", droits.ADMINISTRATEUR, nom="Anne Durand")
        self.instructeur = compte(contexte, "m.lefebvre", droits.INSTRUCTEUR, nom="Marie Lefebvre")
        self.referent = compte(contexte, "r.urbain", droits.REFERENT, nom="Rémi Urbain", themes=["urbain"])
        self.referent_education = compte(contexte, "e.ecole", droits.REFERENT, nom="Élise École",
                                         themes=["education", "jeunesse"])
        self.financeur = compte(contexte, "f.ville", droits.FINANCEUR, nom="Fanny Ville", financeur="ville-calais")
        self.financeur_region = compte(contexte, "f.region", droits.FINANCEUR, nom="Fabien Région",
                                       financeur="region")
        self.lecteur = compte(contexte, "l.lecteur", droits.LECTEUR, nom="Louis Lecteur")

    def par_role(self) -> dict:
        from instruction.domaine import droits

        return {droits.ADMINISTRATEUR: self.admin, droits.INSTRUCTEUR: self.instructeur,
                droits.REFERENT: self.referent, droits.FINANCEUR: self.financeur, droits.LECTEUR: self.lecteur}


def photographie(contexte) -> dict[str, list[str]]:
    """Le contenu de toutes les tables, pour vérifier qu'une action refusée n'a rien écrit."""
    from sqlalchemy import select

    from instruction.db.base import Base

    with contexte.unite() as uow:
        return {table.name: sorted(repr(tuple(ligne)) for ligne in uow.session.execute(select(table)))
                for table in Base.metadata.sorted_tables}


def abimer_une_page(fichier) -> None:
    """Écrase l'en-tête de la page de la table des budgets d'une base SQLite fermée (une page abîmée)."""
    import sqlite3

    with sqlite3.connect(fichier) as connexion:
        connexion.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        taille_page = connexion.execute("PRAGMA page_size").fetchone()[0]
        racine = connexion.execute("select rootpage from sqlite_master where name = 'ligne_budget'").fetchone()[0]
    connexion.close()
    with open(fichier, "r+b") as brut:
        brut.seek((racine - 1) * taille_page)
        brut.write(b"\xff" * 12)
