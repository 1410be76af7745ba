"""Schéma initial : référentiel, porteurs, campagnes, dossiers, budgets

Révision : 0001_schema_initial
Précédente : aucune (première révision)
Créée le : 2026-11-25 16:49:55.016507
"""

from alembic import op
import sqlalchemy as sa


revision = '0001_schema_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('axe',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_axe'))
    )
    op.create_table('commune',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('nom', sa.String(length=120), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_commune'))
    )
    op.create_table('dispositif',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('sigle', sa.String(length=40), nullable=True),
    sa.Column('pilote', sa.Text(), nullable=True),
    sa.Column('periodicite', sa.Text(), nullable=True),
    sa.Column('instruit', sa.Boolean(), nullable=False),
    sa.Column('plafond', sa.BigInteger(), nullable=True),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_dispositif'))
    )
    op.create_table('financeur',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('sigle', sa.String(length=40), nullable=True),
    sa.Column('nature', sa.String(length=20), nullable=True),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_financeur'))
    )
    op.create_table('parametre',
    sa.Column('cle', sa.String(length=80), nullable=False),
    sa.Column('valeur', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('cle', name=op.f('pk_parametre'))
    )
    op.create_table('priorite',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_priorite'))
    )
    op.create_table('theme_referent',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_theme_referent'))
    )
    op.create_table('theme_transversal',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_theme_transversal'))
    )
    op.create_table('campagne',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispositif_code', sa.String(length=40), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('libelle', sa.String(length=200), nullable=False),
    sa.Column('date_ouverture', sa.Date(), nullable=True),
    sa.Column('date_cloture', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['dispositif_code'], ['dispositif.code'], name=op.f('fk_campagne_dispositif_code_dispositif')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campagne')),
    sa.UniqueConstraint('dispositif_code', 'annee', name=op.f('uq_campagne_dispositif_code'))
    )
    op.create_table('quartier',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('nom', sa.Text(), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('parent_code', sa.String(length=40), nullable=True),
    sa.Column('commune_code', sa.String(length=40), nullable=True),
    sa.Column('code_national', sa.String(length=20), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['commune.code'], name=op.f('fk_quartier_commune_code_commune')),
    sa.ForeignKeyConstraint(['parent_code'], ['quartier.code'], name=op.f('fk_quartier_parent_code_quartier')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_quartier'))
    )
    op.create_table('regle_dispositif',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispositif_code', sa.String(length=40), nullable=False),
    sa.Column('texte', sa.Text(), nullable=False),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dispositif_code'], ['dispositif.code'], name=op.f('fk_regle_dispositif_dispositif_code_dispositif'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regle_dispositif'))
    )
    op.create_table('service_financeur',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('sigle', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_service_financeur_financeur_code_financeur'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_financeur'))
    )
    op.create_table('thematique',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('axe_code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['axe_code'], ['axe.code'], name=op.f('fk_thematique_axe_code_axe')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_thematique'))
    )
    op.create_table('objectif_strategique',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('thematique_code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['thematique_code'], ['thematique.code'], name=op.f('fk_objectif_strategique_thematique_code_thematique')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_objectif_strategique'))
    )
    op.create_table('porteur',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=300), nullable=False),
    sa.Column('sigle', sa.String(length=60), nullable=True),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.Column('rna', sa.String(length=10), nullable=True),
    sa.Column('adresse', sa.String(length=300), nullable=True),
    sa.Column('code_postal', sa.String(length=5), nullable=True),
    sa.Column('ville', sa.String(length=120), nullable=True),
    sa.Column('commune_code', sa.String(length=40), nullable=True),
    sa.Column('quartier_code', sa.String(length=40), nullable=True),
    sa.Column('representant_civilite', sa.String(length=20), nullable=True),
    sa.Column('representant_nom', sa.String(length=200), nullable=True),
    sa.Column('representant_qualite', sa.String(length=120), nullable=True),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['commune.code'], name=op.f('fk_porteur_commune_code_commune')),
    sa.ForeignKeyConstraint(['quartier_code'], ['quartier.code'], name=op.f('fk_porteur_quartier_code_quartier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_porteur'))
    )
    op.create_table('priorite_quartier',
    sa.Column('priorite_code', sa.String(length=40), nullable=False),
    sa.Column('quartier_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['priorite_code'], ['priorite.code'], name=op.f('fk_priorite_quartier_priorite_code_priorite'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quartier_code'], ['quartier.code'], name=op.f('fk_priorite_quartier_quartier_code_quartier')),
    sa.PrimaryKeyConstraint('priorite_code', 'quartier_code', name=op.f('pk_priorite_quartier'))
    )
    op.create_table('statut_quartier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quartier_code', sa.String(length=40), nullable=False),
    sa.Column('statut', sa.Text(), nullable=False),
    sa.Column('depuis', sa.Date(), nullable=True),
    sa.Column('jusqu_a', sa.Date(), nullable=True),
    sa.Column('acte', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['quartier_code'], ['quartier.code'], name=op.f('fk_statut_quartier_quartier_code_quartier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statut_quartier'))
    )
    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('numero', sa.String(length=30), nullable=False),
    sa.Column('campagne_id', sa.Integer(), nullable=False),
    sa.Column('porteur_id', sa.Integer(), nullable=False),
    sa.Column('intitule', sa.String(length=300), nullable=False),
    sa.Column('resume', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('date_debut', sa.Date(), nullable=True),
    sa.Column('date_fin', sa.Date(), nullable=True),
    sa.Column('depose_le', sa.Date(), nullable=True),
    sa.Column('etat', sa.String(length=20), nullable=False),
    sa.Column('etat_depuis', sa.DateTime(), nullable=False),
    sa.Column('cout_total', sa.BigInteger(), nullable=False),
    sa.Column('subvention_demandee', sa.BigInteger(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campagne_id'], ['campagne.id'], name=op.f('fk_dossier_campagne_id_campagne')),
    sa.ForeignKeyConstraint(['porteur_id'], ['porteur.id'], name=op.f('fk_dossier_porteur_id_porteur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier')),
    sa.UniqueConstraint('numero', name=op.f('uq_dossier_numero'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_campagne', ['campagne_id'], unique=False)
        batch_op.create_index('ix_dossier_porteur', ['porteur_id'], unique=False)

    op.create_table('indicateur',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('objectif_strategique_code', sa.String(length=40), nullable=True),
    sa.Column('niveau', sa.String(length=20), nullable=False),
    sa.Column('proprietaire', sa.Text(), nullable=True),
    sa.Column('nature', sa.String(length=20), nullable=True),
    sa.Column('rubrique', sa.String(length=40), nullable=True),
    sa.Column('theme_transversal_code', sa.String(length=40), nullable=True),
    sa.Column('objectif', sa.Text(), nullable=True),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['objectif_strategique_code'], ['objectif_strategique.code'], name=op.f('fk_indicateur_objectif_strategique_code_objectif_strategique')),
    sa.ForeignKeyConstraint(['theme_transversal_code'], ['theme_transversal.code'], name=op.f('fk_indicateur_theme_transversal_code_theme_transversal')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_indicateur'))
    )
    op.create_table('objectif_operationnel',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('objectif_strategique_code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['objectif_strategique_code'], ['objectif_strategique.code'], name=op.f('fk_objectif_operationnel_objectif_strategique_code_objectif_strategique')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_objectif_operationnel'))
    )
    op.create_table('dossier_objectif',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('objectif_operationnel_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_objectif_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objectif_operationnel_code'], ['objectif_operationnel.code'], name=op.f('fk_dossier_objectif_objectif_operationnel_code_objectif_operationnel')),
    sa.PrimaryKeyConstraint('dossier_id', 'objectif_operationnel_code', name=op.f('pk_dossier_objectif'))
    )
    op.create_table('dossier_quartier',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('quartier_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_quartier_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quartier_code'], ['quartier.code'], name=op.f('fk_dossier_quartier_quartier_code_quartier')),
    sa.PrimaryKeyConstraint('dossier_id', 'quartier_code', name=op.f('pk_dossier_quartier'))
    )
    op.create_table('ligne_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('sens', sa.String(length=10), nullable=False),
    sa.Column('compte', sa.String(length=6), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=True),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.CheckConstraint("sens in ('charge', 'produit')", name=op.f('ck_ligne_budget_sens')),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_ligne_budget_montant_positif')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_ligne_budget_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_ligne_budget_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ligne_budget'))
    )
    with op.batch_alter_table('ligne_budget', schema=None) as batch_op:
        batch_op.create_index('ix_ligne_budget_dossier', ['dossier_id'], unique=False)

    op.create_table('priorite_element',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priorite_code', sa.String(length=40), nullable=False),
    sa.Column('libelle', sa.Text(), nullable=False),
    sa.Column('libelle_source', sa.Text(), nullable=True),
    sa.Column('objectif_operationnel_code', sa.String(length=40), nullable=True),
    sa.Column('ligne', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objectif_operationnel_code'], ['objectif_operationnel.code'], name=op.f('fk_priorite_element_objectif_operationnel_code_objectif_operationnel')),
    sa.ForeignKeyConstraint(['priorite_code'], ['priorite.code'], name=op.f('fk_priorite_element_priorite_code_priorite'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priorite_element'))
    )
    op.create_table('priorite_objectif',
    sa.Column('priorite_code', sa.String(length=40), nullable=False),
    sa.Column('objectif_operationnel_code', sa.String(length=40), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objectif_operationnel_code'], ['objectif_operationnel.code'], name=op.f('fk_priorite_objectif_objectif_operationnel_code_objectif_operationnel')),
    sa.ForeignKeyConstraint(['priorite_code'], ['priorite.code'], name=op.f('fk_priorite_objectif_priorite_code_priorite'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('priorite_code', 'objectif_operationnel_code', name=op.f('pk_priorite_objectif'))
    )


def downgrade() -> None:
    op.drop_table('priorite_objectif')
    op.drop_table('priorite_element')
    with op.batch_alter_table('ligne_budget', schema=None) as batch_op:
        batch_op.drop_index('ix_ligne_budget_dossier')

    op.drop_table('ligne_budget')
    op.drop_table('dossier_quartier')
    op.drop_table('dossier_objectif')
    op.drop_table('objectif_operationnel')
    op.drop_table('indicateur')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_porteur')
        batch_op.drop_index('ix_dossier_campagne')

    op.drop_table('dossier')
    op.drop_table('statut_quartier')
    op.drop_table('priorite_quartier')
    op.drop_table('porteur')
    op.drop_table('objectif_strategique')
    op.drop_table('thematique')
    op.drop_table('service_financeur')
    op.drop_table('regle_dispositif')
    op.drop_table('quartier')
    op.drop_table('campagne')
    op.drop_table('theme_transversal')
    op.drop_table('theme_referent')
    op.drop_table('priorite')
    op.drop_table('parametre')
    op.drop_table('financeur')
    op.drop_table('dispositif')
    op.drop_table('commune')
    op.drop_table('axe')
