"""Coter un dossier sur les grilles transversales.

Chaque réponse est enregistrée dès qu'elle est donnée ; la première fixe la version de la grille
(sa définition est copiée avec le dossier) et le score se recalcule toujours sur cette copie. Une
nouvelle version de la grille ne change rien aux dossiers déjà cotés : on les recote exprès
(``recoter``), en gardant les réponses aux questions qui existent encore.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from instruction.domaine import grilles
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import maintenant
from instruction.domaine.etats import Etat
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.examen import EXAMEN_POSSIBLE

LONGUEUR_COMMENTAIRE = 2_000
# Les grilles se remplissent pendant l'instruction, comme l'examen d'éligibilité : la cotation présentée
# au comité ne bouge plus ensuite (sauf à reprendre l'instruction).
COTATION_POSSIBLE = EXAMEN_POSSIBLE


@dataclass(frozen=True)
class GrilleDuDossier:
    """Une grille telle que la voit un dossier : la version utilisée, les réponses, la cotation."""

    code: str
    theme: str  # code de la thématique transversale du référentiel
    libelle: str
    court: str
    source: str
    version: grilles.Version  # la version avec laquelle le dossier est coté (ou la courante s'il ne l'est pas)
    version_courante: int
    reponses: dict[str, str | None]
    commentaires: dict[str, str]
    resultat: grilles.Resultat
    cotation_retenue: int | None
    motif: str | None
    modifiee_le: dt.datetime | None
    acteur: str | None

    @property
    def commencee(self) -> bool:
        return self.modifiee_le is not None

    @property
    def a_recoter(self) -> bool:
        """Une version plus récente de la grille existe."""
        return self.commencee and self.version.numero < self.version_courante

    @property
    def cotation(self) -> int | None:
        return self.cotation_retenue if self.cotation_retenue is not None else self.resultat.cotation


def _dossier(uow: UniteDeTravail, dossier_id: int, *, pour_modifier: bool = False) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus (il a peut-être été supprimé par un autre poste).")
    if pour_modifier and dossier.etat not in COTATION_POSSIBLE:
        raise DonneesInvalides(
            f"Le dossier est « {Etat(dossier.etat).libelle} » : ses grilles ne se modifient plus"
            + (" (reprenez d'abord l'instruction)." if dossier.etat in (Etat.INSTRUIT, Etat.AJOURNE) else ".")
        )
    return dossier


def modifiable(etat: str) -> bool:
    return etat in COTATION_POSSIBLE


def _grille(code: str) -> grilles.Grille:
    grille = grilles.par_code().get(code)
    if grille is None:
        raise DonneesInvalides(f"Grille inconnue : {code}.")
    return grille


def _ligne(uow: UniteDeTravail, dossier_id: int, code: str) -> m.Cotation | None:
    return uow.session.scalars(
        select(m.Cotation).where(m.Cotation.dossier_id == dossier_id, m.Cotation.grille == code)
    ).first()


def _vue(grille: grilles.Grille, ligne: m.Cotation | None) -> GrilleDuDossier:
    if ligne is None:
        version = grille.courante
        return GrilleDuDossier(grille.code, grille.theme, grille.libelle, grille.court, grille.source, version,
                               version.numero,
                               {}, {}, grilles.coter(version, {}), None, None, None, None)
    version = grilles.version_depuis(json.loads(ligne.definition), f"{grille.code} (copie du dossier)")
    reponses = {r.question: r.reponse for r in ligne.reponses}
    return GrilleDuDossier(
        grille.code, grille.theme, grille.libelle, grille.court, grille.source, version, grille.courante.numero,
        reponses,
        {r.question: r.commentaire for r in ligne.reponses if r.commentaire}, grilles.coter(version, reponses),
        ligne.cotation_retenue, ligne.motif, ligne.modifiee_le, ligne.acteur,
    )


def lire(uow: UniteDeTravail, dossier_id: int) -> list[GrilleDuDossier]:
    """Les grilles transversales du dossier, dans l'ordre du contrat de ville."""
    _dossier(uow, dossier_id)
    lignes = {c.grille: c for c in uow.session.scalars(select(m.Cotation).where(m.Cotation.dossier_id == dossier_id))}
    return [_vue(g, lignes.get(g.code)) for g in grilles.charger()]


