"""Les boîtes de la page d'une séance du comité (``page_seance``) : inscrire des dossiers instruits à l'ordre du
jour (« Inscrire des dossiers… ») et modifier la séance (intitulé, date, lieu, membres et leur présence)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from instruction.ui.champs import etiquette_erreur
from instruction.ui.comite.ordre_du_jour import ROUGE, VERT, cellule, montant


class DialogueCandidats(QDialog):
    """Les dossiers instruits à inscrire (cases à cocher) ; ceux qui ne le peuvent pas encore disent pourquoi."""

    def __init__(self, candidats, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inscrire des dossiers à l'ordre du jour")
        self.resize(900, 520)
        self.candidats = list(candidats)
        self.table = QTableWidget(len(self.candidats), 4)
        self.table.setHorizontalHeaderLabels(["Dossier", "Porteur et action", "Demandé", "Prêt pour le comité"])
        self.table.setAccessibleName("Dossiers instruits")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for rang, c in enumerate(self.candidats):
            case = QTableWidgetItem(c.numero)
            if c.raisons:
                case.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                case.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                case.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(rang, 0, case)
            self.table.setItem(rang, 1, QTableWidgetItem(f"{c.porteur} — {c.intitule}"))
            self.table.setItem(rang, 2, cellule(montant(c.total_demande), droite=True))
            self.table.setItem(rang, 3, cellule("oui" if not c.raisons else " ; ".join(c.raisons),
                                                couleur=VERT if not c.raisons else ROUGE))
        self.table.resizeColumnToContents(0)
        vide = QLabel("Aucun dossier instruit n'attend le comité : terminez d'abord l'instruction des dossiers "
                      "(section Instruction, « Terminer l'instruction (proposition)… »).")
        vide.setWordWrap(True)
        vide.setVisible(not self.candidats)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Inscrire")
        boutons.accepted.connect(self.accept)
        boutons.rejected.connect(self.reject)
        disposition = QVBoxLayout(self)
        disposition.addWidget(QLabel("Seuls les dossiers instruits, grille égalité femmes-hommes cotée, vont à "
                                     "l'ordre du jour (et d'une seule séance en préparation à la fois)."))
        disposition.addWidget(vide)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(boutons)

    def choisis(self) -> list[int]:
        return [c.dossier_id for rang, c in enumerate(self.candidats)
                if self.table.item(rang, 0).checkState() == Qt.CheckState.Checked and not c.raisons]


class DialogueSeance(QDialog):
    """Intitulé, date, lieu et membres (qualité, personne, présent / excusé / absent) d'une séance ; ``valide``
    porte la saisie. Les membres se saisissent au clavier (``editeur_membres``)."""

    valide = Signal(tuple)

    def __init__(self, seance, parent=None) -> None:
        super().__init__(parent)
        from instruction.ui.comite.editeur_membres import EditeurMembres

        self.setWindowTitle("Modifier la séance")
        self.resize(920, 600)
        self.intitule = QLineEdit(seance.intitule)
        self.date = QDateEdit(QDate(seance.date.year, seance.date.month, seance.date.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.lieu = QLineEdit(seance.lieu)
        self.lieu.setPlaceholderText("Salle, adresse")
        formulaire = QFormLayout()
        formulaire.addRow("&Intitulé :", self.intitule)
        formulaire.addRow("Dat&e :", self.date)
        formulaire.addRow("Lie&u :", self.lieu)
        self.editeur = EditeurMembres(list(seance.membres), seance.instance, seance.source_membres, self)
        self.membres = self.editeur.table
        titre_membres = QLabel(f"&Membres — {seance.libelle_instance}"
                               + (f" ({seance.source_membres})" if seance.source_membres else "") + " :")
        titre_membres.setBuddy(self.membres)
        titre_membres.setWordWrap(True)
        self.erreur = etiquette_erreur()
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        boutons.button(QDialogButtonBox.StandardButton.Save).setText("En&registrer")
        boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        boutons.accepted.connect(self._valider)
        boutons.rejected.connect(self.reject)
        self.boutons = boutons
        disposition = QVBoxLayout(self)
        disposition.addLayout(formulaire)
        disposition.addWidget(titre_membres)
        disposition.addWidget(self.editeur, 1)
        disposition.addWidget(self.erreur)
        disposition.addWidget(boutons)

    def saisie(self) -> tuple:
        jour = self.date.date()
        return (self.intitule.text(), dt.date(jour.year(), jour.month(), jour.day()), self.lieu.text(),
                self.editeur.membres())

    def _valider(self) -> None:
        from PySide6.QtWidgets import QApplication

        editeur = QApplication.focusWidget()  # un nom en cours de frappe (Alt+R sans quitter la case) compte aussi
        if self.membres.state() == QAbstractItemView.State.EditingState and editeur is not None \
                and self.membres.isAncestorOf(editeur):
            self.membres.commitData(editeur)
        self.valide.emit(self.saisie())
