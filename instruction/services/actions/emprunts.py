"""Les actions du travail hors ligne : emprunter des dossiers, ouvrir un fichier de travail, le rapporter.

Les écrans (``ui/emprunts/``), la ligne de commande (``instruction emprunter`` / ``rapporter``), les tests et
le banc d'essai appellent ces mêmes fonctions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from instruction.services.actions import DOSSIERS, EMPRUNTS, TOUT, Fait, fait

if TYPE_CHECKING:
    from instruction.domaine.fusion import Choix
    from instruction.services.contexte import Contexte
    from instruction.services.demarrage import Ouverture
    from instruction.services.emprunts import BilanEmprunt, EmpruntEnCours
    from instruction.services.retour import Retour


def emprunter(contexte: Contexte, dossier_ids, fichier: Path, phrase: str, jusqu_au: dt.date, *,
              progression: Callable[[str], None] = lambda _m: None) -> Fait[BilanEmprunt]:
    """Écrit le fichier de travail chiffré des dossiers ; la base partagée note l'emprunt (une transaction)."""
    from instruction.services import emprunts, nom_base

    with contexte.unite() as uow:
        nom = nom_base.lire(uow)
        bilan = emprunts.emprunter(uow, dossier_ids, fichier, phrase, jusqu_au, base_nom=nom,
                                   base_adresse=contexte.lieu, progression=progression)
        uow.valider()
    return fait(bilan, EMPRUNTS, DOSSIERS, dossiers=tuple(dossier_ids))


def en_cours(contexte: Contexte) -> dict[int, EmpruntEnCours]:
    """Les dossiers empruntés en ce moment (la liste les marque ; on est averti avant d'en modifier un)."""
    from instruction.services import emprunts

    if contexte.travail is not None:
        return {}
    with contexte.unite(lecture=True) as uow:
        return emprunts.en_cours(uow)


def rapporter(contexte: Contexte, fichier: Path, phrase: str, choix: Mapping[str, Choix] | None = None, *,
              simulation: bool = False, progression: Callable[[str], None] = lambda _m: None) -> Fait[Retour]:
    """Rapporte le fichier de travail (voir ``services.retour``) : en simulation, ne fait que comparer ; sinon
    écrit tout en une transaction (ou rien, s'il reste un conflit non tranché), puis marque le fichier rapporté."""
    from instruction.services import retour as service_retour

    if contexte.travail is not None:
        from instruction.domaine.erreurs import ErreurInstruction

        raise ErreurInstruction("Un fichier de travail se rapporte depuis la base d'où il vient, pas depuis un autre "
                                "fichier de travail : ouvrez la base partagée, puis Fichier › Rapporter.")
    with contexte.unite(lecture=simulation) as uow:
        retour = service_retour.rapporter(uow, fichier, phrase, choix, simulation=simulation, progression=progression)
        if retour.applique:
            uow.valider()
    if not retour.applique:
        return fait(retour)
    service_retour.marquer_rapporte(Path(fichier), phrase, dt.datetime.now(dt.UTC).replace(tzinfo=None),
                                    "\n".join(retour.resume()))
    return fait(retour, EMPRUNTS, TOUT, dossiers=retour.ecrit.dossiers, porteurs=retour.ecrit.porteurs)


def effacer_fichier(fichier: Path) -> None:
    """Efface le fichier de travail rapporté (recouvert d'octets aléatoires, puis supprimé)."""
    from instruction.db import travail

    travail.effacer(Path(fichier))


def ouvrir_travail(fichier: Path, phrase: str, *, progression: Callable[[str], None],
                   partiel: Callable[[list], None]) -> Ouverture:
    """Ouvre un fichier de travail pour la fenêtre principale : mêmes écrans, mêmes droits que sur la base
    partagée (l'emprunteur est connecté d'office : la phrase de passe l'a authentifié)."""
    from instruction.db import referentiel as ref_db
    from instruction.services import dossiers
    from instruction.services.contexte import ouvrir_travail as ouvrir
    from instruction.services.demarrage import Ouverture
    from instruction.services.lignes import textes_de_recherche

    contexte = ouvrir(fichier, phrase, progression=progression)
    try:
        with contexte.unite(lecture=True) as uow:
            lignes = dossiers.lister(uow)
            partiel(lignes)
            recherche = textes_de_recherche(lignes, dossiers.textes(uow))
            ouverture = Ouverture(contexte, ref_db.lire(uow.session), lignes, recherche, dossiers.axes(uow), False,
                                  False, contexte.utilisateur)
        return ouverture
    except BaseException:
        contexte.fermer()
        raise


def lire_fichier(fichier: Path, phrase: str):
    """Ce que dit un fichier de travail de lui-même (avant de le rapporter)."""
    from instruction.services import retour

    return retour.lire_fichier(Path(fichier), phrase)
