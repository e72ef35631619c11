"""A person's request to see or erase their data, and how long each kind of data is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.timeutil import utcnow


class RightsRequest(db.Model):
    """One person's subject access or erasure request, found by the details they gave.

    The details are kept only while the request is open: closing or erasing clears them, and what stays is
    the fact of the request, when, by whom, and counts of what was handed over or erased.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    reference: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    exported_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Counts only, for example "2 responses, 1 file": never what the records said.
    outcome: Mapped[str] = mapped_column(String(300), default="")

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RightsRequest {self.id}{' closed' if self.closed_at else ''}>"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def details(self) -> list[tuple[str, str]]:
        """The details searched for, labelled, leaving out those not given."""
        given = [("Email", self.email), ("Response reference", self.reference), ("Phone", self.phone)]
        given.append(("Name", self.name))
        return [(label, value) for label, value in given if value]


class RetentionPeriod(db.Model):
    """An administrator's change to how long one kind of data is kept (the defaults live in the code)."""

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[int]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RetentionPeriod {self.kind} {self.days} days>"
