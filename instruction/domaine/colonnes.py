"""Les colonnes qu'un export peut contenir, déclarées une fois, et les jeux de colonnes choisis.

Un tableur tenu par des macros casse quand une colonne bouge : un export ne contient donc que les colonnes
d'un **jeu** (liste ordonnée de codes), et chaque code désigne une colonne **typée** déclarée ici — son
libellé d'en-tête, sa sorte (texte, montant, date, entier) et la façon de lire sa valeur sur une ligne de
la liste des dossiers (``services.lignes.LigneDossier``, lue par attributs : ce module reste pur). Un jeu
enregistré garde des codes, pas des libellés ni des rangs : le même jeu donne toujours les mêmes colonnes
dans le même ordre.

Les valeurs sont typées pour les tableurs : montants en ``Decimal`` (jamais de ``float``), dates en
``datetime.date``, entiers en ``int``, ``None`` pour une case vide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from instruction.domaine import etats
from instruction.domaine.argent import depuis_centimes
from instruction.domaine.erreurs import DonneesInvalides

TEXTE, MONTANT, DATE, ENTIER = "texte", "montant", "date", "entier"
GENRES = {TEXTE: "texte", MONTANT: "montant", DATE: "date", ENTIER: "nombre entier"}
LONGUEUR_NOM = 100  # un nom de jeu ; gardé préfixé (« export:dossiers: ») dans un nom de 120 caractères
LISTES = {"dossiers": "Liste des dossiers"}


@dataclass(frozen=True)
class Colonne:
    code: str  # identifiant stable, gardé dans les jeux enregistrés
    libelle: str  # l'en-tête de la colonne dans le fichier
    genre: str  # TEXTE, MONTANT, DATE ou ENTIER
    valeur: Callable[[Any], Any]  # ligne → valeur typée (None : case vide)
    largeur: int = 14  # largeur de la colonne dans un classeur (caractères)

    @property
    def totalisee(self) -> bool:
        """Les montants ont leur total en bas du classeur ; les années et cotations, non."""
        return self.genre == MONTANT


@dataclass(frozen=True)
class JeuDeColonnes:
    nom: str
    codes: tuple[str, ...]


def _jour(valeur) -> dt.date | None:
    """Une date lue en base : texte ISO (SQLite), date ou horodatage (PostgreSQL)."""
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, str):
        valeur = dt.datetime.fromisoformat(valeur) if len(valeur) > 10 else dt.date.fromisoformat(valeur)
    return valeur.date() if isinstance(valeur, dt.datetime) else valeur


def _euros(centimes: int | None) -> Decimal | None:
    return None if centimes is None else depuis_centimes(centimes)


def _cotation(rang: int) -> Callable[[Any], int | None]:
    def lire(ligne) -> int | None:
        return ligne.cotations[rang] if ligne.cotations else None

    return lire


def _colonnes_des_dossiers() -> tuple[Colonne, ...]:
    from instruction.domaine import grilles

    par_code = grilles.par_code()
    return (
        Colonne("numero", "N°", TEXTE, lambda l: l.numero, 16),
        Colonne("intitule", "Intitulé de l'action", TEXTE, lambda l: l.intitule, 60),
        Colonne("porteur", "Porteur", TEXTE, lambda l: l.porteur, 40),
        Colonne("dispositif", "Dispositif", TEXTE, lambda l: l.dispositif, 11),
        Colonne("annee", "Année", ENTIER, lambda l: l.annee, 8),
        Colonne("quartiers", "Quartiers", TEXTE, lambda l: l.quartiers, 36),
        Colonne("etat", "État", TEXTE, lambda l: etats.libelle(l.etat), 14),
        Colonne("etat_depuis", "Dans cet état depuis le", DATE, lambda l: _jour(l.etat_depuis), 14),
        Colonne("cout_total", "Coût total", MONTANT, lambda l: depuis_centimes(l.cout_total), 15),
        Colonne("demande", "Subvention demandée", MONTANT, lambda l: depuis_centimes(l.subvention_demandee), 15),
        Colonne("accorde", "Subvention accordée", MONTANT, lambda l: _euros(l.accorde), 15),
        Colonne("depose_le", "Déposé le", DATE, lambda l: _jour(l.depose_le), 12),
        # Une colonne par grille transversale, dans l'ordre des cotations des lignes (0 à 2 ; vide : pas cotée).
        *(Colonne(f"cotation.{code}", f"Cotation {par_code[code].court}", ENTIER, _cotation(rang), 13)
          for rang, code in enumerate(grilles.ORDRE)),
        Colonne("instructeur", "Instructeur", TEXTE, lambda l: l.instructeur or None, 24),
    )


@cache
def catalogue(liste: str = "dossiers") -> tuple[Colonne, ...]:
    """Toutes les colonnes que la liste sait exporter, dans l'ordre où le choix les propose."""
    if liste != "dossiers":
        raise DonneesInvalides(f"Aucun export n'est déclaré pour la liste « {liste} ».")
    return _colonnes_des_dossiers()


