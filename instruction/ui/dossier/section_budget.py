"""Section « Budget » : budget prévisionnel de l'action (charges et produits, compte 74 par financeur).

Les totaux, l'écart et la part de chaque financeur se recalculent à chaque frappe. Un
budget déséquilibré s'enregistre, mais empêche de déclarer le dossier complet.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, budget, nombres
from instruction.domaine import dossier as d
from instruction.domaine.erreurs import DonneesInvalides
from instruction.ui.dossier.section import Environnement, Section
from instruction.ui.tableau_lignes import Colonne, TableauLignes


def _comptes(sens: str) -> dict[str, str]:
    return {c.numero: f"{c.numero} — {c.libelle}" for c in budget.COMPTES if c.sens == sens}


class SectionBudget(Section):
    def __init__(self, env: Environnement) -> None:
        super().__init__(env)
        financeurs = {"": "—", **{f.code: f.libelle for f in env.referentiel.financeurs}}
        courts = {"": "—", **{f.code: f.sigle or f.libelle for f in env.referentiel.financeurs}}
        self.charges = TableauLignes(
            [
                Colonne("compte", "Compte", 210, choix=_comptes(budget.CHARGE), defaut="60",
                        libelles_courts={c.numero: f"{c.numero} — {c.libelle.split(' (')[0]}" for c in budget.COMPTES}),
                Colonne("libelle", "Libellé", 180, etirer=True),
                Colonne("montant", "Montant (€)", 110, droite=True, aide="Montant en euros, par exemple 1 234,56"),
            ],
            "budget", "Charges du budget prévisionnel", ajout="Ajouter une charge", hauteur=200,
            fixes={"sens": budget.CHARGE, "financeur": ""},
        )
        self.produits = TableauLignes(
            [
                Colonne("compte", "Compte", 170, choix=_comptes(budget.PRODUIT), defaut="74",
                        libelles_courts={c.numero: f"{c.numero} — {c.libelle.split(' (')[0]}" for c in budget.COMPTES}),
                Colonne("financeur", "Financeur (compte 74)", 165, choix=financeurs, libelles_courts=courts),
                Colonne("libelle", "Libellé", 140, etirer=True),
                Colonne("montant", "Montant (€)", 110, droite=True, aide="Montant en euros, par exemple 1 234,56"),
            ],
            "budget", "Produits du budget prévisionnel", ajout="Ajouter un produit", hauteur=200,
            fixes={"sens": budget.PRODUIT},
        )
        for tableau in (self.charges, self.produits):
            self.formulaire.enregistrer_afficheur(tableau.afficher_erreurs)
            tableau.modele.lignes_modifiees.connect(self.recalculer)
            tableau.modele.lignes_modifiees.connect(self.modifie)

        groupe_charges = QGroupBox("Charges (comptes 60 à 68, 86 contributions en nature)")
        QVBoxLayout(groupe_charges).addWidget(self.charges)
        groupe_produits = QGroupBox("Produits (comptes 70 à 75, 87) — une ligne 74 par financeur sollicité")
        QVBoxLayout(groupe_produits).addWidget(self.produits)
        separation = QSplitter()
        separation.addWidget(groupe_charges)
        separation.addWidget(groupe_produits)
        separation.setSizes([600, 680])

        self.total_charges = QLabel()
        self.total_produits = QLabel()
        self.ecart = QLabel()
        self.ecart.setWordWrap(True)
        self.ecart.setAccessibleName("Écart entre charges et produits")
        totaux = QWidget()
        colonne = QVBoxLayout(totaux)
        for etiquette in (self.total_charges, self.total_produits, self.ecart):
            etiquette.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            colonne.addWidget(etiquette)
        colonne.addStretch(1)
        self.parts = QTableWidget(0, 3)
        self.parts.setHorizontalHeaderLabels(["Financeur", "Montant demandé", "Part du coût total"])
        self.parts.setAccessibleName("Part de chaque financeur")
        self.parts.verticalHeader().hide()
        self.parts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.parts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.parts.horizontalHeader().resizeSection(1, 140)
        self.parts.horizontalHeader().resizeSection(2, 130)
        self.parts.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.parts.setMinimumHeight(150)
        self.parts.setMaximumHeight(200)
        self._libelles_financeurs = {f.code: f.libelle for f in env.referentiel.financeurs}
        synthese = QGroupBox("Synthèse")
        ligne = QHBoxLayout(synthese)
        ligne.addWidget(totaux, 2)
        ligne.addWidget(self.parts, 3)

        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(separation, 3)
        disposition.addWidget(synthese, 2)
        self.recalculer()

    # --- Calcul en direct -------------------------------------------------------------------------

    def lignes_lisibles(self) -> tuple[list[budget.Ligne], int]:
        """Les lignes dont le montant se lit ; et combien ne se lisent pas (ignorées dans les totaux)."""
        lignes, illisibles = [], 0
        for tableau in (self.charges, self.produits):
            for ligne in tableau.modele.lignes():
                texte = (ligne.get("montant") or "").strip()
                if not texte:
                    continue
                try:
                    montant = argent.lire(texte)
                except DonneesInvalides:
                    illisibles += 1
                    continue
                lignes.append(budget.Ligne(ligne["sens"], ligne.get("compte") or "", montant, ligne.get("financeur") or None))
        return lignes, illisibles

    def recalculer(self) -> None:
        lignes, illisibles = self.lignes_lisibles()
        s = budget.synthese(lignes)
        self.total_charges.setText(f"Total des charges : <b>{argent.formater(s.total_charges)}</b>")
        self.total_produits.setText(f"Total des produits : <b>{argent.formater(s.total_produits)}</b>")
        note = f" ({illisibles} montant(s) illisible(s) non comptés)" if illisibles else ""
        if s.ecart == 0 and s.total_charges:
            self.ecart.setText(f"<span style='color:#1b6e20'>Budget équilibré.</span>{note}")
        elif s.ecart == 0:
            self.ecart.setText(f"Budget vide.{note}")
        else:
            sens = "Les charges dépassent les produits" if s.ecart > 0 else "Les produits dépassent les charges"
            self.ecart.setText(
                f"<span style='color:#b00020'><b>Budget non équilibré</b> : {sens} de "
                f"<b>{argent.formater(abs(s.ecart))}</b>.</span> Le dossier peut être enregistré, mais pas déclaré "
                f"complet.{note}"
            )
        self.parts.setRowCount(len(s.parts) + (1 if s.parts else 0))
        for rang, part in enumerate(s.parts):
            self._ligne_part(rang, self._libelles_financeurs.get(part.financeur, part.financeur), part.montant, part.part)
        if s.parts:
            self._ligne_part(len(s.parts), "Total du compte 74", s.subventions,
                             budget.part_de(s.subventions, s.total_charges), gras=True)

    def _ligne_part(self, rang: int, nom: str, montant: Decimal, part: Decimal | None, gras: bool = False) -> None:
        cellules = [QTableWidgetItem(nom), QTableWidgetItem(argent.formater(montant)),
                    QTableWidgetItem(nombres.pourcentage(part) if part is not None else "—")]
        for colonne, cellule in enumerate(cellules):
            if colonne:
                cellule.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if gras:
                police = cellule.font()
                police.setBold(True)
                cellule.setFont(police)
            self.parts.setItem(rang, colonne, cellule)

    # --- Saisie ------------------------------------------------------------------------------------

    def remplir(self, saisie: d.SaisieDossier) -> None:
        self.charges.modele.remplacer([l for l in saisie.budget if l.get("sens") == budget.CHARGE])
        self.produits.modele.remplacer([l for l in saisie.budget if l.get("sens") == budget.PRODUIT])
        self.recalculer()

    def completer(self, saisie: d.SaisieDossier) -> None:
        suite = self.charges.modele.numeroter(0)
        self.produits.modele.numeroter(suite)
        saisie.budget = self.charges.modele.lignes() + self.produits.modele.lignes()
