"""Les actions des documents des conventions : un acte (convention, CPO, notification ou avenant) en PDF et en
DOCX modifiable, ou tous les actes d'une campagne en lot (avancement, annulation).

La lecture se fait en une unité de lecture (les termes en vigueur d'après ``services/lecture_conventions``,
la fiche et le budget de l'action d'après le dossier) ; la composition et l'écriture des fichiers se font
ensuite, hors transaction (``rapports/acte.py``, ``rapports/lot_actes.py``). Rien n'est écrit en base.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from instruction.domaine.erreurs import DonneesInvalides

if TYPE_CHECKING:
    from instruction.rapports.acte_donnees import DonneesActe
    from instruction.rapports.lot_actes import LotActes
    from instruction.services.contexte import Contexte, UniteDeTravail
    from instruction.services.lecture_conventions import FicheConvention


@dataclass(frozen=True)
class DocumentsActe:
    titre: str
    pdf: Path
    docx: Path


# --- Lecture ----------------------------------------------------------------------------------------------------


def _fiche_action(uow: UniteDeTravail, fiche: FicheConvention, financeurs: dict[str, str]):
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.domaine import budget
    from instruction.rapports.acte_donnees import FicheAction, LigneBudget
    from instruction.services import dossier as service_dossier

    lu = service_dossier.lire(uow, fiche.dossier_id)
    donnees = lu.donnees
    dossier = uow.session.get(m.Dossier, fiche.dossier_id)
    lignes = donnees.lignes_budget()
    charges: dict[str, Decimal] = {}
    for ligne in lignes:
        if ligne.sens == budget.CHARGE:
            charges[ligne.compte] = charges.get(ligne.compte, Decimal("0.00")) + ligne.montant
    financements = [LigneBudget(financeurs.get(code, code), montant)
                    for code, montant in budget.subventions_par_financeur(lignes).items()]
    autres: dict[str, Decimal] = {}
    for ligne in lignes:
        if ligne.sens == budget.PRODUIT and not (ligne.compte == budget.COMPTE_SUBVENTIONS and ligne.financeur):
            libelle = budget.PAR_NUMERO[ligne.compte].libelle if ligne.compte in budget.PAR_NUMERO else ligne.compte
            autres[libelle] = autres.get(libelle, Decimal("0.00")) + ligne.montant
    financements += [LigneBudget(libelle, montant) for libelle, montant in autres.items()]
    quartiers = dict(uow.session.execute(select(m.Quartier.code, m.Quartier.nom)).all())
    objectifs = dict(uow.session.execute(
        select(m.ObjectifOperationnel.code, m.ObjectifOperationnel.libelle)
        .where(m.ObjectifOperationnel.code.in_(donnees.objectifs))).all()) if donnees.objectifs else {}
    public = ""
    if donnees.beneficiaires:
        public = f"{donnees.beneficiaires} bénéficiaires prévus"
        if donnees.femmes is not None or donnees.hommes is not None:
            public += f" ({donnees.femmes or 0} femmes, {donnees.hommes or 0} hommes)"
    return FicheAction(
        numero=fiche.dossier_numero, intitule=fiche.dossier_intitule, campagne=dossier.campagne.libelle,
        resume=donnees.resume or donnees.description or "",
        quartiers=tuple(quartiers.get(q, q) for q in donnees.quartiers), lieux=donnees.lieux or "", public=public,
        objectifs=tuple(f"{code} — {objectifs[code]}" if objectifs.get(code) else code for code in donnees.objectifs),
        cout_total=budget.total(lignes, budget.CHARGE) or None,
        charges=tuple(LigneBudget(budget.PAR_NUMERO[c].libelle if c in budget.PAR_NUMERO else c, v, c)
                      for c, v in sorted(charges.items())),
        financements=tuple(financements),
    )


def donnees_acte(uow: UniteDeTravail, convention_id: int, *, avenant_numero: int | None = None) -> DonneesActe:
    """Tout ce que le document d'un acte imprime (lecture seule). ``avenant_numero`` : le document de cet
    avenant (termes après lui, historique des avenants signés avant lui)."""
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.domaine.conventions import ATTRIBUANT, BENEFICIAIRE
    from instruction.rapports.acte_donnees import AvenantLu, DonneesActe
    from instruction.services import lecture_conventions

    fiche = lecture_conventions.lire(uow, convention_id)
    financeurs = dict(uow.session.execute(select(m.Financeur.code, m.Financeur.libelle)).all())
    action = _fiche_action(uow, fiche, financeurs)
    s = fiche.signatures
    commun = dict(numero=fiche.numero, action=action, financeur_code=fiche.financeur_code,
                  libelles_financeurs=financeurs, signee_le=s.date_effet)
    if avenant_numero is None:
        return DonneesActe(termes=fiche.termes, signatures=_dates(s, ATTRIBUANT, BENEFICIAIRE), **commun)
    avenant = next((a for a in fiche.avenants if a.numero == avenant_numero), None)
    if avenant is None:
        raise DonneesInvalides(f"La convention {fiche.numero} n'a pas d'avenant n° {avenant_numero}.")
    precedents = tuple(AvenantLu(a.numero, a.type_libelle, a.motif, a.differences, a.signatures.date_effet)
                       for a in fiche.avenants if a.numero < avenant_numero and a.etat == "signe")
    return DonneesActe(
        termes=avenant.termes_apres, termes_avant=avenant.termes_avant, avenants_precedents=precedents,
        avenant=AvenantLu(avenant.numero, avenant.type_libelle, avenant.motif, avenant.differences,
                          avenant.signatures.date_effet),
        signatures=_dates(avenant.signatures, ATTRIBUANT, BENEFICIAIRE), **commun)


def _dates(s, attribuant: str, beneficiaire: str) -> dict:
    return {role: jour for role, jour in ((attribuant, s.signe_attribuant_le),
                                          (beneficiaire, s.signe_beneficiaire_le)) if jour is not None}


def _campagne_id(uow: UniteDeTravail, code: str) -> int:
    """« cdv-2023 » → l'identifiant de la campagne ; un message qui dit les campagnes connues sinon."""
    from sqlalchemy import select

    from instruction.db import modeles as m

    connues = {f"{disp}-{annee}": i for i, disp, annee in uow.session.execute(
        select(m.Campagne.id, m.Campagne.dispositif_code, m.Campagne.annee)
        .order_by(m.Campagne.annee, m.Campagne.dispositif_code))}
    cle = (code or "").strip().casefold()
    if cle not in connues:
        raise DonneesInvalides(f"Aucune campagne « {code} ». Une campagne s'écrit dispositif-année (par exemple "
                               f"cdv-2023) ; campagnes de la base : {', '.join(connues) or 'aucune'}.")
    return connues[cle]


