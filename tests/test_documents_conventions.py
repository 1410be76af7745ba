"""Documents des conventions : la même bibliothèque de clauses rendue en PDF (reportlab) et en DOCX (python-docx),
relus (pypdf, python-docx) ; qpdf, pdftoppm, LibreOffice ; lot d'une campagne avec annulation ; ligne de commande."""

from __future__ import annotations

import dataclasses
import io
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from instruction.domaine import argent
from instruction.domaine import conventions as dc
from instruction.rapports import acte as ac
from instruction.rapports import acte_clauses
from instruction.rapports import acte_donnees as ad
from instruction.rapports import convention_docx, convention_pdf, lot_actes
from instruction.rapports.acte_modele import Acte, Paragraphe, texte_brut
from instruction.rapports.publipostage_sources import ErreurModele

D = Decimal
REGLES = dc.charger_regles()
ASSOCIATION = dc.Partie(dc.BENEFICIAIRE, "Association Les Amis du Beau Marais", "418303210",
                        "12 rue de Normandie, 62100 Calais", "Madame Fatima Benali", "Présidente")
FICHE = ad.FicheAction(
    "CDV-2023-017", "Accompagnement à la scolarité", "Appel à projets Contrat de ville 2023",
    resume="Ateliers d'aide aux devoirs quatre soirs par semaine, ateliers parents-enfants le mercredi et sorties "
           "culturelles pendant les vacances, au centre social Matisse.",
    quartiers=("Beau Marais",), lieux="Centre social Matisse", public="60 bénéficiaires prévus (32 femmes, 28 hommes)",
    objectifs=("1.1.2 — Favoriser la réussite éducative", "1.3.1 — Soutenir la parentalité"), cout_total=D("48200.00"),
    charges=(ad.LigneBudget("Achats", D("4200.00"), "60"), ad.LigneBudget("Charges de personnel", D("44000.00"), "64")),
    financements=(ad.LigneBudget("État – Préfecture du Pas-de-Calais", D("15000.00")),
                  ad.LigneBudget("Ville de Calais", D("12500.00")), ad.LigneBudget("CAF", D("10000.00")),
                  ad.LigneBudget("Fonds propres", D("10700.00"))))
LIBELLES = {"ville-calais": "Ville de Calais", "etat-pv": "État – Politique de la ville"}


def _termes(acte: dc.TypeActe, montants: dict[int, Decimal], financeur: str = "ville-calais") -> dc.Termes:
    premier = min(montants)
    annuels = tuple(dc.MontantAnnuel(e, financeur, m, ferme=e == premier) for e, m in sorted(montants.items()))
    return dc.Termes(acte, "Accompagnement à la scolarité et ateliers parents-enfants au Beau Marais",
                     (REGLES.attribuants[financeur], ASSOCIATION), dt.date(premier, 1, 1), dt.date(max(montants), 12, 31),
                     tuple(sorted(montants)), annuels, dc.echeancier_propose(acte, annuels, REGLES),
                     REGLES.conditions if acte != dc.TypeActe.NOTIFICATION else REGLES.conditions[-2:],
                     dt.date(premier, 12, 31))


CONVENTION = ad.DonneesActe("2023-VC-017", _termes(dc.TypeActe.CONVENTION, {2023: D("12500.00")}), FICHE,
                            "ville-calais", LIBELLES,
                            signatures={dc.BENEFICIAIRE: dt.date(2023, 3, 2), dc.ATTRIBUANT: dt.date(2023, 3, 9)},
                            signee_le=dt.date(2023, 3, 9))
CPO = ad.DonneesActe("2023-VC-018", _termes(dc.TypeActe.CPO, {2023: D("20000.00"), 2024: D("21000.00"),
                                                               2025: D("22500.50")}), FICHE, "ville-calais", LIBELLES,
                     objectifs_exercices=(ad.ObjectifsExercice(2023, "Ouvrir l'atelier à 40 enfants"),
                                          ad.ObjectifsExercice(2024, "Étendre à Fort Nieulay"),
                                          ad.ObjectifsExercice(2025, "Transmettre l'atelier aux parents relais")))
NOTIFICATION = ad.DonneesActe("2023-EP-004", _termes(dc.TypeActe.NOTIFICATION, {2023: D("800.00")}, "etat-pv"),
                              FICHE, "etat-pv", LIBELLES)


