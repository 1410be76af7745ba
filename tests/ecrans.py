"""Gestes communs des tests d'écran : trouver un bouton de passage, attendre un état, valider une boîte."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton


def bouton_passage(section, vers: str) -> QPushButton:
    bouton = section.passages.findChild(QPushButton, f"passage-{vers}")
    assert bouton is not None, f"pas de bouton vers {vers}"
    return bouton


def attendre_etat(qtbot, section, etat: str) -> None:
    qtbot.waitUntil(lambda: section.donnees is not None and section.donnees.etat == etat, timeout=10000)


def ok(qtbot, dialogue) -> None:
    boutons = dialogue.findChild(QDialogButtonBox)
    qtbot.mouseClick(boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def passer(qtbot, section, vers: str) -> None:
    """Clique le bouton du passage et valide sa boîte telle qu'elle s'ouvre (datée du jour)."""
    avant = getattr(section, "dialogue", None)
    qtbot.mouseClick(bouton_passage(section, vers), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(section, "dialogue", None) is not avant and section.dialogue.isVisible(),
                    timeout=10000)
    ok(qtbot, section.dialogue)