def lire_campagne(contexte: Contexte, campagne: str) -> list[DonneesActe]:
    """Les actes de tous les conventions de la campagne (par numéro), lus en une unité de lecture."""
    from instruction.services import lecture_conventions

    with contexte.unite(lecture=True) as uow:
        campagne_id = _campagne_id(uow, campagne)
        lignes = lecture_conventions.lister(uow, lecture_conventions.FiltreConventions(campagne_id=campagne_id))
        return [donnees_acte(uow, l.id) for l in sorted(lignes, key=lambda l: l.numero)]


@dataclass(frozen=True)
class CampagneActes:
    code: str  # « cdv-2023 »
    libelle: str
    conventions: int


def campagnes(contexte: Contexte) -> list[CampagneActes]:
    """Les campagnes qui ont des actes préparés, la plus récente d'abord (la boîte du lot les propose)."""
    from sqlalchemy import func, select

    from instruction.db import modeles as m
    from instruction.db.modeles.conventions import Convention

    with contexte.unite(lecture=True) as uow:
        lignes = uow.session.execute(
            select(m.Campagne.dispositif_code, m.Campagne.annee, m.Campagne.libelle, func.count(Convention.id))
            .join(m.Dossier, m.Dossier.campagne_id == m.Campagne.id)
            .join(Convention, Convention.dossier_id == m.Dossier.id)
            .group_by(m.Campagne.id, m.Campagne.dispositif_code, m.Campagne.annee, m.Campagne.libelle)
            .order_by(m.Campagne.annee.desc(), m.Campagne.libelle)).all()
    return [CampagneActes(f"{disp}-{annee}", libelle, n) for disp, annee, libelle, n in lignes]


# --- Actions ----------------------------------------------------------------------------------------------------


def dossier_provisoire() -> Path:
    """Un dossier de l'application pour les documents ouverts sans être enregistrés (aperçu, impression)."""
    return Path(tempfile.mkdtemp(prefix="instruction-actes-"))


def generer(contexte: Contexte, convention_id: int, dossier: Path | str | None = None, *,
            avenant_numero: int | None = None) -> DocumentsActe:
    """Le PDF et le DOCX d'une convention (ou de son avenant n° ``avenant_numero``) dans ``dossier`` (par
    défaut un dossier provisoire) : pour l'aperçu, l'impression (``ui/impression.py``) ou la retouche."""
    from instruction.rapports import convention_docx, convention_pdf
    from instruction.rapports.acte import composer
    from instruction.rapports.pdf import ecrire_atomiquement

    with contexte.unite(lecture=True) as uow:
        donnees = donnees_acte(uow, convention_id, avenant_numero=avenant_numero)
    acte = composer(donnees)
    cible = Path(dossier) if dossier is not None else dossier_provisoire()
    cible.mkdir(parents=True, exist_ok=True)
    pdf, docx = cible / f"{acte.nom_fichier}.pdf", cible / f"{acte.nom_fichier}.docx"
    ecrire_atomiquement({pdf: convention_pdf.octets(acte), docx: convention_docx.octets(acte)})
    return DocumentsActe(acte.titre, pdf, docx)


def generer_campagne(contexte: Contexte, campagne: str, dossier: Path | str, *,
                     progression: Callable[[str], None] | None = None, annule: Callable[[], bool] | None = None,
                     processus: int | None = None) -> LotActes:
    """``instruction exporter conventions --campagne cdv-2023 -o DOSSIER`` et la boîte « Générer les
    conventions d'une campagne » : un PDF et un DOCX par acte, avancement acte par acte, annulation sans
    fichier à moitié écrit."""
    from instruction.rapports import lot_actes

    dire = progression or (lambda _m: None)
    dire(f"Lecture des conventions de la campagne {campagne}…")
    donnees = lire_campagne(contexte, campagne)
    if not donnees:
        raise DonneesInvalides(f"La campagne {campagne} n'a encore aucune convention : préparez les actes des "
                               "dossiers retenus (Conventions) avant de les générer.")
    dire(f"{len(donnees)} acte{'s' if len(donnees) > 1 else ''} à générer…")
    return lot_actes.generer(donnees, Path(dossier), progression=progression, annule=annule, processus=processus)
