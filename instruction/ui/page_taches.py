"""Mes tâches : l'écran d'accueil de chaque utilisateur connecté.

Les tâches sont groupées (avis à donner, échéances dépassées, dossiers à instruire, compléments
attendus) ; un double-clic ou Entrée ouvre le dossier, sur sa section Avis pour un avis.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction import dates

ROUGE = QColor("#b00020")


class PageTaches(QWidget):
    ouverture_demandee = Signal(int, str)  # id du dossier, section à montrer (« avis », « instruction »)
    rafraichissement_demande = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.titre = QLabel("<b>Mes tâches</b>")
        self.titre.setStyleSheet("font-size: 15px;")
        self.resume = QLabel()
        self.resume.setWordWrap(True)
        self.bouton_rafraichir = QPushButton("&Actualiser")
        self.bouton_rafraichir.setToolTip("Relire les tâches (F5) ; elles se relisent aussi seules quand un "
                                          "autre poste change quelque chose.")
        self.bouton_rafraichir.clicked.connect(self.rafraichissement_demande)
        QShortcut(QKeySequence("F5"), self, activated=self.rafraichissement_demande.emit)
        self.arbre = QTreeWidget()
        self.arbre.setColumnCount(5)
        self.arbre.setHeaderLabels(["Dossier", "Intitulé", "Porteur", "À faire", "Échéance"])
        self.arbre.setAccessibleName("Mes tâches")
        self.arbre.setRootIsDecorated(True)
        self.arbre.setAlternatingRowColors(True)
        self.arbre.setUniformRowHeights(True)
        self.arbre.itemActivated.connect(self._activer)
        for colonne, largeur in enumerate((150, 340, 220, 360, 90)):
            self.arbre.setColumnWidth(colonne, largeur)
        entete = self.arbre.header()
        entete.setStretchLastSection(False)
        entete.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # « À faire » prend la place libre
        barre = QHBoxLayout()
        barre.addWidget(self.titre)
        barre.addStretch(1)
        barre.addWidget(self.bouton_rafraichir)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(8, 8, 8, 8)
        disposition.addLayout(barre)
        disposition.addWidget(self.resume)
        disposition.addWidget(self.arbre, 1)
        self.taches: list = []

    def definir_utilisateur(self, libelle: str) -> None:
        self.titre.setText(f"<b>Mes tâches</b> — {libelle}")

    def afficher_message(self, texte: str) -> None:
        self.arbre.clear()
        self.resume.setText(texte)

    def afficher(self, taches: list) -> None:
        from instruction.services.taches import CATEGORIES

        self.taches = taches
        ouverts = {self.arbre.topLevelItem(i).text(0) for i in range(self.arbre.topLevelItemCount())
                   if not self.arbre.topLevelItem(i).isExpanded()}
        self.arbre.clear()
        gras = QFont()
        gras.setBold(True)
        retards = 0
        for categorie in CATEGORIES:
            siennes = [t for t in taches if t.categorie == categorie]
            if not siennes:
                continue
            groupe = QTreeWidgetItem([f"{categorie} ({len(siennes)})"])
            groupe.setFirstColumnSpanned(True)
            groupe.setFont(0, gras)
            groupe.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.arbre.addTopLevelItem(groupe)
            groupe.setFirstColumnSpanned(True)
            for tache in siennes:
                item = QTreeWidgetItem([tache.numero, tache.intitule, tache.porteur, tache.quoi,
                                        dates.formater(tache.echeance)])
                item.setData(0, Qt.ItemDataRole.UserRole, (tache.dossier_id,
                                                           "avis" if tache.demande_avis_id else "instruction"))
                item.setToolTip(1, tache.intitule)
                item.setToolTip(3, tache.quoi)
                if tache.en_retard:
                    retards += 1
                    item.setForeground(4, QBrush(ROUGE))
                    item.setToolTip(4, "Échéance dépassée")
                groupe.addChild(item)
            groupe.setExpanded(groupe.text(0) not in ouverts)
        if not taches:
            self.resume.setText("Rien à faire pour l'instant : aucune tâche ne vous attend.")
        else:
            texte = f"{len(taches)} tâche(s)"
            if retards:
                texte += f", dont <span style='color:#b00020'><b>{retards} en retard</b></span>"
            self.resume.setText(texte + ". Double-cliquez (ou Entrée) pour ouvrir le dossier.")
        premier = self.arbre.topLevelItem(0)
        if premier is not None and premier.childCount():
            self.arbre.setCurrentItem(premier.child(0))

    def _activer(self, item: QTreeWidgetItem, _colonne: int) -> None:
        donnee = item.data(0, Qt.ItemDataRole.UserRole)
        if donnee:
            dossier_id, section = donnee
            self.ouverture_demandee.emit(int(dossier_id), section)
