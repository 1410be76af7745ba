"""La clôture d'une séance du comité : toutes ses décisions appliquées en une transaction, par lots.

``cloturer`` verrouille la ligne de la séance (``SELECT … FOR UPDATE`` sous PostgreSQL ; sous SQLite, la
transaction d'écriture ``BEGIN IMMEDIATE`` la réserve déjà) : de deux instructeurs qui clôturent en même temps,
le second attend, puis lit la séance close et reçoit un message clair ; ``version`` (lue par l'écran) refuse
aussi une clôture partie d'une séance modifiée depuis. Tout ou rien : une décision qui ne passe pas une règle
fait refuser toute la clôture, chaque point dit ; un arrêt brutal en cours de route n'applique rien (la
transaction n'est pas validée).

Les règles sont celles du chemin dossier par dossier, appliquées à toutes les décisions avant toute écriture :

* le passage permis et sa date métier (``workflow.verifier``, ``workflow.verifier_date`` : la date de la
  séance, ni dans le futur, ni avant le dépôt, ni avant le passage précédent) ;
* la forme de la décision (``comite.erreurs_de_saisie``) et ses montants (``programmation.erreurs_de_decision``) ;
* les enveloppes : toutes les décisions de la séance ensemble, enveloppes verrouillées
  (``services.enveloppes.depassements``, qui applique ``programmation.depassements_d_enveloppe`` à l'enveloppe
  « tous axes » et à celles par axe, en requêtes fixes par année et dispositif).

Les écritures se font **par lots**, en un nombre d'allers-retours qui ne dépend pas du nombre de dossiers :
passages d'état (un ``INSERT`` de toutes les lignes), états des dossiers (un ``UPDATE`` par décision : retenu,
ajourné, refusé), montants accordés (un ``DELETE``, un ``INSERT``), historique (un ``INSERT``), la séance.
Chaque dossier voit sa version augmenter (les formulaires ouverts ailleurs le sauront) et ses montants leur
version, comme par ``services.instruction.changer_etat``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update

from instruction.db import modeles as m
from instruction.db.modeles.comite import SeanceComite, SeanceDossier, SeanceMontant
from instruction.domaine import argent, dates, programmation, workflow
from instruction.domaine import comite as regles
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import maintenant
from instruction.services import comite as service_comite
from instruction.services import enveloppes
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.instruction import _aujourd_hui_a_paris, _jour_a_paris, _moment_du_jour

ZERO = Decimal("0.00")
ETATS = {regles.RETENU: Etat.RETENU, regles.AJOURNE: Etat.AJOURNE, regles.REFUSE: Etat.REFUSE}


@dataclass(frozen=True)
class ClotureFaite:
    seance_id: int
    intitule: str
    date: dt.date
    retenus: tuple[int, ...]
    ajournes: tuple[int, ...]
    refuses: tuple[int, ...]

    @property
    def dossiers(self) -> tuple[int, ...]:
        return self.retenus + self.ajournes + self.refuses

    def resume(self) -> str:
        return (f"Séance « {self.intitule} » close : {len(self.dossiers)} décision(s) appliquée(s) — "
                f"{len(self.retenus)} retenu(s), {len(self.ajournes)} ajourné(s), {len(self.refuses)} refusé(s).")


@dataclass(frozen=True)
class _Dossier:
    id: int
    numero: str
    etat: str
    depose_le: dt.date | None
    version: int
    version_montants: int
    cout_total: Decimal
    annee: int
    dispositif: str


@ecrit("seance.cloturer")
def cloturer(uow: UniteDeTravail, seance_id: int, *, version: int | None = None,
             le: dt.datetime | None = None) -> ClotureFaite:
    """Applique toutes les décisions de la séance (états à la date de la séance, montants accordés, historique)
    et la ferme. ``version`` : celle de la séance lue par l'écran ; ``le`` : le moment de la saisie (la
    démonstration, un import), par défaut maintenant."""
    session = uow.session
    seance = session.scalars(select(SeanceComite).where(SeanceComite.id == seance_id).with_for_update()).first()
    if seance is None:
        raise DonneesInvalides(f"La séance n° {seance_id} n'existe pas (ou plus).")
    if seance.statut == regles.CLOSE:
        raise DonneesInvalides(
            f"La séance « {seance.intitule} » a déjà été clôturée par {seance.close_par} le "
            f"{dates.formater_horodatage(seance.close_le)} : ses décisions sont appliquées, rien n'a été refait.")
    if version is not None and seance.version != version:
        raise Conflit(f"La séance « {seance.intitule} » a été modifiée sur un autre poste depuis que vous l'avez "
                      "ouverte : relisez ses décisions avant de la clôturer (rien n'a été appliqué).")
    lignes = session.execute(select(SeanceDossier.id, SeanceDossier.dossier_id, SeanceDossier.decision,
                                    SeanceDossier.motif).where(SeanceDossier.seance_id == seance_id)
                             .order_by(SeanceDossier.ordre, SeanceDossier.id)).all()
    if not lignes:
        raise DonneesInvalides(f"L'ordre du jour de « {seance.intitule} » est vide : il n'y a rien à décider.")
    montants: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for ligne_id, code, montant in session.execute(
            select(SeanceMontant.seance_dossier_id, SeanceMontant.financeur_code, SeanceMontant.montant)
            .join(SeanceDossier, SeanceDossier.id == SeanceMontant.seance_dossier_id)
            .where(SeanceDossier.seance_id == seance_id)):
        montants[ligne_id][code] = montant
    ids = [ligne.dossier_id for ligne in lignes]
    dossiers = {d.id: d for d in (_Dossier(*r) for r in session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.etat, m.Dossier.depose_le, m.Dossier.version,
               m.Dossier.version_montants, m.Dossier.cout_total, m.Campagne.annee, m.Campagne.dispositif_code)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .where(m.Dossier.id.in_(ids)).with_for_update(of=m.Dossier)))}
    a_decider = [dossiers[ligne.dossier_id].numero for ligne in lignes if ligne.decision is None]
    if a_decider:
        raise DonneesInvalides(
            f"La séance ne peut pas être close : {len(a_decider)} dossier(s) de l'ordre du jour n'ont pas de "
            f"décision ({', '.join(a_decider[:12])}{' …' if len(a_decider) > 12 else ''}). Saisissez-la, ou retirez "
            "le dossier de l'ordre du jour.")

    # --- Les règles, pour toutes les décisions, avant toute écriture ---------------------------------------
    precedents = _derniers_passages(uow, ids)
    demandes = service_comite.demandes_de(uow, ids)
    _courts, libelles, publics = service_comite.financeurs(uow)
    aujourd_hui = _aujourd_hui_a_paris()
    erreurs: list[str] = []
    decisions: dict[int, tuple[str, str | None, dict[str, Decimal]]] = {}
    for ligne in lignes:
        dossier = dossiers[ligne.dossier_id]
        decides = {c: v for c, v in montants[ligne.id].items()} if ligne.decision == regles.RETENU else {}
        vers = ETATS[ligne.decision]
        points = regles.erreurs_de_saisie(ligne.decision, ligne.motif, decides)
        try:
            workflow.verifier(dossier.etat, vers, ligne.motif)
            workflow.verifier_date(vers, seance.date, aujourd_hui=aujourd_hui, depose_le=dossier.depose_le,
                                   precedent=precedents.get(dossier.id))
        except DonneesInvalides as refus:
            points.append(str(refus))
        if not points:
            points = programmation.erreurs_de_decision(
                ligne.decision, decides, demandes.get(dossier.id, {}), dossier.cout_total, libelles,
                justification=ligne.motif, publics=publics)
        erreurs += [f"{dossier.numero} : {p}" for p in points]
        decisions[dossier.id] = (ligne.decision, ligne.motif, decides)
    if not erreurs:  # les enveloppes : toutes les décisions ensemble, enveloppes verrouillées (services.enveloppes)
        erreurs = enveloppes.depassements(uow, {i: d for i, (decision, _m, d) in decisions.items()
                                                if decision == regles.RETENU}, verrouiller=True)
    if erreurs:
        raise DonneesInvalides(f"La séance « {seance.intitule} » n'est pas close, aucune décision n'a été "
                               "appliquée :\n- " + "\n- ".join(erreurs))

    # --- Les écritures, par lots ------------------------------------------------------------------------
    saisie = le or maintenant()
    moment = le or _moment_du_jour(seance.date, saisie)
    note = maintenant()
    transitions, historique = [], []
    anciens = _montants_accordes(uow, ids)
    par_etat: dict[str, list[int]] = defaultdict(list)
    accordes = []
    for dossier_id, (decision, motif, decides) in decisions.items():
        dossier = dossiers[dossier_id]
        vers = ETATS[decision]
        par_etat[decision].append(dossier_id)
        transitions.append({"dossier_id": dossier_id, "de": dossier.etat, "vers": str(vers), "acteur": uow.acteur,
                            "le": saisie, "motif": motif, "date_effet": seance.date})
        changements = [("État", Etat(dossier.etat).libelle, vers.libelle)]
        if seance.date != _jour_a_paris(saisie):
            changements.append(("Date du passage", None, dates.formater(seance.date)))
        if motif:
            changements.append(("Motif", None, motif))
        historique += _lignes_historique(uow, note, "dossier", "passage", dossier_id, dossier.version + 1, changements)
        if decision == regles.RETENU:
            avant = anciens.get(dossier_id, {})
            historique += _lignes_historique(uow, note, "montants accordés", "saisie", dossier_id,
                                             dossier.version_montants + 1, [
                (f"Accordé : {libelles.get(c, c)}", argent.formater(avant.get(c)) or None,
                 argent.formater(decides.get(c)) or None)
                for c in sorted(set(avant) | set(decides)) if avant.get(c) != decides.get(c)])
            accordes += [{"dossier_id": dossier_id, "financeur_code": c, "montant": v} for c, v in decides.items()]
    session.execute(insert(m.Transition.__table__), transitions)
    for decision, liste in par_etat.items():
        valeurs = {"etat": str(ETATS[decision]), "etat_depuis": moment, "version": m.Dossier.version + 1}
        if decision == regles.RETENU:
            valeurs["version_montants"] = m.Dossier.version_montants + 1
        session.execute(update(m.Dossier.__table__).where(m.Dossier.id.in_(liste)).values(**valeurs))
    retenus = par_etat.get(regles.RETENU, [])
    if any(anciens.get(i) for i in retenus):
        session.execute(delete(m.MontantAccorde).where(m.MontantAccorde.dossier_id.in_(retenus)))
    if accordes:
        session.execute(insert(m.MontantAccorde.__table__), accordes)
    historique += _lignes_historique(uow, note, service_comite.OBJET, "clôture", None, None, [
        ("Séance", regles.STATUTS[regles.PREPARATION], regles.STATUTS[regles.CLOSE]),
        ("Décisions appliquées", None, f"{len(retenus)} retenu(s), {len(par_etat.get(regles.AJOURNE, []))} "
                                       f"ajourné(s), {len(par_etat.get(regles.REFUSE, []))} refusé(s)")])
    session.execute(insert(m.Historique.__table__), historique)
    seance.statut, seance.close_le, seance.close_par = regles.CLOSE, saisie, uow.acteur
    session.flush()
    fait = ClotureFaite(seance.id, seance.intitule, seance.date, tuple(retenus),
                        tuple(par_etat.get(regles.AJOURNE, [])), tuple(par_etat.get(regles.REFUSE, [])))
    session.expire_all()  # les dossiers déjà chargés dans la session relisent leur nouvel état
    return fait


def _lignes_historique(uow: UniteDeTravail, le: dt.datetime, objet: str, action: str, dossier_id: int | None,
                       version: int | None, changements: list[tuple[str, object, object]]) -> list[dict]:
    """Les lignes que ``historique.noter`` écrirait, à insérer en un lot."""
    return [{"le": le, "acteur": uow.acteur, "objet": objet, "action": action, "dossier_id": dossier_id,
             "porteur_id": None, "version": version, "champ": modifs._champ(champ), "ancien": modifs._borne(ancien),
             "nouveau": modifs._borne(nouveau)}
            for champ, ancien, nouveau in (changements or [(None, None, None)])]


def _derniers_passages(uow: UniteDeTravail, ids: list[int]) -> dict[int, tuple[str, dt.date]]:
    """Le dernier passage de chaque dossier (état d'arrivée, date métier), en une requête."""
    rang = func.row_number().over(
        partition_by=m.Transition.dossier_id,
        order_by=(m.Transition.date_effet.desc(), m.Transition.le.desc(), m.Transition.id.desc())).label("rang")
    sous = select(m.Transition.dossier_id, m.Transition.vers, m.Transition.date_effet, rang) \
        .where(m.Transition.dossier_id.in_(ids)).subquery()
    return {dossier_id: (vers, jour) for dossier_id, vers, jour, _r in
            uow.session.execute(select(sous).where(sous.c.rang == 1))}


def _montants_accordes(uow: UniteDeTravail, ids: list[int]) -> dict[int, dict[str, Decimal]]:
    resultat: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for dossier_id, code, montant in uow.session.execute(
            select(m.MontantAccorde.dossier_id, m.MontantAccorde.financeur_code, m.MontantAccorde.montant)
            .where(m.MontantAccorde.dossier_id.in_(ids))):
        resultat[dossier_id][code] = montant
    return resultat


def releve(uow: UniteDeTravail, seance_id: int) -> service_comite.SeanceLue:
    """La séance close, pour son relevé de décisions ; refusé tant qu'elle n'est pas close."""
    seance = service_comite.lire_seance(uow, seance_id)
    if not seance.close:
        raise DonneesInvalides(f"La séance « {seance.intitule} » n'est pas encore close : le relevé de décisions "
                               "s'imprime après la clôture (le dossier de séance sert avant).")
    return seance
