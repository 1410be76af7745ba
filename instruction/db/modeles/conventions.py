"""Conventions, CPO, avenants, échéanciers et versements (issue 12).

* ``convention`` : un acte par action (dossier) et par cofinanceur dont le service prépare les actes —
  convention, CPO ou notification (``domaine.conventions.TypeActe``), son numéro par année et
  cofinanceur, son état (projet → à signer → signée → soldée, ou résiliée / dénoncée avec motif), les deux
  signatures (date et signataire ; date d'effet = la dernière, contrat de ville l. 7501), le scan signé
  (empreinte SHA-256, comme les pièces), et ses termes **initiaux** en JSON (``domaine.conventions.Termes``).
  Ce qui est **en vigueur** (convention + avenants signés) et que les listes lisent sans le JSON est recopié à
  chaque signature : ``objet``, ``montant_total``, ``fin_exercice`` (fin du premier exercice couvert) et
  ``exercices`` (les bilans attendus en découlent, ``services.bilans_attendus``).
* ``avenant`` : numéroté 1, 2… par convention ; ses modifications en JSON (seuls les termes que son type
  permet) ; un seul avenant ouvert par convention, tenu par la base : ``ouvert`` vaut 1 tant qu'il est en
  projet ou à signer, NULL ensuite, et (convention, ouvert) est unique.
* ``convention_montant`` et ``echeance`` : les montants par exercice et cofinanceur et l'échéancier **en
  vigueur** (convention + avenants signés), recopiés à chaque signature pour les requêtes ; ``verse`` est
  le net versé (versements − reversements) de l'exercice : la base refuse qu'il dépasse le montant décidé
  ou devienne négatif (contrainte ``verse_dans_le_montant``).
* ``versement`` (date, montant, mandat, engagement juridique, échéance payée), ``reversement`` (titre de
  recette), ``compte_rendu_exercice`` (compte rendu financier reçu / validé : le solde l'attend).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.domaine.horloge import maintenant


class _Signatures:
    """Les deux signatures d'un acte et le scan de l'acte signé."""

    signataire_attribuant: Mapped[str | None] = mapped_column(String(200))
    signe_attribuant_le: Mapped[dt.date | None] = mapped_column(Date)
    signataire_beneficiaire: Mapped[str | None] = mapped_column(String(200))
    signe_beneficiaire_le: Mapped[dt.date | None] = mapped_column(Date)
    date_effet: Mapped[dt.date | None] = mapped_column(Date)  # la dernière signature (l. 7501)
    scan_nom: Mapped[str | None] = mapped_column(String(255))
    scan_taille: Mapped[int | None] = mapped_column(Integer)
    scan_empreinte: Mapped[str | None] = mapped_column(String(64))
    scan_contenu: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Convention(_Signatures, Base):
    __tablename__ = "convention"
    __table_args__ = (
        UniqueConstraint("dossier_id", "financeur_code", name="uq_convention_dossier_financeur"),
        Index("ix_convention_dossier", "dossier_id"),
        CheckConstraint("type_acte in ('convention', 'cpo', 'notification')", name="type_acte_valide"),
        CheckConstraint("etat in ('projet', 'a_signer', 'signee', 'soldee', 'resiliee', 'denoncee')",
                        name="etat_valide"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(40), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"))
    annee: Mapped[int] = mapped_column(Integer)
    type_acte: Mapped[str] = mapped_column(String(20))
    regle_acte: Mapped[str] = mapped_column(String(60))  # la règle déclarée qui a désigné l'acte
    motif_acte: Mapped[str | None] = mapped_column(Text)  # quand l'instructeur a choisi un autre acte
    etat: Mapped[str] = mapped_column(String(20), default="projet")
    etat_le: Mapped[dt.date] = mapped_column(Date)  # la date métier du dernier passage
    motif_etat: Mapped[str | None] = mapped_column(Text)  # résiliation, dénonciation, retour en projet
    termes_initiaux: Mapped[str] = mapped_column(Text)  # JSON des termes de la convention initiale
    objet: Mapped[str] = mapped_column(Text)  # en vigueur, pour les listes
    montant_total: Mapped[Decimal] = mapped_column(Argent)  # en vigueur, pour les listes
    # En vigueur, pour les bilans attendus (sans lire le JSON des termes) : la fin du premier exercice couvert
    # (le 31/12, ou la clôture du porteur que dit la convention ou un avenant) et les exercices couverts, « 2023,2024 ».
    fin_exercice: Mapped[dt.date] = mapped_column(Date)
    exercices: Mapped[str] = mapped_column(String(40))
    envoyee_le: Mapped[dt.date | None] = mapped_column(Date)  # partie à la signature
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    avenants: Mapped[list[Avenant]] = relationship(cascade="all, delete-orphan", order_by="Avenant.numero")
    montants: Mapped[list[ConventionMontant]] = relationship(
        cascade="all, delete-orphan", order_by="ConventionMontant.exercice")
    echeances: Mapped[list[Echeance]] = relationship(cascade="all, delete-orphan", order_by="Echeance.ordre")


class Avenant(_Signatures, Base):
    __tablename__ = "avenant"
    __table_args__ = (
        UniqueConstraint("convention_id", "numero", name="uq_avenant_numero"),
        UniqueConstraint("convention_id", "ouvert", name="uq_avenant_ouvert"),
        CheckConstraint("etat in ('projet', 'a_signer', 'signe', 'abandonne')", name="etat_valide"),
        CheckConstraint("ouvert = 1", name="ouvert_vaut_un"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    numero: Mapped[int] = mapped_column(Integer)
    type_code: Mapped[str] = mapped_column(String(30))
    motif: Mapped[str] = mapped_column(Text)
    modifications: Mapped[str] = mapped_column(Text)  # JSON : terme → nouvelle valeur
    etat: Mapped[str] = mapped_column(String(20), default="projet")
    ouvert: Mapped[int | None] = mapped_column(Integer, default=1)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))


class ConventionMontant(Base):
    """Le montant en vigueur d'un exercice pour un cofinanceur, et le net déjà versé."""

    __tablename__ = "convention_montant"
    __table_args__ = (
        CheckConstraint("montant >= 0", name="montant_positif"),
        CheckConstraint("verse >= 0 and verse <= montant", name="verse_dans_le_montant"),
    )

    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"), primary_key=True)
    exercice: Mapped[int] = mapped_column(Integer, primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"), primary_key=True)
    montant: Mapped[Decimal] = mapped_column(Argent)
    ferme: Mapped[bool] = mapped_column(Boolean, default=True)
    vote_le: Mapped[dt.date | None] = mapped_column(Date)  # exercice d'une CPO confirmé par le vote du budget
    verse: Mapped[Decimal] = mapped_column(Argent, default=Decimal("0.00"))


class Echeance(Base):
    """Une échéance de l'échéancier en vigueur."""

    __tablename__ = "echeance"
    __table_args__ = (
        Index("ix_echeance_convention", "convention_id"),
        CheckConstraint("montant > 0", name="montant_positif"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    ordre: Mapped[int] = mapped_column(Integer)
    exercice: Mapped[int] = mapped_column(Integer)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"))
    nature: Mapped[str] = mapped_column(String(30))
    montant: Mapped[Decimal] = mapped_column(Argent)
    condition: Mapped[str | None] = mapped_column(Text)
    date_prevue: Mapped[dt.date | None] = mapped_column(Date)
    apres_compte_rendu: Mapped[bool] = mapped_column(Boolean, default=False)


class Versement(Base):
    __tablename__ = "versement"
    __table_args__ = (
        Index("ix_versement_convention", "convention_id"),
        CheckConstraint("montant > 0", name="montant_positif"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    exercice: Mapped[int] = mapped_column(Integer)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"))
    nature: Mapped[str] = mapped_column(String(30))  # celle de l'échéance payée
    verse_le: Mapped[dt.date] = mapped_column(Date)
    montant: Mapped[Decimal] = mapped_column(Argent)
    mandat: Mapped[str] = mapped_column(String(60))  # la référence du mandat de paiement
    engagement: Mapped[str | None] = mapped_column(String(60))  # l'engagement juridique
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))


class Reversement(Base):
    __tablename__ = "reversement"
    __table_args__ = (
        Index("ix_reversement_convention", "convention_id"),
        CheckConstraint("montant > 0", name="montant_positif"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    exercice: Mapped[int] = mapped_column(Integer)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"))
    titre_recette: Mapped[str] = mapped_column(String(60))
    emis_le: Mapped[dt.date] = mapped_column(Date)
    montant: Mapped[Decimal] = mapped_column(Argent)
    motif: Mapped[str] = mapped_column(Text)
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))


class CompteRenduExercice(Base):
    """Le compte rendu financier d'un exercice de la convention : reçu le, validé le (le solde l'attend)."""

    __tablename__ = "compte_rendu_exercice"

    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"), primary_key=True)
    exercice: Mapped[int] = mapped_column(Integer, primary_key=True)
    recu_le: Mapped[dt.date | None] = mapped_column(Date)
    valide_le: Mapped[dt.date | None] = mapped_column(Date)
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
