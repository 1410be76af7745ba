"""Ce que partagent les documents PDF : page A4, styles, pied de page, texte sûr.

Les polices standard du PDF (Helvetica) suffisent au français (accents, « », €, –, …) et
s'affichent partout sans police à installer ; ``texte`` remplace les rares caractères
qu'elles n'ont pas (espace fine insécable des montants, par exemple) et protège le balisage.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from instruction.domaine.erreurs import ErreurInstruction

MARGE = 15 * mm
LARGEUR_UTILE = A4[0] - 2 * MARGE - 12  # le cadre de la page garde 6 pt de chaque côté
GRIS = colors.HexColor("#f0f2f5")
BORD = colors.HexColor("#9aa3ad")
BLEU = colors.HexColor("#1f3a5f")
VERT = colors.HexColor("#1b6e20")
ROUGE = colors.HexColor("#b00020")
ORANGE = colors.HexColor("#8a5300")

_CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REMPLACEMENTS = {"\u202f": "\u00a0", "\u2009": " ", "\u2011": "-", "\u2212": "-", "\u2713": "oui", "\u2717": "non", "\u2192": "›"}


_TRADUCTION = str.maketrans(_REMPLACEMENTS)


def brut(valeur: object | None) -> str:
    """Le texte tel que les polices standard l'impriment (caractères hors police remplacés), sans balisage :
    pour les fragments de paragraphe construits sans analyseur (``rapports/convention_pdf.py``)."""
    if valeur is None:
        return ""
    sur = _CONTROLES.sub("?", str(valeur).translate(_TRADUCTION))  # un contrôle gardé par une version d'avant
    return sur.encode("cp1252", errors="replace").decode("cp1252")  # ne fait pas échouer le PDF


def texte(valeur: object | None) -> str:
    """Du texte prêt pour un ``Paragraph`` : balisage échappé, caractères hors police remplacés."""
    return escape(brut(valeur)).replace("\n", "<br/>")


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    normal = ParagraphStyle("normal", parent=base["Normal"], fontName="Helvetica", fontSize=8.5, leading=10.5)
    return {
        "normal": normal,
        "petit": ParagraphStyle("petit", parent=normal, fontSize=7.5, leading=9),
        "gras": ParagraphStyle("gras", parent=normal, fontName="Helvetica-Bold"),
        "droite": ParagraphStyle("droite", parent=normal, alignment=TA_RIGHT),
        "gras-droite": ParagraphStyle("gras-droite", parent=normal, fontName="Helvetica-Bold", alignment=TA_RIGHT),
        "petit-droite": ParagraphStyle("petit-droite", parent=normal, fontSize=7.5, leading=9, alignment=TA_RIGHT),
        "titre": ParagraphStyle("titre", parent=normal, fontName="Helvetica-Bold", fontSize=15, leading=18,
                                textColor=BLEU),
        "sous-titre": ParagraphStyle("sous-titre", parent=normal, fontSize=9.5, leading=12),
        "section": ParagraphStyle("section", parent=normal, fontName="Helvetica-Bold", fontSize=10.5,
                                  leading=13, textColor=BLEU, spaceBefore=7, spaceAfter=3),
    }


def tableau(lignes: Sequence[Sequence[object]], largeurs: Sequence[float], *, entete: bool = True,
            style_en_plus: Sequence[tuple] = ()) -> Table:
    """Un tableau à filets fins ; la première ligne est un en-tête grisé (répété sur chaque page)."""
    t = Table([list(l) for l in lignes], colWidths=list(largeurs), repeatRows=1 if entete else 0)
    commandes = [
        ("GRID", (0, 0), (-1, -1), 0.4, BORD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if entete:
        commandes.append(("BACKGROUND", (0, 0), (-1, 0), GRIS))
    t.setStyle(TableStyle(commandes + list(style_en_plus)))
    return t


def ecrire(fichier: Path, histoire: list, *, titre: str, pied: str) -> Path:
    """Compose le document dans un fichier temporaire puis le met à sa place (jamais de PDF à moitié écrit)."""
    def pied_de_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#5f6b78"))
        canvas.drawString(MARGE + 6, 9 * mm, pied.replace("\u202f", "\u00a0"))
        numeroter(canvas, doc.page, A4[0] - MARGE - 6, 9 * mm)
        canvas.restoreState()

    def composer(provisoire: Path) -> None:
        document = SimpleDocTemplate(
            str(provisoire), pagesize=A4, leftMargin=MARGE, rightMargin=MARGE, topMargin=MARGE,
            bottomMargin=16 * mm, title=titre, author="Instruction", lang="fr-FR",
        )
        document.build(histoire, onFirstPage=pied_de_page, onLaterPages=pied_de_page, canvasmaker=CanevasNumerote)

    return ecrire_atomique(fichier, composer)


# --- « page x / y » et signets ---------------------------------------------------------------------------------

_FORME_TOTAL = "nombre-de-pages"
_LARGEUR_TOTAL = 14  # la place du nombre de pages (jusqu'à 9 999), écrit à la fin dans une forme PDF


class CanevasNumerote(Canvas):
    """Un canevas qui sait écrire « page x / y » : le total, inconnu tant que le document se compose, est une
    forme PDF (``doForm``) définie à l'enregistrement ; les pages ne sont pas gardées en mémoire et les signets
    (``Signet``) pointent sur leur vraie page."""

    def save(self) -> None:
        total = self.getPageNumber() - 1 if self.getPageNumber() > 1 else 1
        self.beginForm(_FORME_TOTAL)
        self.setFont("Helvetica", 7)
        self.setFillColor(colors.HexColor("#5f6b78"))
        self.drawString(0, 0, str(total))
        self.endForm()
        super().save()


def numeroter(canvas, page: int, droite: float, hauteur: float) -> None:
    """Écrit « page x / y » aligné à ``droite`` (canevas ``CanevasNumerote``), police du pied de page."""
    canvas.setFont("Helvetica", 7)
    canvas.setFillColor(colors.HexColor("#5f6b78"))
    debut = droite - _LARGEUR_TOTAL
    canvas.drawRightString(debut, hauteur, f"page {page} / ")
    canvas.saveState()
    canvas.translate(debut, hauteur)
    canvas.doForm(_FORME_TOTAL)
    canvas.restoreState()


class Signet(Flowable):
    """Un signet du PDF (panneau « Signets » du lecteur) à l'endroit où il est placé dans l'histoire."""

    def __init__(self, titre: str, cle: str, niveau: int = 0) -> None:
        super().__init__()
        self.titre, self.cle, self.niveau = titre, cle, niveau
        self.width = self.height = 0

    def wrap(self, largeur, hauteur):
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.cle)
        self.canv.addOutlineEntry(self.titre, self.cle, level=self.niveau, closed=self.niveau == 0)


def ecrire_atomique(fichier: Path, composer: Callable[[Path], None]) -> Path:
    """``composer(provisoire)`` écrit un fichier temporaire voisin, mis à sa place seulement s'il est complet :
    jamais de document à moitié écrit, même si la composition échoue ou est interrompue."""
    return ecrire_atomiquement({Path(fichier): composer})[0]


def ecrire_atomiquement(contenus: Mapping[Path, bytes | Callable[[Path], None]]) -> list[Path]:
    """Écrit chaque fichier (ses octets, ou ce que sa fonction écrit au chemin donné) sous un nom provisoire
    voisin, puis les met tous en place : une erreur ou une interruption ne laisse jamais un fichier à moitié
    écrit sous le nom attendu, ni un PDF sans le DOCX écrit avec lui ; les fichiers provisoires sont effacés."""
    provisoires: list[tuple[Path, Path]] = []
    cible: Path | None = None
    try:
        for cible, contenu in ((Path(f), c) for f, c in contenus.items()):
            provisoire = cible.with_name(f".{cible.name}.en-cours")
            provisoires.append((provisoire, cible))
            if callable(contenu):
                contenu(provisoire)
            else:
                provisoire.write_bytes(contenu)
        for provisoire, cible in provisoires:
            os.replace(provisoire, cible)
    except BaseException as erreur:
        for provisoire, _cible in provisoires:
            provisoire.unlink(missing_ok=True)
        if not isinstance(erreur, OSError):
            raise
        logiciel = "un lecteur de PDF" if cible is not None and cible.suffix.lower() == ".pdf" else "un autre logiciel"
        raise ErreurInstruction(
            f"Impossible d'écrire « {cible} » : {erreur.strerror or erreur}. S'il est ouvert dans {logiciel}, "
            "fermez-le et recommencez.") from erreur
    return [cible for _provisoire, cible in provisoires]


def paragraphe(valeur: object | None, style: ParagraphStyle) -> Paragraph:
    return Paragraph(texte(valeur), style)
