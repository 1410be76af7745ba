"""Recopier le référentiel des fichiers YAML dans la base, et le relire.

La base garde l'empreinte des fichiers recopiés (paramètre ``referentiel.empreinte``) :
au démarrage, rien n'est fait tant que les fichiers n'ont pas changé. Les entrées
sont mises à jour par code ; une entrée retirée des fichiers n'est jamais effacée
(des dossiers peuvent y faire référence), elle est marquée inactive.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from instruction.domaine import referentiel as r
from instruction.db import modeles as m

CLE_EMPREINTE = "referentiel.empreinte"


def empreinte_en_base(session: Session) -> str | None:
    parametre = session.get(m.Parametre, CLE_EMPREINTE)
    return parametre.valeur if parametre else None


def synchroniser(session: Session, ref: r.Referentiel, *, forcer: bool = False) -> bool:
    """Met la base à jour d'après ``ref`` ; rend ``True`` si quelque chose a été recopié."""
    if not forcer and empreinte_en_base(session) == ref.empreinte:
        return False
    _fusionner(
        session,
        m.Commune,
        [dict(code=c.code, nom=c.nom, ligne=c.ligne, libelle_source=c.libelle_source, note=c.note) for c in ref.communes],
    )
    _fusionner(
        session,
        m.Quartier,
        [
            dict(
                code=q.code,
                nom=q.nom,
                nature=q.nature,
                parent_code=q.parent,
                commune_code=q.commune,
                code_national=q.code_national,
                population=q.population,
                note=q.note,
                libelle_source=q.libelle_source,
                ligne=q.ligne,
            )
            for q in ref.quartiers
        ],
    )
    session.execute(delete(m.StatutQuartier))
    for q in ref.quartiers:
        for i, s in enumerate(q.statuts):
            session.add(
                m.StatutQuartier(
                    quartier_code=q.code,
                    statut=s.statut,
                    depuis=s.depuis,
                    jusqu_a=s.jusqu_a,
                    acte=s.acte,
                    ligne=s.ligne,
                    ordre=i,
                )
            )
    _fusionner(session, m.ThemeTransversal, [_libelle(t) for t in ref.themes_transversaux])
    _fusionner(session, m.Axe, [_libelle(a) for a in ref.axes])
    _fusionner(session, m.Thematique, [_libelle(t, axe_code=t.axe) for t in ref.thematiques()])
    _fusionner(
        session,
        m.ObjectifStrategique,
        [_libelle(s, thematique_code=s.thematique) for s in ref.objectifs_strategiques()],
    )
    _fusionner(
        session,
        m.ObjectifOperationnel,
        [
            _libelle(o, objectif_strategique_code=o.objectif_strategique)
            for o in ref.objectifs_operationnels()
        ],
    )
    _fusionner(session, m.Priorite, [_libelle(p) for p in ref.priorites])
    session.execute(delete(m.PrioriteQuartier))
    session.execute(delete(m.PrioriteObjectif))
    session.execute(delete(m.PrioriteElement))
    for p in ref.priorites:
        for q in p.quartiers:
            session.add(m.PrioriteQuartier(priorite_code=p.code, quartier_code=q))
        for i, o in enumerate(p.objectifs_operationnels):
            session.add(m.PrioriteObjectif(priorite_code=p.code, objectif_operationnel_code=o, ordre=i))
        for i, e in enumerate(p.elements):
            session.add(
                m.PrioriteElement(
                    priorite_code=p.code,
                    libelle=e.libelle,
                    libelle_source=e.libelle_source,
                    objectif_operationnel_code=e.objectif_operationnel,
                    ligne=e.ligne,
                    ordre=i,
                )
            )
    _fusionner(
        session,
        m.Indicateur,
        [
            _libelle(
                i,
                objectif_strategique_code=i.objectif_strategique,
                niveau=i.niveau,
                proprietaire=i.proprietaire,
                nature=i.nature,
                rubrique=i.rubrique,
                theme_transversal_code=i.theme_transversal,
                objectif=i.objectif,
            )
            for i in ref.indicateurs
        ],
    )
    _fusionner(
        session,
        m.Dispositif,
        [
            _libelle(d, sigle=d.sigle, pilote=d.pilote, periodicite=d.periodicite, instruit=d.instruit, plafond=d.plafond)
            for d in ref.dispositifs
        ],
    )
    session.execute(delete(m.RegleDispositif))
    for d in ref.dispositifs:
        for i, regle in enumerate(d.regles):
            session.add(m.RegleDispositif(dispositif_code=d.code, texte=regle.texte, ligne=regle.ligne, ordre=i))
    _fusionner(session, m.Financeur, [_libelle(f, sigle=f.sigle, nature=f.nature) for f in ref.financeurs])
    session.execute(delete(m.ServiceFinanceur))
    for f in ref.financeurs:
        for i, service in enumerate(f.services):
            session.add(
                m.ServiceFinanceur(
                    financeur_code=f.code,
                    sigle=service.sigle,
                    libelle=service.libelle,
                    libelle_source=service.libelle_source,
                    ligne=service.ligne,
                    ordre=i,
                )
            )
    _fusionner(session, m.ThemeReferent, [_libelle(t) for t in ref.themes_referents])
    session.merge(m.Parametre(cle=CLE_EMPREINTE, valeur=ref.empreinte))
    session.flush()
    return True


