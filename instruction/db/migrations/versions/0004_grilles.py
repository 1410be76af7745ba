"""Grilles transversales (cotations et réponses, avec la version de la grille) et montants accordés

Les dossiers déjà décidés n'ont pas de montants accordés : rien n'est inventé, l'instructeur les saisit.

Révision : 0004_grilles
Précédente : 0003_instruction
Créée le : 2026-11-25 19:21:40.359344
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_grilles'
down_revision = '0003_instruction'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('grille', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('score_dixiemes', sa.Integer(), nullable=True),
    sa.Column('cotation_calculee', sa.Integer(), nullable=True),
    sa.Column('cotation_retenue', sa.Integer(), nullable=True),
    sa.Column('motif', sa.Text(), nullable=True),
    sa.Column('cotation', sa.Integer(), nullable=True),
    sa.Column('modifiee_le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_cotation_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cotation')),
    sa.CheckConstraint('cotation in (0, 1, 2)', name=op.f('ck_cotation_cotation_valide')),
    sa.UniqueConstraint('dossier_id', 'grille', name=op.f('uq_cotation_dossier_id'))
    )
    with op.batch_alter_table('cotation', schema=None) as batch_op:
        batch_op.create_index('ix_cotation_dossier', ['dossier_id'], unique=False)

    op.create_table('montant_accorde',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_montant_accorde_montant_positif')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_montant_accorde_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_montant_accorde_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('dossier_id', 'financeur_code', name=op.f('pk_montant_accorde'))
    )
    op.create_table('cotation_reponse',
    sa.Column('cotation_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=60), nullable=False),
    sa.Column('reponse', sa.String(length=20), nullable=True),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['cotation_id'], ['cotation.id'], name=op.f('fk_cotation_reponse_cotation_id_cotation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cotation_id', 'question', name=op.f('pk_cotation_reponse'))
    )


def downgrade() -> None:
    op.drop_table('cotation_reponse')
    op.drop_table('montant_accorde')
    with op.batch_alter_table('cotation', schema=None) as batch_op:
        batch_op.drop_index('ix_cotation_dossier')

    op.drop_table('cotation')
