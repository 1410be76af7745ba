"""Ce que partagent les boîtes de saisie du suivi : un formulaire, ses erreurs sous les champs, OK qui lance
l'action par ``Operation`` et ne ferme la boîte que si elle aboutit (la saisie reste sinon)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from instruction.ui.champs import Formulaire, etiquette_erreur
from instruction.ui.operation import Operation


class DialogueSaisie(QDialog):
    """Une boîte à formulaire : ``self.formulaire``, ``self.disposition`` (QFormLayout), ``self.erreur``."""

    def __init__(self, titre: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(titre)
        self.formulaire = Formulaire()
        self.disposition = QFormLayout()
        self.disposition.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.erreur = etiquette_erreur()
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.boutons.button(QDialogButtonBox.StandardButton.Ok).setText("&Enregistrer")
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Annuler")
        self.boutons.accepted.connect(lambda: self.enregistrer())  # chaque boîte définit ``enregistrer``
        self.boutons.rejected.connect(self.reject)
        self.corps = QVBoxLayout(self)
        self.corps.addLayout(self.disposition)

    def texte_long(self, cle: str, libelle: str, hauteur: int, aide: str = ""):
        """Un texte sur plusieurs lignes de hauteur fixe, collé à son libellé (pas d'espace étiré autour)."""
        from PySide6.QtWidgets import QSizePolicy

        from instruction.ui.champs import TexteLong

        champ = self.formulaire.ligne(self.disposition, cle, libelle, TexteLong(), aide)
        champ.setFixedHeight(hauteur)
        champ.parentWidget().setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return champ

    def terminer(self) -> None:
        """À appeler en fin de construction : le message d'erreur et les boutons sous le formulaire."""
        self.corps.addWidget(self.erreur)
        self.corps.addWidget(self.boutons)

    def lancer(self, fonction: Callable, *args, **kwargs) -> None:
        """Lance l'action ; en cas de succès, ``self.resultat`` la garde et la boîte se ferme."""
        self.formulaire.effacer_erreurs()
        self.erreur.clear()
        self.boutons.setEnabled(False)
        Operation(fonction, *args, parent=self, **kwargs).apres(self._fini).echec(self._echec).lancer()

    def _fini(self, resultat) -> None:
        self.resultat = resultat
        self.boutons.setEnabled(True)
        self.accept()

    def _echec(self, erreur: BaseException, trace: str) -> None:
        from instruction.domaine.erreurs import ErreurInstruction
        from instruction.domaine.validation import SaisieInvalide
        from instruction.ui import erreurs

        self.boutons.setEnabled(True)
        if isinstance(erreur, SaisieInvalide):
            par_champ = {e.champ: e.message for e in erreur.erreurs}
            premier = self.formulaire.afficher_erreurs(par_champ)
            autres = [m for c, m in par_champ.items() if c not in self.formulaire.etiquettes]
            self.erreur.setText("\n".join(autres) if autres else "Corrigez les champs signalés en rouge.")
            if premier is not None:
                premier.setFocus()
        elif isinstance(erreur, ErreurInstruction):
            self.erreur.setText(erreur.message)
        else:
            self.erreur.setText("L'enregistrement a échoué ; rien n'a été modifié.")
            erreurs.montrer(erreur, trace, self)
