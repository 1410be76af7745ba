"""Programmation : enveloppes des cofinanceurs, scénarios de décisions provisoires

Révision : 0010_programmation
Précédente : 0009_echanges
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0010_programmation'
down_revision = '0009_echanges'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
