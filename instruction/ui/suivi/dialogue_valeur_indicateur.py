"""La boîte d'une valeur d'indicateur de l'évaluation : année, valeur (nombre exact) ou appréciation, source, date,
situation de référence."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QSpinBox, QWidget

from instruction.domaine import dates, evaluation as domaine
from instruction.domaine import suivi as domaine_suivi
from instruction.services.actions import evaluation as actions
from instruction.ui.champs import champ_date, champ_nombre, champ_texte
from instruction.ui.suivi.dialogue_base import DialogueSaisie


class DialogueValeurIndicateur(DialogueSaisie):
    def __init__(self, contexte, serie, point=None, parent: QWidget | None = None) -> None:
        super().__init__(f"{serie.code} — valeur", parent)
        self.contexte, self.serie = contexte, serie
        f = self.formulaire
        self.annee = QSpinBox()
        self.annee.setRange(domaine.ANNEE_MINIMUM, domaine.ANNEE_MAXIMUM)
        self.annee.setValue(point.annee if point else max((p.annee for p in serie.points), default=2023) + (
            0 if point else (1 if serie.points else 0)))
        self.annee.setEnabled(point is None)
        f.ligne(self.disposition, "annee", "&Année :", self.annee)
        self.valeur = f.ligne(self.disposition, "valeur", "&Valeur :", champ_nombre(160),
                              "Un nombre exact (virgule décimale) ; vide pour un indicateur qualitatif")
        self.texte = self.texte_long("texte", "A&ppréciation :", 60, "Pour un indicateur qualitatif, ou une précision")
        self.source = f.ligne(self.disposition, "source", "&Source :", champ_texte("Qui produit le chiffre", 500))
        self.date_valeur = f.ligne(self.disposition, "date_valeur", "&Date de la valeur :", champ_date())
        self.reference = QCheckBox("Situation de &référence (le point de départ de l'évaluation)")
        self.disposition.addRow("", self.reference)
        if point is not None:
            self.valeur.setText(domaine_suivi.formater_decimal(point.valeur).replace("\u202f", "")
                                .replace("\u00a0", ""))
            self.texte.setPlainText(point.texte or "")
            self.source.setText(point.source or "")
            self.date_valeur.setText(dates.formater(point.date_valeur))
            self.reference.setChecked(point.reference)
        else:
            self.source.setText(serie.proprietaire or "")
        self.resize(560, 360)
        self.terminer()

    def enregistrer(self) -> None:
        self.lancer(actions.saisir_valeur, self.contexte, self.serie.code, self.annee.value(), {
            "valeur": self.valeur.text(), "texte": self.texte.toPlainText(), "source": self.source.text(),
            "date_valeur": self.date_valeur.text(), "reference": "oui" if self.reference.isChecked() else ""})
