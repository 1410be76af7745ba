"""Le bandeau des enveloppes : « enveloppe / programmé / reste à programmer » par cofinanceur.

Un petit widget réutilisable : la page de programmation le tient à jour à chaque frappe (``afficher`` avec
les chiffres qu'elle calcule), la séance du comité ou la boîte des montants accordés le chargent eux-mêmes
(``charger(contexte, annee, dispositif)`` ou ``charger_dossier(contexte, dossier_id)``, lecture hors du fil de
l'interface) et le relisent d'après les changements diffusés (``sur_changement``).

Une colonne par cofinanceur : son sigle, l'enveloppe, le décidé, le scénario (s'il y en a un), le reste ; un
reste négatif (enveloppe dépassée) est en rouge, un cofinanceur sans enveloppe dit « pas d'enveloppe ».
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from instruction.domaine import argent
from instruction.domaine.programmation import SituationEnveloppe

ROUGE, VERT, GRIS = "#b00020", "#2e7d32", "#666666"
LIGNES = ("Enveloppe", "Décidé", "Scénario", "Reste à programmer")


def _court(montant) -> str:
    """« 582 497 € » : sans centimes quand il n'y en a pas (le bandeau reste étroit)."""
    if montant is None:
        return "—"
    texte = argent.formater(montant)
    return texte.replace(",00\u00a0€", "\u00a0€")


