"""Les actions en suivi renforcé d'une année (l. 3968) et leurs indicateurs d'impact : départ, cible, mesuré, part
du chemin parcouru ; ajouter, modifier, retirer une action. Un onglet de travail (menu Suivi)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QSplitter, QVBoxLayout

from instruction.domaine import nombres, suivi as domaine
from instruction.domaine.etats import libelle as libelle_etat
from instruction.services.actions import SUIVI
from instruction.services.actions import suivi as actions
from instruction.ui.operation import Operation
from instruction.ui.suivi.page_annuelle import PageAnnuelle
from instruction.ui.suivi.page_calendrier import ouvrir_dossier
from instruction.ui.tableaux import remplir_table, table_lecture


class PageSuiviRenforce(PageAnnuelle):
    titre_onglet = "Suivi renforcé"

    def __init__(self, contexte) -> None:
        self.actions: list = []
        self.suivables: list = []
        super().__init__(contexte, actions.suivi_renforce, "Année du suivi renforcé")
        etiquette = self.etiquette_annee
        self.ajouter = QPushButton("&Placer une action en suivi renforcé…")
        self.modifier = QPushButton("&Modifier…")
        self.retirer = QPushButton("&Retirer")
        self.ouvrir = QPushButton("&Ouvrir le dossier")
        self.ajouter.clicked.connect(lambda: self._saisir(None))
        self.modifier.clicked.connect(lambda: self._saisir(self._choisie()))
        self.retirer.clicked.connect(self._retirer)
        self.ouvrir.clicked.connect(lambda: ouvrir_dossier(self, getattr(self._choisie(), "dossier_id", None)))
        haut = QHBoxLayout()
        haut.addWidget(etiquette)
        haut.addWidget(self.annee)
        haut.addStretch(1)
        for bouton in (self.ajouter, self.modifier, self.retirer, self.ouvrir):
            haut.addWidget(bouton)
        self.table = table_lecture(["Numéro", "Action", "Porteur", "Dispositif", "État", "Motif", "Copils",
                                    "Visites"], "Actions en suivi renforcé", etirees=(1, 5))
        self.table.itemSelectionChanged.connect(self._detail)
        self.table.doubleClicked.connect(lambda _i: self._saisir(self._choisie()))
        self.indicateurs = table_lecture(["Indicateur d'impact", "Code", "Départ", "Cible", "Mesurée",
                                          "Chemin parcouru"], "Indicateurs d'impact de l'action choisie", etirees=(0,))
        corps = QSplitter(Qt.Orientation.Vertical)
        corps.addWidget(self.table)
        corps.addWidget(self.indicateurs)
        corps.setSizes([380, 220])
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(haut)
        disposition.addWidget(self.resume)
        disposition.addWidget(corps, 1)
        utilisateur = getattr(contexte, "utilisateur", None)
        peut = utilisateur is None or utilisateur.peut("suivi.modifier")
        for bouton in (self.ajouter, self.modifier, self.retirer):
            bouton.setEnabled(peut)

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(SUIVI, "dossiers"):
            self.relire()

    def afficher(self, resultat) -> None:
        self.actions, self.suivables = resultat
        annee = self.annee.currentData()
        self.resume.setText(
            f"<b>{len(self.actions)}</b> action(s) en suivi renforcé en {annee}, parmi {len(self.suivables)} "
            "action(s) décidée(s) de la programmation de l'année. « Chaque année, plusieurs actions structurantes "
            "ou expérimentales feront l'objet d'un suivi renforcé afin de mesurer l'impact de l'action » (l. 3968).")
        remplir_table(self.table, [[a.numero, a.intitule, a.porteur, a.dispositif, libelle_etat(a.etat), a.motif,
                                    str(a.copils), str(a.visites)] for a in self.actions],
                      couleurs={(r, 6): "#b00020" for r, a in enumerate(self.actions) if not a.copils})
        if self.actions:
            self.table.selectRow(0)
        self._detail()

    def _choisie(self):
        rang = self.table.currentRow()
        return self.actions[rang] if 0 <= rang < len(self.actions) else None

    def _detail(self) -> None:
        action = self._choisie()
        lignes = []
        for i in (action.indicateurs if action else ()):
            atteinte = i.atteinte
            lignes.append([i.libelle, i.indicateur_code or "", domaine.formater_decimal(i.valeur_initiale, i.unite),
                           domaine.formater_decimal(i.cible, i.unite),
                           domaine.formater_decimal(i.valeur_mesuree, i.unite),
                           nombres.pourcentage(atteinte) if atteinte is not None else "—"])
        remplir_table(self.indicateurs, lignes)
        for rang in range(self.indicateurs.rowCount()):
            for colonne in range(2, 6):
                self.indicateurs.item(rang, colonne).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _saisir(self, action) -> None:
        from instruction.ui.suivi.dialogue_suivi_renforce import DialogueSuiviRenforce

        annee = self.annee.currentData()
        if annee is None or (action is None and self.sender() is not self.ajouter):
            return
        deja = {a.dossier_id for a in self.actions}
        choix = self.suivables if action is not None else [s for s in self.suivables if s[0] not in deja]
        boite = DialogueSuiviRenforce(self.contexte, annee, choix, action, self)
        if boite.exec():
            self.afficher((boite.resultat, self.suivables))

    def _retirer(self) -> None:
        action = self._choisie()
        if action is None:
            return
        if QMessageBox.question(self, "Retirer du suivi renforcé",
                                f"Retirer {action.numero} du suivi renforcé {action.annee} ?") \
                == QMessageBox.StandardButton.Yes:
            Operation(actions.retirer_du_suivi_renforce, self.contexte, action.annee, action.dossier_id,
                      parent=self).apres(lambda liste: self.afficher((liste, self.suivables))) \
                .refus(self.resume.setText).lancer()
