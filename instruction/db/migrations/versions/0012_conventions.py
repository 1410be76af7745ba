"""Conventions, CPO, avenants, échéanciers et versements

Révision : 0012_conventions
Précédente : 0011_comite
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0012_conventions'
down_revision = '0011_comite'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
