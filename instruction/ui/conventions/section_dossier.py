"""La section « Convention et versements » de l'onglet d'un dossier : ses actes (un par cofinanceur dont le
service prépare les actes), ce qui reste à préparer avec l'acte que la règle désigne, et de quoi ouvrir
chaque acte dans son éditeur. « Préparer » crée l'acte en projet ; « Préparer une CPO… » le fait sur
plusieurs exercices (structurante ou expérimentale, l. 3961). En tête : les lettres de notification générées
pour le dossier, « notifié le … » par cofinanceur (lu dans l'historique du dossier)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from instruction.domaine import argent, dates
from instruction.domaine.conventions import LIBELLES_ETATS, TypeActe
from instruction.services.actions import COMITE, CONVENTIONS, VERSEMENTS
from instruction.services.actions import conventions as actions
from instruction.services.actions import lettres as actions_lettres
from instruction.ui.champs import etiquette_erreur
from instruction.ui.conventions.page_conventions import aligner_montants, ouvrir_convention
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture


class SectionConventions(QWidget):
    def __init__(self, contexte, dossier_id: int) -> None:
        super().__init__()
        self.contexte, self.dossier_id = contexte, dossier_id
        self.lignes: list = []
        self.a_faire: list = []
        self.annee_campagne = 0
        self.table = table_lecture(["Numéro", "Acte", "Cofinanceur", "État", "Effet", "Montant", "Versé net",
                                    "Avenants"], "Actes du dossier", etirees=(2,))
        self.table.doubleClicked.connect(lambda _i: self._ouvrir())
        self.table.activated.connect(lambda _i: self._ouvrir())
        self.ouvrir = QPushButton("Ouvrir l'a&cte")
        self.ouvrir.clicked.connect(self._ouvrir)
        self.preparer_table = table_lecture(["Cofinanceur", "Montant accordé", "Acte selon les règles", "Pourquoi"],
                                            "Actes à préparer", etirees=(3,))
        self.preparer = QPushButton("&Préparer l'acte")
        self.preparer.clicked.connect(lambda: self._preparer(cpo=False))
        self.preparer_cpo = QPushButton("Préparer une CPO (p&luriannuelle)…")
        self.preparer_cpo.clicked.connect(lambda: self._preparer(cpo=True))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.notifications = QLabel()
        self.notifications.setWordWrap(True)
        self.notifications.setAccessibleName("Lettres de notification")
        self.notifiees: list = []
        self.erreur = etiquette_erreur()
        boutons = QHBoxLayout()
        for bouton in (self.ouvrir, self.preparer, self.preparer_cpo):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.notifications)
        disposition.addWidget(QLabel("<b>Actes du dossier</b>"))
        disposition.addWidget(self.table, 2)
        disposition.addWidget(QLabel("<b>À préparer</b> (cofinanceurs dont le service prépare les actes)"))
        disposition.addWidget(self.preparer_table, 1)
        disposition.addWidget(self.message)
        disposition.addWidget(self.erreur)
        disposition.addLayout(boutons)
        utilisateur = getattr(contexte, "utilisateur", None)
        self._peut = utilisateur is None or utilisateur.peut("convention.modifier")
        self.relire()

    def relire(self) -> None:
        Operation(actions.du_dossier, self.contexte, self.dossier_id, parent=self).apres(self.afficher).lancer()
        Operation(actions_lettres.notifiees, self.contexte, self.dossier_id, parent=self) \
            .apres(self.afficher_notifications).lancer()

    def afficher_notifications(self, notifiees) -> None:
        """« Notifié le … » : la dernière lettre de notification générée par cofinanceur (Comité › Lettres)."""
        self.notifiees = list(notifiees)
        if not self.notifiees:
            self.notifications.setText("<b>Lettres de notification</b> : aucune générée pour ce dossier.")
            return
        self.notifications.setText("<b>Lettres de notification</b> : "
                                   + " ; ".join(escape(n.texte) for n in self.notifiees) + ".")

    def afficher(self, donnees) -> None:
        self.lignes, self.a_faire, etat, self.annee_campagne = donnees
        remplir_table(self.table, [[x.numero, TypeActe(x.type_acte).libelle.split(" (")[0], x.financeur,
                                    LIBELLES_ETATS.get(x.etat, x.etat), dates.formater(x.date_effet),
                                    argent.formater(x.montant), argent.formater(x.verse), str(x.avenants or "")]
                                   for x in self.lignes])
        aligner_montants(self.table, (5, 6))
        remplir_table(self.preparer_table, [[a.financeur, argent.formater(a.montant), a.choix.acte.libelle,
                                             f"{a.choix.raison} ({a.choix.source})"] for a in self.a_faire])
        aligner_montants(self.preparer_table, (1,))
        if not self.lignes and not self.a_faire:
            self.message.setText("Aucun acte : le dossier n'est pas retenu, ou ses cofinanceurs établissent leurs "
                                 "propres actes." if etat not in ("retenu",) else
                                 "Aucun cofinanceur dont le service prépare les actes n'a accordé de montant.")
        else:
            self.message.clear()
        for bouton in (self.preparer, self.preparer_cpo):
            bouton.setEnabled(self._peut and bool(self.a_faire))
        self.ouvrir.setEnabled(bool(self.lignes))
        if self.lignes and self.table.currentRow() < 0:
            self.table.selectRow(0)
        if self.a_faire and self.preparer_table.currentRow() < 0:
            self.preparer_table.selectRow(0)

    def _ouvrir(self) -> None:
        rang = self.table.currentRow()
        if 0 <= rang < len(self.lignes):
            ouvrir_convention(self, self.lignes[rang].id, self.lignes[rang].numero)

    def _preparer(self, *, cpo: bool) -> None:
        rang = max(0, self.preparer_table.currentRow())
        if rang >= len(self.a_faire):
            return
        acte = self.a_faire[rang]
        montants = None
        if cpo:
            annees, ok = QInputDialog.getInt(self, "Préparer une CPO", "Nombre d'exercices (2 à 4) :", 3, 2, 4)
            if not ok:
                return
            premier = self.annee_campagne
            montants = {premier + i: acte.montant for i in range(annees)}
        self.erreur.clear()
        Operation(actions.creer, self.contexte, self.dossier_id, acte.financeur_code, montants_annuels=montants,
                  parent=self).apres(lambda fiche: (self.relire(), ouvrir_convention(self, fiche.id, fiche.numero))
                                     ).refus(self.erreur.setText).lancer()

    def sur_changement(self, changements, _origine) -> None:
        if changements.touche(CONVENTIONS, VERSEMENTS, COMITE) or changements.touche_dossier(self.dossier_id):
            self.relire()
