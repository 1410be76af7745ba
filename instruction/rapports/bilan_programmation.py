"""Le bilan de la programmation en PDF (reportlab, graphiques de ``rapports.graphiques``) et en classeur (.xlsx,
montants en nombres au centime).

Une année : synthèse, cofinanceurs, axes et objectifs stratégiques, quartiers, dispositifs, crédits par cotation
égalité femmes-hommes (l'approche budgétaire intégrée reprise), publics prévus et atteints, bilans reçus et en
retard. Plusieurs années : la même chose pour la dernière, précédée des années côte à côte.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from instruction.domaine import argent, budget, dates, nombres
from instruction.domaine.bilan_programmation import Agregat, BilanProgrammation, Publics
from instruction.domaine.horloge import maintenant
from instruction.domaine.publics import TRANCHES_AGE
from instruction.rapports import tableur

NOTE_CHEVAUCHEMENT = ("Une action qui relève de plusieurs axes, objectifs ou quartiers compte entière sous chacun : "
                      "la somme des lignes dépasse le total.")


def _part(montant: Decimal, total: Decimal) -> str:
    part = budget.part_de(montant, total)
    return nombres.pourcentage(part) if part is not None else "—"


def principal(bilans: Sequence[BilanProgrammation], annee: int | None = None) -> BilanProgrammation:
    """Le bilan détaillé du document : celui de l'année choisie à l'écran (``annee``) ; sans choix, la plus
    récente qui a des actions — une année encore vide ne fait pas un document aux tableaux vides — sinon la plus
    récente. Les autres années sont comparées côte à côte."""
    if annee is not None:
        for b in bilans:
            if b.annee == annee:
                return b
    return next((b for b in reversed(bilans) if b.actions), bilans[-1])


def sous_titre(bilans: Sequence[BilanProgrammation], b: BilanProgrammation) -> str:
    """« Programmation 2023, comparée à 2024 et 2027 — tous les dispositifs »."""
    autres = [str(x.annee) for x in bilans if x.annee != b.annee]
    comparee = ""
    if autres:
        comparee = ", comparée à " + (autres[0] if len(autres) == 1 else f"{', '.join(autres[:-1])} et {autres[-1]}")
    return f"Programmation {b.annee}{comparee} — " + (b.dispositif or "tous les dispositifs")


def nom_de_fichier(bilans: Sequence[BilanProgrammation], extension: str) -> str:
    annees = "-".join(str(b.annee) for b in (bilans[0], bilans[-1])) if len(bilans) > 1 else str(bilans[0].annee)
    return f"Bilan de la programmation {annees}.{extension}"


def lignes_publics(p: Publics) -> list[tuple[str, int | None, int | None, int | None]]:
    """(public, prévu pour toutes les actions, prévu pour les actions au compte rendu reçu, atteint)."""
    atteint = p.avec_compte_rendu > 0
    return [
        ("Bénéficiaires", p.beneficiaires, p.prevus_comparables["beneficiaires"],
         (p.atteints["femmes"] + p.atteints["hommes"]) if atteint else None),
        ("Femmes et filles", p.femmes, p.prevus_comparables["femmes"], p.atteints["femmes"] if atteint else None),
        ("Hommes et garçons", p.hommes, p.prevus_comparables["hommes"], p.atteints["hommes"] if atteint else None),
        ("Habitants d'un QPV", p.qpv, p.prevus_comparables["qpv"], p.atteints["qpv"] if atteint else None),
    ]


def resume(b: BilanProgrammation) -> str:
    retard = sum(n for s, n in b.bilans.items() if s in ("en_retard", "tres_en_retard"))
    recus = sum(n for s, n in b.bilans.items() if s in ("recu", "a_completer", "valide"))
    return (f"{b.actions} action(s) de {b.porteurs} porteur(s), {argent.formater(b.total)} accordés ; "
            f"bilans : {recus} reçu(s), {retard} en retard sur {sum(b.bilans.values())} attendu(s).")


# --- Classeur ---------------------------------------------------------------------------------------------------


def exporter_xlsx(bilans: Sequence[BilanProgrammation], fichier: Path, annee: int | None = None) -> Path:
    """Le classeur : synthèse et feuilles détaillées de l'année principale (``principal``), années côte à côte."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    b = principal(bilans, annee)
    fichier = tableur.avec_extension(fichier)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Synthèse"
    tableur.ajouter(feuille, [b.titre])
    feuille["A1"].font = Font(bold=True, size=13)
    if len(bilans) > 1:
        tableur.ajouter(feuille, [sous_titre(bilans, b)])
    tableur.ajouter(feuille, [f"Édité le {dates.formater_horodatage(maintenant())}"])
    tableur.ajouter(feuille, [])
    for libelle, valeur in (("Année", b.annee), ("Actions", b.actions), ("Porteurs", b.porteurs),
                            ("Montant accordé", b.total)):
        rang = tableur.ajouter(feuille, [libelle, valeur])
        if isinstance(valeur, Decimal):
            feuille.cell(rang, 2).number_format = tableur.FORMAT_EUROS
    tableur.ajouter(feuille, [])
    tableur.ajouter(feuille, ["Bilans attendus", "Nombre"])
    tableur.styler_entete(feuille[feuille.max_row])
    for statut, nombre in b.bilans.items():
        tableur.ajouter(feuille, [b.libelles_bilans.get(statut, statut), nombre])
    feuille.column_dimensions["A"].width, feuille.column_dimensions["B"].width = 34, 18

    if len(bilans) > 1:
        _feuille_annees(classeur.create_sheet("Années"), bilans)
    _feuille_agregats(classeur.create_sheet("Cofinanceurs"), "Cofinanceur", b.financeurs, b)
    _feuille_agregats(classeur.create_sheet("Axes et objectifs"), "Axe / objectif stratégique", b.axes, b,
                      note=NOTE_CHEVAUCHEMENT)
    _feuille_agregats(classeur.create_sheet("Quartiers"), "Quartier", b.quartiers, b, note=NOTE_CHEVAUCHEMENT)
    _feuille_agregats(classeur.create_sheet("Dispositifs"), "Dispositif", b.dispositifs, b)
    if b.approche is not None:
        f = classeur.create_sheet("Cotation égalité")
        from instruction.services.approche_budgetaire import CLES, libelle_cle

        tableur.ajouter(f, ["Cotation", "Dossiers présentés", "Demandé", "Accordé"])
        tableur.styler_entete(f[1])
        for cle in CLES:
            c = b.approche.ensemble.cellules[cle]
            rang = tableur.ajouter(f, [libelle_cle(cle), c.dossiers, c.demande, c.accorde])
            for colonne in (3, 4):
                f.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
        f.column_dimensions["A"].width = 16
        for colonne in "BCD":
            f.column_dimensions[colonne].width = 18
    f = classeur.create_sheet("Publics")
    tableur.ajouter(f, ["Public", "Prévu (toutes les actions)", "Prévu (actions au compte rendu reçu)", "Atteint"])
    tableur.styler_entete(f[1])
    for ligne in lignes_publics(b.publics):
        tableur.ajouter(f, list(ligne))
    tableur.ajouter(f, [])
    tableur.ajouter(f, ["Tranche d'âge", "Actions qui la visent", "", "Personnes atteintes"])
    tableur.styler_entete(f[f.max_row])
    for code, libelle in TRANCHES_AGE.items():
        tableur.ajouter(f, [libelle, b.publics.actions_par_tranche[code], None,
                            b.publics.atteints_par_tranche[code] if b.publics.avec_compte_rendu else None])
    f.column_dimensions["A"].width = 24
    for colonne in "BCD":
        f.column_dimensions[colonne].width = 22
    return tableur.enregistrer(classeur, fichier)


