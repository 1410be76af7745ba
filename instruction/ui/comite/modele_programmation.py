"""Le modèle du tableau de programmation : une ligne par dossier, un groupe de colonnes par cofinanceur.

Le modèle garde les lignes lues (``TableauProgrammation``), les indices visibles (filtres, tri) et les totaux
par cofinanceur ; une saisie dans une case « Scénario » met à jour la ligne et les totaux de ce seul
cofinanceur (une boucle sur les lignes, sans requête), puis émet ``montant_saisi`` : la page l'envoie au
service hors du fil de l'interface. Les montants sont des ``Decimal`` ; rien n'est arrondi.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from instruction.domaine import argent, etats
from instruction.domaine import programmation as prog
from instruction.domaine.texte import pour_recherche
from instruction.services.programmation import LigneProgrammation, TableauProgrammation

Index = QModelIndex | QPersistentModelIndex
ZERO = prog.ZERO

FIXES = ("numero", "intitule", "porteur", "etat", "decision", "egalite", "quartiers", "axes")
TITRES_FIXES = {"numero": "N°", "intitule": "Intitulé de l'action", "porteur": "Porteur", "etat": "État",
                "decision": "Décision\n(scénario)", "egalite": "Égalité\nF-H", "quartiers": "Quartiers",
                "axes": "Axes"}
SOUS_COLONNES = ("demande", "propose", "avis", "decide", "simule")
TITRES_SOUS = {"demande": "Demandé", "propose": "Proposé", "avis": "Avis", "decide": "Décidé", "simule": "Scénario"}
BULLES_SOUS = {
    "demande": "Montant demandé à ce cofinanceur (compte 74 du budget prévisionnel)",
    "propose": "Montant proposé par l'instructeur au comité (proposition faite en terminant l'instruction)",
    "avis": "Montant proposé par l'avis du cofinanceur (le dernier avis)",
    "decide": "Montant accordé par le comité (décision définitive)",
    "simule": "Montant du scénario (décision provisoire) : tapez un montant, Entrée descend, Tab avance",
}
GRIS_TRANCHE = QColor("#eef0f3")
ORANGE = QColor("#a15c00")
ROUGE = QColor("#b00020")
FOND_SAISIE = QColor("#fffbe6")


def montant_court(montant: Decimal | None) -> str:
    """« 12 000,00 » (sans le symbole : la colonne dit que ce sont des euros)."""
    if montant is None:
        return ""
    return argent.formater(montant).replace("\u00a0€", "")


class ModeleProgrammation(QAbstractTableModel):
    montant_saisi = Signal(int, str, object, object)  # dossier, cofinanceur, ancien, nouveau
    decision_choisie = Signal(int, object, object)  # dossier, ancienne, nouvelle
    totaux_changes = Signal(str)  # le cofinanceur dont les totaux ont changé ("" : tous)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tableau: TableauProgrammation | None = None
        self.lignes: list[LigneProgrammation] = []
        self._visibles: list[int] = []
        self._recherche: list[str] = []
        self.colonnes: list[tuple[str, str | None]] = []  # (genre, cofinanceur)
        self.sous_colonnes: tuple[str, ...] = SOUS_COLONNES
        self._criteres: dict[str, Any] = {}
        self._tri: tuple[int, Qt.SortOrder] | None = None
        self.enveloppes: dict[str, Decimal | None] = {}
        self.totaux: dict[str, dict[str, Decimal]] = {}  # cofinanceur → genre → total (lignes affichées)
        self.tous: dict[str, dict[str, Decimal]] = {}  # cofinanceur → decide / simule / demande (toutes lignes)
        self.enveloppes_axes: dict[tuple[str, str], Decimal] = {}  # (cofinanceur, axe) → enveloppe de l'axe
        self.tous_axes: dict[tuple[str, str], dict[str, Decimal]] = {}  # (cofinanceur, axe) → decide / simule

    # --- Données --------------------------------------------------------------------------------------------

    def remplacer(self, tableau: TableauProgrammation) -> None:
        self.beginResetModel()
        if self.tableau is None or self.tableau.campagne.id != tableau.campagne.id:
            self.enveloppes_axes = {}  # une autre campagne : ses enveloppes d'axe seront relues
        self.tableau = tableau
        self.lignes = list(tableau.lignes)
        self._recherche = [pour_recherche(f"{l.numero} {l.intitule} {l.porteur}") for l in self.lignes]
        self.enveloppes = {s.financeur: s.enveloppe for s in tableau.enveloppes if s.axe is None}
        self._construire_colonnes()
        self._calculer_visibles()
        self._tout_totaliser()
        self.endResetModel()
        self.totaux_changes.emit("")

    def definir_sous_colonnes(self, sous: tuple[str, ...]) -> None:
        self.beginResetModel()
        self.sous_colonnes = tuple(s for s in SOUS_COLONNES if s in sous)
        self._construire_colonnes()
        self.endResetModel()
        self.totaux_changes.emit("")

    def _construire_colonnes(self) -> None:
        self.colonnes = [(f, None) for f in FIXES]
        for code, _sigle in (self.tableau.financeurs if self.tableau else []):
            self.colonnes += [(s, code) for s in self.sous_colonnes]

    @property
    def scenario(self):
        return self.tableau.scenario if self.tableau else None

    def sigle(self, code: str) -> str:
        return dict(self.tableau.financeurs).get(code, code) if self.tableau else code

    def ligne(self, rangee: int) -> LigneProgrammation:
        return self.lignes[self._visibles[rangee]]

    def rangee_du_dossier(self, dossier_id: int) -> int | None:
        for rangee, i in enumerate(self._visibles):
            if self.lignes[i].dossier_id == dossier_id:
                return rangee
        return None

    def colonne(self, genre: str, financeur: str | None = None) -> int:
        return self.colonnes.index((genre, financeur))

    def nombre_total(self) -> int:
        return len(self.lignes)

    # --- Filtres et tri -----------------------------------------------------------------------------------

    def definir_criteres(self, criteres: Mapping[str, Any]) -> None:
        """``recherche`` (texte), ``etat``, ``quartier``, ``axe`` (codes), ``prets`` (seulement les dossiers qui
        peuvent aller au comité), ``ouverts`` (seulement les dossiers pas encore tranchés)."""
        criteres = {c: v for c, v in criteres.items() if v}
        if criteres == self._criteres:
            return
        self.beginResetModel()
        self._criteres = criteres
        self._calculer_visibles()
        self._tout_totaliser()
        self.endResetModel()
        self.totaux_changes.emit("")

    def _calculer_visibles(self) -> None:
        c = self._criteres
        mots = pour_recherche(c.get("recherche", "")).split()
        etat, quartier, axe = c.get("etat"), c.get("quartier"), c.get("axe")
        prets, ouverts = c.get("prets"), c.get("ouverts")
        visibles = []
        for i, l in enumerate(self.lignes):
            if mots and not all(m in self._recherche[i] for m in mots):
                continue
            if (etat and l.etat != etat) or (quartier and quartier not in l.codes_quartiers) \
                    or (axe and axe not in l.axes) or (prets and not l.pret_pour_le_comite) \
                    or (ouverts and l.tranche):
                continue
            visibles.append(i)
        self._visibles = visibles
        self._ordonner()

    def sort(self, colonne: int, ordre: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= colonne < len(self.colonnes):
            return
        self.layoutAboutToBeChanged.emit()
        self._tri = (colonne, ordre)
        self._ordonner()
        self.layoutChanged.emit()

    def _ordonner(self) -> None:
        if self._tri is None or self._tri[0] >= len(self.colonnes):
            return
        colonne, ordre = self._tri
        genre, code = self.colonnes[colonne]
        cle = self._cle_de_tri(genre, code)
        self._visibles.sort(key=lambda i: cle(self.lignes[i]), reverse=ordre == Qt.SortOrder.DescendingOrder)

    @staticmethod
    def _cle_de_tri(genre: str, code: str | None):
        if code is not None:
            return lambda l: (getattr(l.cellule(code), genre) is None, getattr(l.cellule(code), genre) or ZERO)
        return {
            "numero": lambda l: l.numero, "intitule": lambda l: pour_recherche(l.intitule),
            "porteur": lambda l: pour_recherche(l.porteur), "etat": lambda l: etats.libelle(l.etat),
            "decision": lambda l: l.decision_provisoire() or "", "egalite": lambda l: -1 if l.cotation_egalite is None
            else l.cotation_egalite, "quartiers": lambda l: l.quartiers, "axes": lambda l: l.axes,
        }[genre]

    # --- Totaux -----------------------------------------------------------------------------------------------

    def definir_enveloppes_axes(self, enveloppes: Mapping[tuple[str, str], Decimal]) -> None:
        """Les enveloppes par axe du projet de territoire de l'année et du dispositif : (cofinanceur, code de
        l'axe) → montant. Leur programmé se calcule comme celui des cofinanceurs, sur les dossiers de l'axe."""
        self.enveloppes_axes = dict(enveloppes)
        self._tout_totaliser()
        self.totaux_changes.emit("")

    def _tout_totaliser(self) -> None:
        self.totaux, self.tous, self.tous_axes = {}, {}, {}
        for code, _sigle in (self.tableau.financeurs if self.tableau else []):
            self._totaliser(code)

    def _totaliser(self, code: str) -> None:
        """Les totaux d'un cofinanceur : par genre sur les lignes affichées, et décidé / scénario / demandé
        restant sur toutes les lignes (ce que l'enveloppe compte)."""
        affiches = dict.fromkeys(SOUS_COLONNES, ZERO)
        decide = simule = demande = ZERO
        axes = {a: {"decide": ZERO, "simule": ZERO} for (c, a) in self.enveloppes_axes if c == code}
        visibles = set(self._visibles) if len(self._visibles) != len(self.lignes) else None
        for i, l in enumerate(self.lignes):
            c = l.cellules.get(code)
            if c is None:
                continue
            compte_simule = not l.tranche and c.simule is not None and \
                l.decision_provisoire() not in prog.SANS_MONTANT
            if c.decide is not None:
                decide += c.decide
            if compte_simule:
                simule += c.simule
            for axe in (a for a in l.axes if a in axes) if axes else ():
                if c.decide is not None:
                    axes[axe]["decide"] += c.decide
                if compte_simule:
                    axes[axe]["simule"] += c.simule
            if not l.tranche and c.demande is not None:
                demande += c.demande
            if visibles is None or i in visibles:
                for genre in ("demande", "propose", "avis", "decide"):
                    v = getattr(c, genre)
                    if v is not None:
                        affiches[genre] += v
                if compte_simule:
                    affiches["simule"] += c.simule
        self.totaux[code] = affiches
        self.tous[code] = {"decide": decide, "simule": simule, "demande": demande}
        for axe, sommes in axes.items():
            self.tous_axes[(code, axe)] = sommes

    def situation(self, code: str) -> prog.SituationEnveloppe:
        tous = self.tous.get(code, {})
        return prog.SituationEnveloppe(code, self.sigle(code), self.enveloppes.get(code), tous.get("decide", ZERO),
                                       tous.get("simule", ZERO), tous.get("demande", ZERO))

    def situations(self, axes: bool = False) -> list[prog.SituationEnveloppe]:
        """Par cofinanceur (l'ordre des colonnes) ; ``axes`` : puis une par enveloppe d'axe (libellé de l'axe)."""
        resultat = [self.situation(code) for code, _s in (self.tableau.financeurs if self.tableau else [])]
        if axes and self.tableau is not None:
            libelles = self.tableau.libelles_axes
            for (code, axe), montant in sorted(self.enveloppes_axes.items()):
                sommes = self.tous_axes.get((code, axe), {})
                resultat.append(prog.SituationEnveloppe(
                    code, self.sigle(code), montant, sommes.get("decide", ZERO), sommes.get("simule", ZERO),
                    axe=libelles.get(axe, axe)))
        return resultat

    # --- Saisie -----------------------------------------------------------------------------------------------

    def editable(self, index: Index) -> bool:
        if not index.isValid() or self.scenario is None:
            return False
        genre, _code = self.colonnes[index.column()]
        return genre in ("simule", "decision") and not self.ligne(index.row()).tranche

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable(index) else base

    def setData(self, index: Index, valeur: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Une case « Scénario » reçoit un ``Decimal`` (ou None : vide) ; la décision, un code ou None."""
        if role != Qt.ItemDataRole.EditRole or not self.editable(index):
            return False
        genre, code = self.colonnes[index.column()]
        ligne = self.ligne(index.row())
        if genre == "decision":
            ancienne = ligne.decision
            if valeur == ancienne:
                return False
            self.poser_decision(ligne.dossier_id, valeur)
            self.decision_choisie.emit(ligne.dossier_id, ancienne, valeur)
            return True
        ancien = ligne.cellule(code).simule
        if valeur == ancien:
            return False
        self.poser_montant(ligne.dossier_id, code, valeur)
        self.montant_saisi.emit(ligne.dossier_id, code, ancien, valeur)
        return True

    def poser_montant(self, dossier_id: int, code: str, valeur: Decimal | None,
                      justification: str | None = None) -> None:
        """Met la case à jour (saisie, ou retour en arrière après un refus) et les totaux du cofinanceur."""
        ligne = next(l for l in self.lignes if l.dossier_id == dossier_id)
        cellule = ligne.cellule(code)
        ligne.cellules[code] = cellule._replace(simule=valeur, justification=justification)
        if valeur is not None and valeur > 0 and ligne.decision in prog.SANS_MONTANT:
            ligne.decision = None  # comme le service : un montant remet le dossier « retenu »
        self._totaliser(code)
        self._signaler_ligne(dossier_id)
        self.totaux_changes.emit(code)

    def poser_decision(self, dossier_id: int, decision: str | None) -> None:
        ligne = next(l for l in self.lignes if l.dossier_id == dossier_id)
        ligne.decision = decision
        if decision in prog.SANS_MONTANT:  # un refus, un ajournement : 0 € (le service retire les montants)
            ligne.cellules = {c: v._replace(simule=None, justification=None) for c, v in ligne.cellules.items()}
        self._tout_totaliser()
        self._signaler_ligne(dossier_id)
        self.totaux_changes.emit("")

    def _signaler_ligne(self, dossier_id: int) -> None:
        rangee = self.rangee_du_dossier(dossier_id)
        if rangee is not None:
            self.dataChanged.emit(self.index(rangee, 0), self.index(rangee, len(self.colonnes) - 1))

    # --- Interface de QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visibles)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.colonnes)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.colonnes):
            return None
        genre, code = self.colonnes[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return TITRES_FIXES[genre] if code is None else f"{self.sigle(code)}\n{TITRES_SOUS[genre]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if code is None:
                return {"egalite": "Cotation de la grille égalité femmes-hommes (0, 1, 2 ; vide : pas cotée)",
                        "decision": "Décision provisoire du scénario (déduite des montants si elle n'est pas "
                                    "choisie) ; tapez R, A ou F"}.get(genre)
            return f"{self.sigle(code)} — {BULLES_SOUS[genre]}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        genre, code = self.colonnes[index.column()]
        ligne = self.ligne(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._texte(ligne, genre, code)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if code is not None or genre == "egalite":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if ligne.tranche:
                return QBrush(GRIS_TRANCHE)
            if self.editable(index):
                return QBrush(FOND_SAISIE)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and code is not None and genre == "simule":
            c = ligne.cellule(code)
            if c.simule is not None and c.simule > (c.demande or ZERO):
                return QBrush(ORANGE)
        if role == Qt.ItemDataRole.FontRole and genre == "decide" and ligne.cellule(code).decide is not None:
            gras = QFont()
            gras.setBold(True)
            return gras
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._bulle(ligne, genre, code)
        return None

    def _texte(self, ligne: LigneProgrammation, genre: str, code: str | None) -> str:
        if code is not None:
            if genre == "simule" and ligne.tranche:
                return ""
            return montant_court(getattr(ligne.cellule(code), genre))
        if genre == "numero":
            return ligne.numero
        if genre == "intitule":
            return ligne.intitule
        if genre == "porteur":
            return ligne.porteur
        if genre == "etat":
            return etats.libelle(ligne.etat)
        if genre == "decision":
            decision = ligne.decision_provisoire()
            texte = prog.DECISIONS.get(decision or "", "")
            return texte + (" (choisi)" if ligne.decision and not ligne.tranche else "")
        if genre == "egalite":
            return "" if ligne.cotation_egalite is None else str(ligne.cotation_egalite)
        if genre == "quartiers":
            return ligne.quartiers
        if genre == "axes":
            libelles = self.tableau.libelles_axes if self.tableau else {}
            return ", ".join(libelles.get(a, a).removeprefix("Des quartiers ") for a in ligne.axes)
        return ""

    def _bulle(self, ligne: LigneProgrammation, genre: str, code: str | None) -> str | None:
        if ligne.tranche:
            return f"Dossier « {etats.libelle(ligne.etat)} » : déjà tranché, le scénario ne le change pas."
        if genre == "numero" and not ligne.pret_pour_le_comite:
            return "Pas encore à l'ordre du jour du comité : " + " ; ".join(
                prog.raisons_hors_ordre_du_jour(ligne.etat, ligne.cotation_egalite)) + "."
        if genre == "intitule":
            return ligne.intitule
        if genre == "axes":
            libelles = self.tableau.libelles_axes if self.tableau else {}
            return "\n".join(libelles.get(a, a) for a in ligne.axes)
        if code is not None and genre == "simule":
            c = ligne.cellule(code)
            if c.simule is not None and c.simule > (c.demande or ZERO):
                return (f"Au-delà de la demande ({montant_court(c.demande)} €)"
                        + (f" : {c.justification}" if c.justification else ""))
        return None
