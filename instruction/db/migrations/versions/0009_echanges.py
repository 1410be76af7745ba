"""Échanges : imports des exports de la plateforme (correspondances enregistrées, lignes sources gardées)

Révision : 0009_echanges
Précédente : 0008_attribution
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0009_echanges'
down_revision = '0008_attribution'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
