"""Analysis runs over free text, the themes they find, and which text went to which theme."""

from __future__ import annotations

import enum
import hashlib
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

if TYPE_CHECKING:
    from engage.panels.models import Comment

from analysis.embeddings import VERSION as EMBEDDING_VERSION
from analysis.sentiment import KINDS, LABELS
from engage.auth.models import User
from engage.extensions import db
from engage.modeltypes import db_enum
from engage.programmes.models import Programme
from engage.surveys.models import Answer, Question
from engage.timeutil import utcnow

SENTIMENT_LABELS = LABELS
# What a comment does, as the theme pages count it, and how they name each kind.
KIND_NAMES = dict(zip(KINDS, ("Praise", "Complaints", "Suggestions", "Mixed", "Other"), strict=True))


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)


class TextEmbedding(db.Model):
    """An embedding computed once per distinct text, so re-theming skips the slowest step."""

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the text
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float16

    @staticmethod
    def digest_of(text: str) -> str:
        # The embedding version is part of the key: vectors stored by an earlier model are never reused.
        return hashlib.sha256(f"{EMBEDDING_VERSION}\0{text}".encode()).hexdigest()


run_questions = Table(
    "analysis_run_questions",
    db.metadata,
    Column("run_id", ForeignKey("analysis_run.id", ondelete="CASCADE"), primary_key=True),
    Column("question_id", ForeignKey("question.id", ondelete="CASCADE"), primary_key=True),
)


