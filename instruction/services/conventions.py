"""Les conventions d'un dossier retenu : préparer l'acte, le signer, le résilier ; ses avenants.

Un acte par dossier et par cofinanceur dont le service prépare les actes (``domaine.conventions``) ;
son type est choisi par les règles déclarées, l'instructeur peut en choisir un autre (motif exigé). Les
termes initiaux se corrigent tant que l'acte est en projet ; après la signature, seul un avenant les change
(un seul ouvert à la fois, numérotés 1, 2…). Les montants et l'échéancier **en vigueur** (convention +
avenants signés) sont recopiés dans ``convention_montant`` et ``echeance`` à chaque signature, l'objet, le
montant total, la fin du premier exercice et les exercices couverts dans ``convention`` (``en_vigueur``) : les
bilans attendus (``services.bilans_attendus``) en découlent sans relire le JSON des termes.

Le dossier suit : retenu → conventionné à la signature de sa première convention (date d'effet = la
dernière signature, l. 7501) ; en cours au premier versement, soldé quand toutes ses conventions sont
soldées (``services.versements``), classé sans suite quand toutes sont résiliées ou dénoncées.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from instruction.db import modeles as m
from instruction.db.modeles.conventions import Avenant, Convention, ConventionMontant, Echeance
from instruction.domaine import argent
from instruction.domaine import conventions as dc
from instruction.domaine import pieces as domaine_pieces
from instruction.domaine.conventions import EtatConvention as EC
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.lecture_conventions import (  # noqa: F401 — les lectures, offertes ici aussi
    AvenantLu,
    FicheConvention,
    FiltreConventions,
    LigneConvention,
    _convention,
    _dossier,
    aujourd_hui_a_paris,
    conventions_du_dossier,
    en_vigueur,
    jour_a_paris,
    lire,
    lister,
    termes_depuis_json,
    termes_vers_json,
)

OBJET = "convention"


def jour_et_moment(le: dt.date | dt.datetime | None) -> tuple[dt.date, dt.date | dt.datetime]:
    """La date métier d'un geste et ce qu'on passe au circuit du dossier : un ``datetime`` UTC (démonstration,
    import) fait aussi le moment de la saisie ; une date seule, le jour (aujourd'hui par défaut)."""
    if isinstance(le, dt.datetime):
        return jour_a_paris(le), le
    jour = le or aujourd_hui_a_paris()
    if jour > aujourd_hui_a_paris():
        raise DonneesInvalides(f"La date du {jour:%d/%m/%Y} est dans le futur : un geste se date du jour où il a eu "
                               "lieu.")
    return jour, jour


# --- Préparer un acte -------------------------------------------------------------------------------


def _beneficiaire(porteur: m.Porteur) -> dc.Partie:
    rep = next((r for r in reversed(porteur.representants) if r.jusqu_a is None), None)
    adresse = ", ".join(x for x in (porteur.adresse, " ".join(filter(None, (porteur.code_postal, porteur.ville))))
                        if x)
    return dc.Partie(dc.BENEFICIAIRE, porteur.nom, (porteur.siret or "")[:9] or None, adresse,
                     " ".join(filter(None, (rep.civilite, rep.nom))) if rep else "", (rep.qualite or "") if rep else "",
                     siret=porteur.siret)


@ecrit("convention.modifier")
def creer(uow: UniteDeTravail, dossier_id: int, financeur_code: str, *, acte: str | None = None,
          motif_acte: str | None = None, montants_annuels: Mapping[int, Decimal] | None = None,
          objet: str | None = None, le: dt.date | dt.datetime | None = None) -> int:
    """Prépare l'acte (en projet) du dossier retenu pour ce cofinanceur : numéro, type choisi par la règle (ou
    ``acte`` avec ``motif_acte``), parties, objet, montants (``montants_annuels`` : exercice → montant ; par
    défaut l'exercice de la campagne au montant accordé ; plusieurs exercices font une CPO), échéancier
    proposé, conditions d'utilisation. Le montant du premier exercice est celui que le comité a accordé."""
    dossier = _dossier(uow, dossier_id)
    if dossier.etat not in (Etat.RETENU, Etat.CONVENTIONNE, Etat.EN_COURS):
        raise DonneesInvalides(f"Le dossier est « {Etat(dossier.etat).libelle} » : une convention se prépare pour un "
                               "dossier retenu par le comité des financeurs.")
    regles = dc.charger_regles()
    if financeur_code not in regles.financeurs_geres or financeur_code not in regles.attribuants:
        raise DonneesInvalides(f"Le service ne prépare pas les actes de ce cofinanceur ({financeur_code}) : il établit "
                               "les siens.")
    if uow.session.scalar(select(Convention.id).where(Convention.dossier_id == dossier_id,
                                                      Convention.financeur_code == financeur_code)):
        raise DonneesInvalides("Ce dossier a déjà son acte pour ce cofinanceur.")
    accorde = uow.session.get(m.MontantAccorde, (dossier_id, financeur_code))
    if accorde is None or accorde.montant <= 0:
        raise DonneesInvalides("Ce cofinanceur n'a rien accordé à ce dossier : pas d'acte à préparer.")
    annee = dossier.campagne.annee
    annuels = dict(montants_annuels or {annee: accorde.montant})
    exercices = tuple(sorted(annuels))
    if exercices[0] != annee or annuels[annee] != accorde.montant:
        raise DonneesInvalides(
            f"Le premier exercice est {annee}, au montant accordé par le comité ({argent.formater(accorde.montant)}) ; "
            "les exercices suivants d'une CPO portent leurs propres montants.")
    situation = dc.SituationActe(dossier.campagne.dispositif_code, dossier.porteur.type, financeur_code,
                                 max(annuels.values()), len(exercices) > 1)
    choix = dc.choisir_acte(situation, regles)
    if acte is not None:
        choix = dc.forcer_acte(choix, acte, motif_acte)
    montants = tuple(dc.MontantAnnuel(e, financeur_code, annuels[e], ferme=(e == annee)) for e in exercices)
    jour_fin, mois_fin = regles.fin_exercice[1], regles.fin_exercice[0]
    termes = dc.Termes(
        type_acte=choix.acte,
        objet=(objet or f"Réalisation de l'action « {dossier.intitule} » ({dossier.numero})").strip(),
        parties=(regles.attribuants[financeur_code], _beneficiaire(dossier.porteur)),
        date_debut=dossier.date_debut or dt.date(annee, 1, 1),
        date_fin=max(dossier.date_fin or dt.date(annee, 12, 31), dt.date(exercices[-1], 1, 1))
        if len(exercices) == 1 else dt.date(exercices[-1], 12, 31),
        exercices=exercices, montants=montants,
        echeancier=dc.echeancier_propose(choix.acte, montants, regles),
        conditions=regles.conditions if choix.acte != dc.TypeActe.NOTIFICATION else regles.conditions[-2:],
        fin_exercice=dt.date(annee, jour_fin, mois_fin),
    )
    dc.verifier_termes(termes, regles)
    jour, _moment = jour_et_moment(le)
    convention = Convention(
        numero=_numero(uow, annee, financeur_code), dossier_id=dossier_id, financeur_code=financeur_code, annee=annee,
        type_acte=choix.acte.value, regle_acte=choix.regle, motif_acte=motif_acte if choix.force else None,
        etat=EC.PROJET.value, etat_le=jour, termes_initiaux=termes_vers_json(termes), **en_vigueur(termes),
        acteur=uow.acteur, montants=[], echeances=[], avenants=[])
    uow.session.add(convention)
    uow.session.flush()
    _recopier(uow, convention, termes)
    historique.noter(uow, OBJET, "création", dossier_id=dossier_id, changements=[
        ("Acte", None, f"{choix.acte.libelle} n° {convention.numero}"),
        ("Règle", None, f"{choix.raison} — {choix.source}"),
        ("Montant", None, argent.formater(termes.montant_total))])
    return convention.id


def _numero(uow: UniteDeTravail, annee: int, financeur_code: str) -> str:
    """« 2023-VILLE-CALAIS-007 » : année, cofinanceur, rang ; compteur verrouillé comme celui des dossiers."""
    from sqlalchemy import update
    from sqlalchemy.dialects import postgresql, sqlite

    debut = f"{annee}-{financeur_code.upper()}-"
    prefixe = f"CONV-{debut}"[:40]
    session = uow.session
    dialecte = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialecte.insert(m.Numerotation).values(prefixe=prefixe, dernier=0)
                    .on_conflict_do_nothing(index_elements=["prefixe"]))
    dernier = session.scalar(select(m.Numerotation.dernier).where(m.Numerotation.prefixe == prefixe).with_for_update())
    rang = dernier + 1
    session.execute(update(m.Numerotation).where(m.Numerotation.prefixe == prefixe).values(dernier=rang))
    return f"{debut}{rang:03d}"


