"""Instruction : instruire les demandes de subvention de la politique de la ville.

Ce paquet est le domaine de l'application : règles, grilles, services et accès
aux données. Il n'importe jamais Qt ; seule l'interface (``instruction.ui``) le fait.
"""

__version__ = "0.1.0"

NOM_APPLICATION = "Instruction"
