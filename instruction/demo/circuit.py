"""Le parcours des dossiers de démonstration, du dépôt à l'état où ils sont en 2026.

Chaque dossier suit le circuit par les services de l'application (``services.instruction``) :
dépôt, parfois une demande de compléments reçus quelques jours plus tard, recevabilité,
instruction avec un examen d'éligibilité (les résultats « à vérifier » sont tranchés avec un
commentaire, comme le ferait l'instructeur), comité des financeurs, convention, action, solde.
Les dates suivent le calendrier de la campagne ; le tirage est déterministe.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from instruction import dates
from instruction import eligibilite as el
from instruction.etats import Etat

ACTEUR = "démonstration"
GRAINE = "circuit-2023"

# Comité des financeurs de chaque campagne (l. 3826-3828) ; les PIC passent en comité PIC.
COMITES = {"cdv": dt.date(2023, 2, 7), "ce": dt.date(2023, 4, 13)}
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


@dataclass(frozen=True)
class DossierAInstruire:
    id: int
    dispositif: str
    depose_le: dt.date
    date_debut: dt.date
    etat_final: str
    etat_final_le: dt.datetime
    session_pic: dt.date | None = None


def _a(jour: dt.date, heure: int, minute: int = 0) -> dt.datetime:
    """Ce jour-là, à cette heure de Paris (la base garde l'heure UTC)."""
    return dates.utc_depuis_paris(dt.datetime.combine(jour, dt.time(heure, minute)))


def _moment(jour: dt.date, alea: random.Random) -> dt.datetime:
    return _a(jour, alea.randint(9, 17), alea.choice((0, 10, 20, 30, 40, 50)))


def _apres(jour: dt.date, alea: random.Random, mini: int, maxi: int) -> dt.date:
    return jour + dt.timedelta(days=alea.randint(mini, maxi))


def instruire(uow, dossiers: list[DossierAInstruire]) -> None:
    """Fait suivre le circuit à chaque dossier, jusqu'à son état final (en base, dans ``uow``)."""
    from instruction.services import instruction as service

    alea = random.Random(GRAINE)
    uow.acteur = ACTEUR
    for dossier in dossiers:
        comite = dossier.session_pic or COMITES[dossier.dispositif]
        jour = dossier.depose_le
        incomplet = dossier.dispositif != "pic" and alea.random() < PART_INCOMPLETS
        if incomplet:
            demande = _apres(jour, alea, 3, 7)
            service.changer_etat(
                uow, dossier.id, Etat.INCOMPLET, alea.choice(COMPLEMENTS),
                echeance=demande + dt.timedelta(days=15), le=_moment(demande, alea),
            )
            jour = _apres(demande, alea, 4, 12)
            for complement in service.complements(uow, dossier.id):
                service.marquer_recus(uow, complement.id, jour, "Reçus par courriel.")
        marge = max((comite - jour).days, 4)
        recevable = jour + dt.timedelta(days=min(alea.randint(2, 12), marge // 3))
        service.changer_etat(uow, dossier.id, Etat.RECEVABLE, le=_moment(recevable, alea))
        debut = recevable + dt.timedelta(days=min(alea.randint(1, 3), max((comite - recevable).days // 3, 0)))
        service.changer_etat(uow, dossier.id, Etat.EN_INSTRUCTION, le=_moment(debut, alea))
        fin = debut + dt.timedelta(days=max((comite - debut).days - alea.randint(1, 3), 0))
        _examiner(uow, service, dossier.id, _moment(fin, alea))
        service.changer_etat(uow, dossier.id, Etat.INSTRUIT, "Proposition favorable au comité.",
                             le=_moment(fin, alea) + dt.timedelta(minutes=30))
        service.changer_etat(uow, dossier.id, Etat.RETENU, "Comité des financeurs du "
                             f"{comite:%d/%m/%Y}.", le=_a(comite, 17))
        signee = _apres(comite, alea, 14, 40)
        service.changer_etat(uow, dossier.id, Etat.CONVENTIONNE, le=_moment(signee, alea))
        debut_action = max(dossier.date_debut, signee + dt.timedelta(days=1))
        en_cours = _a(debut_action, 9)
        if dossier.etat_final == Etat.EN_COURS:
            service.changer_etat(uow, dossier.id, Etat.EN_COURS, le=max(en_cours, dossier.etat_final_le))
            continue
        service.changer_etat(uow, dossier.id, Etat.EN_COURS, le=en_cours)
        service.changer_etat(uow, dossier.id, Etat.SOLDE, "Bilan reçu, solde versé.",
                             le=max(dossier.etat_final_le, en_cours + dt.timedelta(days=1)))


def _examiner(uow, service, dossier_id: int, le: dt.datetime) -> None:
    evaluation = service.evaluer(uow, dossier_id)
    decisions = []
    for critere in evaluation.criteres:
        statut = critere.resultat.statut
        if statut in (el.A_VERIFIER, el.NON_RESPECTE):
            decisions.append(el.Decision(critere.code, el.RESPECTE, COMMENTAIRES.get(critere.code, AUTRE_COMMENTAIRE)))
        else:
            decisions.append(el.Decision(critere.code, statut))
    service.enregistrer_examen(uow, dossier_id, decisions, le=le)