def par_defaut(liste: str = "dossiers") -> tuple[str, ...]:
    """Le jeu de l'export d'avant les jeux enregistrés (les macros qui le lisent continuent de marcher) :
    toutes les colonnes sauf l'instructeur, ajouté depuis."""
    return tuple(c.code for c in catalogue(liste) if c.code != "instructeur")


def choisir(codes: Iterable[str], liste: str = "dossiers") -> tuple[Colonne, ...]:
    """Les colonnes des ``codes``, dans leur ordre ; refuse un code inconnu, un doublon ou un jeu vide."""
    connues = {c.code: c for c in catalogue(liste)}
    codes = list(codes)
    if not codes:
        raise DonneesInvalides("Choisissez au moins une colonne à exporter.")
    inconnus = [c for c in codes if c not in connues]
    if inconnus:
        raise DonneesInvalides(
            "Colonne inconnue : " + ", ".join(f"« {c} »" for c in inconnus)
            + ". Le jeu a peut-être été enregistré par une autre version de l'application ; choisissez ses "
            "colonnes à nouveau et enregistrez-le.")
    doubles = sorted({c for c in codes if codes.count(c) > 1})
    if doubles:
        raise DonneesInvalides("Une colonne ne peut figurer qu'une fois : "
                               + ", ".join(f"« {connues[c].libelle} »" for c in doubles) + ".")
    return tuple(connues[c] for c in codes)


def nom_valide(nom: str) -> str:
    """Le nom d'un jeu, sans espaces autour ; refusé s'il est vide ou trop long."""
    nom = " ".join((nom or "").split())
    if not nom:
        raise DonneesInvalides("Donnez un nom au jeu de colonnes.")
    if len(nom) > LONGUEUR_NOM:
        raise DonneesInvalides(f"Le nom du jeu de colonnes ne peut dépasser {LONGUEUR_NOM} caractères "
                               f"(il en a {len(nom)}).")
    return nom


def rangees(colonnes: Sequence[Colonne], lignes: Iterable[Any]) -> list[list[Any]]:
    """Les valeurs typées de chaque ligne, colonne par colonne, dans l'ordre du jeu."""
    lecteurs = [c.valeur for c in colonnes]
    return [[lire(ligne) for lire in lecteurs] for ligne in lignes]


def totaux(colonnes: Sequence[Colonne], rangs: Sequence[Sequence[Any]]) -> list[Decimal | None]:
    """Le total exact de chaque colonne de montants (None pour les autres)."""
    return [sum((r[i] for r in rangs if r[i] is not None), Decimal("0.00")) if c.totalisee else None
            for i, c in enumerate(colonnes)]


def libelles_du_total(colonnes: Sequence[Colonne], nombre: int) -> dict[int, str]:
    """Où écrire « Total » et le nombre de dossiers sur la ligne de total : les deux premières colonnes qui
    ne sont pas des montants (rang → texte)."""
    libres = [i for i, c in enumerate(colonnes) if not c.totalisee]
    textes = ["Total", f"{nombre} dossier{'s' if nombre > 1 else ''}"]
    return dict(zip(libres, textes, strict=False))  # moins de deux colonnes libres : moins de libellés


FORMATS = {".xlsx": "Classeur Excel (.xlsx)", ".ods": "Classeur OpenDocument (.ods)",
           ".csv": "Texte CSV pour Excel (.csv, point-virgule, UTF-8)"}


def format_du_fichier(nom: str) -> str:
    """Le format d'un export d'après l'extension de son fichier (« .xlsx », « .ods », « .csv »)."""
    import os

    extension = os.path.splitext(str(nom))[1].lower()
    if extension not in FORMATS:
        raise DonneesInvalides(
            f"Format d'export inconnu « {extension or 'sans extension'} » : le fichier doit finir par "
            + ", ".join(FORMATS) + ".")
    return extension
