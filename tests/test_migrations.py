"""The schema comes only from migrations: each one upgrades and downgrades with data in place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    func,
    insert,
    inspect,
    select,
    text,
)

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


def _tables_at(revision: str) -> Any:
    """Upgrade to a revision and read its tables as they were then."""
    upgrade(revision=revision)
    old = MetaData()
    old.reflect(db.engine)
    return old.tables


def _row(connection: Any, table: Table, **values: Any) -> int:
    """Insert a row into a table of an older schema, filling every other required column; returns its id."""
    for column in table.columns:
        if column.name in values or column.nullable or column.server_default is not None or column.primary_key:
            continue
        kind = column.type
        if isinstance(kind, Enum) and kind.enums:
            values[column.name] = kind.enums[0]
        elif isinstance(kind, JSON):
            values[column.name] = []
        elif isinstance(kind, Boolean):
            values[column.name] = False
        elif isinstance(kind, DateTime):
            values[column.name] = datetime(2026, 12, 1, 9, 0)
        elif isinstance(kind, Date):
            values[column.name] = date(2026, 12, 1)
        elif isinstance(kind, Integer | Float | Numeric):
            values[column.name] = 0
        elif isinstance(kind, LargeBinary):
            values[column.name] = b"\0"
        else:
            values[column.name] = f"{column.name}-{table.name}"[: getattr(kind, "length", None) or 200]
    return connection.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


def test_lists_of_ids_move_to_tables_and_back(bare_app: Flask) -> None:
    with bare_app.app_context():
        t = _tables_at("a3c1e7d2b904")
        with db.engine.begin() as connection:
            user = _row(connection, t["user"], email="member@example.org")
            programme = _row(connection, t["programme"], slug="p")
            survey = _row(connection, t["survey"], programme_id=programme, slug="s", panel_id=999)
            question = _row(connection, t["question"], survey_id=survey)
            response = _row(connection, t["response"], survey_id=survey)
            answer = _row(connection, t["answer"], response_id=response, question_id=question)
            panel = _row(connection, t["panel"], programme_id=programme)
            draft = _row(connection, t["draft"], programme_id=programme)
            first = _row(connection, t["draft_section"], draft_id=draft)
            comment = _row(connection, t["comment"], section_id=first, author_id=user)
            second = _row(connection, t["draft_section"], draft_id=draft, version=2, answers_comment_ids=[comment, 404])
            meeting = _row(connection, t["meeting"], panel_id=panel, attended_user_ids=[user])
            run = _row(connection, t["analysis_run"], programme_id=programme, question_ids=[question, 404])
            theme = _row(connection, t["theme"], run_id=run, quote_answer_ids=[answer], quote_comment_ids=[comment])
        upgrade(revision="c7d1f0a2b3e4")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT run_id, question_id FROM analysis_run_questions")).all() == [
                (run, question)
            ], "ids that pointed nowhere are dropped, as the foreign key would have"
            assert connection.execute(text("SELECT section_id, comment_id FROM draft_section_answers")).all() == [
                (second, comment)
            ]
            assert connection.execute(text("SELECT meeting_id, user_id FROM meeting_attendance")).all() == [
                (meeting, user)
            ]
            quotes = "SELECT theme_id, position, answer_id, comment_id FROM theme_quote ORDER BY position"
            assert connection.execute(text(quotes)).all() == [(theme, 0, answer, None), (theme, 1, None, comment)]
            assert connection.execute(text("SELECT panel_id FROM survey")).scalar_one() is None
        downgrade(revision="a3c1e7d2b904")
        with db.engine.connect() as connection:
            lists = {
                "SELECT question_ids FROM analysis_run": [question],
                "SELECT answers_comment_ids FROM draft_section WHERE version = 2": [comment],
                "SELECT attended_user_ids FROM meeting": [user],
                "SELECT quote_answer_ids FROM theme": [answer],
                "SELECT quote_comment_ids FROM theme": [comment],
            }
            for query, expected in lists.items():
                value = connection.execute(text(query)).scalar_one()
                assert (json.loads(value) if isinstance(value, str) else value) == expected, query
        db.session.remove()
        _leave_as_found()


def _leave_as_found() -> None:
    """After a test that moved between revisions: all the way down and up, then empty, as other tests expect."""
    downgrade(revision="base")
    upgrade()
    _empty_database()
    if POSTGRES_URL:
        db.create_all()  # the next test's fixture expects the tables
    db.session.commit()


def test_analysed_comments_get_their_kind_from_their_sentiment(bare_app: Flask) -> None:
    with bare_app.app_context():
        t = _tables_at("35493ba91af8")
        with db.engine.begin() as connection:
            programme = _row(connection, t["programme"], slug="p")
            survey = _row(connection, t["survey"], programme_id=programme, slug="s")
            response = _row(connection, t["response"], survey_id=survey)
            run = _row(connection, t["analysis_run"], programme_id=programme)
            labels = ["positive", "negative", "distress", "mixed", "neutral"]
            for position, label in enumerate(labels):
                question = _row(connection, t["question"], survey_id=survey, position=position)
                answer = _row(connection, t["answer"], response_id=response, question_id=question)
                _row(connection, t["theme_assignment"], run_id=run, answer_id=answer, sentiment_label=label)
        upgrade(revision="9b2e4c71d5a0")
        with db.engine.connect() as connection:
            kinds = connection.execute(text("SELECT sentiment_label, kind FROM theme_assignment ORDER BY id")).all()
        assert kinds == list(zip(labels, ["praise", "complaint", "complaint", "mixed", "other"], strict=True))
        downgrade(revision="35493ba91af8")
        with db.engine.connect() as connection:
            assert "kind" not in {c["name"] for c in inspect(connection).get_columns("theme_assignment")}
        db.session.remove()
        _leave_as_found()
