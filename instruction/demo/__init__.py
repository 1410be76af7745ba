"""La démonstration : des campagnes réalistes pour découvrir l'application et tester ses règles.

* ``programmation_2023`` : le plan, déterministe, de la programmation 2023 publiée par le contrat de ville
  (porteurs, actions, budgets déposés, décisions des comités qui tombent juste sur les montants publiés) —
  pur, sans base ; ``seances_decrites`` : les séances lues dans la description de chaque action ;
* ``ecriture`` : l'écriture en base (``remplir``), par les services, comme une saisie ;
* ``circuit``, ``cotations``, ``en_cours`` : le circuit daté, les grilles et l'AAP 2027 en cours, par les services.
"""

from instruction.demo.ecriture import remplir
from instruction.demo.programmation_2023 import CIBLES, TYPES_ELIGIBLES, Bilan, Plan, planifier, ventiler

__all__ = ["CIBLES", "TYPES_ELIGIBLES", "Bilan", "Plan", "planifier", "remplir", "ventiler"]
