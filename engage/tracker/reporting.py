"""What the public board shows, and what a lead has still to respond to."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus, Theme, ThemeAssignment
from engage.panels.models import Comment
from engage.programmes.models import Programme
from engage.surveys.models import Answer, Response
from engage.timeutil import utcnow
from engage.tracker.actions import last_update_at
from engage.tracker.models import ActionStatus, WeDid, YouSaid
from engage.tracker.statements import TrackerError, you_saids

BOARD_STATUSES = {s.value for s in ActionStatus}


@dataclass
class BoardFilters:
    component_id: int | None = None
    status: ActionStatus | None = None


def board_filters(programme: Programme, component: str, status: str) -> BoardFilters:
    """Check the board's filters; unknown values are refused with a message, never a server error."""
    filters = BoardFilters()
    if component:
        if not component.isdecimal() or int(component) not in {c.id for c in programme.components}:
            raise TrackerError("There is no such part of the core offer in this programme", "component")
        filters.component_id = int(component)
    if status:
        if status not in BOARD_STATUSES:
            raise TrackerError("Choose a status from the list", "status")
        filters.status = ActionStatus(status)
    return filters


def board_items(published: list[YouSaid], filters: BoardFilters) -> list[YouSaid]:
    """The published statements whose actions match the filters (all of them when no filter is set)."""
    if filters.component_id is None and filters.status is None:
        return published

    def matches(action: WeDid) -> bool:
        if filters.component_id is not None and filters.component_id not in {c.id for c in action.components}:
            return False
        return filters.status is None or action.status == filters.status

    return [item for item in published if any(matches(a) for a in item.actions)]


@dataclass
class BoardCharts:
    themes_total: int
    themes_answered: int  # linked to a published statement with at least one action
    themes_said: int  # linked to a published statement with no action yet
    actions_by_status: dict[ActionStatus, int]

    @property
    def theme_rows(self) -> list[tuple[str, int]]:
        waiting = self.themes_total - self.themes_answered - self.themes_said
        return [
            ("Themes with an action", self.themes_answered),
            ("Themes published, action to follow", self.themes_said),
            ("Themes not yet responded to", waiting),
        ]

    @property
    def status_rows(self) -> list[tuple[str, int]]:
        return [(status.label, n) for status, n in self.actions_by_status.items()]

    @property
    def actions_total(self) -> int:
        return sum(self.actions_by_status.values())


def board_charts(programme: Programme, published: list[YouSaid]) -> BoardCharts:
    """What the board's charts count, over all of the programme's published statements."""
    themes = {t.id for t in latest_themes(programme)}
    answered: set[int] = set()
    said: set[int] = set()
    statuses: Counter[ActionStatus] = Counter()
    for item in published:
        linked = {t.id for t in item.themes} & themes
        (answered if item.actions else said).update(linked)
        statuses.update(a.status for a in item.actions)
    return BoardCharts(len(themes), len(answered), len(said - answered), {s: statuses[s] for s in ActionStatus})


def latest_themes(programme: Programme) -> list[Theme]:
    """The themes of the programme's most recent finished analysis: what people are saying now."""
    run = (
        db.session.execute(
            select(AnalysisRun)
            .where(AnalysisRun.programme_id == programme.id, AnalysisRun.status == RunStatus.DONE)
            .order_by(AnalysisRun.finished_at.desc(), AnalysisRun.id.desc())
        )
        .scalars()
        .first()
    )
    if run is None:
        return []
    return [t for t in run.themes if not t.is_noise]


# Coverage for leads


@dataclass
class Coverage:
    themes_without_statement: list[Theme]
    statements_without_action: list[YouSaid]
    stale_actions: list[WeDid]
    median_days_to_action: float | None
    stale_days: int


def _first_heard(theme: Theme) -> datetime | None:
    answered = db.session.execute(
        select(func.min(Response.submitted_at))
        .join(Answer, Answer.response_id == Response.id)
        .join(ThemeAssignment, ThemeAssignment.answer_id == Answer.id)
        .where(ThemeAssignment.theme_id == theme.id)
    ).scalar_one()
    commented = db.session.execute(
        select(func.min(Comment.created_at))
        .join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id)
        .where(ThemeAssignment.theme_id == theme.id)
    ).scalar_one()
    return min([t for t in (answered, commented) if t is not None], default=None)


def coverage(programme: Programme, stale_days: int) -> Coverage:
    statements = you_saids(programme)
    linked = {t.id for s in statements for t in s.themes}
    first_action: dict[int, datetime] = {}
    for statement in statements:
        for action in statement.actions:
            for theme in statement.themes:
                if theme.id not in first_action or action.created_at < first_action[theme.id]:
                    first_action[theme.id] = action.created_at
    delays = []
    for theme_id, acted in first_action.items():
        theme = db.session.get(Theme, theme_id)
        heard = _first_heard(theme) if theme is not None else None
        if heard is not None:
            delays.append(max(0.0, (acted - heard).total_seconds() / 86400))
    cutoff = utcnow() - timedelta(days=stale_days)
    open_actions = [
        a
        for s in statements
        for a in s.actions
        if a.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and last_update_at(a) < cutoff
    ]
    return Coverage(
        themes_without_statement=[t for t in latest_themes(programme) if t.id not in linked],
        statements_without_action=[s for s in statements if not s.actions],
        stale_actions=open_actions,
        median_days_to_action=round(statistics.median(delays), 1) if delays else None,
        stale_days=stale_days,
    )
