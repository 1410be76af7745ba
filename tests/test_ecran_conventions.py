"""Écrans des conventions (pytest-qt) : un dossier retenu, de la décision à la signature puis aux versements, au
clavier — section « Convention et versements » du dossier, éditeur de l'acte, liste des conventions ; captures
à 1366×768."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt

from instruction.domaine.etats import Etat
from tests.captures import capturer
from tests.conftest import fermer_fenetre, frapper, ouvrir_fenetre
from tests.ecrans import ok
from tests.conventions_outils import dossier_retenu


def _alt(qtbot, widget, touche) -> None:
    qtbot.keyClick(widget, touche, Qt.KeyboardModifier.AltModifier)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_une_convention_de_la_decision_aux_versements_au_clavier(qtbot, url_base, tmp_path, monkeypatch):
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

        # Alt+P : le PDF et le DOCX de l'acte signé ; « Écrits : … » est une réussite, en vert, pas dans la ligne
        # d'erreur rouge ; le DOCX s'ouvre pour être retouché.
        ouverts = []
        monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl",
                            lambda url: ouverts.append(url.toLocalFile()) or True)
        _alt(qtbot, editeur, Qt.Key.Key_P)
        qtbot.waitUntil(lambda: bool(ouverts), timeout=20000)
        assert ouverts[0].endswith(".docx") and Path(ouverts[0]).stat().st_size > 0
        assert not editeur.erreur.text()
        assert editeur.message.text().startswith("Écrits : ") and ouverts[0] in editeur.message.text()
        assert "#1b6e20" in editeur.message.styleSheet() and editeur.message.isVisible()
        capturer(f, "conventions-editeur-documents-ecrits.png", tmp_path)

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
        # Le versement est dit en vert ; le mandat a servi : son champ est vidé (pas repris par mégarde).
        assert panneau.mandat.text() == ""
        assert "Versement enregistré" in panneau.message.text() and "M-2027-0042" in panneau.message.text()
        assert not panneau.erreur.text()
        capturer(f, "conventions-versement-enregistre.png", tmp_path)
        # Le solde tapé quand même (nouveau mandat) : refusé, dit pourquoi, rien n'est écrit ; le mandat reste.
        panneau.nature.setCurrentIndex(panneau.nature.findData("solde"))
        panneau.montant.setText("300")
        frapper(panneau.mandat, "M-2027-0043")
        _alt(qtbot, panneau, Qt.Key.Key_V)
        qtbot.waitUntil(lambda: "attend le compte rendu financier" in panneau.erreur.text(), timeout=10000)
        assert len(panneau.situation.mouvements) == 1
        assert panneau.mandat.text() == "M-2027-0043" and not panneau.message.text()
        capturer(f, "conventions-versements.png", tmp_path)

        # Alt+K : un titre de recette sur une seule boîte ; un refus s'y affiche et la saisie reste.
        _alt(qtbot, panneau, Qt.Key.Key_K)
        qtbot.waitUntil(lambda: getattr(panneau, "boite_reversement", None) is not None
                        and panneau.boite_reversement.isVisible(), timeout=10000)
        boite = panneau.boite_reversement
        frapper(boite.montant, "2000")
        boite.titre.setFocus()
        frapper(boite.titre, "TR-2027-9")
        boite.emis_le.selectAll()
        frapper(boite.emis_le, "32/13/2027")
        boite.motif.setFocus()
        frapper(boite.motif, "Action sous-réalisée")
        ok(qtbot, boite)
        assert "n'est pas une date" in boite.formulaire.etiquettes["emis_le"].text()
        boite.emis_le.setText(panneau.le.text())
        ok(qtbot, boite)
        qtbot.waitUntil(lambda: "n'a reçu que" in boite.erreur.text(), timeout=10000)
        assert boite.isVisible() and boite.titre.text() == "TR-2027-9"
        assert boite.motif.toPlainText() == "Action sous-réalisée"
        capturer(boite, "conventions-reversement-refuse.png", tmp_path)
        boite.montant.setText("200")
        ok(qtbot, boite)
        qtbot.waitUntil(lambda: len(panneau.situation.mouvements) == 2, timeout=10000)
        assert not panneau.erreur.text()
        assert "TR-2027-9" in [panneau.mouvements.item(r, 4).text() for r in range(2)]
        capturer(f, "conventions-versements-reversement.png", tmp_path)

        # Le dossier est passé « conventionné » à la signature puis « en cours » au premier versement.
        from instruction.services.actions import dossier as actions_dossier

        qtbot.waitUntil(lambda: actions_dossier.lire(f.contexte, dossier_id).etat == Etat.EN_COURS, timeout=10000)

        # La liste des conventions (menu Conventions) la montre ; Entrée rouvre le même éditeur.
        action = next(a for a in f.menus.menu_conventions.actions() if a.text() == "&Conventions et versements")
        action.trigger()
        qtbot.waitUntil(lambda: type(f.onglets.currentWidget()).__name__ == "PageConventions", timeout=10000)
        page = f.onglets.currentWidget()
        qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
        assert page.table.item(0, 6).text() == "Signée" and page.table.item(0, 10).text() == "1\u202f000,00\u00a0€"  # versé net du reversement
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


# --- Le formulaire de chaque type d'avenant -------------------------------------------------------------


def _sans_espaces(texte: str) -> str:
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def _taper(table, texte: str) -> None:
    """Comme au clavier : la première touche ouvre la case, les suivantes vont à l'éditeur ouvert."""
    from PySide6.QtTest import QTest

    for caractere in texte:
        QTest.keyClicks(_editeur(table) or table, caractere)


