"""The retention schedule: how long each kind of data is kept, what goes next, and the daily run.

The daily run deletes through `erasure.remove`, the same path as erasing a person, so derived data (theme
assignments, embeddings, quotes, files) goes with what it came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from engage import audit
from engage.audit import AuditEvent
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.insights.models import ThemeAssignment
from engage.media.models import MediaFile
from engage.notify.models import OutboxMessage
from engage.panels.models import Application, ApplicationStatus
from engage.rights.erasure import remove
from engage.rights.holdings import Holdings
from engage.rights.models import RetentionPeriod, RightsRequest
from engage.rights.services import close_request
from engage.signals import retention_periods
from engage.surveys import importing
from engage.surveys.models import Answer, Contact, Response, ResponseStatus, Survey, SurveyStatus
from engage.timeutil import utcnow
from engage.tracker.models import LoopNotice, Quote, YouSaid, you_said_themes


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    default_days: int
    counted_from: str


KINDS = {
    kind.key: kind
    for kind in (
        Kind("responses", "Submitted survey responses, with their answers", 730, "after the survey closes"),
        Kind(
            "contacts",
            "Contact details left with a response",
            183,
            "after the last statement built on their answers is published (without one, they go with the response)",
        ),
        Kind("bsl_videos", "BSL answer videos", 90, "after the answer is interpreted into English"),
        Kind("email_bodies", "The words of sent emails", 30, "after the email is sent"),
        Kind("import_files", "Uploaded files waiting to be imported", 1, "after the upload"),
        Kind("declined_applications", "Declined applications to join a panel", 183, "after the decision"),
        Kind("audit", "The audit trail", 2190, "after the event"),
        Kind("rights_requests", "Details searched for by a data rights request left open", 90, "after it was opened"),
    )
}
MAX_DAYS = 36_500
DAYS_RANGE = f"Enter a number of days from 1 to {MAX_DAYS:,}"


class RetentionError(EngageError):
    """A retention period that cannot be set."""


def periods() -> dict[str, int]:
    """Days each kind is kept: the defaults, with an administrator's changes."""
    changed = dict(db.session.execute(select(RetentionPeriod.kind, RetentionPeriod.days)).all())
    return {key: changed.get(key, kind.default_days) for key, kind in KINDS.items()}


@retention_periods.connect
def _periods_for_notices(sender: object) -> dict[str, int]:
    """The schedule, for privacy notices."""
    del sender
    return periods()


@dataclass
class Schedule:
    kind: Kind
    days: int
    due: int  # past their date now: the next daily run deletes them
    next_at: datetime | None  # when the next of the rest comes due
    kept: int = 0  # past their date, but kept because a "you said" statement cites them


def schedule(now: datetime | None = None) -> list[Schedule]:
    """For each kind: its period, how much is due now and when the next goes."""
    now = now or utcnow()
    rows = []
    for key, days in periods().items():
        cutoff = now - timedelta(days=days)
        if key == "import_files":
            times = [_mtime(path) for path in importing.stashed_files()]
            due = sum(1 for moment in times if moment < cutoff)
            later = [moment for moment in times if moment >= cutoff]
            rows.append(Schedule(KINDS[key], days, due, min(later) + timedelta(days=days) if later else None))
            continue
        dated = _dated(key, now).subquery()
        due = db.session.execute(select(func.count()).where(dated.c.starts < cutoff)).scalar_one()
        first = db.session.execute(select(func.min(dated.c.starts)).where(dated.c.starts >= cutoff)).scalar_one()
        kept = 0
        if key == "responses":
            cited = _responses(now, cited=True).subquery()
            kept = db.session.execute(select(func.count()).where(cited.c.starts < cutoff)).scalar_one()
        rows.append(Schedule(KINDS[key], days, due, first + timedelta(days=days) if first else None, kept))
    return rows


def set_period(actor: User, key: str, days: int) -> None:
    """Change how long one kind is kept. Refused where it would pass the date of responses a statement cites."""
    if key not in KINDS:
        raise RetentionError("Choose a kind of data from the list")
    if not 1 <= days <= MAX_DAYS:
        raise RetentionError(DAYS_RANGE, "days")
    if key == "responses":
        cited = _responses(utcnow(), cited=True).subquery()
        oldest = db.session.execute(select(func.min(cited.c.starts))).scalar_one()
        if oldest is not None and oldest < utcnow() - timedelta(days=days):
            shortest = math.ceil((utcnow() - oldest) / timedelta(days=1))
            raise RetentionError(
                "Some responses that 'you said' statements cite would be past this date, and a statement's evidence "
                f"is kept while it is cited. Enter at least {shortest:,} days, or take the statements' themes off "
                "them first",
                "days",
            )
    period = db.session.get(RetentionPeriod, key) or RetentionPeriod(kind=key)
    before = period.days if period.days is not None else KINDS[key].default_days
    period.days, period.changed_by_id, period.changed_at = days, actor.id, utcnow()
    db.session.add(period)
    audit.record(actor.id, "retention_changed", None, f"kind={key} from={before} to={days}")
    db.session.flush()


