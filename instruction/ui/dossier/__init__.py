"""L'onglet d'un dossier : le formulaire CERFA 12156 (partie action), section par section."""
