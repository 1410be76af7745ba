"""L'approche budgétaire intégrée : où vont les crédits, selon la cotation des dossiers.

Pour une année de programmation (tous ses appels à projets, ou un dispositif) et une grille
transversale : les montants demandés à l'entrée du comité des financeurs et, quand les décisions
existent, les montants accordés à sa sortie, par cotation (0, 1, 2, non coté), par financeur et par
dispositif. Les montants sont exacts (Decimal), sommés dossier par dossier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from instruction.domaine import grilles
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services.contexte import UniteDeTravail
from instruction.services.montants_accordes import DECIDES

# Ce qui est présenté au comité des financeurs : les dossiers instruits, puis décidés.
PRESENTES = (Etat.INSTRUIT, Etat.RETENU, Etat.AJOURNE, Etat.REFUSE, Etat.CONVENTIONNE, Etat.EN_COURS, Etat.SOLDE)
PERIMETRES = {
    "comite": "Dossiers présentés au comité des financeurs (instruits et décidés)",
    "deposes": "Tous les dossiers déposés (sauf classés sans suite)",
}
CLES = (2, 1, 0, None)  # l'ordre des colonnes : de la cotation la plus haute aux dossiers non cotés
ZERO = Decimal("0.00")


def libelle_cle(cle: int | None) -> str:
    return "Non coté" if cle is None else f"Cotation {cle}"


@dataclass
class Cellule:
    dossiers: int = 0
    demande: Decimal = ZERO
    accorde: Decimal = ZERO

    def ajouter(self, demande: Decimal, accorde: Decimal) -> None:
        self.dossiers += 1
        self.demande += demande
        self.accorde += accorde


@dataclass
class Ligne:
    """Une ligne du rapport (un financeur, un dispositif, ou l'ensemble) : une cellule par cotation."""

    code: str
    libelle: str
    cellules: dict[int | None, Cellule] = field(default_factory=lambda: {c: Cellule() for c in CLES})

    @property
    def total(self) -> Cellule:
        return Cellule(sum(c.dossiers for c in self.cellules.values()),
                       sum((c.demande for c in self.cellules.values()), ZERO),
                       sum((c.accorde for c in self.cellules.values()), ZERO))


@dataclass
class ApprocheBudgetaire:
    annee: int
    grille: str
    grille_libelle: str
    perimetre: str
    dispositif: str | None
    ensemble: Ligne
    par_financeur: list[Ligne]
    par_dispositif: list[Ligne]
    decisions: int  # dossiers dont la décision (et les montants accordés) existe
    libelles_cotations: dict[int, str]

    @property
    def titre(self) -> str:
        portee = f", {self.dispositif}" if self.dispositif else ""
        return f"Approche budgétaire intégrée — programmation {self.annee}{portee} — {self.grille_libelle}"


def annees(uow: UniteDeTravail) -> list[int]:
    return list(uow.session.scalars(select(m.Campagne.annee).distinct().order_by(m.Campagne.annee.desc())))


def dispositifs(uow: UniteDeTravail) -> list[tuple[str, str]]:
    """Les dispositifs instruits dans l'application (code, libellé), pour choisir la portée du rapport."""
    return [tuple(l) for l in uow.session.execute(
        select(m.Dispositif.code, m.Dispositif.libelle).where(m.Dispositif.instruit).order_by(m.Dispositif.ordre)
    )]


def rapport(uow: UniteDeTravail, annee: int, grille: str, perimetre: str = "comite",
            dispositif: str | None = None) -> ApprocheBudgetaire:
    definition = grilles.par_code().get(grille)
    if definition is None:
        raise DonneesInvalides(f"Grille inconnue : {grille}.")
    if perimetre not in PERIMETRES:
        raise DonneesInvalides(f"Périmètre inconnu : {perimetre}.")
    session = uow.session
    etats = PRESENTES if perimetre == "comite" else tuple(e for e in Etat if e != Etat.SANS_SUITE)
    filtres = [m.Campagne.annee == annee, m.Dossier.etat.in_([str(e) for e in etats])]
    if dispositif:
        filtres.append(m.Campagne.dispositif_code == dispositif)
    dossiers = session.execute(
        select(m.Dossier.id, m.Dossier.etat, m.Campagne.dispositif_code).join(m.Campagne).where(*filtres)
    ).all()
    ids = select(m.Dossier.id).join(m.Campagne).where(*filtres)  # sous-requête : pas de liste d'ids à rallonge
    demandes = _par_dossier(session.execute(
        select(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code, m.LigneBudget.montant)
        .where(m.LigneBudget.dossier_id.in_(ids), m.LigneBudget.sens == "produit", m.LigneBudget.compte == "74",
               m.LigneBudget.financeur_code.is_not(None))
    ))
    accordes = _par_dossier(session.execute(
        select(m.MontantAccorde.dossier_id, m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
        .where(m.MontantAccorde.dossier_id.in_(ids))
    ))
    cotations = dict(session.execute(
        select(m.Cotation.dossier_id, m.Cotation.cotation).where(m.Cotation.dossier_id.in_(ids),
                                                                 m.Cotation.grille == grille)
    ).all())
    financeurs = dict(session.execute(select(m.Financeur.code, m.Financeur.libelle).order_by(m.Financeur.ordre)).all())
    dispositifs = dict(session.execute(select(m.Dispositif.code, m.Dispositif.libelle)).all())

    ensemble = Ligne("ensemble", "Ensemble")
    par_financeur: dict[str, Ligne] = {}
    par_dispositif: dict[str, Ligne] = {}
    decisions = 0
    for d in dossiers:
        cle = cotations.get(d.id)
        decide = d.etat in DECIDES
        decisions += decide
        demande_d = demandes.get(d.id, {})
        accorde_d = accordes.get(d.id, {}) if decide else {}
        ensemble.cellules[cle].ajouter(sum(demande_d.values(), ZERO), sum(accorde_d.values(), ZERO))
        ligne_d = par_dispositif.setdefault(d.dispositif_code, Ligne(d.dispositif_code,
                                                                    dispositifs.get(d.dispositif_code, "")))
        ligne_d.cellules[cle].ajouter(sum(demande_d.values(), ZERO), sum(accorde_d.values(), ZERO))
        for code in sorted(set(demande_d) | set(accorde_d)):
            ligne_f = par_financeur.setdefault(code, Ligne(code, financeurs.get(code, code)))
            ligne_f.cellules[cle].ajouter(demande_d.get(code, ZERO), accorde_d.get(code, ZERO))
    rang = {code: i for i, code in enumerate(financeurs)}
    return ApprocheBudgetaire(
        annee=annee, grille=grille, grille_libelle=definition.libelle, perimetre=perimetre,
        dispositif=dispositifs.get(dispositif) if dispositif else None, ensemble=ensemble,
        par_financeur=sorted(par_financeur.values(), key=lambda l: rang.get(l.code, len(rang))),
        par_dispositif=sorted(par_dispositif.values(), key=lambda l: l.code),
        decisions=decisions,
        libelles_cotations={r.cotation: r.libelle for r in definition.courante.cotations},
    )


def _par_dossier(lignes: Iterable) -> dict[int, dict[str, Decimal]]:
    resultat: dict[int, dict[str, Decimal]] = {}
    for dossier_id, code, montant in lignes:
        par_financeur = resultat.setdefault(dossier_id, {})
        par_financeur[code] = par_financeur.get(code, ZERO) + montant
    return resultat
