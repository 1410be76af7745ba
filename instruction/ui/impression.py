"""Aperçu avant impression et impression de n'importe quel PDF produit par l'application.

Le PDF est lu par QtPdf (``QPdfDocument``, paquet PySide6-Pdf) ; chaque page est rendue en image à la
résolution de l'imprimante (300 ppp au plus ; 120 pour l'aperçu à l'écran, 90 au-delà de 40 pages) puis peinte, page pleine, sur le
``QPrinter`` que remplit la boîte d'impression de Qt. Une seule API pour tous les écrans :

* ``apercu(parent, source, titre)`` : l'aperçu de Qt (zoom, pages, mise en page) avec son bouton Imprimer ;
* ``imprimer(parent, source, titre)`` : directement la boîte d'impression ;
* ``imprimer_lot(parent, chemins, titre)`` : plusieurs PDF en un seul travail d'impression (la boîte
  d'impression une fois), avec une barre de progression et « Annuler » ; en recto verso, chaque document
  commence sur un recto (une page blanche est ajoutée après un document de nombre impair de pages).

``source`` est un chemin de fichier ou les octets d'un PDF. Ce module charge QtPdf : importez-le au moment
d'imprimer (dans la méthode du bouton), pas en tête d'un écran ouvert au démarrage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from instruction.domaine.erreurs import ErreurInstruction

PPP_IMPRESSION = 300  # au-delà, l'image d'une page A4 pèse plus de 35 Mo sans rien gagner pour du texte
PPP_APERCU = 120  # l'aperçu garde toutes ses pages en mémoire (≈ 5 Mo la page A4 à 120 ppp)
PPP_APERCU_LONG = 90


class PdfIllisible(ErreurInstruction):
    """Le fichier n'est pas un PDF lisible (absent, abîmé, protégé par un mot de passe)."""


class DocumentPdf:
    """Un PDF ouvert par QtPdf, depuis un fichier ou des octets (le tampon est gardé tant que le document vit)."""

    def __init__(self, source: Path | str | bytes, parent: QWidget | None = None) -> None:
        self.document = QPdfDocument(parent)
        self._tampon: QBuffer | None = None
        if isinstance(source, (bytes, bytearray)):
            self.nom = "document"
            self._octets = QByteArray(bytes(source))
            self._tampon = QBuffer(self._octets)
            self._tampon.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(self._tampon)
        else:
            chemin = Path(source)
            self.nom = chemin.name
            if not chemin.is_file():
                raise PdfIllisible(f"Le document « {chemin} » n'existe pas (déplacé ou supprimé ?).")
            self.document.load(str(chemin))
        erreur = self.document.error()
        if erreur != QPdfDocument.Error.None_ or self.document.status() != QPdfDocument.Status.Ready:
            raise PdfIllisible(f"« {self.nom} » n'est pas un PDF lisible ({_raison(erreur)}).")

    @property
    def pages(self) -> int:
        return self.document.pageCount()

    def fermer(self) -> None:
        self.document.close()
        if self._tampon is not None:
            self._tampon.close()


def _raison(erreur: QPdfDocument.Error) -> str:
    return {
        QPdfDocument.Error.FileNotFound: "fichier introuvable",
        QPdfDocument.Error.InvalidFileFormat: "format invalide",
        QPdfDocument.Error.IncorrectPassword: "protégé par un mot de passe",
        QPdfDocument.Error.UnsupportedSecurityScheme: "protection non prise en charge",
        QPdfDocument.Error.DataNotYetAvailable: "fichier incomplet",
    }.get(erreur, "erreur inconnue")


def preparer_imprimante(imprimante: QPrinter, document: DocumentPdf, titre: str) -> None:
    """Page pleine (le PDF a déjà ses marges), format et orientation de la première page du PDF."""
    imprimante.setFullPage(True)
    imprimante.setDocName(titre)
    if document.pages:
        taille = document.document.pagePointSize(0)
        portrait = QSizeF(min(taille.width(), taille.height()), max(taille.width(), taille.height()))
        connu = QPageSize.id(portrait, QPageSize.Unit.Point, QPageSize.SizeMatchPolicy.FuzzyMatch)
        imprimante.setPageSize(QPageSize(connu) if connu != QPageSize.PageSizeId.Custom
                               else QPageSize(portrait, QPageSize.Unit.Point, "PDF"))
        imprimante.setPageOrientation(QPageLayout.Orientation.Landscape if taille.width() > taille.height()
                                      else QPageLayout.Orientation.Portrait)


