"""Migrations Alembic du schéma.

``TETE`` est la dernière révision connue de cette version de l'application. Au
démarrage, on compare la révision de la base à cette constante sans importer
Alembic (le démarrage reste rapide) ; un test vérifie qu'elle égale la tête
calculée par Alembic.
"""

TETE = "0015_emprunts"