def lire_une(uow: UniteDeTravail, dossier_id: int, code: str) -> GrilleDuDossier:
    _dossier(uow, dossier_id)
    return _vue(_grille(code), _ligne(uow, dossier_id, code))


def _commencer(uow: UniteDeTravail, dossier_id: int, grille: grilles.Grille, le: dt.datetime | None) -> m.Cotation:
    ligne = _ligne(uow, dossier_id, grille.code)
    if ligne is None:
        ligne = m.Cotation(dossier_id=dossier_id, grille=grille.code, version=grille.courante.numero,
                           definition=json.dumps(grille.courante.en_dict(), ensure_ascii=False),
                           acteur=uow.acteur, modifiee_le=le or maintenant())
        uow.session.add(ligne)
        uow.session.flush()
    return ligne


def _recalculer(uow: UniteDeTravail, ligne: m.Cotation, le: dt.datetime | None = None) -> None:
    version = grilles.version_depuis(json.loads(ligne.definition), ligne.grille)
    resultat = grilles.coter(version, {r.question: r.reponse for r in ligne.reponses})
    ligne.score_dixiemes = int(resultat.score * 10) if resultat.score is not None else None
    ligne.cotation_calculee = resultat.cotation
    if ligne.cotation_retenue is not None and ligne.cotation_retenue == resultat.cotation:
        ligne.cotation_retenue, ligne.motif = None, None  # le calcul rejoint la décision : plus rien à justifier
    ligne.cotation = ligne.cotation_retenue if ligne.cotation_retenue is not None else resultat.cotation
    ligne.modifiee_le, ligne.acteur = le or maintenant(), uow.acteur
    uow.session.flush()


def repondre(uow: UniteDeTravail, dossier_id: int, code: str, question: str, reponse: str | None,
             commentaire: str | None = None) -> GrilleDuDossier:
    """Enregistre la réponse (et le commentaire) à une question ; rend la grille recalculée."""
    return repondre_plusieurs(uow, dossier_id, code, {question: (reponse, commentaire)})


@ecrit("dossier.cotation")
def repondre_plusieurs(uow: UniteDeTravail, dossier_id: int, code: str,
                       reponses: Mapping[str, tuple[str | None, str | None]], *,
                       le: dt.datetime | None = None) -> GrilleDuDossier:
    """Enregistre plusieurs réponses (question → (réponse, commentaire)) puis recalcule une fois."""
    _dossier(uow, dossier_id, pour_modifier=True)
    grille = _grille(code)
    propres = {}
    for question, (reponse, commentaire) in reponses.items():
        if reponse is not None and reponse not in grilles.REPONSES:
            raise DonneesInvalides(f"Réponse inconnue : {reponse}.")
        commentaire = (commentaire or "").strip() or None
        if commentaire and len(commentaire) > LONGUEUR_COMMENTAIRE:
            raise DonneesInvalides(f"Le commentaire dépasse {LONGUEUR_COMMENTAIRE} caractères "
                                   f"({len(commentaire)}) : raccourcissez-le.")
        propres[question] = (reponse, commentaire)
    ligne = _commencer(uow, dossier_id, grille, le)
    version = grilles.version_depuis(json.loads(ligne.definition), code)
    inconnues = set(propres) - {q.code for q in version.questions}
    if inconnues:
        raise DonneesInvalides(f"Question(s) absente(s) de la version {version.numero} de la grille : "
                               f"{', '.join(sorted(inconnues))}.")
    existantes = {r.question: r for r in ligne.reponses}
    textes = {q.code: q.texte for q in version.questions}  # l'historique dit la question, pas son code
    changements = []
    for question, (reponse, commentaire) in propres.items():
        ancienne = existantes.get(question)
        avant = (ancienne.reponse, ancienne.commentaire) if ancienne else (None, None)
        if avant != (reponse, commentaire):
            changements.append((f"{grille.court} — {textes[question]}", _texte_reponse(*avant),
                                _texte_reponse(reponse, commentaire)))
        if ancienne is not None:
            ancienne.reponse, ancienne.commentaire = reponse, commentaire
        else:
            ligne.reponses.append(m.CotationReponse(question=question, reponse=reponse, commentaire=commentaire))
    uow.session.flush()
    cotation_avant = ligne.cotation
    _recalculer(uow, ligne, le)
    if ligne.cotation != cotation_avant:
        changements.append((f"{grille.court} — cotation", cotation_avant, ligne.cotation))
    if changements:
        historique.noter(uow, "grille transversale", "réponses", dossier_id=dossier_id, changements=changements)
    return _vue(grille, ligne)


