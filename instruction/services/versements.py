"""Les versements d'une convention signée : échéancier, paiements, reversements, comptes rendus financiers.

Règles (chacune vérifiée ici, dans la transaction) :

* on ne verse que sur une convention signée, à une date qui ne précède pas sa date d'effet ;
* un exercice d'une CPO qui n'est pas ferme attend le vote du budget (``confirmer_exercice``) ;
* une échéance « après compte rendu » (le **solde**) attend le compte rendu financier de l'exercice, validé
  (``noter_compte_rendu`` ; l'écran des comptes rendus financiers l'appelle à la validation) ;
* jamais plus versé que décidé : ni plus que l'échéance, ni plus que le montant de l'exercice ; la base le
  tient aussi (``convention_montant.verse`` ≤ ``montant``, mis à jour sous verrou) ;
* un reversement (titre de recette) ne reprend pas plus que ce qui a été versé sur l'exercice.

Le dossier suit : conventionné → en cours au premier versement ; quand tout est versé, la convention est
soldée et, toutes les conventions du dossier closes, le dossier soldé (``conventions.suivre_le_dossier``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.db.modeles.conventions import (
    CompteRenduExercice,
    Convention,
    ConventionMontant,
    Reversement,
    Versement,
)
from instruction.domaine import argent
from instruction.domaine import conventions as dc
from instruction.domaine.conventions import EtatConvention as EC
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.conventions import OBJET, _convention, jour_et_moment, suivre_le_dossier


def _montant(uow: UniteDeTravail, c: Convention, exercice: int) -> ConventionMontant:
    """La ligne du montant de l'exercice, verrouillée sur PostgreSQL (le net versé y est mis à jour)."""
    pg = uow.session.get_bind().dialect.name == "postgresql"
    ligne = uow.session.get(ConventionMontant, (c.id, exercice, c.financeur_code), with_for_update=True if pg else None)
    if ligne is None:
        raise DonneesInvalides(f"La convention {c.numero} ne couvre pas l'exercice {exercice}.")
    return ligne


def _cr(uow: UniteDeTravail, convention_id: int, exercice: int) -> CompteRenduExercice | None:
    return uow.session.get(CompteRenduExercice, (convention_id, exercice))


@ecrit("versement.saisir")
def noter_compte_rendu(uow: UniteDeTravail, convention_id: int, exercice: int, recu_le: dt.date | None,
                       valide_le: dt.date | None = None) -> None:
    """Le compte rendu financier de l'exercice : reçu le, validé le (None : pas encore). Le solde de
    l'exercice attend ``valide_le``. Appelé par l'écran des versements et par la validation d'un compte rendu
    financier (dans sa transaction)."""
    c = _convention(uow, convention_id)
    if exercice not in {x.exercice for x in c.montants}:
        raise DonneesInvalides(f"La convention {c.numero} ne couvre pas l'exercice {exercice}.")
    if valide_le is not None and (recu_le is None or valide_le < recu_le):
        raise DonneesInvalides("Un compte rendu se valide après sa réception (date de réception d'abord).")
    ligne = _cr(uow, convention_id, exercice)
    avant = (ligne.recu_le, ligne.valide_le) if ligne else (None, None)
    if ligne is None:
        ligne = CompteRenduExercice(convention_id=convention_id, exercice=exercice, acteur=uow.acteur)
        uow.session.add(ligne)
    ligne.recu_le, ligne.valide_le, ligne.acteur = recu_le, valide_le, uow.acteur
    uow.session.flush()
    historique.noter(uow, OBJET, "compte rendu", dossier_id=c.dossier_id, changements=[
        (f"{c.numero} : compte rendu {exercice} reçu le", _d(avant[0]), _d(recu_le)),
        (f"{c.numero} : compte rendu {exercice} validé le", _d(avant[1]), _d(valide_le))])


def _d(jour: dt.date | None) -> str | None:
    return None if jour is None else f"{jour:%d/%m/%Y}"


