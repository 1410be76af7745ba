"""Les séances de démonstration : les comités 2023 (clos, décisions appliquées) et le comité 2027 en préparation.

2023 : chaque dossier instruit de la programmation passe devant sa séance — le comité des financeurs de
l'AAP Contrat de ville (7 février 2023), celui de la Cité éducative (13 avril 2023), les sessions du jury PIC
(contrat de ville l. 3669-3670) — par les services de l'application : création de la séance avec ses
membres, inscription à l'ordre du jour, décision de chaque dossier (retenu aux montants programmés, parfois
moins que demandé ; refusé avec son motif), clôture qui applique tout en une transaction à la date de la
séance (``services.cloture_seance``). Les montants accordés restent ceux de la programmation publiée
(``programmation_2023.CIBLES``) : la somme des décisions est celle du contrat.

2027 : le comité des financeurs de l'AAP Contrat de ville 2027 se prépare : les dossiers déjà instruits sont
à son ordre du jour, rien n'est encore décidé.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

LIEU = "Hôtel de ville de Calais, salle du conseil"
LIEU_PIC = "Centre social Espace Fort"
SEANCE_2027 = dt.date(2027, 2, 9)


def decider_2023(uow, dossiers: Iterable, moments: Mapping[int, dt.datetime]) -> dict[int, int]:
    """Ferme une séance par comité (ou session du jury PIC) : ``dossiers`` (``circuit.DossierAInstruire``,
    tous « instruits »), ``moments`` : l'instant de la décision de chacun (17 h le jour de sa séance). Rend,
    pour chaque dossier, la séance qui l'a décidé."""
    from instruction.domaine import comite as regles
    from instruction.demo.circuit import decision
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
    return decidee_par


def preparer_2027(uow) -> int | None:
    """Le comité des financeurs 2027 en préparation, avec à son ordre du jour les dossiers déjà instruits."""
    from instruction.services import comite

    candidats = [c.dossier_id for c in comite.candidats(uow) if c.annee == 2027 and not c.raisons]
    seance_id = comite.creer_seance(uow, "comite-financeurs", SEANCE_2027,
                                    "Comité des financeurs — AAP Contrat de ville 2027", LIEU)
    if candidats:
        comite.inscrire(uow, seance_id, candidats)
    return seance_id
