"""Instruction partagée dans la vraie fenêtre : connexion, Mes tâches, avis, conflit, historique, rôles.

Avec ``INSTRUCTION_CAPTURES=<dossier>``, les écrans sont aussi enregistrés en PNG (pour les regarder).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from instruction.domaine import droits
from instruction.services.contexte import ouvrir
from tests import fabrique
from tests.conftest import fermer_fenetre, frapper, ouvrir_fenetre


def capturer(widget, nom: str) -> None:
    dossier = os.environ.get("INSTRUCTION_CAPTURES")
    if dossier:
        QApplication.processEvents()
        widget.grab().save(str(Path(dossier) / f"{nom}.png"))


def _mot_de_passe(contexte, identifiant: str, mot_de_passe: str) -> None:
    """Donne un mot de passe connu (et définitif) au compte, comme l'aurait fait son titulaire."""
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.services import comptes

    with contexte.unite() as uow:
        compte = uow.session.scalar(select(m.Compte).where(m.Compte.identifiant == identifiant))
        compte.empreinte = comptes._hacheur().hash(mot_de_passe)
        compte.a_changer = False
        uow.valider()


@pytest.fixture
def base_equipe(dossier_en_base):
    """Un dossier en instruction, une équipe de comptes (la connexion est donc exigée)."""
    from instruction.services import instruction as circuit

    url, dossier_id = dossier_en_base
    contexte = ouvrir(url)
    equipe = fabrique.Equipe(contexte)
    for identifiant in ("m.lefebvre", "r.urbain", "l.lecteur"):
        _mot_de_passe(contexte, identifiant, "bon mot de passe")
    with contexte.unite() as uow:
        circuit.changer_etat(uow, dossier_id, "recevable")
        circuit.changer_etat(uow, dossier_id, "en_instruction")
        uow.valider()
    yield url, dossier_id, equipe, contexte
    contexte.fermer()


def _se_connecter(qtbot, f, identifiant: str, mot_de_passe: str) -> None:
    qtbot.waitUntil(lambda: getattr(f, "dialogue_connexion", None) is not None
                    and f.dialogue_connexion.isVisible(), timeout=15000)
    dialogue = f.dialogue_connexion
    dialogue.identifiant.setText(identifiant)
    dialogue.mot_de_passe.clear()
    frapper(dialogue.mot_de_passe, mot_de_passe)
    qtbot.keyClick(dialogue.mot_de_passe, Qt.Key.Key_Return)


def _fenetre_connectee(qtbot, url: str, identifiant: str):
    f = ouvrir_fenetre(qtbot, url)
    _se_connecter(qtbot, f, identifiant, "bon mot de passe")
    qtbot.waitUntil(lambda: f.contexte.utilisateur.identifiant == identifiant and f.page_dossiers.modele.rowCount() > 0,
                    timeout=15000)
    f.activateWindow()  # la boîte de connexion fermée, la fenêtre reprend la main (raccourcis clavier)
    qtbot.waitUntil(f.isActiveWindow, timeout=5000)
    return f


