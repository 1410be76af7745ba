"""L'en-tête d'un dossier, côté « qui s'en occupe » : l'instructeur en charge (attribuer, changer, retirer)
et la suppression d'un dossier saisi par erreur (tant qu'il n'est que déposé).

Le menu « Attribuer » propose les comptes qui instruisent (instructeurs et administrateurs actifs) ;
le service refuse tout autre choix et note chaque changement à l'historique du dossier. La suppression
demande un motif, gardé à l'historique ; après « déposé », le bouton n'apparaît plus (classer sans suite).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.ui.champs import etiquette_erreur
from instruction.domaine.etats import Etat
from instruction.services.actions import dossier as actions
from instruction.ui.operation import Operation


class EnTeteAttribution(QWidget):
    supprime = Signal(str)  # numéro du dossier supprimé : l'onglet se ferme
    message = Signal(str)

    def __init__(self, contexte, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.dossier_id: int | None = None
        self.numero = ""
        self.intitule = ""
        self.attribution = None
        self.etiquette = QLabel()
        self.etiquette.setAccessibleName("Instructeur en charge")
        self.bouton = QPushButton("A&ttribuer…")
        self.bouton.setToolTip("Choisir l'instructeur en charge de ce dossier (ou personne)")
        self.menu = QMenu(self)
        self.bouton.setMenu(self.menu)
        self.supprimer = QPushButton("Supprimer le dossier…")
        self.supprimer.setToolTip("Un dossier saisi par erreur (doublon…) se supprime tant qu'il n'est que déposé ; "
                                  "le motif reste à l'historique")
        self.supprimer.clicked.connect(self.demander_suppression)
        ligne = QHBoxLayout(self)
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.addWidget(self.etiquette)
        ligne.addWidget(self.bouton)
        ligne.addWidget(self.supprimer)
        self.hide()

    # --- Lecture ------------------------------------------------------------------------------------

    def charger(self, dossier_id: int | None, numero: str = "", intitule: str = "", etat: str | None = None) -> None:
        self.dossier_id, self.numero, self.intitule = dossier_id, numero, intitule
        utilisateur = self.contexte.utilisateur
        self.setVisible(dossier_id is not None)
        self.supprimer.setVisible(dossier_id is not None and etat == Etat.DEPOSE
                                  and utilisateur.peut("dossier.supprimer"))
        self.bouton.setVisible(utilisateur.peut("dossier.attribuer"))
        if dossier_id is None:
            return
        self.relire()

    def relire(self) -> None:
        if self.dossier_id is None:
            return
        Operation(actions.lire_attribution, self.contexte, self.dossier_id, parent=self) \
            .apres(self.afficher).echec(lambda _e, _t: None).lancer()

    def afficher(self, attribution) -> None:
        self.attribution = attribution
        en_charge = attribution.instructeur
        moi = self.contexte.utilisateur.id
        if en_charge is None:
            self.etiquette.setText("Instructeur : <i>personne</i>")
        else:
            nom = html.escape(en_charge.nom) + (" (vous)" if en_charge.id == moi else "")
            self.etiquette.setText(f"Instructeur : <b>{nom}</b>")
        self.menu.clear()
        groupe = QActionGroup(self.menu)
        choix = sorted(attribution.instructeurs, key=lambda i: (i.id != moi, i.nom))  # soi-même d'abord
        for instructeur in choix:
            texte = instructeur.nom + (" (moi)" if instructeur.id == moi else "")
            self._choix(groupe, texte, instructeur.id, en_charge is not None and en_charge.id == instructeur.id)
        self.menu.addSeparator()
        self._choix(groupe, "Personne (à attribuer)", None, en_charge is None)

    def _choix(self, groupe: QActionGroup, texte: str, instructeur_id: int | None, coche: bool) -> QAction:
        action = self.menu.addAction(texte)
        action.setCheckable(True)
        action.setChecked(coche)
        groupe.addAction(action)
        action.triggered.connect(lambda _c=False, i=instructeur_id: self.attribuer(i))
        return action

    # --- Écriture -----------------------------------------------------------------------------------

    def attribuer(self, instructeur_id: int | None) -> None:
        if self.dossier_id is None:
            return
        Operation(actions.attribuer, self.contexte, self.dossier_id, instructeur_id, parent=self) \
            .apres(self.afficher).refus(self.message.emit).lancer()

    def demander_suppression(self) -> None:
        self.dialogue = DialogueSuppression(self.numero, self.intitule, self)
        self.dialogue.suppression_demandee.connect(self._supprimer)
        self.dialogue.open()

    def _supprimer(self, motif: str) -> None:
        dialogue = self.dialogue

        def fini(numero: str) -> None:
            dialogue.accept()
            self.supprime.emit(numero)

        Operation(actions.supprimer, self.contexte, self.dossier_id, motif, parent=self) \
            .apres(fini).refus(dialogue.refuse).lancer()


class DialogueSuppression(QDialog):
    """Supprimer un dossier saisi par erreur : ce qui part, ce qui reste, et pourquoi (motif exigé)."""

    suppression_demandee = Signal(str)

    def __init__(self, numero: str, intitule: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Supprimer le dossier")
        self.setMinimumWidth(560)
        texte = QLabel(
            f"<p>Supprimer définitivement le dossier <b>{html.escape(numero)}</b> — {html.escape(intitule)} ?</p>"
            "<p>Il n'est que déposé : son budget, ses pièces jointes et tout ce qui a été saisi seront effacés. "
            "Son numéro ne sera pas redonné. L'historique garde la trace du dossier, de sa suppression, de "
            "son auteur et de son motif.</p>"
            "<p>Si le dossier n'est pas une erreur de saisie (le porteur renonce…), fermez cette boîte et "
            "classez-le sans suite.</p>")
        texte.setWordWrap(True)
        self.motif = QLineEdit()
        self.motif.setPlaceholderText("Par exemple : doublon du dossier CDV-2027-012")
        self.motif.setAccessibleName("Motif de la suppression")
        etiquette = QLabel("&Motif (obligatoire) :")
        etiquette.setBuddy(self.motif)
        self.erreur = etiquette_erreur()
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("Supprimer le dossier")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.accepted.connect(self._valider)
        self.boutons.rejected.connect(self.reject)
        disposition = QVBoxLayout(self)
        for widget in (texte, etiquette, self.motif, self.erreur, self.boutons):
            disposition.addWidget(widget)

    def showEvent(self, evenement) -> None:
        super().showEvent(evenement)
        self.motif.setFocus()

    def _valider(self) -> None:
        if not self.motif.text().strip():
            self.erreur.setText("Dites pourquoi ce dossier est supprimé : le motif reste à l'historique.")
            self.motif.setFocus()
            return
        self.erreur.clear()
        self.boutons.setEnabled(False)
        self.suppression_demandee.emit(self.motif.text().strip())

    def refuse(self, message: str) -> None:
        self.boutons.setEnabled(True)
        self.erreur.setText(message)