def _avenant() -> ad.DonneesActe:
    """L'avenant n° 2 d'une convention déjà modifiée par un avenant n° 1 (durée) : le montant passe à 14 000 €."""
    avant = dataclasses.replace(CONVENTION.termes, date_fin=dt.date(2024, 3, 31))
    nouveaux = (dc.MontantAnnuel(2023, "ville-calais", D("14000.00")),)
    apres = dataclasses.replace(avant, montants=nouveaux,
                                echeancier=dc.echeancier_propose(dc.TypeActe.CONVENTION, nouveaux, REGLES))
    precedent = ad.AvenantLu(1, "Prolongation ou modification de la durée", "Report des sorties d'été",
                             tuple(dc.differences(CONVENTION.termes, avant)), dt.date(2023, 6, 1))
    return dataclasses.replace(
        CONVENTION, termes=apres, termes_avant=avant, avenants_precedents=(precedent,),
        avenant=ad.AvenantLu(2, "Modification du montant", "Public élargi au quartier Saint-Pierre",
                             tuple(dc.differences(avant, apres))), signatures={})


AVENANT = _avenant()
EXEMPLES = {"convention": CONVENTION, "cpo": CPO, "notification": NOTIFICATION, "avenant": AVENANT}


def _plat(texte: str) -> str:
    """Texte comparable : espaces (insécables comprises) réduites à une."""
    return " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())


def texte_pdf(fichier: Path) -> str:
    return _plat(" ".join(page.extract_text() for page in PdfReader(fichier).pages))


def texte_docx(fichier: Path) -> str:
    """Paragraphes et tableaux dans l'ordre du document."""
    document = docx.Document(str(fichier))
    morceaux = []
    for bloc in document.iter_inner_content():
        if isinstance(bloc, docx.table.Table):
            morceaux += [c.text for rangee in bloc.rows for c in rangee.cells]
        else:
            morceaux.append(bloc.text)
    return _plat(" ".join(morceaux))


@pytest.fixture(scope="module")
def rendus(tmp_path_factory) -> dict[str, tuple[Acte, Path, Path]]:
    """Chaque exemple composé une fois et écrit en PDF et en DOCX."""
    dossier = tmp_path_factory.mktemp("actes")
    sortie = {}
    for genre, donnees in EXEMPLES.items():
        acte = ac.composer(donnees)
        pdf, docx_ = dossier / f"{genre}.pdf", dossier / f"{genre}.docx"
        convention_pdf.ecrire(acte, pdf)
        convention_docx.ecrire(acte, docx_)
        sortie[genre] = (acte, pdf, docx_)
    return sortie


def _dans_l_ordre(texte: str, morceaux: list[str]) -> None:
    position = 0
    for morceau in morceaux:
        trouve = texte.find(_plat(morceau), position)
        assert trouve >= 0, f"« {morceau} » manque (ou n'est pas à sa place) après la position {position}"
        position = trouve + 1


@pytest.mark.parametrize("genre", list(EXEMPLES))
def test_pdf_et_docx_portent_les_memes_articles_parties_et_montants(rendus, genre):
    acte, pdf, docx_ = rendus[genre]
    donnees = EXEMPLES[genre]
    total = donnees.termes.montant_total
    attendus = [acte.titre, *(p.texte.split("**")[1] for p in acte.parties)]
    attendus += [a.intitule for a in acte.articles] + [a.intitule for a in acte.annexes]
    for texte in (texte_pdf(pdf), texte_docx(docx_)):
        _dans_l_ordre(texte, attendus)
        assert _plat(argent.formater(total)) in texte
        assert argent.en_lettres(total) in texte
        assert "SIREN 418 303 210" in texte  # le bénéficiaire, SIREN lisible (l. 5883)
        assert "Madame Fatima Benali" in texte
    # Rien n'est écrit d'un côté qui ne le soit de l'autre : les mêmes articles (et renvois), dans le même ordre.
    numeros = re.compile(r"Article (\d+) :")
    assert numeros.findall(texte_pdf(pdf)) == numeros.findall(texte_docx(docx_))
    assert len(numeros.findall(texte_pdf(pdf))) >= len(acte.articles)


