"""Le référentiel du contrat de ville « Engagements Quartiers 2030 ».

Chaque entrée vient d'un fichier de ``resources/referentiel/`` et garde la ligne
du contrat où elle est définie (``ligne``). Les codes sont stables : les dossiers
y font référence. Une entrée retirée des fichiers mais encore utilisée par un
dossier est gardée, marquée ``actif = False``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.db.types import Argent

CODE = String(40)


class _Entree:
    """Colonnes communes à toutes les entrées du référentiel."""

    ligne: Mapped[int | None] = mapped_column(Integer)
    ordre: Mapped[int] = mapped_column(Integer, default=0)
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)


class _Libelle(_Entree):
    """Entrée à libellé : le libellé propre, et celui du contrat quand il diffère."""

    libelle: Mapped[str] = mapped_column(Text)
    libelle_source: Mapped[str | None] = mapped_column(Text)



class Commune(_Entree, Base):
    __tablename__ = "commune"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    nom: Mapped[str] = mapped_column(String(120))
    libelle_source: Mapped[str | None] = mapped_column(Text)


class Quartier(_Entree, Base):
    """Un QPV, un de ses sous-secteurs, ou un secteur de vigilance."""

    __tablename__ = "quartier"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    nom: Mapped[str] = mapped_column(Text)
    nature: Mapped[str] = mapped_column(String(20))  # qpv | sous_secteur | secteur_vigilance
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("quartier.code"))
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.code"))
    code_national: Mapped[str | None] = mapped_column(String(20))
    population: Mapped[int | None] = mapped_column(Integer)
    libelle_source: Mapped[str | None] = mapped_column(Text)

    statuts: Mapped[list[StatutQuartier]] = relationship(
        back_populates="quartier", order_by="StatutQuartier.ordre", cascade="all, delete-orphan"
    )


class StatutQuartier(Base):
    """Statut daté d'un secteur (un avenant peut en ajouter ou en retirer)."""

    __tablename__ = "statut_quartier"

    id: Mapped[int] = mapped_column(primary_key=True)
    quartier_code: Mapped[str] = mapped_column(ForeignKey("quartier.code", ondelete="CASCADE"))
    statut: Mapped[str] = mapped_column(Text)
    depuis: Mapped[dt.date | None] = mapped_column(Date)
    jusqu_a: Mapped[dt.date | None] = mapped_column(Date)
    acte: Mapped[str | None] = mapped_column(Text)
    ligne: Mapped[int | None] = mapped_column(Integer)
    ordre: Mapped[int] = mapped_column(Integer, default=0)

    quartier: Mapped[Quartier] = relationship(back_populates="statuts")


class ThemeTransversal(_Libelle, Base):
    __tablename__ = "theme_transversal"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)


class Axe(_Libelle, Base):
    __tablename__ = "axe"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)


class Thematique(_Libelle, Base):
    __tablename__ = "thematique"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    axe_code: Mapped[str] = mapped_column(ForeignKey("axe.code"))


class ObjectifStrategique(_Libelle, Base):
    __tablename__ = "objectif_strategique"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    thematique_code: Mapped[str] = mapped_column(ForeignKey("thematique.code"))


class ObjectifOperationnel(_Libelle, Base):
    __tablename__ = "objectif_operationnel"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    objectif_strategique_code: Mapped[str] = mapped_column(ForeignKey("objectif_strategique.code"))


class Priorite(_Libelle, Base):
    """Une priorité d'un quartier : un titre qui regroupe des objectifs opérationnels."""

    __tablename__ = "priorite"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)


class PrioriteQuartier(Base):
    __tablename__ = "priorite_quartier"

    priorite_code: Mapped[str] = mapped_column(
        ForeignKey("priorite.code", ondelete="CASCADE"), primary_key=True
    )
    quartier_code: Mapped[str] = mapped_column(ForeignKey("quartier.code"), primary_key=True)


