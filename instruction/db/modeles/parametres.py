"""Réglages partagés par tous les postes qui utilisent la même base."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from instruction.db.base import Base
from instruction.domaine.horloge import maintenant


class Parametre(Base):
    __tablename__ = "parametre"

    cle: Mapped[str] = mapped_column(String(80), primary_key=True)
    valeur: Mapped[str] = mapped_column(Text)


class Brouillon(Base):
    """Ce qu'un formulaire contenait quand on l'a quitté sans enregistrer (saisies brutes, en JSON).

    ``cle`` désigne le formulaire : « dossier:12 », « dossier:nouveau:… ». Rien de ce
    qui a été tapé n'est perdu, même une saisie invalide.
    """

    __tablename__ = "brouillon"

    cle: Mapped[str] = mapped_column(String(120), primary_key=True)
    titre: Mapped[str] = mapped_column(String(300))
    contenu: Mapped[str] = mapped_column(Text)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class FiltreEnregistre(Base):
    """Un jeu de filtres de la liste des dossiers, enregistré sous un nom."""

    __tablename__ = "filtre_enregistre"

    nom: Mapped[str] = mapped_column(String(120), primary_key=True)
    contenu: Mapped[str] = mapped_column(Text)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
