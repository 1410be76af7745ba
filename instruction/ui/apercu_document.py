"""« Aperçu avant impression… » d'un document que l'application écrit : le même geste partout.

L'action qui écrit le document (``ecrire_dossier_de_seance``, ``ecrire_releve``, l'export du bilan de la
programmation, le rapport d'évaluation…) tourne hors du fil de l'interface (``Operation``) et écrit dans un
dossier temporaire ; ses octets sont relus puis le dossier est effacé, dans le même fil ; l'aperçu de Qt
(``ui/impression.py``, bouton Imprimer compris) s'ouvre ensuite sur ces octets. Le bouton « Enregistrer… » de
chaque écran reste là pour garder le fichier.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from instruction.ui.operation import Operation

LIBELLE = "Aperçu avant impression…"
BULLE = "Le document écrit puis montré dans l'aperçu avant impression (zoom, pages, mise en page), d'où il s'imprime"


def ecrire_en_octets(fonction: Callable[..., Any], *args: Any, nom: str, **kwargs: Any) -> bytes:
    """``fonction(*args, chemin, **kwargs)`` dans un dossier temporaire ; rend les octets du fichier écrit
    (le dossier est effacé, même en cas d'erreur). ``fonction`` rend le chemin écrit ou ``None``."""
    with tempfile.TemporaryDirectory(prefix="instruction-apercu-") as dossier:
        chemin = Path(dossier) / nom
        ecrit = fonction(*args, chemin, **kwargs)
        return Path(ecrit or chemin).read_bytes()


def apercu_apres_ecriture(parent: QWidget, titre: str, nom: str, fonction: Callable[..., Any], *args: Any,
                          refus: Callable[[str], None] | None = None,
                          progression: Callable[[str], None] | None = None,
                          apres: Callable[[], None] | None = None) -> Operation:
    """Écrit le document hors du fil de l'interface, puis ouvre son aperçu avant impression (``titre``)."""

    def montrer(octets: bytes) -> None:
        if apres is not None:
            apres()
        from instruction.ui import impression  # charge QtPdf au moment d'imprimer seulement

        impression.apercu(parent, octets, titre)

    operation = Operation(ecrire_en_octets, fonction, *args, nom=nom, parent=parent).apres(montrer)
    if refus is not None:
        operation.refus(refus)
    if progression is not None:
        # ``progression=`` va à ``ecrire_en_octets``, qui le passe à ``fonction`` par ses ``kwargs``.
        operation.progression(progression)
    return operation.lancer()
