"""Le suivi des actions : copils, visites évaluatives, suivi renforcé, calendrier (issue 13, point 3).

Les briques reçoivent une unité de travail ; celles qui écrivent vérifient le droit ``suivi.modifier``
(``@ecrit``) et écrivent l'historique du dossier (objet « suivi ») dans la même transaction. Le suivi
commence avec la décision du comité : un dossier qui n'est pas retenu (ou conventionné, en cours, soldé)
n'a ni copil, ni visite, ni suivi renforcé. Le compte rendu d'un copil est gardé en base avec son empreinte
SHA-256, relu et vérifié comme une pièce (``services.pieces``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, delete, func, or_, select

from instruction.db import modeles as m
from instruction.db.modeles import suivi as ms
from instruction.domaine import dates
from instruction.domaine import pieces as domaine_pieces
from instruction.domaine import suivi as domaine
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat, libelle as libelle_etat
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.fichiers_temporaires import nom_sur
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

OBJET = "suivi"
SUIVIS = (Etat.RETENU, Etat.CONVENTIONNE, Etat.EN_COURS, Etat.SOLDE)  # les dossiers qui ont un suivi
# Les conventions du CDV et de la Cité éducative engagent à tenir au moins un copil de l'action par an (l. 3960, 3977).
DISPOSITIFS_COPIL = ("cdv", "ce")


# --- Ce que les écrans lisent ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Copil:
    id: int
    dossier_id: int
    date: dt.date
    tenu: bool
    lieu: str | None
    participants: tuple[str, ...]
    notes: str | None
    compte_rendu: str | None  # nom du fichier joint
    taille: int | None
    modifie_par: str

    @property
    def statut(self) -> str:
        return "Tenu" if self.tenu else "Prévu"


@dataclass(frozen=True)
class Visite:
    id: int
    dossier_id: int
    prevue_le: dt.date
    faite_le: dt.date | None
    lieu: str | None
    intervenants: tuple[str, ...]
    grille: domaine.GrilleVisite
    reponses: dict[str, tuple[str, str | None]]
    conclusion: str | None
    modifie_par: str

    @property
    def statut(self) -> str:
        if self.faite_le is not None:
            return "Faite" + (", compte rendu saisi" if self.reponses or self.conclusion else "")
        return "Prévue" if self.prevue_le >= aujourd_hui() else "Prévue, date passée"


@dataclass(frozen=True)
class Impact:
    libelle: str
    indicateur_code: str | None
    unite: str | None
    valeur_initiale: Decimal | None
    cible: Decimal | None
    valeur_mesuree: Decimal | None

    @property
    def atteinte(self) -> Decimal | None:
        """La part du chemin parcouru de la valeur de départ à la cible (1 = cible atteinte), si elle se calcule."""
        depart = self.valeur_initiale if self.valeur_initiale is not None else Decimal(0)
        if self.cible is None or self.valeur_mesuree is None or self.cible == depart:
            return None
        return (self.valeur_mesuree - depart) / (self.cible - depart)


@dataclass(frozen=True)
class ActionSuivie:
    """Une action en suivi renforcé une année donnée."""

    annee: int
    dossier_id: int
    numero: str
    intitule: str
    porteur: str
    dispositif: str
    etat: str
    motif: str
    indicateurs: tuple[Impact, ...]
    copils: int  # copils de l'année
    visites: int  # visites de l'année (prévues ou faites)
    modifie_par: str


@dataclass(frozen=True)
class SuiviDossier:
    dossier_id: int
    numero: str
    intitule: str
    etat: str
    suivable: bool  # le dossier est décidé : le suivi peut s'écrire
    copils: tuple[Copil, ...]
    visites: tuple[Visite, ...]
    suivi_renforce: tuple[ActionSuivie, ...]
    grille: domaine.GrilleVisite = field(default_factory=domaine.grille_courante)

    @property
    def raison_non_suivable(self) -> str:
        return ("" if self.suivable else
                f"Le suivi commence avec la décision du comité : ce dossier est « {libelle_etat(self.etat)} ».")


# --- Lectures --------------------------------------------------------------------------------------------


def _copil(c: ms.Copil) -> Copil:
    return Copil(c.id, c.dossier_id, c.date_copil, c.tenu, c.lieu, tuple((c.participants or "").splitlines()),
                 c.notes, c.cr_nom_fichier, c.cr_taille, c.modifie_par)


def _visite(v: ms.VisiteEvaluative) -> Visite:
    grille = (domaine.GrilleVisite.depuis_donnees(json.loads(v.grille)) if v.grille else domaine.grille_courante())
    reponses = {code: (r["appreciation"], r.get("commentaire")) for code, r in json.loads(v.reponses or "{}").items()}
    return Visite(v.id, v.dossier_id, v.prevue_le, v.faite_le, v.lieu, tuple((v.intervenants or "").splitlines()),
                  grille, reponses, v.conclusion, v.modifie_par)


def _impacts(s: ms.SuiviRenforce) -> tuple[Impact, ...]:
    return tuple(Impact(i.libelle, i.indicateur_code, i.unite, domaine.decimal_de(i.valeur_initiale),
                        domaine.decimal_de(i.cible), domaine.decimal_de(i.valeur_mesuree)) for i in s.indicateurs)


def suivi_du_dossier(uow: UniteDeTravail, dossier_id: int) -> SuiviDossier:
    """Copils, visites et années de suivi renforcé d'un dossier (quatre requêtes)."""
    from sqlalchemy.orm import selectinload

    session = uow.session
    dossier = session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    copils = session.scalars(select(ms.Copil).where(ms.Copil.dossier_id == dossier_id)
                             .order_by(ms.Copil.date_copil, ms.Copil.id)).all()
    visites = session.scalars(select(ms.VisiteEvaluative).where(ms.VisiteEvaluative.dossier_id == dossier_id)
                              .order_by(ms.VisiteEvaluative.prevue_le, ms.VisiteEvaluative.id)).all()
    renforces = session.scalars(select(ms.SuiviRenforce).where(ms.SuiviRenforce.dossier_id == dossier_id)
                                .options(selectinload(ms.SuiviRenforce.indicateurs))
                                .order_by(ms.SuiviRenforce.annee)).all()
    actions = tuple(ActionSuivie(
        s.annee, dossier_id, dossier.numero, dossier.intitule, "", "", dossier.etat, s.motif, _impacts(s),
        sum(1 for c in copils if c.date_copil.year == s.annee),
        sum(1 for v in visites if (v.faite_le or v.prevue_le).year == s.annee), s.modifie_par) for s in renforces)
    return SuiviDossier(dossier_id, dossier.numero, dossier.intitule, dossier.etat, dossier.etat in SUIVIS,
                        tuple(_copil(c) for c in copils), tuple(_visite(v) for v in visites), actions)


