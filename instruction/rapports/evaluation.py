"""L'évaluation du contrat de ville en documents : le rapport d'échéance en PDF (mi-parcours 2027, finale 2030 —
contrat, l. 4015) et l'export des indicateurs en classeur (.xlsx : valeurs en nombres, dates en dates).

Le rapport suit les objectifs stratégiques : pour chacun, ses indicateurs (référence, valeur de chaque année,
évolution, propriétaire), une courbe des indicateurs chiffrés (base 100 à la référence, pour comparer des
unités différentes) et, à côté, la programmation du même objectif (actions décidées, montants accordés).
"""

from __future__ import annotations

from pathlib import Path

from instruction.domaine import argent, dates, nombres
from instruction.domaine import suivi as domaine_suivi
from instruction.domaine.evaluation import Serie
from instruction.domaine.horloge import maintenant
from instruction.rapports import tableur
from instruction.services.evaluation import RapportEvaluation, Tableau

NIVEAUX = {"territoire": "Territoire", "action": "Actions"}


def evolution(serie: Serie) -> str:
    trouvee = serie.evolution
    if trouvee is None:
        return "—"
    ecart, relatif = trouvee
    signe = "+" if ecart > 0 else ""
    texte = f"{signe}{domaine_suivi.formater_decimal(ecart)}"
    return texte + (f" ({signe}{nombres.pourcentage(relatif)})" if relatif is not None else "")


def cellule(serie: Serie, annee: int) -> str:
    point = next((p for p in serie.points if p.annee == annee), None)
    if point is None:
        return ""
    texte = domaine_suivi.formater_decimal(point.valeur) if point.valeur is not None else "(appréciation)"
    return texte + (" (réf.)" if point.reference else "")


# --- Classeur ---------------------------------------------------------------------------------------------------


def exporter_xlsx(lu: Tableau, fichier: Path, annees: list[int]) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    fichier = tableur.avec_extension(fichier)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Indicateurs"
    libelles = {o.code: o.libelle for o in lu.objectifs}
    entete = ["Code", "Objectif stratégique", "Indicateur", "Niveau", "Propriétaire", "Nature",
              "Année de référence", "Référence"] + [str(a) for a in annees] + ["Évolution", "Dernière source"]
    tableur.ajouter(feuille, entete)
    tableur.styler_entete(feuille[1])
    for s in lu.series:
        reference = s.reference
        derniere = s.derniere
        tableur.ajouter(feuille, [
            s.code, f"{s.objectif} — {libelles.get(s.objectif, '')}" if s.objectif else "Transversal", s.libelle,
            NIVEAUX.get(s.niveau, s.niveau), s.proprietaire, s.nature,
            reference.annee if reference else None, reference.valeur if reference else None,
            *[s.valeur(a) for a in annees], s.evolution[0] if s.evolution else None,
            derniere.source if derniere else None])
    for colonne, largeur in zip("ABCDEFGH", (9, 40, 60, 11, 22, 11, 10, 12), strict=True):
        feuille.column_dimensions[colonne].width = largeur
    for colonne in range(9, len(entete) + 1):
        feuille.column_dimensions[get_column_letter(colonne)].width = 12
    feuille.freeze_panes = "D2"
    valeurs = classeur.create_sheet("Valeurs")
    tableur.ajouter(valeurs, ["Code", "Indicateur", "Année", "Référence", "Valeur", "Appréciation", "Source",
                              "Date de la valeur", "Saisie par", "Saisie le"])
    tableur.styler_entete(valeurs[1])
    for s in lu.series:
        for p in s.points:
            rang = tableur.ajouter(valeurs, [s.code, s.libelle, p.annee, "oui" if p.reference else "", p.valeur,
                                             p.texte, p.source, p.date_valeur, p.saisi_par, p.saisi_le])
            valeurs.cell(rang, 8).number_format = tableur.FORMAT_DATE
            valeurs.cell(rang, 10).number_format = "dd/mm/yyyy hh:mm"
    for colonne, largeur in zip("ABCDEFGHIJ", (9, 50, 8, 10, 12, 50, 36, 14, 16, 17), strict=True):
        valeurs.column_dimensions[colonne].width = largeur
    return tableur.enregistrer(classeur, fichier)


# --- Rapport PDF ------------------------------------------------------------------------------------------------


def graphique(series: list[Serie], annees: list[int], largeur: float, hauteur: float):
    """Les indicateurs chiffrés d'un objectif, en base 100 à la référence (ou en valeurs, s'il n'y en a qu'un)."""
    from instruction.rapports import graphiques

    chiffrees = [s for s in series if any(p.valeur is not None for p in s.points)]
    if len(chiffrees) == 1 and chiffrees[0].reference is None:
        return graphiques.courbes([str(a) for a in annees], [(f"{chiffrees[0].code} (valeurs)",
                                                             [chiffrees[0].valeur(a) for a in annees])],
                                  largeur, hauteur)
    return graphiques.courbes([str(a) for a in annees], [(f"{s.code} (base 100)", s.indices(annees))
                                                        for s in chiffrees if s.reference is not None],
                              largeur, hauteur)


