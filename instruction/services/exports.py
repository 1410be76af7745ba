"""Les jeux de colonnes d'export enregistrés sous un nom, et les lignes à exporter.

Un jeu est partagé par les postes d'une même base. Il est gardé dans la table des correspondances
enregistrées (``correspondance_import``, migration 0009 : un nom, des colonnes en JSON, qui et quand), sous
le nom « export:dossiers:<nom> » avec ``{"export": "dossiers"}`` pour options — pas de table de plus pour une
liste de codes. Pas dans ``parametre`` : sur une base PostgreSQL partagée, seuls les administrateurs
l'écrivent (``db/roles.py``), alors que les instructeurs enregistrent leurs jeux. L'import ne liste pas ces
lignes (``services.echanges.correspondances``). Les codes sont vérifiés contre ``instruction.colonnes`` à l'enregistrement et à la lecture :
un jeu enregistré par une autre version de l'application, qui citerait une colonne disparue, est refusé
avec un message qui le dit, jamais exporté avec une colonne en moins.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from instruction.domaine import colonnes
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import maintenant
from instruction.services import dossiers, historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.lignes import LigneDossier

OBJET = "jeu de colonnes d'export"


def _prefixe(liste: str) -> str:
    colonnes.catalogue(liste)  # refuse une liste sans export déclaré
    return f"export:{liste}:"


def jeux(uow: UniteDeTravail, liste: str = "dossiers") -> list[colonnes.JeuDeColonnes]:
    """Les jeux enregistrés de la liste, par nom."""
    prefixe = _prefixe(liste)
    lignes = uow.session.execute(select(m.CorrespondanceImport.nom, m.CorrespondanceImport.colonnes)
                                 .where(m.CorrespondanceImport.nom.startswith(prefixe, autoescape=True)))
    trouves = [colonnes.JeuDeColonnes(nom[len(prefixe):], tuple(json.loads(valeur))) for nom, valeur in lignes]
    return sorted(trouves, key=lambda j: j.nom.casefold())


def jeu(uow: UniteDeTravail, nom: str, liste: str = "dossiers") -> colonnes.JeuDeColonnes:
    """Le jeu enregistré sous ``nom`` (ses colonnes vérifiées) ; refus en français s'il n'existe pas."""
    ligne = uow.session.get(m.CorrespondanceImport, _prefixe(liste) + colonnes.nom_valide(nom))
    if ligne is None:
        noms = ", ".join(f"« {j.nom} »" for j in jeux(uow, liste)) or "aucun"
        raise DonneesInvalides(f"Aucun jeu de colonnes enregistré sous le nom « {nom} » (enregistrés : {noms}).")
    trouve = colonnes.JeuDeColonnes(colonnes.nom_valide(nom), tuple(json.loads(ligne.colonnes)))
    colonnes.choisir(trouve.codes, liste)
    return trouve


@ecrit("exports.enregistrer")
def enregistrer(uow: UniteDeTravail, nom: str, codes: list[str] | tuple[str, ...],
                liste: str = "dossiers") -> colonnes.JeuDeColonnes:
    """Enregistre (ou remplace) le jeu ``nom`` : ces colonnes, dans cet ordre."""
    nom = colonnes.nom_valide(nom)
    codes = tuple(c.code for c in colonnes.choisir(codes, liste))
    cle = _prefixe(liste) + nom
    ancien = uow.session.get(m.CorrespondanceImport, cle)
    valeur = json.dumps(list(codes), ensure_ascii=False)
    if ancien is not None and ancien.colonnes == valeur:
        return colonnes.JeuDeColonnes(nom, codes)
    historique.noter(uow, OBJET, "modification" if ancien is not None else "enregistrement",
                     changements=[(nom, _lisible(ancien.colonnes, liste) if ancien else None, _lisible(valeur, liste))])
    if ancien is None:
        ancien = m.CorrespondanceImport(nom=cle, options=json.dumps({"export": liste}))
        uow.session.add(ancien)
    ancien.colonnes, ancien.modifie_le, ancien.modifie_par = valeur, maintenant(), uow.acteur
    uow.session.flush()
    return colonnes.JeuDeColonnes(nom, codes)


@ecrit("exports.enregistrer")
def supprimer(uow: UniteDeTravail, nom: str, liste: str = "dossiers") -> None:
    ligne = uow.session.get(m.CorrespondanceImport, _prefixe(liste) + colonnes.nom_valide(nom))
    if ligne is None:
        raise DonneesInvalides(f"Aucun jeu de colonnes enregistré sous le nom « {nom} » : rien à supprimer.")
    historique.noter(uow, OBJET, "suppression", changements=[(colonnes.nom_valide(nom), _lisible(ligne.colonnes, liste),
                                                               None)])
    uow.session.delete(ligne)
    uow.session.flush()


def _lisible(valeur: str, liste: str) -> str:
    """Les libellés des colonnes, pour l'historique (« N° · Porteur · Coût total »)."""
    connues = {c.code: c.libelle for c in colonnes.catalogue(liste)}
    return " · ".join(connues.get(code, code) for code in json.loads(valeur))


def lignes(uow: UniteDeTravail, campagne: str | None = None) -> list[LigneDossier]:
    """Les dossiers à exporter par numéro ; avec ``campagne`` (« cdv-2027 » : dispositif et année), ceux-là."""
    toutes = sorted(dossiers.lister(uow), key=lambda l: l.numero)
    if not campagne:
        return toutes
    connues = {f"{code}-{annee}": (code, annee) for code, annee in uow.session.execute(
        select(m.Campagne.dispositif_code, m.Campagne.annee).order_by(m.Campagne.annee, m.Campagne.dispositif_code))}
    cle = campagne.strip().casefold()
    if cle not in connues:
        raise DonneesInvalides(
            f"Aucune campagne « {campagne} ». Une campagne s'écrit dispositif-année ; campagnes de la base : "
            + (", ".join(connues) or "aucune") + ".")
    code, annee = connues[cle]
    return [l for l in toutes if l.dispositif_code == code and l.annee == annee]
