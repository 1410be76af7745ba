"""Copier toute la base depuis l'application : réservé aux administrateurs.

La copie contient tout, avis confidentiels et empreintes des mots de passe compris : seul un
administrateur la fait (les commandes en ligne, elles, demandent déjà l'accès direct à la base).
"""

from __future__ import annotations

from pathlib import Path

from instruction import droits


def sauvegarder(contexte, chemin: Path) -> Path:
    droits.exiger(contexte.utilisateur, "base.sauvegarder")
    from instruction.db.sauvegarde import sauvegarder as copier

    return copier(contexte.moteur, chemin)
