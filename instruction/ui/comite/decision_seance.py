"""La décision du comité sur le dossier choisi dans l'ordre du jour (``page_seance``) : à décider / retenu /
ajourné / refusé, un montant par cofinanceur (à côté du demandé et du proposé), le motif.

Le panneau ne fait que la saisie : « Enregistrer la décision » ou Ctrl+Entrée (dans le choix, un montant ou le
motif) émet ``demande`` ; la page lit ``saisie()`` et l'enregistre."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from instruction.domaine import argent
from instruction.domaine import comite as regles
from instruction.domaine.erreurs import DonneesInvalides
from instruction.ui.champs import etiquette_erreur
from instruction.ui.comite.ordre_du_jour import GRIS, SENS, montant


class PanneauDecision(QGroupBox):
    demande = Signal()  # enregistrer la décision saisie

    def __init__(self, parent=None) -> None:
        super().__init__("Décision du comité", parent)
        self.dossier_choisi = QLabel("Choisissez un dossier de l'ordre du jour.")
        self.dossier_choisi.setWordWrap(True)
        self.proposition = QLabel()
        self.proposition.setWordWrap(True)
        self.proposition.setStyleSheet(f"color: {GRIS};")
        self.choix = QButtonGroup(self)
        ligne_choix = QHBoxLayout()
        self.boutons_decision: dict[str, QRadioButton] = {}
        for code, libelle in (("", "À décider"), *regles.DECISIONS.items()):
            bouton = QRadioButton(libelle)
            bouton.installEventFilter(self)
            bouton.toggled.connect(lambda _c: self._montants_actifs())
            self.choix.addButton(bouton)
            self.boutons_decision[code] = bouton
            ligne_choix.addWidget(bouton)
        ligne_choix.addStretch(1)
        self.montants_grille = QGridLayout()
        self.montants_grille.setHorizontalSpacing(10)
        self.champs_montants: dict[str, QLineEdit] = {}
        self.motif = QPlainTextEdit()
        self.motif.setPlaceholderText("Motif (exigé pour un ajournement ou un refus ; justifie un montant au-delà "
                                      "de la demande)")
        self.motif.setTabChangesFocus(True)
        self.motif.setMaximumHeight(80)
        self.motif.installEventFilter(self)
        self.erreur_decision = etiquette_erreur()
        self.enregistrer = QPushButton("&Enregistrer la décision (Ctrl+Entrée)")
        self.enregistrer.clicked.connect(lambda: self.demande.emit())
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.dossier_choisi)
        disposition.addWidget(self.proposition)
        disposition.addLayout(ligne_choix)
        disposition.addLayout(self.montants_grille)
        disposition.addWidget(QLabel("Motif :"))
        disposition.addWidget(self.motif)
        disposition.addWidget(self.erreur_decision)
        disposition.addWidget(self.enregistrer)
        disposition.addStretch(1)

    def montrer(self, seance, ligne) -> None:
        """La décision saisie pour ``ligne`` (à défaut : à décider), ses montants par cofinanceur et son motif."""
        self.erreur_decision.clear()
        self.dossier_choisi.setText(f"<b>{ligne.numero}</b> — {ligne.porteur}<br/>{ligne.intitule}<br/>"
                                    f"Coût de l'action : {montant(ligne.cout_total)}")
        sens = SENS.get(ligne.sens_propose or "", "aucune")
        self.proposition.setText(f"Proposition de l'instruction : {sens}"
                                 + (f" — {ligne.commentaire_propose}" if ligne.commentaire_propose else ""))
        self.boutons_decision[ligne.decision or ""].setChecked(True)
        self._montants_actifs()
        while self.montants_grille.count():
            element = self.montants_grille.takeAt(0)
            if element.widget() is not None:
                element.widget().deleteLater()
        self.champs_montants = {}
        codes = [c for c in seance.financeurs if c in ligne.demandes or c in ligne.proposes or c in ligne.montants]
        for rang, titre in enumerate(("Cofinanceur", "Demandé", "Proposé", "Décidé")):
            entete = QLabel(f"<b>{titre}</b>")
            self.montants_grille.addWidget(entete, 0, rang)
        for rang, code in enumerate(codes, start=1):
            nom = QLabel(seance.financeurs.get(code, code))
            nom.setToolTip(seance.libelles_financeurs.get(code, code))
            champ = QLineEdit(montant(ligne.montants.get(code)) if ligne.montants.get(code) is not None else "")
            champ.setAlignment(Qt.AlignmentFlag.AlignRight)
            champ.setAccessibleName(f"Décidé : {seance.financeurs.get(code, code)}")
            champ.setPlaceholderText("0,00 €")
            champ.installEventFilter(self)
            self.montants_grille.addWidget(nom, rang, 0)
            for colonne, valeur in ((1, ligne.demandes.get(code)), (2, ligne.proposes.get(code))):
                etiquette = QLabel(montant(valeur))
                etiquette.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.montants_grille.addWidget(etiquette, rang, colonne)
            self.montants_grille.addWidget(champ, rang, 3)
            self.champs_montants[code] = champ
        self._montants_actifs()
        self.motif.setPlainText(ligne.motif or "")

    def saisie(self, financeurs: dict) -> tuple[str, dict[str, Decimal], str] | None:
        """(décision, montants par cofinanceur, motif) ; ``None`` si un montant est mal écrit (dit sous la
        décision, la saisie reste)."""
        code = next(c for c, b in self.boutons_decision.items() if b.isChecked())
        montants: dict[str, Decimal] = {}
        try:
            for financeur, champ in self.champs_montants.items():
                if champ.text().strip() and code in ("", regles.RETENU):  # un refus, un ajournement : 0 €
                    montants[financeur] = argent.lire(champ.text())
        except DonneesInvalides as erreur:
            self.erreur_decision.setText(f"{financeurs.get(financeur, financeur)} : {erreur}")
            return None
        return code, montants, self.motif.toPlainText()

    def prendre_le_focus(self) -> None:
        """Le clavier passe au choix de la décision (Entrée dans l'ordre du jour)."""
        bouton = self.choix.checkedButton() or self.boutons_decision[""]
        bouton.setFocus()

    def _montants_actifs(self) -> None:
        """Un refus ou un ajournement est à 0 € : les montants ne se saisissent que pour « à décider » ou « retenu »."""
        actifs = self.boutons_decision[""].isChecked() or self.boutons_decision[regles.RETENU].isChecked()
        for champ in self.champs_montants.values():
            champ.setEnabled(actifs)

    def eventFilter(self, objet, evenement) -> bool:  # noqa: N802 — nom imposé par Qt
        """Ctrl+Entrée dans la décision (choix, montants, motif) l'enregistre et passe au dossier suivant."""
        if (evenement.type() == QEvent.Type.KeyPress
                and evenement.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and evenement.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.demande.emit()
            return True
        return super().eventFilter(objet, evenement)
