"""Les droits vérifiés par les services eux-mêmes, et la trace que chacun laisse à l'historique.

* Matrice : chaque rôle essaie chaque service du registre ``acces.SERVICES``. Sans le droit, ``Interdit``
  et la base n'a pas bougé, même si l'appelant validait ensuite ; avec le droit, l'appel passe la
  vérification (il peut ensuite refuser la saisie, jamais pour une question de droit).
* Tournée de l'historique : chaque service, appelé une fois pour de bon par un administrateur, écrit au
  moins une ligne d'historique à son nom.
* Un service qui apparaît sans être rangé (service qui écrit, lecture, ou exception motivée) fait échouer
  les tests : on ne peut pas en oublier un.

Sur SQLite et PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

import instruction.services
from instruction.domaine import comite as droits_comite
from instruction.domaine import droits, grilles
from instruction.domaine import eligibilite as el
from instruction.domaine import pieces as types_pieces
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides, ErreurInstruction
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import (
    acces,
    attribution,
    avis,
    brouillons,
    complements,
    comptes,
    cotations,
    echanges,
    exports,
    filtres,
    historique,
    identifiants_base,
    instruction as service_instruction,
    nom_base,
    pieces,
    porteurs,
)
from instruction.services import dossier as service_dossier
from instruction.services import enveloppes, montants_accordes, programmation
from instruction.services import examen as service_examen
from instruction.services import emprunts, retour
from instruction.db.modeles.programmation import Enveloppe, Scenario
from tests import fabrique

MODULES = [importlib.import_module(f"instruction.services.{module.name}")
           for module in pkgutil.iter_modules(instruction.services.__path__)]
EFH = "egalite-femmes-hommes"
DANS_15_JOURS = aujourd_hui() + dt.timedelta(days=15)

# Au moins ceux-ci : le registre ne peut pas être vide ou amputé sans que les tests le voient.
ATTENDUS = {
    "avis.demander", "avis.relancer", "avis.annuler", "avis.donner", "brouillons.garder",
    "comptes.creer", "comptes.modifier", "comptes.desactiver", "comptes.reactiver", "comptes.reinitialiser",
    "comptes.regler_connexion_automatique", "cotations.repondre_plusieurs", "cotations.retenir",
    "cotations.recoter", "dossier.creer_campagne", "dossier.enregistrer", "filtres.enregistrer",
    "filtres.supprimer", "instruction.changer_etat", "montants_accordes.modifier_montants_accordes",
    "instruction.demander_complements", "complements.marquer_recus", "examen.enregistrer_examen",
    "examen.regler", "pieces.ajouter", "pieces.retirer", "porteurs.creer", "porteurs.modifier",
    "porteurs.changer", "porteurs.corriger",
    "attribution.attribuer", "attribution.appliquer_regles", "attribution.attribuer_selon_regles",
    "attribution.enregistrer_regles", "dossier.supprimer", "pieces.ajouter_plusieurs",
    "exports.enregistrer", "exports.supprimer",
    "echanges.enregistrer_correspondance", "echanges.importer", "nom_base.nommer",
}

# Les fonctions des services qui ne sont pas au registre, chacune avec sa raison.
SANS_VERIFICATION = {
    "brouillons.supprimer": "un brouillon abandonné s'efface sans droit (il n'est qu'à son auteur)",
    "comptes.connecter": "on n'est pas encore connecté",
    "comptes.changer_mot_de_passe": "chacun change le sien",
    "cotations.repondre": "passe par cotations.repondre_plusieurs, au registre",
    "demarrage.noter_demo_proposee": "note que la démonstration a été proposée, au premier lancement",
    "historique.noter": "appelé par les services, dans leur transaction",
    "reglages.enregistrer": "appelé par examen.regler et bilans_attendus.regler, au registre (reglages.modifier)",
    "historique.noter_en_lot": "appelé par les services (lettres de notification), dans leur transaction",
    "sauvegarde.restaurer": "vérifie lui-même le droit « base.restaurer » et le compte (test plus bas)",
    "conventions.suivre_le_dossier": "appelé par les services des conventions et des versements, dans leur "
                                     "transaction (droit vérifié par eux) ; il passe par instruction.changer_etat",
    "enveloppes.exiger_dans_enveloppes": "appelé par le chemin des montants accordés et la clôture d'une séance, "
                                         "dans leur transaction (droit vérifié par eux)",
}
LECTURES = {
    "approche_budgetaire.annees", "approche_budgetaire.dispositifs", "approche_budgetaire.rapport",
    "avis.destinataires", "avis.du_dossier", "avis.themes_du_dossier",
    "brouillons.lire", "brouillons.lister", "comptes.connexion_automatique", "comptes.connexion_requise",
    "comptes.doit_changer", "comptes.lister", "cotations.lire", "cotations.lire_une", "demarrage.relister",
    "dossier.campagnes", "dossier.dossiers_precedents", "dossier.lire", "dossier.options",
    "dossier.porteur_pour_recevabilite", "dossiers.axes",
    "dossiers.compter", "dossiers.lister", "dossiers.textes", "filtres.lister", "historique.dernier_numero",
    "historique.du_dossier", "historique.du_porteur", "complements.complements",
    "examen.contexte_eligibilite", "examen.dernier_examen", "examen.evaluer",
    "fiche_instruction.lire", "montants_accordes.financements", "instruction.historique", "instruction.lire",
    "examen.liste_reglages", "instruction.points_de_recevabilite", "examen.reglages",
    "instruction.lire_proposition", "montants_accordes.montants_pre_remplis",
    "pieces.contenu", "porteurs.lire", "porteurs.lister", "taches.mes_taches", "comptes.relire_utilisateur",
    "sauvegarde.sauvegarder",  # lit toute la base ; réservée aux administrateurs (test plus bas)
    "sauvegarde.examiner",  # lit une sauvegarde avant de la restaurer ; réservée aux administrateurs
    "attribution.instructeurs", "attribution.lire", "attribution.regles",
    "echanges.alias", "echanges.correspondance", "echanges.correspondances", "echanges.simuler",
    "echanges.valeurs_locales", "exports.jeux", "exports.jeu", "exports.lignes",
    "identifiants_base.disponibles", "identifiants_base.lister", "identifiants_base.compte_de_la_connexion",
    "nom_base.choisi", "nom_base.lire",
    # Comité (H2)
    "comite.financeurs", "comite.lister_seances", "comite.demandes_de", "comite.propositions_de",
    "comite.cotations_egalite", "comite.lire_seance", "comite.candidats", "comite.dossier_de_seance",
    "comite.scenarios_de_la_seance", "cloture_seance.releve", "financements.lignes_a_voter", "financements.du_dossier", "financements.de_campagne",
    "emprunts.en_cours",  # H8 : les dossiers empruntés, pour la liste
    "lettres.choix", "lettres.notifications",  # H3 : lettres de notification (droit lettres.editer vérifié)
    "lettres.notifiees",  # H9 : « notifié le … » d'un dossier, lu dans son historique
    # Suivi (H7)
    "suivi.suivi_du_dossier", "suivi.contenu_compte_rendu_copil", "suivi.annees", "suivi.dossiers_suivables",
    "suivi.liste_suivi_renforce", "suivi.calendrier",
    "bilan_programmation.annees", "bilan_programmation.dispositifs", "bilan_programmation.noms",
    "bilan_programmation.bilan", "bilan_programmation.comparer",
    "evaluation.tableau", "evaluation.serie", "evaluation.rapport",
    # Bilans attendus et comptes rendus financiers (H6)
    "reglages.lire",  # les seuils réglés (critères, bilans) : services/reglages.py
    "bilans_attendus.reglages", "bilans_attendus.regles", "bilans_attendus.liste_seuils", "bilans_attendus.liste",
    "bilans_attendus.attendu", "bilans_attendus.du_dossier", "bilans_attendus.dus_par_porteur",
    "bilans_attendus.dus_du_porteur_du_dossier", "bilans_attendus.destinataires",
    "bilans_attendus.libelles_financeurs", "comptes_rendus.lire", "comptes_rendus.id_du",
    "comptes_rendus.reversement_propose",
    # Conventions et versements (H4)
    "lecture_conventions.lire", "lecture_conventions.lister", "lecture_conventions.conventions_du_dossier",
    "lecture_conventions.a_preparer", "conventions.scan", "versements.situation", "versements.restes_a_payer",
    "versements.exporter_restes", "scdl.lignes", "scdl.exporter",
    # Programmation (H1)
    "enveloppes.lister", "enveloppes.lire", "enveloppes.historique", "enveloppes.situation",
    "enveloppes.situation_de_campagne", "enveloppes.depassements", "enveloppes.axes_des_dossiers",
    "programmation.campagnes", "programmation.campagne_par_code", "programmation.scenarios",
    "programmation.lire_tableau", "programmation.decisions_du_scenario", "programmation.situation_des_enveloppes",
}
# Les services qui exigent une base PostgreSQL aux rôles installés (tests/test_roles_postgres.py).
SANS_ROLES_POSTGRES = {"identifiants_base.creer", "identifiants_base.retirer"}
# Les services qui, par construction, n'écrivent pas à l'historique.
EMPRUNTS = ("emprunts.emprunter", "retour.rapporter")  # H8 : hors ligne, avec les droits qu'on a au bureau
SANS_HISTORIQUE = {"brouillons.garder": "une saisie en cours, personnelle : pas une donnée du dossier"}


# --- Les appels : chaque service avec de vrais arguments, sur le dossier préparé -----------------------


def _derniere(uow, modele, *conditions) -> int:
    return uow.session.scalar(select(func.max(modele.id)).where(*conditions)) or 0


def _demander_avis(uow, p):
    choisis = [d for d in avis.destinataires(uow, p.dossier) if d.compte_id == p.equipe.referent_education.id]
    return avis.demander(uow, p.dossier, choisis, DANS_15_JOURS)


def _donner_avis(uow, p):
    demande = p.demandes["ville-calais" if uow.utilisateur.role == droits.FINANCEUR else "r.urbain"]
    return avis.donner(uow, demande, avis.SaisieAvis("reserve", "Public à préciser.", montants={"ville-calais": "900"}
                                                    if uow.utilisateur.role == droits.FINANCEUR else {}))


def _repondre_a_la_grille(uow, p):
    version = grilles.par_code()[EFH].courante
    return cotations.repondre_plusieurs(uow, p.dossier, EFH, {q.code: ("oui", None) for q in version.questions})


def _retenir_une_cotation(uow, p):
    calculee = cotations.lire_une(uow, p.dossier, EFH).resultat.cotation
    return cotations.retenir(uow, p.dossier, EFH, 1 if calculee != 1 else 2, "Constaté sur place")


def _enregistrer_le_dossier(uow, p):
    fiche = service_dossier.lire(uow, p.dossier)
    donnees = dataclasses.replace(fiche.donnees, intitule=fiche.donnees.intitule + " (modifié)")
    return service_dossier.enregistrer(uow, p.dossier, donnees, fiche.version)


def _examiner(uow, p):
    evaluation = service_examen.evaluer(uow, p.dossier)
    decisions = [el.Decision(c.code, c.resultat.statut, "") for c in evaluation.criteres]
    return service_examen.enregistrer_examen(uow, p.dossier, decisions, "Dossier solide.")


def _regler(uow, _p):
    reglage = service_examen.liste_reglages(uow)[0]
    return service_examen.regler(uow, {reglage.cle: str(reglage.defaut + 1)})


def _modifier_le_porteur(uow, p):
    fiche = porteurs.lire(uow, p.porteur)
    identite = {cle: valeur or "" for cle, valeur in fiche.identite.items()} | {"telephone": "03 21 99 99 99"}
    return porteurs.modifier(uow, p.porteur, identite, fiche.contacts, version=fiche.version)


def _corriger_le_compte_bancaire(uow, p):
    version = porteurs.lire(uow, p.porteur).comptes[0]
    return porteurs.corriger(uow, p.porteur, "comptes", version.id, {
        "titulaire": "AJF", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP",
        "domiciliation": "Calais Centre"})


def _importer_un_export(uow, _p):
    from instruction.import_fichier import Tableau

    tableau = Tableau("export.csv", "csv", ["Code dossier", "Exercice", "Dispositif", "Intitulé", "Porteur"],
                      [["DA00099001", "2027", "CDV", "Fête de quartier", "Comité des fêtes du Fort"]])
    return echanges.importer(uow, tableau, {"Code dossier": "code", "Exercice": "exercice", "Dispositif": "dispositif",
                                            "Intitulé": "intitule", "Porteur": "porteur"})


# --- Comité (H2) : une séance d'aujourd'hui et un second dossier instruit, à elle -------------------------------


def _seance_h2(uow) -> int:
    from instruction.db.modeles.comite import SeanceComite

    return _derniere(uow, SeanceComite)


def _dossier_au_comite(uow, p) -> int:
    """Un second dossier de la campagne, instruit aujourd'hui (examen, grille égalité, proposition)."""
    from instruction.domaine import dossier as saisie_dossier

    if getattr(p, "au_comite", None):
        return p.au_comite
    campagne_id = uow.session.get(m.Dossier, p.dossier).campagne_id
    dossier_id = service_dossier.enregistrer(uow, None, saisie_dossier.valider(fabrique.saisie(campagne_id,
                                                                                               p.porteur)))
    pieces.ajouter_plusieurs(uow, dossier_id, [(t.code, f"{t.code}.pdf", b"%PDF-1.4", aujourd_hui())
                                               for t in types_pieces.manquantes("association", "cdv", [])])
    for vers in (Etat.RECEVABLE, Etat.EN_INSTRUCTION):
        service_instruction.changer_etat(uow, dossier_id, vers)
    evaluation = service_examen.evaluer(uow, dossier_id)
    service_examen.enregistrer_examen(uow, dossier_id, [el.Decision(c.code, c.resultat.statut, "")
                                                             for c in evaluation.criteres], "Examen.")
    version = grilles.par_code()[EFH].courante
    cotations.repondre_plusieurs(uow, dossier_id, EFH, {q.code: ("oui", None) for q in version.questions})
    service_instruction.changer_etat(uow, dossier_id, Etat.INSTRUIT, "Proposition favorable")
    p.au_comite = dossier_id
    return dossier_id


