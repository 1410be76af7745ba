"""Les pièces jointes d'un dossier : ajouter (avec empreinte SHA-256), lire, retirer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from instruction.domaine import gel
from instruction.domaine import pieces as domaine
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.fichiers_temporaires import nom_sur
from instruction.domaine.horloge import maintenant
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
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    gel.verifier_ajout_piece(dossier.etat, type_piece, domaine.par_code()[type_piece].libelle)
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


def _debut_du_gel(uow: UniteDeTravail, dossier_id: int) -> dt.datetime:
    """Le moment (saisie) du passage qui a figé le dossier : le dernier passage d'un état libre à un état figé."""
    debut = dt.datetime.min
    for de, vers, le in uow.session.execute(
        select(m.Transition.de, m.Transition.vers, m.Transition.le).where(m.Transition.dossier_id == dossier_id)
        .order_by(m.Transition.le, m.Transition.id)
    ):
        if gel.gel(vers) is not None and (de is None or gel.gel(de) is None):
            debut = le
    return debut


@ecrit("dossier.pieces")
def retirer(uow: UniteDeTravail, piece_id: int) -> None:
    piece = uow.session.get(m.Piece, piece_id)
    if piece is None:
        raise DonneesInvalides("Cette pièce n'existe plus.")
    dossier = uow.session.get(m.Dossier, piece.dossier_id)
    if gel.gel(dossier.etat) is not None:
        gel.verifier_retrait_piece(dossier.etat, piece.ajoutee_le >= _debut_du_gel(uow, dossier.id),
                                   piece.nom_fichier)
    type_piece = domaine.par_code().get(piece.type)
    historique.noter(uow, "pièce", "retrait", dossier_id=piece.dossier_id,
                     changements=[(type_piece.libelle if type_piece else piece.type, piece.nom_fichier, None)])
    uow.session.delete(piece)
    uow.session.flush()


# --- Plusieurs pièces à la fois ------------------------------------------------------------------------

# Des mots du nom d'un fichier → le type de pièce qu'il est sans doute (l'utilisateur confirme ou corrige).
# Dans l'ordre : le premier qui convient l'emporte (« budget-previsionnel-structure » avant « budget »).
_INDICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rapport-cac", ("commissaire", "cac")),
    ("liste-dirigeants", ("dirigeant", "bureau", "conseil-d-administration", "composition", "ca")),
    ("comptes-approuves", ("compte", "bilan-comptable", "comptable", "approuve")),
    ("rapport-activite", ("activite", "rapport-moral", "ra")),
    ("budget-structure", ("budget-structure", "budget-previsionnel-annuel", "budget-annuel", "bp-structure")),
    ("bilan-annuel", ("bilan",)),
    ("fiche-intention", ("intention", "troika")),
    ("fiche-projet-pic", ("pic", "fiche-projet")),
    ("fiche-idee-bp", ("idee", "budget-participatif")),
    ("avis-jury-pic", ("jury",)),
    ("cpo", ("cpo", "pluriannuel")),
    ("pouvoir", ("pouvoir", "delegation", "mandat")),
    ("statuts", ("statut",)),
    ("rib", ("rib", "iban", "releve-d-identite", "bancaire")),
    ("demande-signee", ("cerfa", "12156", "demande", "dossier")),
)


def deviner_type(nom_fichier: str) -> str:
    """Le type de pièce que le nom du fichier suggère (« RIB AJF 2027.pdf » → ``rib``), sinon « autre »."""
    from instruction.domaine.texte import pour_recherche

    radical = pour_recherche(Path(nom_fichier).stem)
    mots = "-".join("".join(c if c.isalnum() else " " for c in radical).split())
    morceaux = set(mots.split("-"))
    connus = domaine.par_code()
    for code, indices in _INDICES:
        if code not in connus:
            continue
        for indice in indices:
            if ("-" in indice and indice in mots) or indice in morceaux or (
                    len(indice) > 3 and any(m.startswith(indice) for m in morceaux)):
                return code
    return "autre" if "autre" in connus else next(iter(connus))


@ecrit("dossier.pieces")
def ajouter_plusieurs(uow: UniteDeTravail, dossier_id: int,
                      fichiers: list[tuple[str, str, bytes, dt.date | None]]) -> list[InfoPiece]:
    """Joint plusieurs fichiers (type, nom, contenu, date) dans la transaction de l'appelant : tous ou
    aucun. Un fichier refusé (vide, trop gros, type inconnu) est nommé dans le message, et rien n'est joint."""
    if not fichiers:
        raise DonneesInvalides("Aucun fichier à joindre.")
    joints = []
    for type_piece, nom_fichier, contenu_, date_piece in fichiers:
        try:
            joints.append(ajouter.__wrapped__(uow, dossier_id, type_piece, nom_fichier, contenu_, date_piece))
        except DonneesInvalides as erreur:
            if nom_fichier in erreur.message:
                raise
            raise DonneesInvalides(f"« {nom_fichier} » : {erreur.message} Aucune pièce n'a été jointe.",
                                   detail=erreur.detail) from None
    return joints
