"""Les commandes de scénario de la page « Programmation » : nouveau (pré-rempli avec les propositions de
l'instructeur), dupliquer, renommer, supprimer (les décisions du comité ne changent pas), et l'export du classeur
de la programmation (une synthèse, une feuille par cofinanceur).

``CommandesScenarios`` se mêle à ``PageProgrammation`` : elle s'appuie sur son ``contexte``, sa ``campagne_id``,
son ``modele``, ``relire`` (le tableau relu sur le scénario créé, renommé…) et ``_dire`` (refus et résultat).
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from instruction.services.actions import programmation as actions
from instruction.ui.operation import Operation


class CommandesScenarios:
    """Les boutons Nouveau…, Dupliquer…, Renommer…, Supprimer et Exporter… de la page."""


    def _nom(self, titre: str, defaut: str = "") -> str | None:
        nom, ok = QInputDialog.getText(self, titre, "Nom du scénario :", text=defaut)
        return nom.strip() if ok and nom.strip() else None

    def nouveau_scenario(self, nom: str | None = None) -> None:
        nom = nom or self._nom("Nouveau scénario", f"Scénario {len(self.modele.tableau.scenarios) + 1}"
                               if self.modele.tableau else "Scénario 1")
        if nom and self.campagne_id is not None:
            Operation(actions.creer_scenario, self.contexte, self.campagne_id, nom, parent=self).apres(
                lambda s: self.relire(scenario_id=s.id)).refus(self._dire).lancer()

    def dupliquer_scenario(self, nom: str | None = None) -> None:
        scenario = self.modele.scenario
        if scenario is None:
            return
        nom = nom or self._nom("Dupliquer le scénario", f"{scenario.nom} (variante)")
        if nom:
            Operation(actions.dupliquer_scenario, self.contexte, scenario.id, nom, parent=self).apres(
                lambda s: self.relire(scenario_id=s.id)).refus(self._dire).lancer()

    def renommer_scenario(self) -> None:
        scenario = self.modele.scenario
        nom = self._nom("Renommer le scénario", scenario.nom) if scenario else None
        if nom:
            Operation(actions.renommer_scenario, self.contexte, scenario.id, nom, parent=self).apres(
                lambda s: self.relire(scenario_id=s.id)).refus(self._dire).lancer()

    def supprimer_scenario(self) -> None:
        scenario = self.modele.scenario
        if scenario is None:
            return
        reponse = QMessageBox.question(self, "Supprimer le scénario",
                                       f"Supprimer le scénario « {scenario.nom} » ? Les décisions du comité ne "
                                       "changent pas.")
        if reponse == QMessageBox.StandardButton.Yes:
            Operation(actions.supprimer_scenario, self.contexte, scenario.id, parent=self).apres(
                lambda _v: self.relire(scenario_id=None)).refus(self._dire).lancer()

    def exporter(self) -> None:
        from instruction.ui import fichiers

        if self.modele.tableau is None:
            return
        code = self.modele.tableau.campagne.code
        fichier = fichiers.enregistrer_sous(self, "Exporter la programmation", f"programmation-{code}.xlsx",
                                            "Classeur (*.xlsx)", ".xlsx")
        if fichier is None:
            return
        scenario = self.modele.scenario.id if self.modele.scenario else None
        Operation(actions.exporter, self.contexte, self.campagne_id, fichier, scenario, parent=self).apres(
            lambda chemin: self._dire(f"Programmation exportée : {chemin}", erreur=False)).refus(self._dire).lancer()