class PrioriteObjectif(Base):
    """Les objectifs opérationnels qu'une priorité regroupe."""

    __tablename__ = "priorite_objectif"

    priorite_code: Mapped[str] = mapped_column(
        ForeignKey("priorite.code", ondelete="CASCADE"), primary_key=True
    )
    objectif_operationnel_code: Mapped[str] = mapped_column(
        ForeignKey("objectif_operationnel.code"), primary_key=True
    )
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class PrioriteElement(Base):
    """Un élément d'une priorité ; il reprend souvent un objectif opérationnel."""

    __tablename__ = "priorite_element"

    id: Mapped[int] = mapped_column(primary_key=True)
    priorite_code: Mapped[str] = mapped_column(ForeignKey("priorite.code", ondelete="CASCADE"))
    libelle: Mapped[str] = mapped_column(Text)
    libelle_source: Mapped[str | None] = mapped_column(Text)
    objectif_operationnel_code: Mapped[str | None] = mapped_column(
        ForeignKey("objectif_operationnel.code")
    )
    ligne: Mapped[int | None] = mapped_column(Integer)
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class Indicateur(_Libelle, Base):
    __tablename__ = "indicateur"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    objectif_strategique_code: Mapped[str | None] = mapped_column(ForeignKey("objectif_strategique.code"))
    niveau: Mapped[str] = mapped_column(String(20))  # territoire | action
    proprietaire: Mapped[str | None] = mapped_column(Text)
    nature: Mapped[str | None] = mapped_column(String(20))
    # Indicateurs transversaux (sans objectif stratégique) : leur rubrique du tableau.
    rubrique: Mapped[str | None] = mapped_column(String(40))
    theme_transversal_code: Mapped[str | None] = mapped_column(ForeignKey("theme_transversal.code"))
    objectif: Mapped[str | None] = mapped_column(Text)


class Dispositif(_Libelle, Base):
    __tablename__ = "dispositif"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    sigle: Mapped[str | None] = mapped_column(String(40))
    pilote: Mapped[str | None] = mapped_column(Text)
    periodicite: Mapped[str | None] = mapped_column(Text)
    instruit: Mapped[bool] = mapped_column(Boolean, default=False)
    plafond: Mapped[Decimal | None] = mapped_column(Argent)

    regles: Mapped[list[RegleDispositif]] = relationship(
        order_by="RegleDispositif.ordre", cascade="all, delete-orphan"
    )


class RegleDispositif(Base):
    """Une règle d'éligibilité énoncée par le contrat pour un dispositif."""

    __tablename__ = "regle_dispositif"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispositif_code: Mapped[str] = mapped_column(ForeignKey("dispositif.code", ondelete="CASCADE"))
    texte: Mapped[str] = mapped_column(Text)
    ligne: Mapped[int | None] = mapped_column(Integer)
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class Financeur(_Libelle, Base):
    """Un cofinanceur : une ligne du compte 74 du budget par financeur sollicité."""

    __tablename__ = "financeur"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    sigle: Mapped[str | None] = mapped_column(String(40))
    nature: Mapped[str | None] = mapped_column(String(20))


class ServiceFinanceur(Base):
    """Un service rattaché à un financeur (DDETS, DSDEN, DRAC… pour l'État)."""

    __tablename__ = "service_financeur"

    id: Mapped[int] = mapped_column(primary_key=True)
    financeur_code: Mapped[str] = mapped_column(ForeignKey("financeur.code", ondelete="CASCADE"))
    sigle: Mapped[str] = mapped_column(String(40))
    libelle: Mapped[str] = mapped_column(Text)
    libelle_source: Mapped[str | None] = mapped_column(Text)
    ligne: Mapped[int | None] = mapped_column(Integer)
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class ThemeReferent(_Libelle, Base):
    """Une des dix thématiques des référents Ville / Agglomération (l. 3869)."""

    __tablename__ = "theme_referent"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
