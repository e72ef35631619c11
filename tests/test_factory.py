"""The app factory and its configuration layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from engage import create_app
from engage.config import UnsafeConfigError
from engage.extensions import db


def test_defaults_to_sqlite_in_the_instance_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{Path(app.instance_path) / 'engage.sqlite'}"
    assert app.config["SECRET_KEY"], "development gets a generated key"


def test_database_url_selects_postgresql_with_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_engage_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("ENGAGE_DEMO_PASSWORD", "another demo password")
    app = create_app()
    assert app.config["LOGIN_MAX_FAILURES"] == 3
    assert app.config["DEMO_PASSWORD"] == "another demo password"


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short-key"])
def test_production_refuses_to_start_without_a_real_secret_key(
    monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    monkeypatch.setenv("ENGAGE_ENV_NAME", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(UnsafeConfigError, match="SECRET_KEY"):
        create_app()


def test_production_with_a_real_key_uses_secure_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_ENV_NAME", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 20 + "a-real-random-looking-value-0123456789")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_test_config_overrides_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_INVITE_DAYS", "3")
    app = create_app({"INVITE_DAYS": 9, "TESTING": True})
    assert app.config["INVITE_DAYS"] == 9
    assert app.testing


def test_the_database_uploads_and_import_stash_are_private_to_the_account(tmp_path: Path) -> None:
    from engage.media.storage import upload_dir
    from engage.surveys.importing import discard, stash

    database = tmp_path / "data" / "engage.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x" * 40, "UPLOAD_DIR": str(tmp_path / "up")}
    )
    with app.app_context():
        db.create_all()
        uploads = upload_dir()
        token = stash(b"Comments\nMy name is Sam\n")
        stashed = Path(app.instance_path) / "imports" / f"{token}.upload"
        modes = {
            "database": database.stat().st_mode & 0o777,
            "uploads folder": uploads.stat().st_mode & 0o777,
            "instance folder": Path(app.instance_path).stat().st_mode & 0o777,
            "stashed import": stashed.stat().st_mode & 0o777,
        }
        discard(token)
    with app.app_context():
        db.engine.dispose()
    assert modes == {"database": 0o600, "uploads folder": 0o700, "instance folder": 0o700, "stashed import": 0o600}
