"""Une convention, une CPO, un avenant ou une notification en DOCX modifiable, depuis le même ``Acte`` que le PDF
(``rapports/convention_pdf.py``) : mêmes articles, même ordre, mêmes montants.

Le document est fait des styles de Word (Titre, Titre 2 pour les articles, Liste à puces, Grille du tableau,
et trois styles de l'acte : « Corps de l'acte », « Cellule », « Cellule à droite ») : on le retouche dans Word ou
LibreOffice comme un document écrit à la main ; la numérotation des pages (« page x / y » en champs PAGE et
NUMPAGES) suit d'elle-même.

Comment il est écrit : le **modèle** ``resources/conventions/modele_acte.docx`` porte tout ce qui ne change
pas d'un acte à l'autre (styles, page A4 et marges, pied de page, numérotation des listes, thème). Il est
construit avec python-docx par ``construire_modele`` (``python -m instruction.rapports.convention_docx``
le réécrit ; un test vérifie qu'il est à jour). Pour chaque acte, on n'écrit que le corps du document
(``word/document.xml``, en WordprocessingML direct, une chaîne par paragraphe), le pied de page (le numéro de
l'acte et le bénéficiaire) et les propriétés (titre, objet, mots-clés) ; les parties fixes du modèle sont
compressées une fois par processus et recopiées telles quelles dans chaque fichier. Construire le document par
les objets de python-docx coûtait 23 ms par acte (chaque paragraphe, run et cellule est un objet XML qu'il
faut placer) ; écrit ainsi, 2 ms.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from instruction.chemins import RESSOURCES
from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports.acte_modele import Acte, Bloc, Intertitre, Liste, Paragraphe, Tableau, segments

FICHIER_MODELE = RESSOURCES / "conventions" / "modele_acte.docx"
POLICE = "Arial"  # remplacée par Liberation Sans là où Arial manque, aux mêmes mesures
BLEU = "1F3A5F"
GRIS_PIED = "5F6B78"
OMBRE = "F0F2F5"  # le gris des en-têtes et des totaux, celui du PDF
EMU_PAR_MM, EMU_PAR_TWIP = 36000, 635
LARGEUR = 172 * EMU_PAR_MM  # largeur utile : A4 moins deux marges de 19 mm, en EMU (unité de python-docx)
LARGEUR_PAGE_TWIPS = 11906 - 2 * 1077  # la même, telle que Word la relit de la page (twips)
TAILLE_PETIT = 17  # demi-points : 8,5 pt

STYLE_CORPS, STYLE_CELLULE, STYLE_CELLULE_DROITE = "Corps de l'acte", "Cellule", "Cellule à droite"
# Le nom de chaque style utilisé et son identifiant dans le modèle (``w:pStyle``), vérifiés au chargement.
IDS_STYLES = {"Title": "Title", "Subtitle": "Subtitle", "Heading 1": "Heading1", "Heading 2": "Heading2",
              "Heading 3": "Heading3", "List Bullet": "ListBullet", "Table Grid": "TableGrid",
              STYLE_CORPS: "Corpsdel'acte", STYLE_CELLULE: "Cellule", STYLE_CELLULE_DROITE: "Celluleàdroite"}
_MARQUE_PIED = "PIED-DE-L-ACTE"  # la place du pied de page de l'acte dans le modèle

# --- Le corps du document, en WordprocessingML ----------------------------------------------------------------

_CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # interdits en XML
_SEPARATEURS = re.compile(r"(\t|\r\n|\r|\n)")


def _t(texte: str) -> str:
    """Un ``w:t`` ; les espaces de début ou de fin gardées (``xml:space``), comme Word les écrit."""
    texte = escape(_CONTROLES.sub("?", texte))
    if texte != texte.strip():
        return f'<w:t xml:space="preserve">{texte}</w:t>'
    return f"<w:t>{texte}</w:t>"


def _run(texte: str, proprietes: str = "") -> str:
    """Un run : ``proprietes`` est le contenu de ``w:rPr`` (``<w:b/>``…) ; tabulations et retours à la ligne
    deviennent ``w:tab`` et ``w:br``, comme les écrit python-docx."""
    debut = f"<w:r><w:rPr>{proprietes}</w:rPr>" if proprietes else "<w:r>"
    if "\t" not in texte and "\n" not in texte and "\r" not in texte:
        return f"{debut}{_t(texte) if texte else ''}</w:r>"
    contenu = []
    for morceau in _SEPARATEURS.split(texte):
        if morceau == "\t":
            contenu.append("<w:tab/>")
        elif morceau in ("\r\n", "\r", "\n"):
            contenu.append("<w:br/>")
        elif morceau:
            contenu.append(_t(morceau))
    return debut + "".join(contenu) + "</w:r>"


def _runs(texte: str, *, gras: bool = False, taille: int | None = None) -> str:
    """Les runs d'un texte à ``**gras**`` (``acte_modele.segments``)."""
    sz = f'<w:sz w:val="{taille}"/>' if taille else ""
    return "".join(_run(morceau, ("<w:b/>" if gras or en_gras else "") + sz) for morceau, en_gras in segments(texte))


