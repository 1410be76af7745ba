"""Les dossiers d'une base SQLite, lus avant même que SQLAlchemy soit chargé.

Au démarrage, importer SQLAlchemy et les modèles prend plusieurs centaines de
millisecondes. Pour une base SQLite déjà au schéma de cette version, la première
page puis la liste des dossiers sont lues directement avec le module ``sqlite3``,
en lecture seule : l'utilisateur voit ses dossiers tout de suite, et l'ouverture
complète (vérification du schéma, référentiel) se fait ensuite. Dans tous les
autres cas (PostgreSQL, base absente, schéma à mettre à jour, fichier illisible),
rien n'est lu ici : l'ouverture normale s'en charge et dit ce qui ne va pas.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from instruction.chemins import fichier_base_par_defaut
from instruction.db.migrations import TETE
from instruction.services import lignes
from instruction.services.lignes import LigneDossier


def fichier_sqlite(url: str | None) -> Path | None:
    """Le fichier d'une URL ``sqlite:///…`` (ou de la base par défaut), sinon ``None``."""
    url = url or os.environ.get("INSTRUCTION_DATABASE_URL")
    if not url:
        return fichier_base_par_defaut()
    if url.startswith("sqlite:///") and "?" not in url:
        return Path(url.removeprefix("sqlite:///"))
    return None


def lire(url: str | None, limite: int | None = None) -> list[LigneDossier] | None:
    """Les dossiers (la première page si ``limite``), ou ``None`` si la lecture rapide ne s'applique pas."""
    return _lire(url, lambda curseur: lignes.lire_lignes(curseur, limite))


def lire_axes(url: str | None) -> dict[int, tuple[str, ...]] | None:
    """Les axes de chaque dossier, ou ``None`` si la lecture rapide ne s'applique pas."""
    return _lire(url, lignes.lire_axes)


def lire_textes(url: str | None) -> dict[int, str] | None:
    """Les textes longs de chaque dossier, ou ``None`` si la lecture rapide ne s'applique pas."""
    return _lire(url, lignes.lire_textes)


def connexion_requise(url: str | None) -> bool | None:
    """Vrai si la base a des comptes actifs (et ne s'ouvre pas sans mot de passe sous l'un d'eux) :
    rien ne se montre alors avant la connexion. ``None`` si la lecture rapide ne s'applique pas."""
    return _lire(url, _connexion_requise)


def _connexion_requise(curseur) -> bool:
    curseur.execute("select count(*) from utilisateur where actif")
    if not curseur.fetchone()[0]:
        return False
    curseur.execute("select count(*) from parametre p join utilisateur u on u.identifiant = p.valeur "
                    "where p.cle = 'connexion.automatique' and u.actif")
    return not curseur.fetchone()[0]


def _lire(url: str | None, lecture):
    fichier = fichier_sqlite(url)
    if fichier is None or not fichier.is_file():
        return None
    try:
        connexion = sqlite3.connect(f"{fichier.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        curseur = connexion.cursor()
        curseur.execute("select version_num from alembic_version")
        revision = curseur.fetchone()
        if revision is None or revision[0] != TETE:
            return None
        return lecture(curseur)
    except sqlite3.Error:
        return None
    finally:
        connexion.close()
