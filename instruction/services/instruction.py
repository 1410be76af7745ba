"""L'instruction d'un dossier : passages d'état, compléments, examen d'éligibilité, réglages.

Chaque fonction travaille dans l'unité de travail reçue ; l'appelant valide. Tout passage
d'état est gardé (qui, quand, pourquoi) ; les conditions qui dépendent des données sont
vérifiées ici :

* « recevable » exige que tous les points de recevabilité soient respectés et que les
  compléments demandés soient arrivés ;
* « incomplet » enregistre la demande de compléments (le motif est ce qui est demandé) ;
* « instruit » exige un examen d'éligibilité enregistré et tranché (aucun critère « à vérifier ») et la
  grille égalité cotée ; il enregistre la proposition de l'instructeur au comité (``Proposition``) ;
* « retenu » enregistre les montants accordés (par défaut, ceux proposés, sinon ceux demandés) ;
* « Reprendre l'instruction… » depuis « retenu » (avant la convention) retire la décision : ses montants
  accordés partent (l'historique les garde), le comité décidera de nouveau.

Chaque passage a sa **date métier** (``le``, un jour) : celle où il a eu lieu, qui peut précéder sa saisie
(``workflow.verifier_date`` : ni dans le futur, ni avant le dépôt, ni avant le passage précédent) ; la
décision du comité prend la date de sa séance. Elle est gardée dans ``transition.date_effet`` ;
``transition.le`` et l'historique gardent le moment de la saisie. On a préféré une colonne à part plutôt
que de réécrire ``transition.le`` : une date métier est un jour, sans heure ; l'y mettre aurait inventé
une heure et mêlé deux faits différents (quand c'est arrivé, quand on l'a tapé). ``dossier.etat_depuis``
(trié par la liste et Mes tâches) reçoit le moment du passage : l'heure de la saisie si le passage est du
jour, midi (heure de Paris) du jour métier sinon — le jour est le même en UTC et à Paris, et la liste,
Mes tâches et l'en-tête comptent les jours depuis la date métier.

Les refus prévus (dossier pas recevable, examen manquant, grille non cotée) lèvent
``workflow.PassageRefuse`` : chaque point dit quoi corriger et dans quelle section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from instruction.domaine import eligibilite as el
from instruction.domaine import argent, dates, recevabilite, workflow
from instruction.domaine import programmation as prog
from instruction.db import modeles as m
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.domaine.reglages import lire_seuil
from instruction.services import dossier as service_dossier
from instruction.services import enveloppes
from instruction.services import historique as modifs
from instruction.services import reglages as table_des_reglages
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

PREFIXE_REGLAGE = "critere."
# Les dossiers qui ne comptent plus dans les demandes d'une campagne.
CLOS_SANS_FINANCEMENT = (Etat.REFUSE, Etat.SANS_SUITE)
# L'examen d'éligibilité se fait (et se refait) jusqu'à la fin de l'instruction.
EXAMEN_POSSIBLE = (Etat.DEPOSE, Etat.INCOMPLET, Etat.RECEVABLE, Etat.EN_INSTRUCTION)


@dataclass(frozen=True)
class PassageFait:
    de: str | None
    vers: str
    acteur: str
    le: dt.datetime  # le moment de la saisie (UTC)
    motif: str | None
    date: dt.date | None = None  # la date métier du passage (le jour où il a eu lieu)


SENS_PROPOSITION = {"favorable": "Favorable", "reserve": "Réservé", "defavorable": "Défavorable"}


@dataclass(frozen=True)
class PropositionLue:
    """La proposition de l'instructeur au comité (la dernière faite)."""

    sens: str
    commentaire: str | None
    date: dt.date
    acteur: str
    montants: dict[str, Decimal]

    @property
    def libelle(self) -> str:
        return SENS_PROPOSITION.get(self.sens, self.sens)

    @property
    def total(self) -> Decimal:
        return sum(self.montants.values(), Decimal("0.00"))


@dataclass(frozen=True)
class DecisionLue:
    """La décision du comité des financeurs : retenu, ajourné ou refusé, à la date de sa séance."""

    etat: str
    date: dt.date
    motif: str | None
    acteur: str

    @property
    def libelle(self) -> str:
        return Etat(self.etat).libelle


