"""Actions des bilans : liste des bilans attendus, relances, comptes rendus financiers (CERFA 15059).

Chaque écriture est validée, puis ce que montre l'écran est relu dans une nouvelle transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from instruction.services.actions import BILANS, CONVENTIONS, DOSSIER, REGLAGES, VERSEMENTS, Fait, fait

# Ce qu'on relance : les bilans pas encore reçus (attendus bientôt, en retard) et ceux renvoyés pour compléments.
RELANCABLES = frozenset({"attendu", "en_retard", "tres_en_retard", "a_completer"})

if TYPE_CHECKING:
    from instruction.services.bilans_attendus import BilanAttendu, Filtres, Seuil
    from instruction.services.comptes_rendus import CompteRenduLu, PartReversement, SaisieCompteRendu
    from instruction.services.contexte import Contexte


# --- Bilans attendus ---------------------------------------------------------------------------------


def liste(contexte: Contexte, filtres: Filtres | None = None, le: dt.date | None = None) -> list[BilanAttendu]:
    from instruction.services import bilans_attendus

    with contexte.unite(lecture=True) as uow:
        return bilans_attendus.liste(uow, filtres, le=le)


def du_dossier(contexte: Contexte, dossier_id: int) -> list[BilanAttendu]:
    """Les bilans attendus d'un dossier (la partie « comptes rendus » de la section Suivi et bilans)."""
    from instruction.services import bilans_attendus

    with contexte.unite(lecture=True) as uow:
        return bilans_attendus.du_dossier(uow, dossier_id)


def dus_du_porteur(contexte: Contexte, dossier_id: int) -> list[BilanAttendu]:
    """Les bilans en retard du porteur de ce dossier sur ses autres dossiers (le bandeau de l'onglet)."""
    from instruction.services import bilans_attendus

    with contexte.unite(lecture=True) as uow:
        return bilans_attendus.dus_du_porteur_du_dossier(uow, dossier_id)


def seuils(contexte: Contexte) -> list[Seuil]:
    from instruction.services import bilans_attendus

    with contexte.unite(lecture=True) as uow:
        return bilans_attendus.liste_seuils(uow)


def regler_seuils(contexte: Contexte, valeurs: Mapping[str, str]) -> Fait:
    from instruction.services import bilans_attendus

    with contexte.unite() as uow:
        bilans_attendus.regler(uow, valeurs)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        return fait(bilans_attendus.liste_seuils(uow), REGLAGES, BILANS)


def relancer(contexte: Contexte, bilans: Sequence[tuple[int, int]], dossier_sortie: Path, date_lettre: dt.date,
             *, progression: Callable[[str], None] | None = None,
             annule: Callable[[], bool] | None = None) -> Fait[list[Path]]:
    """Écrit une lettre de relance (PDF) par bilan choisi (dossier, exercice) pas encore reçu dans
    ``dossier_sortie`` et note chaque relance (historique du dossier). Progression lettre par lettre ; une
    annulation garde les lettres déjà écrites (et leurs relances notées), rien de plus."""
    from instruction.rapports import lettres, relances
    from instruction.services import bilans_attendus

    with contexte.unite(lecture=True) as uow:
        choisis = set(bilans)
        dossiers = frozenset(d for d, _e in bilans)
        lignes = [b for b in bilans_attendus.liste(uow, bilans_attendus.Filtres(dossiers=dossiers), le=date_lettre)
                  if (b.dossier_id, b.exercice) in choisis and b.statut in RELANCABLES]
        adresses = bilans_attendus.destinataires(uow, {b.porteur_id for b in lignes})
        financeurs = bilans_attendus.libelles_financeurs(uow)
    papier = lettres.papier()
    ecrits: list[Path] = []
    dossier_sortie.mkdir(parents=True, exist_ok=True)
    for rang, bilan in enumerate(lignes, start=1):
        if annule is not None and annule():
            break
        if progression is not None:
            progression(f"Lettre {rang} sur {len(lignes)} : {bilan.numero} ({bilan.porteur})")
        rendu = relances.rendre(bilan, relances.Destinataire(*adresses[bilan.porteur_id]), papier, date_lettre,
                                financeurs)
        chemin = relances.ecrire(rendu, dossier_sortie / relances.nom_fichier(bilan), papier)
        with contexte.unite() as uow:
            bilans_attendus.noter_relance(uow, bilan.dossier_id, bilan.exercice, bilan.statut, date_lettre)
            uow.valider()
        ecrits.append(chemin)
    touches = tuple(sorted({b.dossier_id for b in lignes[:len(ecrits)]}))
    return fait(ecrits, BILANS, dossiers=touches)


# --- Comptes rendus financiers --------------------------------------------------------------------------


def lire(contexte: Contexte, compte_rendu_id: int) -> CompteRenduLu:
    from instruction.services import comptes_rendus

    with contexte.unite(lecture=True) as uow:
        return comptes_rendus.lire(uow, compte_rendu_id)


def _ecrire_puis_relire(contexte: Contexte, ecrire: Callable, *genres: str) -> Fait:
    from instruction.services import comptes_rendus

    with contexte.unite() as uow:
        compte_rendu_id = ecrire(uow)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        lu = comptes_rendus.lire(uow, compte_rendu_id)
    return fait(lu, BILANS, *genres, dossier=lu.dossier_id)


