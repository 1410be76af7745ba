"""Une pièce jointe ne sort jamais de son dossier : noms assainis, copies de travail dans un dossier privé.

* ``nom_sur`` : le nom gardé en base pour une pièce. On n'en garde que le dernier élément (séparateurs de
  Windows et d'Unix, lecteur « C: » compris), sans caractère de contrôle ni caractère interdit sous Windows
  (``< > : " / \\ | ? *``), sans point ni espace en tête ou en fin (« .. » ne désigne plus le dossier
  parent), sans nom réservé de Windows (CON, NUL, COM1…), 255 octets au plus en gardant l'extension.
* ``copie_de_travail`` : ouvrir une pièce l'écrit dans un dossier temporaire privé (droits 0700, un
  sous-dossier par copie) sous un nom assaini de nouveau — un nom lu en base n'est jamais cru — et le
  chemin final est vérifié (``resolve``) : il est dans ce dossier, sinon rien n'est écrit.
* ``effacer_copies_de_travail`` : à la fermeture de l'application, les copies sont effacées.

Aucun Qt ici : l'écran appelle ces fonctions puis demande au système d'ouvrir le fichier.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from pathlib import Path

from instruction.domaine.erreurs import ErreurInstruction

NOM_PAR_DEFAUT = "piece"
OCTETS_MAXIMUM = 255  # la limite d'un nom de fichier (NTFS, ext4, APFS)
_INTERDITS = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')
_RESERVES = {"CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10)),
             *(f"COM{c}" for c in "¹²³"), *(f"LPT{c}" for c in "¹²³")}

_verrou = threading.Lock()
_dossier: Path | None = None


def nom_sur(nom: str | None) -> str:
    """Un nom de fichier sans chemin, valable sous Windows comme sous Linux et macOS."""
    texte = unicodedata.normalize("NFC", str(nom or ""))
    texte = re.split(r"[\\/]", texte)[-1]  # le dernier élément, quel que soit le séparateur
    texte = re.sub(r"^[A-Za-z]:", "", texte)  # « C:rapport.pdf » (relatif au lecteur C:)
    texte = _INTERDITS.sub("_", texte)
    texte = texte.strip(" .")  # « .. », « . », un point ou une espace finale (ignorés par Windows)
    if texte.split(".", 1)[0].rstrip(" ").upper() in _RESERVES:  # « CON », « nul .pdf », « COM1.tar.gz »
        texte = f"_{texte}"
    if not texte.strip("_"):
        texte = NOM_PAR_DEFAUT
    return _tronquer(texte)


def _tronquer(texte: str) -> str:
    if len(texte.encode("utf-8")) <= OCTETS_MAXIMUM:
        return texte
    tige, point, extension = texte.rpartition(".")
    if not point or len(extension.encode("utf-8")) > 20:
        tige, point, extension = texte, "", ""
    suffixe = f"{point}{extension}"
    place = OCTETS_MAXIMUM - len(suffixe.encode("utf-8"))
    coupe = tige.encode("utf-8")[:place].decode("utf-8", errors="ignore").rstrip(" .")
    return (coupe or NOM_PAR_DEFAUT) + suffixe


def dossier_des_copies() -> Path:
    """Le dossier privé (0700) de cette session de l'application, créé au premier besoin."""
    global _dossier
    with _verrou:
        if _dossier is None or not _dossier.is_dir():
            _dossier = Path(tempfile.mkdtemp(prefix="instruction-pieces-")).resolve()
            _dossier.chmod(0o700)
            atexit.register(effacer_copies_de_travail)  # si la fermeture normale n'a pas eu lieu
        return _dossier


def copie_de_travail(nom: str, contenu: bytes) -> Path:
    """Écrit ``contenu`` dans le dossier privé sous le nom assaini ``nom`` ; rend le chemin écrit.

    Chaque copie a son propre sous-dossier : deux pièces de même nom ne s'écrasent pas. Le fichier est
    créé, jamais ouvert s'il existe déjà ni suivi s'il est un lien (``O_EXCL``, ``O_NOFOLLOW``)."""
    racine = dossier_des_copies()
    try:
        sous_dossier = Path(tempfile.mkdtemp(dir=racine)).resolve()
        fichier = (sous_dossier / nom_sur(nom)).resolve()
        if fichier.parent != sous_dossier or not fichier.is_relative_to(racine):
            raise ErreurInstruction(f"Le nom de la pièce « {nom} » désigne un autre dossier : elle n'est pas "
                                    "ouverte. Enregistrez-la sous un autre nom (clic droit, « Enregistrer sous »).")
        options = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        descripteur = os.open(fichier, options, 0o600)
        with os.fdopen(descripteur, "wb") as sortie:
            sortie.write(contenu)
    except OSError as erreur:
        raise ErreurInstruction(
            f"Impossible d'écrire la copie de la pièce « {nom_sur(nom)} » dans le dossier temporaire "
            f"({erreur.strerror or erreur}). Vérifiez la place libre sur le disque, ou enregistrez la pièce "
            "ailleurs (« Enregistrer sous »).", detail=repr(erreur)) from None
    return fichier


def effacer_copies_de_travail() -> None:
    """Efface le dossier des copies (à la fermeture de l'application). Sans effet s'il n'existe pas."""
    global _dossier
    with _verrou:
        dossier, _dossier = _dossier, None
    if dossier is not None:
        shutil.rmtree(dossier, ignore_errors=True)
