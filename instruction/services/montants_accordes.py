"""Les montants accordés par le comité des financeurs : lus, pré-remplis, écrits selon les règles de la programmation.

Ils restent à un seul endroit (``montant_accorde``, versionné par ``dossier.version_montants``) : la décision
d'un dossier (``services.instruction.changer_etat`` : « retenu », ou l'instruction reprise qui les retire), la
correction d'un dossier retenu (``modifier_montants_accordes``) passent par ``_ecrire_montants`` et donc par les
mêmes règles (``domaine.programmation`` : pas au-delà de la demande sans justification, financements publics
dans le coût de l'action, enveloppe jamais dépassée ; un refus ou un ajournement est à 0 €).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, update

from instruction.domaine import argent, dates
from instruction.domaine import programmation as prog
from instruction.db import modeles as m
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services import dossier as service_dossier
from instruction.services import enveloppes
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

# Les états où la décision du comité existe et où ses montants se corrigent encore.
# Après la convention, ils ne changent plus que par un avenant (``instruction.gel``).
MONTANTS_MODIFIABLES = (Etat.RETENU,)
DECIDES = (Etat.RETENU, Etat.CONVENTIONNE, Etat.EN_COURS, Etat.SOLDE)


@dataclass(frozen=True)
class Financement:
    financeur: str
    libelle: str
    demande: Decimal
    accorde: Decimal | None


def _dossier(uow: UniteDeTravail, dossier_id: int) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    return dossier


def _demandes(uow: UniteDeTravail, dossier_id: int,
              fiche: service_dossier.FicheDossier | None = None) -> dict[str, Decimal]:
    from instruction.domaine import budget

    fiche = fiche or service_dossier.lire(uow, dossier_id)
    return budget.subventions_par_financeur(fiche.donnees.lignes_budget())


def financements(uow: UniteDeTravail, dossier_id: int,
                 fiche: service_dossier.FicheDossier | None = None) -> list[Financement]:
    """Pour chaque financeur sollicité (ou qui accorde) : demandé et accordé."""
    demandes = _demandes(uow, dossier_id, fiche)
    libelles, accordes = {}, {}
    for code, libelle, accorde in uow.session.execute(  # une requête : libellés et montants accordés
        select(m.Financeur.code, m.Financeur.libelle, m.MontantAccorde.montant)
        .outerjoin(m.MontantAccorde, (m.MontantAccorde.financeur_code == m.Financeur.code)
                   & (m.MontantAccorde.dossier_id == dossier_id))
    ):
        libelles[code] = libelle
        if accorde is not None:
            accordes[code] = accorde
    codes = list(demandes) + sorted(c for c in accordes if c not in demandes)
    return [Financement(c, libelles.get(c, c), demandes.get(c, Decimal("0.00")), accordes.get(c)) for c in codes]


def budget_ajuste_attendu(financements: list[Financement]) -> bool:
    """Un financeur accorde moins qu'il ne lui était demandé : le budget de l'action doit être ajusté."""
    return any(f.accorde is not None and f.accorde < f.demande for f in financements)


def montants_pre_remplis(uow: UniteDeTravail, dossier_id: int) -> dict[str, tuple[Decimal, str]]:
    """Pour chaque financeur sollicité : le montant à proposer et d'où il vient (« avis » : le dernier avis
    qui en propose un ; « demande » : le montant demandé au budget)."""
    resultat = {code: (montant, "demande") for code, montant in _demandes(uow, dossier_id).items()}
    for code, montant in uow.session.execute(
        select(m.AvisMontant.financeur_code, m.AvisMontant.montant)
        .join(m.Avis, m.Avis.id == m.AvisMontant.avis_id)
        .join(m.DemandeAvis, m.DemandeAvis.id == m.Avis.demande_id)
        .where(m.DemandeAvis.dossier_id == dossier_id)
        .order_by(m.Avis.donne_le, m.Avis.id)  # le plus récent l'emporte
    ):
        resultat[code] = (montant, "avis")
    return resultat


def _libelles_financeurs(uow: UniteDeTravail) -> dict[str, str]:
    return {code: sigle or libelle for code, sigle, libelle in
            uow.session.execute(select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle))}


def _demandes_au_budget(uow: UniteDeTravail, dossier_id: int) -> dict[str, Decimal]:
    """Ce que le budget du dossier demande à chaque cofinanceur (compte 74), en une requête."""
    return {code: Decimal(v) for code, v in uow.session.execute(
        select(m.LigneBudget.financeur_code, func.sum(m.LigneBudget.montant))
        .where(m.LigneBudget.dossier_id == dossier_id, m.LigneBudget.sens == "produit",
               m.LigneBudget.compte == "74", m.LigneBudget.financeur_code.is_not(None))
        .group_by(m.LigneBudget.financeur_code))}


def _ecrire_montants(uow: UniteDeTravail, dossier: m.Dossier, montants: Mapping[str, Decimal],
                     version: int | None = None, *, justification: str | None = None) -> None:
    """Remplace les montants accordés. ``version`` : celle des montants quand l'écran les a lus ; si un
    autre poste les a changés depuis, ``Conflit`` dit qui a changé quoi et rien n'est écrit.

    Les règles de la programmation (``domaine.programmation``) s'appliquent à toute décision : un montant ne
    dépasse pas la demande à son cofinanceur sans ``justification``, les financements publics ne dépassent pas
    le coût de l'action, et une hausse qui ferait dépasser l'enveloppe d'un cofinanceur est refusée, chiffres
    à l'appui (``services.enveloppes``). Retirer les montants (``{}``, instruction reprise) passe toujours."""
    connus = dict(uow.session.execute(select(m.Financeur.code, m.Financeur.libelle)).all())
    erreurs = []
    propres: dict[str, Decimal] = {}
    for code, montant in montants.items():
        if code not in connus:
            erreurs.append(f"Financeur inconnu : {code}.")
        elif montant is None or montant < 0:
            erreurs.append(f"{code} : un montant accordé est positif ou nul.")
        elif montant != montant.quantize(Decimal("0.01")):
            erreurs.append(f"{code} : {argent.formater(montant)} a plus de deux décimales.")
        else:
            propres[code] = montant.quantize(Decimal("0.01"))
    justification = (justification or "").strip() or None
    demandes: dict[str, Decimal] = {}
    if not erreurs and propres:
        natures = dict(uow.session.execute(select(m.Financeur.code, m.Financeur.nature)).all())
        demandes = _demandes_au_budget(uow, dossier.id)
        erreurs = prog.erreurs_de_decision(
            prog.RETENU, propres, demandes, dossier.cout_total, _libelles_financeurs(uow),
            justification=justification, publics={c for c in propres if natures.get(c) not in prog.NATURES_NON_PUBLIQUES})
    if erreurs:
        raise DonneesInvalides("Montants accordés refusés :\n- " + "\n- ".join(erreurs))
    # La ligne du dossier est verrouillée jusqu'à la validation (FOR NO KEY UPDATE : les lignes qui le
    # citent restent libres) : un second poste attend ici, puis lit la version écrite par le premier.
    actuelle = uow.session.scalar(select(m.Dossier.version_montants).where(m.Dossier.id == dossier.id)
                                  .with_for_update(key_share=True))
    anciens = {ligne.financeur_code: ligne for ligne in uow.session.scalars(
        select(m.MontantAccorde).where(m.MontantAccorde.dossier_id == dossier.id))}
    changements = [
        (f"Accordé : {connus.get(code, code)}",
         argent.formater(anciens[code].montant if code in anciens else None, vide="") or None,
         argent.formater(propres.get(code), vide="") or None)
        for code in sorted(set(anciens) | set(propres))
        if (anciens[code].montant if code in anciens else None) != propres.get(code)
    ]
    if not changements:  # ce qui est en base est déjà ce qu'on veut : rien à écrire, rien à écraser
        return
    if version is not None and actuelle != version:
        depuis = _montants_changes_depuis(uow, dossier.id, version)
        if depuis:
            auteurs = ", ".join(sorted({c.acteur for c in depuis}))
            raise Conflit(
                f"Les montants accordés du dossier {dossier.numero} ont été modifiés par {auteurs} le "
                f"{dates.formater_horodatage(depuis[0].le)} pendant que vous les corrigiez. Votre "
                "enregistrement est refusé pour ne pas écraser ses montants ; rouvrez la fenêtre des montants "
                "pour les voir, puis corrigez-les à nouveau.", depuis, actuelle)
    enveloppes.exiger_dans_enveloppes(uow, {dossier.id: propres})
    if justification and any(v > demandes.get(c, Decimal("0.00")) for c, v in propres.items()):
        changements.append(("Justification du dépassement de la demande", None, justification))
    for ligne in anciens.values():
        uow.session.delete(ligne)
    uow.session.flush()
    uow.session.execute(update(m.Dossier.__table__).where(m.Dossier.id == dossier.id)
                        .values(version_montants=actuelle + 1))
    uow.session.expire(dossier, ["version_montants"])
    modifs.noter(uow, "montants accordés", "saisie", dossier_id=dossier.id, version=actuelle + 1,
                 changements=changements)
    for code, montant in propres.items():
        uow.session.add(m.MontantAccorde(dossier_id=dossier.id, financeur_code=code, montant=montant))
    uow.session.flush()


