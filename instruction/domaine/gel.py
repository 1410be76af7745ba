"""Le gel d'un dossier : ce qui ne change plus une fois l'instruction terminée ou le comité passé.

Dès qu'un dossier est « instruit » (la proposition est faite au comité sur ce dossier-là), puis décidé
(retenu, ajourné, refusé), conventionné, en cours, soldé ou classé sans suite, ce sur quoi la
proposition et la décision ont porté est figé :

* les **chiffres décidés** (``CHIFFRES_DECIDES``) — campagne, porteur, budget (sens, compte, financeur et
  montant de chaque ligne), dates et séances de l'action, publics, quartiers, objectifs… — ne changent
  que par le chemin déclaré de l'état (``GELS``) : reprendre l'instruction avant la convention (motif
  exigé, le comité décide de nouveau), un avenant après elle (pas encore disponible dans l'application :
  le refus le dit) ;
* une **correction de faute de frappe** qui ne touche aucun chiffre décidé (l'intitulé, la description,
  le libellé d'une ligne de budget, la date de dépôt…) reste possible, avec sa raison, écrite à
  l'historique ;
* les **pièces** sur lesquelles le comité a décidé restent au dossier : on ne retire que celles jointes
  après le gel ; on ne joint plus que les pièces de suivi (``PIECES_DE_SUIVI`` : budget ajusté ou
  convention signée en « autre pièce », bilan, nouveau RIB pour les versements).

Règles pures : le service (``services.dossier.enregistrer``, ``services.pieces``) les applique, le
formulaire s'en sert pour se mettre en consultation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat

E = Etat

REPRISE = ("pour changer ce sur quoi le comité décide, reprenez l'instruction (« Reprendre l'instruction… » "
           "dans la section Instruction, avec son motif)")
AVENANT = ("après la convention, ce que le comité a décidé ne change que par un avenant à la convention ; "
           "les avenants ne sont pas encore disponibles dans l'application")


@dataclass(frozen=True)
class Gel:
    """Pourquoi le dossier est figé à cet état, et le chemin déclaré pour changer ses chiffres."""

    raison: str
    chemin: str


GELS: dict[Etat, Gel] = {
    E.INSTRUIT: Gel("l'instruction est terminée et la proposition faite au comité sur ce dossier", REPRISE),
    E.RETENU: Gel("le comité des financeurs l'a retenu", REPRISE),
    E.AJOURNE: Gel("le comité des financeurs l'a ajourné", REPRISE),
    E.REFUSE: Gel("le comité des financeurs l'a refusé", "un refus est définitif : une nouvelle demande fait un "
                                                          "nouveau dossier"),
    E.CONVENTIONNE: Gel("sa convention est signée", AVENANT),
    E.EN_COURS: Gel("sa convention est signée et l'action a commencé", AVENANT),
    E.SOLDE: Gel("il est soldé", "un dossier soldé ne change plus"),
    E.SANS_SUITE: Gel("il est classé sans suite", "un dossier classé sans suite ne change plus : une nouvelle "
                                                  "demande fait un nouveau dossier"),
}

# Les chiffres sur lesquels la proposition et la décision ont porté, avec ce qui en compte (``_projection``).
CHIFFRES_DECIDES: dict[str, str] = {
    "campagne_id": "la campagne",
    "porteur_id": "le porteur",
    "budget": "le budget (comptes, financeurs et montants)",
    "date_debut": "la date de début",
    "date_fin": "la date de fin",
    "seances": "les séances (jours, heures, périodes, nombre)",
    "beneficiaires": "le nombre de bénéficiaires",
    "femmes": "le nombre de femmes",
    "hommes": "le nombre d'hommes",
    "beneficiaires_quartiers": "les bénéficiaires par quartier",
    "quartiers": "les quartiers",
    "tranches_age": "les tranches d'âge",
    "objectifs": "les objectifs du projet de territoire",
    "indicateurs": "les indicateurs (codes et cibles)",
    "renouvellement": "le renouvellement",
    "renouvelle_id": "l'action renouvelée",
}
# Ce qui se corrige (faute de frappe) d'un dossier figé, depuis le formulaire.
CHAMPS_CORRIGEABLES = ("intitule", "resume", "description", "objectifs_action", "moyens", "evaluation", "lieux",
                       "depose_le")

# Les pièces qui arrivent après une décision et se joignent encore à un dossier figé.
PIECES_DE_SUIVI = frozenset({"autre", "bilan-annuel", "rib"})


def gel(etat: str) -> Gel | None:
    """Le gel de l'état, ou None si le dossier se modifie librement."""
    try:
        return GELS.get(Etat(etat))
    except ValueError:
        return None


