"""Banc d'essai : clôturer une séance du comité de 150 dossiers (issue 11).

    python benchmarks/seance.py [--dossiers 150] [--repetitions 3] [--delai-ms 2.5]
                                [--serveur postgresql://instruction:instruction@127.0.0.1:5432/instruction_test]

Pour chaque moteur, le banc prépare par les services ``repetitions`` séances de ``dossiers`` dossiers
instruits (examen, grille égalité cotée, proposition) dont les décisions sont saisies (« Reprendre les
propositions »), puis chronomètre la clôture de chacune par l'action des écrans (``actions.comite.cloturer`` :
verrou de la séance, règles de toutes les décisions, passages, états, montants accordés, historique, en une
transaction) :

* SQLite : un fichier temporaire ;
* PostgreSQL directement, puis **derrière le relais** de ``benchmarks/latence.py`` (2,5 ms par sens, soit
  5 ms par aller-retour) : la clôture doit faire un nombre d'allers-retours qui ne dépend pas du nombre de
  dossiers (lots).

Cibles : < 1 s sous SQLite, < 2 s sous PostgreSQL derrière 5 ms de latence. On donne la médiane et le pire,
le nombre de requêtes SQL et (derrière le relais) d'allers-retours de la clôture. Les bases sont supprimées
à la fin.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.latence import Relais, creer_base, par_le_relais, supprimer_base  # noqa: E402

URL_PAR_DEFAUT = os.environ.get("INSTRUCTION_TEST_POSTGRES_URL",
                                "postgresql://instruction:instruction@127.0.0.1:5432/instruction_test")


def preparer(url: str, dossiers: int, repetitions: int) -> list[int]:
    """Les séances à clôturer : ``repetitions`` séances d'hier, ``dossiers`` dossiers instruits chacune."""
    from instruction.domaine.horloge import aujourd_hui
    from instruction.services.actions import comite as actions
    from instruction.services.contexte import ouvrir
    from tests import fabrique_comite

    contexte = ouvrir(url)
    try:
        seances = []
        for _rang in range(repetitions):
            ids = fabrique_comite.instruits(contexte, dossiers)
            seance = actions.creer_seance(contexte, "comite-financeurs", aujourd_hui() - dt.timedelta(days=1)).valeur
            actions.inscrire(contexte, seance.id, ids)
            actions.reprendre_propositions(contexte, seance.id)
            seances.append(seance.id)
        return seances
    finally:
        contexte.fermer()


def cloturer(url: str, seances: list[int], relais: Relais | None = None) -> tuple[list[float], list[int], list[int]]:
    """Chronomètre la clôture de chaque séance (un contexte ouvert d'abord, comme un poste déjà connecté)."""
    from instruction.services.actions import comite as actions
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url)
    durees, requetes, echanges = [], [], []
    compte = []

    def noter(*_a):
        compte.append(1)

    event.listen(contexte.moteur, "before_cursor_execute", noter)
    try:
        for seance_id in seances:
            version = actions.lire_seance(contexte, seance_id).version  # l'écran a lu la séance
            compte.clear()
            avant = relais.allers_retours if relais else 0
            debut = time.perf_counter()
            fait = actions.cloturer(contexte, seance_id, version)
            durees.append(time.perf_counter() - debut)
            requetes.append(len(compte))
            echanges.append(relais.allers_retours - avant if relais else 0)
            assert len(fait.valeur.dossiers) > 0
    finally:
        event.remove(contexte.moteur, "before_cursor_execute", noter)
        contexte.fermer()
    return durees, requetes, echanges


def ligne(nom: str, durees: list[float], requetes: list[int], echanges: list[int], cible: float) -> str:
    mediane, pire = statistics.median(durees), max(durees)
    verdict = "oui" if pire < cible else "NON"
    relais = f"{min(echanges)}–{max(echanges)}" if any(echanges) else "—"
    return (f"| {nom} | {mediane * 1000:.0f} ms | {pire * 1000:.0f} ms | {min(requetes)}–{max(requetes)} | {relais} | "
            f"< {cible:.0f} s : {verdict} |")


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--dossiers", type=int, default=150)
    analyseur.add_argument("--repetitions", type=int, default=3)
    analyseur.add_argument("--delai-ms", type=float, default=2.5, help="retard par sens (2,5 ms : 5 ms aller-retour)")
    analyseur.add_argument("--serveur", default=URL_PAR_DEFAUT)
    analyseur.add_argument("--sans-postgres", action="store_true")
    arguments = analyseur.parse_args()
    lignes = [f"| Clôture d'une séance de {arguments.dossiers} dossiers | médiane | pire | requêtes | allers-retours "
              "| cible |", "|---|---|---|---|---|---|"]

    with tempfile.TemporaryDirectory() as dossier:
        url = f"sqlite:///{Path(dossier) / 'seance.sqlite'}"
        debut = time.perf_counter()
        seances = preparer(url, arguments.dossiers, arguments.repetitions)
        print(f"SQLite : {len(seances)} séances préparées en {time.perf_counter() - debut:.1f} s", file=sys.stderr)
        lignes.append(ligne("SQLite (fichier local)", *cloturer(url, seances), cible=1))

    if not arguments.sans_postgres:
        serveur = make_url(arguments.serveur)
        relais = Relais(serveur.host or "127.0.0.1", serveur.port or 5432, arguments.delai_ms / 1000)
        port = relais.demarrer()
        url = creer_base(arguments.serveur)
        try:
            debut = time.perf_counter()
            seances = preparer(url, arguments.dossiers, 2 * arguments.repetitions)
            print(f"PostgreSQL : {len(seances)} séances préparées en {time.perf_counter() - debut:.1f} s",
                  file=sys.stderr)
            directes, lointaines = seances[:arguments.repetitions], seances[arguments.repetitions:]
            lignes.append(ligne("PostgreSQL (local, direct)", *cloturer(url, directes), cible=2))
            lignes.append(ligne(f"PostgreSQL derrière {2 * arguments.delai_ms:g} ms d'aller-retour",
                                *cloturer(par_le_relais(url, port), lointaines, relais), cible=2))
        finally:
            supprimer_base(arguments.serveur, url)
            relais.arreter()
    print("\n".join(lignes))


if __name__ == "__main__":
    main()
