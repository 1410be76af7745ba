"""Les graphiques des PDF (reportlab.graphics) : barres groupées ou empilées, courbes dans le temps, avec leur
légende ; une seule façon de les dessiner pour l'approche budgétaire, le bilan de la programmation et
l'évaluation. Les valeurs arrivent en ``Decimal`` : elles ne deviennent des flottants que pour le dessin."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from reportlab.lib import colors

from instruction.domaine import argent, nombres

PALETTE = tuple(colors.HexColor(c) for c in ("#1f3a5f", "#2e7d32", "#c77c02", "#8e244d", "#4a6fa5", "#6a9f3a",
                                             "#7b5ea7", "#b5533c", "#2a8c8c", "#8a8a8a", "#d4a017", "#5d4037"))
Serie = tuple[str, Sequence[Decimal | int | None]]


def euros(valeur: float) -> str:
    from instruction.rapports import pdf

    return pdf.texte(argent.formater(Decimal(int(valeur)), vide="")).replace(",00", "")


def nombre(valeur: float) -> str:
    from instruction.rapports import pdf

    return pdf.texte(nombres.formater(Decimal(str(valeur)).normalize()))


def _legende(dessin, series: Sequence[Serie], couleurs, largeur: float, hauteur: float) -> None:
    from reportlab.graphics.charts.legends import Legend

    legende = Legend()
    legende.x, legende.y = 50, hauteur - 4
    legende.fontName, legende.fontSize = "Helvetica", 7.5
    legende.alignment = "right"
    legende.columnMaximum = 1
    legende.deltax = max(60, min(115, (largeur - 60) / max(len(series), 1)))
    legende.dx, legende.dy = 8, 8
    legende.colorNamePairs = [(couleurs[i], _court(nom, 26)) for i, (nom, _v) in enumerate(series)]
    if len(series) > 5:  # sur deux lignes
        legende.columnMaximum = 2
        legende.deltax = max(60, min(150, (largeur - 60) / ((len(series) + 1) // 2)))
    dessin.add(legende)


def _court(texte: str, longueur: int) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


def _vide(largeur: float):
    from reportlab.graphics.shapes import Drawing, String

    dessin = Drawing(largeur, 14)
    dessin.add(String(0, 3, "Aucune valeur à représenter.", fontName="Helvetica-Oblique", fontSize=8))
    return dessin


def barres(categories: Sequence[str], series: Sequence[Serie], largeur: float, hauteur: float, *,
           empile: bool = False, formater: Callable[[float], str] = euros, couleurs=None):
    """Barres groupées (ou empilées) : une catégorie par groupe, une série par barre (ou segment)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing

    if not categories or not series:
        return _vide(largeur)

    couleurs = couleurs or PALETTE
    lignes_legende = 2 if len(series) > 5 else 1
    dessin = Drawing(largeur, hauteur)
    graphique = VerticalBarChart()
    graphique.x, graphique.y = 55, 30
    graphique.width, graphique.height = largeur - 65, hauteur - 45 - 11 * lignes_legende
    graphique.data = [[float(v or 0) for v in valeurs] for _nom, valeurs in series]
    graphique.categoryAxis.categoryNames = [_court(c, max(8, int(graphique.width / max(len(categories), 1) / 4.2)))
                                            for c in categories]
    graphique.categoryAxis.labels.fontName = "Helvetica"
    graphique.categoryAxis.labels.fontSize = 7
    graphique.valueAxis.valueMin = 0
    graphique.valueAxis.labels.fontName = "Helvetica"
    graphique.valueAxis.labels.fontSize = 7
    graphique.valueAxis.labelTextFormat = formater
    if empile:
        graphique.categoryAxis.style = "stacked"
    for i in range(len(series)):
        graphique.bars[i].fillColor = couleurs[i % len(couleurs)]
        graphique.bars[i].strokeColor = None
    graphique.barSpacing, graphique.groupSpacing = 1, 10
    dessin.add(graphique)
    _legende(dessin, series, couleurs, largeur, hauteur)
    return dessin


def courbes(annees: Sequence[str], series: Sequence[Serie], largeur: float, hauteur: float, *,
            formater: Callable[[float], str] = nombre):
    """Courbes dans le temps : un point par année ; une valeur absente coupe la courbe."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.graphics.widgets.markers import makeMarker

    if not annees or not any(v is not None for _n, vs in series for v in vs):
        return _vide(largeur)
    dessin = Drawing(largeur, hauteur)
    graphique = HorizontalLineChart()
    graphique.x, graphique.y = 55, 25
    graphique.width, graphique.height = largeur - 65, hauteur - 50
    graphique.data = [[float(v) if v is not None else None for v in valeurs] for _nom, valeurs in series]
    graphique.categoryAxis.categoryNames = list(annees)
    graphique.categoryAxis.labels.fontName = "Helvetica"
    graphique.categoryAxis.labels.fontSize = 7
    graphique.valueAxis.labels.fontName = "Helvetica"
    graphique.valueAxis.labels.fontSize = 7
    graphique.valueAxis.labelTextFormat = formater
    valeurs = [v for _n, vs in series for v in vs if v is not None]
    graphique.valueAxis.valueMin = min(0.0, *(float(v) for v in valeurs)) if valeurs else 0
    for i in range(len(series)):
        graphique.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        graphique.lines[i].strokeWidth = 1.5
        graphique.lines[i].symbol = makeMarker("FilledCircle", size=4)
    dessin.add(graphique)
    _legende(dessin, series, PALETTE, largeur, hauteur)
    return dessin