def _inscrire_au_comite(uow, p) -> None:
    from instruction.services import comite

    if not _seance_h2(uow):
        comite.creer_seance(uow, "comite-financeurs", aujourd_hui())
    if p.au_comite not in [ligne.dossier_id for ligne in comite.lire_seance(uow, _seance_h2(uow)).lignes]:
        comite.inscrire(uow, _seance_h2(uow), [p.au_comite])


def _comite():
    from instruction.services import comite

    return comite


def _financements():
    from instruction.services import financements

    return financements


def _cloture():
    from instruction.services import cloture_seance

    return cloture_seance


def _scenario():
    from instruction.db.modeles.programmation import Scenario

    return Scenario


def _scenario_au_comite(uow, p) -> None:
    """Un scénario de la campagne qui refuse le dossier au comité (la décision saisie ensuite le retient)."""
    from instruction.services import programmation as service_programmation

    campagne_id = uow.session.get(m.Dossier, p.au_comite).campagne_id
    scenario = service_programmation.creer_scenario(uow, campagne_id, "Pour la séance", pre_remplir="vide")
    service_programmation.choisir_decision(uow, scenario.id, p.au_comite, "refuse", "Enveloppe contrainte")


def _moyen():
    from instruction.db.modeles.comite import MoyenDroitCommun

    return MoyenDroitCommun


