"""Comptes rendus financiers (CERFA 15059) et bilans attendus

* ``compte_rendu`` (un par dossier et exercice : état, dates, bilan qualitatif, annexe explicative),
  ``compte_rendu_ligne`` (prévu, réalisé, explication de l'écart), ``compte_rendu_public`` (public atteint par
  tranche d'âge), ``compte_rendu_indicateur`` (cible et valeur atteinte des indicateurs du dossier) ;
* ``relance`` (lettres de relance envoyées).

Révision : 0013_comptes_rendus
Précédente : 0012_conventions
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_comptes_rendus'
down_revision = '0012_conventions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('compte_rendu',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('etat', sa.String(length=20), nullable=False),
    sa.Column('echeance', sa.Date(), nullable=False),
    sa.Column('fin_exercice', sa.Date(), nullable=False),
    sa.Column('recu_le', sa.Date(), nullable=False),
    sa.Column('valide_le', sa.Date(), nullable=True),
    sa.Column('renvoye_le', sa.Date(), nullable=True),
    sa.Column('motif_renvoi', sa.Text(), nullable=True),
    sa.Column('realise', sa.Text(), nullable=True),
    sa.Column('difficultes', sa.Text(), nullable=True),
    sa.Column('perspectives', sa.Text(), nullable=True),
    sa.Column('femmes', sa.Integer(), nullable=True),
    sa.Column('hommes', sa.Integer(), nullable=True),
    sa.Column('qpv', sa.Integer(), nullable=True),
    sa.Column('hors_qpv', sa.Integer(), nullable=True),
    sa.Column('explication_generale', sa.Text(), nullable=True),
    sa.Column('charges_indirectes', sa.Text(), nullable=True),
    sa.Column('contributions_nature', sa.Text(), nullable=True),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("etat in ('recu', 'a_completer', 'valide')", name=op.f('ck_compte_rendu_etat_valide')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_compte_rendu_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compte_rendu')),
    sa.UniqueConstraint('dossier_id', 'exercice', name=op.f('uq_compte_rendu_dossier_id'))
    )
    op.create_table('compte_rendu_ligne',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compte_rendu_id', sa.Integer(), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('sens', sa.String(length=10), nullable=False),
    sa.Column('compte', sa.String(length=6), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=True),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('prevu', sa.BigInteger(), nullable=False),
    sa.Column('realise', sa.BigInteger(), nullable=True),
    sa.Column('explication', sa.Text(), nullable=True),
    sa.CheckConstraint("sens in ('charge', 'produit')", name=op.f('ck_compte_rendu_ligne_sens')),
    sa.CheckConstraint('prevu >= 0', name=op.f('ck_compte_rendu_ligne_prevu_positif')),
    sa.CheckConstraint('realise >= 0', name=op.f('ck_compte_rendu_ligne_realise_positif')),
    sa.ForeignKeyConstraint(['compte_rendu_id'], ['compte_rendu.id'],
                            name=op.f('fk_compte_rendu_ligne_compte_rendu_id_compte_rendu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'],
                            name=op.f('fk_compte_rendu_ligne_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compte_rendu_ligne'))
    )
    op.create_index('ix_compte_rendu_ligne_compte_rendu', 'compte_rendu_ligne', ['compte_rendu_id'], unique=False)
    op.create_table('compte_rendu_public',
    sa.Column('compte_rendu_id', sa.Integer(), nullable=False),
    sa.Column('tranche', sa.String(length=10), nullable=False),
    sa.Column('nombre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['compte_rendu_id'], ['compte_rendu.id'],
                            name=op.f('fk_compte_rendu_public_compte_rendu_id_compte_rendu'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('compte_rendu_id', 'tranche', name=op.f('pk_compte_rendu_public'))
    )
    op.create_table('compte_rendu_indicateur',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compte_rendu_id', sa.Integer(), nullable=False),
    sa.Column('indicateur_action_id', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('cible', sa.String(length=30), nullable=True),
    sa.Column('unite', sa.String(length=20), nullable=True),
    sa.Column('atteint', sa.String(length=30), nullable=True),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['compte_rendu_id'], ['compte_rendu.id'],
                            name=op.f('fk_compte_rendu_indicateur_compte_rendu_id_compte_rendu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicateur_action_id'], ['indicateur_action.id'],
                            name=op.f('fk_compte_rendu_indicateur_indicateur_action_id_indicateur_action'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compte_rendu_indicateur'))
    )
    op.create_index('ix_compte_rendu_indicateur_compte_rendu', 'compte_rendu_indicateur', ['compte_rendu_id'],
                    unique=False)
    op.create_table('relance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('envoyee_le', sa.Date(), nullable=False),
    sa.Column('statut', sa.String(length=20), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_relance_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relance'))
    )
    op.create_index('ix_relance_dossier', 'relance', ['dossier_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_relance_dossier', table_name='relance')
    op.drop_table('relance')
    op.drop_index('ix_compte_rendu_indicateur_compte_rendu', table_name='compte_rendu_indicateur')
    op.drop_table('compte_rendu_indicateur')
    op.drop_table('compte_rendu_public')
    op.drop_index('ix_compte_rendu_ligne_compte_rendu', table_name='compte_rendu_ligne')
    op.drop_table('compte_rendu_ligne')
    op.drop_table('compte_rendu')
