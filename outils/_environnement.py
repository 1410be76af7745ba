"""Préparer l'environnement Python du projet (.venv), avec la seule bibliothèque standard.

Utilisé par ``outils/demarrer.py`` et ``outils/tester.py`` : crée ``.venv`` avec
l'interpréteur qui lance le script (Python 3.11 ou plus récent), puis installe le
projet **avec ses extras de test** quand ``pyproject.toml`` a changé depuis la dernière
installation. Les deux commandes partagent ainsi une seule installation : lancer l'une
après l'autre ne réinstalle rien.

Sous Linux, Qt (PySide6) a besoin de bibliothèques du système (OpenGL, polices, clavier,
D-Bus, et celles de l'affichage X11 ou Wayland). Un poste de bureau neuf n'en a pas toujours
une partie : au lieu de laisser Qt s'arrêter sur « could not load the Qt platform plugin »,
``verifier_qt`` essaie de charger chacune (``ctypes.CDLL``) et dit en français quels paquets
Debian / Ubuntu installer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import subprocess
import sys
import venv
from collections.abc import Iterable, Mapping
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
VENV = RACINE / ".venv"
MINIMUM = (3, 11)
EXTRAS = "test"  # installés une fois pour toutes : demarrer et tester partagent le même .venv

# Bibliothèque (nom de chargement) → paquet Debian / Ubuntu qui la fournit.
# Celles de QtCore, QtGui et QtWidgets, nécessaires même sans écran (tests « offscreen ») :
BIBLIOTHEQUES_QT = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6",
}
# Celles de l'affichage, selon la plateforme de Qt (greffon « xcb » pour X11, « wayland ») :
BIBLIOTHEQUES_AFFICHAGE = {
    "xcb": {
        "libxcb.so.1": "libxcb1",
        "libX11-xcb.so.1": "libx11-xcb1",
        "libxcb-cursor.so.0": "libxcb-cursor0",
        "libxcb-icccm.so.4": "libxcb-icccm4",
        "libxcb-image.so.0": "libxcb-image0",
        "libxcb-keysyms.so.1": "libxcb-keysyms1",
        "libxcb-randr.so.0": "libxcb-randr0",
        "libxcb-render-util.so.0": "libxcb-render-util0",
        "libxcb-render.so.0": "libxcb-render0",
        "libxcb-shape.so.0": "libxcb-shape0",
        "libxcb-shm.so.0": "libxcb-shm0",
        "libxcb-sync.so.1": "libxcb-sync1",
        "libxcb-util.so.1": "libxcb-util1",
        "libxcb-xfixes.so.0": "libxcb-xfixes0",
        "libxcb-xkb.so.1": "libxcb-xkb1",
        "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    },
    "wayland": {
        "libwayland-client.so.0": "libwayland-client0",
        "libwayland-cursor.so.0": "libwayland-cursor0",
        "libwayland-egl.so.1": "libwayland-egl1",
    },
}
# Les commandes d'administration n'ouvrent pas de fenêtre : pas besoin d'affichage pour elles.
COMMANDES_SANS_FENETRE = {"demo", "sauvegarder", "restaurer", "verifier", "administrer",
                          "-h", "--help", "--version"}


def executable(nom: str) -> Path:
    dossier = VENV / ("Scripts" if os.name == "nt" else "bin")
    return dossier / (f"{nom}.exe" if os.name == "nt" else nom)


def empreinte() -> str:
    """L'empreinte de l'installation : ``pyproject.toml`` et les extras, les mêmes pour les deux commandes."""
    return hashlib.sha256((RACINE / "pyproject.toml").read_bytes() + EXTRAS.encode()).hexdigest()[:16]


def preparer() -> Path:
    """Rend le Python de ``.venv`` après avoir installé le projet et ses extras de test si besoin."""
    if sys.version_info < MINIMUM:
        sys.exit(
            f"Instruction demande Python {MINIMUM[0]}.{MINIMUM[1]} ou plus récent "
            f"(celui-ci est {sys.version.split()[0]})."
        )
    python = executable("python")
    if not python.exists():
        verifier_venv()
        print("Création de l'environnement Python (.venv)…", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    temoin = VENV / f".installe-{empreinte()}"
    if not temoin.exists():
        print("Installation d'Instruction, de ses dépendances et de ses outils de test…", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".[{EXTRAS}]"],
            cwd=RACINE,
            check=True,
        )
        for ancien in VENV.glob(".installe-*"):
            ancien.unlink()
        temoin.touch()
    return python


def verifier_venv() -> None:
    """Debian et Ubuntu livrent le module ``venv`` sans ``ensurepip`` : le dire au lieu d'un .venv à moitié créé."""
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        sys.exit(
            "Python ne peut pas créer d'environnement (.venv) sur ce poste : le module « ensurepip » manque.\n"
            "Sous Debian ou Ubuntu, installez-le avec :\n\n"
            f"    sudo apt-get install python3-venv python{version}-venv\n\n"
            "puis relancez la commande."
        )


