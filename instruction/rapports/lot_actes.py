"""Générer en lot les actes d'une campagne : un PDF et un DOCX par convention, sur les deux cœurs.

Chaque acte est composé puis rendu (PDF et DOCX) dans un processus de travail ; le processus principal écrit
les deux fichiers ensemble, sous des noms provisoires mis en place à la fin (``pdf.ecrire_atomiquement``) :
une annulation, une erreur ou un arrêt brutal ne laissent jamais de fichier à moitié écrit, et chaque PDF
écrit a son DOCX. L'avancement est dit acte par acte ; l'annulation est vue entre deux actes.

Peu d'actes (moins de ``SEUIL_PROCESSUS``) se rendent dans le processus courant : lancer des processus de
travail (qui chargent reportlab et python-docx) coûte plus que ce qu'ils feraient gagner.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports.acte import composer
from instruction.rapports.acte_donnees import DonneesActe
from instruction.rapports.pdf import ecrire_atomiquement

SEUIL_PROCESSUS = 12


@dataclass(frozen=True)
class ActeEcrit:
    numero: str
    titre: str
    pdf: Path
    docx: Path


@dataclass(frozen=True)
class LotActes:
    dossier: Path
    ecrits: tuple[ActeEcrit, ...]
    demandes: int
    annule: bool = False
    erreurs: tuple[str, ...] = field(default=())

    def resume(self) -> str:
        n = len(self.ecrits)
        texte = f"{n} acte{'s' if n > 1 else ''} sur {self.demandes} écrit{'s' if n > 1 else ''} dans {self.dossier}"
        if self.annule:
            texte += " (génération annulée : les actes déjà écrits sont complets, aucun fichier n'est à moitié écrit)"
        return texte + "."


def rendre(donnees: DonneesActe) -> tuple[str, str, str, bytes, bytes]:
    """Compose et rend un acte : (numéro, titre, nom de fichier, PDF, DOCX). Tourne dans un processus de travail."""
    from instruction.rapports import convention_docx, convention_pdf

    acte = composer(donnees)
    return donnees.numero, acte.titre, acte.nom_fichier, convention_pdf.octets(acte), convention_docx.octets(acte)


def _contexte_processus():
    """« forkserver » (« spawn » hors Linux) : jamais de fork d'un processus qui a des fils (l'interface Qt, le
    pool de Qt). Le serveur charge une fois reportlab, la bibliothèque de clauses et le modèle du DOCX
    (``lot_actes_prechargement``) ; chaque processus de travail en part tout prêt."""
    if os.name != "posix":
        return multiprocessing.get_context("spawn")
    contexte = multiprocessing.get_context("forkserver")
    contexte.set_forkserver_preload(["instruction.rapports.lot_actes", "instruction.rapports.lot_actes_prechargement"])
    return contexte


def processus_disponibles() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pas sous Linux
        return max(1, os.cpu_count() or 1)


def _resultats(donnees: Sequence[DonneesActe], processus: int,
               annule: Callable[[], bool]) -> Iterator[tuple[int, tuple | BaseException]]:
    """(rang, résultat ou erreur) dans l'ordre d'achèvement ; s'arrête dès que ``annule()`` est vrai."""
    if processus <= 1 or len(donnees) < SEUIL_PROCESSUS:
        for rang, d in enumerate(donnees):
            if annule():
                return
            try:
                yield rang, rendre(d)
            except ErreurInstruction as erreur:
                yield rang, erreur
        return
    with ProcessPoolExecutor(max_workers=processus, mp_context=_contexte_processus()) as pool:
        en_vol: dict[Future, int] = {}
        suivants = iter(enumerate(donnees))
        try:
            while True:
                while len(en_vol) < 2 * processus and not annule():
                    prochain = next(suivants, None)
                    if prochain is None:
                        break
                    en_vol[pool.submit(rendre, prochain[1])] = prochain[0]
                if not en_vol or annule():
                    return
                faits, _ = wait(en_vol, return_when=FIRST_COMPLETED)
                for futur in faits:
                    rang = en_vol.pop(futur)
                    erreur = futur.exception()
                    if erreur is not None and not isinstance(erreur, ErreurInstruction):
                        raise erreur
                    yield rang, erreur if erreur is not None else futur.result()
        finally:
            for futur in en_vol:
                futur.cancel()


def generer(donnees: Sequence[DonneesActe], dossier: Path, *, progression: Callable[[str], None] | None = None,
            annule: Callable[[], bool] | None = None, processus: int | None = None) -> LotActes:
    """Écrit ``<nom>.pdf`` et ``<nom>.docx`` de chaque acte dans ``dossier`` (créé au besoin)."""
    dossier = Path(dossier)
    try:
        dossier.mkdir(parents=True, exist_ok=True)
    except OSError as erreur:
        raise ErreurInstruction(f"Impossible de créer le dossier « {dossier} » : {erreur.strerror or erreur}.") \
            from erreur
    dire = progression or (lambda _m: None)
    arreter = annule or (lambda: False)
    total = len(donnees)
    processus = processus or min(processus_disponibles(), 2)
    ecrits: list[ActeEcrit] = []
    erreurs: list[str] = []
    noms: set[str] = set()

    def ecrire(rang: int, resultat: tuple | BaseException) -> None:
        if isinstance(resultat, BaseException):
            erreurs.append(f"{donnees[rang].numero} : {getattr(resultat, 'message', resultat)}")
            return
        numero, titre, nom, pdf, docx = resultat
        base, suffixe = nom, 2
        while base.casefold() in noms:  # deux actes de même nom : aucun n'écrase l'autre
            base, suffixe = f"{nom} ({suffixe})", suffixe + 1
        noms.add(base.casefold())
        fichier_pdf, fichier_docx = dossier / f"{base}.pdf", dossier / f"{base}.docx"
        ecrire_atomiquement({fichier_pdf: pdf, fichier_docx: docx})
        ecrits.append(ActeEcrit(numero, titre, fichier_pdf, fichier_docx))
        dire(f"Acte {len(ecrits)} / {total} : {base}")

    with closing(_resultats(donnees, processus, arreter)) as resultats:
        for rang, resultat in resultats:
            ecrire(rang, resultat)
    annule_ = len(ecrits) + len(erreurs) < total
    return LotActes(dossier, tuple(ecrits), total, annule_, tuple(erreurs))
