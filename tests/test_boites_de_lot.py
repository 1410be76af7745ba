"""Les pièces communes des boîtes qui écrivent un lot (``ui/lot.py``), vues dans la boîte des relances des
bilans : le dossier vide est dit en français sans rien écrire, les lettres s'écrivent dans le dossier indiqué,
la barre finit au nombre de lettres écrites et « Fermer » revient."""

from __future__ import annotations

import datetime as dt

from tests.captures import capturer


def test_relances_ecrites_par_la_boite(qtbot, url_demo, tmp_path):
    from instruction.services.actions import bilans as actions
    from instruction.services.contexte import ouvrir
    from instruction.ui.suivi.dialogue_relances import DialogueRelances

    contexte = ouvrir(url_demo)
    try:
        le = dt.date(2025, 6, 30)
        choisis = [b for b in actions.liste(contexte, le=le) if b.statut in actions.RELANCABLES][:3]
        assert len(choisis) == 3
        boite = DialogueRelances(contexte, choisis)
        qtbot.addWidget(boite)
        boite.resize(1366, 768)
        boite.show()
        boite.date.setText("30/06/2025")
        boite.dossier.setText("   ")
        boite.ecrire.click()
        assert boite.erreur.text() == "Indiquez le dossier où écrire les lettres."
        assert boite.ecrire.isEnabled() and not boite.avancement.annuler.isEnabled()
        capturer(boite, "relances_dossier_vide.png", tmp_path)

        sortie = tmp_path / "relances"
        boite.dossier.setText(str(sortie))
        boite.ecrire.click()
        assert boite.avancement.annuler.isEnabled() and not boite.fermer.isEnabled()
        qtbot.waitUntil(lambda: bool(boite.ecrits), timeout=30000)
        assert len(boite.ecrits) == 3 and sorted(sortie.glob("*.pdf")) == sorted(boite.ecrits)
        assert boite.avancement.barre.value() == boite.avancement.barre.maximum() == 3
        assert not boite.avancement.annuler.isEnabled() and boite.fermer.isEnabled()
        assert boite.etat.text() == f"3 lettre(s) écrite(s) dans {sortie}."
        capturer(boite, "relances_ecrites.png", tmp_path)
        boite.fermer.click()
        assert boite.result() == boite.DialogCode.Accepted
    finally:
        contexte.fermer()
