"""La boîte d'un comité de pilotage de l'action : date, prévu ou tenu, lieu, participants, points abordés et
compte rendu joint (gardé en base avec son empreinte)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from instruction.domaine import dates
from instruction.services.actions import suivi as actions
from instruction.ui import fichiers
from instruction.ui.champs import champ_date, champ_texte
from instruction.ui.suivi.dialogue_base import DialogueSaisie


class DialogueCopil(DialogueSaisie):
    def __init__(self, contexte, dossier_id: int, copil=None, parent: QWidget | None = None) -> None:
        super().__init__("Comité de pilotage de l'action" if copil is None else
                         f"Comité de pilotage du {dates.formater(copil.date)}", parent)
        self.contexte, self.dossier_id, self.copil = contexte, dossier_id, copil
        self.fichier: Path | None = None
        f = self.formulaire
        self.date = f.ligne(self.disposition, "date", "&Date :", champ_date(), "jj/mm/aaaa")
        self.tenu = QCheckBox("Le comité s'est &tenu (sinon : prévu)")
        self.disposition.addRow("", self.tenu)
        self.lieu = f.ligne(self.disposition, "lieu", "&Lieu :", champ_texte("Centre social, mairie…", 200))
        self.participants = self.texte_long("participants", "&Participants :", 80,
                                            "Un participant par ligne (structure et fonction)")
        self.participants.setPlaceholderText("Un par ligne : porteur, délégué du préfet, Ville de Calais…")
        self.notes = self.texte_long("notes", "Points a&bordés :", 80, "Déploiement opérationnel, mobilisation "
                                     "des publics, bilan, perspectives (l. 3832-3834)")
        self.nom_fichier = QLineEdit()
        self.nom_fichier.setReadOnly(True)
        self.nom_fichier.setPlaceholderText("Aucun compte rendu joint")
        choisir = QPushButton("&Joindre le compte rendu…")
        choisir.clicked.connect(self.choisir_fichier)
        ligne = QHBoxLayout()
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.addWidget(self.nom_fichier, 1)
        ligne.addWidget(choisir)
        boite = QWidget()
        boite.setLayout(ligne)
        f.ligne(self.disposition, "compte_rendu", "&Compte rendu :", boite, saisie=self.nom_fichier)
        if copil is not None:
            self.date.setText(dates.formater(copil.date))
            self.tenu.setChecked(copil.tenu)
            self.lieu.setText(copil.lieu or "")
            self.participants.setPlainText("\n".join(copil.participants))
            self.notes.setPlainText(copil.notes or "")
            self.nom_fichier.setText(copil.compte_rendu or "")
        self.resize(560, 400)
        self.terminer()

    def choisir_fichier(self) -> None:
        chemin = fichiers.ouvrir(self, "Compte rendu du comité de pilotage",
                                 "Documents (*.pdf *.odt *.docx *.doc *.txt);;Tous les fichiers (*)")
        if chemin:
            self.choisir(Path(chemin))

    def choisir(self, chemin: Path) -> None:
        self.fichier = chemin
        self.nom_fichier.setText(chemin.name)
        self.tenu.setChecked(True)  # un compte rendu suit un comité tenu

    def saisie(self) -> dict[str, str]:
        return {"date": self.date.text(), "tenu": "oui" if self.tenu.isChecked() else "", "lieu": self.lieu.text(),
                "participants": self.participants.toPlainText(), "notes": self.notes.toPlainText()}

    def enregistrer(self) -> None:
        self.lancer(actions.enregistrer_copil, self.contexte, self.dossier_id, self.saisie(),
                    self.copil.id if self.copil is not None else None, compte_rendu=self.fichier)
