"""Les séances du comité des financeurs (et du jury PIC) : création, membres, ordre du jour, décisions.

Chaque fonction travaille dans l'unité de travail reçue ; l'appelant valide. Les règles :

* une séance se prépare (membres, ordre du jour, décisions saisies) tant qu'elle n'est pas close ; sa clôture
  (``services.cloture_seance``) applique toutes les décisions en une transaction ;
* seul un dossier « instruit » dont la grille égalité femmes-hommes est cotée va à l'ordre du jour
  (``programmation.raisons_hors_ordre_du_jour``), et d'une seule séance en préparation à la fois ; un refus
  dit, dossier par dossier, pourquoi, et n'inscrit rien ;
* inscrit, un dossier reçoit les montants de la proposition de l'instructeur (sinon ceux demandés) ; la
  décision se saisit ensuite (retenu, ajourné, refusé, montants, motif) et se vérifie tout de suite selon les
  règles des montants (``programmation.erreurs_de_decision``) ; les enveloppes se vérifient à la clôture,
  sur toutes les décisions ensemble.

Les lectures rendent des dataclasses simples (``SeanceLue``, ``LigneOrdreDuJour``…), lues en un nombre de
requêtes qui ne dépend pas du nombre de dossiers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm.exc import StaleDataError

from instruction.db import modeles as m
from instruction.db.modeles.comite import SeanceComite, SeanceDossier, SeanceMembre, SeanceMontant
from instruction.domaine import argent, dates
from instruction.domaine import comite as regles
from instruction.domaine import programmation
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import maintenant
from instruction.services import historique as modifs
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

OBJET = "séance du comité"
GRILLE_EGALITE = "egalite-femmes-hommes"
ZERO = Decimal("0.00")


# --- Ce que lisent les écrans et les documents ---------------------------------------------------------


@dataclass(frozen=True)
class SeanceResume:
    id: int
    instance: str
    intitule: str
    date: dt.date
    lieu: str
    statut: str
    dossiers: int
    decides: int
    close_le: dt.datetime | None
    close_par: str | None

    @property
    def libelle_statut(self) -> str:
        return regles.STATUTS.get(self.statut, self.statut)

    @property
    def close(self) -> bool:
        return self.statut == regles.CLOSE


@dataclass(frozen=True)
class LigneOrdreDuJour:
    """Un dossier à l'ordre du jour : ce qui était demandé et proposé, et la décision saisie."""

    dossier_id: int
    numero: str
    intitule: str
    porteur: str
    dispositif: str
    annee: int
    etat: str
    cout_total: Decimal
    cotation_egalite: int | None
    demandes: dict[str, Decimal]
    proposes: dict[str, Decimal]
    sens_propose: str | None
    commentaire_propose: str | None
    decision: str | None
    motif: str | None
    montants: dict[str, Decimal]
    ordre: int = 0

    @property
    def total_demande(self) -> Decimal:
        return sum(self.demandes.values(), ZERO)

    @property
    def total_decide(self) -> Decimal:
        return sum(self.montants.values(), ZERO) if self.decision == regles.RETENU else ZERO

    @property
    def libelle_decision(self) -> str:
        return regles.DECISIONS.get(self.decision or "", "à décider")


@dataclass(frozen=True)
class SeanceLue:
    id: int
    instance: str
    libelle_instance: str
    intitule: str
    date: dt.date
    lieu: str
    statut: str
    version: int
    membres: tuple[regles.Membre, ...]
    lignes: tuple[LigneOrdreDuJour, ...]
    financeurs: dict[str, str]  # code → sigle (ou libellé), dans l'ordre du référentiel
    libelles_financeurs: dict[str, str]  # code → libellé complet
    close_le: dt.datetime | None = None
    close_par: str | None = None
    source_membres: str = ""

    @property
    def close(self) -> bool:
        return self.statut == regles.CLOSE

    @property
    def a_decider(self) -> list[LigneOrdreDuJour]:
        return [ligne for ligne in self.lignes if ligne.decision is None]

    def financeurs_utilises(self) -> list[str]:
        """Les cofinanceurs sollicités ou décidés par au moins un dossier, dans l'ordre du référentiel."""
        utilises = {c for ligne in self.lignes for c in (*ligne.demandes, *ligne.montants, *ligne.proposes)}
        return [c for c in self.financeurs if c in utilises]

    def totaux(self, code: str) -> tuple[Decimal, Decimal, Decimal]:
        """Pour un cofinanceur : demandé, proposé, décidé (retenus seulement)."""
        demande = sum((ligne.demandes.get(code, ZERO) for ligne in self.lignes), ZERO)
        propose = sum((ligne.proposes.get(code, ZERO) for ligne in self.lignes), ZERO)
        decide = sum((ligne.montants.get(code, ZERO) for ligne in self.lignes if ligne.decision == regles.RETENU),
                     ZERO)
        return demande, propose, decide


