"""Time helpers: the database stores naive UTC timestamps on every backend."""

from datetime import UTC, date, datetime, time, timedelta


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (SQLite cannot keep it, so neither backend does)."""
    return datetime.now(UTC).replace(tzinfo=None)


def end_of(day: date) -> datetime | None:
    """The first moment after `day`, for "up to and including" filters; None for the last day a date can be."""
    return datetime.combine(day + timedelta(days=1), time.min) if day < date.max else None
