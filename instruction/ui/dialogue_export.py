"""Exporter la liste : choisir et ordonner les colonnes, les enregistrer sous un nom, choisir le format.

À gauche les colonnes disponibles, à droite celles de l'export dans leur ordre (Monter, Descendre) ; en haut
les jeux enregistrés (partagés par la base) et les colonnes d'origine ; en bas le format. Tout se fait au
clavier : chaque bouton et chaque liste a sa lettre (Alt+A ajoute, Alt+R retire, Alt+M et Alt+D déplacent) ;
Entrée exporte (bouton par défaut, jamais un bouton d'outil : ils ne le deviennent pas en recevant le
focus) ; un double-clic ajoute ou retire.

Le dialogue ne lit ni n'écrit la base lui-même : il lance les actions de ``services.actions.exports`` par
``Operation``. Il rend ``codes()`` et ``extension()`` ; la fenêtre demande le fichier et écrit l'export.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import colonnes as c
from instruction.services.actions import exports as actions
from instruction.ui.operation import Operation

ORIGINE = ""  # l'entrée du choix des jeux pour les colonnes d'origine
CODE = Qt.ItemDataRole.UserRole + 1
# Le dernier choix de la session (jeu, colonnes, format) : rouvrir le dialogue le retrouve.
_dernier: dict[str, object] = {}


class DialogueExport(QDialog):
    def __init__(self, contexte, nombre: int, parent: QWidget | None = None, *, peut_enregistrer: bool = True,
                 liste: str = "dossiers") -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.liste = liste
        self.setWindowTitle("Exporter la liste des dossiers")
        self.catalogue = {colonne.code: colonne for colonne in c.catalogue(liste)}
        self._jeux: dict[str, tuple[str, ...]] = {}
        self.jeux_lus = False  # la liste des jeux enregistrés est arrivée

        self.jeu = QComboBox()
        self.jeu.addItem("Colonnes d'origine", ORIGINE)
        self.jeu.setMinimumContentsLength(28)
        etiquette_jeu = QLabel("&Jeu de colonnes :")
        etiquette_jeu.setBuddy(self.jeu)
        self.enregistrer = QPushButton("Enre&gistrer le jeu…")
        self.enregistrer.setToolTip("Enregistre ces colonnes, dans cet ordre, sous un nom partagé par tous les postes")
        self.enregistrer.setEnabled(peut_enregistrer)
        self._peut_enregistrer = peut_enregistrer
        self.supprimer = QPushButton("Su&pprimer le jeu")
        haut = QHBoxLayout()
        for w in (etiquette_jeu, self.jeu, self.enregistrer, self.supprimer):
            haut.addWidget(w)
        haut.addStretch(1)

        self.disponibles = QListWidget()
        self.choisies = QListWidget()
        for vue in (self.disponibles, self.choisies):
            vue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            vue.setMinimumWidth(260)
        self.ajouter = QPushButton("&Ajouter →")
        self.retirer = QPushButton("← &Retirer")
        self.monter = QPushButton("&Monter")
        self.descendre = QPushButton("&Descendre")
        etiquette_disponibles = QLabel("Colonnes d&isponibles :")
        etiquette_disponibles.setBuddy(self.disponibles)
        etiquette_choisies = QLabel("Colonnes de l'e&xport, dans l'ordre :")
        etiquette_choisies.setBuddy(self.choisies)
        grille = QGridLayout()
        grille.addWidget(etiquette_disponibles, 0, 0)
        grille.addWidget(etiquette_choisies, 0, 2)
        grille.addWidget(self.disponibles, 1, 0)
        milieu = QVBoxLayout()
        milieu.addStretch(1)
        milieu.addWidget(self.ajouter)
        milieu.addWidget(self.retirer)
        milieu.addStretch(1)
        grille.addLayout(milieu, 1, 1)
        grille.addWidget(self.choisies, 1, 2)
        droite = QVBoxLayout()
        droite.addStretch(1)
        droite.addWidget(self.monter)
        droite.addWidget(self.descendre)
        droite.addStretch(1)
        grille.addLayout(droite, 1, 3)

        self.format = QComboBox()
        for extension, libelle in c.FORMATS.items():
            self.format.addItem(libelle, extension)
        etiquette_format = QLabel("&Format :")
        etiquette_format.setBuddy(self.format)
        bas = QHBoxLayout()
        bas.addWidget(etiquette_format)
        bas.addWidget(self.format)
        bas.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a4262c;")
        self.resume = QLabel(f"{nombre} dossier{'s' if nombre > 1 else ''} à exporter (ceux affichés, ou la "
                             "sélection s'il y en a plusieurs), dans l'ordre du tableau.")
        self.boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.exporter = self.boutons.addButton("&Exporter…", QDialogButtonBox.ButtonRole.AcceptRole)
        for bouton in (self.enregistrer, self.supprimer, self.ajouter, self.retirer, self.monter, self.descendre):
            bouton.setAutoDefault(False)
        self.boutons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")

        racine = QVBoxLayout(self)
        racine.addLayout(haut)
        racine.addLayout(grille, 1)
        racine.addLayout(bas)
        racine.addWidget(self.resume)
        racine.addWidget(self.message)
        racine.addWidget(self.boutons)
        self.exporter.setDefault(True)  # une fois dans le dialogue : Entrée exporte

        self.ajouter.clicked.connect(self._ajouter)
        self.retirer.clicked.connect(self._retirer)
        self.monter.clicked.connect(lambda: self._deplacer(-1))
        self.descendre.clicked.connect(lambda: self._deplacer(1))
        self.disponibles.itemDoubleClicked.connect(lambda _i: self._ajouter())
        self.choisies.itemDoubleClicked.connect(lambda _i: self._retirer())
        self.disponibles.currentRowChanged.connect(lambda _r: self._etat())
        self.choisies.currentRowChanged.connect(lambda _r: self._etat())
        self.jeu.activated.connect(lambda _i: self._appliquer_jeu())
        self.enregistrer.clicked.connect(self._enregistrer)
        self.supprimer.clicked.connect(self._supprimer)
        self.boutons.accepted.connect(self._accepter)
        self.boutons.rejected.connect(self.reject)

        self.definir_colonnes(_dernier.get("codes", c.par_defaut(liste)))
        index = self.format.findData(_dernier.get("extension", ".xlsx"))
        self.format.setCurrentIndex(max(index, 0))
        self.choisies.setFocus()
        self.resize(900, 560)
        Operation(actions.lire_jeux, contexte, liste, parent=self).apres(self._jeux_lus).refus(
            self.message.setText).lancer()

    # --- Ce que le dialogue rend ----------------------------------------------------------------------

    def codes(self) -> tuple[str, ...]:
        return tuple(self.choisies.item(i).data(CODE) for i in range(self.choisies.count()))

    def extension(self) -> str:
        return self.format.currentData()

    def nom_du_jeu(self) -> str:
        return self.jeu.currentData() or ""

    # --- Colonnes -------------------------------------------------------------------------------------

    def definir_colonnes(self, codes) -> None:
        """Les colonnes choisies, dans cet ordre ; les autres restent disponibles, dans l'ordre du catalogue."""
        codes = [code for code in codes if code in self.catalogue]
        self.choisies.clear()
        self.disponibles.clear()
        for code in codes:
            self.choisies.addItem(self._element(code))
        for code in self.catalogue:
            if code not in codes:
                self.disponibles.addItem(self._element(code))
        self.choisies.setCurrentRow(0 if codes else -1)
        self.disponibles.setCurrentRow(0 if self.disponibles.count() else -1)
        self._etat()

    def _element(self, code: str) -> QListWidgetItem:
        colonne = self.catalogue[code]
        element = QListWidgetItem(colonne.libelle)
        element.setData(CODE, code)
        element.setToolTip(f"{colonne.libelle} : {c.GENRES[colonne.genre]}")
        return element

    def _ajouter(self) -> None:
        rang = self.disponibles.currentRow()
        if rang < 0:
            return
        element = self.disponibles.takeItem(rang)
        place = self.choisies.currentRow() + 1 if self.choisies.currentRow() >= 0 else self.choisies.count()
        self.choisies.insertItem(place, element)
        self.choisies.setCurrentRow(place)
        self.disponibles.setCurrentRow(min(rang, self.disponibles.count() - 1))
        self.disponibles.setFocus()  # Alt+A a donné le focus au bouton : on continue dans la liste
        self._modifie()

    def _retirer(self) -> None:
        rang = self.choisies.currentRow()
        if rang < 0:
            return
        code = self.choisies.takeItem(rang).data(CODE)
        ordre = list(self.catalogue)
        place = next((i for i in range(self.disponibles.count())
                      if ordre.index(self.disponibles.item(i).data(CODE)) > ordre.index(code)), self.disponibles.count())
        self.disponibles.insertItem(place, self._element(code))
        self.disponibles.setCurrentRow(place)
        self.choisies.setCurrentRow(min(rang, self.choisies.count() - 1))
        self.choisies.setFocus()
        self._modifie()

    def _deplacer(self, sens: int) -> None:
        rang = self.choisies.currentRow()
        cible = rang + sens
        if rang < 0 or not 0 <= cible < self.choisies.count():
            return
        self.choisies.insertItem(cible, self.choisies.takeItem(rang))
        self.choisies.setCurrentRow(cible)
        self.choisies.setFocus()
        self._modifie()

    def _modifie(self) -> None:
        """Des colonnes changées ne sont plus le jeu affiché : le choix le dit (« modifié »)."""
        nom = self.nom_du_jeu()
        attendu = self._jeux.get(nom) if nom else c.par_defaut(self.liste)
        self.jeu.setItemText(self.jeu.currentIndex(), self._libelle(nom, modifie=attendu != self.codes()))
        self.message.clear()
        self._etat()

    def _etat(self) -> None:
        rang = self.choisies.currentRow()
        self.ajouter.setEnabled(self.disponibles.currentRow() >= 0)
        self.retirer.setEnabled(rang >= 0)
        self.monter.setEnabled(rang > 0)
        self.descendre.setEnabled(0 <= rang < self.choisies.count() - 1)
        self.exporter.setEnabled(self.choisies.count() > 0)
        self.supprimer.setEnabled(self._peut_enregistrer and bool(self.nom_du_jeu()))

    # --- Jeux enregistrés -----------------------------------------------------------------------------

    @staticmethod
    def _libelle(nom: str, *, modifie: bool = False) -> str:
        return (nom or "Colonnes d'origine") + (" (modifié)" if modifie else "")

    def _jeux_lus(self, jeux, choisir: str | None = None) -> None:
        """La liste des jeux (lue ou relue) ; ``choisir`` : le jeu à montrer, ses colonnes appliquées."""
        actuel = self.nom_du_jeu() if choisir is None else choisir
        if choisir is None and "jeu" in _dernier:
            actuel = str(_dernier["jeu"])
        self._jeux = {jeu.nom: jeu.codes for jeu in jeux}
        self.jeu.clear()
        self.jeu.addItem(self._libelle(ORIGINE), ORIGINE)
        for jeu in jeux:
            self.jeu.addItem(jeu.nom, jeu.nom)
        index = self.jeu.findData(actuel)
        self.jeu.setCurrentIndex(max(index, 0))
        if choisir is not None:
            self._appliquer_jeu()
        else:  # première lecture : les colonnes montrées (et la saisie faite entre-temps) restent
            self._modifie()
        self.jeux_lus = True

    def _appliquer_jeu(self) -> None:
        nom = self.nom_du_jeu()
        self.definir_colonnes(self._jeux.get(nom, ()) if nom else c.par_defaut(self.liste))
        self._modifie()

    def _enregistrer(self) -> None:
        nom, ok = QInputDialog.getText(self, "Enregistrer le jeu de colonnes",
                                       "Nom du jeu (le même nom remplace le jeu enregistré) :",
                                       text=self.nom_du_jeu())
        if not ok:
            return
        self.message.clear()
        nom = " ".join(nom.split())
        Operation(actions.enregistrer_jeu, self.contexte, nom, self.codes(), self.liste, parent=self).apres(
            lambda jeux: self._jeux_lus(jeux, choisir=nom)).refus(self.message.setText).lancer()

    def _supprimer(self) -> None:
        nom = self.nom_du_jeu()
        if not nom:
            return
        reponse = QMessageBox.question(self, "Supprimer le jeu de colonnes",
                                       f"Supprimer le jeu « {nom} » pour tous les postes ?")
        if reponse != QMessageBox.StandardButton.Yes:
            return
        Operation(actions.supprimer_jeu, self.contexte, nom, self.liste, parent=self).apres(
            lambda jeux: self._jeux_lus(jeux, choisir=ORIGINE)).refus(self.message.setText).lancer()

    def _accepter(self) -> None:
        if not self.codes():
            self.message.setText("Choisissez au moins une colonne à exporter.")
            return
        _dernier.update(jeu=self.nom_du_jeu(), codes=self.codes(), extension=self.extension())
        self.accept()
