"""Suivi des actions : copils, visites évaluatives, suivi renforcé, valeurs des indicateurs

Révision : 0014_suivi
Précédente : 0013_comptes_rendus
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0014_suivi'
down_revision = '0013_comptes_rendus'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
