"""Le modèle du tableau des dossiers : tri sur chaque colonne et recherche instantanée.

Importé à l'arrivée des premières lignes, après la première peinture de la fenêtre
(voir ``PageDossiers.modele``).

Pas de ``QSortFilterProxyModel`` : avec cent mille lignes, un appel Python par
ligne à chaque frappe serait trop lent. Le modèle garde la liste des lignes, des
textes de recherche préparés une fois, et la liste des indices visibles ; trier ou
filtrer ne fait que recalculer cette liste.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from instruction.domaine import argent, bilans, dates, etats
from instruction.domaine.horloge import maintenant
from instruction.services.lignes import BilanDu, LigneDossier, horodatage, jour
from instruction.domaine.texte import mots, pour_recherche, pour_recherche_memorise

Index = QModelIndex | QPersistentModelIndex

(NUMERO, INTITULE, PORTEUR, DISPOSITIF, ANNEE, QUARTIERS, ETAT, DEPUIS, COUT, SUBVENTION, ACCORDE, DEPOT,
 COTATIONS, INSTRUCTEUR) = range(14)

ENTETES = {
    NUMERO: "N°",
    INTITULE: "Intitulé de l'action",
    PORTEUR: "Porteur",
    DISPOSITIF: "Dispositif",
    ANNEE: "Année",
    QUARTIERS: "Quartiers",
    ETAT: "État",
    DEPUIS: "Depuis",
    COUT: "Coût total",
    SUBVENTION: "Demandé",
    ACCORDE: "Accordé",
    DEPOT: "Déposé le",
    COTATIONS: "Cotations",
    INSTRUCTEUR: "Instructeur",
}
INFOBULLES_ENTETES = {
    SUBVENTION: "Subvention demandée : total du compte 74 du budget prévisionnel",
    COUT: "Coût total de l'action : total des charges du budget prévisionnel",
    ACCORDE: "Subvention accordée par le comité des financeurs, tous financeurs (vide : pas encore décidé)",
    DEPUIS: "Depuis combien de temps le dossier est dans son état actuel",
    COTATIONS: "Cotations des grilles transversales : égalité femmes-hommes · illettrisme · handicap (– : pas cotée)",
    INSTRUCTEUR: "Instructeur en charge du dossier (vide : pas encore attribué)",
    PORTEUR: "Porteur de l'action (⚠ : il doit un bilan en retard sur un autre dossier)",
}
COLONNES_MONTANT = {COUT, SUBVENTION, ACCORDE}
ID_ROLE = Qt.ItemDataRole.UserRole + 1

_TRI: dict[int, Callable[[LigneDossier], Any]] = {
    NUMERO: lambda l: l.numero,
    INTITULE: lambda l: pour_recherche(l.intitule),
    PORTEUR: lambda l: pour_recherche_memorise(l.porteur),
    DISPOSITIF: lambda l: l.dispositif,
    ANNEE: lambda l: l.annee,
    QUARTIERS: lambda l: l.quartiers,
    ETAT: lambda l: etats.libelle(l.etat),
    DEPUIS: lambda l: str(l.etat_depuis),  # texte ISO ou datetime : même ordre une fois en texte
    COUT: lambda l: l.cout_total,
    SUBVENTION: lambda l: l.subvention_demandee,
    ACCORDE: lambda l: -1 if l.accorde is None else l.accorde,
    DEPOT: lambda l: str(l.depose_le or ""),
    COTATIONS: lambda l: tuple(-1 if c is None else c for c in l.cotations) or (-2,),
    INSTRUCTEUR: lambda l: (l.instructeur_id is None, pour_recherche_memorise(l.instructeur)),
}


class ModeleDossiers(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lignes: list[LigneDossier] = []
        self._recherche: list[str] | None = []
        self._axes: dict[int, tuple[str, ...]] | None = {}
        self._criteres: dict[str, object] = {}
        self._visibles: list[int] = []
        self._filtre: list[str] = []
        self._requete = ""  # la recherche, normalisée
        self._correspondances: list[int] | None = None  # lignes qui répondent à la recherche
        self._base_recherche: list[int] | None = None  # où chercher (recherche qui se prolonge)
        self._tri: tuple[int, Qt.SortOrder] | None = None
        self._cles_tri: dict[int, list[Any]] = {}
        self._maintenant = maintenant()
        self._empruntes: dict[int, str] = {}  # dossier → « Emprunté par X jusqu'au … » (travail hors ligne)

    # --- Données ---------------------------------------------------------------------

    def remplacer(
        self, lignes: Sequence[LigneDossier], recherche: Sequence[str] | None = None,
        axes: Mapping[int, tuple[str, ...]] | None = None,
    ) -> None:
        """Nouvelles lignes, avec leurs textes de recherche et leurs axes s'ils sont déjà prêts.

        Sans eux, le tableau s'affiche tout de suite ; la recherche et le filtre par axe
        attendent ``definir_recherche`` (une saisie faite entre-temps s'applique à leur arrivée).
        """
        self.beginResetModel()
        self._lignes = list(lignes)
        self._recherche = list(recherche) if recherche is not None else None
        self._correspondances = self._base_recherche = None
        self._axes = dict(axes) if axes is not None else None
        self._cles_tri = {}
        self._maintenant = maintenant()
        self._calculer_visibles()
        self.endResetModel()

    def definir_recherche(self, recherche: Sequence[str], axes: Mapping[int, tuple[str, ...]]) -> None:
        if len(recherche) != len(self._lignes):
            raise ValueError("un texte de recherche par ligne")
        self._recherche = list(recherche)
        self._axes = dict(axes)
        self._correspondances = self._base_recherche = None
        if self._filtre or self._criteres:
            self.beginResetModel()
            self._calculer_visibles()
            self.endResetModel()

    def recherche_prete(self) -> bool:
        return self._recherche is not None

    def definir_criteres(self, criteres: Mapping[str, object]) -> None:
        """Filtres de la liste : ``campagne``, ``dispositif``, ``etat``, ``porteur`` (valeur exacte),
        ``quartiers`` (ensemble de codes), ``axe``, ``financeur``, ``cotation`` ((rang de la grille,
        cotation ou None)), ``instructeur`` (id du compte en charge, ou « aucun »). Une valeur vide ne
        filtre pas."""
        criteres = {cle: valeur for cle, valeur in criteres.items() if valeur}
        if criteres == self._criteres:
            return
        self.beginResetModel()
        self._criteres = criteres
        self._base_recherche = self._correspondances  # la recherche n'a pas changé
        self._calculer_visibles()
        self.endResetModel()

    def _predicat(self):
        c = self._criteres
        if not c:
            return None
        campagne, dispositif, etat, porteur = c.get("campagne"), c.get("dispositif"), c.get("etat"), c.get("porteur")
        quartiers, axe, financeur = c.get("quartiers"), c.get("axe"), c.get("financeur")
        cotation = c.get("cotation")  # (rang de la grille, cotation ou None pour « pas cotée »)
        instructeur = c.get("instructeur")  # un identifiant de compte, ou « aucun » (pas encore attribué)
        axes = self._axes or {}

        def garder(ligne: LigneDossier) -> bool:
            return (
                (campagne is None or ligne.campagne_id == campagne)
                and (dispositif is None or ligne.dispositif_code == dispositif)
                and (etat is None or ligne.etat == etat)
                and (porteur is None or ligne.porteur_id == porteur)
                and (quartiers is None or not quartiers.isdisjoint(ligne.codes_quartiers))
                and (axe is None or axe in axes.get(ligne.id, ()))
                and (financeur is None or financeur in ligne.financeurs)
                and (cotation is None or (ligne.cotations[cotation[0]] if ligne.cotations else None) == cotation[1])
                and (instructeur is None or ligne.instructeur_id == (None if instructeur == "aucun" else instructeur))
            )

        return garder

    def nombre_total(self) -> int:
        return len(self._lignes)

    def ligne(self, rangee: int) -> LigneDossier:
        return self._lignes[self._visibles[rangee]]

    def totaux(self, rangs: Sequence[int] | None = None) -> Totaux:
        """Le nombre et les montants (centimes) des lignes affichées, ou de ces rangées affichées."""
        lignes = self._lignes
        choisies = [lignes[self._visibles[r]] for r in rangs] if rangs is not None else \
            [lignes[i] for i in self._visibles]
        return totaliser(choisies)

    def lignes_visibles(self) -> list[LigneDossier]:
        """Les lignes affichées, dans l'ordre affiché (après recherche et tri)."""
        return [self._lignes[i] for i in self._visibles]

    # --- Recherche et tri ------------------------------------------------------------------

    def filtrer(self, requete: str) -> None:
        filtre = mots(requete)
        if filtre == self._filtre:
            return
        # Une frappe qui prolonge la recherche précédente ne peut que restreindre ses
        # résultats : on ne cherche alors que parmi eux (la première lettre parcourt tout).
        requete_propre = " ".join(filtre)
        self._base_recherche = self._correspondances if (
            self._correspondances is not None and self._requete and requete_propre.startswith(self._requete)
        ) else None
        self._requete = requete_propre
        self.beginResetModel()
        self._filtre = filtre
        self._calculer_visibles()
        self.endResetModel()

    def sort(self, colonne: int, ordre: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if colonne not in _TRI:
            return
        self.layoutAboutToBeChanged.emit()
        anciens = self.persistentIndexList()
        anciennes_lignes = [self._visibles[i.row()] for i in anciens]
        self._tri = (colonne, ordre)
        self._ordonner()
        position = {ligne: rangee for rangee, ligne in enumerate(self._visibles)}
        self.changePersistentIndexList(
            anciens, [self.index(position[l], i.column()) for l, i in zip(anciennes_lignes, anciens, strict=True)]
        )
        self.layoutChanged.emit()

    def _calculer_visibles(self) -> None:
        attend_axes = "axe" in self._criteres and self._axes is None
        if (self._filtre and self._recherche is None) or attend_axes:
            return  # les textes de recherche et les axes arrivent : on garde l'affichage actuel
        if self._filtre:
            filtre = self._filtre
            recherche = self._recherche
            base = self._base_recherche if self._base_recherche is not None else range(len(recherche))
            if len(filtre) == 1:
                mot = filtre[0]
                visibles = [i for i in base if mot in recherche[i]]
            else:
                visibles = [i for i in base if all(m in recherche[i] for m in filtre)]
            self._correspondances = visibles
        else:
            visibles = range(len(self._lignes))
            self._correspondances = None
        garder = self._predicat()
        if garder is not None:
            lignes = self._lignes
            visibles = [i for i in visibles if garder(lignes[i])]
        self._visibles = list(visibles)
        self._ordonner()

    def _ordonner(self) -> None:
        if self._tri is None:
            return
        colonne, ordre = self._tri
        cles = self._cles_tri.get(colonne)
        if cles is None:
            cle = _TRI[colonne]
            cles = self._cles_tri[colonne] = [cle(l) for l in self._lignes]
        self._visibles.sort(key=cles.__getitem__, reverse=ordre == Qt.SortOrder.DescendingOrder)

    # --- Interface de QAbstractTableModel --------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visibles)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(ENTETES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ENTETES.get(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            return INFOBULLES_ENTETES.get(section, ENTETES.get(section))
        return None

    def definir_empruntes(self, empruntes: Mapping[int, str]) -> None:
        """Les dossiers empruntés pour le travail hors ligne : une icône et une bulle dans la colonne du numéro."""
        self._empruntes = dict(empruntes)
        if self._visibles:
            self.dataChanged.emit(self.index(0, NUMERO), self.index(len(self._visibles) - 1, NUMERO))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._visibles)):
            return None
        ligne = self._lignes[self._visibles[index.row()]]
        colonne = index.column()
        if colonne == NUMERO and ligne.id in self._empruntes and role in (Qt.ItemDataRole.DecorationRole,
                                                                          Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._empruntes[ligne.id] + " (travail hors ligne : ce qui change ici sera fusionné au retour)"
            from PySide6.QtWidgets import QApplication, QStyle

            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DriveNetIcon)
        if colonne == PORTEUR and ligne.bilans_dus and role in (Qt.ItemDataRole.DecorationRole,
                                                                 Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{ligne.porteur}\n{infobulle_bilans_dus(ligne.bilans_dus)}"
            from PySide6.QtWidgets import QApplication, QStyle

            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texte(ligne, colonne)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if colonne in COLONNES_MONTANT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if colonne in (ANNEE, DEPOT, DEPUIS, COTATIONS):
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and colonne in (INTITULE, PORTEUR, QUARTIERS):
            return self._texte(ligne, colonne)
        if role == Qt.ItemDataRole.ToolTipRole and colonne == COTATIONS:
            return infobulle_cotations(ligne.cotations)
        if role == Qt.ItemDataRole.ToolTipRole and colonne == DEPUIS:
            return f"Dans l'état « {etats.libelle(ligne.etat)} » depuis le {dates.formater_horodatage(horodatage(ligne.etat_depuis))}"
        if role == ID_ROLE:
            return ligne.id
        return None

    def _texte(self, ligne: LigneDossier, colonne: int) -> str:
        if colonne == NUMERO:
            return ligne.numero
        if colonne == INTITULE:
            return ligne.intitule
        if colonne == PORTEUR:
            return ligne.porteur
        if colonne == DISPOSITIF:
            return ligne.dispositif
        if colonne == ANNEE:
            return str(ligne.annee)
        if colonne == QUARTIERS:
            return ligne.quartiers
        if colonne == ETAT:
            return etats.libelle(ligne.etat)
        if colonne == DEPUIS:
            return dates.formater_duree(dates.duree_en_jours(horodatage(ligne.etat_depuis), self._maintenant))
        if colonne == COUT:
            return argent.formater_centimes(ligne.cout_total)
        if colonne == SUBVENTION:
            return argent.formater_centimes(ligne.subvention_demandee)
        if colonne == ACCORDE:
            return "" if ligne.accorde is None else argent.formater_centimes(ligne.accorde)
        if colonne == DEPOT:
            return dates.formater(jour(ligne.depose_le))
        if colonne == COTATIONS:
            return texte_cotations(ligne.cotations)
        if colonne == INSTRUCTEUR:
            return ligne.instructeur
        return ""


class Totaux(NamedTuple):
    """La ligne de total de la liste : nombre de dossiers, et montants en centimes."""

    nombre: int
    cout: int
    demande: int
    accorde: int
    decides: int  # dossiers qui ont un montant accordé

    def texte(self) -> str:
        from instruction.domaine import nombres

        pluriel = "s" if self.nombre > 1 else ""
        return (f"{nombres.formater(self.nombre)} dossier{pluriel} : coût total {argent.formater_centimes(self.cout)}"
                f" · demandé {argent.formater_centimes(self.demande)}"
                f" · accordé {argent.formater_centimes(self.accorde)}"
                + (f" ({nombres.formater(self.decides)} décidé{'s' if self.decides > 1 else ''})"
                   if self.decides != self.nombre else ""))


def totaliser(lignes: Sequence[LigneDossier]) -> Totaux:
    accordes = [l.accorde for l in lignes if l.accorde is not None]
    return Totaux(len(lignes), sum(map(attrgetter("cout_total"), lignes)),
                  sum(map(attrgetter("subvention_demandee"), lignes)), sum(accordes), len(accordes))


NOMS_GRILLES = ("Égalité femmes-hommes", "Illettrisme et illectronisme", "Handicap")


def texte_cotations(cotations: tuple[int | None, ...]) -> str:
    """« 2 · 1 · – » : égalité, illettrisme, handicap ; vide si aucune grille n'est cotée."""
    if not cotations or all(c is None for c in cotations):
        return ""
    return " · ".join("–" if c is None else str(c) for c in cotations)


def infobulle_bilans_dus(dus: Sequence[BilanDu]) -> str:
    """« Le porteur doit N bilan(s) en retard… » : la bulle de l'icône de la colonne Porteur (comme le bandeau
    de l'en-tête du dossier)."""
    details = "\n".join(f"• {b.numero} : {bilans.NATURES[b.nature].lower()} {b.exercice}, {b.jours_retard} jours de "
                        "retard" for b in dus[:5]) + ("\n• …" if len(dus) > 5 else "")
    return (f"⚠ Le porteur doit {len(dus)} bilan(s) en retard sur d'autres dossiers :\n{details}\nUn compte rendu "
            "financier est exigé avant toute nouvelle demande (loi 2000-321, art. 10).")


def infobulle_cotations(cotations: tuple[int | None, ...]) -> str:
    if not cotations:
        return "Aucune grille transversale cotée"
    return "\n".join(f"{nom} : {'pas cotée' if c is None else c}" for nom, c in zip(NOMS_GRILLES, cotations,
                                                                                     strict=False))