def _p(contenu: str, *, style: str | None = STYLE_CORPS, jc: str | None = None, suivant: bool = False,
       saut_de_page: bool = False, espacement: str = "") -> str:
    """Un paragraphe ; ``espacement`` : les attributs de ``w:spacing`` (``w:after="0"``). L'ordre des éléments
    de ``w:pPr`` est celui du schéma."""
    proprietes = (f'<w:pStyle w:val="{IDS_STYLES[style]}"/>' if style else "") + ("<w:keepNext/>" if suivant else "") \
        + ("<w:pageBreakBefore/>" if saut_de_page else "") + (f"<w:spacing {espacement}/>" if espacement else "") \
        + (f'<w:jc w:val="{jc}"/>' if jc else "")
    return f"<w:p><w:pPr>{proprietes}</w:pPr>{contenu}</w:p>" if proprietes else f"<w:p>{contenu}</w:p>"


def _twips(emu: int) -> int:
    return int(round(emu / EMU_PAR_TWIP))


_OMBRE = f'<w:shd w:val="clear" w:color="auto" w:fill="{OMBRE}"/>'
_TBLPR = ('<w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>{jc}<w:tblLook w:firstColumn="1" '
          'w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/>')


def _table(largeurs: list[int], rangees: list[str], *, centre: bool) -> str:
    grille = "".join(f'<w:gridCol w:w="{l}"/>' for l in largeurs)
    proprietes = _TBLPR.format(jc='<w:jc w:val="center"/>' if centre else "")
    return f"<w:tbl><w:tblPr>{proprietes}</w:tblPr><w:tblGrid>{grille}</w:tblGrid>{''.join(rangees)}</w:tbl>"


def _tableau(t: Tableau) -> str:
    """Un tableau « Grille du tableau » centré : en-tête grisé répété sur chaque page, total en gras grisé ;
    sans en-tête, la première colonne (les rubriques) en gras grisé."""
    lignes = ([tuple(c.titre for c in t.colonnes)] if t.entete else []) + t.toutes_les_lignes()
    largeurs = [_twips(int(LARGEUR * c.part)) for c in t.colonnes]
    styles = [IDS_STYLES[STYLE_CELLULE_DROITE if c.droite else STYLE_CELLULE] for c in t.colonnes]
    dernier = len(lignes) - 1
    rangees = []
    for r, valeurs in enumerate(lignes):
        en_tete = r == 0 and t.entete
        gras_rangee = en_tete or (t.total is not None and r == dernier)
        cellules = []
        for i, (valeur, largeur, style) in enumerate(zip(valeurs, largeurs, styles, strict=True)):
            gras = gras_rangee or (i == 0 and not t.entete)
            cellules.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{largeur}"/>{_OMBRE if gras else ""}</w:tcPr>'
                            f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{_runs(valeur, gras=gras)}</w:p></w:tc>')
        tete = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if en_tete else ""
        rangees.append(f"<w:tr>{tete}{''.join(cellules)}</w:tr>")
    return _table(largeurs, rangees, centre=True) + _p("", style=None, espacement='w:after="40"')