def _recopier(uow: UniteDeTravail, convention: Convention, termes: dc.Termes) -> None:
    """Les montants et l'échéancier en vigueur, recopiés pour les requêtes ; le net versé est gardé, et un
    montant ne descend pas sous ce qui est déjà versé (un reversement d'abord)."""
    anciens = {(x.exercice, x.financeur_code): x for x in convention.montants}
    nouveaux = {(x.exercice, x.financeur_code): x for x in termes.montants}
    for cle, ancien in anciens.items():
        if cle not in nouveaux:
            if ancien.verse > 0:
                raise DonneesInvalides(f"L'exercice {cle[0]} a déjà reçu {argent.formater(ancien.verse)} : il ne peut "
                                       "pas disparaître de la convention (émettre d'abord un titre de recette).")
            convention.montants.remove(ancien)
    for cle, nouveau in nouveaux.items():
        ligne = anciens.get(cle)
        if ligne is None:
            convention.montants.append(ConventionMontant(exercice=cle[0], financeur_code=cle[1], montant=nouveau.montant,
                                                         ferme=nouveau.ferme, verse=argent.ZERO))
            continue
        if nouveau.montant < ligne.verse:
            raise DonneesInvalides(
                f"L'exercice {cle[0]} a déjà reçu {argent.formater(ligne.verse)} : son montant ne peut pas descendre à "
                f"{argent.formater(nouveau.montant)} (émettre d'abord un titre de recette pour le trop-versé).")
        ligne.montant, ligne.ferme = nouveau.montant, ligne.ferme or nouveau.ferme
    convention.echeances.clear()
    uow.session.flush()
    for ordre, e in enumerate(termes.echeancier, start=1):
        convention.echeances.append(Echeance(ordre=ordre, exercice=e.exercice, financeur_code=e.financeur_code,
                                             nature=e.nature, montant=e.montant, condition=e.condition or None,
                                             date_prevue=e.date_prevue, apres_compte_rendu=e.apres_compte_rendu))
    for colonne, valeur in en_vigueur(termes).items():  # fin d'exercice et exercices : les bilans attendus suivent
        setattr(convention, colonne, valeur)
    uow.session.flush()