def test_convention_montant_en_chiffres_et_en_lettres_echeancier_et_compte_rendu(rendus):
    acte, pdf, docx_ = rendus["convention"]
    montant = acte.article("montant")
    assert "12 500,00 € (douze mille cinq cents euros)" in _plat(texte_brut(montant.blocs[0].texte))
    assert "25,9 %" in _plat(montant.blocs[0].texte)  # 12 500 / 48 200
    texte = texte_docx(docx_)
    assert "Avance À la signature de la convention — 10 000,00 €" in texte
    assert "Solde" in texte and "2 500,00 €" in texte and "Total 12 500,00 €" in texte.replace("  ", " ")
    # Compte rendu financier au plus tard six mois après la fin de l'exercice (loi 2000-321, art. 10).
    assert "2023 31/12/2023 30/06/2024" in texte and "2023 31/12/2023 30/06/2024" in texte_pdf(pdf)
    # Les obligations du contrat de ville (l. 3960) : comité de pilotage annuel, visites évaluatives.
    for texte in (texte_pdf(pdf), texte_docx(docx_)):
        assert "au moins une fois par an un comité de pilotage de l'action" in texte
        assert "visites évaluatives programmées" in texte
        assert "Aucun document postérieur, ni aucune modification de la convention" in texte  # l. 6142
        assert "prend effet à la date de sa signature par le dernier signataire" in texte  # l. 6138, 7501
        assert "(l. 3960" not in texte  # les renvois au contrat de ville ne s'impriment pas
        assert "Fait à Calais, le 09/03/2023, en 2 exemplaires originaux." in texte


def test_grille_des_signatures_avec_delegation(rendus):
    acte, pdf, docx_ = rendus["convention"]
    ville, association = acte.signatures
    assert (ville.pour, ville.delegation, ville.qualite) == (
        "Ville de Calais", "Par délégation de la Maire", "L'adjoint délégué à la politique de la ville")
    assert (association.pour, association.qualite, association.nom) == (
        "Association Les Amis du Beau Marais", "Présidente", "Madame Fatima Benali")
    assert association.date == "Signé le 02/03/2023"
    # La grille : un tableau de deux blocs par rangée, juste après « Fait à Calais… » (l. 7507-7513).
    (grille,) = [t for t in docx.Document(str(docx_)).tables if t.rows[0].cells[0].text.startswith("Ville de Calais")]
    assert len(grille.columns) == 2 and len(grille.rows) == 1
    ville_docx, association_docx = (_plat(c.text) for c in grille.rows[0].cells)
    assert ville_docx.startswith("Ville de Calais Par délégation de la Maire L'adjoint délégué")
    assert association_docx == ("Association Les Amis du Beau Marais Présidente Madame Fatima Benali "
                                "Signé le 02/03/2023")
    texte = texte_pdf(pdf)
    assert "Par délégation de la Maire" in texte and "Signé le 09/03/2023" in texte


def test_notification_sans_signature_du_beneficiaire(rendus):
    acte, pdf, _docx = rendus["notification"]
    assert [s.pour for s in acte.signatures] == ["État – Préfecture du Pas-de-Calais"]
    assert acte.liaisons == ("L'attribuant", "Le bénéficiaire")
    texte = texte_pdf(pdf)
    assert "Notification d'attribution d'une subvention" in texte
    assert "huit cents euros" in texte and "l'État attribue" in texte.replace("L'État", "l'État")
    assert "comité de pilotage" not in texte  # pas d'article de suivi dans une notification


def test_cpo_montants_par_exercice_et_objectifs_en_annexe(rendus):
    acte, pdf, docx_ = rendus["cpo"]
    assert [a.titre for a in acte.annexes] == ["Fiche de l'action", "Budget prévisionnel de l'action et subvention "
                                               "accordée", "Objectifs et montants par exercice"]
    document = docx.Document(str(docx_))
    lignes = [[_plat(c.text) for c in r.cells] for t in document.tables for r in t.rows]
    assert ["2023", "ferme", "20 000,00 €", "20 000,00 €"] in lignes
    assert ["2025", "prévisionnel, " + REGLES.reserve_cpo, "22 500,50 €", "63 500,50 €"] in lignes
    assert ["Total", "", "63 500,50 €", ""] in lignes
    assert ["2024", "Étendre à Fort Nieulay", "21 000,00 €", "sous réserve du vote du budget"] in lignes
    texte = texte_pdf(pdf)
    assert "exercices 2023 à 2025" in texte and "2 023" not in texte  # une année, pas un nombre
    assert "soixante-trois mille cinq cents euros et cinquante centimes" in texte
    assert "vingt mille euros" in texte  # le montant ferme, en lettres
    for annee, echeance in ((2023, "30/06/2024"), (2024, "30/06/2025"), (2025, "30/06/2026")):
        assert f"{annee} 31/12/{annee} {echeance}" in texte