@ecrit("versement.saisir")
def confirmer_exercice(uow: UniteDeTravail, convention_id: int, exercice: int, vote_le: dt.date) -> None:
    """Un exercice d'une CPO devient ferme : le budget du cofinanceur est voté (l'échéancier peut être payé)."""
    c = _convention(uow, convention_id)
    ligne = _montant(uow, c, exercice)
    if ligne.ferme:
        raise DonneesInvalides(f"L'exercice {exercice} est déjà ferme.")
    ligne.ferme, ligne.vote_le = True, vote_le
    uow.session.flush()
    historique.noter(uow, OBJET, "exercice", dossier_id=c.dossier_id, changements=[
        (f"{c.numero} : exercice {exercice}", "sous réserve du vote du budget", f"ferme (budget voté le {vote_le:%d/%m/%Y})")])


def _verse_par_nature(uow: UniteDeTravail, convention_id: int, exercice: int, nature: str) -> Decimal:
    return uow.session.scalar(select(func.coalesce(func.sum(Versement.montant), 0)).where(
        Versement.convention_id == convention_id, Versement.exercice == exercice, Versement.nature == nature)) \
        or argent.ZERO


@ecrit("versement.saisir")
def verser(uow: UniteDeTravail, convention_id: int, exercice: int, nature: str, montant: Decimal,
           verse_le: dt.date | dt.datetime, mandat: str, engagement: str | None = None) -> int:
    """Enregistre un versement sur l'échéance ``nature`` de l'exercice (avance, acompte, solde…)."""
    c = _convention(uow, convention_id, verrou=True)
    if c.etat != EC.SIGNEE:
        raise DonneesInvalides(f"La convention {c.numero} est « {EC(c.etat).libelle} » : on ne verse que sur une "
                               "convention signée.")
    jour, moment = jour_et_moment(verse_le)
    if c.date_effet and jour < c.date_effet:
        raise DonneesInvalides(f"Le versement ({jour:%d/%m/%Y}) précède la date d'effet de la convention "
                               f"({c.date_effet:%d/%m/%Y}).")
    if montant is None or montant <= 0:
        raise DonneesInvalides("Le montant du versement doit être positif.")
    argent.en_centimes(montant)
    if not (mandat or "").strip():
        raise DonneesInvalides("Indiquez la référence du mandat de paiement.")
    ligne = _montant(uow, c, exercice)
    if not ligne.ferme:
        raise DonneesInvalides(f"L'exercice {exercice} de la CPO est sous réserve du vote du budget : confirmez-le "
                               "(budget voté) avant d'y verser.")
    echeances = [e for e in c.echeances if e.exercice == exercice and e.nature == nature]
    if not echeances:
        natures = ", ".join(sorted({dc.NATURES_ECHEANCE.get(e.nature, e.nature) for e in c.echeances
                                    if e.exercice == exercice})) or "aucune"
        raise DonneesInvalides(f"L'échéancier de l'exercice {exercice} n'a pas d'échéance « "
                               f"{dc.NATURES_ECHEANCE.get(nature, nature)} » (échéances : {natures}).")
    if any(e.apres_compte_rendu for e in echeances):
        cr = _cr(uow, c.id, exercice)
        if cr is None or cr.valide_le is None:
            etat = "n'est pas reçu" if cr is None or cr.recu_le is None else f"est reçu (le {cr.recu_le:%d/%m/%Y}) " \
                                                                               "mais pas encore validé"
            raise DonneesInvalides(f"Le solde de l'exercice {exercice} attend le compte rendu financier, qui {etat} "
                                   "(loi 2000-321, art. 10).")
    prevu = sum((e.montant for e in echeances), argent.ZERO)
    deja = _verse_par_nature(uow, c.id, exercice, nature)
    if deja + montant > prevu:
        raise DonneesInvalides(f"L'échéance « {dc.NATURES_ECHEANCE.get(nature, nature)} » {exercice} prévoit "
                               f"{argent.formater(prevu)}, dont {argent.formater(deja)} déjà versés : "
                               f"{argent.formater(montant)} dépasserait le montant décidé.")
    if ligne.verse + montant > ligne.montant:
        raise DonneesInvalides(f"L'exercice {exercice} est de {argent.formater(ligne.montant)}, dont "
                               f"{argent.formater(ligne.verse)} déjà versés nets : {argent.formater(montant)} "
                               "dépasserait le montant décidé.")
    ligne.verse = ligne.verse + montant
    versement = Versement(convention_id=c.id, exercice=exercice, financeur_code=c.financeur_code, nature=nature,
                          verse_le=jour, montant=montant, mandat=mandat.strip(),
                          engagement=(engagement or "").strip() or None, acteur=uow.acteur)
    uow.session.add(versement)
    uow.session.flush()
    historique.noter(uow, OBJET, "versement", dossier_id=c.dossier_id, changements=[
        (f"{c.numero} : {dc.NATURES_ECHEANCE.get(nature, nature).lower()} {exercice}", None,
         f"{argent.formater(montant)} le {jour:%d/%m/%Y}, mandat {mandat.strip()}")])
    dossier = uow.session.get(m.Dossier, c.dossier_id)
    if dossier.etat == Etat.CONVENTIONNE:
        from instruction.services import instruction as circuit

        circuit.changer_etat(uow, dossier.id, Etat.EN_COURS, f"Premier versement ({c.numero})", le=moment)
    if all(x.verse == x.montant for x in c.montants):
        _solder(uow, c, jour, moment, "Tout le montant de la convention est versé.")
    return versement.id


