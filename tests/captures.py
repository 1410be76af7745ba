"""Les captures d'écran des tests : dans le dossier du test, et aussi dans ``INSTRUCTION_CAPTURES`` si cette
variable donne un dossier (pour les regarder : ``INSTRUCTION_CAPTURES=/tmp/captures pytest …``)."""

from __future__ import annotations

import os
from pathlib import Path


def capturer(widget, nom: str, dossier_du_test: Path) -> Path:
    image = widget.grab()
    fichier = dossier_du_test / nom
    assert image.save(str(fichier)), fichier
    if dossier := os.environ.get("INSTRUCTION_CAPTURES"):
        Path(dossier).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(dossier) / nom))
    return fichier
