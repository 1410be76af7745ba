"""Après la séance : les votes des partenaires, les moyens de droit commun, la vue consolidée des financements.

* **Délibérations** : le comité « vient acter la programmation […] qui peut ensuite être soumise aux instances
  délibérantes des différents partenaires » (contrat de ville l. 3830). Chaque ligne retenue (dossier ×
  cofinanceur) d'une séance close attend le vote de l'instance de ce cofinanceur : instance, date, référence de
  la délibération ou de l'arrêté, montant voté. ``lignes_a_voter(en_attente=True)`` : celles qui l'attendent.
  Un vote différent du montant décidé est gardé tel quel ; l'écart se voit (il ne réécrit pas l'accordé).
* **Moyens de droit commun** : ce qu'un partenaire mobilise pour l'action hors crédits spécifiques (un poste,
  une salle, un dispositif), déclaré par dossier ; la Région conditionne son soutien à ce que « l'ensemble des
  moyens mobilisés par tous les partenaires » soient « connus et partagés » (l. 4258).
* **Vue consolidée** : pour une action (``du_dossier``) ou une campagne (``de_campagne``), ce que chaque
  partenaire s'est vu demander (compte 74), a proposé (proposition de l'instructeur, avis du cofinanceur),
  a décidé (montants accordés), a voté, et ses moyens de droit commun — en requêtes constantes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.db.modeles.comite import Deliberation, MoyenDroitCommun, SeanceComite, SeanceDossier, SeanceMontant
from instruction.domaine import argent, dates
from instruction.domaine import comite as regles
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import maintenant
from instruction.services import comite as service_comite
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.instruction import _aujourd_hui_a_paris

ZERO = Decimal("0.00")
OBJET_DELIBERATION = "délibération"
OBJET_MOYEN = "moyen de droit commun"


@dataclass(frozen=True)
class LigneVote:
    seance_id: int
    seance: str
    seance_le: dt.date
    dossier_id: int
    numero: str
    intitule: str
    financeur: str
    libelle_financeur: str
    decide: Decimal
    instance: str | None = None
    vote_le: dt.date | None = None
    reference: str | None = None
    vote: Decimal | None = None

    @property
    def en_attente(self) -> bool:
        return self.vote is None

    @property
    def ecart(self) -> Decimal | None:
        return None if self.vote is None else self.vote - self.decide


def lignes_a_voter(uow: UniteDeTravail, seance_id: int | None = None, *, en_attente: bool = False) -> list[LigneVote]:
    """Les lignes retenues des séances closes dont l'instance fait ensuite voter les partenaires (une ligne par
    dossier et cofinanceur public, montant décidé > 0 : les financeurs privés n'ont pas d'instance délibérante
    publique), avec leur délibération si elle est saisie ; trois requêtes."""
    courts, longs, publics = service_comite.financeurs(uow)
    instances = [code for code, i in regles.instances().items() if i.delibere_ensuite]
    requete = (select(SeanceComite.id, SeanceComite.intitule, SeanceComite.date, SeanceDossier.dossier_id,
                      m.Dossier.numero, m.Dossier.intitule, SeanceMontant.financeur_code, SeanceMontant.montant)
               .join(SeanceDossier, SeanceDossier.seance_id == SeanceComite.id)
               .join(SeanceMontant, SeanceMontant.seance_dossier_id == SeanceDossier.id)
               .join(m.Dossier, m.Dossier.id == SeanceDossier.dossier_id)
               .where(SeanceComite.statut == regles.CLOSE, SeanceComite.instance.in_(instances),
                      SeanceDossier.decision == regles.RETENU, SeanceMontant.montant > ZERO,
                      SeanceMontant.financeur_code.in_(sorted(publics))))
    if seance_id is not None:
        requete = requete.where(SeanceComite.id == seance_id)
    votes = {}
    requete_votes = select(Deliberation)
    if seance_id is not None:
        requete_votes = requete_votes.where(Deliberation.seance_id == seance_id)
    for d in uow.session.scalars(requete_votes):
        votes[(d.seance_id, d.dossier_id, d.financeur_code)] = d
    lignes = []
    for sid, intitule, jour, dossier_id, numero, titre, code, montant in uow.session.execute(
            requete.order_by(SeanceComite.date.desc(), m.Dossier.numero, SeanceMontant.financeur_code)):
        vote = votes.get((sid, dossier_id, code))
        ligne = LigneVote(sid, intitule, jour, dossier_id, numero, titre, code, courts.get(code, code), montant,
                          vote.instance if vote else None, vote.date if vote else None,
                          vote.reference if vote else None, vote.montant_vote if vote else None)
        if not en_attente or ligne.en_attente:
            lignes.append(ligne)
    return lignes


def _ligne_decidee(uow: UniteDeTravail, seance_id: int, dossier_id: int, financeur: str) -> tuple[SeanceComite,
                                                                                                  Decimal]:
    seance = uow.session.get(SeanceComite, seance_id)
    if seance is None:
        raise DonneesInvalides(f"La séance n° {seance_id} n'existe pas (ou plus).")
    if seance.statut != regles.CLOSE:
        raise DonneesInvalides(f"La séance « {seance.intitule} » n'est pas close : les partenaires votent sur les "
                               "décisions appliquées.")
    decide = uow.session.scalar(
        select(SeanceMontant.montant).join(SeanceDossier, SeanceDossier.id == SeanceMontant.seance_dossier_id)
        .where(SeanceDossier.seance_id == seance_id, SeanceDossier.dossier_id == dossier_id,
               SeanceDossier.decision == regles.RETENU, SeanceMontant.financeur_code == financeur))
    if decide is None:
        raise DonneesInvalides("Ce cofinanceur n'a rien décidé pour ce dossier à cette séance : il n'y a pas de "
                               "vote à saisir.")
    return seance, decide


@ecrit("deliberation.saisir")
def saisir_deliberation(uow: UniteDeTravail, seance_id: int, dossier_id: int, financeur: str, instance: str,
                        jour: dt.date | None, reference: str, montant: Decimal | None) -> int:
    """Enregistre (ou corrige) le vote d'un partenaire sur une ligne décidée en séance."""
    seance, _decide = _ligne_decidee(uow, seance_id, dossier_id, financeur)
    instance, reference = (instance or "").strip(), (reference or "").strip()
    erreurs = regles.verifier_deliberation(instance, jour, reference, montant, seance_le=seance.date,
                                           aujourd_hui=_aujourd_hui_a_paris())
    if erreurs:
        raise DonneesInvalides("Délibération refusée :\n- " + "\n- ".join(erreurs))
    montant = montant.quantize(argent.CENTIME)
    ligne = uow.session.scalars(select(Deliberation).where(
        Deliberation.seance_id == seance_id, Deliberation.dossier_id == dossier_id,
        Deliberation.financeur_code == financeur)).first()
    avant = (ligne.instance, ligne.date, ligne.reference, ligne.montant_vote) if ligne else (None, None, None, None)
    if ligne is None:
        ligne = Deliberation(seance_id=seance_id, dossier_id=dossier_id, financeur_code=financeur,
                             instance=instance, date=jour, reference=reference, montant_vote=montant,
                             saisie_par=uow.acteur)
        uow.session.add(ligne)
    else:
        ligne.instance, ligne.date, ligne.reference, ligne.montant_vote = instance, jour, reference, montant
        ligne.saisie_le, ligne.saisie_par = maintenant(), uow.acteur
    uow.session.flush()
    courts, _l, _p = service_comite.financeurs(uow)
    apres = (instance, jour, reference, montant)
    noms = ("Instance", "Date du vote", "Référence", "Montant voté")
    changements = [(f"{n} ({courts.get(financeur, financeur)})", _texte(a), _texte(b))
                   for n, a, b in zip(noms, avant, apres, strict=True) if a != b]
    if changements:
        modifs.noter(uow, OBJET_DELIBERATION, "saisie", dossier_id=dossier_id, changements=changements)
    return ligne.id


