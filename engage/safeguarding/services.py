"""Raising and reviewing safeguarding flags. Every review step is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, or_, select

from analysis.safeguarding import screen
from engage import audit
from engage.auth.models import Role, User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.notify.services import absolute_url, compose, notify
from engage.panels.models import Application, Comment
from engage.safeguarding.models import FlagStatus, Outcome, SafeguardingFlag
from engage.signals import drafts_expiring, response_submitted, text_written, words_flagged, words_held
from engage.surveys.models import Answer, Response
from engage.timeutil import utcnow


class ReviewError(EngageError):
    """A review step that cannot be recorded; the message is for the reviewer."""


Source = Answer | Comment | Application
COLUMNS = {
    Answer: SafeguardingFlag.answer_id,
    Comment: SafeguardingFlag.comment_id,
    Application: SafeguardingFlag.application_id,
}


def flag_for(source: Source) -> SafeguardingFlag | None:
    if source.id is None:
        return None
    column = COLUMNS[type(source)]
    return db.session.execute(select(SafeguardingFlag).where(column == source.id)).scalar_one_or_none()


def _words(source: Source) -> str:
    if isinstance(source, Answer):
        # Words in another language are screened as written too, and again once translated into English.
        return "\n".join(w for w in (source.text, source.original_text) if w) if source.question.kind.is_text else ""
    if isinstance(source, Application):
        return f"{source.about}\n{source.access_needs}"
    return source.text


def screen_source(source: Source) -> SafeguardingFlag | None:
    """Screen someone's words as they are saved; raise (or reopen) the one flag these words have.

    Saving the same words again never makes a second flag. Words changed after a review cleared them are
    looked at again.
    """
    text = _words(source)
    if not text.strip():
        return None
    result = screen(text)
    if not result.flagged:
        return None
    flag = flag_for(source)
    categories, patterns = ", ".join(result.categories)[:200], ", ".join(result.matches)[:300]
    if flag is not None and flag.status != FlagStatus.CLOSED:
        flag.categories, flag.patterns = categories, patterns
        return flag
    if flag is not None:  # cleared before, and now the words say something that needs a look
        flag.status, flag.outcome, flag.reviewed_at = FlagStatus.NEW, None, None
        flag.categories, flag.patterns = categories, patterns
        audit.record(None, "safeguarding_flag_reopened", flag, f"categories={categories}")
    else:
        flag = SafeguardingFlag(categories=categories, patterns=patterns)
        if isinstance(source, Answer):
            flag.answer, flag.response = source, source.response
        elif isinstance(source, Comment):
            flag.comment = source
        else:
            flag.application = source
        db.session.add(flag)
        audit.record(None, "safeguarding_flag_raised", flag, f"categories={categories}")
    db.session.flush()
    if flag.application_id is None:  # an application is never quoted
        words_flagged.send(None, answer_id=flag.answer_id, comment_id=flag.comment_id)
    tell_safeguarding_leads()
    return flag


@text_written.connect
def _screen_words(sender: object, source: Source) -> None:
    del sender
    screen_source(source)


@response_submitted.connect
def _screen_response(sender: object, response: Response) -> None:
    """A whole response at once (paper, phone, import, or sent online): every answer in it."""
    del sender
    for answer in response.answers:
        screen_source(answer)


def _open_or_confirmed() -> ColumnElement[bool]:
    """Flags whose words are held back: waiting for review, or reviewed and not cleared."""
    return or_(SafeguardingFlag.status != FlagStatus.CLOSED, SafeguardingFlag.outcome != Outcome.NO_ACTION)


@words_held.connect
def _held(sender: object, answer_ids: Any, comment_ids: Any) -> tuple[set[int], set[int]]:
    del sender
    held = _open_or_confirmed()
    answers = select(SafeguardingFlag.answer_id).where(SafeguardingFlag.answer_id.in_(answer_ids), held)
    comments = select(SafeguardingFlag.comment_id).where(SafeguardingFlag.comment_id.in_(comment_ids), held)
    return set(db.session.execute(answers).scalars()), set(db.session.execute(comments).scalars())


@drafts_expiring.connect
def _keep_flagged_drafts(sender: object, response_ids: Any) -> set[int]:
    """A draft whose words wait for review is kept (with any contact the person left) until it is reviewed."""
    del sender
    query = select(SafeguardingFlag.response_id).where(
        SafeguardingFlag.response_id.in_(response_ids), SafeguardingFlag.status != FlagStatus.CLOSED
    )
    return {ident for ident in db.session.execute(query).scalars() if ident is not None}


def waiting() -> int:
    return db.session.execute(select(func.count()).where(SafeguardingFlag.status != FlagStatus.CLOSED)).scalar_one()


def tell_safeguarding_leads() -> None:
    """Email every safeguarding lead at once: a link and the number waiting, never the words themselves."""
    count = waiting()
    link = absolute_url("safeguarding.queue")
    for user in _users(Role.SAFEGUARDING):
        notify(user, "safeguarding_flag", compose("safeguarding_flag", user=user, count=count, link=link))


def _users(role: Role) -> list[User]:
    return list(db.session.execute(select(User).where(User.role == role, User.active.is_(True))).scalars())


def escalate_overdue() -> int:
    """Tell the administrators about flags no one has reviewed in SAFEGUARDING_ESCALATE_HOURS. Each flag once."""
    hours = int(current_app.config["SAFEGUARDING_ESCALATE_HOURS"])
    query = select(SafeguardingFlag).where(
        SafeguardingFlag.status == FlagStatus.NEW,
        SafeguardingFlag.escalated_at.is_(None),
        SafeguardingFlag.created_at < utcnow() - timedelta(hours=hours),
    )
    overdue = list(db.session.execute(query).scalars())
    if overdue:
        link = absolute_url("safeguarding.queue")
        for admin in _users(Role.ADMIN):
            notify(
                admin,
                "safeguarding_overdue",
                compose("safeguarding_overdue", count=len(overdue), hours=hours, link=link),
            )
        for flag in overdue:
            flag.escalated_at = utcnow()
            audit.record(None, "safeguarding_flag_escalated", flag)
        db.session.flush()
    return len(overdue)


def queue_query(status: FlagStatus | None) -> Select[tuple[SafeguardingFlag]]:
    """Flags, oldest unresolved first."""
    query = select(SafeguardingFlag).order_by(SafeguardingFlag.created_at, SafeguardingFlag.id)
    if status is not None:
        query = query.where(SafeguardingFlag.status == status)
    return query


def counts_by_status() -> dict[FlagStatus, int]:
    rows = db.session.execute(select(SafeguardingFlag.status, func.count()).group_by(SafeguardingFlag.status)).all()
    counts = dict.fromkeys(FlagStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def review(actor: User, flag: SafeguardingFlag, *, status: FlagStatus, outcome: Outcome | None, notes: str) -> None:
    """Record a review step: who, status, outcome and notes."""
    if status == FlagStatus.CLOSED and outcome is None:
        raise ReviewError("Select an outcome before you close the flag")
    flag.status, flag.outcome, flag.notes, flag.reviewer_id = status, outcome, notes, actor.id
    flag.reviewed_at = utcnow() if status == FlagStatus.CLOSED else None
    detail = f"status={status.value}" + (f" outcome={outcome.value}" if outcome else "")
    audit.record(actor.id, "safeguarding_flag_reviewed", flag, detail)
    db.session.flush()


def viewed(actor: User, flag: SafeguardingFlag) -> None:
    """Reading a flagged answer is itself audited."""
    audit.record(actor.id, "safeguarding_flag_viewed", flag)
    db.session.flush()


def review_times() -> tuple[float | None, int]:
    """The median hours from flag to closed review, and how many open flags are past the escalation time."""
    rows = db.session.execute(
        select(SafeguardingFlag.created_at, SafeguardingFlag.reviewed_at).where(
            SafeguardingFlag.reviewed_at.is_not(None)
        )
    ).all()
    hours = sorted((reviewed - created).total_seconds() / 3600 for created, reviewed in rows)
    median = (hours[len(hours) // 2] + hours[(len(hours) - 1) // 2]) / 2 if hours else None
    limit = utcnow() - timedelta(hours=int(current_app.config["SAFEGUARDING_ESCALATE_HOURS"]))
    overdue = db.session.execute(
        select(func.count()).where(SafeguardingFlag.status == FlagStatus.NEW, SafeguardingFlag.created_at < limit)
    ).scalar_one()
    return median, overdue
