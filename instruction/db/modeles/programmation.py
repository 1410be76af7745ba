"""Programmation : enveloppes des cofinanceurs, scénarios de décisions provisoires (issue 11).

* ``enveloppe`` : ce qu'un cofinanceur consacre à un dispositif une année (éventuellement pour un axe du
  projet de territoire) ; ``enveloppe_modification`` garde chaque changement (qui, quand, ancien, nouveau,
  motif), en ajout seul comme l'historique.
* ``scenario`` : une simulation de la programmation d'une campagne, à part des décisions définitives
  (``montant_accorde``) ; plusieurs par campagne. ``scenario_dossier`` : la décision provisoire d'un dossier
  (retenu, ajourné, refusé) et son motif ; ``scenario_montant`` : le montant provisoire d'un cofinanceur, et
  la justification d'un montant au-delà de la demande.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.domaine.horloge import maintenant


class Enveloppe(Base):
    __tablename__ = "enveloppe"
    __table_args__ = (
        UniqueConstraint("financeur_code", "annee", "dispositif_code", "axe_code"),
        Index("ix_enveloppe_annee_dispositif", "annee", "dispositif_code"),
        CheckConstraint("montant >= 0", name="montant_positif"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"))
    annee: Mapped[int] = mapped_column(Integer)
    dispositif_code: Mapped[str] = mapped_column(ForeignKey("dispositif.code"))
    axe_code: Mapped[str | None] = mapped_column(ForeignKey("axe.code"))  # vide : tous les axes
    montant: Mapped[Decimal] = mapped_column(Argent)
    modifiee_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))


class EnveloppeModification(Base):
    """Un changement d'enveloppe : sa création (``ancien`` vide), une hausse, une baisse."""

    __tablename__ = "enveloppe_modification"
    __table_args__ = (Index("ix_enveloppe_modification_enveloppe", "enveloppe_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enveloppe_id: Mapped[int] = mapped_column(ForeignKey("enveloppe.id", ondelete="CASCADE"))
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
    ancien: Mapped[Decimal | None] = mapped_column(Argent)
    nouveau: Mapped[Decimal] = mapped_column(Argent)
    motif: Mapped[str | None] = mapped_column(Text)


class Scenario(Base):
    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("campagne_id", "nom"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne_id: Mapped[int] = mapped_column(ForeignKey("campagne.id", ondelete="CASCADE"))
    nom: Mapped[str] = mapped_column(String(120))
    commentaire: Mapped[str | None] = mapped_column(Text)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class ScenarioDossier(Base):
    __tablename__ = "scenario_dossier"
    __table_args__ = (
        CheckConstraint("decision in ('retenu', 'ajourne', 'refuse')", name="decision_valide"),
        Index("ix_scenario_dossier_dossier", "dossier_id"),
    )

    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenario.id", ondelete="CASCADE"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    decision: Mapped[str | None] = mapped_column(String(20))  # vide : déduite des montants
    motif: Mapped[str | None] = mapped_column(Text)


class ScenarioMontant(Base):
    __tablename__ = "scenario_montant"
    __table_args__ = (
        CheckConstraint("montant >= 0", name="montant_positif"),
        Index("ix_scenario_montant_dossier", "dossier_id"),
    )

    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenario.id", ondelete="CASCADE"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"), primary_key=True)
    montant: Mapped[Decimal] = mapped_column(Argent)
    justification: Mapped[str | None] = mapped_column(Text)  # un montant au-delà de la demande dit pourquoi