def _blocs(blocs: tuple[Bloc, ...], sortie: list[str]) -> None:
    for bloc in blocs:
        if isinstance(bloc, Paragraphe):
            sortie.append(_p(_runs(bloc.texte, taille=TAILLE_PETIT if bloc.petit else None),
                             jc="center" if bloc.centre else None))
        elif isinstance(bloc, Intertitre):
            sortie.append(_p(_runs(bloc.texte), style="Heading 3"))
        elif isinstance(bloc, Liste):
            sortie += [_p(_runs(element), style="List Bullet") for element in bloc.elements]
        elif isinstance(bloc, Tableau):
            sortie.append(_tableau(bloc))


def _signatures(acte: Acte) -> str:
    """La grille des signatures : deux blocs par rangée (un seul pour une notification), chacun avec la place de
    la signature."""
    colonnes = min(2, len(acte.signatures))
    largeur = LARGEUR_PAGE_TWIPS // 2  # un bloc seul garde la demi-largeur, comme dans le PDF
    serre = 'w:after="0"'
    cellules = []
    for sig in acte.signatures:
        lignes = [_p(_run(sig.pour, "<w:b/>"), style=None, suivant=True, espacement=serre)]
        if sig.delegation:
            lignes.append(_p(_run(sig.delegation, "<w:i/>"), style=None, espacement=serre))
        lignes.append(_p(_run(sig.qualite), style=None, espacement=serre))
        lignes.append(_p(_run(sig.nom, "<w:b/>"), style=None, espacement=serre))
        lignes.append(_p(_run(sig.date or "Date et signature :"), style=None, espacement=serre))
        lignes += [_p("", style=None, espacement=serre)] * 4  # la place de la signature
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{largeur}"/></w:tcPr>{"".join(lignes)}</w:tc>')
    if len(cellules) % colonnes:
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{largeur}"/></w:tcPr><w:p/></w:tc>')
    rangees = [f"<w:tr>{''.join(cellules[i:i + colonnes])}</w:tr>" for i in range(0, len(cellules), colonnes)]
    return _table([LARGEUR_PAGE_TWIPS // colonnes] * colonnes, rangees, centre=False)


def corps(acte: Acte) -> str:
    """Le contenu de ``w:body`` (sans ``w:sectPr``, qui vient du modèle)."""
    s: list[str] = [_p(_runs(acte.titre), style="Title", jc="center")]
    s += [_p(_runs(sous_titre), style="Subtitle", jc="center") for sous_titre in acte.sous_titres]
    s.append(_p(_runs(acte.reference), jc="center"))
    for i, partie in enumerate(acte.parties):
        s.append(_p(_runs(acte.liaisons[min(i, len(acte.liaisons) - 1)], gras=True), jc="left"))
        s.append(_p(_runs(partie.texte)))
        s.append(_p(_runs(partie.designation)))
    if acte.preambule:
        s.append(_p(_runs("Préambule"), style="Heading 2"))
        _blocs(acte.preambule, s)
    for article in acte.articles:
        s.append(_p(_runs(article.intitule), style="Heading 2"))
        _blocs(article.blocs, s)
    s.append(_p(_runs(acte.fait_a), suivant=True, espacement='w:before="200"'))
    s.append(_signatures(acte))
    for annexe in acte.annexes:
        s.append(_p(_runs(annexe.intitule), style="Heading 1", saut_de_page=True))
        _blocs(annexe.blocs, s)
    return "".join(s)


def _proprietes(acte: Acte, maintenant: dt.datetime) -> str:
    """``docProps/core.xml`` : titre, objet, auteur, mots-clés, langue, dates."""
    quand = maintenant.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_echapper(acte.titre)}</dc:title><dc:subject>{_echapper(acte.reference)}</dc:subject>"
        f"<dc:creator>Instruction</dc:creator><cp:keywords>{_echapper(', '.join(acte.mots_cles))}</cp:keywords>"
        "<cp:lastModifiedBy>Instruction</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{quand}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{quand}</dcterms:modified>'
        "<dc:language>fr-FR</dc:language></cp:coreProperties>")


def _echapper(texte: str) -> str:
    return escape(_CONTROLES.sub("?", texte))


