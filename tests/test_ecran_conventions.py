"""Écrans des conventions (pytest-qt) : un dossier retenu, de la décision à la signature puis aux versements, au
clavier — section « Convention et versements » du dossier, éditeur de l'acte, liste des conventions ; captures
à 1366×768."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from instruction.domaine.etats import Etat
from tests.captures import capturer
from tests.conftest import fermer_fenetre, frapper, ouvrir_fenetre
from tests.conventions_outils import dossier_retenu


def _alt(qtbot, widget, touche) -> None:
    qtbot.keyClick(widget, touche, Qt.KeyboardModifier.AltModifier)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_une_convention_de_la_decision_aux_versements_au_clavier(qtbot, url_base, tmp_path):
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_base)
    dossier_id = dossier_retenu(contexte, {"ville-calais": Decimal("1500.00")})
    contexte.fermer()

    f = ouvrir_fenetre(qtbot, url_base)
    try:
        # Le dossier retenu : sa section « Convention et versements » propose l'acte que la règle désigne.
        f.espace.ouvrir_dossier(dossier_id)
        qtbot.waitUntil(lambda: type(f.onglets.currentWidget()).__name__ == "OngletDossier", timeout=10000)
        onglet = f.onglets.currentWidget()
        rang = next(i for i in range(onglet.onglets.count()) if onglet.onglets.tabText(i) == "Convention et versements")
        onglet.onglets.setCurrentIndex(rang)
        qtbot.waitUntil(lambda: onglet.onglets.currentWidget().section is not None, timeout=10000)
        section = onglet.onglets.currentWidget().section
        qtbot.waitUntil(lambda: section.preparer_table.rowCount() == 1, timeout=10000)
        assert section.preparer_table.item(0, 2).text() == "Convention"
        assert "l. 3960" in section.preparer_table.item(0, 3).text()
        capturer(f, "conventions-section-dossier.png", tmp_path)

        # Alt+P : l'acte est préparé et s'ouvre dans son éditeur.
        _alt(qtbot, section, Qt.Key.Key_P)
        qtbot.waitUntil(lambda: type(f.onglets.currentWidget()).__name__ == "PageConvention"
                        and f.onglets.currentWidget().fiche is not None, timeout=10000)
        editeur = f.onglets.currentWidget()
        annee = editeur.fiche.annee
        assert editeur.fiche.numero == f"{annee}-VILLE-CALAIS-001"
        assert editeur.echeancier.rowCount() == 2 and editeur.echeancier.item(0, 2).text() == "1\u202f200,00\u00a0€"
        capturer(f, "conventions-editeur-termes.png", tmp_path)

        # Volet 2 : envoyer à la signature, puis la signature du porteur et celle de la Ville.
        _alt(qtbot, editeur, Qt.Key.Key_2)
        assert editeur.volets.currentIndex() == 1
        _alt(qtbot, editeur, Qt.Key.Key_E)
        qtbot.waitUntil(lambda: editeur.fiche.etat == "a_signer", timeout=10000)
        assert editeur.signataire.text() == "Madame Sandrine Lefebvre (Présidente)"
        _alt(qtbot, editeur, Qt.Key.Key_G)  # « Si&gner »
        qtbot.waitUntil(lambda: editeur.fiche.signatures.signe_beneficiaire_le is not None, timeout=10000)
        assert editeur.fiche.etat == "a_signer"  # une seule signature : pas encore d'effet
        editeur.partie.setFocus()
        qtbot.keyClick(editeur.partie, Qt.Key.Key_Down)
        assert editeur.partie.currentData() == "attribuant"
        editeur.signataire.selectAll()
        frapper(editeur.signataire, "L'adjoint délégué à la politique de la ville")
        _alt(qtbot, editeur, Qt.Key.Key_G)
        qtbot.waitUntil(lambda: editeur.fiche.etat == "signee", timeout=10000)
        assert editeur.fiche.signatures.date_effet is not None
        assert "Signée" in editeur.entete.text()
        capturer(f, "conventions-editeur-signature.png", tmp_path)

        # Volet 4 : l'avance proposée, le mandat tapé, Alt+V ; le solde attend le compte rendu.
        _alt(qtbot, editeur, Qt.Key.Key_4)
        panneau = editeur.versements
        qtbot.waitUntil(lambda: panneau.situation is not None and panneau.situation.etat == "signee", timeout=10000)
        assert panneau.montant.text() == "1\u202f200,00"
        panneau.mandat.setFocus()
        frapper(panneau.mandat, "M-2027-0042")
        _alt(qtbot, panneau, Qt.Key.Key_V)
        qtbot.waitUntil(lambda: len(panneau.situation.mouvements) == 1, timeout=10000)
        assert panneau.echeances.item(1, 6).text().startswith("attend le compte rendu financier")
        # Le solde tapé quand même : refusé, dit pourquoi, rien n'est écrit.
        panneau.nature.setCurrentIndex(panneau.nature.findData("solde"))
        panneau.montant.setText("300")
        _alt(qtbot, panneau, Qt.Key.Key_V)
        qtbot.waitUntil(lambda: "attend le compte rendu financier" in panneau.erreur.text(), timeout=10000)
        assert len(panneau.situation.mouvements) == 1
        capturer(f, "conventions-versements.png", tmp_path)

        # Le dossier est passé « conventionné » à la signature puis « en cours » au premier versement.
        from instruction.services.actions import dossier as actions_dossier

        qtbot.waitUntil(lambda: actions_dossier.lire(f.contexte, dossier_id).etat == Etat.EN_COURS, timeout=10000)

        # La liste des conventions (menu Conventions) la montre ; Entrée rouvre le même éditeur.
        action = next(a for a in f.menus.menu_conventions.actions() if a.text() == "&Conventions et versements")
        action.trigger()
        qtbot.waitUntil(lambda: type(f.onglets.currentWidget()).__name__ == "PageConventions", timeout=10000)
        page = f.onglets.currentWidget()
        qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
        assert page.table.item(0, 6).text() == "Signée" and page.table.item(0, 10).text() == "1\u202f200,00\u00a0€"
        page.attente.setChecked(True)
        qtbot.waitUntil(lambda: page.table.rowCount() == 0, timeout=10000)  # rien n'attend sa signature
        page.attente.setChecked(False)
        qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
        capturer(f, "conventions-liste.png", tmp_path)
        page.table.setFocus()
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: f.onglets.currentWidget() is editeur, timeout=10000)
    finally:
        fermer_fenetre(f)
