"""Une base refermée par la fenêtre (fermeture, autre base ouverte) ne se rouvre pas en douce : un travail
lancé ensuite par un écran resté ouvert est refusé sans rien lire ni écrire, et sans boîte d'erreur."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from instruction.domaine.erreurs import BaseFermee
from instruction.services.actions import listes
from instruction.ui.dialogue_erreur import DialogueErreur
from instruction.ui.operation import Operation, en_cours


def test_une_base_refermee_refuse_le_travail_qui_arrive_apres(contexte):
    with contexte.unite(lecture=True) as uow:  # avant : la base sert
        assert uow.session is not None
    contexte.clore()
    with pytest.raises(BaseFermee, match="refermée"):
        contexte.unite(lecture=True)
    with pytest.raises(BaseFermee):
        contexte.unite()


def test_le_travail_d_un_ecran_reste_ouvert_s_arrete_sans_boite(qtbot, contexte):
    contexte.clore()
    vus: list = []
    Operation(listes.relister, contexte).apres(vus.append).lancer()
    qtbot.waitUntil(lambda: en_cours() == 0, timeout=15000)
    QApplication.processEvents()
    assert vus == []
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, DialogueErreur) and w.isVisible()]
