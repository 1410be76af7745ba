"""Petits outils Qt partagés par les écrans."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel


def changer_filtre(proxy: QSortFilterProxyModel, appliquer: Callable[[], None]) -> None:
    """Applique un nouveau critère de filtre et fait recalculer le filtrage (Qt ≥ 6.9 ou antérieur)."""
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        appliquer()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        appliquer()
        proxy.invalidateFilter()


def choisir(liste, code: str) -> None:
    """Sélectionne dans une liste déroulante l'élément de donnée ``code`` (le premier sinon)."""
    index = liste.findData(code)
    liste.setCurrentIndex(index if index >= 0 else 0)
