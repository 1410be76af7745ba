"""Actions de la fenêtre principale : ouvrir la base, les listes (dossiers, porteurs, tâches), la
scrutation des autres postes, les filtres enregistrés, la démonstration, la sauvegarde et sa restauration,
les règles d'attribution des dossiers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from instruction.services.actions import DOSSIERS, FILTRES, PORTEURS, REGLAGES, TACHES, TOUT, Fait, fait

if TYPE_CHECKING:
    from instruction.domaine import droits
    from instruction.services.attribution import Instructeur, Regle
    from instruction.services.contexte import Contexte
    from instruction.services.demarrage import Liste, Ouverture
    from instruction.services.lignes import LigneDossier
    from instruction.services.porteurs import LignePorteur
    from instruction.services.sauvegarde import Apercu
    from instruction.services.taches import Tache


def ouvrir_base(url: str | None, *, progression: Callable[[str], None],
                partiel: Callable[[list[LigneDossier]], None]) -> Ouverture:
    """Ouvre la base (migrée après copie, référentiel recopié) ; la première page des dossiers arrive
    par ``partiel`` avant la fin."""
    from instruction.services.demarrage import ouvrir_et_lister

    return ouvrir_et_lister(url, progression, partiel)


@dataclass(frozen=True)
class Complements:
    porteurs: list[LignePorteur]
    filtres: dict[str, dict[str, str]]
    brouillons: int


def complements(contexte: Contexte) -> Complements:
    """Porteurs, filtres enregistrés et nombre de brouillons, lus après l'ouverture."""
    from instruction.services import brouillons, filtres, porteurs

    with contexte.unite(lecture=True) as uow:
        return Complements(porteurs.lister(uow), filtres.lister(uow),
                           len(brouillons.lister(uow, "dossier:nouveau:")))


def relister(contexte: Contexte) -> tuple[Liste, list[LignePorteur]]:
    """Les dossiers (avec leurs textes de recherche) et les porteurs, relus."""
    from instruction.services import porteurs
    from instruction.services.demarrage import relister as relister_dossiers

    liste = relister_dossiers(contexte)
    with contexte.unite(lecture=True) as uow:
        return liste, porteurs.lister(uow)


def mes_taches(contexte: Contexte) -> tuple[int, list[Tache]]:
    """Le numéro de la dernière modification et les tâches de l'utilisateur."""
    from instruction.services import historique, taches

    with contexte.unite(lecture=True) as uow:
        return historique.dernier_numero(uow), taches.mes_taches(uow)


def scruter(contexte: Contexte) -> tuple[int, droits.Utilisateur | None]:
    """Le numéro de la dernière modification (un autre poste a-t-il écrit ?) et le compte relu
    (désactivé, ou rôle changé par un administrateur)."""
    from instruction.services import comptes, historique

    with contexte.unite(lecture=True) as uow:
        return historique.dernier_numero(uow), comptes.relire_utilisateur(uow)


def enregistrer_filtre(contexte: Contexte, nom: str, valeurs: dict[str, str]) -> Fait:
    """Enregistre le filtre de la liste sous un nom ; rend les filtres enregistrés."""
    from instruction.services import filtres

    with contexte.unite() as uow:
        filtres.enregistrer(uow, nom, valeurs)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        return fait(filtres.lister(uow), FILTRES)


def supprimer_filtre(contexte: Contexte, nom: str) -> Fait:
    """Supprime un filtre enregistré ; rend les filtres restants."""
    from instruction.services import filtres

    with contexte.unite() as uow:
        filtres.supprimer(uow, nom)
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        return fait(filtres.lister(uow), FILTRES)


def noter_demo_proposee(contexte: Contexte) -> None:
    """La démonstration a été proposée : on ne la repropose plus."""
    from instruction.services.demarrage import noter_demo_proposee as noter

    noter(contexte)


def remplir_demo(contexte: Contexte, *, progression: Callable[[str], None]) -> Fait:
    """Remplit la base avec les campagnes de démonstration."""
    from instruction import demo

    demo.remplir(contexte, progression=progression)
    return fait(None, DOSSIERS, PORTEURS, TACHES)


def sauvegarder(contexte: Contexte, chemin: Path) -> Path:
    """Une copie complète de la base dans un fichier SQLite (administrateurs)."""
    from instruction.services.sauvegarde import sauvegarder as copier

    return copier(contexte, chemin)


# --- Restaurer une sauvegarde (administrateurs) -------------------------------------------------------


def examiner_sauvegarde(contexte: Contexte, chemin: Path) -> Apercu:
    """Vérifie la sauvegarde (comme la ligne de commande) et dit ce qu'elle remplacerait ; ne change rien."""
    from instruction.services.sauvegarde import examiner

    return examiner(contexte, chemin)


def restaurer(contexte: Contexte, chemin: Path, *, progression: Callable[[str], None]) -> Fait:
    """Remplace la base par la sauvegarde, après une copie de sécurité de la base actuelle ; la fenêtre
    rouvre ensuite la base (tout ce qui est montré a changé)."""
    from instruction.services.sauvegarde import restaurer as remplacer

    return fait(remplacer(contexte, chemin, progression), TOUT)


# --- Règles d'attribution des dossiers --------------------------------------------------------------


@dataclass(frozen=True)
class ReglesAttribution:
    regles: list[Regle]
    instructeurs: list[Instructeur]


def lire_regles(contexte: Contexte) -> ReglesAttribution:
    """Les règles d'attribution déclarées et les comptes qui peuvent instruire."""
    from instruction.services import attribution

    with contexte.unite(lecture=True) as uow:
        return ReglesAttribution(attribution.regles(uow), attribution.instructeurs(uow))


def enregistrer_regles(contexte: Contexte, regles: list[Regle]) -> Fait:
    """Remplace les règles d'attribution (administrateurs) ; rend les règles relues."""
    from instruction.services import attribution

    with contexte.unite() as uow:
        relues = attribution.enregistrer_regles(uow, regles)
        uow.valider()
    return fait(relues, REGLAGES)


def attribuer_selon_regles(contexte: Contexte) -> Fait:
    """Attribue selon les règles tous les dossiers ouverts sans instructeur ; rend le nombre attribué
    par instructeur (nom → nombre)."""
    from instruction.services import attribution

    with contexte.unite() as uow:
        faits = attribution.attribuer_selon_regles(uow)
        noms = {i.id: i.nom for i in attribution.instructeurs(uow)}
        uow.valider()
    par_instructeur: dict[str, int] = {}
    for instructeur_id in faits.values():
        nom = noms.get(instructeur_id, str(instructeur_id))
        par_instructeur[nom] = par_instructeur.get(nom, 0) + 1
    return fait(par_instructeur, DOSSIERS, TACHES, dossiers=tuple(faits))
