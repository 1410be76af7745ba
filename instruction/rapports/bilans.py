"""Le classeur des bilans d'un exercice (``instruction exporter bilans --annee AAAA``).

Deux feuilles : « Bilans » (un bilan attendu par ligne : dossier, porteur, cofinanceurs, échéance, statut,
reçu le, jours de retard, validé le, relances, puis les totaux prévus / réalisés des charges et des produits
et leurs écarts en euros et en %) et « Écarts » (chaque ligne des comptes rendus reçus : prévu, réalisé, écart,
explication). Les montants sont des nombres au format euros, les pourcentages des nombres au format %, les
dates des dates : le classeur se trie et se calcule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from instruction.domaine import bilans
from instruction.domaine.budget import CHARGE, PRODUIT
from instruction.rapports import tableur
from instruction.services.bilans_attendus import BilanAttendu
from instruction.services.comptes_rendus import CompteRenduLu

COLONNES = (
    ("Dossier", 16), ("Action", 40), ("Porteur", 32), ("Dispositif", 10), ("Cofinanceurs", 24), ("Nature", 26),
    ("Exercice", 9), ("Fin de l'exercice", 12), ("Échéance", 12), ("Statut", 22), ("Reçu le", 12),
    ("Jours de retard", 10), ("Validé le", 12), ("Relances", 9), ("Dernière relance", 12),
    ("Charges prévues", 14), ("Charges réalisées", 14), ("Écart charges (€)", 14), ("Écart charges (%)", 11),
    ("Produits prévus", 14), ("Produits réalisés", 14), ("Écart produits (€)", 14), ("Écart produits (%)", 11),
)
COLONNES_ECARTS = (("Dossier", 16), ("Exercice", 9), ("Sens", 9), ("Compte", 8), ("Libellé", 36),
                   ("Prévu", 14), ("Réalisé", 14), ("Écart (€)", 14), ("Écart (%)", 11), ("À expliquer", 11),
                   ("Explication", 50))


def _fraction(pourcentage: Decimal | None) -> Decimal | None:
    """12,50 (%) → 0,125 : le tableur l'affiche « 12,5 % » avec le format pourcentage."""
    return None if pourcentage is None else pourcentage / 100


def ecrire(annee: int, lignes: Sequence[BilanAttendu], comptes: Mapping[int, CompteRenduLu], fichier: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    fichier = tableur.avec_extension(fichier)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = tableur.titre_de_feuille(f"Bilans {annee}")
    tableur.ajouter(feuille, [c for c, _l in COLONNES])
    tableur.styler_entete(feuille[1])
    for b in lignes:
        valeurs: list = [b.numero, b.intitule, b.porteur, b.dispositif, ", ".join(b.financeurs), b.libelle_nature,
                         b.exercice, b.fin_exercice, b.due_le, b.libelle_statut, b.recu_le, b.jours_retard,
                         b.valide_le, b.relances, b.derniere_relance]
        lu = comptes.get(b.compte_rendu_id) if b.compte_rendu_id is not None else None
        for sens in (CHARGE, PRODUIT):
            if lu is None:
                valeurs += [None] * 4
                continue
            t = lu.totaux(sens)
            valeurs += [t.prevu, t.realise if t.complet else None, t.ecart.montant if t.complet else None,
                        _fraction(t.ecart.pourcentage) if t.complet else None]
        tableur.ajouter(feuille, valeurs)
    formats = {8: tableur.FORMAT_DATE, 9: tableur.FORMAT_DATE, 11: tableur.FORMAT_DATE, 13: tableur.FORMAT_DATE,
               15: tableur.FORMAT_DATE, 16: tableur.FORMAT_EUROS, 17: tableur.FORMAT_EUROS, 18: tableur.FORMAT_EUROS,
               19: tableur.FORMAT_POURCENT, 20: tableur.FORMAT_EUROS, 21: tableur.FORMAT_EUROS,
               22: tableur.FORMAT_EUROS, 23: tableur.FORMAT_POURCENT}
    _mettre_en_forme(feuille, COLONNES, formats, get_column_letter)

    ecarts = classeur.create_sheet("Écarts")
    tableur.ajouter(ecarts, [c for c, _l in COLONNES_ECARTS])
    tableur.styler_entete(ecarts[1])
    for b in lignes:
        lu = comptes.get(b.compte_rendu_id) if b.compte_rendu_id is not None else None
        if lu is None:
            continue
        for l in lu.lignes:
            e = l.ecart
            libelle = l.libelle or (lu.financeurs.get(l.financeur, l.financeur) if l.financeur else "")
            tableur.ajouter(ecarts, [
                lu.numero, lu.exercice, "charge" if l.sens == CHARGE else "produit", l.compte, libelle, l.prevu,
                l.realise, e.montant if e else None, _fraction(e.pourcentage) if e else None,
                "oui" if bilans.explication_exigee(e, lu.regles) else "non", l.explication or None])
    _mettre_en_forme(ecarts, COLONNES_ECARTS, {6: tableur.FORMAT_EUROS, 7: tableur.FORMAT_EUROS,
                                               8: tableur.FORMAT_EUROS, 9: tableur.FORMAT_POURCENT},
                     get_column_letter)
    return tableur.enregistrer(classeur, fichier)


def _mettre_en_forme(feuille, colonnes, formats, lettre) -> None:
    for i, (_titre, largeur) in enumerate(colonnes, start=1):
        feuille.column_dimensions[lettre(i)].width = largeur
    for colonne, format_ in formats.items():
        for (cellule,) in feuille.iter_rows(min_row=2, min_col=colonne, max_col=colonne):
            cellule.number_format = format_
    feuille.freeze_panes = "B2"
    feuille.auto_filter.ref = feuille.dimensions