def test_avenant_reprend_l_historique_et_les_clauses_inchangees(rendus):
    acte, pdf, docx_ = rendus["avenant"]
    assert acte.titre == "Avenant n° 2"
    assert [a.code for a in acte.articles] == ["identification", "avenant_precedent-1", "objet_avenant",
                                               "clauses_modifiees", "date_effet"]
    for texte in (texte_pdf(pdf), texte_docx(docx_)):
        _dans_l_ordre(texte, [
            "Article 1 : Identification de la convention initiale", "signée le 9 mars 2023",
            "Article 2 : Objet de l'avenant n° 1", "date de fin : 31/12/2023",  # « → » (ou « › » en PDF)
            "Article 3 : Objet de l'avenant n° 2", "montant porté de 12 500,00 € à 14 000,00 €",
            "Article 4 : Clauses modifiées", "Article 3 : Montant de la subvention",
            "14 000,00 € (quatorze mille euros)", "Article 4 : Modalités de versement",
            "Article 5 : Date d'effet et mesure d'ordre", "prend effet à partir de la date apposée par le dernier signataire",
            "restent inchangées et applicables", "Article 1 : Objet de la convention", "Article 2 : Date d'effet et durée",
            "Annexe 1 : Texte consolidé de la convention après l'avenant n° 2", "Article 14 : Pièces annexées"])
        assert "Date et signature" in texte  # l'avenant n'est pas encore signé
        assert "Fait à Calais, le ………………, en 2 exemplaires originaux." in texte  # sa date, pas celle de la convention
        assert "Annexe 2 : Budget prévisionnel de l'action" in texte  # le texte consolidé énumère ses propres annexes


def test_le_docx_est_fait_des_styles_de_word_et_de_l_acte(rendus):
    """Le DOCX écrit en WordprocessingML direct renvoie aux styles du modèle : Word les retrouve par leur nom."""
    acte, _pdf, docx_ = rendus["cpo"]
    document = docx.Document(str(docx_))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles[acte.titre] == "Title"
    assert {styles[a.intitule] for a in acte.articles} == {"Heading 2"}
    assert {styles[a.intitule] for a in acte.annexes} == {"Heading 1"}
    assert document.paragraphs[[p.text for p in document.paragraphs].index(acte.annexes[0].intitule)] \
        .paragraph_format.page_break_before
    puces = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert puces and "Tenir au moins un comité de pilotage de l'action par an." in [p.text for p in puces]
    assert styles[acte.article("objet").blocs[0].texte.replace("**", "")] == convention_docx.STYLE_CORPS
    montants = next(t for t in document.tables if t.rows[0].cells[0].text == "Exercice")
    entete, premiere = montants.rows[0].cells, montants.rows[1].cells
    assert [c.paragraphs[0].style.name for c in premiere] == ["Cellule", "Cellule", "Cellule à droite",
                                                               "Cellule à droite"]
    assert all(r.bold for c in entete for r in c.paragraphs[0].runs)
    assert not any(r.bold for r in premiere[2].paragraphs[0].runs)
    pied = document.sections[0].footer.paragraphs[0]
    assert pied.text.startswith(acte.pied) and "page" in pied.text
    assert '<w:fldSimple w:instr="NUMPAGES">' in pied._p.xml
    coeur = document.core_properties
    assert (coeur.title, coeur.subject, coeur.language) == (acte.titre, acte.reference, "fr-FR")


