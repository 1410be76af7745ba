"""Le suivi des actions (issue 13, point 3) : copils avec compte rendu joint, visites évaluatives et leur grille
courte, suivi renforcé et ses indicateurs d'impact, calendrier par mois, historique du dossier.

Services sur SQLite et PostgreSQL ; écrans (pytest-qt) sur une copie de la démonstration.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from instruction.db.modeles import suivi as ms
from instruction.domaine import droits
from instruction.domaine import suivi as domaine
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.domaine.validation import SaisieInvalide
from instruction.services import historique
from instruction.services import suivi
from instruction.services.actions import SUIVI
from instruction.services.actions import suivi as actions
from tests import fabrique


def retenu(contexte, *, montants=None, modifier=None) -> int:
    """Un dossier CDV 2027 retenu par le comité (grille égalité cotée, examen fait)."""
    from instruction.domaine import eligibilite as el
    from instruction.services import examen as service_examen
    from instruction.services import instruction as service_instruction

    identifiant = fabrique.dossier(contexte, modifier=modifier)
    fabrique.coter_egalite(contexte, identifiant)
    with contexte.unite() as uow:
        for etat in (Etat.RECEVABLE, Etat.EN_INSTRUCTION):
            service_instruction.changer_etat(uow, identifiant, etat)
        evaluation = service_examen.evaluer(uow, identifiant)
        service_examen.enregistrer_examen(
            uow, identifiant, [el.Decision(c.code, c.resultat.statut) for c in evaluation.criteres])
        service_instruction.changer_etat(uow, identifiant, Etat.INSTRUIT)
        service_instruction.changer_etat(uow, identifiant, Etat.RETENU, "Comité du 12/03/2027", montants=montants)
        uow.valider()
    return identifiant


def _historique(contexte, dossier_id):
    with contexte.unite() as uow:
        return [(h.objet, h.action, h.champ, h.ancien, h.nouveau) for h in historique.du_dossier(uow, dossier_id)
                if h.objet == suivi.OBJET]


def test_le_suivi_commence_avec_la_decision(contexte):
    depose = fabrique.dossier(contexte)
    with pytest.raises(DonneesInvalides, match="commence avec la décision du comité"):
        actions.enregistrer_copil(contexte, depose, {"date": "12/03/2027"})
    assert not actions.lire(contexte, depose).suivable
    assert "Déposé" in actions.lire(contexte, depose).raison_non_suivable


def test_copil_avec_compte_rendu_joint_verifie_par_son_empreinte(contexte, tmp_path):
    dossier = retenu(contexte)
    hier = aujourd_hui() - dt.timedelta(days=1)
    with pytest.raises(SaisieInvalide) as refus:
        actions.enregistrer_copil(contexte, dossier, {"date": "31/02/2027", "participants": "A"})
    assert "date" in refus.value.erreurs[0].champ
    futur = aujourd_hui() + dt.timedelta(days=30)
    with pytest.raises(SaisieInvalide, match="ne peut pas être daté après aujourd'hui"):
        actions.enregistrer_copil(contexte, dossier, {"date": futur.strftime("%d/%m/%Y"), "tenu": "oui"})
    cr = tmp_path / "CR copil jardin.pdf"
    cr.write_bytes(b"%PDF-1.4 compte rendu du copil")
    resultat = actions.enregistrer_copil(contexte, dossier, {
        "date": hier.strftime("%d/%m/%Y"), "tenu": "oui", "lieu": "Centre social Matisse",
        "participants": "Porteur\nDélégué du préfet\n\nVille de Calais", "notes": "Mobilisation des publics"},
        compte_rendu=cr)
    assert resultat.changements.touche(SUIVI) and dossier in resultat.changements.dossiers
    copil = resultat.valeur.copils[0]
    assert (copil.date, copil.tenu, copil.participants, copil.compte_rendu) == (
        hier, True, ("Porteur", "Délégué du préfet", "Ville de Calais"), "CR copil jardin.pdf")
    copie = actions.copie_compte_rendu_copil(contexte, copil.id)
    assert copie.read_bytes() == b"%PDF-1.4 compte rendu du copil"
    # Modifier : seuls les champs changés vont à l'historique.
    actions.enregistrer_copil(contexte, dossier, {"date": hier.strftime("%d/%m/%Y"), "tenu": "oui",
                                                  "lieu": "Espace Fort", "participants": "Porteur"}, copil.id)
    lignes = _historique(contexte, dossier)
    assert ("suivi", "copil modifié", f"Copil du {hier.strftime('%d/%m/%Y')} — Lieu", "Centre social Matisse",
            "Espace Fort") in lignes
    assert any(l[1] == "compte rendu de copil joint" and l[4] == "CR copil jardin.pdf" for l in lignes)
    # Un contenu altéré en base se voit.
    with contexte.unite() as uow:
        uow.session.execute(update(ms.Copil).where(ms.Copil.id == copil.id).values(cr_contenu=b"autre"))
        uow.valider()
    with pytest.raises(DonneesInvalides, match="altéré"):
        actions.copie_compte_rendu_copil(contexte, copil.id)
    actions.supprimer_copil(contexte, dossier, copil.id)
    assert actions.lire(contexte, dossier).copils == ()
    assert _historique(contexte, dossier)[0][1] == "copil supprimé"


def test_visite_programmee_puis_faite_avec_sa_grille(contexte):
    dossier = retenu(contexte)
    grille = domaine.grille_courante()
    assert [q.code for q in grille.questions][:3] == ["conformite", "deploiement", "mobilisation"]
    prevue = aujourd_hui() - dt.timedelta(days=10)
    suivi_lu = actions.enregistrer_visite(contexte, dossier, {"prevue_le": prevue.strftime("%d/%m/%Y"),
                                                              "lieu": "Jardin"}).valeur
    visite = suivi_lu.visites[0]
    assert visite.faite_le is None and visite.statut == "Prévue, date passée"
    with pytest.raises(SaisieInvalide, match="indiquez la date à laquelle elle a été faite"):
        actions.enregistrer_visite(contexte, dossier, {"prevue_le": prevue.strftime("%d/%m/%Y")},
                                   {"conformite": ("satisfaisant", None)}, visite.id)
    with pytest.raises(SaisieInvalide) as refus:
        actions.enregistrer_visite(contexte, dossier, {"prevue_le": prevue.strftime("%d/%m/%Y"),
                                                       "faite_le": prevue.strftime("%d/%m/%Y")},
                                   {"mobilisation": ("insuffisant", "")}, visite.id)
    assert refus.value.erreurs[0].champ == "reponses.mobilisation.commentaire"
    relu = actions.enregistrer_visite(contexte, dossier, {
        "prevue_le": prevue.strftime("%d/%m/%Y"), "faite_le": prevue.strftime("%d/%m/%Y"), "lieu": "Jardin",
        "intervenants": "Chargée de mission PV", "conclusion": "Action conforme ; public féminin à renforcer."},
        {"conformite": ("satisfaisant", None), "mobilisation": ("insuffisant", "Peu de filles"),
         "egalite": (None, None)}, visite.id).valeur
    visite = relu.visites[0]
    assert visite.reponses == {"conformite": ("satisfaisant", None), "mobilisation": ("insuffisant", "Peu de filles")}
    assert visite.statut == "Faite, compte rendu saisi" and visite.grille.numero == grille.numero
    grille_h = [l for l in _historique(contexte, dossier) if l[2] and l[2].endswith("Grille")]
    assert "Insuffisant" in grille_h[0][4]
    with contexte.unite() as uow:
        gardee = uow.session.get(ms.VisiteEvaluative, visite.id)
        assert gardee.grille_version == grille.numero and "conformite" in gardee.grille


def test_suivi_renforce_de_l_annee_avec_indicateurs_exacts(contexte):
    un, deux = retenu(contexte), retenu(contexte)
    with pytest.raises(SaisieInvalide, match="Motif du suivi renforcé"):
        actions.placer_en_suivi_renforce(contexte, 2027, un, "", [])
    with pytest.raises(SaisieInvalide, match="n'est pas un indicateur du référentiel"):
        actions.placer_en_suivi_renforce(contexte, 2027, un, "Expérimentation", [
            {"libelle": "Taux", "indicateur_code": "IND999"}])
    liste = actions.placer_en_suivi_renforce(contexte, 2027, un, "Action expérimentale sur deux QPV", [
        {"libelle": "Part de filles parmi les participants", "indicateur_code": "INDT21", "unite": "%",
         "valeur_initiale": "20", "cible": "50", "valeur_mesuree": "35,5"},
        {"libelle": "", "cible": ""},  # ligne vide ignorée
    ]).valeur
    assert [a.dossier_id for a in liste] == [un]
    impact = liste[0].indicateurs[0]
    assert (impact.valeur_initiale, impact.cible, impact.valeur_mesuree) == (Decimal("20"), Decimal("50"),
                                                                            Decimal("35.5"))
    assert impact.atteinte == Decimal("15.5") / Decimal("30")
    actions.placer_en_suivi_renforce(contexte, 2027, deux, "Structurante", [])
    actions.placer_en_suivi_renforce(contexte, 2027, un, "Action expérimentale sur deux QPV", [
        {"libelle": "Part de filles parmi les participants", "unite": "%", "valeur_initiale": "20", "cible": "50",
         "valeur_mesuree": "41"}])
    liste, suivables = actions.suivi_renforce(contexte, 2027)
    assert [a.dossier_id for a in liste] == [un, deux] and {s[0] for s in suivables} == {un, deux}
    assert liste[0].indicateurs[0].valeur_mesuree == Decimal("41") and len(liste[0].indicateurs) == 1
    lignes = _historique(contexte, un)
    assert lignes[0][2] == "Suivi renforcé 2027 — indicateurs d'impact" and "mesuré 41" in lignes[0][4]
    actions.retirer_du_suivi_renforce(contexte, 2027, deux)
    assert [a.dossier_id for a in actions.suivi_renforce(contexte, 2027)[0]] == [un]
    assert actions.lire(contexte, un).suivi_renforce[0].motif == "Action expérimentale sur deux QPV"
    with contexte.unite() as uow:
        assert uow.session.scalar(select(ms.IndicateurImpact.valeur_initiale)) == "20"


def test_calendrier_par_mois_et_actions_sans_copil(contexte):
    un, deux = retenu(contexte), retenu(contexte)
    actions.enregistrer_copil(contexte, un, {"date": "12/03/2027"})
    actions.enregistrer_copil(contexte, un, {"date": "15/10/2027"})
    actions.enregistrer_visite(contexte, deux, {"prevue_le": "05/03/2027", "lieu": "Beau-Marais"})
    actions.enregistrer_visite(contexte, deux, {"prevue_le": "05/01/2028"})
    cal = actions.calendrier(contexte, 2027)
    assert cal.nombre == 3 and list(cal.mois) == list(range(1, 13))
    mars = cal.mois[3]
    assert [(e.date, e.genre) for e in mars] == [(dt.date(2027, 3, 5), domaine.VISITE),
                                                 (dt.date(2027, 3, 12), domaine.COPIL)]
    assert mars[0].libelle == "Visite prévue — Beau-Marais" and mars[0].dossier_id == deux
    assert [s[0] for s in cal.sans_copil] == [deux]  # l'action du 1er mars au 30 novembre 2027 n'a pas de copil
    assert actions.calendrier(contexte, 2028).nombre == 1
    assert 2027 in actions.annees(contexte)


def test_un_lecteur_ne_note_rien(contexte):
    dossier = retenu(contexte)
    fabrique.compte(contexte, "a.admin", droits.ADMINISTRATEUR)
    contexte.utilisateur = fabrique.compte(contexte, "l.lecteur", droits.LECTEUR)
    with pytest.raises(droits.Interdit, match="noter le suivi d'une action"):
        actions.enregistrer_copil(contexte, dossier, {"date": "12/03/2027"})
    assert actions.lire(contexte, dossier).copils == ()


# --- Écrans -------------------------------------------------------------------------------------------------


def _action_du_menu(f, texte: str):
    for action in f.menus.menu_suivi.actions():
        if action.text().replace("&", "") == texte:
            return action
    raise AssertionError(f"entrée « {texte} » absente du menu Suivi")


def test_calendrier_de_la_demonstration_puis_un_copil_saisi_au_clavier(qtbot, fenetre_demo, tmp_path):
    """Menu Suivi › Calendrier : 2023 de la démonstration mois par mois ; double-clic sur un rendez-vous : le
    dossier s'ouvre à sa section « Suivi et bilans », où un copil se saisit au clavier."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from tests.captures import capturer
    from tests.conftest import frapper

    f = fenetre_demo
    _action_du_menu(f, "Calendrier du suivi").trigger()
    page = f.onglets.currentWidget()
    assert page.titre_onglet == "Calendrier du suivi"
    qtbot.waitUntil(lambda: page.annee.count() > 0, timeout=10000)
    page.annee.setCurrentIndex(page.annee.findData(2023))
    qtbot.waitUntil(lambda: page.calendrier is not None and page.calendrier.annee == 2023, timeout=10000)
    juin = page.mois[6][1]
    assert page.calendrier.nombre == sum(page.mois[n][1].count() for n in range(1, 13)) > 50
    assert juin.count() == len(page.calendrier.mois[6]) and "Copil tenu" in juin.item(1).text()
    assert page.sans_copil.count() == len(page.calendrier.sans_copil) > 0
    capturer(f, "calendrier-du-suivi.png", tmp_path)
    # Le premier rendez-vous de juin : son dossier s'ouvre.
    evenement = page.calendrier.mois[6][0]
    juin.setCurrentRow(0)
    juin.itemActivated.emit(juin.item(0))
    qtbot.waitUntil(lambda: getattr(f.onglets.currentWidget(), "fiche", None) is not None
                    and f.onglets.currentWidget().fiche.id == evenement.dossier_id, timeout=10000)
    onglet = f.onglets.currentWidget()
    rang = next(i for i in range(onglet.onglets.count()) if onglet.onglets.tabText(i) == "Suivi et bilans")
    onglet.onglets.setCurrentIndex(rang)
    differee = onglet.onglets.widget(rang)  # la section se construit à sa première apparition
    qtbot.waitUntil(lambda: differee.section is not None and differee.section.suivi is not None, timeout=10000)
    section = differee.section
    avant = len(section.suivi.copils)

    def remplir():
        boite = QApplication.activeModalWidget()
        frapper(boite.date, "20/11/2023")
        qtbot.keyClick(boite.tenu, Qt.Key.Key_Space)
        frapper(boite.lieu, "Espace Fort")
        frapper(boite.participants, "Porteur")
        qtbot.keyClick(boite.participants, Qt.Key.Key_Return)
        frapper(boite.participants, "Délégué du préfet")
        boite.boutons.button(boite.boutons.StandardButton.Ok).click()

    qtbot.waitUntil(lambda: section.ajouter_copil.isEnabled(), timeout=5000)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, remplir)
    section.ajouter_copil.click()
    qtbot.waitUntil(lambda: len(section.suivi.copils) == avant + 1, timeout=10000)
    nouveau = next(c for c in section.suivi.copils if c.lieu == "Espace Fort" and c.date == dt.date(2023, 11, 20))
    assert nouveau.tenu and nouveau.participants == ("Porteur", "Délégué du préfet")
    assert section.copils.rowCount() == avant + 1
    capturer(f, "section-suivi.png", tmp_path)


def test_suivi_renforce_de_la_demonstration(qtbot, fenetre_demo, tmp_path):
    from tests.captures import capturer

    f = fenetre_demo
    _action_du_menu(f, "Suivi renforcé de l'année").trigger()
    page = f.onglets.currentWidget()
    qtbot.waitUntil(lambda: page.annee.count() > 0, timeout=10000)
    page.annee.setCurrentIndex(page.annee.findData(2023))
    # L'année choisie à l'écran : une lecture de l'année courante, partie avant, peut revenir la première.
    qtbot.waitUntil(lambda: len(page.actions) == 3 and all(a.annee == 2023 for a in page.actions), timeout=10000)
    assert page.table.rowCount() == 3 and page.indicateurs.rowCount() == 2
    assert page.indicateurs.item(1, 4).text() == "44,5\u00a0%" and page.indicateurs.item(1, 5).text() == "72,5\u00a0%"
    capturer(f, "suivi-renforce.png", tmp_path)
