"""Le circuit d'un dossier : ses états et les passages permis de l'un à l'autre.

déposé → incomplet (compléments demandés) ⇄ recevable → en instruction → instruit (proposition)
→ retenu / ajourné / refusé au comité des financeurs → conventionné → en cours → soldé ;
« sans suite » depuis tout état ouvert. Un refus ou un classement sans suite exige un motif.
Avant la convention, une décision du comité se reprend (« Reprendre l'instruction… », motif exigé) ;
après, seul un avenant à la convention la change (``instruction.gel``).

Chaque passage a sa date métier (``verifier_date``) : le jour où il a eu lieu, qui peut précéder sa
saisie (jamais dans le futur, ni avant le dépôt, ni avant le passage précédent) ; une décision du
comité prend la date de sa séance. Un passage refusé pour une raison prévue lève ``PassageRefuse``,
qui dit point par point quoi corriger et où (``ACorriger``).

Les conditions qui dépendent des données (recevabilité, examen d'éligibilité) sont vérifiées par
le service (``instruction.services.instruction``) ; ici, la forme du circuit et les règles pures
que le service applique au passage : « instruit » exige la cotation des grilles obligatoires
(``exiger_grilles_cotees`` : la grille égalité femmes hommes « doit être remplie pour chaque
projet », contrat de ville l. 2647).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat

E = Etat


@dataclass(frozen=True)
class Passage:
    vers: Etat
    action: str  # le libellé du bouton ; chaque passage ouvre sa boîte (date, motif…), d'où les « … »
    motif_obligatoire: bool = False
    aide: str = ""


TERMINAUX = {E.SOLDE, E.REFUSE, E.SANS_SUITE}

_SANS_SUITE = Passage(E.SANS_SUITE, "Classer sans suite…", True, "Le porteur renonce, ou le dossier ne peut aboutir")

PASSAGES: dict[Etat, tuple[Passage, ...]] = {
    E.DEPOSE: (
        Passage(E.RECEVABLE, "Déclarer recevable…",
                aide="Le dossier est complet : pièces, budget équilibré, signataire"),
        Passage(E.INCOMPLET, "Demander des compléments…", aide="Préciser ce qui est demandé"),
    ),
    E.INCOMPLET: (
        Passage(E.RECEVABLE, "Déclarer recevable…", aide="Les compléments sont arrivés et le dossier est complet"),
    ),
    E.RECEVABLE: (
        Passage(E.EN_INSTRUCTION, "Commencer l'instruction…"),
        Passage(E.INCOMPLET, "Demander des compléments…"),
    ),
    E.EN_INSTRUCTION: (
        Passage(E.INSTRUIT, "Terminer l'instruction (proposition)…",
                aide="L'examen d'éligibilité doit être enregistré et la grille égalité femmes hommes cotée ; la "
                     "proposition au comité est demandée"),
        Passage(E.INCOMPLET, "Demander des compléments…"),
    ),
    E.INSTRUIT: (
        Passage(E.RETENU, "Retenu par le comité des financeurs…", aide="Les montants accordés par chaque financeur"),
        Passage(E.AJOURNE, "Ajourné par le comité des financeurs…", True),
        Passage(E.REFUSE, "Refusé par le comité des financeurs…", True),
        Passage(E.EN_INSTRUCTION, "Reprendre l'instruction…", True),
    ),
    E.AJOURNE: (
        Passage(E.EN_INSTRUCTION, "Reprendre l'instruction…"),
    ),
    E.RETENU: (
        Passage(E.CONVENTIONNE, "Convention signée…"),
        # Avant la convention, la décision se reprend par ce chemin déclaré (motif exigé) ; après, par un avenant.
        Passage(E.EN_INSTRUCTION, "Reprendre l'instruction…", True,
                "Revenir sur la décision avant la convention : le comité devra décider de nouveau"),
    ),
    E.CONVENTIONNE: (
        Passage(E.EN_COURS, "Action commencée…"),
    ),
    E.EN_COURS: (
        Passage(E.SOLDE, "Solder le dossier…", aide="Le bilan est reçu et le solde versé"),
    ),
}


# Les décisions du comité des financeurs : le passage prend la date de la séance.
DECISIONS_DU_COMITE = frozenset({E.RETENU, E.AJOURNE, E.REFUSE})


@dataclass(frozen=True)
class ACorriger:
    """Ce qui empêche un passage, et où le corriger : ``section`` de l'onglet du dossier (« budget »,
    « pieces », « action », « instruction », « grilles », « eligibilite »…), ``champ`` éventuel."""

    texte: str
    section: str = "instruction"
    champ: str = ""
    libelle_bouton: str = ""


class PassageRefuse(DonneesInvalides):
    """Un passage refusé pour une raison prévue (dossier incomplet, examen manquant…) : l'écran le dit
    calmement, point par point, avec de quoi aller corriger ; ce n'est pas une panne."""

    def __init__(self, titre: str, a_corriger: Sequence[ACorriger]) -> None:
        self.titre = titre
        self.a_corriger = tuple(a_corriger)
        points = [a.texte for a in self.a_corriger]
        message = titre if not points else titre + (
            " " + points[0] if len(points) == 1 else "\n- " + "\n- ".join(points))
        super().__init__(message, detail="\n".join(points))


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
            f"Un dossier « {courant.libelle} » ne peut pas passer à l'état « {cible.libelle} » ; depuis cet état, "
            f"il peut passer à : {possibles}."
        )
    if passage.motif_obligatoire and not (motif or "").strip():
        raise DonneesInvalides(f"Indiquez le motif : le passage à l'état « {cible.libelle} » l'exige.")
    return passage


