"""Les documents d'une séance du comité (``page_seance``) : le dossier de séance (enregistré en PDF ou en
classeur, ou « Aperçu avant impression… ») et le relevé de décisions d'une séance close (enregistré ou en
aperçu) — l'aperçu est celui de ``ui/apercu_document``. Les documents s'écrivent hors du fil de l'interface
(``Operation``) ; ce qui se passe (écriture, écrit, refus) s'annonce par ``annonce(texte, couleur)``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from instruction.services.actions import comite as actions
from instruction.ui import apercu_document, fichiers
from instruction.ui.comite.ordre_du_jour import GRIS, ROUGE, VERT
from instruction.ui.operation import Operation


class DocumentsSeance(QWidget):
    """La ligne des documents : chacun s'enregistre, ou s'ouvre en aperçu avant impression (comme ailleurs)."""

    annonce = Signal(str, str)  # texte, couleur

    def __init__(self, contexte, seance_id: int, parent=None) -> None:
        super().__init__(parent)
        self.contexte, self.seance_id = contexte, seance_id
        self.seance = None
        self.pdf = QPushButton("Enregistrer en &PDF…")
        self.pdf.setToolTip("Le dossier de séance en PDF : tableaux par cofinanceur, fiche d'instruction de chaque "
                            "dossier, signets")
        self.xlsx = QPushButton("Enregistrer en classeur (&xlsx)…")
        self.apercu_dossier = QPushButton(apercu_document.LIBELLE.replace("Aperçu", "&Aperçu", 1))
        self.apercu_dossier.setToolTip(apercu_document.BULLE)
        self.releve = QPushButton("Enregistrer le &relevé…")
        self.releve.setToolTip("Le relevé de décisions d'une séance close, en PDF")
        self.apercu_releve = QPushButton(apercu_document.LIBELLE.replace("Aperçu", "Aperç&u", 1))
        self.apercu_releve.setToolTip(apercu_document.BULLE)
        self.pdf.clicked.connect(lambda: self._document(".pdf"))
        self.xlsx.clicked.connect(lambda: self._document(".xlsx"))
        self.apercu_dossier.clicked.connect(self.apercu_du_dossier)
        self.apercu_releve.clicked.connect(self.apercu_du_releve)
        self.releve.clicked.connect(self._releve)

        disposition = QHBoxLayout(self)
        disposition.setContentsMargins(0, 0, 0, 0)
        for libelle, groupe in (("Dossier de séance :", (self.pdf, self.xlsx, self.apercu_dossier)),
                                ("Relevé de décisions :", (self.releve, self.apercu_releve))):
            etiquette = QLabel(libelle)
            etiquette.setStyleSheet(f"color: {GRIS};")
            disposition.addWidget(etiquette)
            for bouton in groupe:
                disposition.addWidget(bouton)
            disposition.addSpacing(18)
        disposition.addStretch(1)

    def montrer(self, seance) -> None:
        """Le dossier de séance dès que l'ordre du jour a un dossier ; le relevé une fois la séance close."""
        self.seance = seance
        self.releve.setEnabled(seance.close)
        self.apercu_releve.setEnabled(seance.close)
        for bouton in (self.pdf, self.xlsx, self.apercu_dossier):
            bouton.setEnabled(bool(seance.lignes))

    def _document(self, extension: str) -> None:
        from instruction.rapports.dossier_seance import nom_de_fichier

        filtre = "PDF (*.pdf)" if extension == ".pdf" else "Classeur Excel (*.xlsx)"
        chemin = fichiers.enregistrer_sous(self, "Enregistrer le dossier de séance", nom_de_fichier(self.seance,
                                                                                                  extension),
                                           filtre, extension)
        if chemin is None:
            return
        self._en_cours("Écriture du dossier de séance…")
        Operation(actions.ecrire_dossier_de_seance, self.contexte, self.seance_id, chemin, parent=self) \
            .progression(self._en_cours).apres(self._document_ecrit).refus(self._refus).lancer()

    def apercu_du_dossier(self) -> None:
        """Le dossier de séance en PDF, écrit hors du fil de l'interface, puis son aperçu avant impression."""
        if self.seance is None:
            return
        from instruction.rapports.dossier_seance import nom_de_fichier

        self._en_cours("Écriture du dossier de séance…")
        apercu_document.apercu_apres_ecriture(
            self, f"Dossier de séance – {self.seance.intitule}", nom_de_fichier(self.seance, ".pdf"),
            actions.ecrire_dossier_de_seance, self.contexte, self.seance_id, refus=self._refus,
            progression=self._en_cours, apres=lambda: self._en_cours(""))

    def apercu_du_releve(self) -> None:
        """Le relevé de décisions (séance close) en PDF, puis son aperçu avant impression."""
        if self.seance is None:
            return
        from instruction.rapports.releve_decisions import nom_de_fichier

        apercu_document.apercu_apres_ecriture(
            self, f"Relevé de décisions – {self.seance.intitule}", nom_de_fichier(self.seance),
            actions.ecrire_releve, self.contexte, self.seance_id, refus=self._refus)

    def _releve(self) -> None:
        from instruction.rapports.releve_decisions import nom_de_fichier

        chemin = fichiers.enregistrer_sous(self, "Enregistrer le relevé de décisions", nom_de_fichier(self.seance),
                                           "PDF (*.pdf)", ".pdf")
        if chemin is None:
            return
        Operation(actions.ecrire_releve, self.contexte, self.seance_id, chemin, parent=self) \
            .apres(self._document_ecrit).refus(self._refus).lancer()

    def _document_ecrit(self, chemin) -> None:
        self.annonce.emit(f"Écrit : {chemin}", VERT)
        self.document_ecrit = chemin

    def _en_cours(self, texte: str) -> None:
        self.annonce.emit(texte, GRIS)

    def _refus(self, texte: str) -> None:
        self.annonce.emit(texte, ROUGE)