# service → (appel, objet attendu à l'historique). Dans l'ordre de la tournée de l'historique.
APPELS: dict[str, tuple[Callable, str]] = {
    "comptes.creer": (lambda uow, p: comptes.creer(uow, comptes.SaisieCompte(
        "n.nouveau", "Nina Nouveau", droits.INSTRUCTEUR)), "compte"),
    "comptes.modifier": (lambda uow, p: comptes.modifier(uow, p.equipe.lecteur.id, comptes.SaisieCompte(
        "l.lecteur", "Louis Lecteur-Martin", droits.LECTEUR)), "compte"),
    "comptes.desactiver": (lambda uow, p: comptes.desactiver(uow, p.equipe.lecteur.id), "compte"),
    "comptes.reactiver": (lambda uow, p: comptes.reactiver(uow, p.equipe.lecteur.id), "compte"),
    "comptes.reinitialiser": (lambda uow, p: comptes.reinitialiser(uow, p.equipe.lecteur.id), "compte"),
    # Sans rôles PostgreSQL installés (toutes les bases de ce test), le droit passe puis la base le refuse ;
    # avec eux : tests/test_roles_postgres.py et tests/test_ecran_comptes.py.
    "identifiants_base.creer": (lambda uow, p: identifiants_base.creer(uow, p.equipe.lecteur.id), "compte"),
    "identifiants_base.retirer": (lambda uow, p: identifiants_base.retirer(uow, "instruction_u_personne"), "compte"),
    "comptes.regler_connexion_automatique": (lambda uow, p: comptes.regler_connexion_automatique(
        uow, p.equipe.admin.id), "réglage"),
    "porteurs.creer": (lambda uow, p: porteurs.creer(uow, {"nom": "Centre social Matisse", "type": "association"}),
                       "porteur"),
    "porteurs.modifier": (_modifier_le_porteur, "porteur"),
    "porteurs.changer": (lambda uow, p: porteurs.changer(uow, p.porteur, "representants", {
        "civilite": "Monsieur", "nom": "Jean Dupont", "qualite": "Président"}, "01/01/2027"), "porteur"),
    "porteurs.corriger": (_corriger_le_compte_bancaire, "porteur"),
    "dossier.creer_campagne": (lambda uow, p: service_dossier.creer_campagne(uow, "cdv", 2031), "campagne"),
    "dossier.enregistrer": (_enregistrer_le_dossier, "dossier"),
    "pieces.ajouter": (lambda uow, p: pieces.ajouter(uow, p.dossier, types_pieces.types()[0].code, "complement.pdf",
                                                     b"%PDF-1.4 complement", aujourd_hui()), "pièce"),
    "pieces.retirer": (lambda uow, p: pieces.retirer(uow, _derniere(uow, m.Piece, m.Piece.dossier_id == p.dossier)),
                       "pièce"),
    "cotations.repondre_plusieurs": (_repondre_a_la_grille, "grille transversale"),
    "cotations.retenir": (_retenir_une_cotation, "grille transversale"),
    "cotations.recoter": (lambda uow, p: cotations.recoter(uow, p.dossier, EFH), "grille transversale"),
    "examen.regler": (_regler, "réglage"),
    "examen.enregistrer_examen": (_examiner, "examen d'éligibilité"),
    "instruction.demander_complements": (lambda uow, p: service_instruction.demander_complements(
        uow, p.dossier, "Attestation d'assurance", DANS_15_JOURS), "dossier"),
    "complements.marquer_recus": (lambda uow, p: complements.marquer_recus(
        uow, _derniere(uow, m.DemandeComplements, m.DemandeComplements.dossier_id == p.dossier), aujourd_hui()),
        "compléments"),
    "instruction.changer_etat": (lambda uow, p: service_instruction.changer_etat(uow, p.dossier, Etat.RECEVABLE),
                                 "dossier"),
    "avis.demander": (_demander_avis, "avis"),
    "avis.relancer": (lambda uow, p: avis.relancer(uow, p.demandes["ville-calais"]), "avis"),
    "avis.donner": (_donner_avis, "avis"),
    "avis.annuler": (lambda uow, p: avis.annuler(uow, p.demandes["ville-calais"]), "avis"),
    "filtres.enregistrer": (lambda uow, p: filtres.enregistrer(uow, "Dossiers déposés", {"etat": "depose"}),
                            "filtre enregistré"),
    "filtres.supprimer": (lambda uow, p: filtres.supprimer(uow, "Filtre commun"), "filtre enregistré"),
    "brouillons.garder": (lambda uow, p: brouillons.garder(uow, f"dossier:{p.dossier}", "Jardin", {"intitule": "J"}),
                          ""),
    "montants_accordes.modifier_montants_accordes": (lambda uow, p: montants_accordes.modifier_montants_accordes(
        uow, p.dossier, {"ville-calais": Decimal("1200.00"), "etat-pv": Decimal("1800.00")}), "montants accordés"),
    "pieces.ajouter_plusieurs": (lambda uow, p: pieces.ajouter_plusieurs(uow, p.dossier, [
        ("rib", "RIB 2027.pdf", b"%PDF-1.4 rib", aujourd_hui()), ("autre", "Budget ajusté.pdf", b"%PDF-1.4 ba", None)]),
        "pièce"),
    "attribution.attribuer": (lambda uow, p: attribution.attribuer(uow, p.dossier, p.equipe.instructeur.id),
                              "dossier"),
    "attribution.enregistrer_regles": (lambda uow, p: attribution.enregistrer_regles(
        uow, [attribution.Regle(p.equipe.admin.id, "cdv")]), "réglage"),
    "attribution.attribuer_selon_regles": (lambda uow, p: attribution.attribuer_selon_regles(uow), "dossier"),
    "attribution.appliquer_regles": (lambda uow, p: attribution.appliquer_regles(uow, p.doublon), "dossier"),
    "echanges.enregistrer_correspondance": (lambda uow, p: echanges.enregistrer_correspondance(
        uow, "Dauphin 2027", {"Code dossier": "code"}), "correspondance d'import"),
    "echanges.importer": (_importer_un_export, "import"),
    "exports.enregistrer": (lambda uow, p: exports.enregistrer(uow, "Suivi comité", ["numero", "accorde"]),
                            exports.OBJET),
    "exports.supprimer": (lambda uow, p: exports.supprimer(uow, "Suivi comité"), exports.OBJET),
    "nom_base.nommer": (lambda uow, p: nom_base.nommer(uow, "Instruction 2027 — Calais"), "réglage"),
    # Travail hors ligne (H8)
    "emprunts.emprunter": (lambda uow, p: _emprunter(uow, p), "dossier"),
    "retour.rapporter": (lambda uow, p: retour.rapporter(uow, _emprunter(uow, p).fichier, "phrase de passe du test"),
                         "dossier"),
    # Programmation (H1)
    "enveloppes.fixer": (lambda uow, p: enveloppes.fixer(uow, "caf", 2027, "cdv", Decimal("50000")), "enveloppe"),
    "enveloppes.relever": (lambda uow, p: enveloppes.relever(uow, _derniere(uow, Enveloppe), Decimal("90000"),
                                                             "Crédits supplémentaires votés"), "enveloppe"),
    # Suivi (H7) : sur le dossier retenu (voir PREALABLES).
    "suivi.enregistrer_copil": (lambda uow, p: _suivi().enregistrer_copil(
        uow, p.dossier, {"date": "12/03/2027", "participants": "Porteur"}), "suivi"),
    "suivi.joindre_compte_rendu_copil": (lambda uow, p: _suivi().joindre_compte_rendu_copil(
        uow, _derniere(uow, _ms().Copil, _ms().Copil.dossier_id == p.dossier), "CR.pdf", b"%PDF-1.4 cr"), "suivi"),
    "suivi.supprimer_copil": (lambda uow, p: _suivi().supprimer_copil(
        uow, _derniere(uow, _ms().Copil, _ms().Copil.dossier_id == p.dossier)), "suivi"),
    "suivi.enregistrer_visite": (lambda uow, p: _suivi().enregistrer_visite(
        uow, p.dossier, {"prevue_le": "05/03/2027"}), "suivi"),
    "suivi.supprimer_visite": (lambda uow, p: _suivi().supprimer_visite(
        uow, _derniere(uow, _ms().VisiteEvaluative, _ms().VisiteEvaluative.dossier_id == p.dossier)), "suivi"),
    "suivi.placer_en_suivi_renforce": (lambda uow, p: _suivi().placer_en_suivi_renforce(
        uow, 2027, p.dossier, "Action expérimentale", [{"libelle": "Participants", "cible": "40"}]), "suivi"),
    "suivi.retirer_du_suivi_renforce": (lambda uow, p: _suivi().retirer_du_suivi_renforce(uow, 2027, p.dossier),
                                        "suivi"),
    "evaluation.saisir_valeur": (lambda uow, p: __import__("instruction.services.evaluation").services.evaluation
                                 .saisir_valeur(uow, "IND003", 2024, {"valeur": "14", "source": "Porteurs"}),
                                 "indicateur"),
    "evaluation.supprimer_valeur": (lambda uow, p: __import__("instruction.services.evaluation").services
                                    .evaluation.supprimer_valeur(uow, "IND003", 2024), "indicateur"),
    "programmation.creer_scenario": (lambda uow, p: programmation.creer_scenario(
        uow, _campagne(uow, p), "Propositions"), programmation.OBJET),
    "programmation.dupliquer_scenario": (lambda uow, p: programmation.dupliquer_scenario(
        uow, _derniere(uow, Scenario), "Variante"), programmation.OBJET),
    "programmation.renommer_scenario": (lambda uow, p: programmation.renommer_scenario(
        uow, _derniere(uow, Scenario), "Variante resserrée"), programmation.OBJET),
    "programmation.saisir_montant": (lambda uow, p: programmation.saisir_montant(
        uow, _derniere(uow, Scenario), p.doublon, "etat-pv", Decimal("1000")), programmation.OBJET),
    "programmation.choisir_decision": (lambda uow, p: programmation.choisir_decision(
        uow, _derniere(uow, Scenario), p.doublon, "ajourne", "Budget à revoir"), programmation.OBJET),
    "programmation.supprimer_scenario": (lambda uow, p: programmation.supprimer_scenario(
        uow, _derniere(uow, Scenario)), programmation.OBJET),
    # Lettres de notification (H9) : l'envoi noté dans l'historique du dossier.
    "lettres.noter_envoi": (lambda uow, p: importlib.import_module("instruction.services.lettres").noter_envoi(
        uow, [SimpleNamespace(dossier_id=p.dossier, financeur_code="ville-calais", genre="accord")], aujourd_hui()),
        "lettre de notification"),
    # Conventions et versements (H4) : sur un second dossier retenu (voir PREALABLES), jusqu'au solde.
    # (Sans convention — un rôle à qui la création est refusée —, l'identifiant 0 : le service refuse après le droit.)
    "conventions.creer": (lambda uow, p: _sc().creer(uow, _conventionne(uow, p) or 0, "ville-calais"), "convention"),
    "conventions.modifier_termes": (lambda uow, p: _sc().modifier_termes(uow, _conv(uow) or 0, _conv(uow) and _replace(
        _sc().lire(uow, _conv(uow)).termes, objet="Jardin partagé, saison 2027")), "convention"),
    "conventions.changer_etat": (lambda uow, p: _sc().changer_etat(uow, _conv(uow), "a_signer"), "convention"),
    "conventions.signer": (lambda uow, p: _sc().signer(uow, _conv(uow), "attribuant", "L'adjoint délégué"),
                           "convention"),
    "conventions.joindre_scan": (lambda uow, p: _sc().joindre_scan(uow, _conv(uow), "signée.pdf", b"%PDF-1.4 s"),
                                 "convention"),
    "avenants.ouvrir_avenant": (lambda uow, p: _sa().ouvrir_avenant(uow, _conv(uow), "objet", "Nouveau lieu", {
        "objet": "Jardin du Fort"}), "convention"),
    "avenants.modifier_avenant": (lambda uow, p: _sa().modifier_avenant(uow, _av(uow), {"objet": "Jardin du Fort "
                                                                                                  "Nieulay"}),
                                  "convention"),
    "avenants.changer_etat_avenant": (lambda uow, p: _sa().changer_etat_avenant(uow, _av(uow), "a_signer"),
                                      "convention"),
    "avenants.signer_avenant": (lambda uow, p: _sa().signer_avenant(uow, _av(uow), "attribuant", "L'adjoint"),
                                "convention"),
    "versements.confirmer_exercice": (lambda uow, p: _sv().confirmer_exercice(uow, _conv(uow), 2027,
                                                                              aujourd_hui()), "convention"),
    "versements.verser": (lambda uow, p: _sv().verser(uow, _conv(uow), 2027, "avance", Decimal("100.00"),
                                                      aujourd_hui(), "M-1"), "convention"),
    "versements.reverser": (lambda uow, p: _sv().reverser(uow, _conv(uow), 2027, Decimal("10.00"), "TR-1",
                                                          aujourd_hui(), "Trop versé"), "convention"),
    "versements.noter_compte_rendu": (lambda uow, p: _sv().noter_compte_rendu(uow, _conv(uow), 2027, aujourd_hui(),
                                                                              aujourd_hui()), "convention"),
    "versements.solder": (lambda uow, p: _sv().solder(uow, _conv(uow), "Action sous-réalisée"), "convention"),
    # Bilans et comptes rendus financiers (H6) : sur le dossier conventionné, exercice 2027 (voir PREALABLES).
    "bilans_attendus.regler": (lambda uow, p: _bilans().regler(uow, {"bilans.tres_en_retard_jours": "60"}),
                               "réglage"),
    "bilans_attendus.noter_relance": (lambda uow, p: _bilans().noter_relance(
        uow, p.dossier, 2027, "en_retard", aujourd_hui()), "bilan"),
    "comptes_rendus.recevoir": (lambda uow, p: _crs().recevoir(uow, _conventionne(uow, p), 2027, aujourd_hui()),
                                "bilan"),
    "comptes_rendus.enregistrer": (lambda uow, p: _crs().enregistrer(uow, _cr(uow), _saisie_crf(uow), _version_cr(uow)),
                                   "bilan"),
    "comptes_rendus.renvoyer": (lambda uow, p: _crs().renvoyer(uow, _cr(uow), aujourd_hui(), "Bilan incomplet"),
                                "bilan"),
    "comptes_rendus.complements_recus": (lambda uow, p: _crs().complements_recus(uow, _cr(uow), aujourd_hui()),
                                         "bilan"),
    "comptes_rendus.valider": (lambda uow, p: _crs().valider(uow, _cr(uow), aujourd_hui()), "bilan"),
    "comptes_rendus.reverser": (lambda uow, p: _crs().reverser(uow, _cr(uow), [(_conv(uow), "ville-calais",
                                                                                Decimal("1.00"))], "TR-9",
                                                               aujourd_hui()), "bilan"),
    # Comité (H2) : séance, ordre du jour, décisions, clôture, délibérations, droit commun.
    "comite.creer_seance": (lambda uow, p: _comite().creer_seance(uow, "comite-financeurs", aujourd_hui()),
                            "séance du comité"),
    "comite.modifier_seance": (lambda uow, p: _comite().modifier_seance(
        uow, _seance_h2(uow), "Comité des financeurs AAP 2027", aujourd_hui(), "Hôtel de ville",
        [droits_comite.Membre("Maire de Calais", "M. le Maire")]), "séance du comité"),
    "comite.inscrire": (lambda uow, p: _comite().inscrire(uow, _seance_h2(uow), [getattr(p, "au_comite", 0)]),
                        "séance du comité"),
    "comite.retirer": (lambda uow, p: _comite().retirer(uow, _seance_h2(uow), getattr(p, "au_comite", 0)),
                       "séance du comité"),
    "comite.reprendre_propositions": (lambda uow, p: _comite().reprendre_propositions(uow, _seance_h2(uow)),
                                      "séance du comité"),
    "comite.reprendre_scenario": (lambda uow, p: _comite().reprendre_scenario(
        uow, _seance_h2(uow), _derniere(uow, _scenario())), "séance du comité"),
    "comite.decider": (lambda uow, p: _comite().decider(
        uow, _seance_h2(uow), getattr(p, "au_comite", 0), "retenu",
        {"etat-pv": Decimal("1800.00"), "ville-calais": Decimal("1500.00")}, "Montant réduit"), "séance du comité"),
    "cloture_seance.cloturer": (lambda uow, p: _cloture().cloturer(uow, _seance_h2(uow)), "séance du comité"),
    "financements.saisir_deliberation": (lambda uow, p: _financements().saisir_deliberation(
        uow, _seance_h2(uow), getattr(p, "au_comite", 0), "etat-pv", "Arrêté préfectoral", aujourd_hui(),
        "ARR-2027-1", Decimal("1800.00")), "délibération"),
    "financements.saisir_deliberations": (lambda uow, p: _financements().saisir_deliberations(
        uow, [(_seance_h2(uow), getattr(p, "au_comite", 0), "ville-calais")], "Conseil municipal", aujourd_hui(),
        "DEL-2027-9"), "délibération"),
    "financements.declarer_moyen": (lambda uow, p: _financements().declarer_moyen(
        uow, p.dossier, "caf", "fonctionnement", "Prestation de service", Decimal("5000.00")),
        "moyen de droit commun"),
    "financements.retirer_moyen": (lambda uow, p: _financements().retirer_moyen(
        uow, _derniere(uow, _moyen())), "moyen de droit commun"),
    # En dernier : le doublon (un second dossier, déposé) est supprimé.
    "dossier.supprimer": (lambda uow, p: service_dossier.supprimer(uow, p.doublon, "Saisi deux fois"), "dossier"),
}
# Ceux-ci travaillent sur le doublon, pas sur le dossier préparé.
SUR_LE_DOUBLON = {"attribution.attribuer_selon_regles", "attribution.appliquer_regles", "dossier.supprimer"}