def test_docx_texte_a_echapper_tabulation_retour_et_controle(tmp_path):
    """Un texte saisi à la main (esperluette, chevrons, tabulation, retour à la ligne, caractère de contrôle
    collé d'un autre logiciel) donne un DOCX valide qui se relit à l'identique."""
    acte = ac.composer(CONVENTION)
    saisi = "Atelier « <parents> & enfants »\tsalle 2\nle mercredi \x07"
    objet = acte.article("objet")
    acte = dataclasses.replace(acte, articles=(dataclasses.replace(
        objet, blocs=(Paragraphe(f"**{saisi}** puis  du texte "),) + objet.blocs[1:]),) + acte.articles[1:],
        pied="Pied & <fin>")
    document = docx.Document(str(convention_docx.ecrire(acte, tmp_path / "echappe.docx")))
    (paragraphe,) = [p for p in document.paragraphs if p.text.startswith("Atelier «")]
    assert paragraphe.text == "Atelier « <parents> & enfants »\tsalle 2\nle mercredi ? puis  du texte "
    assert [r.bold for r in paragraphe.runs] == [True, None]
    assert document.sections[0].footer.paragraphs[0].text.startswith("Pied & <fin>\t")


def test_le_modele_des_actes_est_celui_que_construit_python_docx(tmp_path):
    """``resources/conventions/modele_acte.docx`` est à jour : reconstruit par ``construire_modele``, il a les
    mêmes parties (styles, page, pied de page, numérotation), au contenu près de l'heure de sa construction."""
    from lxml import etree

    neuf = convention_docx.construire_modele(tmp_path / "modele.docx")
    with zipfile.ZipFile(convention_docx.FICHIER_MODELE) as garde, zipfile.ZipFile(neuf) as construit:
        assert sorted(garde.namelist()) == sorted(construit.namelist())
        assert "word/stylesWithEffects.xml" not in garde.namelist()  # copie des styles qui ignorerait ceux de l'acte
        for nom in garde.namelist():
            if nom == "docProps/core.xml":
                continue
            a, b = garde.read(nom), construit.read(nom)
            if nom.endswith((".xml", ".rels")):
                a, b = (etree.tostring(etree.fromstring(x), method="c14n") for x in (a, b))
            assert a == b, f"{nom} diffère : reconstruisez le modèle (python -m instruction.rapports.convention_docx)"
    modele = convention_docx.Modele(neuf)
    assert modele.section.startswith("<w:sectPr") and 'w:w="11906"' in modele.section


def test_une_clause_se_reformule_dans_le_yaml_et_une_faute_est_situee(tmp_path):
    source = acte_clauses.FICHIER_CLAUSES.read_text(encoding="utf-8")
    ancien = "Le bénéficiaire accepte les visites évaluatives programmées"
    assert ancien in source
    fichier = tmp_path / "clauses.yaml"
    fichier.write_text(source.replace(ancien, "Le bénéficiaire reçoit volontiers les visites évaluatives "
                                      "programmées"), encoding="utf-8")
    acte = ac.composer(CONVENTION, acte_clauses.lire_bibliotheque(fichier))
    assert "reçoit volontiers les visites évaluatives" in acte.article("suivi").blocs[1].texte
    assert "reçoit volontiers" in texte_docx(_ecrit_docx(acte, tmp_path))
    fichier.write_text(source.replace("{{ objet }}", "{{ objet_de_l_action }}", 1), encoding="utf-8")
    with pytest.raises(ErreurModele, match=r"clauses.yaml, ligne \d+\) : le champ « objet_de_l_action » n'est pas "
                                           r"déclaré"):
        acte_clauses.lire_bibliotheque(fichier)


def _ecrit_docx(acte: Acte, dossier: Path) -> Path:
    return convention_docx.ecrire(acte, dossier / "reformule.docx")


def test_chaque_clause_de_chaque_acte_se_rend():
    """Toutes les variantes de toutes les clauses, pour chaque genre d'acte : aucun champ manquant ni mal typé."""
    bibliotheque = acte_clauses.bibliotheque()
    for genre, donnees in EXEMPLES.items():
        acte = ac.composer(donnees, bibliotheque)
        attendus = len(bibliotheque.articles_de(genre)) if genre != "avenant" else 5
        assert len(acte.articles) == attendus, genre
        assert all(a.blocs for a in acte.articles), genre
        assert "{{" not in repr(acte) and "{%" not in repr(acte)