@dataclass(frozen=True)
class Candidat:
    """Un dossier qu'on peut inscrire (ou pas, avec ses raisons)."""

    dossier_id: int
    numero: str
    intitule: str
    porteur: str
    dispositif: str
    annee: int
    total_demande: Decimal
    raisons: tuple[str, ...] = ()


# --- Lectures --------------------------------------------------------------------------------------------


def financeurs(uow: UniteDeTravail) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """(code → sigle ou libellé, code → libellé, codes des financeurs publics), dans l'ordre du référentiel."""
    courts, longs, publics = {}, {}, set()
    for code, sigle, libelle, nature in uow.session.execute(
            select(m.Financeur.code, m.Financeur.sigle, m.Financeur.libelle, m.Financeur.nature)
            .order_by(m.Financeur.ordre, m.Financeur.code)):
        courts[code], longs[code] = sigle or libelle, libelle
        if nature not in programmation.NATURES_NON_PUBLIQUES:
            publics.add(code)
    return courts, longs, publics


def lister_seances(uow: UniteDeTravail) -> list[SeanceResume]:
    """Les séances, la plus récente d'abord, avec leur nombre de dossiers et de décisions saisies."""
    comptes = {sid: (n, d) for sid, n, d in uow.session.execute(
        select(SeanceDossier.seance_id, func.count(), func.count(SeanceDossier.decision))
        .group_by(SeanceDossier.seance_id))}
    return [
        SeanceResume(s.id, s.instance, s.intitule, s.date, s.lieu or "", s.statut, *comptes.get(s.id, (0, 0)),
                     s.close_le, s.close_par)
        for s in uow.session.scalars(select(SeanceComite).order_by(SeanceComite.date.desc(), SeanceComite.id.desc()))
    ]


