"""Les grilles transversales remplies pour les dossiers de démonstration.

Les réponses se déduisent de ce que dit le dossier (une action « au féminin » vise l'égalité, des
ateliers numériques l'illectronisme, un public en situation de handicap l'inclusion) avec un tirage
déterministe pour le reste (une graine par dossier : les réponses ne dépendent pas de l'ordre) ; elles
passent par le service des cotations, comme celles d'un instructeur, à la date où l'instructeur les remplit
(pendant l'instruction, avant la proposition). Les dossiers 2023 sont cotés sur les trois grilles ; en
2027, ceux qui sont instruits, et un dossier en instruction dont la grille égalité est en cours.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass

from instruction.domaine import grilles
from instruction.domaine.texte import pour_recherche

GRAINE = "cotations-demo"
# Ce qui, dans l'intitulé, le résumé ou la description, fait d'une thématique l'objet principal de l'action.
MOTS = {
    "egalite-femmes-hommes": ("femmes", "feminin", "filles", "meres", "egalite", "sexis", "violences conjugales"),
    "illettrisme-illectronisme": ("numerique", "illectronisme", "illettrisme", "lecture", "ecriture", "francais",
                                  "alphabetisation", "demarches en ligne", "savoirs de base"),
    "handicap": ("handicap", "autisme", "inclusion", "accessib", "pmr", "sourds", "malvoyants"),
}
COMMENTAIRES = {
    "egalite-femmes-hommes": "Effectifs prévus par sexe dans le dossier ; à suivre au bilan.",
    "illettrisme-illectronisme": "Orientation vers la Coopérative des solutions prévue avec le porteur.",
    "handicap": "Lieu accessible vérifié lors de la visite.",
}


@dataclass(frozen=True)
class ACoter:
    """Ce que l'instructeur lit du dossier pour remplir ses grilles, et le moment où il le fait."""

    id: int
    numero: str
    texte: str  # intitulé, résumé et description
    femmes: int | None
    hommes: int | None
    le: dt.datetime | None = None  # UTC ; fixé par le circuit, pendant l'instruction


def _niveau(code: str, texte: str, femmes: int | None, hommes: int | None) -> int:
    """2 : la thématique est l'objet de l'action ; 1 : elle est prise en compte ; 0 : peu."""
    if any(mot in texte for mot in MOTS[code]):
        return 2
    if code == "egalite-femmes-hommes" and femmes is not None and hommes is not None and femmes + hommes:
        return 1 if abs(femmes - hommes) <= (femmes + hommes) // 3 else 0
    return 1 if zlib.crc32(texte.encode()) % 3 == 0 else 0  # stable d'un lancement à l'autre


def reponses_pour(version: grilles.Version, niveau: int, alea: random.Random) -> dict[str, tuple[str, str | None]]:
    chances = {2: (0.8, 0.15), 1: (0.4, 0.4), 0: (0.1, 0.3)}[niveau]  # (oui, partiellement)
    resultat = {}
    for question in version.questions:
        if question.code.endswith("objectif-principal"):
            reponse = grilles.OUI if niveau == 2 else grilles.NON
        elif question.code.endswith("objectif-explicite"):
            reponse = grilles.OUI if niveau == 2 else (grilles.PARTIELLEMENT if niveau == 1 else grilles.NON)
        elif question.code.endswith("garde") and niveau == 0:
            reponse = grilles.SANS_OBJET
        else:
            tirage = alea.random()
            reponse = (grilles.OUI if tirage < chances[0] else
                       grilles.PARTIELLEMENT if tirage < chances[0] + chances[1] else grilles.NON)
        resultat[question.code] = (reponse, None)
    return resultat


def coter(uow, dossier: ACoter, *, partielle: bool = False) -> None:
    """Remplit les trois grilles du dossier (pendant son instruction), à la date ``dossier.le`` ; ``partielle`` :
    seulement la moitié de la grille égalité (l'instructeur n'a pas fini)."""
    from instruction.services import cotations

    alea = random.Random(f"{GRAINE}-{dossier.numero}")
    texte = pour_recherche(dossier.texte)
    for grille in grilles.charger():
        if partielle and grille.code != "egalite-femmes-hommes":
            continue
        niveau = _niveau(grille.code, texte, dossier.femmes, dossier.hommes)
        reponses = reponses_pour(grille.courante, niveau, alea)
        if partielle:
            reponses = dict(list(reponses.items())[: len(reponses) // 2])
        elif niveau == 2:
            premiere = next(iter(reponses))
            reponses[premiere] = (reponses[premiere][0], COMMENTAIRES[grille.code])
        cotations.repondre_plusieurs(uow, dossier.id, grille.code, reponses, le=dossier.le)