@dataclass(frozen=True)
class Complement:
    id: int
    objet: str
    demandee_le: dt.date
    echeance: dt.date | None
    recue_le: dt.date | None
    commentaire: str | None
    acteur: str

    @property
    def attendu(self) -> bool:
        return self.recue_le is None


@dataclass(frozen=True)
class CritereExamine:
    critere: str
    libelle: str
    source: str
    statut_auto: str
    explication: str
    statut: str
    commentaire: str | None

    @property
    def change(self) -> bool:
        return self.statut != self.statut_auto


@dataclass(frozen=True)
class ExamenLu:
    id: int
    le: dt.datetime
    acteur: str
    verdict: str
    commentaire: str | None
    criteres: tuple[CritereExamine, ...]


@dataclass
class EtatInstruction:
    """Ce que la section « Instruction » d'un dossier affiche."""

    dossier_id: int
    etat: str
    etat_depuis: dt.datetime
    complet_le: dt.datetime | None
    passages: tuple[workflow.Passage, ...]
    historique: list[PassageFait]
    complements: list[Complement]
    recevabilite: list[recevabilite.Point]
    examen: ExamenLu | None
    financements: list[Financement] = field(default_factory=list)
    version_montants: int = 0  # à rendre à modifier_montants_accordes(version=…)
    depose_le: dt.date | None = None
    proposition: PropositionLue | None = None
    decision: DecisionLue | None = None

    @property
    def date_depuis(self) -> dt.date:
        """La date métier de l'état actuel (celle de son dernier passage)."""
        dernier = self.historique[-1] if self.historique else None
        if dernier is not None and dernier.date is not None:
            return dernier.date
        return _jour_a_paris(self.etat_depuis)

    @property
    def budget_ajuste_attendu(self) -> bool:
        """Le comité a accordé moins que demandé : le porteur doit envoyer un budget ajusté."""
        return budget_ajuste_attendu(self.financements) if self.etat in DECIDES else False

    @property
    def recevable(self) -> bool:
        return all(p.respecte for p in self.recevabilite)

    @property
    def complements_attendus(self) -> list[Complement]:
        return [c for c in self.complements if c.attendu]


# --- Lecture ----------------------------------------------------------------------------------------


def _dossier(uow: UniteDeTravail, dossier_id: int) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    return dossier


def points_de_recevabilite(uow: UniteDeTravail, dossier_id: int,
                           fiche: service_dossier.FicheDossier | None = None) -> list[recevabilite.Point]:
    fiche = fiche or service_dossier.lire(uow, dossier_id)
    dossier = _dossier(uow, dossier_id)
    porteur = fiche.porteur_recevabilite or service_dossier.porteur_pour_recevabilite(uow, dossier)
    return recevabilite.points(fiche.donnees, porteur, fiche.dispositif,
                               [p.type for p in fiche.pieces])


def _jour_a_paris(moment: dt.datetime) -> dt.date:
    from zoneinfo import ZoneInfo

    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(dates.FUSEAU)).date()


def _aujourd_hui_a_paris() -> dt.date:
    """Aujourd'hui à Paris (le poste peut être réglé sur un autre fuseau : on garde le plus tardif)."""
    return max(aujourd_hui(), _jour_a_paris(maintenant()))


def _moment_du_jour(jour: dt.date, saisie: dt.datetime) -> dt.datetime:
    """Le moment (UTC) qui représente un passage daté de ``jour`` : maintenant si c'est aujourd'hui, sinon
    midi à Paris ce jour-là (le même jour en UTC : ni l'en-tête ni la liste ne changent de jour)."""
    if jour >= _jour_a_paris(saisie):
        return saisie
    return dates.utc_depuis_paris(dt.datetime.combine(jour, dt.time(12, 0)))


def historique(uow: UniteDeTravail, dossier_id: int) -> list[PassageFait]:
    """Les passages du dossier dans l'ordre où ils ont eu lieu (date métier, puis saisie)."""
    return [
        PassageFait(t.de, t.vers, t.acteur, t.le, t.motif, t.date_effet)
        for t in uow.session.scalars(
            select(m.Transition).where(m.Transition.dossier_id == dossier_id)
            .order_by(m.Transition.date_effet, m.Transition.le, m.Transition.id)
        )
    ]