def _editeur(table):
    from PySide6.QtWidgets import QLineEdit

    if table.state() != table.State.EditingState:
        return None
    ouverts = [c for c in table.viewport().findChildren(QLineEdit) if c.isVisible()]
    return ouverts[-1] if ouverts else None


def _case(qtbot, table, rang: int, colonne: int, texte: str) -> None:
    from PySide6.QtTest import QTest

    table.setFocus()
    table.setCurrentIndex(table.model().index(rang, colonne))
    _taper(table, texte)
    QTest.keyClick(_editeur(table) or table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.model().index(rang, colonne).data(Qt.ItemDataRole.EditRole) == texte, timeout=5000)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_chaque_type_d_avenant_a_son_formulaire_au_clavier(qtbot, contexte, tmp_path):
    from PySide6.QtTest import QTest

    from instruction.domaine import conventions as dc
    from instruction.services import avenants
    from instruction.services import conventions as sc
    from instruction.ui.conventions.editeur import PageConvention

    dossier_id = dossier_retenu(contexte, {"ville-calais": Decimal("1500.00")})
    with contexte.unite() as uow:
        c = sc.creer(uow, dossier_id, "ville-calais")
        sc.changer_etat(uow, c, "a_signer")
        sc.signer(uow, c, "attribuant", "L'adjoint délégué")
        sc.signer(uow, c, "beneficiaire", "La présidente")
        uow.valider()
    page = PageConvention(contexte, c)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: page.fiche is not None and page.fiche.etat == "signee", timeout=10000)
    annee = page.fiche.annee
    _alt(qtbot, page, Qt.Key.Key_3)
    assert page.volets.currentIndex() == 2
    form = page.formulaire_avenant
    assert form.isEnabled() and form.valider.text() == "&Créer l'avenant"

    # Chaque type déclaré a son formulaire : les blocs des termes qu'il peut changer, et eux seuls.
    blocs = {"objet": {"objet", "conditions"}, "duree": {"date_debut", "date_fin", "fin_exercice"},
             "montants": {"montants"}, "echeancier": {"echeancier"}, "parties": {"parties"}}
    for t in dc.charger_regles().types_avenant:
        form.type_avenant.setCurrentIndex(form.type_avenant.findData(t.code))
        assert {nom for nom, bloc in form.blocs.items() if bloc.isVisible()} == {
            nom for nom, champs in blocs.items() if champs & t.champs}, t.code

    # Échéancier, au clavier : le type choisi par les flèches, l'objet tapé, l'avance ramenée à 600 €.
    form.type_avenant.setCurrentIndex(0)
    form.type_avenant.setFocus()
    while form.type_avenant.currentData() != "echeancier":
        QTest.keyClick(form.type_avenant, Qt.Key.Key_Down)
    form.motif.setFocus()
    frapper(form.motif, "Versements échelonnés à la demande du porteur")
    table, modele = form.echeancier.table, form.echeancier.modele
    assert [l["nature"] for l in modele.lignes()] == ["avance", "solde"]
    _case(qtbot, table, 0, 3, "600")
    assert "il manque 600,00 €" in _sans_espaces(form.totaux.text())
    # Ctrl+Insert : une échéance de plus (exercice et cofinanceur de la convention), un acompte de 600 €.
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: modele.rowCount() == 3, timeout=5000)
    QTest.keyClick(_editeur(table) or table, Qt.Key.Key_Escape)
    assert (modele.lignes()[2]["exercice"], modele.lignes()[2]["financeur"]) == (str(annee), "ville-calais")
    table.setCurrentIndex(modele.index(2, 2))
    QTest.keyClick(table, Qt.Key.Key_F2)
    liste = table.indexWidget(modele.index(2, 2)) or next(
        w for w in table.viewport().findChildren(__import__("PySide6.QtWidgets").QtWidgets.QComboBox) if w.isVisible())
    QTest.keyClick(liste, Qt.Key.Key_Down)
    QTest.keyClick(liste, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: modele.lignes()[2]["nature"] == "acompte", timeout=5000)
    _case(qtbot, table, 2, 3, "600")
    _case(qtbot, table, 2, 4, "Au lancement de la seconde phase")
    _case(qtbot, table, 2, 5, "31/04/" + str(annee))
    assert "il manque" not in form.totaux.text()
    # Une date impossible : dite en français sur sa case, la saisie reste telle quelle, rien n'est écrit.
    _alt(qtbot, page, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: "n'est pas une date" in form.erreur.text(), timeout=5000)
    assert "Échéance 3" in form.erreur.text() and page.fiche.avenant_ouvert is None
    assert modele.lignes()[2]["date_prevue"] == f"31/04/{annee}"
    assert modele.data(modele.index(2, 5), Qt.ItemDataRole.ToolTipRole).startswith("Échéance 3")
    capturer(page, "avenant-echeancier-erreur.png", tmp_path)
    # Trop prévu : les totaux le disent, le bouton refuse avec les chiffres.
    _case(qtbot, table, 2, 5, "30/06/" + str(annee))
    _case(qtbot, table, 2, 3, "700")
    assert "dépasse de 100,00 €" in _sans_espaces(form.totaux.text())
    _alt(qtbot, page, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: "totalise 1 600,00 € pour un montant de 1 500,00 € : il dépasse de 100,00 €"
                    in _sans_espaces(form.erreur.text()), timeout=5000)
    _case(qtbot, table, 2, 3, "600")
    _alt(qtbot, page, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: page.fiche.avenant_ouvert is not None, timeout=10000)
    ouvert = page.fiche.avenant_ouvert
    assert ouvert.type_code == "echeancier" and set(ouvert.modifications) == {"echeancier"}
    assert [(e.nature, e.montant, e.date_prevue) for e in ouvert.termes_apres.echeancier] == [
        ("avance", Decimal("600.00"), None), ("solde", Decimal("300.00"), None),
        ("acompte", Decimal("600.00"), __import__("datetime").date(annee, 6, 30))]
    assert ouvert.termes_apres.montant_total == Decimal("1500.00")
    # L'avenant en projet se recharge dans le formulaire, pour être corrigé.
    qtbot.waitUntil(lambda: form.valider.text() == "Enregistrer l'a&venant n° 1", timeout=5000)
    assert not form.type_avenant.isEnabled() and modele.rowCount() == 3
    capturer(page, "avenant-echeancier.png", tmp_path)

    # Il prend effet à ses signatures ; puis un avenant « parties » : nouveau signataire par délégation.
    with contexte.unite() as uow:
        avenants.changer_etat_avenant(uow, ouvert.id, "a_signer")
        avenants.signer_avenant(uow, ouvert.id, "attribuant", "A")
        avenants.signer_avenant(uow, ouvert.id, "beneficiaire", "B")
        uow.valider()
    page.relire()
    qtbot.waitUntil(lambda: page.fiche.avenant_ouvert is None and form.valider.text() == "&Créer l'avenant",
                    timeout=10000)
    assert len(page.fiche.termes.echeancier) == 3
    form.type_avenant.setCurrentIndex(form.type_avenant.findData("parties"))
    assert form.bloc_parties.isVisible() and not form.bloc_echeancier.isVisible()
    form.motif.setFocus()
    frapper(form.motif, "Changement de signataire à la Ville")
    attribuant = form.attribuant.champs
    attribuant["signataire"].setFocus()
    attribuant["signataire"].selectAll()
    frapper(attribuant["signataire"], "Mme Claire Vasseur, adjointe au Maire")
    attribuant["delegation"].selectAll()
    frapper(attribuant["delegation"], "Pour le Maire et par délégation")
    form.beneficiaire.champs["nom"].selectAll()
    QTest.keyClick(form.beneficiaire.champs["nom"], Qt.Key.Key_Delete)
    _alt(qtbot, page, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: "le nom de la partie « Bénéficiaire (porteur) » est vide" in form.erreur.text(),
                    timeout=5000)
    assert attribuant["signataire"].text() == "Mme Claire Vasseur, adjointe au Maire"  # la saisie reste
    frapper(form.beneficiaire.champs["nom"], "Association Les Jardiniers des Fontinettes")
    capturer(page, "avenant-parties.png", tmp_path)
    _alt(qtbot, page, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: page.fiche.avenant_ouvert is not None, timeout=10000)
    parties = page.fiche.avenant_ouvert.modifications["parties"]
    ville = next(p for p in parties if p.role == dc.ATTRIBUANT)
    assert (ville.signataire, ville.delegation) == ("Mme Claire Vasseur, adjointe au Maire",
                                                    "Pour le Maire et par délégation")
    assert ville.siren == page.fiche.termes.attribuant.siren  # ce qui n'est pas au formulaire ne bouge pas


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_avenants_de_montant_et_de_duree_lus_du_formulaire(qtbot, contexte):
    import datetime as dt

    from instruction.domaine import dates
    from instruction.services import conventions as sc
    from instruction.services.actions import conventions as actions
    from instruction.ui.conventions.formulaire_avenant import FormulaireAvenant, SaisieInvalide

    dossier_id = dossier_retenu(contexte, {"ville-calais": Decimal("1500.00")})
    with contexte.unite() as uow:
        c = sc.creer(uow, dossier_id, "ville-calais")
        sc.changer_etat(uow, c, "a_signer")
        sc.signer(uow, c, "attribuant", "A")
        sc.signer(uow, c, "beneficiaire", "B")
        uow.valider()
    fiche = actions.lire(contexte, c)
    form = FormulaireAvenant()
    qtbot.addWidget(form)
    form.charger(fiche, modifiable=True)
    annee = fiche.annee
    # Montant : 1 800 €, l'échéancier proposé suit (80 % / 20 %).
    form.type_avenant.setCurrentIndex(form.type_avenant.findData("montant"))
    form.motif.setText("Public plus nombreux")
    form.montants.modele.setData(form.montants.modele.index(0, 1), "1 800")
    with pytest.raises(SaisieInvalide, match="totalise 1.500,00.€ pour un montant de 1.800,00.€ : il manque 300,00"):
        form.lire()
    form.reprendre.click()
    type_code, motif, modifications = form.lire()
    assert (type_code, motif, set(modifications)) == ("montant", "Public plus nombreux", {"montants", "echeancier"})
    assert [e.montant for e in modifications["echeancier"]] == [Decimal("1440.00"), Decimal("360.00")]
    # Durée : la fin repoussée ; une date mal tapée est dite.
    form.type_avenant.setCurrentIndex(form.type_avenant.findData("duree"))
    form.montants.modele.setData(form.montants.modele.index(0, 1), "1 500,00 €")
    form.reprendre.click()
    form.fin.setText("31/02/" + str(annee + 1))
    with pytest.raises(SaisieInvalide, match="date de fin : « 31/02/"):
        form.lire()
    form.fin.setText(f"30/06/{annee + 1}")
    assert form.lire()[2] == {"date_fin": dt.date(annee + 1, 6, 30)}
    # Un avenant qui ne change rien est refusé avant d'aller aux services.
    form.fin.setText(dates.formater(fiche.termes.date_fin))
    with pytest.raises(SaisieInvalide, match="ne change aucun terme"):
        form.lire()


