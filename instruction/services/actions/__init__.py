"""Les actions de l'utilisateur : une fonction par chose que fait l'utilisateur.

Chaque action reçoit le ``Contexte`` (la base ouverte, qui agit), ouvre **sa** unité de travail, fait
toute l'action (écrire, relire, valider) et rend des données simples. Une action qui modifie la base
rend un ``Fait`` : sa valeur et **ce qu'elle a changé** (``Changements``), comme les ``OpChanges``
d'Anki. L'interface les lance par ``ui.operation.Operation`` et diffuse les changements aux écrans
ouverts ; les tests et les bancs d'essai appellent les mêmes fonctions.

Les fonctions des services qui reçoivent une unité de travail (``services.dossier.enregistrer(uow, …)``)
restent les briques de ces actions : droits (``@ecrit``), historique et règles y sont vérifiés.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# Ce qu'une action peut changer : les écrans se relisent d'après ces genres.
DOSSIERS = "dossiers"  # la liste des dossiers (une ligne, un état, un montant…)
DOSSIER = "dossier"  # le contenu d'un dossier (formulaire) ; ``Changements.dossiers`` dit lesquels
INSTRUCTION = "instruction"  # circuit, recevabilité, compléments, critères, montants accordés
COTATIONS = "cotations"  # grilles transversales
AVIS = "avis"
TACHES = "taches"  # « Mes tâches »
PORTEURS = "porteurs"
CAMPAGNES = "campagnes"
BROUILLONS = "brouillons"
FILTRES = "filtres"
COMPTES = "comptes"
REGLAGES = "reglages"
PROGRAMMATION = "programmation"  # enveloppes, tableau de programmation, scénarios
COMITE = "comite"  # séances du comité des financeurs, décisions, délibérations des partenaires
CONVENTIONS = "conventions"  # conventions, CPO, avenants, signatures
VERSEMENTS = "versements"  # échéanciers, versements, reversements
BILANS = "bilans"  # comptes rendus financiers, bilans attendus
SUIVI = "suivi"  # copils, visites évaluatives, suivi renforcé, valeurs des indicateurs
EMPRUNTS = "emprunts"  # dossiers empruntés pour le travail hors ligne
TOUT = "tout"  # un autre poste a écrit : tout ce qui est montré peut avoir changé

GENRES = frozenset({DOSSIERS, DOSSIER, INSTRUCTION, COTATIONS, AVIS, TACHES, PORTEURS, CAMPAGNES, BROUILLONS,
                    FILTRES, COMPTES, REGLAGES, PROGRAMMATION, COMITE, CONVENTIONS, VERSEMENTS, BILANS, SUIVI,
                    EMPRUNTS, TOUT})


@dataclass(frozen=True)
class Changements:
    """Ce qu'une action a changé : des genres, et les dossiers ou porteurs touchés."""

    genres: frozenset[str] = frozenset()
    dossiers: frozenset[int] = frozenset()
    porteurs: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        inconnus = self.genres - GENRES
        if inconnus:
            raise ValueError(f"Genres de changement inconnus : {sorted(inconnus)}")

    def touche(self, *genres: str) -> bool:
        return TOUT in self.genres or not self.genres.isdisjoint(genres)

    def touche_dossier(self, dossier_id: int | None) -> bool:
        return TOUT in self.genres or (dossier_id is not None and dossier_id in self.dossiers)

    def __bool__(self) -> bool:
        return bool(self.genres)


def changements(*genres: str, dossier: int | None = None, porteur: int | None = None,
                dossiers: tuple[int, ...] = (), porteurs: tuple[int, ...] = ()) -> Changements:
    return Changements(
        frozenset(genres),
        frozenset(dossiers) | ({dossier} if dossier is not None else set()),
        frozenset(porteurs) | ({porteur} if porteur is not None else set()),
    )


AUCUN = Changements()
AUTRES_POSTES = changements(TOUT)


@dataclass(frozen=True)
class Fait(Generic[T]):
    """Le résultat d'une action qui a écrit : sa valeur et ce qu'elle a changé."""

    valeur: T
    changements: Changements = field(default=AUCUN)


def fait(valeur: Any, *genres: str, **touches: Any) -> Fait:
    return Fait(valeur, changements(*genres, **touches))