def peindre(imprimante: QPrinter, documents: Sequence[DocumentPdf], *, ppp: int = PPP_IMPRESSION,
            a_chaque_page: Callable[[int, int], bool] | None = None, recto_verso: bool | None = None) -> int:
    """Peint toutes les pages des documents sur ``imprimante`` (un seul travail) ; rend le nombre de pages
    peintes. ``a_chaque_page(faites, total)`` rend faux pour interrompre (le travail est alors abandonné).
    ``recto_verso`` : par défaut, ce que dit l'imprimante (une sortie PDF ne l'est jamais)."""
    total = sum(d.pages for d in documents)
    if recto_verso is None:
        recto_verso = imprimante.duplex() != QPrinter.DuplexMode.DuplexNone
    peintre = QPainter()
    if not peintre.begin(imprimante):
        raise ErreurInstruction("L'imprimante n'a pas pu commencer l'impression : vérifiez qu'elle est "
                                "disponible, puis recommencez.")
    faites = 0
    premiere = True
    try:
        for rang, document in enumerate(documents):
            for page in range(document.pages):
                if a_chaque_page is not None and not a_chaque_page(faites, total):
                    imprimante.abort()
                    return faites
                if not premiere:
                    imprimante.newPage()
                premiere = False
                _peindre_page(peintre, imprimante, document.document, page, ppp)
                faites += 1
            if recto_verso and document.pages % 2 == 1 and rang < len(documents) - 1:
                imprimante.newPage()  # le document suivant commence sur un recto : un verso blanc
                peintre.fillRect(QRectF(0, 0, 1, 1), Qt.GlobalColor.white)  # une page vide serait sautée
    finally:
        if peintre.isActive():
            peintre.end()
    if a_chaque_page is not None:
        a_chaque_page(faites, total)
    return faites


def _peindre_page(peintre: QPainter, imprimante: QPrinter, document: QPdfDocument, page: int, ppp: int) -> None:
    points = document.pagePointSize(page)
    resolution = min(ppp, imprimante.resolution()) if imprimante.resolution() > 0 else ppp
    image = document.render(page, QSize(max(1, round(points.width() / 72 * resolution)),
                                        max(1, round(points.height() / 72 * resolution))))
    papier = imprimante.paperRect(QPrinter.Unit.DevicePixel)
    # La page du PDF, à l'échelle de la feuille, en gardant ses proportions, centrée.
    echelle = min(papier.width() / points.width(), papier.height() / points.height())
    largeur, hauteur = points.width() * echelle, points.height() * echelle
    cible = QRectF(QPointF((papier.width() - largeur) / 2, (papier.height() - hauteur) / 2),
                   QPointF((papier.width() + largeur) / 2, (papier.height() + hauteur) / 2))
    peintre.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    peintre.drawImage(cible, image)


class ApercuImpression(QPrintPreviewDialog):
    """L'aperçu de Qt sur les pages du PDF ; son bouton Imprimer repeint à la résolution de l'imprimante."""

    def __init__(self, document: DocumentPdf, titre: str, parent: QWidget | None = None) -> None:
        self.imprimante = QPrinter(QPrinter.PrinterMode.HighResolution)
        preparer_imprimante(self.imprimante, document, titre)
        super().__init__(self.imprimante, parent)
        self.document = document
        self.pages_peintes = 0  # la dernière peinture (aperçu ou impression) : pour les tests et le journal
        self.setWindowTitle(f"Aperçu avant impression – {titre}")
        self.resize(980, 720)
        self.paintRequested.connect(self._peindre)
        self.finished.connect(lambda _r: document.fermer())

    @property
    def vue(self) -> QPrintPreviewWidget:
        return self.findChild(QPrintPreviewWidget)

    def _peindre(self, imprimante: QPrinter) -> None:
        # L'aperçu enregistre chaque page dans une image en mémoire (moteur « Picture ») : résolution d'écran,
        # plus basse encore pour un long document ; l'impression venue de l'aperçu, elle, a toute sa résolution.
        a_l_ecran = imprimante.paintEngine() is not None and \
            imprimante.paintEngine().type() == QPaintEngine.Type.Picture
        ppp = (PPP_APERCU if self.document.pages <= 40 else PPP_APERCU_LONG) if a_l_ecran else PPP_IMPRESSION
        self.pages_peintes = peindre(imprimante, [self.document], ppp=ppp)


