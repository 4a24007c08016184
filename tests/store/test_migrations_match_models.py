"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL.

Alembic's autogenerate comparison runs between the migrated database and the metadata of
every model module (the planner's, the console's, the units' answers); any difference —
a table, column, type, nullability, index, unique or foreign key — is a migration to write.
"""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

import bot.store.answer_models  # noqa: F401  (their tables join Base.metadata)
import bot.store.console_models  # noqa: F401
import bot.store.report_delivery_models  # noqa: F401
import bot.store.report_models  # noqa: F401
import bot.store.settings_models  # noqa: F401
from bot.store.migrate import alembic_config, upgrade
from bot.store.models import Base


def test_the_migrations_have_one_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_the_migrated_schema_is_the_models_schema(db_url):
    engine = create_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == [], "\n".join(map(repr, differences))