def contenu_compte_rendu_copil(uow: UniteDeTravail, copil_id: int) -> tuple[str, bytes]:
    """Le nom et le contenu du compte rendu joint, vérifié contre son empreinte."""
    ligne = uow.session.execute(select(ms.Copil.cr_nom_fichier, ms.Copil.cr_contenu, ms.Copil.cr_empreinte)
                                .where(ms.Copil.id == copil_id)).first()
    if ligne is None:
        raise DonneesInvalides("Ce comité de pilotage n'existe plus.")
    if ligne.cr_contenu is None:
        raise DonneesInvalides("Aucun compte rendu n'est joint à ce comité de pilotage.")
    if domaine_pieces.empreinte(ligne.cr_contenu) != ligne.cr_empreinte:
        raise DonneesInvalides(
            f"Le compte rendu « {ligne.cr_nom_fichier} » est altéré (son empreinte ne correspond plus) : "
            "restaurez une sauvegarde ou joignez-le de nouveau.")
    return ligne.cr_nom_fichier, ligne.cr_contenu


def annees(uow: UniteDeTravail) -> list[int]:
    """Les années où le suivi a quelque chose à montrer (campagnes, copils, visites), la plus récente d'abord,
    avec l'année en cours."""
    trouvees = set(uow.session.scalars(select(m.Campagne.annee).distinct()))
    for colonne in (ms.Copil.date_copil, ms.VisiteEvaluative.prevue_le):
        bornes = uow.session.execute(select(func.min(colonne), func.max(colonne))).one()
        if bornes[0] is not None:
            trouvees |= set(range(bornes[0].year, bornes[1].year + 1))
    trouvees.add(aujourd_hui().year)
    return sorted(trouvees, reverse=True)


def dossiers_suivables(uow: UniteDeTravail, annee: int) -> list[tuple[int, str, str, str]]:
    """Les actions décidées d'une année de programmation (id, numéro, intitulé, porteur), pour les choisir."""
    return [tuple(l) for l in uow.session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Porteur.nom).select_from(m.Dossier)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id).join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .where(m.Campagne.annee == annee, m.Dossier.etat.in_([str(e) for e in SUIVIS])).order_by(m.Dossier.numero))]


