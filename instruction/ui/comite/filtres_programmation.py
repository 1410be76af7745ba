"""La barre des filtres de la page « Programmation » : recherche (n°, intitulé, porteur), état, quartier, axe,
dossiers prêts pour le comité, et les colonnes montrées pour chaque cofinanceur (« Scénario » reste toujours)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from instruction.domaine import etats
from instruction.ui.comite.modele_programmation import SOUS_COLONNES, TITRES_SOUS


class FiltresProgrammation(QWidget):
    """``criteres_changes(dict)`` à chaque filtre touché (les critères de ``ModeleProgrammation.definir_criteres``),
    ``colonnes_choisies(tuple)`` quand une case de colonne change."""

    criteres_changes = Signal(dict)
    colonnes_choisies = Signal(tuple)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        filtres = QHBoxLayout(self)
        filtres.setContentsMargins(0, 0, 0, 0)
        self.recherche = QLineEdit()
        self.recherche.setPlaceholderText("Rechercher (n°, intitulé, porteur)")
        self.recherche.setClearButtonEnabled(True)
        self.recherche.setAccessibleName("Rechercher dans la programmation")
        self.recherche.textChanged.connect(self._filtrer)
        filtres.addWidget(self.recherche, 2)
        self.filtre_etat, self.filtre_quartier, self.filtre_axe = QComboBox(), QComboBox(), QComboBox()
        for liste, titre in ((self.filtre_etat, "État"), (self.filtre_quartier, "Quartier"), (self.filtre_axe, "Axe")):
            liste.addItem(f"{titre} : tous", "")
            liste.setAccessibleName(f"Filtrer par {titre.lower()}")
            liste.currentIndexChanged.connect(self._filtrer)
            filtres.addWidget(liste, 1)
        self.prets = QCheckBox("Prêts pour le comité")
        self.prets.setToolTip("Seulement les dossiers instruits dont la grille égalité est cotée")
        self.prets.toggled.connect(self._filtrer)
        filtres.addWidget(self.prets)
        filtres.addSpacing(12)
        filtres.addWidget(QLabel("Colonnes :"))
        self.montrer: dict[str, QCheckBox] = {}
        for genre in SOUS_COLONNES:
            case = QCheckBox(TITRES_SOUS[genre])
            case.setChecked(genre in ("demande", "propose", "decide", "simule"))
            case.toggled.connect(self._colonnes_choisies)
            self.montrer[genre] = case
            filtres.addWidget(case)

    def sous_colonnes(self) -> tuple[str, ...]:
        """Les colonnes cochées, dans l'ordre des sous-colonnes."""
        return tuple(g for g, case in self.montrer.items() if case.isChecked())

    def remplir(self, tableau) -> None:
        """Les états, quartiers et axes présents dans le tableau lu ; le choix courant reste s'il existe encore."""
        etats_presents = sorted({l.etat for l in tableau.lignes}, key=lambda e: list(etats.Etat).index(etats.Etat(e)))
        quartiers = sorted({(c, n) for l in tableau.lignes for c, n in zip(l.codes_quartiers, l.quartiers.split(", "), strict=False)
                            if len(l.codes_quartiers) == len(l.quartiers.split(", "))}, key=lambda q: q[1])
        axes = sorted({a for l in tableau.lignes for a in l.axes})
        for liste, options in ((self.filtre_etat, [(e, etats.libelle(e)) for e in etats_presents]),
                               (self.filtre_quartier, quartiers),
                               (self.filtre_axe, [(a, tableau.libelles_axes.get(a, a)) for a in axes])):
            courant = liste.currentData()
            liste.blockSignals(True)
            while liste.count() > 1:
                liste.removeItem(1)
            for code, libelle in options:
                liste.addItem(libelle, code)
            liste.setCurrentIndex(max(0, liste.findData(courant)))
            liste.blockSignals(False)

    def _colonnes_choisies(self) -> None:
        choisies = self.sous_colonnes()
        if "simule" not in choisies:
            choisies += ("simule",)  # la colonne saisie reste
            self.montrer["simule"].setChecked(True)
        self.colonnes_choisies.emit(choisies)

    def _filtrer(self, *_args) -> None:
        self.criteres_changes.emit({"recherche": self.recherche.text(), "etat": self.filtre_etat.currentData(),
                                    "quartier": self.filtre_quartier.currentData(),
                                    "axe": self.filtre_axe.currentData(), "prets": self.prets.isChecked()})
