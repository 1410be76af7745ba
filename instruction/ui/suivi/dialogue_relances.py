"""Les lettres de relance en lot : date des lettres, dossier où les écrire, progression lettre par lettre et
annulation (les lettres déjà écrites restent, et leurs relances sont notées)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from instruction.domaine import dates
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import bilans as actions
from instruction.ui.champs import champ_date, etiquette_erreur
from instruction.ui.operation import Operation
from instruction.ui import fichiers


class DialogueRelances(QDialog):
    def __init__(self, contexte, bilans_choisis: list, parent=None, dossier: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Relancer les bilans attendus")
        self.setMinimumWidth(620)
        self.contexte = contexte
        self.bilans = bilans_choisis
        self._annulation = threading.Event()
        self.ecrits: list[Path] = []
        tres = sum(1 for b in bilans_choisis if b.statut == "tres_en_retard")
        intro = QLabel(f"<b>{len(bilans_choisis)} lettre(s)</b> de relance, une par bilan non reçu "
                       f"({tres} très en retard : le ton est plus ferme). Chaque relance est notée dans "
                       "l'historique du dossier.")
        intro.setWordWrap(True)
        self.date = champ_date()
        self.date.setText(dates.formater(aujourd_hui()))
        self.date.setAccessibleName("Date des lettres")
        self.dossier = QLineEdit(str(dossier or Path.home() / "Relances des bilans"))
        self.dossier.setAccessibleName("Dossier des lettres")
        parcourir = QPushButton("&Parcourir…")
        parcourir.clicked.connect(self._parcourir)
        ligne_dossier = QHBoxLayout()
        ligne_dossier.addWidget(self.dossier, 1)
        ligne_dossier.addWidget(parcourir)
        formes = QFormLayout()
        formes.addRow("&Date des lettres :", self.date)
        formes.addRow("Écrire &dans :", ligne_dossier)
        self.barre = QProgressBar()
        self.barre.setRange(0, len(bilans_choisis))
        self.barre.setValue(0)
        self.etat = QLabel()
        self.etat.setWordWrap(True)
        self.erreur = etiquette_erreur()
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ecrire = self.boutons.button(QDialogButtonBox.StandardButton.Ok)
        self.ecrire.setText("&Écrire les lettres")
        self.annuler = self.boutons.button(QDialogButtonBox.StandardButton.Cancel)
        self.annuler.setText("Fermer")
        self.ecrire.clicked.connect(self._lancer)
        self.annuler.clicked.connect(self._annuler_ou_fermer)
        disposition = QVBoxLayout(self)
        disposition.addWidget(intro)
        disposition.addLayout(formes)
        disposition.addWidget(self.barre)
        disposition.addWidget(self.etat)
        disposition.addWidget(self.erreur)
        disposition.addWidget(self.boutons)
        self._en_cours = False

    def _parcourir(self) -> None:
        choisi = fichiers.choisir_dossier(self, "Dossier des lettres de relance", self.dossier.text())
        if choisi:
            self.dossier.setText(str(choisi))

    def _lancer(self) -> None:
        try:
            jour = dates.lire(self.date.text())
        except Exception as erreur:  # DonneesInvalides
            self.erreur.setText(str(erreur))
            return
        self.erreur.clear()
        self._annulation.clear()
        self._en_cours = True
        self.ecrire.setEnabled(False)
        self.annuler.setText("&Annuler")
        choisis = [(b.dossier_id, b.exercice) for b in self.bilans]

        def avance(message: str) -> None:
            self.etat.setText(message)
            self.barre.setValue(min(self.barre.maximum(), self.barre.value() + 1))

        Operation(actions.relancer, self.contexte, choisis, Path(self.dossier.text()), jour,
                  annule=self._annulation.is_set, parent=self) \
            .progression(avance).apres(self._fini).refus(self._refus).lancer()

    def _fini(self, ecrits: list[Path]) -> None:
        self._en_cours = False
        self.ecrits = ecrits
        self.barre.setValue(len(ecrits))
        arret = " (annulé : les suivantes ne sont pas écrites)" if len(ecrits) < len(self.bilans) else ""
        self.etat.setText(f"{len(ecrits)} lettre(s) écrite(s) dans {self.dossier.text()}{arret}.")
        self.annuler.setText("Fermer")
        self.ecrire.setEnabled(False)

    def _refus(self, message: str) -> None:
        self._en_cours = False
        self.erreur.setText(message)
        self.ecrire.setEnabled(True)
        self.annuler.setText("Fermer")

    def _annuler_ou_fermer(self) -> None:
        if self._en_cours:
            self._annulation.set()
            self.etat.setText("Annulation : la lettre en cours s'achève…")
            return
        self.accept() if self.ecrits else self.reject()

    def reject(self) -> None:
        if self._en_cours:
            self._annulation.set()
            return
        super().reject()
