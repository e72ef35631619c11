"""The annual involvement report a programme's integrated care board publishes on how it involved people (NHS
Act 2006, s.14Z58): one financial year of reach, surveys, panels, decisions on comments, "you said, we did",
changes to the core offer and indicators, with small counts withheld as on the public board."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, func, select

from engage.extensions import db
from engage.panels import ladder
from engage.panels.models import (
    Comment,
    CommentDecision,
    Draft,
    DraftSection,
    Meeting,
    Membership,
    Outcome,
    Panel,
    draft_panels,
)
from engage.programmes.indicators import indicators_of
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Indicator, Programme
from engage.representation.services import Profile, profile, submitted
from engage.surveys.languages import name_of
from engage.surveys.models import Channel, Format, Response, Survey
from engage.tracker.models import ActionStatus, YouSaid
from engage.tracker.reach import programme_reach, safe_cells
from engage.tracker.statements import you_saids


def year_bounds(first_year: int) -> tuple[datetime, datetime]:
    """A financial year, 1 April to 31 March, as the moments it starts and ends."""
    return datetime(first_year, 4, 1), datetime(first_year + 1, 4, 1)


def year_label(first_year: int) -> str:
    return f"{first_year}/{str(first_year + 1)[-2:]}"


def current_year(today: date) -> int:
    """The financial year today falls in, by its first calendar year."""
    return today.year if today.month >= 4 else today.year - 1


@dataclass
class SurveyLine:
    title: str
    responses: int
    opened: datetime | None
    closed: datetime | None


@dataclass
class PanelLine:
    name: str
    kind: str
    members: int
    meetings: int
    drafts: int


@dataclass
class ChangeLine:
    component: str
    when: datetime
    reason: str
    because_you_said: str  # the statement's title, when an action made the change


@dataclass
class AnnualReport:
    programme: Programme
    first_year: int
    threshold: int
    responses: int  # pages show small counts as the public board does (the small_count filter)
    # (label, people) for each way of taking part and each format, only as many as may be published.
    channels: list[tuple[str, int]]
    formats: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    profile: Profile
    surveys: list[SurveyLine] = field(default_factory=list)
    panels: list[PanelLine] = field(default_factory=list)
    decisions: list[tuple[str, int]] = field(default_factory=list)
    comments: int = 0
    statements: list[YouSaid] = field(default_factory=list)
    actions_by_status: list[tuple[str, int]] = field(default_factory=list)
    changes: list[ChangeLine] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    ladder: list[ladder.Quarter] = field(default_factory=list)

    @property
    def label(self) -> str:
        return year_label(self.first_year)

    @property
    def period(self) -> str:
        return f"1 April {self.first_year} to 31 March {self.first_year + 1}"


def build(programme: Programme, first_year: int) -> AnnualReport:
    """Everything the report says about one programme and financial year."""
    start, end = year_bounds(first_year)
    threshold = int(current_app.config["SMALL_COUNT_THRESHOLD"])
    ids = submitted(programme, between=(start, end))
    total = db.session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    reach = programme_reach(programme, between=(start, end)).public(threshold)
    report = AnnualReport(
        programme=programme,
        first_year=first_year,
        threshold=threshold,
        responses=total,
        channels=[(Channel(key).label, n) for key, n in reach.by_channel],
        formats=[(Format(key).label, n) for key, n in reach.by_format],
        languages=_languages(ids, total, threshold),
        profile=profile(programme, between=(start, end)),
    )
    report.surveys = _surveys(programme, start, end, threshold)
    report.panels = _panels(programme, start, end, threshold)
    report.comments, report.decisions = _decisions(programme, start, end, threshold)
    published = [
        s for s in you_saids(programme, published_only=True) if s.published_at and start <= s.published_at < end
    ]
    report.statements = published
    statuses = Counter(action.status for statement in published for action in statement.actions)
    report.actions_by_status = [(status.label, statuses.get(status, 0)) for status in ActionStatus]
    report.changes = _changes(programme, start, end)
    report.indicators = indicators_of(programme)
    report.ladder = [q for q in ladder.history(programme) if q.label.startswith((str(first_year), str(first_year + 1)))]
    return report


def _languages(ids: Select[tuple[int]], total: int, threshold: int) -> list[tuple[str, int]]:
    """The languages responses were given in, as many as may be published."""
    counted = db.session.execute(
        select(Response.language, func.count()).where(Response.id.in_(ids)).group_by(Response.language)
    )
    return [(name_of(code), n) for code, n in safe_cells(total, dict(counted.all()), threshold)]


def _surveys(programme: Programme, start: datetime, end: datetime, threshold: int) -> list[SurveyLine]:
    counted = (
        select(Survey, func.count(Response.id))
        .outerjoin(
            Response,
            (Response.survey_id == Survey.id) & (Response.submitted_at >= start) & (Response.submitted_at < end),
        )
        .where(Survey.programme_id == programme.id)
        .group_by(Survey.id)
        .order_by(Survey.title)
    )
    return [
        SurveyLine(survey.title, n, survey.opens_at, survey.closes_at) for survey, n in db.session.execute(counted) if n
    ]


def _panels(programme: Programme, start: datetime, end: datetime, threshold: int) -> list[PanelLine]:
    lines = []
    for panel in db.session.execute(select(Panel).where(Panel.programme_id == programme.id)).scalars():
        members = db.session.execute(
            select(func.count(Membership.id)).where(
                Membership.panel_id == panel.id,
                Membership.joined_on < end.date(),
                (Membership.left_on.is_(None)) | (Membership.left_on >= start.date()),
            )
        ).scalar_one()
        meetings = db.session.execute(
            select(func.count(Meeting.id)).where(
                Meeting.panel_id == panel.id, Meeting.starts_at >= start, Meeting.starts_at < end
            )
        ).scalar_one()
        drafts = db.session.execute(
            select(func.count(Draft.id))
            .join(draft_panels, draft_panels.c.draft_id == Draft.id)
            .where(draft_panels.c.panel_id == panel.id, Draft.created_at >= start, Draft.created_at < end)
        ).scalar_one()
        lines.append(PanelLine(panel.name, panel.kind.label, members, meetings, drafts))
    return lines


def _decisions(
    programme: Programme, start: datetime, end: datetime, threshold: int
) -> tuple[int, list[tuple[str, int]]]:
    """How many panel comments were made in the year, and how the decisions made in it went (safe cells only)."""
    of_programme = select(Comment.id).join(DraftSection).join(Draft).where(Draft.programme_id == programme.id)
    made = db.session.execute(
        select(func.count()).where(Comment.id.in_(of_programme), Comment.created_at >= start, Comment.created_at < end)
    ).scalar_one()
    outcomes = Counter(
        db.session.execute(
            select(CommentDecision.outcome).where(
                CommentDecision.comment_id.in_(of_programme),
                CommentDecision.decided_at >= start,
                CommentDecision.decided_at < end,
            )
        ).scalars()
    )
    cells = {outcome.label: outcomes.get(outcome, 0) for outcome in Outcome}
    decided = sum(cells.values())
    return made, safe_cells(decided, cells, threshold)


def _changes(programme: Programme, start: datetime, end: datetime) -> list[ChangeLine]:
    query = (
        select(CoreOfferChange)
        .join(CoreOfferComponent)
        .where(
            CoreOfferComponent.programme_id == programme.id,
            CoreOfferChange.changed_at >= start,
            CoreOfferChange.changed_at < end,
        )
        .order_by(CoreOfferChange.changed_at)
    )
    return [
        ChangeLine(
            change.component.title,
            change.changed_at,
            change.reason,
            change.we_did.you_said.title if change.we_did is not None else "",
        )
        for change in db.session.execute(query).scalars()
    ]
