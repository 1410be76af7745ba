"""Comptes rendus financiers (CERFA 15059) et bilans attendus

Révision : 0013_comptes_rendus
Précédente : 0012_conventions
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0013_comptes_rendus'
down_revision = '0012_conventions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
