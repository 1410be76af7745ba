"""Les boîtes de fichier (issue 17, point 7) : elles s'ouvrent dans les Documents de l'utilisateur, puis dans
le dernier dossier utilisé, jamais dans le dossier du programme ; tous les écrans passent par ``ui/fichiers``."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QFileDialog

from instruction.ui import fichiers

RACINE = Path(__file__).resolve().parent.parent


def test_documents_puis_dernier_dossier(qapp, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    QSettings().remove(fichiers.CLE)  # un autre test du même processus a pu en retenir un
    documents = Path(platformdirs.user_documents_dir())
    documents.mkdir(parents=True, exist_ok=True)
    vus = []
    ailleurs = tmp_path / "exports" / "2027"
    ailleurs.mkdir(parents=True)

    def enregistrer(_parent, _titre, depart, _filtre=""):
        vus.append(Path(depart))
        return str(ailleurs / "liste"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", enregistrer)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda _p, _t, depart, _f="": (vus.append(Path(depart))
                                                                                         or ([], "")))
    assert fichiers.enregistrer_sous(None, "Exporter", "liste.xlsx", extension=".xlsx") == ailleurs / "liste.xlsx"
    assert vus[0] == documents / "liste.xlsx"
    assert RACINE not in vus[0].parents
    # La boîte suivante s'ouvre là où l'on vient d'enregistrer, même après un redémarrage (QSettings).
    fichiers.ouvrir_plusieurs(None, "Joindre")
    assert vus[1] == ailleurs
    # Le dossier a disparu : retour aux Documents.
    ailleurs.rmdir()
    assert fichiers.dossier_de_depart() == documents


def test_aucune_boite_de_fichier_en_dehors_de_l_aide():
    appels = re.compile(r"QFileDialog\.get(Save|Open|Existing)")
    fautifs = [str(f.relative_to(RACINE)) for f in (RACINE / "instruction").rglob("*.py")
               if f.name != "fichiers.py" and appels.search(f.read_text(encoding="utf-8"))]
    assert not fautifs, fautifs
