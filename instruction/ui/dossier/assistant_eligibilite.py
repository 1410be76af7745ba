"""L'assistant d'éligibilité : un critère par page, puis la synthèse et le verdict.

Pour chaque critère du dispositif : la question, le résultat calculé à partir du dossier et
son explication, la source de la règle (avec l'extrait du contrat de ville), la comparaison
avec l'action de l'an dernier quand elle existe ; l'instructeur confirme le résultat, ou en
retient un autre avec un commentaire obligatoire. L'assistant ne connaît aucun critère :
il affiche ceux que déclare ``resources/criteres.yaml``, avec leurs marques : « choix local » (le
contrat ne le dit pas), « à constater » (rien ne se calcule), recommandation ou obligation (sans effet
sur l'éligibilité), règle de la loi.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import eligibilite as el
from instruction.domaine import source
from instruction.services.examen import CritereEvalue, Evaluation
from instruction.ui.champs import STYLE_ERREUR, TexteLong
from instruction.ui.dossier.section import defilante

COULEURS = {el.RESPECTE: "#1b6e20", el.NON_RESPECTE: "#b00020", el.A_VERIFIER: "#8a5300", el.SANS_OBJET: "#5f6b78"}
FONDS = {el.RESPECTE: "#e8f3e8", el.NON_RESPECTE: "#fbe9eb", el.A_VERIFIER: "#fdf3e1", el.SANS_OBJET: "#eef0f3"}
SIGNES = {el.RESPECTE: "✔", el.NON_RESPECTE: "✘", el.A_VERIFIER: "?", el.SANS_OBJET: "–"}
COULEURS_VERDICT = {el.ELIGIBLE: "#1b6e20", el.NON_ELIGIBLE: "#b00020", el.A_COMPLETER: "#8a5300"}


def marques(critere: el.Critere) -> list[tuple[str, str]]:
    """Ce que l'instructeur doit savoir de la nature du critère : (texte, couleur)."""
    resultat = []
    if critere.choix_local:
        resultat.append(("Choix local déclaré — pas une règle du contrat", "#8a3ffc"))
    elif critere.origine == el.LOI:
        resultat.append(("Règle de la loi", "#0b5cad"))
    if critere.a_constater:
        resultat.append(("À constater par l'instructeur — rien ne se calcule", "#8a5300"))
    if critere.nature == el.RECOMMANDATION:
        resultat.append(("Recommandation — ne rend pas le dossier non éligible", "#5f6b78"))
    elif critere.nature == el.OBLIGATION:
        resultat.append(("Obligation après le comité — ne change pas le verdict", "#5f6b78"))
    return resultat


def suffixe(critere: el.Critere) -> str:
    """Pour la liste des critères : « (choix local) », « (à constater) »."""
    mots = (["choix local"] if critere.choix_local else []) + (["à constater"] if critere.a_constater else [])
    return f" ({', '.join(mots)})" if mots else ""


def pastille(statut: str) -> str:
    return (f"<span style='color:{COULEURS[statut]}; font-weight:bold'>{SIGNES[statut]} "
            f"{el.STATUTS[statut]}</span>")


def _etiquette(texte: str = "", *, selectionnable: bool = False) -> QLabel:
    etiquette = QLabel(texte)
    etiquette.setWordWrap(True)
    if selectionnable:
        etiquette.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return etiquette


