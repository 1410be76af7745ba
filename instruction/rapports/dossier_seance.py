"""Le dossier de séance du comité des financeurs : un PDF et le même contenu en classeur xlsx.

PDF : la page de garde (séance, lieu, membres, chiffres de l'ordre du jour), l'ordre du jour, un tableau
récapitulatif par cofinanceur (demandé, proposé, décidé si la décision est saisie, total), puis la fiche
d'instruction de chaque dossier (``rapports.fiche_instruction.histoire``), chacune sur sa page. Signets :
« Ordre du jour », « Tableaux par cofinanceur » (un par cofinanceur), « Fiches d'instruction » (une par
dossier) ; pied de page « page x / y ».

Classeur : une feuille « Ordre du jour », une feuille par cofinanceur (montants en nombres, ligne de total),
une feuille « Membres ».
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from instruction.domaine import argent, dates, etats
from instruction.domaine import comite as regles
from instruction.rapports import fiche_instruction, pdf, tableur
from instruction.services.comite import DossierDeSeance, LigneOrdreDuJour, SeanceLue

ZERO = Decimal("0.00")
SENS = {"favorable": "Favorable", "reserve": "Réservé", "defavorable": "Défavorable"}


def nom_de_fichier(seance: SeanceLue, extension: str = ".pdf", document: str = "Dossier de séance") -> str:
    """« Dossier de séance — <intitulé>.pdf » (``document`` : « Relevé de décisions » pour le relevé)."""
    propre = "".join(c if c.isalnum() or c in " -_" else "-" for c in seance.intitule).strip()
    return f"{document} — {propre}{extension}"


def _montant(valeur: Decimal | None) -> str:
    return argent.formater(valeur) if valeur is not None else ""


def entete_de_seance(seance: SeanceLue, titre: str, s) -> list:
    """Titre, séance, date, lieu et membres : le haut de la première page (dossier de séance, relevé)."""
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    histoire = [p(titre, s["titre"]), Spacer(1, 1.5 * mm),
                p(f"{seance.intitule} — {seance.libelle_instance}", s["sous-titre"]),
                p(f"{dates.formater_long(seance.date)}" + (f", {seance.lieu}" if seance.lieu else ""), s["sous-titre"]),
                Spacer(1, 3 * mm), p("Membres", s["section"])]
    lignes = [[p("Qualité", s["gras"]), p("Personne", s["gras"]), p("Présence", s["gras"])]]
    for membre in seance.membres:
        lignes.append([p(membre.qualite, s["normal"]), p(membre.nom or "—", s["normal"]),
                       p(membre.libelle_presence, s["normal"])])
    histoire.append(pdf.tableau(lignes, [L * 0.55, L * 0.33, L * 0.12]))
    if seance.source_membres:
        histoire += [Spacer(1, 1 * mm), p(f"Composition : {seance.source_membres}.", s["petit"])]
    return histoire


def _ordre_du_jour(seance: SeanceLue, s) -> list:
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    entete = ParagraphStyle("petit-gras", parent=s["gras"], fontSize=7.5, leading=9)  # « Proposition » tient
    lignes = [[p(t, entete) for t in ("N°", "Dossier", "Porteur et action", "Demandé", "Proposé",
                                      "Proposition", "Égalité", "Décision")]]
    for rang, ligne in enumerate(seance.lignes, start=1):
        lignes.append([
            p(str(rang), s["petit"]), p(ligne.numero, s["petit"]),
            p(f"{ligne.porteur} — {ligne.intitule}", s["petit"]),
            p(argent.formater(ligne.total_demande), s["petit-droite"]),
            p(argent.formater(sum(ligne.proposes.values(), ZERO)), s["petit-droite"]),
            p(SENS.get(ligne.sens_propose or "", "—"), s["petit"]),
            p("—" if ligne.cotation_egalite is None else str(ligne.cotation_egalite), s["petit-droite"]),
            p(_decision(ligne), s["petit"]),
        ])
    total_demande = sum((ligne.total_demande for ligne in seance.lignes), ZERO)
    total_propose = sum((sum(ligne.proposes.values(), ZERO) for ligne in seance.lignes), ZERO)
    lignes.append([p("", s["petit"]), p("Total", s["gras"]), p(f"{len(seance.lignes)} dossier(s)", s["petit"]),
                   p(argent.formater(total_demande), s["petit-droite"]),
                   p(argent.formater(total_propose), s["petit-droite"]), p("", s["petit"]), p("", s["petit"]),
                   p("", s["petit"])])
    return [pdf.tableau(lignes, [7 * mm, 23 * mm, L - 135 * mm, 22 * mm, 22 * mm, 21 * mm, 15 * mm, 25 * mm],
                        style_en_plus=[("BACKGROUND", (0, -1), (-1, -1), pdf.GRIS)])]


def _decision(ligne: LigneOrdreDuJour) -> str:
    if ligne.decision is None:
        return "à décider"
    if ligne.decision == regles.RETENU:
        return f"Retenu : {argent.formater(ligne.total_decide)}"
    return ligne.libelle_decision


def tableau_financeur(seance: SeanceLue, code: str, s) -> list:
    """Les dossiers qui sollicitent ce cofinanceur (ou qu'il finance) : demandé, proposé, décidé, total."""
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    lignes = [[p(t, s["gras"]) for t in ("Dossier", "Porteur et action", "Demandé", "Proposé", "Décision",
                                         "Décidé")]]
    concernes = [ligne for ligne in seance.lignes
                 if code in ligne.demandes or code in ligne.proposes or code in ligne.montants]
    for ligne in concernes:
        decide = ligne.montants.get(code) if ligne.decision == regles.RETENU else (
            ZERO if ligne.decision else None)
        lignes.append([p(ligne.numero, s["petit"]), p(f"{ligne.porteur} — {ligne.intitule}", s["petit"]),
                       p(_montant(ligne.demandes.get(code)), s["petit-droite"]),
                       p(_montant(ligne.proposes.get(code)), s["petit-droite"]),
                       p(ligne.libelle_decision, s["petit"]), p(_montant(decide), s["petit-droite"])])
    demande, propose, decide = seance.totaux(code)
    lignes.append([p("Total", s["gras"]), p(f"{len(concernes)} dossier(s)", s["petit"]),
                   p(argent.formater(demande), s["petit-droite"]), p(argent.formater(propose), s["petit-droite"]),
                   p("", s["petit"]), p(argent.formater(decide), s["petit-droite"])])
    return [pdf.tableau(lignes, [24 * mm, L - 120 * mm, 25 * mm, 25 * mm, 21 * mm, 25 * mm],
                        style_en_plus=[("BACKGROUND", (0, -1), (-1, -1), pdf.GRIS)])]


def ecrire_pdf(contenu: DossierDeSeance, fichier: Path) -> Path:
    seance = contenu.seance
    s = pdf.styles()
    p = pdf.paragraphe
    histoire: list = [pdf.Signet("Séance et membres", "garde")]
    histoire += entete_de_seance(seance, "Dossier de séance", s)
    demande = sum((ligne.total_demande for ligne in seance.lignes), ZERO)
    histoire += [Spacer(1, 3 * mm), p(
        f"{len(seance.lignes)} dossier(s) à l'ordre du jour, {argent.formater(demande)} demandés à "
        f"{len(seance.financeurs_utilises())} cofinanceur(s). État de la séance : {regles.STATUTS[seance.statut]}.",
        s["normal"])]
    histoire += [CondPageBreak(60 * mm), pdf.Signet("Ordre du jour", "ordre-du-jour"), p("Ordre du jour", s["section"])]
    histoire += _ordre_du_jour(seance, s)
    histoire += [PageBreak(), pdf.Signet("Tableaux par cofinanceur", "financeurs"),
                 p("Tableaux récapitulatifs par cofinanceur", s["titre"]), Spacer(1, 2 * mm)]
    for code in seance.financeurs_utilises():
        libelle = seance.libelles_financeurs.get(code, code)
        histoire += [CondPageBreak(45 * mm), pdf.Signet(libelle, f"financeur-{code}", 1), p(libelle, s["section"])]
        histoire += tableau_financeur(seance, code, s)
    premier = True
    for ligne, fiche in zip(seance.lignes, contenu.fiches, strict=True):
        histoire.append(PageBreak())
        if premier:
            histoire.append(pdf.Signet("Fiches d'instruction", "fiches"))
            premier = False
        histoire.append(pdf.Signet(f"{ligne.numero} — {ligne.intitule}", f"dossier-{ligne.dossier_id}", 1))
        histoire += fiche_instruction.histoire(fiche)
    pied = (f"Instruction — dossier de séance « {seance.intitule} » imprimé le "
            f"{dates.formater_horodatage(contenu.imprime_le)}")
    return pdf.ecrire(fichier, histoire, titre=f"Dossier de séance — {seance.intitule}", pied=pied)


def ecrire_classeur(seance: SeanceLue, fichier: Path) -> Path:
    """Le dossier de séance en classeur : ordre du jour, une feuille par cofinanceur, membres."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Ordre du jour"
    tableur.ajouter(feuille, [seance.intitule])
    tableur.ajouter(feuille, [f"{dates.formater_long(seance.date)}" + (f", {seance.lieu}" if seance.lieu else "")])
    entetes = ["N°", "Dossier", "Porteur", "Action", "Dispositif", "Année", "État", "Coût total", "Demandé",
               "Proposé", "Proposition", "Cotation égalité", "Décision", "Décidé", "Motif"]
    rang_entete = tableur.ajouter(feuille, entetes)
    tableur.styler_entete(feuille[rang_entete])
    for rang, ligne in enumerate(seance.lignes, start=1):
        tableur.ajouter(feuille, [
            rang, ligne.numero, ligne.porteur, ligne.intitule, ligne.dispositif.upper(), ligne.annee,
            etats.libelle(ligne.etat), ligne.cout_total, ligne.total_demande, sum(ligne.proposes.values(), ZERO),
            SENS.get(ligne.sens_propose or "", ""), ligne.cotation_egalite,
            regles.DECISIONS.get(ligne.decision or "", "à décider"),
            ligne.total_decide if ligne.decision else None, ligne.motif or ""])
    _totaliser(feuille, rang_entete, len(seance.lignes), [8, 9, 10, 14])
    _formats(feuille, rang_entete, [8, 9, 10, 14], [32, 14, 36, 48, 10, 8, 14, 14, 14, 14, 13, 10, 12, 14, 40])

    for code in seance.financeurs_utilises():
        feuille = classeur.create_sheet(tableur.titre_de_feuille(seance.financeurs.get(code, code)))
        tableur.ajouter(feuille, [seance.libelles_financeurs.get(code, code)])
        tableur.ajouter(feuille, [seance.intitule])
        rang_entete = tableur.ajouter(feuille, ["Dossier", "Porteur", "Action", "Demandé", "Proposé", "Décision",
                                                "Décidé"])
        tableur.styler_entete(feuille[rang_entete])
        concernes = [ligne for ligne in seance.lignes
                     if code in ligne.demandes or code in ligne.proposes or code in ligne.montants]
        for ligne in concernes:
            decide = ligne.montants.get(code, ZERO) if ligne.decision == regles.RETENU else (
                ZERO if ligne.decision else None)
            tableur.ajouter(feuille, [ligne.numero, ligne.porteur, ligne.intitule, ligne.demandes.get(code),
                                      ligne.proposes.get(code), regles.DECISIONS.get(ligne.decision or "", "à décider"),
                                      decide])
        _totaliser(feuille, rang_entete, len(concernes), [4, 5, 7])
        _formats(feuille, rang_entete, [4, 5, 7], [16, 36, 48, 14, 14, 12, 14])

    feuille = classeur.create_sheet("Membres")
    rang_entete = tableur.ajouter(feuille, ["Qualité", "Personne", "Présence"])
    tableur.styler_entete(feuille[rang_entete])
    for membre in seance.membres:
        tableur.ajouter(feuille, [membre.qualite, membre.nom, membre.libelle_presence])
    for colonne, largeur in enumerate((70, 36, 10), start=1):
        feuille.column_dimensions[get_column_letter(colonne)].width = largeur
    return tableur.enregistrer(classeur, tableur.avec_extension(fichier))


def _totaliser(feuille, rang_entete: int, nombre: int, colonnes: list[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rang = rang_entete + nombre + 1
    tableur.ecrire(feuille, rang, 1, "Total").font = Font(bold=True)
    for colonne in colonnes:
        lettre = get_column_letter(colonne)
        cellule = tableur.ecrire(feuille, rang, colonne,
                                 tableur.Formule(f"=SUM({lettre}{rang_entete + 1}:{lettre}{rang - 1})"))
        cellule.font = Font(bold=True)


def _formats(feuille, rang_entete: int, montants: list[int], largeurs: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for colonne in montants:
        for (cellule,) in feuille.iter_rows(min_row=rang_entete + 1, min_col=colonne, max_col=colonne):
            cellule.number_format = tableur.FORMAT_EUROS
    for colonne, largeur in enumerate(largeurs, start=1):
        feuille.column_dimensions[get_column_letter(colonne)].width = largeur
    feuille.freeze_panes = feuille.cell(rang_entete + 1, 1)
