"""Suivi des actions : copils, visites évaluatives, suivi renforcé, valeurs des indicateurs (issue 13).

* ``copil`` : un comité de pilotage de l'action (au moins un par an, l. 3960), prévu puis tenu, ses
  participants et son compte rendu joint (gardé en base avec son empreinte SHA-256, comme une pièce) ;
* ``visite_evaluative`` : une visite programmée (l. 3960), faite ou non, et son compte rendu en grille
  courte (``resources/suivi/grille_visite.yaml``, copiée en JSON avec sa version au moment de la saisie) ;
* ``suivi_renforce`` / ``indicateur_impact`` : les actions suivies de près une année donnée pour mesurer
  leur impact (l. 3968), avec leurs indicateurs (valeur de départ, cible, valeur mesurée : texte décimal
  exact, comme ``indicateur_action``) ;
* ``valeur_indicateur`` : les valeurs des 129 indicateurs du référentiel (l. 4019-4076) pour l'évaluation
  continue, à mi-parcours (2027) et finale (2030) : une valeur par indicateur et par année, la situation de
  référence marquée, avec sa source, sa date, qui l'a saisie.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruction.db.base import Base
from instruction.domaine.horloge import maintenant


class Copil(Base):
    """Un comité de pilotage de l'action."""

    __tablename__ = "copil"
    __table_args__ = (Index("ix_copil_dossier", "dossier_id"), Index("ix_copil_date", "date_copil"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    date_copil: Mapped[dt.date] = mapped_column(Date)
    tenu: Mapped[bool] = mapped_column(Boolean, default=False)
    lieu: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[str | None] = mapped_column(Text)  # un participant par ligne
    notes: Mapped[str | None] = mapped_column(Text)
    # Le compte rendu joint : nom, taille, empreinte SHA-256 et contenu (lu seulement à la demande).
    cr_nom_fichier: Mapped[str | None] = mapped_column(String(255))
    cr_taille: Mapped[int | None] = mapped_column(Integer)
    cr_empreinte: Mapped[str | None] = mapped_column(String(64))
    cr_contenu: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_par: Mapped[str] = mapped_column(String(120))


class VisiteEvaluative(Base):
    """Une visite évaluative programmée, puis faite, et son compte rendu en grille courte."""

    __tablename__ = "visite_evaluative"
    __table_args__ = (Index("ix_visite_evaluative_dossier", "dossier_id"),
                      Index("ix_visite_evaluative_prevue_le", "prevue_le"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    prevue_le: Mapped[dt.date] = mapped_column(Date)
    faite_le: Mapped[dt.date | None] = mapped_column(Date)
    lieu: Mapped[str | None] = mapped_column(String(200))
    intervenants: Mapped[str | None] = mapped_column(Text)  # un par ligne
    grille_version: Mapped[int | None] = mapped_column(Integer)
    grille: Mapped[str | None] = mapped_column(Text)  # la grille utilisée (JSON), copiée à la saisie
    reponses: Mapped[str | None] = mapped_column(Text)  # JSON : question → {appreciation, commentaire}
    conclusion: Mapped[str | None] = mapped_column(Text)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_par: Mapped[str] = mapped_column(String(120))


class SuiviRenforce(Base):
    """Une action placée en suivi renforcé pour une année (l. 3968)."""

    __tablename__ = "suivi_renforce"
    __table_args__ = (UniqueConstraint("annee", "dossier_id"), Index("ix_suivi_renforce_dossier", "dossier_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    annee: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    motif: Mapped[str] = mapped_column(Text)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_par: Mapped[str] = mapped_column(String(120))

    indicateurs: Mapped[list[IndicateurImpact]] = relationship(
        cascade="all, delete-orphan", order_by="IndicateurImpact.ordre")


class IndicateurImpact(Base):
    """Un indicateur d'impact d'une action en suivi renforcé (valeurs en texte décimal exact)."""

    __tablename__ = "indicateur_impact"
    __table_args__ = (Index("ix_indicateur_impact_suivi", "suivi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suivi_id: Mapped[int] = mapped_column(ForeignKey("suivi_renforce.id", ondelete="CASCADE"))
    libelle: Mapped[str] = mapped_column(String(300))
    indicateur_code: Mapped[str | None] = mapped_column(ForeignKey("indicateur.code"))
    unite: Mapped[str | None] = mapped_column(String(20))
    valeur_initiale: Mapped[str | None] = mapped_column(String(30))
    cible: Mapped[str | None] = mapped_column(String(30))
    valeur_mesuree: Mapped[str | None] = mapped_column(String(30))
    ordre: Mapped[int] = mapped_column(Integer, default=0)


class ValeurIndicateur(Base):
    """La valeur d'un indicateur du référentiel pour une année ; ``reference`` : la situation de départ."""

    __tablename__ = "valeur_indicateur"
    __table_args__ = (UniqueConstraint("indicateur_code", "annee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicateur_code: Mapped[str] = mapped_column(ForeignKey("indicateur.code"))
    annee: Mapped[int] = mapped_column(Integer)
    reference: Mapped[bool] = mapped_column(Boolean, default=False)
    valeur: Mapped[str | None] = mapped_column(String(40))  # nombre exact en texte décimal (« 12.5 »)
    texte: Mapped[str | None] = mapped_column(Text)  # appréciation qualitative, ou précision
    source: Mapped[str | None] = mapped_column(Text)
    date_valeur: Mapped[dt.date | None] = mapped_column(Date)
    saisi_par: Mapped[str] = mapped_column(String(120))
    saisi_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
