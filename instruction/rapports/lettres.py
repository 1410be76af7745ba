"""Les lettres en PDF : papier à en-tête du service Politique de la Ville de Calais, destinataire, objet, corps,
signature — composées à partir des ``Rendu`` du publipostage (``rapports/publipostage.py``).

Une lettre est un ``Rendu`` dont l'en-tête a les textes ``lieu_date``, ``reference``, ``affaire_suivie_par``
(facultatif), ``destinataire`` (des lignes) et ``objet`` ; le corps et la signature viennent du modèle. Le
papier (collectivité, service, adresse, lieu, mention du pied de page) est une donnée :
``resources/modeles/_service.yaml``. Plusieurs lettres vont dans un même PDF (chacune commence sur une
nouvelle page, avec l'en-tête ; une lettre de plus d'une page est numérotée « page x / y » pour elle seule).

Les lettres de notification du comité (``Notification``, ``valeurs_notification``) sont décrites ici : le
service les lit dans la base (``services/lettres.py``), ce module les met en mots et en pages.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports import pdf, publipostage

FICHIER_SERVICE = publipostage.DOSSIER / "_service.yaml"

GAUCHE = 20 * mm
DROITE = 20 * mm
HAUT_PREMIERE = 42 * mm  # sous le papier à en-tête
HAUT_SUITE = 20 * mm
BAS = 18 * mm
LARGEUR = A4[0] - GAUCHE - DROITE
GRIS_TEXTE = colors.HexColor("#5f6b78")

GENRES = {"accord": "Accord", "refus": "Refus", "ajourne": "Ajournement"}


# --- Le papier et les signataires (données) --------------------------------------------------------------------


@dataclass(frozen=True)
class Signataire:
    financeur_code: str
    au_titre_de: str
    delegation: str
    qualite: str
    nom: str


@dataclass(frozen=True)
class Papier:
    collectivite: str
    service: str
    adresse: tuple[str, ...]
    lieu: str
    mention: str
    signataires: dict[str, Signataire]

    @property
    def pied(self) -> str:
        return " – ".join([self.collectivite, self.service, ", ".join(self.adresse)])


def papier(fichier: Path | None = None) -> Papier:
    """Le papier à en-tête et les signataires, lus dans ``resources/modeles/_service.yaml``."""
    fichier = Path(fichier or FICHIER_SERVICE)
    try:
        with open(fichier, encoding="utf-8") as flux:
            donnees = yaml.safe_load(flux) or {}
        service = donnees["service"]
        signataires = {
            str(f["code"]): Signataire(str(f["code"]), str(f["au_titre_de"]), str(f.get("delegation") or ""),
                                       str(f["signataire_qualite"]), str(f.get("signataire_nom") or ""))
            for f in donnees.get("financeurs") or ()
        }
        return Papier(str(service["collectivite"]), str(service["service"]),
                      tuple(str(l) for l in service.get("adresse") or ()), str(service.get("lieu") or ""),
                      str(service.get("mention") or ""), signataires)
    except (OSError, yaml.YAMLError, KeyError, TypeError) as erreur:
        raise ErreurInstruction(
            f"Le papier à en-tête des lettres (« {fichier} ») est illisible ou incomplet : {erreur}. Il doit donner "
            "« service » (collectivite, service, adresse, lieu) et, pour chaque cofinanceur notifié, code, "
            "au_titre_de et signataire_qualite.") from erreur


# --- Les notifications du comité des financeurs ------------------------------------------------------------------


@dataclass(frozen=True)
class Notification:
    """Une lettre à écrire : la décision du comité sur un dossier, pour un cofinanceur, adressée à son porteur."""

    genre: str  # accord | refus | ajourne
    porteur_id: int
    porteur: str
    representant: str | None  # « Mme Jeanne Martin, présidente »
    formule_appel: str  # « Madame la Présidente, »
    adresse: tuple[str, ...]
    dossier_id: int
    numero: str
    intitule: str
    campagne: str
    annee: int
    financeur_code: str
    financeur_sigle: str
    date_decision: dt.date
    motif: str | None
    montant_demande: Decimal
    montant_accorde: Decimal
    retenu_ailleurs: bool  # refus de ce cofinanceur, mais l'action est retenue par d'autres
    convention: bool  # une convention suivra (CDV, Cité éducative, ou plus de 23 000 €)
    instructeur: str | None

    @property
    def modele(self) -> str:
        return f"notification_{self.genre}"


def valeurs_notification(n: Notification, papier_: Papier, date_lettre: dt.date) -> dict[str, object]:
    """Les champs de fusion d'une notification, pour le modèle ``notification_<genre>``."""
    signataire = papier_.signataires.get(n.financeur_code)
    if signataire is None:
        raise ErreurInstruction(
            f"Le cofinanceur « {n.financeur_code} » n'a pas de signataire dans le papier à en-tête des lettres "
            f"({FICHIER_SERVICE.name}) : ajoutez-le sous « financeurs ».")
    valeurs: dict[str, object] = {
        "destinataire": n.porteur,
        "representant": n.representant,
        "adresse": list(n.adresse),
        "formule_appel": n.formule_appel,
        "lieu": papier_.lieu,
        "date_lettre": date_lettre,
        "reference": f"SPV/{n.annee}/{n.financeur_sigle}",
        "affaire_suivie_par": n.instructeur,
        "numero_dossier": n.numero,
        "intitule": n.intitule,
        "campagne": n.campagne,
        "date_comite": n.date_decision,
        "financeur": signataire.au_titre_de,
        "montant_demande": n.montant_demande,
        "delegation": signataire.delegation or None,
        "signataire_qualite": signataire.qualite,
        "signataire_nom": signataire.nom or None,
    }
    if n.genre == "accord":
        valeurs.update(montant_accorde=n.montant_accorde, observations=n.motif, convention=n.convention)
    elif n.genre == "refus":
        valeurs.update(motif=n.motif, action_retenue_ailleurs=n.retenu_ailleurs)
    else:
        valeurs.update(motif=n.motif)
    return valeurs


