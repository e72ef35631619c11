"""YouSaid statements with their evidence and quotes; WeDid actions with their timeline."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.insights.models import Theme
from engage.media.models import MediaFile
from engage.modeltypes import db_enum
from engage.panels.models import Comment
from engage.programmes.models import CoreOfferComponent, Indicator, Programme
from engage.timeutil import utcnow

you_said_themes = Table(
    "you_said_themes",
    db.metadata,
    Column("you_said_id", ForeignKey("you_said.id", ondelete="CASCADE"), primary_key=True),
    # No cascade: a theme that a statement cites cannot be deleted (runs that are cited are never rewritten).
    Column("theme_id", ForeignKey("theme.id"), primary_key=True),
)
you_said_comments = Table(
    "you_said_comments",
    db.metadata,
    Column("you_said_id", ForeignKey("you_said.id", ondelete="CASCADE"), primary_key=True),
    Column("comment_id", ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True),
)
we_did_components = Table(
    "we_did_components",
    db.metadata,
    Column("we_did_id", ForeignKey("we_did.id", ondelete="CASCADE"), primary_key=True),
    Column("component_id", ForeignKey("core_offer_component.id", ondelete="CASCADE"), primary_key=True),
)

# The indicators an action is meant to move.
we_did_indicators = Table(
    "we_did_indicators",
    db.metadata,
    Column("we_did_id", ForeignKey("we_did.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
)


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_TAKEN_FORWARD = "not_taken_forward"

    @property
    def label(self) -> str:
        return {
            "planned": "Planned",
            "in_progress": "In progress",
            "done": "Done",
            "not_taken_forward": "Not taken forward",
        }[self.value]


class YouSaid(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    easy_read_text: Mapped[str] = mapped_column(Text, default="")
    easy_read_image_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id", ondelete="SET NULL"))
    easy_read_image_alt: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=you_said_themes, order_by=Theme.id)
    comments: Mapped[list[Comment]] = relationship(secondary=you_said_comments, order_by=Comment.id)
    quotes: Mapped[list[Quote]] = relationship(
        back_populates="you_said", order_by="Quote.id", cascade="all, delete-orphan"
    )
    actions: Mapped[list[WeDid]] = relationship(
        back_populates="you_said", order_by="WeDid.id", cascade="all, delete-orphan"
    )
    easy_read_image: Mapped[MediaFile | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Quote(db.Model):
    """A redacted quote from an answer (a BSL answer's interpretation) or a panel comment, shown once approved."""

    # From at most one source: none once its source has been erased (the quote's own text stays).
    __table_args__ = (CheckConstraint("answer_id IS NULL OR comment_id IS NULL", name="one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    you_said_id: Mapped[int] = mapped_column(ForeignKey("you_said.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="SET NULL"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Erased at the person's request after it was published: the text is gone and the board says why.
    removed_at: Mapped[datetime | None]

    you_said: Mapped[YouSaid] = relationship(back_populates="quotes")
    approved_by: Mapped[User | None] = relationship()


class WeDid(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    you_said_id: Mapped[int] = mapped_column(ForeignKey("you_said.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200))
    status: Mapped[ActionStatus] = mapped_column(db_enum(ActionStatus), default=ActionStatus.PLANNED)
    reason: Mapped[str] = mapped_column(Text, default="")  # why not taken forward
    progress: Mapped[int] = mapped_column(default=0)
    target_date: Mapped[date | None]
    completed_on: Mapped[date | None]
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    you_said: Mapped[YouSaid] = relationship(back_populates="actions")
    components: Mapped[list[CoreOfferComponent]] = relationship(
        secondary=we_did_components, order_by=CoreOfferComponent.position
    )
    indicators: Mapped[list[Indicator]] = relationship(secondary=we_did_indicators, order_by=Indicator.id)
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action",
        order_by="ActionUpdate.at.desc(), ActionUpdate.id.desc()",
        cascade="all, delete-orphan",
    )


class ActionUpdate(db.Model):
    """One dated entry on an action's timeline."""

    id: Mapped[int] = mapped_column(primary_key=True)
    we_did_id: Mapped[int] = mapped_column(ForeignKey("we_did.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[ActionStatus] = mapped_column(db_enum(ActionStatus))
    progress: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[WeDid] = relationship(back_populates="updates")


class LoopNotice(db.Model):
    """That one person was told about one change, so nobody is told twice."""

    __table_args__ = (UniqueConstraint("event", "recipient", name="uq_loop_notice_event_recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # For example "published:4" or "action:7:done".
    event: Mapped[str] = mapped_column(String(80))
    # "contact:12" (a survey respondent's contact record) or "user:5" (a panel member).
    recipient: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
