"""Flags raised when screened free text may disclose risk."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.modeltypes import db_enum
from engage.panels.models import Application, Comment
from engage.surveys.models import Answer, Response
from engage.timeutil import utcnow


class FlagStatus(enum.StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"new": "New", "in_review": "In review", "closed": "Closed"}[self.value]


class Outcome(enum.StrEnum):
    NO_ACTION = "no_action"
    SIGNPOSTED = "signposted"
    CONTACTED = "contacted"
    REFERRED = "referred"
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def clears(self) -> bool:
        """Whether this outcome means the words may be used like any others (quoted, published)."""
        return self == Outcome.NO_ACTION


OUTCOME_LABELS = {
    Outcome.NO_ACTION: "No risk found, no action needed",
    Outcome.SIGNPOSTED: "Crisis support shown; respondent anonymous, no further action possible",
    Outcome.CONTACTED: "Respondent contacted (they gave contact details)",
    Outcome.REFERRED: "Referred to a service or care team",
    Outcome.ESCALATED: "Escalated to the safeguarding team or emergency services",
}


# Exactly one of the three sources (CASE, because PostgreSQL does not add booleans).
ONE_SOURCE = (
    " + ".join(
        f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in ("answer_id", "comment_id", "application_id")
    )
    + " = 1"
)


class SafeguardingFlag(db.Model):
    """Words that may disclose risk: a survey answer (sent or still a draft), a panel comment or an application."""

    __table_args__ = (CheckConstraint(ONE_SOURCE, name="one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), unique=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    # What the screen matched: category names and pattern ids, never the text itself.
    categories: Mapped[str] = mapped_column(String(200))
    patterns: Mapped[str] = mapped_column(String(300))
    status: Mapped[FlagStatus] = mapped_column(
        db_enum(FlagStatus),
        default=FlagStatus.NEW,
        index=True,
    )
    outcome: Mapped[Outcome | None] = mapped_column(db_enum(Outcome))
    notes: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When a review closed it (the time taken is this less created_at), and when admins were told it waited.
    reviewed_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]

    response: Mapped[Response | None] = relationship()
    answer: Mapped[Answer | None] = relationship()
    comment: Mapped[Comment | None] = relationship()
    application: Mapped[Application | None] = relationship()
    reviewer: Mapped[User | None] = relationship()
