"""Une convention, une CPO, un avenant ou une notification en PDF (reportlab), depuis l'``Acte`` calculé par
``rapports/acte.py`` : en-tête, parties, préambule, articles numérotés, tableaux des montants et de
l'échéancier, « Fait à Calais… », grille des signatures, annexes (chacune sur sa page), « page x / y » en
pied de page.

Le DOCX (``rapports/convention_docx.py``) lit le même ``Acte`` : les deux portent les mêmes articles, dans
le même ordre, avec les mêmes montants.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import unescape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (CondPageBreak, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table)

from instruction.rapports import pdf
from instruction.rapports.acte_modele import (Acte, Article, Bloc, Intertitre, Liste, Paragraphe, Tableau,
                                              segments)

_GRIS_TEXTE = colors.HexColor("#5f6b78")
_RETRAIT = 4 * mm  # marges un peu plus larges que la fiche d'instruction : un acte se lit et s'annote
LARGEUR = pdf.LARGEUR_UTILE - 2 * _RETRAIT


def _styles() -> dict[str, ParagraphStyle]:
    s = pdf.styles()
    corps = ParagraphStyle("corps", parent=s["normal"], fontSize=9.5, leading=12.5, alignment=TA_JUSTIFY,
                           spaceAfter=4)
    return {
        "corps": corps,
        "centre": ParagraphStyle("centre", parent=corps, alignment=TA_CENTER),
        "petit": ParagraphStyle("petit", parent=corps, fontSize=8, leading=10),
        "puce": ParagraphStyle("puce", parent=corps, leftIndent=5 * mm, bulletIndent=1.5 * mm, spaceAfter=1.5),
        "cellule": ParagraphStyle("cellule", parent=s["normal"], fontSize=8.5, leading=10.5),
        "cellule-droite": ParagraphStyle("cellule-droite", parent=s["droite"], fontSize=8.5, leading=10.5),
        "cellule-gras": ParagraphStyle("cellule-gras", parent=s["gras"], fontSize=8.5, leading=10.5),
        "cellule-gras-droite": ParagraphStyle("cellule-gras-droite", parent=s["gras-droite"], fontSize=8.5,
                                              leading=10.5),
        "titre": ParagraphStyle("titre-acte", parent=s["titre"], fontSize=16, leading=20, alignment=TA_CENTER,
                                spaceAfter=4),
        "sous-titre": ParagraphStyle("sous-titre-acte", parent=s["sous-titre"], fontSize=10.5, leading=13.5,
                                     alignment=TA_CENTER),
        "reference": ParagraphStyle("reference", parent=s["normal"], fontSize=9, leading=12, alignment=TA_CENTER,
                                    textColor=_GRIS_TEXTE),
        "article": ParagraphStyle("article", parent=s["section"], fontSize=11, leading=14, spaceBefore=9,
                                  spaceAfter=4),
        "intertitre": ParagraphStyle("intertitre", parent=s["gras"], fontSize=9.5, leading=12.5, spaceBefore=3,
                                     spaceAfter=3),
        "annexe": ParagraphStyle("annexe", parent=s["titre"], fontSize=13, leading=16, spaceAfter=8),
        "signature": ParagraphStyle("signature", parent=s["normal"], fontSize=9, leading=11.5),
    }


def _balise(texte: str) -> str:
    """Le texte d'un bloc en balisage reportlab : ``**gras**`` devient <b>, le reste est échappé."""
    return "".join(f"<b>{pdf.texte(m)}</b>" if gras else pdf.texte(m) for m, gras in segments(texte))


def _blocs(blocs: tuple[Bloc, ...], st: dict[str, ParagraphStyle]) -> list:
    sortie: list = []
    for bloc in blocs:
        if isinstance(bloc, Paragraphe):
            style = st["petit"] if bloc.petit else st["centre"] if bloc.centre else st["corps"]
            sortie.append(Paragraph(_balise(bloc.texte), style))
        elif isinstance(bloc, Intertitre):
            sortie.append(Paragraph(_balise(bloc.texte), st["intertitre"]))
        elif isinstance(bloc, Liste):
            sortie += [Paragraph(_balise(e), st["puce"], bulletText="–") for e in bloc.elements]
            sortie.append(Spacer(1, 2))
        elif isinstance(bloc, Tableau):
            sortie += [_tableau(bloc, st), Spacer(1, 5)]
    return sortie


def _tableau(t: Tableau, st: dict[str, ParagraphStyle]) -> Table:
    largeurs = [c.part * LARGEUR for c in t.colonnes]
    lignes = [[Paragraph(_balise(c.titre), st["cellule-gras-droite" if c.droite else "cellule-gras"])
               for c in t.colonnes]] if t.entete else []
    for ligne in t.lignes:
        lignes.append([Paragraph(_balise(v), st["cellule-droite" if c.droite else "cellule"])
                       for v, c in zip(ligne, t.colonnes, strict=True)])
    en_plus: list[tuple] = []
    if t.total:
        lignes.append([Paragraph(_balise(v), st["cellule-gras-droite" if c.droite else "cellule-gras"])
                       for v, c in zip(t.total, t.colonnes, strict=True)])
        en_plus.append(("BACKGROUND", (0, -1), (-1, -1), pdf.GRIS))
    if not t.entete:  # un tableau « rubrique : contenu » : la première colonne grisée
        en_plus.append(("BACKGROUND", (0, 0), (0, -1), pdf.GRIS))
    return pdf.tableau(lignes, largeurs, entete=t.entete, style_en_plus=en_plus)


