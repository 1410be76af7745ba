"""Les actions du dialogue des lettres de notification (Comité › Lettres de notification…).

Lire ce qu'on peut choisir, prévisualiser la première lettre (rien n'est écrit), puis générer le lot : un PDF
de toutes les lettres et un PDF par porteur, dans un dossier nouveau créé dans le dossier de sortie choisi.
La lecture se fait en une unité de lecture, puis la composition hors transaction. Le lot s'écrit dans un
dossier provisoire caché, renommé d'un coup à la fin : une annulation ou une erreur ne laisse aucun fichier à
moitié écrit, ni de lot incomplet. Le lot écrit, l'envoi de chaque lettre est noté dans l'historique de son
dossier (``services.lettres.noter_envoi``, en un nombre fixe de requêtes) ; si cette écriture échoue, le lot
est retiré : des lettres sans trace ne partent pas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from instruction.domaine.erreurs import ErreurInstruction

if TYPE_CHECKING:
    from instruction.services.actions import Fait
    from instruction.rapports.lettres import Notification
    from instruction.services.contexte import Contexte
    from instruction.services.lettres import Choix

NOM_FUSION = "Toutes les lettres.pdf"


class GenerationAnnulee(ErreurInstruction):
    """L'utilisateur a annulé : aucun fichier n'a été écrit."""


def choix(contexte: Contexte) -> Choix:
    from instruction.services import lettres

    with contexte.unite(lecture=True) as uow:
        return lettres.choix(uow)


def lire(contexte: Contexte, financeur: str, *, campagne_id: int | None = None, seance_id: int | None = None,
         genres: Sequence[str] = ("accord", "refus", "ajourne")) -> list[Notification]:
    from instruction.services import lettres

    with contexte.unite(lecture=True) as uow:
        return lettres.notifications(uow, financeur, campagne_id=campagne_id, seance_id=seance_id,
                                     genres=tuple(genres))


@dataclass(frozen=True)
class Apercu:
    nombre: int
    par_genre: dict[str, int]
    porteurs: int
    premiere: bytes | None  # le PDF de la première lettre
    deja_notifiees: int = 0  # lettres de ce choix déjà générées (même dossier, cofinanceur et décision)
    derniere_notification: dt.date | None = None  # la date de la plus récente d'entre elles


def apercu(contexte: Contexte, financeur: str, *, campagne_id: int | None = None, seance_id: int | None = None,
           genres: Sequence[str] = ("accord", "refus", "ajourne"), date_lettre: dt.date | None = None) -> Apercu:
    """Combien de lettres, de quels types, pour combien de porteurs, et la première lettre en PDF."""
    from instruction.domaine.horloge import aujourd_hui
    from instruction.rapports import lettres as rapport

    from instruction.services import lettres

    notifications = lire(contexte, financeur, campagne_id=campagne_id, seance_id=seance_id, genres=genres)
    with contexte.unite(lecture=True) as uow:
        deja = lettres.notifiees(uow, sorted({n.dossier_id for n in notifications}))
    notifiees = [x.le for n in notifications for x in deja.get(n.dossier_id, ())
                 if x.financeur_code == n.financeur_code and x.genre == n.genre]
    par_genre: dict[str, int] = {}
    for n in notifications:
        par_genre[n.genre] = par_genre.get(n.genre, 0) + 1
    premiere = None
    if notifications:
        papier = rapport.papier()
        rendu = rapport.rendre_notification(notifications[0], papier, date_lettre or aujourd_hui())
        with tempfile.TemporaryDirectory(prefix="instruction-apercu-") as dossier:
            fichier = rapport.ecrire_lettres(Path(dossier) / "apercu.pdf", [rendu], papier, titre="Aperçu")
            premiere = fichier.read_bytes()
    return Apercu(len(notifications), par_genre, len({n.porteur_id for n in notifications}), premiere,
                  len(notifiees), max(notifiees, default=None))


@dataclass(frozen=True)
class Lot:
    dossier: Path  # le dossier créé pour ce lot
    fusion: Path  # toutes les lettres
    par_porteur: tuple[Path, ...] = field(default_factory=tuple)
    nombre: int = 0
    notees: int = 0  # lignes ajoutées à l'historique des dossiers (0 : ce lot du jour y était déjà)


def generer(contexte: Contexte, sortie: Path | str, financeur: str, *, campagne_id: int | None = None,
            seance_id: int | None = None, genres: Sequence[str] = ("accord", "refus", "ajourne"),
            date_lettre: dt.date | None = None, progression: Callable[[str], None] | None = None,
            avancement: Callable[[int, int], None] | None = None,
            annule: Callable[[], bool] | None = None) -> Fait[Lot]:
    """Écrit le lot dans un nouveau dossier de ``sortie`` et note chaque lettre dans l'historique de son dossier ;
    ``annule()`` vrai : ``GenerationAnnulee``, rien d'écrit (ni fichier, ni historique)."""
    from instruction.domaine.horloge import aujourd_hui
    from instruction.services import lettres
    from instruction.services.actions import COMITE, fait

    notifications = lire(contexte, financeur, campagne_id=campagne_id, seance_id=seance_id, genres=genres)
    if not notifications:
        raise ErreurInstruction("Aucune lettre à écrire : aucune décision du comité ne correspond à ce choix "
                                "pour ce cofinanceur.")
    date_lettre = date_lettre or aujourd_hui()
    lot = ecrire_lot(notifications, Path(sortie), date_lettre=date_lettre, progression=progression,
                     avancement=avancement, annule=annule)
    try:
        with contexte.unite() as uow:
            notees = lettres.noter_envoi(uow, notifications, date_lettre)
            uow.valider()
    except BaseException:
        shutil.rmtree(lot.dossier, ignore_errors=True)
        raise
    lot = dataclasses.replace(lot, notees=notees)
    return fait(lot, COMITE, dossiers=tuple({n.dossier_id for n in notifications}))


