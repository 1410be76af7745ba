"""Les sections du second temps du cycle dans l'onglet d'un dossier (financements, convention, suivi…).

Chaque famille d'écrans déclare sa section dans ``SECTIONS`` (module, classe, titre) ; l'onglet du dossier
les place après « Historique » et ne les construit qu'à leur première apparition (ni import ni lecture avant) :
``Classe(contexte, dossier_id)``. Une section relit ses données par ``relire()`` et suit les changements
diffusés par ``sur_changement(changements, origine)`` si elle le sait.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

# (module, classe, titre de l'onglet) — dans l'ordre du cycle.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("instruction.ui.comite.financements", "SectionFinancements", "Financements"),
    ("instruction.ui.conventions.section_dossier", "SectionConventions", "Convention et versements"),
    ("instruction.ui.suivi.section_suivi", "SectionSuivi", "Suivi et bilans"),
)


class SectionDifferee(QWidget):
    """La place d'une section du cycle : la vraie section est construite à sa première apparition."""

    def __init__(self, module: str, classe: str, contexte, dossier_id: Callable[[], int | None]) -> None:
        super().__init__()
        self._module, self._classe = module, classe
        self._contexte, self._dossier_id = contexte, dossier_id
        self.section: QWidget | None = None
        self._disposition = QVBoxLayout(self)
        self._disposition.setContentsMargins(0, 0, 0, 0)
        self._attente = QLabel("Enregistrez d'abord le dossier : cette partie suit un dossier enregistré.")
        self._attente.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._attente.setWordWrap(True)
        self._disposition.addWidget(self._attente)

    def showEvent(self, evenement) -> None:  # noqa: N802 — nom imposé par Qt
        super().showEvent(evenement)
        self.construire()

    def construire(self) -> QWidget | None:
        """Construit la section si le dossier est enregistré (rien sinon) ; la rend."""
        if self.section is None and self._dossier_id() is not None:
            type_section = getattr(importlib.import_module(self._module), self._classe)
            self.section = type_section(self._contexte, self._dossier_id())
            self._attente.hide()
            self._disposition.addWidget(self.section)
        return self.section

    def sur_changement(self, changements, origine) -> None:
        suivre = getattr(self.section, "sur_changement", None)
        if suivre is not None:
            suivre(changements, origine)
