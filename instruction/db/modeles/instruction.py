"""L'instruction d'un dossier : passages d'état, demandes de compléments, examens d'éligibilité.

Tout est gardé : chaque passage d'état (qui, quand, pourquoi), chaque demande de
compléments (quoi, quand, reçue quand), chaque examen d'éligibilité (critère par critère,
avec le libellé et la source du moment, pour qu'un changement des critères ne réécrive pas
l'histoire).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.domaine.horloge import maintenant


class Transition(Base):
    __tablename__ = "transition"
    __table_args__ = (Index("ix_transition_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    de: Mapped[str | None] = mapped_column(String(20))
    vers: Mapped[str] = mapped_column(String(20))
    acteur: Mapped[str] = mapped_column(String(120))
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)  # quand le passage a été saisi (UTC)
    motif: Mapped[str | None] = mapped_column(Text)
    # La date métier du passage (déclaré recevable le…, séance du comité du…), qui peut précéder sa saisie.
    date_effet: Mapped[dt.date] = mapped_column(Date)


class DemandeComplements(Base):
    __tablename__ = "demande_complements"
    __table_args__ = (Index("ix_demande_complements_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    objet: Mapped[str] = mapped_column(Text)
    demandee_le: Mapped[dt.date] = mapped_column(Date)
    echeance: Mapped[dt.date | None] = mapped_column(Date)
    recue_le: Mapped[dt.date | None] = mapped_column(Date)
    commentaire: Mapped[str | None] = mapped_column(Text)
    acteur: Mapped[str] = mapped_column(String(120))


class Examen(Base):
    """Un examen d'éligibilité : les décisions critère par critère et le verdict d'ensemble."""

    __tablename__ = "examen"
    __table_args__ = (Index("ix_examen_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))
    verdict: Mapped[str] = mapped_column(String(20))
    commentaire: Mapped[str | None] = mapped_column(Text)

    criteres: Mapped[list[ExamenCritere]] = relationship(
        cascade="all, delete-orphan", order_by="ExamenCritere.ordre"
    )


class ExamenCritere(Base):
    __tablename__ = "examen_critere"

    id: Mapped[int] = mapped_column(primary_key=True)
    examen_id: Mapped[int] = mapped_column(ForeignKey("examen.id", ondelete="CASCADE"))
    critere: Mapped[str] = mapped_column(String(60))
    libelle: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    statut_auto: Mapped[str] = mapped_column(String(20))
    explication: Mapped[str] = mapped_column(Text)
    statut: Mapped[str] = mapped_column(String(20))
    commentaire: Mapped[str | None] = mapped_column(Text)
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class Cotation(Base):
    """La cotation d'un dossier sur une grille transversale, avec la définition de la version utilisée.

    ``definition`` garde la version de la grille (questions, poids, règles) en JSON : le score se
    recalcule toujours sur elle, jamais sur un fichier de grille modifié depuis.
    """

    __tablename__ = "cotation"
    __table_args__ = (
        UniqueConstraint("dossier_id", "grille"),
        Index("ix_cotation_dossier", "dossier_id"),
        CheckConstraint("cotation in (0, 1, 2)", name="cotation_valide"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    grille: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[str] = mapped_column(Text)
    score_dixiemes: Mapped[int | None] = mapped_column(Integer)  # score en dixièmes de point de %
    cotation_calculee: Mapped[int | None] = mapped_column(Integer)
    cotation_retenue: Mapped[int | None] = mapped_column(Integer)  # quand l'instructeur change la cotation
    motif: Mapped[str | None] = mapped_column(Text)
    cotation: Mapped[int | None] = mapped_column(Integer)  # celle qui compte : retenue, sinon calculée
    modifiee_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    acteur: Mapped[str] = mapped_column(String(120))

    reponses: Mapped[list[CotationReponse]] = relationship(cascade="all, delete-orphan")


class CotationReponse(Base):
    __tablename__ = "cotation_reponse"

    cotation_id: Mapped[int] = mapped_column(ForeignKey("cotation.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    reponse: Mapped[str | None] = mapped_column(String(20))
    commentaire: Mapped[str | None] = mapped_column(Text)


class MontantAccorde(Base):
    """Ce que le comité des financeurs accorde, financeur par financeur (à la décision « retenu »)."""

    __tablename__ = "montant_accorde"
    __table_args__ = (CheckConstraint("montant >= 0", name="montant_positif"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"), primary_key=True)
    montant: Mapped[Decimal] = mapped_column(Argent)


class Proposition(Base):
    """La proposition de l'instructeur au comité des financeurs, faite en terminant l'instruction.

    Chaque fin d'instruction en écrit une (une instruction reprise puis terminée de nouveau en ajoute une
    autre) : la dernière est celle présentée au comité, les précédentes restent pour l'histoire."""

    __tablename__ = "proposition"
    __table_args__ = (
        Index("ix_proposition_dossier", "dossier_id"),
        CheckConstraint("sens in ('favorable', 'reserve', 'defavorable')", name="sens_valide"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    sens: Mapped[str] = mapped_column(String(20))
    commentaire: Mapped[str | None] = mapped_column(Text)
    date_effet: Mapped[dt.date] = mapped_column(Date)  # la date de fin de l'instruction
    le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)  # sa saisie (UTC)
    acteur: Mapped[str] = mapped_column(String(120))

    montants: Mapped[list[MontantPropose]] = relationship(cascade="all, delete-orphan",
                                                           order_by="MontantPropose.financeur_code")


class MontantPropose(Base):
    """Le montant que l'instructeur propose pour un cofinanceur."""

    __tablename__ = "montant_propose"
    __table_args__ = (CheckConstraint("montant >= 0", name="montant_positif"),)

    proposition_id: Mapped[int] = mapped_column(ForeignKey("proposition.id", ondelete="CASCADE"), primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"), primary_key=True)
    montant: Mapped[Decimal] = mapped_column(Argent)