def _emprunter(uow, p):
    import tempfile
    from pathlib import Path

    return emprunts.emprunter(uow, [p.dossier], Path(tempfile.mkdtemp()) / "travail", "phrase de passe du test",
                              DANS_15_JOURS, base_nom="base des tests", base_adresse="(test)")


def _campagne(uow, p) -> int:
    return uow.session.get(m.Dossier, p.dossier).campagne_id


def _doublon_sans_instructeur(uow, p):
    uow.session.execute(update(m.Dossier).where(m.Dossier.id == p.doublon).values(instructeur_id=None))


def _passer(uow, p, *etats):
    for etat in etats:
        service_instruction.changer_etat(uow, p.dossier, etat, "Comité du 12/03/2027" if etat == Etat.RETENU else None)


# Ce que la tournée prépare avant un appel (hors de la mesure de l'historique).
def _suivi():
    from instruction.services import suivi

    return suivi


def _ms():
    from instruction.db.modeles import suivi

    return suivi


def _retenu_si_besoin(uow, p):
    """Le suivi commence avec la décision : le dossier passe « retenu » s'il ne l'est pas déjà."""
    if uow.session.get(m.Dossier, p.dossier).etat != Etat.RETENU:
        _passer(uow, p, Etat.EN_INSTRUCTION, Etat.INSTRUIT, Etat.RETENU)


