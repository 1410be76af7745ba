"""Les écrans du suivi et des bilans : bilans attendus, comptes rendus, copils, visites, suivi renforcé, calendrier,
bilan de la programmation, évaluation du contrat de ville (issue 13)."""
