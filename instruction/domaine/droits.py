"""Qui peut faire quoi : les rôles et les actions (règles pures, vérifiées par les services).

* administrateur : tout, y compris les comptes et les réglages ;
* instructeur : l'instruction (dossiers, porteurs, pièces, circuit, examens, grilles, avis demandés,
  montants accordés), pas les comptes ;
* référent : donne les avis qu'on lui demande (un ou plusieurs des 10 thèmes des référents) ; ne change
  ni un dossier ni une décision ;
* financeur : rattaché à un cofinanceur ; donne les avis demandés à son cofinanceur et n'y saisit que
  les montants de ce cofinanceur ;
* lecteur : consulte, ne change rien.

Les avis marqués confidentiels ne sont lus que par les instructeurs et les administrateurs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from instruction.domaine.erreurs import ErreurInstruction

ADMINISTRATEUR, INSTRUCTEUR, REFERENT, FINANCEUR, LECTEUR = (
    "administrateur", "instructeur", "referent", "financeur", "lecteur")
ROLES = {
    ADMINISTRATEUR: "Administrateur",
    INSTRUCTEUR: "Instructeur",
    REFERENT: "Référent",
    FINANCEUR: "Financeur",
    LECTEUR: "Lecteur",
}

INSTRUIRE = frozenset({ADMINISTRATEUR, INSTRUCTEUR})
# action → rôles qui la font. « avis.donner » se vérifie en plus sur la demande (destinataire).
ACTIONS: dict[str, frozenset[str]] = {
    "dossier.modifier": INSTRUIRE,
    "dossier.pieces": INSTRUIRE,
    "dossier.circuit": INSTRUIRE,
    "dossier.complements": INSTRUIRE,
    "dossier.examen": INSTRUIRE,
    "dossier.cotation": INSTRUIRE,
    "dossier.montants_accordes": INSTRUIRE,
    "dossier.attribuer": INSTRUIRE,
    "dossier.supprimer": INSTRUIRE,
    "dossiers.importer": INSTRUIRE,
    "campagne.creer": INSTRUIRE,
    "porteur.modifier": INSTRUIRE,
    "avis.demander": INSTRUIRE,
    "avis.donner": frozenset({ADMINISTRATEUR, INSTRUCTEUR, REFERENT, FINANCEUR}),
    "avis.lire_confidentiels": INSTRUIRE,
    "filtres.enregistrer": frozenset({ADMINISTRATEUR, INSTRUCTEUR, REFERENT, FINANCEUR}),
    "exports.enregistrer": INSTRUIRE,
    "brouillon.garder": INSTRUIRE,
    "reglages.modifier": frozenset({ADMINISTRATEUR}),
    "utilisateurs.gerer": frozenset({ADMINISTRATEUR}),
    "demo.remplir": frozenset({ADMINISTRATEUR}),
    "base.sauvegarder": frozenset({ADMINISTRATEUR}),
    "base.restaurer": frozenset({ADMINISTRATEUR}),
    # Travail hors ligne (issue 15) : emprunter des dossiers, rapporter le fichier de travail.
    "dossiers.emprunter": frozenset({ADMINISTRATEUR, INSTRUCTEUR, REFERENT, FINANCEUR}),
    "dossiers.rapporter": frozenset({ADMINISTRATEUR, INSTRUCTEUR, REFERENT, FINANCEUR}),
    "compte_rendu.saisir": INSTRUIRE,  # H6 : comptes rendus financiers, relances, clôtures des porteurs
    "compte_rendu.valider": INSTRUIRE,
    # Programmation (H1, issue 11)
    "enveloppe.modifier": INSTRUIRE,
    "enveloppe.relever": frozenset({ADMINISTRATEUR}),
    "programmation.simuler": INSTRUIRE,
    # Comité des financeurs (H2, issue 11)
    "seance.preparer": INSTRUIRE,
    "seance.cloturer": INSTRUIRE,
    "deliberation.saisir": INSTRUIRE,
    "financements.declarer": INSTRUIRE,
    # Lettres de notification (H3, issue 11.7)
    "lettres.editer": INSTRUIRE,
    # Conventions et versements (H4, issue 12)
    "convention.modifier": INSTRUIRE,
    "convention.signer": INSTRUIRE,
    "versement.saisir": INSTRUIRE,
    # Suivi et évaluation (H7, issue 13)
    "suivi.modifier": INSTRUIRE,
    "evaluation.indicateurs": INSTRUIRE,
}
LIBELLES_ACTIONS = {
    "dossier.modifier": "modifier un dossier",
    "dossier.pieces": "joindre ou retirer une pièce",
    "dossier.circuit": "changer l'état d'un dossier",
    "dossier.complements": "demander ou recevoir des compléments",
    "dossier.examen": "enregistrer un examen d'éligibilité",
    "dossier.cotation": "coter un dossier",
    "dossier.montants_accordes": "saisir des montants accordés",
    "dossier.attribuer": "attribuer un dossier à un instructeur",
    "dossier.supprimer": "supprimer un dossier saisi par erreur",
    "dossiers.importer": "importer des dossiers depuis un export de la plateforme",
    "campagne.creer": "créer une campagne",
    "porteur.modifier": "créer ou modifier un porteur",
    "avis.demander": "demander des avis",
    "avis.donner": "donner un avis",
    "avis.lire_confidentiels": "lire les avis confidentiels",
    "filtres.enregistrer": "enregistrer ou supprimer un filtre partagé",
    "exports.enregistrer": "enregistrer ou supprimer un jeu de colonnes d'export partagé",
    "brouillon.garder": "garder un brouillon de dossier",
    "reglages.modifier": "changer les réglages de l'instruction",
    "utilisateurs.gerer": "gérer les comptes",
    "demo.remplir": "remplir la base avec la démonstration",
    "base.sauvegarder": "copier toute la base (elle contient les avis confidentiels et les comptes)",
    "base.restaurer": "remplacer toute la base par une sauvegarde",
    "dossiers.emprunter": "emprunter des dossiers pour le travail hors ligne",
    "dossiers.rapporter": "rapporter un fichier de travail",
    "compte_rendu.saisir": "saisir un compte rendu financier ou envoyer des relances de bilans",
    "compte_rendu.valider": "valider ou renvoyer un compte rendu financier",
    # Programmation (H1, issue 11)
    "enveloppe.modifier": "saisir les enveloppes des cofinanceurs",
    "enveloppe.relever": "relever une enveloppe sur laquelle des montants sont déjà décidés",
    "programmation.simuler": "préparer des scénarios de programmation",
    # Comité des financeurs (H2, issue 11)
    "seance.preparer": "préparer une séance du comité (ordre du jour, membres, décisions)",
    "seance.cloturer": "clôturer une séance du comité (appliquer ses décisions)",
    "deliberation.saisir": "saisir la délibération d'un partenaire",
    "financements.declarer": "déclarer les moyens de droit commun d'un partenaire",
    # Lettres de notification (H3, issue 11.7)
    "lettres.editer": "éditer les lettres de notification des décisions du comité",
    # Conventions et versements (H4, issue 12)
    "convention.modifier": "préparer une convention, une CPO ou un avenant (termes, acte, état)",
    "convention.signer": "enregistrer la signature d'une convention ou d'un avenant",
    "versement.saisir": "enregistrer un versement, un reversement ou un compte rendu financier reçu",
    # Suivi et évaluation (H7, issue 13)
    "suivi.modifier": "noter le suivi d'une action (copils, visites évaluatives, suivi renforcé)",
    "evaluation.indicateurs": "saisir les valeurs des indicateurs de l'évaluation du contrat de ville",
}


class Interdit(ErreurInstruction):
    """L'utilisateur n'a pas le droit de faire cette action ; rien n'a été modifié."""


