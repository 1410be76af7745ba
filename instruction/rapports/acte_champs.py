"""Les champs d'un acte : les valeurs que les clauses impriment, calculées depuis les termes en vigueur et la fiche
de l'action, et la typographie française du texte rendu.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from instruction.domaine import argent, conventions
from instruction.domaine.conventions import ATTRIBUANT, BENEFICIAIRE, TypeActe
from instruction.rapports.acte_clauses import Bibliotheque
from instruction.rapports.acte_donnees import DonneesActe

NOMS_ACTES = {"convention": "convention", "cpo": "convention pluriannuelle d'objectifs",
              "notification": "notification"}
TITRES_COURTS = {"convention": "Convention", "cpo": "CPO", "notification": "Notification"}


def _siren(siren: str | None) -> str | None:
    chiffres = "".join(c for c in (siren or "") if c.isdigit())
    if len(chiffres) != 9:
        return siren or None
    return f"{chiffres[:3]}\u00a0{chiffres[3:6]}\u00a0{chiffres[6:]}"


def _minuscule_initiale(texte: str) -> str:
    """« L'adjoint délégué » → « l'adjoint délégué » ; un sigle (« DDETS ») reste tel quel."""
    return texte if len(texte) > 1 and texte[1].isupper() else texte[:1].lower() + texte[1:]


_RENVOIS = re.compile(r"\s*\((?:contrat de ville, )?l\. ?\d[\d, ]*\)")
_ESPACE_AVANT = re.compile(r" ([:;?!»])")
_ESPACE_APRES = re.compile(r"« ")


def typographie(texte: str) -> str:
    """Espaces insécables de la typographie française (« : », « ; », guillemets) : un deux-points ne
    commence jamais une ligne."""
    return _ESPACE_APRES.sub("«\u00a0", _ESPACE_AVANT.sub("\u00a0\\1", texte))


def sans_renvois(texte: str) -> str:
    """Les renvois aux lignes du contrat de ville (« (l. 3960) ») servent aux administrateurs, pas au
    bénéficiaire : les conditions d'une convention s'impriment sans eux."""
    return _RENVOIS.sub("", texte)


def majuscule_initiale(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def taux(part: Decimal, total: Decimal | None) -> str | None:
    if not total:
        return None
    from babel.numbers import format_percent

    return format_percent(part / total, format="#,##0.0 %", locale=argent.LOCALE)


def code_financeur(d: DonneesActe) -> str:
    if d.financeur_code:
        return d.financeur_code
    return d.termes.montants[0].financeur_code if d.termes.montants else ""


def valeurs(d: DonneesActe, b: Bibliotheque, *, regles: conventions.ReglesActes | None = None) -> dict[str, Any]:
    """Les valeurs des champs déclarés, calculées depuis les termes et la fiche de l'action."""
    t = d.termes
    regles = regles or conventions.charger_regles()
    attribuant = t.attribuant or conventions.Partie(ATTRIBUANT, "")
    beneficiaire = t.beneficiaire or conventions.Partie(BENEFICIAIRE, "")
    court = b.appellations.get(code_financeur(d), b.appellation_par_defaut)
    exercices = t.exercices or (t.date_debut.year,)
    premier = exercices[0]
    genre_parent = t.type_acte.value
    titre_court = TITRES_COURTS[genre_parent]
    if d.avenant is not None:
        titre_court = f"Avenant n° {d.avenant.numero} à la {NOMS_ACTES[genre_parent]}"
    return {
        "numero": d.numero,
        "campagne": d.action.campagne,
        "nom_acte": NOMS_ACTES[genre_parent],
        "acte_parent": majuscule_initiale(NOMS_ACTES[genre_parent]),
        "nom_acte_parent": NOMS_ACTES[genre_parent],
        "cpo": t.type_acte == TypeActe.CPO,
        "objet": t.objet,
        "attribuant_nom": attribuant.nom,
        "attribuant_court": court,
        "attribuant_court_maj": majuscule_initiale(court),
        "attribuant_siren": _siren(attribuant.siren),
        "attribuant_adresse": attribuant.adresse or None,
        "attribuant_representant": attribuant.representant or None,
        "attribuant_signataire": _minuscule_initiale(attribuant.signataire) if attribuant.signataire else None,
        "beneficiaire_nom": beneficiaire.nom,
        "beneficiaire_siren": _siren(beneficiaire.siren),
        "beneficiaire_adresse": beneficiaire.adresse or None,
        "beneficiaire_representant": beneficiaire.representant or None,
        "beneficiaire_qualite": beneficiaire.qualite or None,
        "action_numero": d.action.numero,
        "action_intitule": d.action.intitule,
        "action_resume": d.action.resume or None,
        "action_objectifs": list(d.action.objectifs),
        "action_charges": bool(d.action.charges),
        "date_debut": t.date_debut,
        "date_fin": t.date_fin,
        "duree_mois": t.duree_mois,
        "premier_exercice": str(premier),  # une année s'écrit sans espace des milliers
        "dernier_exercice": str(exercices[-1]),
        "nombre_exercices": len(exercices),
        "montant_total": t.montant_total,
        "montant_ferme": t.montant_ferme,
        "cout_total": d.action.cout_total or None,
        "taux": taux(t.montant(premier), d.action.cout_total),
        "reserve_cpo": regles.reserve_cpo,
        "conditions": [sans_renvois(c) for c in t.conditions],
        "annexes": [],  # énumérées une fois les annexes de l'acte choisies
        "signee_le": d.signee_le,
        "fait_le": (d.avenant.date_effet if d.avenant is not None else d.signee_le),
        "avenant_numero": d.avenant.numero if d.avenant else None,
        "avenant_libelle": d.avenant.libelle if d.avenant else None,
        "avenant_motif": d.avenant.motif if d.avenant else None,
        "avenant_changements": list(d.avenant.changements) if d.avenant else [],
        "precedent_numero": None,
        "precedent_libelle": None,
        "precedent_date_effet": None,
        "precedent_changements": [],
        "clauses_inchangees": [],
        "lieu": b.ville,
        "exemplaires": 2 + b.exemplaires_en_plus,
        "titre_court": titre_court,
    }
