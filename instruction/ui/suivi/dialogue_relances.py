"""Les lettres de relance en lot : date des lettres, dossier où les écrire, progression lettre par lettre et
annulation (les lettres déjà écrites restent, et leurs relances sont notées)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from instruction.domaine import dates
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import bilans as actions
from instruction.ui import fichiers
from instruction.ui.champs import champ_date, etiquette_erreur
from instruction.ui.lot import BarreDeLot, ChoixDossierSortie
from instruction.ui.operation import Operation


class DialogueRelances(QDialog):
    def __init__(self, contexte, bilans_choisis: list, parent=None, dossier: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Relancer les bilans attendus")
        self.setMinimumWidth(620)
        self.contexte = contexte
        self.bilans = bilans_choisis
        self.ecrits: list[Path] = []
        tres = sum(1 for b in bilans_choisis if b.statut == "tres_en_retard")
        intro = QLabel(f"<b>{len(bilans_choisis)} lettre(s)</b> de relance, une par bilan non reçu "
                       f"({tres} très en retard : le ton est plus ferme). Chaque relance est notée dans "
                       "l'historique du dossier.")
        intro.setWordWrap(True)
        self.date = champ_date()
        self.date.setText(dates.formater(aujourd_hui()))
        self.date.setAccessibleName("Date des lettres")
        self.dossier = ChoixDossierSortie("Dossier des lettres de relance",
                                          dossier or fichiers.dossier_de_depart() / "Relances des bilans")
        formes = QFormLayout()
        formes.addRow("&Date des lettres :", self.date)
        formes.addRow("É&crire dans :", self.dossier)
        self.avancement = BarreDeLot("&Annuler")
        self.avancement.annulation_demandee.connect(
            lambda: self.etat.setText("Annulation : la lettre en cours s'achève…"))
        self.avancement.finir(0, len(bilans_choisis))
        self.etat = QLabel()
        self.etat.setWordWrap(True)
        self.erreur = etiquette_erreur()
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ecrire = self.boutons.button(QDialogButtonBox.StandardButton.Ok)
        self.ecrire.setText("&Écrire les lettres")
        self.fermer = self.boutons.button(QDialogButtonBox.StandardButton.Cancel)
        self.fermer.setText("&Fermer")
        self.ecrire.clicked.connect(self._lancer)
        self.fermer.clicked.connect(self._fermer)
        disposition = QVBoxLayout(self)
        disposition.addWidget(intro)
        disposition.addLayout(formes)
        disposition.addWidget(self.avancement)
        disposition.addWidget(self.etat)
        disposition.addWidget(self.erreur)
        disposition.addStretch(1)
        disposition.addWidget(self.boutons)
        self._en_cours = False

    def _lancer(self) -> None:
        try:
            jour = dates.lire(self.date.text())
        except Exception as erreur:  # DonneesInvalides
            self.erreur.setText(str(erreur))
            return
        sortie = self.dossier.chemin()
        if sortie is None:
            self.erreur.setText("Indiquez le dossier où écrire les lettres.")
            self.dossier.setFocus()
            return
        self.erreur.clear()
        self._en_cours = True
        self.ecrire.setEnabled(False)
        self.fermer.setEnabled(False)
        total = len(self.bilans)
        self.avancement.commencer(total)
        choisis = [(b.dossier_id, b.exercice) for b in self.bilans]

        def avance(message: str) -> None:
            self.etat.setText(message)
            self.avancement.pas(min(total, self.avancement.barre.value() + 1), total)

        Operation(actions.relancer, self.contexte, choisis, sortie, jour,
                  annule=self.avancement.annule, parent=self) \
            .progression(avance).apres(self._fini).refus(self._refus).lancer()

    def _fini(self, ecrits: list[Path]) -> None:
        self._en_cours = False
        self.ecrits = ecrits
        self.avancement.finir(len(ecrits), len(self.bilans))
        self.fermer.setEnabled(True)
        arret = " (annulé : les suivantes ne sont pas écrites)" if len(ecrits) < len(self.bilans) else ""
        self.etat.setText(f"{len(ecrits)} lettre(s) écrite(s) dans {self.dossier.text()}{arret}.")
        self.ecrire.setEnabled(False)

    def _refus(self, message: str) -> None:
        self._en_cours = False
        self.avancement.finir(0, len(self.bilans))
        self.fermer.setEnabled(True)
        self.erreur.setText(message)
        self.ecrire.setEnabled(True)

    def _fermer(self) -> None:
        self.accept() if self.ecrits else self.reject()

    def reject(self) -> None:
        if self._en_cours:  # Échap pendant l'écriture : on annule, la boîte reste ouverte jusqu'à la fin
            self.avancement.demander_annulation()
            return
        super().reject()
