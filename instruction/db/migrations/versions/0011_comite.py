"""Comité des financeurs : séances, ordre du jour, décisions, délibérations des partenaires

* ``seance_comite`` (colonne de version), ``seance_membre`` (membres présents), ``seance_dossier`` (ordre du
  jour et décision saisie), ``seance_montant`` (montants décidés par cofinanceur, avant leur application) ;
* ``deliberation`` : vote de l'instance délibérante d'un cofinanceur sur une ligne décidée ;
* ``moyen_droit_commun`` : moyens de droit commun déclarés par un partenaire pour une action.

Révision : 0011_comite
Précédente : 0010_programmation
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_comite'
down_revision = '0010_programmation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('seance_comite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance', sa.String(length=40), nullable=False),
    sa.Column('intitule', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('lieu', sa.String(length=200), nullable=True),
    sa.Column('statut', sa.String(length=20), nullable=False),
    sa.Column('creee_le', sa.DateTime(), nullable=False),
    sa.Column('creee_par', sa.String(length=120), nullable=False),
    sa.Column('close_le', sa.DateTime(), nullable=True),
    sa.Column('close_par', sa.String(length=120), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("statut in ('preparation', 'close')", name=op.f('ck_seance_comite_statut_valide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seance_comite'))
    )
    with op.batch_alter_table('seance_comite', schema=None) as batch_op:
        batch_op.create_index('ix_seance_comite_date', ['date'], unique=False)

    op.create_table('seance_membre',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seance_id', sa.Integer(), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('qualite', sa.String(length=200), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=True),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('excuse', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['seance_id'], ['seance_comite.id'],
                            name=op.f('fk_seance_membre_seance_id_seance_comite'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seance_membre'))
    )
    with op.batch_alter_table('seance_membre', schema=None) as batch_op:
        batch_op.create_index('ix_seance_membre_seance', ['seance_id'], unique=False)

    op.create_table('seance_dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seance_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('motif', sa.Text(), nullable=True),
    sa.Column('saisie_le', sa.DateTime(), nullable=True),
    sa.Column('saisie_par', sa.String(length=120), nullable=True),
    sa.CheckConstraint("decision is null or decision in ('retenu', 'ajourne', 'refuse')",
                       name=op.f('ck_seance_dossier_decision_valide')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_seance_dossier_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seance_id'], ['seance_comite.id'],
                            name=op.f('fk_seance_dossier_seance_id_seance_comite'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seance_dossier')),
    sa.UniqueConstraint('seance_id', 'dossier_id', name=op.f('uq_seance_dossier_seance_id'))
    )
    with op.batch_alter_table('seance_dossier', schema=None) as batch_op:
        batch_op.create_index('ix_seance_dossier_dossier', ['dossier_id'], unique=False)

    op.create_table('seance_montant',
    sa.Column('seance_dossier_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_seance_montant_montant_positif')),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'],
                            name=op.f('fk_seance_montant_financeur_code_financeur')),
    sa.ForeignKeyConstraint(['seance_dossier_id'], ['seance_dossier.id'],
                            name=op.f('fk_seance_montant_seance_dossier_id_seance_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seance_dossier_id', 'financeur_code', name=op.f('pk_seance_montant'))
    )

    op.create_table('deliberation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seance_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('instance', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('montant_vote', sa.BigInteger(), nullable=False),
    sa.Column('saisie_le', sa.DateTime(), nullable=False),
    sa.Column('saisie_par', sa.String(length=120), nullable=False),
    sa.CheckConstraint('montant_vote >= 0', name=op.f('ck_deliberation_montant_positif')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_deliberation_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'],
                            name=op.f('fk_deliberation_financeur_code_financeur')),
    sa.ForeignKeyConstraint(['seance_id'], ['seance_comite.id'],
                            name=op.f('fk_deliberation_seance_id_seance_comite'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation')),
    sa.UniqueConstraint('seance_id', 'dossier_id', 'financeur_code', name=op.f('uq_deliberation_seance_id'))
    )
    with op.batch_alter_table('deliberation', schema=None) as batch_op:
        batch_op.create_index('ix_deliberation_dossier', ['dossier_id'], unique=False)

    op.create_table('moyen_droit_commun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=True),
    sa.Column('saisi_le', sa.DateTime(), nullable=False),
    sa.Column('saisi_par', sa.String(length=120), nullable=False),
    sa.CheckConstraint("nature in ('fonctionnement', 'investissement')",
                       name=op.f('ck_moyen_droit_commun_nature_valide')),
    sa.CheckConstraint('montant is null or montant >= 0', name=op.f('ck_moyen_droit_commun_montant_positif')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_moyen_droit_commun_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'],
                            name=op.f('fk_moyen_droit_commun_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moyen_droit_commun'))
    )
    with op.batch_alter_table('moyen_droit_commun', schema=None) as batch_op:
        batch_op.create_index('ix_moyen_droit_commun_dossier', ['dossier_id'], unique=False)


def downgrade() -> None:
    op.drop_table('moyen_droit_commun')
    op.drop_table('deliberation')
    op.drop_table('seance_montant')
    op.drop_table('seance_dossier')
    op.drop_table('seance_membre')
    op.drop_table('seance_comite')
