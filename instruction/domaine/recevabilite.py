"""La recevabilité d'un dossier : la liste des points contrôlés, chacun avec sa source.

Un dossier est recevable quand tous les points sont respectés : c'est la condition pour le
déclarer recevable (``instruction.workflow``). Les points sont calculés à partir du dossier ;
ils ne jugent pas l'éligibilité de l'action (voir ``eligibilite``). Les pièces exigées dépendent du
porteur, du dispositif et, pour un renouvellement, de ce qui a changé chez le porteur depuis la demande
renouvelée (``pieces.TypePiece.exigee``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from instruction.domaine import argent, budget, pieces, porteurs

if TYPE_CHECKING:
    from instruction.domaine.dossier import DonneesDossier, Porteur

CERFA = "Formulaire CERFA n° 12156*06 et sa notice"


@dataclass(frozen=True)
class Point:
    code: str
    libelle: str
    respecte: bool
    detail: str  # ce qui manque (vide si respecté)
    source: str
    section: str = ""  # où le corriger : section de l'onglet du dossier (« budget », « pieces »…) ou « porteur »
    champ: str = ""  # le champ du formulaire, s'il y en a un


def points(donnees: DonneesDossier, porteur: Porteur, dispositif: str | None, jointes: list[str]) -> list[Point]:
    lignes = donnees.lignes_budget()
    resultat: list[Point] = []

    def point(code: str, libelle: str, respecte: bool, detail: str, source: str = CERFA, *, section: str,
              champ: str = "") -> None:
        resultat.append(Point(code, libelle, respecte, "" if respecte else detail, source, section, champ))

    ecart = budget.ecart(lignes)
    if ecart > 0:
        desequilibre = f"les charges dépassent les produits de {argent.formater(ecart)}"
    else:
        desequilibre = f"les produits dépassent les charges de {argent.formater(-ecart)}"
    point("budget-charges", "Budget prévisionnel renseigné", any(l.sens == budget.CHARGE for l in lignes),
          "Le budget prévisionnel n'a aucune charge.", section="budget")
    point("budget-equilibre", "Budget équilibré au centime", ecart == 0,
          f"Le budget n'est pas équilibré : {desequilibre}.", section="budget")
    point("dates", "Dates de début et de fin", bool(donnees.date_debut and donnees.date_fin),
          "Les dates de début et de fin de l'action ne sont pas renseignées.", section="calendrier",
          champ="date_fin" if donnees.date_debut else "date_debut")
    point("description", "Description de l'action", bool(donnees.description),
          "La description de l'action n'est pas renseignée.", section="action", champ="description")
    point("objectifs", "Objectifs du projet de territoire", bool(donnees.objectifs),
          "Aucun objectif opérationnel du projet de territoire n'est choisi.",
          "Contrat de ville, projet de territoire (l. 2611-3261)", section="action", champ="objectifs")
    point("quartiers", "Quartiers concernés", bool(donnees.quartiers), "Aucun quartier n'est indiqué.",
          section="publics", champ="quartiers")
    point("beneficiaires", "Bénéficiaires prévus", donnees.beneficiaires is not None,
          "Le nombre de bénéficiaires prévus n'est pas renseigné.", section="publics", champ="beneficiaires")
    if porteur.type in porteurs.SIRET_EXIGE:
        point("siret", "SIRET du porteur", bool(porteur.siret), "Le porteur n'a pas de SIRET (fiche du porteur).",
              section="porteur")
    point("signataire", "Représentant légal (signataire)", bool(porteur.representant),
          "Le porteur n'a pas de représentant légal, qui signe la demande (fiche du porteur).", section="porteur")
    for piece in pieces.types():
        if piece.exigee(porteur.type, dispositif, renouvellement=donnees.renouvellement,
                        changements=porteur.changements):
            source = f"Contrat de ville, l. {piece.ligne}" if piece.ligne else CERFA
            point(f"piece-{piece.code}", piece.libelle, piece.code in jointes,
                  f"Pièce manquante : {piece.libelle}.", source, section="pieces")
    return resultat