def _texte_reponse(reponse: str | None, commentaire: str | None) -> str | None:
    if reponse is None and not commentaire:
        return None
    return grilles.REPONSES.get(reponse or "", "—") + (f" ({commentaire})" if commentaire else "")


@ecrit("dossier.cotation")
def retenir(uow: UniteDeTravail, dossier_id: int, code: str, cotation: int | None,
            motif: str | None = None) -> GrilleDuDossier:
    """Retient une cotation autre que celle calculée (motif obligatoire) ; ``None`` revient au calcul."""
    _dossier(uow, dossier_id, pour_modifier=True)
    grille = _grille(code)
    ligne = _ligne(uow, dossier_id, code)
    if ligne is None or ligne.cotation_calculee is None:
        raise DonneesInvalides("Répondez d'abord à toutes les questions de la grille : la cotation calculée sert "
                               "de point de départ.")
    motif = (motif or "").strip() or None
    if cotation is not None and cotation not in grilles.COTATIONS:
        raise DonneesInvalides(f"Une cotation vaut 0, 1 ou 2 (reçu : {cotation}).")
    if cotation is None or cotation == ligne.cotation_calculee:
        ligne.cotation_retenue, ligne.motif = None, None
    else:
        if not motif:
            raise DonneesInvalides(f"La cotation calculée est {ligne.cotation_calculee} : pour retenir "
                                   f"{cotation}, indiquez le motif.")
        ligne.cotation_retenue, ligne.motif = cotation, motif
    avant = ligne.cotation
    _recalculer(uow, ligne)
    historique.noter(uow, "grille transversale", "cotation retenue", dossier_id=dossier_id,
                     changements=[(f"{grille.court} — cotation", avant, f"{ligne.cotation}"
                                   + (f" (motif : {motif})" if ligne.motif else " (la cotation calculée)"))])
    return _vue(grille, ligne)


@ecrit("dossier.cotation")
def recoter(uow: UniteDeTravail, dossier_id: int, code: str) -> GrilleDuDossier:
    """Passe le dossier sur la version courante de la grille : les réponses aux questions qui existent
    encore sont gardées, les autres retirées ; une cotation retenue à la main est à revoir (effacée)."""
    _dossier(uow, dossier_id, pour_modifier=True)
    grille = _grille(code)
    ligne = _ligne(uow, dossier_id, code)
    if ligne is None:
        raise DonneesInvalides("Cette grille n'est pas encore remplie pour ce dossier.")
    courante = grille.courante
    if ligne.version == courante.numero:
        raise DonneesInvalides(f"Le dossier est déjà coté avec la version {courante.numero} de la grille.")
    codes = {q.code for q in courante.questions}
    ancienne_version, avant = ligne.version, ligne.cotation
    ligne.reponses = [r for r in ligne.reponses if r.question in codes]
    ligne.version = courante.numero
    ligne.definition = json.dumps(courante.en_dict(), ensure_ascii=False)
    ligne.cotation_retenue, ligne.motif = None, None
    uow.session.flush()
    _recalculer(uow, ligne)
    historique.noter(uow, "grille transversale", "recotation", dossier_id=dossier_id, changements=[
        (f"{grille.court} — version", ancienne_version, courante.numero),
        (f"{grille.court} — cotation", avant, ligne.cotation)])
    return _vue(grille, ligne)
