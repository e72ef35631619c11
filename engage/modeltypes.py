"""Column types shared by the models."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def db_enum(cls: type[enum.Enum], length: int = 20) -> Enum:
    """A Python enum stored as its string values (VARCHAR), the same on SQLite and PostgreSQL."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
