"""Time helpers: the database stores naive UTC timestamps on every backend."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (SQLite cannot keep it, so neither backend does)."""
    return datetime.now(UTC).replace(tzinfo=None)
