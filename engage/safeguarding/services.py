"""Raising and reviewing safeguarding flags. Every review step is audited."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from analysis.safeguarding import Screening, screen
from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.safeguarding.models import FlagStatus, Outcome, SafeguardingFlag
from engage.signals import answer_interpreted, response_submitted
from engage.surveys.models import Answer, Response


class ReviewError(EngageError):
    """A review step that cannot be recorded; the message is for the reviewer."""


def raise_flag(response: Response, answer: Answer, result: Screening) -> SafeguardingFlag:
    """Queue an answer for a safeguarding lead (in the caller's transaction). The respondent is not told."""
    flag = SafeguardingFlag(
        response=response,
        answer=answer,
        categories=", ".join(result.categories),
        patterns=", ".join(result.matches),
    )
    db.session.add(flag)
    audit.record(None, "safeguarding_flag_raised", flag, f"categories={flag.categories}")
    return flag


def screen_answers(response: Response, only: Answer | None = None) -> None:
    """Raise a flag for each free-text answer (or just `only`) the screen thinks may disclose risk."""
    for answer in [only] if only is not None else response.answers:
        if answer.question.kind.is_text and answer.text:
            result = screen(answer.text)
            if result.flagged:
                raise_flag(response, answer, result)


@response_submitted.connect
def _screen_response(sender: object, response: Response) -> None:
    del sender
    screen_answers(response)


@answer_interpreted.connect
def _screen_interpretation(sender: object, answer: Answer) -> None:
    """An interpretation is screened like a typed answer; a flag already raised is not repeated."""
    del sender
    if db.session.execute(select(SafeguardingFlag.id).where(SafeguardingFlag.answer_id == answer.id)).first() is None:
        screen_answers(answer.response, only=answer)


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
    detail = f"status={status.value}" + (f" outcome={outcome.value}" if outcome else "")
    audit.record(actor.id, "safeguarding_flag_reviewed", flag, detail)
    db.session.flush()


def viewed(actor: User, flag: SafeguardingFlag) -> None:
    """Reading a flagged answer is itself audited."""
    audit.record(actor.id, "safeguarding_flag_viewed", flag)
    db.session.flush()
