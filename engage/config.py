"""Configuration: defaults here, then the instance folder, then the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

# Values that appear in tutorials and sample files; never acceptable in production.
PLACEHOLDER_SECRETS = {"", "dev", "secret", "changeme", "change-me", "change-this", "development"}
MIN_SECRET_LENGTH = 32
# The demo accounts' published password: `flask demo` refuses to run in production.
DEMO_PASSWORD = "engage-demo-2026"  # noqa: S105  # nosec B105


class UnsafeConfigError(RuntimeError):
    """The configuration would run an insecure service."""


DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "engage_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 60 * 60,
    "WTF_CSRF_TIME_LIMIT": 8 * 60 * 60,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # BSL videos (questions and answers) may be larger; they are stored in UPLOAD_DIR (default instance/uploads).
    "VIDEO_MAX_BYTES": 100 * 1024 * 1024,
    # A postcode deprivation lookup for a programme's area (the public file has about 50 columns a postcode).
    "LOOKUP_MAX_BYTES": 50 * 1024 * 1024,
    "UPLOAD_DIR": "",
    # Hosts of the organisation's own media servers, from which BSL videos may be linked, for example
    # "media.example.nhs.uk". Each is added to the Content-Security-Policy's media-src.
    "MEDIA_HOSTS": [],
    # Failed sign-ins per email address in the window before each further try must wait; the wait doubles
    # with each failure (1 s, 2 s, 4 s ...) up to LOGIN_MAX_DELAY_SECONDS. Sign-in attempts per client too.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_THROTTLE_SECONDS": 15 * 60,
    "LOGIN_MAX_DELAY_SECONDS": 5 * 60,
    "LOGIN_CLIENT_LIMITS": "20 per minute;200 per hour",
    # Emails anyone can ask for: per recipient address, and per client.
    "EMAIL_ADDRESS_LIMITS": "3 per hour;10 per day",
    "EMAIL_CLIENT_LIMITS": "10 per hour;50 per day",
    # Anonymous BSL answer videos: per draft and per client, and all uploads together may not pass the budget.
    "VIDEO_DRAFT_LIMITS": "20 per day",
    "VIDEO_CLIENT_LIMITS": "30 per hour",
    "UPLOAD_BUDGET_BYTES": 20 * 1024**3,
    "INVITE_DAYS": 7,
    "PASSWORD_RESET_SECONDS": 60 * 60,
    # Roles that must use two-step verification: they can see identifiable answers and disclosures.
    "MFA_ROLES": ["lead", "safeguarding", "admin"],
    # Sign people out after this long without a request (those roles sooner), and after this long in all.
    "SESSION_IDLE_SECONDS": 2 * 60 * 60,
    "STAFF_IDLE_SECONDS": 30 * 60,
    "SESSION_ABSOLUTE_SECONDS": 12 * 60 * 60,
    # A safeguarding flag no one has reviewed after this long is escalated to the administrators.
    "SAFEGUARDING_ESCALATE_HOURS": 24,
    # "Stop these updates" links in emails work for this long.
    "UNSUBSCRIBE_DAYS": 365,
    # Host names requests may be addressed to (others are refused with a 400); default: PUBLIC_URL's host,
    # and in development localhost and 127.0.0.1 too.
    "TRUSTED_HOSTS": None,
    "DEMO_PASSWORD": DEMO_PASSWORD,
    # "outbox" keeps messages in the database only. "notify" sends emails and text messages through GOV.UK
    # Notify (NOTIFY_API_KEY, and the ids of an email template with ((subject)) and ((body)) and of a text
    # message template with ((body))); "smtp" sends emails only (MAIL_SERVER, MAIL_PORT, MAIL_USERNAME,
    # MAIL_PASSWORD, MAIL_FROM, MAIL_USE_TLS). Either sends when `flask send-mail` runs.
    "MAIL_BACKEND": "outbox",
    "MAIL_FROM": "Engage <engage@localhost>",
    "NOTIFY_API_KEY": "",
    "NOTIFY_BASE_URL": "https://api.notifications.service.gov.uk",
    "NOTIFY_EMAIL_TEMPLATE_ID": "",
    "NOTIFY_SMS_TEMPLATE_ID": "",
    # A message that fails is tried again this many times in all, waiting longer each time, then shown as not sent.
    "SEND_MAX_ATTEMPTS": 5,
    # The address people reach Engage at, for links in emails sent outside a web request.
    "PUBLIC_URL": "http://127.0.0.1:5000",
    # Who people write to about their data (named in every privacy notice), for example
    # "The data protection officer, dpo@example.nhs.uk, 0300 000 0000".
    "PRIVACY_CONTACT": "",
    # Public counts below this are shown as "fewer than N", so nobody can be picked out.
    "SMALL_COUNT_THRESHOLD": 10,
    # A running analysis job records a heartbeat every quarter of this; one silent for longer has died
    # (killed, or its machine restarted) and is marked failed, so no run stays "running" for ever.
    "JOB_STALLED_SECONDS": 45,
    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    "PROXY_COUNT": 0,
}


def database_uri(url: str) -> str:
    """Use the psycopg 3 driver for plain PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def private_folder(path: Path) -> Path:
    """Make (or keep) a folder only this account can read: it holds answers, contact details and videos."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _private_sqlite_file(uri: str) -> None:
    """Create the SQLite database file readable by this account only, before SQLite makes it world-readable."""
    path = Path(uri.removeprefix("sqlite:///"))
    if uri.startswith("sqlite:///") and path.is_absolute():  # relative paths are the instance folder's, made private
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        path.chmod(0o600)


def _development_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so development sessions survive restarts."""
    path = instance / "secret_key"
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key and all read it.
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Layer defaults, instance config, environment and test overrides onto app.config."""
    instance = Path(app.instance_path)
    private_folder(instance)
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'engage.sqlite'}"
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ENGAGE")
    for name in ("SECRET_KEY", "REDIS_URL"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app.config["SQLALCHEMY_DATABASE_URI"])
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    check_mail(app.config)
    production = app.config["ENV_NAME"] == "production"
    if app.config["TRUSTED_HOSTS"] is None:
        public_host = urlsplit(app.config["PUBLIC_URL"]).hostname or "localhost"
        app.config["TRUSTED_HOSTS"] = [public_host] if production else [public_host, "localhost", "127.0.0.1"]
    if production:
        check_production(app.config)
        # __Host-: the browser keeps it only if Secure, for this host alone and the whole site (no Domain).
        app.config["SESSION_COOKIE_NAME"] = "__Host-engage_session"
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(instance)


def check_mail(config: dict[str, Any]) -> None:
    """Refuse a mail backend Engage cannot send with, rather than queue messages that never go."""
    backend = config["MAIL_BACKEND"]
    if backend not in ("outbox", "notify", "smtp"):
        raise UnsafeConfigError(f"MAIL_BACKEND must be outbox, notify or smtp, not {backend!r}.")
    needed = ("NOTIFY_API_KEY", "NOTIFY_EMAIL_TEMPLATE_ID", "NOTIFY_SMS_TEMPLATE_ID")
    if backend == "notify" and (missing := [name for name in needed if not config.get(name)]):
        raise UnsafeConfigError(f"MAIL_BACKEND=notify needs {', '.join('ENGAGE_' + name for name in missing)}.")


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run in production with a missing or made-up secret key."""
    key = str(config.get("SECRET_KEY") or "")
    if key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH:
        raise UnsafeConfigError(
            "Production mode needs SECRET_KEY set to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters (for example: python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')."
        )