def _libelle(entree: r.Libelle, **autres: Any) -> dict[str, Any]:
    return dict(
        code=entree.code,
        libelle=entree.libelle,
        libelle_source=entree.libelle_source,
        note=entree.note,
        ligne=entree.ligne,
        **autres,
    )


def _fusionner(session: Session, modele: type, lignes: list[dict[str, Any]]) -> None:
    existants = {e.code: e for e in session.scalars(select(modele))}
    for ordre, valeurs in enumerate(lignes):
        entree = existants.pop(valeurs["code"], None)
        if entree is None:
            session.add(modele(**valeurs, ordre=ordre, actif=True))
        else:
            for cle, valeur in valeurs.items():
                setattr(entree, cle, valeur)
            entree.ordre = ordre
            entree.actif = True
    for retiree in existants.values():
        retiree.actif = False
    session.flush()


def lire(session: Session) -> r.Referentiel:
    """Le référentiel actif tel qu'il est en base (ce que voient tous les postes)."""

    def actifs(modele):
        return list(session.scalars(select(modele).where(modele.actif.is_(True)).order_by(modele.ordre)))

    statuts: dict[str, list[r.Statut]] = {}
    for s in session.scalars(select(m.StatutQuartier).order_by(m.StatutQuartier.ordre)):
        statuts.setdefault(s.quartier_code, []).append(r.Statut(s.statut, s.depuis, s.jusqu_a, s.acte, s.ligne))
    quartiers = tuple(
        r.Quartier(
            code=q.code,
            nom=q.nom,
            nature=q.nature,
            ligne=q.ligne,
            commune=q.commune_code,
            parent=q.parent_code,
            code_national=q.code_national,
            population=q.population,
            note=q.note,
            statuts=tuple(statuts.get(q.code, ())),
            libelle_source=q.libelle_source,
        )
        for q in actifs(m.Quartier)
    )
    operationnels: dict[str, list[r.ObjectifOperationnel]] = {}
    for o in actifs(m.ObjectifOperationnel):
        operationnels.setdefault(o.objectif_strategique_code, []).append(
            r.ObjectifOperationnel(o.code, o.libelle, o.ligne, o.libelle_source, o.note, o.objectif_strategique_code)
        )
    strategiques: dict[str, list[r.ObjectifStrategique]] = {}
    for s in actifs(m.ObjectifStrategique):
        strategiques.setdefault(s.thematique_code, []).append(
            r.ObjectifStrategique(
                s.code, s.libelle, s.ligne, s.libelle_source, s.note, s.thematique_code,
                tuple(operationnels.get(s.code, ())),
            )
        )
    thematiques: dict[str, list[r.Thematique]] = {}
    for t in actifs(m.Thematique):
        thematiques.setdefault(t.axe_code, []).append(
            r.Thematique(
                t.code, t.libelle, t.ligne, t.libelle_source, t.note, t.axe_code, tuple(strategiques.get(t.code, ()))
            )
        )
    quartiers_priorite: dict[str, list[str]] = {}
    for pq in session.scalars(select(m.PrioriteQuartier)):
        quartiers_priorite.setdefault(pq.priorite_code, []).append(pq.quartier_code)
    ordre_quartiers = {q.code: i for i, q in enumerate(quartiers)}
    elements: dict[str, list[r.ElementPriorite]] = {}
    for e in session.scalars(select(m.PrioriteElement).order_by(m.PrioriteElement.ordre)):
        elements.setdefault(e.priorite_code, []).append(
            r.ElementPriorite(e.libelle, e.ligne, e.libelle_source, e.objectif_operationnel_code)
        )
    objectifs_priorite: dict[str, list[str]] = {}
    for po in session.scalars(select(m.PrioriteObjectif).order_by(m.PrioriteObjectif.ordre)):
        objectifs_priorite.setdefault(po.priorite_code, []).append(po.objectif_operationnel_code)
    services: dict[str, list[r.Service]] = {}
    for v in session.scalars(select(m.ServiceFinanceur).order_by(m.ServiceFinanceur.ordre)):
        services.setdefault(v.financeur_code, []).append(r.Service(v.sigle, v.libelle, v.ligne, v.libelle_source))
    regles: dict[str, list[r.Regle]] = {}
    for g in session.scalars(select(m.RegleDispositif).order_by(m.RegleDispositif.ordre)):
        regles.setdefault(g.dispositif_code, []).append(r.Regle(g.texte, g.ligne))
    return r.Referentiel(
        communes=tuple(r.Commune(c.code, c.nom, c.ligne, c.libelle_source, c.note) for c in actifs(m.Commune)),
        quartiers=quartiers,
        themes_transversaux=tuple(
            r.Libelle(t.code, t.libelle, t.ligne, t.libelle_source, t.note) for t in actifs(m.ThemeTransversal)
        ),
        axes=tuple(
            r.Axe(a.code, a.libelle, a.ligne, a.libelle_source, a.note, tuple(thematiques.get(a.code, ())))
            for a in actifs(m.Axe)
        ),
        priorites=tuple(
            r.Priorite(
                p.code,
                p.libelle,
                p.ligne,
                p.libelle_source,
                p.note,
                tuple(sorted(quartiers_priorite.get(p.code, ()), key=lambda c: ordre_quartiers.get(c, 0))),
                tuple(elements.get(p.code, ())),
                tuple(objectifs_priorite.get(p.code, ())),
            )
            for p in actifs(m.Priorite)
        ),
        indicateurs=tuple(
            r.Indicateur(
                i.code, i.libelle, i.ligne, i.libelle_source, i.note, i.objectif_strategique_code, i.niveau,
                i.proprietaire, i.nature, i.rubrique, i.theme_transversal_code, i.objectif,
            )
            for i in actifs(m.Indicateur)
        ),
        dispositifs=tuple(
            r.Dispositif(
                d.code, d.libelle, d.ligne, d.libelle_source, d.note, d.sigle, d.pilote, d.periodicite, d.instruit,
                d.plafond,
                tuple(regles.get(d.code, ())),
            )
            for d in actifs(m.Dispositif)
        ),
        financeurs=tuple(
            r.Financeur(
                f.code, f.libelle, f.ligne, f.libelle_source, f.note, f.sigle, f.nature, tuple(services.get(f.code, ()))
            )
            for f in actifs(m.Financeur)
        ),
        themes_referents=tuple(
            r.Libelle(t.code, t.libelle, t.ligne, t.libelle_source, t.note) for t in actifs(m.ThemeReferent)
        ),
        empreinte=empreinte_en_base(session) or "",
    )
