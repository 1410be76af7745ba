"""Porteurs datés, dossier complet (CERFA 12156), séances, pièces, brouillons

Révision : 0002_dossier_complet
Précédente : 0001_schema_initial
Créée le : 2026-11-25 17:11:21.806665
"""

from alembic import op
import sqlalchemy as sa


revision = '0002_dossier_complet'
down_revision = '0001_schema_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('brouillon',
    sa.Column('cle', sa.String(length=120), nullable=False),
    sa.Column('titre', sa.String(length=300), nullable=False),
    sa.Column('contenu', sa.Text(), nullable=False),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('cle', name=op.f('pk_brouillon'))
    )
    op.create_table('filtre_enregistre',
    sa.Column('nom', sa.String(length=120), nullable=False),
    sa.Column('contenu', sa.Text(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('nom', name=op.f('pk_filtre_enregistre'))
    )
    op.create_table('compte_bancaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('porteur_id', sa.Integer(), nullable=False),
    sa.Column('titulaire', sa.String(length=300), nullable=True),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('domiciliation', sa.String(length=200), nullable=True),
    sa.Column('depuis', sa.Date(), nullable=True),
    sa.Column('jusqu_a', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['porteur_id'], ['porteur.id'], name=op.f('fk_compte_bancaire_porteur_id_porteur'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compte_bancaire'))
    )
    with op.batch_alter_table('compte_bancaire', schema=None) as batch_op:
        batch_op.create_index('ix_compte_bancaire_porteur', ['porteur_id'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('porteur_id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('fonction', sa.String(length=120), nullable=True),
    sa.Column('telephone', sa.String(length=20), nullable=True),
    sa.Column('courriel', sa.String(length=200), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['porteur_id'], ['porteur.id'], name=op.f('fk_contact_porteur_id_porteur'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_porteur', ['porteur_id'], unique=False)

    op.create_table('porteur_nom',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('porteur_id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=300), nullable=False),
    sa.Column('sigle', sa.String(length=60), nullable=True),
    sa.Column('depuis', sa.Date(), nullable=True),
    sa.Column('jusqu_a', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['porteur_id'], ['porteur.id'], name=op.f('fk_porteur_nom_porteur_id_porteur'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_porteur_nom'))
    )
    with op.batch_alter_table('porteur_nom', schema=None) as batch_op:
        batch_op.create_index('ix_porteur_nom_porteur', ['porteur_id'], unique=False)

    op.create_table('representant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('porteur_id', sa.Integer(), nullable=False),
    sa.Column('civilite', sa.String(length=20), nullable=True),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('qualite', sa.String(length=120), nullable=True),
    sa.Column('depuis', sa.Date(), nullable=True),
    sa.Column('jusqu_a', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['porteur_id'], ['porteur.id'], name=op.f('fk_representant_porteur_id_porteur'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representant'))
    )
    with op.batch_alter_table('representant', schema=None) as batch_op:
        batch_op.create_index('ix_representant_porteur', ['porteur_id'], unique=False)

    op.create_table('beneficiaires_quartier',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('quartier_code', sa.String(length=40), nullable=False),
    sa.Column('nombre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_beneficiaires_quartier_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quartier_code'], ['quartier.code'], name=op.f('fk_beneficiaires_quartier_quartier_code_quartier')),
    sa.PrimaryKeyConstraint('dossier_id', 'quartier_code', name=op.f('pk_beneficiaires_quartier'))
    )
    op.create_table('indicateur_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('indicateur_code', sa.String(length=40), nullable=True),
    sa.Column('cible', sa.String(length=30), nullable=True),
    sa.Column('unite', sa.String(length=20), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_indicateur_action_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicateur_code'], ['indicateur.code'], name=op.f('fk_indicateur_action_indicateur_code_indicateur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicateur_action'))
    )
    with op.batch_alter_table('indicateur_action', schema=None) as batch_op:
        batch_op.create_index('ix_indicateur_action_dossier', ['dossier_id'], unique=False)

    op.create_table('piece',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('nom_fichier', sa.String(length=255), nullable=False),
    sa.Column('date_piece', sa.Date(), nullable=True),
    sa.Column('taille', sa.Integer(), nullable=False),
    sa.Column('empreinte', sa.String(length=64), nullable=False),
    sa.Column('contenu', sa.LargeBinary(), nullable=False),
    sa.Column('ajoutee_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_piece_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_piece'))
    )
    with op.batch_alter_table('piece', schema=None) as batch_op:
        batch_op.create_index('ix_piece_dossier', ['dossier_id'], unique=False)

    op.create_table('seance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('jour', sa.String(length=20), nullable=True),
    sa.Column('heure_debut', sa.Time(), nullable=True),
    sa.Column('heure_fin', sa.Time(), nullable=True),
    sa.Column('periode', sa.String(length=20), nullable=False),
    sa.Column('frequence', sa.String(length=120), nullable=True),
    sa.Column('nombre', sa.Integer(), nullable=True),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_seance_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seance'))
    )
    with op.batch_alter_table('seance', schema=None) as batch_op:
        batch_op.create_index('ix_seance_dossier', ['dossier_id'], unique=False)

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objectifs_action', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('moyens', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('evaluation', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('lieux', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('tranches_age', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('beneficiaires', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('femmes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hommes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('renouvellement', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('renouvelle_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('complet_le', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('financeurs', sa.String(length=300), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_dossier_renouvelle_id_dossier'), 'dossier', ['renouvelle_id'], ['id'], ondelete='SET NULL')

    # Les financeurs sollicités par chaque dossier, tirés de son budget (compte 74).
    connexion = op.get_bind()
    sollicites: dict[int, list[str]] = {}
    for dossier_id, financeur in connexion.execute(sa.text(
        "select distinct dossier_id, financeur_code from ligne_budget "
        "where compte = '74' and financeur_code is not null order by dossier_id, financeur_code"
    )):
        sollicites.setdefault(dossier_id, []).append(financeur)
    if sollicites:
        connexion.execute(
            sa.text("update dossier set financeurs = :financeurs where id = :id"),
            [{"id": i, "financeurs": ",".join(codes)} for i, codes in sollicites.items()],
        )

    # Porteurs : le nom et le représentant deviennent des histoires datées (version initiale sans date).
    with op.batch_alter_table('porteur', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telephone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('courriel', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('objet', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('modifie_le', sa.DateTime(), nullable=True))
    op.execute("update porteur set modifie_le = cree_le")
    op.execute("insert into porteur_nom (porteur_id, nom, sigle) select id, nom, sigle from porteur")
    op.execute(
        "insert into representant (porteur_id, civilite, nom, qualite) "
        "select id, representant_civilite, representant_nom, representant_qualite from porteur "
        "where representant_nom is not null"
    )
    with op.batch_alter_table('porteur', schema=None) as batch_op:
        batch_op.alter_column('modifie_le', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column('representant_qualite')
        batch_op.drop_column('representant_civilite')
        batch_op.drop_column('representant_nom')


def downgrade() -> None:
    # Retour en arrière sans reprise des données des nouvelles tables (l'application ne descend
    # jamais de version : elle refuse une base plus récente, voir instruction.db.schema).
    with op.batch_alter_table('porteur', schema=None) as batch_op:
        batch_op.add_column(sa.Column('representant_nom', sa.VARCHAR(length=200), nullable=True))
        batch_op.add_column(sa.Column('representant_civilite', sa.VARCHAR(length=20), nullable=True))
        batch_op.add_column(sa.Column('representant_qualite', sa.VARCHAR(length=120), nullable=True))
        batch_op.drop_column('modifie_le')
        batch_op.drop_column('objet')
        batch_op.drop_column('courriel')
        batch_op.drop_column('telephone')

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_renouvelle_id_dossier'), type_='foreignkey')
        batch_op.drop_column('financeurs')
        batch_op.drop_column('complet_le')
        batch_op.drop_column('renouvelle_id')
        batch_op.drop_column('renouvellement')
        batch_op.drop_column('hommes')
        batch_op.drop_column('femmes')
        batch_op.drop_column('beneficiaires')
        batch_op.drop_column('tranches_age')
        batch_op.drop_column('lieux')
        batch_op.drop_column('evaluation')
        batch_op.drop_column('moyens')
        batch_op.drop_column('objectifs_action')

    with op.batch_alter_table('seance', schema=None) as batch_op:
        batch_op.drop_index('ix_seance_dossier')

    op.drop_table('seance')
    with op.batch_alter_table('piece', schema=None) as batch_op:
        batch_op.drop_index('ix_piece_dossier')

    op.drop_table('piece')
    with op.batch_alter_table('indicateur_action', schema=None) as batch_op:
        batch_op.drop_index('ix_indicateur_action_dossier')

    op.drop_table('indicateur_action')
    op.drop_table('beneficiaires_quartier')
    with op.batch_alter_table('representant', schema=None) as batch_op:
        batch_op.drop_index('ix_representant_porteur')

    op.drop_table('representant')
    with op.batch_alter_table('porteur_nom', schema=None) as batch_op:
        batch_op.drop_index('ix_porteur_nom_porteur')

    op.drop_table('porteur_nom')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_porteur')

    op.drop_table('contact')
    with op.batch_alter_table('compte_bancaire', schema=None) as batch_op:
        batch_op.drop_index('ix_compte_bancaire_porteur')

    op.drop_table('compte_bancaire')
    op.drop_table('filtre_enregistre')
    op.drop_table('brouillon')
