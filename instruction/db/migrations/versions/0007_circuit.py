"""Circuit : dates métier des passages et du dépôt, proposition de l'instructeur

* ``transition.date_effet`` : la date métier d'un passage (déclaré recevable le…, séance du comité du…),
  qui peut précéder le jour où il est saisi ; ``transition.le`` reste le moment de la saisie (UTC), comme
  l'historique. Les passages déjà faits prennent pour date métier le jour (heure de Paris) de leur saisie ;
  le passage initial « déposé », la date de dépôt du dossier quand elle est connue.
* ``proposition`` et ``montant_propose`` : la proposition de l'instructeur au comité des financeurs
  (favorable, réservée, défavorable ; un montant par cofinanceur ; un commentaire), faite en terminant
  l'instruction. Les dossiers instruits avant cette version n'en ont pas (la migration n'en invente pas).

Révision : 0007_circuit
Précédente : 0006_fiabilite
"""

import datetime as dt
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0007_circuit'
down_revision = '0006_fiabilite'
branch_labels = None
depends_on = None

PARIS = ZoneInfo("Europe/Paris")


def _jour_a_paris(moment) -> dt.date:
    if isinstance(moment, str):  # SQLite rend parfois le texte ISO
        moment = dt.datetime.fromisoformat(moment)
    return moment.replace(tzinfo=dt.UTC).astimezone(PARIS).date()


def upgrade() -> None:
    with op.batch_alter_table('transition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_effet', sa.Date(), nullable=True))

    connexion = op.get_bind()
    transition = sa.table('transition', sa.column('id', sa.Integer), sa.column('le', sa.DateTime),
                          sa.column('de', sa.String), sa.column('dossier_id', sa.Integer),
                          sa.column('date_effet', sa.Date))
    dossier = sa.table('dossier', sa.column('id', sa.Integer), sa.column('depose_le', sa.Date))
    depots = dict(connexion.execute(sa.select(dossier.c.id, dossier.c.depose_le)).all())
    lignes = connexion.execute(sa.select(transition.c.id, transition.c.le, transition.c.de,
                                         transition.c.dossier_id)).all()
    valeurs = []
    for identifiant, le, de, dossier_id in lignes:
        jour = _jour_a_paris(le)
        if de is None and depots.get(dossier_id) is not None:
            jour = min(jour, depots[dossier_id])  # le dépôt réel précède l'enregistrement
        valeurs.append({"cle": identifiant, "jour": jour})
    if valeurs:
        connexion.execute(sa.update(transition).where(transition.c.id == sa.bindparam("cle"))
                          .values(date_effet=sa.bindparam("jour")), valeurs)

    with op.batch_alter_table('transition', schema=None) as batch_op:
        batch_op.alter_column('date_effet', existing_type=sa.Date(), nullable=False)

    op.create_table('proposition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('sens', sa.String(length=20), nullable=False),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('date_effet', sa.Date(), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.Column('acteur', sa.String(length=120), nullable=False),
    sa.CheckConstraint("sens in ('favorable', 'reserve', 'defavorable')", name=op.f('ck_proposition_sens_valide')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_proposition_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposition'))
    )
    with op.batch_alter_table('proposition', schema=None) as batch_op:
        batch_op.create_index('ix_proposition_dossier', ['dossier_id'], unique=False)

    op.create_table('montant_propose',
    sa.Column('proposition_id', sa.Integer(), nullable=False),
    sa.Column('financeur_code', sa.String(length=40), nullable=False),
    sa.Column('montant', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('montant >= 0', name=op.f('ck_montant_propose_montant_positif')),
    sa.ForeignKeyConstraint(['financeur_code'], ['financeur.code'],
                            name=op.f('fk_montant_propose_financeur_code_financeur')),
    sa.ForeignKeyConstraint(['proposition_id'], ['proposition.id'],
                            name=op.f('fk_montant_propose_proposition_id_proposition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposition_id', 'financeur_code', name=op.f('pk_montant_propose'))
    )


def downgrade() -> None:
    op.drop_table('montant_propose')
    with op.batch_alter_table('proposition', schema=None) as batch_op:
        batch_op.drop_index('ix_proposition_dossier')
    op.drop_table('proposition')
    with op.batch_alter_table('transition', schema=None) as batch_op:
        batch_op.drop_column('date_effet')
