"""Named operations for analysis runs: scope, lifecycle, and the lead's curation of themes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import Select, delete, func, select, update

from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.insights.models import SENTIMENT_LABELS, AnalysisRun, RunStatus, Theme, ThemeAssignment, ThemeQuote
from engage.panels.models import Comment, Draft, DraftSection
from engage.programmes.models import Programme
from engage.signals import citations
from engage.surveys import results
from engage.surveys.models import Answer, Channel, Format, Question, Response, ResponseStatus, Survey
from engage.timeutil import utcnow


class InsightError(EngageError):
    """A request about an analysis that cannot be carried out; the message is for the lead."""


@dataclass(frozen=True)
class Source:
    """One text an analysis reads: a survey answer or a panel comment."""

    answer_id: int | None
    comment_id: int | None
    text: str

    @property
    def key(self) -> tuple[int | None, int | None]:
        return (self.answer_id, self.comment_id)


@dataclass
class Scope:
    question_ids: list[int]
    date_from: date | None = None
    date_to: date | None = None
    response_format: str = ""
    channel: str = ""
    n_themes: int | None = None
    include_comments: bool = False


def _settings(scope: Scope | AnalysisRun) -> dict[str, object]:
    """The scope's fields other than its questions (those are rows of their own)."""
    return {name: getattr(scope, name) for name in Scope.__dataclass_fields__ if name != "question_ids"}


def text_questions(programme: Programme) -> list[Question]:
    """Free-text questions of the programme's surveys, the things an analysis can read."""
    query = (
        select(Question)
        .join(Survey)
        .where(Survey.programme_id == programme.id, Question.kind.in_(["short_text", "long_text"]))
        .order_by(Survey.created_at, Question.position)
    )
    return list(db.session.execute(query).scalars())


def runs_for(programme: Programme) -> list[AnalysisRun]:
    query = select(AnalysisRun).where(AnalysisRun.programme_id == programme.id).order_by(AnalysisRun.id.desc())
    return list(db.session.execute(query).scalars())


def create_run(actor: User, programme: Programme, title: str, scope: Scope) -> AnalysisRun:
    """Queue a new analysis of the chosen free-text questions."""
    allowed = {q.id: q for q in text_questions(programme)}
    if not scope.question_ids and not scope.include_comments:
        raise InsightError("Select at least one question, or the panel comments, to analyse")
    if not set(scope.question_ids) <= set(allowed):
        raise InsightError("Select only questions from this programme's surveys")
    if scope.date_from and scope.date_to and scope.date_to < scope.date_from:
        raise InsightError("The end date must be on or after the start date")
    questions = [allowed[i] for i in sorted(set(scope.question_ids))]
    run = AnalysisRun(programme=programme, created_by_id=actor.id, title=title, questions=questions, **_settings(scope))
    db.session.add(run)
    audit.record(actor.id, "analysis_started", run)
    db.session.flush()
    return run


def scope_answers(run: AnalysisRun) -> list[Answer]:
    """Non-empty free-text answers the run covers, in a stable order."""
    query = (
        select(Answer)
        .join(Response)
        .where(
            Answer.question_id.in_(run.question_ids or [-1]),
            Response.status == ResponseStatus.SUBMITTED,
            Answer.text != "",
        )
        .order_by(Answer.id)
    )
    filters = results.Filters(
        date_from=run.date_from,
        date_to=run.date_to,
        response_format=Format(run.response_format) if run.response_format else None,
        channel=Channel(run.channel) if run.channel else None,
    )
    if filters.active:
        query = query.where(Answer.response_id.in_(results.submitted_ids(filters)))
    return [a for a in db.session.execute(query).scalars() if a.text.strip()]


def scope_comments(run: AnalysisRun) -> list[Comment]:
    """Panel comments (not withdrawn) on the programme's drafts, in the run's date range."""
    if not run.include_comments:
        return []
    query = (
        select(Comment)
        .join(DraftSection)
        .join(Draft)
        .where(Draft.programme_id == run.programme_id, Comment.withdrawn.is_(False))
        .order_by(Comment.id)
    )
    if run.date_from:
        query = query.where(Comment.created_at >= datetime.combine(run.date_from, time.min))
    if run.date_to:
        query = query.where(Comment.created_at < datetime.combine(run.date_to + timedelta(days=1), time.min))
    return list(db.session.execute(query).scalars())


