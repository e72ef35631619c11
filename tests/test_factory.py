"""The app factory and its configuration layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from engage import create_app
from engage.config import UnsafeConfigError


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
