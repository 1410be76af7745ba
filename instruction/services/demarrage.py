"""Ce que fait l'application en arrière-plan à l'ouverture : base, référentiel, dossiers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from instruction import referentiel as r
from instruction.services.contexte import Contexte, ouvrir
from instruction.services.lignes import LigneDossier, texte_de_recherche

PREMIERE_PAGE = 200
CLE_DEMO_PROPOSEE = "demo.proposee"


@dataclass
class Ouverture:
    contexte: Contexte
    referentiel: r.Referentiel
    lignes: list[LigneDossier]
    recherche: list[str]
    demo_a_proposer: bool


def ouvrir_et_lister(
    url: str | None,
    progression: Callable[[str], None],
    premiere_page: Callable[[list[LigneDossier]], None],
) -> Ouverture:
    """Ouvre la base et lit les dossiers ; la première page est remise dès qu'elle est lue."""
    from instruction.db import referentiel as ref_db
    from instruction.db.modeles import Parametre
    from instruction.services import dossiers

    contexte = ouvrir(url, progression=progression)
    try:
        progression("Lecture des dossiers…")
        with contexte.unite() as uow:
            lignes = dossiers.lister(uow, limite=PREMIERE_PAGE)
            if len(lignes) == PREMIERE_PAGE:
                premiere_page(lignes)
                lignes = dossiers.lister(uow)
            recherche = [texte_de_recherche(ligne) for ligne in lignes]
            referentiel = ref_db.lire(uow.session)
            demo_a_proposer = not lignes and uow.session.get(Parametre, CLE_DEMO_PROPOSEE) is None
        return Ouverture(contexte, referentiel, lignes, recherche, demo_a_proposer)
    except BaseException:
        contexte.fermer()
        raise


def noter_demo_proposee(contexte: Contexte) -> None:
    from instruction.db.modeles import Parametre

    with contexte.unite() as uow:
        uow.session.merge(Parametre(cle=CLE_DEMO_PROPOSEE, valeur="1"))
        uow.valider()


def relister(contexte: Contexte) -> tuple[list[LigneDossier], list[str]]:
    from instruction.services import dossiers

    with contexte.unite() as uow:
        lignes = dossiers.lister(uow)
    return lignes, [texte_de_recherche(ligne) for ligne in lignes]
