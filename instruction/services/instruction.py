"""Le circuit d'un dossier : passages d'état, recevabilité, proposition de l'instructeur, décision du comité.

Chaque fonction travaille dans l'unité de travail reçue ; l'appelant valide. Tout passage
d'état est gardé (qui, quand, pourquoi) ; les conditions qui dépendent des données sont
vérifiées ici, avec les modules voisins : ``services.complements`` (les compléments demandés et reçus),
``services.examen`` (l'examen d'éligibilité et les seuils des critères), ``services.montants_accordes``
(les montants du comité et les règles de la programmation) :

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

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from instruction.domaine import eligibilite as el
from instruction.domaine import argent, dates, recevabilite, workflow
from instruction.db import modeles as m
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.services import dossier as service_dossier
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.complements import Complement, _ajouter_demande, complements
from instruction.services.contexte import UniteDeTravail
from instruction.services.examen import ExamenLu, dernier_examen
from instruction.services.montants_accordes import (
    DECIDES,
    Financement,
    _demandes,
    _ecrire_montants,
    _exiger_montants_nuls,
    budget_ajuste_attendu,
    financements,
    montants_pre_remplis,
)


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
    elif cible in (Etat.REFUSE, Etat.AJOURNE):
        _exiger_montants_nuls(uow, cible, montants)  # un refus ou un ajournement est à 0 €
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


# --- Demande de compléments : un passage à « incomplet » (la réception : services.complements) ---------


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
