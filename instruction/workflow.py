"""Le circuit d'un dossier : ses états et les passages permis de l'un à l'autre.

déposé → incomplet (compléments demandés) ⇄ recevable → en instruction → instruit (proposition)
→ retenu / ajourné / refusé au comité des financeurs → conventionné → en cours → soldé ;
« sans suite » depuis tout état ouvert. Un refus ou un classement sans suite exige un motif.

Les conditions qui dépendent des données (recevabilité, examen d'éligibilité) sont vérifiées par
le service (``instruction.services.instruction``) ; ici, la forme du circuit et les règles pures
que le service applique au passage : « instruit » exige la cotation des grilles obligatoires
(``exiger_grilles_cotees`` : la grille égalité femmes hommes « doit être remplie pour chaque
projet », contrat de ville l. 2647).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from instruction.erreurs import DonneesInvalides
from instruction.etats import Etat

E = Etat


@dataclass(frozen=True)
class Passage:
    vers: Etat
    action: str  # le libellé du bouton
    motif_obligatoire: bool = False
    aide: str = ""


TERMINAUX = {E.SOLDE, E.REFUSE, E.SANS_SUITE}

_SANS_SUITE = Passage(E.SANS_SUITE, "Classer sans suite…", True, "Le porteur renonce, ou le dossier ne peut aboutir")

PASSAGES: dict[Etat, tuple[Passage, ...]] = {
    E.DEPOSE: (
        Passage(E.RECEVABLE, "Déclarer recevable", aide="Le dossier est complet : pièces, budget équilibré, signataire"),
        Passage(E.INCOMPLET, "Demander des compléments…", aide="Préciser ce qui est demandé"),
    ),
    E.INCOMPLET: (
        Passage(E.RECEVABLE, "Déclarer recevable", aide="Les compléments sont arrivés et le dossier est complet"),
    ),
    E.RECEVABLE: (
        Passage(E.EN_INSTRUCTION, "Commencer l'instruction"),
        Passage(E.INCOMPLET, "Demander des compléments…"),
    ),
    E.EN_INSTRUCTION: (
        Passage(E.INSTRUIT, "Terminer l'instruction (proposition)",
                aide="L'examen d'éligibilité doit être enregistré et la grille égalité femmes hommes cotée"),
        Passage(E.INCOMPLET, "Demander des compléments…"),
    ),
    E.INSTRUIT: (
        Passage(E.RETENU, "Retenu par le comité des financeurs…", aide="Les montants accordés par chaque financeur"),
        Passage(E.AJOURNE, "Ajourné par le comité des financeurs…", True),
        Passage(E.REFUSE, "Refusé par le comité des financeurs…", True),
        Passage(E.EN_INSTRUCTION, "Reprendre l'instruction…", True),
    ),
    E.AJOURNE: (
        Passage(E.EN_INSTRUCTION, "Reprendre l'instruction"),
    ),
    E.RETENU: (
        Passage(E.CONVENTIONNE, "Convention signée"),
    ),
    E.CONVENTIONNE: (
        Passage(E.EN_COURS, "Action commencée"),
    ),
    E.EN_COURS: (
        Passage(E.SOLDE, "Solder le dossier", aide="Le bilan est reçu et le solde versé"),
    ),
}


def passages(etat: str) -> tuple[Passage, ...]:
    """Les passages permis depuis ``etat`` (« sans suite » compris s'il est ouvert)."""
    courant = Etat(etat)
    permis = PASSAGES.get(courant, ())
    if courant not in TERMINAUX:
        permis = (*permis, _SANS_SUITE)
    return permis


def verifier(etat: str, vers: str, motif: str | None) -> Passage:
    """Le passage demandé, ou ``DonneesInvalides`` qui dit pourquoi il est refusé."""
    try:
        courant, cible = Etat(etat), Etat(vers)
    except ValueError:
        raise DonneesInvalides(f"État inconnu : {vers}.") from None
    passage = next((p for p in passages(courant) if p.vers == cible), None)
    if passage is None:
        if courant in TERMINAUX:
            raise DonneesInvalides(
                f"Le dossier est « {courant.libelle} » : c'est un état final, il ne change plus d'état."
            )
        possibles = ", ".join(f"« {p.vers.libelle} »" for p in passages(courant))
        raise DonneesInvalides(
            f"Un dossier « {courant.libelle} » ne peut pas passer à « {cible.libelle} ». Possibles : {possibles}."
        )
    if passage.motif_obligatoire and not (motif or "").strip():
        raise DonneesInvalides(f"Indiquez le motif : le passage à « {cible.libelle} » l'exige.")
    return passage


def exiger_grilles_cotees(cotations: Mapping[str, int | None], grilles=None) -> None:
    """Refuse de terminer l'instruction tant qu'une grille obligatoire n'a pas de cotation.

    ``cotations`` : code de la grille → cotation du dossier (retenue, sinon calculée ; None tant que des
    questions restent sans réponse) ; ``grilles`` : par défaut, celles de ``resources/grilles``. Seule la
    grille égalité femmes hommes est obligatoire (contrat de ville, l. 2647) ; les grilles illettrisme et
    handicap restent facultatives (le contrat n'en exige aucune)."""
    from instruction import grilles as g

    manquantes = [grille for grille in (g.charger() if grilles is None else grilles)
                  if grille.obligatoire and cotations.get(grille.code) is None]
    if manquantes:
        raise DonneesInvalides(
            "L'instruction ne peut pas être terminée : "
            + " ; ".join(f"la « {grille.libelle} » n'est pas cotée" for grille in manquantes)
            + " (elle doit être remplie pour chaque projet, contrat de ville l. 2647 ; section Grilles du dossier)."
        )
