"""Les boîtes de choix de fichier de toute l'application, en un seul endroit.

Elles s'ouvrent dans le dernier dossier utilisé (retenu dans les réglages de l'utilisateur, QSettings),
sinon dans ses Documents (``platformdirs``) — jamais dans le dossier du programme, où un fichier
enregistré se perdrait (et que l'utilisateur n'a souvent pas le droit d'écrire). Chaque écran appelle
``enregistrer_sous``, ``ouvrir``, ``ouvrir_plusieurs`` ou ``choisir_dossier`` au lieu de ``QFileDialog`` directement.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

CLE = "fichiers/dernier_dossier"


def dossier_de_depart() -> Path:
    """Le dernier dossier utilisé s'il existe encore, sinon les Documents de l'utilisateur (ou son dossier
    personnel, si le système n'a pas de dossier Documents)."""
    import platformdirs

    dernier = QSettings().value(CLE, "") or ""
    if dernier and Path(dernier).is_dir():
        return Path(dernier)
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def retenir(chemin: Path) -> None:
    """Retient le dossier de ``chemin`` pour la prochaine boîte."""
    QSettings().setValue(CLE, str(chemin.parent))


def enregistrer_sous(parent: QWidget | None, titre: str, nom: str, filtre: str = "",
                     extension: str | None = None) -> Path | None:
    """Le fichier où enregistrer (``nom`` proposé dans le dossier de départ) ; ``None`` si l'on annule.
    ``extension`` (« .xlsx ») est ajoutée quand l'utilisateur ne l'a pas tapée."""
    chemin, _filtre = QFileDialog.getSaveFileName(parent, titre, str(dossier_de_depart() / nom), filtre)
    if not chemin:
        return None
    fichier = Path(chemin)
    if extension and fichier.suffix.lower() != extension.lower():
        fichier = fichier.with_name(fichier.name + extension)
    retenir(fichier)
    return fichier


def ouvrir(parent: QWidget | None, titre: str, filtre: str = "") -> Path | None:
    """Le fichier choisi pour être lu ; ``None`` si l'on annule."""
    chemin, _filtre = QFileDialog.getOpenFileName(parent, titre, str(dossier_de_depart()), filtre)
    if not chemin:
        return None
    retenir(Path(chemin))
    return Path(chemin)


def ouvrir_plusieurs(parent: QWidget | None, titre: str, filtre: str = "") -> list[Path]:
    """Les fichiers choisis (plusieurs à la fois) ; une liste vide si l'on annule."""
    chemins, _filtre = QFileDialog.getOpenFileNames(parent, titre, str(dossier_de_depart()), filtre)
    fichiers = [Path(c) for c in chemins]
    if fichiers:
        retenir(fichiers[0])
    return fichiers


def choisir_dossier(parent: QWidget | None, titre: str, depart: str | Path | None = None) -> Path | None:
    """Le dossier choisi (où écrire un lot de documents) ; ``None`` si l'on annule. ``depart`` : le dossier
    déjà indiqué à l'écran s'il existe, sinon le dernier dossier utilisé."""
    debut = Path(depart) if depart and Path(depart).is_dir() else dossier_de_depart()
    choisi = QFileDialog.getExistingDirectory(parent, titre, str(debut))
    if not choisi:
        return None
    QSettings().setValue(CLE, choisi)
    return Path(choisi)
