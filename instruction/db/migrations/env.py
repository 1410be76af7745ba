"""Environnement Alembic : la connexion est fournie par ``instruction.db.schema``.

Toutes les migrations d'une mise à jour s'exécutent dans la transaction de
l'appelant : si l'une échoue, aucune n'est appliquée.
"""

from alembic import context

from instruction.db.base import Base
from instruction.db import modeles  # noqa: F401  (enregistre les tables)

connexion = context.config.attributes.get("connection")
if connexion is None:
    raise RuntimeError(
        "Les migrations s'appliquent par « instruction » (instruction.db.schema), "
        "qui fournit la connexion et la sauvegarde préalable."
    )

context.configure(
    connection=connexion,
    target_metadata=Base.metadata,
    render_as_batch=connexion.dialect.name == "sqlite",
    transaction_per_migration=False,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
