"""Erreurs du domaine, chacune avec un message en français destiné à l'utilisateur.

``message`` dit ce qui ne va pas et quoi faire ; ``detail`` garde l'information
technique (copiable dans la boîte de dialogue, écrite dans le journal).
"""

from __future__ import annotations


class ErreurInstruction(Exception):
    """Erreur prévue, expliquée à l'utilisateur ; rien n'a été modifié."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class BaseInaccessible(ErreurInstruction):
    """Le serveur ne répond pas, le fichier ne peut être ouvert ou créé."""


class PasUneBase(ErreurInstruction):
    """Le fichier existe mais n'est pas une base de données SQLite."""


class BaseTropRecente(ErreurInstruction):
    """La base a été écrite par une version plus récente de l'application."""


class BaseEtrangere(ErreurInstruction):
    """La base contient des tables mais pas celles d'Instruction."""


class MigrationEchouee(ErreurInstruction):
    """La mise à jour du schéma a échoué ; la base est restée dans son état d'avant."""


class SchemaPasAJour(ErreurInstruction):
    """La base n'est pas au schéma attendu par cette version."""


class DonneesInvalides(ErreurInstruction):
    """Des données saisies ou importées ne respectent pas une règle."""


class ReferentielInvalide(ErreurInstruction):
    """Un fichier du référentiel (dossier resources/) est mal formé."""


class Conflit(ErreurInstruction):
    """Quelqu'un a enregistré la même fiche entre-temps : l'enregistrement est refusé, rien n'est écrasé.

    ``changements`` : les lignes d'historique écrites depuis la version lue (qui, quand, quoi), chacune
    avec son ``resume`` lisible (``services.historique.Entree``).
    """

    def __init__(self, message: str, changements: list | None = None, version: int | None = None) -> None:
        super().__init__(message, detail="\n".join(c.resume for c in (changements or [])))
        self.changements = list(changements or [])
        self.version = version


# --- Erreurs de la base pendant le travail (``db.connexion.traduire``) ------------------------------
# Chacune dit ce qui s'est passé et quoi faire ; la transaction est annulée, l'écran garde la saisie.


class BaseEnLectureSeule(BaseInaccessible):
    """La base (le fichier, ou la base du serveur) n'accepte que la lecture."""


class BaseOccupee(BaseInaccessible):
    """Un verrou est resté pris trop longtemps (autre poste, sauvegarde) ou deux écritures se sont bloquées."""


class ConnexionPerdue(BaseInaccessible):
    """La connexion au serveur s'est coupée pendant l'opération."""


class EspaceInsuffisant(BaseInaccessible):
    """Le disque de la base (ou du serveur) est plein."""


class DroitsInsuffisants(BaseInaccessible):
    """Le serveur refuse l'opération au compte de base de données utilisé."""


class ValeurRefusee(DonneesInvalides):
    """La base refuse une valeur : texte trop long, nombre hors limites, caractère interdit."""


class Doublon(ErreurInstruction):
    """La fiche existe déjà (souvent : un autre poste vient d'enregistrer la même)."""


class BaseFermee(ErreurInstruction):
    """Un travail parti vers une base que la fenêtre a déjà refermée (fenêtre fermée, autre base ouverte) :
    il n'a plus personne à qui répondre ; rien n'est lu ni écrit."""


class FicheLieeDisparue(ErreurInstruction):
    """Une fiche citée (ou qui cite celle-ci) a été supprimée ou ajoutée entre-temps par un autre poste."""
