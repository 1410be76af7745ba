"""La démonstration des conventions 2023 : actes préparés, signés, payés, par les services.

``circuit.instruire`` a daté, pour chaque dossier retenu en 2023, la signature de sa convention, le début de
l'action et (sauf bilan encore attendu) son solde. Ici, ces moments deviennent le vrai chemin : chaque
cofinanceur dont le service prépare les actes (Ville, État PV, Agglomération) reçoit son acte
(``services.conventions.creer``, type choisi par les règles déclarées), envoyé à la signature une semaine
avant, signé par le porteur puis par le cofinanceur (date d'effet = dernière signature : le dossier passe
« conventionné ») ; l'avance est versée au début de l'action (« en cours ») ; le compte rendu financier est
reçu puis validé, et le solde versé (la convention est soldée, puis le dossier).

Pour la vraisemblance : quelques actions structurantes du Contrat de ville ont une **CPO** 2023-2024 (le
second exercice confirmé au vote du budget 2024, payé en 2024-2025) ; une convention a un **avenant** de
prolongation ; une convention d'un dossier cofinancé est **résiliée** (action de l'un des partenaires
abandonnée) avec un **reversement** de l'avance ; quelques soldes attendent encore leur bilan (compte rendu
non reçu, ou reçu et pas encore validé). Les comptes rendus sont datés d'après l'échéance de la règle déclarée
(``resources/bilans.yaml`` : fin d'exercice + 6 mois, bilan annuel de la Cité éducative à 3 mois), à temps sauf
quelques-uns (``RETARDS_BILANS``) reçus en retard puis validés ; ``demo/comptes_rendus.py`` reprend ces dates.
Un dossier dont aucun cofinanceur n'a son acte préparé ici (ses partenaires établissent les leurs) suit son
circuit par « Convention signée… », comme à l'écran.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from instruction.domaine.etats import Etat

GRAINE = "conventions-2023"
PART_CPO = 0.08  # parmi les actions CDV de plus de 10 000 € d'un même cofinanceur
RETARDS_BILANS = 4  # comptes rendus 2023 reçus après leur échéance (puis validés)
SIGNATAIRES = {
    "ville-calais": "Le maire adjoint délégué à la politique de la ville",
    "etat-pv": "Le sous-préfet de Calais",
    "ca-gctm": "Le vice-président délégué à la politique de la ville",
}


def _jour(moment: dt.datetime) -> dt.date:
    from instruction.services.lecture_conventions import jour_a_paris

    return jour_a_paris(moment)


def conventionner(uow, plan: list[tuple[int, str, str | None, dt.datetime]]) -> None:
    """``plan`` : (dossier, état, motif, moment) tels que ``circuit.instruire`` les a datés après les séances."""
    from instruction.services import instruction as circuit

    alea = random.Random(GRAINE)
    par_dossier: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    ordre: list[int] = []
    for dossier_id, etat, _motif, moment in plan:
        if dossier_id not in par_dossier:
            ordre.append(dossier_id)
        par_dossier[dossier_id][etat] = moment
    avenant_fait = resiliation_faite = False
    attente_validation = retards = 0
    tirage_retards = random.Random(f"{GRAINE}-retards")  # à part : les autres tirages ne bougent pas
    for dossier_id in ordre:
        moments = par_dossier[dossier_id]
        signee, debut, solde = moments[Etat.CONVENTIONNE], moments[Etat.EN_COURS], moments.get(Etat.SOLDE)
        from instruction.services import lecture_conventions as lc

        a_faire = lc.a_preparer(uow, dossier_id)
        if not a_faire:  # ses cofinanceurs établissent leurs propres actes : l'instructeur note les étapes
            circuit.changer_etat(uow, dossier_id, Etat.CONVENTIONNE, "Conventions des cofinanceurs signées", le=signee)
            circuit.changer_etat(uow, dossier_id, Etat.EN_COURS, le=debut)
            if solde is not None:
                circuit.changer_etat(uow, dossier_id, Etat.SOLDE, "Bilan reçu, soldes versés par les cofinanceurs.",
                                     le=solde)
            continue
        dossier = uow.retenir(uow.session.get(lc.m.Dossier, dossier_id))  # gardés en mémoire : moins de relectures
        uow.retenir((dossier.campagne, dossier.porteur))
        dispositif = dossier.campagne.dispositif_code
        ids = []
        for acte in a_faire:
            cpo = (dispositif == "cdv" and acte.montant > Decimal("10000") and solde is not None
                   and alea.random() < PART_CPO)
            ids.append((_preparer(uow, dossier_id, acte, signee, cpo), acte, cpo))
        resilier = (not resiliation_faite and len(ids) > 1 and solde is not None)
        retard = retards < RETARDS_BILANS and tirage_retards.random() < 0.5  # si la validation le permet
        en_retard = False
        for rang, (identifiant, _acte, cpo) in enumerate(ids):
            _verser_avance(uow, identifiant, debut)
            if resilier and rang == 0:
                _resilier(uow, identifiant, debut)
                resiliation_faite = True
                continue
            if not avenant_fait and solde is not None and not cpo:
                _prolonger(uow, identifiant, debut)
                avenant_fait = True
            if solde is None:  # bilan encore attendu : un compte rendu reçu mais pas encore validé, parfois
                if attente_validation < 2:
                    _noter_compte_rendu(uow, identifiant, debut, None)
                    attente_validation += 1
                continue
            en_retard |= _solder(uow, identifiant, solde, cpo, retard)
        retards += en_retard


def _preparer(uow, dossier_id: int, acte, signee: dt.datetime, cpo: bool) -> int:
    from instruction.services import conventions as sc

    jour = _jour(signee)
    annee = jour.year
    montants = {annee: acte.montant, annee + 1: acte.montant} if cpo else None
    identifiant = sc.creer(uow, dossier_id, acte.financeur_code, montants_annuels=montants,
                           le=jour - dt.timedelta(days=12))
    convention = uow.retenir(uow.session.get(sc.Convention, identifiant))
    uow.retenir((convention.montants, convention.echeances, uow.session.get(sc.m.Financeur, acte.financeur_code)))
    sc.changer_etat(uow, identifiant, "a_signer", le=jour - dt.timedelta(days=8))
    sc.signer(uow, identifiant, "beneficiaire", "Le représentant légal de la structure", le=jour - dt.timedelta(days=3))
    sc.signer(uow, identifiant, "attribuant", SIGNATAIRES.get(acte.financeur_code, "Le signataire"), le=signee)
    return identifiant


def _verser_avance(uow, identifiant: int, debut: dt.datetime) -> None:
    from instruction.services import versements as sv
    from instruction.services.lecture_conventions import lire

    fiche = lire(uow, identifiant)
    premier = fiche.termes.exercices[0]
    for e in fiche.termes.echeancier:
        if e.exercice == premier and not e.apres_compte_rendu:
            sv.verser(uow, identifiant, premier, e.nature, e.montant, debut, f"M-{premier}-{identifiant:04d}",
                      f"EJ-{premier}-{identifiant:04d}")


def _noter_compte_rendu(uow, identifiant: int, apres: dt.datetime, valide: dt.date | None, exercice=None,
                        retard: bool = False) -> bool:
    """Le compte rendu de l'exercice reçu, daté d'après l'échéance que dit la règle déclarée
    (``resources/bilans.yaml`` : fin d'exercice + 6 mois, le bilan annuel d'une action de la Cité éducative à
    3 mois — ``services.bilans_attendus``, comme la liste des bilans attendus) : à temps, au plus tôt le lendemain
    de ``apres``, quelques jours avant l'échéance (selon le dossier : ses conventions disent la même date), jamais
    après sa validation ; ou, avec ``retard``, quelques jours après l'échéance quand la validation vient assez tard
    pour cela. Rend vrai si le compte rendu est noté en retard. ``demo/comptes_rendus.py`` reprend ces dates."""
    from instruction.services import bilans_attendus
    from instruction.services import versements as sv
    from instruction.services.lecture_conventions import lire

    fiche = lire(uow, identifiant)
    exercice = exercice or fiche.termes.exercices[0]
    echeance = bilans_attendus.attendu(uow, fiche.dossier_id, exercice).due_le
    marge = (valide - echeance).days if valide is not None else 0
    if retard and marge > 3:  # reçu après l'échéance, validé ensuite
        recu = echeance + dt.timedelta(days=1 + fiche.dossier_id % min(25, marge - 1))
    else:
        recu = min(max(_jour(apres) + dt.timedelta(days=1), echeance - dt.timedelta(days=20)),
                   echeance - dt.timedelta(days=1 + fiche.dossier_id % 20), valide or echeance)
    sv.noter_compte_rendu(uow, identifiant, exercice, recu, valide)
    return recu > echeance


def _solder(uow, identifiant: int, solde: dt.datetime, cpo: bool, retard: bool = False) -> bool:
    """Les comptes rendus reçus et validés, les soldes versés ; rend vrai si le premier compte rendu est arrivé
    en retard (``retard`` : voulu en retard)."""
    from instruction.services import versements as sv
    from instruction.services.lecture_conventions import lire

    fiche = lire(uow, identifiant)
    en_retard = False
    for exercice in fiche.termes.exercices:
        if exercice != fiche.termes.exercices[0]:  # le second exercice d'une CPO : budget voté, avance, solde
            quand = solde + dt.timedelta(days=30 + 365 * (exercice - fiche.termes.exercices[0]) - 365)
            sv.confirmer_exercice(uow, identifiant, exercice, _jour(quand) - dt.timedelta(days=20))
            for e in fiche.termes.echeancier:
                if e.exercice == exercice and not e.apres_compte_rendu:
                    sv.verser(uow, identifiant, exercice, e.nature, e.montant, quand, f"M-{exercice}-{identifiant:04d}")
            solde_exercice = solde + dt.timedelta(days=365 * (exercice - fiche.termes.exercices[0]))
        else:
            solde_exercice = solde
        valide = _jour(solde_exercice) - dt.timedelta(days=4)
        premier = exercice == fiche.termes.exercices[0]
        en_retard |= _noter_compte_rendu(uow, identifiant, solde_exercice - dt.timedelta(days=60), valide, exercice,
                                         retard and premier) and premier
        for e in fiche.termes.echeancier:
            if e.exercice == exercice and e.apres_compte_rendu:
                sv.verser(uow, identifiant, exercice, e.nature, e.montant, solde_exercice,
                          f"M-{exercice}-{identifiant:04d}-S")
    return en_retard


def _prolonger(uow, identifiant: int, debut: dt.datetime) -> None:
    """Un avenant de prolongation de trois mois, signé peu après le début de l'action."""
    from instruction.services import avenants
    from instruction.services.lecture_conventions import lire

    from instruction.domaine.conventions import mois_plus

    nouvelle = mois_plus(lire(uow, identifiant).termes.date_fin, 3)
    avenant = avenants.ouvrir_avenant(uow, identifiant, "duree", "Prolongation de l'action jusqu'au "
                                      f"{nouvelle:%d/%m/%Y} (ateliers reportés par la fermeture de la salle)",
                                      {"date_fin": nouvelle})
    avenants.changer_etat_avenant(uow, avenant, "a_signer")
    jour = _jour(debut) + dt.timedelta(days=45)
    avenants.signer_avenant(uow, avenant, "beneficiaire", "Le représentant légal de la structure", jour)
    avenants.signer_avenant(uow, avenant, "attribuant", "Le signataire de la convention", jour + dt.timedelta(days=5))


def _resilier(uow, identifiant: int, debut: dt.datetime) -> None:
    """L'action de ce partenaire est abandonnée : la convention est résiliée et l'avance reversée."""
    from instruction.services import conventions as sc
    from instruction.services import versements as sv

    jour = _jour(debut) + dt.timedelta(days=60)
    sc.changer_etat(uow, identifiant, "resiliee", "Volet de l'action abandonné (intervenant indisponible), d'un "
                    "commun accord", le=jour)
    situation = sv.situation(uow, identifiant)
    for exercice in situation.exercices:
        if exercice.verse > 0:
            sv.reverser(uow, identifiant, exercice.exercice, exercice.verse, f"TR-{exercice.exercice}-{identifiant:04d}",
                        jour + dt.timedelta(days=10), "Avance non utilisée : volet abandonné")
