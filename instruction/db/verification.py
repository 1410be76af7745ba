"""``instruction verifier`` : contrôler une base sans rien y modifier."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import BigInteger, func, select, type_coerce

from instruction.db import modeles as m
from instruction.db.connexion import ERREURS_DE_BASE, affichable, creer_moteur, resoudre_url, traduire
from instruction.db.migrations import TETE
from instruction.erreurs import ErreurInstruction


@dataclass(frozen=True)
class Controle:
    libelle: str
    reussi: bool
    detail: str = ""


@dataclass
class Rapport:
    lieu: str
    controles: list[Controle] = field(default_factory=list)

    @property
    def reussi(self) -> bool:
        return all(c.reussi for c in self.controles)


def verifier(url: str | None = None) -> Rapport:
    """Contrôle la base sans rien y écrire (un fichier SQLite absent n'est pas créé)."""
    from instruction.db.connexion import fichier_sqlite, normaliser

    url = resoudre_url(url)
    fichier = fichier_sqlite(normaliser(url))
    if fichier is not None and not fichier.exists():
        raise ErreurInstruction(f"La base « {fichier} » n'existe pas.")
    moteur = creer_moteur(url)
    rapport = Rapport(affichable(moteur.url))
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


def _controler(connexion, rapport: Rapport) -> None:
    from instruction.db.schema import examiner, revisions_connues

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

    if connexion.dialect.name == "sqlite":
        integrite = [r[0] for r in connexion.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        rapport.controles.append(
            Controle("Intégrité du fichier", integrite == ["ok"], "" if integrite == ["ok"] else "; ".join(integrite[:5]))
        )
        orphelins = connexion.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        rapport.controles.append(
            Controle(
                "Références entre tables",
                not orphelins,
                "" if not orphelins else f"{len(orphelins)} référence(s) cassée(s), par ex. table {orphelins[0][0]}",
            )
        )
    else:
        # PostgreSQL refuse toute référence cassée ; on contrôle que les contraintes sont validées.
        non_valides = connexion.exec_driver_sql(
            "select conname from pg_constraint where contype = 'f' and not convalidated"
        ).fetchall()
        rapport.controles.append(
            Controle("Références entre tables", not non_valides, ", ".join(n for (n,) in non_valides))
        )

    rapport.controles.append(_totaux(connexion))
    rapport.controles.append(_financeurs(connexion))


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