def _feuille_agregats(f, titre: str, lignes: list[Agregat], b: BilanProgrammation, note: str = "") -> None:
    from openpyxl.utils import get_column_letter

    financeurs = [(a.code, a.libelle) for a in b.financeurs]
    entete = [titre, "Actions", "Porteurs", "Montant accordé"] + [libelle for _c, libelle in financeurs]
    if note:
        tableur.ajouter(f, [note])
    tableur.ajouter(f, entete)
    tableur.styler_entete(f[f.max_row])
    premiere = f.max_row + 1
    for ligne in lignes:
        rang = tableur.ajouter(f, [("    " if ligne.niveau else "") + ligne.libelle, ligne.actions,
                                   ligne.nombre_porteurs, ligne.montant]
                               + [ligne.par_financeur.get(code, Decimal("0.00")) if titre != "Cofinanceur" else None
                                  for code, _l in financeurs])
        for colonne in range(4, len(entete) + 1):
            f.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
    if not note and lignes:  # lignes additives : une ligne de total (formules)
        derniere = f.max_row
        rang = tableur.ajouter(f, ["Total"] + [tableur.Formule(f"=SUM({get_column_letter(c)}{premiere}:"
                                                               f"{get_column_letter(c)}{derniere})")
                                               for c in range(2, len(entete) + 1) if c != 3])
        f.cell(rang, 3).value = None
        for colonne in range(4, len(entete) + 1):
            f.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
    f.column_dimensions["A"].width = 52
    for colonne in range(2, len(entete) + 1):
        f.column_dimensions[get_column_letter(colonne)].width = 16
    f.freeze_panes = f.cell(premiere, 2)


