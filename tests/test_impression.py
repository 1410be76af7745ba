"""Aperçu avant impression et impression de tout PDF (QtPdf + QPrintPreviewDialog), hors écran."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from instruction.rapports import lettres

JOUR = dt.date(2026, 12, 1)


def _notification(rang: int, genre: str = "accord") -> lettres.Notification:
    return lettres.Notification(
        genre=genre, porteur_id=rang, porteur=f"Association n° {rang}", representant=None,
        formule_appel="Madame, Monsieur,", adresse=("1 rue du Port", "62100 Calais"), dossier_id=rang,
        numero=f"CDV-2027-{rang:03d}", intitule="Jardin partagé", campagne="Appel à projets Contrat de ville 2027",
        annee=2027, financeur_code="ville-calais", financeur_sigle="Ville", date_decision=dt.date(2027, 5, 12),
        motif=None if genre == "accord" else "Hors des quartiers prioritaires.", montant_demande=Decimal("1500.00"),
        montant_accorde=Decimal("1500.00") if genre == "accord" else Decimal("0.00"), retenu_ailleurs=False,
        convention=True, instructeur=None)


def _lettres(fichier, nombre: int):
    papier = lettres.papier()
    rendus = [lettres.rendre_notification(_notification(i, "accord" if i % 2 else "refus"), papier, JOUR)
              for i in range(1, nombre + 1)]
    return lettres.ecrire_lettres(fichier, rendus, papier)


def _encre(image) -> int:
    """Le nombre de pixels sombres (du texte) d'une image : une page peinte n'est pas blanche."""
    from PySide6.QtGui import QColor

    sombres = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            if QColor(image.pixel(x, y)).lightness() < 100:
                sombres += 1
    return sombres


def test_l_aperçu_peint_toutes_les_pages_du_pdf(qtbot, tmp_path):
    from instruction.ui import impression

    fichier = _lettres(tmp_path / "lettres.pdf", 3)
    assert len(PdfReader(fichier).pages) == 3
    boite = impression.apercu(None, fichier, "Trois lettres", modal=False)
    qtbot.addWidget(boite)
    qtbot.waitUntil(lambda: boite.pages_peintes == 3, timeout=10000)
    assert boite.vue.pageCount() == 3
    assert boite.windowTitle() == "Aperçu avant impression – Trois lettres"
    boite.resize(1366, 768)
    qtbot.waitUntil(lambda: _encre(boite.vue.grab().toImage()) > 200, timeout=10000)  # du texte à l'écran
    boite.vue.setCurrentPage(3)
    assert boite.vue.currentPage() == 3
    boite.close()


def test_l_aperçu_accepte_les_octets_d_un_pdf(qtbot, tmp_path):
    from instruction.ui import impression

    octets = _lettres(tmp_path / "une.pdf", 1).read_bytes()
    boite = impression.apercu(None, octets, "Une lettre", modal=False)
    qtbot.addWidget(boite)
    qtbot.waitUntil(lambda: boite.pages_peintes == 1, timeout=10000)
    assert boite.vue.pageCount() == 1
    boite.close()


def test_un_fichier_qui_n_est_pas_un_pdf_est_dit_en_français(qtbot, tmp_path):
    from instruction.ui import impression

    faux = tmp_path / "faux.pdf"
    faux.write_bytes(b"ceci n'est pas un PDF")
    with pytest.raises(impression.PdfIllisible, match="« faux.pdf » n'est pas un PDF lisible"):
        impression.DocumentPdf(faux)
    with pytest.raises(impression.PdfIllisible, match="n'existe pas"):
        impression.DocumentPdf(tmp_path / "absent.pdf")


def test_imprimer_un_lot_en_un_seul_travail(qtbot, tmp_path):
    """L'imprimante est ici un fichier PDF : le travail imprimé est relu page par page."""
    from PySide6.QtPrintSupport import QPrinter

    from instruction.ui import impression

    fichiers = [_lettres(tmp_path / f"porteur-{n}.pdf", n) for n in (1, 2, 3)]
    imprimante = QPrinter(QPrinter.PrinterMode.ScreenResolution)  # peu de pixels : le test reste rapide
    imprimante.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    imprimante.setOutputFileName(str(tmp_path / "imprime.pdf"))
    assert impression.imprimer_lot(None, fichiers, "Lot de lettres", imprimante=imprimante) == 6
    imprime = PdfReader(tmp_path / "imprime.pdf")
    assert len(imprime.pages) == 6
    largeur, hauteur = float(imprime.pages[0].mediabox.width), float(imprime.pages[0].mediabox.height)
    assert (round(largeur), round(hauteur)) == (595, 842)  # A4, comme les lettres

    # En recto verso, chaque document commence sur un recto : une page blanche après ceux de nombre impair
    # (une sortie PDF n'est jamais recto verso pour Qt : on le demande à ``peindre``).
    imprimante.setOutputFileName(str(tmp_path / "recto-verso.pdf"))
    documents = [impression.DocumentPdf(f) for f in fichiers]
    assert impression.peindre(imprimante, documents, recto_verso=True) == 6
    assert len(PdfReader(tmp_path / "recto-verso.pdf").pages) == 1 + 1 + 2 + 3
    for document in documents:
        document.fermer()


def test_peindre_s_arrête_quand_on_annule(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from instruction.ui import impression

    document = impression.DocumentPdf(_lettres(tmp_path / "lettres.pdf", 4))
    imprimante = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    imprimante.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    imprimante.setOutputFileName(str(tmp_path / "interrompu.pdf"))
    vus = []
    faites = impression.peindre(imprimante, [document], a_chaque_page=lambda f, t: vus.append(f) or f < 2)
    assert faites == 2 and vus == [0, 1, 2]
    document.fermer()


@pytest.mark.parametrize("genre_base", ["sqlite"], indirect=True)
def test_la_fiche_d_instruction_s_ouvre_en_aperçu_avant_impression(onglet_instruction, qtbot):
    from tests.test_ecran_seance import apercu_par

    _f, onglet, _identifiant = onglet_instruction
    # Le même libellé que les autres écrans (ui/apercu_document.py), le même geste : écrit hors du fil, puis montré.
    assert onglet.instruction.bouton_apercu_fiche.text().replace("&", "") == "Aperçu avant impression…"
    vu = apercu_par(qtbot, onglet.instruction.bouton_apercu_fiche)
    assert vu["pages"] >= 1 and vu["titre"].startswith("Aperçu avant impression – Fiche d'instruction ")