def _ouvrir_section(qtbot, f, dossier_id: int, section: str):
    f.espace.ouvrir_dossier(dossier_id, section=section)
    qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
    return f.onglets.currentWidget()


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_connexion_exigee_puis_mes_taches(qtbot, base_equipe):
    url, dossier_id, equipe, contexte = base_equipe
    f = ouvrir_fenetre(qtbot, url)
    try:
        qtbot.waitUntil(lambda: getattr(f, "dialogue_connexion", None) is not None, timeout=15000)
        assert f.page_dossiers.modele.rowCount() == 0, "rien de la base ne se montre avant la connexion"
        assert not f.menus.nouveau_dossier.isEnabled()
        _se_connecter(qtbot, f, "m.lefebvre", "mauvais mot de passe")
        qtbot.waitUntil(lambda: "incorrect" in f.dialogue_connexion.erreur.text(), timeout=15000)
        assert f.dialogue_connexion.isVisible() and f.dialogue_connexion.mot_de_passe.text() == ""
        capturer(f.dialogue_connexion, "connexion-refusee")
        _se_connecter(qtbot, f, "m.lefebvre", "bon mot de passe")
        qtbot.waitUntil(lambda: f.page_dossiers.modele.rowCount() == 1, timeout=15000)
        assert f.contexte.utilisateur.role == droits.INSTRUCTEUR
        assert "Marie Lefebvre" in f.qui.text()
        assert f.onglets.currentIndex() == 0, "l'accueil d'un compte, ce sont ses tâches"
        qtbot.waitUntil(f.page_taches.isVisible, timeout=5000)  # construite à sa première ouverture
        qtbot.waitUntil(lambda: bool(f.page_taches.taches), timeout=10000)
        quoi = [t.quoi for t in f.page_taches.taches]
        assert any("Examiner" in q for q in quoi), quoi
        assert not f.menus.comptes.isEnabled() and f.menus.nouveau_dossier.isEnabled()
        capturer(f, "mes-taches-instructeur")
        # Un clic (Entrée) sur la tâche ouvre le dossier, à sa section Instruction.
        arbre = f.page_taches.arbre
        arbre.setFocus()
        qtbot.keyClick(arbre, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
        onglet = f.onglets.currentWidget()
        assert onglet.fiche.id == dossier_id and onglet.onglets.currentWidget() is onglet.instruction
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_avis_demande_puis_donne_par_le_referent(qtbot, base_equipe):
    from instruction.services import avis

    url, dossier_id, equipe, contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        onglet = _ouvrir_section(qtbot, f, dossier_id, "avis")
        section = onglet.avis
        assert onglet.onglets.currentWidget() is section
        qtbot.waitUntil(lambda: "Aucun avis" in section.resume.text(), timeout=10000)
        qtbot.mouseClick(section.bouton_demander, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: getattr(section, "dialogue", None) is not None and section.dialogue.isVisible(),
                        timeout=10000)
        dialogue = section.dialogue
        coches = [d.libelle for d in dialogue.choisis()]
        # Le budget sollicite l'État et la Ville : proposés et cochés d'office.
        assert any("cofinanceur" in c and "Ville" in c for c in coches), coches
        for i in range(dialogue.liste.count()):  # on sollicite aussi le référent urbain
            item = dialogue.liste.item(i)
            if item.text().startswith("Rémi Urbain"):
                item.setCheckState(Qt.CheckState.Checked)
        dialogue.echeance.setText("31/02/2027")
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        assert "Échéance" in dialogue.erreur.text() and dialogue.isVisible(), "date fausse : la boîte reste"
        dialogue.echeance.setText((dt.date.today() + dt.timedelta(days=10)).strftime("%d/%m/%Y"))
        capturer(dialogue, "avis-demande")
        envoyes = [d.libelle for d in dialogue.choisis()]
        assert any(e.startswith("Rémi Urbain") for e in envoyes)
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
        qtbot.waitUntil(lambda: len(section.lignes) == len(envoyes), timeout=10000)
    finally:
        fermer_fenetre(f)

    # Le référent se connecte : l'avis est dans ses tâches, il le donne depuis le dossier.
    f = _fenetre_connectee(qtbot, url, "r.urbain")
    try:
        qtbot.waitUntil(lambda: bool(f.page_taches.taches), timeout=10000)
        assert [t.categorie for t in f.page_taches.taches] == ["Avis à donner"]
        assert not f.menus.nouveau_dossier.isEnabled()
        capturer(f, "mes-taches-referent")
        tache = f.page_taches.taches[0]
        f.page_taches.ouverture_demandee.emit(tache.dossier_id, "avis")
        qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
        onglet = f.onglets.currentWidget()
        assert onglet.bouton_enregistrer.isHidden(), "un référent ne modifie pas le dossier"
        assert onglet.action.intitule.isReadOnly()
        section = onglet.avis
        qtbot.waitUntil(lambda: bool(section.lignes), timeout=10000)
        rang = next(i for i, ligne in enumerate(section.lignes) if ligne.destinataire == "Rémi Urbain")
        assert [ligne.peut_repondre for ligne in section.lignes].count(True) == 1
        section.table.selectRow(rang)
        assert section.bouton_donner.isEnabled() and not section.bouton_demander.isVisible()
        qtbot.mouseClick(section.bouton_donner, Qt.MouseButton.LeftButton)
        dialogue = section.dialogue
        dialogue.boutons_sens["reserve"].setChecked(True)
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "commentaire est obligatoire" in dialogue.erreur.text(), timeout=10000)
        dialogue.montants["ville-calais"].setText("1 200,50")
        frapper(dialogue.commentaire, "Réservé : le lieu n'est pas encore trouvé.")
        dialogue.confidentiel.setChecked(True)
        capturer(dialogue, "avis-donne")
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=10000)
        qtbot.waitUntil(lambda: section.lignes[rang].sens == "reserve", timeout=10000)
        capturer(onglet, "avis-section-referent")
    finally:
        fermer_fenetre(f)

    with contexte.unite() as uow:
        uow.utilisateur = equipe.instructeur
        lu = next(ligne for ligne in avis.du_dossier(uow, dossier_id) if ligne.destinataire == "Rémi Urbain")
        uow.utilisateur = equipe.lecteur
        masque = next(ligne for ligne in avis.du_dossier(uow, dossier_id) if ligne.destinataire == "Rémi Urbain")
    assert lu.sens == "reserve" and lu.montants == {"ville-calais": pytest.approx(lu.montants["ville-calais"])}
    assert str(lu.montants["ville-calais"]) == "1200.50" and lu.confidentiel
    assert masque.masque and masque.sens is None and masque.montants == {}

    # L'instructeur voit tous les avis côte à côte, le confidentiel compris.
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        onglet = _ouvrir_section(qtbot, f, dossier_id, "avis")
        qtbot.waitUntil(lambda: any(ligne.sens for ligne in onglet.avis.lignes), timeout=10000)
        entetes = [onglet.avis.table.horizontalHeaderItem(c).text() for c in range(onglet.avis.table.columnCount())]
        assert any(e.startswith("Ville") or "Calais" in e for e in entetes), entetes
        assert "1 réservé(s)" in onglet.avis.resume.text()
        capturer(onglet, "avis-section-instructeur")
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_conflit_puis_recharger_et_reappliquer(qtbot, base_equipe):
    """Deux postes : Marie modifie l'intitulé à l'écran pendant qu'un collègue enregistre le résumé."""
    from instruction.domaine import dossier as d
    from instruction.services import dossier as service_dossier
    from instruction.services import historique

    url, dossier_id, equipe, contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        onglet = _ouvrir_section(qtbot, f, dossier_id, "instruction")
        qtbot.keyClick(onglet, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        onglet.action.intitule.selectAll()
        frapper(onglet.action.intitule, "Jardin partagé et compost des Fontinettes")
        # L'autre poste (une autre connexion, un autre compte) enregistre le résumé.
        autre = ouvrir(url)
        autre.utilisateur = equipe.admin
        with autre.unite() as uow:
            fiche = service_dossier.lire(uow, dossier_id)
            saisie = d.saisie_depuis(fiche.donnees)
            saisie.resume = "Un jardin et un composteur collectif."
            service_dossier.enregistrer(uow, dossier_id, d.valider(saisie), version=fiche.version)
            uow.valider()
        autre.fermer()
        qtbot.keyClick(onglet, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: getattr(onglet, "dialogue_conflit", None) is not None
                        and onglet.dialogue_conflit.isVisible(), timeout=10000)
        dialogue = onglet.dialogue_conflit
        cellules = [dialogue.table.item(0, c).text() for c in range(5)]
        assert cellules[1] == "a.durand" and cellules[2] == "Résumé"
        assert cellules[4] == "Un jardin et un composteur collectif."
        assert onglet.action.intitule.text() == "Jardin partagé et compost des Fontinettes", "la saisie reste"
        capturer(dialogue, "conflit")
        with contexte.unite() as uow:
            assert service_dossier.lire(uow, dossier_id).donnees.intitule == "Jardin partagé des Fontinettes"
        qtbot.mouseClick(dialogue.bouton_recharger, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: onglet.action.resume.toPlainText() == "Un jardin et un composteur collectif.",
                        timeout=10000)
        assert onglet.action.intitule.text() == "Jardin partagé et compost des Fontinettes"
        assert "Intitulé" in onglet.message.text() and onglet.modifie
        qtbot.mouseClick(onglet.bouton_enregistrer, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Dossier enregistré" in onglet.message.text(), timeout=10000)
        with contexte.unite() as uow:
            donnees = service_dossier.lire(uow, dossier_id).donnees
            entrees = historique.du_dossier(uow, dossier_id)
        assert donnees.intitule == "Jardin partagé et compost des Fontinettes"
        assert donnees.resume == "Un jardin et un composteur collectif."
        assert [(e.acteur, e.champ) for e in entrees[:2]] == [("m.lefebvre", "Intitulé"), ("a.durand", "Résumé")]
        # L'historique du dossier (Alt+0) montre les deux, et s'exporte.
        f.activateWindow()  # la boîte du conflit fermée (hors écran, la fenêtre ne reprend pas seule la main)
        qtbot.waitUntil(f.isActiveWindow, timeout=5000)
        qtbot.keyClick(onglet, Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)
        assert onglet.onglets.currentWidget() is onglet.historique
        qtbot.waitUntil(lambda: onglet.historique.table.rowCount() >= 2, timeout=10000)
        assert onglet.historique.table.item(0, 3).text() == "Intitulé"
        capturer(onglet, "historique")
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_les_listes_suivent_les_changements_d_un_autre_poste(qtbot, base_equipe):
    from instruction.services import instruction as circuit

    url, dossier_id, equipe, contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        qtbot.waitUntil(lambda: f._dernier_numero is not None, timeout=10000)
        f.verifier_changements()  # rien de neuf : rien ne bouge
        with contexte.unite() as uow:
            uow.utilisateur = equipe.admin
            circuit.demander_complements(uow, dossier_id, "Budget signé", dt.date.today() + dt.timedelta(days=5))
            uow.valider()
        f.verifier_changements()
        qtbot.waitUntil(lambda: f.page_dossiers.modele.ligne(0).etat == "incomplet", timeout=10000)
        qtbot.waitUntil(lambda: any(t.categorie == "Compléments attendus" for t in f.page_taches.taches),
                        timeout=10000)
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_comptes_administres_depuis_l_ecran(qtbot, base_equipe):
    from instruction.services import comptes

    url, dossier_id, equipe, contexte = base_equipe
    _mot_de_passe(contexte, "a.durand", "bon mot de passe")
    f = _fenetre_connectee(qtbot, url, "a.durand")
    try:
        assert f.menus.comptes.isEnabled()
        f.gerer_comptes()
        dialogue = f.dialogue_comptes
        qtbot.waitUntil(lambda: dialogue.table.rowCount() == 7, timeout=10000)
        qtbot.mouseClick(dialogue.bouton_nouveau, Qt.MouseButton.LeftButton)
        formulaire = dialogue.dialogue_compte
        formulaire.identifiant.setText("s.sport")
        formulaire.nom.setText("Sonia Sport")
        formulaire.role.setCurrentIndex(formulaire.role.findData(droits.REFERENT))
        qtbot.mouseClick(formulaire.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "thème" in formulaire.erreur.text(), timeout=10000)
        assert formulaire.nom.text() == "Sonia Sport", "la saisie refusée reste"
        for i in range(formulaire.themes.count()):
            if formulaire.themes.item(i).text() == "Sport":
                formulaire.themes.item(i).setCheckState(Qt.CheckState.Checked)
        capturer(formulaire, "compte-nouveau")
        qtbot.mouseClick(formulaire.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: getattr(dialogue, "boite_provisoire", None) is not None, timeout=10000)
        provisoire = dialogue.boite_provisoire.text().split("14pt'>")[1].split("<")[0]
        qtbot.waitUntil(lambda: dialogue.table.rowCount() == 8, timeout=10000)
        capturer(dialogue, "comptes")
        dialogue.boite_provisoire.close()
        with contexte.unite() as uow:
            utilisateur = comptes.connecter(uow, "s.sport", provisoire)
            assert utilisateur.themes == frozenset({"sport"}) and comptes.doit_changer(uow)
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_sans_connexion_rien_ne_s_ecrit(qtbot, base_equipe):
    """Boîte de connexion fermée sans se connecter : aucune action d'écriture, et le service refuse."""
    from instruction.services import porteurs

    url, dossier_id, equipe, contexte = base_equipe
    f = ouvrir_fenetre(qtbot, url)
    try:
        qtbot.waitUntil(lambda: getattr(f, "dialogue_connexion", None) is not None
                        and f.dialogue_connexion.isVisible(), timeout=15000)
        f.dialogue_connexion.reject()
        assert not f.page_dossiers.bouton_connexion.isHidden(), "on peut rouvrir la connexion"
        assert f.page_dossiers.bouton_nouveau.isHidden()
        assert not f.page_dossiers.filtres.bouton_enregistrer.isEnabled()
        capturer(f, "sans-connexion")
        assert f.contexte.utilisateur == droits.PERSONNE
        assert not any(a.isEnabled() for a in (f.menus.nouveau_dossier, f.menus.nouveau_porteur,
                                                f.menus.sauvegarder, f.menus.comptes))
        f.onglets.setCurrentIndex(2)
        assert not f.page_porteurs.nouveau.isEnabled()
        with f.contexte.unite() as uow:
            with pytest.raises(droits.Interdit):
                porteurs.creer(uow, dict(fabrique.IDENTITE, siret=""), {}, {}, [])
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_le_lecteur_consulte_sans_modifier_et_quitte(qtbot, base_equipe):
    url, dossier_id, equipe, contexte = base_equipe
    f = _fenetre_connectee(qtbot, url, "l.lecteur")
    try:
        assert not f.menus.sauvegarder.isEnabled() and not f.menus.nouveau_dossier.isEnabled()
        onglet = _ouvrir_section(qtbot, f, dossier_id, "instruction")
        qtbot.waitUntil(lambda: onglet.instruction.donnees is not None, timeout=10000)
        assert not onglet.modifie, "consulter n'est pas modifier"
        assert onglet.bouton_enregistrer.isHidden() and onglet.action.intitule.isReadOnly()
        assert "Consultation" in onglet.message.text()
        assert not onglet.instruction.passages.findChildren(type(onglet.bouton_enregistrer))
        capturer(onglet, "consultation-lecteur")
        assert f.espace.peut_quitter()
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_l_historique_du_porteur_se_lit_dans_sa_fiche(qtbot, base_equipe):
    from instruction.db import modeles as m
    from instruction.services import porteurs

    url, dossier_id, equipe, contexte = base_equipe
    contexte.utilisateur = equipe.instructeur
    with contexte.unite() as uow:
        porteur_id = uow.session.get(m.Dossier, dossier_id).porteur_id
        fiche = porteurs.lire(uow, porteur_id)
        porteurs.modifier(uow, porteur_id, {**{k: v or "" for k, v in fiche.identite.items()},
                                            "telephone": "03 21 99 99 99"}, fiche.contacts, version=fiche.version)
        uow.valider()
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        f.espace.ouvrir_porteur(porteur_id)
        qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
        onglet = f.onglets.currentWidget()
        onglet.suivi.setCurrentWidget(onglet.historique)
        cellules = [onglet.historique.item(0, c).text() for c in range(6)]
        assert cellules[1:] == ["m.lefebvre", "modification", "Téléphone", "03 21 00 00 00", "03 21 99 99 99"]
        capturer(onglet, "porteur-historique")
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_un_mot_de_passe_provisoire_se_change_avant_de_travailler(qtbot, base_equipe):
    from instruction.services import comptes

    url, dossier_id, equipe, contexte = base_equipe
    contexte.utilisateur = equipe.admin
    with contexte.unite() as uow:
        provisoire = comptes.reinitialiser(uow, equipe.lecteur.id)
        uow.valider()
    f = ouvrir_fenetre(qtbot, url)
    try:
        _se_connecter(qtbot, f, "l.lecteur", provisoire)
        qtbot.waitUntil(lambda: getattr(f, "dialogue_mot_de_passe", None) is not None
                        and f.dialogue_mot_de_passe.isVisible(), timeout=15000)
        dialogue = f.dialogue_mot_de_passe
        capturer(dialogue, "mot-de-passe-provisoire")
        premiere = f.dialogue_connexion
        dialogue.reject()  # « Se déconnecter » : le provisoire ne sert à rien d'autre
        qtbot.waitUntil(lambda: f.dialogue_connexion is not premiere and f.dialogue_connexion.isVisible(),
                        timeout=15000)
        assert f.contexte.utilisateur == droits.PERSONNE and f.page_dossiers.modele.rowCount() == 0
        _se_connecter(qtbot, f, "l.lecteur", provisoire)
        qtbot.waitUntil(lambda: getattr(f, "dialogue_mot_de_passe", None) is not dialogue
                        and f.dialogue_mot_de_passe.isVisible(), timeout=15000)
        dialogue = f.dialogue_mot_de_passe
        frapper(dialogue.ancien, provisoire)
        frapper(dialogue.nouveau, "court")
        frapper(dialogue.confirmation, "court")
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "10 caractères" in dialogue.erreur.text(), timeout=15000)
        for champ in (dialogue.nouveau, dialogue.confirmation):
            champ.clear()
            frapper(champ, "un vrai mot de passe")
        qtbot.mouseClick(dialogue.boutons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialogue.isVisible(), timeout=15000)
        assert f.contexte.utilisateur.identifiant == "l.lecteur"
        with contexte.unite() as uow:
            assert comptes.connecter(uow, "l.lecteur", "un vrai mot de passe").role == droits.LECTEUR
            assert not comptes.doit_changer(uow)
    finally:
        fermer_fenetre(f)


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_porteur_modifie_par_deux_postes_a_l_ecran(qtbot, base_equipe):
    """Marie change le téléphone dans la fiche pendant qu'un collègue enregistre le courriel : refus avec le
    détail, puis « recharger et réappliquer » garde les deux."""
    from instruction.db import modeles as m
    from instruction.services import porteurs

    url, dossier_id, equipe, contexte = base_equipe
    with contexte.unite() as uow:
        porteur_id = uow.session.get(m.Dossier, dossier_id).porteur_id
    f = _fenetre_connectee(qtbot, url, "m.lefebvre")
    try:
        f.espace.ouvrir_porteur(porteur_id)
        qtbot.waitUntil(lambda: f.onglets.count() == 5, timeout=10000)
        onglet = f.onglets.currentWidget()
        telephone = onglet.identite.champs["telephone"]
        telephone.selectAll()
        frapper(telephone, "03 21 99 99 99")
        autre = ouvrir(url)
        autre.utilisateur = equipe.admin
        with autre.unite() as uow:
            fiche = porteurs.lire(uow, porteur_id)
            porteurs.modifier(uow, porteur_id, {**{k: v or "" for k, v in fiche.identite.items()},
                                                "courriel": "accueil@jardiniers.fr"}, fiche.contacts,
                              version=fiche.version)
            uow.valider()
        autre.fermer()
        qtbot.mouseClick(onglet.bouton_enregistrer, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: getattr(onglet, "dialogue_conflit", None) is not None
                        and onglet.dialogue_conflit.isVisible(), timeout=10000)
        dialogue = onglet.dialogue_conflit
        assert [dialogue.table.item(0, c).text() for c in (1, 2, 4)] == ["a.durand", "Courriel",
                                                                         "accueil@jardiniers.fr"]
        qtbot.mouseClick(dialogue.bouton_recharger, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: onglet.identite.champs["courriel"].text() == "accueil@jardiniers.fr", timeout=10000)
        assert telephone.text() == "03 21 99 99 99" and onglet.modifie
        qtbot.mouseClick(onglet.bouton_enregistrer, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not onglet.modifie, timeout=10000)
        with contexte.unite() as uow:
            identite = porteurs.lire(uow, porteur_id).identite
        assert (identite["telephone"], identite["courriel"]) == ("03 21 99 99 99", "accueil@jardiniers.fr")
    finally:
        fermer_fenetre(f)
