"""L'évaluation 2027 / 2030 du contrat de ville (issue 13, point 5) : valeurs des 129 indicateurs du référentiel,
séries par indicateur et par objectif stratégique, rapport d'échéance avec la programmation des mêmes objectifs.

Les écritures vérifient le droit ``evaluation.indicateurs`` et écrivent l'historique (objet « indicateur » :
quel indicateur, quelle année, ancienne → nouvelle valeur, qui). Les valeurs sont gardées en texte décimal exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update

from instruction.db import modeles as m
from instruction.db.modeles import suivi as ms
from instruction.domaine import evaluation as domaine
from instruction.domaine import suivi as domaine_suivi
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

OBJET = "indicateur"


@dataclass(frozen=True)
class Objectif:
    code: str
    libelle: str
    axe: str
    axe_libelle: str


@dataclass(frozen=True)
class Tableau:
    """Tous les indicateurs et leurs séries, rangés par objectif stratégique (puis les transversaux)."""

    objectifs: list[Objectif]
    series: list[domaine.Serie]

    def de_l_objectif(self, code: str | None) -> list[domaine.Serie]:
        return [s for s in self.series if s.objectif == code]


def tableau(uow: UniteDeTravail) -> Tableau:
    """Les indicateurs actifs du référentiel et toutes leurs valeurs (trois requêtes)."""
    session = uow.session
    objectifs = [Objectif(code, libelle, axe, axe_libelle) for code, libelle, axe, axe_libelle in session.execute(
        select(m.ObjectifStrategique.code, m.ObjectifStrategique.libelle, m.Axe.code, m.Axe.libelle)
        .join(m.Thematique, m.Thematique.code == m.ObjectifStrategique.thematique_code)
        .join(m.Axe, m.Axe.code == m.Thematique.axe_code)
        .order_by(m.ObjectifStrategique.ordre, m.ObjectifStrategique.code))]
    points: dict[str, list[domaine.Point]] = {}
    for v in session.scalars(select(ms.ValeurIndicateur).order_by(ms.ValeurIndicateur.indicateur_code,
                                                                   ms.ValeurIndicateur.annee)):
        points.setdefault(v.indicateur_code, []).append(domaine.Point(
            v.annee, domaine_suivi.decimal_de(v.valeur), v.texte, v.reference, v.source, v.date_valeur, v.saisi_par,
            v.saisi_le))
    series = [domaine.Serie(i.code, i.libelle, i.objectif_strategique_code, i.niveau, i.proprietaire, i.nature,
                            tuple(points.get(i.code, ())), i.ligne)
              for i in session.scalars(select(m.Indicateur).where(m.Indicateur.actif)
                                       .order_by(m.Indicateur.ordre, m.Indicateur.code))]
    return Tableau(objectifs, series)


def serie(uow: UniteDeTravail, code: str) -> domaine.Serie:
    trouvee = next((s for s in tableau(uow).series if s.code == code), None)
    if trouvee is None:
        raise DonneesInvalides(f"« {code} » n'est pas un indicateur du référentiel.")
    return trouvee


def _lisible(valeur: Decimal | None, texte: str | None, reference: bool) -> str | None:
    if valeur is None and texte is None:
        return None
    morceaux = [domaine_suivi.formater_decimal(valeur)] if valeur is not None else []
    if texte:
        morceaux.append(texte)
    return " — ".join(morceaux) + (" (référence)" if reference else "")


@ecrit("evaluation.indicateurs")
def saisir_valeur(uow: UniteDeTravail, code: str, annee: int, saisie: Mapping[str, str]) -> None:
    """Écrit (ou remplace) la valeur de l'indicateur pour l'année ; ``reference`` en fait la situation de départ
    (la référence précédente, s'il y en a une autre année, cesse de l'être, et l'historique le dit)."""
    indicateur = uow.session.get(m.Indicateur, code)
    if indicateur is None or not indicateur.actif:
        raise DonneesInvalides(f"« {code} » n'est pas un indicateur du référentiel.")
    donnees = domaine.lire_valeur(annee, saisie, aujourd_hui())
    existante = uow.session.scalar(select(ms.ValeurIndicateur).where(ms.ValeurIndicateur.indicateur_code == code,
                                                                      ms.ValeurIndicateur.annee == annee))
    changements = []
    if donnees.reference:
        autre = uow.session.scalar(select(ms.ValeurIndicateur).where(
            ms.ValeurIndicateur.indicateur_code == code, ms.ValeurIndicateur.reference,
            ms.ValeurIndicateur.annee != annee))
        if autre is not None:
            uow.session.execute(update(ms.ValeurIndicateur).where(ms.ValeurIndicateur.id == autre.id)
                                .values(reference=False))
            changements.append((f"{code} — situation de référence", str(autre.annee), str(annee)))
    ancienne = (_lisible(domaine_suivi.decimal_de(existante.valeur), existante.texte, existante.reference)
                if existante is not None else None)
    valeurs = {"valeur": domaine_suivi.texte_decimal(donnees.valeur), "texte": donnees.texte, "source": donnees.source,
               "date_valeur": donnees.date_valeur, "reference": donnees.reference}
    if existante is None:
        uow.session.add(ms.ValeurIndicateur(indicateur_code=code, annee=annee, saisi_par=uow.acteur,
                                            saisi_le=maintenant(), **valeurs))
    else:
        if all(getattr(existante, c) == v for c, v in valeurs.items()) and not changements:
            return
        for colonne, valeur in valeurs.items():
            setattr(existante, colonne, valeur)
        existante.saisi_par, existante.saisi_le = uow.acteur, maintenant()
    uow.session.flush()
    nouvelle = _lisible(donnees.valeur, donnees.texte, donnees.reference)
    changements.append((f"{code} {annee}", ancienne, nouvelle + (f" [source : {donnees.source}]"
                                                                   if donnees.source else "")))
    historique.noter(uow, OBJET, "valeur saisie" if existante is None else "valeur modifiée",
                     changements=changements)


@ecrit("evaluation.indicateurs")
def supprimer_valeur(uow: UniteDeTravail, code: str, annee: int) -> None:
    existante = uow.session.scalar(select(ms.ValeurIndicateur).where(ms.ValeurIndicateur.indicateur_code == code,
                                                                      ms.ValeurIndicateur.annee == annee))
    if existante is None:
        raise DonneesInvalides(f"L'indicateur {code} n'a pas de valeur pour {annee}.")
    historique.noter(uow, OBJET, "valeur supprimée", changements=[
        (f"{code} {annee}", _lisible(domaine_suivi.decimal_de(existante.valeur), existante.texte, existante.reference),
         None)])
    uow.session.delete(existante)
    uow.session.flush()


@dataclass(frozen=True)
class LigneProgrammation:
    """La programmation d'un objectif stratégique une année : actions qui le visent, montant accordé."""

    annee: int
    actions: int
    montant: Decimal


@dataclass(frozen=True)
class RapportEvaluation:
    echeance: int
    titre: str
    annees: list[int]
    tableau: Tableau
    programmation: dict[str, list[LigneProgrammation]]  # objectif stratégique → une ligne par année
    annees_programmees: list[int]


def rapport(uow: UniteDeTravail, echeance: int) -> RapportEvaluation:
    """Le rapport d'une échéance (2027 : mi-parcours ; 2030 : finale) : chaque objectif stratégique, ses
    indicateurs (référence, valeurs de chaque année, évolution) et la programmation des mêmes objectifs, année par
    année (actions décidées qui le visent, montants accordés ; ``services.bilan_programmation``)."""
    from instruction.services import bilan_programmation

    if echeance not in domaine.ECHEANCES:
        raise DonneesInvalides(f"Échéance inconnue : {echeance} (2027 : mi-parcours ; 2030 : évaluation finale).")
    lu = tableau(uow)
    annees = domaine.annees_du_rapport(echeance, [p for s in lu.series for p in s.points])
    programmees = [a for a in bilan_programmation.annees(uow) if annees[0] <= a <= echeance]
    programmation: dict[str, list[LigneProgrammation]] = {o.code: [] for o in lu.objectifs}
    if programmees:
        for b in bilan_programmation.comparer(uow, programmees):
            par_objectif = {a.code: a for a in b.axes if a.niveau}
            for code, lignes in programmation.items():
                trouve = par_objectif.get(code)
                lignes.append(LigneProgrammation(b.annee, trouve.actions if trouve else 0,
                                                 trouve.montant if trouve else Decimal("0.00")))
    return RapportEvaluation(echeance, f"{domaine.ECHEANCES[echeance]} {echeance} du contrat de ville « Engagements "
                             "Quartiers 2030 »", annees, lu, programmation, sorted(programmees))
