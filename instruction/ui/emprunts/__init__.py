"""Les écrans du travail hors ligne : emprunter des dossiers, ouvrir un fichier de travail, le rapporter."""
