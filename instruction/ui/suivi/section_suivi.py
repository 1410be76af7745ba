"""La section « Suivi et bilans » de l'onglet d'un dossier : comités de pilotage, visites évaluatives, années de
suivi renforcé et, quand ils existent, les comptes rendus financiers du dossier (widget des bilans,
``ui/suivi/comptes_rendus_du_dossier.py``).

Construite à sa première apparition (``ui/dossier/sections_cycle.py``) ; se relit quand une action touche le
suivi (ou les bilans) de ce dossier.
"""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates, suivi as domaine
from instruction.services.actions import BILANS, SUIVI
from instruction.services.actions import suivi as actions
from instruction.ui.operation import Operation
from instruction.ui.tableaux import remplir_table, table_lecture

MODULE_COMPTES_RENDUS = "instruction.ui.suivi.comptes_rendus_du_dossier"


def _groupe(titre: str, table, boutons: list[QPushButton]) -> QGroupBox:
    groupe = QGroupBox(titre)
    disposition = QVBoxLayout(groupe)
    disposition.addWidget(table, 1)
    ligne = QHBoxLayout()
    for bouton in boutons:
        ligne.addWidget(bouton)
    ligne.addStretch(1)
    disposition.addLayout(ligne)
    return groupe


class SectionSuivi(QWidget):
    def __init__(self, contexte, dossier_id: int) -> None:
        super().__init__()
        self.contexte, self.dossier_id = contexte, dossier_id
        self.suivi = None
        self.bandeau = QLabel()
        self.bandeau.setWordWrap(True)
        self.bandeau.setStyleSheet("background: #fff4e5; color: #5f3b00; padding: 6px; border-radius: 3px;")
        self.bandeau.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")

        self.copils = table_lecture(["Date", "Statut", "Lieu", "Participants", "Compte rendu"], "Comités de pilotage",
                                    etirees=(3,))
        self.ajouter_copil = QPushButton("&Nouveau copil…")
        self.modifier_copil = QPushButton("Modifier…")
        self.ouvrir_cr = QPushButton("Ouvrir le compte rendu")
        self.supprimer_copil = QPushButton("Supprimer")
        self.ajouter_copil.clicked.connect(lambda: self._copil(None))
        self.modifier_copil.clicked.connect(lambda: self._copil(self._choisi(self.copils, "copils")))
        self.copils.doubleClicked.connect(lambda _i: self._copil(self._choisi(self.copils, "copils")))
        self.ouvrir_cr.clicked.connect(self._ouvrir_compte_rendu)
        self.supprimer_copil.clicked.connect(self._supprimer_copil)

        self.visites = table_lecture(["Prévue le", "Faite le", "Statut", "Lieu", "Appréciations"],
                                     "Visites évaluatives", etirees=(4,))
        self.ajouter_visite = QPushButton("&Programmer une visite…")
        self.modifier_visite = QPushButton("Compte rendu / modifier…")
        self.supprimer_visite = QPushButton("Supprimer")
        self.ajouter_visite.clicked.connect(lambda: self._visite(None))
        self.modifier_visite.clicked.connect(lambda: self._visite(self._choisi(self.visites, "visites")))
        self.visites.doubleClicked.connect(lambda _i: self._visite(self._choisi(self.visites, "visites")))
        self.supprimer_visite.clicked.connect(self._supprimer_visite)

        self.renforce = QLabel()
        self.renforce.setWordWrap(True)
        self.renforce.setTextFormat(Qt.TextFormat.RichText)

        haut = QSplitter(Qt.Orientation.Horizontal)
        haut.addWidget(_groupe("Comités de pilotage de l'action (au moins un par an, l. 3960)", self.copils,
                               [self.ajouter_copil, self.modifier_copil, self.ouvrir_cr, self.supprimer_copil]))
        haut.addWidget(_groupe("Visites évaluatives programmées (l. 3960)", self.visites,
                               [self.ajouter_visite, self.modifier_visite, self.supprimer_visite]))
        groupe_renforce = QGroupBox("Suivi renforcé (l. 3968)")
        QVBoxLayout(groupe_renforce).addWidget(self.renforce)
        self.corps = QSplitter(Qt.Orientation.Vertical)
        self.corps.addWidget(haut)
        self.corps.addWidget(groupe_renforce)
        self.comptes_rendus = self._widget_comptes_rendus()
        if self.comptes_rendus is not None:  # il porte son propre titre
            self.corps.addWidget(self.comptes_rendus)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addWidget(self.bandeau)
        disposition.addWidget(self.message)
        disposition.addWidget(self.corps, 1)
        self.relire()

    def _widget_comptes_rendus(self) -> QWidget | None:
        """Le widget des comptes rendus financiers du dossier, s'il est livré (les bilans le construisent)."""
        if importlib.util.find_spec(MODULE_COMPTES_RENDUS) is None:
            return None
        module = importlib.import_module(MODULE_COMPTES_RENDUS)
        return module.ComptesRendusDuDossier(self.contexte, self.dossier_id, parent=self)

    # --- Lecture -------------------------------------------------------------------------------------

    def relire(self) -> None:
        Operation(actions.lire, self.contexte, self.dossier_id, parent=self).apres(self.afficher) \
            .refus(self.message.setText).lancer()
        relire = getattr(self.comptes_rendus, "relire", None)
        if relire is not None:
            relire()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche_dossier(self.dossier_id) and changements.touche(SUIVI, BILANS, "dossier", "instruction"):
            self.relire()
        suivre = getattr(self.comptes_rendus, "sur_changement", None)
        if suivre is not None:
            suivre(changements, origine)

    def afficher(self, suivi) -> None:
        self.suivi = suivi
        self.message.clear()
        self.bandeau.setText(suivi.raison_non_suivable)
        self.bandeau.setVisible(not suivi.suivable)
        peut = suivi.suivable and self._peut()
        for bouton in (self.ajouter_copil, self.modifier_copil, self.supprimer_copil, self.ajouter_visite,
                       self.modifier_visite, self.supprimer_visite):
            bouton.setEnabled(peut)
        remplir_table(self.copils, [
            [dates.formater(c.date), c.statut, c.lieu or "", ", ".join(c.participants), c.compte_rendu or "—"]
            for c in suivi.copils], couleurs={(r, 1): "#8a5300" for r, c in enumerate(suivi.copils) if not c.tenu})
        remplir_table(self.visites, [
            [dates.formater(v.prevue_le), dates.formater(v.faite_le), v.statut, v.lieu or "",
             _appreciations(v)]
            for v in suivi.visites])
        if suivi.suivi_renforce:
            lignes = []
            for a in suivi.suivi_renforce:
                impacts = "".join(
                    f"<li>{_e(i.libelle)} : départ {_e(domaine.formater_decimal(i.valeur_initiale, i.unite, vide='—'))}"
                    f", cible {_e(domaine.formater_decimal(i.cible, i.unite, vide='—'))}, mesuré "
                    f"{_e(domaine.formater_decimal(i.valeur_mesuree, i.unite, vide='—'))}</li>" for i in a.indicateurs)
                lignes.append(f"<b>{a.annee}</b> — {_e(a.motif)} ({a.copils} copil(s), {a.visites} visite(s) dans "
                              f"l'année)" + (f"<ul>{impacts}</ul>" if impacts else ""))
            self.renforce.setText("<br/>".join(lignes))
        else:
            self.renforce.setText("Cette action n'est pas en suivi renforcé (menu Suivi › Suivi renforcé de "
                                  "l'année).")

    def _peut(self) -> bool:
        utilisateur = getattr(self.contexte, "utilisateur", None)
        return utilisateur is None or utilisateur.peut("suivi.modifier")

    def _choisi(self, table, genre: str):
        """L'élément choisi dans la table (``False`` et un message si aucun : ``None`` veut dire « nouveau »)."""
        elements = getattr(self.suivi, genre, ()) if self.suivi is not None else ()
        rang = table.currentRow()
        if 0 <= rang < len(elements):
            return elements[rang]
        self.message.setText("Choisissez d'abord une ligne dans la liste.")
        return False

    # --- Gestes ----------------------------------------------------------------------------------------

    def _copil(self, copil) -> None:
        if copil is False or not (self.suivi and self.suivi.suivable and self._peut()):
            return
        from instruction.ui.suivi.dialogue_copil import DialogueCopil

        boite = DialogueCopil(self.contexte, self.dossier_id, copil, self)
        if boite.exec():
            self.afficher(boite.resultat)

    def _visite(self, visite) -> None:
        if visite is False or not (self.suivi and self.suivi.suivable and self._peut()):
            return
        from instruction.ui.suivi.dialogue_visite import DialogueVisite

        boite = DialogueVisite(self.contexte, self.dossier_id, self.suivi.grille, visite, self)
        if boite.exec():
            self.afficher(boite.resultat)

    def _ouvrir_compte_rendu(self) -> None:
        copil = self._choisi(self.copils, "copils")
        if copil is False:
            return
        if not copil.compte_rendu:
            self.message.setText("Choisissez un comité de pilotage qui a un compte rendu joint.")
            return
        Operation(actions.copie_compte_rendu_copil, self.contexte, copil.id, parent=self) \
            .apres(lambda chemin: QDesktopServices.openUrl(QUrl.fromLocalFile(str(chemin)))) \
            .refus(self.message.setText).lancer()

    def _confirmer(self, question: str) -> bool:
        return QMessageBox.question(self, "Supprimer", question) == QMessageBox.StandardButton.Yes

    def _supprimer_copil(self) -> None:
        copil = self._choisi(self.copils, "copils")
        if copil is not False and self._confirmer(f"Supprimer le comité de pilotage du {dates.formater(copil.date)} ?"):
            Operation(actions.supprimer_copil, self.contexte, self.dossier_id, copil.id, parent=self) \
                .apres(self.afficher).refus(self.message.setText).lancer()

    def _supprimer_visite(self) -> None:
        visite = self._choisi(self.visites, "visites")
        if visite is not False and self._confirmer(
                f"Supprimer la visite évaluative prévue le {dates.formater(visite.prevue_le)} ?"):
            Operation(actions.supprimer_visite, self.contexte, self.dossier_id, visite.id, parent=self) \
                .apres(self.afficher).refus(self.message.setText).lancer()


def _appreciations(visite) -> str:
    """« Satisfaisant × 3, Partiellement satisfaisant × 2 » : le compte rendu d'un coup d'œil."""
    from collections import Counter

    comptes = Counter(a for a, _c in visite.reponses.values())
    return ", ".join(f"{libelle} × {comptes[code]}" for code, libelle in visite.grille.appreciations.items()
                     if comptes[code])


def _e(texte: str) -> str:
    from html import escape

    return escape(texte or "")
