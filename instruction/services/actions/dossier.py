"""Actions de l'onglet d'un dossier : l'ouvrir, l'enregistrer, garder ou effacer son brouillon,
ses pièces jointes, la liste des dossiers précédents du porteur, son instructeur en charge, sa
suppression (saisi par erreur)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instruction.services.actions import BROUILLONS, DOSSIER, DOSSIERS, INSTRUCTION, TACHES, Fait, fait

if TYPE_CHECKING:
    import datetime as dt

    from instruction.domaine import dossier as d
    from instruction.services.attribution import Attribution
    from instruction.services.avis import LigneAvis
    from instruction.services.brouillons import Brouillon
    from instruction.services.contexte import Contexte
    from instruction.services.dossier import FicheDossier, Options
    from instruction.services.emprunts import EmpruntEnCours


@dataclass(frozen=True)
class DossierOuvert:
    """Ce que montre un onglet de dossier à son ouverture."""

    fiche: FicheDossier
    options: Options
    brouillon: Brouillon | None
    avis: list[LigneAvis] | None  # lus d'avance quand on l'ouvre sur ses avis (depuis Mes tâches)
    emprunt: EmpruntEnCours | None = None  # emprunté pour le travail hors ligne : averti avant de l'ouvrir (H11)


def ouvrir(contexte: Contexte, dossier_id: int | None, cle: str, *, avec_avis: bool = False) -> DossierOuvert:
    """Le dossier (ou une fiche vierge), ses listes de choix et son brouillon, en une transaction."""
    from instruction.services import avis, brouillons
    from instruction.services import dossier as service_dossier

    with contexte.unite(lecture=True) as uow:
        fiche = service_dossier.lire(uow, dossier_id) if dossier_id else service_dossier.nouvelle_fiche()
        options = service_dossier.options(uow, fiche.donnees.porteur_id or None, dossier_id)
        brouillon = brouillons.lire(uow, cle)
        # Ouvert sur ses avis : lus dans la même transaction, un aller-retour de moins.
        lus = avis.du_dossier(uow, dossier_id) if dossier_id and avec_avis else None
        emprunt = None
        if dossier_id and contexte.travail is None:  # un fichier de travail n'a pas d'emprunts
            from instruction.services import emprunts

            emprunt = emprunts.en_cours(uow, [dossier_id]).get(dossier_id)
    return DossierOuvert(fiche, options, brouillon, lus, emprunt)


def lire(contexte: Contexte, dossier_id: int) -> FicheDossier:
    """Le dossier tel qu'il est enregistré."""
    from instruction.services import dossier as service_dossier

    with contexte.unite(lecture=True) as uow:
        return service_dossier.lire(uow, dossier_id)


def options(contexte: Contexte, porteur_id: int | None, sauf: int | None) -> Options:
    """Les listes de choix du formulaire (campagnes, porteurs, dossiers précédents du porteur)."""
    from instruction.services import dossier as service_dossier

    with contexte.unite(lecture=True) as uow:
        return service_dossier.options(uow, porteur_id, sauf)


def precedents(contexte: Contexte, porteur_id: int, sauf: int | None) -> list[tuple[int, str]]:
    """Les dossiers précédents d'un porteur (pour « renouvelle »)."""
    from instruction.services import dossier as service_dossier

    with contexte.unite(lecture=True) as uow:
        return service_dossier.dossiers_precedents(uow, porteur_id, sauf)


def enregistrer(contexte: Contexte, dossier_id: int | None, donnees: d.DonneesDossier, version: int | None,
                cle: str, *, correction: str | None = None) -> Fait:
    """Crée ou modifie le dossier (version vérifiée), efface son brouillon et le relit, en une transaction.

    ``correction`` : la raison d'une correction de faute de frappe sur un dossier figé (``instruction.gel``)."""
    from instruction.services import brouillons
    from instruction.services import dossier as service_dossier

    with contexte.unite() as uow:  # une seule transaction : moins d'allers-retours vers la base
        identifiant = service_dossier.enregistrer(uow, dossier_id, donnees, version=version, correction=correction)
        if dossier_id is None:  # un nouveau dossier : son instructeur selon les règles d'attribution
            from instruction.services import attribution

            attribution.appliquer_regles(uow, identifiant)
        brouillons.supprimer(uow, cle)
        fiche = service_dossier.lire(uow, identifiant)
        uow.valider()
    return fait(fiche, DOSSIER, DOSSIERS, TACHES, INSTRUCTION, BROUILLONS, dossier=identifiant,
                porteur=fiche.donnees.porteur_id)


def garder_brouillon(contexte: Contexte, cle: str, titre: str, contenu: dict[str, Any]) -> Fait:
    """Garde la saisie en cours en brouillon."""
    from instruction.services import brouillons

    with contexte.unite() as uow:
        brouillons.garder(uow, cle, titre, contenu)
        uow.valider()
    return fait(None, BROUILLONS)


def supprimer_brouillon(contexte: Contexte, cle: str) -> Fait:
    """Efface un brouillon (abandonné, ou repris puis enregistré)."""
    from instruction.services import brouillons

    with contexte.unite() as uow:
        brouillons.supprimer(uow, cle)
        uow.valider()
    return fait(None, BROUILLONS)


def brouillons_de_nouveaux(contexte: Contexte) -> list[Brouillon]:
    """Les nouveaux dossiers commencés et pas encore enregistrés."""
    from instruction.services import brouillons

    with contexte.unite(lecture=True) as uow:
        return brouillons.lister(uow, "dossier:nouveau:")