@dataclass(frozen=True)
class Utilisateur:
    """Qui agit : son compte, son rôle, ses thèmes (référent) ou son cofinanceur (financeur)."""

    identifiant: str
    nom: str
    role: str
    id: int | None = None  # None : le compte de session du poste, sur une base sans comptes
    themes: frozenset[str] = field(default_factory=frozenset)
    financeur: str | None = None

    @property
    def libelle(self) -> str:
        return f"{self.nom} ({ROLES.get(self.role, self.role).lower()})"

    def peut(self, action: str) -> bool:
        return self.role in ACTIONS.get(action, frozenset())


def exiger(utilisateur: Utilisateur | None, action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"Action inconnue : {action}")
    if utilisateur is None or not utilisateur.peut(action):
        qui = utilisateur.libelle if utilisateur else "Personne n'est connecté"
        raise Interdit(f"{qui} : vous n'avez pas le droit de {LIBELLES_ACTIONS[action]}.")


PERSONNE = Utilisateur("(personne)", "Personne n'est connecté", "aucun")  # avant la connexion : aucun droit


def poste(identifiant: str) -> Utilisateur:
    """Le compte de session du poste, administrateur d'une base qui n'a pas encore de comptes."""
    return Utilisateur(identifiant, identifiant, ADMINISTRATEUR)
