"""Banc d'essai : exporter 10 000 dossiers avec un jeu de colonnes (xlsx, ods, csv).

    python benchmarks/export.py [--dossiers 10000]

La base est générée par ``generer_base`` (dossiers de la démonstration répétés, SQLite) ; un jeu de toutes
les colonnes (instructeur et cotations compris) est enregistré puis relu, comme le fait la commande
``instruction exporter dossiers --colonnes JEU``. On mesure séparément la lecture des lignes (services) et
l'écriture de chaque format par ``actions.exports.exporter`` — l'objectif de l'issue 14 : moins d'une
seconde pour écrire 10 000 dossiers en xlsx. Chaque écriture est faite trois fois ; on garde la meilleure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--dossiers", type=int, default=10_000)
    arguments = parametres.parse_args()
    from benchmarks.generer_base import generer
    from instruction.domaine import colonnes
    from instruction.services import exports as service
    from instruction.services.actions import exports
    from instruction.services.contexte import ouvrir

    with tempfile.TemporaryDirectory() as dossier:
        dossier = Path(dossier)
        generer(dossier / "base.sqlite", arguments.dossiers)
        contexte = ouvrir(f"sqlite:///{dossier / 'base.sqlite'}")
        exports.enregistrer_jeu(contexte, "Tout", [c.code for c in colonnes.catalogue()])
        debut = time.perf_counter()
        with contexte.unite(lecture=True) as uow:
            codes = service.jeu(uow, "Tout").codes
            lignes = service.lignes(uow)
        lecture = time.perf_counter() - debut
        print(f"{len(lignes)} dossiers, {len(codes)} colonnes : lecture (services) {lecture:.2f} s")
        for extension in (".xlsx", ".csv", ".ods"):
            durees = []
            for essai in range(3):
                debut = time.perf_counter()
                exports.exporter(codes, lignes, dossier / f"export{essai}{extension}")
                durees.append(time.perf_counter() - debut)
            print(f"  écriture {extension} : {min(durees):.2f} s (meilleur de 3 ; "
                  f"{(dossier / f'export0{extension}').stat().st_size // 1024} Kio)")
        contexte.fermer()
    return 0


if __name__ == "__main__":
    sys.exit(main())