def lire_proposition(uow: UniteDeTravail, dossier_id: int) -> PropositionLue | None:
    """La dernière proposition de l'instructeur, ou None (instruction pas terminée, ou terminée avant qu'on
    les enregistre)."""
    from sqlalchemy.orm import selectinload

    from instruction.db.modeles.instruction import Proposition

    ligne = uow.session.scalars(
        select(Proposition).where(Proposition.dossier_id == dossier_id)
        .order_by(Proposition.le.desc(), Proposition.id.desc()).limit(1)
        .options(selectinload(Proposition.montants))
    ).first()
    if ligne is None:
        return None
    return PropositionLue(ligne.sens, ligne.commentaire, ligne.date_effet, ligne.acteur,
                          {mp.financeur_code: mp.montant for mp in ligne.montants})


def decision(passages: list[PassageFait], etat: str) -> DecisionLue | None:
    """La décision du comité qui vaut encore : le dernier passage à retenu, ajourné ou refusé, si l'instruction
    n'a pas été reprise depuis."""
    for passage in reversed(passages):
        if passage.vers in workflow.DECISIONS_DU_COMITE:
            return DecisionLue(passage.vers, passage.date or _jour_a_paris(passage.le), passage.motif,
                               passage.acteur)
        if passage.vers == Etat.EN_INSTRUCTION or Etat(passage.vers) in (Etat.DEPOSE, Etat.INCOMPLET):
            return None
    return None


def budget_ajuste_attendu(financements: list[Financement]) -> bool:
    """Un financeur accorde moins qu'il ne lui était demandé : le budget de l'action doit être ajusté."""
    return any(f.accorde is not None and f.accorde < f.demande for f in financements)


def complements(uow: UniteDeTravail, dossier_id: int) -> list[Complement]:
    return [
        Complement(c.id, c.objet, c.demandee_le, c.echeance, c.recue_le, c.commentaire, c.acteur)
        for c in uow.session.scalars(
            select(m.DemandeComplements).where(m.DemandeComplements.dossier_id == dossier_id)
            .order_by(m.DemandeComplements.demandee_le, m.DemandeComplements.id)
        )
    ]


def dernier_examen(uow: UniteDeTravail, dossier_id: int) -> ExamenLu | None:
    from sqlalchemy.orm import selectinload

    examen = uow.session.scalars(
        select(m.Examen).where(m.Examen.dossier_id == dossier_id).order_by(m.Examen.le.desc(), m.Examen.id.desc())
        .limit(1).options(selectinload(m.Examen.criteres))
    ).first()
    if examen is None:
        return None
    return ExamenLu(
        examen.id, examen.le, examen.acteur, examen.verdict, examen.commentaire,
        tuple(CritereExamine(c.critere, c.libelle, c.source, c.statut_auto, c.explication, c.statut, c.commentaire)
              for c in examen.criteres),
    )


def lire(uow: UniteDeTravail, dossier_id: int) -> EtatInstruction:
    fiche = service_dossier.lire(uow, dossier_id)  # lue une fois pour la recevabilité et les financements
    dossier = _dossier(uow, dossier_id)
    passages = historique(uow, dossier_id)
    return EtatInstruction(
        dossier_id=dossier_id,
        etat=dossier.etat,
        etat_depuis=dossier.etat_depuis,
        complet_le=dossier.complet_le,
        passages=workflow.passages(dossier.etat),
        historique=passages,
        complements=complements(uow, dossier_id),
        recevabilite=points_de_recevabilite(uow, dossier_id, fiche),
        examen=dernier_examen(uow, dossier_id),
        financements=financements(uow, dossier_id, fiche),
        version_montants=dossier.version_montants,
        depose_le=dossier.depose_le,
        proposition=lire_proposition(uow, dossier_id),
        decision=decision(passages, dossier.etat),
    )


# --- Passages d'état ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropositionSaisie:
    """Ce que l'instructeur propose au comité en terminant l'instruction."""

    sens: str  # favorable, reserve, defavorable
    montants: Mapping[str, Decimal]  # financeur → montant proposé
    commentaire: str | None = None


