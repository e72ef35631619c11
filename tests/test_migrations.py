"""The schema comes only from migrations: each one upgrades and downgrades with data in place."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from engage import ROOT, create_app
from engage.demo import load_demo
from engage.extensions import db
from engage.programmes.models import CoreOfferChange
from tests.conftest import POSTGRES_URL


def _empty_database() -> None:
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


@pytest.fixture
def bare_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    with app.app_context():
        _empty_database()
    yield app
    with app.app_context():
        db.engine.dispose()


def _revisions() -> list[str]:
    script = ScriptDirectory(str(ROOT / "migrations"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_migrations_build_exactly_the_models_schema(bare_app: Flask) -> None:
    with bare_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations disagree; generate a migration: {diff}"


def test_each_migration_upgrades_and_downgrades_with_data(bare_app: Flask) -> None:
    revisions = _revisions()
    assert revisions, "there are no migrations"
    with bare_app.app_context():
        for revision in revisions:
            upgrade(revision=revision)
        load_demo()
        changes = db.session.execute(select(func.count()).select_from(CoreOfferChange)).scalar_one()
        assert changes >= 9
        db.session.remove()
        for revision in reversed(revisions):
            downgrade(revision=f"{revision}-1" if revision != revisions[0] else "base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set(), f"downgrade left tables behind: {tables}"
        upgrade()
        load_demo()
        db.session.remove()
        _empty_database()
        if POSTGRES_URL:
            db.create_all()  # the next test's fixture expects the tables
        db.session.commit()


def test_sqlite_default_database_is_created_by_upgrade(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}", "TESTING": True})
    with app.app_context():
        upgrade()
        assert "user" in inspect(db.engine).get_table_names()
        db.engine.dispose()
