"""Le domaine pur : les règles et les objets du métier, sans base, sans services, sans Qt.

Argent, dates, dossier et saisie, budget, critères d'éligibilité, grilles, circuit, droits des rôles, référentiel du
contrat de ville. Chaque règle porte sa source ; les tests les appellent directement.
"""
