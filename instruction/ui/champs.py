"""Des champs de formulaire qui disent leur erreur juste en dessous d'eux.

``Formulaire`` associe chaque clé de champ (« intitule », « budget.3.montant »…) à son
widget et à une étiquette d'erreur. Les erreurs viennent de ``instruction.validation`` ;
le texte tapé reste dans le champ, seul le message s'affiche.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from instruction.ui.outils_qt import choisir  # noqa: F401 — utilisé par les formulaires

STYLE_ERREUR = "color: #b00020;"
STYLE_CHAMP_FAUTIF = "border: 1px solid #b00020;"


class Formulaire:
    """Les champs d'un écran et leurs messages d'erreur."""

    def __init__(self) -> None:
        self.widgets: dict[str, QWidget] = {}
        self.etiquettes: dict[str, QLabel] = {}
        self._autres: list[Callable[[Mapping[str, str]], QWidget | None]] = []

    def ligne(self, disposition: QFormLayout, cle: str, libelle: str, widget: QWidget, aide: str = "",
              saisie: QWidget | None = None) -> QWidget:
        """Ajoute « libellé : widget » et, sous le widget, la place de son message d'erreur.

        ``saisie`` est le champ lui-même quand ``widget`` le contient avec d'autres (un bouton…).
        """
        saisie = saisie or widget
        boite = QWidget()
        colonne = QVBoxLayout(boite)
        colonne.setContentsMargins(0, 0, 0, 0)
        colonne.setSpacing(1)
        colonne.addWidget(widget)
        erreur = QLabel()
        erreur.setStyleSheet(STYLE_ERREUR)
        erreur.setWordWrap(True)
        erreur.hide()
        colonne.addWidget(erreur)
        etiquette = QLabel(libelle)
        etiquette.setBuddy(saisie)
        saisie.setAccessibleName(libelle.replace("&", "").rstrip(" :"))
        if aide:
            saisie.setToolTip(aide)
            saisie.setAccessibleDescription(aide)
        disposition.addRow(etiquette, boite)
        self.enregistrer(cle, saisie, erreur)
        return saisie

    def enregistrer(self, cle: str, widget: QWidget, erreur: QLabel | None = None) -> None:
        self.widgets[cle] = widget
        if erreur is not None:
            self.etiquettes[cle] = erreur

    def enregistrer_afficheur(self, afficher: Callable[[Mapping[str, str]], QWidget | None]) -> None:
        """Pour les erreurs qui ne tiennent pas dans un champ (lignes de tableau…)."""
        self._autres.append(afficher)

    def afficher_erreurs(self, erreurs: Mapping[str, str]) -> QWidget | None:
        """Montre chaque erreur sous son champ ; rend le premier widget fautif (pour y placer le curseur)."""
        premier = None
        for cle, etiquette in self.etiquettes.items():
            message = erreurs.get(cle)
            etiquette.setText(message or "")
            etiquette.setVisible(bool(message))
            widget = self.widgets[cle]
            widget.setStyleSheet(STYLE_CHAMP_FAUTIF if message else "")
            if message and premier is None:
                premier = widget
        for afficher in self._autres:
            widget = afficher(erreurs)
            if widget is not None and premier is None:
                premier = widget
        return premier

    def effacer_erreurs(self) -> None:
        self.afficher_erreurs({})


def etiquette_erreur() -> QLabel:
    """Le message d'erreur d'une boîte : rouge, sur plusieurs lignes, sélectionnable (à copier)."""
    etiquette = QLabel()
    etiquette.setStyleSheet(STYLE_ERREUR)
    etiquette.setWordWrap(True)
    etiquette.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return etiquette


def champ_texte(placeholder: str = "", maximum: int | None = None) -> QLineEdit:
    champ = QLineEdit()
    champ.setPlaceholderText(placeholder)
    if maximum:
        # Pas de limite dure : un texte trop long collé reste visible, et la validation dit quoi raccourcir.
        champ.setToolTip(f"{maximum} caractères au plus")
    return champ


def champ_date() -> QLineEdit:
    champ = QLineEdit()
    champ.setPlaceholderText("jj/mm/aaaa")
    champ.setMaximumWidth(130)
    return champ


def champ_nombre(largeur: int = 110) -> QLineEdit:
    champ = QLineEdit()
    champ.setMaximumWidth(largeur)
    champ.setAlignment(Qt.AlignmentFlag.AlignRight)
    return champ


class TexteLong(QPlainTextEdit):
    """Un texte sur plusieurs lignes où Tab passe au champ suivant (Ctrl+Tab insère une tabulation)."""

    def __init__(self, hauteur: int = 70) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setMinimumHeight(hauteur)
        self.setMaximumHeight(max(hauteur * 2, 140))


def combo(options: Mapping[str, str], vide: str | None = None) -> QComboBox:
    """Une liste déroulante de codes (données) et de libellés (affichés)."""
    liste = QComboBox()
    if vide is not None:
        liste.addItem(vide, "")
    for code, libelle in options.items():
        liste.addItem(libelle, code)
    return liste


class ListeACocher(QTreeView):
    """Un arbre d'éléments à cocher (objectifs, quartiers) ; ``codes_coches`` rend les codes cochés."""

    modifie = Signal()

    def __init__(self, titre: str) -> None:
        super().__init__()
        self.modele = QStandardItemModel(self)
        self.setModel(self.modele)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setAccessibleName(titre)
        self._items: dict[str, QStandardItem] = {}
        self.modele.itemChanged.connect(lambda _item: self.modifie.emit())

    def ajouter(self, parent: QStandardItem | None, texte: str, code: str | None = None) -> QStandardItem:
        item = QStandardItem(texte)
        item.setEditable(False)
        item.setToolTip(texte)
        if code is not None:
            item.setCheckable(True)
            item.setData(code, Qt.ItemDataRole.UserRole)
            self._items[code] = item
        (parent or self.modele.invisibleRootItem()).appendRow(item)
        return item

    def cocher(self, codes: list[str] | tuple[str, ...]) -> None:
        voulus = set(codes)
        self.modele.blockSignals(True)
        for code, item in self._items.items():
            item.setCheckState(Qt.CheckState.Checked if code in voulus else Qt.CheckState.Unchecked)
        self.modele.blockSignals(False)
        self.viewport().update()
        for code in voulus:
            if code in self._items:
                index = self._items[code].index().parent()
                while index.isValid():
                    self.expand(index)
                    index = index.parent()

    def figer(self) -> None:
        """Consultation seule : les cases restent lisibles (et l'arbre se parcourt) mais ne se cochent plus."""
        self.modele.blockSignals(True)  # figer n'est pas modifier : le formulaire ne doit pas se croire changé
        for item in self._items.values():
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        self.modele.blockSignals(False)

    def codes_coches(self) -> list[str]:
        return [code for code, item in self._items.items() if item.checkState() == Qt.CheckState.Checked]


def mettre_en_consultation(conteneur: QWidget) -> None:
    """Consultation seule : les textes restent lisibles et copiables, rien ne se modifie (rôle sans droit
    d'écriture ; le service refuserait de toute façon)."""
    from PySide6.QtGui import QShortcut
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QPlainTextEdit

    for raccourci in conteneur.findChildren(QShortcut):  # Ctrl+Inser, Ctrl+Suppr des tableaux…
        raccourci.setEnabled(False)
    for champ in conteneur.findChildren(QWidget):
        if isinstance(champ, (QLineEdit, QPlainTextEdit)):
            champ.setReadOnly(True)
        elif isinstance(champ, ListeACocher):
            champ.figer()
        elif isinstance(champ, QAbstractItemView):
            champ.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        elif isinstance(champ, (QComboBox, QAbstractButton)):
            champ.setEnabled(False)
