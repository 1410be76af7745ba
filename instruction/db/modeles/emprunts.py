"""Travail hors ligne : emprunts de dossiers et retours (issue 15).

* ``emprunt`` : un fichier de travail écrit pour une personne (qui, quand, jusqu'à quand, quel fichier),
  identifié par sa ``cle`` (inscrite aussi dans le fichier : c'est elle qui reconnaît le fichier au retour).
  ``rendu_le`` rempli : l'emprunt est fini ; un second retour du même fichier ne change plus rien.
* ``emprunt_dossier`` : les dossiers emprunts (la liste de la fenêtre les marque, et l'on est averti avant
  d'en modifier un au bureau, sans en être empêché).

Ces deux tables ne partent jamais dans un fichier de travail (``services.emprunts.JAMAIS_EMPRUNTEES``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from instruction.db.base import Base
from instruction.domaine.horloge import maintenant


class Emprunt(Base):
    __tablename__ = "emprunt"

    id: Mapped[int] = mapped_column(primary_key=True)
    cle: Mapped[str] = mapped_column(String(36), unique=True)  # uuid, inscrit dans le fichier de travail
    emprunteur: Mapped[str] = mapped_column(String(120))  # l'identifiant de qui emprunte (l'historique le signe)
    emprunteur_nom: Mapped[str] = mapped_column(String(200))
    emprunte_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    jusqu_au: Mapped[dt.date] = mapped_column(Date)
    fichier: Mapped[str] = mapped_column(String(255))  # le nom du fichier écrit (pour le reconnaître)
    revision: Mapped[str] = mapped_column(String(40))  # le schéma du fichier de travail à l'emprunt
    rendu_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rendu_par: Mapped[str | None] = mapped_column(String(120))
    bilan: Mapped[str | None] = mapped_column(Text)  # ce que le retour a fait (texte lisible)


class EmpruntDossier(Base):
    __tablename__ = "emprunt_dossier"
    __table_args__ = (Index("ix_emprunt_dossier_dossier", "dossier_id"),)

    emprunt_id: Mapped[int] = mapped_column(ForeignKey("emprunt.id", ondelete="CASCADE"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
