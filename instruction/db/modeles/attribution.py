"""Les règles d'attribution des dossiers : tel dispositif, tel quartier → tel instructeur.

Une règle vaut pour un dispositif, un quartier, ou les deux ; vide des deux, elle prend tout ce qu'aucune
règle précédente n'a pris. Les règles s'appliquent dans l'ordre (``ordre``) : la première qui convient
désigne l'instructeur (``services.attribution``).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from instruction.db.base import Base


class RegleAttribution(Base):
    __tablename__ = "regle_attribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    ordre: Mapped[int] = mapped_column(Integer, default=0)
    dispositif_code: Mapped[str | None] = mapped_column(ForeignKey("dispositif.code"))
    quartier_code: Mapped[str | None] = mapped_column(ForeignKey("quartier.code"))
    instructeur_id: Mapped[int] = mapped_column(ForeignKey("utilisateur.id", ondelete="CASCADE"))