def _verifier_version(convention: Convention, version: int | None) -> None:
    if version is not None and version != convention.version:
        raise Conflit("La convention vient d'être modifiée par un autre poste : rechargez-la.")


@ecrit("convention.modifier")
def modifier_termes(uow: UniteDeTravail, convention_id: int, termes: dc.Termes, *, version: int | None = None,
                    motif_acte: str | None = None) -> None:
    """Corrige les termes d'une convention en projet (le montant du premier exercice reste celui accordé) ;
    un autre type d'acte que celui de la règle exige ``motif_acte``."""
    c = _convention(uow, convention_id, verrou=True)
    _verifier_version(c, version)
    if c.etat != EC.PROJET:
        raise DonneesInvalides(f"La convention est « {EC(c.etat).libelle} » : ses termes ne changent plus que par un "
                               "avenant (ou en la remettant en projet avant signature).")
    avant = termes_depuis_json(c.termes_initiaux)
    regles = dc.charger_regles()
    dc.verifier_termes(termes, regles)
    accorde = uow.session.get(m.MontantAccorde, (c.dossier_id, c.financeur_code))
    if termes.montant(c.annee, c.financeur_code) != (accorde.montant if accorde else argent.ZERO) or any(
            x.financeur_code != c.financeur_code for x in termes.montants):
        raise DonneesInvalides(f"Le montant de l'exercice {c.annee} reste celui que le comité a accordé "
                               f"({argent.formater(accorde.montant if accorde else argent.ZERO)}), pour ce seul "
                               "cofinanceur.")
    if termes.type_acte != avant.type_acte:
        dossier = _dossier(uow, c.dossier_id)
        regle = dc.choisir_acte(dc.SituationActe(dossier.campagne.dispositif_code, dossier.porteur.type,
                                                 c.financeur_code, max(x.montant for x in termes.montants),
                                                 len(termes.exercices) > 1), regles)
        choix = dc.forcer_acte(regle, termes.type_acte.value, motif_acte)
        c.type_acte, c.regle_acte, c.motif_acte = choix.acte.value, choix.regle, (motif_acte if choix.force else None)
    c.termes_initiaux = termes_vers_json(termes)
    _recopier(uow, c, termes)
    _flush(uow)
    historique.noter(uow, OBJET, "modification", dossier_id=c.dossier_id,
                     changements=[(f"{c.numero} : {p.split(' : ')[0]}", None, p) for p in dc.differences(avant, termes)]
                     + ([("Type d'acte", avant.type_acte.libelle, termes.type_acte.libelle)]
                        if termes.type_acte != avant.type_acte else []))


