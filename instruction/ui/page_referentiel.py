"""L'onglet « Référentiel » : le contrat de ville en arbre, chaque entrée avec sa source.

Lecture seule : le référentiel se modifie dans les fichiers de ``resources/referentiel/``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, dates, source
from instruction.domaine import referentiel as r
from instruction.domaine.texte import mots, pour_recherche
from instruction.ui.outils_qt import changer_filtre

ROLE_FICHE = Qt.ItemDataRole.UserRole + 1
ROLE_RECHERCHE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Fiche:
    """Ce que montre le panneau de droite pour un nœud de l'arbre."""

    genre: str
    entree: Any = None


class _FiltreArbre(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._mots: list[str] = []

    def definir(self, requete: str) -> None:
        changer_filtre(self, lambda: setattr(self, "_mots", mots(requete)))

    def filterAcceptsRow(self, rangee: int, parent: QModelIndex) -> bool:
        """Une entrée est visible si elle ou l'un de ses ancêtres répond à la recherche
        (les parents d'une entrée trouvée restent visibles grâce au filtrage récursif)."""
        if not self._mots:
            return True
        index = self.sourceModel().index(rangee, 0, parent)
        while index.isValid():
            texte = index.data(ROLE_RECHERCHE) or ""
            if all(m in texte for m in self._mots):
                return True
            index = index.parent()
        return False


class PageReferentiel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.referentiel: r.Referentiel | None = None
        self.modele = QStandardItemModel(self)
        self.filtre = _FiltreArbre(self)
        self.filtre.setSourceModel(self.modele)

        self.recherche = QLineEdit()
        self.recherche.setPlaceholderText("Filtrer le référentiel (objectif, quartier, indicateur…)")
        self.recherche.setClearButtonEnabled(True)
        self.recherche.setAccessibleName("Filtrer le référentiel")
        self.recherche.textChanged.connect(self._filtrer)

        self.arbre = QTreeView()
        self.arbre.setModel(self.filtre)
        self.arbre.setHeaderHidden(True)
        self.arbre.setUniformRowHeights(True)
        self.arbre.setAccessibleName("Arbre du référentiel")
        self.arbre.selectionModel().currentChanged.connect(self._montrer)

        self.fiche = QTextBrowser()
        self.fiche.setAccessibleName("Fiche de l'entrée choisie")
        self.fiche.setOpenLinks(False)

        gauche = QWidget()
        colonne = QVBoxLayout(gauche)
        colonne.setContentsMargins(0, 0, 0, 0)
        colonne.addWidget(self.recherche)
        colonne.addWidget(self.arbre, 1)
        self.note = QLabel(
            "Lecture seule. Source : contrat de ville « Engagements Quartiers 2030 »."
        )
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")
        colonne.addWidget(self.note)

        separation = QSplitter()
        separation.addWidget(gauche)
        separation.addWidget(self.fiche)
        separation.setStretchFactor(0, 2)
        separation.setStretchFactor(1, 3)
        separation.setSizes([480, 720])
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(8, 8, 8, 8)
        disposition.addWidget(separation)
        self.fiche.setHtml("<p>Chargement du référentiel…</p>")

    # --- Construction de l'arbre ----------------------------------------------------------------

    def afficher(self, referentiel: r.Referentiel) -> None:
        self.referentiel = referentiel
        self.modele.clear()
        racine = self.modele.invisibleRootItem()
        ref = referentiel

        territoire = _noeud("Territoire", Fiche("territoire"))
        communes = _noeud(f"Communes de l'agglomération ({len(ref.communes)})", Fiche("communes"))
        for c in ref.communes:
            communes.appendRow(_noeud(c.nom, Fiche("commune", c)))
        qpv = _noeud(f"Quartiers prioritaires ({len(ref.qpv())})", Fiche("liste_qpv"))
        for q in ref.qpv():
            item = _noeud(q.nom, Fiche("quartier", q))
            for s in ref.sous_secteurs(q.code):
                item.appendRow(_noeud(s.nom, Fiche("quartier", s)))
            qpv.appendRow(item)
        vigilance = _noeud(f"Secteurs de vigilance ({len(ref.secteurs_vigilance())})", Fiche("liste_vigilance"))
        for v in ref.secteurs_vigilance():
            vigilance.appendRow(_noeud(v.nom, Fiche("quartier", v)))
        for enfant in (communes, qpv, vigilance):
            territoire.appendRow(enfant)

        projet = _noeud("Projet de territoire", Fiche("projet"))
        transversaux = _noeud(f"Thématiques transversales ({len(ref.themes_transversaux)})", Fiche("transversaux"))
        for t in ref.themes_transversaux:
            transversaux.appendRow(_noeud(t.libelle, Fiche("transversal", t)))
        projet.appendRow(transversaux)
        nb_os = sum(1 for _ in ref.objectifs_strategiques())
        nb_oo = sum(1 for _ in ref.objectifs_operationnels())
        axes = _noeud(
            f"Axes, objectifs stratégiques ({nb_os}) et opérationnels ({nb_oo})", Fiche("axes")
        )
        for a in ref.axes:
            item_axe = _noeud(a.libelle, Fiche("axe", a))
            for t in a.thematiques:
                item_t = _noeud(t.libelle, Fiche("thematique", t))
                for s in t.strategiques:
                    item_s = _noeud(f"{s.code} — {s.libelle}", Fiche("strategique", s))
                    for o in s.operationnels:
                        item_s.appendRow(_noeud(f"{o.code} — {o.libelle}", Fiche("operationnel", o)))
                    item_t.appendRow(item_s)
                item_axe.appendRow(item_t)
            axes.appendRow(item_axe)
        projet.appendRow(axes)

        priorites = _noeud("Priorités par quartier", Fiche("priorites"))
        for q in [*ref.qpv(), *[q for q in ref.quartiers if q.nature == "sous_secteur"]]:
            liste = [p for p in ref.priorites if q.code in p.quartiers]
            if not liste:
                continue
            item_q = _noeud(f"{q.nom} ({len(liste)})", Fiche("quartier", q))
            for p in liste:
                item_q.appendRow(_noeud(p.libelle, Fiche("priorite", p)))
            priorites.appendRow(item_q)

        indicateurs = _noeud(f"Indicateurs ({len(ref.indicateurs)})", Fiche("indicateurs"))
        for s in ref.objectifs_strategiques():
            liste = ref.indicateurs_de(s.code)
            if not liste:
                continue
            item_s = _noeud(f"{s.code} — {s.libelle}", Fiche("strategique", s))
            for i in liste:
                item_s.appendRow(_noeud(i.libelle, Fiche("indicateur", i)))
            indicateurs.appendRow(item_s)
        transversaux_ind = ref.indicateurs_transversaux()
        if transversaux_ind:
            rubriques: dict[str, QStandardItem] = {}
            noms_themes = {t.code: t.libelle for t in ref.themes_transversaux}
            for i in transversaux_ind:
                titre = r.Indicateur.RUBRIQUES.get(i.rubrique or "", i.rubrique or "Autres")
                if i.theme_transversal:
                    titre = f"{titre} : {noms_themes.get(i.theme_transversal, i.theme_transversal)}"
                if titre not in rubriques:
                    rubriques[titre] = _noeud(titre, Fiche("indicateurs"))
                    indicateurs.appendRow(rubriques[titre])
                rubriques[titre].appendRow(_noeud(i.libelle, Fiche("indicateur", i)))

        dispositifs = _noeud(f"Dispositifs ({len(ref.dispositifs)})", Fiche("dispositifs"))
        for d in ref.dispositifs:
            dispositifs.appendRow(_noeud(_nom_dispositif(d), Fiche("dispositif", d)))
        financeurs = _noeud(f"Financeurs ({len(ref.financeurs)})", Fiche("financeurs"))
        for f in ref.financeurs:
            financeurs.appendRow(_noeud(f.libelle, Fiche("financeur", f)))
        themes = _noeud(f"Thématiques des référents ({len(ref.themes_referents)})", Fiche("themes"))
        for t in ref.themes_referents:
            themes.appendRow(_noeud(t.libelle, Fiche("theme", t)))

        for noeud in (territoire, projet, priorites, indicateurs, dispositifs, financeurs, themes):
            racine.appendRow(noeud)
        self.arbre.expand(self.filtre.index(0, 0))
        self.arbre.expand(self.filtre.index(1, 0))
        self.arbre.setCurrentIndex(self.filtre.index(0, 0))

    def _filtrer(self, texte: str) -> None:
        self.filtre.definir(texte)
        if texte.strip():
            self.arbre.expandAll()

    # --- Fiche ------------------------------------------------------------------------------------

    def _montrer(self, courant: QModelIndex, _precedent: QModelIndex) -> None:
        fiche = courant.data(ROLE_FICHE) if courant.isValid() else None
        self.fiche.setHtml(fiche_html(fiche, self.referentiel) if fiche else "")


def _noeud(texte: str, fiche: Fiche) -> QStandardItem:
    item = QStandardItem(texte)
    item.setEditable(False)
    item.setData(fiche, ROLE_FICHE)
    item.setData(pour_recherche(texte), ROLE_RECHERCHE)
    item.setToolTip(texte)
    return item


def _nom_dispositif(d: r.Dispositif) -> str:
    return f"{d.libelle} ({d.sigle})" if d.sigle and d.sigle not in d.libelle else d.libelle


INTRODUCTIONS = {
    "territoire": ("Territoire", "Les communes de l'agglomération, les deux quartiers prioritaires (QPV) et leurs "
                   "sous-secteurs, et les secteurs de vigilance, dont le statut est daté."),
    "communes": ("Communes", "Les quatorze communes de la communauté d'agglomération Grand Calais Terres & Mers."),
    "liste_qpv": ("Quartiers prioritaires", "Les quartiers prioritaires de la politique de la ville et leurs sous-secteurs."),
    "liste_vigilance": ("Secteurs de vigilance", "Secteurs dont les indicateurs sociaux ressemblent à ceux des QPV "
                        "(anciennement « quartiers de veille »). Un avenant peut en ajouter : leur statut est daté."),
    "projet": ("Projet de territoire", "Trois thématiques transversales, quatre axes d'intervention déclinés en "
               "thématiques, objectifs stratégiques et opérationnels, et des priorités pour chaque quartier."),
    "transversaux": ("Thématiques transversales", "Chaque projet doit les prendre en compte à toutes ses étapes : "
                     "écriture, mise en œuvre, communication et évaluation."),
    "axes": ("Axes d'intervention", "Les quatre axes, leurs thématiques et leurs objectifs."),
    "priorites": ("Priorités par quartier", "Des priorités propres à chaque quartier, qui regroupent des objectifs "
                  "opérationnels du projet de territoire."),
    "indicateurs": ("Indicateurs", "Les indicateurs de suivi de chaque objectif stratégique : niveau (territoire ou "
                    "action), propriétaire de la donnée et nature."),
    "dispositifs": ("Dispositifs", "Les appels à projets et dispositifs de la politique de la ville."),
    "financeurs": ("Financeurs", "Les cofinanceurs sollicités au compte 74 du budget des actions."),
    "themes": ("Thématiques des référents", "Un référent Ville / Agglomération par thématique donne son avis lors "
               "de l'instruction partagée."),
}


def fiche_html(fiche: Fiche, ref: r.Referentiel | None) -> str:
    e = fiche.entree
    if e is None:
        titre, texte = INTRODUCTIONS.get(fiche.genre, (fiche.genre, ""))
        return f"<h2>{_h(titre)}</h2><p>{_h(texte)}</p>"
    titre = getattr(e, "libelle", None) or getattr(e, "nom", "")
    champs: list[tuple[str, str]] = [("Code", e.code)]
    suite = ""
    genre = fiche.genre
    if genre == "quartier":
        champs.append(("Nature", e.nature_libelle))
        if ref and e.parent:
            champs.append(("Quartier prioritaire", ref.quartier(e.parent).nom))
        if e.commune and ref:
            noms = {c.code: c.nom for c in ref.communes}
            champs.append(("Commune", noms.get(e.commune, e.commune)))
        if e.code_national:
            champs.append(("Code national", e.code_national))
        if e.population:
            champs.append(("Population", f"{e.population:,}".replace(",", "\u202f") + " habitants"))
        if e.statuts:
            suite += "<h3>Statuts successifs</h3><ul>" + "".join(
                f"<li>{_h(s.statut)} — depuis {_h(dates.formater(s.depuis, vide='(date non précisée)'))}"
                f"{' jusqu’au ' + _h(dates.formater(s.jusqu_a)) if s.jusqu_a else ''}"
                f"{' — ' + _h(s.acte) if s.acte else ''}{_ligne(s.ligne)}</li>"
                for s in e.statuts
            ) + "</ul>"
        if e.note:
            suite += f"<p><i>{_h(e.note)}</i></p>"
    elif genre == "strategique":
        if ref:
            thematique = next(t for t in ref.thematiques() if t.code == e.thematique)
            axe = next(a for a in ref.axes if a.code == thematique.axe)
            champs.append(("Axe et thématique", f"{axe.libelle} — {thematique.libelle}"))
        suite += "<h3>Objectifs opérationnels</h3><ul>" + "".join(
            f"<li>{_h(o.code)} — {_h(o.libelle)}</li>" for o in e.operationnels
        ) + "</ul>"
        if ref:
            indicateurs = ref.indicateurs_de(e.code)
            if indicateurs:
                suite += "<h3>Indicateurs</h3><ul>" + "".join(
                    f"<li>{_h(i.libelle)} <span style='color:gray'>({_h(i.niveau)}, {_h(i.proprietaire or '—')})</span></li>"
                    for i in indicateurs
                ) + "</ul>"
    elif genre == "operationnel" and ref:
        parent = next(s for s in ref.objectifs_strategiques() if s.code == e.objectif_strategique)
        champs.append(("Objectif stratégique", f"{parent.code} — {parent.libelle}"))
        priorites = [p for p in ref.priorites if e.code in p.objectifs_operationnels]
        if priorites:
            noms = {q.code: q.nom for q in ref.quartiers}
            suite += "<h3>Priorités de quartier qui le reprennent</h3><ul>" + "".join(
                f"<li>{_h(p.libelle)} — {_h(', '.join(noms.get(q, q) for q in p.quartiers))}</li>" for p in priorites
            ) + "</ul>"
    elif genre == "priorite" and ref:
        noms = {q.code: q.nom for q in ref.quartiers}
        champs.append(("Quartiers", ", ".join(noms.get(q, q) for q in e.quartiers)))
        suite += "<h3>Éléments de la priorité</h3><ul>" + "".join(
            f"<li>{_h(el.libelle)}"
            + _renvoi_objectif(el, ref)
            + f"{_ligne(el.ligne)}</li>"
            for el in e.elements
        ) + "</ul>"
    elif genre == "indicateur":
        if e.objectif_strategique and ref:
            parent = next(s for s in ref.objectifs_strategiques() if s.code == e.objectif_strategique)
            champs.append(("Objectif stratégique", f"{parent.code} — {parent.libelle}"))
        elif e.rubrique:
            champs.append(("Rubrique", r.Indicateur.RUBRIQUES.get(e.rubrique, e.rubrique)))
        if e.objectif:
            champs.append(("Objectif", e.objectif))
        champs += [
            ("Niveau", "action (renseigné par les actions financées)" if e.niveau == "action" else "territoire"),
            ("Propriétaire de la donnée", e.proprietaire or "—"),
            ("Nature", e.nature or "—"),
        ]
    elif genre == "dispositif":
        if e.sigle:
            champs.append(("Sigle", e.sigle))
        champs += [("Pilote", e.pilote or "—"), ("Périodicité", e.periodicite or "—"),
                   ("Instruit dans l'application", "oui" if e.instruit else "non (contexte, cofinancement)")]
        if e.plafond is not None:
            champs.append(("Plafond par projet", argent.formater(e.plafond)))
        if e.regles:
            suite += "<h3>Règles énoncées par le contrat</h3><ul>" + "".join(
                f"<li>{_h(g.texte)}{_ligne(g.ligne)}</li>" for g in e.regles
            ) + "</ul>"
    elif genre == "financeur":
        if e.sigle:
            champs.append(("Sigle", e.sigle))
        if e.nature:
            champs.append(("Nature", {"etat": "État", "collectivite": "Collectivité", "organisme": "Organisme",
                                      "autre": "Autre"}.get(e.nature, e.nature)))
        if e.services:
            suite += "<h3>Services</h3><ul>" + "".join(
                f"<li>{_h(v.sigle)} — {_h(v.libelle)}{_ligne(v.ligne)}</li>" for v in e.services
            ) + "</ul>"
    lignes = "".join(f"<tr><td style='color:gray;padding-right:12px'>{_h(k)}</td><td>{_h(v)}</td></tr>" for k, v in champs)
    corps = f"<h2>{_h(titre)}</h2><table>{lignes}</table>"
    libelle_source = getattr(e, "libelle_source", None)
    if libelle_source:
        corps += f"<p><b>Libellé dans le contrat :</b> « {_h(libelle_source)} »</p>"
    corps += suite
    if getattr(e, "note", None) and genre != "quartier":
        corps += f"<p style='color:#555'><i>Note : {_h(e.note)}</i></p>"
    if getattr(e, "ligne", None):
        corps += _extrait(e.ligne)
    return corps


def _renvoi_objectif(element: r.ElementPriorite, ref: r.Referentiel) -> str:
    """« → OS13.3 », avec le libellé de l'objectif seulement s'il diffère de celui de l'élément."""
    if not element.objectif_operationnel:
        return ""
    objectif = ref.objectif_operationnel(element.objectif_operationnel)
    texte = _h(objectif.code)
    if objectif.libelle.casefold() != element.libelle.casefold():
        texte += " " + _h(objectif.libelle)
    return f" <span style='color:gray'>→ {texte}</span>"


def _ligne(numero: int | None) -> str:
    return f" <span style='color:gray'>(l. {numero})</span>" if numero else ""


def _extrait(numero: int) -> str:
    try:
        extrait = source.extrait(numero, autour=1)
    except (OSError, IndexError):
        return f"<p style='color:gray'>Source : contrat de ville, ligne {numero}.</p>"
    lignes = "".join(
        f"<tr><td style='color:gray;padding-right:8px;vertical-align:top'>{n}</td>"
        f"<td>{'<b>' if n == extrait.cible else ''}{_h(texte[:600])}{'</b>' if n == extrait.cible else ''}</td></tr>"
        for n, texte in extrait.lignes
    )
    return (
        f"<h3>Source : contrat de ville, ligne {numero}</h3>"
        f"<table style='background:#f4f4f4' cellpadding='4'>{lignes}</table>"
    )


def _h(texte: Any) -> str:
    return html.escape(str(texte))
