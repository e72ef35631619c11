"""Named operations for analysis runs: scope, lifecycle, and the lead's curation of themes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, case, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from analysis.redact import redact
from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.insights.models import (
    KIND_NAMES,
    AnalysisRun,
    RunStatus,
    TextEmbedding,
    Theme,
    ThemeAssignment,
    ThemeOutcome,
    ThemeQuote,
    secondary_links,
)
from engage.panels.models import Comment
from engage.panels.services import programme_comments_query
from engage.programmes.models import Programme
from engage.signals import answer_sentiments, citations, held_back, words_erased
from engage.surveys import results
from engage.surveys.models import Answer, Channel, Format, Question, Response, ResponseStatus, Survey
from engage.timeutil import end_of, utcnow


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


@dataclass
class ThemeRecord:
    """What leads did with the themes Engage found in one run (splits count their parts as found too)."""

    kept: int = 0
    renamed: int = 0  # of those kept
    set_aside: int = 0
    merged: int = 0
    split: int = 0

    @property
    def found(self) -> int:
        return self.kept + self.set_aside + self.merged + self.split

    @property
    def kept_share(self) -> float:
        return self.kept / self.found if self.found else 0.0


def theme_records(runs: list[AnalysisRun]) -> dict[int, ThemeRecord]:
    """For each run, its themes kept, renamed, set aside, merged away and split: two queries for any number."""
    ids = [run.id for run in runs]
    records = {run_id: ThemeRecord() for run_id in ids}
    renamed = func.sum(case((Theme.label != Theme.machine_label, 1), else_=0))
    for run_id, is_noise, n, n_renamed in db.session.execute(
        select(Theme.run_id, Theme.is_noise, func.count(), renamed)
        .where(Theme.run_id.in_(ids))
        .group_by(Theme.run_id, Theme.is_noise)
    ):
        if is_noise:
            records[run_id].set_aside = n
        else:
            records[run_id].kept, records[run_id].renamed = n, int(n_renamed or 0)
    for run_id, outcome, n in db.session.execute(
        select(ThemeOutcome.run_id, ThemeOutcome.outcome, func.count())
        .where(ThemeOutcome.run_id.in_(ids))
        .group_by(ThemeOutcome.run_id, ThemeOutcome.outcome)
    ):
        setattr(records[run_id], outcome, n)
    return records


def theme_outcomes(run: AnalysisRun) -> list[ThemeOutcome]:
    """The run's themes that leads merged or split, oldest first."""
    query = select(ThemeOutcome).where(ThemeOutcome.run_id == run.id).order_by(ThemeOutcome.id)
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
    return [a for a in db.session.execute(_scope_answers_query(run)).scalars() if a.text.strip()]


def _scope_answers_query(run: AnalysisRun) -> Select[tuple[Answer]]:
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
    return query


def scope_comments(run: AnalysisRun) -> list[Comment]:
    """Panel comments (not withdrawn) on the programme's drafts, in the run's date range."""
    if not run.include_comments:
        return []
    return list(db.session.execute(_scope_comments_query(run)).scalars())


def _scope_comments_query(run: AnalysisRun) -> Select[tuple[Comment]]:
    query = programme_comments_query(run.programme_id)
    if run.date_from:
        query = query.where(Comment.created_at >= datetime.combine(run.date_from, time.min))
    if run.date_to and (end := end_of(run.date_to)):
        query = query.where(Comment.created_at < end)
    return query


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
    if keep_themes:
        _unchanged_evidence(run, "change this analysis's themes")
    elif cited_by(run):
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


def assignments_query(theme: Theme, kind: str = "", *, also: bool = False) -> Select[tuple[ThemeAssignment]]:
    """A theme's answers, optionally only the praise, complaints or suggestions..., with their texts loaded.

    With `also`, instead the texts mainly about another theme that raise this one too.
    """
    query = select(ThemeAssignment).options(
        selectinload(ThemeAssignment.answer),
        selectinload(ThemeAssignment.comment),
        selectinload(ThemeAssignment.also),
        selectinload(ThemeAssignment.theme),
    )
    if also:
        query = query.join(secondary_links).where(secondary_links.c.theme_id == theme.id)
    else:
        query = query.where(ThemeAssignment.theme_id == theme.id)
    query = query.order_by(ThemeAssignment.id)
    return query.where(ThemeAssignment.kind == kind) if kind else query


def also_counts(run: AnalysisRun) -> dict[int, int]:
    """For each theme of a run, how many texts mainly about another theme raise it too."""
    rows = db.session.execute(
        select(secondary_links.c.theme_id, func.count())
        .join(Theme, Theme.id == secondary_links.c.theme_id)
        .where(Theme.run_id == run.id)
        .group_by(secondary_links.c.theme_id)
    )
    return dict(rows.all())