@ecrit("deliberation.saisir")
def saisir_deliberations(uow: UniteDeTravail, lignes: Sequence[tuple[int, int, str]], instance: str,
                         jour: dt.date | None, reference: str) -> int:
    """Une délibération qui vote plusieurs lignes (séance, dossier, cofinanceur), chacune au montant décidé ; tout
    ou rien, en requêtes fixes quel que soit le nombre de lignes (un conseil municipal vote toute la programmation
    d'un coup)."""
    from sqlalchemy import insert, tuple_

    cles = list(dict.fromkeys(lignes))
    if not cles:
        raise DonneesInvalides("Choisissez au moins une ligne votée par cette délibération.")
    instance, reference = (instance or "").strip(), (reference or "").strip()
    seances = {se.id: se for se in uow.session.scalars(
        select(SeanceComite).where(SeanceComite.id.in_(sorted({c[0] for c in cles}))))}
    decides = {(sid, did, code): montant for sid, did, code, montant in uow.session.execute(
        select(SeanceDossier.seance_id, SeanceDossier.dossier_id, SeanceMontant.financeur_code, SeanceMontant.montant)
        .join(SeanceMontant, SeanceMontant.seance_dossier_id == SeanceDossier.id)
        .where(SeanceDossier.seance_id.in_(list(seances)), SeanceDossier.decision == regles.RETENU))}
    erreurs = []
    for sid in sorted({c[0] for c in cles}):
        if sid not in seances:
            erreurs.append(f"La séance n° {sid} n'existe pas (ou plus).")
        elif seances[sid].statut != regles.CLOSE:
            erreurs.append(f"La séance « {seances[sid].intitule} » n'est pas close : les partenaires votent sur les "
                           "décisions appliquées.")
    manquantes = [c for c in cles if c[0] in seances and c not in decides]
    if manquantes:
        erreurs.append(f"{len(manquantes)} ligne(s) sans montant décidé à cette séance : rien à voter.")
    if not erreurs:
        erreurs = regles.verifier_deliberation(instance, jour, reference, ZERO, aujourd_hui=_aujourd_hui_a_paris(),
                                               seance_le=max(seances[c[0]].date for c in cles))
    if erreurs:
        raise DonneesInvalides("Délibération refusée :\n- " + "\n- ".join(erreurs))
    existantes = {(d.seance_id, d.dossier_id, d.financeur_code): d for d in uow.session.scalars(
        select(Deliberation).where(tuple_(Deliberation.seance_id, Deliberation.dossier_id,
                                          Deliberation.financeur_code).in_(cles)))} if len(cles) < 500 else {
        (d.seance_id, d.dossier_id, d.financeur_code): d for d in uow.session.scalars(
            select(Deliberation).where(Deliberation.seance_id.in_(list(seances))))}
    courts, _l, _p = service_comite.financeurs(uow)
    maintenant_ = maintenant()
    nouvelles, historique = [], []
    for cle in cles:
        montant = decides[cle]
        ligne = existantes.get(cle)
        avant = (ligne.instance, ligne.date, ligne.reference, ligne.montant_vote) if ligne else (None,) * 4
        if ligne is None:
            nouvelles.append({"seance_id": cle[0], "dossier_id": cle[1], "financeur_code": cle[2],
                              "instance": instance, "date": jour, "reference": reference, "montant_vote": montant,
                              "saisie_le": maintenant_, "saisie_par": uow.acteur})
        else:
            ligne.instance, ligne.date, ligne.reference, ligne.montant_vote = instance, jour, reference, montant
            ligne.saisie_le, ligne.saisie_par = maintenant_, uow.acteur
        for nom, ancien, nouveau in zip(("Instance", "Date du vote", "Référence", "Montant voté"), avant,
                                        (instance, jour, reference, montant), strict=True):
            if ancien != nouveau:
                historique.append({
                    "le": maintenant_, "acteur": uow.acteur, "objet": OBJET_DELIBERATION, "action": "saisie",
                    "dossier_id": cle[1], "porteur_id": None, "version": None,
                    "champ": modifs._champ(f"{nom} ({courts.get(cle[2], cle[2])})"), "ancien": _texte(ancien),
                    "nouveau": modifs._borne(_texte(nouveau))})
    if nouvelles:
        uow.session.execute(insert(Deliberation.__table__), nouvelles)
    if historique:
        uow.session.execute(insert(m.Historique.__table__), historique)
    uow.session.flush()
    return len(cles)


