"""Les séances de démonstration : les comités 2023 (clos, décisions appliquées) et le comité 2027 en préparation.

2023 : chaque dossier instruit de la programmation passe devant sa séance — le comité des financeurs de
l'AAP Contrat de ville (7 février 2023), celui de la Cité éducative (13 avril 2023), les sessions du jury PIC
(contrat de ville l. 3669-3670) — par les services de l'application : création de la séance avec ses
membres, inscription à l'ordre du jour, décision de chaque dossier (retenu aux montants programmés, parfois
moins que demandé ; refusé avec son motif), clôture qui applique tout en une transaction à la date de la
séance (``services.cloture_seance``), puis vote de chaque partenaire (une délibération par instance, aux montants
décidés, l. 3830). Les montants accordés restent ceux de la programmation publiée (``programmation_2023.CIBLES``) :
la somme des décisions est celle du contrat.

2027 : le comité des financeurs de l'AAP Contrat de ville 2027 se prépare : les dossiers déjà instruits sont
à son ordre du jour, rien n'est encore décidé.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

LIEU = "Hôtel de ville de Calais, salle du conseil"
LIEU_PIC = "Centre social Espace Fort"
SEANCE_2027 = dt.date(2027, 2, 9)
# Les instances délibérantes des partenaires (l. 3830) et le délai de leur vote après le comité (jours).
INSTANCES = {
    "etat-pv": ("Arrêté préfectoral (politique de la ville)", "ARR-PV", 21),
    "etat-autres": ("Arrêté préfectoral", "ARR", 28),
    "drac": ("Arrêté de la DRAC Hauts-de-France", "DRAC", 35),
    "ville-calais": ("Conseil municipal de Calais", "DEL-CM", 30),
    "ca-gctm": ("Conseil communautaire du Grand Calais Terres & Mers", "DEL-CC", 37),
    "caf": ("Conseil d'administration de la CAF du Pas-de-Calais", "CA-CAF", 42),
    "region": ("Commission permanente du conseil régional Hauts-de-France", "CP-R", 49),
    "departement": ("Commission permanente du conseil départemental du Pas-de-Calais", "CP-D", 56),
}


def decider_2023(uow, dossiers: Iterable, moments: Mapping[int, dt.datetime],
                 decision: Callable[[object], str]) -> dict[int, int]:
    """Ferme une séance par comité (ou session du jury PIC) : ``dossiers`` (``circuit.DossierAInstruire``,
    tous « instruits »), ``moments`` : l'instant de la décision de chacun (17 h le jour de sa séance),
    ``decision(dossier)`` : le motif de la décision (qui nomme la séance). Rend, pour chaque dossier, la séance
    qui l'a décidé."""
    from instruction.domaine import comite as regles
    from instruction.services import cloture_seance, comite

    par_seance: dict[tuple[str, dt.date], list] = defaultdict(list)
    for dossier in dossiers:
        instance = "jury-pic" if dossier.dispositif == "pic" else "comite-financeurs"
        par_seance[(instance, dossier.comite)].append(dossier)
    decidee_par = {}
    for (instance, jour), liste in sorted(par_seance.items(), key=lambda e: (e[0][1], e[0][0])):
        seance_id = comite.creer_seance(uow, instance, jour, lieu=LIEU_PIC if instance == "jury-pic" else LIEU)
        comite.inscrire(uow, seance_id, [d.id for d in liste])
        for dossier in liste:
            if dossier.motif_refus:
                comite.decider(uow, seance_id, dossier.id, regles.REFUSE, {}, decision(dossier))
            else:
                comite.decider(uow, seance_id, dossier.id, regles.RETENU, dossier.accordes, decision(dossier))
            decidee_par[dossier.id] = seance_id
        cloture_seance.cloturer(uow, seance_id, le=max(moments[d.id] for d in liste))
        _deliberer(uow, seance_id, jour)
    return decidee_par


def _deliberer(uow, seance_id: int, jour: dt.date) -> None:
    """Les partenaires ont voté la programmation de 2023 : une délibération par instance, aux montants décidés."""
    from instruction.services import financements

    par_financeur = defaultdict(list)
    for ligne in financements.lignes_a_voter(uow, seance_id):
        par_financeur[ligne.financeur].append((ligne.seance_id, ligne.dossier_id, ligne.financeur))
    for code, lignes in sorted(par_financeur.items()):
        instance, prefixe, delai = INSTANCES.get(code, ("Décision de l'organisme", "DEC", 30))
        vote = jour + dt.timedelta(days=delai)
        financements.saisir_deliberations(uow, lignes, instance, vote, f"{prefixe}-{vote:%Y}-{seance_id:02d}{delai:02d}")


def preparer_2027(uow) -> int | None:
    """Le comité des financeurs 2027 en préparation, avec à son ordre du jour les dossiers déjà instruits."""
    from instruction.services import comite

    candidats = [c.dossier_id for c in comite.candidats(uow) if c.annee == 2027 and not c.raisons]
    seance_id = comite.creer_seance(uow, "comite-financeurs", SEANCE_2027,
                                    "Comité des financeurs — AAP Contrat de ville 2027", LIEU)
    if candidats:
        comite.inscrire(uow, seance_id, candidats)
    return seance_id
