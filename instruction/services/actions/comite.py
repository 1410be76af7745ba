"""Les actions des écrans du comité : séances, ordre du jour, décisions, clôture, documents, délibérations,
moyens de droit commun et vue consolidée des financements.

Chaque écriture valide sa transaction puis relit la séance (ce que l'écran montre) ; la clôture applique
toutes les décisions en une transaction et rend ce qui a changé : la séance, les dossiers décidés (liste,
instruction, Mes tâches). Les documents (dossier de séance, relevé) s'écrivent après la lecture, hors de
toute transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instruction.services.actions import COMITE, DOSSIERS, INSTRUCTION, PROGRAMMATION, TACHES, Fait, fait

if TYPE_CHECKING:
    from instruction.domaine.comite import Membre
    from instruction.services.cloture_seance import ClotureFaite
    from instruction.services.comite import Candidat, SeanceLue, SeanceResume
    from instruction.services.contexte import Contexte, UniteDeTravail
    from instruction.services.financements import Financements, LigneVote, VueCampagne


def _ecrire_puis_relire(contexte: Contexte, seance_id: int, ecrire: Callable[[UniteDeTravail], Any],
                        *, dossiers: Sequence[int] = ()) -> Fait:
    from instruction.services import comite

    with contexte.unite() as uow:
        ecrire(uow)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        seance = comite.lire_seance(uow, seance_id)
    return fait(seance, COMITE, dossiers=tuple(dossiers))


# --- Séances ----------------------------------------------------------------------------------------------


def lister_seances(contexte: Contexte) -> list[SeanceResume]:
    from instruction.services import comite

    with contexte.unite(lecture=True) as uow:
        return comite.lister_seances(uow)


def instances(contexte: Contexte) -> dict:
    """Les instances (comité des financeurs, jury PIC) : code → ``domaine.comite.Instance``."""
    from instruction.domaine import comite as regles

    return dict(regles.instances())


def creer_seance(contexte: Contexte, instance: str, jour: dt.date, intitule: str | None = None,
                 lieu: str | None = None) -> Fait:
    """Crée une séance en préparation ; rend la séance lue."""
    from instruction.services import comite

    with contexte.unite() as uow:
        seance_id = comite.creer_seance(uow, instance, jour, intitule, lieu)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        return fait(comite.lire_seance(uow, seance_id), COMITE)


def lire_seance(contexte: Contexte, seance_id: int) -> SeanceLue:
    from instruction.services import comite

    with contexte.unite(lecture=True) as uow:
        return comite.lire_seance(uow, seance_id)


def modifier_seance(contexte: Contexte, seance_id: int, intitule: str, jour: dt.date | None, lieu: str,
                    membres: Sequence[Membre], version: int | None = None) -> Fait:
    from instruction.services import comite

    return _ecrire_puis_relire(contexte, seance_id, lambda uow: comite.modifier_seance(
        uow, seance_id, intitule, jour, lieu, membres, version=version))


def candidats(contexte: Contexte) -> list[Candidat]:
    """Les dossiers instruits qu'on peut inscrire à l'ordre du jour (et ceux qui attendent leur cotation)."""
    from instruction.services import comite

    with contexte.unite(lecture=True) as uow:
        return comite.candidats(uow)


def inscrire(contexte: Contexte, seance_id: int, dossier_ids: Sequence[int]) -> Fait:
    from instruction.services import comite

    return _ecrire_puis_relire(contexte, seance_id, lambda uow: comite.inscrire(uow, seance_id, dossier_ids),
                               dossiers=dossier_ids)


def retirer(contexte: Contexte, seance_id: int, dossier_id: int) -> Fait:
    from instruction.services import comite

    return _ecrire_puis_relire(contexte, seance_id, lambda uow: comite.retirer(uow, seance_id, dossier_id),
                               dossiers=(dossier_id,))


def decider(contexte: Contexte, seance_id: int, dossier_id: int, decision: str | None,
            montants: Mapping[str, Decimal] | None = None, motif: str | None = None) -> Fait:
    """Saisit la décision du comité pour un dossier (appliquée à la clôture)."""
    from instruction.services import comite

    return _ecrire_puis_relire(contexte, seance_id, lambda uow: comite.decider(
        uow, seance_id, dossier_id, decision, montants, motif), dossiers=(dossier_id,))


def reprendre_propositions(contexte: Contexte, seance_id: int) -> Fait:
    """Les dossiers encore à décider reçoivent la décision proposée par l'instruction."""
    from instruction.services import comite

    return _ecrire_puis_relire(contexte, seance_id, lambda uow: comite.reprendre_propositions(uow, seance_id))


def scenarios_de_la_seance(contexte: Contexte, seance_id: int) -> list[tuple[int, str]]:
    """Les scénarios de programmation des campagnes de l'ordre du jour (id, libellé)."""
    from instruction.services import comite

    with contexte.unite(lecture=True) as uow:
        return comite.scenarios_de_la_seance(uow, seance_id)


def reprendre_scenario(contexte: Contexte, seance_id: int, scenario_id: int) -> Fait:
    """Les dossiers de l'ordre du jour reçoivent la décision provisoire du scénario de programmation."""
    from instruction.services import comite

    return _ecrire_puis_relire(contexte, seance_id, lambda uow: comite.reprendre_scenario(uow, seance_id,
                                                                                         scenario_id))


