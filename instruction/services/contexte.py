"""Ouvrir une base prête à l'emploi, et les unités de travail qui y écrivent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from instruction.db import connexion as cx
from instruction.db.schema import Preparation, preparer
from instruction.domaine.droits import Utilisateur, poste
from instruction.domaine.erreurs import ErreurInstruction

journal = logging.getLogger(__name__)


def utilisateur_du_poste() -> str:
    """Le compte de session du poste : c'est lui qu'on inscrit comme auteur des actions."""
    import getpass

    try:
        return getpass.getuser() or "poste inconnu"
    except (OSError, KeyError, ImportError):  # pas de variable d'environnement ni de compte système
        return "poste inconnu"


class _QuiAgit:
    """``acteur`` : le nom inscrit à l'historique, celui de ``utilisateur`` ; le changer garde ses droits
    (la démonstration signe « démonstration », un test signe du nom de son personnage)."""

    utilisateur: Utilisateur

    @property
    def acteur(self) -> str:
        return self.utilisateur.identifiant

    @acteur.setter
    def acteur(self, identifiant: str) -> None:
        self.utilisateur = replace(self.utilisateur, identifiant=identifiant, nom=identifiant)


class UniteDeTravail(_QuiAgit):
    """Une transaction par action : ``with contexte.unite() as uow: …; uow.valider()``.

    Sans ``valider()``, tout est annulé en sortie (y compris sur exception).
    ``contexte.unite(lecture=True)`` : une unité qui ne fait que lire. Sous SQLite, elle ne réserve pas
    l'écriture (``BEGIN`` et non ``BEGIN IMMEDIATE``) et n'attend donc jamais derrière la longue écriture
    d'un autre poste ; toute écriture y est refusée (``PRAGMA query_only``, ``READ ONLY`` sous PostgreSQL).
    """

    def __init__(self, fabrique: Callable[[], Session], utilisateur: Utilisateur, *, lecture: bool = False) -> None:
        self._fabrique = fabrique
        self.lecture = lecture  # transaction de lecture seule : n'attend pas les écritures des autres postes
        self.utilisateur = utilisateur  # qui agit : ses droits sont vérifiés, son nom inscrit à l'historique
        self.session: Session
        self._retenus: list[object] = []

    def retenir(self, objet: object) -> object:
        """Garde l'objet lu jusqu'à la fin de l'unité : la session ne le retient que faiblement, et le
        relire dans la même transaction (après une écriture) ne coûte alors aucune requête."""
        self._retenus.append(objet)
        return objet

    def __enter__(self) -> UniteDeTravail:
        self.session = self._fabrique()
        return self

    def __exit__(self, _type, erreur, _trace) -> None:
        self._retenus.clear()
        echec = None
        try:
            self.session.rollback()
        except cx.ERREURS_DE_BASE as annulation:  # connexion perdue : l'erreur d'origine compte d'abord
            echec = annulation
        finally:
            self.session.close()
        origine = erreur or echec
        if origine is not None and cx.est_erreur_de_base(origine):  # dite en français, avec quoi faire
            raise cx.traduire(origine, self.session.get_bind().url) from origine
        if echec is not None and erreur is None:
            raise echec

    def valider(self) -> None:
        self.session.commit()


@dataclass
class Contexte(_QuiAgit):
    url: str
    moteur: Engine
    preparation: Preparation
    referentiel_recopie: bool = False
    utilisateur: Utilisateur = field(default_factory=lambda: poste(utilisateur_du_poste()))
    # Un fichier de travail (travail hors ligne) : ``db.travail.InfosTravail`` ; ``None`` pour une base.
    travail: object | None = None
    _fabrique: sessionmaker = field(init=False, repr=False)
    _fabrique_lecture: sessionmaker = field(init=False, repr=False)
    _clos: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._fabrique = sessionmaker(self.moteur, expire_on_commit=False)
        self._fabrique_lecture = sessionmaker(cx.pour_lire(self.moteur), expire_on_commit=False)

    @property
    def lieu(self) -> str:
        """L'adresse de la base sans mot de passe, pour l'affichage."""
        return cx.affichable(self.moteur.url)

    @property
    def est_sqlite(self) -> bool:
        return self.moteur.dialect.name == "sqlite"

    def unite(self, *, lecture: bool = False) -> UniteDeTravail:
        """Une unité de travail ; ``lecture=True`` pour une action qui ne fait que lire (voir
        ``UniteDeTravail``)."""
        if self._clos:
            from instruction.domaine.erreurs import BaseFermee

            raise BaseFermee(f"La base {self.lieu} a été refermée : ce travail n'a plus lieu d'être.")
        if lecture:
            return UniteDeTravail(self._fabrique_lecture, self.utilisateur, lecture=True)
        return UniteDeTravail(self._fabrique, self.utilisateur)

    def fermer(self) -> None:
        self.moteur.dispose()

    def clore(self) -> None:
        """Ferme la base pour de bon (la fenêtre se ferme ou ouvre une autre base) : un travail lancé ensuite
        par un écran resté ouvert est refusé (``BaseFermee``) au lieu de rouvrir une connexion."""
        self._clos = True
        self.moteur.dispose()


def ouvrir(
    url: str | None = None,
    *,
    progression: Callable[[str], None] = lambda _m: None,
    synchroniser_referentiel: bool = True,
) -> Contexte:
    """Ouvre la base, la met au schéma courant (après sauvegarde) et recopie le référentiel."""
    from instruction.domaine import referentiel
    from instruction.db import referentiel as ref_db

    url = cx.resoudre_url(url)
    progression("Connexion à la base…")
    moteur = cx.creer_moteur(url)
    try:
        preparation = preparer(moteur, progression=progression)
        contexte = Contexte(url, moteur, preparation)
        a_recopier = False
        if synchroniser_referentiel:
            empreinte = referentiel.empreinte()
            with contexte.unite(lecture=True) as uow:  # le cas courant ne fait que lire : il n'attend aucun poste
                a_recopier = ref_db.empreinte_en_base(uow.session) != empreinte
        if a_recopier:
            with contexte.unite() as uow:
                if ref_db.empreinte_en_base(uow.session) != empreinte:
                    from instruction.db.roles import exiger_droit_de_recopier_referentiel  # rôles PostgreSQL

                    exiger_droit_de_recopier_referentiel(uow.session.connection())
                    progression("Mise à jour du référentiel du contrat de ville…")
                    ref_db.synchroniser(uow.session, referentiel.charger())
                    uow.valider()
                    contexte.referentiel_recopie = True
        return contexte
    except ErreurInstruction:
        moteur.dispose()
        raise
    except cx.ERREURS_DE_BASE as erreur:
        moteur.dispose()
        raise cx.traduire(erreur, url) from erreur
    except BaseException:
        moteur.dispose()
        raise


def ouvrir_travail(fichier, phrase: str, *, progression: Callable[[str], None] = lambda _m: None) -> Contexte:
    """Ouvre un fichier de travail chiffré (travail hors ligne) : phrase de passe vérifiée (une mauvaise phrase
    est dite et le fichier n'est pas touché), pages authentifiées, schéma mis à jour si l'application est plus
    récente que le fichier. Qui agit : l'emprunteur, avec les droits qu'il avait sur la base partagée."""
    from pathlib import Path

    from instruction.db import travail

    fichier = Path(fichier).expanduser()
    progression("Déchiffrement du fichier de travail…")
    moteur = travail.ouvrir(fichier, phrase)
    try:
        travail.controler(moteur)
        preparation = preparer(moteur, sauvegarder=False, progression=progression)
        with moteur.connect() as connexion:
            infos = travail.lire_infos(connexion, fichier)
            connexion.rollback()
        return Contexte(str(fichier), moteur, preparation, utilisateur=infos.emprunteur, travail=infos)
    except ErreurInstruction:
        moteur.dispose()
        raise
    except cx.ERREURS_DE_BASE as erreur:
        moteur.dispose()
        raise cx.traduire(erreur, str(fichier)) from erreur
    except BaseException:
        moteur.dispose()
        raise