def exporter_pdf(rapport: RapportEvaluation, fichier: Path) -> Path:
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    from instruction.rapports import pdf

    fichier = Path(fichier)
    if fichier.suffix.lower() != ".pdf":
        fichier = fichier.with_suffix(".pdf")
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    lu = rapport.tableau
    avec_valeurs = sum(1 for x in lu.series if x.points)
    histoire: list = [
        p(rapport.titre, s["titre"]),
        p(f"Indicateurs de {rapport.annees[0]} à {rapport.echeance} ; {avec_valeurs} indicateur(s) renseigné(s) sur "
          f"{len(lu.series)}. Programmation des mêmes objectifs : "
          + (", ".join(map(str, rapport.annees_programmees)) if rapport.annees_programmees else "aucune année")
          + ".", s["sous-titre"]),
        p("« Un point d'étape à mi-parcours en 2027 formalisera l'avancée du travail effectué sur le terrain [...] "
          "une évaluation globale en 2030 viendra mesurer le chemin parcouru » (contrat de ville, l. 4015). Les "
          "indicateurs sont ceux du tableau du contrat (l. 4019-4076), « base de travail qui sera affinée » "
          "(l. 4025). Valeur suivie de « (réf.) » : la situation de référence ; évolution : de la référence à la "
          "dernière valeur.", s["petit"]),
        Spacer(1, 3 * mm),
    ]
    annees = rapport.annees
    largeur_annee = min(20 * mm, (L - 60 * mm) / len(annees))
    largeurs = [14 * mm, L - 14 * mm - largeur_annee * len(annees) - 24 * mm] + [largeur_annee] * len(annees) \
        + [24 * mm]
    for objectif in [*lu.objectifs, None]:
        series = lu.de_l_objectif(objectif.code if objectif else None)
        if not series:
            continue
        titre = f"{objectif.code} — {objectif.libelle}" if objectif else "Indicateurs transversaux"
        bloc: list = [p(titre, s["section"])]
        if objectif:
            bloc.append(p(objectif.axe_libelle, s["petit"]))
        # Deux rangs par indicateur : son libellé sur toute la largeur, puis propriétaire, valeurs et évolution.
        lignes = [[p(t, s["gras"]) for t in ("Code", "Propriétaire")]
                  + [p(str(a), s["gras-droite"]) for a in annees] + [p("Évolution", s["gras-droite"])]]
        style: list[tuple] = []
        for x in series:
            haut = len(lignes)
            lignes.append([p(x.code, s["gras"]), p(x.libelle, s["petit"])] + [""] * (len(annees) + 1))
            style += [("SPAN", (1, haut), (-1, haut)), ("BACKGROUND", (0, haut), (-1, haut), pdf.GRIS),
                      ("SPAN", (0, haut), (0, haut + 1))]
            lignes.append(["", p(x.proprietaire or "", s["petit"])] + [p(cellule(x, a), s["petit-droite"])
                                                                      for a in annees]
                          + [p(evolution(x), s["petit-droite"])])
            for point in x.points:
                if point.texte:
                    lignes.append(["", p(f"{point.annee} : {point.texte}", s["petit"])] + [""] * (len(annees) + 1))
                    style.append(("SPAN", (1, len(lignes) - 1), (-1, len(lignes) - 1)))
        bloc.append(pdf.tableau(lignes, largeurs, style_en_plus=style))
        programmation = rapport.programmation.get(objectif.code) if objectif else None
        if programmation:
            bloc.append(Spacer(1, 1.5 * mm))
            bloc.append(pdf.tableau(
                [[p("Programmation de l'objectif", s["gras"])] + [p(str(l.annee), s["gras-droite"])
                                                                  for l in programmation],
                 [p("Actions décidées", s["petit"])] + [p(str(l.actions), s["petit-droite"]) for l in programmation],
                 [p("Montants accordés", s["petit"])] + [p(argent.formater(l.montant), s["petit-droite"])
                                                          for l in programmation]],
                [L - 30 * mm * len(programmation)] + [30 * mm] * len(programmation)))
        if any(pt.valeur is not None for x in series for pt in x.points):
            bloc += [Spacer(1, 1.5 * mm), graphique(series, annees, L, 48 * mm)]
        histoire += [CondPageBreak(60 * mm), KeepTogether(bloc) if len(series) < 8 else bloc[0], *([] if len(series) < 8
                                                                                                 else bloc[1:])]
    pied = f"Instruction — {rapport.titre} — édité le {dates.formater_horodatage(maintenant())}"
    return pdf.ecrire(fichier, histoire, titre=rapport.titre, pied=pied)


def nom_de_fichier(echeance: int) -> str:
    return f"Évaluation du contrat de ville {echeance}.pdf"
