"""Les données essentielles des conventions de subvention, au format SCDL Subventions 2.1.1.

Décret n° 2017-779 du 5 mai 2017 et arrêté du 17 novembre 2017 : tout attribuant publie les données
essentielles de ses conventions de subvention de plus de 23 000 € (loi 2000-321, art. 10). Le format est
le schéma « subventions » du Socle commun des données locales (OpenDataFrance), version 2.1.1 : un CSV en
UTF-8, séparateur virgule, 16 colonnes dans l'ordre du schéma, dates ISO 8601, montants avec un point
décimal, booléens « oui »/« non » (``resources/conventions/scdl_subventions_2.1.1.json`` en est la
description Table Schema, vérifiée par les tests).

Ce qui est publié : pour l'année ``annee``, chaque acte signé (convention ou CPO ; une notification n'est
pas une convention) dont la date d'effet tombe dans l'année et dont le montant annuel dépasse le seuil de la
loi (au-delà de 23 000 €), attribuant par attribuant. ``tout=True`` publie aussi les conventions sous le
seuil (une collectivité peut publier davantage).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from instruction.db import modeles as m
from instruction.db.modeles.conventions import Convention
from instruction.domaine import conventions as dc
from instruction.domaine.erreurs import DonneesInvalides, ErreurInstruction
from instruction.services.contexte import UniteDeTravail

VERSION = "2.1.1"
CHAMPS = ("nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
          "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
          "notificationUE", "pourcentageSubvention", "dispositifAide")
LONGUEUR_OBJET = 255  # « moins de 256 caractères »


@dataclass(frozen=True)
class LigneScdl:
    valeurs: dict[str, str]


def _objet(texte: str) -> str:
    texte = " ".join(texte.split())
    return texte if len(texte) <= LONGUEUR_OBJET else texte[:LONGUEUR_OBJET - 1] + "…"


def _montant(montant: Decimal) -> str:
    return f"{montant:.2f}"


def lignes(uow: UniteDeTravail, annee: int, *, tout: bool = False) -> list[LigneScdl]:
    """Les lignes SCDL des conventions signées dont la date d'effet est dans ``annee``."""
    from instruction.services.lecture_conventions import lire

    regles = dc.charger_regles()
    ids = uow.session.scalars(
        select(Convention.id).where(Convention.type_acte.in_(("convention", "cpo")),
                                    Convention.etat.in_(("signee", "soldee", "resiliee", "denoncee")),
                                    Convention.date_effet >= dt.date(annee, 1, 1),
                                    Convention.date_effet <= dt.date(annee, 12, 31))
        .order_by(Convention.numero)).all()
    resultat = []
    for identifiant in ids:
        fiche = lire(uow, identifiant)
        t = fiche.termes
        annuel = max((x.montant for x in t.montants), default=Decimal(0))
        if not tout and annuel <= dc.SEUIL_LOI:
            continue
        attribuant = regles.attribuants.get(fiche.financeur_code) or t.attribuant
        beneficiaire = t.beneficiaire
        if not attribuant.siret:
            raise DonneesInvalides(f"Le SIRET de l'attribuant « {attribuant.nom} » manque "
                                   "(resources/conventions/attribuants.yaml) : le format SCDL l'exige.")
        porteur = uow.session.get(m.Porteur, fiche.porteur_id)
        dates_versement = sorted(e.date_prevue for e in t.echeancier if e.date_prevue) or [t.date_debut, t.date_fin]
        unique = len(t.echeancier) == 1
        periode = (dates_versement[0].isoformat() if unique and len(dates_versement) == 1
                   else f"{min(dates_versement[0], t.date_debut).isoformat()}/{max(dates_versement[-1], t.date_fin).isoformat()}")
        resultat.append(LigneScdl({
            "nomAttribuant": attribuant.nom,
            "idAttribuant": attribuant.siret,
            "dateConvention": fiche.signatures.date_effet.isoformat(),
            "referenceDecision": fiche.numero,
            "nomBeneficiaire": beneficiaire.nom,
            "idBeneficiaire": (porteur.siret or "") if porteur else (beneficiaire.siret or ""),
            "rnaBeneficiaire": (porteur.rna or "") if porteur else "",
            "objet": _objet(t.objet),
            "montant": _montant(t.montant_total),
            "nature": "aide en numéraire",
            "conditionsVersement": "unique" if unique else "échelonné",
            "datesPeriodeVersement": periode,
            "idRAE": "",
            "notificationUE": "non",
            "pourcentageSubvention": "1.00",
            "dispositifAide": "",
        }))
    return resultat


def exporter(uow: UniteDeTravail, annee: int, chemin: Path, *, tout: bool = False) -> int:
    """Écrit le CSV SCDL (UTF-8, virgule, en-tête) ; rend le nombre de conventions publiées."""
    contenu = lignes(uow, annee, tout=tout)
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, fieldnames=CHAMPS, lineterminator="\r\n")
    ecrivain.writeheader()
    for ligne in contenu:
        ecrivain.writerow(ligne.valeurs)
    chemin = Path(chemin)
    temporaire = chemin.with_name(f".{chemin.name}.partiel")
    try:
        temporaire.write_text(tampon.getvalue(), encoding="utf-8", newline="")
        temporaire.replace(chemin)
    except OSError as erreur:
        temporaire.unlink(missing_ok=True)
        raise ErreurInstruction(f"Impossible d'écrire « {chemin} » : {erreur.strerror or erreur}.",
                                detail=repr(erreur)) from None
    return len(contenu)