def liste_suivi_renforce(uow: UniteDeTravail, annee: int) -> list[ActionSuivie]:
    """Les actions en suivi renforcé de l'année, avec leurs indicateurs d'impact et leurs copils et visites de
    l'année (quatre requêtes, quel que soit leur nombre)."""
    from sqlalchemy.orm import selectinload

    session = uow.session
    suivis = session.scalars(select(ms.SuiviRenforce).where(ms.SuiviRenforce.annee == annee)
                             .options(selectinload(ms.SuiviRenforce.indicateurs))).all()
    ids = [s.dossier_id for s in suivis]
    if not ids:
        return []
    infos = {l.id: l for l in session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Dossier.etat, m.Porteur.nom.label("porteur"),
               m.Dispositif.sigle.label("dispositif")).select_from(m.Dossier)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .join(m.Dispositif, m.Dispositif.code == m.Campagne.dispositif_code).where(m.Dossier.id.in_(ids)))}
    debut, fin = dt.date(annee, 1, 1), dt.date(annee, 12, 31)
    copils = dict(session.execute(select(ms.Copil.dossier_id, func.count()).where(
        ms.Copil.dossier_id.in_(ids), ms.Copil.date_copil.between(debut, fin)).group_by(ms.Copil.dossier_id)).all())
    visites = dict(session.execute(select(ms.VisiteEvaluative.dossier_id, func.count()).where(
        ms.VisiteEvaluative.dossier_id.in_(ids), ms.VisiteEvaluative.prevue_le.between(debut, fin))
        .group_by(ms.VisiteEvaluative.dossier_id)).all())
    actions = [ActionSuivie(annee, s.dossier_id, infos[s.dossier_id].numero, infos[s.dossier_id].intitule,
                            infos[s.dossier_id].porteur, infos[s.dossier_id].dispositif or "",
                            infos[s.dossier_id].etat, s.motif, _impacts(s), copils.get(s.dossier_id, 0),
                            visites.get(s.dossier_id, 0), s.modifie_par) for s in suivis]
    return sorted(actions, key=lambda a: a.numero)


@dataclass(frozen=True)
class Calendrier:
    annee: int
    mois: dict[int, list[domaine.Evenement]]
    sans_copil: tuple[tuple[int, str, str], ...]  # actions en cours sans copil dans l'année (id, numéro, intitulé)
    sources: tuple[str, ...]  # ce que le calendrier réunit (« comités de pilotage », « visites »…)

    @property
    def nombre(self) -> int:
        return sum(len(l) for l in self.mois.values())


