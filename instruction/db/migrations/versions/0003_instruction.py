"""Instruction : passages d'état, demandes de compléments, examens d'éligibilité

Révision : 0003_instruction
Précédente : 0002_dossier_complet
Créée le : 2026-11-25 18:33:50.485192
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_instruction'
down_revision = '0002_dossier_complet'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('demande_complements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('objet', sa.Text(), nullable=False),
    sa.Column('demandee_le', sa.Date(), nullable=False),
    sa.Column('echeance', sa.Date(), nullable=True),
    sa.Column('recue_le', sa.Date(), nullable=True),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_demande_complements_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demande_complements'))
    )
    with op.batch_alter_table('demande_complements', schema=None) as batch_op:
        batch_op.create_index('ix_demande_complements_dossier', ['dossier_id'], unique=False)

    op.create_table('examen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_examen_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_examen'))
    )
    with op.batch_alter_table('examen', schema=None) as batch_op:
        batch_op.create_index('ix_examen_dossier', ['dossier_id'], unique=False)

    op.create_table('transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('de', sa.String(length=20), nullable=True),
    sa.Column('vers', sa.String(length=20), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('motif', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_transition_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transition'))
    )
    with op.batch_alter_table('transition', schema=None) as batch_op:
        batch_op.create_index('ix_transition_dossier', ['dossier_id'], unique=False)

    op.create_table('examen_critere',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('examen_id', sa.Integer(), nullable=False),
    sa.Column('critere', sa.String(length=60), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('statut_auto', sa.String(length=20), nullable=False),
    sa.Column('explication', sa.Text(), nullable=False),
    sa.Column('statut', sa.String(length=20), nullable=False),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['examen_id'], ['examen.id'], name=op.f('fk_examen_critere_examen_id_examen'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_examen_critere'))
    )


    # Chaque dossier existant reçoit un premier passage : son état au moment de la mise à jour.
    op.execute(
        "insert into transition (dossier_id, de, vers, acteur, le, motif) "
        "select id, null, etat, 'mise à jour de l''application', etat_depuis, "
        "'État du dossier avant le suivi des passages' from dossier"
    )


def downgrade() -> None:
    op.drop_table('examen_critere')
    with op.batch_alter_table('transition', schema=None) as batch_op:
        batch_op.drop_index('ix_transition_dossier')

    op.drop_table('transition')
    with op.batch_alter_table('examen', schema=None) as batch_op:
        batch_op.drop_index('ix_examen_dossier')

    op.drop_table('examen')
    with op.batch_alter_table('demande_complements', schema=None) as batch_op:
        batch_op.drop_index('ix_demande_complements_dossier')

    op.drop_table('demande_complements')
