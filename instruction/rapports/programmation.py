"""Le classeur de la programmation d'une campagne : une synthèse, puis une feuille par cofinanceur.

Les montants sont des nombres (format euros), les totaux des formules : le classeur se retravaille dans un
tableur. La synthèse donne, par cofinanceur, l'enveloppe, le décidé, le simulé (scénario), le programmé et le
reste à programmer ; chaque feuille de cofinanceur, dossier par dossier, le demandé, le proposé par
l'instructeur, l'avis du cofinanceur, le décidé et le scénario.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from instruction.domaine import dates, etats
from instruction.domaine.horloge import maintenant
from instruction.domaine.programmation import DECISIONS
from instruction.rapports import tableur

if TYPE_CHECKING:
    from instruction.services.programmation import TableauProgrammation

ENTETE_SYNTHESE = ["Cofinanceur", "Enveloppe", "Décidé", "Scénario", "Programmé", "Reste à programmer",
                   "Demandé (dossiers non tranchés)"]
ENTETE_FINANCEUR = ["N°", "Intitulé de l'action", "Porteur", "État", "Décision du scénario", "Quartiers",
                    "Cotation égalité", "Demandé", "Proposé (instructeur)", "Avis du cofinanceur", "Décidé",
                    "Scénario"]
PREMIERE_COLONNE_MONTANT = 8  # H : « Demandé »


def ecrire_classeur(tableau: TableauProgrammation, fichier: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    fichier = tableur.avec_extension(Path(fichier))
    classeur = Workbook()
    synthese = classeur.active
    synthese.title = "Synthèse"
    campagne = tableau.campagne
    tableur.ajouter(synthese, [f"Programmation — {campagne.libelle}"])
    scenario = f"Scénario : {tableau.scenario.nom}" if tableau.scenario else "Sans scénario (décisions seules)"
    tableur.ajouter(synthese, [f"{scenario} ; {len(tableau.lignes)} dossier(s) ; exporté le "
                               f"{dates.formater_horodatage(maintenant())}"])
    tableur.ajouter(synthese, [])
    rang_entete = tableur.ajouter(synthese, ENTETE_SYNTHESE)
    tableur.styler_entete(synthese[rang_entete])
    for s in tableau.enveloppes:
        rang = tableur.ajouter(synthese, [s.libelle + (f" — {s.axe}" if s.axe else ""), s.enveloppe, s.decide,
                                          s.simule, s.programme, s.reste, s.demande])
        for colonne in range(2, 8):
            synthese.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
    synthese.column_dimensions["A"].width = 34
    for lettre in "BCDEFG":
        synthese.column_dimensions[lettre].width = 18
    for code, sigle in tableau.financeurs:
        feuille = classeur.create_sheet(tableur.titre_de_feuille(sigle))
        tableur.ajouter(feuille, ENTETE_FINANCEUR)
        tableur.styler_entete(feuille[1])
        debut = 2
        for ligne in tableau.lignes:
            c = ligne.cellule(code)
            if all(v is None for v in (c.demande, c.propose, c.avis, c.decide, c.simule)):
                continue
            decision = ligne.decision_provisoire()
            rang = tableur.ajouter(feuille, [
                ligne.numero, ligne.intitule, ligne.porteur, etats.libelle(ligne.etat),
                DECISIONS.get(decision or "", ""), ligne.quartiers,
                ligne.cotation_egalite, c.demande, c.propose, c.avis, c.decide,
                None if ligne.tranche else c.simule])
            for colonne in range(PREMIERE_COLONNE_MONTANT, PREMIERE_COLONNE_MONTANT + 5):
                feuille.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
        fin = feuille.max_row
        totaux = ["Total", "", "", "", "", "", ""]
        for colonne in range(PREMIERE_COLONNE_MONTANT, PREMIERE_COLONNE_MONTANT + 5):
            lettre = get_column_letter(colonne)
            totaux.append(tableur.Formule(f"=SUM({lettre}{debut}:{lettre}{fin})") if fin >= debut else 0)
        rang = tableur.ajouter(feuille, totaux)
        for colonne in range(PREMIERE_COLONNE_MONTANT, PREMIERE_COLONNE_MONTANT + 5):
            feuille.cell(rang, colonne).number_format = tableur.FORMAT_EUROS
        for lettre, largeur in zip("ABCDEFGHIJKL", (14, 44, 30, 14, 14, 28, 10, 14, 14, 14, 14, 14), strict=True):
            feuille.column_dimensions[lettre].width = largeur
        feuille.freeze_panes = "C2"
    return tableur.enregistrer(classeur, fichier)