def calendrier(uow: UniteDeTravail, annee: int) -> Calendrier:
    """Ce qui est prévu (ou fait) mois par mois : copils et visites évaluatives, bilans attendus (échéances des
    conventions), versements prévus et faits ; et les actions décidées du CDV et de la Cité éducative en cours
    cette année-là qui n'ont pas encore de copil (au moins un par an, l. 3960, 3977)."""
    session = uow.session
    debut, fin = dt.date(annee, 1, 1), dt.date(annee, 12, 31)
    evenements: list[domaine.Evenement] = []
    for c in session.execute(select(ms.Copil.date_copil, ms.Copil.tenu, ms.Copil.lieu, m.Dossier.id, m.Dossier.numero,
                                    m.Dossier.intitule).join(m.Dossier, m.Dossier.id == ms.Copil.dossier_id)
                             .where(ms.Copil.date_copil.between(debut, fin))):
        evenements.append(domaine.Evenement(c.date_copil, domaine.COPIL, ("Copil tenu" if c.tenu else "Copil prévu")
                                            + (f" — {c.lieu}" if c.lieu else ""), c.id, c.numero, c.intitule, c.tenu))
    for v in session.execute(select(ms.VisiteEvaluative.prevue_le, ms.VisiteEvaluative.faite_le,
                                    ms.VisiteEvaluative.lieu, m.Dossier.id, m.Dossier.numero, m.Dossier.intitule)
                             .join(m.Dossier, m.Dossier.id == ms.VisiteEvaluative.dossier_id)
                             .where(func.coalesce(ms.VisiteEvaluative.faite_le, ms.VisiteEvaluative.prevue_le)
                                    .between(debut, fin))):
        jour = v.faite_le or v.prevue_le
        libelle = ("Visite faite" if v.faite_le else "Visite prévue") + (f" — {v.lieu}" if v.lieu else "")
        evenements.append(domaine.Evenement(jour, domaine.VISITE, libelle, v.id, v.numero, v.intitule,
                                            v.faite_le is not None))
    evenements += _bilans_attendus(uow, debut, fin) + _versements(uow, debut, fin)
    # Les actions décidées qui se déroulent dans l'année (leurs dates la recoupent ; sans dates : celles de la
    # programmation de l'année).
    en_cours = {l.id: l for l in session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Dossier.date_debut, m.Dossier.date_fin)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id).where(
            m.Dossier.etat.in_([str(e) for e in SUIVIS]), m.Campagne.dispositif_code.in_(DISPOSITIFS_COPIL), or_(
            and_(m.Dossier.date_debut.is_(None), m.Campagne.annee == annee),
            and_(m.Dossier.date_debut <= fin, func.coalesce(m.Dossier.date_fin, m.Dossier.date_debut) >= debut))))}
    avec_copil = {e.dossier_id for e in evenements if e.genre == domaine.COPIL}
    manquants = domaine.copils_manquants(
        annee, {i: (l.date_debut or debut, l.date_fin or fin) for i, l in en_cours.items()},
        {i: [debut] for i in avec_copil})
    sans_copil = tuple(sorted(((i, en_cours[i].numero, en_cours[i].intitule) for i in manquants),
                              key=lambda t: t[1]))
    return Calendrier(annee, domaine.par_mois(evenements, annee), sans_copil,
                      ("comités de pilotage", "visites évaluatives", "bilans attendus", "versements"))


def _bilans_attendus(uow: UniteDeTravail, debut: dt.date, fin: dt.date) -> list[domaine.Evenement]:
    """Les bilans attendus dont l'échéance tombe dans l'année (``services.bilans_attendus``, d'après les
    conventions) : faits quand le compte rendu est reçu."""
    from instruction.domaine import bilans
    from instruction.services import bilans_attendus

    return [domaine.Evenement(b.due_le, domaine.BILAN, f"Bilan {b.exercice} — {b.libelle_statut.lower()}",
                              b.dossier_id, b.numero, b.intitule, b.statut not in bilans.NON_RECUS)
            for b in bilans_attendus.liste(uow) if debut <= b.due_le <= fin]


def _versements(uow: UniteDeTravail, debut: dt.date, fin: dt.date) -> list[domaine.Evenement]:
    """Les versements faits dans l'année, et les échéances prévues dans l'année pas encore versées (conventions)."""
    from instruction.db.modeles import conventions as mc
    from instruction.domaine import argent

    session = uow.session
    evenements = []
    payes = set()
    sigles = {code: sigle or code for code, sigle in session.execute(select(m.Financeur.code, m.Financeur.sigle))}
    for v in session.execute(select(mc.Versement.convention_id, mc.Versement.exercice, mc.Versement.nature,
                                    mc.Versement.verse_le, mc.Versement.montant, mc.Versement.financeur_code,
                                    m.Dossier.id, m.Dossier.numero, m.Dossier.intitule)
                             .join(mc.Convention, mc.Convention.id == mc.Versement.convention_id)
                             .join(m.Dossier, m.Dossier.id == mc.Convention.dossier_id)):
        payes.add((v.convention_id, v.exercice, v.nature))
        if debut <= v.verse_le <= fin:
            evenements.append(domaine.Evenement(v.verse_le, domaine.VERSEMENT, f"Versé ({v.nature}) "
                                                f"{argent.formater(v.montant)} — {sigles.get(v.financeur_code)}", v.id,
                                                v.numero, v.intitule, True))
    for e in session.execute(select(mc.Echeance.convention_id, mc.Echeance.exercice, mc.Echeance.nature,
                                    mc.Echeance.date_prevue, mc.Echeance.montant, mc.Echeance.financeur_code,
                                    m.Dossier.id, m.Dossier.numero, m.Dossier.intitule)
                             .join(mc.Convention, mc.Convention.id == mc.Echeance.convention_id)
                             .join(m.Dossier, m.Dossier.id == mc.Convention.dossier_id)
                             .where(mc.Echeance.date_prevue.between(debut, fin))):
        if (e.convention_id, e.exercice, e.nature) not in payes:
            evenements.append(domaine.Evenement(e.date_prevue, domaine.VERSEMENT, f"Versement prévu ({e.nature}) "
                                                f"{argent.formater(e.montant)} — {sigles.get(e.financeur_code)}", e.id,
                                                e.numero, e.intitule, False))
    return evenements


