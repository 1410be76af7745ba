"""Les documents produits par l'application : tableurs (openpyxl) et PDF (reportlab). Sans Qt."""
