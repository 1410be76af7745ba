"""Banc d'essai : lire, valider et simuler l'import d'un export de 10 000 lignes ; puis l'importer.

    python benchmarks/import.py [--lignes 10000] [--ecrire 1000]

Le fichier est un classeur xlsx écrit par openpyxl (forme Dauphin : une colonne par cofinanceur, SIRET en
nombre à virgule, dates, quartiers), sur une base SQLite neuve (référentiel chargé). On mesure séparément :

* lecture du fichier (python-calamine) ;
* validation de chaque ligne, regroupement par dossier et simulation (ce que l'assistant montre avant
  d'importer) — l'objectif de l'issue 14 : moins de 2 s pour 10 000 lignes, simulation comprise ;
* import réel de ``--ecrire`` lignes (chaque dossier passe par ``services.dossier.enregistrer``, une seule
  transaction), pour information.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ENTETES = ["Action de demande - Code dossier", "Exercice", "Dispositif", "Intitulé de l'action", "Code SIRET",
           "Raison sociale", "Statut", "Date de dépôt", "Date de début", "Date de fin", "Quartiers",
           "Montant sollicité État", "Montant sollicité Ville de Calais", "Montant sollicité CAF", "Montant voté État"]


def _siret(rang: int) -> str:
    """Un SIRET valide (clés de Luhn du SIREN et du SIRET), différent pour chaque rang."""
    from stdnum import luhn

    siren = f"{10_000_000 + rang:08d}"
    siren += luhn.calc_check_digit(siren)
    debut = siren + "0001"
    return debut + luhn.calc_check_digit(debut)


SIRETS = [73282932000074.0, *(_siret(i) for i in range(1, 40))]  # 40 porteurs, le premier en nombre à virgule


def classeur(chemin: Path, lignes: int) -> Path:
    import openpyxl

    c = openpyxl.Workbook(write_only=True)
    f = c.create_sheet("Export")
    f.append(ENTETES)
    for i in range(lignes):
        f.append([f"{i + 1:08d}", 2027, "Contrat de ville", f"Action numéro {i}", SIRETS[i % len(SIRETS)], f"Porteur {i % len(SIRETS)}",
                  "Transmis", dt.date(2026, 11, 2), dt.date(2027, 3, 1), dt.date(2027, 11, 30),
                  "Beau Marais; Fort Nieulay", 2000 + i % 500, 1500.5, 300, 1800])
    c.save(chemin)
    return chemin


def main() -> int:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--lignes", type=int, default=10_000)
    parametres.add_argument("--ecrire", type=int, default=1_000)
    arguments = parametres.parse_args()
    from instruction import import_fichier
    from instruction.services.actions import echanges
    from instruction.services.contexte import ouvrir

    with tempfile.TemporaryDirectory() as dossier:
        dossier = Path(dossier)
        chemin = classeur(dossier / "export.xlsx", arguments.lignes)
        contexte = ouvrir(f"sqlite:///{dossier / 'base.sqlite'}")
        debut = time.perf_counter()
        import_fichier.lire(chemin)
        lecture = time.perf_counter() - debut
        debut = time.perf_counter()
        ouvert = echanges.ouvrir(contexte, str(chemin))
        apercu = echanges.simuler(contexte, ouvert.tableau, ouvert.colonnes)
        total = time.perf_counter() - debut
        assert apercu.importable and apercu.plan.compter("creation") == arguments.lignes, apercu.resume()
        print(f"{arguments.lignes} lignes : lecture {lecture:.2f} s ; lecture + validation + simulation {total:.2f} s")

        petit = import_fichier.lire(classeur(dossier / "petit.xlsx", arguments.ecrire))
        debut = time.perf_counter()
        bilan = echanges.importer(contexte, petit, ouvert.colonnes).valeur
        ecriture = time.perf_counter() - debut
        debut = time.perf_counter()
        echanges.simuler(contexte, petit, ouvert.colonnes)
        resimulation = time.perf_counter() - debut
        print(f"import réel de {bilan.crees} dossiers : {ecriture:.2f} s ({ecriture / bilan.crees * 1000:.1f} ms par "
              f"dossier) ; nouvelle simulation sur ces dossiers déjà importés : {resimulation:.2f} s")
        contexte.fermer()
    return 0


if __name__ == "__main__":
    sys.exit(main())
