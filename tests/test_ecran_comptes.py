"""La boîte des comptes, à l'écran : désactiver, réactiver, ouvrir ce fichier sans mot de passe, et un refus
affiché dans la boîte. Chaque geste est une action lancée par ``Operation`` ; sa liste relue revient avec
le compte toujours sélectionné, et le changement est diffusé à l'application."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool, Qt

from instruction import referentiel
from instruction.services.actions import COMPTES
from instruction.ui.comptes import DialogueComptes
from instruction.ui.operation import diffusion
from tests import fabrique


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_desactiver_reactiver_et_ouvrir_sans_mot_de_passe(qtbot, contexte):
    equipe = fabrique.Equipe(contexte)
    contexte.utilisateur = equipe.admin
    recus = []
    diffusion().changement.connect(lambda changements, _origine: recus.append(changements))
    dialogue = DialogueComptes(contexte, referentiel.charger())
    qtbot.addWidget(dialogue)
    dialogue.show()
    qtbot.waitUntil(lambda: dialogue.table.rowCount() == 7, timeout=10000)
    rang = next(r for r, fiche in enumerate(dialogue.fiches) if fiche.identifiant == "l.lecteur")
    dialogue.table.selectRow(rang)

    def etat() -> str:
        return dialogue.table.item(dialogue.table.currentRow(), 4).text()

    qtbot.mouseClick(dialogue.bouton_actif, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialogue.message.text() == "Compte « l.lecteur » désactivé.", timeout=10000)
    assert dialogue.courant().identifiant == "l.lecteur" and etat() == "Désactivé"
    assert dialogue.bouton_actif.text() == "&Réactiver" and not dialogue.automatique.isEnabled()
    assert recus and recus[-1].touche(COMPTES)

    qtbot.mouseClick(dialogue.bouton_actif, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialogue.message.text() == "Compte « l.lecteur » réactivé.", timeout=10000)
    assert etat() == "Actif — mot de passe provisoire"

    qtbot.mouseClick(dialogue.automatique, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ouvre ce fichier sans mot de passe" in etat(), timeout=10000)
    assert dialogue.automatique.isChecked() and dialogue.automatique_pour == "l.lecteur"
    assert dialogue.message.text() == "Ce fichier s'ouvrira sans mot de passe sous le compte « l.lecteur »."

    # Son propre compte ne se désactive pas : le refus du service s'affiche dans la boîte.
    dialogue.table.selectRow(next(r for r, fiche in enumerate(dialogue.fiches) if fiche.identifiant == "a.durand"))
    qtbot.mouseClick(dialogue.bouton_actif, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialogue.erreur.text() == "Vous ne pouvez pas désactiver votre propre compte.",
                    timeout=10000)
    assert etat().startswith("Actif") and dialogue.bouton_actif.text() == "&Désactiver"
    QThreadPool.globalInstance().waitForDone(10000)
