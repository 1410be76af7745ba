"""Comparer des textes comme un utilisateur : sans accents ni majuscules."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def pour_recherche(texte: str | None) -> str:
    """« Crèvecœur » → « crevecoeur » : la forme sur laquelle on cherche et on trie."""
    if not texte:
        return ""
    # NFKD sépare les accents des lettres ; l'encodage ASCII les laisse tomber (rapide
    # en C, ce qui compte pour cent mille lignes).
    decompose = unicodedata.normalize("NFKD", texte.replace("œ", "oe").replace("Œ", "Oe"))
    return decompose.encode("ascii", "ignore").decode("ascii").casefold()


@lru_cache(maxsize=4096)
def pour_recherche_memorise(texte: str | None) -> str:
    """Même chose, mémorisé : pour les valeurs qui se répètent (porteurs, quartiers, états)."""
    return pour_recherche(texte)


def mots(requete: str) -> list[str]:
    return [m for m in pour_recherche(requete).split() if m]
