"""Audit trail: who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.timeutil import utcnow


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    # A short description with no personal data: ids and field names, never free text.
    detail: Mapped[str] = mapped_column(String(500), default="")

    actor = relationship("User")


def record(actor_id: int | None, action: str, obj: db.Model | None = None, detail: str = "") -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail=detail[:500],
    )
    db.session.add(event)
    return event
