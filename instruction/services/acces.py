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

from instruction import droits

SERVICES: dict[str, Callable[..., Any]] = {}


def ecrit(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if action not in droits.ACTIONS:
        raise ValueError(f"Action inconnue : {action}")

    def decorer(fonction: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fonction)
        def service(uow, *args, **kwargs):
            droits.exiger(uow.utilisateur, action)
            return fonction(uow, *args, **kwargs)

        service.action = action  # type: ignore[attr-defined]
        SERVICES[f"{fonction.__module__.rsplit('.', 1)[-1]}.{fonction.__name__}"] = service
        return service

    return decorer