@ecrit("dossier.circuit")
def changer_etat(
    uow: UniteDeTravail,
    dossier_id: int,
    vers: str,
    motif: str | None = None,
    *,
    echeance: dt.date | None = None,
    montants: Mapping[str, Decimal] | None = None,
    le: dt.date | None = None,
    proposition: PropositionSaisie | None = None,
    justification: str | None = None,
) -> PassageFait:
    """Fait passer le dossier à l'état ``vers`` ; refuse, en disant pourquoi, un passage interdit.

    ``le`` : la date métier du passage (par défaut, aujourd'hui) ; pour une décision du comité, la date de
    sa séance. Un ``datetime`` est accepté aussi (son jour à Paris fait la date, lui le moment).
    ``justification`` : pourquoi un montant accordé dépasse ce qui était demandé à son cofinanceur (sans
    elle, un tel montant est refusé ; ``domaine.programmation``). Un refus ou un ajournement est à 0 €.
    « Instruit » enregistre la ``proposition`` (sans elle : favorable, aux montants pré-remplis — avis,
    sinon demande — et le motif pour commentaire ; l'écran la demande toujours). « Retenu » enregistre les
    montants accordés par financeur (``montants`` ; par défaut, ceux proposés, sinon ceux demandés).
    """
    dossier = _dossier(uow, dossier_id)
    motif = (motif or "").strip() or None
    workflow.verifier(dossier.etat, vers, motif)
    cible = Etat(vers)
    if cible == Etat.INCOMPLET and not motif:
        raise DonneesInvalides("Indiquez les compléments demandés au porteur.")
    saisie = maintenant()
    if isinstance(le, dt.datetime):  # un moment donné (import, démonstration) : il fait aussi la saisie
        jour, moment, saisie = _jour_a_paris(le), le, le
    else:
        jour = le or _jour_a_paris(saisie)
        moment = _moment_du_jour(jour, saisie)
    precedent = uow.session.execute(
        select(m.Transition.vers, m.Transition.date_effet).where(m.Transition.dossier_id == dossier_id)
        .order_by(m.Transition.date_effet.desc(), m.Transition.le.desc(), m.Transition.id.desc()).limit(1)
    ).first()
    workflow.verifier_date(cible, jour, aujourd_hui=_aujourd_hui_a_paris(),
                           depose_le=dossier.depose_le, precedent=tuple(precedent) if precedent else None)
    if cible == Etat.RECEVABLE:
        _exiger_recevable(uow, dossier_id)
        dossier.complet_le = moment
    elif cible == Etat.INCOMPLET:
        _ajouter_demande(uow, dossier_id, motif, echeance, jour)
        dossier.complet_le = None
    elif cible == Etat.INSTRUIT:
        _exiger_examen_et_grilles(uow, dossier_id)
        _ecrire_proposition(uow, dossier_id, proposition or PropositionSaisie(
            "favorable", {c: v for c, (v, _o) in montants_pre_remplis(uow, dossier_id).items()}, motif), jour)
    elif cible == Etat.RETENU:
        if montants is None:
            proposee = lire_proposition(uow, dossier_id)
            montants = proposee.montants if proposee is not None else _demandes(uow, dossier_id)
        _ecrire_montants(uow, dossier, montants, justification=justification)
    elif cible in (Etat.REFUSE, Etat.AJOURNE) and montants and any(v and v > 0 for v in montants.values()):
        raise DonneesInvalides("Montants accordés refusés :\n- " + "\n- ".join(prog.erreurs_de_decision(
            str(cible), montants, {}, None, _libelles_financeurs(uow))))
    elif cible == Etat.EN_INSTRUCTION and dossier.etat == Etat.RETENU:
        _ecrire_montants(uow, dossier, {})  # la décision est reprise : le comité décidera de nouveau
    passage = m.Transition(dossier_id=dossier_id, de=dossier.etat, vers=str(cible), acteur=uow.acteur,
                           le=saisie, motif=motif, date_effet=jour)
    uow.session.add(passage)
    dossier.etat, dossier.etat_depuis = str(cible), moment
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflit("Le dossier vient d'être modifié par un autre poste : rechargez-le avant de changer son "
                      "état.") from None
    changements = [("État", Etat(passage.de).libelle, cible.libelle)]
    if jour != _jour_a_paris(passage.le):
        changements.append(("Date du passage", None, dates.formater(jour)))
    if motif:
        changements.append(("Motif", None, motif))
    modifs.noter(uow, "dossier", "passage", dossier_id=dossier_id, version=dossier.version, changements=changements)
    return PassageFait(passage.de, passage.vers, uow.acteur, passage.le, motif, jour)


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


