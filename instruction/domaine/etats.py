"""Les états d'un dossier, du dépôt au solde.

Les transitions permises et leurs conditions viendront avec le circuit
d'instruction ; ici, les états et leurs libellés, partagés par tous les écrans.
"""

from __future__ import annotations

from enum import StrEnum


class Etat(StrEnum):
    DEPOSE = "depose"
    INCOMPLET = "incomplet"
    RECEVABLE = "recevable"
    EN_INSTRUCTION = "en_instruction"
    INSTRUIT = "instruit"
    RETENU = "retenu"
    AJOURNE = "ajourne"
    REFUSE = "refuse"
    CONVENTIONNE = "conventionne"
    EN_COURS = "en_cours"
    SOLDE = "solde"
    SANS_SUITE = "sans_suite"

    @property
    def libelle(self) -> str:
        return LIBELLES[self]


LIBELLES = {
    Etat.DEPOSE: "Déposé",
    Etat.INCOMPLET: "Incomplet",
    Etat.RECEVABLE: "Recevable",
    Etat.EN_INSTRUCTION: "En instruction",
    Etat.INSTRUIT: "Instruit",
    Etat.RETENU: "Retenu",
    Etat.AJOURNE: "Ajourné",
    Etat.REFUSE: "Refusé",
    Etat.CONVENTIONNE: "Conventionné",
    Etat.EN_COURS: "En cours",
    Etat.SOLDE: "Soldé",
    Etat.SANS_SUITE: "Sans suite",
}


def libelle(code: str) -> str:
    try:
        return Etat(code).libelle
    except ValueError:
        return code
