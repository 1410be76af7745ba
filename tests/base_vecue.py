"""Une base qui a vécu, faite par les services comme le ferait une équipe pendant une campagne.

Des comptes (dont un désactivé), des porteurs, deux campagnes, des dossiers enregistrés des centaines
de fois, des chaînes de renouvellements (dont des renvois vers un dossier créé *après* celui qui le
cite), des pièces jointes puis retirées, des lignes de budget et des contacts effacés, des brouillons
gardés puis supprimés, des passages d'état. Sous PostgreSQL, chaque ``UPDATE`` écrit une nouvelle
version de la ligne en fin de table : l'ordre physique des lignes n'a plus rien à voir avec l'ordre de
leurs identifiants, ni avec celui de leurs références (``dossier.renouvelle_id``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from instruction.domaine import droits
from instruction.domaine import dossier as d
from instruction.db import modeles as m
from instruction.services import brouillons, comptes, pieces, porteurs
from instruction.services import dossier as service_dossier
from instruction.services import instruction as circuit
from tests import fabrique

MOT_DE_PASSE = "Jardin-partage-2027"
ADMINISTRATEUR = "a.durand"
INSTRUCTRICE = "m.lefebvre"


@dataclasses.dataclass
class Vecue:
    dossiers: list[int]
    porteurs: list[int]
    campagnes: list[int]
    enregistrements: int  # mises à jour de dossiers faites par le service
    renouvellements: int
    pieces_retirees: int


def _comme(contexte, identifiant: str):
    uow = contexte.unite()
    uow.utilisateur = droits.poste(identifiant)
    return uow


def _compte(contexte, identifiant: str, nom: str, role: str, **options) -> None:
    """Crée le compte, se connecte avec le mot de passe provisoire et le change pour ``MOT_DE_PASSE``."""
    with _comme(contexte, "poste-de-l-administrateur") as uow:
        _id, provisoire = comptes.creer(uow, comptes.SaisieCompte(identifiant, nom, role, **options))
        uow.valider()
    with contexte.unite() as uow:
        comptes.connecter(uow, identifiant, provisoire)
    with contexte.unite() as uow:
        uow.utilisateur = comptes.utilisateur(uow.session.get(m.Compte, _id))
        comptes.changer_mot_de_passe(uow, provisoire, MOT_DE_PASSE, MOT_DE_PASSE)
        uow.valider()


def _porteur(contexte, rang: int) -> int:
    with _comme(contexte, INSTRUCTRICE) as uow:
        identite = dict(fabrique.IDENTITE, nom=f"Association {rang} des quartiers", sigle=f"AQ{rang}", siret="",
                        rna="")
        contacts = [{"nom": f"Contact {rang}-{i}", "fonction": "Bénévole", "telephone": "0321000001",
                     "courriel": f"c{rang}{i}@exemple.fr"} for i in range(3)]
        identifiant = porteurs.creer(uow, identite, contacts=contacts,
                                     representant={"civilite": "Madame", "nom": f"Présidente {rang}",
                                                   "qualite": "Présidente"})
        uow.valider()
    return identifiant


def _campagne(contexte, annee: int) -> int:
    with _comme(contexte, INSTRUCTRICE) as uow:
        campagne = service_dossier.creer_campagne(uow, "cdv", annee, ouverture=dt.date(annee - 1, 10, 1),
                                          cloture=dt.date(annee - 1, 12, 1))
        uow.valider()
    return campagne.id


def _enregistrer(contexte, dossier_id: int | None, saisie: d.SaisieDossier) -> int:
    with _comme(contexte, INSTRUCTRICE) as uow:
        version = None
        if dossier_id is not None:
            version = uow.session.scalar(select(m.Dossier.version).where(m.Dossier.id == dossier_id))
        identifiant = service_dossier.enregistrer(uow, dossier_id, d.valider(saisie), version=version)
        uow.valider()
    return identifiant


def _saisie(campagne_id: int, porteur_id: int, rang: int, tour: int = 0) -> d.SaisieDossier:
    saisie = fabrique.saisie(campagne_id, porteur_id)
    saisie.intitule = f"Action {rang} des quartiers, version {tour}"
    if tour % 2:  # une ligne de budget effacée un tour sur deux, rajoutée au suivant
        saisie.budget = [ligne for ligne in saisie.budget if ligne["compte"] != "75"]
        saisie.budget[0] = dict(saisie.budget[0], montant="1 901")
    return saisie


def faire_vivre(contexte, *, dossiers: int = 24, tours: int = 10) -> Vecue:
    """Remplit la base par les services ; rend ce qu'il faut pour la réutiliser après restauration."""
    _compte(contexte, ADMINISTRATEUR, "Anne Durand", droits.ADMINISTRATEUR)
    _compte(contexte, INSTRUCTRICE, "Marie Lefebvre", droits.INSTRUCTEUR)
    _compte(contexte, "f.ville", "Fanny Ville", droits.FINANCEUR, financeur="ville-calais")
    _compte(contexte, "r.urbain", "Rémi Urbain", droits.REFERENT, themes=("urbain",))
    _compte(contexte, "l.parti", "Louis Parti", droits.LECTEUR)
    with _comme(contexte, "poste-de-l-administrateur") as uow:  # un compte désactivé (parti de l'équipe)
        comptes.desactiver(uow, uow.session.scalar(select(m.Compte.id).where(m.Compte.identifiant == "l.parti")))
        uow.valider()

    liste_porteurs = [_porteur(contexte, rang) for rang in range(4)]
    campagnes = [_campagne(contexte, 2026), _campagne(contexte, 2027)]
    ids: list[int] = []
    for rang in range(dossiers):
        campagne = campagnes[0] if rang < dossiers // 2 else campagnes[1]
        ids.append(_enregistrer(contexte, None, _saisie(campagne, liste_porteurs[rang % 4], rang)))

    renouvellements = 0
    enregistrements = 0
    moitie = dossiers // 2
    for tour in range(1, tours + 1):
        for rang, dossier_id in enumerate(ids):
            campagne = campagnes[0] if rang < moitie else campagnes[1]
            saisie = _saisie(campagne, liste_porteurs[rang % 4], rang, tour)
            if rang >= moitie:  # 2027 renouvelle l'action de 2026 du même rang…
                saisie.renouvellement, saisie.renouvelle_id = True, str(ids[rang - moitie])
            elif rang % 3 == 0 and rang + 1 < moitie:  # …des actions de 2026 citent une action créée après
                saisie.renouvellement, saisie.renouvelle_id = True, str(ids[rang + 1])
            _enregistrer(contexte, dossier_id, saisie)
            enregistrements += 1
    with contexte.unite() as uow:
        renouvellements = uow.session.scalar(
            select(func.count()).select_from(m.Dossier).where(m.Dossier.renouvelle_id.is_not(None)))

    retirees = 0
    with _comme(contexte, INSTRUCTRICE) as uow:
        for dossier_id in ids[::3]:
            for numero in range(3):
                piece = pieces.ajouter(uow, dossier_id, "statuts", f"statuts-{numero}.pdf",
                                       f"%PDF-1.4 pièce {dossier_id}-{numero}".encode(), dt.date(2026, 11, 2))
                if numero != 1:
                    pieces.retirer(uow, piece.id)
                    retirees += 1
        uow.valider()
    with _comme(contexte, INSTRUCTRICE) as uow:  # des contacts effacés
        fiche = porteurs.lire(uow, liste_porteurs[0])
        identite = {champ: valeur or "" for champ, valeur in fiche.identite.items()}
        porteurs.modifier(uow, liste_porteurs[0], identite, contacts=[], version=fiche.version)
        uow.valider()
    with _comme(contexte, INSTRUCTRICE) as uow:
        for rang in range(5):
            brouillons.garder(uow, f"dossier:nouveau:{rang}", f"Brouillon {rang}", {"intitule": str(rang)})
        uow.valider()
    with _comme(contexte, INSTRUCTRICE) as uow:
        for rang in range(0, 5, 2):
            brouillons.supprimer(uow, f"dossier:nouveau:{rang}")
        uow.valider()
    with _comme(contexte, INSTRUCTRICE) as uow:  # des passages d'état (et des demandes de compléments)
        for dossier_id in ids[1::4]:
            circuit.changer_etat(uow, dossier_id, "incomplet", "Budget prévisionnel signé à fournir")
        uow.valider()
    return Vecue(ids, liste_porteurs, campagnes, enregistrements, renouvellements, retirees)


