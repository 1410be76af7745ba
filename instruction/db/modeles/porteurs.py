"""Les porteurs et leur histoire : noms, représentants et comptes bancaires datés.

Un bailleur change de nom, une association change de président ou de banque : on
n'écrase pas, on ferme la version en cours (``jusqu_a``) et on en ouvre une autre
(``depuis``). La version en cours est celle dont ``jusqu_a`` est vide ; le nom en
cours est aussi recopié dans ``porteur.nom`` pour les listes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.domaine.horloge import maintenant


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
    telephone: Mapped[str | None] = mapped_column(String(20))
    courriel: Mapped[str | None] = mapped_column(String(200))
    objet: Mapped[str | None] = mapped_column(Text)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # verrou optimiste

    __mapper_args__ = {"version_id_col": version}

    dossiers: Mapped[list["Dossier"]] = relationship(back_populates="porteur")  # noqa: F821, UP037
    noms: Mapped[list[PorteurNom]] = relationship(
        cascade="all, delete-orphan", order_by="PorteurNom.depuis.asc().nulls_first()"
    )
    representants: Mapped[list[Representant]] = relationship(
        cascade="all, delete-orphan", order_by="Representant.depuis.asc().nulls_first()"
    )
    comptes: Mapped[list[CompteBancaire]] = relationship(
        cascade="all, delete-orphan", order_by="CompteBancaire.depuis.asc().nulls_first()"
    )
    contacts: Mapped[list[Contact]] = relationship(cascade="all, delete-orphan", order_by="Contact.ordre")


class _Version:
    depuis: Mapped[dt.date | None] = mapped_column(Date)
    jusqu_a: Mapped[dt.date | None] = mapped_column(Date)


class PorteurNom(_Version, Base):
    __tablename__ = "porteur_nom"
    __table_args__ = (Index("ix_porteur_nom_porteur", "porteur_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    porteur_id: Mapped[int] = mapped_column(ForeignKey("porteur.id", ondelete="CASCADE"))
    nom: Mapped[str] = mapped_column(String(300))
    sigle: Mapped[str | None] = mapped_column(String(60))


class Representant(_Version, Base):
    """Le représentant légal (et sa qualité), signataire des demandes et des conventions."""

    __tablename__ = "representant"
    __table_args__ = (Index("ix_representant_porteur", "porteur_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    porteur_id: Mapped[int] = mapped_column(ForeignKey("porteur.id", ondelete="CASCADE"))
    civilite: Mapped[str | None] = mapped_column(String(20))
    nom: Mapped[str] = mapped_column(String(200))
    qualite: Mapped[str | None] = mapped_column(String(120))


class CompteBancaire(_Version, Base):
    __tablename__ = "compte_bancaire"
    __table_args__ = (Index("ix_compte_bancaire_porteur", "porteur_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    porteur_id: Mapped[int] = mapped_column(ForeignKey("porteur.id", ondelete="CASCADE"))
    titulaire: Mapped[str | None] = mapped_column(String(300))
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    domiciliation: Mapped[str | None] = mapped_column(String(200))


class Contact(Base):
    """Une personne à joindre pour les dossiers du porteur (chargée de projet, comptable…)."""

    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_porteur", "porteur_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    porteur_id: Mapped[int] = mapped_column(ForeignKey("porteur.id", ondelete="CASCADE"))
    nom: Mapped[str] = mapped_column(String(200))
    fonction: Mapped[str | None] = mapped_column(String(120))
    telephone: Mapped[str | None] = mapped_column(String(20))
    courriel: Mapped[str | None] = mapped_column(String(200))
    ordre: Mapped[int] = mapped_column(Integer, default=0)