def compter_brouillons(contexte: Contexte) -> int:
    """Le nombre de nouveaux dossiers en brouillon."""
    return len(brouillons_de_nouveaux(contexte))


# --- Pièces jointes ------------------------------------------------------------------------------------


def joindre_piece(contexte: Contexte, dossier_id: int, type_piece: str, chemin: Path,
                  date_piece: dt.date | None) -> Fait:
    """Lit le fichier, le joint au dossier et relit le dossier (pièces, manques, recevabilité)."""
    from instruction.services import dossier as service_dossier
    from instruction.services import pieces

    contenu = pieces.lire_fichier(chemin)
    with contexte.unite() as uow:
        pieces.ajouter(uow, dossier_id, type_piece, chemin.name, contenu, date_piece)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        fiche = service_dossier.lire(uow, dossier_id)
    return fait(fiche, DOSSIER, DOSSIERS, INSTRUCTION, dossier=dossier_id)


def retirer_piece(contexte: Contexte, dossier_id: int, piece_id: int) -> Fait:
    """Retire une pièce du dossier et relit le dossier."""
    from instruction.services import dossier as service_dossier
    from instruction.services import pieces

    with contexte.unite() as uow:
        pieces.retirer(uow, piece_id)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        fiche = service_dossier.lire(uow, dossier_id)
    return fait(fiche, DOSSIER, DOSSIERS, INSTRUCTION, dossier=dossier_id)


def contenu_piece(contexte: Contexte, piece_id: int) -> tuple[str, bytes]:
    """Le nom et le contenu d'une pièce jointe."""
    from instruction.services import pieces

    with contexte.unite(lecture=True) as uow:
        return pieces.contenu(uow, piece_id)


def joindre_pieces(contexte: Contexte, dossier_id: int,
                   fichiers: list[tuple[str, Path, dt.date | None]]) -> Fait:
    """Lit les fichiers (type, chemin, date) et les joint tous au dossier en une transaction, puis relit le
    dossier. Un fichier illisible ou refusé est nommé, et aucun n'est joint."""
    from instruction.services import dossier as service_dossier
    from instruction.services import pieces

    lus = [(type_piece, chemin.name, pieces.lire_fichier(chemin), date_piece)
           for type_piece, chemin, date_piece in fichiers]
    with contexte.unite() as uow:
        pieces.ajouter_plusieurs(uow, dossier_id, lus)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        fiche = service_dossier.lire(uow, dossier_id)
    return fait(fiche, DOSSIER, DOSSIERS, INSTRUCTION, dossier=dossier_id)


def types_devines(noms: list[str]) -> list[str]:
    """Le type de pièce que suggère le nom de chaque fichier (l'utilisateur confirme ou corrige)."""
    from instruction.services.pieces import deviner_type

    return [deviner_type(nom) for nom in noms]


# --- Instructeur en charge --------------------------------------------------------------------------


def lire_attribution(contexte: Contexte, dossier_id: int) -> Attribution:
    """L'instructeur en charge du dossier et ceux à qui on peut l'attribuer."""
    from instruction.services import attribution

    with contexte.unite(lecture=True) as uow:
        return attribution.lire(uow, dossier_id)


def attribuer(contexte: Contexte, dossier_id: int, instructeur_id: int | None) -> Fait:
    """Met un instructeur (ou personne) en charge du dossier ; rend l'attribution relue."""
    from instruction.services import attribution

    with contexte.unite() as uow:
        attribution.attribuer(uow, dossier_id, instructeur_id)
        lue = attribution.lire(uow, dossier_id)
        uow.valider()
    return fait(lue, DOSSIERS, TACHES, dossier=dossier_id)


# --- Suppression d'un dossier saisi par erreur ------------------------------------------------------


def supprimer(contexte: Contexte, dossier_id: int, motif: str) -> Fait:
    """Supprime le dossier (seulement « déposé », motif exigé, historique gardé) ; rend son numéro."""
    from instruction.services import dossier as service_dossier

    with contexte.unite() as uow:
        numero = service_dossier.supprimer(uow, dossier_id, motif)
        uow.valider()
    return fait(numero, DOSSIER, DOSSIERS, TACHES, INSTRUCTION, BROUILLONS, dossier=dossier_id)


def copie_de_travail_piece(contexte: Contexte, piece_id: int) -> Path:
    """Écrit une copie de la pièce dans le dossier privé des copies de travail (nom assaini) ; rend son chemin."""
    from instruction.fichiers_temporaires import copie_de_travail

    return copie_de_travail(*contenu_piece(contexte, piece_id))


def enregistrer_piece_sous(contexte: Contexte, piece_id: int, chemin: Path) -> Path:
    """Écrit le contenu de la pièce dans le fichier choisi par l'utilisateur ; un refus du système est dit en
    français."""
    from instruction.domaine.erreurs import ErreurInstruction

    _nom, contenu = contenu_piece(contexte, piece_id)
    try:
        Path(chemin).write_bytes(contenu)
    except OSError as erreur:
        raise ErreurInstruction(f"Impossible d'écrire « {chemin} » : {erreur.strerror or erreur}. Le dossier est "
                                "peut-être protégé, ou le fichier ouvert dans un autre logiciel.") from None
    return Path(chemin)