class PageCritere(QWidget):
    """Un critère : ce que l'application a calculé, d'où vient la règle, et la décision."""

    change = Signal()

    def __init__(self, rang: int, total: int, evalue: CritereEvalue) -> None:
        super().__init__()
        self.evalue = evalue
        critere, resultat = evalue.critere, evalue.resultat
        self.automatique = resultat.statut

        rang_label = _etiquette(f"Critère {rang} sur {total}")
        rang_label.setStyleSheet("color: #5f6b78;")
        titre = _etiquette(f"<b style='font-size:15px'>{critere.libelle}</b>")
        self.marques = _etiquette(" &nbsp; ".join(
            f"<span style='color:{couleur}; font-weight:bold'>[{texte}]</span>" for texte, couleur in marques(critere)))
        self.marques.setAccessibleName("Nature du critère")
        self.marques.setVisible(bool(marques(critere)))
        question = _etiquette(f"<i>{critere.question}</i>")

        calcule = QFrame()
        calcule.setObjectName("calcule")
        calcule.setStyleSheet(f"QFrame#calcule {{ background: {FONDS[resultat.statut]}; border-radius: 4px; }}")
        boite = QVBoxLayout(calcule)
        boite.addWidget(_etiquette(f"Résultat calculé à partir du dossier : {pastille(resultat.statut)}"))
        self.explication = _etiquette(resultat.explication, selectionnable=True)
        self.explication.setAccessibleName("Explication du résultat calculé")
        boite.addWidget(self.explication)

        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(4, 4, 4, 4)
        for w in (rang_label, titre, self.marques, question, calcule):
            disposition.addWidget(w)
        if resultat.comparaison:
            disposition.addWidget(_etiquette("<b>Comparaison avec l'action de l'année précédente</b>"))
            disposition.addWidget(self._comparaison(resultat.comparaison))
        disposition.addWidget(self._source(critere.source, critere.note))
        if evalue.precedent is not None:
            p = evalue.precedent
            texte = f"Examen précédent : {pastille(p.statut)}" + (f" — « {p.commentaire} »" if p.commentaire else "")
            disposition.addWidget(_etiquette(texte))

        # --- La décision ---
        self.confirmer = QRadioButton(f"&Confirmer le résultat calculé ({el.STATUTS[resultat.statut]})")
        self.changer = QRadioButton("&Retenir un autre résultat :")
        self.autre = QComboBox()
        self.autre.setAccessibleName("Autre résultat retenu")
        for statut, libelle in el.STATUTS.items():
            if statut != resultat.statut:
                self.autre.addItem(libelle, statut)
        groupe = QButtonGroup(self)
        groupe.addButton(self.confirmer)
        groupe.addButton(self.changer)
        self.confirmer.setChecked(True)
        self.commentaire = TexteLong(60)
        self.commentaire.setAccessibleName("Commentaire de l'instructeur")
        self.commentaire.setPlaceholderText("Obligatoire si vous retenez un autre résultat ; facultatif sinon.")
        self.erreur = _etiquette()
        self.erreur.setStyleSheet(STYLE_ERREUR)
        ligne_autre = QHBoxLayout()
        ligne_autre.addWidget(self.changer)
        ligne_autre.addWidget(self.autre)
        ligne_autre.addStretch(1)
        decision = QFrame()
        decision.setFrameShape(QFrame.Shape.StyledPanel)
        boite = QVBoxLayout(decision)
        boite.addWidget(_etiquette("<b>Votre décision</b>"))
        boite.addWidget(self.confirmer)
        boite.addLayout(ligne_autre)
        etiquette = QLabel("Co&mmentaire :")
        etiquette.setBuddy(self.commentaire)
        boite.addWidget(etiquette)
        boite.addWidget(self.commentaire)
        boite.addWidget(self.erreur)
        disposition.addWidget(decision)
        disposition.addStretch(1)

        self.autre.setEnabled(False)
        self.changer.toggled.connect(self.autre.setEnabled)
        for signal in (self.changer.toggled, self.autre.currentIndexChanged, self.commentaire.textChanged):
            signal.connect(lambda *_: self._sur_changement())
        self._reprendre(evalue)

    def _comparaison(self, lignes) -> QTableWidget:
        table = QTableWidget(len(lignes), 3)
        table.setHorizontalHeaderLabels(["", "Cette demande", "Action précédente"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        table.setAccessibleName("Comparaison avec l'action de l'année précédente")
        for rang, ligne in enumerate(lignes):
            for colonne, valeur in enumerate(ligne):
                cellule = QTableWidgetItem(valeur if len(valeur) < 600 else valeur[:600] + "…")
                cellule.setToolTip(valeur[:2000])
                if colonne == 0:
                    cellule.setFont(_gras(cellule.font()))
                table.setItem(rang, colonne, cellule)
        entete = table.horizontalHeader()
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        entete.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        entete.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        table.setMinimumHeight(170)
        return table

    def _source(self, s: el.Source, note: str = "") -> QWidget:
        cadre = QFrame()
        cadre.setObjectName("source")
        cadre.setStyleSheet("QFrame#source { background: #f4f6f8; border-left: 3px solid #9aa3ad; }")
        boite = QVBoxLayout(cadre)
        boite.addWidget(_etiquette(f"<b>Source :</b> {s}", selectionnable=True))
        if note:
            boite.addWidget(_etiquette(f"<b>Lecture :</b> {note.replace('<', '&lt;')}", selectionnable=True))
        if s.lignes:
            extraits = []
            for numero in s.lignes[:2]:
                try:
                    extraits.append(f"l. {numero} : « {source.ligne(numero).strip()} »")
                except (IndexError, ValueError, OSError):
                    continue
            if extraits:
                texte = _etiquette("<br/>".join(e.replace("<", "&lt;") for e in extraits), selectionnable=True)
                texte.setStyleSheet("color: #333; font-style: italic;")
                boite.addWidget(texte)
        return cadre

    def _reprendre(self, evalue: CritereEvalue) -> None:
        """Reprend la décision du dernier examen si le résultat calculé n'a pas changé depuis."""
        p = evalue.precedent
        if p is None or p.statut_auto != self.automatique:
            return
        if p.statut != self.automatique:
            self.changer.setChecked(True)
            self.autre.setCurrentIndex(max(self.autre.findData(p.statut), 0))
        if p.commentaire:
            self.commentaire.setPlainText(p.commentaire)

    def _sur_changement(self) -> None:
        self.erreur.clear()
        self.change.emit()

    @property
    def statut(self) -> str:
        return self.autre.currentData() if self.changer.isChecked() else self.automatique

    def decision(self) -> el.Decision:
        return el.Decision(self.evalue.code, self.statut, self.commentaire.toPlainText().strip())

    def valider(self) -> bool:
        """Refuse un autre résultat sans commentaire (le message s'affiche sur la page)."""
        if self.statut != self.automatique and not self.commentaire.toPlainText().strip():
            self.erreur.setText(
                f"Vous retenez « {el.STATUTS[self.statut]} » au lieu du résultat calculé "
                f"« {el.STATUTS[self.automatique]} » : expliquez pourquoi dans le commentaire."
            )
            self.commentaire.setFocus()
            return False
        return True


def _gras(police):
    police.setBold(True)
    return police


class PageSynthese(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.verdict = _etiquette()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Critère", "Calculé", "Retenu", "Commentaire"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAccessibleName("Synthèse des critères")
        self.table.setWordWrap(True)
        entete = self.table.horizontalHeader()
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        entete.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        entete.resizeSection(1, 110)
        entete.resizeSection(2, 110)
        self.commentaire = TexteLong(60)
        self.commentaire.setAccessibleName("Commentaire d'ensemble")
        self.commentaire.setPlaceholderText("Facultatif : ce que le comité doit savoir de cet examen.")
        etiquette = QLabel("Commentaire d'&ensemble :")
        etiquette.setBuddy(self.commentaire)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(4, 4, 4, 4)
        disposition.addWidget(_etiquette("<b style='font-size:15px'>Synthèse de l'examen</b>"))
        disposition.addWidget(self.verdict)
        disposition.addWidget(self.table, 1)
        disposition.addWidget(etiquette)
        disposition.addWidget(self.commentaire)

    def afficher(self, pages: list[PageCritere]) -> None:
        decisions = [p.decision() for p in pages]
        verdict = el.verdict(decisions)
        explication = {
            el.ELIGIBLE: "toutes les conditions sont respectées ou sans objet (recommandations et obligations "
                         "n'excluent pas).",
            el.NON_ELIGIBLE: "au moins un critère n'est pas respecté.",
            el.A_COMPLETER: "des critères restent à vérifier : l'instruction ne pourra pas être terminée.",
        }[verdict]
        self.verdict.setText(f"Verdict : <b style='color:{COULEURS_VERDICT[verdict]}; font-size:15px'>"
                             f"{el.VERDICTS[verdict]}</b> — {explication}")
        self.table.setRowCount(len(pages))
        for rang, page in enumerate(pages):
            d = page.decision()
            valeurs = (page.evalue.critere.libelle + suffixe(page.evalue.critere), el.STATUTS[page.automatique],
                       el.STATUTS[d.statut] + (" (modifié)" if d.statut != page.automatique else ""), d.commentaire)
            for colonne, valeur in enumerate(valeurs):
                cellule = QTableWidgetItem(valeur)
                if colonne == 2:
                    cellule.setForeground(QBrush(QColor(COULEURS[d.statut])))
                    cellule.setFont(_gras(cellule.font()))
                self.table.setItem(rang, colonne, cellule)
        self.table.resizeRowsToContents()
        self.verdict_calcule = verdict


class AssistantEligibilite(QDialog):
    """``enregistrement_demande(decisions, commentaire)`` : au propriétaire d'écrire l'examen, puis
    d'appeler ``termine()`` ou ``echec(message)`` (la boîte reste alors ouverte, rien n'est perdu)."""

    enregistrement_demande = Signal(list, str)

    def __init__(self, evaluation: Evaluation, parent=None) -> None:
        super().__init__(parent)
        self.evaluation = evaluation
        self.setWindowTitle(f"Assistant d'éligibilité — {evaluation.numero}")
        self.resize(980, 680)
        n = len(evaluation.criteres)
        self.pages = [PageCritere(i + 1, n, ce) for i, ce in enumerate(evaluation.criteres)]
        self.synthese = PageSynthese()
        if evaluation.examen and evaluation.examen.commentaire:
            self.synthese.commentaire.setPlainText(evaluation.examen.commentaire)

        self.etapes = QListWidget()
        self.etapes.setAccessibleName("Critères examinés")
        self.etapes.setFixedWidth(270)
        self.etapes.setWordWrap(True)
        self.pile = QStackedWidget()
        for page in self.pages:
            self.pile.addWidget(defilante(page))
            QListWidgetItem(page.evalue.critere.libelle + suffixe(page.evalue.critere), self.etapes)
            page.change.connect(self._rafraichir_etapes)
        QListWidgetItem("Synthèse et verdict", self.etapes)
        self.pile.addWidget(self.synthese)
        self.etapes.currentRowChanged.connect(self._etape_choisie)

        entete = _etiquette(f"<b>{evaluation.numero}</b> — {evaluation.intitule}<br/>"
                            f"<span style='color:#5f6b78'>{evaluation.dispositif_libelle} : {n} critères</span>")
        self.message = _etiquette()
        self.message.setStyleSheet(STYLE_ERREUR)
        self.precedent = QPushButton("‹ &Précédent")
        self.suivant = QPushButton("&Suivant ›")
        self.enregistrer = QPushButton("&Enregistrer l'examen")
        self.annuler = QPushButton("Annuler")
        self.precedent.clicked.connect(lambda: self.aller(self.pile.currentIndex() - 1, verifier=False))
        self.suivant.clicked.connect(lambda: self.aller(self.pile.currentIndex() + 1))
        self.enregistrer.clicked.connect(self._enregistrer)
        self.annuler.clicked.connect(self.reject)
        self.suivant.setDefault(True)
        boutons = QHBoxLayout()
        boutons.addWidget(self.message, 1)
        for b in (self.precedent, self.suivant, self.enregistrer, self.annuler):
            boutons.addWidget(b)
        corps = QHBoxLayout()
        corps.addWidget(self.etapes)
        corps.addWidget(self.pile, 1)
        disposition = QVBoxLayout(self)
        disposition.addWidget(entete)
        disposition.addLayout(corps, 1)
        disposition.addLayout(boutons)
        self._rafraichir_etapes()
        self.aller(0, verifier=False)

    # --- Navigation ---------------------------------------------------------------------------------

    @property
    def page_courante(self) -> PageCritere | None:
        rang = self.pile.currentIndex()
        return self.pages[rang] if rang < len(self.pages) else None

    def aller(self, rang: int, *, verifier: bool = True) -> bool:
        """Va à la page ``rang`` ; en avançant, refuse de quitter une page dont la décision est incomplète."""
        rang = max(0, min(rang, len(self.pages)))
        courante = self.page_courante
        if verifier and rang > self.pile.currentIndex() and courante is not None and not courante.valider():
            self.etapes.blockSignals(True)
            self.etapes.setCurrentRow(self.pile.currentIndex())
            self.etapes.blockSignals(False)
            return False
        self.message.clear()
        if rang == len(self.pages):
            self.synthese.afficher(self.pages)
        self.pile.setCurrentIndex(rang)
        self.etapes.blockSignals(True)
        self.etapes.setCurrentRow(rang)
        self.etapes.blockSignals(False)
        self.precedent.setEnabled(rang > 0)
        self.suivant.setEnabled(rang < len(self.pages))
        self.enregistrer.setEnabled(rang == len(self.pages))
        self.suivant.setDefault(rang < len(self.pages))
        self.enregistrer.setDefault(rang == len(self.pages))
        if rang < len(self.pages):
            self.pages[rang].confirmer.setFocus()
        return True

    def _etape_choisie(self, rang: int) -> None:
        if rang >= 0 and rang != self.pile.currentIndex():
            self.aller(rang)

    def _rafraichir_etapes(self) -> None:
        for rang, page in enumerate(self.pages):
            item = self.etapes.item(rang)
            statut = page.statut
            item.setText(f"{SIGNES[statut]}  {page.evalue.critere.libelle}{suffixe(page.evalue.critere)}")
            item.setForeground(QBrush(QColor(COULEURS[statut])))
            item.setToolTip(f"Retenu : {el.STATUTS[statut]}")

    # --- Enregistrement ----------------------------------------------------------------------------

    def decisions(self) -> list[el.Decision]:
        return [page.decision() for page in self.pages]

    def _enregistrer(self) -> None:
        for rang, page in enumerate(self.pages):
            if not page.valider():
                self.aller(rang, verifier=False)
                self.message.setText("Une décision est à compléter avant d'enregistrer.")
                return
        self.enregistrer.setEnabled(False)
        self.message.setText("")
        self.enregistrement_demande.emit(self.decisions(), self.synthese.commentaire.toPlainText().strip())

    def termine(self) -> None:
        self.accept()

    def echec(self, message: str) -> None:
        self.enregistrer.setEnabled(True)
        self.message.setText(message)