def _flush(uow: UniteDeTravail) -> None:
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflit("La convention vient d'être modifiée par un autre poste : rechargez-la.") from None


@ecrit("convention.modifier")
def changer_etat(uow: UniteDeTravail, convention_id: int, vers: str, motif: str | None = None, *,
                 le: dt.date | dt.datetime | None = None, version: int | None = None) -> None:
    """Envoyer à la signature, remettre en projet (motif), résilier ou dénoncer (motif). La signature passe
    par ``signer``, le solde par ``services.versements``."""
    c = _convention(uow, convention_id, verrou=True)
    _verifier_version(c, version)
    cible = EC(vers)
    if cible in (EC.SIGNEE, EC.SOLDEE):
        raise DonneesInvalides("Une convention est signée en enregistrant ses signatures, soldée par ses versements.")
    dc.verifier_passage(c.etat, cible, motif)
    jour, moment = jour_et_moment(le)
    if jour < c.etat_le:
        raise DonneesInvalides(f"La date ({jour:%d/%m/%Y}) précède le passage précédent ({c.etat_le:%d/%m/%Y}).")
    ancien = EC(c.etat)
    c.etat, c.etat_le, c.motif_etat = cible.value, jour, (motif or "").strip() or None
    if cible == EC.A_SIGNER:
        c.envoyee_le = jour
    if cible == EC.PROJET:
        c.signe_attribuant_le = c.signe_beneficiaire_le = c.date_effet = None
        c.signataire_attribuant = c.signataire_beneficiaire = None
    _flush(uow)
    historique.noter(uow, OBJET, "passage", dossier_id=c.dossier_id, changements=[
        (f"{c.numero} : état", ancien.libelle, cible.libelle)] + ([("Motif", None, motif)] if motif else []))
    if cible in (EC.RESILIEE, EC.DENONCEE):
        suivre_le_dossier(uow, c.dossier_id, moment, motif)


def _signer(x: Convention | Avenant, role: str, signataire: str, jour: dt.date) -> None:
    if not signataire.strip():
        raise DonneesInvalides("Indiquez qui a signé (nom et qualité).")
    if role == dc.ATTRIBUANT:
        x.signataire_attribuant, x.signe_attribuant_le = signataire.strip(), jour
    elif role == dc.BENEFICIAIRE:
        x.signataire_beneficiaire, x.signe_beneficiaire_le = signataire.strip(), jour
    else:
        raise DonneesInvalides(f"Partie inconnue : {role}.")


def _date_effet(x: Convention | Avenant, type_acte: str) -> dt.date | None:
    if type_acte == dc.TypeActe.NOTIFICATION:  # une notification n'est signée que par l'attribuant
        return x.signe_attribuant_le
    return dc.date_effet((x.signe_attribuant_le, x.signe_beneficiaire_le))


@ecrit("convention.signer")
def signer(uow: UniteDeTravail, convention_id: int, role: str, signataire: str,
           le: dt.date | dt.datetime | None = None) -> dt.date | None:
    """Enregistre la signature d'une partie (``role`` : attribuant ou bénéficiaire) ; la dernière signature
    fait la date d'effet (l. 7501) : la convention est signée et le dossier retenu passe « conventionné » à
    cette date. Rend la date d'effet (None tant qu'une partie n'a pas signé)."""
    c = _convention(uow, convention_id, verrou=True)
    if c.etat != EC.A_SIGNER:
        raise DonneesInvalides(f"La convention est « {EC(c.etat).libelle} » : elle se signe quand elle est partie à "
                               "la signature.")
    jour, moment = jour_et_moment(le)
    if c.envoyee_le and jour < c.envoyee_le:
        raise DonneesInvalides(f"La signature ({jour:%d/%m/%Y}) précède l'envoi à la signature "
                               f"({c.envoyee_le:%d/%m/%Y}).")
    _signer(c, role, signataire, jour)
    effet = _date_effet(c, c.type_acte)
    changements = [(f"{c.numero} : signature ({'attribuant' if role == dc.ATTRIBUANT else 'bénéficiaire'})", None,
                    f"{signataire.strip()}, le {jour:%d/%m/%Y}")]
    if effet is not None:
        c.date_effet, c.etat, c.etat_le = effet, EC.SIGNEE.value, effet
        changements.append((f"{c.numero} : état", EC.A_SIGNER.libelle, f"{EC.SIGNEE.libelle} (effet le {effet:%d/%m/%Y})"))
    _flush(uow)
    historique.noter(uow, OBJET, "signature", dossier_id=c.dossier_id, changements=changements)
    if effet is not None:
        dossier = _dossier(uow, c.dossier_id)
        if dossier.etat == Etat.RETENU:
            from instruction.services import instruction as circuit

            quand = moment if isinstance(moment, dt.datetime) and jour_a_paris(moment) == effet else effet
            circuit.changer_etat(uow, c.dossier_id, Etat.CONVENTIONNE,
                                 f"{dc.TypeActe(c.type_acte).libelle} n° {c.numero} signée", le=quand)
    return effet


