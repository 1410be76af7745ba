"""Les actions de la programmation : enveloppes des cofinanceurs, tableau de programmation, scénarios, export.

Les lectures rendent des données simples ; les écritures rendent un ``Fait`` de genre PROGRAMMATION (les
bandeaux d'enveloppes et les tableaux ouverts se relisent). Une saisie dans un scénario ne relit pas tout le
tableau : l'écran a déjà recalculé ses totaux ; elle rend la case écrite.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from instruction.services.actions import PROGRAMMATION, Fait, fait

if TYPE_CHECKING:
    from instruction.domaine.programmation import SituationEnveloppe
    from instruction.services.contexte import Contexte
    from instruction.services.enveloppes import EnveloppeLue, ModificationLue
    from instruction.services.programmation import (
        CampagneProgrammable,
        Cellule,
        DecisionProvisoire,
        TableauProgrammation,
    )


# --- Enveloppes ---------------------------------------------------------------------------------------------


def enveloppes(contexte: Contexte, annee: int | None = None, dispositif: str | None = None) -> list[EnveloppeLue]:
    from instruction.services import enveloppes as service

    with contexte.unite(lecture=True) as uow:
        return service.lister(uow, annee, dispositif)


def choix_enveloppes(contexte: Contexte) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]],
                                                  list[int]]:
    """Ce que la boîte des enveloppes propose : cofinanceurs, dispositifs instruits, axes (code, libellé) et
    années des campagnes."""
    from sqlalchemy import select

    from instruction.db import modeles as m

    with contexte.unite(lecture=True) as uow:
        s = uow.session
        financeurs = [(c, l) for c, l in s.execute(select(m.Financeur.code, m.Financeur.libelle)
                                                   .where(m.Financeur.actif).order_by(m.Financeur.ordre))]
        dispositifs = [(c, l) for c, l in s.execute(select(m.Dispositif.code, m.Dispositif.libelle)
                                                    .where(m.Dispositif.instruit).order_by(m.Dispositif.ordre))]
        axes = [(c, l) for c, l in s.execute(select(m.Axe.code, m.Axe.libelle).order_by(m.Axe.ordre))]
        annees = sorted({a for (a,) in s.execute(select(m.Campagne.annee).distinct())}, reverse=True)
    return financeurs, dispositifs, axes, annees


def historique_enveloppe(contexte: Contexte, enveloppe_id: int) -> list[ModificationLue]:
    from instruction.services import enveloppes as service

    with contexte.unite(lecture=True) as uow:
        return service.historique(uow, enveloppe_id)


def fixer_enveloppe(contexte: Contexte, financeur: str, annee: int, dispositif: str, montant: Decimal | str, *,
                    axe: str | None = None, motif: str | None = None) -> Fait:
    from instruction.services import enveloppes as service

    with contexte.unite() as uow:
        lue = service.fixer(uow, financeur, annee, dispositif, montant, axe=axe, motif=motif)
        uow.valider()
    return fait(lue, PROGRAMMATION)


def relever_enveloppe(contexte: Contexte, enveloppe_id: int, montant: Decimal | str, motif: str) -> Fait:
    from instruction.services import enveloppes as service

    with contexte.unite() as uow:
        lue = service.relever(uow, enveloppe_id, montant, motif)
        uow.valider()
    return fait(lue, PROGRAMMATION)


def situation(contexte: Contexte, annee: int, dispositif: str, scenario_id: int | None = None,
              axes: bool = False) -> list[SituationEnveloppe]:
    """Enveloppe / décidé / simulé / reste par cofinanceur (le bandeau des enveloppes)."""
    from instruction.services import enveloppes as service

    with contexte.unite(lecture=True) as uow:
        return service.situation(uow, annee, dispositif, scenario_id=scenario_id, axes=axes)


def situation_du_dossier(contexte: Contexte, dossier_id: int) -> list[SituationEnveloppe]:
    """Le bandeau des enveloppes de la campagne d'un dossier (boîte des montants accordés, séance)."""
    from instruction.db import modeles as m
    from instruction.services import enveloppes as service

    with contexte.unite(lecture=True) as uow:
        dossier = uow.session.get(m.Dossier, dossier_id)
        if dossier is None:
            return []
        return service.situation_de_campagne(uow, dossier.campagne_id)



def enveloppes_du_dossier(contexte: Contexte, dossier_id: int) -> list[SituationEnveloppe]:
    """Les enveloppes que les montants accordés d'un dossier consomment (les boîtes de décision du dossier) :
    celle de chaque cofinanceur pour l'année et le dispositif de sa campagne, et celles des axes du projet de
    territoire dont il relève. Leur « décidé » compte les montants déjà accordés à ce dossier."""
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.services import enveloppes as service

    with contexte.unite(lecture=True) as uow:
        dossier = uow.session.get(m.Dossier, dossier_id)
        if dossier is None:
            return []
        situations = service.situation_de_campagne(uow, dossier.campagne_id, axes=True)
        if not any(s.axe for s in situations):
            return situations
        codes = service.axes_des_dossiers(uow, [dossier_id]).get(dossier_id, frozenset())
        siens = {libelle for code, libelle in uow.session.execute(select(m.Axe.code, m.Axe.libelle))
                 if code in codes} | set(codes)
        return [s for s in situations if s.axe is None or s.axe in siens]

