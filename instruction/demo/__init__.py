"""La démonstration : des campagnes réalistes pour découvrir l'application et tester ses règles.

* ``programmation_2023`` : le plan, déterministe, de la programmation 2023 publiée par le contrat de ville
  (porteurs, actions, budgets ventilés pour tomber juste sur les totaux) — pur, sans base ;
* ``ecriture`` : l'écriture en base (``remplir``) ;
* ``circuit``, ``cotations``, ``en_cours`` : le circuit, les grilles et l'AAP 2027 en cours, par les services.
"""

from instruction.demo.ecriture import remplir
from instruction.demo.programmation_2023 import CIBLES, TYPES_ELIGIBLES, Bilan, Plan, planifier, ventiler

__all__ = ["CIBLES", "TYPES_ELIGIBLES", "Bilan", "Plan", "planifier", "remplir", "ventiler"]