def _texte(valeur) -> str | None:
    if valeur is None:
        return None
    if isinstance(valeur, Decimal):
        return argent.formater(valeur)
    if isinstance(valeur, dt.date):
        return dates.formater(valeur)
    return str(valeur)


# --- Moyens de droit commun --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moyen:
    id: int
    financeur: str
    libelle_financeur: str
    nature: str
    libelle: str
    montant: Decimal | None
    saisi_par: str
    saisi_le: dt.datetime


@ecrit("financements.declarer")
def declarer_moyen(uow: UniteDeTravail, dossier_id: int, financeur: str, nature: str, libelle: str,
                   montant: Decimal | None) -> int:
    """Déclare un moyen de droit commun qu'un partenaire mobilise pour l'action."""
    courts, _longs, _p = service_comite.financeurs(uow)
    libelle = (libelle or "").strip()
    erreurs = []
    if uow.session.get(m.Dossier, dossier_id) is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    if financeur not in courts:
        erreurs.append("Choisissez le partenaire qui mobilise ce moyen.")
    if nature not in regles.NATURES_MOYENS:
        erreurs.append("Choisissez la nature du moyen : fonctionnement ou investissement.")
    if not libelle:
        erreurs.append("Décrivez le moyen mobilisé (un poste, une salle, un dispositif…).")
    if montant is not None and (montant < 0 or montant != montant.quantize(argent.CENTIME)):
        erreurs.append("La valorisation est un montant positif, au centime.")
    if erreurs:
        raise DonneesInvalides("Moyen de droit commun refusé :\n- " + "\n- ".join(erreurs))
    moyen = MoyenDroitCommun(dossier_id=dossier_id, financeur_code=financeur, nature=nature, libelle=libelle,
                             montant=montant, saisi_par=uow.acteur)
    uow.session.add(moyen)
    uow.session.flush()
    modifs.noter(uow, OBJET_MOYEN, "déclaration", dossier_id=dossier_id, changements=[
        (f"Droit commun {courts[financeur]}", None,
         f"{libelle} ({regles.NATURES_MOYENS[nature].lower()}"
         + (f", {argent.formater(montant)})" if montant is not None else ")"))])
    return moyen.id


