"""Les services : les cas d'usage de l'application.

L'interface et la ligne de commande appellent ces fonctions ; elles ouvrent une
unité de travail (une transaction par action de l'utilisateur), vérifient les
règles et rendent des données simples (tuples, dataclasses), jamais des objets Qt.
"""