def demandes_de(uow: UniteDeTravail, dossier_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """Compte 74 du budget, par dossier et par cofinanceur, en une requête."""
    ids = list(dossier_ids)
    resultat: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if not ids:
        return resultat
    for dossier_id, code, montant in uow.session.execute(
            select(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code, func.sum(m.LigneBudget.montant))
            .where(m.LigneBudget.dossier_id.in_(ids), m.LigneBudget.sens == "produit", m.LigneBudget.compte == "74",
                   m.LigneBudget.financeur_code.is_not(None))
            .group_by(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code)):
        resultat[dossier_id][code] = montant
    return resultat


def propositions_de(uow: UniteDeTravail, dossier_ids: Iterable[int]) -> dict[int, tuple[str, str | None,
                                                                                     dict[str, Decimal]]]:
    """La dernière proposition de l'instructeur de chaque dossier : sens, commentaire, montants (deux requêtes)."""
    from instruction.db.modeles.instruction import MontantPropose, Proposition

    ids = list(dossier_ids)
    if not ids:
        return {}
    rang = func.row_number().over(partition_by=Proposition.dossier_id,
                                  order_by=(Proposition.le.desc(), Proposition.id.desc())).label("rang")
    sous = select(Proposition.id, Proposition.dossier_id, Proposition.sens, Proposition.commentaire, rang) \
        .where(Proposition.dossier_id.in_(ids)).subquery()
    dernieres = {pid: (dossier_id, sens, commentaire) for pid, dossier_id, sens, commentaire, _r in
                 uow.session.execute(select(sous).where(sous.c.rang == 1))}
    montants: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if dernieres:
        for pid, code, montant in uow.session.execute(
                select(MontantPropose.proposition_id, MontantPropose.financeur_code, MontantPropose.montant)
                .where(MontantPropose.proposition_id.in_(list(dernieres)))):
            montants[pid][code] = montant
    return {dossier_id: (sens, commentaire, dict(montants[pid]))
            for pid, (dossier_id, sens, commentaire) in dernieres.items()}


def cotations_egalite(uow: UniteDeTravail, dossier_ids: Iterable[int]) -> dict[int, int | None]:
    ids = list(dossier_ids)
    if not ids:
        return {}
    return dict(uow.session.execute(select(m.Cotation.dossier_id, m.Cotation.cotation)
                                    .where(m.Cotation.dossier_id.in_(ids), m.Cotation.grille == GRILLE_EGALITE)).all())


def _seance(uow: UniteDeTravail, seance_id: int, *, verrouiller: bool = False) -> SeanceComite:
    requete = select(SeanceComite).where(SeanceComite.id == seance_id)
    if verrouiller:
        requete = requete.with_for_update()
    seance = uow.session.scalars(requete).first()
    if seance is None:
        raise DonneesInvalides(f"La séance n° {seance_id} n'existe pas (ou plus).")
    return seance


def _ouverte(uow: UniteDeTravail, seance_id: int, *, version: int | None = None) -> SeanceComite:
    seance = _seance(uow, seance_id)
    if seance.statut == regles.CLOSE:
        raise DonneesInvalides(f"La séance « {seance.intitule} » est close depuis le "
                               f"{dates.formater_horodatage(seance.close_le)} ({seance.close_par}) : ses décisions "
                               "sont appliquées, elle ne se modifie plus.")
    if version is not None and seance.version != version:
        raise Conflit(f"La séance « {seance.intitule} » vient d'être modifiée sur un autre poste : rechargez-la "
                      "avant de recommencer (rien n'a été enregistré).")
    return seance


def lire_seance(uow: UniteDeTravail, seance_id: int) -> SeanceLue:
    """La séance, ses membres et son ordre du jour (demandé, proposé, décision saisie) en requêtes constantes."""
    seance = _seance(uow, seance_id)
    courts, longs, _publics = financeurs(uow)
    membres = tuple(regles.Membre(mb.qualite, mb.nom or "", mb.present, mb.excuse) for mb in uow.session.scalars(
        select(SeanceMembre).where(SeanceMembre.seance_id == seance_id).order_by(SeanceMembre.ordre, SeanceMembre.id)))
    lignes_brutes = uow.session.execute(
        select(SeanceDossier.id, SeanceDossier.dossier_id, SeanceDossier.ordre, SeanceDossier.decision,
               SeanceDossier.motif, m.Dossier.numero, m.Dossier.intitule, m.Porteur.nom, m.Campagne.dispositif_code,
               m.Campagne.annee, m.Dossier.etat, m.Dossier.cout_total)
        .join(m.Dossier, m.Dossier.id == SeanceDossier.dossier_id)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .where(SeanceDossier.seance_id == seance_id)
        .order_by(SeanceDossier.ordre, m.Dossier.numero)).all()
    ids = [ligne.dossier_id for ligne in lignes_brutes]
    montants: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for ligne_id, code, montant in uow.session.execute(
            select(SeanceMontant.seance_dossier_id, SeanceMontant.financeur_code, SeanceMontant.montant)
            .join(SeanceDossier, SeanceDossier.id == SeanceMontant.seance_dossier_id)
            .where(SeanceDossier.seance_id == seance_id)):
        montants[ligne_id][code] = montant
    demandes = demandes_de(uow, ids)
    propositions = propositions_de(uow, ids)
    cotations = cotations_egalite(uow, ids)
    lignes = tuple(
        LigneOrdreDuJour(
            b.dossier_id, b.numero, b.intitule, b.nom, b.dispositif_code, b.annee, b.etat, b.cout_total,
            cotations.get(b.dossier_id), dict(demandes.get(b.dossier_id, {})),
            dict(propositions.get(b.dossier_id, (None, None, {}))[2]),
            propositions.get(b.dossier_id, (None, None, {}))[0], propositions.get(b.dossier_id, (None, None, {}))[1],
            b.decision, b.motif, dict(montants.get(b.id, {})), b.ordre)
        for b in lignes_brutes)
    instance = regles.instances().get(seance.instance)
    return SeanceLue(seance.id, seance.instance, instance.libelle if instance else seance.instance, seance.intitule,
                     seance.date, seance.lieu or "", seance.statut, seance.version, membres, lignes, courts, longs,
                     seance.close_le, seance.close_par, instance.source if instance else "")


def candidats(uow: UniteDeTravail, seance_id: int | None = None) -> list[Candidat]:
    """Les dossiers instruits qu'on peut inscrire : pas encore à l'ordre du jour d'une séance en préparation,
    grille égalité cotée ; ceux qui ne le peuvent pas encore viennent avec leurs raisons."""
    deja = set(uow.session.scalars(
        select(SeanceDossier.dossier_id).join(SeanceComite, SeanceComite.id == SeanceDossier.seance_id)
        .where(SeanceComite.statut == regles.PREPARATION)))
    lignes = uow.session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Porteur.nom, m.Campagne.dispositif_code,
               m.Campagne.annee, m.Dossier.etat, m.Dossier.subvention_demandee)
        .join(m.Porteur, m.Porteur.id == m.Dossier.porteur_id)
        .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
        .where(m.Dossier.etat == Etat.INSTRUIT)
        .order_by(m.Campagne.annee.desc(), m.Dossier.numero)).all()
    cotations = cotations_egalite(uow, [ligne.id for ligne in lignes])
    return [Candidat(ligne.id, ligne.numero, ligne.intitule, ligne.nom, ligne.dispositif_code, ligne.annee,
                     ligne.subvention_demandee,
                     tuple(programmation.raisons_hors_ordre_du_jour(ligne.etat, cotations.get(ligne.id))))
            for ligne in lignes if ligne.id not in deja]


