"""La démonstration des comptes rendus financiers 2023 (CERFA 15059), par les services.

Les conventions 2023 (``demo/conventions.py``) ont noté, exercice par exercice, quand le compte rendu a été reçu
et validé (le solde l'attendait), d'après l'échéance de la règle déclarée (``resources/bilans.yaml``, la même que
la liste des bilans attendus) : quelques-uns sont arrivés **en retard** (après l'échéance, avant leur
validation), les autres à temps. Ici, chacun de ces comptes rendus est reçu à la date notée et reçoit son
contenu, comme l'instructeur le saisit : réalisations proches de la prévision (tirées d'une graine fixe), écarts
significatifs expliqués, public atteint et indicateurs, puis la validation à la date notée. Pour la
vraisemblance :

* un compte rendu a de **grands écarts expliqués** (une animatrice recrutée tard : personnel à −35 %) ;
* un compte rendu montre une **sous-réalisation** des charges (−22 %) : le reversement proposé au prorata est
  enregistré avec son titre de recette ;
* ceux que les conventions disent reçus mais pas encore validés restent « reçus, à valider » ; ceux qui ne sont
  pas reçus restent dans la liste des bilans attendus (en retard).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

GRAINE = "comptes-rendus-2023"
EXERCICE = 2023
CENTIME = Decimal("0.01")
EXPLICATIONS = ("Tarifs des prestataires plus élevés que prévu.", "Moins de sorties que prévu (météo).",
                "Achats mutualisés avec une autre action du porteur.", "Participation plus forte que prévu.")


def _arrondi(montant: Decimal) -> Decimal:
    return montant.quantize(CENTIME, rounding=ROUND_HALF_UP)


def remplir(uow) -> None:
    from sqlalchemy import func, select

    from instruction.db import modeles as m
    from instruction.db.modeles.conventions import CompteRenduExercice, Convention
    from instruction.domaine import bilans
    from instruction.domaine.erreurs import DonneesInvalides
    from instruction.services import bilans_attendus, comptes_rendus as crs

    notes = uow.session.execute(
        select(Convention.dossier_id, func.min(CompteRenduExercice.recu_le), func.max(CompteRenduExercice.valide_le))
        .join(CompteRenduExercice, CompteRenduExercice.convention_id == Convention.id)
        .where(CompteRenduExercice.exercice == EXERCICE, CompteRenduExercice.recu_le.is_not(None))
        .group_by(Convention.dossier_id).order_by(Convention.dossier_id)).all()
    alea = random.Random(GRAINE)
    ecarts_faits = reversement_fait = False
    r = bilans_attendus.regles(uow)
    for dossier_id, recu, valide in notes:
        try:
            bilans_attendus.attendu(uow, dossier_id, EXERCICE)  # un bilan attendu de cet exercice
        except DonneesInvalides:
            continue
        compte_rendu_id = crs.recevoir(uow, dossier_id, EXERCICE, recu)
        lu = crs.lire(uow, compte_rendu_id)
        dossier = uow.session.get(m.Dossier, dossier_id)
        grands_ecarts = valide is not None and not ecarts_faits and any(l.compte == "64" for l in lu.lignes)
        sous_realise = (valide is not None and not reversement_fait and not grands_ecarts
                        and sum(lu.accordes.values(), Decimal(0)) > Decimal("5000"))
        realisations, explications = [], []
        for l in lu.lignes:
            if l.sens == bilans.PRODUIT:
                realise = lu.accordes.get(l.financeur, l.prevu) if l.financeur else l.prevu
            elif grands_ecarts and l.compte == "64":
                realise = _arrondi(l.prevu * Decimal("0.65"))
            elif sous_realise:
                realise = _arrondi(l.prevu * Decimal("0.78"))
            else:
                realise = _arrondi(l.prevu * (Decimal(1) + Decimal(alea.randint(-8, 6)) / 100))
            explication = ""
            if bilans.explication_exigee(bilans.ecart(l.prevu, realise), r):
                explication = ("Animatrice recrutée en avril au lieu de janvier : quatre mois de salaire en moins."
                               if grands_ecarts and l.compte == "64"
                               else "Action réduite : deux sessions sur trois tenues." if sous_realise
                               else alea.choice(EXPLICATIONS))
            realisations.append(realise)
            explications.append(explication)
        femmes = round((dossier.femmes or 0) * alea.uniform(0.8, 1.1))
        hommes = round((dossier.hommes or 0) * alea.uniform(0.8, 1.1))
        total = femmes + hommes
        qpv = round(total * alea.uniform(0.6, 0.9))
        saisie = crs.SaisieCompteRendu(
            realisations=tuple(realisations), explications=tuple(explications),
            realise=(f"L'action « {dossier.intitule} » s'est déroulée comme prévu"
                     + (" avec un calendrier réduit." if sous_realise else ".")),
            difficultes=("Recrutement de l'animatrice plus long que prévu." if grands_ecarts
                         else "Mobilisation des familles en début d'année." if alea.random() < 0.4 else ""),
            perspectives="Reconduire l'action en 2024 en l'ouvrant à un second quartier." if alea.random() < 0.5
            else "",
            femmes=femmes or None, hommes=hommes or None, qpv=qpv or None, hors_qpv=(total - qpv) or None,
            atteints=tuple(str(round(Decimal(i.cible.replace(",", ".")) * Decimal(alea.randint(80, 110)) / 100))
                           if i.cible and i.cible.replace(",", "").replace(".", "").isdigit() else None
                           for i in lu.indicateurs),
            explication_generale=("Le poste d'animation n'a été pourvu qu'en avril ; les autres charges sont "
                                  "conformes à la prévision." if grands_ecarts
                                  else "Une session sur trois n'a pas pu être organisée faute de salle."
                                  if sous_realise else ""),
        )
        lu_saisi = bilans.manques_pour_validation(
            [bilans.LigneCompteRendu(l.sens, l.compte, l.libelle, l.prevu, x, e, l.financeur)
             for l, x, e in zip(lu.lignes, realisations, explications, strict=True)],
            saisie.realise, saisie.explication_generale, r)
        if lu_saisi:  # un écart d'ensemble inattendu : l'annexe le dit
            saisie = crs.SaisieCompteRendu(**{**saisie.__dict__,
                                              "explication_generale": "Écarts de calendrier sur l'ensemble de "
                                                                      "l'action."})
        crs.enregistrer(uow, compte_rendu_id, saisie, lu.version)
        if valide is None:
            continue
        crs.valider(uow, compte_rendu_id, max(valide, recu))
        ecarts_faits = ecarts_faits or grands_ecarts
        if sous_realise:
            parts = crs.reversement_propose(uow, compte_rendu_id)
            if parts:
                crs.reverser(uow, compte_rendu_id, [(p.convention_id, p.financeur, p.propose) for p in parts],
                             f"TR-{EXERCICE + 1}-{dossier_id:04d}", max(valide, recu) + dt.timedelta(days=21))
                reversement_fait = True
