"""Circuit : dates métier des passages et du dépôt, proposition de l'instructeur

Révision : 0007_circuit
Précédente : 0006_fiabilite
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0007_circuit'
down_revision = '0006_fiabilite'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
