"""Un dossier retenu par le comité, prêt à conventionner (tests des conventions, versements, écrans)."""

from __future__ import annotations

from decimal import Decimal

from instruction.domaine import eligibilite as el
from instruction.domaine.etats import Etat
from tests import fabrique


def dossier_retenu(contexte, montants: dict[str, Decimal] | None = None, *, modifier=None) -> int:
    """Un dossier CDV 2027 complet, instruit (examen, grille égalité) et retenu aux ``montants`` (par défaut
    État PV 2 000 €, Ville 1 500 €), aujourd'hui."""
    from instruction.services import instruction as circuit

    identifiant = fabrique.dossier(contexte, modifier=modifier)
    fabrique.coter_egalite(contexte, identifiant)
    with contexte.unite() as uow:
        circuit.changer_etat(uow, identifiant, Etat.RECEVABLE)
        circuit.changer_etat(uow, identifiant, Etat.EN_INSTRUCTION)
        evaluation = circuit.evaluer(uow, identifiant)
        circuit.enregistrer_examen(uow, identifiant, [el.Decision(c.code, el.RESPECTE, "Vu.")
                                                      for c in evaluation.criteres], "Dossier solide.")
        circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, "Favorable")
        circuit.changer_etat(uow, identifiant, Etat.RETENU, "Comité des financeurs",
                             montants=montants or {"etat-pv": Decimal("2000.00"), "ville-calais": Decimal("1500.00")})
        uow.valider()
    return identifiant