@ecrit("convention.signer")
def joindre_scan(uow: UniteDeTravail, convention_id: int, nom_fichier: str, contenu: bytes, *,
                 avenant_id: int | None = None) -> str:
    """Joint l'acte signé numérisé (à la convention ou à un avenant) ; rend son empreinte SHA-256."""
    from instruction.fichiers_temporaires import nom_sur

    c = _convention(uow, convention_id)
    cible: Convention | Avenant = c if avenant_id is None else _avenant(uow, avenant_id, c.id)
    if not contenu:
        raise DonneesInvalides(f"« {nom_fichier} » est vide : rien à joindre.")
    if len(contenu) > domaine_pieces.TAILLE_MAXIMUM:
        raise DonneesInvalides(f"« {nom_fichier} » dépasse {domaine_pieces.TAILLE_MAXIMUM // 1024 // 1024} Mo.")
    ancien = cible.scan_nom
    cible.scan_nom, cible.scan_taille = nom_sur(nom_fichier), len(contenu)
    cible.scan_empreinte, cible.scan_contenu = domaine_pieces.empreinte(contenu), contenu
    uow.session.flush()
    quoi = c.numero if avenant_id is None else f"{c.numero} avenant n° {cible.numero}"
    historique.noter(uow, OBJET, "scan", dossier_id=c.dossier_id,
                     changements=[(f"{quoi} : acte signé", ancien, cible.scan_nom)])
    return cible.scan_empreinte


def scan(uow: UniteDeTravail, convention_id: int, avenant_id: int | None = None) -> tuple[str, bytes]:
    """Le nom et le contenu de l'acte signé numérisé, vérifié contre son empreinte."""
    c = _convention(uow, convention_id)
    cible: Convention | Avenant = c if avenant_id is None else _avenant(uow, avenant_id, c.id)
    if cible.scan_contenu is None:
        raise DonneesInvalides("Aucun acte signé n'est joint.")
    if domaine_pieces.empreinte(cible.scan_contenu) != cible.scan_empreinte:
        raise DonneesInvalides(f"L'acte signé « {cible.scan_nom} » est altéré (son empreinte ne correspond plus) : "
                               "joignez-le de nouveau.")
    return cible.scan_nom, cible.scan_contenu


def suivre_le_dossier(uow: UniteDeTravail, dossier_id: int, le: dt.date | dt.datetime,
                      motif: str | None = None) -> None:
    """Quand toutes les conventions du dossier sont closes : soldé si l'une au moins est soldée (et le dossier
    en cours), sinon classé sans suite (résiliées ou dénoncées)."""
    from instruction.services import instruction as circuit

    etats = list(uow.session.scalars(select(Convention.etat).where(Convention.dossier_id == dossier_id)))
    if not etats or any(e not in (EC.SOLDEE, EC.RESILIEE, EC.DENONCEE) for e in etats):
        return
    dossier = _dossier(uow, dossier_id)
    if EC.SOLDEE in etats:
        if dossier.etat == Etat.CONVENTIONNE:
            circuit.changer_etat(uow, dossier_id, Etat.EN_COURS, le=le)
        if dossier.etat == Etat.EN_COURS:
            circuit.changer_etat(uow, dossier_id, Etat.SOLDE, "Conventions soldées", le=le)
    elif dossier.etat not in (Etat.SOLDE, Etat.SANS_SUITE):
        circuit.changer_etat(uow, dossier_id, Etat.SANS_SUITE, f"Convention résiliée : {motif or 'voir la convention'}",
                             le=le)


def _avenant(uow: UniteDeTravail, avenant_id: int, convention_id: int | None = None) -> Avenant:
    a = uow.session.get(Avenant, avenant_id)
    if a is None or (convention_id is not None and a.convention_id != convention_id):
        raise DonneesInvalides("Cet avenant n'existe plus.")
    return a
