"""Conventions, CPO, avenants, échéanciers et versements

* ``convention`` : un acte (convention, CPO, notification) par dossier et cofinanceur ; numéro, état,
  signatures et date d'effet, scan signé avec son empreinte, termes initiaux en JSON ; en vigueur (recopiés à
  chaque signature) : objet, montant total, fin du premier exercice couvert, exercices couverts.
* ``avenant`` : numéroté par convention, un seul ouvert à la fois (``ouvert`` = 1, unique par convention).
* ``convention_montant`` / ``echeance`` : montants et échéancier en vigueur ; ``verse`` (net versé) ne
  dépasse jamais le montant décidé (contrainte de la base).
* ``versement``, ``reversement``, ``compte_rendu_exercice`` (le solde attend le compte rendu validé).

Révision : 0012_conventions
Précédente : 0011_comite
"""

from alembic import op
import sqlalchemy as sa


revision = '0012_conventions'
down_revision = '0011_comite'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('convention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('numero', sa.String(length=40), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('type_acte', sa.String(length=20), nullable=False),
    sa.Column('regle_acte', sa.String(length=60), nullable=False),
    sa.Column('motif_acte', sa.Text(), nullable=True),
    sa.Column('etat', sa.String(length=20), nullable=False),
    sa.Column('etat_le', sa.Date(), nullable=False),
    sa.Column('motif_etat', sa.Text(), nullable=True),
    sa.Column('termes_initiaux', sa.Text(), nullable=False),
    sa.Column('objet', sa.Text(), nullable=False),
    sa.Column('montant_total', sa.BigInteger(), nullable=False),
    sa.Column('fin_exercice', sa.Date(), nullable=False),
    sa.Column('exercices', sa.String(length=40), nullable=False),
    sa.Column('envoyee_le', sa.Date(), nullable=True),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('signataire_attribuant', sa.String(length=200), nullable=True),
    sa.Column('signe_attribuant_le', sa.Date(), nullable=True),
    sa.Column('signataire_beneficiaire', sa.String(length=200), nullable=True),
    sa.Column('signe_beneficiaire_le', sa.Date(), nullable=True),
    sa.Column('date_effet', sa.Date(), nullable=True),
    sa.Column('scan_nom', sa.String(length=255), nullable=True),
    sa.Column('scan_taille', sa.Integer(), nullable=True),
    sa.Column('scan_empreinte', sa.String(length=64), nullable=True),
    sa.Column('scan_contenu', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint("etat in ('projet', 'a_signer', 'signee', 'soldee', 'resiliee', 'denoncee')", name=op.f('ck_convention_etat_valide')),
    sa.CheckConstraint("type_acte in ('convention', 'cpo', 'notification')", name=op.f('ck_convention_type_acte_valide')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_convention_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_convention_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convention')),
    sa.UniqueConstraint('dossier_id', 'financeur_code', name='uq_convention_dossier_financeur'),
    sa.UniqueConstraint('numero', name=op.f('uq_convention_numero'))
    )
    op.create_index('ix_convention_dossier', 'convention', ['dossier_id'], unique=False)
    op.create_table('avenant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('numero', sa.Integer(), nullable=False),
    sa.Column('type_code', sa.String(length=30), nullable=False),
    sa.Column('motif', sa.Text(), nullable=False),
    sa.Column('modifications', sa.Text(), nullable=False),
    sa.Column('etat', sa.String(length=20), nullable=False),
    sa.Column('ouvert', sa.Integer(), nullable=True),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('signataire_attribuant', sa.String(length=200), nullable=True),
    sa.Column('signe_attribuant_le', sa.Date(), nullable=True),
    sa.Column('signataire_beneficiaire', sa.String(length=200), nullable=True),
    sa.Column('signe_beneficiaire_le', sa.Date(), nullable=True),
    sa.Column('date_effet', sa.Date(), nullable=True),
    sa.Column('scan_nom', sa.String(length=255), nullable=True),
    sa.Column('scan_taille', sa.Integer(), nullable=True),
    sa.Column('scan_empreinte', sa.String(length=64), nullable=True),
    sa.Column('scan_contenu', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint("etat in ('projet', 'a_signer', 'signe', 'abandonne')", name=op.f('ck_avenant_etat_valide')),
    sa.CheckConstraint('ouvert = 1', name=op.f('ck_avenant_ouvert_vaut_un')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_avenant_convention_id_convention'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_avenant')),
    sa.UniqueConstraint('convention_id', 'numero', name='uq_avenant_numero'),
    sa.UniqueConstraint('convention_id', 'ouvert', name='uq_avenant_ouvert')
    )
    op.create_table('compte_rendu_exercice',
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('recu_le', sa.Date(), nullable=True),
    sa.Column('valide_le', sa.Date(), nullable=True),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_compte_rendu_exercice_convention_id_convention'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('convention_id', 'exercice', name=op.f('pk_compte_rendu_exercice'))
    )
    op.create_table('convention_montant',
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.Column('ferme', sa.Boolean(), nullable=False),
    sa.Column('vote_le', sa.Date(), nullable=True),
    sa.Column('verse', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_convention_montant_montant_positif')),
    sa.CheckConstraint('verse >= 0 and verse <= montant', name=op.f('ck_convention_montant_verse_dans_le_montant')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_convention_montant_convention_id_convention'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_convention_montant_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('convention_id', 'exercice', 'financeur_code', name=op.f('pk_convention_montant'))
    )
    op.create_table('echeance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('nature', sa.String(length=30), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.Column('condition', sa.Text(), nullable=True),
    sa.Column('date_prevue', sa.Date(), nullable=True),
    sa.Column('apres_compte_rendu', sa.Boolean(), nullable=False),
    sa.CheckConstraint('montant > 0', name=op.f('ck_echeance_montant_positif')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_echeance_convention_id_convention'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_echeance_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_echeance'))
    )
    op.create_index('ix_echeance_convention', 'echeance', ['convention_id'], unique=False)
    op.create_table('reversement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('titre_recette', sa.String(length=60), nullable=False),
    sa.Column('emis_le', sa.Date(), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.Column('motif', sa.Text(), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.CheckConstraint('montant > 0', name=op.f('ck_reversement_montant_positif')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_reversement_convention_id_convention'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_reversement_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reversement'))
    )
    op.create_index('ix_reversement_convention', 'reversement', ['convention_id'], unique=False)
    op.create_table('versement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('exercice', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('nature', sa.String(length=30), nullable=False),
    sa.Column('verse_le', sa.Date(), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.Column('mandat', sa.String(length=60), nullable=False),
    sa.Column('engagement', sa.String(length=60), nullable=True),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.CheckConstraint('montant > 0', name=op.f('ck_versement_montant_positif')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_versement_convention_id_convention'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_versement_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_versement'))
    )
    op.create_index('ix_versement_convention', 'versement', ['convention_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_versement_convention', table_name='versement')
    op.drop_table('versement')
    op.drop_index('ix_reversement_convention', table_name='reversement')
    op.drop_table('reversement')
    op.drop_index('ix_echeance_convention', table_name='echeance')
    op.drop_table('echeance')
    op.drop_table('convention_montant')
    op.drop_table('compte_rendu_exercice')
    op.drop_table('avenant')
    op.drop_index('ix_convention_dossier', table_name='convention')
    op.drop_table('convention')