def _ecrire_proposition(uow: UniteDeTravail, dossier_id: int, saisie: PropositionSaisie, jour: dt.date) -> None:
    from instruction.db.modeles.instruction import MontantPropose, Proposition

    erreurs = []
    if saisie.sens not in SENS_PROPOSITION:
        erreurs.append("Choisissez le sens de la proposition : favorable, réservée ou défavorable.")
    connus = dict(uow.session.execute(select(m.Financeur.code, m.Financeur.libelle)).all())
    propres: dict[str, Decimal] = {}
    for code, montant in saisie.montants.items():
        if code not in connus:
            erreurs.append(f"Financeur inconnu : {code}.")
        elif montant is None or montant < 0:
            erreurs.append(f"{connus[code]} : un montant proposé est positif ou nul.")
        elif montant != montant.quantize(Decimal("0.01")):
            erreurs.append(f"{connus[code]} : {argent.formater(montant)} a plus de deux décimales.")
        else:
            propres[code] = montant.quantize(Decimal("0.01"))
    commentaire = (saisie.commentaire or "").strip() or None
    if saisie.sens in ("reserve", "defavorable") and not commentaire:
        erreurs.append("Une proposition réservée ou défavorable dit pourquoi : écrivez le commentaire.")
    if erreurs:
        raise DonneesInvalides("Proposition refusée :\n- " + "\n- ".join(erreurs))
    ligne = Proposition(dossier_id=dossier_id, sens=saisie.sens, commentaire=commentaire, date_effet=jour,
                        le=maintenant(), acteur=uow.acteur,
                        montants=[MontantPropose(financeur_code=c, montant=v) for c, v in sorted(propres.items())])
    uow.session.add(ligne)
    uow.session.flush()
    modifs.noter(uow, "proposition", "enregistrement", dossier_id=dossier_id, changements=[
        ("Proposition au comité", None, SENS_PROPOSITION[saisie.sens]),
        *[(f"Proposé : {connus[c]}", None, argent.formater(v)) for c, v in sorted(propres.items())],
        *([("Commentaire", None, commentaire)] if commentaire else []),
    ])


def _exiger_recevable(uow: UniteDeTravail, dossier_id: int) -> None:
    a_corriger = [workflow.ACorriger(p.detail, p.section or "instruction", p.champ,
                                     _BOUTONS.get(p.section or "instruction", "Voir"))
                  for p in points_de_recevabilite(uow, dossier_id) if not p.respecte]
    a_corriger += [workflow.ACorriger(f"Les compléments demandés le {c.demandee_le:%d/%m/%Y} ne sont pas encore "
                                      f"reçus : {c.objet} (notez leur réception, section Instruction).",
                                      "complements", "", "Voir les compléments")
                   for c in complements(uow, dossier_id) if c.attendu]
    if a_corriger:
        raise workflow.PassageRefuse("Le dossier ne peut pas encore être déclaré recevable :", a_corriger)


# Le libellé du bouton qui mène à la section où corriger.
_BOUTONS = {"budget": "Aller au budget", "pieces": "Aller aux pièces", "action": "Aller à l'action",
            "publics": "Aller aux publics", "calendrier": "Aller au calendrier", "porteur": "Ouvrir le porteur",
            "instruction": "Voir", "grilles": "Aller aux grilles", "eligibilite": "Ouvrir l'assistant"}


def _exiger_examen_et_grilles(uow: UniteDeTravail, dossier_id: int) -> None:
    """« Instruit » exige un examen tranché et la grille égalité cotée : tout ce qui manque, dit en une fois."""
    a_corriger: list[workflow.ACorriger] = []
    examen = dernier_examen(uow, dossier_id)
    if examen is None:
        a_corriger.append(workflow.ACorriger("l'examen d'éligibilité n'est pas enregistré : faites-le avec "
                                             "l'assistant d'éligibilité.", "eligibilite", "",
                                             _BOUTONS["eligibilite"]))
    elif examen.verdict == el.A_COMPLETER:
        natures = el.natures()  # une obligation « à vérifier » n'empêche pas de terminer
        restants = [c.libelle for c in examen.criteres
                    if c.statut == el.A_VERIFIER and natures.get(c.critere) != el.OBLIGATION]
        if restants:
            a_corriger.append(workflow.ACorriger(
                "des critères d'éligibilité restent à vérifier : " + " ; ".join(restants) + ".", "eligibilite",
                "", _BOUTONS["eligibilite"]))
    a_corriger += workflow.grilles_non_cotees(dict(uow.session.execute(  # la grille égalité est exigée (l. 2647)
        select(m.Cotation.grille, m.Cotation.cotation).where(m.Cotation.dossier_id == dossier_id)).all()))
    if a_corriger:
        raise workflow.PassageRefuse("L'instruction ne peut pas encore être terminée :", a_corriger)


