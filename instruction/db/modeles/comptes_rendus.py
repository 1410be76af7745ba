"""Comptes rendus financiers (CERFA 15059) et bilans attendus (issue 13).

Les bilans attendus ne sont pas gardés : ils se calculent d'après les conventions (``domaine.bilans``).
Ce qui se garde :

* ``compte_rendu`` : le compte rendu reçu d'un dossier pour un exercice (unique), son état (reçu, renvoyé
  pour compléments, validé) et ses dates, le bilan qualitatif (feuille 1, allégée) et l'annexe explicative
  (feuille 3) ;
* ``compte_rendu_ligne`` : le tableau des données chiffrées (feuille 2) — la prévision recopiée du budget
  du CERFA 12156 à la réception (elle ne bouge plus), la réalisation, l'explication de l'écart ;
* ``compte_rendu_public`` : le public atteint par tranche d'âge ; ``compte_rendu_indicateur`` : les
  indicateurs d'évaluation du dossier, leur cible et la valeur atteinte ;
* ``relance`` : chaque lettre de relance envoyée (pour qui, quel exercice, quand, à quel niveau de retard).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.domaine.horloge import maintenant


class CompteRendu(Base):
    __tablename__ = "compte_rendu"
    __table_args__ = (
        UniqueConstraint("dossier_id", "exercice"),
        CheckConstraint("etat in ('recu', 'a_completer', 'valide')", name="etat_valide"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    exercice: Mapped[int] = mapped_column(Integer)
    nature: Mapped[str] = mapped_column(String(20))  # clé de domaine.bilans.NATURES
    etat: Mapped[str] = mapped_column(String(20))
    echeance: Mapped[dt.date] = mapped_column(Date)  # l'échéance calculée à la réception
    fin_exercice: Mapped[dt.date] = mapped_column(Date)
    recu_le: Mapped[dt.date] = mapped_column(Date)
    valide_le: Mapped[dt.date | None] = mapped_column(Date)
    renvoye_le: Mapped[dt.date | None] = mapped_column(Date)
    motif_renvoi: Mapped[str | None] = mapped_column(Text)
    # Feuille 1, bilan qualitatif allégé.
    realise: Mapped[str | None] = mapped_column(Text)
    difficultes: Mapped[str | None] = mapped_column(Text)
    perspectives: Mapped[str | None] = mapped_column(Text)
    femmes: Mapped[int | None] = mapped_column(Integer)
    hommes: Mapped[int | None] = mapped_column(Integer)
    qpv: Mapped[int | None] = mapped_column(Integer)
    hors_qpv: Mapped[int | None] = mapped_column(Integer)
    # Feuille 3, annexe explicative.
    explication_generale: Mapped[str | None] = mapped_column(Text)
    charges_indirectes: Mapped[str | None] = mapped_column(Text)
    contributions_nature: Mapped[str | None] = mapped_column(Text)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    lignes: Mapped[list[CompteRenduLigne]] = relationship(
        cascade="all, delete-orphan", order_by="CompteRenduLigne.ordre")
    publics: Mapped[list[CompteRenduPublic]] = relationship(cascade="all, delete-orphan")
    indicateurs: Mapped[list[CompteRenduIndicateur]] = relationship(
        cascade="all, delete-orphan", order_by="CompteRenduIndicateur.ordre")


class CompteRenduLigne(Base):
    __tablename__ = "compte_rendu_ligne"
    __table_args__ = (
        Index("ix_compte_rendu_ligne_compte_rendu", "compte_rendu_id"),
        CheckConstraint("sens in ('charge', 'produit')", name="sens"),
        CheckConstraint("prevu >= 0", name="prevu_positif"),
        CheckConstraint("realise >= 0", name="realise_positif"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_rendu_id: Mapped[int] = mapped_column(ForeignKey("compte_rendu.id", ondelete="CASCADE"))
    ordre: Mapped[int] = mapped_column(Integer, default=0)
    sens: Mapped[str] = mapped_column(String(10))
    compte: Mapped[str] = mapped_column(String(6))
    financeur_code: Mapped[str | None] = mapped_column(ForeignKey("financeur.code"))
    libelle: Mapped[str] = mapped_column(String(300))
    prevu: Mapped[Decimal] = mapped_column(Argent)
    realise: Mapped[Decimal | None] = mapped_column(Argent)
    explication: Mapped[str | None] = mapped_column(Text)


class CompteRenduPublic(Base):
    __tablename__ = "compte_rendu_public"

    compte_rendu_id: Mapped[int] = mapped_column(ForeignKey("compte_rendu.id", ondelete="CASCADE"),
                                                 primary_key=True)
    tranche: Mapped[str] = mapped_column(String(10), primary_key=True)  # clé de domaine.publics.TRANCHES_AGE
    nombre: Mapped[int] = mapped_column(Integer)


class CompteRenduIndicateur(Base):
    __tablename__ = "compte_rendu_indicateur"
    __table_args__ = (Index("ix_compte_rendu_indicateur_compte_rendu", "compte_rendu_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_rendu_id: Mapped[int] = mapped_column(ForeignKey("compte_rendu.id", ondelete="CASCADE"))
    indicateur_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicateur_action.id", ondelete="SET NULL"))
    ordre: Mapped[int] = mapped_column(Integer, default=0)
    libelle: Mapped[str] = mapped_column(String(300))
    cible: Mapped[str | None] = mapped_column(String(30))
    unite: Mapped[str | None] = mapped_column(String(20))
    atteint: Mapped[str | None] = mapped_column(String(30))  # valeur exacte, en texte décimal
    commentaire: Mapped[str | None] = mapped_column(Text)


class Relance(Base):
    """Une lettre de relance d'un bilan attendu."""

    __tablename__ = "relance"
    __table_args__ = (Index("ix_relance_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    exercice: Mapped[int] = mapped_column(Integer)
    envoyee_le: Mapped[dt.date] = mapped_column(Date)
    statut: Mapped[str] = mapped_column(String(20))  # en_retard, tres_en_retard ou attendu (rappel)
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