# --- Les PDF passent qpdf, se rendent en images, « page x / y » -----------------------------------------------


def _outil(nom: str) -> str:
    chemin = shutil.which(nom)
    if chemin is None:
        pytest.skip(f"{nom} n'est pas installé (paquet Debian {'qpdf' if nom == 'qpdf' else 'poppler-utils'})")
    return chemin


@pytest.mark.parametrize("genre", list(EXEMPLES))
def test_qpdf_check(rendus, genre):
    resultat = subprocess.run([_outil("qpdf"), "--check", str(rendus[genre][1])], capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "No syntax or stream encoding errors" in resultat.stdout


def test_pages_numerotees_x_sur_y_et_rendues_en_images(rendus, tmp_path):
    _acte, pdf, _docx = rendus["convention"]
    pages = len(PdfReader(pdf).pages)
    assert 4 <= pages <= 6
    texte = subprocess.run([_outil("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert [f"page {i} / {pages}" for i in range(1, pages + 1)] == re.findall(r"page \d+ / \d+", texte)
    subprocess.run([_outil("pdftoppm"), "-png", "-r", "40", str(pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages and all(i.stat().st_size > 2000 for i in images)


def test_la_coupe_en_lignes_gardee_d_un_acte_a_l_autre_donne_les_memes_pages(tmp_path, monkeypatch):
    """Les paragraphes faits sans analyseur et coupés en lignes une fois pour tous les actes donnent les mêmes
    pages que reportlab seul (analyseur de balisage, chaque paragraphe coupé à chaque fois) : mêmes images,
    esperluettes, chevrons, gras, espaces multiples et retours à la ligne compris ; et un acte rendu après
    d'autres (mémoire pleine) a exactement les pages qu'il a rendu seul (mémoire vide)."""
    def contenus(octets: bytes) -> list[bytes]:
        return [p.get_contents().get_data() for p in PdfReader(io.BytesIO(octets)).pages]

    def images(octets: bytes, nom: str) -> list[bytes]:
        (tmp_path / f"{nom}.pdf").write_bytes(octets)
        subprocess.run([_outil("pdftoppm"), "-r", "50", "-gray", str(tmp_path / f"{nom}.pdf"), str(tmp_path / nom)],
                       check=True)
        return [f.read_bytes() for f in sorted(tmp_path.glob(f"{nom}-*.pgm"))]

    cpo = ac.composer(CPO)
    objet = cpo.article("objet")
    saisi = Paragraphe("Terres & Mers : **atelier <parents>**\nle mercredi,   salle 2 ")
    cpo = dataclasses.replace(cpo, articles=(dataclasses.replace(objet, blocs=objet.blocs + (saisi,)),)
                              + cpo.articles[1:])
    with monkeypatch.context() as m:  # reportlab seul : balisage analysé, aucune mémoire
        m.setattr(convention_pdf, "_para", lambda texte, style, puce=None, *, balise=False: convention_pdf.Paragraph(
            texte if balise else convention_pdf._balise(texte), style, puce))
        reference = images(convention_pdf.octets(cpo), "reportlab")
    convention_pdf._connus.clear()
    seul = convention_pdf.octets(cpo)
    assert images(seul, "seul") == reference and len(reference) >= 5
    for donnees in (CONVENTION, AVENANT, NOTIFICATION):
        convention_pdf.octets(ac.composer(donnees))
    assert len(convention_pdf._connus) > 100
    assert contenus(convention_pdf.octets(cpo)) == contenus(seul)
    texte = _plat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(seul)).pages))
    assert "Terres & Mers : atelier <parents> le mercredi, salle 2" in texte


def test_signets_des_articles_et_annexes(rendus):
    acte, pdf, _docx = rendus["cpo"]
    titres = [o.title for o in PdfReader(pdf).outline]
    assert titres == [a.intitule for a in acte.articles] + ["Signatures"] + [a.intitule for a in acte.annexes]


@pytest.mark.lent
def test_le_docx_s_ouvre_dans_libreoffice(rendus, tmp_path):
    """LibreOffice (sans interface) convertit le DOCX en PDF : le document est un vrai DOCX, articles compris."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice n'est pas installé (paquet Debian libreoffice-writer-nogui)")
    _acte, _pdf, docx_ = rendus["cpo"]
    profil = tmp_path / "profil"
    resultat = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profil}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(docx_)], capture_output=True, text=True, timeout=180)
    converti = tmp_path / "cpo.pdf"
    assert converti.exists(), resultat.stdout + resultat.stderr
    texte = texte_pdf(converti)
    for morceau in ("Convention pluriannuelle d'objectifs", "Article 3 : Montant de la subvention",
                    "63 500,50 €", "Annexe 3 : Objectifs et montants par exercice", "Par délégation de la Maire"):
        assert morceau in texte


# --- Le lot : avancement, annulation sans fichier à moitié écrit ----------------------------------------------


def _serie(n: int) -> list[ad.DonneesActe]:
    return [dataclasses.replace(CONVENTION if i % 3 else CPO, numero=f"2023-VC-{100 + i}") for i in range(n)]


def test_lot_ecrit_un_pdf_et_un_docx_par_acte_sur_deux_processus(tmp_path):
    messages: list[str] = []
    lot = lot_actes.generer(_serie(lot_actes.SEUIL_PROCESSUS + 2), tmp_path / "lot", progression=messages.append,
                            processus=2)
    assert not lot.annule and not lot.erreurs and len(lot.ecrits) == lot.demandes == 14
    assert messages[-1].startswith("Acte 14 / 14 : ")
    assert sorted(p.name for p in (tmp_path / "lot").iterdir()) == sorted(
        [e.pdf.name for e in lot.ecrits] + [e.docx.name for e in lot.ecrits])
    assert {e.pdf.stem for e in lot.ecrits} >= {"CPO 2023-VC-100", "Convention 2023-VC-101"}
    assert lot.ecrits[0].titre in texte_pdf(lot.ecrits[0].pdf)


def test_lot_annule_ne_laisse_que_des_actes_complets(tmp_path):
    messages: list[str] = []
    lot = lot_actes.generer(_serie(6), tmp_path, progression=messages.append, annule=lambda: len(messages) >= 2,
                            processus=1)
    assert lot.annule and len(lot.ecrits) == 2 and lot.demandes == 6
    assert "annulée" in lot.resume()
    fichiers = sorted(tmp_path.iterdir())
    assert [f.name for f in fichiers] == sorted(
        ["Convention 2023-VC-101.docx", "Convention 2023-VC-101.pdf", "CPO 2023-VC-100.docx", "CPO 2023-VC-100.pdf"])
    for f in fichiers:  # chaque fichier écrit est complet et se relit
        if f.suffix == ".pdf":
            assert len(PdfReader(f).pages) >= 4
        else:
            assert docx.Document(str(f)).paragraphs


def test_lot_dans_un_dossier_impossible_a_creer(tmp_path):
    (tmp_path / "fichier").write_text("x")
    with pytest.raises(Exception, match="Impossible de créer le dossier"):
        lot_actes.generer(_serie(1), tmp_path / "fichier" / "sous-dossier")


# --- Depuis la base : les termes en vigueur lus par le service des conventions ---------------------------------


def _convention_signee_avec_avenant(contexte) -> tuple[int, int]:
    """Une convention Ville signée, un avenant de montant signé (1 500 € → 1 800 €) ; (dossier, convention)."""
    from instruction.services import avenants
    from instruction.services import conventions as sc
    from tests.conventions_outils import dossier_retenu

    dossier_id = dossier_retenu(contexte)
    with contexte.unite() as uow:
        identifiant = sc.creer(uow, dossier_id, "ville-calais")
        sc.changer_etat(uow, identifiant, "a_signer")
        sc.signer(uow, identifiant, "beneficiaire", "Sandrine Lefebvre, présidente")
        sc.signer(uow, identifiant, "attribuant", "L'adjoint délégué")
        annee = sc.lire(uow, identifiant).annee
        nouveaux = (dc.MontantAnnuel(annee, "ville-calais", D("1800.00")),)
        avenant = avenants.ouvrir_avenant(uow, identifiant, "montant", "Public élargi au quartier Saint-Pierre", {
            "montants": nouveaux, "echeancier": dc.echeancier_propose(dc.TypeActe.CONVENTION, nouveaux)})
        avenants.changer_etat_avenant(uow, avenant, "a_signer")
        avenants.signer_avenant(uow, avenant, "beneficiaire", "Sandrine Lefebvre")
        avenants.signer_avenant(uow, avenant, "attribuant", "L'adjoint délégué")
        uow.valider()
    return dossier_id, identifiant


def test_documents_d_une_convention_et_de_son_avenant_depuis_la_base(contexte, tmp_path):
    from instruction.services.actions import documents_conventions as actions

    _dossier_id, identifiant = _convention_signee_avec_avenant(contexte)
    convention = actions.generer(contexte, identifiant, tmp_path)
    texte = texte_pdf(convention.pdf)
    assert texte == texte_pdf(convention.pdf) and convention.docx.exists()
    # Les termes EN VIGUEUR : le montant de l'avenant signé, en chiffres et en lettres.
    for t in (texte, texte_docx(convention.docx)):
        assert "1 800,00 € (mille huit cents euros)" in t and "Ville de Calais" in t and "SIREN 216 201 939" in t
    avenant = actions.generer(contexte, identifiant, tmp_path, avenant_numero=1)
    assert avenant.titre == "Avenant n° 1" and avenant.pdf.name.startswith("Avenant")
    texte = texte_docx(avenant.docx)
    assert "montant porté de 1 500,00 € à 1 800,00 €" in texte and "Public élargi au quartier Saint-Pierre" in texte
    assert "restent inchangées et applicables" in texte
    with pytest.raises(Exception, match="n'a pas d'avenant n° 7"):
        actions.generer(contexte, identifiant, tmp_path, avenant_numero=7)


def test_ligne_de_commande_exporte_les_conventions_d_une_campagne(tmp_path, capsys):
    from sqlalchemy import select

    from instruction.cli import main
    from instruction.db import modeles as m
    from instruction.services.contexte import ouvrir

    url = f"sqlite:///{tmp_path / 'base.sqlite'}"
    contexte = ouvrir(url)
    try:
        _convention_signee_avec_avenant(contexte)
        with contexte.unite(lecture=True) as uow:
            campagne = uow.session.scalars(select(m.Campagne)).first()
            code = f"{campagne.dispositif_code}-{campagne.annee}"
    finally:
        contexte.fermer()
    sortie = tmp_path / "actes"
    assert main(["exporter", "conventions", "--campagne", code, "-o", str(sortie), "--database", url]) == 0
    sorties = capsys.readouterr()
    assert "Acte 1 / 1 : Convention " in sorties.err and "1 acte sur 1 écrit dans" in sorties.out
    (pdf,) = sortie.glob("*.pdf")
    assert pdf.with_suffix(".docx").exists() and "1 800,00 €" in texte_pdf(pdf)
    assert main(["exporter", "conventions", "--campagne", "cdv-1999", "-o", str(sortie), "--database", url]) == 1
    assert "Aucune campagne « cdv-1999 »" in capsys.readouterr().err


def test_boite_du_lot_genere_les_actes_d_une_campagne(qtbot, tmp_path):
    from instruction.services.contexte import ouvrir
    from instruction.ui.conventions.dialogue_lot import DialogueLotConventions

    contexte = ouvrir(f"sqlite:///{tmp_path / 'base.sqlite'}")
    try:
        _convention_signee_avec_avenant(contexte)
        boite = DialogueLotConventions(contexte)
        qtbot.addWidget(boite)
        boite.resize(720, 300)
        qtbot.waitUntil(lambda: boite.campagne.count() == 1 and boite.generer.isEnabled(), timeout=15000)
        assert "(1 acte)" in boite.campagne.currentText()
        boite.sortie.setText(str(tmp_path / "actes"))
        boite.generer.click()
        qtbot.waitUntil(lambda: boite.lot is not None, timeout=30000)
        assert boite.message.text().startswith("1 acte sur 1 écrit")
        assert boite.barre.value() == boite.barre.maximum() == 1
        assert boite.apercu.isEnabled() and boite.imprimer.isEnabled()
        (pdf,) = (tmp_path / "actes").glob("*.pdf")
        assert pdf.with_suffix(".docx").exists()
        boite.grab().save(str(tmp_path / "boite.png"))
    finally:
        contexte.fermer()