# --- Les termes changés ailleurs pendant la frappe ----------------------------------------------------------


def _relire_apres(qtbot, page, changements) -> None:
    """Comme quand un autre écran (ou un autre poste) vient d'écrire : l'éditeur se relit ; on attend la relecture."""
    avant = page.fiche
    page.sur_changement(changements, None)
    qtbot.waitUntil(lambda: page.fiche is not avant, timeout=10000)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_les_termes_changes_ailleurs_n_ecrasent_pas_la_saisie(qtbot, contexte, tmp_path):
    import dataclasses
    import datetime as dt

    from instruction.domaine import dates
    from instruction.services import conventions as sc
    from instruction.services.actions import CONVENTIONS, changements
    from instruction.services.actions import conventions as actions
    from instruction.ui.conventions.editeur import PageConvention

    dossier_id = dossier_retenu(contexte, {"ville-calais": Decimal("1500.00")})
    with contexte.unite() as uow:
        c = sc.creer(uow, dossier_id, "ville-calais")
        uow.valider()
    page = PageConvention(contexte, c)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: page.fiche is not None, timeout=10000)
    annee = page.fiche.annee
    version = page.fiche.version

    # L'instructeur retape l'objet (Alt+J) et ne l'a pas encore enregistré.
    _alt(qtbot, page, Qt.Key.Key_J)
    page.objet.selectAll()
    frapper(page.objet, "Jardins partagés des Fontinettes : ateliers du mercredi")
    tape = page.objet.toPlainText()
    # Une autre convention change (un autre écran) : celle-ci est relue, la saisie reste, rien à signaler.
    _relire_apres(qtbot, page, changements(CONVENTIONS))
    assert page.objet.toPlainText() == tape and not page.bandeau_termes.isVisible()

    # Un autre poste repousse la fin de l'action : la relecture garde l'objet tapé, montre la nouvelle fin
    # (champ non touché) et le dit calmement.
    fiche = actions.lire(contexte, c)
    fin = dt.date(annee, 12, 15)
    fait = actions.modifier_termes(contexte, c, dataclasses.replace(fiche.termes, date_fin=fin), fiche.version)
    _relire_apres(qtbot, page, fait.changements)
    assert page.fiche.version != version
    assert page.objet.toPlainText() == tape
    assert page.fin.text() == dates.formater(fin)
    assert page.bandeau_termes.isVisible() and page.reprendre.isVisible()
    assert "modifiée ailleurs" in page.note_termes.text() and "l'objet" in page.note_termes.text()
    assert not page.erreur.text()
    capturer(page, "convention-termes-modifies-ailleurs.png", tmp_path)

    # Alt+E : la saisie s'applique à la version enregistrée (la fin de l'autre poste reste) ; le bandeau s'en va.
    _alt(qtbot, page, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: page.fiche.termes.objet == tape, timeout=10000)
    assert page.fiche.termes.date_fin == fin and not page.erreur.text()
    assert not page.bandeau_termes.isVisible()

    # Une autre saisie, un autre changement ailleurs : « Reprendre les termes enregistrés » (Alt+R) l'abandonne.
    page.debut.selectAll()
    frapper(page.debut, f"02/02/{annee}")
    fiche = actions.lire(contexte, c)
    fait = actions.modifier_termes(contexte, c, dataclasses.replace(fiche.termes, objet="Objet revu par la Ville"),
                                   fiche.version)
    _relire_apres(qtbot, page, fait.changements)
    assert page.debut.text() == f"02/02/{annee}" and page.objet.toPlainText() == "Objet revu par la Ville"
    assert "la date de début" in page.note_termes.text()
    _alt(qtbot, page, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: page.debut.text() == dates.formater(page.fiche.termes.date_debut), timeout=5000)
    assert page.debut.text() != f"02/02/{annee}"
    assert not page.bandeau_termes.isVisible()

    # Envoyée à la signature ailleurs pendant la frappe : les termes enregistrés s'affichent (ils ne se
    # modifient plus), la saisie perdue est citée pour être recopiée.
    page.objet.setFocus()
    page.objet.selectAll()
    frapper(page.objet, "Objet jamais enregistré")
    fait = actions.changer_etat(contexte, c, "a_signer")
    _relire_apres(qtbot, page, fait.changements)
    assert page.objet.toPlainText() == "Objet revu par la Ville" and page.objet.isReadOnly()
    assert "« Objet jamais enregistré »" in page.note_termes.text() and not page.reprendre.isVisible()


