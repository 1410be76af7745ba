"""Instruction partagée : comptes, avis, historique en ajout seul, verrou optimiste des dossiers et porteurs

L'historique refuse toute modification et tout effacement (déclencheurs, sur SQLite comme sur
PostgreSQL) : c'est une piste d'audit.

Révision : 0005_partage
Précédente : 0004_grilles
Créée le : 2026-11-25 19:43:54.556828
"""

from alembic import op
import sqlalchemy as sa


revision = '0005_partage'
down_revision = '0004_grilles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('historique',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.Column('objet', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('porteur_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('champ', sa.String(length=120), nullable=True),
    sa.Column('ancien', sa.Text(), nullable=True),
    sa.Column('nouveau', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_historique'))
    )
    with op.batch_alter_table('historique', schema=None) as batch_op:
        batch_op.create_index('ix_historique_dossier', ['dossier_id'], unique=False)
        batch_op.create_index('ix_historique_porteur', ['porteur_id'], unique=False)

    op.create_table('utilisateur',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identifiant', sa.String(length=80), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('courriel', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=True),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('empreinte', sa.Text(), nullable=False),
    sa.Column('a_changer', sa.Boolean(), nullable=False),
    sa.Column('echecs', sa.Integer(), nullable=False),
    sa.Column('bloque_jusqu_a', sa.DateTime(), nullable=True),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('derniere_connexion', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_utilisateur_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_utilisateur')),
    sa.UniqueConstraint('identifiant', name=op.f('uq_utilisateur_identifiant'))
    )
    op.create_table('utilisateur_theme',
    sa.Column('utilisateur_id', sa.Integer(), nullable=False),
    sa.Column('theme_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['theme_code'], ['theme_referent.code'], name=op.f('fk_utilisateur_theme_theme_code_theme_referent')),
    sa.ForeignKeyConstraint(['utilisateur_id'], ['utilisateur.id'], name=op.f('fk_utilisateur_theme_utilisateur_id_utilisateur'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('utilisateur_id', 'theme_code', name=op.f('pk_utilisateur_theme'))
    )
    op.create_table('demande_avis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('destinataire_id', sa.Integer(), nullable=True),
    sa.Column('financeur_code', sa.String(length=40), nullable=True),
    sa.Column('theme_code', sa.String(length=40), nullable=True),
    sa.Column('demandee_le', sa.DateTime(), nullable=False),
    sa.Column('echeance', sa.Date(), nullable=False),
    sa.Column('demandee_par', sa.String(length=120), nullable=False),
    sa.Column('relancee_le', sa.DateTime(), nullable=True),
    sa.CheckConstraint('(destinataire_id is null) <> (financeur_code is null)', name=op.f('ck_demande_avis_un_destinataire')),
    sa.ForeignKeyConstraint(['destinataire_id'], ['utilisateur.id'], name=op.f('fk_demande_avis_destinataire_id_utilisateur')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_demande_avis_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_demande_avis_financeur_code_financeur')),
    sa.ForeignKeyConstraint(['theme_code'], ['theme_referent.code'], name=op.f('fk_demande_avis_theme_code_theme_referent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demande_avis'))
    )
    with op.batch_alter_table('demande_avis', schema=None) as batch_op:
        batch_op.create_index('ix_demande_avis_dossier', ['dossier_id'], unique=False)

    op.create_table('avis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demande_id', sa.Integer(), nullable=False),
    sa.Column('auteur', sa.String(length=120), nullable=False),
    sa.Column('sens', sa.String(length=20), nullable=False),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('confidentiel', sa.Boolean(), nullable=False),
    sa.Column('donne_le', sa.DateTime(), nullable=False),
    sa.CheckConstraint("sens in ('favorable', 'reserve', 'defavorable')", name=op.f('ck_avis_sens_connu')),
    sa.ForeignKeyConstraint(['demande_id'], ['demande_avis.id'], name=op.f('fk_avis_demande_id_demande_avis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_avis')),
    sa.UniqueConstraint('demande_id', name=op.f('uq_avis_demande_id'))
    )
    op.create_table('avis_montant',
    sa.Column('avis_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_avis_montant_montant_positif')),
    sa.ForeignKeyConstraint(['avis_id'], ['avis.id'], name=op.f('fk_avis_montant_avis_id_avis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'], name=op.f('fk_avis_montant_financeur_code_financeur')),
    sa.PrimaryKeyConstraint('avis_id', 'financeur_code', name=op.f('pk_avis_montant'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('porteur', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    _historique_en_ajout_seul()


MESSAGE = "l'historique est en ajout seul : on n'en modifie ni n'en efface une ligne"


def _historique_en_ajout_seul() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "create function historique_ajout_seul() returns trigger language plpgsql as $$ "
            f"begin raise exception '{MESSAGE.replace(chr(39), chr(39) * 2)}'; end $$"
        )
        op.execute("create trigger historique_sans_modification before update or delete on historique "
                   "for each row execute function historique_ajout_seul()")
        op.execute("create trigger historique_sans_vidage before truncate on historique "
                   "for each statement execute function historique_ajout_seul()")
    else:
        for evenement in ("update", "delete"):
            op.execute(
                f"create trigger historique_sans_{evenement} before {evenement} on historique "
                f"begin select raise(abort, '{MESSAGE.replace(chr(39), chr(39) * 2)}'); end"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("drop trigger historique_sans_vidage on historique")
        op.execute("drop trigger historique_sans_modification on historique")
        op.execute("drop function historique_ajout_seul()")
    else:
        op.execute("drop trigger historique_sans_update")
        op.execute("drop trigger historique_sans_delete")
    with op.batch_alter_table('porteur', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('version')

    op.drop_table('avis_montant')
    op.drop_table('avis')
    with op.batch_alter_table('demande_avis', schema=None) as batch_op:
        batch_op.drop_index('ix_demande_avis_dossier')

    op.drop_table('demande_avis')
    op.drop_table('utilisateur_theme')
    op.drop_table('utilisateur')
    with op.batch_alter_table('historique', schema=None) as batch_op:
        batch_op.drop_index('ix_historique_porteur')
        batch_op.drop_index('ix_historique_dossier')

    op.drop_table('historique')