# --- Écritures --------------------------------------------------------------------------------------------


def _dossier_suivable(uow: UniteDeTravail, dossier_id: int) -> m.Dossier:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    if dossier.etat not in SUIVIS:
        raise DonneesInvalides(f"Le suivi commence avec la décision du comité : le dossier {dossier.numero} est "
                               f"« {libelle_etat(dossier.etat)} ». Rien n'a été enregistré.")
    return dossier


def _texte_lignes(lignes: tuple[str, ...]) -> str | None:
    return "\n".join(lignes) or None


@ecrit("suivi.modifier")
def enregistrer_copil(uow: UniteDeTravail, dossier_id: int, saisie: dict[str, str],
                      copil_id: int | None = None) -> int:
    """Crée (``copil_id`` vide) ou modifie un comité de pilotage de l'action ; rend son identifiant."""
    dossier = _dossier_suivable(uow, dossier_id)
    donnees = domaine.lire_copil(saisie, aujourd_hui())
    valeurs = {"date_copil": donnees.date, "tenu": donnees.tenu, "lieu": donnees.lieu,
               "participants": _texte_lignes(donnees.participants), "notes": donnees.notes}
    libelles = {"date_copil": "Date", "tenu": "Tenu", "lieu": "Lieu", "participants": "Participants",
                "notes": "Points abordés"}
    if copil_id is None:
        copil = ms.Copil(dossier_id=dossier.id, modifie_par=uow.acteur, modifie_le=maintenant(), **valeurs)
        uow.session.add(copil)
        uow.session.flush()
        changements = [(f"Copil — {libelles[c]}", None, _lisible(v)) for c, v in valeurs.items() if v not in (None, False)]
        historique.noter(uow, OBJET, "copil ajouté", dossier_id=dossier.id, changements=changements)
        return copil.id
    copil = uow.session.get(ms.Copil, copil_id)
    if copil is None or copil.dossier_id != dossier.id:
        raise DonneesInvalides("Ce comité de pilotage n'existe plus.")
    changements = [(f"Copil du {dates.formater(copil.date_copil)} — {libelles[c]}", _lisible(getattr(copil, c)),
                    _lisible(v)) for c, v in valeurs.items() if getattr(copil, c) != v]
    if not changements:
        return copil.id
    for colonne, valeur in valeurs.items():
        setattr(copil, colonne, valeur)
    copil.modifie_par, copil.modifie_le = uow.acteur, maintenant()
    uow.session.flush()
    historique.noter(uow, OBJET, "copil modifié", dossier_id=dossier.id, changements=changements)
    return copil.id


def _lisible(valeur) -> str | None:
    if valeur is None:
        return None
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, dt.date):
        return dates.formater(valeur)
    return str(valeur)


@ecrit("suivi.modifier")
def joindre_compte_rendu_copil(uow: UniteDeTravail, copil_id: int, nom_fichier: str, contenu: bytes) -> str:
    """Joint (ou remplace) le compte rendu d'un copil ; rend l'empreinte SHA-256 gardée."""
    copil = uow.session.get(ms.Copil, copil_id)
    if copil is None:
        raise DonneesInvalides("Ce comité de pilotage n'existe plus.")
    _dossier_suivable(uow, copil.dossier_id)
    if not contenu:
        raise DonneesInvalides(f"« {nom_fichier} » est vide : rien à joindre.")
    if len(contenu) > domaine_pieces.TAILLE_MAXIMUM:
        raise DonneesInvalides(f"« {nom_fichier} » dépasse {domaine_pieces.TAILLE_MAXIMUM // 1024 // 1024} Mo.")
    ancien = copil.cr_nom_fichier
    copil.cr_nom_fichier, copil.cr_taille = nom_sur(nom_fichier), len(contenu)
    copil.cr_empreinte, copil.cr_contenu = domaine_pieces.empreinte(contenu), contenu
    copil.modifie_par, copil.modifie_le = uow.acteur, maintenant()
    uow.session.flush()
    historique.noter(uow, OBJET, "compte rendu de copil joint", dossier_id=copil.dossier_id, changements=[
        (f"Copil du {dates.formater(copil.date_copil)} — compte rendu", ancien, copil.cr_nom_fichier)])
    return copil.cr_empreinte


