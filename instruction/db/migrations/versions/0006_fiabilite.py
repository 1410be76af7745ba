"""Fiabilité : numéros de dossier attribués sans collision, montants accordés versionnés, un avis demandé une fois

* ``numerotation`` : le dernier rang attribué par préfixe de numéro (« CDV-2027- ») ; la ligne est
  verrouillée pendant l'attribution, deux postes qui créent un dossier au même instant n'obtiennent
  pas le même numéro, et un numéro n'est jamais réattribué après l'effacement d'un dossier.
* ``dossier.version_montants`` : la version des montants accordés par le comité ; un enregistrement
  fait sur une version périmée est refusé au lieu d'écraser celui d'un autre poste.
* ``demande_avis`` : une seule demande par dossier et par destinataire (compte ou cofinanceur). Les
  doublons sans réponse qu'une demande simultanée aurait laissés sont retirés (on garde la demande
  qui a une réponse, sinon la plus ancienne).

Révision : 0006_fiabilite
Précédente : 0005_partage
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_fiabilite'
down_revision = '0005_partage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('numerotation',
    sa.Column('prefixe', sa.String(length=40), nullable=False),
    sa.Column('dernier', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefixe', name=op.f('pk_numerotation'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_montants', sa.Integer(), server_default='0', nullable=False))

    for colonne in ('destinataire_id', 'financeur_code'):
        # Les doublons sans réponse : une autre demande au même destinataire existe, et celle-ci n'a pas
        # d'avis alors que l'autre en a un, ou aucune n'en a et l'autre est plus ancienne.
        op.execute(
            f"delete from demande_avis where {colonne} is not null "
            "and not exists (select 1 from avis where avis.demande_id = demande_avis.id) "
            "and exists (select 1 from demande_avis autre "
            f"where autre.dossier_id = demande_avis.dossier_id and autre.{colonne} = demande_avis.{colonne} "
            "and autre.id <> demande_avis.id "
            "and (exists (select 1 from avis where avis.demande_id = autre.id) or autre.id < demande_avis.id))"
        )
    with op.batch_alter_table('demande_avis', schema=None) as batch_op:
        batch_op.create_unique_constraint(op.f('uq_demande_avis_destinataire'), ['dossier_id', 'destinataire_id'])
        batch_op.create_unique_constraint(op.f('uq_demande_avis_financeur'), ['dossier_id', 'financeur_code'])


def downgrade() -> None:
    with op.batch_alter_table('demande_avis', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_demande_avis_financeur'), type_='unique')
        batch_op.drop_constraint(op.f('uq_demande_avis_destinataire'), type_='unique')

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('version_montants')

    op.drop_table('numerotation')