def _sc():
    from instruction.services import conventions

    return conventions


def _sa():
    from instruction.services import avenants

    return avenants


def _sv():
    from instruction.services import versements

    return versements


def _replace(termes, **champs):
    return dataclasses.replace(termes, **champs)


def _conventionne(uow, p) -> int:
    """Le second dossier retenu des conventions (créé par sa préparation)."""
    return uow.session.scalar(select(func.max(m.Dossier.id)).where(m.Dossier.id != p.dossier,
                                                                    m.Dossier.etat != Etat.DEPOSE))


def _conv(uow) -> int:
    from instruction.db.modeles.conventions import Convention

    return _derniere(uow, Convention)


def _av(uow) -> int:
    from instruction.db.modeles.conventions import Avenant

    return _derniere(uow, Avenant)


def _preparer_convention(uow, p, jusqu_a: str) -> None:
    """Ce qu'il faut avant un service des conventions : un second dossier retenu, puis sa convention menée
    jusqu'à l'étape voulue ; chaque étape n'est faite que si elle ne l'est pas déjà."""
    from instruction.db.modeles.conventions import Avenant, Convention, ConventionMontant
    from tests.conventions_outils import dossier_retenu_dans

    etapes = ("dossier", "projet", "a_signer", "signee", "avenant", "avenant_a_signer", "cpo", "verse", "valide")
    dossier_id = _conventionne(uow, p) or dossier_retenu_dans(uow, p.dossier)
    c = uow.session.scalar(select(Convention).where(Convention.dossier_id == dossier_id))
    for etape in etapes[1: etapes.index(jusqu_a) + 1]:
        ouvert = c and uow.session.scalar(select(Avenant).where(Avenant.convention_id == c.id, Avenant.ouvert == 1))
        if etape == "projet" and c is None:
            c = uow.session.get(Convention, _sc().creer(uow, dossier_id, "ville-calais"))
        elif etape == "a_signer" and c.etat == "projet":
            _sc().changer_etat(uow, c.id, "a_signer")
        elif etape == "signee" and c.etat == "a_signer":
            _sc().signer(uow, c.id, "attribuant", "A")
            _sc().signer(uow, c.id, "beneficiaire", "B")
        elif etape == "avenant" and not ouvert:
            _sa().ouvrir_avenant(uow, c.id, "objet", "Nouveau lieu", {"objet": "Jardin du Fort"})
        elif etape == "avenant_a_signer" and ouvert and ouvert.etat == "projet":
            _sa().changer_etat_avenant(uow, ouvert.id, "a_signer")
        elif etape == "cpo" and jusqu_a == "cpo":  # exercice au budget à voter
            uow.session.execute(update(ConventionMontant).where(ConventionMontant.convention_id == c.id)
                                .values(ferme=False))
        elif etape == "verse":
            _sv().verser(uow, c.id, 2027, "avance", Decimal("100.00"), aujourd_hui(), "M-0")
        elif etape == "valide":
            _sv().noter_compte_rendu(uow, c.id, 2027, aujourd_hui(), aujourd_hui())


