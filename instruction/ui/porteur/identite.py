"""Les champs d'identité d'un porteur, et ceux d'une version (nom, représentant, compte)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from instruction.domaine import porteurs as domaine
from instruction.domaine import referentiel as r
from instruction.ui.champs import Formulaire, TexteLong, champ_texte, choisir, combo

CHAMPS_VERSION = {
    "noms": (("nom", "&Nom"), ("sigle", "&Sigle")),
    "representants": (("civilite", "&Civilité"), ("nom", "&Nom et prénom"), ("qualite", "&Qualité (fonction)")),
    "comptes": (("titulaire", "&Titulaire"), ("iban", "&IBAN"), ("bic", "&BIC"), ("domiciliation", "&Domiciliation")),
}
TITRES_VERSION = {"noms": "Nom", "representants": "Représentant légal", "comptes": "Compte bancaire"}


class FormulaireIdentite(QGroupBox):
    modifie = Signal()

    def __init__(self, referentiel: r.Referentiel, formulaire: Formulaire, titre: str = "Identité") -> None:
        super().__init__(titre)
        f = formulaire
        formes = QFormLayout(self)
        self.champs: dict[str, QWidget] = {}
        self.champs["nom"] = f.ligne(formes, "nom", "&Nom :", champ_texte())
        self.champs["sigle"] = f.ligne(formes, "sigle", "Si&gle :", champ_texte())
        self.champs["type"] = f.ligne(formes, "type", "&Type de structure :", combo(domaine.TYPES, "— choisir —"))
        self.champs["siret"] = f.ligne(formes, "siret", "SIRE&T :", champ_texte("14 chiffres"),
                                       "Numéro SIRET de l'établissement (contrôlé)")
        self.champs["rna"] = f.ligne(formes, "rna", "&RNA :", champ_texte("W suivi de 9 chiffres"),
                                     "Numéro au répertoire national des associations")
        self.champs["adresse"] = f.ligne(formes, "adresse", "&Adresse :", champ_texte())
        self.champs["code_postal"] = f.ligne(formes, "code_postal", "Code &postal :", champ_texte())
        self.champs["ville"] = f.ligne(formes, "ville", "&Ville :", champ_texte())
        self.champs["commune_code"] = f.ligne(
            formes, "commune_code", "&Commune de l'agglomération :",
            combo({c.code: c.nom for c in referentiel.communes}, "— hors agglomération —"),
        )
        self.champs["quartier_code"] = f.ligne(
            formes, "quartier_code", "&Quartier :",
            combo({q.code: q.nom for q in referentiel.quartiers if q.nature != "sous_secteur"}, "— hors QPV —"),
        )
        self.champs["telephone"] = f.ligne(formes, "telephone", "Té&léphone :", champ_texte())
        self.champs["courriel"] = f.ligne(formes, "courriel", "Co&urriel :", champ_texte())
        self.champs["objet"] = f.ligne(formes, "objet", "&Objet de la structure :", TexteLong(50))
        for widget in self.champs.values():
            signal = getattr(widget, "textChanged", None) or getattr(widget, "currentIndexChanged", None)
            signal.connect(lambda *_: self.modifie.emit())

    def remplir(self, valeurs: dict[str, str | None]) -> None:
        for cle, widget in self.champs.items():
            _ecrire(widget, valeurs.get(cle) or "")

    def valeurs(self) -> dict[str, str]:
        return {cle: _lire(widget) for cle, widget in self.champs.items()}


class FormulaireVersion(QWidget):
    """Les champs d'une version datée : nom et sigle, représentant, ou compte bancaire."""

    def __init__(self, genre: str, formulaire: Formulaire, prefixe: str = "") -> None:
        super().__init__()
        formes = QFormLayout(self)
        formes.setContentsMargins(0, 0, 0, 0)
        self.champs: dict[str, QWidget] = {}
        for cle, libelle in CHAMPS_VERSION[genre]:
            if cle == "civilite":
                widget = combo({c: c for c in domaine.CIVILITES}, "—")
            else:
                widget = champ_texte()
            self.champs[cle] = formulaire.ligne(formes, f"{prefixe}{cle}", f"{libelle} :", widget)

    def remplir(self, valeurs: dict[str, str | None]) -> None:
        for cle, widget in self.champs.items():
            _ecrire(widget, valeurs.get(cle) or "")

    def valeurs(self) -> dict[str, str]:
        return {cle: _lire(widget) for cle, widget in self.champs.items()}


def _ecrire(widget: QWidget, valeur: str) -> None:
    if isinstance(widget, QComboBox):
        choisir(widget, valeur)
    elif isinstance(widget, QLineEdit):
        widget.setText(valeur)
    else:
        widget.setPlainText(valeur)


def _lire(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentData() or ""
    if isinstance(widget, QLineEdit):
        return widget.text()
    return widget.toPlainText()
