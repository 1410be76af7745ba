"""Porteurs, campagnes, dossiers et budgets prévisionnels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.horloge import maintenant


class Porteur(Base):
    """La structure qui porte une ou plusieurs actions."""

    __tablename__ = "porteur"

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(300))
    sigle: Mapped[str | None] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(30))
    siret: Mapped[str | None] = mapped_column(String(14))
    rna: Mapped[str | None] = mapped_column(String(10))
    adresse: Mapped[str | None] = mapped_column(String(300))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    ville: Mapped[str | None] = mapped_column(String(120))
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.code"))
    quartier_code: Mapped[str | None] = mapped_column(ForeignKey("quartier.code"))
    representant_civilite: Mapped[str | None] = mapped_column(String(20))
    representant_nom: Mapped[str | None] = mapped_column(String(200))
    representant_qualite: Mapped[str | None] = mapped_column(String(120))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)

    dossiers: Mapped[list[Dossier]] = relationship(back_populates="porteur")


class Campagne(Base):
    """Un appel à projets d'une année : « AAP Contrat de ville 2023 »."""

    __tablename__ = "campagne"
    __table_args__ = (UniqueConstraint("dispositif_code", "annee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispositif_code: Mapped[str] = mapped_column(ForeignKey("dispositif.code"))
    annee: Mapped[int] = mapped_column(Integer)
    libelle: Mapped[str] = mapped_column(String(200))
    date_ouverture: Mapped[dt.date | None] = mapped_column(Date)
    date_cloture: Mapped[dt.date | None] = mapped_column(Date)

    dossiers: Mapped[list[Dossier]] = relationship(back_populates="campagne")


class Dossier(Base):
    """Une demande de subvention pour une action.

    ``cout_total`` et ``subvention_demandee`` résument le budget prévisionnel ; le
    service qui enregistre le budget les tient à jour (et ``instruction verifier``
    contrôle qu'ils égalent la somme des lignes). Ils permettent d'afficher cent
    mille dossiers sans additionner un million de lignes.
    """

    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_campagne", "campagne_id"),
        Index("ix_dossier_porteur", "porteur_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(30), unique=True)
    campagne_id: Mapped[int] = mapped_column(ForeignKey("campagne.id"))
    porteur_id: Mapped[int] = mapped_column(ForeignKey("porteur.id"))
    intitule: Mapped[str] = mapped_column(String(300))
    resume: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    date_debut: Mapped[dt.date | None] = mapped_column(Date)
    date_fin: Mapped[dt.date | None] = mapped_column(Date)
    depose_le: Mapped[dt.date | None] = mapped_column(Date)
    etat: Mapped[str] = mapped_column(String(20), default="depose")
    etat_depuis: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    cout_total: Mapped[Decimal] = mapped_column(Argent, default=Decimal("0.00"))
    subvention_demandee: Mapped[Decimal] = mapped_column(Argent, default=Decimal("0.00"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)

    campagne: Mapped[Campagne] = relationship(back_populates="dossiers")
    porteur: Mapped[Porteur] = relationship(back_populates="dossiers")
    quartiers: Mapped[list[DossierQuartier]] = relationship(cascade="all, delete-orphan")
    objectifs: Mapped[list[DossierObjectif]] = relationship(cascade="all, delete-orphan")
    lignes_budget: Mapped[list[LigneBudget]] = relationship(
        cascade="all, delete-orphan", order_by="LigneBudget.ordre"
    )


class DossierQuartier(Base):
    __tablename__ = "dossier_quartier"

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True
    )
    quartier_code: Mapped[str] = mapped_column(ForeignKey("quartier.code"), primary_key=True)


class DossierObjectif(Base):
    __tablename__ = "dossier_objectif"

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True
    )
    objectif_operationnel_code: Mapped[str] = mapped_column(
        ForeignKey("objectif_operationnel.code"), primary_key=True
    )


class LigneBudget(Base):
    """Une ligne du budget prévisionnel de l'action (CERFA 12156).

    Charges : comptes 60 à 68 et 86 (contributions volontaires en nature).
    Produits : comptes 70 à 75 et 87 ; le compte 74 porte une ligne par
    financeur sollicité (``financeur_code``).
    """

    __tablename__ = "ligne_budget"
    __table_args__ = (
        CheckConstraint("sens in ('charge', 'produit')", name="sens"),
        CheckConstraint("montant >= 0", name="montant_positif"),
        Index("ix_ligne_budget_dossier", "dossier_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    sens: Mapped[str] = mapped_column(String(10))
    compte: Mapped[str] = mapped_column(String(6))
    financeur_code: Mapped[str | None] = mapped_column(ForeignKey("financeur.code"))
    libelle: Mapped[str] = mapped_column(String(300))
    montant: Mapped[Decimal] = mapped_column(Argent)
    ordre: Mapped[int] = mapped_column(Integer, default=0)
