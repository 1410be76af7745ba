"""Une convention, une CPO, un avenant ou une notification en PDF (reportlab), depuis l'``Acte`` calculé par
``rapports/acte.py`` : en-tête, parties, préambule, articles numérotés, tableaux des montants et de
l'échéancier, « Fait à Calais… », grille des signatures, annexes (chacune sur sa page), « page x / y » en
pied de page.

Le DOCX (``rapports/convention_docx.py``) lit le même ``Acte`` : les deux portent les mêmes articles, dans
le même ordre, avec les mêmes montants.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (CondPageBreak, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table)
from reportlab.platypus.paragraph import cleanBlockQuotedText

from instruction.rapports import pdf
from instruction.rapports.acte_modele import (Acte, Article, Bloc, Intertitre, Liste, Paragraphe, Tableau,
                                              segments)

_GRIS_TEXTE = colors.HexColor("#5f6b78")
_RETRAIT = 4 * mm  # marges un peu plus larges que la fiche d'instruction : un acte se lit et s'annote
LARGEUR = pdf.LARGEUR_UTILE - 2 * _RETRAIT


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """Les styles de l'acte, posés une fois par processus (ils ne changent jamais d'un acte à l'autre)."""
    s = pdf.styles()
    corps = ParagraphStyle("corps", parent=s["normal"], fontSize=9.5, leading=12.5, alignment=TA_JUSTIFY,
                           spaceAfter=4)
    return {
        "corps": corps,
        "centre": ParagraphStyle("centre", parent=corps, alignment=TA_CENTER),
        "petit": ParagraphStyle("petit", parent=corps, fontSize=8, leading=10),
        "puce": ParagraphStyle("puce", parent=corps, leftIndent=5.6 * mm, bulletIndent=1.5 * mm, spaceAfter=1.5),
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


# --- Paragraphes : sans analyseur de balisage, et coupés en lignes une fois pour tous les actes ---------------
#
# D'un acte à l'autre, près de 90 % du texte est le même (clauses, intitulés, en-têtes et libellés des
# tableaux). Un paragraphe se rend en deux temps coûteux : l'analyse de son balisage (``<b>``, entités) en
# fragments, puis sa coupe en lignes à une largeur donnée (mesure de chaque mot). Ici, les fragments d'un texte
# à ``**gras**`` sont faits directement (copies des fragments type du style, sans analyseur), et l'état que
# laisse la coupe en lignes est gardé par (texte, style, puce, largeur) : un même paragraphe, dans le même
# acte (un tableau le coupe pour se mesurer puis pour se dessiner) ou dans l'acte suivant, n'est coupé qu'une
# fois. Le résultat est le même, octet pour octet (vérifié par les tests sur les actes de la démonstration).

_ETAT_COUPE = ("width", "height", "_wrapWidths", "blPara", "frags", "_width_max", "_splitLongWordCount",
               "_hyphenations")
_LIMITE = 20_000  # paragraphes distincts gardés par processus (quelques Mo) ; au-delà, on repart de zéro
_connus: dict[tuple, tuple[dict, dict]] = {}
_ABSENT = object()


@functools.cache
def _fragments_types(style: ParagraphStyle) -> tuple:
    """Les fragments que l'analyseur de reportlab fait d'un texte simple et d'un texte en gras, dans ce style."""
    return Paragraph("x", style).frags[0], Paragraph("<b>x</b>", style).frags[0]


def _fragments(texte: str, style: ParagraphStyle) -> list | None:
    """Les fragments d'un texte à ``**gras**``, tels que l'analyseur les ferait de ``_balise(texte)`` (mêmes
    espaces réduites, mêmes caractères remplacés) ; None si le texte a un retour à la ligne (analyseur)."""
    if "\n" in texte:
        return None
    simple, gras = _fragments_types(style)
    morceaux = segments(cleanBlockQuotedText(pdf.brut(texte)))
    return [(gras if en_gras else simple).clone(text=m) for m, en_gras in morceaux] or [simple.clone(text="")]


class _Paragraphe(Paragraph):
    """Un ``Paragraph`` dont la coupe en lignes est gardée pour les paragraphes identiques (``_para``)."""

    _coupes: dict | None = None  # largeur → état après la coupe ; None : pas de mémoire (moitiés d'un paragraphe)

    def wrap(self, largeur, hauteur):
        coupes = self._coupes
        if coupes is None:
            return super().wrap(largeur, hauteur)
        etat = coupes.get(largeur)
        if etat is not None:
            for nom, valeur in etat.items():
                setattr(self, nom, valeur)
            return self.width, self.height
        resultat = super().wrap(largeur, hauteur)
        if resultat[1] != 0x7FFFFFFF:  # largeur trop petite : reportlab n'a rien coupé
            coupes[largeur] = {n: v for n in _ETAT_COUPE if (v := getattr(self, n, _ABSENT)) is not _ABSENT}
        return resultat


def prechauffer() -> None:
    """Pose les styles et les fragments types (le serveur des processus du lot l'appelle une fois)."""
    for style in _styles().values():
        _fragments_types(style)


def _para(texte: str, style: ParagraphStyle, puce: str | None = None, *, balise: bool = False) -> Paragraph:
    """Le paragraphe d'un texte à ``**gras**`` (ou, ``balise=True``, d'un balisage reportlab déjà échappé)."""
    cle = (texte, style, puce, balise)  # les styles sont ceux de _styles(), faits une fois
    connu = _connus.get(cle)
    p = _Paragraphe.__new__(_Paragraphe)
    if connu is None:
        frags = None if balise else _fragments(texte, style)
        if frags is None:
            Paragraph.__init__(p, texte if balise else _balise(texte), style, puce)
        else:
            Paragraph.__init__(p, texte, style, puce, frags=frags)
        if len(_connus) >= _LIMITE:
            _connus.clear()
        connu = _connus[cle] = (dict(p.__dict__), {})
    else:
        p.__dict__.update(connu[0])
    p._coupes = connu[1]
    return p


def _blocs(blocs: tuple[Bloc, ...], st: dict[str, ParagraphStyle]) -> list:
    sortie: list = []
    for bloc in blocs:
        if isinstance(bloc, Paragraphe):
            style = st["petit"] if bloc.petit else st["centre"] if bloc.centre else st["corps"]
            sortie.append(_para(bloc.texte, style))
        elif isinstance(bloc, Intertitre):
            sortie.append(_para(bloc.texte, st["intertitre"]))
        elif isinstance(bloc, Liste):
            sortie += [_para(e, st["puce"], "–") for e in bloc.elements]
            sortie.append(Spacer(1, 2))
        elif isinstance(bloc, Tableau):
            sortie += [_tableau(bloc, st), Spacer(1, 5)]
    return sortie


def _tableau(t: Tableau, st: dict[str, ParagraphStyle]) -> Table:
    largeurs = [c.part * LARGEUR for c in t.colonnes]
    lignes = [[_para(c.titre, st["cellule-gras-droite" if c.droite else "cellule-gras"])
               for c in t.colonnes]] if t.entete else []
    for ligne in t.lignes:
        lignes.append([_para(v, st["cellule-droite" if c.droite else "cellule"])
                       for v, c in zip(ligne, t.colonnes, strict=True)])
    en_plus: list[tuple] = []
    if t.total:
        lignes.append([_para(v, st["cellule-gras-droite" if c.droite else "cellule-gras"])
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
            KeepTogether([_para(article.intitule, st["article"])] + corps[:tete])] + corps[tete:]


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
        cellules.append([_para("<br/>".join(lignes), st["signature"], balise=True), Spacer(1, 24 * mm)])
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
    h: list = [_para(acte.titre, st["titre"])]
    h += [_para(s, st["sous-titre"]) for s in acte.sous_titres]
    h += [Spacer(1, 2 * mm), _para(acte.reference, st["reference"]), Spacer(1, 6 * mm)]
    for i, partie in enumerate(acte.parties):
        h.append(_para(f"<b>{pdf.texte(acte.liaisons[min(i, len(acte.liaisons) - 1)])}</b>", st["corps"], balise=True))
        h.append(_para(partie.texte, st["corps"]))
        h.append(_para(partie.designation, st["corps"]))
    if acte.preambule:
        h.append(_para("Préambule", st["article"]))
        h += _blocs(acte.preambule, st)
    for article in acte.articles:
        h += _article(article, st)
    h += [CondPageBreak(60 * mm), pdf.Signet("Signatures", "signatures")]
    h += [Spacer(1, 4 * mm), _para(acte.fait_a, st["corps"]), Spacer(1, 2 * mm)]
    h.append(_grille_signatures(acte, st))
    for annexe in acte.annexes:
        h += [PageBreak(), pdf.Signet(annexe.intitule, f"annexe-{annexe.numero}"),
              _para(annexe.intitule, st["annexe"])]
        h += _blocs(annexe.blocs, st)
    return h


def octets(acte: Acte) -> bytes:
    """Le PDF de l'acte, en mémoire (le lot écrit ensuite PDF et DOCX ensemble, sans fichier à moitié écrit)."""
    tampon = io.BytesIO()
    pied = pdf.brut(acte.pied)

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
    return pdf.ecrire_atomiquement({Path(fichier): octets(acte)})[0]