def apply(now: datetime | None = None) -> dict[str, int]:
    """Delete (or, for sent emails, empty) everything past its date. Returns how many of each kind."""
    now = now or utcnow()
    days = periods()

    def due(key: str) -> list[int]:
        dated = _dated(key, now).subquery()
        query = select(dated.c.id).where(dated.c.starts < now - timedelta(days=days[key]))
        return list(db.session.execute(query).scalars())

    responses = due("responses")
    remove(_responses_held(responses))
    contacts = due("contacts")
    remove(
        Holdings(
            contacts=_load(Contact, contacts), loop_notices=_load_notices([f"contact:{ident}" for ident in contacts])
        )
    )
    videos = due("bsl_videos")
    remove(Holdings(files=_load(MediaFile, videos)))
    bodies = due("email_bodies")
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(bodies)).values(body=""))
    applications = due("declined_applications")
    remove(Holdings(applications=_load(Application, applications)))
    requests = due("rights_requests")
    for forgotten in _load(RightsRequest, requests):
        close_request(None, forgotten, "Closed by the retention schedule")
    events = due("audit")
    db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(events)))
    cutoff = (now - timedelta(days=days["import_files"])).timestamp()
    stale = [path for path in importing.stashed_files() if path.stat().st_mtime < cutoff]
    for path in stale:
        path.unlink(missing_ok=True)
    done = {
        "responses": len(responses),
        "contacts": len(contacts),
        "bsl_videos": len(videos),
        "email_bodies": len(bodies),
        "declined_applications": len(applications),
        "rights_requests": len(requests),
        "audit": len(events),
        "import_files": len(stale),
    }
    audit.record(None, "retention_applied", None, " ".join(f"{key}={n}" for key, n in done.items()))
    db.session.flush()
    return done


def _mtime(path: Any) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=utcnow().tzinfo).replace(tzinfo=None)


def _responses(now: datetime, cited: bool = False) -> Select[Any]:
    """Submitted responses to closed surveys, dated from the close; those cited by a statement, or the rest."""
    closed_by_date = and_(Survey.closes_at.is_not(None), Survey.closes_at <= now)
    starts = case((closed_by_date, Survey.closes_at), else_=Survey.updated_at)
    themed = (
        select(Answer.response_id)
        .join(ThemeAssignment, ThemeAssignment.answer_id == Answer.id)
        .join(you_said_themes, you_said_themes.c.theme_id == ThemeAssignment.theme_id)
    )
    quoted = select(Answer.response_id).join(Quote, Quote.answer_id == Answer.id)
    is_cited: ColumnElement[bool] = or_(Response.id.in_(themed), Response.id.in_(quoted))
    return (
        select(Response.id.label("id"), starts.label("starts"))
        .join(Survey, Survey.id == Response.survey_id)
        .where(
            Response.status == ResponseStatus.SUBMITTED,
            or_(Survey.status == SurveyStatus.CLOSED, closed_by_date),
            is_cited if cited else ~is_cited,
        )
    )


def _dated(key: str, now: datetime) -> Select[Any]:
    """(id, starts) for every row of this kind: it is due `days` after `starts`."""
    if key == "responses":
        return _responses(now)
    if key == "contacts":
        published = (
            select(Answer.response_id, func.max(YouSaid.published_at).label("published"))
            .join(ThemeAssignment, ThemeAssignment.answer_id == Answer.id)
            .join(you_said_themes, you_said_themes.c.theme_id == ThemeAssignment.theme_id)
            .join(YouSaid, YouSaid.id == you_said_themes.c.you_said_id)
            .where(YouSaid.published_at.is_not(None))
            .group_by(Answer.response_id)
            .subquery()
        )
        return select(Contact.id.label("id"), published.c.published.label("starts")).join(
            published, published.c.response_id == Contact.response_id
        )
    if key == "bsl_videos":
        return (
            select(MediaFile.id.label("id"), Answer.interpreted_at.label("starts"))
            .join(Answer, Answer.video_id == MediaFile.id)
            .where(Answer.interpreted_at.is_not(None))
        )
    if key == "email_bodies":
        return select(OutboxMessage.id.label("id"), OutboxMessage.sent_at.label("starts")).where(
            OutboxMessage.sent_at.is_not(None), OutboxMessage.body != ""
        )
    if key == "declined_applications":
        return select(Application.id.label("id"), Application.decided_at.label("starts")).where(
            Application.status == ApplicationStatus.DECLINED, Application.decided_at.is_not(None)
        )
    if key == "rights_requests":
        return select(RightsRequest.id.label("id"), RightsRequest.created_at.label("starts")).where(
            RightsRequest.closed_at.is_(None)
        )
    return select(AuditEvent.id.label("id"), AuditEvent.at.label("starts"))


def _load(model: Any, ids: list[int]) -> list[Any]:
    return list(db.session.execute(select(model).where(model.id.in_(ids))).scalars()) if ids else []


def _load_notices(recipients: list[str]) -> list[LoopNotice]:
    if not recipients:
        return []
    return list(db.session.execute(select(LoopNotice).where(LoopNotice.recipient.in_(recipients))).scalars())


def _responses_held(ids: list[int]) -> Holdings:
    """Responses with their answers, videos, contact details and the notices sent to those contacts."""
    if not ids:
        return Holdings()
    responses = list(
        db.session.execute(
            select(Response)
            .where(Response.id.in_(ids))
            .options(selectinload(Response.answers).selectinload(Answer.video))
        ).scalars()
    )
    contacts = list(db.session.execute(select(Contact).where(Contact.response_id.in_(ids))).scalars())
    held = Holdings(responses=responses, contacts=contacts)
    held.files = [answer.video for answer in held.answers if answer.video is not None]
    held.loop_notices = _load_notices([f"contact:{contact.id}" for contact in contacts])
    return held
