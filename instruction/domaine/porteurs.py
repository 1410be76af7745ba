"""Les porteurs de projets : leurs types et les règles qui en dépendent."""

from __future__ import annotations

TYPES = {
    "association": "Association",
    "bailleur-social": "Bailleur social",
    "collectivite": "Collectivité territoriale",
    "etablissement-public": "Établissement public",
    "etablissement-scolaire": "Établissement scolaire",
    "entreprise-privee": "Entreprise privée",
    "groupe-habitants": "Groupe d'habitants non constitué",
}
# Un groupe d'habitants non constitué n'a ni SIRET ni RNA ; seule une association a un RNA.
SIRET_EXIGE = {"association", "bailleur-social", "entreprise-privee", "etablissement-public", "collectivite"}
RNA_POSSIBLE = {"association"}
CIVILITES = ("Madame", "Monsieur")


def libelle_type(code: str | None) -> str:
    return TYPES.get(code or "", code or "")
