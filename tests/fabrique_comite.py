"""Des dossiers instruits (examen, grille égalité cotée, proposition), prêts pour l'ordre du jour du comité.

Tout passe par les services, en une transaction par lot : c'est ce qui permet d'en préparer 150 pour le banc
d'essai de la clôture sans attendre.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from instruction.domaine import dates, grilles
from instruction.domaine import dossier as d
from instruction.domaine import eligibilite as el
from instruction.domaine import pieces as types
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from tests import fabrique

EFH = "egalite-femmes-hommes"


def instruits(contexte, nombre: int, *, sens: str = "favorable", montants: dict[str, str] | None = None,
              depuis_jours: int = 30) -> list[int]:
    """``nombre`` dossiers CDV 2027 (budget de ``fabrique.saisie`` : État 2 000 €, Ville 1 500 €) instruits
    avec une proposition ``sens`` aux ``montants`` (par défaut, ceux demandés)."""
    from instruction.services import cotations, pieces
    from instruction.services import dossier as service_dossier
    from instruction.services import examen as service_examen
    from instruction.services import instruction as circuit

    from sqlalchemy import select

    from instruction.db import modeles as m

    with contexte.unite() as uow:
        porteur_id = uow.session.scalar(select(m.Porteur.id).where(m.Porteur.siret == "73282932000074"))
        campagne_id = uow.session.scalar(select(m.Campagne.id).where(m.Campagne.dispositif_code == "cdv",
                                                                     m.Campagne.annee == 2027))
    porteur_id = porteur_id or fabrique.porteur(contexte)
    campagne_id = campagne_id or fabrique.campagne(contexte)
    depot = aujourd_hui() - dt.timedelta(days=depuis_jours)
    questions = grilles.par_code()[EFH].courante.questions
    proposes = {c: Decimal(v) for c, v in (montants or {"etat-pv": "2000", "ville-calais": "1500"}).items()}
    ids = []
    with contexte.unite() as uow:
        exigees = types.manquantes("association", "cdv", [])
        for rang in range(nombre):
            brute = fabrique.saisie(campagne_id, porteur_id)
            brute.intitule = f"Jardin partagé n° {rang + 1:03d}"
            brute.depose_le = dates.formater(depot)
            identifiant = service_dossier.enregistrer(uow, None, d.valider(brute))
            pieces.ajouter_plusieurs(uow, identifiant, [(t.code, f"{t.code}.pdf", b"%PDF-1.4 demo", depot)
                                                        for t in exigees])
            circuit.changer_etat(uow, identifiant, Etat.RECEVABLE, le=depot + dt.timedelta(days=1))
            circuit.changer_etat(uow, identifiant, Etat.EN_INSTRUCTION, le=depot + dt.timedelta(days=2))
            evaluation = service_examen.evaluer(uow, identifiant)
            service_examen.enregistrer_examen(uow, identifiant, [el.Decision(c.code, c.resultat.statut, "")
                                                          for c in evaluation.criteres], "Examen de test.")
            cotations.repondre_plusieurs(uow, identifiant, EFH, {q.code: ("oui", None) for q in questions})
            commentaire = None if sens == "favorable" else "Action à revoir."
            circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, commentaire, le=depot + dt.timedelta(days=3),
                                 proposition=circuit.PropositionSaisie(sens, proposes, commentaire))
            ids.append(identifiant)
        uow.valider()
    return ids
