"""Comité des financeurs : séances, ordre du jour, décisions, délibérations des partenaires

Révision : 0011_comite
Précédente : 0010_programmation
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0011_comite'
down_revision = '0010_programmation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