class BandeauEnveloppes(QFrame):
    def __init__(self, parent: QWidget | None = None, *, avec_scenario: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("bandeauEnveloppes")
        self.setAccessibleName("Enveloppes des cofinanceurs")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#bandeauEnveloppes { background: #f5f7fa; }")
        self._avec_scenario = avec_scenario
        self._source: tuple | None = None  # ce que ``relire`` recharge
        self._contexte = None
        self._abonne = False
        self.situations: list[SituationEnveloppe] = []
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(4, 2, 4, 2)
        defilement = QScrollArea()
        defilement.setWidgetResizable(True)
        defilement.setFrameShape(QFrame.Shape.NoFrame)
        defilement.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._contenu = QWidget()
        self._grille = QGridLayout(self._contenu)
        self._grille.setContentsMargins(0, 0, 0, 0)
        self._grille.setHorizontalSpacing(18)
        self._grille.setVerticalSpacing(1)
        defilement.setWidget(self._contenu)
        disposition.addWidget(defilement)
        self.cases: dict[tuple[str, str], QLabel] = {}  # (cofinanceur, ligne) → étiquette (pour les tests)
        self.afficher([])

    # --- Affichage ------------------------------------------------------------------------------------------

    def afficher(self, situations: Sequence[SituationEnveloppe]) -> None:
        cles = [(s.financeur, s.axe) for s in situations]
        if cles and cles == [(s.financeur, s.axe) for s in self.situations]:
            self.situations = list(situations)
            self._mettre_a_jour()  # mêmes cofinanceurs : les textes seulement (à chaque frappe du tableau)
            return
        self.situations = list(situations)
        while self._grille.count():
            element = self._grille.takeAt(0)
            if element.widget() is not None:
                element.widget().deleteLater()
        self.cases = {}
        lignes = [l for l in LIGNES if self._avec_scenario or l != "Scénario"]
        if not situations:
            vide = QLabel("Aucune enveloppe ni aucun montant pour cette campagne.")
            vide.setStyleSheet(f"color: {GRIS};")
            self._grille.addWidget(vide, 0, 0)
            self._ajuster(1)
            return
        for rang, libelle in enumerate(lignes, start=1):
            etiquette = QLabel(libelle)
            etiquette.setStyleSheet(f"color: {GRIS};")
            self._grille.addWidget(etiquette, rang, 0)
        for colonne, s in enumerate(situations, start=1):
            titre = QLabel(f"<b>{s.libelle}</b>" + (f"<br><small>{s.axe}</small>" if s.axe else ""))
            titre.setAlignment(Qt.AlignmentFlag.AlignRight)
            titre.setToolTip(self._bulle(s))
            self._grille.addWidget(titre, 0, colonne)
            for rang, libelle in enumerate(lignes, start=1):
                case = QLabel()
                case.setAlignment(Qt.AlignmentFlag.AlignRight)
                self._grille.addWidget(case, rang, colonne)
                self.cases[(s.financeur if not s.axe else f"{s.financeur}:{s.axe}", libelle)] = case
        self._grille.setColumnStretch(len(situations) + 1, 1)
        self._ajuster(len(lignes) + 1)
        self._mettre_a_jour()

    def _mettre_a_jour(self) -> None:
        for s in self.situations:
            valeurs = {"Enveloppe": _court(s.enveloppe) if s.enveloppe is not None else "pas d'enveloppe",
                       "Décidé": _court(s.decide), "Scénario": _court(s.simule),
                       "Reste à programmer": _court(s.reste) if s.reste is not None else "—"}
            bulle = self._bulle(s)
            for libelle, texte in valeurs.items():
                case = self.cases.get((s.financeur if not s.axe else f"{s.financeur}:{s.axe}", libelle))
                if case is None:
                    continue
                case.setText(texte)
                case.setToolTip(bulle)
                if libelle == "Reste à programmer" and s.reste is not None:
                    case.setStyleSheet(f"color: {ROUGE if s.depasse else VERT}; font-weight: bold;")
                elif libelle == "Enveloppe" and s.enveloppe is None:
                    case.setStyleSheet(f"color: {GRIS}; font-style: italic;")

    def _ajuster(self, lignes: int) -> None:
        hauteur = self.fontMetrics().height() + 3
        self.setFixedHeight(lignes * hauteur + 22)

    @staticmethod
    def _bulle(s: SituationEnveloppe) -> str:
        if s.enveloppe is None:
            return (f"{s.libelle} : pas d'enveloppe saisie (pas de limite) ; décidé {argent.formater(s.decide)}, "
                    f"scénario {argent.formater(s.simule)}.")
        taux = f" ({s.taux} % de l'enveloppe)" if s.taux is not None else ""
        etat = "dépassée de " + argent.formater(-s.reste) if s.depasse else "reste " + argent.formater(s.reste)
        return (f"{s.libelle} : enveloppe {argent.formater(s.enveloppe)} ; décidé {argent.formater(s.decide)}, "
                f"scénario {argent.formater(s.simule)}, programmé {argent.formater(s.programme)}{taux} ; {etat}. "
                f"Encore demandé par les dossiers non tranchés : {argent.formater(s.demande)}.")

    # --- Chargement autonome (séance, montants accordés) -------------------------------------------------

    def charger(self, contexte, annee: int, dispositif: str, scenario_id: int | None = None) -> None:
        from instruction.services.actions import programmation as actions

        self._contexte, self._source = contexte, (actions.situation, annee, dispositif, scenario_id)
        self.relire()

    def charger_dossier(self, contexte, dossier_id: int) -> None:
        """Le bandeau de la campagne d'un dossier (sans scénario)."""
        from instruction.services.actions import programmation as actions

        self._contexte, self._source = contexte, (actions.situation_du_dossier, dossier_id)
        self.relire()

    def relire(self) -> None:
        if self._source is None or self._contexte is None:
            return
        from instruction.ui.operation import Operation

        if not self._abonne:  # relu d'après les changements diffusés par toute Operation
            from instruction.ui.operation import diffusion

            diffusion().changement.connect(self.sur_changement)
            self._abonne = True
        fonction, *arguments = self._source
        Operation(fonction, self._contexte, *arguments, parent=self).apres(self.afficher).refus(
            lambda message: self.setToolTip(message)).lancer()

    def sur_changement(self, changements, _origine=None) -> None:
        from instruction.services.actions import COMITE, INSTRUCTION, PROGRAMMATION

        if changements.touche(PROGRAMMATION, INSTRUCTION, COMITE):
            self.relire()
