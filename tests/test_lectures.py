"""``ui.operation.Lectures`` : une lecture revenue après une plus récente ne remet pas à l'écran un état dépassé.

L'ordre des retours est imposé par de vrais verrous (``threading.Event``) dans de vraies ``Operation`` du pool
de fils de Qt : c'est ce qu'une machine chargée fait au hasard.
"""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from instruction.ui import operation
from instruction.ui.operation import Lectures, Operation


def _lire(valeur: str, feu: threading.Event | None = None) -> str:
    if feu is not None:
        assert feu.wait(20), "le test n'a pas donné le feu"
    return valeur


def test_la_lecture_partie_la_premiere_et_revenue_la_derniere_ne_s_affiche_pas(qtbot):
    vue = QWidget()
    qtbot.addWidget(vue)
    lectures, montre = Lectures(), []
    feu = threading.Event()
    Operation(_lire, "ancienne", feu, parent=vue).apres(lectures.rappel(montre.append)).lancer()
    Operation(_lire, "nouvelle", parent=vue).apres(lectures.rappel(montre.append)).lancer()
    qtbot.waitUntil(lambda: montre == ["nouvelle"], timeout=15000)
    feu.set()
    qtbot.waitUntil(lambda: operation.en_cours() == 0, timeout=15000)
    assert montre == ["nouvelle"]


def test_une_ecriture_revenue_perime_les_lectures_parties_avant_elle(qtbot):
    vue = QWidget()
    qtbot.addWidget(vue)
    lectures, montre = Lectures(), []
    feu = threading.Event()
    # Une lecture part (elle lit avant l'écriture), l'écriture revient la première avec l'état à jour.
    Operation(_lire, "avant l'écriture", feu, parent=vue).apres(lectures.rappel(montre.append)).lancer()
    Operation(_lire, "écrit", parent=vue).apres(lectures.ecriture(montre.append)).lancer()
    qtbot.waitUntil(lambda: montre == ["écrit"], timeout=15000)
    feu.set()
    qtbot.waitUntil(lambda: operation.en_cours() == 0, timeout=15000)
    assert montre == ["écrit"]
    # Une lecture partie après le retour de l'écriture s'affiche.
    Operation(_lire, "relu", parent=vue).apres(lectures.rappel(montre.append)).lancer()
    qtbot.waitUntil(lambda: montre == ["écrit", "relu"], timeout=15000)


def test_sans_lectures_la_derniere_revenue_gagne(qtbot):
    """Le défaut que ``Lectures`` corrige, montré sans elle : l'état dépassé revient à l'écran."""
    vue = QWidget()
    qtbot.addWidget(vue)
    montre = []
    feu = threading.Event()
    Operation(_lire, "ancienne", feu, parent=vue).apres(montre.append).lancer()
    Operation(_lire, "nouvelle", parent=vue).apres(montre.append).lancer()
    qtbot.waitUntil(lambda: montre == ["nouvelle"], timeout=15000)
    feu.set()
    qtbot.waitUntil(lambda: montre == ["nouvelle", "ancienne"], timeout=15000)
