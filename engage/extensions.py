"""Extension objects, created unbound so models and blueprints can import them."""

import sqlite3
from typing import Any

from flask import g
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()


def interface_language() -> str:
    """The language of the interface's own words: a respondent's chosen language on survey pages (set by those
    views, where Engage ships a catalog for it), English everywhere else."""
    return g.get("interface_language", "en")


babel = Babel()


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, let readers and a writer work at once (WAL), wait for a lock rather than fail.

    SQLite ignores every foreign key and ON DELETE clause unless asked, per connection. Migrations turn it off
    again for their own connection (migrations/env.py).
    """
    del connection_record
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
