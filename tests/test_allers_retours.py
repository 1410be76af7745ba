"""Instruction partagée : le nombre de requêtes ne dépend pas du nombre de dossiers.

Sur une base partagée, chaque requête SQL est un aller-retour réseau. Ouvrir un dossier, l'enregistrer
et rafraîchir « Mes tâches » doivent faire autant de requêtes sur une petite base que sur la même base
avec cent dossiers de plus (qui ajoutent des tâches, des avis demandés, des compléments attendus et des
dossiers du même porteur) : une requête par dossier ou par tâche ferait croître le compte. On compte les
instructions envoyées à la base (événement ``before_cursor_execute`` ; le ``BEGIN IMMEDIATE`` de SQLite
compris) ; sur PostgreSQL s'y ajoutent à chaque unité de travail le ``pool_pre_ping``, le ``BEGIN`` et
le ``COMMIT`` ou ``ROLLBACK``, en nombre fixe. Les temps, derrière un réseau lent, sont mesurés par
``benchmarks/latence.py`` (``docs/performances.md``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from sqlalchemy import event

from instruction.domaine import droits
from tests import fabrique

INSTRUCTEUR = droits.Utilisateur("marie", "Marie", droits.INSTRUCTEUR)
SUPPLEMENTAIRES = 100


def _intitule(saisie) -> None:
    saisie.intitule = "Atelier cuisine des Fontinettes"


def _preparer(contexte):
    """Deux comptes, un dossier complet et passé en instruction, avec compléments, cotation et avis demandés."""
    from instruction.services import avis, comptes, cotations, instruction
    from instruction.db import modeles as m
    from sqlalchemy import select

    with contexte.unite() as uow:
        comptes.creer(uow, comptes.SaisieCompte("admin", "Administratrice", droits.ADMINISTRATEUR))
        theme = uow.session.scalar(select(m.ThemeReferent.code).order_by(m.ThemeReferent.code))
        referent_id, _mdp = comptes.creer(uow, comptes.SaisieCompte("paul", "Paul Référent", droits.REFERENT,
                                                                     themes=(theme,)))
        uow.valider()
    referent = droits.Utilisateur("paul", "Paul Référent", droits.REFERENT, referent_id, frozenset({theme}))
    destinataire = avis.Destinataire("Paul Référent", compte_id=referent_id, theme=theme)

    dossier_id = fabrique.dossier(contexte)
    contexte.utilisateur = INSTRUCTEUR
    with contexte.unite() as uow:
        instruction.changer_etat(uow, dossier_id, "recevable")
        instruction.changer_etat(uow, dossier_id, "en_instruction")
        uow.valider()
    with contexte.unite() as uow:
        cotations.repondre(uow, dossier_id, "egalite-femmes-hommes", "efh-diagnostic-donnees", "oui")
        avis.demander(uow, dossier_id, [destinataire], avis.echeance_proposee())
        uow.valider()
    autre = fabrique.dossier(contexte, complet=False, modifier=_intitule)
    with contexte.unite() as uow:
        instruction.demander_complements(uow, autre, "Budget détaillé", dt.date.today() + dt.timedelta(days=15))
        avis.demander(uow, autre, [destinataire], avis.echeance_proposee())
        uow.valider()
    return dossier_id, referent, destinataire


def _agrandir(contexte, destinataire, nombre: int) -> None:
    """``nombre`` dossiers de plus, du même porteur ; un sur dix avec compléments demandés et avis demandé."""
    from instruction.services import avis, instruction

    for rang in range(nombre):
        identifiant = fabrique.dossier(contexte, complet=False, modifier=_intitule)
        if rang % 10 == 0:
            with contexte.unite() as uow:
                instruction.demander_complements(uow, identifiant, f"Pièce n° {rang}",
                                                 dt.date.today() + dt.timedelta(days=15))
                avis.demander(uow, identifiant, [destinataire], avis.echeance_proposee())
                uow.valider()


def _operations(contexte, dossier_id: int, referent):
    """Ce que font les écrans, par les mêmes actions (``services/actions``) que leurs ``Operation``."""
    from instruction.services.actions import avis as actions_avis
    from instruction.services.actions import dossier as actions_dossier
    from instruction.services.actions import grilles as actions_grilles
    from instruction.services.actions import instruction as actions_instruction
    from instruction.services.actions import listes
    from instruction.ui.dossier.onglet import cle_brouillon

    cle = cle_brouillon(dossier_id)
    etat = {"tour": 0, "fiche": None}

    def ouvrir():
        actions_dossier.ouvrir(contexte, dossier_id, cle)  # EspaceTravail.ouvrir_dossier
        actions_instruction.lire(contexte, dossier_id)  # SectionInstruction.lire_maintenant
        actions_grilles.lire(contexte, dossier_id)  # SectionGrilles.lire_maintenant
        actions_avis.du_dossier(contexte, dossier_id)  # SectionAvis.lire_maintenant

    def enregistrer():
        # OngletDossier.enregistrer, avec la version lue ; la relecture fait partie de l'action.
        if etat["fiche"] is None:
            etat["fiche"] = actions_dossier.lire(contexte, dossier_id)
        fiche = etat["fiche"]
        etat["tour"] += 1
        donnees = dataclasses.replace(fiche.donnees, intitule=f"Jardin partagé, version {etat['tour']}")
        etat["fiche"] = actions_dossier.enregistrer(contexte, dossier_id, donnees, fiche.version, cle).valeur

    def taches_de(utilisateur):
        def rafraichir():
            contexte.utilisateur = utilisateur
            try:
                _numero, resultat = listes.mes_taches(contexte)  # FenetrePrincipale.rafraichir_taches
            finally:
                contexte.utilisateur = INSTRUCTEUR
            assert resultat, "des tâches sont attendues"

        return rafraichir

    return {"ouvrir": ouvrir, "enregistrer": enregistrer, "mes tâches (instructeur)": taches_de(INSTRUCTEUR),
            "mes tâches (référent)": taches_de(referent)}


def _compter(moteur, operation) -> list[str]:
    """Les instructions SQL que le moteur envoie pendant l'opération (abrégées, pour le message d'échec)."""
    instructions: list[str] = []

    def noter(_cx, _curseur, instruction, *_args) -> None:
        # Sous SQLite, le passage d'une connexion entre lecture et écriture (``PRAGMA query_only``) dépend de
        # l'action d'avant, pas du nombre de dossiers ; il ne traverse aucun réseau : on ne le compte pas.
        if not instruction.startswith("PRAGMA query_only"):
            instructions.append(" ".join(instruction.split())[:100])

    event.listen(moteur, "before_cursor_execute", noter)
    try:
        operation()
    finally:
        event.remove(moteur, "before_cursor_execute", noter)
    return instructions


def test_les_requetes_ne_croissent_pas_avec_le_nombre_de_dossiers(contexte):
    from instruction.services import taches

    dossier_id, referent, destinataire = _preparer(contexte)
    operations = _operations(contexte, dossier_id, referent)
    for operation in operations.values():  # un tour à blanc : caches du programme, première lecture
        operation()
    petite = {nom: _compter(contexte.moteur, operation) for nom, operation in operations.items()}

    _agrandir(contexte, destinataire, SUPPLEMENTAIRES)
    with contexte.unite() as uow:
        nombre_taches = len(taches.mes_taches(uow))
    assert nombre_taches > SUPPLEMENTAIRES  # les nouveaux dossiers déposés sont à instruire
    grande = {nom: _compter(contexte.moteur, operation) for nom, operation in operations.items()}

    for nom in operations:
        assert len(petite[nom]) > 0, nom
        assert len(grande[nom]) == len(petite[nom]), (
            f"{nom} : {len(petite[nom])} requêtes sur la petite base, {len(grande[nom])} avec "
            f"{SUPPLEMENTAIRES} dossiers de plus ; en plus : {Counter(grande[nom]) - Counter(petite[nom])}"
        )