def _feuille_annees(f, bilans: Sequence[BilanProgrammation]) -> None:
    from openpyxl.utils import get_column_letter

    tableur.ajouter(f, [""] + [b.annee for b in bilans])
    tableur.styler_entete(f[1])
    for libelle, valeurs, montant in lignes_annees(bilans):
        rang = tableur.ajouter(f, [libelle] + list(valeurs))
        if montant:
            for colonne in range(2, len(bilans) + 2):
                f.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
    f.column_dimensions["A"].width = 52
    for colonne in range(2, len(bilans) + 2):
        f.column_dimensions[get_column_letter(colonne)].width = 16


def lignes_annees(bilans: Sequence[BilanProgrammation]) -> list[tuple[str, list, bool]]:
    """Les années côte à côte : (libellé, une valeur par année, montant ?)."""
    lignes: list[tuple[str, list, bool]] = [
        ("Actions", [b.actions for b in bilans], False),
        ("Porteurs", [b.porteurs for b in bilans], False),
        ("Montant accordé", [b.total for b in bilans], True),
    ]
    for titre, attribut in (("Cofinanceur", "financeurs"), ("Dispositif", "dispositifs"), ("Axe", "axes")):
        libelles: dict[str, str] = {}
        for b in bilans:
            for a in getattr(b, attribut):
                if not a.niveau:
                    libelles.setdefault(a.code, a.libelle)
        for code, libelle in libelles.items():
            valeurs = []
            for b in bilans:
                trouve = next((a for a in getattr(b, attribut) if a.code == code and not a.niveau), None)
                valeurs.append(trouve.montant if trouve else Decimal("0.00"))
            lignes.append((f"{titre} — {libelle}", valeurs, True))
    return lignes


# --- PDF ------------------------------------------------------------------------------------------------------


def financeurs_des_annees(bilans: Sequence[BilanProgrammation]) -> dict[str, str]:
    """Les cofinanceurs d'au moins une des années (code → libellé), dans l'ordre du référentiel."""
    vus: dict[str, str] = {}
    for b in bilans:
        for a in b.financeurs:
            vus.setdefault(a.code, a.etiquette)
    return vus


def graphique_annees(bilans: Sequence[BilanProgrammation], largeur: float, hauteur: float):
    """Les montants accordés par cofinanceur, une barre par année."""
    from instruction.rapports import graphiques

    financeurs = financeurs_des_annees(bilans)
    return graphiques.barres(list(financeurs.values()), [
        (str(b.annee), [next((a.montant for a in b.financeurs if a.code == code), 0) for code in financeurs])
        for b in bilans], largeur, hauteur)


def graphique_financeurs(b: BilanProgrammation, largeur: float, hauteur: float):
    from instruction.rapports import graphiques

    return graphiques.barres([a.etiquette for a in b.financeurs], [("Montant accordé", [a.montant for a in b.financeurs])],
                             largeur, hauteur)


def graphique_empile(lignes: list[Agregat], b: BilanProgrammation, largeur: float, hauteur: float):
    """Une barre par ligne (axe, quartier), un segment par cofinanceur."""
    from instruction.rapports import graphiques

    return graphiques.barres([a.libelle for a in lignes],
                             [(f.etiquette, [a.par_financeur.get(f.code, 0) for a in lignes]) for f in b.financeurs],
                             largeur, hauteur, empile=True)


