"""Mes tâches : l'écran d'accueil de chaque utilisateur connecté.

Les tâches sont groupées (avis à donner, échéances dépassées, dossiers à instruire, compléments
attendus) ; un double-clic ou Entrée ouvre le dossier, sur sa section Avis pour un avis. Dans chaque
groupe, les dossiers dont on est l'instructeur en charge viennent d'abord, puis ceux qui n'ont encore
personne (« à attribuer ») ; les dossiers des collègues sont dans un dernier groupe, replié.
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

from instruction.domaine import dates

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
        self.arbre.setColumnCount(6)
        self.arbre.setHeaderLabels(["Dossier", "Intitulé", "Porteur", "À faire", "En charge", "Échéance"])
        self.arbre.setAccessibleName("Mes tâches")
        self.arbre.setRootIsDecorated(True)
        self.arbre.setAlternatingRowColors(True)
        self.arbre.setUniformRowHeights(True)
        self.arbre.itemActivated.connect(self._activer)
        for colonne, largeur in enumerate((150, 300, 200, 320, 130, 90)):
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
        self._collegues_ouverts = False  # le groupe des dossiers des collègues reste replié, sauf si on l'ouvre

    def definir_utilisateur(self, libelle: str) -> None:
        self.titre.setText(f"<b>Mes tâches</b> — {libelle}")

    def afficher_message(self, texte: str) -> None:
        self.arbre.clear()
        self.resume.setText(texte)

    def afficher(self, taches: list) -> None:
        from instruction.services.taches import A_MOI, CATEGORIES, COLLEGUES

        self.taches = taches
        ouverts = {self.arbre.topLevelItem(i).text(0) for i in range(self.arbre.topLevelItemCount())
                   if not self.arbre.topLevelItem(i).isExpanded()}
        for i in range(self.arbre.topLevelItemCount()):
            if self.arbre.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1) == COLLEGUES:
                self._collegues_ouverts = self.arbre.topLevelItem(i).isExpanded()
        self.arbre.clear()
        gras = QFont()
        gras.setBold(True)
        retards = 0
        for categorie in CATEGORIES:
            siennes = [t for t in taches if t.categorie == categorie]
            if not siennes:
                continue
            groupe = QTreeWidgetItem([f"{categorie} ({len(siennes)})"])
            groupe.setData(0, Qt.ItemDataRole.UserRole + 1, categorie)
            groupe.setFirstColumnSpanned(True)
            groupe.setFont(0, gras)
            groupe.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.arbre.addTopLevelItem(groupe)
            groupe.setFirstColumnSpanned(True)
            for tache in siennes:
                en_charge = "vous" if tache.rang == A_MOI else tache.en_charge or "à attribuer"
                item = QTreeWidgetItem([tache.numero, tache.intitule, tache.porteur, tache.quoi, en_charge,
                                        dates.formater(tache.echeance)])
                item.setToolTip(4, f"Instructeur en charge : {tache.en_charge}" if tache.en_charge
                                else "Aucun instructeur en charge : à attribuer (en-tête du dossier)")
                if tache.rang == A_MOI:
                    item.setFont(4, gras)
                item.setData(0, Qt.ItemDataRole.UserRole, (tache.dossier_id,
                                                           "avis" if tache.demande_avis_id else "instruction"))
                item.setToolTip(1, tache.intitule)
                item.setToolTip(3, tache.quoi)
                if tache.en_retard:
                    retards += 1
                    item.setForeground(5, QBrush(ROUGE))
                    item.setToolTip(5, "Échéance dépassée")
                groupe.addChild(item)
            groupe.setExpanded(self._collegues_ouverts if categorie == COLLEGUES else groupe.text(0) not in ouverts)
        miennes = [t for t in taches if t.categorie != COLLEGUES]
        if not miennes:
            self.resume.setText("Rien à faire pour l'instant : aucune tâche ne vous attend.")
        else:
            texte = f"{len(miennes)} tâche(s)"
            a_moi = sum(1 for t in miennes if t.rang == A_MOI)
            if a_moi:
                texte += f" dont {a_moi} sur vos dossiers"
            if retards:
                texte += f", <span style='color:#b00020'><b>{retards} en retard</b></span>"
            self.resume.setText(texte + ". Double-cliquez (ou Entrée) pour ouvrir le dossier.")
        premier = self.arbre.topLevelItem(0)
        if premier is not None and premier.childCount():
            self.arbre.setCurrentItem(premier.child(0))

    def _activer(self, item: QTreeWidgetItem, _colonne: int) -> None:
        donnee = item.data(0, Qt.ItemDataRole.UserRole)
        if donnee:
            dossier_id, section = donnee
            self.ouverture_demandee.emit(int(dossier_id), section)
