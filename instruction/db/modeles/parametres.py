"""Réglages partagés par tous les postes qui utilisent la même base."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from instruction.db.base import Base


class Parametre(Base):
    __tablename__ = "parametre"

    cle: Mapped[str] = mapped_column(String(80), primary_key=True)
    valeur: Mapped[str] = mapped_column(Text)