# --- Tableau et scénarios -------------------------------------------------------------------------------


def campagnes(contexte: Contexte) -> list[CampagneProgrammable]:
    from instruction.services import programmation as service

    with contexte.unite(lecture=True) as uow:
        return service.campagnes(uow)


def ouvrir(contexte: Contexte, campagne_id: int, scenario_id: int | None = None) -> TableauProgrammation:
    """Le tableau de programmation de la campagne, avec le scénario choisi (sinon : le dernier créé)."""
    from instruction.services import programmation as service

    with contexte.unite(lecture=True) as uow:
        if scenario_id is None:
            existants = service.scenarios(uow, campagne_id)
            scenario_id = existants[-1].id if existants else None
        return service.lire_tableau(uow, campagne_id, scenario_id)


def creer_scenario(contexte: Contexte, campagne_id: int, nom: str, pre_remplir: str = "propositions") -> Fait:
    from instruction.services import programmation as service

    with contexte.unite() as uow:
        scenario = service.creer_scenario(uow, campagne_id, nom, pre_remplir=pre_remplir)
        uow.valider()
    return fait(scenario, PROGRAMMATION)


def dupliquer_scenario(contexte: Contexte, scenario_id: int, nom: str) -> Fait:
    from instruction.services import programmation as service

    with contexte.unite() as uow:
        scenario = service.dupliquer_scenario(uow, scenario_id, nom)
        uow.valider()
    return fait(scenario, PROGRAMMATION)


def renommer_scenario(contexte: Contexte, scenario_id: int, nom: str) -> Fait:
    from instruction.services import programmation as service

    with contexte.unite() as uow:
        scenario = service.renommer_scenario(uow, scenario_id, nom)
        uow.valider()
    return fait(scenario, PROGRAMMATION)


def supprimer_scenario(contexte: Contexte, scenario_id: int) -> Fait:
    from instruction.services import programmation as service

    with contexte.unite() as uow:
        service.supprimer_scenario(uow, scenario_id)
        uow.valider()
    return fait(None, PROGRAMMATION)


def saisir_montant(contexte: Contexte, scenario_id: int, dossier_id: int, financeur: str, montant: Decimal | None,
                   justification: str | None = None) -> Fait[Cellule]:
    from instruction.services import programmation as service

    with contexte.unite() as uow:
        cellule = service.saisir_montant(uow, scenario_id, dossier_id, financeur, montant, justification)
        uow.valider()
    return fait(cellule, PROGRAMMATION)


def choisir_decision(contexte: Contexte, scenario_id: int, dossier_id: int, decision: str | None,
                     motif: str | None = None) -> Fait:
    from instruction.services import programmation as service

    with contexte.unite() as uow:
        service.choisir_decision(uow, scenario_id, dossier_id, decision, motif)
        uow.valider()
    return fait(None, PROGRAMMATION)


def decisions_du_scenario(contexte: Contexte, scenario_id: int) -> dict[int, DecisionProvisoire]:
    from instruction.services import programmation as service

    with contexte.unite(lecture=True) as uow:
        return service.decisions_du_scenario(uow, scenario_id)


def exporter(contexte: Contexte, campagne_id: int, fichier: Path, scenario_id: int | None = None) -> Path:
    """Le classeur de la programmation : une feuille de synthèse, une par cofinanceur (montants en nombres)."""
    from instruction.rapports import programmation as rapport

    tableau = ouvrir(contexte, campagne_id, scenario_id)
    return rapport.ecrire_classeur(tableau, fichier)


def exporter_campagne(contexte: Contexte, code: str, fichier: Path,
                      scenario: str | None = None) -> tuple[Path, str, str | None]:
    """La ligne de commande : la campagne « cdv-2023 », le scénario par son nom (par défaut, le dernier)."""
    from instruction.domaine.erreurs import DonneesInvalides
    from instruction.services import programmation as service

    with contexte.unite(lecture=True) as uow:
        campagne = service.campagne_par_code(uow, code)
        existants = service.scenarios(uow, campagne.id)
    choisi = None
    if scenario is not None:
        choisi = next((s for s in existants if s.nom == scenario), None)
        if choisi is None:
            noms = ", ".join(f"« {s.nom} »" for s in existants) or "aucun"
            raise DonneesInvalides(f"Pas de scénario « {scenario} » pour {campagne.libelle} (scénarios : {noms}).")
    elif existants:
        choisi = existants[-1]
    chemin = exporter(contexte, campagne.id, fichier, choisi.id if choisi else None)
    return chemin, campagne.libelle, choisi.nom if choisi else None
