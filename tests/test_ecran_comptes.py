"""La boîte des comptes, à l'écran : désactiver, réactiver, ouvrir ce fichier sans mot de passe, et un refus
affiché dans la boîte. Chaque geste est une action lancée par ``Operation`` ; sa liste relue revient avec
le compte toujours sélectionné, et le changement est diffusé à l'application."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QThreadPool, Qt

from instruction.domaine import referentiel
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


@pytest.mark.postgresql
def test_identifiant_de_base_donne_puis_retire_depuis_la_boite_des_comptes(qtbot, modele_postgres, monkeypatch):
    """Base partagée aux rôles installés : l'administrateur donne à un compte son identifiant PostgreSQL
    personnel depuis la boîte des comptes (montré une fois), la colonne le montre, puis il le retire."""
    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy.engine import make_url

    from instruction.db import roles
    from instruction.services.contexte import ouvrir
    from tests.conftest import creer_base_postgres, supprimer_base_postgres
    from tests.test_roles_postgres import _exiger_createrole, _supprimer_roles

    _exiger_createrole()
    url_base = creer_base_postgres(modele_postgres)
    prefixe = roles.prefixe_par_defaut(make_url(url_base).database)
    contexte = ouvrir(url_base)
    try:
        equipe = fabrique.Equipe(contexte)
        roles.installer(contexte.moteur)
        contexte.utilisateur = equipe.admin
        dialogue = DialogueComptes(contexte, referentiel.charger())
        qtbot.addWidget(dialogue)
        dialogue.show()
        qtbot.waitUntil(lambda: dialogue.table.rowCount() == 7 and dialogue.identifiants is not None, timeout=10000)
        assert dialogue.table.horizontalHeaderItem(6).text() == "Identifiant de base"
        assert dialogue.bouton_identifiant.isVisible()
        rang = next(r for r, fiche in enumerate(dialogue.fiches) if fiche.identifiant == "l.lecteur")
        dialogue.table.selectRow(rang)
        assert not dialogue.bouton_retirer_identifiant.isEnabled()

        qtbot.mouseClick(dialogue.bouton_identifiant, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: getattr(dialogue, "boite_identifiant", None) is not None
                        and dialogue.boite_identifiant.isVisible(), timeout=10000)
        attendu = f"{prefixe}_u_l_lecteur"
        assert attendu in dialogue.boite_identifiant.text()
        if capture := os.environ.get("INSTRUCTION_CAPTURES"):
            dialogue.grab().save(f"{capture}/comptes-identifiant-de-base.png")
            dialogue.boite_identifiant.grab().save(f"{capture}/identifiant-de-base-montre.png")
        dialogue.boite_identifiant.accept()
        assert dialogue.table.item(dialogue.table.currentRow(), 6).text() == attendu
        assert dialogue.bouton_retirer_identifiant.isEnabled()
        assert dialogue.bouton_identifiant.text() == "Nouveau mot de passe de &base…"

        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(dialogue.bouton_retirer_identifiant, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialogue.message.text() == f"Identifiant de base « {attendu} » supprimé.",
                        timeout=10000)
        assert dialogue.table.item(dialogue.table.currentRow(), 6).text() == "—"
        QThreadPool.globalInstance().waitForDone(10000)
    finally:
        contexte.fermer()
        supprimer_base_postgres(url_base)  # la base d'abord : ses droits tiennent aux groupes
        _supprimer_roles(prefixe)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_sans_roles_pas_de_colonne_ni_de_bouton_d_identifiant(qtbot, contexte):
    equipe = fabrique.Equipe(contexte)
    contexte.utilisateur = equipe.admin
    dialogue = DialogueComptes(contexte, referentiel.charger())
    qtbot.addWidget(dialogue)
    dialogue.show()
    qtbot.waitUntil(lambda: dialogue.table.rowCount() == 7, timeout=10000)
    assert dialogue.identifiants is None and dialogue.table.columnCount() == 6
    assert not dialogue.bouton_identifiant.isVisible()
