"""Ce que partagent les classeurs Excel : formats français, en-têtes, écriture sans fichier à moitié écrit.

Aucun texte ne devient une formule. Un export écrit ses lignes par ``ajouter`` (ou ``ecrire``) et ses
totaux par ``Formule`` ; à l'enregistrement, toute cellule de texte qui commence par ``=``, ``+``, ``-``,
``@``, une tabulation ou un retour chariot est écrite comme texte (type chaîne, préfixe « ' » du tableur),
et toute formule qui n'est pas une ``Formule`` du programme redevient le texte qu'elle était. Les caractères
de contrôle qu'un classeur ne peut pas contenir (un NUL gardé par une version d'avant…) sont remplacés par
leur symbole visible (␀, ␇…) : un export n'échoue jamais à cause d'eux.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterable
from pathlib import Path

from instruction.domaine.erreurs import ErreurInstruction

FORMAT_EUROS = '#,##0.00\\ "€"'
FORMAT_DATE = "dd/mm/yyyy"
FORMAT_POURCENT = "0.0\\ %"
# Ce par quoi un tableur reconnaît une formule (ou une commande, pour un CSV ouvert dans un tableur).
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
# Ce qu'un classeur .xlsx ne peut pas contenir (openpyxl le refuse) : les contrôles sauf tabulation et sauts.
_CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Formule(str):
    """Une formule écrite par le programme (un total « =SUM(D6:D12) ») : la seule chaîne qui reste formule."""


_formules: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # feuille → coordonnées des Formule


def texte_sur(valeur: str) -> str:
    """Le texte sans les contrôles qu'un classeur refuse, remplacés par leur symbole visible (U+2400…)."""
    return _CONTROLES.sub(lambda trouve: chr(0x2400 + ord(trouve.group())), valeur)


def titre_de_feuille(titre: str) -> str:
    """Un nom d'onglet que le tableur accepte : sans « \\ / ? * [ ] : » ni contrôle, 31 caractères au plus."""
    propre = re.sub(r"[\\/?*\[\]:\x00-\x1f\x7f]", " ", titre or "").strip(" '")[:31].strip(" '")
    return propre or "Feuille"


def ligne(valeurs: Iterable) -> list:
    """Les valeurs d'une ligne, prêtes pour ``feuille.append`` : textes sans contrôles interdits."""
    return [texte_sur(v) if isinstance(v, str) and not isinstance(v, Formule) else v for v in valeurs]


def ajouter(feuille, valeurs: Iterable) -> int:
    """Ajoute une ligne à la feuille (comme ``append``) ; rend son rang."""
    valeurs = list(valeurs)
    feuille.append(ligne(valeurs))
    rang = feuille.max_row
    for colonne, valeur in enumerate(valeurs, start=1):
        if isinstance(valeur, Formule):
            _formules.setdefault(feuille, set()).add(feuille.cell(rang, colonne).coordinate)
    return rang


def ecrire(feuille, rang: int, colonne: int, valeur):
    """Écrit une cellule ; une ``Formule`` reste une formule, tout autre texte reste du texte."""
    cellule = feuille.cell(rang, colonne)
    cellule.value = ligne([valeur])[0]
    if isinstance(valeur, Formule):
        _formules.setdefault(feuille, set()).add(cellule.coordinate)
    return cellule


def proteger(classeur) -> None:
    """Toute cellule de texte reste du texte (voir le début du module) ; appelé par ``enregistrer``."""
    for feuille in classeur.worksheets:
        permises = _formules.get(feuille, set())
        for rangee in feuille.iter_rows():
            for cellule in rangee:
                if cellule.data_type == "f" and cellule.coordinate in permises:
                    continue
                if cellule.data_type == "f" or (isinstance(cellule.value, str)
                                                and cellule.value.startswith(DEBUTS_DE_FORMULE)):
                    cellule.data_type = "s"
                    cellule.quotePrefix = True


def avec_extension(fichier: Path) -> Path:
    fichier = Path(fichier)
    return fichier if fichier.suffix.lower() == ".xlsx" else fichier.with_suffix(".xlsx")


def styler_entete(cellules) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cellule in cellules:
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="DDE6F0")
        cellule.alignment = Alignment(vertical="center", wrap_text=True)


def enregistrer(classeur, fichier: Path) -> Path:
    """Écrit le classeur dans un fichier temporaire puis le met à sa place."""
    temporaire = fichier.with_name(f".{fichier.name}.partiel")
    proteger(classeur)
    try:
        classeur.save(temporaire)
        os.replace(temporaire, fichier)
    except OSError as erreur:
        temporaire.unlink(missing_ok=True)
        raise ErreurInstruction(
            f"Impossible d'écrire « {fichier} » : {erreur.strerror or erreur}. Le fichier est peut-être ouvert "
            "dans un tableur, ou le dossier n'est pas accessible en écriture.",
            detail=repr(erreur),
        ) from None
    return fichier