class AnalysisRun(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(String(200))
    # Scope: which survey questions' answers (analysis_run_questions), and which responses.
    date_from: Mapped[date | None]
    date_to: Mapped[date | None]
    response_format: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(20), default="")
    n_themes: Mapped[int | None]
    # Also theme the panel comments on the programme's drafts (in the date range, if one is set).
    include_comments: Mapped[bool] = mapped_column(default=False, server_default="0")
    seed: Mapped[int] = mapped_column(default=0)
    status: Mapped[RunStatus] = mapped_column(db_enum(RunStatus), default=RunStatus.QUEUED, index=True)
    stage: Mapped[str] = mapped_column(String(100), default="Waiting to start")
    progress: Mapped[float] = mapped_column(default=0.0)
    error: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # Last sign of life from the job: a run that stops updating is marked failed.
    heartbeat_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    text_count: Mapped[int] = mapped_column(default=0)

    programme: Mapped[Programme] = relationship()
    created_by: Mapped[User | None] = relationship()
    questions: Mapped[list[Question]] = relationship(secondary=run_questions, order_by="Question.id")
    themes: Mapped[list[Theme]] = relationship(
        back_populates="run", order_by="Theme.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<AnalysisRun {self.id} {self.status.value if self.status else ''}>"

    @property
    def question_ids(self) -> list[int]:
        return [question.id for question in self.questions]


class Theme(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    machine_label: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(default=0)
    mean_sentiment: Mapped[float] = mapped_column(default=0.0)
    is_noise: Mapped[bool] = mapped_column(default=False)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)  # float32, unit length

    run: Mapped[AnalysisRun] = relationship(back_populates="themes")
    # Representative texts, nearest the theme's centre.
    quotes: Mapped[list[ThemeQuote]] = relationship(
        order_by="ThemeQuote.position", cascade="all, delete-orphan", back_populates="theme"
    )

    def __repr__(self) -> str:
        return f"<Theme {self.id} of run {self.run_id}>"

    @property
    def quote_answer_ids(self) -> list[int]:
        return [quote.answer_id for quote in self.quotes if quote.answer_id is not None]

    @property
    def quote_comment_ids(self) -> list[int]:
        return [quote.comment_id for quote in self.quotes if quote.comment_id is not None]


# A row that reads one text points at exactly one of a survey answer and a panel comment.
ONE_SOURCE = "(answer_id IS NULL) <> (comment_id IS NULL)"


class ThemeQuote(db.Model):
    """One of a theme's representative texts: a survey answer or a panel comment."""

    __table_args__ = (CheckConstraint(ONE_SOURCE, name="one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))

    theme: Mapped[Theme] = relationship(back_populates="quotes")

    @classmethod
    def of(cls, answer_ids: list[int], comment_ids: list[int]) -> list[ThemeQuote]:
        """Quotes in order: answers first, then comments."""
        sources = [(i, None) for i in answer_ids] + [(None, i) for i in comment_ids]
        return [cls(position=n, answer_id=a, comment_id=c) for n, (a, c) in enumerate(sources)]


class ThemeOutcome(db.Model):
    """A theme Engage found that a lead merged into another or split, kept after the theme itself is gone, so
    a run can show what leads did with its machine themes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"), index=True)
    machine_label: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))  # as the lead had named it
    outcome: Mapped[str] = mapped_column(String(10))  # "merged" or "split"
    detail: Mapped[str] = mapped_column(String(600), default="")  # the theme it went into, or its parts
    at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def of(cls, theme: Theme, outcome: str, detail: str) -> ThemeOutcome:
        """The record of a theme about to be removed by a merge or a split."""
        return cls(
            run_id=theme.run_id, machine_label=theme.machine_label, label=theme.label, outcome=outcome, detail=detail
        )


class ReadsOneText:
    """A row about one text: a survey answer or a panel comment, exactly one of them (ONE_SOURCE)."""

    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def answer(cls) -> Mapped[Answer | None]:
        return relationship("Answer")

    @declared_attr
    def comment(cls) -> Mapped[Comment | None]:
        return relationship("Comment")

    @property
    def text(self) -> str:
        source = self.answer if self.answer is not None else self.comment
        return source.text if source is not None else ""


# A text's other themes: those it raises beside its own (analysis.themes.secondary_themes).
secondary_links = Table(
    "secondary_theme",
    db.metadata,
    Column("assignment_id", ForeignKey("theme_assignment.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ThemeAssignment(ReadsOneText, db.Model):
    __table_args__ = (CheckConstraint(ONE_SOURCE, name="one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    sentiment: Mapped[float] = mapped_column(default=0.0)
    # positive, negative, mixed or neutral (analysis.sentiment.assess)
    sentiment_label: Mapped[str] = mapped_column(String(10), default="neutral")
    # praise, complaint, suggestion, mixed or other (analysis.sentiment.kind)
    kind: Mapped[str] = mapped_column(String(12), default="other", server_default="other")

    theme: Mapped[Theme | None] = relationship()
    also: Mapped[list[Theme]] = relationship(secondary=secondary_links, order_by="Theme.position")


class Codebook(enum.StrEnum):
    CORE_OFFER = "core_offer"
    FRAMEWORK = "framework"

    @property
    def label(self) -> str:
        return "Core offer components" if self is Codebook.CORE_OFFER else "NHS patient experience framework"


class TextCode(ReadsOneText, db.Model):
    """A code a run gave one text (applied), or the likeliest one it did not give (for a lead to check)."""

    __table_args__ = (CheckConstraint(ONE_SOURCE, name="one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"), index=True)
    codebook: Mapped[Codebook] = mapped_column(db_enum(Codebook))
    key: Mapped[str] = mapped_column(String(200))  # the framework category, or the core offer component's id
    name: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(default=0.0)
    applied: Mapped[bool] = mapped_column(default=True)
    by_lead: Mapped[bool] = mapped_column(default=False)  # a lead said so (CodeCorrection)

    run: Mapped[AnalysisRun] = relationship()

    def __repr__(self) -> str:
        return f"<TextCode {self.id} {self.codebook.value if self.codebook else ''} {self.key!r} of run {self.run_id}>"


class CodeCorrection(ReadsOneText, db.Model):
    """A lead's word on whether a text has a code: kept for the programme, and used by every later run."""

    __table_args__ = (CheckConstraint(ONE_SOURCE, name="one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    codebook: Mapped[Codebook] = mapped_column(db_enum(Codebook))
    key: Mapped[str] = mapped_column(String(200))
    applies: Mapped[bool]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CodeCorrection {self.id} {self.key!r} {'applies' if self.applies else 'does not apply'}>"