def _montants_changes_depuis(uow: UniteDeTravail, dossier_id: int, version: int) -> list[modifs.Entree]:
    """Les montants accordés changés depuis ``version``, du plus ancien au plus récent."""
    return [e for e in reversed(modifs.du_dossier(uow, dossier_id, apres_version=version))
            if e.objet == "montants accordés"]


@ecrit("dossier.montants_accordes")
def modifier_montants_accordes(uow: UniteDeTravail, dossier_id: int, montants: Mapping[str, Decimal], *,
                               version: int | None = None, justification: str | None = None) -> None:
    """Corrige les montants accordés d'un dossier retenu (avant son solde).

    ``version`` : ``EtatInstruction.version_montants`` lu par l'écran ; sans elle, pas de contrôle.
    ``justification`` : pourquoi un montant dépasse la demande (voir ``_ecrire_montants``)."""
    dossier = _dossier(uow, dossier_id)
    if dossier.etat not in MONTANTS_MODIFIABLES:
        from instruction.domaine import gel

        raise DonneesInvalides(f"Le dossier est « {Etat(dossier.etat).libelle} » : les montants accordés se "
                               "saisissent quand il est retenu et se corrigent jusqu'à la convention"
                               + (f" ; {gel.AVENANT}." if dossier.etat in (Etat.CONVENTIONNE, Etat.EN_COURS) else "."))
    _ecrire_montants(uow, dossier, montants, version, justification=justification)


def _exiger_montants_nuls(uow: UniteDeTravail, decision: str, montants: Mapping[str, Decimal] | None) -> None:
    """Un refus ou un ajournement du comité est à 0 € : un montant positif est refusé, chiffres à l'appui."""
    if montants and any(v and v > 0 for v in montants.values()):
        raise DonneesInvalides("Montants accordés refusés :\n- " + "\n- ".join(prog.erreurs_de_decision(
            str(decision), montants, {}, None, _libelles_financeurs(uow))))