# --- Écritures -------------------------------------------------------------------------------------------


def _membres_propres(membres: Sequence[regles.Membre]) -> list[regles.Membre]:
    return [regles.Membre(mb.qualite.strip(), (mb.nom or "").strip(), bool(mb.present),
                          bool(mb.excuse) and not mb.present) for mb in membres]


@ecrit("seance.preparer")
def creer_seance(uow: UniteDeTravail, instance: str, jour: dt.date, intitule: str | None = None,
                 lieu: str | None = None) -> int:
    """Crée une séance en préparation, avec les membres que le contrat prévoit pour son instance."""
    modele = regles.instance(instance)
    intitule = (intitule or "").strip() or regles.intitule_par_defaut(instance, jour)
    lieu = (lieu or "").strip()
    membres = [regles.Membre(q) for q in modele.membres]
    erreurs = regles.verifier_seance(intitule, jour, lieu, membres)
    if erreurs:
        raise DonneesInvalides("Séance refusée :\n- " + "\n- ".join(erreurs))
    seance = SeanceComite(instance=instance, intitule=intitule, date=jour, lieu=lieu or None,
                          statut=regles.PREPARATION, creee_par=uow.acteur)
    uow.session.add(seance)
    uow.session.flush()
    uow.session.add_all(SeanceMembre(seance_id=seance.id, ordre=rang, qualite=mb.qualite, present=True,
                                     excuse=False)
                        for rang, mb in enumerate(membres))
    uow.session.flush()
    modifs.noter(uow, OBJET, "création", changements=[("Séance", None, intitule), ("Date", None, dates.formater(jour)),
                                                     *([("Lieu", None, lieu)] if lieu else [])])
    return seance.id


@ecrit("seance.preparer")
def modifier_seance(uow: UniteDeTravail, seance_id: int, intitule: str, jour: dt.date | None, lieu: str,
                    membres: Sequence[regles.Membre], *, version: int | None = None) -> None:
    """Change l'intitulé, la date, le lieu et les membres (présents, noms) d'une séance en préparation."""
    seance = _ouverte(uow, seance_id, version=version)
    intitule, lieu = (intitule or "").strip(), (lieu or "").strip()
    propres = _membres_propres(membres)
    erreurs = regles.verifier_seance(intitule, jour, lieu, propres)
    if erreurs:
        raise DonneesInvalides("Séance refusée :\n- " + "\n- ".join(erreurs))
    avant = lire_seance(uow, seance_id)
    changements = []
    for champ, ancien, nouveau in (("Séance", seance.intitule, intitule), ("Date", seance.date, jour),
                                   ("Lieu", seance.lieu or "", lieu)):
        if ancien != nouveau:
            changements.append((champ, dates.formater(ancien) if isinstance(ancien, dt.date) else ancien or None,
                                dates.formater(nouveau) if isinstance(nouveau, dt.date) else nouveau or None))
    if list(avant.membres) != propres:
        changements.append(("Membres", _resume_membres(avant.membres), _resume_membres(propres)))
        uow.session.execute(delete(SeanceMembre).where(SeanceMembre.seance_id == seance_id))
        uow.session.add_all(SeanceMembre(seance_id=seance_id, ordre=rang, qualite=mb.qualite, nom=mb.nom or None,
                                         present=mb.present, excuse=mb.excuse) for rang, mb in enumerate(propres))
    if not changements:
        return
    seance.intitule, seance.date, seance.lieu = intitule, jour, lieu or None
    _toucher(uow, seance)
    modifs.noter(uow, OBJET, "modification", changements=changements)


