"""Les comptes rendus financiers (CERFA 15059) : réception, saisie, validation, renvoi, reversement proposé.

Trois feuilles, comme le formulaire (arrêté du 11 octobre 2006) :

1. le **bilan qualitatif**, allégé comme l'évaluation 2015-2023 le demandait (l. 295-596) : ce qui a été fait,
   le public atteint (femmes / hommes, tranches d'âge, QPV / hors QPV), les indicateurs d'évaluation du dossier
   (cible et valeur atteinte), difficultés, perspectives ;
2. le **tableau des données chiffrées** : à la réception, la prévision est recopiée du budget du CERFA 12156
   du dossier (``ligne_budget``) et ne bouge plus ; la réalisation se tape (ou se colle d'un tableur) ;
   l'écart en euros et en % se calcule (``domaine.bilans.ecart``) ;
3. l'**annexe explicative** : les écarts au-delà des seuils déclarés s'y expliquent (ligne à ligne, et pour le
   total des charges), avec les règles de répartition des charges indirectes et les contributions en nature.

Circuit : reçu → validé, ou renvoyé pour compléments → reçu de nouveau → validé. La réception et la validation
sont notées sur chaque convention du dossier qui couvre l'exercice (``services.versements``) : la validation
débloque le solde. Une sous-réalisation des charges propose un reversement au prorata, que l'instructeur
confirme (titre de recette) : il s'enregistre par les reversements des conventions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.db.modeles import comptes_rendus as mcr
from instruction.db.modeles import conventions as mc
from instruction.domaine import argent, bilans, publics
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.services import bilans_attendus, historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

MAX_PUBLIC = 1_000_000


@dataclass(frozen=True)
class IndicateurCompteRendu:
    libelle: str
    cible: str | None
    unite: str | None
    atteint: str | None = None
    commentaire: str = ""
    indicateur_action_id: int | None = None


@dataclass(frozen=True)
class SaisieCompteRendu:
    """Ce que l'instructeur tape (ou colle) : réalisations et explications, bilan qualitatif, annexe.

    ``lignes`` suit l'ordre du tableau lu (la prévision n'est pas modifiable)."""

    realisations: tuple[Decimal | None, ...]
    explications: tuple[str, ...]
    realise: str = ""
    difficultes: str = ""
    perspectives: str = ""
    femmes: int | None = None
    hommes: int | None = None
    qpv: int | None = None
    hors_qpv: int | None = None
    publics: Mapping[str, int] = field(default_factory=dict)  # tranche d'âge → nombre
    atteints: tuple[str | None, ...] = ()  # valeur atteinte de chaque indicateur, dans l'ordre
    commentaires_indicateurs: tuple[str, ...] = ()
    explication_generale: str = ""
    charges_indirectes: str = ""
    contributions_nature: str = ""


@dataclass(frozen=True)
class PartReversement:
    convention_id: int
    financeur: str
    financeur_libelle: str
    accorde: Decimal
    verse: Decimal
    propose: Decimal  # au prorata des charges non réalisées, borné au versé


@dataclass(frozen=True)
class CompteRenduLu:
    id: int
    dossier_id: int
    numero: str
    intitule: str
    porteur: str
    porteur_siret: str | None
    porteur_adresse: str
    dispositif: str
    campagne: str
    exercice: int
    nature: str
    etat: str
    echeance: dt.date
    fin_exercice: dt.date
    recu_le: dt.date
    valide_le: dt.date | None
    renvoye_le: dt.date | None
    motif_renvoi: str
    realise: str
    difficultes: str
    perspectives: str
    femmes: int | None
    hommes: int | None
    qpv: int | None
    hors_qpv: int | None
    publics: dict[str, int]
    indicateurs: tuple[IndicateurCompteRendu, ...]
    lignes: tuple[bilans.LigneCompteRendu, ...]
    explication_generale: str
    charges_indirectes: str
    contributions_nature: str
    version: int
    accordes: dict[str, Decimal]  # montants de l'exercice par cofinanceur (conventions en vigueur)
    financeurs: dict[str, str]  # code → libellé
    regles: bilans.Regles
    modifie_le: dt.datetime
    acteur: str

    @property
    def libelle_nature(self) -> str:
        return bilans.NATURES[self.nature]

    @property
    def libelle_etat(self) -> str:
        return bilans.STATUTS[self.etat]

    @property
    def modifiable(self) -> bool:
        return self.etat != bilans.VALIDE

    @property
    def recu_en_retard(self) -> int:
        return bilans.jours_de_retard(self.echeance, self.recu_le, self.recu_le)

    def totaux(self, sens: str) -> bilans.Totaux:
        return bilans.totaux(self.lignes, sens)

    @property
    def manques(self) -> list[bilans.Manque]:
        return bilans.manques_pour_validation(list(self.lignes), self.realise, self.explication_generale,
                                              self.regles)

    @property
    def reversement(self) -> dict[str, Decimal]:
        return bilans.reversement_propose(self.lignes, self.accordes, self.regles)


# --- Lecture ---------------------------------------------------------------------------------------


def _compte_rendu(uow: UniteDeTravail, compte_rendu_id: int) -> mcr.CompteRendu:
    cr = uow.session.get(mcr.CompteRendu, compte_rendu_id) if compte_rendu_id is not None else None
    if cr is None:
        raise DonneesInvalides("Ce compte rendu n'existe plus (supprimé avec son dossier ?).")
    return cr


def _conventions_de(uow: UniteDeTravail, dossier_id: int, exercice: int) -> list[tuple[int, str, Decimal, Decimal]]:
    """(convention, cofinanceur, montant de l'exercice, versé) des conventions engagées du dossier qui couvrent
    l'exercice."""
    return [tuple(r) for r in uow.session.execute(
        select(mc.Convention.id, mc.ConventionMontant.financeur_code, mc.ConventionMontant.montant,
               mc.ConventionMontant.verse)
        .join(mc.ConventionMontant, mc.ConventionMontant.convention_id == mc.Convention.id)
        .where(mc.Convention.dossier_id == dossier_id, mc.ConventionMontant.exercice == exercice,
               mc.Convention.etat.in_(bilans_attendus.ETATS_ENGAGES))
        .order_by(mc.ConventionMontant.financeur_code))]


def lire(uow: UniteDeTravail, compte_rendu_id: int) -> CompteRenduLu:
    cr = _compte_rendu(uow, compte_rendu_id)
    dossier = uow.session.get(m.Dossier, cr.dossier_id)
    porteur = dossier.porteur
    accordes: dict[str, Decimal] = {}
    for _cid, financeur, montant, _verse in _conventions_de(uow, cr.dossier_id, cr.exercice):
        accordes[financeur] = accordes.get(financeur, argent.ZERO) + montant
    codes = set(accordes) | {l.financeur_code for l in cr.lignes if l.financeur_code}
    libelles = dict(uow.session.execute(select(m.Financeur.code, m.Financeur.libelle)
                                        .where(m.Financeur.code.in_(sorted(codes)))).all()) if codes else {}
    adresse = " ".join(x for x in (porteur.adresse, porteur.code_postal, porteur.ville) if x)
    return CompteRenduLu(
        id=cr.id, dossier_id=cr.dossier_id, numero=dossier.numero, intitule=dossier.intitule, porteur=porteur.nom,
        porteur_siret=porteur.siret, porteur_adresse=adresse, dispositif=dossier.campagne.dispositif_code,
        campagne=dossier.campagne.libelle, exercice=cr.exercice, nature=cr.nature, etat=cr.etat,
        echeance=cr.echeance, fin_exercice=cr.fin_exercice, recu_le=cr.recu_le, valide_le=cr.valide_le,
        renvoye_le=cr.renvoye_le, motif_renvoi=cr.motif_renvoi or "", realise=cr.realise or "",
        difficultes=cr.difficultes or "", perspectives=cr.perspectives or "", femmes=cr.femmes, hommes=cr.hommes,
        qpv=cr.qpv, hors_qpv=cr.hors_qpv,
        publics={p.tranche: p.nombre for p in sorted(cr.publics, key=lambda p: list(publics.TRANCHES_AGE).index(p.tranche)
                                                     if p.tranche in publics.TRANCHES_AGE else 99)},
        indicateurs=tuple(IndicateurCompteRendu(i.libelle, i.cible, i.unite, i.atteint, i.commentaire or "",
                                                i.indicateur_action_id) for i in cr.indicateurs),
        lignes=tuple(bilans.LigneCompteRendu(l.sens, l.compte, l.libelle, l.prevu, l.realise, l.explication or "",
                                             l.financeur_code) for l in cr.lignes),
        explication_generale=cr.explication_generale or "", charges_indirectes=cr.charges_indirectes or "",
        contributions_nature=cr.contributions_nature or "", version=cr.version, accordes=accordes,
        financeurs=libelles, regles=bilans_attendus.regles(uow), modifie_le=cr.modifie_le, acteur=cr.acteur,
    )


def id_du(uow: UniteDeTravail, dossier_id: int, exercice: int) -> int | None:
    return uow.session.scalar(select(mcr.CompteRendu.id).where(mcr.CompteRendu.dossier_id == dossier_id,
                                                               mcr.CompteRendu.exercice == exercice))


# --- Le solde des conventions --------------------------------------------------------------------------


def _noter_sur_les_conventions(uow: UniteDeTravail, cr: mcr.CompteRendu, *, recu_le: dt.date | None,
                               valide_le: dt.date | None) -> None:
    """Reçu / validé, sur chaque convention du dossier qui couvre l'exercice : la validation débloque le solde."""
    from instruction.services import versements

    for convention_id in sorted({c[0] for c in _conventions_de(uow, cr.dossier_id, cr.exercice)}):
        versements.noter_compte_rendu(uow, convention_id, cr.exercice, recu_le=recu_le, valide_le=valide_le)


# --- Écritures -----------------------------------------------------------------------------------------


@ecrit("compte_rendu.saisir")
def recevoir(uow: UniteDeTravail, dossier_id: int, exercice: int, recu_le: dt.date) -> int:
    """Le compte rendu d'un bilan attendu est arrivé : il s'ouvre, la prévision recopiée du budget du dossier
    et ses indicateurs d'évaluation prêts à recevoir la valeur atteinte. Rend son identifiant."""
    if recu_le > aujourd_hui():
        raise DonneesInvalides("La date de réception ne peut pas être dans le futur.")
    if id_du(uow, dossier_id, exercice) is not None:
        raise DonneesInvalides(f"Le compte rendu de l'exercice {exercice} de ce dossier est déjà enregistré.")
    attendu = bilans_attendus.attendu(uow, dossier_id, exercice)
    dossier = uow.session.get(m.Dossier, dossier_id)
    cr = mcr.CompteRendu(
        dossier_id=dossier_id, exercice=exercice, nature=attendu.nature, etat=bilans.RECU, echeance=attendu.due_le,
        fin_exercice=attendu.fin_exercice, recu_le=recu_le, acteur=uow.acteur, modifie_le=maintenant())
    cr.lignes = [mcr.CompteRenduLigne(ordre=i, sens=l.sens, compte=l.compte, financeur_code=l.financeur_code,
                                      libelle=l.libelle, prevu=l.montant)
                 for i, l in enumerate(dossier.lignes_budget)]
    cr.indicateurs = [mcr.CompteRenduIndicateur(indicateur_action_id=i.id, ordre=n, libelle=i.libelle, cible=i.cible,
                                                unite=i.unite) for n, i in enumerate(dossier.indicateurs)]
    uow.session.add(cr)
    uow.session.flush()
    _noter_sur_les_conventions(uow, cr, recu_le=recu_le, valide_le=None)
    retard = bilans.jours_de_retard(attendu.due_le, recu_le, recu_le)
    historique.noter(uow, "bilan", "réception", dossier_id=dossier_id, changements=[
        (f"Compte rendu financier {exercice}", None,
         f"reçu le {recu_le:%d/%m/%Y}" + (f" ({retard} jours après l'échéance)" if retard else ""))])
    return cr.id


def _entier(valeur: int | None, nom: str) -> int | None:
    if valeur is None:
        return None
    if not isinstance(valeur, int) or valeur < 0 or valeur > MAX_PUBLIC:
        raise DonneesInvalides(f"{nom} : un nombre entier positif est attendu.")
    return valeur


def _valeur_indicateur(texte: str | None, libelle: str) -> str | None:
    brut = (texte or "").strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if not brut:
        return None
    try:
        valeur = Decimal(brut.replace(",", "."))
    except InvalidOperation:
        raise DonneesInvalides(f"Indicateur « {libelle} » : « {texte} » n'est pas un nombre.") from None
    if not valeur.is_finite():
        raise DonneesInvalides(f"Indicateur « {libelle} » : « {texte} » n'est pas un nombre.")
    return format(valeur, "f")


@ecrit("compte_rendu.saisir")
def enregistrer(uow: UniteDeTravail, compte_rendu_id: int, saisie: SaisieCompteRendu, version: int) -> None:
    """Enregistre la saisie (tant que le compte rendu n'est pas validé) ; refuse si quelqu'un l'a enregistré
    depuis la version lue."""
    cr = _compte_rendu(uow, compte_rendu_id)
    if cr.etat == bilans.VALIDE:
        raise DonneesInvalides("Ce compte rendu est validé : il ne se modifie plus.")
    if cr.version != version:
        raise Conflit(f"Ce compte rendu a été enregistré par {cr.acteur} entre-temps : relisez-le avant de le "
                      "modifier (votre saisie est gardée à l'écran).", version=cr.version)
    if len(saisie.realisations) != len(cr.lignes) or len(saisie.explications) != len(cr.lignes):
        raise DonneesInvalides("Le tableau saisi ne correspond plus aux lignes du compte rendu : relisez-le.")
    erreurs = []
    changements: list[tuple[str, object, object]] = []
    for ligne, realise, explication in zip(cr.lignes, saisie.realisations, saisie.explications, strict=True):
        if realise is not None:
            try:
                argent.en_centimes(realise)
            except DonneesInvalides as erreur:
                erreurs.append(f"{ligne.compte} {ligne.libelle} : {erreur}")
                continue
            if realise < 0:
                erreurs.append(f"{ligne.compte} {ligne.libelle} : une réalisation ne peut pas être négative.")
                continue
        if realise != ligne.realise:
            changements.append((f"Réalisé {ligne.compte} {ligne.libelle}", argent.formater(ligne.realise),
                                argent.formater(realise)))
            ligne.realise = realise
        propre = explication.strip() or None
        if propre != ligne.explication:
            changements.append((f"Explication {ligne.compte} {ligne.libelle}", ligne.explication, propre))
            ligne.explication = propre
    for nom, libelle in (("femmes", "Femmes"), ("hommes", "Hommes"), ("qpv", "Habitants des QPV"),
                         ("hors_qpv", "Hors QPV")):
        try:
            valeur = _entier(getattr(saisie, nom), libelle)
        except DonneesInvalides as erreur:
            erreurs.append(str(erreur))
            continue
        if valeur != getattr(cr, nom):
            changements.append((f"Public atteint : {libelle.lower()}", getattr(cr, nom), valeur))
            setattr(cr, nom, valeur)
    nouveaux_publics = {}
    for tranche, nombre in saisie.publics.items():
        if tranche not in publics.TRANCHES_AGE:
            erreurs.append(f"Tranche d'âge inconnue : {tranche}.")
            continue
        try:
            if _entier(nombre, publics.TRANCHES_AGE[tranche]) is not None:
                nouveaux_publics[tranche] = nombre
        except DonneesInvalides as erreur:
            erreurs.append(str(erreur))
    anciens_publics = {p.tranche: p.nombre for p in cr.publics}
    if nouveaux_publics != anciens_publics:
        changements.append(("Public atteint par tranche d'âge", _resume_publics(anciens_publics),
                            _resume_publics(nouveaux_publics)))
        cr.publics = [mcr.CompteRenduPublic(tranche=t, nombre=n) for t, n in nouveaux_publics.items()]
    for n, indicateur in enumerate(cr.indicateurs):
        brut = saisie.atteints[n] if n < len(saisie.atteints) else indicateur.atteint
        commentaire = (saisie.commentaires_indicateurs[n] if n < len(saisie.commentaires_indicateurs)
                       else indicateur.commentaire or "").strip() or None
        try:
            atteint = _valeur_indicateur(brut, indicateur.libelle)
        except DonneesInvalides as erreur:
            erreurs.append(str(erreur))
            continue
        if atteint != indicateur.atteint:
            changements.append((f"Indicateur « {indicateur.libelle} » atteint", indicateur.atteint, atteint))
            indicateur.atteint = atteint
        if commentaire != indicateur.commentaire:
            indicateur.commentaire = commentaire
    if erreurs:
        raise DonneesInvalides("Compte rendu non enregistré :\n- " + "\n- ".join(erreurs))
    for nom, libelle in (("realise", "Ce qui a été réalisé"), ("difficultes", "Difficultés"),
                         ("perspectives", "Perspectives"), ("explication_generale", "Annexe : explication des écarts"),
                         ("charges_indirectes", "Annexe : charges indirectes"),
                         ("contributions_nature", "Annexe : contributions volontaires en nature")):
        valeur = getattr(saisie, nom).strip() or None
        if valeur != getattr(cr, nom):
            changements.append((libelle, getattr(cr, nom), valeur))
            setattr(cr, nom, valeur)
    if not changements:
        return
    cr.modifie_le = maintenant()
    cr.acteur = uow.acteur
    uow.session.flush()
    historique.noter(uow, "bilan", f"compte rendu {cr.exercice}", dossier_id=cr.dossier_id, changements=changements)


def _resume_publics(par_tranche: Mapping[str, int]) -> str:
    return ", ".join(f"{publics.TRANCHES_AGE.get(t, t)} : {n}" for t, n in par_tranche.items()) or "—"


@ecrit("compte_rendu.valider")
def valider(uow: UniteDeTravail, compte_rendu_id: int, le: dt.date, version: int | None = None) -> None:
    """Valide le compte rendu (réalisations saisies, écarts significatifs expliqués, bilan qualitatif
    renseigné) ; chaque convention du dossier qui couvre l'exercice le note : le solde est débloqué."""
    cr = _compte_rendu(uow, compte_rendu_id)
    if version is not None and cr.version != version:
        raise Conflit(f"Ce compte rendu a été enregistré par {cr.acteur} entre-temps : relisez-le avant de le valider.",
                      version=cr.version)
    if cr.etat == bilans.VALIDE:
        raise DonneesInvalides(f"Ce compte rendu est déjà validé (le {cr.valide_le:%d/%m/%Y}).")
    if cr.etat == bilans.A_COMPLETER:
        raise DonneesInvalides("Ce compte rendu attend des compléments : notez leur réception avant de le valider.")
    if le < cr.recu_le:
        raise DonneesInvalides("La validation ne peut pas précéder la réception du compte rendu.")
    if le > aujourd_hui():
        raise DonneesInvalides("La date de validation ne peut pas être dans le futur.")
    lu = lire(uow, compte_rendu_id)
    manques = lu.manques
    if manques:
        raise DonneesInvalides("Le compte rendu ne peut pas encore être validé :\n- "
                               + "\n- ".join(x.message for x in manques))
    cr.etat, cr.valide_le = bilans.VALIDE, le
    cr.modifie_le, cr.acteur = maintenant(), uow.acteur
    uow.session.flush()
    _noter_sur_les_conventions(uow, cr, recu_le=cr.recu_le, valide_le=le)
    historique.noter(uow, "bilan", "validation", dossier_id=cr.dossier_id, changements=[
        (f"Compte rendu financier {cr.exercice}", bilans.STATUTS[bilans.RECU], f"validé le {le:%d/%m/%Y}")])


@ecrit("compte_rendu.valider")
def renvoyer(uow: UniteDeTravail, compte_rendu_id: int, le: dt.date, motif: str) -> None:
    """Renvoie le compte rendu au porteur pour compléments (motif exigé) ; le solde reste bloqué."""
    cr = _compte_rendu(uow, compte_rendu_id)
    if not (motif or "").strip():
        raise DonneesInvalides("Indiquez ce qui manque : le renvoi pour compléments l'exige.")
    if cr.etat != bilans.RECU:
        raise DonneesInvalides(f"Un compte rendu « {bilans.STATUTS[cr.etat]} » ne se renvoie pas.")
    if le < cr.recu_le or le > aujourd_hui():
        raise DonneesInvalides("La date du renvoi va de la réception à aujourd'hui.")
    cr.etat, cr.renvoye_le, cr.motif_renvoi = bilans.A_COMPLETER, le, motif.strip()
    cr.modifie_le, cr.acteur = maintenant(), uow.acteur
    uow.session.flush()
    historique.noter(uow, "bilan", "renvoi pour compléments", dossier_id=cr.dossier_id, changements=[
        (f"Compte rendu financier {cr.exercice}", bilans.STATUTS[bilans.RECU],
         f"renvoyé le {le:%d/%m/%Y} : {motif.strip()}")])


@ecrit("compte_rendu.saisir")
def complements_recus(uow: UniteDeTravail, compte_rendu_id: int, le: dt.date) -> None:
    """Les compléments demandés sont arrivés : le compte rendu revient « reçu, à valider »."""
    cr = _compte_rendu(uow, compte_rendu_id)
    if cr.etat != bilans.A_COMPLETER:
        raise DonneesInvalides("Ce compte rendu n'attend pas de compléments.")
    if cr.renvoye_le is not None and le < cr.renvoye_le or le > aujourd_hui():
        raise DonneesInvalides("La date de réception des compléments va du renvoi à aujourd'hui.")
    cr.etat = bilans.RECU
    cr.modifie_le, cr.acteur = maintenant(), uow.acteur
    uow.session.flush()
    historique.noter(uow, "bilan", "compléments reçus", dossier_id=cr.dossier_id, changements=[
        (f"Compte rendu financier {cr.exercice}", bilans.STATUTS[bilans.A_COMPLETER],
         f"compléments reçus le {le:%d/%m/%Y}")])


# --- Reversement proposé -----------------------------------------------------------------------------------


def reversement_propose(uow: UniteDeTravail, compte_rendu_id: int) -> list[PartReversement]:
    """Les reversements à proposer (sous-réalisation des charges au-delà du seuil), convention par convention,
    bornés à ce qui a été versé ; vide s'il n'y a rien à proposer."""
    lu = lire(uow, compte_rendu_id)
    proposes = lu.reversement
    if not proposes:
        return []
    parts = []
    for convention_id, financeur, montant, verse in _conventions_de(uow, lu.dossier_id, lu.exercice):
        propose = min(proposes.get(financeur, argent.ZERO), verse)
        if propose > 0:
            parts.append(PartReversement(convention_id, financeur, lu.financeurs.get(financeur, financeur), montant,
                                         verse, propose))
    return parts


@ecrit("compte_rendu.valider")
def reverser(uow: UniteDeTravail, compte_rendu_id: int, parts: Sequence[tuple[int, str, Decimal]],
             titre_recette: str, emis_le: dt.date) -> None:
    """Enregistre les reversements confirmés (convention, cofinanceur, montant) par le bloc des conventions,
    avec le titre de recette et le motif tiré du compte rendu."""
    from instruction.services import versements

    cr = _compte_rendu(uow, compte_rendu_id)
    if cr.etat != bilans.VALIDE:
        raise DonneesInvalides("Un reversement se propose d'après un compte rendu validé.")
    if not (titre_recette or "").strip():
        raise DonneesInvalides("Indiquez la référence du titre de recette.")
    lu = lire(uow, compte_rendu_id)
    charges = lu.totaux(bilans.CHARGE)
    motif = (f"Compte rendu financier {cr.exercice} : charges réalisées {argent.formater(charges.realise)} pour "
             f"{argent.formater(charges.prevu)} prévues ({charges.ecart.libelle_pourcentage()}).")
    permis = {(c[0], c[1]) for c in _conventions_de(uow, cr.dossier_id, cr.exercice)}
    for convention_id, financeur, montant in parts:
        if (convention_id, financeur) not in permis:
            raise DonneesInvalides("Ce reversement ne porte pas sur une convention du dossier pour cet exercice.")
        if montant <= 0:
            continue
        versements.reverser(uow, convention_id, cr.exercice, montant, titre_recette.strip(), emis_le, motif)
    historique.noter(uow, "bilan", "reversement", dossier_id=cr.dossier_id, changements=[
        (f"Reversement après le compte rendu {cr.exercice}", None,
         ", ".join(f"{f} : {argent.formater(mt)}" for _c, f, mt in parts if mt > 0) + f" (titre {titre_recette})")])
