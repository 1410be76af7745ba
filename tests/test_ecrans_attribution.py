"""Les écrans des points 4 et 5 de l'issue 17, dans la vraie fenêtre à 1366×768 :

* Mes tâches d'un instructeur connecté (les siens d'abord, ceux des collègues repliés à la fin) ;
* la colonne « Instructeur » de la liste et le filtre « Mes dossiers » ;
* attribuer un dossier depuis son en-tête ; supprimer un dossier déposé saisi par erreur (motif exigé) ;
* plusieurs pièces glissées sur la section Pièces (QDropEvent avec des URL de fichiers), type deviné ;
* Fichier › Restaurer une sauvegarde… : confirmation qui dit ce qui sera remplacé, puis base rouverte.

Avec ``INSTRUCTION_CAPTURES=<dossier>``, les écrans sont aussi enregistrés en PNG (pour les regarder).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from instruction.domaine import droits
from instruction.services import attribution
from instruction.services.contexte import ouvrir
from tests import fabrique
from tests.conftest import fermer_fenetre, frapper, ouvrir_fenetre
from tests.test_ecran_partage import _fenetre_connectee, _mot_de_passe, capturer

pytestmark = pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)


def _intitule(texte):
    return lambda s: setattr(s, "intitule", texte)


@pytest.fixture
def base_equipe(dossier_en_base):
    """Une équipe (connexion exigée), Paul Martin instructeur aussi ; un dossier à Marie, un à Paul, un sans
    instructeur (celui de ``dossier_en_base``)."""
    url, dossier_id = dossier_en_base
    contexte = ouvrir(url)
    equipe = fabrique.Equipe(contexte)
    equipe.collegue = fabrique.compte(contexte, "p.martin", droits.INSTRUCTEUR, nom="Paul Martin")
    _mot_de_passe(contexte, "m.lefebvre", "bon mot de passe")
    de_marie = fabrique.dossier(contexte, modifier=_intitule("Atelier vélo de Marie"))
    de_paul = fabrique.dossier(contexte, modifier=_intitule("Chorale de Paul"))
    contexte.utilisateur = equipe.admin
    with contexte.unite() as uow:
        attribution.attribuer(uow, de_marie, equipe.instructeur.id)
        attribution.attribuer(uow, de_paul, equipe.collegue.id)
        uow.valider()
    yield url, {"sans": dossier_id, "marie": de_marie, "paul": de_paul}, equipe, contexte
    contexte.fermer()


def test_mes_taches_et_la_liste_par_instructeur(qtbot, base_equipe):
    from instruction.ui import modele_dossiers as md

    url, dossiers, _equipe, _contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        page = f.page_taches
        qtbot.waitUntil(lambda: page.arbre.topLevelItemCount() >= 2, timeout=15000)
        groupes = {page.arbre.topLevelItem(i).text(0): page.arbre.topLevelItem(i)
                   for i in range(page.arbre.topLevelItemCount())}
        a_instruire = groupes["Dossiers à instruire (2)"]
        assert [(a_instruire.child(i).text(1), a_instruire.child(i).text(4)) for i in range(2)] == [
            ("Atelier vélo de Marie", "vous"), ("Jardin partagé des Fontinettes", "à attribuer")]
        collegues = groupes["Dossiers de mes collègues (1)"]
        assert (collegues.child(0).text(1), collegues.child(0).text(4)) == ("Chorale de Paul", "Paul Martin")
        assert not collegues.isExpanded(), "les dossiers des collègues sont repliés"
        assert page.arbre.currentItem().text(1) == "Atelier vélo de Marie", "le premier des siens est choisi"
        assert "dont 1 sur vos dossiers" in page.resume.text()
        f.onglets.setCurrentIndex(0)
        capturer(f, "mes-taches-instructeur")

        # La liste : la colonne Instructeur (en dernier), le filtre « Mes dossiers ».
        modele = f.page_dossiers.modele
        assert modele.headerData(md.INSTRUCTEUR, Qt.Orientation.Horizontal) == "Instructeur"
        assert md.INSTRUCTEUR == modele.columnCount() - 1
        noms = {modele.ligne(r).intitule: modele.data(modele.index(r, md.INSTRUCTEUR)) for r in range(3)}
        assert noms == {"Atelier vélo de Marie": "Marie Lefebvre", "Chorale de Paul": "Paul Martin",
                        "Jardin partagé des Fontinettes": ""}
        filtre = f.page_dossiers.filtres.listes["instructeur"]
        assert [filtre.itemText(i) for i in range(filtre.count())] == [
            "Instructeur : tous", "Mes dossiers", "Sans instructeur", "Paul Martin"]
        filtre.setCurrentIndex(filtre.findText("Mes dossiers"))
        qtbot.waitUntil(lambda: modele.rowCount() == 1, timeout=5000)
        assert modele.ligne(0).intitule == "Atelier vélo de Marie"
        f.onglets.setCurrentIndex(1)
        filtre.setCurrentIndex(0)
        qtbot.waitUntil(lambda: modele.rowCount() == 3, timeout=5000)
        capturer(f, "liste-instructeur")
        filtre.setCurrentIndex(filtre.findText("Sans instructeur"))
        qtbot.waitUntil(lambda: modele.rowCount() == 1, timeout=5000)
        assert modele.ligne(0).id == dossiers["sans"]
    finally:
        fermer_fenetre(f)


def _ouvrir(qtbot, f, dossier_id):
    f.espace.ouvrir_dossier(dossier_id)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    onglet = f.onglets.currentWidget()
    qtbot.waitUntil(lambda: onglet.attribution.attribution is not None, timeout=10000)
    return onglet


def test_attribuer_depuis_l_en_tete_puis_la_liste_suit(qtbot, base_equipe):
    from instruction.ui import modele_dossiers as md

    url, dossiers, _equipe, _contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        onglet = _ouvrir(qtbot, f, dossiers["sans"])
        entete = onglet.attribution
        assert "personne" in entete.etiquette.text()
        choix = [a.text() for a in entete.menu.actions() if a.text()]
        assert choix[0] == "Marie Lefebvre (moi)" and choix[-1] == "Personne (à attribuer)"
        assert "Rémi Urbain" not in choix and "Louis Lecteur" not in choix
        entete.menu.actions()[0].trigger()
        qtbot.waitUntil(lambda: "Marie Lefebvre (vous)" in entete.etiquette.text(), timeout=10000)
        modele = f.page_dossiers.modele

        def instructeur_liste():
            rang = next(r for r in range(modele.rowCount()) if modele.ligne(r).id == dossiers["sans"])
            return modele.data(modele.index(rang, md.INSTRUCTEUR))

        qtbot.waitUntil(lambda: instructeur_liste() == "Marie Lefebvre", timeout=10000)
        assert not entete.supprimer.isHidden(), "déposé : on peut encore le supprimer"
        capturer(onglet, "en-tete-attribution")
    finally:
        fermer_fenetre(f)


def test_supprimer_un_dossier_depose_depuis_son_onglet(qtbot, base_equipe):
    url, dossiers, _equipe, contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        onglet = _ouvrir(qtbot, f, dossiers["paul"])
        qtbot.mouseClick(onglet.attribution.supprimer, Qt.MouseButton.LeftButton)
        dialogue = onglet.attribution.dialogue
        qtbot.waitUntil(dialogue.isVisible, timeout=5000)
        ok = dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert "Dites pourquoi" in dialogue.erreur.text() and dialogue.isVisible()
        frapper(dialogue.motif, "Doublon du dossier de Marie")
        capturer(dialogue, "suppression-dossier")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: f.onglets.count() == 4, timeout=10000)
        qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 2, timeout=10000)
        from instruction.services import historique

        with contexte.unite(lecture=True) as uow:
            motifs = [e.nouveau for e in historique.du_dossier(uow, dossiers["paul"]) if e.action == "suppression"]
        assert "Doublon du dossier de Marie" in motifs
    finally:
        fermer_fenetre(f)


def _deposer(section, fichiers) -> None:
    donnees = QMimeData()
    donnees.setUrls([QUrl.fromLocalFile(str(fichier)) for fichier in fichiers])
    centre = section.rect().center()
    entree = QDragEnterEvent(centre, Qt.DropAction.CopyAction, donnees, Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(section, entree)
    assert entree.isAccepted(), "la section accepte des fichiers"
    depot = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, donnees, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(section, depot)


def test_glisser_plusieurs_pieces_sur_la_section(qtbot, base_equipe, tmp_path):
    url, dossiers, _equipe, _contexte = base_equipe
    rib, statuts, vide = tmp_path / "RIB Jardiniers 2027.pdf", tmp_path / "statuts-signes.pdf", tmp_path / "vide.pdf"
    rib.write_bytes(b"%PDF-1.4 rib")
    statuts.write_bytes(b"%PDF-1.4 statuts")
    vide.write_bytes(b"")
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        onglet = _ouvrir(qtbot, f, dossiers["marie"])
        qtbot.keyClick(onglet, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
        section = onglet.pieces
        avant = section.table.rowCount()
        # Un fichier vide parmi d'autres : refusé et nommé, aucun n'est joint, la boîte reste ouverte.
        _deposer(section, [rib, vide])
        qtbot.waitUntil(lambda: getattr(onglet, "dialogue_pieces", None) is not None
                        and onglet.dialogue_pieces.isVisible(), timeout=5000)
        dialogue = onglet.dialogue_pieces
        assert [liste.currentData() for liste in dialogue.types] == ["rib", "autre"]
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "« vide.pdf » est vide" in dialogue.erreur.text(), timeout=10000)
        assert dialogue.isVisible() and section.table.rowCount() == avant
        dialogue.reject()
        # Deux bons fichiers : types devinés, une date saisie, joints ensemble.
        _deposer(section, [rib, statuts])
        qtbot.waitUntil(lambda: onglet.dialogue_pieces is not dialogue and onglet.dialogue_pieces.isVisible(),
                        timeout=5000)
        dialogue = onglet.dialogue_pieces
        assert [liste.currentData() for liste in dialogue.types] == ["rib", "statuts"]
        frapper(dialogue.dates[0], "02/11/2026")
        capturer(dialogue, "pieces-deposees")
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: section.table.rowCount() == avant + 2, timeout=10000)
        assert not dialogue.isVisible()
        noms = {section.table.item(r, 1).text(): section.table.item(r, 2).text()
                for r in range(section.table.rowCount())}
        assert noms["RIB Jardiniers 2027.pdf"] == "02/11/2026" and "statuts-signes.pdf" in noms
        assert "2 pièce(s) jointe(s)" in onglet.message.text()
    finally:
        fermer_fenetre(f)


def test_restaurer_une_sauvegarde_depuis_le_menu(qtbot, dossier_en_base, tmp_path, monkeypatch):
    """Sur une base sans comptes, le poste est administrateur : il restaure."""
    from instruction.services.sauvegarde import sauvegarder
    from instruction.ui import fichiers

    url, _dossier_id = dossier_en_base
    contexte = ouvrir(url)
    sauvegarde = sauvegarder(contexte, tmp_path / "sauvegarde-du-matin.sqlite")
    fabrique.dossier(contexte, complet=False, modifier=_intitule("Saisi après la sauvegarde"))
    contexte.fermer()
    # La boîte de fichiers du système ne se pilote pas : elle rend le fichier choisi.
    monkeypatch.setattr(fichiers, "ouvrir", lambda *_a, **_k: sauvegarde)
    f = ouvrir_fenetre(qtbot, url)
    try:
        qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 2, timeout=15000)
        assert f.menus.restaurer.isEnabled()
        f.menus.restaurer.trigger()
        qtbot.waitUntil(lambda: getattr(f, "dialogue_restauration", None) is not None
                        and f.dialogue_restauration.isVisible(), timeout=10000)
        dialogue = f.dialogue_restauration
        texte = dialogue.texte.text()
        assert "sera remplacé par celui de la sauvegarde" in texte and "copie de sécurité" in texte
        assert "2 dossier(s), 1 porteur(s) aujourd'hui" in texte and "sauvegarde-du-matin.sqlite" in texte
        assert "1 dossier(s), 1 porteur(s)." in texte
        annuler = dialogue.boutons.button(QDialogButtonBox.StandardButton.Cancel)
        assert annuler.isDefault(), "Entrée annule : rien n'est remplacé par mégarde"
        capturer(dialogue, "restauration-confirmation")
        ancien = f.contexte
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: f.contexte is not None and f.contexte is not ancien
                        and f.page_dossiers.modele.rowCount() == 1, timeout=20000)
        assert f.page_dossiers.modele.ligne(0).intitule == "Jardin partagé des Fontinettes"
        boite = f.boite_restauration
        assert boite.isVisible() and "sauvegarde-du-matin.sqlite" in boite.text()
        assert "Copie de sécurité de la base d'avant" in boite.text() and "avant-restauration" in boite.text()
        capturer(boite, "restauration-faite")
        boite.accept()
    finally:
        fermer_fenetre(f)


def test_la_restauration_n_est_pas_offerte_a_un_instructeur(qtbot, base_equipe):
    url, _dossiers, _equipe, _contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        assert not f.menus.restaurer.isEnabled() and not f.menus.regles_attribution.isEnabled()
        assert f.menus.attribuer.isEnabled()
    finally:
        fermer_fenetre(f)


def test_regles_d_attribution_puis_attribuer_selon_les_regles(qtbot, base_equipe):
    url, dossiers, _equipe, contexte = base_equipe
    _mot_de_passe(contexte, "a.durand", "bon mot de passe")
    f = _fenetre_connectee(qtbot, url, "a.durand")
    try:
        assert f.menus.regles_attribution.isEnabled()
        f.menus.regles_attribution.trigger()
        qtbot.waitUntil(lambda: getattr(f, "dialogue_regles", None) is not None and f.dialogue_regles.isVisible(),
                        timeout=10000)
        dialogue = f.dialogue_regles
        assert dialogue.table.rowCount() == 0
        qtbot.mouseClick(dialogue.bouton_ajouter, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialogue.bouton_ajouter, Qt.MouseButton.LeftButton)
        dispositif, quartier, instructeur = (dialogue.table.cellWidget(0, c) for c in range(3))
        dispositif.setCurrentIndex(dispositif.findData("cdv"))
        instructeur.setCurrentIndex(instructeur.findText("Paul Martin"))
        dialogue.table.cellWidget(1, 2).setCurrentIndex(dialogue.table.cellWidget(1, 2).findText("Marie Lefebvre"))
        dialogue.table.setCurrentCell(1, 0)
        qtbot.mouseClick(dialogue.bouton_monter, Qt.MouseButton.LeftButton)  # « tous » passe avant : dans l'ordre
        assert [(r.dispositif, r.quartier) for r in dialogue.regles()] == [(None, None), ("cdv", None)]
        capturer(dialogue, "regles-attribution")
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
        f.menus.attribuer.trigger()
        qtbot.waitUntil(lambda: "Marie Lefebvre 1" in f.statusBar().currentMessage(), timeout=10000)
        with contexte.unite(lecture=True) as uow:
            assert attribution.lire(uow, dossiers["sans"]).instructeur.nom == "Marie Lefebvre"
    finally:
        fermer_fenetre(f)
