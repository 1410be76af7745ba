"""Les lettres de relance des bilans attendus : le modèle ``resources/modeles/relance_bilan.yaml`` (publipostage),
mis en page par ``rapports/lettres.py`` (papier à en-tête du service, une lettre par fichier).

Le ton suit le retard : une relance simple, puis, « très en retard » (seuil réglable), une seconde relance qui dit
que le solde reste bloqué et que le retard pèsera sur les prochaines demandes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from instruction.domaine import bilans
from instruction.rapports import lettres, publipostage
from instruction.services.bilans_attendus import BilanAttendu

MODELE = "relance_bilan"
SIGNATAIRE = "ville-calais"  # le service Politique de la Ville de la Ville de Calais relance


@dataclass(frozen=True)
class Destinataire:
    porteur: str
    civilite: str | None
    representant: str | None
    qualite: str | None
    adresse: tuple[str, ...]


def valeurs(bilan: BilanAttendu, destinataire: Destinataire, papier: lettres.Papier, date_lettre: dt.date,
            financeurs: Mapping[str, str]) -> dict[str, object]:
    """Les champs de fusion de la relance d'un bilan."""
    signataire = papier.signataires.get(SIGNATAIRE) or next(iter(papier.signataires.values()), None)
    return {
        "destinataire": destinataire.porteur,
        "representant": lettres.representant(destinataire.civilite, destinataire.representant, destinataire.qualite),
        "adresse": list(destinataire.adresse),
        "formule_appel": lettres.formule_appel(destinataire.civilite, destinataire.qualite),
        "lieu": papier.lieu,
        "date_lettre": date_lettre,
        "reference": f"SPV/BILANS/{bilan.exercice}",
        "numero_dossier": bilan.numero,
        "intitule": bilan.intitule,
        "exercice": str(bilan.exercice),
        "nature": bilans.NATURES[bilan.nature].split(" (")[0],
        "fin_exercice": bilan.fin_exercice,
        "echeance": bilan.due_le,
        "jours_retard": bilan.jours_retard,
        "tres_en_retard": bilan.statut == bilans.TRES_EN_RETARD,
        "financeurs": [financeurs.get(f, f) for f in bilan.financeurs],
        "relances": bilan.relances,
        "delegation": (signataire.delegation or None) if signataire else None,
        "signataire_qualite": signataire.qualite if signataire else papier.service,
        "signataire_nom": (signataire.nom or None) if signataire else None,
    }


def rendre(bilan: BilanAttendu, destinataire: Destinataire, papier: lettres.Papier, date_lettre: dt.date,
           financeurs: Mapping[str, str], dossier: Path | None = None) -> publipostage.Rendu:
    return publipostage.charger(MODELE, dossier).rendre(valeurs(bilan, destinataire, papier, date_lettre, financeurs))


def nom_fichier(bilan: BilanAttendu) -> str:
    return lettres.nom_de_fichier(f"Relance {bilan.numero} {bilan.exercice} {bilan.porteur}") + ".pdf"


def ecrire(rendu: publipostage.Rendu, fichier: Path, papier: lettres.Papier) -> Path:
    return lettres.ecrire_lettres(fichier, [rendu], papier, titre=str(rendu.entete.get("objet", "Relance")))