# --- Le modèle : les parties fixes, compressées une fois par processus -----------------------------------------

_DOCUMENT, _PROPRIETES = "word/document.xml", "docProps/core.xml"


class Modele:
    """Le modèle lu : en-tête et fin de ``document.xml`` (la section : page, marges, renvoi au pied), le pied
    de page en deux moitiés autour du texte de l'acte, et une archive des parties fixes déjà compressées."""

    def __init__(self, fichier: Path = FICHIER_MODELE) -> None:
        try:
            with zipfile.ZipFile(fichier) as archive:
                parties = {nom: archive.read(nom) for nom in archive.namelist()}
        except (OSError, zipfile.BadZipFile) as erreur:
            raise ErreurInstruction(f"Le modèle des actes « {fichier} » est illisible : {erreur}. Réinstallez "
                                    "l'application ou reconstruisez-le (python -m instruction.rapports."
                                    "convention_docx).") from erreur
        document = parties[_DOCUMENT].decode("utf-8")
        debut, fin = document.index("<w:body>") + len("<w:body>"), document.index("<w:sectPr")
        self.tete, self.section = document[:debut], document[fin:]
        styles = parties["word/styles.xml"].decode("utf-8")
        manquants = [nom for nom, identifiant in IDS_STYLES.items() if f'w:styleId="{identifiant}"' not in styles]
        if manquants:
            raise ErreurInstruction(f"Le modèle des actes « {fichier} » n'a pas les styles {', '.join(manquants)}.")
        (self.nom_pied,) = [nom for nom, contenu in parties.items() if nom.startswith("word/footer")
                            and _MARQUE_PIED.encode() in contenu]
        self.pied_avant, self.pied_apres = parties[self.nom_pied].decode("utf-8").split(_MARQUE_PIED)
        tampon = io.BytesIO()
        with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as fixes:
            for nom, contenu in parties.items():
                if nom not in (_DOCUMENT, _PROPRIETES, self.nom_pied):
                    fixes.writestr(nom, contenu)
        self.fixes = tampon.getvalue()

    def docx(self, acte: Acte) -> bytes:
        tampon = io.BytesIO(self.fixes)
        # Mode « a » : les parties fixes restent telles quelles (compressées une fois), seules les trois parties
        # de l'acte sont compressées ; le répertoire central est réécrit à la fermeture.
        with zipfile.ZipFile(tampon, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_DOCUMENT, f"{self.tete}{corps(acte)}{self.section}")
            archive.writestr(self.nom_pied, f"{self.pied_avant}{_echapper(acte.pied)}{self.pied_apres}")
            archive.writestr(_PROPRIETES, _proprietes(acte, dt.datetime.now(dt.UTC)))
        return tampon.getvalue()


@functools.cache
def modele() -> Modele:
    """Le modèle de ``resources``, lu une fois par processus (le serveur des processus du lot le lit avant de
    les lancer)."""
    return Modele()


def octets(acte: Acte) -> bytes:
    """Le DOCX de l'acte, en mémoire."""
    return modele().docx(acte)


def ecrire(acte: Acte, fichier: Path) -> Path:
    from instruction.rapports.pdf import ecrire_atomiquement

    return ecrire_atomiquement({Path(fichier): octets(acte)})[0]


# --- Construire le modèle (python-docx) -----------------------------------------------------------------------