def _bilans():
    from instruction.services import bilans_attendus

    return bilans_attendus


def _crs():
    from instruction.services import comptes_rendus

    return comptes_rendus


def _cr(uow) -> int:
    from instruction.db.modeles.comptes_rendus import CompteRendu

    return _derniere(uow, CompteRendu)


def _version_cr(uow) -> int:
    from instruction.db.modeles.comptes_rendus import CompteRendu

    cr = uow.session.get(CompteRendu, _cr(uow)) if _cr(uow) else None
    return cr.version if cr else 0


def _saisie_crf(uow):
    """Une saisie complète : tout réalisé comme prévu, le bilan qualitatif renseigné."""
    if not _cr(uow):  # pas encore de compte rendu : le service refusera
        return _crs().SaisieCompteRendu(realisations=(), explications=())
    lu = _crs().lire(uow, _cr(uow))
    return _crs().SaisieCompteRendu(realisations=tuple(l.prevu for l in lu.lignes),
                                    explications=tuple("" for _ in lu.lignes), realise="Action réalisée.")


def _preparer_compte_rendu(uow, p, jusqu_a: str | None) -> None:
    """Le compte rendu 2027 du dossier conventionné mené jusqu'à l'étape voulue (None : pas encore reçu) ;
    la convention signée, et au moins 1 € versé pour un reversement."""
    from instruction.db.modeles.comptes_rendus import CompteRendu
    from instruction.db.modeles.conventions import ConventionMontant

    _preparer_convention(uow, p, "signee")
    dossier_id = _conventionne(uow, p)
    cr = uow.session.scalar(select(CompteRendu).where(CompteRendu.dossier_id == dossier_id))
    if cr is not None and (jusqu_a is None or cr.etat == "valide" and jusqu_a != "valide"):
        uow.session.delete(cr)
        uow.session.flush()
        cr = None
    if jusqu_a is None:
        return
    if cr is None:
        cr = uow.session.get(CompteRendu, _crs().recevoir(uow, dossier_id, 2027, aujourd_hui()))
    if jusqu_a == "a_completer" and cr.etat == "recu":
        _crs().renvoyer(uow, cr.id, aujourd_hui(), "Bilan incomplet")
    if jusqu_a in ("rempli", "valide") and cr.etat == "a_completer":
        _crs().complements_recus(uow, cr.id, aujourd_hui())
    if jusqu_a in ("rempli", "valide") and cr.etat == "recu":
        _crs().enregistrer(uow, cr.id, _saisie_crf(uow), cr.version)
    if jusqu_a == "valide" and cr.etat == "recu":
        _crs().valider(uow, cr.id, aujourd_hui())
        montant = uow.session.scalar(select(ConventionMontant).where(ConventionMontant.convention_id == _conv(uow)))
        if montant.verse < Decimal("1.00"):
            _sv().verser(uow, _conv(uow), 2027, "avance", Decimal("100.00"), aujourd_hui(), "M-9")


PREALABLES: dict[str, Callable] = {
    # Comité (H2) : la séance (créée par comite.creer_seance, plus haut dans la tournée) et son dossier instruit.
    "comite.modifier_seance": lambda uow, p: None,
    "comite.inscrire": lambda uow, p: _dossier_au_comite(uow, p),
    "comite.retirer": lambda uow, p: None,
    "comite.reprendre_propositions": lambda uow, p: _inscrire_au_comite(uow, p),
    "comite.reprendre_scenario": lambda uow, p: _scenario_au_comite(uow, p),
    "comite.decider": lambda uow, p: None,
    "cloture_seance.cloturer": lambda uow, p: None,
    "financements.saisir_deliberation": lambda uow, p: None,
    "financements.saisir_deliberations": lambda uow, p: None,
    "financements.retirer_moyen": lambda uow, p: None,
    **{nom: _retenu_si_besoin for nom in (
        "suivi.enregistrer_copil", "suivi.joindre_compte_rendu_copil", "suivi.supprimer_copil",
        "suivi.enregistrer_visite", "suivi.supprimer_visite", "suivi.placer_en_suivi_renforce",
        "suivi.retirer_du_suivi_renforce")},
    # Sans valeur saisie (la matrice essaie chaque service seul), la suppression est refusée : rien à supprimer.
    "evaluation.supprimer_valeur": lambda uow, p: None,
    "exports.supprimer": lambda uow, p: exports.enregistrer(uow, "Suivi comité", ["numero"]),
    # La grille a changé de version depuis la cotation du dossier (simulé : la cotation dit version 0).
    "cotations.recoter": lambda uow, p: uow.session.execute(
        update(m.Cotation).where(m.Cotation.dossier_id == p.dossier).values(version=0)),
    "enveloppes.relever": lambda uow, p: enveloppes.fixer(uow, "region", 2027, "cdv", Decimal("10000")),
    **{f"programmation.{nom}": (lambda uow, p, nom=nom: programmation.creer_scenario(
        uow, _campagne(uow, p), f"Avant {nom}", pre_remplir="vide"))
       for nom in ("dupliquer_scenario", "renommer_scenario", "saisir_montant", "choisir_decision",
                   "supprimer_scenario")},
    "conventions.creer": lambda uow, p: _preparer_convention(uow, p, "dossier"),
    "conventions.modifier_termes": lambda uow, p: _preparer_convention(uow, p, "projet"),
    "conventions.changer_etat": lambda uow, p: _preparer_convention(uow, p, "projet"),
    "conventions.signer": lambda uow, p: _preparer_convention(uow, p, "a_signer"),
    "conventions.joindre_scan": lambda uow, p: _preparer_convention(uow, p, "a_signer"),
    "avenants.ouvrir_avenant": lambda uow, p: _preparer_convention(uow, p, "signee"),
    "avenants.modifier_avenant": lambda uow, p: _preparer_convention(uow, p, "avenant"),
    "avenants.changer_etat_avenant": lambda uow, p: _preparer_convention(uow, p, "avenant"),
    "avenants.signer_avenant": lambda uow, p: _preparer_convention(uow, p, "avenant_a_signer"),
    "versements.confirmer_exercice": lambda uow, p: _preparer_convention(uow, p, "cpo"),
    "versements.verser": lambda uow, p: _preparer_convention(uow, p, "signee"),
    "versements.reverser": lambda uow, p: _preparer_convention(uow, p, "verse"),
    "versements.noter_compte_rendu": lambda uow, p: _preparer_convention(uow, p, "signee"),
    "versements.solder": lambda uow, p: _preparer_convention(uow, p, "valide"),
    "comptes_rendus.recevoir": lambda uow, p: _preparer_compte_rendu(uow, p, None),
    "comptes_rendus.enregistrer": lambda uow, p: _preparer_compte_rendu(uow, p, "recu"),
    "comptes_rendus.renvoyer": lambda uow, p: _preparer_compte_rendu(uow, p, "recu"),
    "comptes_rendus.complements_recus": lambda uow, p: _preparer_compte_rendu(uow, p, "a_completer"),
    "comptes_rendus.valider": lambda uow, p: _preparer_compte_rendu(uow, p, "rempli"),
    "comptes_rendus.reverser": lambda uow, p: _preparer_compte_rendu(uow, p, "valide"),
    "montants_accordes.modifier_montants_accordes": lambda uow, p: _passer(
        uow, p, Etat.EN_INSTRUCTION, Etat.INSTRUIT, Etat.RETENU),
    # Une règle est déclarée (enregistrer_regles, plus haut) ; le doublon n'a pas encore d'instructeur.
    "attribution.attribuer_selon_regles": _doublon_sans_instructeur,
    "attribution.appliquer_regles": _doublon_sans_instructeur,
}


