"""``instruction verifier`` : contrôler une base sans rien y modifier.

La base est ouverte en lecture seule (un fichier SQLite en ``mode=ro`` : ni journal WAL, ni création) ;
un fichier vide ou qui n'est pas une base est refusé, octet pour octet intact. Contrôles : schéma à jour,
intégrité du fichier (SQLite), références entre tables, protections de l'historique (ajout seul), empreinte
SHA-256 de chaque pièce jointe recalculée, totaux et financeurs des dossiers égaux à leurs budgets.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, exc, func, select, type_coerce

from instruction.domaine import pieces as domaine_pieces
from instruction.db import integrite
from instruction.db import modeles as m
from instruction.db.connexion import (
    ERREURS_DE_BASE,
    affichable,
    creer_moteur,
    fichier_sqlite,
    normaliser,
    resoudre_url,
    traduire,
)
from instruction.db.migrations import TETE
from instruction.db.schema import examiner, revisions_connues
from instruction.domaine.erreurs import ErreurInstruction, PasUneBase

_LOT_PIECES = 200


@dataclass(frozen=True)
class Controle:
    libelle: str
    reussi: bool
    detail: str = ""


@dataclass
class Constats:
    lieu: str
    controles: list[Controle] = field(default_factory=list)

    @property
    def reussi(self) -> bool:
        return all(c.reussi for c in self.controles)


def verifier(url: str | None = None) -> Constats:
    """Contrôle la base sans rien y écrire (un fichier SQLite absent n'est pas créé, un fichier étranger
    n'est pas touché)."""
    url = resoudre_url(url)
    fichier = fichier_sqlite(normaliser(url))
    if fichier is not None and not fichier.exists():
        raise ErreurInstruction(f"La base « {fichier} » n'existe pas.")
    if fichier is not None and fichier.is_file() and fichier.stat().st_size == 0:
        raise PasUneBase(f"Le fichier « {fichier} » est vide : ce n'est pas une base de données Instruction. "
                         "Il n'a pas été modifié.")
    moteur = creer_moteur(url, lecture_seule=True)
    rapport = Constats(affichable(moteur.url))
    try:
        with moteur.connect() as connexion:
            _controler(connexion, rapport)
    except ErreurInstruction:
        raise
    except ERREURS_DE_BASE as erreur:
        raise traduire(erreur, url) from erreur
    finally:
        moteur.dispose()
    return rapport


def _controler(connexion, rapport: Constats) -> None:
    etat = examiner(connexion)
    if etat.vide:
        rapport.controles.append(Controle("Schéma", False, "la base est vide (jamais ouverte par Instruction)"))
        return
    if etat.revision == TETE:
        rapport.controles.append(Controle("Schéma à jour", True, TETE))
    else:
        _tete, connues = revisions_connues()
        if etat.revision in connues:
            detail = f"schéma « {etat.revision} », attendu « {TETE} » : ouvrez la base avec l'application pour la mettre à jour"
        elif etat.revision is None:
            detail = "ce n'est pas une base Instruction (pas de version de schéma)"
        else:
            detail = f"schéma « {etat.revision} » écrit par une version plus récente d'Instruction"
        rapport.controles.append(Controle("Schéma à jour", False, detail))
        return

    controles = [_references, _historique, _pieces, _totaux, _financeurs]
    if connexion.dialect.name == "sqlite":
        controles.insert(0, _integrite)
    for controle in controles:
        rapport.controles.append(_essayer(controle, connexion))


def _essayer(controle, connexion) -> Controle:
    """Un contrôle qu'une page endommagée interrompt est un contrôle en échec, pas la fin du rapport
    (sous PostgreSQL, dans un point de reprise : la transaction reste utilisable pour les suivants)."""
    try:
        with connexion.begin_nested() if connexion.dialect.name == "postgresql" else contextlib.nullcontext():
            return controle(connexion)
    except exc.DatabaseError as erreur:
        return Controle(controle.libelle, False, f"lecture impossible : {erreur.orig}")


def _libelle(libelle: str):
    def nommer(fonction):
        fonction.libelle = libelle
        return fonction

    return nommer


@_libelle("Intégrité du fichier")
def _integrite(connexion) -> Controle:
    resultat = [r[0] for r in connexion.exec_driver_sql("PRAGMA integrity_check").fetchall()]
    return Controle("Intégrité du fichier", resultat == ["ok"], "" if resultat == ["ok"] else "; ".join(resultat[:5]))


@_libelle("Références entre tables")
def _references(connexion) -> Controle:
    references = integrite.references_cassees(connexion)
    return Controle("Références entre tables", not references, integrite.resume(references))


@_libelle("Historique en ajout seul")
def _historique(connexion) -> Controle:
    historique = integrite.historique_non_protege(connexion)
    return Controle("Historique en ajout seul", not historique, integrite.resume(historique))


@_libelle("Empreintes des pièces jointes")
def _pieces(connexion) -> Controle:
    """L'empreinte SHA-256 de chaque pièce, recalculée sur son contenu (lu par lots)."""
    alterees: list[str] = []
    nombre = 0
    resultat = connexion.execute(
        select(m.Piece.id, m.Piece.nom_fichier, m.Piece.empreinte, m.Piece.contenu, m.Dossier.numero)
        .join(m.Dossier, m.Dossier.id == m.Piece.dossier_id)
        .order_by(m.Piece.id)
        .execution_options(yield_per=_LOT_PIECES))
    for lot in resultat.partitions(_LOT_PIECES):
        for piece in lot:
            nombre += 1
            if domaine_pieces.empreinte(piece.contenu or b"") != piece.empreinte:
                alterees.append(f"« {piece.nom_fichier} » ({piece.numero})")
    detail = f"{nombre} pièce(s) relue(s)" if not alterees else (
        f"{len(alterees)} pièce(s) altérée(s) sur {nombre} : " + ", ".join(alterees[:10]))
    return Controle("Empreintes des pièces jointes", not alterees, detail)


@_libelle("Totaux des dossiers égaux à leurs budgets")
def _totaux(connexion) -> Controle:
    """Le coût total et la subvention demandée de chaque dossier égalent la somme de son budget."""
    montant = type_coerce(m.LigneBudget.montant, BigInteger)
    charges = (
        select(m.LigneBudget.dossier_id, func.sum(montant).label("total"))
        .where(m.LigneBudget.sens == "charge")
        .group_by(m.LigneBudget.dossier_id)
        .subquery()
    )
    demandes = (
        select(m.LigneBudget.dossier_id, func.sum(montant).label("total"))
        .where(m.LigneBudget.sens == "produit", m.LigneBudget.compte == "74")
        .group_by(m.LigneBudget.dossier_id)
        .subquery()
    )
    ecarts = connexion.execute(
        select(m.Dossier.numero)
        .outerjoin(charges, charges.c.dossier_id == m.Dossier.id)
        .outerjoin(demandes, demandes.c.dossier_id == m.Dossier.id)
        .where(
            (type_coerce(m.Dossier.cout_total, BigInteger) != func.coalesce(charges.c.total, 0))
            | (type_coerce(m.Dossier.subvention_demandee, BigInteger) != func.coalesce(demandes.c.total, 0))
        )
        .limit(10)
    ).scalars().all()
    return Controle(
        "Totaux des dossiers égaux à leurs budgets",
        not ecarts,
        "" if not ecarts else "écart pour " + ", ".join(ecarts),
    )


@_libelle("Financeurs sollicités égaux à ceux des budgets")
def _financeurs(connexion) -> Controle:
    """La liste des financeurs sollicités de chaque dossier égale celle de son compte 74."""
    attendus: dict[int, set[str]] = {}
    for dossier_id, financeur in connexion.execute(
        select(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code)
        .where(m.LigneBudget.compte == "74", m.LigneBudget.financeur_code.is_not(None))
        .distinct()
    ):
        attendus.setdefault(dossier_id, set()).add(financeur)
    ecarts = [
        numero
        for dossier_id, numero, financeurs in connexion.execute(select(m.Dossier.id, m.Dossier.numero, m.Dossier.financeurs))
        if set(filter(None, (financeurs or "").split(","))) != attendus.get(dossier_id, set())
    ]
    return Controle(
        "Financeurs sollicités égaux à ceux des budgets",
        not ecarts,
        "" if not ecarts else "écart pour " + ", ".join(ecarts[:10]),
    )