@ecrit("suivi.modifier")
def supprimer_copil(uow: UniteDeTravail, copil_id: int) -> None:
    copil = uow.session.get(ms.Copil, copil_id)
    if copil is None:
        raise DonneesInvalides("Ce comité de pilotage n'existe plus.")
    historique.noter(uow, OBJET, "copil supprimé", dossier_id=copil.dossier_id, changements=[
        ("Copil", f"{'tenu' if copil.tenu else 'prévu'} le {dates.formater(copil.date_copil)}"
         + (f" ({copil.cr_nom_fichier})" if copil.cr_nom_fichier else ""), None)])
    uow.session.delete(copil)
    uow.session.flush()


@ecrit("suivi.modifier")
def enregistrer_visite(uow: UniteDeTravail, dossier_id: int, saisie: dict[str, str],
                       reponses: dict[str, tuple[str | None, str | None]] | None = None,
                       visite_id: int | None = None) -> int:
    """Programme (``visite_id`` vide) ou met à jour une visite évaluative et son compte rendu en grille courte.

    Une visite déjà saisie garde la version de grille de sa première saisie."""
    dossier = _dossier_suivable(uow, dossier_id)
    visite = None
    if visite_id is not None:
        visite = uow.session.get(ms.VisiteEvaluative, visite_id)
        if visite is None or visite.dossier_id != dossier.id:
            raise DonneesInvalides("Cette visite évaluative n'existe plus.")
    grille = (domaine.GrilleVisite.depuis_donnees(json.loads(visite.grille)) if visite is not None and visite.grille
              else domaine.grille_courante())
    donnees = domaine.lire_visite(saisie, reponses or {}, grille, aujourd_hui())
    reponses_json = json.dumps({c: {"appreciation": a, "commentaire": t} for c, (a, t) in donnees.reponses.items()},
                               ensure_ascii=False, sort_keys=True) if donnees.reponses else None
    valeurs = {"prevue_le": donnees.prevue_le, "faite_le": donnees.faite_le, "lieu": donnees.lieu,
               "intervenants": _texte_lignes(donnees.intervenants), "reponses": reponses_json,
               "conclusion": donnees.conclusion}
    libelles = {"prevue_le": "Date prévue", "faite_le": "Faite le", "lieu": "Lieu", "intervenants": "Intervenants",
                "reponses": "Grille", "conclusion": "Conclusion"}

    def lisible(colonne, valeur):
        if colonne == "reponses" and valeur:
            lues = json.loads(valeur)
            return " ; ".join(f"{q.texte} : {grille.appreciations[lues[q.code]['appreciation']]}"
                              for q in grille.questions if q.code in lues)
        return _lisible(valeur)

    if visite is None:
        visite = ms.VisiteEvaluative(dossier_id=dossier.id, modifie_par=uow.acteur, modifie_le=maintenant(),
                                     grille_version=grille.numero,
                                     grille=json.dumps(grille.en_donnees(), ensure_ascii=False), **valeurs)
        uow.session.add(visite)
        uow.session.flush()
        historique.noter(uow, OBJET, "visite évaluative programmée", dossier_id=dossier.id, changements=[
            (f"Visite — {libelles[c]}", None, lisible(c, v)) for c, v in valeurs.items() if v is not None])
        return visite.id
    changements = [(f"Visite du {dates.formater(visite.prevue_le)} — {libelles[c]}", lisible(c, getattr(visite, c)),
                    lisible(c, v)) for c, v in valeurs.items() if getattr(visite, c) != v]
    if not changements:
        return visite.id
    for colonne, valeur in valeurs.items():
        setattr(visite, colonne, valeur)
    visite.modifie_par, visite.modifie_le = uow.acteur, maintenant()
    uow.session.flush()
    historique.noter(uow, OBJET, "visite évaluative modifiée", dossier_id=dossier.id, changements=changements)
    return visite.id


@ecrit("suivi.modifier")
def supprimer_visite(uow: UniteDeTravail, visite_id: int) -> None:
    visite = uow.session.get(ms.VisiteEvaluative, visite_id)
    if visite is None:
        raise DonneesInvalides("Cette visite évaluative n'existe plus.")
    etat = f"faite le {dates.formater(visite.faite_le)}" if visite.faite_le else \
        f"prévue le {dates.formater(visite.prevue_le)}"
    historique.noter(uow, OBJET, "visite évaluative supprimée", dossier_id=visite.dossier_id,
                     changements=[("Visite évaluative", etat, None)])
    uow.session.delete(visite)
    uow.session.flush()