@pytest.fixture
def prepare(contexte):
    """Une équipe, un dossier complet déposé, deux avis demandés (référent urbain, Ville), un filtre, et un
    doublon (un second dossier déposé, à supprimer)."""
    equipe = fabrique.Equipe(contexte)
    dossier_id = fabrique.dossier(contexte)
    doublon = fabrique.dossier(contexte, complet=False)
    contexte.utilisateur = equipe.instructeur
    with contexte.unite() as uow:
        choisis = [d for d in avis.destinataires(uow, dossier_id)
                   if d.compte_id == equipe.referent.id or d.financeur == "ville-calais"]
        ids = avis.demander(uow, dossier_id, choisis, DANS_15_JOURS)
        filtres.enregistrer(uow, "Filtre commun", {"etat": "recevable"})
        porteur_id = uow.session.get(m.Dossier, dossier_id).porteur_id
        uow.valider()
    demandes = {("r.urbain" if d.compte_id else d.financeur): i for d, i in zip(choisis, ids, strict=True)}
    return SimpleNamespace(equipe=equipe, dossier=dossier_id, porteur=porteur_id, demandes=demandes,
                           doublon=doublon)


# --- Le registre ------------------------------------------------------------------------------------


def _fonctions_des_services() -> dict[str, Callable]:
    """Les fonctions publiques des services qui travaillent sur une unité de travail ou un contexte."""
    trouvees = {}
    for module in MODULES:
        court = module.__name__.rsplit(".", 1)[-1]
        for nom, fonction in inspect.getmembers(module, inspect.isfunction):
            if nom.startswith("_") or fonction.__module__ != module.__name__:
                continue
            parametres = list(inspect.signature(fonction).parameters)
            if parametres and parametres[0] in ("uow", "contexte"):
                trouvees[f"{court}.{nom}"] = fonction
    return trouvees


def test_le_registre_contient_chaque_service_qui_ecrit():
    assert ATTENDUS <= set(acces.SERVICES), sorted(ATTENDUS - set(acces.SERVICES))
    assert set(APPELS) == set(acces.SERVICES), "chaque service du registre a son appel dans ce test"
    for nom, service in acces.SERVICES.items():
        assert service.action in droits.ACTIONS, nom
        assert _fonctions_des_services()[nom] is service, f"{nom} : le registre pointe sur le service vérifié"


def test_chaque_fonction_des_services_est_rangee():
    """Une fonction nouvelle doit être au registre (elle écrit), une lecture, ou une exception motivée."""
    fonctions = set(_fonctions_des_services())
    rangees = set(acces.SERVICES) | set(SANS_VERIFICATION) | LECTURES
    assert fonctions - rangees == set(), "à ranger : au registre (@ecrit), dans LECTURES ou SANS_VERIFICATION"
    assert rangees - fonctions == set(), "noms périmés dans ce test"
    assert not set(acces.SERVICES) & (set(SANS_VERIFICATION) | LECTURES)


# --- La matrice des droits ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(droits.ROLES))
def test_chaque_role_contre_chaque_service(contexte, prepare, role):
    utilisateur = prepare.equipe.par_role()[role]
    contexte.utilisateur = utilisateur
    photo = fabrique.photographie(contexte)
    with contexte.unite() as uow:
        numero = historique.dernier_numero(uow)
    permis, interdits, refuses = [], [], []
    for nom, service in sorted(acces.SERVICES.items()):
        appel, _objet = APPELS[nom]
        if role in droits.ACTIONS[service.action]:
            permis.append(nom)
            with contexte.unite() as uow:  # jamais validé : rien ne reste
                try:
                    appel(uow, prepare)
                except droits.Interdit as refus:
                    pytest.fail(f"{nom} refusé à {role} : {refus}")
                except ErreurInstruction:
                    refuses.append(nom)  # la saisie peut être refusée ; le droit, lui, est passé
        else:
            interdits.append(nom)
            with contexte.unite() as uow:
                with pytest.raises(droits.Interdit, match="vous n'avez pas le droit") as refus:
                    appel(uow, prepare)
                uow.valider()  # même un appelant qui valide après le refus n'écrit rien
            assert utilisateur.nom in str(refus.value)
            assert fabrique.photographie(contexte) == photo, f"{nom} a écrit malgré le refus à {role}"
            with contexte.unite() as uow:
                assert historique.dernier_numero(uow) == numero, nom
    assert fabrique.photographie(contexte) == photo
    attendus_permis = {
        droits.ADMINISTRATEUR: set(acces.SERVICES),
        droits.INSTRUCTEUR: {n for n in acces.SERVICES if not n.startswith(("comptes.", "identifiants_base."))} - {
            "examen.regler", "attribution.enregistrer_regles", "nom_base.nommer", "enveloppes.relever",
            "bilans_attendus.regler"},
        droits.REFERENT: {"avis.donner", "filtres.enregistrer", "filtres.supprimer", *EMPRUNTS},
        droits.FINANCEUR: {"avis.donner", "filtres.enregistrer", "filtres.supprimer", *EMPRUNTS},
        droits.LECTEUR: set(),
    }[role]
    assert set(permis) == attendus_permis and set(interdits) == set(acces.SERVICES) - attendus_permis
    # Les appels permis aboutissent, sauf ceux qui attendent une autre étape du dossier (ou une base SQLite).
    assert set(refuses) <= set(PREALABLES) | {"cotations.retenir", "complements.marquer_recus",
                                              "comptes.regler_connexion_automatique", *SANS_ROLES_POSTGRES}, refuses


