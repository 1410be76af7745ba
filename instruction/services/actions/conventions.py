"""Les actions des écrans des conventions : liste, fiche d'un acte, préparer, corriger, envoyer, signer,
résilier, joindre l'acte signé, avenants ; l'export SCDL des données essentielles.

Chaque écriture relit la fiche de l'acte dans la même transaction : l'éditeur l'affiche sans autre
aller-retour. Une signature peut faire passer le dossier « conventionné » : les listes de dossiers se relisent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instruction.services.actions import CONVENTIONS, DOSSIERS, INSTRUCTION, TACHES, VERSEMENTS, Fait, fait

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from instruction.domaine.conventions import Termes
    from instruction.services.contexte import Contexte, UniteDeTravail
    from instruction.services.lecture_conventions import (
        ActeAPreparer,
        FicheConvention,
        FiltreConventions,
        LigneConvention,
    )


def lister(contexte: Contexte, filtre: FiltreConventions | None = None) -> list[LigneConvention]:
    from instruction.services import lecture_conventions as lc

    with contexte.unite(lecture=True) as uow:
        return lc.lister(uow, filtre or lc.FiltreConventions())


def options(contexte: Contexte) -> dict[str, list[tuple[Any, str]]]:
    """Les choix des filtres : cofinanceurs gérés, campagnes."""
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.domaine import conventions as dc

    geres = dc.charger_regles().financeurs_geres
    with contexte.unite(lecture=True) as uow:
        financeurs = [(code, libelle) for code, libelle in uow.session.execute(
            select(m.Financeur.code, m.Financeur.libelle).where(m.Financeur.code.in_(geres))
            .order_by(m.Financeur.libelle))]
        campagnes = [(i, libelle) for i, libelle in uow.session.execute(
            select(m.Campagne.id, m.Campagne.libelle).order_by(m.Campagne.annee.desc(), m.Campagne.libelle))]
    return {"financeurs": financeurs, "campagnes": campagnes}


def lire(contexte: Contexte, convention_id: int) -> FicheConvention:
    from instruction.services import lecture_conventions as lc

    with contexte.unite(lecture=True) as uow:
        return lc.lire(uow, convention_id)


def du_dossier(contexte: Contexte, dossier_id: int) -> tuple[list[LigneConvention], list[ActeAPreparer], str, int]:
    """Les actes du dossier, ceux qui restent à préparer, l'état du dossier et l'année de sa campagne."""
    from instruction.db import modeles as m
    from instruction.services import lecture_conventions as lc

    with contexte.unite(lecture=True) as uow:
        dossier = uow.session.get(m.Dossier, dossier_id)
        a_faire = lc.a_preparer(uow, dossier_id) if dossier.etat in ("retenu", "conventionne", "en_cours") else []
        return lc.conventions_du_dossier(uow, dossier_id), a_faire, dossier.etat, dossier.campagne.annee


def _ecrire(contexte: Contexte, convention_id: int | None, ecrire: Callable[[UniteDeTravail], Any],
            *genres: str) -> Fait[FicheConvention]:
    from instruction.services import lecture_conventions as lc

    with contexte.unite() as uow:
        resultat = ecrire(uow)
        identifiant = convention_id if convention_id is not None else resultat
        fiche = lc.lire(uow, identifiant)
        uow.valider()
    return fait(fiche, CONVENTIONS, VERSEMENTS, DOSSIERS, INSTRUCTION, TACHES, *genres, dossier=fiche.dossier_id)


def creer(contexte: Contexte, dossier_id: int, financeur_code: str, *, acte: str | None = None,
          motif_acte: str | None = None, montants_annuels: Mapping[int, Decimal] | None = None) -> Fait[FicheConvention]:
    """Prépare l'acte du cofinanceur pour le dossier retenu ; rend sa fiche."""
    from instruction.services import conventions as sc

    return _ecrire(contexte, None, lambda uow: sc.creer(uow, dossier_id, financeur_code, acte=acte,
                                                        motif_acte=motif_acte, montants_annuels=montants_annuels))


def modifier_termes(contexte: Contexte, convention_id: int, termes: Termes, version: int,
                    motif_acte: str | None = None) -> Fait[FicheConvention]:
    from instruction.services import conventions as sc

    return _ecrire(contexte, convention_id, lambda uow: sc.modifier_termes(
        uow, convention_id, termes, version=version, motif_acte=motif_acte))


def changer_etat(contexte: Contexte, convention_id: int, vers: str, motif: str | None = None,
                 le: dt.date | None = None) -> Fait[FicheConvention]:
    from instruction.services import conventions as sc

    return _ecrire(contexte, convention_id, lambda uow: sc.changer_etat(uow, convention_id, vers, motif, le=le))


def signer(contexte: Contexte, convention_id: int, role: str, signataire: str,
           le: dt.date | None = None) -> Fait[FicheConvention]:
    from instruction.services import conventions as sc

    return _ecrire(contexte, convention_id, lambda uow: sc.signer(uow, convention_id, role, signataire, le))


def joindre_scan(contexte: Contexte, convention_id: int, chemin: Path,
                 avenant_id: int | None = None) -> Fait[FicheConvention]:
    from instruction.services import conventions as sc
    from instruction.services import pieces

    contenu = pieces.lire_fichier(Path(chemin))
    return _ecrire(contexte, convention_id, lambda uow: sc.joindre_scan(uow, convention_id, Path(chemin).name, contenu,
                                                                        avenant_id=avenant_id))


def enregistrer_scan(contexte: Contexte, convention_id: int, chemin: Path, avenant_id: int | None = None) -> Path:
    """Écrit l'acte signé joint (vérifié contre son empreinte) dans ``chemin``."""
    from instruction.services import conventions as sc

    with contexte.unite(lecture=True) as uow:
        _nom, contenu = sc.scan(uow, convention_id, avenant_id)
    Path(chemin).write_bytes(contenu)
    return Path(chemin)


def ouvrir_avenant(contexte: Contexte, convention_id: int, type_code: str, motif: str,
                   modifications: Mapping[str, Any]) -> Fait[FicheConvention]:
    from instruction.services import avenants

    return _ecrire(contexte, convention_id, lambda uow: avenants.ouvrir_avenant(
        uow, convention_id, type_code, motif, modifications))


def modifier_avenant(contexte: Contexte, convention_id: int, avenant_id: int, modifications: Mapping[str, Any],
                     motif: str | None = None) -> Fait[FicheConvention]:
    from instruction.services import avenants

    return _ecrire(contexte, convention_id, lambda uow: avenants.modifier_avenant(uow, avenant_id, modifications, motif))


def changer_etat_avenant(contexte: Contexte, convention_id: int, avenant_id: int, vers: str,
                         motif: str | None = None) -> Fait[FicheConvention]:
    from instruction.services import avenants

    return _ecrire(contexte, convention_id, lambda uow: avenants.changer_etat_avenant(uow, avenant_id, vers, motif))


def signer_avenant(contexte: Contexte, convention_id: int, avenant_id: int, role: str, signataire: str,
                   le: dt.date | None = None) -> Fait[FicheConvention]:
    from instruction.services import avenants

    return _ecrire(contexte, convention_id, lambda uow: avenants.signer_avenant(uow, avenant_id, role, signataire, le))


def exporter_scdl(contexte: Contexte, annee: int, chemin: Path, *, tout: bool = False) -> int:
    """Le CSV des données essentielles (SCDL Subventions 2.1.1) des conventions signées dans l'année."""
    from instruction.services import scdl

    with contexte.unite(lecture=True) as uow:
        return scdl.exporter(uow, annee, Path(chemin), tout=tout)
