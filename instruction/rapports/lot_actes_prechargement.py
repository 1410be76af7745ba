"""Ce que le serveur des processus du lot (``lot_actes``, « forkserver ») charge une fois avant de les lancer :
reportlab et ses styles, la bibliothèque de clauses vérifiée, le modèle du DOCX et ses parties fixes déjà
compressées. Chaque processus de travail en part tout prêt, au lieu de les relire pour lui-même.

Importé par le serveur seulement (jamais par l'application : il lit des fichiers à l'importation).
"""

from __future__ import annotations

from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports import acte_clauses, convention_docx, convention_pdf

try:
    acte_clauses.bibliotheque()
    convention_docx.modele()
    convention_pdf.prechauffer()
except ErreurInstruction:
    pass  # une clause fautive ou un modèle illisible : chaque acte du lot le dira avec son message
