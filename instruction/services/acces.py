"""Les services qui changent des données vérifient eux-mêmes le droit de l'utilisateur.

``@ecrit("dossier.modifier")`` sur un service : avant toute lecture ou écriture, le rôle de
``uow.utilisateur`` doit permettre l'action (``instruction.droits``), sinon ``Interdit`` et rien n'est
fait. Cacher un bouton ne suffit pas : un poste modifié ou un script passent aussi par ici. Le
registre ``SERVICES`` sert aux tests, qui essaient chaque service avec chaque rôle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from instruction.domaine import droits

SERVICES: dict[str, Callable[..., Any]] = {}


def _compte_toujours_valable(uow) -> None:
    """Le compte peut avoir été désactivé, ou son rôle changé, depuis la connexion : une requête le vérifie
    avant chaque écriture (les droits connus du poste ne suffisent pas)."""
    utilisateur = uow.utilisateur
    if utilisateur.id is None:
        return
    from sqlalchemy import select

    from instruction.db import modeles as m

    compte = uow.session.execute(
        select(m.Compte.actif, m.Compte.role).where(m.Compte.id == utilisateur.id)).first()
    if compte is None or not compte.actif:
        raise droits.Interdit("Votre compte a été désactivé depuis votre connexion : rien n'a été modifié.")
    if compte.role != utilisateur.role:
        raise droits.Interdit("Votre rôle a changé depuis votre connexion : reconnectez-vous (rien n'a été modifié).")


def ecrit(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if action not in droits.ACTIONS:
        raise ValueError(f"Action inconnue : {action}")

    def decorer(fonction: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fonction)
        def service(uow, *args, **kwargs):
            droits.exiger(uow.utilisateur, action)
            _compte_toujours_valable(uow)
            return fonction(uow, *args, **kwargs)

        service.action = action  # type: ignore[attr-defined]
        SERVICES[f"{fonction.__module__.rsplit('.', 1)[-1]}.{fonction.__name__}"] = service
        return service

    return decorer
