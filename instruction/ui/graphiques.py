"""Les graphiques des écrans, dessinés avec ``QPainter`` (Qt Charts n'est pas dans PySide6-Essentials) : barres
groupées ou empilées, et courbes (séries dans le temps). Une seule façon de tracer axes, graduations et légende,
partagée par l'approche budgétaire intégrée, le bilan de la programmation et l'évaluation.

Les valeurs sont des ``Decimal`` (ou des entiers) ; ``formater`` dit comment écrire une graduation et une valeur
de bulle (montant en euros par défaut, ``nombre`` pour des effectifs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from instruction.domaine import argent, nombres

BLEU, VERT = QColor("#1f3a5f"), QColor("#2e7d32")
# Une palette lisible et distincte pour les séries (cofinanceurs, années, quartiers…).
PALETTE = tuple(QColor(c) for c in ("#1f3a5f", "#2e7d32", "#c77c02", "#8e244d", "#4a6fa5", "#6a9f3a", "#7b5ea7",
                                    "#b5533c", "#2a8c8c", "#8a8a8a", "#d4a017", "#5d4037"))
Serie = tuple[str, QColor, Sequence[Decimal | int | None]]


def couleur(rang: int) -> QColor:
    return PALETTE[rang % len(PALETTE)]


def euros(valeur: Decimal) -> str:
    """« 12 500 € » : une graduation en euros sans centimes."""
    return argent.formater(Decimal(int(valeur))).replace(",00", "")


def nombre(valeur: Decimal) -> str:
    return nombres.formater(valeur.normalize() if isinstance(valeur, Decimal) else valeur)


def echelle(maximum: Decimal) -> Decimal:
    """Le haut de l'axe : 1, 2, 2,5 ou 5 fois une puissance de dix, juste au-dessus du maximum."""
    if maximum <= 0:
        return Decimal(1)
    puissance = Decimal(10) ** (len(str(int(maximum))) - 1)
    for facteur in (1, 2, Decimal("2.5"), 5, 10):
        if puissance * facteur >= maximum:
            return puissance * facteur
    return puissance * 10


class _Graphique(QWidget):
    """Le cadre commun : fond, axe des valeurs gradué en quatre intervalles, étiquettes des catégories, légende."""

    vide = "Aucune valeur à représenter."

    def __init__(self, nom: str, formater: Callable[[Decimal], str] = euros) -> None:
        super().__init__()
        self.setMinimumHeight(200)
        self.setAccessibleName(nom)
        self.formater = formater
        self.categories: list[str] = []
        self.series: list[Serie] = []

    def definir(self, categories: Sequence[str], series: Sequence[Serie]) -> None:
        self.categories, self.series = list(categories), list(series)
        self.setToolTip("\n".join(
            f"{c} : " + " ; ".join(f"{nom} {self.formater(Decimal(valeurs[i]))}" for nom, _c, valeurs in series
                                   if valeurs[i] is not None)
            for i, c in enumerate(categories)))
        self.update()

    def maximum(self) -> Decimal:
        return max((Decimal(v) for _n, _c, valeurs in self.series for v in valeurs if v is not None),
                   default=Decimal(0))

    def minimum(self) -> Decimal:
        return min((Decimal(v) for _n, _c, valeurs in self.series for v in valeurs if v is not None),
                   default=Decimal(0))

    def bornes(self) -> tuple[Decimal, Decimal]:
        """Le bas et le haut de l'axe : zéro compris ; une valeur négative (une évolution) descend sous zéro."""
        haut = echelle(self.maximum()) if self.maximum() > 0 else Decimal(0)
        bas = -echelle(-self.minimum()) if self.minimum() < 0 else Decimal(0)
        return bas, (haut if haut > bas else bas + 1)

    def y(self, valeur) -> float:
        """L'ordonnée d'une valeur dans la zone tracée."""
        bas, haut = self._bornes
        return self._zone.bottom() - self._zone.height() * float((Decimal(valeur) - bas) / (haut - bas))

    def paintEvent(self, _evenement) -> None:  # noqa: N802 — nom imposé par Qt
        peintre = QPainter(self)
        peintre.setRenderHint(QPainter.RenderHint.Antialiasing)
        peintre.fillRect(self.rect(), QColor("white"))
        if not self.categories or not self.series:
            peintre.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.vide)
            return
        police = QFont(self.font())
        police.setPointSizeF(max(police.pointSizeF() - 1, 7))
        peintre.setFont(police)
        mesure = peintre.fontMetrics()
        bas, haut = self._bornes = self.bornes()
        graduations = [bas + (haut - bas) * i / 4 for i in range(5)]
        gauche = max(mesure.horizontalAdvance(self.formater(g)) for g in graduations) + 12
        marge_haute = 10 + self._hauteur_legende(mesure)
        zone = self._zone = QRectF(gauche, marge_haute, self.width() - gauche - 12,
                                   self.height() - marge_haute - mesure.height() - 10)
        for valeur in graduations:
            y = self.y(valeur)
            peintre.setPen(QPen(QColor("#8a939e" if valeur == 0 else "#c9ced6")))
            peintre.drawLine(int(zone.left()), int(y), int(zone.right()), int(y))
            peintre.setPen(QPen(QColor("#5f6b78")))
            peintre.drawText(QRectF(0, y - mesure.height() / 2, gauche - 6, mesure.height()),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), self.formater(valeur))
        largeur = zone.width() / len(self.categories)
        peintre.setPen(QPen(QColor("#333")))
        for i, categorie in enumerate(self.categories):
            texte = mesure.elidedText(categorie, Qt.TextElideMode.ElideRight, int(largeur) - 4)
            peintre.drawText(QRectF(zone.left() + i * largeur, zone.bottom() + 4, largeur, mesure.height()),
                             int(Qt.AlignmentFlag.AlignHCenter), texte)
        self.tracer(peintre, zone, largeur)
        self._legende(peintre, mesure, zone.left())

    def tracer(self, peintre: QPainter, zone: QRectF, largeur: float) -> None:
        raise NotImplementedError  # chaque sorte de graphique trace ses valeurs (barres, courbes)

    def _lignes_legende(self, mesure) -> list[list[tuple[str, QColor]]]:
        lignes: list[list[tuple[str, QColor]]] = [[]]
        x, disponible = 0.0, max(self.width() - 60, 100)
        for nom, teinte, _v in self.series:
            pas = 16 + mesure.horizontalAdvance(nom) + 18
            if lignes[-1] and x + pas > disponible:
                lignes.append([])
                x = 0.0
            lignes[-1].append((nom, teinte))
            x += pas
        return lignes

    def _hauteur_legende(self, mesure) -> int:
        return len(self._lignes_legende(mesure)) * (mesure.height() + 4) + 6

    def _legende(self, peintre: QPainter, mesure, gauche: float) -> None:
        for rang, ligne in enumerate(self._lignes_legende(mesure)):
            x, y = gauche, 6 + rang * (mesure.height() + 4)
            for nom, teinte in ligne:
                peintre.fillRect(QRectF(x, y + 2, 12, 12), teinte)
                peintre.setPen(QPen(QColor("#333")))
                peintre.drawText(int(x + 16), int(y + mesure.ascent()), nom)
                x += 16 + mesure.horizontalAdvance(nom) + 18


