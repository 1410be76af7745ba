"""Le publipostage, d'où viennent les textes : une erreur située et un YAML lu avec ses numéros de ligne.

Un modèle mal écrit ou mal rempli lève ``ErreurModele`` ; ``Lieu`` (le modèle et son fichier) en compose le
message en français, qui nomme le modèle, le fichier, la ligne et le champ. ``LecteurSitue`` lit un YAML dont
chaque chaîne (``TexteSitue``) sait à quelle ligne elle commence ; ``ligne_de`` la retrouve, ``proche``
suggère le nom qu'on voulait sans doute écrire. Ces briques servent aux modèles de lettres
(``rapports/publipostage.py``) comme à la bibliothèque de clauses (``rapports/acte.py``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from instruction.chemins import RESSOURCES
from instruction.domaine.erreurs import ErreurInstruction


class ErreurModele(ErreurInstruction):
    """Un modèle mal écrit ou mal rempli ; le message nomme le modèle, le fichier, la ligne et le champ."""

    def __init__(self, message: str, *, modele: str, champ: str | None = None, ligne: int | None = None,
                 fichier: Path | None = None, detail: str = "") -> None:
        super().__init__(message, detail)
        self.modele = modele
        self.champ = champ
        self.ligne = ligne
        self.fichier = fichier


# --- La lecture du YAML avec les numéros de ligne ------------------------------------------------------------


class TexteSitue(str):
    """Une chaîne du fichier YAML qui sait à quelle ligne commence son texte."""

    ligne: int = 0


class LecteurSitue(yaml.SafeLoader):
    """Un ``SafeLoader`` dont les chaînes sont des ``TexteSitue``."""


def _construire_texte(lecteur: LecteurSitue, noeud: yaml.ScalarNode) -> str:
    valeur = TexteSitue(lecteur.construct_scalar(noeud))
    # Un bloc « | » ou « > » commence à la ligne qui suit son indicateur.
    valeur.ligne = noeud.start_mark.line + 1 + (1 if noeud.style in ("|", ">") else 0)
    return valeur


LecteurSitue.add_constructor("tag:yaml.org,2002:str", _construire_texte)


def ligne_de(valeur: object, defaut: int = 0) -> int:
    """La ligne où commence une chaîne lue par ``LecteurSitue`` (``defaut`` pour toute autre valeur)."""
    return getattr(valeur, "ligne", defaut) or defaut



@dataclass(frozen=True)
class Lieu:
    """Où une erreur se situe : le modèle, son fichier (peut manquer) et la ligne."""

    modele: str
    fichier: Path | None = None

    def dire(self, ligne: int | None = None) -> str:
        ou = []
        if self.fichier is not None:
            ou.append(_afficher_chemin(self.fichier))
        if ligne:
            ou.append(f"ligne {ligne}")
        return f"Modèle « {self.modele} »" + (f" ({', '.join(ou)})" if ou else "")

    def erreur(self, message: str, *, champ: str | None = None, ligne: int | None = None,
               detail: str = "") -> ErreurModele:
        return ErreurModele(f"{self.dire(ligne)} : {message}", modele=self.modele, champ=champ, ligne=ligne,
                            fichier=self.fichier, detail=detail)


def _afficher_chemin(fichier: Path) -> str:
    try:
        return str(Path(fichier).resolve().relative_to(RESSOURCES.parent))
    except ValueError:
        return str(fichier)


def proche(nom: str, connus: Iterable[str]) -> str:
    """« (vouliez-vous dire « x » ?) » si un nom connu ressemble à ``nom``, sinon une chaîne vide."""
    proches = difflib.get_close_matches(nom, list(connus), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
