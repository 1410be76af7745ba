"""Un dossier retenu par le comité, prêt à conventionner (tests des conventions, versements, droits, écrans)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from instruction.domaine import eligibilite as el
from instruction.domaine.etats import Etat
from tests import fabrique

MONTANTS = {"etat-pv": Decimal("2000.00"), "ville-calais": Decimal("1500.00")}


def retenir(uow, dossier_id: int, montants: dict[str, Decimal] | None = None) -> None:
    """Fait passer un dossier déposé complet jusqu'à « retenu » (grille égalité cotée, examen), aujourd'hui."""
    from instruction.domaine import grilles
    from instruction.services import cotations
    from instruction.services import examen as service_examen
    from instruction.services import instruction as circuit

    questions = grilles.par_code()["egalite-femmes-hommes"].courante.questions
    cotations.repondre_plusieurs(uow, dossier_id, "egalite-femmes-hommes", {q.code: ("oui", None) for q in questions})
    circuit.changer_etat(uow, dossier_id, Etat.RECEVABLE)
    circuit.changer_etat(uow, dossier_id, Etat.EN_INSTRUCTION)
    evaluation = service_examen.evaluer(uow, dossier_id)
    service_examen.enregistrer_examen(uow, dossier_id, [el.Decision(c.code, el.RESPECTE, "Vu.")
                                                 for c in evaluation.criteres], "Dossier solide.")
    circuit.changer_etat(uow, dossier_id, Etat.INSTRUIT, "Favorable")
    circuit.changer_etat(uow, dossier_id, Etat.RETENU, "Comité des financeurs", montants=montants or MONTANTS)


def dossier_retenu(contexte, montants: dict[str, Decimal] | None = None, *, modifier=None) -> int:
    """Un dossier CDV 2027 complet, instruit et retenu aux ``montants`` (par défaut État PV 2 000 €, Ville
    1 500 €), aujourd'hui."""
    identifiant = fabrique.dossier(contexte, modifier=modifier)
    with contexte.unite() as uow:
        retenir(uow, identifiant, montants)
        uow.valider()
    return identifiant


def dossier_retenu_dans(uow, modele_id: int) -> int:
    """Dans une unité de travail : un second dossier (même porteur, même campagne que ``modele_id``), complet
    et retenu."""
    from instruction.domaine import dossier as d
    from instruction.domaine import pieces as types
    from instruction.db import modeles as m
    from instruction.services import dossier as service_dossier
    from instruction.services import pieces

    modele = uow.session.get(m.Dossier, modele_id)
    identifiant = service_dossier.enregistrer(uow, None, d.valider(fabrique.saisie(modele.campagne_id,
                                                                                    modele.porteur_id)))
    for type_piece in types.manquantes("association", "cdv", []):
        pieces.ajouter(uow, identifiant, type_piece.code, f"{type_piece.code}.pdf", b"%PDF-1.4 demo",
                       dt.date(2026, 11, 2))
    retenir(uow, identifiant)
    return identifiant