@ecrit("financements.declarer")
def retirer_moyen(uow: UniteDeTravail, moyen_id: int) -> None:
    moyen = uow.session.get(MoyenDroitCommun, moyen_id)
    if moyen is None:
        raise DonneesInvalides("Ce moyen de droit commun a déjà été retiré.")
    courts, _longs, _p = service_comite.financeurs(uow)
    modifs.noter(uow, OBJET_MOYEN, "retrait", dossier_id=moyen.dossier_id, changements=[
        (f"Droit commun {courts.get(moyen.financeur_code, moyen.financeur_code)}", moyen.libelle, None)])
    uow.session.delete(moyen)
    uow.session.flush()


# --- La vue consolidée -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneFinancement:
    """Un partenaire pour une action : demandé, proposé (instruction, avis), décidé, voté, droit commun."""

    financeur: str
    libelle: str
    demande: Decimal = ZERO
    propose: Decimal | None = None
    propose_avis: Decimal | None = None
    decide: Decimal | None = None
    vote: Decimal | None = None
    droit_commun: Decimal = ZERO
    moyens: int = 0


@dataclass(frozen=True)
class Financements:
    dossier_id: int
    numero: str
    intitule: str
    etat: str
    cout_total: Decimal
    lignes: tuple[LigneFinancement, ...]
    moyens: tuple[Moyen, ...]
    seances: tuple[tuple[str, dt.date, str | None], ...] = ()  # séances où il est passé : intitulé, date, décision
    financeurs: dict[str, str] = field(default_factory=dict)  # tous : code → libellé court (pour les choix)

    def total(self, attribut: str) -> Decimal:
        return sum((getattr(ligne, attribut) or ZERO for ligne in self.lignes), ZERO)


@dataclass(frozen=True)
class LigneCampagne:
    dossier_id: int
    numero: str
    intitule: str
    porteur: str
    etat: str
    par_financeur: dict[str, LigneFinancement]


@dataclass(frozen=True)
class VueCampagne:
    campagne_id: int
    libelle: str
    financeurs: dict[str, str]  # ceux qui apparaissent, dans l'ordre du référentiel : code → libellé court
    lignes: tuple[LigneCampagne, ...]

    def total(self, financeur: str, attribut: str) -> Decimal:
        return sum((getattr(ligne.par_financeur[financeur], attribut) or ZERO for ligne in self.lignes
                    if financeur in ligne.par_financeur), ZERO)


