"""Lettres de notification : les décisions lues dans la base (SQLite et PostgreSQL), le lot écrit puis relu avec
pypdf (porteur, montants en chiffres et en lettres, motif), un PDF par porteur, l'annulation qui ne laisse rien,
et la boîte du comité (pytest-qt)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from instruction.domaine import droits
from instruction.domaine.droits import Interdit
from instruction.domaine.etats import Etat
from instruction.services import porteurs
from instruction.services import instruction as circuit
from instruction.services.actions import lettres as actions
from tests import fabrique
from tests.conventions_outils import retenir
from tests.fabrique_comite import instruits

JOUR = dt.date(2026, 12, 1)


def _texte(fichier) -> str:
    lecteur = PdfReader(fichier, strict=True)
    return "\n".join(p.extract_text() for p in lecteur.pages).replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def decisions(contexte):
    """Quatre dossiers décidés du même porteur (retenu, refusé, ajourné, retenu sans la Ville) et un retenu d'un
    second porteur. Demandes : État PV 2 000 €, Ville 1 500 €."""
    retenu, refuse, ajourne, sans_ville = instruits(contexte, 4)
    with contexte.unite() as uow:
        circuit.changer_etat(uow, retenu, Etat.RETENU, "Bilan intermédiaire attendu en juin.",
                             montants={"etat-pv": Decimal("2000.00"), "ville-calais": Decimal("1200.00")})
        circuit.changer_etat(uow, refuse, Etat.REFUSE, "L'action se déroule sur le temps scolaire.")
        circuit.changer_etat(uow, ajourne, Etat.AJOURNE, "Le budget doit être précisé.")
        circuit.changer_etat(uow, sans_ville, Etat.RETENU, montants={"etat-pv": Decimal("2000.00")})
        second = porteurs.creer(uow, {**fabrique.IDENTITE, "nom": "Centre social Espace Fort", "siret": "443 061 841 00047",
                                      "sigle": "", "rna": ""},
                                representant={"civilite": "Monsieur", "nom": "Olivier Delannoy",
                                              "qualite": "Président"})
        uow.valider()
    autre = fabrique.dossier(contexte, modifier=lambda s: setattr(s, "porteur_id", str(second)))
    with contexte.unite() as uow:
        retenir(uow, autre, {"etat-pv": Decimal("1800.00"), "ville-calais": Decimal("1500.00")})
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        from sqlalchemy import select

        from instruction.db import modeles as m

        campagne = uow.session.scalar(select(m.Dossier.campagne_id).where(m.Dossier.id == retenu))
    return {"campagne": campagne, "retenu": retenu, "refuse": refuse, "ajourne": ajourne, "sans_ville": sans_ville,
            "autre": autre}


def test_les_décisions_donnent_une_lettre_par_dossier_et_par_cofinanceur(contexte, decisions):
    ville = actions.lire(contexte, "ville-calais", campagne_id=decisions["campagne"])
    par_dossier = {n.dossier_id: n for n in ville}
    assert {i: n.genre for i, n in par_dossier.items()} == {
        decisions["retenu"]: "accord", decisions["refuse"]: "refus", decisions["ajourne"]: "ajourne",
        decisions["sans_ville"]: "refus", decisions["autre"]: "accord"}
    accord = par_dossier[decisions["retenu"]]
    assert (accord.montant_accorde, accord.montant_demande) == (Decimal("1200.00"), Decimal("1500.00"))
    assert accord.motif == "Bilan intermédiaire attendu en juin." and accord.convention
    assert accord.porteur == "Association Les Jardiniers des Fontinettes"
    assert accord.formule_appel == "Madame la Présidente,"
    assert accord.adresse == ("12 rue des Fontinettes", "62100 Calais")
    assert par_dossier[decisions["refuse"]].motif == "L'action se déroule sur le temps scolaire."
    assert par_dossier[decisions["sans_ville"]].retenu_ailleurs and par_dossier[decisions["sans_ville"]].motif is None
    assert par_dossier[decisions["autre"]].formule_appel == "Monsieur le Président,"
    # Triées par porteur (les jardiniers avant le centre social), puis par numéro de dossier.
    assert [n.porteur for n in ville] == ["Association Les Jardiniers des Fontinettes"] * 4 + ["Centre social Espace Fort"]
    assert [n.numero for n in ville][:4] == sorted(n.numero for n in ville[:4])
    etat = actions.lire(contexte, "etat-pv", campagne_id=decisions["campagne"], genres=("accord",))
    assert sorted(n.dossier_id for n in etat) == sorted([decisions["retenu"], decisions["sans_ville"],
                                                         decisions["autre"]])
    assert actions.lire(contexte, "ca-gctm", campagne_id=decisions["campagne"]) == []  # jamais sollicitée


@pytest.fixture
def sortie(tmp_path):
    dossier = tmp_path / "sortie"
    dossier.mkdir()
    return dossier


def test_le_lot_relu_dit_porteur_montants_et_motifs(contexte, decisions, sortie):
    messages, pas = [], []
    lot = actions.generer(contexte, sortie, "ville-calais", campagne_id=decisions["campagne"], date_lettre=JOUR,
                          progression=messages.append, avancement=lambda f, t: pas.append((f, t))).valeur
    assert lot.nombre == 5 and lot.dossier.parent == sortie and lot.fusion.is_file()
    assert sorted(p.name for p in lot.dossier.iterdir()) == [
        "Association Les Jardiniers des Fontinettes.pdf", "Centre social Espace Fort.pdf", "Toutes les lettres.pdf"]
    assert [p.name for p in sortie.iterdir()] == [lot.dossier.name]  # rien d'autre, rien de caché
    tout = _texte(lot.fusion)
    assert len(PdfReader(lot.fusion).pages) == 5  # une page par lettre
    assert tout.count("VILLE DE CALAIS") == 5 and "Calais, le 1er décembre 2026" in tout
    assert "une subvention de 1 200,00 € (mille deux cents euros) vous est attribuée" in " ".join(tout.split())
    assert "Ce montant est inférieur à votre demande (1 500,00 €)" in " ".join(tout.split())
    assert "Bilan intermédiaire attendu en juin." in tout
    assert "L'action se déroule sur le temps scolaire." in tout
    assert "Le budget doit être précisé." in tout and "ajourner" in tout
    assert "ne pourra pas y contribuer" in " ".join(tout.split())  # retenu sans la Ville
    centre = _texte(lot.dossier / "Centre social Espace Fort.pdf")
    assert "Monsieur le Président," in centre and "1 500,00 € (mille cinq cents euros)" in " ".join(centre.split())
    assert "Jardiniers" not in centre
    jardiniers = PdfReader(lot.dossier / "Association Les Jardiniers des Fontinettes.pdf")
    assert len(jardiniers.pages) == 4
    assert pas[-1] == (10, 10) and messages[-1].startswith("5 lettres écrites")


def test_annuler_ne_laisse_aucun_fichier(contexte, decisions, sortie):
    # Avant tout, pendant la mise en page de toutes les lettres (à la 1re et à la 4e lettre), après le PDF d'un
    # premier porteur : appels 1 (mise en forme), 2 (mise en page), 3 à 7 (chaque lettre), 8 et 9 (chaque porteur).
    for arret in (1, 3, 6, 9):
        appels = 0

        def annule(arret: int = arret) -> bool:
            nonlocal appels
            appels += 1
            return appels >= arret

        with pytest.raises(actions.GenerationAnnulee, match="aucun fichier n'a été écrit"):
            actions.generer(contexte, sortie, "ville-calais", campagne_id=decisions["campagne"], annule=annule)
        assert appels == arret
        assert list(sortie.iterdir()) == []
    # Un second lot n'écrase pas le premier.
    assert _lignes_lettres(contexte) == []  # rien d'écrit à l'historique non plus
    premier = actions.generer(contexte, sortie, "ville-calais", campagne_id=decisions["campagne"]).valeur
    second = actions.generer(contexte, sortie, "ville-calais", campagne_id=decisions["campagne"]).valeur
    assert second.dossier != premier.dossier and second.dossier.name.endswith("(2)")


def _lignes_lettres(contexte) -> list[tuple[int, str, str]]:
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.services import lettres

    with contexte.unite(lecture=True) as uow:
        return [tuple(x) for x in uow.session.execute(
            select(m.Historique.dossier_id, m.Historique.champ, m.Historique.nouveau)
            .where(m.Historique.objet == lettres.OBJET).order_by(m.Historique.id))]


def test_la_génération_note_chaque_lettre_dans_l_historique_du_dossier(contexte, decisions, sortie):
    from instruction.services import historique
    from instruction.services import lettres

    campagne = decisions["campagne"]
    apercu = actions.apercu(contexte, "ville-calais", campagne_id=campagne, date_lettre=JOUR)
    assert apercu.nombre == 5 and apercu.deja_notifiees == 0
    assert _lignes_lettres(contexte) == []  # l'aperçu n'écrit rien
    fait = actions.generer(contexte, sortie, "ville-calais", campagne_id=campagne, date_lettre=JOUR)
    assert fait.valeur.notees == 5
    assert fait.changements.dossiers == {decisions[k] for k in ("retenu", "refuse", "ajourne", "sans_ville", "autre")}
    ville = "Lettre de notification — Ville de Calais"
    assert sorted(_lignes_lettres(contexte)) == sorted([
        (decisions["retenu"], ville, "Lettre de notification (accord) au nom de la Ville de Calais générée le 01/12/2026"),
        (decisions["refuse"], ville, "Lettre de notification (refus) au nom de la Ville de Calais générée le 01/12/2026"),
        (decisions["ajourne"], ville,
         "Lettre de notification (ajournement) au nom de la Ville de Calais générée le 01/12/2026"),
        (decisions["sans_ville"], ville, "Lettre de notification (refus) au nom de la Ville de Calais générée le 01/12/2026"),
        (decisions["autre"], ville, "Lettre de notification (accord) au nom de la Ville de Calais générée le 01/12/2026"),
    ])
    with contexte.unite(lecture=True) as uow:
        entree = next(e for e in historique.du_dossier(uow, decisions["retenu"]) if e.objet == lettres.OBJET)
    assert (entree.acteur, entree.champ) == (contexte.acteur, ville)

    # Le même lot regénéré le même jour : un nouveau dossier de fichiers, mais pas de doublon à l'historique.
    encore = actions.generer(contexte, sortie, "ville-calais", campagne_id=campagne, date_lettre=JOUR).valeur
    assert encore.nombre == 5 and encore.notees == 0 and len(_lignes_lettres(contexte)) == 5
    assert actions.apercu(contexte, "ville-calais", campagne_id=campagne, date_lettre=JOUR).deja_notifiees == 5
    # Un autre jour : de nouvelles lignes ; l'État a les siennes (accords seulement ici).
    lendemain = JOUR + dt.timedelta(days=1)
    assert actions.generer(contexte, sortie, "ville-calais", campagne_id=campagne,
                           date_lettre=lendemain).valeur.notees == 5
    assert actions.generer(contexte, sortie, "etat-pv", campagne_id=campagne, genres=("accord",),
                           date_lettre=JOUR).valeur.notees == 3
    assert len(_lignes_lettres(contexte)) == 13
    notifiees = actions.notifiees(contexte, decisions["retenu"])
    assert [(n.financeur_code, n.genre, n.le) for n in notifiees] == [
        ("etat-pv", "accord", JOUR), ("ville-calais", "accord", lendemain)]
    assert notifiees[1].texte == "Ville de Calais : accord, notifié le 02/12/2026"
    assert [n.genre for n in actions.notifiees(contexte, decisions["ajourne"])] == ["ajourne"]


def test_le_lot_écrit_son_historique_en_un_nombre_fixe_de_requêtes(contexte, decisions, sortie):
    from sqlalchemy import event

    instructions: list[str] = []

    def noter(_cx, _curseur, instruction, *_args) -> None:
        if not instruction.startswith("PRAGMA query_only"):
            instructions.append(instruction)

    def requetes(**choix) -> tuple[int, int]:
        instructions.clear()
        event.listen(contexte.moteur, "before_cursor_execute", noter)
        try:
            lot = actions.generer(contexte, sortie, "ville-calais", campagne_id=decisions["campagne"],
                                  date_lettre=JOUR, **choix).valeur
        finally:
            event.remove(contexte.moteur, "before_cursor_execute", noter)
        return lot.notees, len(instructions)

    deux, requetes_deux = requetes(genres=("accord",))
    trois, requetes_trois = requetes(genres=("refus", "ajourne"))
    assert (deux, trois) == (2, 3)
    assert requetes_deux == requetes_trois  # autant de requêtes pour 2 lettres que pour 3 : rien par dossier


def test_la_section_du_dossier_dit_notifié_le(qtbot, contexte, decisions, sortie):
    from instruction.ui.conventions.section_dossier import SectionConventions

    actions.generer(contexte, sortie, "ville-calais", campagne_id=decisions["campagne"], date_lettre=JOUR)
    section = SectionConventions(contexte, decisions["refuse"])
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: "notifié le" in section.notifications.text(), timeout=15000)
    assert "Ville de Calais : refus, notifié le 01/12/2026" in section.notifications.text()
    vide = SectionConventions(contexte, fabrique.dossier(contexte))
    qtbot.addWidget(vide)
    qtbot.waitUntil(lambda: "aucune générée" in vide.notifications.text(), timeout=15000)


def test_seuls_instructeurs_et_administrateurs_éditent_les_lettres(contexte, decisions):
    contexte.utilisateur = droits.Utilisateur("lucie", "Lucie Lectrice", droits.LECTEUR)
    with pytest.raises(Interdit, match="éditer les lettres de notification"):
        actions.lire(contexte, "ville-calais", campagne_id=decisions["campagne"])
    from types import SimpleNamespace

    from instruction.services import lettres

    with contexte.unite() as uow, pytest.raises(Interdit, match="éditer les lettres de notification"):
        lettres.noter_envoi(uow, [SimpleNamespace(dossier_id=decisions["retenu"], financeur_code="ville-calais",
                                                  genre="accord")], JOUR)
    assert actions.notifiees(contexte, decisions["retenu"]) == []  # « notifié le » se lit sans ce droit


def test_aucune_lettre_et_choix_incomplet_sont_dits(contexte, sortie):
    with pytest.raises(Exception, match="Choisissez une campagne ou une séance"):
        actions.lire(contexte, "ville-calais")
    campagne = fabrique.campagne(contexte)
    with pytest.raises(Exception, match="Aucune lettre à écrire"):
        actions.generer(contexte, sortie, "ville-calais", campagne_id=campagne)


def test_la_boîte_des_lettres_sur_la_démonstration(qtbot, url_demo, tmp_path):
    from PySide6.QtCore import Qt

    from instruction.services.contexte import ouvrir
    from instruction.ui.comite.dialogue_lettres import DialogueLettres
    from tests.captures import capturer

    contexte = ouvrir(url_demo)
    boite = DialogueLettres(contexte)
    qtbot.addWidget(boite)
    boite.resize(1366, 768)
    boite.show()
    qtbot.waitUntil(lambda: boite.apercu_lu is not None, timeout=20000)
    index = boite.campagne.findText("AAP Contrat de ville 2023", Qt.MatchFlag.MatchStartsWith)
    boite.campagne.setCurrentIndex(index)
    qtbot.waitUntil(lambda: boite.apercu_lu is not None and boite.resume.text().startswith("<b>52 lettre"),
                    timeout=20000)
    assert boite.image.pixmap() is not None and not boite.image.pixmap().isNull()
    capturer(boite, "dialogue_lettres.png", tmp_path)
    sortie = tmp_path / "lettres"
    sortie.mkdir()
    boite.sortie.setText(str(sortie))
    boite.generer.click()
    qtbot.waitUntil(lambda: boite.lot is not None, timeout=30000)
    assert boite.lot.nombre == 52 and len(boite.lot.par_porteur) == 34
    assert boite.imprimer.isEnabled() and boite.apercu_lot.isEnabled()
    assert "52 lettre(s) écrites" in boite.message.text()
    contexte.fermer()


def test_noms_de_fichier_surs_aussi_sous_windows():
    """Un porteur nommé « CON » ou « NUL » (noms réservés de Windows) ne donne pas un fichier impossible à créer."""
    from instruction.rapports import acte, lettres

    assert lettres.nom_de_fichier("CON") == "_CON" and acte.nom_de_fichier("nul") == "_nul"
    assert lettres.nom_de_fichier("Les Amis/du Fort") == "Les Amis du Fort"
    assert acte.nom_de_fichier("Convention 2023/VILLE") == "Convention 2023-VILLE"