def formule_appel(civilite: str | None, qualite: str | None) -> str:
    """« Madame la Présidente, », « Monsieur le Directeur, » ; « Madame, Monsieur, » faute de mieux."""
    civ = (civilite or "").strip().lower().rstrip(".")
    titre = {"madame": "Madame", "mme": "Madame", "monsieur": "Monsieur", "m": "Monsieur"}.get(civ)
    if titre is None:
        return "Madame, Monsieur,"
    fonction = (qualite or "").strip()
    if not fonction:
        return f"{titre},"
    fonction = fonction[0].upper() + fonction[1:]
    article = "l'" if unicodedata.normalize("NFD", fonction)[0].lower() in "aeiouyh" else (
        "la " if titre == "Madame" else "le ")
    return f"{titre} {article}{fonction},"


def representant(civilite: str | None, nom: str | None, qualite: str | None) -> str | None:
    """« Madame Sandrine Lefebvre, Présidente »."""
    if not nom:
        return None
    texte = " ".join(p for p in ((civilite or "").strip(), nom.strip()) if p)
    return f"{texte}, {qualite.strip()}" if qualite and qualite.strip() else texte


def rendre_notification(n: Notification, papier_: Papier, date_lettre: dt.date,
                        dossier: Path | None = None) -> publipostage.Rendu:
    return publipostage.charger(n.modele, dossier).rendre(valeurs_notification(n, papier_, date_lettre))


# --- La composition -------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = pdf.styles()["normal"]
    corps = ParagraphStyle("lettre", parent=base, fontSize=9.8, leading=12.8, alignment=TA_JUSTIFY, spaceAfter=6)
    return {
        "corps": corps,
        "titre": ParagraphStyle("lettre-titre", parent=corps, fontName="Helvetica-Bold", textColor=pdf.BLEU,
                                alignment=0, spaceBefore=4, spaceAfter=4),
        "liste": ParagraphStyle("lettre-liste", parent=corps, spaceAfter=2),
        "petit": ParagraphStyle("lettre-petit", parent=base, fontSize=8.5, leading=11, textColor=GRIS_TEXTE),
        "destinataire": ParagraphStyle("lettre-dest", parent=base, fontSize=10, leading=13),
        "objet": ParagraphStyle("lettre-objet", parent=corps, fontName="Helvetica-Bold", alignment=0,
                                spaceBefore=6, spaceAfter=10),
        "droite": ParagraphStyle("lettre-droite", parent=corps, alignment=0, spaceAfter=0),
        "signature": ParagraphStyle("lettre-signature", parent=base, fontSize=10, leading=13),
    }


def _texte(texte: str) -> str:
    """Échappe le texte et rend ``**gras**`` en gras."""
    return "".join(f"<b>{pdf.texte(m)}</b>" if gras else pdf.texte(m) for m, gras in publipostage.ligne_gras(texte))


