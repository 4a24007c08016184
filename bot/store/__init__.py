"""The persistent store: tables (models), opening and migrating (db, migrate)."""
from bot.store.db import close_stores, database_url, open_store, session_scope

__all__ = ["close_stores", "database_url", "open_store", "session_scope"]
