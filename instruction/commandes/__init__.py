"""Les commandes de la ligne de commande, par sujet (le point d'entrée est ``instruction/cli.py``).

Chaque module ajoute ses analyseurs (``analyseurs(commandes)``) et n'importe qu'à l'exécution les actions,
la base ou les documents dont sa commande a besoin : l'ouverture de la fenêtre reste rapide.
"""