class GraphiqueBarres(_Graphique):
    """Des barres groupées (une par série dans chaque catégorie) ou empilées (``empile`` : une barre par catégorie,
    un segment par série)."""

    def __init__(self, nom: str = "Graphique en barres", formater: Callable[[Decimal], str] = euros,
                 empile: bool = False) -> None:
        super().__init__(nom, formater)
        self.empile = empile

    def maximum(self) -> Decimal:
        if not self.empile:
            return super().maximum()
        return max((sum((Decimal(valeurs[i] or 0) for _n, _c, valeurs in self.series), Decimal(0))
                    for i in range(len(self.categories))), default=Decimal(0))

    def tracer(self, peintre: QPainter, zone: QRectF, largeur: float) -> None:
        zero = self.y(0)
        for i in range(len(self.categories)):
            x0 = zone.left() + i * largeur + largeur * 0.15
            if self.empile:
                base = Decimal(0)
                for _nom, teinte, valeurs in self.series:
                    valeur = Decimal(valeurs[i] or 0)
                    haut, bas = self.y(base + valeur), self.y(base)
                    peintre.fillRect(QRectF(x0, haut, largeur * 0.7, bas - haut), teinte)
                    base += valeur
                continue
            barre = largeur * 0.7 / len(self.series)
            for j, (_nom, teinte, valeurs) in enumerate(self.series):
                y = self.y(valeurs[i] or 0)
                peintre.fillRect(QRectF(x0 + j * barre, min(y, zero), max(barre - 3, 1), abs(zero - y)), teinte)


class GraphiqueCourbes(_Graphique):
    """Des séries dans le temps : un point par catégorie (une année), reliés ; une valeur absente coupe la courbe."""

    def tracer(self, peintre: QPainter, zone: QRectF, largeur: float) -> None:
        for _nom, teinte, valeurs in self.series:
            chemin, ouvert = QPainterPath(), False
            points = []
            for i, valeur in enumerate(valeurs):
                if valeur is None:
                    ouvert = False
                    continue
                point = QPointF(zone.left() + (i + 0.5) * largeur, self.y(valeur))
                chemin.lineTo(point) if ouvert else chemin.moveTo(point)
                ouvert = True
                points.append((point, valeur))
            peintre.setPen(QPen(teinte, 2))
            peintre.drawPath(chemin)
            peintre.setBrush(teinte)
            for point, valeur in points:
                peintre.drawEllipse(point, 3.5, 3.5)
                peintre.drawText(QRectF(point.x() - 50, point.y() - 20, 100, 14), int(Qt.AlignmentFlag.AlignHCenter),
                                 self.formater(Decimal(valeur)))
            peintre.setBrush(Qt.BrushStyle.NoBrush)