def exiger_grilles_cotees(cotations: Mapping[str, int | None], grilles=None) -> None:
    """Refuse de terminer l'instruction tant qu'une grille obligatoire n'a pas de cotation.

    ``cotations`` : code de la grille → cotation du dossier (retenue, sinon calculée ; None tant que des
    questions restent sans réponse) ; ``grilles`` : par défaut, celles de ``resources/grilles``. Seule la
    grille égalité femmes hommes est obligatoire (contrat de ville, l. 2647) ; les grilles illettrisme et
    handicap restent facultatives (le contrat n'en exige aucune)."""
    manquantes = grilles_non_cotees(cotations, grilles)
    if manquantes:
        raise PassageRefuse("L'instruction ne peut pas être terminée :", manquantes)


def grilles_non_cotees(cotations: Mapping[str, int | None], grilles=None) -> list[ACorriger]:
    """Les grilles obligatoires sans cotation, à corriger dans la section Grilles."""
    from instruction.domaine import grilles as g

    return [ACorriger(f"la « {grille.libelle} » n'est pas cotée (elle doit être remplie pour chaque "
                      "projet, contrat de ville l. 2647).", "grilles", grille.code, "Aller aux grilles")
            for grille in (g.charger() if grilles is None else grilles)
            if grille.obligatoire and cotations.get(grille.code) is None]


def verifier_date(vers: str, jour: dt.date, *, aujourd_hui: dt.date, depose_le: dt.date | None,
                  precedent: tuple[str, dt.date] | None) -> None:
    """La date métier d'un passage : ni dans le futur, ni avant le dépôt du dossier, ni avant le passage
    précédent (``precedent`` : son état d'arrivée et sa date). Une décision du comité prend la date de
    la séance : le message le rappelle."""
    quoi = ("La date de la séance du comité" if Etat(vers) in DECISIONS_DU_COMITE
            else "La date du passage")
    texte = f"{jour:%d/%m/%Y}"
    if jour > aujourd_hui:
        raise DonneesInvalides(f"{quoi} ({texte}) est dans le futur : un passage se date du jour où il a eu "
                               f"lieu, le {aujourd_hui:%d/%m/%Y} au plus tard.")
    if depose_le is not None and jour < depose_le:
        raise DonneesInvalides(f"{quoi} ({texte}) précède le dépôt du dossier, le {depose_le:%d/%m/%Y}.")
    if precedent is not None and jour < precedent[1]:
        raise DonneesInvalides(
            f"{quoi} ({texte}) précède le passage précédent (« {Etat(precedent[0]).libelle} » le "
            f"{precedent[1]:%d/%m/%Y}) : les passages se suivent dans l'ordre où ils ont eu lieu.")
