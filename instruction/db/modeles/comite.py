"""Comité des financeurs : séances, ordre du jour, décisions, délibérations des partenaires (issue 11).

* ``seance_comite`` : une séance (comité des financeurs, jury PIC) : date, lieu, état (en préparation, close),
  qui l'a close et quand ; ``version`` est une colonne de version : deux clôtures simultanées ne passent pas
  toutes les deux (la ligne est aussi verrouillée pendant la clôture) ;
* ``seance_membre`` : les membres présents (la liste du contrat pré-remplie, modifiable séance par séance) ;
* ``seance_dossier`` : l'ordre du jour — un dossier inscrit, la décision saisie (retenu, ajourné, refusé) et
  son motif, et ``seance_montant`` les montants par cofinanceur (pré-remplis par la proposition) ;
* ``deliberation`` : le vote de l'instance délibérante d'un cofinanceur sur une ligne (dossier × cofinanceur)
  après la séance (contrat de ville l. 3830) : instance, date, référence, montant voté ;
* ``moyen_droit_commun`` : les moyens de droit commun qu'un partenaire déclare pour une action (l. 4258 :
  la Région veut que « l'ensemble des moyens mobilisés par tous les partenaires » soient « connus et partagés »).

Les montants accordés d'une décision appliquée restent dans ``montant_accorde`` (le chemin existant) : les
montants d'une ligne de séance sont la décision saisie, pas encore appliquée, puis sa trace.
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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent
from instruction.domaine.horloge import maintenant


class SeanceComite(Base):
    __tablename__ = "seance_comite"
    __table_args__ = (
        CheckConstraint("statut in ('preparation', 'close')", name="statut_valide"),
        Index("ix_seance_comite_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance: Mapped[str] = mapped_column(String(40))  # comite-financeurs, jury-pic (resources/comite.yaml)
    intitule: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    lieu: Mapped[str | None] = mapped_column(String(200))
    statut: Mapped[str] = mapped_column(String(20), default="preparation")
    creee_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    creee_par: Mapped[str] = mapped_column(String(120))
    close_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    close_par: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class SeanceMembre(Base):
    __tablename__ = "seance_membre"
    __table_args__ = (Index("ix_seance_membre_seance", "seance_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seance_id: Mapped[int] = mapped_column(ForeignKey("seance_comite.id", ondelete="CASCADE"))
    ordre: Mapped[int] = mapped_column(Integer, default=0)
    qualite: Mapped[str] = mapped_column(String(200))  # « Sous-préfet chargé de la politique de la ville »
    nom: Mapped[str | None] = mapped_column(String(200))  # la personne qui siège (ou son représentant)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    excuse: Mapped[bool] = mapped_column(Boolean, default=False)  # absent excusé (sinon : absent)


class SeanceDossier(Base):
    """Un dossier à l'ordre du jour, et la décision saisie pour lui (appliquée à la clôture)."""

    __tablename__ = "seance_dossier"
    __table_args__ = (
        UniqueConstraint("seance_id", "dossier_id"),
        Index("ix_seance_dossier_dossier", "dossier_id"),
        CheckConstraint("decision is null or decision in ('retenu', 'ajourne', 'refuse')", name="decision_valide"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seance_id: Mapped[int] = mapped_column(ForeignKey("seance_comite.id", ondelete="CASCADE"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    ordre: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str | None] = mapped_column(String(20))
    motif: Mapped[str | None] = mapped_column(Text)
    saisie_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    saisie_par: Mapped[str | None] = mapped_column(String(120))

    montants: Mapped[list[SeanceMontant]] = relationship(cascade="all, delete-orphan",
                                                         order_by="SeanceMontant.financeur_code")


class SeanceMontant(Base):
    __tablename__ = "seance_montant"
    __table_args__ = (CheckConstraint("montant >= 0", name="montant_positif"),)

    seance_dossier_id: Mapped[int] = mapped_column(ForeignKey("seance_dossier.id", ondelete="CASCADE"),
                                                   primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"), primary_key=True)
    montant: Mapped[Decimal] = mapped_column(Argent)


class Deliberation(Base):
    """Le vote de l'instance délibérante d'un cofinanceur sur une ligne décidée en séance."""

    __tablename__ = "deliberation"
    __table_args__ = (
        UniqueConstraint("seance_id", "dossier_id", "financeur_code"),
        Index("ix_deliberation_dossier", "dossier_id"),
        CheckConstraint("montant_vote >= 0", name="montant_positif"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seance_id: Mapped[int] = mapped_column(ForeignKey("seance_comite.id", ondelete="CASCADE"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"))
    instance: Mapped[str] = mapped_column(String(200))  # « Conseil municipal », « Commission permanente »…
    date: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(120))  # n° de la délibération ou de l'arrêté
    montant_vote: Mapped[Decimal] = mapped_column(Argent)
    saisie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    saisie_par: Mapped[str] = mapped_column(String(120))


class MoyenDroitCommun(Base):
    """Un moyen de droit commun qu'un partenaire déclare mobiliser pour une action (hors crédits spécifiques)."""

    __tablename__ = "moyen_droit_commun"
    __table_args__ = (
        Index("ix_moyen_droit_commun_dossier", "dossier_id"),
        CheckConstraint("nature in ('fonctionnement', 'investissement')", name="nature_valide"),
        CheckConstraint("montant is null or montant >= 0", name="montant_positif"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code"))
    nature: Mapped[str] = mapped_column(String(20))
    libelle: Mapped[str] = mapped_column(Text)  # « Poste d'adulte-relais », « Mise à disposition d'une salle »
    montant: Mapped[Decimal | None] = mapped_column(Argent)  # valorisation, si elle est connue
    saisi_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    saisi_par: Mapped[str] = mapped_column(String(120))
