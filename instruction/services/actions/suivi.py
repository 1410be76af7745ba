"""Les actions du suivi des actions : copils, visites évaluatives, suivi renforcé, calendrier.

Chaque action ouvre son unité de travail ; celles qui écrivent rendent un ``Fait`` du genre ``SUIVI`` (et le
dossier touché), pour que la section « Suivi et bilans » des onglets ouverts, le calendrier et la liste du
suivi renforcé se relisent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from instruction.services.actions import SUIVI, Fait, fait

if TYPE_CHECKING:
    from instruction.services.contexte import Contexte
    from instruction.services.suivi import ActionSuivie, Calendrier, SuiviDossier


def lire(contexte: Contexte, dossier_id: int) -> SuiviDossier:
    """Les copils, visites et années de suivi renforcé du dossier."""
    from instruction.services import suivi

    with contexte.unite(lecture=True) as uow:
        return suivi.suivi_du_dossier(uow, dossier_id)


def enregistrer_copil(contexte: Contexte, dossier_id: int, saisie: dict[str, str], copil_id: int | None = None,
                      compte_rendu: Path | None = None) -> Fait:
    """Crée ou modifie un copil et, si un fichier est donné, joint son compte rendu, en une transaction ; rend le
    suivi du dossier relu."""
    from instruction.services import pieces, suivi

    contenu = pieces.lire_fichier(compte_rendu) if compte_rendu is not None else None
    with contexte.unite() as uow:
        identifiant = suivi.enregistrer_copil(uow, dossier_id, saisie, copil_id)
        if contenu is not None:
            suivi.joindre_compte_rendu_copil(uow, identifiant, Path(compte_rendu).name, contenu)
        relu = suivi.suivi_du_dossier(uow, dossier_id)
        uow.valider()
    return fait(relu, SUIVI, dossier=dossier_id)


def joindre_compte_rendu_copil(contexte: Contexte, dossier_id: int, copil_id: int, chemin: Path) -> Fait:
    from instruction.services import pieces, suivi

    contenu = pieces.lire_fichier(chemin)
    with contexte.unite() as uow:
        suivi.joindre_compte_rendu_copil(uow, copil_id, Path(chemin).name, contenu)
        relu = suivi.suivi_du_dossier(uow, dossier_id)
        uow.valider()
    return fait(relu, SUIVI, dossier=dossier_id)


def copie_compte_rendu_copil(contexte: Contexte, copil_id: int) -> Path:
    """Une copie de travail du compte rendu joint (vérifié contre son empreinte), pour l'ouvrir."""
    from instruction.fichiers_temporaires import copie_de_travail
    from instruction.services import suivi

    with contexte.unite(lecture=True) as uow:
        return copie_de_travail(*suivi.contenu_compte_rendu_copil(uow, copil_id))


def supprimer_copil(contexte: Contexte, dossier_id: int, copil_id: int) -> Fait:
    from instruction.services import suivi

    with contexte.unite() as uow:
        suivi.supprimer_copil(uow, copil_id)
        relu = suivi.suivi_du_dossier(uow, dossier_id)
        uow.valider()
    return fait(relu, SUIVI, dossier=dossier_id)


def enregistrer_visite(contexte: Contexte, dossier_id: int, saisie: dict[str, str],
                       reponses: dict[str, tuple[str | None, str | None]] | None = None,
                       visite_id: int | None = None) -> Fait:
    from instruction.services import suivi

    with contexte.unite() as uow:
        suivi.enregistrer_visite(uow, dossier_id, saisie, reponses, visite_id)
        relu = suivi.suivi_du_dossier(uow, dossier_id)
        uow.valider()
    return fait(relu, SUIVI, dossier=dossier_id)


def supprimer_visite(contexte: Contexte, dossier_id: int, visite_id: int) -> Fait:
    from instruction.services import suivi

    with contexte.unite() as uow:
        suivi.supprimer_visite(uow, visite_id)
        relu = suivi.suivi_du_dossier(uow, dossier_id)
        uow.valider()
    return fait(relu, SUIVI, dossier=dossier_id)


def annees(contexte: Contexte) -> list[int]:
    from instruction.services import suivi

    with contexte.unite(lecture=True) as uow:
        return suivi.annees(uow)


def calendrier(contexte: Contexte, annee: int) -> Calendrier:
    """Ce qui est prévu mois par mois (copils, visites) et les actions en cours sans copil dans l'année."""
    from instruction.services import suivi

    with contexte.unite(lecture=True) as uow:
        return suivi.calendrier(uow, annee)


def suivi_renforce(contexte: Contexte, annee: int) -> tuple[list[ActionSuivie], list[tuple[int, str, str, str]]]:
    """Les actions en suivi renforcé de l'année, et les actions décidées de l'année qu'on peut y placer."""
    from instruction.services import suivi

    with contexte.unite(lecture=True) as uow:
        return suivi.liste_suivi_renforce(uow, annee), suivi.dossiers_suivables(uow, annee)


def placer_en_suivi_renforce(contexte: Contexte, annee: int, dossier_id: int, motif: str,
                             indicateurs: list[dict[str, str]]) -> Fait:
    from instruction.services import suivi

    with contexte.unite() as uow:
        suivi.placer_en_suivi_renforce(uow, annee, dossier_id, motif, indicateurs)
        liste = suivi.liste_suivi_renforce(uow, annee)
        uow.valider()
    return fait(liste, SUIVI, dossier=dossier_id)


def retirer_du_suivi_renforce(contexte: Contexte, annee: int, dossier_id: int) -> Fait:
    from instruction.services import suivi

    with contexte.unite() as uow:
        suivi.retirer_du_suivi_renforce(uow, annee, dossier_id)
        liste = suivi.liste_suivi_renforce(uow, annee)
        uow.valider()
    return fait(liste, SUIVI, dossier=dossier_id)
