"""Écrire un export aux colonnes choisies (``instruction.colonnes``) : xlsx, ods ou csv.

* **xlsx** (openpyxl, par ``rapports.tableur``) : montants en nombres au format « 1 234,56 € », dates en
  dates, entiers en entiers ; ligne de total (« Total », le nombre de dossiers, une formule ``SUM`` par
  colonne de montants) ; en-tête figé et filtre automatique. Tout texte qui ressemble à une formule reste du
  texte (``tableur.proteger``).
* **ods** (odfpy) : les mêmes types (monnaie en euros, date, nombre) et la même ligne de total (formule et
  valeur calculée, lue même par un outil qui ne recalcule pas). Un texte est une cellule de type chaîne,
  sans formule : il ne s'évalue jamais.
* **csv** pour Excel en français : UTF-8 avec BOM, point-virgule, montants à virgule décimale sans
  séparateur de milliers (« 1234,50 »), dates « 31/12/2027 ». Pas de ligne de total (un csv se relit ligne
  à ligne). Un texte qui commence par ``=``, ``+``, ``-``, ``@``, une tabulation ou un retour chariot est
  précédé d'une apostrophe, comme le recommande l'OWASP (« CSV injection ») : un tableur l'affiche comme
  texte au lieu de l'exécuter.

Chaque fichier est écrit à côté sous un nom temporaire puis mis à sa place : pas de fichier à moitié écrit.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from instruction.domaine import colonnes as c
from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports.tableur import DEBUTS_DE_FORMULE, texte_sur


def exporter(colonnes: Sequence[c.Colonne], lignes: Sequence[Any], fichier: Path, *,
             titre: str = "Dossiers") -> Path:
    """Écrit ``lignes`` dans ``fichier`` au format de son extension ; rend le chemin écrit."""
    fichier = Path(fichier)
    format_ = c.format_du_fichier(fichier.name)
    rangs = c.rangees(colonnes, lignes)
    if format_ == ".xlsx":
        return _xlsx(colonnes, rangs, fichier, titre)
    if format_ == ".ods":
        return _ecrire_a_cote(fichier, lambda temporaire: _ods(colonnes, rangs, temporaire, titre))
    return _ecrire_a_cote(fichier, lambda temporaire: _csv(colonnes, rangs, temporaire))


def _ecrire_a_cote(fichier: Path, ecrire) -> Path:
    temporaire = fichier.with_name(f".{fichier.name}.partiel")
    try:
        ecrire(temporaire)
        os.replace(temporaire, fichier)
    except OSError as erreur:
        temporaire.unlink(missing_ok=True)
        raise ErreurInstruction(
            f"Impossible d'écrire « {fichier} » : {erreur.strerror or erreur}. Le fichier est peut-être ouvert "
            "dans un tableur, ou le dossier n'est pas accessible en écriture.", detail=repr(erreur)) from None
    return fichier


# --- xlsx ------------------------------------------------------------------------------------------------


def _xlsx(colonnes: Sequence[c.Colonne], rangs: list[list[Any]], fichier: Path, titre: str) -> Path:
    """Classeur en écriture seule (openpyxl) : chaque ligne part au fichier dès qu'elle est écrite, sans objet
    par cellule gardé en mémoire — 10 000 dossiers en une seconde environ (docs/performances.md). La
    protection des textes de ``tableur.proteger`` (qui parcourt un classeur en mémoire) est donc faite ici,
    cellule par cellule, avec les mêmes règles."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from instruction.rapports.tableur import FORMAT_DATE, FORMAT_EUROS, Formule, titre_de_feuille

    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet(titre_de_feuille(titre))
    derniere = len(rangs) + 1
    for numero, colonne in enumerate(colonnes, start=1):
        feuille.column_dimensions[get_column_letter(numero)].width = colonne.largeur
    feuille.freeze_panes = "B2"
    feuille.auto_filter.ref = f"A1:{get_column_letter(len(colonnes))}{derniere}"

    def cellule(valeur, format_=None, **style) -> WriteOnlyCell:
        resultat = WriteOnlyCell(feuille, valeur)
        if isinstance(valeur, str) and not isinstance(valeur, Formule) and valeur.startswith(DEBUTS_DE_FORMULE):
            resultat.data_type = "s"  # du texte, jamais une formule (comme ``tableur.proteger``)
            resultat.quotePrefix = True
        if format_:
            resultat.number_format = format_
        for nom, valeur_de_style in style.items():
            setattr(resultat, nom, valeur_de_style)
        return resultat

    gras = Font(bold=True)
    feuille.append([cellule(texte_sur(colonne.libelle), font=gras, fill=PatternFill("solid", fgColor="DDE6F0"),
                            alignment=Alignment(vertical="center", wrap_text=True)) for colonne in colonnes])
    formats = [{c.MONTANT: FORMAT_EUROS, c.DATE: FORMAT_DATE}.get(colonne.genre) for colonne in colonnes]
    textes = [colonne.genre == c.TEXTE for colonne in colonnes]

    def texte(valeur: str):
        valeur = texte_sur(valeur)
        return cellule(valeur) if valeur.startswith(DEBUTS_DE_FORMULE) else valeur

    for rang in rangs:
        feuille.append([
            None if valeur is None else texte(valeur) if en_texte else cellule(valeur, format_) if format_ else valeur
            for valeur, format_, en_texte in zip(rang, formats, textes, strict=True)
        ])
    if rangs:
        libelles = c.libelles_du_total(colonnes, len(rangs))
        total = []
        for numero, colonne in enumerate(colonnes, start=1):
            if colonne.totalisee:
                lettre = get_column_letter(numero)
                total.append(cellule(Formule(f"=SUM({lettre}2:{lettre}{derniere})"), FORMAT_EUROS, font=gras))
            elif numero - 1 in libelles:
                total.append(cellule(libelles[numero - 1], font=gras))
            else:
                total.append(None)
        feuille.append(total)
    def enregistrer(temporaire: Path) -> None:
        try:
            classeur.save(temporaire)
        except OSError:
            for ecrite in classeur.worksheets:  # referme le flux des lignes (sinon il se ferme mal, plus tard)
                if not ecrite.closed:
                    ecrite.close()
            raise

    # ``tableur.enregistrer`` parcourt les cellules gardées en mémoire ; ici, elles sont déjà protégées.
    return _ecrire_a_cote(fichier, enregistrer)


