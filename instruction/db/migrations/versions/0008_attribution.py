"""Attribution : instructeur en charge des dossiers, suppression d'un dossier saisi par erreur

Révision : 0008_attribution
Précédente : 0007_circuit
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0008_attribution'
down_revision = '0007_circuit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