def exporter_pdf(bilans: Sequence[BilanProgrammation], fichier: Path, annee: int | None = None) -> Path:
    """Le PDF : l'année principale (``principal``) détaillée, les autres années côte à côte ; une année sans
    action le dit en une phrase au lieu de tableaux vides."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    from instruction.rapports import pdf

    fichier = Path(fichier)
    if fichier.suffix.lower() != ".pdf":
        fichier = fichier.with_suffix(".pdf")
    b = principal(bilans, annee)
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    histoire: list = [p("Bilan de la programmation", s["titre"]), p(sous_titre(bilans, b), s["sous-titre"]),
                      p(resume(b) if b.actions else f"Aucune action financée en {b.annee} (aucun montant accordé "
                        "à ce jour).", s["normal"]), Spacer(1, 2 * mm)]
    if len(bilans) > 1:
        lignes = [[p("", s["gras"])] + [p(str(x.annee), s["gras-droite"]) for x in bilans]]
        for libelle, valeurs, montant in lignes_annees(bilans):
            lignes.append([p(libelle, s["petit"])] + [p(argent.formater(v) if montant else str(v), s["petit-droite"])
                                                      for v in valeurs])
        colonne = min(28 * mm, (L - 70 * mm) / len(bilans))
        histoire += [p("Les années côte à côte", s["section"]),
                     pdf.tableau(lignes, [L - colonne * len(bilans)] + [colonne] * len(bilans)), Spacer(1, 2 * mm),
                     graphique_annees(bilans, L, 62 * mm)]
    pied = f"Instruction — {b.titre} — édité le {dates.formater_horodatage(maintenant())}"
    if not b.actions:
        return pdf.ecrire(fichier, histoire, titre=b.titre, pied=pied)
    histoire.append(KeepTogether([p("Par cofinanceur", s["section"]),
                                  _tableau(b.financeurs, b, s, L, "Cofinanceur", avec_total=True),
                                  Spacer(1, 2 * mm), graphique_financeurs(b, L, 58 * mm)]))
    histoire += [CondPageBreak(90 * mm), p("Par axe et objectif stratégique", s["section"]),
                 p(NOTE_CHEVAUCHEMENT, s["petit"]), _tableau(b.axes, b, s, L, "Axe / objectif stratégique"),
                 Spacer(1, 2 * mm), graphique_empile([a for a in b.axes if not a.niveau], b, L, 66 * mm)]
    histoire.append(KeepTogether([p("Par quartier", s["section"]), p(NOTE_CHEVAUCHEMENT, s["petit"]),
                                  _tableau(b.quartiers, b, s, L, "Quartier"), Spacer(1, 2 * mm),
                                  graphique_empile([a for a in b.quartiers if a.actions], b, L, 62 * mm)]))
    histoire.append(KeepTogether([p("Par dispositif", s["section"]),
                                  _tableau(b.dispositifs, b, s, L, "Dispositif", avec_total=True)]))
    if b.approche is not None:
        from instruction.rapports.approche_budgetaire import graphique_pdf
        from instruction.services.approche_budgetaire import CLES, libelle_cle

        lignes = [[p("Cotation égalité femmes-hommes", s["gras"])] + [p(t, s["gras-droite"]) for t in (
            "Dossiers présentés", "Demandé", "Accordé")]]
        for cle in CLES:
            c = b.approche.ensemble.cellules[cle]
            lignes.append([p(libelle_cle(cle), s["normal"]), p(str(c.dossiers), s["droite"]),
                           p(argent.formater(c.demande), s["droite"]), p(argent.formater(c.accorde), s["droite"])])
        histoire.append(KeepTogether([
            p("Crédits par cotation égalité femmes-hommes", s["section"]),
            p("Demandés à l'entrée du comité des financeurs, accordés à sa sortie (approche budgétaire intégrée).",
              s["petit"]),
            pdf.tableau(lignes, [L - 96 * mm, 28 * mm, 34 * mm, 34 * mm]), Spacer(1, 2 * mm),
            graphique_pdf(b.approche, L, 52 * mm)]))
    histoire.append(KeepTogether(_publics_pdf(b.publics, s, L)))
    if b.bilans:
        lignes = [[p("Bilans attendus de l'exercice", s["gras"]), p("Nombre", s["gras-droite"])]]
        lignes += [[p(b.libelles_bilans.get(statut, statut), s["normal"]), p(str(n), s["droite"])]
                   for statut, n in b.bilans.items()]
        histoire.append(KeepTogether([p("Bilans reçus et en retard", s["section"]),
                                      pdf.tableau(lignes, [L - 30 * mm, 30 * mm])]))
    return pdf.ecrire(fichier, histoire, titre=b.titre, pied=pied)


def _tableau(lignes: list[Agregat], b: BilanProgrammation, s, L: float, titre: str, avec_total: bool = False):
    from reportlab.lib.units import mm

    from instruction.rapports import pdf

    p = pdf.paragraphe
    donnees = [[p(titre, s["gras"]), p("Actions", s["gras-droite"]), p("Porteurs", s["gras-droite"]),
                p("Montant accordé", s["gras-droite"]), p("Part du total", s["gras-droite"])]]
    style = []
    for ligne in lignes:
        if ligne.niveau:
            style.append(("LEFTPADDING", (0, len(donnees)), (0, len(donnees)), 12))
        elif any(autre.niveau for autre in lignes):  # une ligne de tête (axe, QPV) au-dessus de ses sous-lignes
            style.append(("BACKGROUND", (0, len(donnees)), (-1, len(donnees)), pdf.GRIS))
        donnees.append([p(ligne.libelle, s["petit"] if ligne.niveau else s["normal"]),
                        p(str(ligne.actions), s["droite"]), p(str(ligne.nombre_porteurs), s["droite"]),
                        p(argent.formater(ligne.montant), s["droite"]), p(_part(ligne.montant, b.total), s["droite"])])
    if avec_total:
        donnees.append([p("Total", s["gras"]), p(str(b.actions), s["gras-droite"]),
                        p(str(b.porteurs), s["gras-droite"]), p(argent.formater(b.total), s["gras-droite"]),
                        p("100 %" if b.total else "—", s["gras-droite"])])
        style.append(("BACKGROUND", (0, -1), (-1, -1), pdf.GRIS))
    return pdf.tableau(donnees, [L - 94 * mm, 18 * mm, 18 * mm, 34 * mm, 24 * mm], style_en_plus=style)


def _publics_pdf(publics: Publics, s, L: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from instruction.rapports import pdf

    p = pdf.paragraphe
    lignes = [[p("Public", s["gras"])] + [p(t, s["gras-droite"]) for t in (
        "Prévu (toutes les actions)", f"Prévu ({publics.avec_compte_rendu} action(s) au compte rendu reçu)",
        "Atteint")]]
    for libelle, prevu, comparable, atteint in lignes_publics(publics):
        lignes.append([p(libelle, s["normal"]), p(nombres.formater(prevu), s["droite"]),
                       p(nombres.formater(comparable), s["droite"]),
                       p(nombres.formater(atteint) if atteint is not None else "—", s["droite"])])
    tranches = [[p("Tranche d'âge", s["gras"])] + [p(t, s["gras-droite"]) for t in ("Actions qui la visent",
                                                                                   "Personnes atteintes")]]
    for code, libelle in TRANCHES_AGE.items():
        tranches.append([p(libelle, s["normal"]), p(str(publics.actions_par_tranche[code]), s["droite"]),
                         p(nombres.formater(publics.atteints_par_tranche[code]) if publics.avec_compte_rendu
                           else "—", s["droite"])])
    note = ("Les publics atteints viennent des comptes rendus des actions (CERFA 15059, bilan qualitatif) ; "
            "aucun n'est encore reçu pour cette année." if not publics.avec_compte_rendu else
            "Les publics atteints viennent des comptes rendus reçus ; ils se comparent aux publics prévus des mêmes "
            "actions.")
    return [p("Publics prévus et atteints", s["section"]), p(note, s["petit"]),
            pdf.tableau(lignes, [L - 120 * mm, 36 * mm, 54 * mm, 30 * mm]), Spacer(1, 2 * mm),
            pdf.tableau(tranches, [L - 90 * mm, 45 * mm, 45 * mm])]
