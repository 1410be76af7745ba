"""Ce que fait l'application en arrière-plan à l'ouverture : base, référentiel, dossiers.

Ce module n'importe SQLAlchemy qu'une fois la première page montrée (voir
``lecture_rapide``) : c'est ce qui permet de voir ses dossiers au plus vite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from instruction.services.lignes import PREMIERE_PAGE, LigneDossier, textes_de_recherche

if TYPE_CHECKING:
    from instruction.domaine import droits
    from instruction.domaine import referentiel as r
    from instruction.services.contexte import Contexte

CLE_DEMO_PROPOSEE = "demo.proposee"


@dataclass
class Ouverture:
    contexte: Contexte
    referentiel: r.Referentiel
    lignes: list[LigneDossier]
    recherche: list[str]
    axes: dict[int, tuple[str, ...]]
    demo_a_proposer: bool
    connexion_requise: bool = False  # des comptes existent : se connecter avant de voir les dossiers
    utilisateur: droits.Utilisateur | None = None  # connexion sans mot de passe (fichier personnel)


def ouvrir_et_lister(
    url: str | None,
    progression: Callable[[str], None],
    partiel: Callable[[list[LigneDossier]], None],
) -> Ouverture:
    """Ouvre la base et lit les dossiers.

    ``partiel`` reçoit la première page dès qu'elle est lue, puis la liste complète ;
    les textes de recherche, plus longs à préparer, arrivent avec le résultat final.
    """
    from instruction.domaine import argent
    from instruction.services import lecture_rapide

    verrou = lecture_rapide.connexion_requise(url) is not False

    def montrer(lignes: list[LigneDossier]) -> None:
        argent.formater_centimes(0)  # charge les données de Babel ici plutôt que dans l'interface
        if not verrou:  # sur une base à comptes, rien ne se montre avant la connexion
            partiel(lignes)

    lignes = axes = None
    page = lecture_rapide.lire(url, PREMIERE_PAGE)
    if page:
        montrer(page)
        lignes = lecture_rapide.lire(url)
        if lignes is not None and len(lignes) > len(page):
            montrer(lignes)
        axes = lecture_rapide.lire_axes(url) if lignes is not None else None
    textes = lecture_rapide.lire_textes(url) if lignes is not None else None
    recherche = textes_de_recherche(lignes, textes) if lignes is not None and textes is not None else None

    from instruction.db import referentiel as ref_db
    from instruction.db.modeles import Parametre
    from instruction.services import comptes, dossiers
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url, progression=progression)
    try:
        with contexte.unite(lecture=True) as uow:
            requise = comptes.connexion_requise(uow)
            automatique = comptes.connexion_automatique(uow) if requise else None
            verrou = requise and automatique is None
            if lignes is None:
                progression("Lecture des dossiers…")
                page = dossiers.lister(uow, limite=PREMIERE_PAGE)
                if page:
                    montrer(page)
                lignes = dossiers.lister(uow)
                if len(lignes) > len(page):
                    montrer(lignes)
            if axes is None:
                axes = dossiers.axes(uow)
            if recherche is None:
                recherche = textes_de_recherche(lignes, dossiers.textes(uow))
            referentiel = ref_db.lire(uow.session)
            demo_a_proposer = not lignes and uow.session.get(Parametre, CLE_DEMO_PROPOSEE) is None
        ouverture = Ouverture(contexte, referentiel, lignes, recherche, axes, demo_a_proposer, verrou, automatique)
        if automatique is not None:
            contexte.utilisateur = automatique
        elif verrou:  # tant que personne ne s'est connecté, la base ne se laisse pas modifier
            from instruction.domaine.droits import PERSONNE

            contexte.utilisateur = PERSONNE
        return ouverture
    except BaseException:
        contexte.fermer()
        raise


def noter_demo_proposee(contexte: Contexte) -> None:
    from instruction.db.modeles import Parametre

    with contexte.unite() as uow:
        uow.session.merge(Parametre(cle=CLE_DEMO_PROPOSEE, valeur="1"))
        uow.valider()


@dataclass
class Liste:
    lignes: list[LigneDossier]
    recherche: list[str]
    axes: dict[int, tuple[str, ...]]


def relister(contexte: Contexte) -> Liste:
    from instruction.services import dossiers

    with contexte.unite(lecture=True) as uow:
        lignes = dossiers.lister(uow)
        axes = dossiers.axes(uow)
        textes = dossiers.textes(uow)
    return Liste(lignes, textes_de_recherche(lignes, textes), axes)