# --- Montants accordés par le comité des financeurs ---------------------------------------------------

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
    ``justification`` : pourquoi un montant dépasse la demande (voir ``changer_etat``)."""
    dossier = _dossier(uow, dossier_id)
    if dossier.etat not in MONTANTS_MODIFIABLES:
        from instruction.domaine import gel

        raise DonneesInvalides(f"Le dossier est « {Etat(dossier.etat).libelle} » : les montants accordés se "
                               "saisissent quand il est retenu et se corrigent jusqu'à la convention"
                               + (f" ; {gel.AVENANT}." if dossier.etat in (Etat.CONVENTIONNE, Etat.EN_COURS) else "."))
    _ecrire_montants(uow, dossier, montants, version, justification=justification)


# --- Compléments --------------------------------------------------------------------------------------


def _ajouter_demande(uow: UniteDeTravail, dossier_id: int, objet: str, echeance: dt.date | None,
                     le: dt.date) -> m.DemandeComplements:
    if echeance is not None and echeance < le:
        raise DonneesInvalides(f"L'échéance ({echeance:%d/%m/%Y}) précède la demande ({le:%d/%m/%Y}).")
    demande = m.DemandeComplements(dossier_id=dossier_id, objet=objet, demandee_le=le, echeance=echeance,
                                   acteur=uow.acteur)
    uow.session.add(demande)
    uow.session.flush()
    return demande


@ecrit("dossier.complements")
def demander_complements(uow: UniteDeTravail, dossier_id: int, objet: str,
                         echeance: dt.date | None = None) -> int:
    """Enregistre une demande de compléments ; le dossier passe « incomplet » s'il ne l'est pas déjà."""
    dossier = _dossier(uow, dossier_id)
    objet = (objet or "").strip()
    if not objet:
        raise DonneesInvalides("Indiquez les compléments demandés au porteur.")
    if dossier.etat == Etat.INCOMPLET:
        demande = _ajouter_demande(uow, dossier_id, objet, echeance, aujourd_hui())
        modifs.noter(uow, "compléments", "demande", dossier_id=dossier_id, changements=[("Compléments demandés",
                                                                                       None, objet)])
        return demande.id
    changer_etat(uow, dossier_id, Etat.INCOMPLET, objet, echeance=echeance)
    return uow.session.scalars(
        select(func.max(m.DemandeComplements.id)).where(m.DemandeComplements.dossier_id == dossier_id)
    ).one()


@ecrit("dossier.complements")
def marquer_recus(uow: UniteDeTravail, demande_id: int, recue_le: dt.date, commentaire: str | None = None) -> None:
    demande = uow.session.get(m.DemandeComplements, demande_id)
    if demande is None:
        raise DonneesInvalides("Cette demande de compléments n'existe plus.")
    if recue_le < demande.demandee_le:
        raise DonneesInvalides(f"Les compléments ne peuvent pas être reçus le {recue_le:%d/%m/%Y}, avant d'avoir "
                               f"été demandés (le {demande.demandee_le:%d/%m/%Y}).")
    if recue_le > aujourd_hui():
        raise DonneesInvalides(f"La date de réception ({recue_le:%d/%m/%Y}) est dans le futur.")
    demande.recue_le = recue_le
    demande.commentaire = (commentaire or "").strip() or None
    uow.session.flush()
    modifs.noter(uow, "compléments", "réception", dossier_id=demande.dossier_id,
                 changements=[(demande.objet, None, f"reçus le {recue_le:%d/%m/%Y}")])


# --- Éligibilité --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CritereEvalue:
    critere: el.Critere
    resultat: el.Resultat
    precedent: CritereExamine | None = None  # la décision du dernier examen, si le critère y figurait

    @property
    def code(self) -> str:
        return self.critere.code


@dataclass(frozen=True)
class Evaluation:
    dossier_id: int
    numero: str
    intitule: str
    dispositif: str | None
    dispositif_libelle: str
    criteres: tuple[CritereEvalue, ...]
    examen: ExamenLu | None = None

    def resultats(self) -> dict[str, el.Resultat]:
        return {c.code: c.resultat for c in self.criteres}


def contexte_eligibilite(uow: UniteDeTravail, dossier_id: int) -> el.Situation:
    session = uow.session
    dossier = _dossier(uow, dossier_id)
    fiche = service_dossier.lire(uow, dossier_id)
    campagne = dossier.campagne
    quartiers = session.execute(select(m.Quartier.code, m.Quartier.nature, m.Quartier.nom)).all()
    financeurs = session.execute(select(m.Financeur.code, m.Financeur.libelle)).all()
    return el.Situation(
        dispositif=campagne.dispositif_code,
        annee=campagne.annee,
        donnees=fiche.donnees,
        type_porteur=dossier.porteur.type,
        commune_porteur=dossier.porteur.commune_code,
        natures_quartiers={code: nature for code, nature, _nom in quartiers},
        communes_agglomeration=frozenset(session.scalars(select(m.Commune.code))),
        noms_quartiers={code: nom for code, _nature, nom in quartiers},
        noms_financeurs=dict(financeurs),
        depose_le=dossier.depose_le,
        pieces=tuple((p.type, p.date_piece) for p in fiche.pieces),
        precedents=_precedents(uow, dossier),
        demandes_campagne=_demandes_campagne(uow, dossier),
    )


def _precedents(uow: UniteDeTravail, dossier: m.Dossier) -> tuple[el.Precedent, ...]:
    """Les actions du porteur au même dispositif l'année précédente, et celle que le dossier renouvelle (avec
    la CPO signée qui couvre aussi l'année du dossier, s'il y en a une : services.conventions)."""
    from instruction.db.modeles.conventions import Convention, ConventionMontant

    cpo = (select(Convention.numero).join(ConventionMontant, ConventionMontant.convention_id == Convention.id)
           .where(Convention.dossier_id == m.Dossier.id, Convention.type_acte == "cpo",
                  Convention.etat.in_(("signee", "soldee")), ConventionMontant.exercice == dossier.campagne.annee)
           .limit(1).scalar_subquery())
    requete = (
        select(m.Dossier.numero, m.Dossier.intitule, m.Dossier.description, m.Dossier.cout_total, m.Campagne.annee,
               cpo)
        .join(m.Campagne)
        .where(
            m.Dossier.id != dossier.id,
            (m.Dossier.id == dossier.renouvelle_id)
            | (
                (m.Dossier.porteur_id == dossier.porteur_id)
                & (m.Campagne.dispositif_code == dossier.campagne.dispositif_code)
                & (m.Campagne.annee == dossier.campagne.annee - 1)
            ),
        )
        .order_by(m.Dossier.numero)
    )
    return tuple(
        el.Precedent(numero, intitule, description or "", cout or Decimal("0.00"), annee, cpo)
        for numero, intitule, description, cout, annee, cpo in uow.session.execute(requete)
    )


def _demandes_campagne(uow: UniteDeTravail, dossier: m.Dossier) -> dict[str, Decimal]:
    lignes = uow.session.execute(
        select(m.LigneBudget.financeur_code, func.sum(m.LigneBudget.montant))
        .join(m.Dossier)
        .where(
            m.Dossier.campagne_id == dossier.campagne_id,
            m.Dossier.id != dossier.id,
            m.Dossier.etat.not_in([str(e) for e in CLOS_SANS_FINANCEMENT]),
            m.LigneBudget.sens == "produit",
            m.LigneBudget.compte == "74",
            m.LigneBudget.financeur_code.is_not(None),
        )
        .group_by(m.LigneBudget.financeur_code)
    ).all()
    return {code: Decimal(montant) for code, montant in lignes}


def evaluer(uow: UniteDeTravail, dossier_id: int) -> Evaluation:
    """Les critères du dispositif du dossier et leur résultat automatique, avec le dernier examen."""
    contexte = contexte_eligibilite(uow, dossier_id)
    dossier = _dossier(uow, dossier_id)
    examen = dernier_examen(uow, dossier_id)
    anciens = {c.critere: c for c in examen.criteres} if examen else {}
    dispositif = uow.session.get(m.Dispositif, contexte.dispositif) if contexte.dispositif else None
    return Evaluation(
        dossier_id=dossier_id,
        numero=dossier.numero,
        intitule=dossier.intitule,
        dispositif=contexte.dispositif,
        dispositif_libelle=dispositif.libelle if dispositif else "",
        criteres=tuple(
            CritereEvalue(c, el.evaluer(c, contexte), anciens.get(c.code))
            for c in el.pour(contexte.dispositif, reglages(uow))
        ),
        examen=examen,
    )


@ecrit("dossier.examen")
def enregistrer_examen(
    uow: UniteDeTravail,
    dossier_id: int,
    decisions: list[el.Decision],
    commentaire: str | None = None,
    *,
    le: dt.datetime | None = None,
) -> ExamenLu:
    """Garde l'examen : chaque critère (libellé, source, résultat automatique, décision) et le verdict.

    Les résultats automatiques sont recalculés ici, sur le dossier tel qu'il est en base : une
    décision qui change un résultat sans commentaire est refusée.
    """
    dossier = _dossier(uow, dossier_id)
    if dossier.etat not in EXAMEN_POSSIBLE:
        raise DonneesInvalides(
            f"Le dossier est « {Etat(dossier.etat).libelle} » : son examen d'éligibilité ne se modifie plus"
            + (" (reprenez d'abord l'instruction)." if dossier.etat in (Etat.INSTRUIT, Etat.AJOURNE, Etat.RETENU)
               else ".")
        )
    evaluation = evaluer(uow, dossier_id)
    resultats = evaluation.resultats()
    el.verifier_decisions(resultats, decisions)
    par_code = {dc.critere: dc for dc in decisions}
    verdict = el.verdict([par_code[c.code] for c in evaluation.criteres])
    examen = m.Examen(dossier_id=dossier_id, le=le or maintenant(), acteur=uow.acteur, verdict=verdict,
                      commentaire=(commentaire or "").strip() or None)
    for rang, ce in enumerate(evaluation.criteres):
        decision = par_code[ce.code]
        examen.criteres.append(
            m.ExamenCritere(
                critere=ce.code, libelle=ce.critere.libelle, source=str(ce.critere.source),
                statut_auto=ce.resultat.statut, explication=ce.resultat.explication, statut=decision.statut,
                commentaire=decision.commentaire.strip() or None, ordre=rang,
            )
        )
    uow.session.add(examen)
    uow.session.flush()
    modifs.noter(uow, "examen d'éligibilité", "enregistrement", dossier_id=dossier_id, changements=[
        ("Verdict", evaluation.examen and el.VERDICTS.get(evaluation.examen.verdict), el.VERDICTS[verdict]),
        *[(c.libelle, el.STATUTS[c.statut_auto], f"{el.STATUTS[c.statut]} — {c.commentaire}")
          for c in examen.criteres if c.statut != c.statut_auto],
    ])
    return dernier_examen(uow, dossier_id)


# --- Réglages des critères -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reglage:
    cle: str  # critere.<code>.<nom>
    critere: str
    libelle: str  # ce que règle le paramètre
    defaut: Decimal
    valeur: Decimal
    pourcentage: bool = False


def reglages(uow: UniteDeTravail) -> dict[str, str]:
    return table_des_reglages.lire(uow, PREFIXE_REGLAGE)


def liste_reglages(uow: UniteDeTravail) -> list[Reglage]:
    """Les seuils réglables de tous les critères, avec leur valeur par défaut et leur valeur en vigueur."""
    en_base = reglages(uow)
    resultat = []
    for critere in el.criteres():
        for nom, libelle in critere.reglable.items():
            cle = f"{PREFIXE_REGLAGE}{critere.code}.{nom}"
            defaut = Decimal(str(critere.parametres.get(nom, 0)))
            valeur = Decimal(en_base[cle]) if en_base.get(cle) else defaut
            resultat.append(Reglage(cle, critere.code, libelle, defaut, valeur, "(%)" in libelle))
    return resultat


@ecrit("reglages.modifier")
def regler(uow: UniteDeTravail, valeurs: Mapping[str, str | Decimal]) -> None:
    """Change des seuils (``critere.<code>.<nom>`` → valeur) ; une valeur égale au défaut l'efface."""
    table_des_reglages.enregistrer(
        uow, valeurs, {r.cle: r for r in liste_reglages(uow)},
        lambda r, brute: lire_seuil(r.libelle, brute, pourcentage=r.pourcentage), "Réglages refusés")
