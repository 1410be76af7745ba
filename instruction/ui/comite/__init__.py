"""Les écrans du comité des financeurs : programmation, séances, décisions, lettres de notification."""