def _solder(uow: UniteDeTravail, c: Convention, jour: dt.date, moment, motif: str) -> None:
    ancien = EC(c.etat)
    c.etat, c.etat_le, c.motif_etat = EC.SOLDEE.value, jour, motif
    uow.session.flush()
    historique.noter(uow, OBJET, "passage", dossier_id=c.dossier_id,
                     changements=[(f"{c.numero} : état", ancien.libelle, EC.SOLDEE.libelle), ("Motif", None, motif)])
    suivre_le_dossier(uow, c.dossier_id, moment)


@ecrit("versement.saisir")
def solder(uow: UniteDeTravail, convention_id: int, motif: str, le: dt.date | dt.datetime | None = None) -> None:
    """Solde une convention dont tout n'a pas été versé (action sous-réalisée, solde réduit) : les comptes
    rendus de tous ses exercices doivent être validés, le motif est exigé ; le reste n'est plus dû."""
    c = _convention(uow, convention_id, verrou=True)
    if c.etat != EC.SIGNEE:
        raise DonneesInvalides(f"La convention est « {EC(c.etat).libelle} » : seule une convention signée se solde.")
    if not (motif or "").strip():
        raise DonneesInvalides("Indiquez pourquoi la convention est soldée sans tout verser.")
    manquants = [x.exercice for x in c.montants
                 if (cr := _cr(uow, c.id, x.exercice)) is None or cr.valide_le is None]
    if manquants:
        raise DonneesInvalides("Le compte rendu financier n'est pas validé pour : "
                               + ", ".join(str(e) for e in manquants) + ".")
    jour, moment = jour_et_moment(le)
    _solder(uow, c, jour, moment, motif.strip())


@ecrit("versement.saisir")
def reverser(uow: UniteDeTravail, convention_id: int, exercice: int, montant: Decimal, titre_recette: str,
             emis_le: dt.date, motif: str) -> int:
    """Un reversement demandé au porteur (action sous-réalisée ou annulée), par titre de recette."""
    c = _convention(uow, convention_id, verrou=True)
    if montant is None or montant <= 0:
        raise DonneesInvalides("Le montant du reversement doit être positif.")
    argent.en_centimes(montant)
    if not (titre_recette or "").strip():
        raise DonneesInvalides("Indiquez la référence du titre de recette.")
    if not (motif or "").strip():
        raise DonneesInvalides("Indiquez le motif du reversement.")
    jour, _moment = jour_et_moment(emis_le)
    if c.date_effet and jour < c.date_effet:
        raise DonneesInvalides(f"Le titre de recette ({jour:%d/%m/%Y}) précède la date d'effet de la convention "
                               f"({c.date_effet:%d/%m/%Y}).")
    ligne = _montant(uow, c, exercice)
    if montant > ligne.verse:
        raise DonneesInvalides(f"L'exercice {exercice} n'a reçu que {argent.formater(ligne.verse)} nets : on ne "
                               f"peut pas en reprendre {argent.formater(montant)}.")
    ligne.verse = ligne.verse - montant
    reversement = Reversement(convention_id=c.id, exercice=exercice, financeur_code=c.financeur_code,
                              titre_recette=titre_recette.strip(), emis_le=jour, montant=montant,
                              motif=motif.strip(), acteur=uow.acteur)
    uow.session.add(reversement)
    uow.session.flush()
    historique.noter(uow, OBJET, "reversement", dossier_id=c.dossier_id, changements=[
        (f"{c.numero} : reversement {exercice}", None,
         f"{argent.formater(montant)}, titre de recette {titre_recette.strip()} du {jour:%d/%m/%Y} — {motif.strip()}")])
    return reversement.id


