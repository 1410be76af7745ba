"""Les règles d'architecture, vérifiées sur le code lui-même."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def test_seule_l_interface_importe_qt():
    fautifs = []
    for fichier in (RACINE / "instruction").rglob("*.py"):
        if "ui" in fichier.relative_to(RACINE / "instruction").parts[:1]:
            continue
        if re.search(r"^\s*(from|import)\s+PySide6", fichier.read_text(encoding="utf-8"), re.MULTILINE):
            fautifs.append(str(fichier.relative_to(RACINE)))
    assert fautifs == []


def test_rien_de_lourd_avant_la_premiere_peinture():
    """La fenêtre se peint avant que la couche de données, les formats et les documents soient chargés."""
    programme = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from instruction.ui.application import creer_application\n"
        "from instruction.ui.fenetre_principale import FenetrePrincipale\n"
        "app = creer_application([]); f = FenetrePrincipale('sqlite:///inutile.sqlite'); f.show()\n"
        "lourds = ('sqlalchemy', 'alembic', 'babel', 'yaml', 'num2words', 'reportlab', 'openpyxl', 'psycopg',\n"
        "          'instruction.db', 'instruction.ui.modele_dossiers', 'instruction.ui.page_referentiel')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in lourds or m in lourds))\n"
    )
    resultat = subprocess.run([sys.executable, "-c", programme], cwd=RACINE, capture_output=True, text=True, timeout=60)
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip().splitlines()[-1] == "[]"
