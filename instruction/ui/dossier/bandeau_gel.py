"""Le formulaire d'un dossier figé (``instruction.gel``) : consultation, et correction de faute de frappe.

Dès que l'instruction est terminée (puis décidée, conventionnée…), le formulaire passe en consultation :
les textes restent lisibles et copiables, rien ne se modifie. Le bandeau dit pourquoi et par où passer
pour changer les chiffres (reprendre l'instruction, avenant) ; « Corriger une faute de frappe… »
demande la raison, puis rouvre les seuls textes corrigeables (``gel.CHAMPS_CORRIGEABLES``) ; la raison
part avec l'enregistrement et reste dans l'historique. Le gel se lève tout seul quand l'instruction est
reprise (tout est réversible ici, contrairement à la consultation d'un rôle sans droit d'écriture).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from instruction.domaine import gel
from instruction.ui.champs import ListeACocher

_ORIGINE = "_gel_origine"  # l'état d'un widget avant le gel, pour le rendre à la reprise
# Un champ figé se voit : fond gris, comme un champ désactivé, mais son texte reste net et copiable.
STYLE_FIGE = ("QLineEdit[readOnly=\"true\"], QPlainTextEdit[readOnly=\"true\"] "
              "{ background: #f0f0f0; color: #202020; }")


def _figer_widget(widget: QWidget, fige: bool) -> None:
    if widget.property("toujours_actif"):  # un outil de lecture (filtre d'une liste) reste utilisable
        return
    if not fige and widget.property(_ORIGINE) is None and not isinstance(widget, ListeACocher):
        return  # jamais figé : rien à rendre
    if isinstance(widget, (QLineEdit, QPlainTextEdit)):
        if fige and widget.property(_ORIGINE) is None:
            widget.setProperty(_ORIGINE, widget.isReadOnly())
        widget.setReadOnly(True if fige else bool(widget.property(_ORIGINE)))
    elif isinstance(widget, ListeACocher):
        if fige == bool(widget.property(_ORIGINE)):
            return
        widget.setProperty(_ORIGINE, True if fige else None)
        widget.modele.blockSignals(True)
        for item in widget._items.values():
            drapeaux = item.flags()
            item.setFlags(drapeaux & ~Qt.ItemFlag.ItemIsUserCheckable if fige
                          else drapeaux | Qt.ItemFlag.ItemIsUserCheckable)
        widget.modele.blockSignals(False)
    elif isinstance(widget, QAbstractItemView):
        if fige and widget.property(_ORIGINE) is None:
            widget.setProperty(_ORIGINE, int(widget.editTriggers().value))
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if fige
                               else QAbstractItemView.EditTrigger(widget.property(_ORIGINE)))
    elif isinstance(widget, (QComboBox, QAbstractButton)):
        if fige and widget.property(_ORIGINE) is None:
            widget.setProperty(_ORIGINE, widget.isEnabled())
        widget.setEnabled(False if fige else bool(widget.property(_ORIGINE)))
    else:
        return
    if not fige and not isinstance(widget, ListeACocher):
        widget.setProperty(_ORIGINE, None)


def figer(conteneur: QWidget, fige: bool) -> None:
    """Met le conteneur en consultation (``fige``) ou le rend tel qu'il était."""
    from PySide6.QtGui import QShortcut

    for raccourci in conteneur.findChildren(QShortcut):  # Ctrl+Inser, Ctrl+Suppr des tableaux…
        raccourci.setEnabled(not fige)
    for widget in conteneur.findChildren(QWidget):
        _figer_widget(widget, fige)
    conteneur.setStyleSheet(STYLE_FIGE if fige else "")  # après : le style relit l'état « lecture seule »


class BandeauGel(QFrame):
    """En tête du formulaire d'un dossier figé : pourquoi, le chemin déclaré, et la correction."""

    correction_demandee = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("bandeau-gel")
        self.setStyleSheet("#bandeau-gel { background: #eef3f8; border: 1px solid #b8c9dc; border-radius: 3px; }")
        disposition = QHBoxLayout(self)
        disposition.setContentsMargins(8, 4, 8, 4)
        self.texte = QLabel()
        self.texte.setWordWrap(True)
        self.texte.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bouton = QPushButton("Corriger une &faute de frappe…")
        self.bouton.setToolTip("Corriger un texte (intitulé, description…) sans changer aucun chiffre décidé ; la "
                               "raison est gardée dans l'historique")
        self.bouton.clicked.connect(self.correction_demandee)
        disposition.addWidget(self.texte, 1)
        disposition.addWidget(self.bouton)
        self.etat: str | None = None
        self.correction: str | None = None
        self.hide()

    def appliquer(self, etat: str | None, sections, peut_modifier: bool) -> None:
        """Fige ou libère les sections selon l'état ; une correction en cours garde ses textes ouverts."""
        regle = gel.gel(etat) if etat else None
        change = etat != self.etat
        self.etat = etat
        if change:
            self.correction = None
        if regle is None or not peut_modifier:
            self.hide()
            if change and peut_modifier:
                for section in sections:
                    figer(section, False)
            return
        for section in sections:
            figer(section, True)
        if self.correction:
            self._ouvrir_corrigeables(sections)
            self.texte.setText(f"<b>Correction en cours</b> — raison : <i>{self.correction}</i>. Seuls les textes "
                               "sont modifiables ; enregistrez (Ctrl+S) pour garder la correction.")
            self.bouton.hide()
        else:
            self.texte.setText(f"<b>Dossier figé</b> : {regle.raison}. Ses chiffres ne changent plus ; "
                               f"{regle.chemin}.")
            self.bouton.show()
        self.show()

    def commencer_correction(self, raison: str, sections) -> None:
        self.correction = raison
        self.appliquer(self.etat, sections, True)

    @staticmethod
    def _ouvrir_corrigeables(sections) -> None:
        for section in sections:
            for cle in gel.CHAMPS_CORRIGEABLES:
                widget = section.formulaire.widgets.get(cle)
                if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                    widget.setReadOnly(False)
                    widget.style().unpolish(widget)  # le fond suit : le champ redevient blanc
                    widget.style().polish(widget)
