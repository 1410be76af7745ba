"""Attribution : instructeur en charge des dossiers, règles d'attribution

* ``dossier.instructeur_id`` : le compte (instructeur ou administrateur) en charge du dossier ; vide tant
  qu'il n'est pas attribué. Un compte effacé laisse ses dossiers sans instructeur (``SET NULL``).
* ``regle_attribution`` : les règles déclarées (dispositif, quartier → instructeur), dans leur ordre.

La suppression d'un dossier saisi par erreur ne demande rien au schéma : l'historique n'a pas de clé
étrangère vers le dossier, ses lignes restent ; celles du dossier partent par ``ON DELETE CASCADE``.

Révision : 0008_attribution
Précédente : 0007_circuit
"""

from alembic import op
import sqlalchemy as sa


revision = '0008_attribution'
down_revision = '0007_circuit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instructeur_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_dossier_instructeur_id'), ['instructeur_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossier_instructeur_id_utilisateur'), 'utilisateur',
                                    ['instructeur_id'], ['id'], ondelete='SET NULL')

    op.create_table('regle_attribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('dispositif_code', sa.String(), nullable=True),
    sa.Column('quartier_code', sa.String(), nullable=True),
    sa.Column('instructeur_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dispositif_code'], ['dispositif.code'],
                            name=op.f('fk_regle_attribution_dispositif_code_dispositif')),
    sa.ForeignKeyConstraint(['instructeur_id'], ['utilisateur.id'],
                            name=op.f('fk_regle_attribution_instructeur_id_utilisateur'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quartier_code'], ['quartier.code'],
                            name=op.f('fk_regle_attribution_quartier_code_quartier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regle_attribution'))
    )


def downgrade() -> None:
    op.drop_table('regle_attribution')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_instructeur_id_utilisateur'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossier_instructeur_id'))
        batch_op.drop_column('instructeur_id')