def test_personne_de_connecte_ne_fait_rien(contexte, prepare):
    photo = fabrique.photographie(contexte)
    for nom, service in acces.SERVICES.items():
        with contexte.unite() as uow:
            uow.utilisateur = None
            with pytest.raises(droits.Interdit, match="Personne n'est connecté"):
                service(uow)
            uow.valider()
        assert fabrique.photographie(contexte) == photo, nom


def test_repondre_a_une_question_passe_par_la_verification(contexte, prepare):
    contexte.utilisateur = prepare.equipe.lecteur
    question = grilles.par_code()[EFH].courante.questions[0].code
    with contexte.unite() as uow:
        with pytest.raises(droits.Interdit, match="coter un dossier"):
            cotations.repondre(uow, prepare.dossier, EFH, question, "oui")


# --- La tournée de l'historique ------------------------------------------------------------------------


def test_chaque_service_laisse_une_trace_a_son_nom(contexte, prepare):
    admin = prepare.equipe.admin
    contexte.utilisateur = admin
    for nom, (appel, objet) in APPELS.items():
        if nom in PREALABLES:
            with contexte.unite() as uow:
                PREALABLES[nom](uow, prepare)
                uow.valider()
        with contexte.unite() as uow:
            avant = historique.dernier_numero(uow)
        with contexte.unite() as uow:
            if nom in SANS_ROLES_POSTGRES:
                with pytest.raises(ErreurInstruction, match="PostgreSQL"):
                    appel(uow, prepare)
                continue
            if nom == "comptes.regler_connexion_automatique" and not contexte.est_sqlite:
                with pytest.raises(DonneesInvalides, match="base partagée"):
                    appel(uow, prepare)
                continue
            appel(uow, prepare)
            uow.valider()
        with contexte.unite() as uow:
            lignes = [(h.acteur, h.objet, h.dossier_id, h.porteur_id) for h in uow.session.scalars(
                select(m.Historique).where(m.Historique.id > avant).order_by(m.Historique.id))]
        if nom in SANS_HISTORIQUE:
            assert lignes == [], nom
            continue
        assert lignes, f"{nom} n'a rien écrit à l'historique"
        assert {acteur for acteur, *_ in lignes} == {admin.identifiant}, nom
        assert objet in {o for _a, o, *_ in lignes}, (nom, lignes)
        if objet in ("dossier", "pièce", "grille transversale", "avis", "compléments", "examen d'éligibilité",
                     "montants accordés"):
            assert {d for _a, _o, d, _p in lignes} == {prepare.doublon if nom in SUR_LE_DOUBLON else prepare.dossier}, nom
        if nom in ("porteurs.modifier", "porteurs.changer", "porteurs.corriger"):
            assert {p for *_r, p in lignes} == {prepare.porteur}, nom
    with contexte.unite() as uow:
        assert brouillons.lire(uow, f"dossier:{prepare.dossier}").contenu == {"intitule": "J"}
        assert uow.session.get(m.Dossier, prepare.dossier).etat == Etat.RETENU
        assert uow.session.get(m.Dossier, prepare.doublon) is None


def test_la_recotation_garde_l_ancienne_version(contexte, prepare):
    contexte.utilisateur = prepare.equipe.instructeur
    with contexte.unite() as uow:
        _repondre_a_la_grille(uow, prepare)
        uow.session.execute(update(m.Cotation).where(m.Cotation.dossier_id == prepare.dossier).values(version=0))
        uow.valider()
    with contexte.unite() as uow:
        avant = historique.dernier_numero(uow)
        cotations.recoter(uow, prepare.dossier, EFH)
        uow.valider()
        versions = [(h.ancien, h.nouveau) for h in uow.session.scalars(
            select(m.Historique).where(m.Historique.id > avant, m.Historique.champ.like("%version"))).all()]
    assert versions == [("0", str(grilles.par_code()[EFH].courante.numero))]


# --- L'historique en ajout seul ------------------------------------------------------------------------


def test_l_historique_refuse_modification_et_effacement(contexte):
    with contexte.unite() as uow:
        historique.noter(uow, "essai", "création", changements=[("Champ", "avant", "après")])
        uow.valider()
    with contexte.unite() as uow:
        avant = [tuple(ligne) for ligne in uow.session.execute(text("select * from historique order by id"))]
    assert avant
    requetes = ["update historique set acteur = 'faussaire'", "update historique set nouveau = null",
                "delete from historique", f"delete from historique where id = {avant[-1][0]}"]
    if not contexte.est_sqlite:  # SQLite n'a pas de TRUNCATE ; PostgreSQL le refuse aussi
        requetes.append("truncate historique")
    for requete in requetes:
        with contexte.unite() as uow:
            with pytest.raises(DBAPIError, match="ajout seul"):
                uow.session.execute(text(requete))
                uow.valider()
    with contexte.unite() as uow:  # par l'ORM aussi
        ligne = uow.session.scalars(select(m.Historique)).first()
        ligne.acteur = "faussaire"
        with pytest.raises(DBAPIError, match="ajout seul"):
            uow.session.flush()
    with contexte.unite() as uow:
        uow.session.delete(uow.session.scalars(select(m.Historique)).first())
        with pytest.raises(DBAPIError, match="ajout seul"):
            uow.session.flush()
    with contexte.unite() as uow:
        assert [tuple(ligne) for ligne in uow.session.execute(text("select * from historique order by id"))] == avant
    # L'ajout, lui, reste permis.
    with contexte.unite() as uow:
        historique.noter(uow, "essai", "suite")
        uow.valider()
        assert historique.dernier_numero(uow) > avant[-1][0]


def test_seul_l_administrateur_copie_toute_la_base(contexte, tmp_path):
    """La copie contient les avis confidentiels et les empreintes des mots de passe."""
    from instruction.services import sauvegarde

    equipe = fabrique.Equipe(contexte)
    for nom, utilisateur in equipe.par_role().items():
        contexte.utilisateur = utilisateur
        fichier = tmp_path / f"{nom}.sqlite"
        if nom == droits.ADMINISTRATEUR:
            assert sauvegarde.sauvegarder(contexte, fichier).is_file()
        else:
            with pytest.raises(droits.Interdit):
                sauvegarde.sauvegarder(contexte, fichier)
            assert not fichier.exists()


def test_un_compte_desactive_ou_change_de_role_n_ecrit_plus(contexte):
    """Les droits connus du poste ne suffisent pas : chaque écriture relit le compte."""
    from instruction.services import comptes, filtres

    equipe = fabrique.Equipe(contexte)
    contexte.utilisateur = equipe.admin
    with contexte.unite() as uow:
        comptes.desactiver(uow, equipe.referent.id)
        comptes.modifier(uow, equipe.instructeur.id, comptes.SaisieCompte("m.lefebvre", "Marie Lefebvre",
                                                                           droits.LECTEUR))
        uow.valider()
    for utilisateur, message in ((equipe.referent, "désactivé"), (equipe.instructeur, "rôle a changé")):
        contexte.utilisateur = utilisateur
        with contexte.unite() as uow:
            with pytest.raises(droits.Interdit, match=message):
                filtres.enregistrer(uow, "Mon filtre", {"etat": "depose"})
        with contexte.unite() as uow:
            relu = comptes.relire_utilisateur(uow)
        assert relu is None if utilisateur is equipe.referent else relu.role == droits.LECTEUR
