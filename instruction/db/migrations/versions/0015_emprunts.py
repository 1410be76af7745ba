"""Travail hors ligne : emprunts de dossiers et retours

* ``emprunt`` : qui a emprunté, quand, jusqu'à quand, quel fichier de travail ; rendu quand, par qui ;
* ``emprunt_dossier`` : les dossiers de chaque emprunt.

Révision : 0015_emprunts
Précédente : 0014_suivi
"""

from alembic import op
import sqlalchemy as sa


revision = '0015_emprunts'
down_revision = '0014_suivi'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('emprunt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cle', sa.String(length=36), nullable=False),
    sa.Column('emprunteur', sa.String(length=120), nullable=False),
    sa.Column('emprunteur_nom', sa.String(length=200), nullable=False),
    sa.Column('emprunte_le', sa.DateTime(), nullable=False),
    sa.Column('jusqu_au', sa.Date(), nullable=False),
    sa.Column('fichier', sa.String(length=255), nullable=False),
    sa.Column('revision', sa.String(length=40), nullable=False),
    sa.Column('rendu_le', sa.DateTime(), nullable=True),
    sa.Column('rendu_par', sa.String(length=120), nullable=True),
    sa.Column('bilan', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emprunt')),
    sa.UniqueConstraint('cle', name=op.f('uq_emprunt_cle'))
    )
    op.create_table('emprunt_dossier',
    sa.Column('emprunt_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['emprunt_id'], ['emprunt.id'], name=op.f('fk_emprunt_dossier_emprunt_id_emprunt'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_emprunt_dossier_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('emprunt_id', 'dossier_id', name=op.f('pk_emprunt_dossier'))
    )
    op.create_index('ix_emprunt_dossier_dossier', 'emprunt_dossier', ['dossier_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_emprunt_dossier_dossier', table_name='emprunt_dossier')
    op.drop_table('emprunt_dossier')
    op.drop_table('emprunt')
