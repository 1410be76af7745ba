"""Les seuils réglables gardés dans la table « parametre » (clé « <préfixe><nom> » → valeur décimale) : ceux des
critères d'éligibilité (``services.examen``, préfixe « critere. ») et ceux des bilans
(``services.bilans_attendus``, préfixe « bilans. »). Un seul chemin pour les lire et les enregistrer : chaque
saisie vérifiée (toutes les erreurs dites ensemble, rien n'est écrit s'il y en a une), une valeur égale au
défaut efface la ligne, chaque changement va à l'historique (« réglage »). Le droit (« reglages.modifier »)
est vérifié par le ``regler`` de chaque service, qui appelle ``enregistrer`` dans sa transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services import historique
from instruction.services.contexte import UniteDeTravail


class Reglable(Protocol):
    """Ce qu'un service dit de chacun de ses seuils : sa clé, son libellé, sa valeur par défaut et en vigueur."""

    @property
    def cle(self) -> str: ...

    @property
    def libelle(self) -> str: ...

    @property
    def defaut(self) -> Decimal: ...

    @property
    def valeur(self) -> Decimal: ...


def lire(uow: UniteDeTravail, prefixe: str) -> dict[str, str]:
    """Les valeurs réglées en base sous ce préfixe (clé → texte décimal) ; absentes : les valeurs par défaut."""
    return dict(uow.session.execute(
        select(m.Parametre.cle, m.Parametre.valeur).where(m.Parametre.cle.like(f"{prefixe}%"))).all())


def enregistrer(uow: UniteDeTravail, valeurs: Mapping[str, str | Decimal], connus: Mapping[str, Reglable],
                verifier: Callable[[Reglable, str | Decimal], Decimal], refus: str) -> None:
    """Enregistre des seuils (clé → valeur tapée) parmi ``connus`` ; ``verifier(reglable, brute)`` lit une valeur
    ou lève ``DonneesInvalides``. Refus en français, toutes les erreurs à la suite de ``refus``."""
    erreurs, propres = [], {}
    for cle, brute in valeurs.items():
        reglable = connus.get(cle)
        if reglable is None:
            erreurs.append(f"Réglage inconnu : {cle}.")
            continue
        try:
            propres[cle] = verifier(reglable, brute)
        except DonneesInvalides as erreur:
            erreurs.append(str(erreur))
    if erreurs:
        raise DonneesInvalides(f"{refus} :\n- " + "\n- ".join(erreurs))
    changements = []
    for cle, valeur in propres.items():
        reglable = connus[cle]
        if valeur == reglable.valeur:
            continue
        changements.append((reglable.libelle, format(reglable.valeur, "f"), format(valeur, "f")))
        ligne = uow.session.get(m.Parametre, cle)
        if valeur == reglable.defaut:
            if ligne is not None:
                uow.session.delete(ligne)
        elif ligne is None:
            uow.session.add(m.Parametre(cle=cle, valeur=format(valeur.normalize(), "f")))
        else:
            ligne.valeur = format(valeur.normalize(), "f")
    uow.session.flush()
    if changements:
        historique.noter(uow, "réglage", "modification", changements=changements)