def notifiees(contexte: Contexte, dossier_id: int) -> list:
    """Les lettres générées pour ce dossier : la dernière par cofinanceur (« notifié le … »)."""
    from instruction.services import lettres

    with contexte.unite(lecture=True) as uow:
        return lettres.notifiees(uow, [dossier_id]).get(dossier_id, [])


def ecrire_lot(notifications: Sequence[Notification], sortie: Path, *, date_lettre: dt.date | None = None,
               progression: Callable[[str], None] | None = None,
               avancement: Callable[[int, int], None] | None = None,
               annule: Callable[[], bool] | None = None) -> Lot:
    from instruction.domaine.horloge import aujourd_hui
    from instruction.rapports import lettres as rapport

    sortie = Path(sortie)
    if not sortie.is_dir():
        raise ErreurInstruction(f"Le dossier de sortie « {sortie} » n'existe pas : choisissez un dossier existant.")
    date_lettre = date_lettre or aujourd_hui()
    papier = rapport.papier()
    total = len(notifications) * 2  # chaque lettre est mise en page, puis recopiée dans le PDF de son porteur
    fait = 0

    def pas(message: str | None = None) -> None:
        nonlocal fait
        if annule is not None and annule():
            raise GenerationAnnulee("Génération annulée : aucun fichier n'a été écrit.")
        if avancement is not None:
            avancement(fait, total)
        if progression is not None and message:
            progression(message)

    pas("Mise en forme des lettres…")
    rendus = [rapport.rendre_notification(n, papier, date_lettre) for n in notifications]
    groupes: dict[int, list[int]] = {}
    for i, n in enumerate(notifications):
        groupes.setdefault(n.porteur_id, []).append(i)

    premier = notifications[0]
    nom_lot = rapport.nom_de_fichier(
        f"Lettres de notification {premier.campagne if _une_campagne(notifications) else ''} "
        f"{premier.financeur_sigle} {date_lettre.isoformat()}")
    try:
        provisoire = Path(tempfile.mkdtemp(prefix=f".{nom_lot}.", suffix=".en-cours", dir=sortie))
    except OSError as erreur:
        raise ErreurInstruction(f"Impossible d'écrire dans « {sortie} » : {erreur.strerror or erreur}.") from erreur
    try:
        # Toutes les lettres composées une fois ; les PDF des porteurs en reprennent les pages.
        pas("Mise en page de toutes les lettres…")

        def lettre_suivante(numero: int) -> None:
            nonlocal fait
            fait = numero - 1
            pas()

        pages: list[int] = []
        rapport.ecrire_lettres(provisoire / NOM_FUSION, rendus, papier, titre=f"Lettres de notification – "
                               f"{premier.financeur_sigle}", a_chaque_lettre=lettre_suivante, pages=pages)
        debuts = [sum(pages[:i]) for i in range(len(pages))]
        fait = len(notifications)
        from pypdf import PdfReader

        toutes = PdfReader(provisoire / NOM_FUSION)
        noms: set[str] = set()
        par_porteur: list[str] = []
        for indices in groupes.values():
            n = notifications[indices[0]]
            nom = rapport.nom_de_fichier(n.porteur)
            if nom.casefold() in noms:
                nom = f"{nom} ({n.porteur_id})"
            noms.add(nom.casefold())
            pas(f"Lettres de {n.porteur}…")
            rapport.extraire(toutes, provisoire / f"{nom}.pdf",
                             [debuts[i] + k for i in indices for k in range(pages[i])],
                             titre=f"Lettres de notification – {n.porteur}")
            fait += len(indices)
            par_porteur.append(f"{nom}.pdf")
        fait = total
        pas()
        final = _libre(sortie / nom_lot)
        os.rename(provisoire, final)
    except BaseException:
        shutil.rmtree(provisoire, ignore_errors=True)
        raise
    if progression is not None:
        progression(f"{len(notifications)} lettres écrites dans « {final} ».")
    return Lot(final, final / NOM_FUSION, tuple(final / nom for nom in par_porteur), len(notifications))


def _une_campagne(notifications: Sequence[Notification]) -> bool:
    return len({n.campagne for n in notifications}) == 1


def _libre(chemin: Path) -> Path:
    """``chemin``, ou « chemin (2) », « chemin (3) »… s'il existe déjà : un lot n'en écrase jamais un autre."""
    if not chemin.exists():
        return chemin
    rang = 2
    while (candidat := chemin.with_name(f"{chemin.name} ({rang})")).exists():
        rang += 1
    return candidat
