"""Les pièces jointes d'un dossier : ajouter (avec empreinte SHA-256), lire, retirer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from instruction import pieces as domaine
from instruction.db import modeles as m
from instruction.erreurs import DonneesInvalides
from instruction.fichiers_temporaires import nom_sur
from instruction.horloge import maintenant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.dossier import InfoPiece


def lire_fichier(chemin: Path) -> bytes:
    """Le contenu d'un fichier à joindre ; message clair s'il est illisible ou trop gros."""
    chemin = Path(chemin)
    try:
        taille = chemin.stat().st_size
        if taille > domaine.TAILLE_MAXIMUM:
            raise DonneesInvalides(
                f"« {chemin.name} » pèse {taille / 1024 / 1024:.1f} Mo : une pièce jointe ne peut dépasser "
                f"{domaine.TAILLE_MAXIMUM // 1024 // 1024} Mo. Réduisez-la (PDF compressé) avant de la joindre."
            )
        if not chemin.is_file():
            raise DonneesInvalides(f"« {chemin} » n'est pas un fichier.")
        return chemin.read_bytes()
    except OSError as erreur:
        raise DonneesInvalides(
            f"Impossible de lire « {chemin} » : {erreur.strerror or erreur}.", detail=repr(erreur)
        ) from None


@ecrit("dossier.pieces")
def ajouter(
    uow: UniteDeTravail, dossier_id: int, type_piece: str, nom_fichier: str, contenu: bytes,
    date_piece: dt.date | None = None,
) -> InfoPiece:
    if type_piece not in domaine.par_code():
        raise DonneesInvalides(f"Type de pièce inconnu : {type_piece}.")
    if not contenu:
        raise DonneesInvalides(f"« {nom_fichier} » est vide : rien à joindre.")
    if len(contenu) > domaine.TAILLE_MAXIMUM:
        raise DonneesInvalides(f"« {nom_fichier} » dépasse {domaine.TAILLE_MAXIMUM // 1024 // 1024} Mo.")
    if uow.session.get(m.Dossier, dossier_id) is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    piece = m.Piece(
        dossier_id=dossier_id, type=type_piece, nom_fichier=nom_sur(nom_fichier), date_piece=date_piece,
        taille=len(contenu), empreinte=domaine.empreinte(contenu), contenu=contenu, ajoutee_le=maintenant(),
    )
    uow.session.add(piece)
    uow.session.flush()
    historique.noter(uow, "pièce", "ajout", dossier_id=dossier_id,
                     changements=[(domaine.par_code()[type_piece].libelle, None, piece.nom_fichier)])
    return InfoPiece(piece.id, piece.type, piece.nom_fichier, piece.date_piece, piece.taille, piece.empreinte,
                     piece.ajoutee_le)


def contenu(uow: UniteDeTravail, piece_id: int) -> tuple[str, bytes]:
    """Le nom et le contenu d'une pièce, vérifié contre son empreinte."""
    ligne = uow.session.execute(
        select(m.Piece.nom_fichier, m.Piece.contenu, m.Piece.empreinte).where(m.Piece.id == piece_id)
    ).first()
    if ligne is None:
        raise DonneesInvalides("Cette pièce n'existe plus.")
    if domaine.empreinte(ligne.contenu) != ligne.empreinte:
        raise DonneesInvalides(
            f"La pièce « {ligne.nom_fichier} » est altérée (son empreinte ne correspond plus) : "
            "restaurez une sauvegarde ou joignez-la de nouveau."
        )
    return ligne.nom_fichier, ligne.contenu


@ecrit("dossier.pieces")
def retirer(uow: UniteDeTravail, piece_id: int) -> None:
    piece = uow.session.get(m.Piece, piece_id)
    if piece is None:
        raise DonneesInvalides("Cette pièce n'existe plus.")
    type_piece = domaine.par_code().get(piece.type)
    historique.noter(uow, "pièce", "retrait", dossier_id=piece.dossier_id,
                     changements=[(type_piece.libelle if type_piece else piece.type, piece.nom_fichier, None)])
    uow.session.delete(piece)
    uow.session.flush()