def _resume_membres(membres: Iterable[regles.Membre]) -> str:
    return " ; ".join(f"{mb.qualite}{' — ' + mb.nom if mb.nom else ''}"
                      f"{'' if mb.present else f' ({mb.libelle_presence})'}" for mb in membres)


def _toucher(uow: UniteDeTravail, seance: SeanceComite) -> None:
    """Augmente la version de la séance : toute modification la périme pour les autres postes (la colonne de
    version n'augmente que sur un UPDATE de sa ligne)."""
    from sqlalchemy.orm.attributes import flag_modified

    flag_modified(seance, "intitule")
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflit("La séance vient d'être modifiée sur un autre poste : rechargez-la (rien n'a été "
                      "enregistré).") from None


@ecrit("seance.preparer")
def inscrire(uow: UniteDeTravail, seance_id: int, dossier_ids: Sequence[int]) -> list[int]:
    """Inscrit des dossiers à l'ordre du jour ; tout ou rien : un dossier qui ne peut pas y aller fait refuser
    l'inscription, avec la raison de chacun. Rend les dossiers inscrits (ceux déjà à l'ordre du jour sont
    ignorés)."""
    seance = _ouverte(uow, seance_id)
    ids = list(dict.fromkeys(dossier_ids))
    if not ids:
        raise DonneesInvalides("Choisissez au moins un dossier à inscrire à l'ordre du jour.")
    deja_ici = set(uow.session.scalars(select(SeanceDossier.dossier_id).where(SeanceDossier.seance_id == seance_id)))
    ids = [i for i in ids if i not in deja_ici]
    if not ids:
        return []
    ailleurs = dict(uow.session.execute(
        select(SeanceDossier.dossier_id, SeanceComite.intitule)
        .join(SeanceComite, SeanceComite.id == SeanceDossier.seance_id)
        .where(SeanceDossier.dossier_id.in_(ids), SeanceComite.statut == regles.PREPARATION)).all())
    dossiers = {d.id: d for d in uow.session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.etat).where(m.Dossier.id.in_(ids)))}
    cotations = cotations_egalite(uow, ids)
    refus = []
    for i in ids:
        dossier = dossiers.get(i)
        if dossier is None:
            refus.append(f"le dossier n° {i} n'existe plus")
            continue
        raisons = programmation.raisons_hors_ordre_du_jour(dossier.etat, cotations.get(i))
        if i in ailleurs:
            raisons.append(f"il est déjà à l'ordre du jour de « {ailleurs[i]} »")
        if raisons:
            refus.append(f"{dossier.numero} : " + " ; ".join(raisons))
    if refus:
        raise DonneesInvalides("Seul un dossier dont l'instruction est terminée (« instruit », grille égalité "
                               "femmes-hommes cotée) va à l'ordre du jour ; rien n'a été inscrit :\n- "
                               + "\n- ".join(refus))
    dernier = uow.session.scalar(select(func.coalesce(func.max(SeanceDossier.ordre), 0))
                                 .where(SeanceDossier.seance_id == seance_id))
    propositions = propositions_de(uow, ids)
    demandes = demandes_de(uow, ids)
    ordonnes = sorted(ids, key=lambda i: dossiers[i].numero)
    for rang, i in enumerate(ordonnes, start=dernier + 1):
        pre_remplis = propositions[i][2] if i in propositions else demandes.get(i, {})
        uow.session.add(SeanceDossier(seance_id=seance_id, dossier_id=i, ordre=rang, montants=[
            SeanceMontant(financeur_code=c, montant=v) for c, v in sorted(pre_remplis.items())]))
    uow.session.flush()
    _toucher(uow, seance)
    for i in ordonnes:
        modifs.noter(uow, OBJET, "inscription", dossier_id=i,
                     changements=[("Ordre du jour", None, seance.intitule)])
    return ordonnes


