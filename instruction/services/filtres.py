"""Les filtres enregistrés de la liste des dossiers (partagés par les postes d'une même base)."""

from __future__ import annotations

import json

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import maintenant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail


@ecrit("filtres.enregistrer")
def enregistrer(uow: UniteDeTravail, nom: str, filtre: dict[str, str]) -> None:
    nom = (nom or "").strip()
    if not nom:
        raise DonneesInvalides("Donnez un nom au filtre.")
    if len(nom) > 120:
        raise DonneesInvalides("Le nom du filtre ne peut dépasser 120 caractères.")
    contenu = json.dumps(filtre, ensure_ascii=False)
    uow.session.merge(m.FiltreEnregistre(nom=nom, contenu=contenu, cree_le=maintenant()))
    uow.session.flush()
    historique.noter(uow, "filtre enregistré", "enregistrement", changements=[(nom, None, contenu)])


def lister(uow: UniteDeTravail) -> dict[str, dict[str, str]]:
    return {f.nom: json.loads(f.contenu) for f in uow.session.scalars(select(m.FiltreEnregistre).order_by(m.FiltreEnregistre.nom))}


@ecrit("filtres.enregistrer")
def supprimer(uow: UniteDeTravail, nom: str) -> None:
    filtre = uow.session.get(m.FiltreEnregistre, nom)
    if filtre is not None:
        historique.noter(uow, "filtre enregistré", "suppression", changements=[(nom, filtre.contenu, None)])
        uow.session.delete(filtre)
        uow.session.flush()