def breakdowns(theme: Theme) -> list[tuple[str, list[tuple[str, int]]]]:
    """How the theme's texts divide by source, survey, question, format, channel and equality group.

    Counted by the database, in a fixed number of queries however many texts the theme has.
    """
    in_theme = ThemeAssignment.theme_id == theme.id
    answers = select(ThemeAssignment.answer_id).where(in_theme, ThemeAssignment.answer_id.is_not(None))
    n_answers = db.session.execute(select(func.count()).select_from(answers.subquery())).scalar_one()
    n_comments = db.session.execute(
        select(func.count()).where(in_theme, ThemeAssignment.comment_id.is_not(None))
    ).scalar_one()
    by_source = Counter({"Survey answer": n_answers, "Panel comment": n_comments})
    by_survey: Counter[str] = Counter()
    by_question: Counter[str] = Counter()
    for title, prompt, n in db.session.execute(
        select(Survey.title, Question.prompt, func.count())
        .select_from(Answer)
        .join(Question, Question.id == Answer.question_id)
        .join(Survey, Survey.id == Question.survey_id)
        .where(Answer.id.in_(answers))
        .group_by(Survey.title, Question.prompt)
    ):
        by_survey[title] += n
        by_question[prompt] += n
    by_format: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    responses = select(Answer.response_id).where(Answer.id.in_(answers))
    for formats, channel, n in db.session.execute(
        select(Response.formats, Response.channel, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.id.in_(answers))
        .group_by(Response.formats, Response.channel)
    ):
        for value in filter(None, (formats or "").split(",")):
            by_format[value.replace("_", " ")] += n
        by_channel[channel.value] += n
    groups: Counter[str] = Counter()
    for key, choices in db.session.execute(
        select(Question.equality_key, Answer.choices)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id.in_(responses), Question.equality_key.is_not(None), Question.equality_key != "")
    ):
        if choices:
            groups[f"{key.replace('_', ' ')}: {choices[0]}"] += 1
    sections = [("Source", +by_source), ("Survey", by_survey), ("Question", by_question), ("Format", by_format)]
    sections.append(("Channel", by_channel))
    if groups:
        sections.append(("Equality group", groups))
    return [(name, counter.most_common()) for name, counter in sections]


def unassigned_count(run: AnalysisRun) -> int:
    query = select(func.count()).where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id.is_(None))
    return db.session.execute(query).scalar_one()


def assigned_keys(run: AnalysisRun) -> set[tuple[int | None, int | None]]:
    rows = db.session.execute(
        select(ThemeAssignment.answer_id, ThemeAssignment.comment_id).where(ThemeAssignment.run_id == run.id)
    )
    return {(answer_id, comment_id) for answer_id, comment_id in rows}


def new_answers_count(run: AnalysisRun) -> int:
    """Texts in scope that arrived after the run and have no theme yet (counted by the database)."""
    in_run = select(ThemeAssignment.id).where(ThemeAssignment.run_id == run.id)
    answers = _scope_answers_query(run).where(
        func.trim(Answer.text) != "", ~in_run.where(ThemeAssignment.answer_id == Answer.id).exists()
    )
    count = _count(answers)
    if run.include_comments:
        comments = _scope_comments_query(run).where(
            func.trim(Comment.text) != "", ~in_run.where(ThemeAssignment.comment_id == Comment.id).exists()
        )
        count += _count(comments)
    return count


def _count(query: Select[Any]) -> int:
    return db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()


def rename(actor: User, theme: Theme, label: str, summary: str) -> None:
    """Give a theme the lead's own name and summary."""
    theme.label, theme.summary = label, summary
    audit.record(actor.id, "theme_renamed", theme)
    db.session.flush()


def set_noise(actor: User, theme: Theme, noise: bool) -> None:
    """Set a theme aside (kept, but left out of counts and charts), or bring it back."""
    theme.is_noise = noise
    audit.record(actor.id, "theme_noise" if noise else "theme_not_noise", theme)
    db.session.flush()


def check_merge(theme: Theme, into: Theme | None) -> Theme:
    """Refuse a merge that cannot be made, before the lead is asked to confirm it."""
    if into is None or into.run_id != theme.run_id or into.id == theme.id:
        raise InsightError("Choose another theme from this analysis")
    _unchanged_evidence(theme.run, "merge themes of this analysis")
    return into


def merge(actor: User, theme: Theme, into: Theme) -> None:
    """Move every text of one theme into another of the same run, and remove the first."""
    check_merge(theme, into)
    db.session.execute(update(ThemeAssignment).where(ThemeAssignment.theme_id == theme.id).values(theme_id=into.id))
    _merge_secondary(theme, into)
    total = into.size + theme.size
    into.mean_sentiment = (
        (into.mean_sentiment * into.size + theme.mean_sentiment * theme.size) / total if total else 0.0
    )
    into.size = total
    answers, comments = into.quote_answer_ids, into.quote_comment_ids
    into.quotes = ThemeQuote.of((answers + theme.quote_answer_ids)[:5], (comments + theme.quote_comment_ids)[:5])
    audit.record(actor.id, "themes_merged", into, f"from={theme.id}")
    db.session.add(ThemeOutcome.of(theme, "merged", into.label))
    db.session.execute(delete(Theme).where(Theme.id == theme.id))
    db.session.flush()