# --- Les boîtes motivées : un refus s'y affiche, la saisie reste -------------------------------------------


@pytest.fixture
def boites_bloquantes(qtbot):
    """Les QInputDialog modales ouvertes pendant le test : refermées aussitôt vues (le test échoue au lieu de se
    bloquer dans leur boucle d'événements) et rendues par leur titre."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    vues: list[str] = []

    def fermer() -> None:
        modale = QApplication.activeModalWidget()
        if isinstance(modale, QInputDialog):
            vues.append(modale.windowTitle())
            modale.reject()

    veille = QTimer()
    veille.timeout.connect(fermer)
    veille.start(50)
    yield vues
    veille.stop()


def _fermer(qtbot, boite, page) -> None:
    """« Annuler » : la boîte se ferme, la page redevient la fenêtre active (ses raccourcis Alt+… marchent)."""
    boite.reject()
    page.activateWindow()
    qtbot.waitUntil(lambda: not (shiboken6.isValid(boite) and boite.isVisible()) and page.isActiveWindow(),
                    timeout=10000)


def _boite(qtbot, porteur, attribut: str, avant):
    """La boîte que le geste vient d'ouvrir (``porteur.<attribut>``), une fois affichée."""
    def ouverte() -> bool:
        boite = getattr(porteur, attribut, None)
        return boite is not None and boite is not avant and shiboken6.isValid(boite) and boite.isVisible()

    qtbot.waitUntil(ouverte, timeout=10000)
    return getattr(porteur, attribut)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_motifs_et_vote_du_budget_restent_tapes_quand_le_service_refuse(qtbot, contexte, tmp_path,
                                                                       boites_bloquantes):
    from instruction.services import conventions as sc
    from instruction.services.actions import CONVENTIONS, VERSEMENTS, changements
    from instruction.services.actions import conventions as actions
    from instruction.ui.conventions.editeur import PageConvention

    dossier_id = dossier_retenu(contexte, {"ville-calais": Decimal("1500.00")})
    with contexte.unite() as uow:
        c = sc.creer(uow, dossier_id, "ville-calais")
        sc.changer_etat(uow, c, "a_signer")
        uow.valider()
    page = PageConvention(contexte, c)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: page.fiche is not None and page.fiche.etat == "a_signer", timeout=10000)
    annee = page.fiche.annee
    _alt(qtbot, page, Qt.Key.Key_2)

    # « Remettre en projet… » : le motif tapé ; entre-temps, les deux parties ont signé sur un autre poste.
    qtbot.mouseClick(page.remettre, Qt.MouseButton.LeftButton)
    boite = _boite(qtbot, page, "boite_motif", None)
    frapper(boite.motif, "Le porteur demande de corriger l'objet")
    actions.signer(contexte, c, "attribuant", "L'adjoint délégué")
    actions.signer(contexte, c, "beneficiaire", "La présidente")
    ok(qtbot, boite)
    qtbot.waitUntil(lambda: "ne peut pas passer à « Projet »" in boite.erreur.text(), timeout=10000)
    assert boite.isVisible() and boite.motif.toPlainText() == "Le porteur demande de corriger l'objet"
    _fermer(qtbot, boite, page)
    page.sur_changement(changements(CONVENTIONS, VERSEMENTS), None)  # la scrutation des autres postes
    qtbot.waitUntil(lambda: page.fiche.etat == "signee" and page.resilier.isEnabled(), timeout=10000)

    # Volet 4, Alt+W : la date du vote mal tapée est dite sous le champ ; l'exercice d'une convention est déjà
    # ferme : le refus s'affiche dans la boîte, la date tapée reste.
    _alt(qtbot, page, Qt.Key.Key_4)
    panneau = page.versements
    qtbot.waitUntil(lambda: panneau.situation is not None and panneau.situation.etat == "signee", timeout=10000)
    _alt(qtbot, panneau, Qt.Key.Key_W)
    vote = _boite(qtbot, panneau, "boite", None)
    vote.vote_le.selectAll()
    frapper(vote.vote_le, f"31/02/{annee}")
    ok(qtbot, vote)
    assert "n'est pas une date" in vote.formulaire.etiquettes["vote_le"].text() and vote.isVisible()
    vote.vote_le.selectAll()
    frapper(vote.vote_le, f"12/04/{annee}")
    ok(qtbot, vote)
    qtbot.waitUntil(lambda: f"L'exercice {annee} est déjà ferme." in vote.erreur.text(), timeout=10000)
    assert vote.isVisible() and vote.vote_le.text() == f"12/04/{annee}"
    assert not vote.formulaire.etiquettes["vote_le"].text()
    capturer(vote, "convention-exercice-vote-refuse.png", tmp_path)
    _fermer(qtbot, vote, page)

    # Alt+Z : solder sans tout verser est refusé tant que le compte rendu n'est pas validé ; le motif reste.
    _alt(qtbot, panneau, Qt.Key.Key_Z)
    solde = _boite(qtbot, panneau, "boite", vote)
    frapper(solde.motif, "Action arrêtée en cours d'année")
    ok(qtbot, solde)
    qtbot.waitUntil(lambda: "compte rendu financier n'est pas validé" in solde.erreur.text(), timeout=10000)
    assert solde.isVisible() and solde.motif.toPlainText() == "Action arrêtée en cours d'année"
    _fermer(qtbot, solde, page)

    # Volet 2, Alt+L : résilier sans motif est refusé dans la boîte ; le motif tapé, la convention est résiliée.
    _alt(qtbot, page, Qt.Key.Key_2)
    _alt(qtbot, page, Qt.Key.Key_L)
    resiliation = _boite(qtbot, page, "boite_motif", boite)
    ok(qtbot, resiliation)
    qtbot.waitUntil(lambda: "Indiquez le motif" in resiliation.erreur.text(), timeout=10000)
    assert resiliation.isVisible()
    frapper(resiliation.motif, "Association dissoute en cours d'action")
    capturer(resiliation, "convention-resiliation-refusee.png", tmp_path)
    ok(qtbot, resiliation)
    qtbot.waitUntil(lambda: page.fiche.etat == "resiliee", timeout=10000)
    assert not (shiboken6.isValid(resiliation) and resiliation.isVisible()) and not page.erreur.text()
    assert page.fiche.motif_etat == "Association dissoute en cours d'action"
    assert "Association dissoute" in page.etat.text()
    assert boites_bloquantes == []