class _DebutLettre(Flowable):
    """Marque, sur la page où elle tombe, le début d'une nouvelle lettre (numérotation « x / y » par lettre)."""

    def __init__(self, numero: int, rappel: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.numero = numero
        self.rappel = rappel
        self.width = self.height = 0

    def wrap(self, *args) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._lettre_courante = self.numero  # noqa: SLF001 — lu par le canevas au changement de page
        if self.rappel is not None:
            self.rappel(self.numero)  # avancement ; peut lever pour interrompre la composition


def _canevas(papier_: Papier, pages: list[int] | None = None):
    """Un canevas qui attend la fin pour écrire les pieds de page : il sait alors combien de pages a chaque
    lettre (recopié dans ``pages``, lettre par lettre, si on le lui donne)."""

    class CanevasLettres(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self._lettre_courante = 0

        def showPage(self) -> None:  # noqa: N802 — nom de reportlab
            self._pages.append({**self.__dict__, "_lettre_de_la_page": self._lettre_courante})
            self._startPage()

        def save(self) -> None:
            par_lettre: dict[int, int] = {}
            for etat in self._pages:
                par_lettre[etat["_lettre_de_la_page"]] = par_lettre.get(etat["_lettre_de_la_page"], 0) + 1
            if pages is not None:
                pages[:] = [par_lettre[n] for n in sorted(par_lettre) if n > 0]
            rang: dict[int, int] = {}
            for etat in self._pages:
                lettre = etat["_lettre_de_la_page"]
                self.__dict__.update(etat)
                rang[lettre] = rang.get(lettre, 0) + 1
                self._pied(rang[lettre], par_lettre[lettre])
                Canvas.showPage(self)
            Canvas.save(self)

        def _pied(self, page: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(pdf.BORD)
            self.setLineWidth(0.4)
            self.line(GAUCHE, 14 * mm, A4[0] - DROITE, 14 * mm)
            self.setFont("Helvetica", 7)
            self.setFillColor(GRIS_TEXTE)
            self.drawString(GAUCHE, 10 * mm, pdf.texte(papier_.pied).replace("&amp;", "&"))
            if total > 1:
                self.drawRightString(A4[0] - DROITE, 10 * mm, f"page {page} / {total}")
            self.restoreState()

    return CanevasLettres


def _en_tete(papier_: Papier):
    def dessiner(canvas: Canvas, document) -> None:
        canvas.saveState()
        haut = A4[1] - 16 * mm
        canvas.setFillColor(pdf.BLEU)
        canvas.rect(GAUCHE, haut - 17 * mm, 1.6 * mm, 19 * mm, stroke=0, fill=1)
        x = GAUCHE + 5 * mm
        canvas.setFont("Helvetica-Bold", 15)
        canvas.drawString(x, haut - 3 * mm, papier_.collectivite.upper())
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(x, haut - 8.5 * mm, papier_.service)
        canvas.setFillColor(GRIS_TEXTE)
        canvas.setFont("Helvetica", 8)
        y = haut - 13 * mm
        canvas.drawString(x, y, " – ".join(papier_.adresse))
        if papier_.mention:
            canvas.setFont("Helvetica-Oblique", 7.5)
            canvas.drawString(x, y - 4 * mm, papier_.mention)
        canvas.restoreState()

    return dessiner


def _lettre(rendu: publipostage.Rendu, numero: int, st: dict[str, ParagraphStyle],
            rappel: Callable[[int], None] | None = None) -> list:
    entete = rendu.entete
    histoire: list = [_DebutLettre(numero, rappel)]
    # Références à gauche, destinataire à droite (à la place de la fenêtre d'une enveloppe DL).
    references = [Paragraph(_texte(str(entete.get(cle) or "")), st["petit"])
                  for cle in ("reference", "affaire_suivie_par") if entete.get(cle)]
    destinataire = entete.get("destinataire") or ()
    if isinstance(destinataire, str):
        destinataire = (destinataire,)
    bloc_destinataire = [Paragraph(("<b>%s</b>" if i == 0 else "%s") % _texte(l), st["destinataire"])
                         for i, l in enumerate(destinataire)]
    table = Table([[references or "", bloc_destinataire or ""]], colWidths=[LARGEUR * 0.52, LARGEUR * 0.48])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    histoire.append(table)
    histoire.append(Spacer(1, 6 * mm))
    if entete.get("lieu_date"):
        date = Table([["", Paragraph(_texte(str(entete["lieu_date"])), st["droite"])]],
                     colWidths=[LARGEUR * 0.52, LARGEUR * 0.48])
        date.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        histoire.append(date)
        histoire.append(Spacer(1, 4 * mm))
    if entete.get("objet"):
        histoire.append(Paragraph(f"Objet : {_texte(str(entete['objet']))}", st["objet"]))
    for bloc in rendu.blocs:
        if bloc.genre == "titre":
            histoire.append(CondPageBreak(25 * mm))
            histoire.append(Paragraph(_texte(bloc.texte), st["titre"]))
        elif bloc.genre == "liste":
            histoire.append(ListFlowable(
                [ListItem(Paragraph(_texte(e), st["liste"]), leftIndent=12, value="•") for e in bloc.elements],
                bulletType="bullet", start="•", leftIndent=12, bulletFontSize=9, spaceAfter=7))
        else:
            histoire.append(Paragraph(_texte(bloc.texte), st["corps"]))
    if rendu.signature:
        lignes = [Paragraph(("<b>%s</b>" if i == len(rendu.signature) - 1 and i > 0 else "%s") % _texte(l),
                            st["signature"]) for i, l in enumerate(rendu.signature)]
        signature = Table([["", lignes]], colWidths=[LARGEUR * 0.52, LARGEUR * 0.48])
        signature.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        histoire.append(Spacer(1, 3 * mm))
        # La signature ne se sépare pas de la place pour signer.
        histoire.append(KeepTogether([signature, Spacer(1, 14 * mm)]))
    return histoire


def ecrire_lettres(fichier: Path, rendus: Sequence[publipostage.Rendu], papier_: Papier | None = None, *,
                   titre: str = "Lettres", a_chaque_lettre: Callable[[int], None] | None = None,
                   pages: list[int] | None = None) -> Path:
    """Écrit une ou plusieurs lettres dans un PDF (écriture atomique : jamais de fichier à moitié écrit).

    ``a_chaque_lettre(numero)`` est appelé quand la lettre ``numero`` (à partir de 1) est mise en page ; s'il
    lève une exception (annulation), la composition s'arrête et aucun fichier n'est laissé. ``pages`` reçoit le
    nombre de pages de chaque lettre, dans l'ordre (pour ``extraire`` ensuite les lettres d'un porteur)."""
    if not rendus:
        raise ErreurInstruction("Aucune lettre à écrire.")
    papier_ = papier_ or papier()
    st = _styles()
    histoire: list = []
    for numero, rendu in enumerate(rendus, start=1):
        if numero > 1:
            histoire += [NextPageTemplate("premiere"), PageBreak()]
        histoire += _lettre(rendu, numero, st, a_chaque_lettre)

    def composer(provisoire: Path) -> None:
        document = BaseDocTemplate(str(provisoire), pagesize=A4, title=titre, author=papier_.collectivite,
                                   lang="fr-FR", leftMargin=GAUCHE, rightMargin=DROITE, topMargin=HAUT_SUITE,
                                   bottomMargin=BAS)
        premiere = Frame(GAUCHE, BAS, LARGEUR, A4[1] - HAUT_PREMIERE - BAS, id="premiere",
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        suite = Frame(GAUCHE, BAS, LARGEUR, A4[1] - HAUT_SUITE - BAS, id="suite",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        document.addPageTemplates([
            PageTemplate("premiere", [premiere], onPage=_en_tete(papier_), autoNextPageTemplate="suite"),
            PageTemplate("suite", [suite]),
        ])
        document.build(histoire, canvasmaker=_canevas(papier_, pages))

    return pdf.ecrire_atomique(Path(fichier), composer)


def extraire(source, destination: Path, pages: Sequence[int], *, titre: str) -> Path:
    """Recopie dans ``destination`` les pages ``pages`` (indices à partir de 0) du PDF ``source`` (un chemin, ou
    un ``pypdf.PdfReader`` déjà ouvert pour en extraire plusieurs) : les lettres d'un porteur, prises dans le
    PDF de toutes les lettres sans les recomposer."""
    from pypdf import PdfReader, PdfWriter

    lecteur = source if isinstance(source, PdfReader) else PdfReader(source)

    def composer(provisoire: Path) -> None:
        ecrivain = PdfWriter()
        for indice in pages:
            ecrivain.add_page(lecteur.pages[indice])
        ecrivain.add_metadata({"/Title": titre, "/Author": "Instruction"})
        with open(provisoire, "wb") as flux:
            ecrivain.write(flux)

    return pdf.ecrire_atomique(Path(destination), composer)


def nom_de_fichier(texte: str, *, longueur: int = 80) -> str:
    """Un nom de fichier sûr sur tous les systèmes, lisible (« Association Les Amis du Fort.pdf »)."""
    propre = unicodedata.normalize("NFC", texte)
    propre = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", propre)
    propre = " ".join(propre.split()).strip(" .")
    from instruction.fichiers_temporaires import nom_sur  # noms réservés de Windows (« CON »…), longueur

    return nom_sur(propre[:longueur].rstrip(" .") or "lettre")