# --- Lectures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EcheanceLue:
    id: int
    exercice: int
    nature: str
    libelle: str
    montant: Decimal
    verse: Decimal
    condition: str
    date_prevue: dt.date | None
    bloquee: str  # pourquoi on ne peut pas encore la payer ; vide sinon

    @property
    def reste(self) -> Decimal:
        return self.montant - self.verse


@dataclass(frozen=True)
class ExerciceLu:
    exercice: int
    montant: Decimal
    ferme: bool
    vote_le: dt.date | None
    verse: Decimal  # net
    verse_brut: Decimal
    reverse: Decimal
    compte_rendu_recu_le: dt.date | None
    compte_rendu_valide_le: dt.date | None
    compte_rendu_du_le: dt.date

    @property
    def reste(self) -> Decimal:
        return self.montant - self.verse


@dataclass(frozen=True)
class Mouvement:
    id: int
    genre: str  # versement | reversement
    exercice: int
    le: dt.date
    montant: Decimal
    reference: str  # mandat ou titre de recette
    detail: str  # nature et engagement, ou motif


@dataclass(frozen=True)
class SituationVersements:
    convention_id: int
    numero: str
    etat: str
    exercices: tuple[ExerciceLu, ...]
    echeances: tuple[EcheanceLue, ...]
    mouvements: tuple[Mouvement, ...]

    @property
    def decide(self) -> Decimal:
        return sum((e.montant for e in self.exercices), argent.ZERO)

    @property
    def verse(self) -> Decimal:
        return sum((e.verse for e in self.exercices), argent.ZERO)


def situation(uow: UniteDeTravail, convention_id: int) -> SituationVersements:
    from instruction.domaine.bilans import fin_de_l_exercice
    from instruction.services.lecture_conventions import exercices_depuis_texte

    c = _convention(uow, convention_id)
    premier = exercices_depuis_texte(c.exercices)[0]  # la fin d'exercice en vigueur (avenants compris)
    versements = list(uow.session.scalars(select(Versement).where(Versement.convention_id == c.id)
                                          .order_by(Versement.verse_le, Versement.id)))
    reversements = list(uow.session.scalars(select(Reversement).where(Reversement.convention_id == c.id)
                                            .order_by(Reversement.emis_le, Reversement.id)))
    crs = {x.exercice: x for x in uow.session.scalars(
        select(CompteRenduExercice).where(CompteRenduExercice.convention_id == c.id))}
    exercices = []
    for x in c.montants:
        cr = crs.get(x.exercice)
        brut = sum((v.montant for v in versements if v.exercice == x.exercice), argent.ZERO)
        repris = sum((r.montant for r in reversements if r.exercice == x.exercice), argent.ZERO)
        exercices.append(ExerciceLu(x.exercice, x.montant, x.ferme, x.vote_le, x.verse, brut, repris,
                                    cr.recu_le if cr else None, cr.valide_le if cr else None,
                                    dc.mois_plus(fin_de_l_exercice(c.fin_exercice, premier, x.exercice), 6)))
    fermes = {x.exercice: x.ferme for x in c.montants}
    echeances, deja = [], {}
    for e in c.echeances:  # un versement s'impute sur les échéances de même nature, dans l'ordre
        total = deja.setdefault((e.exercice, e.nature), sum(
            (v.montant for v in versements if v.exercice == e.exercice and v.nature == e.nature), argent.ZERO))
        impute = min(total, e.montant)
        deja[(e.exercice, e.nature)] = total - impute
        cr = crs.get(e.exercice)
        bloquee = ""
        if impute >= e.montant:
            bloquee = ""
        elif c.etat != EC.SIGNEE:
            bloquee = f"convention {EC(c.etat).libelle.lower()}"
        elif not fermes.get(e.exercice, True):
            bloquee = "budget de l'exercice pas encore voté"
        elif e.apres_compte_rendu and (cr is None or cr.valide_le is None):
            bloquee = "attend le compte rendu financier" + (" (reçu, à valider)" if cr and cr.recu_le else "")
        echeances.append(EcheanceLue(e.id, e.exercice, e.nature, dc.NATURES_ECHEANCE.get(e.nature, e.nature), e.montant,
                                     impute, e.condition or "", e.date_prevue, bloquee))
    mouvements = [Mouvement(v.id, "versement", v.exercice, v.verse_le, v.montant, v.mandat,
                            dc.NATURES_ECHEANCE.get(v.nature, v.nature) + (f", EJ {v.engagement}" if v.engagement else ""))
                  for v in versements]
    mouvements += [Mouvement(r.id, "reversement", r.exercice, r.emis_le, -r.montant, r.titre_recette, r.motif)
                   for r in reversements]
    mouvements.sort(key=lambda x: (x.le, x.genre, x.id))
    return SituationVersements(c.id, c.numero, c.etat, tuple(exercices), tuple(echeances), tuple(mouvements))


