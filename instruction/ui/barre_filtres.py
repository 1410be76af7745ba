"""La barre de filtres de la liste des dossiers, et les filtres enregistrés.

Un filtre enregistré est un dictionnaire de codes (``{"dispositif": "cdv", "quartier":
"beau-marais", "recherche": "sport"}``) : il se relit même si les libellés changent. Le filtre par
instructeur garde « moi » (« Mes dossiers ») tel quel : enregistré par l'un, il montre à chacun les siens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QPushButton, QWidget

from instruction.ui.outils_qt import choisir

if TYPE_CHECKING:
    from instruction.domaine import referentiel as r
    from instruction.services.lignes import LigneDossier

CRITERES = ("campagne", "dispositif", "etat", "quartier", "axe", "porteur", "financeur", "cotation", "instructeur")
TITRES = {
    "campagne": "Campagne", "dispositif": "Dispositif", "etat": "État", "quartier": "Quartier", "axe": "Axe",
    "porteur": "Porteur", "financeur": "Financeur", "cotation": "Cotation", "instructeur": "Instructeur",
}
MES_DOSSIERS, SANS_INSTRUCTEUR = "moi", "aucun"


class BarreFiltres(QWidget):
    """Les listes de filtres ; ``barre_enregistres`` (à placer ailleurs) gère les filtres enregistrés."""

    change = Signal()
    enregistrement_demande = Signal(str, dict)
    suppression_demandee = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.listes: dict[str, QComboBox] = {}
        ligne = QHBoxLayout(self)
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.setSpacing(4)
        for cle in CRITERES:
            liste = QComboBox()
            liste.setAccessibleName(f"Filtrer par {TITRES[cle].lower()}")
            liste.setToolTip(f"Filtrer par {TITRES[cle].lower()}")
            liste.setMinimumContentsLength(8)
            liste.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            liste.addItem(f"{TITRES[cle]} : tous", "")
            liste.currentIndexChanged.connect(lambda _i: self.change.emit())
            self.listes[cle] = liste
            ligne.addWidget(liste, 1)
        self.effacer = QPushButton("Effacer")
        self.effacer.setToolTip("Retirer tous les filtres et la recherche")
        ligne.addWidget(self.effacer)
        self.barre_enregistres = QWidget()
        ligne_e = QHBoxLayout(self.barre_enregistres)
        ligne_e.setContentsMargins(0, 0, 0, 0)
        ligne_e.setSpacing(4)
        ligne_e.addWidget(QLabel("Filtres enregistrés :"))
        self.enregistres = QComboBox()
        self.enregistres.setAccessibleName("Filtres enregistrés")
        self.enregistres.setMinimumContentsLength(12)
        self.enregistres.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        ligne_e.addWidget(self.enregistres, 1)
        self.bouton_enregistrer = QPushButton("Enregistrer…")
        self.bouton_enregistrer.setToolTip("Enregistrer les filtres et la recherche actuels sous un nom")
        self.bouton_supprimer = QPushButton("Supprimer")
        self.bouton_supprimer.setToolTip("Supprimer le filtre enregistré choisi")
        ligne_e.addWidget(self.bouton_enregistrer)
        ligne_e.addWidget(self.bouton_supprimer)
        self._quartiers: dict[str, set[str]] = {}
        self._moi: int | None = None  # le compte connecté (« Mes dossiers »)
        self._instructeurs: dict[str, str] = {}
        self._filtres: dict[str, dict[str, str]] = {}
        self.recherche = ""  # tenu à jour par la page
        self.definir_enregistres({})

    # --- Options ---------------------------------------------------------------------------------

    def definir_referentiel(self, ref: r.Referentiel) -> None:
        from instruction.domaine import etats

        quartiers = {q.code: q.nom for q in [*ref.qpv(), *ref.secteurs_vigilance()]}
        quartiers |= {q.code: f"  {q.nom}" for q in ref.quartiers if q.nature == "sous_secteur"}
        ordre = [q.code for q in ref.qpv() for q in [q, *ref.sous_secteurs(q.code)]]
        ordre += [q.code for q in ref.secteurs_vigilance()]
        self._quartiers = {q.code: {q.code, *(s.code for s in ref.sous_secteurs(q.code))} for q in ref.quartiers}
        self._remplir("quartier", {code: quartiers[code] for code in ordre if code in quartiers})
        self._remplir("axe", {a.code: a.libelle for a in ref.axes})
        self._remplir("financeur", {f.code: f.libelle for f in ref.financeurs})
        self._remplir("etat", {e.value: e.libelle for e in etats.Etat})
        from instruction.domaine import grilles

        options = {}
        for grille in grilles.charger():
            for cotation in (2, 1, 0):
                options[f"{grille.code}:{cotation}"] = f"{grille.court} : {cotation}"
            options[f"{grille.code}:aucune"] = f"{grille.court} : pas cotée"
        self._remplir("cotation", options)

    def definir_lignes(self, lignes: list[LigneDossier]) -> None:
        campagnes: dict[int, tuple[int, str]] = {}
        porteurs: dict[int, str] = {}
        dispositifs: dict[str, str] = {}
        for ligne in lignes:
            campagnes.setdefault(ligne.campagne_id, (ligne.annee, f"{ligne.dispositif} {ligne.annee}"))
            porteurs.setdefault(ligne.porteur_id, ligne.porteur)
            dispositifs.setdefault(ligne.dispositif_code, ligne.dispositif)
        self._remplir("campagne", {str(i): libelle for i, (_a, libelle) in
                                   sorted(campagnes.items(), key=lambda c: (-c[1][0], c[1][1]))})
        self._remplir("porteur", {str(i): nom for i, nom in sorted(porteurs.items(), key=lambda p: p[1].casefold())})
        self._remplir("dispositif", dict(sorted(dispositifs.items(), key=lambda d: d[1])))
        self._instructeurs = dict(sorted({str(l.instructeur_id): l.instructeur for l in lignes
                                          if l.instructeur_id is not None}.items(), key=lambda i: i[1].casefold()))
        self._remplir_instructeurs()

    def definir_utilisateur(self, compte_id: int | None) -> None:
        """Le compte connecté : « Mes dossiers » n'est proposé qu'à un compte (pas au poste sans comptes)."""
        self._moi = compte_id
        self._remplir_instructeurs()
        self.change.emit()

    def _remplir_instructeurs(self) -> None:
        options = {MES_DOSSIERS: "Mes dossiers"} if self._moi is not None else {}
        options[SANS_INSTRUCTEUR] = "Sans instructeur"
        options |= {code: nom for code, nom in self._instructeurs.items() if code != str(self._moi)}
        self._remplir("instructeur", options)

    def _remplir(self, cle: str, options: dict[str, str]) -> None:
        liste = self.listes[cle]
        courant = liste.currentData()
        liste.blockSignals(True)
        while liste.count() > 1:
            liste.removeItem(1)
        for code, libelle in options.items():
            liste.addItem(libelle, code)
            liste.setItemData(liste.count() - 1, libelle.strip(), 3)  # infobulle
        choisir(liste, courant or "")
        liste.blockSignals(False)

    # --- Valeurs ------------------------------------------------------------------------------------

    def valeurs(self) -> dict[str, str]:
        """Les codes choisis (pour enregistrer le filtre)."""
        valeurs = {cle: liste.currentData() for cle, liste in self.listes.items() if liste.currentData()}
        if self.recherche.strip():
            valeurs["recherche"] = self.recherche.strip()
        return valeurs

    def criteres(self) -> dict[str, object]:
        """Les critères pour le modèle du tableau."""
        v = {cle: liste.currentData() for cle, liste in self.listes.items()}
        return {
            "campagne": int(v["campagne"]) if v["campagne"] else None,
            "dispositif": v["dispositif"] or None,
            "etat": v["etat"] or None,
            "porteur": int(v["porteur"]) if v["porteur"] else None,
            "quartiers": frozenset(self._quartiers.get(v["quartier"], {v["quartier"]})) if v["quartier"] else None,
            "axe": v["axe"] or None,
            "financeur": v["financeur"] or None,
            "cotation": _cotation(v["cotation"]) if v["cotation"] else None,
            "instructeur": self._instructeur(v["instructeur"]),
        }

    def _instructeur(self, valeur: str) -> int | str | None:
        if not valeur:
            return None
        if valeur == MES_DOSSIERS:
            return self._moi
        return SANS_INSTRUCTEUR if valeur == SANS_INSTRUCTEUR else int(valeur)

    def appliquer(self, valeurs: dict[str, str]) -> None:
        for cle, liste in self.listes.items():
            liste.blockSignals(True)
            choisir(liste, valeurs.get(cle, ""))
            liste.blockSignals(False)
        self.change.emit()

    # --- Filtres enregistrés --------------------------------------------------------------------------

    def definir_enregistres(self, filtres: dict[str, dict[str, str]]) -> None:
        self._filtres = dict(filtres)
        self.enregistres.blockSignals(True)
        self.enregistres.clear()
        self.enregistres.addItem("— choisir —" if filtres else "(aucun)", "")
        for nom in filtres:
            self.enregistres.addItem(nom, nom)
        self.enregistres.blockSignals(False)
        self.bouton_supprimer.setEnabled(bool(filtres))

    def filtre_enregistre(self, nom: str) -> dict[str, str] | None:
        return self._filtres.get(nom)

    def demander_enregistrement(self) -> None:
        valeurs = self.valeurs()
        if not valeurs:
            QMessageBox.information(self, "Enregistrer le filtre", "Choisissez d'abord des filtres ou une recherche.")
            return
        nom, ok = QInputDialog.getText(self, "Enregistrer le filtre", "Nom du filtre :")
        if ok and nom.strip():
            self.enregistrement_demande.emit(nom.strip(), valeurs)

    def demander_suppression(self) -> None:
        nom = self.enregistres.currentData()
        if nom:
            self.suppression_demandee.emit(nom)


def _cotation(valeur: str) -> tuple[int, int | None] | None:
    """« egalite-femmes-hommes:2 » → (rang de la grille dans la liste, 2) ; « …:aucune » → (rang, None)."""
    from instruction.domaine.grilles import ORDRE

    code, _, cotation = valeur.partition(":")
    if code not in ORDRE:
        return None
    return ORDRE.index(code), None if cotation == "aucune" else int(cotation)