def _consolider(uow: UniteDeTravail, ids: list[int]) -> tuple[dict[int, dict[str, LigneFinancement]],
                                                             dict[int, list[Moyen]]]:
    """Pour ces dossiers : une ligne par partenaire concerné, en requêtes constantes."""
    courts, _longs, _p = service_comite.financeurs(uow)
    demandes = service_comite.demandes_de(uow, ids)
    propositions = service_comite.propositions_de(uow, ids)
    accordes: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for dossier_id, code, montant in uow.session.execute(
            select(m.MontantAccorde.dossier_id, m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
            .where(m.MontantAccorde.dossier_id.in_(ids))):
        accordes[dossier_id][code] = montant
    avis: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for dossier_id, code, montant in uow.session.execute(
            select(m.DemandeAvis.dossier_id, m.AvisMontant.financeur_code, m.AvisMontant.montant)
            .join(m.Avis, m.Avis.id == m.AvisMontant.avis_id)
            .join(m.DemandeAvis, m.DemandeAvis.id == m.Avis.demande_id)
            .where(m.DemandeAvis.dossier_id.in_(ids)).order_by(m.Avis.donne_le, m.Avis.id)):
        avis[dossier_id][code] = montant  # le plus récent l'emporte
    votes: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for dossier_id, code, montant in uow.session.execute(
            select(Deliberation.dossier_id, Deliberation.financeur_code, Deliberation.montant_vote)
            .where(Deliberation.dossier_id.in_(ids))):
        votes[dossier_id][code] += montant
    moyens: dict[int, list[Moyen]] = defaultdict(list)
    for mo in uow.session.scalars(select(MoyenDroitCommun).where(MoyenDroitCommun.dossier_id.in_(ids))
                                  .order_by(MoyenDroitCommun.saisi_le, MoyenDroitCommun.id)):
        moyens[mo.dossier_id].append(Moyen(mo.id, mo.financeur_code, courts.get(mo.financeur_code, mo.financeur_code),
                                           mo.nature, mo.libelle, mo.montant, mo.saisi_par, mo.saisi_le))
    resultat: dict[int, dict[str, LigneFinancement]] = {}
    for dossier_id in ids:
        proposes = propositions.get(dossier_id, (None, None, {}))[2]
        codes = (set(demandes.get(dossier_id, {})) | set(proposes) | set(accordes.get(dossier_id, {}))
                 | set(avis.get(dossier_id, {})) | set(votes.get(dossier_id, {}))
                 | {mo.financeur for mo in moyens.get(dossier_id, [])})
        par_code = {}
        for code in [c for c in courts if c in codes]:
            siens = [mo for mo in moyens.get(dossier_id, []) if mo.financeur == code]
            par_code[code] = LigneFinancement(
                code, courts[code], demandes.get(dossier_id, {}).get(code, ZERO), proposes.get(code),
                avis.get(dossier_id, {}).get(code), accordes.get(dossier_id, {}).get(code),
                votes[dossier_id][code] if code in votes.get(dossier_id, {}) else None,
                sum((mo.montant or ZERO for mo in siens), ZERO), len(siens))
        resultat[dossier_id] = par_code
    return resultat, moyens


def du_dossier(uow: UniteDeTravail, dossier_id: int) -> Financements:
    dossier = uow.session.get(m.Dossier, dossier_id)
    if dossier is None:
        raise DonneesInvalides("Ce dossier n'existe plus.")
    par_dossier, moyens = _consolider(uow, [dossier_id])
    seances = tuple(uow.session.execute(
        select(SeanceComite.intitule, SeanceComite.date, SeanceDossier.decision)
        .join(SeanceDossier, SeanceDossier.seance_id == SeanceComite.id)
        .where(SeanceDossier.dossier_id == dossier_id).order_by(SeanceComite.date)).all())
    courts, _longs, _p = service_comite.financeurs(uow)
    return Financements(dossier.id, dossier.numero, dossier.intitule, dossier.etat, dossier.cout_total,
                        tuple(par_dossier[dossier_id].values()), tuple(moyens.get(dossier_id, [])),
                        tuple((i, d, dec) for i, d, dec in seances), courts)


def de_campagne(uow: UniteDeTravail, campagne_id: int) -> VueCampagne:
    campagne = uow.session.get(m.Campagne, campagne_id)
    if campagne is None:
        raise DonneesInvalides("Cette campagne n'existe plus.")
    dossiers = uow.session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Porteur.nom, m.Dossier.etat)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .where(m.Dossier.campagne_id == campagne_id).order_by(m.Dossier.numero)).all()
    par_dossier, _moyens = _consolider(uow, [d.id for d in dossiers])
    courts, _longs, _p = service_comite.financeurs(uow)
    presents = {c for lignes in par_dossier.values() for c in lignes}
    return VueCampagne(campagne.id, campagne.libelle, {c: courts[c] for c in courts if c in presents},
                       tuple(LigneCampagne(d.id, d.numero, d.intitule, d.nom, d.etat, par_dossier.get(d.id, {}))
                             for d in dossiers))
