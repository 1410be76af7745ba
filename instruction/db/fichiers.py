"""Les fichiers qu'Instruction écrit : bases, sauvegardes, copies de travail.

* Ils ne sont lisibles que par leur propriétaire (mode 0600 ; dossiers créés en 0700) : une base contient
  les empreintes des mots de passe, des avis confidentiels, des coordonnées bancaires.
* Une copie s'écrit dans un fichier temporaire du même dossier, puis remplace la cible d'un coup
  (``os.replace``) : interrompue, elle ne laisse ni fichier à moitié écrit sous le nom attendu ni
  fichier temporaire (effacé à la première exception, Ctrl+C compris).

Ce module ne dépend d'aucun autre module de ``instruction.db`` : ``schema`` (copie avant migration) et
``sauvegarde`` s'en servent tous deux sans s'importer l'un l'autre.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

MODE_FICHIER = 0o600
MODE_DOSSIER = 0o700
# Ce que SQLite crée à côté d'une base : journal, WAL, mémoire partagée.
SUFFIXES_SQLITE = ("-journal", "-wal", "-shm")


def rendre_prive(chemin: Path) -> None:
    """Réserve le fichier à son propriétaire (sous Windows, seul le drapeau « lecture seule » existe :
    ``chmod`` n'y change rien de plus, les droits viennent du dossier de l'utilisateur)."""
    with contextlib.suppress(OSError):
        os.chmod(chemin, MODE_FICHIER)


def creer_dossier(dossier: Path) -> None:
    """Crée le dossier et ceux qui manquent au-dessus, réservés à leur propriétaire ; un dossier qui existe
    déjà garde ses droits (un partage d'équipe, par exemple)."""
    manquants = []
    courant = Path(dossier)
    while not courant.exists() and courant != courant.parent:
        manquants.append(courant)
        courant = courant.parent
    for manquant in reversed(manquants):
        with contextlib.suppress(FileExistsError):
            manquant.mkdir(mode=MODE_DOSSIER)


def effacer_sqlite(chemin: Path) -> None:
    """Efface un fichier SQLite et ce que SQLite a pu créer à côté."""
    for suffixe in ("", *SUFFIXES_SQLITE):
        with contextlib.suppress(OSError):
            Path(f"{chemin}{suffixe}").unlink(missing_ok=True)


@contextlib.contextmanager
def temporaire_a_cote(cible: Path) -> Iterator[Path]:
    """Un fichier vide et privé dans le dossier de ``cible`` (nom caché, suffixe ``.partiel``).

    Le bloc l'écrit puis le met en place avec ``remplacer`` ; s'il sort sur une exception (Ctrl+C
    compris), le fichier temporaire est effacé et la cible reste telle qu'elle était.
    """
    cible = Path(cible)
    descripteur, nom = tempfile.mkstemp(prefix=f".{cible.name}.", suffix=".partiel", dir=cible.parent)
    os.close(descripteur)  # mkstemp le crée en 0600
    temporaire = Path(nom)
    try:
        yield temporaire
    except BaseException:
        effacer_sqlite(temporaire)
        raise
    else:
        effacer_sqlite(temporaire)  # déjà renommé s'il a été mis en place : ne reste que ce qui traîne


def remplacer(temporaire: Path, cible: Path) -> None:
    """Met ``temporaire`` à la place de ``cible`` d'un seul coup, après l'avoir écrit sur le disque."""
    with open(temporaire, "rb+") as fichier:
        os.fsync(fichier.fileno())
    rendre_prive(temporaire)
    os.replace(temporaire, cible)


def uri_sqlite(chemin: Path, **parametres: str) -> str:
    """L'URI ``file:`` d'un fichier (caractères spéciaux du chemin échappés), avec ses paramètres."""
    uri = Path(chemin).resolve().as_uri()
    if parametres:
        uri += "?" + "&".join(f"{cle}={valeur}" for cle, valeur in parametres.items())
    return uri


def copier_sqlite(source: Path, cible: Path, controler: Callable[[Path], None] | None = None) -> None:
    """Copie cohérente d'un fichier SQLite vers ``cible``, même pendant que d'autres y écrivent (API de
    sauvegarde de SQLite, source ouverte en lecture seule). ``controler(copie)`` vérifie la copie avant
    qu'elle ne prenne la place de la cible ; une exception l'écarte."""
    cible = Path(cible)
    creer_dossier(cible.parent)
    with temporaire_a_cote(cible) as temporaire:
        origine = sqlite3.connect(uri_sqlite(source, mode="ro"), uri=True)
        try:
            destination = sqlite3.connect(temporaire)
            try:
                origine.backup(destination)
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
        finally:
            origine.close()
        if controler is not None:
            controler(temporaire)
        remplacer(temporaire, cible)
