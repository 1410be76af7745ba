"""L'interface PySide6. Seul ce paquet (et ``main.py``) importe Qt.

Règle de démarrage rapide : aucun module importé avant l'affichage de la fenêtre
ne doit importer SQLAlchemy, Alembic ou reportlab ; la couche de données est
chargée par un travail en arrière-plan, une fois la fenêtre peinte.
"""
