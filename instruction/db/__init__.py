"""Accès aux données : modèles SQLAlchemy 2, moteur, migrations Alembic, référentiel.

Une seule URL choisit la base : un fichier SQLite dans le dossier de l'utilisateur
par défaut, un serveur PostgreSQL pour une équipe qui instruit ensemble.
"""
