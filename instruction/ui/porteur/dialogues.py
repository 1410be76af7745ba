"""Créer un porteur, enregistrer un changement daté ou corriger une version ; créer une campagne.

Chaque boîte lance une action de ``services.actions.porteur`` par ``Operation`` et reste ouverte, avec sa
saisie, tant que c'est refusé ; ``reussi`` porte la valeur rendue (l'identifiant du porteur créé, sa fiche
relue après un changement daté, la campagne créée).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import referentiel as r
from instruction.domaine.erreurs import ErreurInstruction
from instruction.domaine.horloge import aujourd_hui
from instruction.services.actions import porteur as actions
from instruction.ui import erreurs
from instruction.ui.champs import STYLE_ERREUR, Formulaire, champ_date, combo
from instruction.ui.operation import Operation
from instruction.ui.porteur.identite import TITRES_VERSION, FormulaireIdentite, FormulaireVersion
from instruction.domaine.validation import SaisieInvalide


class _DialogueService(QDialog):
    """Un dialogue dont le bouton principal appelle un service ; il reste ouvert tant que c'est refusé."""

    reussi = Signal(object)

    def __init__(self, contexte, titre: str, bouton: str, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.setWindowTitle(titre)
        self.formulaire = Formulaire()
        self.message = QLabel()
        self.message.setStyleSheet(STYLE_ERREUR)
        self.message.setWordWrap(True)
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText(bouton)
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.boutons.accepted.connect(self._valider)
        self.boutons.rejected.connect(self.reject)

    def action(self) -> tuple[Callable[..., Any], tuple]:
        """L'action à lancer et ses arguments après le contexte, lus dans la boîte."""
        raise NotImplementedError

    def _valider(self) -> None:
        action, arguments = self.action()
        self.boutons.setEnabled(False)

        def echec(erreur: BaseException, trace: str) -> None:
            self.boutons.setEnabled(True)
            if isinstance(erreur, SaisieInvalide):
                par_champ: dict[str, str] = {}
                for e in erreur.erreurs:
                    par_champ.setdefault(e.champ, e.message)
                premier = self.formulaire.afficher_erreurs(par_champ)
                self.message.setText(f"{len(erreur.erreurs)} erreur(s) à corriger.")
                if premier is not None:
                    premier.setFocus()
            elif isinstance(erreur, ErreurInstruction):
                self.message.setText(erreur.message)
            else:
                erreurs.montrer(erreur, trace, self)

        def fini(resultat) -> None:
            self.boutons.setEnabled(True)
            self.reussi.emit(resultat)
            self.accept()

        Operation(action, self.contexte, *arguments, parent=self).apres(fini).echec(echec).lancer()


class DialogueNouveauPorteur(_DialogueService):
    def __init__(self, contexte, referentiel: r.Referentiel, parent=None) -> None:
        super().__init__(contexte, "Nouveau porteur", "Créer le porteur", parent)
        self.identite = FormulaireIdentite(referentiel, self.formulaire)
        self.representant = FormulaireVersion("representants", self.formulaire, "representant.")
        self.compte = FormulaireVersion("comptes", self.formulaire, "compte.")
        droite = QWidget()
        colonne = QVBoxLayout(droite)
        for titre, widget in (("Représentant légal (signataire)", self.representant),
                              ("Compte bancaire (facultatif)", self.compte)):
            groupe = QGroupBox(titre)
            QVBoxLayout(groupe).addWidget(widget)
            colonne.addWidget(groupe)
        colonne.addStretch(1)
        contenu = QWidget()
        ligne = QHBoxLayout(contenu)
        ligne.addWidget(self.identite, 3)
        ligne.addWidget(droite, 2)
        zone = QScrollArea()
        zone.setWidgetResizable(True)
        zone.setWidget(contenu)
        disposition = QVBoxLayout(self)
        disposition.addWidget(zone, 1)
        disposition.addWidget(self.message)
        disposition.addWidget(self.boutons)
        self.resize(1000, 640)

    def action(self):
        return actions.creer, (self.identite.valeurs(), self.representant.valeurs(), self.compte.valeurs())


class DialogueVersion(_DialogueService):
    """Un changement daté (nouvelle version) ou la correction d'une version existante."""

    def __init__(self, contexte, porteur_id: int, genre: str, version=None, parent=None) -> None:
        correction = version is not None
        titre = f"{'Corriger' if correction else 'Changer'} : {TITRES_VERSION[genre].lower()}"
        super().__init__(contexte, titre, "Corriger" if correction else "Enregistrer le changement", parent)
        self.porteur_id, self.genre, self.version = porteur_id, genre, version
        self.champs = FormulaireVersion(genre, self.formulaire)
        formes = QFormLayout()
        self.depuis = self.formulaire.ligne(formes, "depuis", "À partir du :" if not correction else "Depuis le :",
                                            champ_date())
        self.jusqu_a = None
        if correction:
            self.jusqu_a = self.formulaire.ligne(formes, "jusqu_a", "Jusqu'au :", champ_date())
            self.champs.remplir(version.valeurs)
            from instruction.domaine import dates

            self.depuis.setText(dates.formater(version.depuis))
            self.jusqu_a.setText(dates.formater(version.jusqu_a))
            explication = "Corrige une faute de frappe ou une date, sans créer de nouvelle version."
        else:
            from instruction.domaine import dates

            self.depuis.setText(dates.formater(aujourd_hui()))
            explication = ("La version en cours sera close la veille de cette date et gardée dans l'historique ; "
                           "les documents déjà produits gardent leurs informations d'alors.")
        note = QLabel(explication)
        note.setWordWrap(True)
        disposition = QVBoxLayout(self)
        disposition.addWidget(note)
        disposition.addWidget(self.champs)
        disposition.addLayout(formes)
        disposition.addWidget(self.message)
        disposition.addWidget(self.boutons)

    def action(self):
        valeurs, depuis = self.champs.valeurs(), self.depuis.text()
        if self.version is None:
            return actions.changer_version, (self.porteur_id, self.genre, valeurs, depuis)
        return actions.corriger_version, (self.porteur_id, self.genre, self.version.id, valeurs, depuis,
                                          self.jusqu_a.text())


class DialogueCampagne(_DialogueService):
    def __init__(self, contexte, referentiel: r.Referentiel, parent=None) -> None:
        super().__init__(contexte, "Nouvelle campagne", "Créer la campagne", parent)
        formes = QFormLayout()
        instruits = {d.code: d.libelle for d in referentiel.dispositifs if d.instruit}
        self.dispositif = self.formulaire.ligne(formes, "dispositif", "&Dispositif :", combo(instruits))
        self.annee = QSpinBox()
        self.annee.setRange(2000, 2100)
        self.annee.setValue(aujourd_hui().year + 1)
        self.formulaire.ligne(formes, "annee", "&Année :", self.annee)
        self.ouverture = self.formulaire.ligne(formes, "ouverture", "&Ouverture de l'appel :", champ_date())
        self.cloture = self.formulaire.ligne(formes, "cloture", "&Clôture des dépôts :", champ_date())
        disposition = QVBoxLayout(self)
        disposition.addLayout(formes)
        disposition.addWidget(self.message)
        disposition.addWidget(self.boutons)

    def action(self):
        return actions.creer_campagne, (self.dispositif.currentData(), self.annee.value(), self.ouverture.text(),
                                        self.cloture.text())
