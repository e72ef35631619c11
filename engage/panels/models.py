"""Panels of people with lived experience, the drafts they review, and a decision on every comment."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.modeltypes import db_enum
from engage.programmes.models import CoreOfferComponent, Programme
from engage.timeutil import utcnow


class PanelKind(enum.StrEnum):
    REFERENCE_GROUP = "reference_group"
    EXPERTS = "experts_by_experience"

    @property
    def label(self) -> str:
        return "Resident reference group" if self is PanelKind.REFERENCE_GROUP else "Experts by experience panel"


class MemberRole(enum.StrEnum):
    MEMBER = "member"
    CHAIR = "chair"


class Stance(enum.StrEnum):
    AGREE = "agree"
    CONCERN = "concern"
    SUGGESTION = "suggestion"

    @property
    def label(self) -> str:
        return {"agree": "I agree", "concern": "I have a concern", "suggestion": "I have a suggestion"}[self.value]


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly_accepted"
    NOT_ACCEPTED = "not_accepted"

    @property
    def label(self) -> str:
        return {"accepted": "Accepted", "partly_accepted": "Partly accepted", "not_accepted": "Not accepted"}[
            self.value
        ]


class DraftStatus(enum.StrEnum):
    PREPARING = "preparing"  # the lead is writing it; panels cannot see it yet
    IN_REVIEW = "in_review"
    CLOSED = "closed"  # review over: the lead records decisions and publishes the next version


draft_panels = Table(
    "draft_panels",
    db.metadata,
    Column("draft_id", ForeignKey("draft.id", ondelete="CASCADE"), primary_key=True),
    Column("panel_id", ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
)


class Panel(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PanelKind] = mapped_column(db_enum(PanelKind, 30))
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="panel", cascade="all, delete-orphan")

    @property
    def current_members(self) -> list[Membership]:
        return sorted((m for m in self.memberships if m.left_on is None), key=lambda m: m.user.name)


class Membership(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(db_enum(MemberRole), default=MemberRole.MEMBER)
    joined_on: Mapped[date] = mapped_column(default=lambda: utcnow().date())
    left_on: Mapped[date | None]

    panel: Mapped[Panel] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Draft(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None]
    status: Mapped[DraftStatus] = mapped_column(db_enum(DraftStatus), default=DraftStatus.PREPARING)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    panels: Mapped[list[Panel]] = relationship(secondary=draft_panels)
    sections: Mapped[list[DraftSection]] = relationship(
        back_populates="draft", order_by="(DraftSection.version, DraftSection.position)", cascade="all, delete-orphan"
    )

    def sections_of(self, version: int) -> list[DraftSection]:
        return [s for s in self.sections if s.version == version]

    @property
    def current_sections(self) -> list[DraftSection]:
        return self.sections_of(self.version)

    def accepts_comments_on(self, day: date) -> bool:
        return self.status == DraftStatus.IN_REVIEW and (self.deadline is None or day <= self.deadline)


draft_section_answers = Table(
    "draft_section_answers",
    db.metadata,
    Column("section_id", ForeignKey("draft_section.id", ondelete="CASCADE"), primary_key=True),
    Column("comment_id", ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True),
)


class DraftSection(db.Model):
    """One section of one version of a draft. Version N+1 sections point back at the section they revise."""

    __table_args__ = (UniqueConstraint("draft_id", "version", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=1)
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    component_id: Mapped[int | None] = mapped_column(ForeignKey("core_offer_component.id", ondelete="SET NULL"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("draft_section.id", ondelete="SET NULL"))

    draft: Mapped[Draft] = relationship(back_populates="sections")
    component: Mapped[CoreOfferComponent | None] = relationship()
    previous: Mapped[DraftSection | None] = relationship(remote_side=[id])
    # The comments on the previous version that this version's wording answers.
    answers_comments: Mapped[list[Comment]] = relationship(secondary=draft_section_answers, order_by="Comment.id")

    @property
    def answers_comment_ids(self) -> list[int]:
        return [comment.id for comment in self.answers_comments]

    comments: Mapped[list[Comment]] = relationship(
        back_populates="section", order_by="Comment.created_at", cascade="all, delete-orphan"
    )


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("draft_section.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    stance: Mapped[Stance] = mapped_column(db_enum(Stance))
    text: Mapped[str] = mapped_column(Text)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    section: Mapped[DraftSection] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
    decision: Mapped[CommentDecision | None] = relationship(back_populates="comment", cascade="all, delete-orphan")


class CommentDecision(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[Outcome] = mapped_column(db_enum(Outcome))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="decision")
    decided_by: Mapped[User | None] = relationship()


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PanelInvite(db.Model):
    """A link that lets one person create a member account and join a panel."""

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    panel: Mapped[Panel] = relationship()


class Application(db.Model):
    """Someone asking to join a panel; a lead accepts or declines."""

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    about: Mapped[str] = mapped_column(Text, default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ApplicationStatus] = mapped_column(db_enum(ApplicationStatus), default=ApplicationStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    panel: Mapped[Panel] = relationship()


meeting_attendance = Table(
    "meeting_attendance",
    db.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)
meeting_papers = Table(
    "meeting_papers",
    db.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("draft_id", ForeignKey("draft.id", ondelete="CASCADE"), primary_key=True),
)

ADJUSTMENTS = {
    "bsl": "British Sign Language interpreter",
    "interpreter": "Spoken language interpreter",
    "easy_read": "Easy read papers",
    "hearing_loop": "Hearing loop",
    "step_free": "Step-free access",
}


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")  # Markdown
    adjustments: Mapped[list[str]] = mapped_column(JSON, default=list)  # ADJUSTMENTS keys
    notes: Mapped[str] = mapped_column(Text, default="")  # Markdown
    actions: Mapped[str] = mapped_column(Text, default="")  # Markdown

    panel: Mapped[Panel] = relationship()
    papers: Mapped[list[Draft]] = relationship(secondary=meeting_papers)
    attended: Mapped[list[User]] = relationship(secondary=meeting_attendance, order_by="User.id")

    @property
    def attended_user_ids(self) -> list[int]:
        return [user.id for user in self.attended]


class InvolvementRecord(db.Model):
    """Time a member gave, and what they were paid or declined, per the involvement payment policy."""

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    activity: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    # Amounts in pence; a member may decline payment (for example because of benefits) and still record time.
    payment_pence: Mapped[int] = mapped_column(default=0)
    voucher_pence: Mapped[int] = mapped_column(default=0)
    expenses_pence: Mapped[int] = mapped_column(default=0)
    declined_payment: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    panel: Mapped[Panel] = relationship()
    user: Mapped[User] = relationship()


class LadderRating(db.Model):
    """A panel member's rating of how far a programme co-produces, on Think Local Act Personal's ladder."""

    __table_args__ = (CheckConstraint("rung BETWEEN 1 AND 7", name="rung_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    rung: Mapped[int]  # 1 coercion … 7 co-production
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LadderRating programme={self.programme_id} rung={self.rung}>"
