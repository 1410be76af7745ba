"""Une convention, une CPO, un avenant ou une notification en DOCX modifiable (python-docx), depuis le même
``Acte`` que le PDF (``rapports/convention_pdf.py``) : mêmes articles, même ordre, mêmes montants.

Le document est construit avec les styles de Word (Titre, Titre 2 pour les articles, Liste à puces,
Grille du tableau) : on le retouche dans Word ou LibreOffice comme un document écrit à la main, la table des
matières et la numérotation des pages (« page x / y » en champs PAGE et NUMPAGES) suivent d'elles-mêmes.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from instruction.rapports.acte_modele import Acte, Bloc, Intertitre, Liste, Paragraphe, Tableau, segments

BLEU = RGBColor(0x1F, 0x3A, 0x5F)
POLICE = "Arial"  # remplacée par Liberation Sans là où Arial manque, aux mêmes mesures
LARGEUR = Mm(210 - 2 * 19)


def _police(style, taille: float, *, gras: bool = False, couleur: RGBColor | None = None) -> None:
    style.font.name = POLICE
    style.element.rPr.rFonts.set(qn("w:eastAsia"), POLICE)
    style.font.size = Pt(taille)
    style.font.bold = gras
    if couleur is not None:
        style.font.color.rgb = couleur


def _preparer(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(19)
    section.top_margin, section.bottom_margin = Mm(17), Mm(18)
    section.footer_distance = Mm(8)
    styles = document.styles
    normal = styles["Normal"]
    _police(normal, 10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    _police(styles["Title"], 17, gras=True, couleur=BLEU)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _police(styles["Subtitle"], 11)
    styles["Subtitle"].font.italic = False
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _police(styles["Heading 1"], 13, gras=True, couleur=BLEU)
    _police(styles["Heading 2"], 11, gras=True, couleur=BLEU)
    styles["Heading 2"].paragraph_format.space_before = Pt(10)
    styles["Heading 2"].paragraph_format.space_after = Pt(4)
    _police(styles["Heading 3"], 10, gras=True, couleur=RGBColor(0, 0, 0))
    _police(styles["List Bullet"], 10)
    # Styles propres à l'acte (retouchables dans Word comme les autres) : posés une fois, au lieu de mettre
    # en forme chaque paragraphe et chaque cellule.
    corps = styles.add_style(STYLE_CORPS, WD_STYLE_TYPE.PARAGRAPH)
    corps.base_style = normal
    corps.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    cellule = styles.add_style(STYLE_CELLULE, WD_STYLE_TYPE.PARAGRAPH)
    cellule.base_style = normal
    cellule.font.size = Pt(9)
    cellule.paragraph_format.space_after = Pt(0)
    cellule.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    droite = styles.add_style(STYLE_CELLULE_DROITE, WD_STYLE_TYPE.PARAGRAPH)
    droite.base_style = cellule
    droite.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _runs(paragraphe, texte: str, *, gras: bool = False) -> None:
    for morceau, en_gras in segments(texte):
        run = paragraphe.add_run(morceau)
        if en_gras or gras:
            run.bold = True


STYLE_CORPS, STYLE_CELLULE, STYLE_CELLULE_DROITE = "Corps de l'acte", "Cellule", "Cellule à droite"
_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Grid", STYLE_CORPS,
           STYLE_CELLULE, STYLE_CELLULE_DROITE)


def _paragraphe(document, texte: str, *, style: str | None = STYLE_CORPS, alignement=None):
    p = document.add_paragraph()
    if style is not None:
        # L'identifiant du style, lu une fois par document : python-docx le recherche sinon parmi tous les
        # styles à chaque paragraphe (la moitié du temps de génération).
        p._p.get_or_add_pPr().style = document._ids_styles[style]
    if alignement is not None:
        p.alignment = alignement
    _runs(p, texte)
    return p


def _ombre(cellule, couleur: str = "F0F2F5") -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), couleur)
    cellule._tc.get_or_add_tcPr().append(shd)


def _entete_repetee(tr) -> None:
    drapeau = OxmlElement("w:tblHeader")
    drapeau.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(drapeau)


def _ecrire_cellule(document, cellule, texte: str, *, droite: bool, gras: bool) -> None:
    p = cellule.paragraphs[0]
    p._p.get_or_add_pPr().style = document._ids_styles[STYLE_CELLULE_DROITE if droite else STYLE_CELLULE]
    for morceau, en_gras in segments(texte):
        run = p.add_run(morceau)
        if gras or en_gras:
            run.bold = True


def _tableau(document, t: Tableau) -> None:
    lignes = ([tuple(c.titre for c in t.colonnes)] if t.entete else []) + t.toutes_les_lignes()
    table = document.add_table(rows=len(lignes), cols=len(t.colonnes))
    table._tbl.tblPr.style = document._ids_styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    largeurs = [int(LARGEUR * c.part) for c in t.colonnes]
    for colonne, largeur in zip(table.columns, largeurs, strict=True):
        colonne.width = largeur
    dernier = len(lignes) - 1
    for r, (tr, valeurs) in enumerate(zip(table._tbl.tr_lst, lignes, strict=True)):
        en_tete = r == 0 and t.entete
        if en_tete:
            _entete_repetee(tr)
        gras = en_tete or (t.total is not None and r == dernier)
        # Les cellules d'une rangée lues directement : ``row.cells`` recalcule toute la grille à chaque appel.
        for i, (tc, valeur, colonne, largeur) in enumerate(zip(tr.tc_lst, valeurs, t.colonnes, largeurs, strict=True)):
            cellule = _Cell(tc, table)
            cellule.width = largeur
            _ecrire_cellule(document, cellule, valeur, droite=colonne.droite, gras=gras or (i == 0 and not t.entete))
            if gras or (i == 0 and not t.entete):
                _ombre(cellule)
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def _blocs(document, blocs: tuple[Bloc, ...]) -> None:
    for bloc in blocs:
        if isinstance(bloc, Paragraphe):
            p = _paragraphe(document, bloc.texte, alignement=WD_ALIGN_PARAGRAPH.CENTER if bloc.centre else None)
            if bloc.petit:
                for run in p.runs:
                    run.font.size = Pt(8.5)
        elif isinstance(bloc, Intertitre):
            _paragraphe(document, bloc.texte, style="Heading 3", alignement=None)
        elif isinstance(bloc, Liste):
            for element in bloc.elements:
                _paragraphe(document, element, style="List Bullet")
        elif isinstance(bloc, Tableau):
            _tableau(document, bloc)


def _champ(paragraphe, instruction: str) -> None:
    """Un champ Word calculé à l'ouverture (PAGE, NUMPAGES)."""
    champ = OxmlElement("w:fldSimple")
    champ.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    texte = OxmlElement("w:t")
    texte.text = "1"
    run.append(texte)
    champ.append(run)
    paragraphe._p.append(champ)


