"""L'évaluation du contrat de ville (2027 à mi-parcours, 2030 finale — l. 4015) : les 129 indicateurs du référentiel
rangés par objectif stratégique, leurs valeurs (référence, années, source, date, qui les a saisies), la courbe d'un
indicateur ou des indicateurs d'un objectif (base 100 à la référence), l'export Excel et le rapport d'échéance en PDF
(avec la programmation des mêmes objectifs). Un onglet de travail (menu Suivi).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates, evaluation as domaine
from instruction.domaine import suivi as domaine_suivi
from instruction.domaine.texte import pour_recherche
from instruction.services.actions import SUIVI
from instruction.services.actions import evaluation as actions
from instruction.ui import apercu_document, fichiers
from instruction.ui.graphiques import GraphiqueCourbes, couleur, nombre
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

ROLE_CODE = Qt.ItemDataRole.UserRole
COLONNES_INDICATEUR = ["Année", "Valeur", "Appréciation", "Source", "Date", "Saisie par"]
COLONNES_OBJECTIF = ["Indicateur", "Libellé", "Référence", "Dernière valeur", "Évolution", "Propriétaire"]


class PageEvaluation(QWidget):
    titre_change = Signal()
    titre_onglet = "Évaluation du contrat de ville"
    modifie = False

    def __init__(self, contexte) -> None:
        super().__init__()
        self.contexte = contexte
        self.lu = None
        self.choix: tuple[str, str] | None = None  # ("objectif" | "indicateur", code)
        self.filtre = QLineEdit()
        self.filtre.setPlaceholderText("Filtrer les indicateurs (mot, code, propriétaire)…")
        self.filtre.setAccessibleName("Filtre des indicateurs")
        self.filtre.setClearButtonEnabled(True)
        self.renseignes = QCheckBox("Seulement les &renseignés")
        self.exporter = QPushButton("E&xporter les indicateurs (Excel)…")
        self.echeance = QComboBox()
        self.echeance.setAccessibleName("Rapport d'évaluation")
        for annee, libelle in domaine.ECHEANCES.items():
            self.echeance.addItem(f"{libelle} {annee}", annee)
        self.enregistrer_rapport = QPushButton("Enregistrer en P&DF…")
        self.enregistrer_rapport.setToolTip("Le rapport d'évaluation choisi, en PDF (contrat de ville, l. 4015)")
        self.apercu = QPushButton(apercu_document.LIBELLE.replace("impression", "i&mpression", 1))
        self.apercu.setToolTip(apercu_document.BULLE)
        self.exporter.clicked.connect(self._exporter)
        self.enregistrer_rapport.clicked.connect(lambda: self._rapport(self.echeance.currentData()))
        self.apercu.clicked.connect(lambda: self.apercu_du_rapport(self.echeance.currentData()))
        haut = QHBoxLayout()
        haut.addWidget(self.filtre, 1)
        haut.addWidget(self.renseignes)
        haut.addWidget(self.exporter)
        haut.addSpacing(12)
        etiquette = QLabel("Ra&pport :")
        etiquette.setBuddy(self.echeance)
        haut.addWidget(etiquette)
        for champ in (self.echeance, self.enregistrer_rapport, self.apercu):
            haut.addWidget(champ)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.arbre = QTreeWidget()
        self.arbre.setAccessibleName("Indicateurs par objectif stratégique")
        self.arbre.setHeaderLabels(["Objectif / indicateur", "Valeurs"])
        self.arbre.setColumnWidth(0, 420)
        self.arbre.currentItemChanged.connect(lambda item, _a: self._choisir(item))
        self.titre = QLabel()
        self.titre.setWordWrap(True)
        self.titre.setTextFormat(Qt.TextFormat.RichText)
        self.titre.setMinimumHeight(38)
        self.graphique = GraphiqueCourbes("Graphique : valeurs de l'indicateur dans le temps", formater=nombre)
        self.graphique.setMinimumHeight(230)
        self.valeurs = table_lecture(COLONNES_INDICATEUR, "Valeurs de l'indicateur", etirees=(2, 3))
        self.valeurs.doubleClicked.connect(lambda _i: self._modifier())
        self.ajouter = QPushButton("&Ajouter une valeur…")
        self.modifier_ = QPushButton("M&odifier…")
        self.supprimer = QPushButton("&Supprimer")
        self.ajouter.clicked.connect(lambda: self._saisir(None))
        self.modifier_.clicked.connect(self._modifier)
        self.supprimer.clicked.connect(self._supprimer)
        boutons = QHBoxLayout()
        for bouton in (self.ajouter, self.modifier_, self.supprimer):
            boutons.addWidget(bouton)
        boutons.addStretch(1)
        droite = QWidget()
        colonne = QVBoxLayout(droite)
        colonne.setContentsMargins(0, 0, 0, 0)
        colonne.addWidget(self.titre)
        colonne.addWidget(self.graphique, 3)
        colonne.addWidget(self.valeurs, 2)
        colonne.addLayout(boutons)
        corps = QSplitter(Qt.Orientation.Horizontal)
        corps.addWidget(self.arbre)
        corps.addWidget(droite)
        corps.setSizes([520, 820])
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(haut)
        disposition.addWidget(self.message)
        disposition.addWidget(corps, 1)
        utilisateur = getattr(contexte, "utilisateur", None)
        self._peut = utilisateur is None or utilisateur.peut("evaluation.indicateurs")
        self.filtre.textChanged.connect(lambda _t: self._remplir_arbre())
        self.renseignes.toggled.connect(lambda _c: self._remplir_arbre())
        self.relire()

    def demander_fermeture(self, apres_brouillon=None) -> bool:
        return True

    def relire(self) -> None:
        Operation(actions.tableau, self.contexte, parent=self).apres(self.afficher).refus(self.message.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(SUIVI) and origine is not self:
            self.relire()

    # --- Arbre ----------------------------------------------------------------------------------------------

    def afficher(self, lu) -> None:
        self.lu = lu
        renseignes = sum(1 for s in lu.series if s.points)
        self.message.setText(f"{len(lu.series)} indicateurs (contrat de ville, l. 4019-4076), {renseignes} "
                             "renseigné(s). Évaluation continue, point d'étape à mi-parcours en 2027, évaluation "
                             "globale en 2030 (l. 4015).")
        self._remplir_arbre()

    def _remplir_arbre(self) -> None:
        if self.lu is None:
            return
        mot = pour_recherche(self.filtre.text().strip())
        self.arbre.blockSignals(True)
        self.arbre.clear()
        courant = None
        for objectif in [*self.lu.objectifs, None]:
            series = [s for s in self.lu.de_l_objectif(objectif.code if objectif else None)
                      if (not self.renseignes.isChecked() or s.points)
                      and (not mot or mot in pour_recherche(f"{s.code} {s.libelle} {s.proprietaire or ''}"))]
            if not series:
                continue
            code = objectif.code if objectif else ""
            noeud = QTreeWidgetItem([f"{objectif.code} — {objectif.libelle}" if objectif else
                                     "Indicateurs transversaux", str(sum(len(s.points) for s in series) or "")])
            noeud.setData(0, ROLE_CODE, ("objectif", code))
            noeud.setToolTip(0, objectif.axe_libelle if objectif else "Regard global, pilotage, thèmes transversaux")
            police = noeud.font(0)
            police.setBold(True)
            noeud.setFont(0, police)
            self.arbre.addTopLevelItem(noeud)
            for s in series:
                feuille = QTreeWidgetItem([f"{s.code} — {s.libelle}", str(len(s.points)) if s.points else ""])
                feuille.setData(0, ROLE_CODE, ("indicateur", s.code))
                feuille.setToolTip(0, s.libelle)
                noeud.addChild(feuille)
                if self.choix == ("indicateur", s.code):
                    courant = feuille
            if self.choix == ("objectif", code):
                courant = noeud
            noeud.setExpanded(bool(mot) or self.renseignes.isChecked() or any(s.points for s in series))
        self.arbre.blockSignals(False)
        if courant is None and self.arbre.topLevelItemCount():
            courant = self.arbre.topLevelItem(0)
        if courant is not None:
            self.arbre.setCurrentItem(courant)
            self._choisir(courant)

    def _choisir(self, item) -> None:
        if item is None or self.lu is None:
            return
        self.choix = item.data(0, ROLE_CODE)
        genre, code = self.choix
        if genre == "indicateur":
            self._indicateur(next(s for s in self.lu.series if s.code == code))
        else:
            self._objectif(code or None)

    # --- Vues ------------------------------------------------------------------------------------------------

    def _annees(self, points) -> list[int]:
        return domaine.annees_du_rapport(max([2027] + [p.annee for p in points]), list(points))

    def serie_choisie(self):
        if self.choix is None or self.choix[0] != "indicateur" or self.lu is None:
            return None
        return next(s for s in self.lu.series if s.code == self.choix[1])

    def _indicateur(self, s) -> None:
        niveau = {"territoire": "statistique du territoire", "action": "remonté par les actions"}.get(s.niveau,
                                                                                                      s.niveau)
        evolution = s.evolution
        texte_evolution = ""
        if evolution is not None:
            from instruction.rapports.evaluation import evolution as formater_evolution

            texte_evolution = f" ; évolution depuis la référence : <b>{formater_evolution(s)}</b>"
        self.titre.setText(f"<b>{s.code} — {_e(s.libelle)}</b><br/>{_e(niveau.capitalize())}, propriétaire : "
                           f"{_e(s.proprietaire or 'non désigné')}, nature : {_e(s.nature or '—')}"
                           + (f" (contrat, l. {s.ligne})" if s.ligne else "") + texte_evolution)
        annees = self._annees(s.points)
        self.graphique.setAccessibleName(f"Graphique : {s.code} dans le temps")
        self.graphique.formater = nombre
        self.graphique.definir([str(a) for a in annees], [(s.code, couleur(0), [s.valeur(a) for a in annees])]
                               if any(p.valeur is not None for p in s.points) else [])
        self.valeurs.setHorizontalHeaderLabels(COLONNES_INDICATEUR)
        remplir_table(self.valeurs, [
            [str(p.annee) + (" (référence)" if p.reference else ""),
             domaine_suivi.formater_decimal(p.valeur), p.texte or "", p.source or "", dates.formater(p.date_valeur),
             f"{p.saisi_par}, {dates.formater_horodatage(p.saisi_le)}"] for p in s.points])
        for rang in range(self.valeurs.rowCount()):
            self.valeurs.item(rang, 1).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for bouton in (self.ajouter, self.modifier_, self.supprimer):
            bouton.setEnabled(self._peut)
            bouton.show()

    def _objectif(self, code: str | None) -> None:
        series = self.lu.de_l_objectif(code)
        objectif = next((o for o in self.lu.objectifs if o.code == code), None)
        points = [p for s in series for p in s.points]
        annees = self._annees(points)
        avec_reference = [s for s in series if s.reference is not None and s.reference.valeur]
        self.titre.setText(f"<b>{_e(f'{objectif.code} — {objectif.libelle}' if objectif else 'Indicateurs transversaux')}"
                           f"</b><br/>{len(series)} indicateur(s), {sum(1 for s in series if s.points)} renseigné(s) ; "
                           "courbes en base 100 à la situation de référence (des unités différentes se comparent).")
        self.graphique.setAccessibleName("Graphique : indicateurs de l'objectif, base 100 à la référence")
        self.graphique.formater = nombre
        self.graphique.definir([str(a) for a in annees], [(s.code, couleur(i), s.indices(annees))
                                                         for i, s in enumerate(avec_reference)])
        from instruction.rapports.evaluation import evolution as formater_evolution

        self.valeurs.setHorizontalHeaderLabels(COLONNES_OBJECTIF)

        def annee_valeur(point) -> str:
            return f"{point.annee} : {domaine_suivi.formater_decimal(point.valeur) or '(appréciation)'}" if point else ""

        remplir_table(self.valeurs, [
            [s.code, s.libelle, annee_valeur(s.reference), annee_valeur(s.derniere), formater_evolution(s),
             s.proprietaire or ""] for s in series if s.points])
        for bouton in (self.ajouter, self.modifier_, self.supprimer):
            bouton.hide()

    # --- Gestes ----------------------------------------------------------------------------------------------

    def _point_choisi(self):
        s = self.serie_choisie()
        rang = self.valeurs.currentRow()
        return s.points[rang] if s is not None and 0 <= rang < len(s.points) else None

    def _saisir(self, point) -> None:
        from instruction.ui.suivi.dialogue_valeur_indicateur import DialogueValeurIndicateur

        s = self.serie_choisie()
        if s is None or not self._peut:
            return
        boite = DialogueValeurIndicateur(self.contexte, s, point, self)
        if boite.exec():
            self.afficher(boite.resultat)

    def _modifier(self) -> None:
        point = self._point_choisi()
        if point is None:
            self.message.setText("Choisissez d'abord une valeur dans la liste.")
            return
        self._saisir(point)

    def _supprimer(self) -> None:
        s, point = self.serie_choisie(), self._point_choisi()
        if point is None:
            return
        if QMessageBox.question(self, "Supprimer la valeur", f"Supprimer la valeur {point.annee} de {s.code} ?") \
                == QMessageBox.StandardButton.Yes:
            Operation(actions.supprimer_valeur, self.contexte, s.code, point.annee, parent=self) \
                .apres(self.afficher).refus(self.message.setText).lancer()

    def _ouvrir(self, fichier) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(fichier)))

    def _exporter(self) -> None:
        chemin = fichiers.enregistrer_sous(self, "Exporter les indicateurs de l'évaluation",
                                           "Indicateurs du contrat de ville.xlsx", "Classeur Excel (*.xlsx)")
        if chemin:
            Operation(actions.exporter_indicateurs, self.contexte, chemin, parent=self).apres(self._ouvrir) \
                .refus(self.message.setText).lancer()

    def _rapport(self, echeance: int) -> None:
        from instruction.rapports.evaluation import nom_de_fichier

        chemin = fichiers.enregistrer_sous(self, f"{domaine.ECHEANCES[echeance]} {echeance}",
                                           nom_de_fichier(echeance), "Document PDF (*.pdf)")
        if chemin:
            Operation(actions.rapport_echeance, self.contexte, echeance, chemin, parent=self) \
                .apres(lambda fichier: self.message.setText(f"Écrit : {fichier}")).refus(self.message.setText).lancer()

    def apercu_du_rapport(self, echeance: int) -> None:
        """Le rapport d'évaluation en PDF, écrit hors du fil de l'interface, puis son aperçu avant impression."""
        from instruction.rapports.evaluation import nom_de_fichier

        apercu_document.apercu_apres_ecriture(
            self, f"{domaine.ECHEANCES[echeance]} {echeance}", nom_de_fichier(echeance), actions.rapport_echeance,
            self.contexte, echeance, refus=self.message.setText, apres=self.message.clear)


def _e(texte: str) -> str:
    from html import escape

    return escape(texte or "")

