"""Travail hors ligne : emprunts de dossiers et retours

Révision : 0015_emprunts
Précédente : 0014_suivi
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0015_emprunts'
down_revision = '0014_suivi'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
