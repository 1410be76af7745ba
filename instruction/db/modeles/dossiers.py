"""Campagnes, dossiers (la partie « action » du CERFA 12156) et budgets prévisionnels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

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
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.db.modeles.porteurs import Porteur
from instruction.domaine.horloge import maintenant

if TYPE_CHECKING:
    from instruction.db.modeles.instruction import Transition


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


class Numerotation(Base):
    """Le dernier rang attribué à un préfixe de numéro (« CDV-2027- ») : la ligne est verrouillée
    pendant l'attribution d'un numéro, deux postes ne reçoivent pas le même."""

    __tablename__ = "numerotation"

    prefixe: Mapped[str] = mapped_column(String(40), primary_key=True)
    dernier: Mapped[int] = mapped_column(Integer)


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
    objectifs_action: Mapped[str | None] = mapped_column(Text)
    moyens: Mapped[str | None] = mapped_column(Text)
    evaluation: Mapped[str | None] = mapped_column(Text)
    lieux: Mapped[str | None] = mapped_column(Text)  # un lieu par ligne
    tranches_age: Mapped[str | None] = mapped_column(String(80))  # codes de instruction.publics
    beneficiaires: Mapped[int | None] = mapped_column(Integer)
    femmes: Mapped[int | None] = mapped_column(Integer)
    hommes: Mapped[int | None] = mapped_column(Integer)
    renouvellement: Mapped[bool] = mapped_column(Boolean, default=False)
    renouvelle_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"))
    date_debut: Mapped[dt.date | None] = mapped_column(Date)
    date_fin: Mapped[dt.date | None] = mapped_column(Date)
    depose_le: Mapped[dt.date | None] = mapped_column(Date)
    etat: Mapped[str] = mapped_column(String(20), default="depose")
    etat_depuis: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    complet_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cout_total: Mapped[Decimal] = mapped_column(Argent, default=Decimal("0.00"))
    subvention_demandee: Mapped[Decimal] = mapped_column(Argent, default=Decimal("0.00"))
    financeurs: Mapped[str] = mapped_column(String(300), default="")  # codes sollicités au compte 74
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    # Verrou optimiste : chaque mise à jour de la ligne l'augmente ; deux enregistrements partis de la même
    # version ne passent pas tous les deux (le second est refusé, pas écrasé).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # La version des montants accordés par le comité (services.montants_accordes) : comparée puis augmentée à
    # chaque enregistrement, hors du verrou de la fiche (corriger un montant ne périme pas la saisie du dossier).
    version_montants: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # L'instructeur en charge (un compte instructeur ou administrateur), attribué à la main ou selon les
    # règles d'attribution (services.attribution) ; vide : pas encore attribué.
    instructeur_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id", ondelete="SET NULL"),
                                                       index=True)

    __mapper_args__ = {"version_id_col": version}

    campagne: Mapped[Campagne] = relationship(back_populates="dossiers")
    porteur: Mapped[Porteur] = relationship(back_populates="dossiers")
    quartiers: Mapped[list[DossierQuartier]] = relationship(cascade="all, delete-orphan")
    objectifs: Mapped[list[DossierObjectif]] = relationship(cascade="all, delete-orphan")
    lignes_budget: Mapped[list[LigneBudget]] = relationship(
        cascade="all, delete-orphan", order_by="LigneBudget.ordre"
    )
    beneficiaires_quartiers: Mapped[list[BeneficiairesQuartier]] = relationship(cascade="all, delete-orphan")
    seances: Mapped[list[Seance]] = relationship(cascade="all, delete-orphan", order_by="Seance.ordre")
    indicateurs: Mapped[list[IndicateurAction]] = relationship(
        cascade="all, delete-orphan", order_by="IndicateurAction.ordre"
    )
    pieces: Mapped[list[Piece]] = relationship(cascade="all, delete-orphan", order_by="Piece.id")
    transitions: Mapped[list[Transition]] = relationship(cascade="all, delete-orphan", order_by="Transition.id")


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


class BeneficiairesQuartier(Base):
    """Parmi les bénéficiaires prévus, combien habitent tel QPV ou tel secteur de vigilance."""

    __tablename__ = "beneficiaires_quartier"

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True
    )
    quartier_code: Mapped[str] = mapped_column(ForeignKey("quartier.code"), primary_key=True)
    nombre: Mapped[int] = mapped_column(Integer)


class Seance(Base):
    """Une séance (ou une série de séances) de l'action, située par rapport au temps scolaire."""

    __tablename__ = "seance"
    __table_args__ = (Index("ix_seance_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    libelle: Mapped[str] = mapped_column(String(300))
    jour: Mapped[str | None] = mapped_column(String(20))
    heure_debut: Mapped[dt.time | None] = mapped_column(Time)
    heure_fin: Mapped[dt.time | None] = mapped_column(Time)
    periode: Mapped[str] = mapped_column(String(20))  # clé de instruction.seances.PERIODES
    frequence: Mapped[str | None] = mapped_column(String(120))
    nombre: Mapped[int | None] = mapped_column(Integer)
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class IndicateurAction(Base):
    """Un indicateur d'évaluation de l'action et sa cible (valeur exacte, en texte décimal)."""

    __tablename__ = "indicateur_action"
    __table_args__ = (Index("ix_indicateur_action_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    libelle: Mapped[str] = mapped_column(String(300))
    indicateur_code: Mapped[str | None] = mapped_column(ForeignKey("indicateur.code"))
    cible: Mapped[str | None] = mapped_column(String(30))
    unite: Mapped[str | None] = mapped_column(String(20))
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class Piece(Base):
    """Une pièce jointe, gardée dans la base (poste isolé comme base partagée)."""

    __tablename__ = "piece"
    __table_args__ = (Index("ix_piece_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    nom_fichier: Mapped[str] = mapped_column(String(255))
    date_piece: Mapped[dt.date | None] = mapped_column(Date)
    taille: Mapped[int] = mapped_column(Integer)
    empreinte: Mapped[str] = mapped_column(String(64))
    contenu: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    ajoutee_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