def utiliser(contexte, vecue: Vecue) -> dict[str, object]:
    """Ce qu'une équipe fait le lendemain d'une restauration : se connecter, créer, enregistrer.

    Rend ce qui a été créé (pour le vérifier ensuite)."""
    with contexte.unite() as uow:
        utilisateur = comptes.connecter(uow, INSTRUCTRICE, MOT_DE_PASSE)
    contexte.utilisateur = utilisateur
    with contexte.unite() as uow:
        with_refus = None
        try:
            comptes.connecter(uow, "l.parti", MOT_DE_PASSE)
        except comptes.ConnexionRefusee as refus:
            with_refus = refus.message
    nouveau_porteur = _porteur_connecte(contexte)
    nouveau = None
    with contexte.unite() as uow:
        saisie = _saisie(vecue.campagnes[1], nouveau_porteur, 99)
        saisie.renouvellement, saisie.renouvelle_id = True, str(vecue.dossiers[0])
        nouveau = service_dossier.enregistrer(uow, None, d.valider(saisie))
        uow.valider()
    with contexte.unite() as uow:  # un dossier ancien, cité par d'autres, enregistré encore une fois
        version = uow.session.scalar(select(m.Dossier.version).where(m.Dossier.id == vecue.dossiers[1]))
        saisie = _saisie(vecue.campagnes[0], vecue.porteurs[1], 1, 99)
        service_dossier.enregistrer(uow, vecue.dossiers[1], d.valider(saisie), version=version)
        piece = pieces.ajouter(uow, nouveau, "statuts", "statuts.pdf", b"%PDF-1.4 nouvelle", dt.date(2027, 1, 5))
        uow.valider()
    with contexte.unite() as uow:
        fiche = service_dossier.lire(uow, nouveau)
    return {"dossier": nouveau, "numero": fiche.numero, "porteur": nouveau_porteur, "piece": piece.id,
            "refus_du_compte_desactive": with_refus}


def _porteur_connecte(contexte) -> int:
    with contexte.unite() as uow:
        identifiant = porteurs.creer(uow, dict(fabrique.IDENTITE, nom="Association venue après la restauration",
                                               siret="", rna=""))
        uow.valider()
    return identifiant
