"""Le parcours des dossiers de démonstration 2023, du dépôt à l'état où ils sont en 2026.

Chaque dossier suit le circuit par les services de l'application (``services.instruction``,
``services.complements``, ``services.examen``, ``services.cotations``) : dépôt, parfois une demande de
compléments reçus quelques jours plus tard, recevabilité, instruction (grilles transversales remplies, puis
examen d'éligibilité dont les résultats « à vérifier » sont tranchés avec un commentaire, comme le ferait
l'instructeur), proposition au comité,
décision du comité des financeurs (ou du jury PIC) prise en séance et appliquée à la clôture de la séance
(``demo.comite``, à la date de la séance) : retenu aux montants programmés — parfois moins que la demande, le
porteur doit alors ajuster son budget —, ou refusé avec son motif ; puis convention, action, solde (les
dates de ces passages sont tirées dans le même ordre qu'avant les séances : la démonstration ne change pas).

Chaque passage est daté (``le=``) le jour où il a eu lieu, dans l'ordre du circuit, jamais avant le
précédent : l'historique du dossier se lit comme celui d'une vraie campagne. Le tirage est déterministe.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from instruction.domaine import argent, dates
from instruction.domaine import eligibilite as el
from instruction.demo import cotations as demo_cotations
from instruction.domaine.etats import Etat

ACTEUR = "démonstration"
GRAINE = "circuit-2023"

PART_INCOMPLETS = 0.12
COMPLEMENTS = (
    "Budget prévisionnel 2023 de l'association, approuvé en assemblée générale",
    "RIB au nom de la structure (l'ancien compte est clos)",
    "Liste des membres du bureau à jour après l'assemblée générale",
    "Compte rendu financier de l'action 2022, signé",
    "Précisions sur le nombre d'habitants des quartiers prioritaires touchés",
)
# Ce qu'écrit l'instructeur quand il tranche un résultat qui n'est pas « respecté ».
COMMENTAIRES = {
    "ce-lien-ecoles": "Action construite avec le réseau REP+ : écoles nommées dans la fiche d'intention.",
    "ce-partenaire-qpv": "Partenariat avec une association du quartier précisé dans la fiche d'intention.",
    "convention-obligatoire": "Convention prévue avec chaque financeur concerné.",
    "pic-en-qpv": "Projet 2023 du quartier de veille des Hautes-Communes (Marck), retenu par le jury PIC avant la "
                  "nouvelle géographie prioritaire (l. 2576, 3674).",
    "cdv-cofinancement": "Cofinancement CAF sollicité puis refusé ; co-construction avec les cofinanceurs engagée.",
}
AUTRE_COMMENTAIRE = "Vérifié sur pièces avec le porteur."
ECART = dt.timedelta(minutes=20)  # entre deux gestes de l'instructeur le même jour


@dataclass(frozen=True)
class DossierAInstruire:
    id: int
    numero: str
    dispositif: str
    depose_le: dt.date
    date_debut: dt.date
    etat_final: str
    etat_final_le: dt.datetime
    comite: dt.date  # la séance du comité des financeurs (ou du jury PIC) qui décide
    a_coter: demo_cotations.ACoter | None = None  # sans date : elle est fixée pendant l'instruction
    accordes: dict[str, Decimal] = field(default_factory=dict)
    demandes: dict[str, Decimal] = field(default_factory=dict)
    motif_refus: str | None = None
    libelles: dict[str, str] = field(default_factory=dict)  # financeur → libellé, pour les motifs


def a(jour: dt.date, heure: int, minute: int = 0) -> dt.datetime:
    """Ce jour-là, à cette heure de Paris (la base garde l'heure UTC)."""
    return dates.utc_depuis_paris(dt.datetime.combine(jour, dt.time(heure, minute)))


class Horloge:
    """Les moments d'un dossier, toujours après le précédent (deux gestes du même jour se suivent)."""

    def __init__(self, alea: random.Random, depart: dt.datetime) -> None:
        self.alea, self.dernier = alea, depart

    def le(self, jour: dt.date, heure: int | None = None, minute: int = 0) -> dt.datetime:
        if heure is None:
            heure, minute = self.alea.randint(9, 16), self.alea.choice((0, 10, 20, 30, 40, 50))
        self.dernier = max(a(jour, heure, minute), self.dernier + ECART)
        return self.dernier


def _apres(jour: dt.date, alea: random.Random, mini: int, maxi: int) -> dt.date:
    return jour + dt.timedelta(days=alea.randint(mini, maxi))


def _montant(montant: Decimal) -> str:
    return argent.formater(montant)


def _reductions(dossier: DossierAInstruire) -> str:
    return ", ".join(
        f"{dossier.libelles.get(f, f)} {_montant(accorde)} au lieu de {_montant(dossier.demandes[f])}"
        for f, accorde in dossier.accordes.items() if accorde < dossier.demandes.get(f, accorde))


def proposition(dossier: DossierAInstruire) -> str:
    """Le motif de « Terminer l'instruction » : la proposition de l'instructeur au comité."""
    if dossier.motif_refus:
        return f"Proposition défavorable : {dossier.motif_refus}"
    reduites = _reductions(dossier)
    if reduites:
        return f"Proposition favorable à un montant réduit : {reduites}."
    return "Proposition favorable au comité."


def decision(dossier: DossierAInstruire) -> str:
    """Le motif de la décision, qui dit la séance (et, pour une réduction, ce que le porteur doit faire)."""
    seance = ("Jury PIC" if dossier.dispositif == "pic" else "Comité des financeurs") + f" du {dossier.comite:%d/%m/%Y}"
    if dossier.motif_refus:
        return f"{seance} : {dossier.motif_refus}"
    reduites = _reductions(dossier)
    if reduites:
        return f"{seance} : retenu pour un montant réduit ({reduites}) ; budget ajusté demandé au porteur."
    return f"{seance}."


def instruire(uow, dossiers: list[DossierAInstruire]) -> None:
    """Fait suivre le circuit à chaque dossier, jusqu'à son état final (en base, dans ``uow``)."""
    from instruction.services import complements, examen
    from instruction.services import instruction as circuit

    from instruction.demo import comite as demo_comite

    alea = random.Random(GRAINE)
    uow.acteur = ACTEUR
    decisions: dict[int, dt.datetime] = {}  # le moment de la décision de chaque dossier (17 h, jour de sa séance)
    apres: list[tuple[int, str, str | None, dt.datetime]] = []  # convention, action, solde, après les séances
    for dossier in dossiers:
        comite = dossier.comite
        jour = dossier.depose_le
        # Le dépôt est daté du jour par le service ; le premier geste de l'instructeur vient le lendemain au plus tôt.
        horloge = Horloge(alea, a(jour, 23, 59))
        incomplet = dossier.dispositif != "pic" and alea.random() < PART_INCOMPLETS
        if incomplet:
            demande = _apres(jour, alea, 3, 7)
            circuit.changer_etat(
                uow, dossier.id, Etat.INCOMPLET, alea.choice(COMPLEMENTS),
                echeance=demande + dt.timedelta(days=15), le=horloge.le(demande),
            )
            jour = _apres(demande, alea, 4, 12)
            for complement in complements.complements(uow, dossier.id):
                complements.marquer_recus(uow, complement.id, jour, "Reçus par courriel.")
        marge = max((comite - jour).days, 4)
        recevable = jour + dt.timedelta(days=max(1, min(alea.randint(2, 12), marge // 3)))
        circuit.changer_etat(uow, dossier.id, Etat.RECEVABLE, le=horloge.le(recevable))
        debut = recevable + dt.timedelta(days=min(alea.randint(1, 3), max((comite - recevable).days // 3, 0)))
        circuit.changer_etat(uow, dossier.id, Etat.EN_INSTRUCTION, le=horloge.le(debut))
        fin = max(debut, comite - dt.timedelta(days=alea.randint(1, 3)))
        if dossier.a_coter is not None:  # les grilles, entre le début de l'instruction et l'examen
            grilles_le = horloge.le(debut + (fin - debut) / 2)
            demo_cotations.coter(uow, replace(dossier.a_coter, le=grilles_le))
        _examiner(uow, examen, dossier.id, horloge.le(fin))
        texte = proposition(dossier)
        sens = "defavorable" if dossier.motif_refus else "favorable"
        circuit.changer_etat(uow, dossier.id, Etat.INSTRUIT, texte, le=horloge.le(fin),
                             proposition=circuit.PropositionSaisie(sens, dossier.accordes, texte))
        # La décision : celle de la séance du comité (ou du jury PIC), close plus bas pour tous ses dossiers.
        decisions[dossier.id] = horloge.le(comite, 17)
        if dossier.motif_refus:
            continue
        signee = _apres(comite, alea, 14, 40)
        apres.append((dossier.id, Etat.CONVENTIONNE, None, horloge.le(signee)))
        debut_action = max(dossier.date_debut, signee + dt.timedelta(days=1))
        apres.append((dossier.id, Etat.EN_COURS, None, horloge.le(debut_action, 9)))
        if dossier.etat_final == Etat.EN_COURS:  # bilan encore attendu
            continue
        solde = max(dossier.etat_final_le.date(), debut_action + dt.timedelta(days=1))
        apres.append((dossier.id, Etat.SOLDE, "Bilan reçu, solde versé.",
                      horloge.le(solde, dossier.etat_final_le.hour, dossier.etat_final_le.minute)))
    demo_comite.decider_2023(uow, dossiers, decisions, decision)  # les séances 2023, closes par les services
    # H4 : convention, action et solde par le vrai chemin (actes signés, versements, comptes rendus), à ces dates.
    from instruction.demo import conventions as demo_conventions

    demo_conventions.conventionner(uow, apres)


def _examiner(uow, examen, dossier_id: int, le: dt.datetime) -> None:
    evaluation = examen.evaluer(uow, dossier_id)
    decisions = []
    for critere in evaluation.criteres:
        statut = critere.resultat.statut
        if statut in (el.A_VERIFIER, el.NON_RESPECTE):
            decisions.append(el.Decision(critere.code, el.RESPECTE, COMMENTAIRES.get(critere.code, AUTRE_COMMENTAIRE)))
        else:
            decisions.append(el.Decision(critere.code, statut))
    examen.enregistrer_examen(uow, dossier_id, decisions, le=le)