@ecrit("seance.preparer")
def retirer(uow: UniteDeTravail, seance_id: int, dossier_id: int) -> None:
    """Retire un dossier de l'ordre du jour d'une séance en préparation (sa décision saisie part avec lui)."""
    seance = _ouverte(uow, seance_id)
    ligne = uow.session.scalars(select(SeanceDossier).where(SeanceDossier.seance_id == seance_id,
                                                            SeanceDossier.dossier_id == dossier_id)).first()
    if ligne is None:
        raise DonneesInvalides("Ce dossier n'est pas à l'ordre du jour de cette séance.")
    uow.session.delete(ligne)
    uow.session.flush()
    _toucher(uow, seance)
    modifs.noter(uow, OBJET, "retrait", dossier_id=dossier_id,
                 changements=[("Ordre du jour", seance.intitule, None)])


def _verifier_decision(uow: UniteDeTravail, dossier_id: int, decision: str, montants: Mapping[str, Decimal],
                       motif: str | None) -> None:
    courts, longs, publics = financeurs(uow)
    erreurs = regles.erreurs_de_saisie(decision, motif, montants)
    if not erreurs:
        cout = uow.session.scalar(select(m.Dossier.cout_total).where(m.Dossier.id == dossier_id))
        erreurs = programmation.erreurs_de_decision(
            decision, montants, demandes_de(uow, [dossier_id]).get(dossier_id, {}), cout, longs,
            justification=motif, publics=publics)
    if erreurs:
        numero = uow.session.scalar(select(m.Dossier.numero).where(m.Dossier.id == dossier_id))
        raise DonneesInvalides(f"Décision refusée pour le dossier {numero} :\n- " + "\n- ".join(erreurs))


@ecrit("seance.preparer")
def decider(uow: UniteDeTravail, seance_id: int, dossier_id: int, decision: str | None,
            montants: Mapping[str, Decimal] | None = None, motif: str | None = None) -> None:
    """Saisit (ou efface, ``decision`` None) la décision du comité pour un dossier de l'ordre du jour.

    Les montants d'un refus ou d'un ajournement sont à 0 € (laissés vides) ; ceux d'un retenu suivent les règles
    de la programmation (pas plus que demandé sans motif, financements publics ≤ coût)."""
    seance = _ouverte(uow, seance_id)
    ligne = uow.session.scalars(select(SeanceDossier).where(SeanceDossier.seance_id == seance_id,
                                                            SeanceDossier.dossier_id == dossier_id)).first()
    if ligne is None:
        raise DonneesInvalides("Ce dossier n'est pas à l'ordre du jour de cette séance.")
    motif = (motif or "").strip() or None
    propres = {c: v for c, v in (montants or {}).items() if v is not None}
    if decision is not None:
        if decision in (regles.AJOURNE, regles.REFUSE):
            propres = {c: v for c, v in propres.items() if v}  # vides ou à 0 : rien n'est décidé
        _verifier_decision(uow, dossier_id, decision, propres, motif)
    anciens = {mt.financeur_code: mt.montant for mt in ligne.montants}
    nouveaux = {c: v.quantize(argent.CENTIME) for c, v in propres.items() if v or decision == regles.RETENU}
    if decision is None:
        nouveaux = anciens if montants is None else nouveaux
    changements = []
    if ligne.decision != decision:
        changements.append(("Décision du comité", regles.DECISIONS.get(ligne.decision or ""),
                            regles.DECISIONS.get(decision or "")))
    if ligne.motif != motif:
        changements.append(("Motif", ligne.motif, motif))
    courts, _longs, _p = financeurs(uow)
    for code in sorted(set(anciens) | set(nouveaux)):
        if anciens.get(code) != nouveaux.get(code):
            changements.append((f"Décidé : {courts.get(code, code)}", argent.formater(anciens.get(code)) or None,
                                argent.formater(nouveaux.get(code)) or None))
    if not changements:
        return
    ligne.decision, ligne.motif = decision, motif
    ligne.saisie_le, ligne.saisie_par = maintenant(), uow.acteur
    ligne.montants = [SeanceMontant(financeur_code=c, montant=v) for c, v in sorted(nouveaux.items())]
    uow.session.flush()
    _toucher(uow, seance)
    modifs.noter(uow, OBJET, "décision", dossier_id=dossier_id, changements=changements)