# --- ods -------------------------------------------------------------------------------------------------


def _ods(colonnes: Sequence[c.Colonne], rangs: list[list[Any]], fichier: Path, titre: str) -> None:
    from odf import number
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    from instruction.rapports.tableur import titre_de_feuille

    document = OpenDocumentSpreadsheet()
    euros = number.CurrencyStyle(name="N-euros")
    euros.addElement(number.Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    euros.addElement(number.Text(text="\u00a0"))
    euros.addElement(number.CurrencySymbol(language="fr", country="FR", text="€"))
    jour = number.DateStyle(name="N-date")
    for element in (number.Day(style="long"), number.Text(text="/"), number.Month(style="long"),
                    number.Text(text="/"), number.Year(style="long")):
        jour.addElement(element)
    document.automaticstyles.addElement(euros)
    document.automaticstyles.addElement(jour)
    style_euros = Style(name="C-euros", family="table-cell", datastylename="N-euros")
    style_date = Style(name="C-date", family="table-cell", datastylename="N-date")
    style_entete = Style(name="C-entete", family="table-cell")
    style_entete.addElement(TextProperties(fontweight="bold"))
    style_entete.addElement(TableCellProperties(backgroundcolor="#dde6f0", wrapoption="wrap"))
    style_total = Style(name="C-total", family="table-cell", datastylename="N-euros")
    style_total.addElement(TextProperties(fontweight="bold"))
    style_gras = Style(name="C-gras", family="table-cell")
    style_gras.addElement(TextProperties(fontweight="bold"))
    for style in (style_euros, style_date, style_entete, style_total, style_gras):
        document.automaticstyles.addElement(style)

    table = Table(name=titre_de_feuille(titre))
    for rang, colonne in enumerate(colonnes):
        largeur = Style(name=f"L{rang}", family="table-column")
        largeur.addElement(TableColumnProperties(columnwidth=f"{colonne.largeur * 0.21:.2f}cm"))
        document.automaticstyles.addElement(largeur)
        table.addElement(TableColumn(stylename=largeur))

    def texte(valeur: str, style=None) -> TableCell:
        cellule = TableCell(valuetype="string", stylename=style) if style else TableCell(valuetype="string")
        cellule.addElement(P(text=texte_sur(valeur)))
        return cellule

    entete = TableRow()
    for colonne in colonnes:
        entete.addElement(texte(colonne.libelle, style_entete))
    table.addElement(entete)
    genres = [colonne.genre for colonne in colonnes]
    for rang in rangs:
        ligne = TableRow()
        for genre, valeur in zip(genres, rang, strict=True):
            if valeur is None:
                ligne.addElement(TableCell())
            elif genre == c.MONTANT:
                ligne.addElement(TableCell(valuetype="currency", currency="EUR", value=format(valeur, "f"),
                                           stylename=style_euros))
            elif genre == c.DATE:
                ligne.addElement(TableCell(valuetype="date", datevalue=valeur.isoformat(), stylename=style_date))
            elif genre == c.ENTIER:
                ligne.addElement(TableCell(valuetype="float", value=str(int(valeur))))
            else:
                ligne.addElement(texte(str(valeur)))
        table.addElement(ligne)
    if rangs:
        libelles = c.libelles_du_total(colonnes, len(rangs))
        sommes = c.totaux(colonnes, rangs)
        derniere = len(rangs) + 1
        ligne = TableRow()
        for rang, colonne in enumerate(colonnes):
            if colonne.totalisee:
                lettre = _lettre(rang + 1)
                ligne.addElement(TableCell(valuetype="currency", currency="EUR", value=format(sommes[rang], "f"),
                                           formula=f"of:=SUM([.{lettre}2:.{lettre}{derniere}])",
                                           stylename=style_total))
            elif rang in libelles:
                ligne.addElement(texte(libelles[rang], style_gras))
            else:
                ligne.addElement(TableCell())
        table.addElement(ligne)
    document.spreadsheet.addElement(table)
    document.save(str(fichier))


def _lettre(numero: int) -> str:
    lettres = ""
    while numero:
        numero, reste = divmod(numero - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


# --- csv -------------------------------------------------------------------------------------------------


def texte_csv(valeur: str) -> str:
    """Un texte qu'un tableur n'exécutera pas : apostrophe devant ce qui commencerait une formule."""
    return "'" + valeur if valeur.startswith(DEBUTS_DE_FORMULE) else valeur


def valeur_csv(genre: str, valeur: Any) -> str:
    if valeur is None:
        return ""
    if genre == c.MONTANT:
        return format(Decimal(valeur).quantize(Decimal("0.01")), "f").replace(".", ",")
    if genre == c.DATE:
        return f"{valeur:%d/%m/%Y}" if isinstance(valeur, dt.date) else str(valeur)
    if genre == c.ENTIER:
        return str(int(valeur))
    return texte_csv(str(valeur))


def _csv(colonnes: Sequence[c.Colonne], rangs: list[list[Any]], fichier: Path) -> None:
    genres = [colonne.genre for colonne in colonnes]
    with open(fichier, "w", encoding="utf-8-sig", newline="") as sortie:
        ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
        ecrivain.writerow([texte_csv(colonne.libelle) for colonne in colonnes])
        ecrivain.writerows([valeur_csv(g, v) for g, v in zip(genres, rang, strict=True)] for rang in rangs)