def scope_sources(run: AnalysisRun) -> list[Source]:
    """Every text the run covers: survey answers first, then panel comments."""
    answers = [Source(a.id, None, a.text) for a in scope_answers(run)]
    return answers + [Source(None, c.id, c.text) for c in scope_comments(run) if c.text.strip()]


def request_cancel(actor: User, run: AnalysisRun) -> None:
    """Ask a queued or running analysis to stop; the job notices at its next step."""
    if run.status.finished:
        raise InsightError("This analysis has already finished")
    if run.status == RunStatus.QUEUED:
        run.status, run.finished_at, run.stage = RunStatus.CANCELLED, utcnow(), "Cancelled before it started"
    else:
        run.cancel_requested = True
    audit.record(actor.id, "analysis_cancel_requested", run)
    db.session.flush()


def cited_by(run: AnalysisRun) -> list[str]:
    """Titles of the statements that cite any theme of this run: its themes are their evidence."""
    return citations([theme.id for theme in run.themes])


def _unchanged_evidence(run: AnalysisRun, what: str) -> None:
    cited = cited_by(run)
    if cited:
        raise InsightError(
            f"You cannot {what}: its themes are the evidence for “{cited[0]}”"
            + (f" and {len(cited) - 1} more statements" if len(cited) > 1 else "")
            + ". Run the analysis again to make a new version, then move statements onto its themes."
        )


def restart(actor: User, run: AnalysisRun, *, keep_themes: bool = False) -> AnalysisRun:
    """Run the same analysis again, returning the run that will hold the results.

    A run whose themes a statement cites is never rewritten: the new results go to a new run with the same
    scope, and the statement keeps its evidence until the lead moves it. `keep_themes` (adding new answers
    to the existing themes, or splitting one) changes the run itself, so it is refused for a cited run.
    """
    if not run.status.finished:
        raise InsightError("Wait for this analysis to finish, or cancel it, before you run it again")
    if cited_by(run):
        if keep_themes:
            _unchanged_evidence(run, "change this analysis's themes")
        copy = AnalysisRun(
            programme_id=run.programme_id,
            created_by_id=actor.id,
            title=f"{run.title} (run again)"[:200],
            questions=list(run.questions),
            **_settings(run),
            seed=run.seed,
        )
        db.session.add(copy)
        audit.record(actor.id, "analysis_rerun", copy, f"from={run.id}")
        db.session.flush()
        return copy
    run.status, run.stage, run.progress, run.error = RunStatus.QUEUED, "Waiting to start", 0.0, ""
    run.cancel_requested, run.finished_at = False, None
    audit.record(actor.id, "analysis_rerun", run)
    db.session.flush()
    return run


STOPPED = "The analysis stopped unexpectedly (its process was stopped or restarted). Run it again."


def stalled_after() -> timedelta:
    """How long a running job may go without a heartbeat before it is taken to have died."""
    return timedelta(seconds=float(current_app.config["JOB_STALLED_SECONDS"]))


def check_stalled(run: AnalysisRun) -> None:
    """A running analysis that has stopped reporting (its worker died) is marked failed."""
    beat = run.heartbeat_at or run.started_at
    if run.status == RunStatus.RUNNING and beat and utcnow() - beat > stalled_after():
        run.status, run.finished_at, run.error = RunStatus.FAILED, utcnow(), STOPPED
        db.session.flush()


def assignments_query(theme: Theme, sentiment: str = "") -> Select[tuple[ThemeAssignment]]:
    """A theme's answers, optionally only those with one sentiment label."""
    query = select(ThemeAssignment).where(ThemeAssignment.theme_id == theme.id).order_by(ThemeAssignment.id)
    return query.where(ThemeAssignment.sentiment_label == sentiment) if sentiment else query


def unassigned_count(run: AnalysisRun) -> int:
    query = select(func.count()).where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id.is_(None))
    return db.session.execute(query).scalar_one()