@ecrit("suivi.modifier")
def placer_en_suivi_renforce(uow: UniteDeTravail, annee: int, dossier_id: int, motif: str,
                             indicateurs: list[dict[str, str]] = ()) -> int:
    """Place l'action en suivi renforcé pour l'année (ou met à jour son motif et ses indicateurs d'impact)."""
    dossier = _dossier_suivable(uow, dossier_id)
    if not 2000 <= annee <= 2100:
        raise DonneesInvalides(f"Année invalide : {annee}.")
    codes = uow.session.scalars(select(m.Indicateur.code)).all()
    donnees = domaine.lire_suivi_renforce(motif, indicateurs, codes)
    suivi = uow.session.scalar(select(ms.SuiviRenforce).where(ms.SuiviRenforce.annee == annee,
                                                               ms.SuiviRenforce.dossier_id == dossier_id))

    def resume(impacts) -> str:
        return " ; ".join(
            f"{i.libelle} ({', '.join(p for p in (_valeur('départ', i.valeur_initiale, i.unite), _valeur('cible', i.cible, i.unite), _valeur('mesuré', i.valeur_mesuree, i.unite)) if p)})"
            for i in impacts) or None

    nouveaux = [ms.IndicateurImpact(libelle=i.libelle, indicateur_code=i.indicateur_code, unite=i.unite,
                                    valeur_initiale=domaine.texte_decimal(i.valeur_initiale),
                                    cible=domaine.texte_decimal(i.cible),
                                    valeur_mesuree=domaine.texte_decimal(i.valeur_mesuree), ordre=rang)
                for rang, i in enumerate(donnees.indicateurs)]
    if suivi is None:
        suivi = ms.SuiviRenforce(annee=annee, dossier_id=dossier.id, motif=donnees.motif, modifie_par=uow.acteur,
                                 modifie_le=maintenant(), indicateurs=nouveaux)
        uow.session.add(suivi)
        uow.session.flush()
        historique.noter(uow, OBJET, "suivi renforcé", dossier_id=dossier.id, changements=[
            (f"Suivi renforcé {annee}", None, donnees.motif),
            *([(f"Suivi renforcé {annee} — indicateurs d'impact", None, resume(donnees.indicateurs))]
              if donnees.indicateurs else [])])
        return suivi.id
    avant = resume(_impacts(suivi))
    changements = []
    if suivi.motif != donnees.motif:
        changements.append((f"Suivi renforcé {annee} — motif", suivi.motif, donnees.motif))
    if avant != resume(donnees.indicateurs):
        changements.append((f"Suivi renforcé {annee} — indicateurs d'impact", avant, resume(donnees.indicateurs)))
    if not changements:
        return suivi.id
    suivi.motif = donnees.motif
    uow.session.execute(delete(ms.IndicateurImpact).where(ms.IndicateurImpact.suivi_id == suivi.id))
    uow.session.expire(suivi, ["indicateurs"])
    for nouveau in nouveaux:
        nouveau.suivi_id = suivi.id
        uow.session.add(nouveau)
    suivi.modifie_par, suivi.modifie_le = uow.acteur, maintenant()
    uow.session.flush()
    historique.noter(uow, OBJET, "suivi renforcé modifié", dossier_id=dossier.id, changements=changements)
    return suivi.id


def _valeur(nom: str, valeur: Decimal | None, unite: str | None) -> str:
    return f"{nom} {domaine.formater_decimal(valeur, unite)}" if valeur is not None else ""


@ecrit("suivi.modifier")
def retirer_du_suivi_renforce(uow: UniteDeTravail, annee: int, dossier_id: int) -> None:
    suivi = uow.session.scalar(select(ms.SuiviRenforce).where(ms.SuiviRenforce.annee == annee,
                                                               ms.SuiviRenforce.dossier_id == dossier_id))
    if suivi is None:
        raise DonneesInvalides(f"Cette action n'est pas en suivi renforcé en {annee}.")
    historique.noter(uow, OBJET, "suivi renforcé retiré", dossier_id=dossier_id,
                     changements=[(f"Suivi renforcé {annee}", suivi.motif, None)])
    uow.session.delete(suivi)
    uow.session.flush()
