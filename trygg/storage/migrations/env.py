"""Alembic environment: runs Trygg's migrations on SQLite or PostgreSQL + PostGIS."""

from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine

from trygg.storage.schema import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    engine = config.attributes.get("engine") or create_engine(str(config.get_main_option("sqlalchemy.url")))
    postgis = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if not postgis:
            # A batch migration recreates a table (copy, drop, rename); with foreign keys enforced,
            # dropping a table that other rows reference fails (or cascades). SQLite can only switch
            # enforcement outside a transaction: off here, every key checked before the commit, on again.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=not postgis,
                include_object=alembic_helpers.include_object if postgis else None,
                process_revision_directives=alembic_helpers.writer if postgis else None,
                render_item=alembic_helpers.render_item if postgis else None,
            )
            with context.begin_transaction():
                context.run_migrations()
                if not postgis:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left {len(broken)} broken foreign key(s), e.g. "
                                           f"{broken[0][0]} row {broken[0][1]} → {broken[0][2]}")
            connection.commit()
        finally:
            if not postgis:
                if connection.in_transaction():
                    connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


run()