def construire_modele(fichier: Path = FICHIER_MODELE) -> Path:
    """Écrit le modèle avec python-docx : styles de Word mis à la police et aux couleurs de l'acte, styles de
    l'acte, page A4, marges, pied de page (texte de l'acte, tabulation à droite, « page x / y »). Le document
    de base de python-docx sans sa vignette ni ``stylesWithEffects`` (copie des styles pour Word 2010, qui ne
    connaîtrait pas les styles de l'acte)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu, Mm, Pt, RGBColor

    def police(style, taille: float, *, gras: bool = False, couleur: str | None = None) -> None:
        style.font.name = POLICE
        style.element.rPr.rFonts.set(qn("w:eastAsia"), POLICE)
        style.font.size = Pt(taille)
        style.font.bold = gras
        if couleur is not None:
            style.font.color.rgb = RGBColor.from_string(couleur)

    document = Document()
    for relations, genre in ((document.part.package.rels, "/metadata/thumbnail"),
                             (document.part.rels, "/stylesWithEffects")):
        for identifiant in [i for i, r in relations.items() if r.reltype.endswith(genre)]:
            relations.pop(identifiant)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(19)
    section.top_margin, section.bottom_margin = Mm(17), Mm(18)
    section.footer_distance = Mm(8)
    styles = document.styles
    normal = styles["Normal"]
    police(normal, 10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    police(styles["Title"], 17, gras=True, couleur=BLEU)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    police(styles["Subtitle"], 11)
    styles["Subtitle"].font.italic = False
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    police(styles["Heading 1"], 13, gras=True, couleur=BLEU)
    police(styles["Heading 2"], 11, gras=True, couleur=BLEU)
    styles["Heading 2"].paragraph_format.space_before = Pt(10)
    styles["Heading 2"].paragraph_format.space_after = Pt(4)
    police(styles["Heading 3"], 10, gras=True, couleur="000000")
    police(styles["List Bullet"], 10)
    # Styles propres à l'acte (retouchables dans Word comme les autres) : la mise en forme des paragraphes et
    # des cellules est dans le style, pas répétée dans chaque paragraphe.
    corps_ = styles.add_style(STYLE_CORPS, WD_STYLE_TYPE.PARAGRAPH)
    corps_.base_style = normal
    corps_.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    cellule = styles.add_style(STYLE_CELLULE, WD_STYLE_TYPE.PARAGRAPH)
    cellule.base_style = normal
    cellule.font.size = Pt(9)
    cellule.paragraph_format.space_after = Pt(0)
    cellule.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    droite = styles.add_style(STYLE_CELLULE_DROITE, WD_STYLE_TYPE.PARAGRAPH)
    droite.base_style = cellule
    droite.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    # Le pied de page : le style « Pied de page » à la taille et au gris du texte (les numéros de page, champs
    # sans mise en forme propre, le prennent), sans ses taquets du modèle de python-docx (centre, droite à
    # 16,5 cm) : seule reste la tabulation droite au bord, et « page x / y » s'y aligne dans Word comme dans
    # LibreOffice.
    style_pied = styles["Footer"]
    style_pied.paragraph_format.tab_stops.clear_all()
    style_pied.font.size = Pt(7.5)
    style_pied.font.color.rgb = RGBColor.from_string(GRIS_PIED)
    pied = section.footer.paragraphs[0]
    pied.paragraph_format.tab_stops.add_tab_stop(Emu(LARGEUR), alignment=WD_TAB_ALIGNMENT.RIGHT)
    pied.add_run(_MARQUE_PIED + "\t")
    pied.add_run("page ")
    _champ(pied, "PAGE", OxmlElement, qn)
    pied.add_run(" / ")
    _champ(pied, "NUMPAGES", OxmlElement, qn)
    for run in pied.runs:
        run.font.size = Pt(7.5)
        run.font.color.rgb = RGBColor.from_string(GRIS_PIED)
    corps_document = document.element.body
    for enfant in list(corps_document):
        if enfant.tag != qn("w:sectPr"):
            corps_document.remove(enfant)
    coeur = document.core_properties
    coeur.author, coeur.comments, coeur.language = "Instruction", "", "fr-FR"
    fichier = Path(fichier)
    document.save(str(fichier))
    return fichier


def _champ(paragraphe, instruction: str, OxmlElement, qn) -> None:  # noqa: N803 (les fabriques de python-docx)
    """Un champ Word calculé à l'ouverture (PAGE, NUMPAGES)."""
    champ = OxmlElement("w:fldSimple")
    champ.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    texte = OxmlElement("w:t")
    texte.text = "1"
    run.append(texte)
    champ.append(run)
    paragraphe._p.append(champ)


if __name__ == "__main__":
    print(f"Modèle des actes écrit : {construire_modele(Path(sys.argv[1]) if len(sys.argv) > 1 else FICHIER_MODELE)}")