def ouvrir_document(parent: QWidget | None, source: Path | str | bytes) -> DocumentPdf | None:
    """Le PDF ouvert, ou ``None`` après avoir dit pourquoi il ne s'ouvre pas."""
    try:
        return DocumentPdf(source, parent)
    except PdfIllisible as erreur:
        QMessageBox.warning(parent, "Impression impossible", erreur.message)
        return None


def apercu(parent: QWidget | None, source: Path | str | bytes, titre: str, *,
           modal: bool = True) -> ApercuImpression | None:
    """Ouvre l'aperçu avant impression du PDF (bouton Imprimer compris). ``modal=False`` : le rend ouvert
    sans attendre (les tests le regardent puis le ferment)."""
    document = ouvrir_document(parent, source)
    if document is None:
        return None
    boite = ApercuImpression(document, titre, parent)
    boite.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    if modal:
        boite.exec()
        return None
    boite.open()
    return boite


def imprimer(parent: QWidget | None, source: Path | str | bytes, titre: str) -> bool:
    """La boîte d'impression de Qt, puis l'impression ; vrai si le document est parti à l'imprimante."""
    document = ouvrir_document(parent, source)
    if document is None:
        return False
    try:
        imprimante = QPrinter(QPrinter.PrinterMode.HighResolution)
        preparer_imprimante(imprimante, document, titre)
        boite = QPrintDialog(imprimante, parent)
        boite.setWindowTitle(f"Imprimer – {titre}")
        if boite.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        return _avec_progression(parent, imprimante, [document], titre)
    finally:
        document.fermer()


def imprimer_lot(parent: QWidget | None, chemins: Sequence[Path | str], titre: str, *,
                 imprimante: QPrinter | None = None) -> int:
    """Imprime plusieurs PDF en un seul travail : la boîte d'impression une fois (sauf si ``imprimante`` est
    donnée, déjà réglée), puis la progression page par page avec « Annuler ». Rend le nombre de pages
    imprimées (0 si l'on a annulé avant la fin ou renoncé)."""
    documents: list[DocumentPdf] = []
    try:
        for chemin in chemins:
            document = ouvrir_document(parent, chemin)
            if document is None:
                return 0
            documents.append(document)
        if not documents:
            return 0
        if imprimante is None:
            imprimante = QPrinter(QPrinter.PrinterMode.HighResolution)
            preparer_imprimante(imprimante, documents[0], titre)
            boite = QPrintDialog(imprimante, parent)
            boite.setWindowTitle(f"Imprimer – {titre} ({len(documents)} documents)")
            if boite.exec() != QPrintDialog.DialogCode.Accepted:
                return 0
        else:
            preparer_imprimante(imprimante, documents[0], titre)
        total = sum(d.pages for d in documents)
        return total if _avec_progression(parent, imprimante, documents, titre) else 0
    finally:
        for document in documents:
            document.fermer()


def _avec_progression(parent: QWidget | None, imprimante: QPrinter, documents: Sequence[DocumentPdf],
                      titre: str) -> bool:
    """Peint les pages en montrant l'avancement ; « Annuler » abandonne le travail (rien n'est imprimé)."""
    total = sum(d.pages for d in documents)
    progression = QProgressDialog(f"Impression de « {titre} »…", "Annuler", 0, max(1, total), parent)
    progression.setWindowTitle("Impression")
    progression.setWindowModality(Qt.WindowModality.WindowModal)
    progression.setMinimumDuration(300)
    progression.setValue(0)
    annule = False

    def a_chaque_page(faites: int, total_: int) -> bool:
        nonlocal annule
        progression.setValue(faites)
        progression.setLabelText(f"Impression de « {titre} » : page {min(faites + 1, total_)} / {total_}")
        QApplication.processEvents()  # la boîte reste vivante, « Annuler » est entendu entre deux pages
        annule = annule or progression.wasCanceled()
        return not annule

    try:
        peindre(imprimante, documents, a_chaque_page=a_chaque_page)
    finally:
        progression.close()
        progression.deleteLater()
    return not annule
