"""La démonstration de la programmation : les enveloppes des cofinanceurs, et un scénario 2027.

Tout passe par les services (``services.enveloppes.fixer``, ``services.programmation.creer_scenario``), sous
le nom « démonstration », après les décisions 2023 (``demo.circuit``).

* **2023** : les enveloppes sont les chiffres publiés de la programmation (``programmation_2023.CIBLES``) :
  AAP Contrat de ville, l. 3569 du contrat (État politique de la ville 582 497 €, Ville de Calais 419 004 €,
  CA GCTM 55 775 €, CAF 208 108 €, Région 132 500 €, Département 12 715 €) ; AAP Cité éducative, l. 3591
  (État PV 300 000 €, Ville 108 900 €, CA GCTM 5 000 €, autres ministères 91 092 €) ; PIC, l. 3674
  (27 021 €). Les décisions de la démonstration y tombent juste : le reste à programmer de 2023 est nul.
* **2027** : le contrat ne publie pas d'enveloppes au-delà de 2023 ; la démonstration reconduit celles du
  Contrat de ville 2023 (chaque partenaire les confirmera au vote de son budget), et l'AAP 2027 en cours
  d'instruction reçoit un scénario « Propositions de l'instruction » pré-rempli avec les propositions des
  instructeurs (sinon les demandes), à ajuster dans le tableau de programmation.
"""

from __future__ import annotations

from decimal import Decimal

from instruction.demo.programmation_2023 import ANNEE, CIBLES

ANNEE_EN_COURS = 2027
SCENARIO_2027 = "Propositions de l'instruction"


def enveloppes_publiees() -> list[tuple[str, int, str, Decimal, str]]:
    """(cofinanceur, année, dispositif, montant, motif) : 2023 d'après le contrat, 2027 reconduites."""
    resultat = []
    for cible in CIBLES:
        for financeur, montant in cible.financeurs.items():
            resultat.append((financeur, ANNEE, cible.dispositif, Decimal(montant),
                             f"Programmation {ANNEE} publiée (contrat de ville, l. {cible.ligne})"))
    cdv = next(c for c in CIBLES if c.dispositif == "cdv")
    for financeur, montant in cdv.financeurs.items():
        resultat.append((financeur, ANNEE_EN_COURS, "cdv", Decimal(montant),
                         f"Enveloppes {ANNEE} reconduites en attendant le vote des budgets {ANNEE_EN_COURS}"))
    return resultat


def enveloppes(uow) -> int:
    """Saisit les enveloppes 2023 et 2027 ; rend leur nombre."""
    from instruction.services import enveloppes as service

    lignes = enveloppes_publiees()
    for financeur, annee, dispositif, montant, motif in lignes:
        service.fixer(uow, financeur, annee, dispositif, montant, motif=motif)
    return len(lignes)


def scenario_2027(uow) -> int | None:
    """Le scénario de l'AAP Contrat de ville 2027 (rend son identifiant ; None sans cette campagne)."""
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.services import programmation as service

    campagne_id = uow.session.scalar(select(m.Campagne.id).where(m.Campagne.dispositif_code == "cdv",
                                                                 m.Campagne.annee == ANNEE_EN_COURS))
    if campagne_id is None:
        return None
    return service.creer_scenario(uow, campagne_id, SCENARIO_2027).id
