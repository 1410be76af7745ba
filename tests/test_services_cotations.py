"""Cotations des grilles transversales, montants accordés et approche budgétaire intégrée, par les
services, sur SQLite et PostgreSQL ; le classeur et le PDF du rapport relus."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from sqlalchemy import select

from instruction.domaine import grilles
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services import approche_budgetaire as abi
from instruction.services import cotations
from instruction.services import examen as service_examen
from instruction.services import instruction as service_instruction
from instruction.services import montants_accordes
from tests import fabrique

EFH = "egalite-femmes-hommes"


def _repondre_tout(contexte, dossier_id, code, reponse, **autres):
    version = grilles.par_code()[code].courante
    with contexte.unite() as uow:
        vue = cotations.repondre_plusieurs(uow, dossier_id, code, {
            q.code: (autres.get(q.code, reponse), None) for q in version.questions})
        uow.valider()
    return vue


def test_chaque_reponse_est_gardee_et_la_cotation_suit(contexte):
    contexte.acteur = "a.martin"
    identifiant = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        vues = cotations.lire(uow, identifiant)
    assert [v.code for v in vues] == [EFH, "illettrisme-illectronisme", "handicap"]
    assert not any(v.commencee for v in vues)
    with contexte.unite() as uow:
        vue = cotations.repondre(uow, identifiant, EFH, "efh-diagnostic-donnees", "oui", "Données CAF par sexe")
        uow.valider()
    assert vue.commencee and vue.cotation is None and vue.resultat.sans_reponse == 11
    vue = _repondre_tout(contexte, identifiant, EFH, "partiellement")
    assert vue.cotation == 1 and vue.resultat.score == Decimal("50.0") and vue.acteur == "a.martin"
    with contexte.unite() as uow:
        relue = cotations.lire_une(uow, identifiant, EFH)
        ligne = uow.session.scalars(select(m.Cotation).where(m.Cotation.dossier_id == identifiant)).one()
        assert (ligne.version, ligne.score_dixiemes, ligne.cotation_calculee, ligne.cotation) == (1, 500, 1, 1)
    assert relue.reponses["efh-diagnostic-donnees"] == "partiellement"
    assert relue.commentaires == {}, "la réponse groupée sans commentaire remplace le commentaire"
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="Réponse inconnue"):
            cotations.repondre(uow, identifiant, EFH, "efh-diagnostic-donnees", "peut-être")
        with pytest.raises(DonneesInvalides, match="absente"):
            cotations.repondre(uow, identifiant, EFH, "question-inventee", "oui")
        with pytest.raises(DonneesInvalides, match="2000 caractères"):
            cotations.repondre(uow, identifiant, EFH, "efh-diagnostic-donnees", "oui", "x" * 2001)


def test_retenir_une_autre_cotation_exige_un_motif(contexte):
    identifiant = fabrique.dossier(contexte)
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="toutes les questions"):
            cotations.retenir(uow, identifiant, EFH, 2, "Action phare")
    _repondre_tout(contexte, identifiant, EFH, "partiellement")
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="indiquez le motif"):
            cotations.retenir(uow, identifiant, EFH, 2, "  ")
        vue = cotations.retenir(uow, identifiant, EFH, 2, "Public exclusivement féminin, non reflété par la grille")
        uow.valider()
    assert vue.cotation == 2 and vue.resultat.cotation == 1 and vue.motif.startswith("Public exclusivement")
    with contexte.unite() as uow:
        assert uow.session.scalars(select(m.Cotation.cotation).where(m.Cotation.dossier_id == identifiant)).one() == 2
    # Revenir à la cotation calculée efface le motif.
    with contexte.unite() as uow:
        vue = cotations.retenir(uow, identifiant, EFH, None)
        uow.valider()
    assert vue.cotation == 1 and vue.motif is None


def test_la_version_reste_celle_de_la_cotation_jusqu_a_un_recotage_voulu(contexte, tmp_path, monkeypatch):
    identifiant = fabrique.dossier(contexte)
    _repondre_tout(contexte, identifiant, EFH, "partiellement")
    # Une version 2 de la grille paraît : une question retirée, une question ajoutée, seuils changés.
    dossier_grilles = tmp_path / "grilles"
    shutil.copytree(grilles.DOSSIER, dossier_grilles)
    fichier = dossier_grilles / f"{EFH}.yaml"
    texte = fichier.read_text(encoding="utf-8")
    version_1 = texte[texte.index("  - version: 1"):]
    version_2 = (version_1.replace("version: 1", "version: 2", 1)
                 .replace("score_minimum: 40", "score_minimum: 55")
                 .replace("          - code: efh-communication-stereotypes",
                          "          - code: efh-communication-ecriture\n"
                          "            texte: Les supports emploient-ils une écriture qui s'adresse à toutes et à tous ?\n"
                          "            poids: 1\n"
                          "          - code: efh-communication-stereotypes")
                 .replace("          - code: efh-organisation-garde\n            texte: Une solution de garde ou l'accueil "
                          "des enfants est-elle prévue quand elle est nécessaire ?\n            poids: 1\n", ""))
    fichier.write_text(texte + version_2, encoding="utf-8")
    monkeypatch.setattr(grilles, "DOSSIER", dossier_grilles)
    assert grilles.par_code()[EFH].courante.numero == 2

    with contexte.unite() as uow:
        vue = cotations.lire_une(uow, identifiant, EFH)
    assert vue.version.numero == 1 and vue.a_recoter and vue.cotation == 1, "rien ne change en silence"
    autre = fabrique.dossier(contexte, modifier=lambda s: setattr(s, "intitule", "Autre action"))
    with contexte.unite() as uow:
        assert cotations.repondre(uow, autre, EFH, "efh-diagnostic-donnees", "oui").version.numero == 2
        uow.valider()
    with contexte.unite() as uow:
        vue = cotations.recoter(uow, identifiant, EFH)
        uow.valider()
    assert vue.version.numero == 2 and not vue.a_recoter
    assert "efh-organisation-garde" not in vue.reponses and vue.reponses["efh-diagnostic-donnees"] == "partiellement"
    assert vue.cotation is None and vue.resultat.sans_reponse == 1  # la nouvelle question attend sa réponse
    with contexte.unite() as uow:
        vue = cotations.repondre(uow, identifiant, EFH, "efh-communication-ecriture", "partiellement")
        uow.valider()
    assert vue.resultat.score == Decimal("50.0") and vue.cotation == 0, "seuil de la version 2 : 55 %"
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="déjà coté avec la version 2"):
            cotations.recoter(uow, identifiant, EFH)


def test_les_grilles_ne_bougent_plus_apres_l_instruction(contexte):
    from instruction.domaine import eligibilite as el

    identifiant = fabrique.dossier(contexte)
    _repondre_tout(contexte, identifiant, EFH, "oui")
    with contexte.unite() as uow:
        service_instruction.changer_etat(uow, identifiant, Etat.RECEVABLE)
        service_instruction.changer_etat(uow, identifiant, Etat.EN_INSTRUCTION)
        evaluation = service_examen.evaluer(uow, identifiant)
        service_examen.enregistrer_examen(
            uow, identifiant, [el.Decision(c.code, c.resultat.statut) for c in evaluation.criteres])
        service_instruction.changer_etat(uow, identifiant, Etat.INSTRUIT)
        uow.valider()
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="reprenez d'abord l'instruction"):
            cotations.repondre(uow, identifiant, EFH, "efh-diagnostic-donnees", "non")
        assert cotations.lire_une(uow, identifiant, EFH).cotation == 2


# --- Montants accordés -------------------------------------------------------------------------------


def _jusqu_au_comite(contexte, identifiant):
    from instruction.domaine import eligibilite as el

    with contexte.unite() as uow:
        for etat in (Etat.RECEVABLE, Etat.EN_INSTRUCTION):
            service_instruction.changer_etat(uow, identifiant, etat)
        evaluation = service_examen.evaluer(uow, identifiant)
        service_examen.enregistrer_examen(
            uow, identifiant, [el.Decision(c.code, c.resultat.statut) for c in evaluation.criteres])
        service_instruction.changer_etat(uow, identifiant, Etat.INSTRUIT)
        uow.valider()


def test_le_comite_accorde_des_montants_par_financeur(contexte):
    identifiant = fabrique.dossier(contexte)
    fabrique.coter_egalite(contexte, identifiant)  # exigée pour terminer l'instruction (l. 2647)
    _jusqu_au_comite(contexte, identifiant)
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="positif ou nul"):
            service_instruction.changer_etat(uow, identifiant, Etat.RETENU, montants={"etat-pv": Decimal("-1")})
        with pytest.raises(DonneesInvalides, match="Financeur inconnu"):
            service_instruction.changer_etat(uow, identifiant, Etat.RETENU, montants={"mecene": Decimal("1")})
        with pytest.raises(DonneesInvalides, match="se saisissent quand il est retenu"):
            montants_accordes.modifier_montants_accordes(uow, identifiant, {"etat-pv": Decimal("1")})
    with contexte.unite() as uow:
        service_instruction.changer_etat(uow, identifiant, Etat.RETENU, "Comité du 12/03/2027",
                                         montants={"etat-pv": Decimal("1800.00"), "ville-calais": Decimal("1500")})
        uow.valider()
    with contexte.unite() as uow:
        financements = {f.financeur: (f.demande, f.accorde) for f in montants_accordes.financements(uow, identifiant)}
    assert financements == {"etat-pv": (Decimal("2000.00"), Decimal("1800.00")),
                            "ville-calais": (Decimal("1500.00"), Decimal("1500.00"))}
    with contexte.unite() as uow:
        montants_accordes.modifier_montants_accordes(uow, identifiant, {"etat-pv": Decimal("1750.50"),
                                                                          "ville-calais": Decimal("0")})
        uow.valider()
    with contexte.unite() as uow:
        accordes = dict(uow.session.execute(select(m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
                                            .where(m.MontantAccorde.dossier_id == identifiant)).all())
    assert accordes == {"etat-pv": Decimal("1750.50"), "ville-calais": Decimal("0.00")}


def test_retenu_sans_montants_accorde_ce_qui_est_demande(contexte):
    identifiant = fabrique.dossier(contexte)
    fabrique.coter_egalite(contexte, identifiant)  # exigée pour terminer l'instruction (l. 2647)
    _jusqu_au_comite(contexte, identifiant)
    with contexte.unite() as uow:
        service_instruction.changer_etat(uow, identifiant, Etat.RETENU)
        uow.valider()
    with contexte.unite() as uow:
        assert all(f.accorde == f.demande for f in montants_accordes.financements(uow, identifiant))


# --- Approche budgétaire intégrée ----------------------------------------------------------------------


def test_le_rapport_retombe_sur_la_somme_des_dossiers(url_demo):
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite() as uow:
            rapport = abi.rapport(uow, 2023, EFH)
            # Les sommes attendues, dossier par dossier, lues directement en base.
            dossiers = uow.session.scalars(select(m.Dossier).join(m.Campagne).where(m.Campagne.annee == 2023)).all()
            attendu_demande: dict[int | None, Decimal] = {}
            attendu_accorde: dict[int | None, Decimal] = {}
            for d in dossiers:
                cle = uow.session.scalars(select(m.Cotation.cotation).where(
                    m.Cotation.dossier_id == d.id, m.Cotation.grille == EFH)).first()
                attendu_demande[cle] = attendu_demande.get(cle, Decimal(0)) + d.subvention_demandee
                accorde = sum(uow.session.scalars(select(m.MontantAccorde.montant)
                                                  .where(m.MontantAccorde.dossier_id == d.id)), Decimal(0))
                attendu_accorde[cle] = attendu_accorde.get(cle, Decimal(0)) + accorde
            par_2027 = abi.rapport(uow, 2027, EFH, "deposes")
            seulement_ce = abi.rapport(uow, 2023, EFH, dispositif="ce")
    finally:
        contexte.fermer()
    assert rapport.ensemble.total.dossiers == 136 and rapport.decisions == 128  # 128 retenus, 8 refusés
    for cle in abi.CLES:
        assert rapport.ensemble.cellules[cle].demande == attendu_demande.get(cle, Decimal(0))
        assert rapport.ensemble.cellules[cle].accorde == attendu_accorde.get(cle, Decimal(0))
    # Les tableaux par financeur et par dispositif retombent sur le même total.
    total = rapport.ensemble.total
    assert sum((l.total.demande for l in rapport.par_financeur), Decimal(0)) == total.demande
    assert sum((l.total.accorde for l in rapport.par_dispositif), Decimal(0)) == total.accorde
    assert {l.code: l.total.accorde for l in rapport.par_dispositif}["ce"] == Decimal("504992.00")
    assert seulement_ce.ensemble.total.accorde == Decimal("504992.00") and len(seulement_ce.par_dispositif) == 1
    assert seulement_ce.ensemble.total.demande > seulement_ce.ensemble.total.accorde  # des demandes réduites
    # 2027 : rien n'est décidé, rien n'est accordé ; les dossiers sans grille finie sont « non cotés ».
    assert par_2027.decisions == 0 and par_2027.ensemble.total.accorde == 0
    assert par_2027.ensemble.total.dossiers == 14 and par_2027.ensemble.cellules[None].dossiers == 12


def test_le_rapport_exporte_en_classeur_et_en_pdf(url_demo, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from instruction.rapports import approche_budgetaire as export
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite() as uow:
            rapport = abi.rapport(uow, 2023, EFH)
    finally:
        contexte.fermer()
    classeur = load_workbook(export.exporter_xlsx(rapport, tmp_path / "abi"))
    assert classeur.sheetnames == ["Par cotation", "Par financeur", "Par dispositif"]
    feuille = classeur["Par cotation"]
    lignes = {l[0]: l for l in feuille.iter_rows(min_row=6, values_only=True) if l[0]}
    for cle in abi.CLES:
        cellule = rapport.ensemble.cellules[cle]
        ligne = lignes[abi.libelle_cle(cle)]
        assert (ligne[2], Decimal(str(ligne[3])), Decimal(str(ligne[4]))) == (cellule.dossiers, cellule.demande,
                                                                               cellule.accorde)
    assert lignes["Total"][3].startswith("=SUM(")
    assert sum(Decimal(str(lignes[abi.libelle_cle(c)][3])) for c in abi.CLES) == rapport.ensemble.total.demande
    assert feuille._charts, "le graphique en barres est dans le classeur"
    financeurs = {l[0]: l for l in classeur["Par financeur"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(financeurs["Département du Pas-de-Calais"][-1])) == Decimal("12715")  # accordé
    assert feuille["D7"].number_format.startswith("#,##0.00")

    fichier = export.exporter_pdf(rapport, tmp_path / "abi.pdf")
    texte = " ".join(" ".join(p.extract_text() for p in PdfReader(fichier).pages).split())
    for attendu in ("Approche budgétaire intégrée", "Programmation 2023", "Cotation 2", "Non coté",
                    "Par financeur", "Par dispositif", "Département du Pas-de-Calais", "12 715,00 €",
                    "Appel à projets Cité éducative", "504 992,00 €"):
        assert attendu in texte, attendu
    total = rapport.ensemble.total.demande
    from instruction.domaine import argent

    assert " ".join(argent.formater(total).split()) in texte


def test_la_liste_montre_et_filtre_les_cotations(contexte):
    from instruction.services import dossiers

    cote = fabrique.dossier(contexte)
    _repondre_tout(contexte, cote, EFH, "oui")
    _repondre_tout(contexte, cote, "handicap", "non")
    commence = fabrique.dossier(contexte, modifier=lambda s: setattr(s, "intitule", "Autre action"))
    with contexte.unite() as uow:
        cotations.repondre(uow, commence, EFH, "efh-diagnostic-donnees", "oui")
        uow.valider()
    with contexte.unite() as uow:
        lignes = {l.id: l for l in dossiers.lister(uow)}
        premiere_page = {l.id: l for l in dossiers.lister(uow, limite=200)}
    assert lignes[cote].cotations == (2, None, 0) == premiere_page[cote].cotations
    assert lignes[commence].cotations == (None, None, None)


def test_la_fiche_d_instruction_montre_cotations_et_montants_accordes(contexte, tmp_path):
    from pypdf import PdfReader

    from instruction.rapports import fiche_instruction
    from instruction.services.fiche_instruction import lire as lire_fiche

    identifiant = fabrique.dossier(contexte)
    _repondre_tout(contexte, identifiant, EFH, "oui")
    with contexte.unite() as uow:
        cotations.retenir(uow, identifiant, EFH, 1, "Public mixte en pratique")
        uow.valider()
    _jusqu_au_comite(contexte, identifiant)
    with contexte.unite() as uow:
        service_instruction.changer_etat(uow, identifiant, Etat.RETENU, montants={"etat-pv": Decimal("1800"),
                                                                                  "ville-calais": Decimal("1500")})
        uow.valider()
    with contexte.unite() as uow:
        fiche = lire_fiche(uow, identifiant)
    assert [(c.theme, c.cotation) for c in fiche.cotations] == [
        ("Égalité femmes hommes", 1), ("Lutte contre l'illettrisme et l'illectronisme", None),
        ("Inclusion des personnes en situation de handicap", None)]
    texte = " ".join(" ".join(p.extract_text() for p in PdfReader(
        fiche_instruction.ecrire(fiche, tmp_path / "fiche.pdf")).pages).split())
    for attendu in ("Accordé", "1 800,00 €", "3 300,00 €", "Public mixte en pratique", "Score 100 %",
                    "Grille pas remplie", "grille version 1"):
        assert attendu in texte, attendu