def _merge_secondary(theme: Theme, into: Theme) -> None:
    """Texts that also raised the merged theme now also raise the theme it went into, unless it is their own
    or they raised it already."""
    link = secondary_links.c
    already = select(link.assignment_id).where(link.theme_id == into.id)
    own = select(ThemeAssignment.id).where(ThemeAssignment.theme_id == into.id)
    db.session.execute(
        delete(secondary_links).where(
            link.theme_id == theme.id, or_(link.assignment_id.in_(already), link.assignment_id.in_(own))
        )
    )
    db.session.execute(update(secondary_links).where(link.theme_id == theme.id).values(theme_id=into.id))
    db.session.execute(delete(secondary_links).where(link.theme_id == into.id, link.assignment_id.in_(own)))


@words_erased.connect
def _forget_erased_words(sender: object, answer_ids: list[int], comment_ids: list[int]) -> None:
    """A person's words are being erased: forget their stored embeddings, and take them out of the sizes of
    their themes and the counts of their runs (their theme assignments and theme quotes go with the words)."""
    del sender
    texts = db.session.execute(select(Answer.text).where(Answer.id.in_(answer_ids))).scalars().all()
    texts += db.session.execute(select(Comment.text).where(Comment.id.in_(comment_ids))).scalars().all()
    digests = [TextEmbedding.digest_of(text) for text in texts]
    db.session.execute(delete(TextEmbedding).where(TextEmbedding.digest.in_(digests)))
    read = or_(ThemeAssignment.answer_id.in_(answer_ids), ThemeAssignment.comment_id.in_(comment_ids))
    for theme_id, n in db.session.execute(
        select(ThemeAssignment.theme_id, func.count()).where(read).group_by(ThemeAssignment.theme_id)
    ):
        if theme_id is not None:
            db.session.execute(update(Theme).where(Theme.id == theme_id).values(size=Theme.size - n))
    for run_id, n in db.session.execute(
        select(ThemeAssignment.run_id, func.count()).where(read).group_by(ThemeAssignment.run_id)
    ):
        count = AnalysisRun.text_count - n
        db.session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id).values(text_count=count))
    db.session.execute(delete(ThemeAssignment).where(read))
    db.session.execute(
        delete(ThemeQuote).where(or_(ThemeQuote.answer_id.in_(answer_ids), ThemeQuote.comment_id.in_(comment_ids)))
    )


@answer_sentiments.connect
def _latest_sentiments(sender: object, answer_ids: Any) -> dict[int, tuple[float, str]]:
    """Sentiment from the latest finished analysis that read each answer (later runs overwrite earlier ones)."""
    del sender
    batches = (
        [answer_ids[i : i + 500] for i in range(0, len(answer_ids), 500)]
        if isinstance(answer_ids, list)
        else [answer_ids]
    )
    found: dict[int, tuple[float, str]] = {}
    for batch in batches:
        query = (
            select(ThemeAssignment.answer_id, ThemeAssignment.sentiment, ThemeAssignment.sentiment_label)
            .join(AnalysisRun)
            .where(ThemeAssignment.answer_id.in_(batch), AnalysisRun.status == RunStatus.DONE)
            .order_by(AnalysisRun.id)
        )
        found.update({answer_id: (score, label) for answer_id, score, label in db.session.execute(query)})
    return found


def kind_counts(run: AnalysisRun) -> dict[int | None, dict[str, int]]:
    """For each theme of a run, how many of its comments are praise, complaints, suggestions, mixed or other."""
    rows = db.session.execute(
        select(ThemeAssignment.theme_id, ThemeAssignment.kind, func.count())
        .where(ThemeAssignment.run_id == run.id)
        .group_by(ThemeAssignment.theme_id, ThemeAssignment.kind)
    )
    counts: dict[int | None, dict[str, int]] = {}
    for theme_id, kind, n in rows:
        counts.setdefault(theme_id, dict.fromkeys(KIND_NAMES, 0))[kind] = n
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


def representative_quotes(theme: Theme) -> list[str]:
    """The theme's quotes, redacted, leaving out any words safeguarding holds back."""
    held_answers, held_comments = held_back(theme.quote_answer_ids, theme.quote_comment_ids)
    sources: list[Answer | Comment | None] = [
        db.session.get(Answer, i) for i in theme.quote_answer_ids if i not in held_answers
    ]
    sources += [db.session.get(Comment, i) for i in theme.quote_comment_ids if i not in held_comments]
    return [redact(source.text) for source in sources if source is not None]
