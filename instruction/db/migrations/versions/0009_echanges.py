"""Échanges : imports des exports de la plateforme (correspondances enregistrées, lignes sources gardées)

* ``correspondance_import`` : les correspondances colonne → champ enregistrées sous un nom ;
* ``dossier_importe`` : la clé d'un dossier importé sur la plateforme (code + exercice, unique), ce que
  le dernier import a écrit (pour reconnaître les modifications locales faites depuis) et ses lignes sources.

Révision : 0009_echanges
Précédente : 0008_attribution
"""

from alembic import op
import sqlalchemy as sa


revision = '0009_echanges'
down_revision = '0008_attribution'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('correspondance_import',
    sa.Column('nom', sa.String(length=120), nullable=False),
    sa.Column('colonnes', sa.Text(), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.Column('modifie_par', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('nom', name=op.f('pk_correspondance_import'))
    )
    op.create_table('dossier_importe',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('valeurs', sa.Text(), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('fichier', sa.String(length=255), nullable=False),
    sa.Column('importe_le', sa.DateTime(), nullable=False),
    sa.Column('importe_par', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_importe_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_dossier_importe')),
    sa.UniqueConstraint('code', 'exercice', name=op.f('uq_dossier_importe_code'))
    )


def downgrade() -> None:
    op.drop_table('dossier_importe')
    op.drop_table('correspondance_import')
