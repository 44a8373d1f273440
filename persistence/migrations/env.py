"""Alembic environment. Migrations run on a connection handed in by ``persistence.migrate``
(so async code can migrate without a second event loop); the URL path is for the
alembic CLI during development."""

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from persistence.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as sync_connection:
        _run(sync_connection)
