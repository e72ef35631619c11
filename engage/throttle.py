"""Rate limits shared by every worker: Flask-Limiter, counting in Redis when REDIS_URL is set, else in the database.

Limits guard what a stranger can repeat cheaply and what costs someone else: signing in, password reset
emails, resume emails and anonymous video uploads. Keys are keyed hashes, so the counters hold no email
addresses or network addresses in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import parse
from limits.storage import Storage
from sqlalchemy import Float, Integer, String, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db


class ThrottleCounter(db.Model):
    """One fixed-window counter of the database storage (unused when Redis counts)."""

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch, as the limits library counts time.
    expires_at: Mapped[float] = mapped_column(Float, index=True)


def client_key() -> str:
    """The client's address (behind PROXY_COUNT trusted proxies), hashed: counters are not an access log."""
    return digest("client", request.remote_addr or "")


def digest(kind: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return kind + ":" + hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


limiter = Limiter(key_func=client_key, headers_enabled=True, strategy="fixed-window")


def allow(limits: str, key: str) -> bool:
    """Count one more attempt against every limit in `limits` ("3 per hour;10 per day") for this key.

    False once any is spent. Call it before the request writes anything: on SQLite the database storage
    counts on its own connection, which waits for a writer to finish.
    """
    allowed = True
    for item in (parse(part) for part in limits.split(";")):
        allowed = limiter.limiter.hit(item, key) and allowed
    return allowed


def allow_email(address: str) -> bool:
    """May this client send one more message to this address or mobile number (a resume link, a password reset)?"""
    config = current_app.config
    to_address = allow(config["EMAIL_ADDRESS_LIMITS"], digest("email", address))
    return allow(config["EMAIL_CLIENT_LIMITS"], "email-" + client_key()) and to_address


class DatabaseStorage(Storage):
    """Fixed-window counters in Engage's own database, committed apart from the request's transaction."""

    STORAGE_SCHEME = ["engage+db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        del options
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = ThrottleCounter.__table__
        with db.engine.begin() as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            lapsed = table.c.expires_at <= now
            statement = (
                dialect.insert(table)
                .values(key=key, count=amount, expires_at=now + expiry)
                .on_conflict_do_update(
                    index_elements=[table.c.key],
                    set_={
                        "count": case((lapsed, amount), else_=table.c.count + amount),
                        "expires_at": case((lapsed, now + expiry), else_=table.c.expires_at),
                    },
                )
                .returning(table.c.count)
            )
            return connection.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        with db.engine.connect() as connection:
            query = select(ThrottleCounter.count).where(
                ThrottleCounter.key == key, ThrottleCounter.expires_at > time.time()
            )
            return connection.execute(query).scalar() or 0

    def get_expiry(self, key: str) -> float:
        with db.engine.connect() as connection:
            query = select(ThrottleCounter.expires_at).where(ThrottleCounter.key == key)
            return connection.execute(query).scalar() or time.time()

    def check(self) -> bool:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(ThrottleCounter)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(ThrottleCounter).where(ThrottleCounter.key == key))


def purge_expired() -> int:
    """Delete spent counters (the daily purge); returns how many."""
    result = db.session.execute(delete(ThrottleCounter).where(ThrottleCounter.expires_at <= time.time()))
    return result.rowcount or 0


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "engage+db://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "engage")
    limiter.init_app(app)