def cloturer(contexte: Contexte, seance_id: int, version: int | None = None,
             releve: Path | None = None) -> Fait:
    """Applique toutes les décisions de la séance en une transaction, puis (si ``releve`` est donné) écrit le
    relevé de décisions en PDF. Rend ``ClotureFaite``."""
    from instruction.services import cloture_seance

    with contexte.unite() as uow:
        cloture: ClotureFaite = cloture_seance.cloturer(uow, seance_id, version=version)
        uow.valider()
    if releve is not None:
        ecrire_releve(contexte, seance_id, releve)
    return fait(cloture, COMITE, DOSSIERS, INSTRUCTION, TACHES, PROGRAMMATION, dossiers=cloture.dossiers)


# --- Documents ---------------------------------------------------------------------------------------------


def ecrire_dossier_de_seance(contexte: Contexte, seance_id: int, chemin: Path,
                             progression: Callable[[str], None] | None = None) -> Path:
    """Le dossier de séance : en PDF (tableaux par cofinanceur, fiche d'instruction de chaque dossier, signets)
    ou en classeur xlsx, selon l'extension de ``chemin``."""
    from instruction.rapports import dossier_seance
    from instruction.services import comite

    chemin = Path(chemin)
    with contexte.unite(lecture=True) as uow:
        if chemin.suffix.lower() == ".xlsx":
            return dossier_seance.ecrire_classeur(comite.lire_seance(uow, seance_id), chemin)
        if progression is not None:
            progression("Lecture des fiches d'instruction…")
        contenu = comite.dossier_de_seance(uow, seance_id)
    if progression is not None:
        progression("Composition du PDF…")
    return dossier_seance.ecrire_pdf(contenu, chemin)


def ecrire_releve(contexte: Contexte, seance_id: int, chemin: Path) -> Path:
    """Le relevé de décisions d'une séance close, en PDF."""
    from instruction.rapports import releve_decisions
    from instruction.services import cloture_seance

    with contexte.unite(lecture=True) as uow:
        seance = cloture_seance.releve(uow, seance_id)
    return releve_decisions.ecrire(seance, Path(chemin))


# --- Délibérations des partenaires et financements consolidés ---------------------------------------------------


def lignes_a_voter(contexte: Contexte, seance_id: int | None = None, *, en_attente: bool = False) -> list[LigneVote]:
    """Les lignes (dossier × cofinanceur) décidées en séance close, avec leur vote s'il est saisi."""
    from instruction.services import financements

    with contexte.unite(lecture=True) as uow:
        return financements.lignes_a_voter(uow, seance_id, en_attente=en_attente)


def saisir_deliberation(contexte: Contexte, seance_id: int, dossier_id: int, financeur: str, instance: str,
                        jour: dt.date | None, reference: str, montant: Decimal | None) -> Fait:
    from instruction.services import financements

    with contexte.unite() as uow:
        financements.saisir_deliberation(uow, seance_id, dossier_id, financeur, instance, jour, reference, montant)
        uow.valider()
    return fait(None, COMITE, dossier=dossier_id)


def saisir_deliberations(contexte: Contexte, lignes: Sequence[tuple[int, int, str]], instance: str,
                         jour: dt.date | None, reference: str) -> Fait:
    """Une délibération qui vote plusieurs lignes à la fois (séance, dossier, cofinanceur), chacune au montant
    décidé par le comité : tout ou rien."""
    from instruction.services import financements

    with contexte.unite() as uow:
        financements.saisir_deliberations(uow, lignes, instance, jour, reference)
        uow.valider()
    return fait(len(lignes), COMITE, dossiers=tuple(d for _s, d, _f in lignes))


def financements_du_dossier(contexte: Contexte, dossier_id: int) -> Financements:
    from instruction.services import financements

    with contexte.unite(lecture=True) as uow:
        return financements.du_dossier(uow, dossier_id)


def financements_de_campagne(contexte: Contexte, campagne_id: int) -> VueCampagne:
    from instruction.services import financements

    with contexte.unite(lecture=True) as uow:
        return financements.de_campagne(uow, campagne_id)


def campagnes(contexte: Contexte) -> list[tuple[int, str]]:
    """Les campagnes (id, libellé), la plus récente d'abord."""
    from instruction.services import dossier as service_dossier

    with contexte.unite(lecture=True) as uow:
        return [(c.id, c.libelle) for c in sorted(service_dossier.campagnes(uow), key=lambda c: (-c.annee, c.libelle))]


def declarer_moyen(contexte: Contexte, dossier_id: int, financeur: str, nature: str, libelle: str,
                   montant: Decimal | None) -> Fait:
    from instruction.services import financements

    with contexte.unite() as uow:
        financements.declarer_moyen(uow, dossier_id, financeur, nature, libelle, montant)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        return fait(financements.du_dossier(uow, dossier_id), COMITE, dossier=dossier_id)


def retirer_moyen(contexte: Contexte, dossier_id: int, moyen_id: int) -> Fait:
    from instruction.services import financements

    with contexte.unite() as uow:
        financements.retirer_moyen(uow, moyen_id)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        return fait(financements.du_dossier(uow, dossier_id), COMITE, dossier=dossier_id)
