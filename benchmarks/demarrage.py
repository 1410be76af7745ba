"""Banc d'essai du démarrage, comparé à une fenêtre PySide6 nue lancée dans la même série.

    python benchmarks/demarrage.py [--repetitions 5] [--dossiers 100000]

Mesure, en processus neufs (démarrage à froid de Python à chaque fois) :

* la fenêtre nue : lancement → première peinture ;
* Instruction sur la base de démonstration puis sur une base de N dossiers :
  lancement → fenêtre peinte, → première page de dossiers listée et peinte,
  → tableau complet chargé ;
* dans un processus, sur la grande base : le temps de filtrage de chaque frappe
  dans la recherche (ce que l'utilisateur attend avant de voir le tableau filtré).

Les bases sont créées dans un dossier temporaire. Les chiffres (médianes) sont
imprimés en Markdown pour ``docs/performances.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
ICI = Path(__file__).resolve().parent


def lancer(commande: list[str], mesure: Path, quitter_apres: str, environnement: dict) -> dict[str, float]:
    mesure.unlink(missing_ok=True)
    env = {**environnement, "INSTRUCTION_MESURE": str(mesure), "INSTRUCTION_MESURE_QUITTER": quitter_apres}
    debut = time.time()
    subprocess.run(commande, cwd=RACINE, env=env, check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    evenements = {}
    for ligne in mesure.read_text(encoding="utf-8").splitlines():
        donnee = json.loads(ligne)
        evenements[donnee["evenement"]] = donnee["t"] - debut
    return evenements


def serie(nom: str, commande: list[str], quitter_apres: str, env: dict, repetitions: int, dossier: Path):
    resultats: dict[str, list[float]] = {}
    for i in range(repetitions):
        for cle, valeur in lancer(commande, dossier / f"{nom}-{i}.jsonl", quitter_apres, env).items():
            resultats.setdefault(cle, []).append(valeur)
    return {cle: statistics.median(valeurs) for cle, valeurs in resultats.items()}


FRAPPES = """
import os, sys, time, statistics, json
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from instruction.ui.application import creer_application
from instruction.ui.fenetre_principale import FenetrePrincipale
application = creer_application([])
fenetre = FenetrePrincipale(sys.argv[1]); fenetre.show()
debut = time.perf_counter(); fenetre.demarrer()
modele = fenetre.page_dossiers.modele
while modele.nombre_total() < int(sys.argv[2]):
    application.processEvents(); time.sleep(0.001)
ouverture = time.perf_counter() - debut
while not modele.recherche_prete():
    application.processEvents(); time.sleep(0.001)
recherche_prete = time.perf_counter() - debut
champ = fenetre.page_dossiers.recherche
durees = []
for texte in ("beau marais", "matisse 2019", "cdv-2024-0", "soldé sport"):
    champ.clear(); application.processEvents()
    for lettre in texte:
        t = time.perf_counter()
        QTest.keyClick(champ, lettre)
        fenetre.page_dossiers.table.viewport().repaint()
        durees.append(time.perf_counter() - t)
tri = time.perf_counter()
fenetre.page_dossiers.table.sortByColumn(8, Qt.SortOrder.DescendingOrder)
tri = time.perf_counter() - tri
print(json.dumps({"ouverture": ouverture, "recherche_prete": recherche_prete, "frappe_mediane": statistics.median(durees),
                  "frappe_max": max(durees), "tri": tri}))
fenetre.close()
"""


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--repetitions", type=int, default=5)
    analyseur.add_argument("--dossiers", type=int, default=100_000)
    arguments = analyseur.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="instruction-banc-") as temporaire:
        dossier = Path(temporaire)
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "XDG_DATA_HOME": str(dossier / "donnees"), "XDG_STATE_HOME": str(dossier / "etat"),
               "XDG_CONFIG_HOME": str(dossier / "config")}
        demo = dossier / "demo.sqlite"
        grande = dossier / "grande.sqlite"
        print("Préparation des bases…", file=sys.stderr)
        subprocess.run([python, "-m", "instruction", "--database", f"sqlite:///{demo}", "demo"],
                       cwd=RACINE, env=env, check=True, capture_output=True)
        subprocess.run([python, str(ICI / "generer_base.py"), str(grande), "--dossiers", str(arguments.dossiers)],
                       cwd=RACINE, env=env, check=True, capture_output=True)
        # Un premier lancement à blanc remplit le cache disque (comme au deuxième démarrage d'un poste).
        lancer([python, str(ICI / "fenetre_nue.py")], dossier / "chauffe.jsonl", "fenetre_peinte", env)

        print("Mesures…", file=sys.stderr)
        nue = serie("nue", [python, str(ICI / "fenetre_nue.py")], "fenetre_peinte", env, arguments.repetitions, dossier)
        app_demo = serie("demo", [python, "main.py", "--database", f"sqlite:///{demo}"], "table_complete", env,
                         arguments.repetitions, dossier)
        app_grande = serie("grande", [python, "main.py", "--database", f"sqlite:///{grande}"], "table_complete", env,
                           arguments.repetitions, dossier)
        frappes = json.loads(subprocess.run(
            [python, "-c", FRAPPES, f"sqlite:///{grande}", str(arguments.dossiers)], cwd=RACINE, env=env,
            check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])

    reference = nue["fenetre_peinte"]
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
          f"{platform.system()} ; médianes de {arguments.repetitions} lancements à froid.\n")
    print("| mesure | fenêtre nue | base de démonstration (142 dossiers) | "
          f"base de {arguments.dossiers:,} dossiers | cible |".replace(",", " "))
    print("|---|---|---|---|---|")
    print(f"| fenêtre peinte | {ms(reference)} | {ms(app_demo['fenetre_peinte'])} "
          f"({app_demo['fenetre_peinte'] / reference:.2f}×) | {ms(app_grande['fenetre_peinte'])} "
          f"({app_grande['fenetre_peinte'] / reference:.2f}×) | ≤ 1,5× la fenêtre nue |")
    print(f"| première page de dossiers listée | — | {ms(app_demo['premiere_page'])} | "
          f"{ms(app_grande['premiere_page'])} | ≤ 600 ms |")
    print(f"| tableau complet chargé | — | {ms(app_demo['table_complete'])} | {ms(app_grande['table_complete'])} | — |")
    print(f"\nDans l'application ouverte sur {arguments.dossiers:,} dossiers :".replace(",", " "))
    print(f"- ouverture du tableau complet (de la demande à la dernière ligne chargée) : {ms(frappes['ouverture'])} "
          "(cible < 1 s) ;")
    print(f"- recherche prête (textes de recherche préparés en arrière-plan) : {ms(frappes['recherche_prete'])} ;")
    print(f"- frappe dans la recherche, filtrage et repeinture du tableau : médiane {ms(frappes['frappe_mediane'])}, "
          f"pire {ms(frappes['frappe_max'])} (cible < 100 ms) ;")
    print(f"- tri de toute la colonne « Coût total » : {ms(frappes['tri'])}.")


if __name__ == "__main__":
    main()
