"""Le comité des financeurs et le jury PIC : instances, membres proposés, règles d'une séance (règles pures).

Les instances et leurs membres par défaut sont des données (``resources/comite.yaml``, avec les lignes du
contrat de ville) : le comité des financeurs (l. 3826-3830) et le jury PIC (l. 3669-3670). Les règles des
montants décidés (refus à 0 €, pas plus que demandé sans justification, financements publics ≤ coût,
enveloppes) sont celles de la programmation (``domaine/programmation.py``) : la clôture d'une séance les
applique à chaque décision, comme le chemin dossier par dossier.

Choix faits là où le ticket est muet :

* une séance peut recevoir tout dossier instruit, de tout dispositif (le comité des financeurs examine le
  Contrat de ville et la Cité éducative ensemble, l. 3828) ; un dossier n'est qu'à l'ordre du jour d'une
  séance en préparation à la fois ;
* le motif d'une décision sert de justification à un montant au-delà de la demande ;
* un ajournement et un refus exigent leur motif (comme le passage d'état) ; un retenu sans montant est refusé ;
* un vote d'un partenaire peut différer de la décision du comité (la délibération est gardée telle quelle et
  l'écart est montré) : il ne réécrit pas les montants accordés.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from instruction.chemins import RESSOURCES
from instruction.domaine import argent
from instruction.domaine.erreurs import DonneesInvalides, ReferentielInvalide

PREPARATION, CLOSE = "preparation", "close"
STATUTS = {PREPARATION: "En préparation", CLOSE: "Close"}
RETENU, AJOURNE, REFUSE = "retenu", "ajourne", "refuse"
DECISIONS = {RETENU: "Retenu", AJOURNE: "Ajourné", REFUSE: "Refusé"}
NATURES_MOYENS = {"fonctionnement": "Fonctionnement", "investissement": "Investissement"}
LONGUEUR_INTITULE, LONGUEUR_LIEU, LONGUEUR_QUALITE, LONGUEUR_REFERENCE = 200, 200, 200, 120


@dataclass(frozen=True)
class Instance:
    code: str
    libelle: str
    source: str
    dispositifs: tuple[str, ...]
    membres: tuple[str, ...]
    delibere_ensuite: bool


@lru_cache(maxsize=1)
def instances() -> dict[str, Instance]:
    """Les instances déclarées dans ``resources/comite.yaml``, par code."""
    import yaml

    fichier = RESSOURCES / "comite.yaml"
    donnees = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    resultat = {}
    for brute in donnees.get("instances", []):
        try:
            instance = Instance(brute["code"], brute["libelle"], brute["source"], tuple(brute.get("dispositifs", ())),
                                tuple(brute["membres"]), bool(brute.get("delibere_ensuite", False)))
        except (KeyError, TypeError) as erreur:
            raise ReferentielInvalide(f"{fichier} : instance mal décrite ({erreur}).") from erreur
        if not instance.membres:
            raise ReferentielInvalide(f"{fichier} : l'instance {instance.code} n'a aucun membre.")
        resultat[instance.code] = instance
    if not resultat:
        raise ReferentielInvalide(f"{fichier} : aucune instance.")
    return resultat


def instance(code: str) -> Instance:
    try:
        return instances()[code]
    except KeyError:
        raise DonneesInvalides(f"Instance inconnue : {code} (connues : "
                               f"{', '.join(i.libelle for i in instances().values())}).") from None


def intitule_par_defaut(code_instance: str, jour: dt.date) -> str:
    return f"{instance(code_instance).libelle} du {jour:%d/%m/%Y}"


PRESENT, EXCUSE, ABSENT = "present", "excuse", "absent"
PRESENCES = {PRESENT: "présent", EXCUSE: "excusé", ABSENT: "absent"}


@dataclass(frozen=True)
class Membre:
    qualite: str
    nom: str = ""
    present: bool = True
    excuse: bool = False  # absent, mais excusé (n'a de sens que pour un membre absent)

    @property
    def presence(self) -> str:
        return PRESENT if self.present else EXCUSE if self.excuse else ABSENT

    @property
    def libelle_presence(self) -> str:
        return PRESENCES[self.presence]


def verifier_seance(intitule: str, jour: dt.date | None, lieu: str, membres: list[Membre]) -> list[str]:
    """Ce qui ne va pas dans la description d'une séance (vide : elle est acceptable)."""
    erreurs = []
    if not intitule.strip():
        erreurs.append("Donnez un intitulé à la séance.")
    elif len(intitule) > LONGUEUR_INTITULE:
        erreurs.append(f"L'intitulé dépasse {LONGUEUR_INTITULE} caractères.")
    if jour is None:
        erreurs.append("Indiquez la date de la séance.")
    if len(lieu) > LONGUEUR_LIEU:
        erreurs.append(f"Le lieu dépasse {LONGUEUR_LIEU} caractères.")
    for rang, membre in enumerate(membres, start=1):
        if not membre.qualite.strip():
            erreurs.append(f"Membre n° {rang} : indiquez sa qualité (ce qu'il représente).")
        elif len(membre.qualite) > LONGUEUR_QUALITE or len(membre.nom) > LONGUEUR_QUALITE:
            erreurs.append(f"Membre n° {rang} : {LONGUEUR_QUALITE} caractères au plus.")
    return erreurs


def erreurs_de_saisie(decision: str, motif: str | None, montants: Mapping[str, Decimal]) -> list[str]:
    """La forme d'une décision saisie en séance (les règles des montants viennent de la programmation)."""
    if decision not in DECISIONS:
        return [f"Décision inconnue : {decision} (retenu, ajourné ou refusé)."]
    erreurs = []
    if decision in (AJOURNE, REFUSE) and not (motif or "").strip():
        erreurs.append(f"Un dossier « {DECISIONS[decision].lower()} » dit pourquoi : écrivez le motif.")
    if decision == RETENU and not any(v and v > 0 for v in montants.values()):
        erreurs.append("Un dossier retenu reçoit au moins un montant : saisissez les montants décidés, ou refusez-le.")
    return erreurs


def verifier_deliberation(instance_deliberante: str, jour: dt.date | None, reference: str,
                          montant: Decimal | None, *, seance_le: dt.date, aujourd_hui: dt.date) -> list[str]:
    """Le vote d'un partenaire : instance, date (après la séance, pas dans le futur), référence, montant."""
    erreurs = []
    if not instance_deliberante.strip():
        erreurs.append("Indiquez l'instance qui a voté (conseil municipal, commission permanente…).")
    elif len(instance_deliberante) > LONGUEUR_QUALITE:
        erreurs.append(f"L'instance dépasse {LONGUEUR_QUALITE} caractères.")
    if jour is None:
        erreurs.append("Indiquez la date du vote.")
    elif jour < seance_le:
        erreurs.append(f"Le vote ({jour:%d/%m/%Y}) précède la séance du comité ({seance_le:%d/%m/%Y}) : "
                       "les partenaires délibèrent sur la programmation actée par le comité.")
    elif jour > aujourd_hui:
        erreurs.append(f"Le vote ({jour:%d/%m/%Y}) est dans le futur.")
    if not reference.strip():
        erreurs.append("Indiquez la référence de la délibération ou de l'arrêté.")
    elif len(reference) > LONGUEUR_REFERENCE:
        erreurs.append(f"La référence dépasse {LONGUEUR_REFERENCE} caractères.")
    if montant is None or montant < 0:
        erreurs.append("Le montant voté est positif ou nul.")
    elif montant != montant.quantize(argent.CENTIME):
        erreurs.append(f"{argent.formater(montant)} a plus de deux décimales.")
    return erreurs