def recevoir(contexte: Contexte, dossier_id: int, exercice: int, recu_le: dt.date) -> Fait:
    """Le compte rendu attendu est arrivé : il s'ouvre, prévision recopiée du budget du dossier."""
    from instruction.services import comptes_rendus

    return _ecrire_puis_relire(
        contexte, lambda uow: comptes_rendus.recevoir(uow, dossier_id, exercice, recu_le), VERSEMENTS, DOSSIER)


def ouvrir_ou_recevoir(contexte: Contexte, dossier_id: int, exercice: int,
                       recu_le: dt.date | None = None) -> Fait | CompteRenduLu:
    """Le compte rendu s'il est déjà enregistré ; sinon il est reçu à ``recu_le`` (aujourd'hui par défaut)."""
    from instruction.domaine.horloge import aujourd_hui
    from instruction.services import comptes_rendus

    with contexte.unite(lecture=True) as uow:
        existant = comptes_rendus.id_du(uow, dossier_id, exercice)
        if existant is not None:
            return comptes_rendus.lire(uow, existant)
    return recevoir(contexte, dossier_id, exercice, recu_le or aujourd_hui())


def enregistrer(contexte: Contexte, compte_rendu_id: int, saisie: SaisieCompteRendu, version: int) -> Fait:
    from instruction.services import comptes_rendus

    def ecrire(uow):
        comptes_rendus.enregistrer(uow, compte_rendu_id, saisie, version)
        return compte_rendu_id

    return _ecrire_puis_relire(contexte, ecrire, DOSSIER)


def valider(contexte: Contexte, compte_rendu_id: int, le: dt.date, version: int | None = None) -> Fait:
    """Valide le compte rendu : le solde des conventions de l'exercice est débloqué."""
    from instruction.services import comptes_rendus

    def ecrire(uow):
        comptes_rendus.valider(uow, compte_rendu_id, le, version)
        return compte_rendu_id

    return _ecrire_puis_relire(contexte, ecrire, VERSEMENTS, CONVENTIONS, DOSSIER)


def enregistrer_et_valider(contexte: Contexte, compte_rendu_id: int, saisie: SaisieCompteRendu, version: int,
                           le: dt.date) -> Fait:
    """La saisie en cours puis la validation, en une transaction : tout ou rien."""
    from instruction.services import comptes_rendus

    def ecrire(uow):
        comptes_rendus.enregistrer(uow, compte_rendu_id, saisie, version)
        comptes_rendus.valider(uow, compte_rendu_id, le)
        return compte_rendu_id

    return _ecrire_puis_relire(contexte, ecrire, VERSEMENTS, CONVENTIONS, DOSSIER)


def renvoyer(contexte: Contexte, compte_rendu_id: int, le: dt.date, motif: str) -> Fait:
    from instruction.services import comptes_rendus

    def ecrire(uow):
        comptes_rendus.renvoyer(uow, compte_rendu_id, le, motif)
        return compte_rendu_id

    return _ecrire_puis_relire(contexte, ecrire, VERSEMENTS, DOSSIER)


def complements_recus(contexte: Contexte, compte_rendu_id: int, le: dt.date) -> Fait:
    from instruction.services import comptes_rendus

    def ecrire(uow):
        comptes_rendus.complements_recus(uow, compte_rendu_id, le)
        return compte_rendu_id

    return _ecrire_puis_relire(contexte, ecrire, DOSSIER)


def reversement_propose(contexte: Contexte, compte_rendu_id: int) -> list[PartReversement]:
    from instruction.services import comptes_rendus

    with contexte.unite(lecture=True) as uow:
        return comptes_rendus.reversement_propose(uow, compte_rendu_id)


def reverser(contexte: Contexte, compte_rendu_id: int, parts: Sequence[tuple[int, str, Decimal]],
             titre_recette: str, emis_le: dt.date) -> Fait:
    from instruction.services import comptes_rendus

    def ecrire(uow):
        comptes_rendus.reverser(uow, compte_rendu_id, parts, titre_recette, emis_le)
        return compte_rendu_id

    return _ecrire_puis_relire(contexte, ecrire, VERSEMENTS, CONVENTIONS, DOSSIER)


def imprimer(contexte: Contexte, compte_rendu_id: int, fichier: Path) -> Path:
    """Le compte rendu rempli, en PDF façon CERFA 15059 (trois feuilles)."""
    from instruction.rapports import compte_rendu

    return compte_rendu.ecrire(lire(contexte, compte_rendu_id), fichier)


def exporter(contexte: Contexte, annee: int, fichier: Path) -> Path:
    """Le classeur des bilans d'une année d'exercice : attendus, reçus, en retard, écarts."""
    from instruction.rapports import bilans as rapport
    from instruction.services import bilans_attendus, comptes_rendus

    with contexte.unite(lecture=True) as uow:
        lignes = bilans_attendus.liste(uow, bilans_attendus.Filtres(exercice=annee))
        comptes = {b.compte_rendu_id: comptes_rendus.lire(uow, b.compte_rendu_id)
                   for b in lignes if b.compte_rendu_id is not None}
    return rapport.ecrire(annee, lignes, comptes, fichier)