def _projection(champ: str, valeur: Any) -> Any:
    """Ce qui compte d'un champ pour la décision (les libellés des lignes se corrigent)."""
    if champ == "budget":
        return sorted((l.sens, l.compte, l.financeur or "", l.montant) for l in valeur)
    if champ == "indicateurs":
        return sorted((i.indicateur_code or "", i.cible if i.cible is not None else -1, i.unite or "") for i in valeur)
    if champ == "seances":
        return [(s.periode, s.jour, s.heure_debut, s.heure_fin, s.frequence, s.nombre) for s in valeur]
    return valeur


def chiffres_changes(avant: Any, apres: Any) -> list[str]:
    """Les libellés des chiffres décidés qui diffèrent entre deux ``DonneesDossier``."""
    return [libelle for champ, libelle in CHIFFRES_DECIDES.items()
            if _projection(champ, getattr(avant, champ)) != _projection(champ, getattr(apres, champ))]


def _debut(etat: Etat) -> str:
    return f"Le dossier est « {etat.libelle} »"


def verifier_modification(etat: str, avant: Any, apres: Any, correction: str | None) -> None:
    """Refuse, en disant pourquoi et par où passer, une modification d'un dossier figé.

    ``correction`` : la raison d'une correction de faute de frappe (exigée pour tout changement d'un
    dossier figé ; elle ne permet jamais de changer un chiffre décidé)."""
    regle = gel(etat)
    if regle is None:
        return
    courant = Etat(etat)
    chiffres = chiffres_changes(avant, apres)
    if chiffres:
        raise DonneesInvalides(
            f"{_debut(courant)} : {regle.raison}, ses chiffres sont figés. Changé : {', '.join(chiffres)}. "
            f"Rien n'a été enregistré ; {regle.chemin}."
        )
    if not (correction or "").strip():
        raise DonneesInvalides(
            f"{_debut(courant)} : {regle.raison}, le dossier est figé. Pour corriger une faute de frappe (sans "
            "changer aucun chiffre), utilisez « Corriger une faute de frappe… » et indiquez la raison de la "
            "correction ; elle sera gardée dans l'historique."
        )


def verifier_ajout_piece(etat: str, type_piece: str, libelle: str) -> None:
    regle = gel(etat)
    if regle is None or type_piece in PIECES_DE_SUIVI:
        return
    raise DonneesInvalides(
        f"{_debut(Etat(etat))} : {regle.raison}, les pièces sur lesquelles la décision a porté ne changent plus "
        f"(« {libelle} » n'est pas jointe). Une pièce arrivée depuis (budget ajusté, convention signée) se joint "
        f"comme « Autre pièce » ; {regle.chemin}."
    )


def verifier_retrait_piece(etat: str, jointe_apres_le_gel: bool, nom: str) -> None:
    regle = gel(etat)
    if regle is None or jointe_apres_le_gel:
        return
    raise DonneesInvalides(
        f"{_debut(Etat(etat))} : {regle.raison}, « {nom} » fait partie des pièces sur lesquelles la décision a "
        f"porté et reste au dossier ; {regle.chemin}."
    )


def champs_figes(etat: str) -> Mapping[str, str]:
    """Pour le formulaire : les chiffres décidés si le dossier est figé, sinon rien."""
    return CHIFFRES_DECIDES if gel(etat) is not None else {}