def assigned_keys(run: AnalysisRun) -> set[tuple[int | None, int | None]]:
    rows = db.session.execute(
        select(ThemeAssignment.answer_id, ThemeAssignment.comment_id).where(ThemeAssignment.run_id == run.id)
    )
    return {(answer_id, comment_id) for answer_id, comment_id in rows}


def new_answers_count(run: AnalysisRun) -> int:
    """Texts in scope that arrived after the run and have no theme yet."""
    done = assigned_keys(run)
    return sum(1 for source in scope_sources(run) if source.key not in done)


def rename(actor: User, theme: Theme, label: str, summary: str) -> None:
    """Give a theme the lead's own name and summary."""
    theme.label, theme.summary = label, summary
    audit.record(actor.id, "theme_renamed", theme)
    db.session.flush()


def set_noise(actor: User, theme: Theme, noise: bool) -> None:
    """Mark a theme as noise (kept, but left out of counts and charts), or undo that."""
    theme.is_noise = noise
    audit.record(actor.id, "theme_noise" if noise else "theme_not_noise", theme)
    db.session.flush()


def merge(actor: User, theme: Theme, into: Theme) -> None:
    """Move every text of one theme into another of the same run, and remove the first."""
    if into.run_id != theme.run_id or into.id == theme.id:
        raise InsightError("Choose another theme from this analysis")
    _unchanged_evidence(theme.run, "merge themes of this analysis")
    db.session.execute(update(ThemeAssignment).where(ThemeAssignment.theme_id == theme.id).values(theme_id=into.id))
    total = into.size + theme.size
    into.mean_sentiment = (
        (into.mean_sentiment * into.size + theme.mean_sentiment * theme.size) / total if total else 0.0
    )
    into.size = total
    answers, comments = into.quote_answer_ids, into.quote_comment_ids
    into.quotes = ThemeQuote.of((answers + theme.quote_answer_ids)[:5], (comments + theme.quote_comment_ids)[:5])
    audit.record(actor.id, "themes_merged", into, f"from={theme.id}")
    db.session.execute(delete(Theme).where(Theme.id == theme.id))
    db.session.flush()


def sentiment_counts(run: AnalysisRun) -> dict[int | None, dict[str, int]]:
    """For each theme of a run, how many of its answers are negative, mixed, neutral and positive."""
    rows = db.session.execute(
        select(ThemeAssignment.theme_id, ThemeAssignment.sentiment_label, func.count())
        .where(ThemeAssignment.run_id == run.id)
        .group_by(ThemeAssignment.theme_id, ThemeAssignment.sentiment_label)
    )
    counts: dict[int | None, dict[str, int]] = {}
    for theme_id, label, n in rows:
        counts.setdefault(theme_id, dict.fromkeys(SENTIMENT_LABELS, 0))[label] = n
    return counts


@dataclass
class Overlap:
    theme: Theme
    size: int
    matches: list[tuple[Theme, int]]  # themes of the other run sharing answers, most shared first


def compare(first: AnalysisRun, second: AnalysisRun) -> list[Overlap]:
    """For each theme of the first run, which themes of the second run hold the same answers."""
    if first.programme_id != second.programme_id:
        raise InsightError("Compare analyses of the same programme")
    rows_b = db.session.execute(
        select(ThemeAssignment.answer_id, ThemeAssignment.theme_id).where(ThemeAssignment.run_id == second.id)
    )
    other = {answer_id: theme_id for answer_id, theme_id in rows_b}
    themes_b = {t.id: t for t in second.themes}
    rows = []
    for theme in first.themes:
        answers = db.session.execute(
            select(ThemeAssignment.answer_id).where(ThemeAssignment.theme_id == theme.id)
        ).scalars()
        shared: dict[int, int] = {}
        for answer_id in answers:
            match = other.get(answer_id)
            if match in themes_b:
                shared[match] = shared.get(match, 0) + 1
        matches = sorted(((themes_b[k], n) for k, n in shared.items()), key=lambda item: -item[1])[:3]
        rows.append(Overlap(theme, theme.size, matches))
    return rows