@dataclass(frozen=True)
class ResteAPayer:
    financeur_code: str
    financeur: str
    exercice: int
    conventions: int
    decide: Decimal
    verse: Decimal

    @property
    def reste(self) -> Decimal:
        return self.decide - self.verse


def restes_a_payer(uow: UniteDeTravail, annee: int | None = None, financeur: str | None = None) -> list[ResteAPayer]:
    """Ce qui reste à payer, par cofinanceur et par exercice, sur les conventions signées (une requête)."""
    M = ConventionMontant
    requete = (select(M.financeur_code, func.coalesce(m.Financeur.sigle, m.Financeur.libelle), M.exercice,
                      func.count(func.distinct(M.convention_id)), func.sum(M.montant), func.sum(M.verse))
               .join(Convention, Convention.id == M.convention_id).join(m.Financeur, m.Financeur.code == M.financeur_code)
               .where(Convention.etat == EC.SIGNEE)
               .group_by(M.financeur_code, m.Financeur.sigle, m.Financeur.libelle, M.exercice)
               .order_by(M.exercice, M.financeur_code))
    if annee is not None:
        requete = requete.where(M.exercice == annee)
    if financeur:
        requete = requete.where(M.financeur_code == financeur)
    return [ResteAPayer(code, libelle, exercice, n, argent.depuis_centimes(int(decide)) if not isinstance(decide, Decimal)
                        else decide, argent.depuis_centimes(int(verse)) if not isinstance(verse, Decimal) else verse)
            for code, libelle, exercice, n, decide, verse in uow.session.execute(requete)]


def exporter_restes(uow: UniteDeTravail, chemin: Path, annee: int | None = None) -> Path:
    """Le classeur des restes à payer par cofinanceur et exercice (montants en nombres, format euros)."""
    from openpyxl import Workbook

    from instruction.rapports import tableur

    fichier = tableur.avec_extension(Path(chemin))
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = tableur.titre_de_feuille("Restes à payer")
    tableur.ajouter(feuille, ["Cofinanceur", "Exercice", "Conventions signées", "Décidé", "Versé net",
                              "Reste à payer"])
    tableur.styler_entete(feuille[1])
    for x in restes_a_payer(uow, annee):
        rang = tableur.ajouter(feuille, [x.financeur, x.exercice, x.conventions, x.decide, x.verse, x.reste])
        for colonne in (4, 5, 6):
            feuille.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
    for lettre, largeur in zip("ABCDEF", (34, 10, 20, 16, 16, 16), strict=True):
        feuille.column_dimensions[lettre].width = largeur
    feuille.freeze_panes = "A2"
    return tableur.enregistrer(classeur, fichier)
