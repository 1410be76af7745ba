"""« Emprunter… » : phrase de passe (deux fois, avec un indice de solidité), date de retour, fichier."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from instruction.ui import fichiers
from instruction.ui.champs import etiquette_erreur
from instruction.ui.operation import Operation

MINIMUM = 10


def solidite(phrase: str) -> tuple[str, str]:
    """Un indice de solidité (texte, couleur) : la longueur compte plus que les symboles ; une phrase de
    quatre mots ou plus est solide et se retient."""
    mots = len([m for m in phrase.replace("-", " ").split() if len(m) >= 3])
    if len(phrase) < MINIMUM:
        return f"Trop courte : au moins {MINIMUM} caractères.", "#b00020"
    if len(phrase) >= 24 or mots >= 4:
        return "Solide.", "#1b7f3b"
    if len(phrase) >= 16 or mots >= 3:
        return "Correcte ; une phrase de quatre mots ou plus serait plus sûre.", "#8a6d00"
    return "Faible : préférez une phrase de quatre mots ou plus (« le jardin du Beau-Marais fleurit »).", "#b00020"


def _actions():
    from instruction.services.actions import emprunts

    return emprunts


class DialogueEmprunt(QDialog):
    emprunte = Signal(object)  # le BilanEmprunt

    def __init__(self, contexte, ids: list[int], numeros: list[str], deja: dict[int, str], parent=None) -> None:
        super().__init__(parent)
        self.contexte, self.ids = contexte, list(ids)
        self.setWindowTitle("Emprunter des dossiers pour le travail hors ligne")
        self.resize(620, 420)
        disposition = QVBoxLayout(self)
        resume = ", ".join(numeros[:12]) + (f" et {len(numeros) - 12} autres" if len(numeros) > 12 else "")
        titre = QLabel(f"<b>{len(ids)} dossier{'s' if len(ids) > 1 else ''}</b> : {resume}")
        titre.setWordWrap(True)
        disposition.addWidget(titre)
        explication = QLabel(
            "Le fichier de travail emporte ces dossiers, leurs porteurs, pièces, instruction, grilles, avis… et le "
            "référentiel. Il est chiffré par la phrase de passe : sans elle, un portable perdu ne livre rien. "
            "La phrase n'est gardée nulle part : oubliée, le fichier est perdu (les dossiers restent au bureau).")
        explication.setWordWrap(True)
        explication.setStyleSheet("color: #555;")
        disposition.addWidget(explication)
        self.avertissement = QLabel()
        self.avertissement.setWordWrap(True)
        self.avertissement.setStyleSheet("color: #8a6d00;")
        if deja:
            self.avertissement.setText("Déjà empruntés (on peut les emprunter aussi ; les deux retours seront "
                                       "fusionnés) : " + " ; ".join(deja.values()))
        else:
            self.avertissement.hide()
        disposition.addWidget(self.avertissement)

        formulaire = QFormLayout()
        self.phrase = QLineEdit()
        self.phrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.phrase.setAccessibleName("Phrase de passe")
        self.phrase.textChanged.connect(self._indice)
        self.phrase.textChanged.connect(lambda _t: self.erreur.setText(""))
        self.confirmation = QLineEdit()
        self.confirmation.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirmation.setAccessibleName("Phrase de passe, une seconde fois")
        self.confirmation.textChanged.connect(lambda _t: self.erreur.setText(""))
        self.indice = QLabel()
        self.indice.setWordWrap(True)
        self.jusqu_au = QDateEdit(QDate.currentDate().addDays(14))
        self.jusqu_au.setCalendarPopup(True)
        self.jusqu_au.setDisplayFormat("dd/MM/yyyy")
        self.jusqu_au.setMinimumDate(QDate.currentDate())
        self.fichier = QLineEdit(str(fichiers.dossier_de_depart() / f"travail-{dt.date.today():%Y-%m-%d}.travail"))
        choisir = QPushButton("Choisir…")
        choisir.clicked.connect(self._choisir)
        ligne_fichier = QHBoxLayout()
        ligne_fichier.addWidget(self.fichier, 1)
        ligne_fichier.addWidget(choisir)
        formulaire.addRow("Phrase de passe :", self.phrase)
        formulaire.addRow("Une seconde fois :", self.confirmation)
        formulaire.addRow("", self.indice)
        formulaire.addRow("À rapporter avant le :", self.jusqu_au)
        formulaire.addRow("Fichier de travail :", ligne_fichier)
        disposition.addLayout(formulaire)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        disposition.addStretch(1)
        self.boutons = QDialogButtonBox()
        self.bouton_emprunter = self.boutons.addButton("&Emprunter", QDialogButtonBox.ButtonRole.AcceptRole)
        self.boutons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.boutons.accepted.connect(self.emprunter)
        self.boutons.rejected.connect(self.reject)
        disposition.addWidget(self.boutons)
        self._indice("")

    def _indice(self, phrase: str) -> None:
        texte, couleur = solidite(phrase)
        self.indice.setText(texte)
        self.indice.setStyleSheet(f"color: {couleur};")

    def _choisir(self) -> None:
        chemin = fichiers.enregistrer_sous(self, "Fichier de travail", Path(self.fichier.text()).name,
                                           "Fichiers de travail (*.travail)", ".travail")
        if chemin is not None:
            self.fichier.setText(str(chemin))

    def emprunter(self) -> None:
        phrase = self.phrase.text()
        if len(phrase) < MINIMUM:
            self.erreur.setText(f"La phrase de passe doit compter au moins {MINIMUM} caractères.")
            return
        if phrase != self.confirmation.text():
            self.erreur.setText("Les deux phrases de passe diffèrent : tapez la même deux fois.")
            return
        if not self.fichier.text().strip():
            self.erreur.setText("Choisissez où écrire le fichier de travail.")
            return
        self.erreur.setText("")
        self.bouton_emprunter.setEnabled(False)
        jusqu_au = self.jusqu_au.date().toPython()

        def fini(bilan) -> None:
            self.bilan = bilan
            self.emprunte.emit(bilan)
            self.accept()

        def refus(message: str) -> None:
            self.bouton_emprunter.setEnabled(True)
            self.erreur.setText(message)

        Operation(_actions().emprunter, self.contexte, self.ids, Path(self.fichier.text().strip()), phrase, jusqu_au,
                  parent=self).progression(self.erreur.setText).apres(fini).refus(refus).lancer()


class DialoguePhrase(QDialog):
    """La phrase de passe d'un fichier de travail (pour l'ouvrir). Il reste ouvert pendant le déchiffrement ; une
    phrase refusée est dite ici même, et ce qui a été tapé reste là (sélectionné, pour corriger ou retaper)."""

    demandee = Signal(str)  # la phrase tapée : la fenêtre lance l'ouverture

    def __init__(self, fichier: Path, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ouvrir un fichier de travail")
        self._occupe = False
        disposition = QVBoxLayout(self)
        etiquette = QLabel(f"Phrase de passe du fichier de travail « {Path(fichier).name} » :")
        etiquette.setWordWrap(True)
        disposition.addWidget(etiquette)
        self.phrase = QLineEdit()
        self.phrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.phrase.setAccessibleName("Phrase de passe")
        disposition.addWidget(self.phrase)
        self.etat = QLabel("Déchiffrement du fichier de travail…")
        self.etat.hide()
        disposition.addWidget(self.etat)
        self.erreur = etiquette_erreur()
        disposition.addWidget(self.erreur)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.bouton_ouvrir = boutons.button(QDialogButtonBox.StandardButton.Ok)
        self.bouton_ouvrir.setText("&Ouvrir")
        self.bouton_annuler = boutons.button(QDialogButtonBox.StandardButton.Cancel)
        self.bouton_annuler.setText("Annuler")
        boutons.accepted.connect(self.ouvrir)
        boutons.rejected.connect(self.reject)
        disposition.addWidget(boutons)
        self.resize(460, 150)

    def ouvrir(self) -> None:
        if not self.phrase.text():
            self.erreur.setText("Tapez la phrase de passe choisie à l'emprunt.")
            self._ajuster()
            self.phrase.setFocus()
            return
        self.erreur.setText("")
        self.occuper(True)
        self.demandee.emit(self.phrase.text())

    def occuper(self, occupe: bool) -> None:
        self._occupe = occupe
        for widget in (self.phrase, self.bouton_ouvrir, self.bouton_annuler):
            widget.setEnabled(not occupe)
        self.etat.setVisible(occupe)

    def refuser(self, message: str) -> None:
        """La phrase ne déchiffre pas le fichier : on le dit ; la phrase tapée reste, sélectionnée."""
        self.occuper(False)
        self.erreur.setText(message)
        self._ajuster()
        self.phrase.selectAll()
        self.phrase.setFocus()

    def _ajuster(self) -> None:
        """Assez haute pour le message entier (il passe à la ligne dans la largeur de la boîte)."""
        self.layout().activate()
        hauteur = self.layout().totalHeightForWidth(self.width()) if self.layout().hasHeightForWidth() else -1
        self.resize(self.width(), max(self.height(), hauteur, self.sizeHint().height()))

    def reject(self) -> None:
        if not self._occupe:  # pas d'Échap pendant le déchiffrement : il finit vite, et dit son résultat ici
            super().reject()