def _article(article: Article, st: dict[str, ParagraphStyle]) -> list:
    corps = _blocs(article.blocs, st)
    # Le titre ne reste jamais seul en bas de page : moins de 3 cm disponibles, l'article commence à la page
    # suivante ; une phrase d'introduction (« … : ») part avec le tableau ou la liste qui la suit.
    tete = 1
    if len(article.blocs) > 1 and isinstance(article.blocs[0], Paragraphe) and article.blocs[0].texte.endswith(":"):
        tete = 2 if not isinstance(article.blocs[1], Liste) else 1 + len(article.blocs[1].elements[:2])
    return [CondPageBreak(30 * mm), pdf.Signet(article.intitule, f"article-{article.numero}"),
            KeepTogether([Paragraph(_balise(article.intitule), st["article"])] + corps[:tete])] + corps[tete:]


def _grille_signatures(acte: Acte, st: dict[str, ParagraphStyle]) -> Table:
    """Deux blocs par ligne, comme la grille de l'avenant n° 4 (l. 7511-7513) : pour qui, délégation,
    qualité, nom, puis la place de la signature."""
    cellules = []
    for sig in acte.signatures:
        lignes = [f"<b>{pdf.texte(sig.pour)}</b>"]
        if sig.delegation:
            lignes.append(f"<i>{pdf.texte(sig.delegation)}</i>")
        lignes.append(pdf.texte(sig.qualite))
        lignes.append(f"<b>{pdf.texte(sig.nom)}</b>")
        lignes.append(pdf.texte(sig.date) if sig.date else "Date et signature :")
        cellules.append([Paragraph("<br/>".join(lignes), st["signature"]), Spacer(1, 24 * mm)])
    colonnes = min(2, len(cellules))  # un seul signataire (notification) : un seul bloc, sans case vide
    if len(cellules) % colonnes:
        cellules.append("")
    rangees = [cellules[i:i + colonnes] for i in range(0, len(cellules), colonnes)]
    moitie = LARGEUR / 2
    grille = Table(rangees, colWidths=[moitie] * colonnes, hAlign="LEFT")
    grille.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.4, pdf.BORD),
                     ("INNERGRID", (0, 0), (-1, -1), 0.4, pdf.BORD), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                     ("TOPPADDING", (0, 0), (-1, -1), 5)])
    return grille


def histoire(acte: Acte) -> list:
    st = _styles()
    h: list = [Paragraph(_balise(acte.titre), st["titre"])]
    h += [Paragraph(_balise(s), st["sous-titre"]) for s in acte.sous_titres]
    h += [Spacer(1, 2 * mm), Paragraph(_balise(acte.reference), st["reference"]), Spacer(1, 6 * mm)]
    for i, partie in enumerate(acte.parties):
        h.append(Paragraph(f"<b>{pdf.texte(acte.liaisons[min(i, len(acte.liaisons) - 1)])}</b>", st["corps"]))
        h.append(Paragraph(_balise(partie.texte), st["corps"]))
        h.append(Paragraph(_balise(partie.designation), st["corps"]))
    if acte.preambule:
        h.append(Paragraph("Préambule", st["article"]))
        h += _blocs(acte.preambule, st)
    for article in acte.articles:
        h += _article(article, st)
    h += [CondPageBreak(60 * mm), pdf.Signet("Signatures", "signatures")]
    h += [Spacer(1, 4 * mm), Paragraph(_balise(acte.fait_a), st["corps"]), Spacer(1, 2 * mm)]
    h.append(_grille_signatures(acte, st))
    for annexe in acte.annexes:
        h += [PageBreak(), pdf.Signet(annexe.intitule, f"annexe-{annexe.numero}"),
              Paragraph(_balise(annexe.intitule), st["annexe"])]
        h += _blocs(annexe.blocs, st)
    return h


def octets(acte: Acte) -> bytes:
    """Le PDF de l'acte, en mémoire (le lot écrit ensuite PDF et DOCX ensemble, sans fichier à moitié écrit)."""
    tampon = io.BytesIO()
    pied = unescape(pdf.texte(acte.pied))

    def pied_de_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(_GRIS_TEXTE)
        canvas.drawString(pdf.MARGE + _RETRAIT + 6, 9 * mm, pied)
        pdf.numeroter(canvas, doc.page, A4[0] - pdf.MARGE - _RETRAIT - 6, 9 * mm)
        canvas.restoreState()

    document = SimpleDocTemplate(
        tampon, pagesize=A4, leftMargin=pdf.MARGE + _RETRAIT, rightMargin=pdf.MARGE + _RETRAIT,
        topMargin=pdf.MARGE + 2 * mm, bottomMargin=18 * mm, title=acte.titre, subject=acte.reference,
        author="Instruction", lang="fr-FR", keywords=", ".join(acte.mots_cles),
    )
    document.build(histoire(acte), onFirstPage=pied_de_page, onLaterPages=pied_de_page,
                   canvasmaker=pdf.CanevasNumerote)
    return tampon.getvalue()


def ecrire(acte: Acte, fichier: Path) -> Path:
    from instruction.rapports.acte import ecrire_atomiquement

    return ecrire_atomiquement({Path(fichier): octets(acte)})[0]