def _pied(document, pied: str) -> None:
    p = document.sections[0].footer.paragraphs[0]
    for enfant in list(p._p):  # le pied du document précédent (le document de base est réemployé)
        if enfant.tag != qn("w:pPr"):
            p._p.remove(enfant)
    p.add_run(pied + "\t")
    p.add_run("page ")
    _champ(p, "PAGE")
    p.add_run(" / ")
    _champ(p, "NUMPAGES")
    for run in p.runs:
        run.font.size = Pt(7.5)
        run.font.color.rgb = RGBColor(0x5F, 0x6B, 0x78)


def _signatures(document, acte: Acte) -> None:
    blocs = list(acte.signatures)
    colonnes = min(2, len(blocs))  # un seul signataire (notification) : un seul bloc
    rangees = (len(blocs) + colonnes - 1) // colonnes
    table = document.add_table(rows=rangees, cols=colonnes)
    table._tbl.tblPr.style = document._ids_styles["Table Grid"]
    for i, sig in enumerate(blocs):
        cellule = table.rows[i // colonnes].cells[i % colonnes]
        cellule.width = int(LARGEUR / 2)
        p = cellule.paragraphs[0]
        p.add_run(sig.pour).bold = True
        p.paragraph_format.keep_with_next = True
        if sig.delegation:
            cellule.add_paragraph().add_run(sig.delegation).italic = True
        cellule.add_paragraph(sig.qualite)
        cellule.add_paragraph().add_run(sig.nom).bold = True
        cellule.add_paragraph(sig.date or "Date et signature :")
        for _ in range(4):  # la place de la signature
            cellule.add_paragraph()
        for q in cellule.paragraphs:
            q.paragraph_format.space_after = Pt(0)


_local = threading.local()


def _document_vierge():
    """Le document de base (styles, page, pied) préparé une fois par fil, vidé à chaque acte : ouvrir le
    modèle de python-docx et poser les styles coûte autant que d'écrire tout l'acte."""
    doc = getattr(_local, "document", None)
    if doc is None:
        doc = Document()
        _preparer(doc)
        doc._ids_styles = {nom: doc.styles[nom].style_id for nom in _STYLES}
        pied = doc.sections[0].footer.paragraphs[0]
        pied.paragraph_format.tab_stops.add_tab_stop(LARGEUR, alignment=2)  # tabulation droite au bord
        _local.document = doc
    corps = doc.element.body
    for enfant in list(corps):
        if enfant.tag != qn("w:sectPr"):
            corps.remove(enfant)
    return doc


def _remplir(doc, acte: Acte) -> None:
    coeur = doc.core_properties
    coeur.title, coeur.subject, coeur.author = acte.titre, acte.reference, "Instruction"
    coeur.keywords, coeur.language = ", ".join(acte.mots_cles), "fr-FR"
    _paragraphe(doc, acte.titre, style="Title", alignement=WD_ALIGN_PARAGRAPH.CENTER)
    for sous_titre in acte.sous_titres:
        _paragraphe(doc, sous_titre, style="Subtitle", alignement=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraphe(doc, acte.reference, alignement=WD_ALIGN_PARAGRAPH.CENTER)
    for i, partie in enumerate(acte.parties):
        _paragraphe(doc, f"**{acte.liaisons[min(i, len(acte.liaisons) - 1)]}**", alignement=WD_ALIGN_PARAGRAPH.LEFT)
        _paragraphe(doc, partie.texte)
        _paragraphe(doc, partie.designation)
    if acte.preambule:
        _paragraphe(doc, "Préambule", style="Heading 2")
        _blocs(doc, acte.preambule)
    for article in acte.articles:
        _paragraphe(doc, article.intitule, style="Heading 2")
        _blocs(doc, article.blocs)
    fait = _paragraphe(doc, acte.fait_a)
    fait.paragraph_format.space_before = Pt(10)
    fait.paragraph_format.keep_with_next = True
    _signatures(doc, acte)
    for annexe in acte.annexes:
        titre = _paragraphe(doc, annexe.intitule, style="Heading 1")
        titre.paragraph_format.page_break_before = True
        _blocs(doc, annexe.blocs)
    _pied(doc, acte.pied)


def octets(acte: Acte) -> bytes:
    """Le DOCX de l'acte, en mémoire."""
    doc = _document_vierge()
    _remplir(doc, acte)
    tampon = io.BytesIO()
    doc.save(tampon)
    return tampon.getvalue()


def ecrire(acte: Acte, fichier: Path) -> Path:
    from instruction.rapports.acte import ecrire_atomiquement

    return ecrire_atomiquement({Path(fichier): octets(acte)})[0]

