"""L'instruction partagée : comptes, avis demandés et donnés, historique des modifications.

L'historique est en ajout seul : la base refuse de modifier ou d'effacer une de ses lignes
(déclencheurs posés par la migration 0005).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.domaine.horloge import maintenant


class Compte(Base):
    """Un compte d'utilisateur. Le mot de passe n'est gardé que sous forme d'empreinte Argon2."""

    __tablename__ = "utilisateur"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifiant: Mapped[str] = mapped_column(String(80), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    courriel: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    financeur_code: Mapped[str | None] = mapped_column(ForeignKey("financeur.code"))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    empreinte: Mapped[str] = mapped_column(Text)
    a_changer: Mapped[bool] = mapped_column(Boolean, default=False)  # mot de passe provisoire
    echecs: Mapped[int] = mapped_column(Integer, default=0)
    bloque_jusqu_a: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    derniere_connexion: Mapped[dt.datetime | None] = mapped_column(DateTime)

    themes: Mapped[list[CompteTheme]] = relationship(cascade="all, delete-orphan")


class CompteTheme(Base):
    __tablename__ = "utilisateur_theme"

    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateur.id", ondelete="CASCADE"), primary_key=True)
    theme_code: Mapped[str] = mapped_column(ForeignKey("theme_referent.code"), primary_key=True)


class DemandeAvis(Base):
    """Un avis demandé à un référent (un compte) ou à un cofinanceur (tout compte qui lui est rattaché)."""

    __tablename__ = "demande_avis"
    __table_args__ = (
        Index("ix_demande_avis_dossier", "dossier_id"),
        CheckConstraint("(destinataire_id is null) <> (financeur_code is null)", name="un_destinataire"),
        # Un avis demandé deux fois au même instant (deux postes) n'est créé qu'une fois.
        UniqueConstraint("dossier_id", "destinataire_id", name="uq_demande_avis_destinataire"),
        UniqueConstraint("dossier_id", "financeur_code", name="uq_demande_avis_financeur"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    destinataire_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    financeur_code: Mapped[str | None] = mapped_column(ForeignKey("financeur.code"))
    theme_code: Mapped[str | None] = mapped_column(ForeignKey("theme_referent.code"))
    demandee_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    echeance: Mapped[dt.date] = mapped_column(Date)
    demandee_par: Mapped[str] = mapped_column(String(120))
    relancee_le: Mapped[dt.datetime | None] = mapped_column(DateTime)

    avis: Mapped[Avis | None] = relationship(back_populates="demande", cascade="all, delete-orphan",
                                             uselist=False)


class Avis(Base):
    __tablename__ = "avis"
    __table_args__ = (CheckConstraint("sens in ('favorable', 'reserve', 'defavorable')", name="sens_connu"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande_avis.id", ondelete="CASCADE"), unique=True)
    auteur: Mapped[str] = mapped_column(String(120))
    sens: Mapped[str] = mapped_column(String(20))
    commentaire: Mapped[str | None] = mapped_column(Text)
    confidentiel: Mapped[bool] = mapped_column(Boolean, default=False)
    donne_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)

    demande: Mapped[DemandeAvis] = relationship(back_populates="avis")
    montants: Mapped[list[AvisMontant]] = relationship(cascade="all, delete-orphan")


class AvisMontant(Base):
    """Le montant proposé pour un cofinanceur dans un avis."""

    __tablename__ = "avis_montant"
    __table_args__ = (CheckConstraint("montant >= 0", name="montant_positif"),)

    avis_id: Mapped[int] = mapped_column(ForeignKey("avis.id", ondelete="CASCADE"), primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"), primary_key=True)
    montant: Mapped[Decimal] = mapped_column(Argent)


class Historique(Base):
    """Une modification : qui, quand, quoi (ancienne → nouvelle valeur). Jamais modifiée ni effacée."""

    __tablename__ = "historique"
    __table_args__ = (Index("ix_historique_dossier", "dossier_id"), Index("ix_historique_porteur", "porteur_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
    objet: Mapped[str] = mapped_column(String(40))  # dossier, porteur, pièce, cotation, compte, réglage…
    action: Mapped[str] = mapped_column(String(60))
    dossier_id: Mapped[int | None] = mapped_column(Integer)  # sans clé étrangère : l'historique survit à tout
    porteur_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)  # la version du dossier ou du porteur produite
    champ: Mapped[str | None] = mapped_column(String(120))
    ancien: Mapped[str | None] = mapped_column(Text)
    nouveau: Mapped[str | None] = mapped_column(Text)
