"""Section « Action » : campagne, porteur, date de dépôt, intitulé, textes, renouvellement, objectifs du
contrat."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dossier as d
from instruction.ui.champs import ListeACocher, TexteLong, champ_date, champ_texte, choisir
from instruction.ui.dossier.section import Environnement, Section, defilante


class SectionAction(Section):
    porteur_change = Signal(int)
    nouveau_porteur_demande = Signal()
    nouvelle_campagne_demandee = Signal()

    def __init__(self, env: Environnement) -> None:
        super().__init__(env)
        f = self.formulaire
        formes = QFormLayout()
        formes.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.campagne = QComboBox()
        self.bouton_campagne = QPushButton("Nouvelle…")
        self.bouton_campagne.setToolTip("Créer une campagne (dispositif et année)")
        self.bouton_campagne.clicked.connect(self.nouvelle_campagne_demandee)
        f.ligne(formes, "campagne_id", "&Campagne :", _avec_bouton(self.campagne, self.bouton_campagne),
                saisie=self.campagne)

        self.porteur = QComboBox()
        self.porteur.setEditable(True)
        self.porteur.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.porteur.lineEdit().setPlaceholderText("Tapez une partie du nom du porteur")
        self.bouton_porteur = QPushButton("Nouveau…")
        self.bouton_porteur.setToolTip("Enregistrer un nouveau porteur")
        self.bouton_porteur.clicked.connect(self.nouveau_porteur_demande)
        f.ligne(formes, "porteur_id", "&Porteur :", _avec_bouton(self.porteur, self.bouton_porteur),
                saisie=self.porteur)

        self.depose_le = f.ligne(formes, "depose_le", "Déposé &le :", champ_date(),
                                 "La date d'arrivée du dossier (plateforme Dauphin, courrier) : aujourd'hui par "
                                 "défaut, jamais dans le futur ; elle date l'entrée dans le circuit")
        self.intitule = f.ligne(formes, "intitule", "&Intitulé de l'action :", champ_texte("", 300))
        self.resume = f.ligne(formes, "resume", "&Résumé :", TexteLong(55),
                              "Quelques lignes, reprises dans les listes et la fiche d'instruction")
        self.description = f.ligne(formes, "description", "&Description :", TexteLong(90))
        self.objectifs_action = f.ligne(formes, "objectifs_action", "Ob&jectifs de l'action :", TexteLong(60))
        self.renouvellement = QCheckBox("Renouvellement d'une action déjà financée")
        self.renouvelle = QComboBox()
        self.renouvelle.setEnabled(False)
        self.renouvellement.toggled.connect(self.renouvelle.setEnabled)
        boite = QWidget()
        ligne = QVBoxLayout(boite)
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.addWidget(self.renouvellement)
        ligne.addWidget(self.renouvelle)
        f.ligne(formes, "renouvelle_id", "Re&nouvellement :", boite, saisie=self.renouvellement)
        self.renouvellement.setAccessibleName("Renouvellement d'une action déjà financée")
        self.renouvelle.setAccessibleName("Action renouvelée")

        gauche = QWidget()
        gauche.setLayout(formes)

        self.objectifs = ListeACocher("Objectifs opérationnels du projet de territoire")
        self._remplir_objectifs()
        self.filtre_objectifs = QLineEdit()
        self.filtre_objectifs.setPlaceholderText("Filtrer les objectifs…")
        self.filtre_objectifs.setClearButtonEnabled(True)
        self.filtre_objectifs.setAccessibleName("Filtrer les objectifs opérationnels")
        self.filtre_objectifs.setProperty("toujours_actif", True)  # un dossier figé se parcourt encore
        self.filtre_objectifs.textChanged.connect(self._filtrer_objectifs)
        droite = QWidget()
        colonne = QVBoxLayout(droite)
        colonne.setContentsMargins(0, 0, 0, 0)
        titre = QLabel("<b>Objectifs opérationnels</b> du projet de territoire (un ou plusieurs) :")
        titre.setBuddy(self.objectifs)
        colonne.addWidget(titre)
        colonne.addWidget(self.filtre_objectifs)
        colonne.addWidget(self.objectifs, 1)
        self.formulaire.enregistrer("objectifs", self.objectifs)

        separation = QSplitter()
        separation.addWidget(defilante(gauche))
        separation.addWidget(droite)
        separation.setStretchFactor(0, 3)
        separation.setStretchFactor(1, 2)
        separation.setSizes([760, 520])
        disposition = QHBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(separation)

        self.definir_options()
        self.porteur.currentIndexChanged.connect(self._porteur_choisi)
        self.signaler(self.campagne, self.porteur, self.depose_le, self.intitule, self.resume, self.description,
                      self.objectifs_action, self.renouvellement, self.renouvelle, self.objectifs)

    # --- Listes de choix -------------------------------------------------------------------------

    def _remplir_objectifs(self) -> None:
        for axe in self.env.referentiel.axes:
            item_axe = self.objectifs.ajouter(None, axe.libelle)
            for thematique in axe.thematiques:
                item_t = self.objectifs.ajouter(item_axe, thematique.libelle) if len(axe.thematiques) > 1 else item_axe
                for os_ in thematique.strategiques:
                    item_os = self.objectifs.ajouter(item_t, f"{os_.code} — {os_.libelle}")
                    for oo in os_.operationnels:
                        self.objectifs.ajouter(item_os, f"{oo.code} — {oo.libelle}", oo.code)

    def _filtrer_objectifs(self, texte: str) -> None:
        from instruction.domaine.texte import mots, pour_recherche

        voulus = mots(texte)
        modele = self.objectifs.modele

        def parcourir(parent_index) -> bool:
            visible_au_moins_un = False
            for rang in range(modele.rowCount(parent_index)):
                index = modele.index(rang, 0, parent_index)
                texte_item = pour_recherche(index.data())
                enfants = parcourir(index) if modele.rowCount(index) else False
                visible = not voulus or all(m in texte_item for m in voulus) or enfants
                self.objectifs.setRowHidden(rang, parent_index, not visible)
                if visible and voulus:
                    self.objectifs.expand(index)
                visible_au_moins_un |= visible
            return visible_au_moins_un

        from PySide6.QtCore import QModelIndex

        parcourir(QModelIndex())

    def definir_options(self) -> None:
        options = self.env.options
        courant_campagne, courant_porteur = self.campagne.currentData(), self.porteur.currentData()
        self.campagne.blockSignals(True)
        self.campagne.clear()
        self.campagne.addItem("— choisir la campagne —", "")
        for c in options.campagnes:
            self.campagne.addItem(c.libelle, str(c.id))
        choisir(self.campagne, courant_campagne or "")
        self.campagne.blockSignals(False)
        self.porteur.blockSignals(True)
        self.porteur.clear()
        self.porteur.addItem("", "")
        for p in options.porteurs:
            self.porteur.addItem(p.nom, str(p.id))
        completer = QCompleter([p.nom for p in options.porteurs], self.porteur)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.porteur.setCompleter(completer)
        choisir(self.porteur, courant_porteur or "")
        self.porteur.blockSignals(False)
        self.definir_precedents(options.precedents)

    def definir_precedents(self, precedents: list[tuple[int, str]]) -> None:
        courant = self.renouvelle.currentData()
        self.renouvelle.blockSignals(True)
        self.renouvelle.clear()
        self.renouvelle.addItem("— action renouvelée (facultatif) —", "")
        for identifiant, libelle in precedents:
            self.renouvelle.addItem(libelle, str(identifiant))
        choisir(self.renouvelle, courant or "")
        self.renouvelle.blockSignals(False)

    def _porteur_choisi(self, _index: int) -> None:
        code = self.porteur.currentData()
        if code:
            self.porteur_change.emit(int(code))

    # --- Saisie ------------------------------------------------------------------------------------

    def remplir(self, saisie: d.SaisieDossier) -> None:
        choisir(self.campagne, saisie.campagne_id)
        self.porteur.blockSignals(True)
        choisir(self.porteur, saisie.porteur_id)
        self.porteur.blockSignals(False)
        self.depose_le.setText(saisie.depose_le)
        self.intitule.setText(saisie.intitule)
        self.intitule.setCursorPosition(0)
        self.resume.setPlainText(saisie.resume)
        self.description.setPlainText(saisie.description)
        self.objectifs_action.setPlainText(saisie.objectifs_action)
        self.renouvellement.setChecked(saisie.renouvellement)
        choisir(self.renouvelle, saisie.renouvelle_id)
        self.objectifs.cocher(saisie.objectifs)

    def completer(self, saisie: d.SaisieDossier) -> None:
        saisie.campagne_id = self.campagne.currentData() or ""
        saisie.porteur_id = self._porteur_saisi()
        saisie.depose_le = self.depose_le.text().strip()
        saisie.intitule = self.intitule.text()
        saisie.resume = self.resume.toPlainText()
        saisie.description = self.description.toPlainText()
        saisie.objectifs_action = self.objectifs_action.toPlainText()
        saisie.renouvellement = self.renouvellement.isChecked()
        saisie.renouvelle_id = (self.renouvelle.currentData() or "") if saisie.renouvellement else ""
        saisie.objectifs = self.objectifs.codes_coches()

    def _porteur_saisi(self) -> str:
        """L'identifiant du porteur choisi ; un nom tapé qui correspond exactement à un porteur compte aussi."""
        texte = self.porteur.currentText().strip()
        if self.porteur.currentData() and self.porteur.itemText(self.porteur.currentIndex()) == texte:
            return self.porteur.currentData()
        index = self.porteur.findText(texte, Qt.MatchFlag.MatchFixedString)
        return self.porteur.itemData(index) if index > 0 else ""


def _avec_bouton(champ: QWidget, bouton: QPushButton) -> QWidget:
    boite = QWidget()
    ligne = QHBoxLayout(boite)
    ligne.setContentsMargins(0, 0, 0, 0)
    ligne.addWidget(champ, 1)
    ligne.addWidget(bouton)
    return boite
