"""Les échanges avec la plateforme : correspondances de colonnes enregistrées, dossiers importés.

* ``correspondance_import`` : une correspondance colonne → champ choisie par l'utilisateur, sous un nom
  (« Dauphin 2027 »), reprise au prochain import ;
* ``dossier_importe`` : pour chaque dossier venu d'un export, sa clé sur la plateforme (code + exercice),
  **ce que le dernier import a écrit** (pour reconnaître, au suivant, ce qui a été modifié dans
  l'application entre-temps) et les lignes sources telles quelles (rien de la source n'est perdu).

Les contenus sont du JSON dans des colonnes texte, comme les brouillons et les filtres.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from instruction.db.base import Base
from instruction.domaine.horloge import maintenant


class CorrespondanceImport(Base):
    __tablename__ = "correspondance_import"

    nom: Mapped[str] = mapped_column(String(120), primary_key=True)
    colonnes: Mapped[str] = mapped_column(Text)  # JSON : titre de colonne → champ (ou null)
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON : exercice, dispositif par défaut
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_par: Mapped[str] = mapped_column(String(120), default="")


class DossierImporte(Base):
    __tablename__ = "dossier_importe"
    __table_args__ = (UniqueConstraint("code", "exercice"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    exercice: Mapped[int] = mapped_column(Integer)
    valeurs: Mapped[str] = mapped_column(Text)  # JSON : ce que le dernier import a écrit (formes simples)
    sources: Mapped[str] = mapped_column(Text)  # JSON : les lignes sources du dernier import (titre → valeur)
    fichier: Mapped[str] = mapped_column(String(255))
    importe_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    importe_par: Mapped[str] = mapped_column(String(120))