@ecrit("seance.preparer")
def reprendre_propositions(uow: UniteDeTravail, seance_id: int) -> int:
    """Pour chaque dossier encore à décider, la décision que l'instructeur a proposée : favorable ou réservée →
    retenu aux montants proposés ; défavorable → refusé, avec le commentaire de la proposition pour motif.
    Rend le nombre de décisions saisies."""
    seance = lire_seance(uow, seance_id)
    faites = 0
    for ligne in seance.a_decider:
        if ligne.sens_propose is None:
            continue
        if ligne.sens_propose == "defavorable":
            decider(uow, seance_id, ligne.dossier_id, regles.REFUSE, {},
                    ligne.commentaire_propose or "Proposition défavorable de l'instruction.")
        else:
            decider(uow, seance_id, ligne.dossier_id, regles.RETENU, ligne.proposes, ligne.commentaire_propose)
        faites += 1
    return faites


@ecrit("seance.preparer")
def reprendre_scenario(uow: UniteDeTravail, seance_id: int, scenario_id: int) -> int:
    """Chaque dossier de l'ordre du jour que le scénario de programmation prévoit reçoit sa décision
    provisoire (décision, montants, motif et justification) ; rend le nombre de décisions saisies."""
    from instruction.services import programmation as service_programmation

    seance = lire_seance(uow, seance_id)
    prevues = service_programmation.decisions_du_scenario(uow, scenario_id, [l.dossier_id for l in seance.lignes])
    faites = 0
    for ligne in seance.lignes:
        prevue = prevues.get(ligne.dossier_id)
        if prevue is None:
            continue
        motif = " ; ".join(filter(None, (prevue.motif, prevue.justification))) or (
            None if prevue.decision == regles.RETENU else "Prévu par le scénario de programmation.")
        decider(uow, seance_id, ligne.dossier_id, prevue.decision, prevue.montants, motif)
        faites += 1
    return faites


def scenarios_de_la_seance(uow: UniteDeTravail, seance_id: int) -> list[tuple[int, str]]:
    """Les scénarios de programmation des campagnes de l'ordre du jour : (id, « campagne — scénario »)."""
    from instruction.services import programmation as service_programmation

    campagnes = dict(uow.session.execute(
        select(m.Campagne.id, m.Campagne.libelle).join(m.Dossier, m.Dossier.campagne_id == m.Campagne.id)
        .join(SeanceDossier, SeanceDossier.dossier_id == m.Dossier.id)
        .where(SeanceDossier.seance_id == seance_id).distinct()).all())
    return [(sc.id, f"{libelle} — {sc.nom}") for campagne_id, libelle in sorted(campagnes.items(), key=lambda e: e[1])
            for sc in service_programmation.scenarios(uow, campagne_id)]


def total_par_financeur(lignes: Iterable[LigneOrdreDuJour]) -> dict[str, Decimal]:
    totaux: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ligne in lignes:
        if ligne.decision == regles.RETENU:
            for code, montant in ligne.montants.items():
                totaux[code] += montant
    return dict(totaux)


@dataclass(frozen=True)
class DossierDeSeance:
    """Ce qu'imprime le dossier de séance : la séance, et la fiche d'instruction de chaque dossier."""

    seance: SeanceLue
    fiches: tuple = field(default_factory=tuple)  # services.fiche_instruction.FicheInstruction, dans l'ordre du jour
    imprime_le: dt.datetime = field(default_factory=maintenant)


def dossier_de_seance(uow: UniteDeTravail, seance_id: int) -> DossierDeSeance:
    """La séance et les fiches d'instruction de ses dossiers, dans l'ordre du jour."""
    from instruction.services import fiche_instruction

    seance = lire_seance(uow, seance_id)
    return DossierDeSeance(seance, tuple(fiche_instruction.lire(uow, ligne.dossier_id) for ligne in seance.lignes))
