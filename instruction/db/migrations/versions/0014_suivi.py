"""Suivi des actions : copils, visites évaluatives, suivi renforcé, valeurs des indicateurs

* ``copil`` : comités de pilotage des actions (date, prévu / tenu, participants, compte rendu joint avec son
  empreinte) ;
* ``visite_evaluative`` : visites programmées, faites, et leur compte rendu en grille courte (JSON) ;
* ``suivi_renforce`` et ``indicateur_impact`` : les actions suivies de près une année, leurs indicateurs ;
* ``valeur_indicateur`` : les valeurs des indicateurs du référentiel (référence, années), pour l'évaluation.

Révision : 0014_suivi
Précédente : 0013_comptes_rendus
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_suivi'
down_revision = '0013_comptes_rendus'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('copil',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('date_copil', sa.Date(), nullable=False),
    sa.Column('tenu', sa.Boolean(), nullable=False),
    sa.Column('lieu', sa.String(length=200), nullable=True),
    sa.Column('participants', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('cr_nom_fichier', sa.String(length=255), nullable=True),
    sa.Column('cr_taille', sa.Integer(), nullable=True),
    sa.Column('cr_empreinte', sa.String(length=64), nullable=True),
    sa.Column('cr_contenu', sa.LargeBinary(), nullable=True),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.Column('modifie_par', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_copil_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_copil'))
    )
    op.create_index('ix_copil_date', 'copil', ['date_copil'], unique=False)
    op.create_index('ix_copil_dossier', 'copil', ['dossier_id'], unique=False)
    op.create_table('suivi_renforce',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('motif', sa.Text(), nullable=False),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.Column('modifie_par', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_suivi_renforce_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suivi_renforce')),
    sa.UniqueConstraint('annee', 'dossier_id', name=op.f('uq_suivi_renforce_annee'))
    )
    op.create_index('ix_suivi_renforce_dossier', 'suivi_renforce', ['dossier_id'], unique=False)
    op.create_table('valeur_indicateur',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicateur_code', sa.String(length=40), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('reference', sa.Boolean(), nullable=False),
    sa.Column('valeur', sa.String(length=40), nullable=True),
    sa.Column('texte', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('date_valeur', sa.Date(), nullable=True),
    sa.Column('saisi_par', sa.String(length=120), nullable=False),
    sa.Column('saisi_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicateur_code'], ['indicateur.code'], name=op.f('fk_valeur_indicateur_indicateur_code_indicateur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_valeur_indicateur')),
    sa.UniqueConstraint('indicateur_code', 'annee', name=op.f('uq_valeur_indicateur_indicateur_code'))
    )
    op.create_table('visite_evaluative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('prevue_le', sa.Date(), nullable=False),
    sa.Column('faite_le', sa.Date(), nullable=True),
    sa.Column('lieu', sa.String(length=200), nullable=True),
    sa.Column('intervenants', sa.Text(), nullable=True),
    sa.Column('grille_version', sa.Integer(), nullable=True),
    sa.Column('grille', sa.Text(), nullable=True),
    sa.Column('reponses', sa.Text(), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.Column('modifie_par', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_visite_evaluative_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visite_evaluative'))
    )
    op.create_index('ix_visite_evaluative_dossier', 'visite_evaluative', ['dossier_id'], unique=False)
    op.create_index('ix_visite_evaluative_prevue_le', 'visite_evaluative', ['prevue_le'], unique=False)
    op.create_table('indicateur_impact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suivi_id', sa.Integer(), nullable=False),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('indicateur_code', sa.String(length=40), nullable=True),
    sa.Column('unite', sa.String(length=20), nullable=True),
    sa.Column('valeur_initiale', sa.String(length=30), nullable=True),
    sa.Column('cible', sa.String(length=30), nullable=True),
    sa.Column('valeur_mesuree', sa.String(length=30), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicateur_code'], ['indicateur.code'], name=op.f('fk_indicateur_impact_indicateur_code_indicateur')),
    sa.ForeignKeyConstraint(['suivi_id'], ['suivi_renforce.id'], name=op.f('fk_indicateur_impact_suivi_id_suivi_renforce'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicateur_impact'))
    )
    op.create_index('ix_indicateur_impact_suivi', 'indicateur_impact', ['suivi_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_indicateur_impact_suivi', table_name='indicateur_impact')
    op.drop_table('indicateur_impact')
    op.drop_index('ix_visite_evaluative_prevue_le', table_name='visite_evaluative')
    op.drop_index('ix_visite_evaluative_dossier', table_name='visite_evaluative')
    op.drop_table('visite_evaluative')
    op.drop_table('valeur_indicateur')
    op.drop_index('ix_suivi_renforce_dossier', table_name='suivi_renforce')
    op.drop_table('suivi_renforce')
    op.drop_index('ix_copil_dossier', table_name='copil')
    op.drop_index('ix_copil_date', table_name='copil')
    op.drop_table('copil')
