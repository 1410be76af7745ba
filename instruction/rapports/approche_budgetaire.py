"""L'approche budgétaire intégrée en classeur (.xlsx) et en PDF, avec son graphique en barres.

Trois tableaux : l'ensemble par cotation (dossiers, demandé, accordé, part du demandé), puis par
financeur et par dispositif (demandé et accordé pour chaque cotation). Les montants sont écrits en
nombres au centime ; les totaux du classeur sont des formules, qui retombent sur les sommes du rapport.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from instruction.domaine import argent, budget, dates, nombres
from instruction.domaine.horloge import maintenant
from instruction.rapports import tableur
from instruction.services.approche_budgetaire import CLES, PERIMETRES, Ligne, ApprocheBudgetaire, libelle_cle


def _part(montant: Decimal, total: Decimal) -> str:
    part = budget.part_de(montant, total)
    return nombres.pourcentage(part) if part is not None else "—"


def nom_de_fichier(rapport: ApprocheBudgetaire, extension: str) -> str:
    return f"Approche budgétaire intégrée {rapport.annee} — {rapport.grille}.{extension}"


# --- Classeur ---------------------------------------------------------------------------------------


def exporter_xlsx(rapport: ApprocheBudgetaire, fichier: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    fichier = tableur.avec_extension(fichier)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Par cotation"
    tableur.ajouter(feuille, [rapport.titre])
    feuille["A1"].font = Font(bold=True, size=13)
    tableur.ajouter(feuille, [PERIMETRES[rapport.perimetre]])
    tableur.ajouter(feuille, [f"{rapport.decisions} dossier(s) décidé(s) ; "
                              f"édité le {dates.formater_horodatage(maintenant())}"])
    tableur.ajouter(feuille, [])
    tableur.ajouter(feuille, ["Cotation", "Signification", "Dossiers", "Demandé", "Accordé", "Part du demandé"])
    tableur.styler_entete(feuille[5])
    debut = feuille.max_row + 1
    total = rapport.ensemble.total
    for cle in CLES:
        cellule = rapport.ensemble.cellules[cle]
        tableur.ajouter(feuille, [
            libelle_cle(cle), rapport.libelles_cotations.get(cle, "Grille pas remplie ou inachevée")
            if cle is not None else "Grille pas remplie ou inachevée", cellule.dossiers,
            cellule.demande, cellule.accorde, float(budget.part_de(cellule.demande, total.demande) or 0)])
    fin = feuille.max_row
    tableur.ajouter(feuille, ["Total", "", *(tableur.Formule(f"=SUM({c}{debut}:{c}{fin})") for c in "CDEF")])
    for cellule in feuille[feuille.max_row]:
        cellule.font = Font(bold=True)
    for rang in range(debut, feuille.max_row + 1):
        feuille.cell(rang, 4).number_format = tableur.FORMAT_EUROS
        feuille.cell(rang, 5).number_format = tableur.FORMAT_EUROS
        feuille.cell(rang, 6).number_format = tableur.FORMAT_POURCENT
    for colonne, largeur in zip("ABCDEF", (14, 62, 10, 16, 16, 14), strict=True):
        feuille.column_dimensions[colonne].width = largeur
    graphique = BarChart()
    graphique.type = "col"
    graphique.title = "Demandé et accordé par cotation"
    graphique.y_axis.title = "€"
    graphique.add_data(Reference(feuille, min_col=4, max_col=5, min_row=debut - 1, max_row=fin), titles_from_data=True)
    graphique.set_categories(Reference(feuille, min_col=1, min_row=debut, max_row=fin))
    graphique.height, graphique.width = 8, 16
    feuille.add_chart(graphique, f"A{feuille.max_row + 3}")

    for titre, lignes in (("Par financeur", rapport.par_financeur), ("Par dispositif", rapport.par_dispositif)):
        f = classeur.create_sheet(tableur.titre_de_feuille(titre))
        entete = [titre.removeprefix("Par ").capitalize()]
        for cle in CLES:
            entete += [f"{libelle_cle(cle)} — demandé", f"{libelle_cle(cle)} — accordé"]
        entete += ["Total demandé", "Total accordé"]
        tableur.ajouter(f, entete)
        tableur.styler_entete(f[1])
        for ligne in lignes:
            valeurs: list = [ligne.libelle]
            for cle in CLES:
                valeurs += [ligne.cellules[cle].demande, ligne.cellules[cle].accorde]
            valeurs += [ligne.total.demande, ligne.total.accorde]
            tableur.ajouter(f, valeurs)
        derniere = f.max_row
        totaux: list = ["Total"]
        for colonne in range(2, len(entete) + 1):
            lettre = get_column_letter(colonne)
            totaux.append(tableur.Formule(f"=SUM({lettre}2:{lettre}{derniere})"))
        tableur.ajouter(f, totaux)
        for cellule in f[f.max_row]:
            cellule.font = Font(bold=True)
        for rang in range(2, f.max_row + 1):
            for colonne in range(2, len(entete) + 1):
                f.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
        f.column_dimensions["A"].width = 48
        for colonne in range(2, len(entete) + 1):
            f.column_dimensions[get_column_letter(colonne)].width = 15
        f.freeze_panes = "B2"
    return tableur.enregistrer(classeur, fichier)


# --- PDF ----------------------------------------------------------------------------------------------


def graphique_pdf(rapport: ApprocheBudgetaire, largeur: float, hauteur: float):
    """Barres groupées demandé / accordé pour chaque cotation (``rapports.graphiques``)."""
    from instruction.rapports import graphiques, pdf

    return graphiques.barres([libelle_cle(c) for c in CLES], [
        ("Demandé", [rapport.ensemble.cellules[c].demande for c in CLES]),
        ("Accordé", [rapport.ensemble.cellules[c].accorde for c in CLES]),
    ], largeur, hauteur, couleurs=(pdf.BLEU, pdf.VERT))


def exporter_pdf(rapport: ApprocheBudgetaire, fichier: Path) -> Path:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    from instruction.rapports import pdf

    fichier = Path(fichier)
    if fichier.suffix.lower() != ".pdf":
        fichier = fichier.with_suffix(".pdf")
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    total = rapport.ensemble.total
    histoire: list = [
        p("Approche budgétaire intégrée", s["titre"]),
        p(f"Programmation {rapport.annee}" + (f" — {rapport.dispositif}" if rapport.dispositif else " — tous les "
                                              "dispositifs") + f" — {rapport.grille_libelle}", s["sous-titre"]),
        p(f"{PERIMETRES[rapport.perimetre]} : {total.dossiers} dossier(s), dont {rapport.decisions} décidé(s).",
          s["normal"]),
        Spacer(1, 3 * mm),
        p("Par cotation", s["section"]),
    ]
    lignes = [[p(t, s["gras"]) for t in ("Cotation", "Signification", "Dossiers", "Demandé", "Accordé",
                                         "Part du demandé")]]
    for cle in CLES:
        c = rapport.ensemble.cellules[cle]
        sens = rapport.libelles_cotations.get(cle, "") if cle is not None else "Grille pas remplie ou inachevée"
        lignes.append([p(libelle_cle(cle), s["normal"]), p(sens, s["petit"]), p(str(c.dossiers), s["droite"]),
                       p(argent.formater(c.demande), s["droite"]), p(argent.formater(c.accorde), s["droite"]),
                       p(_part(c.demande, total.demande), s["droite"])])
    lignes.append([p("Total", s["gras"]), "", p(str(total.dossiers), s["droite"]),
                   p(argent.formater(total.demande), s["droite"]), p(argent.formater(total.accorde), s["droite"]),
                   p("100 %" if total.demande else "—", s["droite"])])
    histoire.append(pdf.tableau(lignes, [22 * mm, L - 118 * mm, 16 * mm, 28 * mm, 28 * mm, 24 * mm],
                                style_en_plus=[("BACKGROUND", (0, -1), (-1, -1), pdf.GRIS)]))
    histoire += [Spacer(1, 3 * mm), graphique_pdf(rapport, L, 62 * mm)]
    for titre, detail in (("Par financeur", rapport.par_financeur), ("Par dispositif", rapport.par_dispositif)):
        histoire.append(KeepTogether([p(titre, s["section"]), *_tableau_detail(detail, s, L, titre.removeprefix("Par ").capitalize())]))
    pied = f"Instruction — {rapport.titre} — édité le {dates.formater_horodatage(maintenant())}"
    return pdf.ecrire(fichier, histoire, titre=rapport.titre, pied=pied)


def _tableau_detail(lignes: list[Ligne], s, L: float, titre: str = "") -> list:
    """Deux rangs par financeur (ou dispositif), chacun nommé : « demandé » puis « accordé » ; le nom occupe
    les deux rangs, un bloc sur deux est grisé pour que l'œil suive."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    from instruction.rapports import pdf

    nuance = colors.HexColor("#eef1f5")
    p = pdf.paragraphe
    donnees = [[p(titre, s["gras"]), p("Montant", s["gras"])] + [p(libelle_cle(c), s["gras-droite"]) for c in CLES]
               + [p("Total", s["gras-droite"])]]
    style: list[tuple] = []
    for ligne in lignes:
        cellules = [ligne.cellules[c] for c in CLES] + [ligne.total]
        haut = len(donnees)
        donnees.append([p(ligne.libelle, s["petit"]), p("demandé", s["petit"])]
                       + [p(argent.formater(c.demande), s["petit-droite"]) for c in cellules])
        donnees.append(["", p("accordé", s["petit"])] + [p(argent.formater(c.accorde), s["petit-droite"])
                                                         for c in cellules])
        style.append(("SPAN", (0, haut), (0, haut + 1)))
        if (haut // 2) % 2 == 0:
            style.append(("BACKGROUND", (0, haut), (-1, haut + 1), nuance))
    largeur_montant, largeur_etiquette = 24 * mm, 15 * mm
    return [pdf.tableau(donnees, [L - 5 * largeur_montant - largeur_etiquette, largeur_etiquette]
                        + [largeur_montant] * 5, style_en_plus=style)]
