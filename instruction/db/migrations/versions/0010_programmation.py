"""Programmation : enveloppes des cofinanceurs, scénarios de décisions provisoires

* ``enveloppe`` (cofinanceur × année × dispositif, éventuellement × axe) et ``enveloppe_modification``
  (chaque changement : qui, quand, ancien, nouveau, motif) ;
* ``scenario``, ``scenario_dossier`` (décision provisoire), ``scenario_montant`` (montant provisoire par
  cofinanceur) : les simulations de la programmation, à part des décisions définitives.

Révision : 0010_programmation
Précédente : 0009_echanges
"""

from alembic import op
import sqlalchemy as sa


revision = '0010_programmation'
down_revision = '0009_echanges'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enveloppe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('dispositif_code', sa.String(length=40), nullable=False),
    sa.Column('axe_code', sa.String(length=40), nullable=True),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.Column('modifiee_le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_enveloppe_montant_positif')),
    sa.ForeignKeyConstraint(['axe_code'], ['axe.code'], name=op.f('fk_enveloppe_axe_code_axe')),
    sa.ForeignKeyConstraint(['dispositif_code'], ['dispositif.code'],
                            name=op.f('fk_enveloppe_dispositif_code_dispositif')),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_enveloppe_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enveloppe')),
    sa.UniqueConstraint('financeur_code', 'annee', 'dispositif_code', 'axe_code',
                        name=op.f('uq_enveloppe_financeur_code'))
    )
    op.create_index('ix_enveloppe_annee_dispositif', 'enveloppe', ['annee', 'dispositif_code'], unique=False)
    op.create_table('enveloppe_modification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enveloppe_id', sa.Integer(), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('ancien', sa.BigInteger(), nullable=True),
    sa.Column('nouveau', sa.BigInteger(), nullable=False),
    sa.Column('motif', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['enveloppe_id'], ['enveloppe.id'],
                            name=op.f('fk_enveloppe_modification_enveloppe_id_enveloppe'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enveloppe_modification'))
    )
    op.create_index('ix_enveloppe_modification_enveloppe', 'enveloppe_modification', ['enveloppe_id'], unique=False)
    op.create_table('scenario',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campagne_id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=120), nullable=False),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campagne_id'], ['campagne.id'], name=op.f('fk_scenario_campagne_id_campagne'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario')),
    sa.UniqueConstraint('campagne_id', 'nom', name=op.f('uq_scenario_campagne_id'))
    )
    op.create_table('scenario_dossier',
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('motif', sa.Text(), nullable=True),
    sa.CheckConstraint("decision in ('retenu', 'ajourne', 'refuse')",
                       name=op.f('ck_scenario_dossier_decision_valide')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_scenario_dossier_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenario.id'], name=op.f('fk_scenario_dossier_scenario_id_scenario'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scenario_id', 'dossier_id', name=op.f('pk_scenario_dossier'))
    )
    op.create_index('ix_scenario_dossier_dossier', 'scenario_dossier', ['dossier_id'], unique=False)
    op.create_table('scenario_montant',
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_scenario_montant_montant_positif')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_scenario_montant_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'],
                            name=op.f('fk_scenario_montant_financeur_code_financeur')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenario.id'], name=op.f('fk_scenario_montant_scenario_id_scenario'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scenario_id', 'dossier_id', 'financeur_code', name=op.f('pk_scenario_montant'))
    )
    op.create_index('ix_scenario_montant_dossier', 'scenario_montant', ['dossier_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_scenario_montant_dossier', table_name='scenario_montant')
    op.drop_table('scenario_montant')
    op.drop_index('ix_scenario_dossier_dossier', table_name='scenario_dossier')
    op.drop_table('scenario_dossier')
    op.drop_table('scenario')
    op.drop_index('ix_enveloppe_modification_enveloppe', table_name='enveloppe_modification')
    op.drop_table('enveloppe_modification')
    op.drop_index('ix_enveloppe_annee_dispositif', table_name='enveloppe')
    op.drop_table('enveloppe')