def _chargeable(nom: str) -> bool:
    try:
        ctypes.CDLL(nom)
        return True
    except OSError:
        # Certaines distributions ne gardent que le nom sans version dans le cache de ldconfig.
        court = nom.removeprefix("lib").split(".so")[0]
        trouve = ctypes.util.find_library(court)
        if trouve is None:
            return False
        try:
            ctypes.CDLL(trouve)
            return True
        except OSError:
            return False


def manquantes(bibliotheques: Mapping[str, str]) -> dict[str, str]:
    """Les bibliothèques (nom → paquet) qui ne se chargent pas sur ce poste."""
    return {nom: paquet for nom, paquet in bibliotheques.items() if not _chargeable(nom)}


def plateformes(environnement: Mapping[str, str]) -> list[str]:
    """Les greffons d'affichage que Qt essaiera, dans son ordre (d'après ``QT_QPA_PLATFORM`` ou la session)."""
    demande = environnement.get("QT_QPA_PLATFORM", "").strip()
    if demande:
        return [p.split(":")[0].strip() for p in demande.split(";") if p.strip()]
    if environnement.get("XDG_SESSION_TYPE") == "wayland" or environnement.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def probleme_qt(environnement: Mapping[str, str], *, fenetre: bool,
                charger=manquantes) -> str | None:
    """Ce qui empêcherait Qt de démarrer sur ce poste Linux, en français ; ``None`` si tout y est."""
    absentes = dict(charger(BIBLIOTHEQUES_QT))
    if fenetre:
        candidates = [p for p in plateformes(environnement) if p in BIBLIOTHEQUES_AFFICHAGE]
        if candidates:
            manques = [dict(charger(BIBLIOTHEQUES_AFFICHAGE[p])) for p in candidates]
            # Qt prend le premier greffon qui se charge : il suffit que l'un d'eux soit complet.
            if all(manques):
                absentes.update(manques[0])
        if not absentes and not (environnement.get("DISPLAY") or environnement.get("WAYLAND_DISPLAY")) \
                and candidates:
            return ("Aucun écran graphique n'est disponible (ni DISPLAY ni WAYLAND_DISPLAY) : lancez "
                    "Instruction depuis une session de bureau.")
    if not absentes:
        return None
    return message_paquets(absentes)


def message_paquets(absentes: Mapping[str, str]) -> str:
    paquets = sorted(set(absentes.values()))
    return (
        "Qt (l'interface d'Instruction) a besoin de bibliothèques du système qui manquent sur ce poste : "
        + ", ".join(sorted(absentes)) + ".\n"
        "Sous Debian ou Ubuntu, installez-les (droits d'administrateur) avec :\n\n"
        f"    sudo apt-get install {' '.join(paquets)}\n\n"
        "puis relancez la commande."
    )


def verifier_qt(environnement: Mapping[str, str], arguments: Iterable[str] = ()) -> None:
    """Arrête avec un message en français si Qt ne peut pas démarrer faute d'une bibliothèque du système.

    Une commande sans fenêtre (``demo``, ``sauvegarder``…) n'importe pas Qt : rien à vérifier pour elle."""
    if not sys.platform.startswith("linux") or set(arguments) & COMMANDES_SANS_FENETRE:
        return  # les roues de PySide6 pour Windows et macOS embarquent ce qu'il leur faut
    probleme = probleme_qt(environnement, fenetre=True)
    if probleme:
        sys.exit(probleme)
