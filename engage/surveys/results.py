"""Results for leads: counts, free text, filters, exports and imports from other survey tools."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as HttpResponse

from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus, ThemeAssignment
from engage.surveys.models import Answer, Channel, Format, Question, Response, ResponseStatus, Survey

T = TypeVar("T", bound=tuple[Any, ...])

# A spreadsheet treats cells starting with these as formulas; CSV and XLSX exports neutralise them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Filters:
    """What a lead has narrowed the results to."""

    date_from: date | None = None
    date_to: date | None = None
    response_format: Format | None = None
    channel: Channel | None = None
    # (equality question id, chosen option)
    group: tuple[int, str] | None = None

    @property
    def active(self) -> bool:
        return any([self.date_from, self.date_to, self.response_format, self.channel, self.group])


def _filtered(query: Select[T], filters: Filters) -> Select[T]:
    """Submitted responses only, narrowed by the date, format and channel filters."""
    query = query.where(Response.status == ResponseStatus.SUBMITTED)
    if filters.date_from:
        query = query.where(Response.submitted_at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(Response.submitted_at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    if filters.response_format:
        query = query.where(Response.formats.contains(filters.response_format.value))
    if filters.channel:
        query = query.where(Response.channel == filters.channel)
    return query


def submitted_query(survey: Survey, filters: Filters) -> Select[tuple[Response]]:
    """A survey's submitted responses matching the filters, oldest first."""
    query = _filtered(select(Response).where(Response.survey_id == survey.id), filters)
    return query.order_by(Response.submitted_at, Response.id)


def submitted_ids(filters: Filters) -> Select[tuple[int]]:
    """Ids of submitted responses, from any survey, matching the filters."""
    return _filtered(select(Response.id), filters)


def matching_responses(survey: Survey, filters: Filters) -> list[Response]:
    """Submitted responses matching every filter, with their answers loaded."""
    query = submitted_query(survey, filters).options(selectinload(Response.answers))
    responses = list(db.session.execute(query).scalars())
    if filters.group:
        question_id, value = filters.group
        responses = [r for r in responses if (a := r.answer_for(question_id)) is not None and value in a.choices]
    return responses


@dataclass
class QuestionResult:
    question: Question
    answered: int
    counts: list[tuple[str, int]] = field(default_factory=list)

    def percent(self, n: int) -> int:
        return round(100 * n / self.answered) if self.answered else 0


def question_results(survey: Survey, responses: list[Response]) -> list[QuestionResult]:
    """How many answered each question, and how often each option was chosen."""
    results = []
    for question in survey.questions:
        answers = [a for r in responses if (a := r.answer_for(question.id)) is not None and not a.is_empty]
        result = QuestionResult(question, len(answers))
        if question.kind.is_choice:
            tally = Counter(choice for a in answers for choice in a.choices)
            result.counts = [(label, tally.get(value, 0)) for value, label in question.choice_labels()]
        results.append(result)
    return results


def sentiment_of(answer_ids: list[int]) -> dict[int, tuple[float, str]]:
    """Each answer's sentiment score and label from the latest finished analysis that read it."""
    found: dict[int, tuple[float, str]] = {}
    for start in range(0, len(answer_ids), 500):
        query = (
            select(ThemeAssignment.answer_id, ThemeAssignment.sentiment, ThemeAssignment.sentiment_label)
            .join(AnalysisRun)
            .where(ThemeAssignment.answer_id.in_(answer_ids[start : start + 500]), AnalysisRun.status == RunStatus.DONE)
            .order_by(AnalysisRun.id)
        )
        for answer_id, score, label in db.session.execute(query):
            found[answer_id] = (score, label)  # later runs overwrite earlier ones
    return found


def text_answers_query(
    question: Question, responses: list[Response], search: str, sentiment: str = ""
) -> Select[tuple[Answer]]:
    """Non-empty free-text answers to a question from these responses, newest first, optionally searched."""
    ids = [r.id for r in responses]
    query = (
        select(Answer)
        .join(Response)
        .where(Answer.question_id == question.id, Answer.response_id.in_(ids), Answer.text != "")
        .order_by(Response.submitted_at.desc(), Answer.id.desc())
    )
    if search:
        query = query.where(Answer.text.ilike(f"%{_escape_like(search)}%", escape="\\"))
    if sentiment:
        candidates = list(db.session.execute(query.with_only_columns(Answer.id)).scalars())
        labels = sentiment_of(candidates)
        query = query.where(Answer.id.in_([i for i in candidates if labels.get(i, (0, ""))[1] == sentiment]))
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def neutralise(value: object) -> object:
    """Stop a spreadsheet from running a cell as a formula, by putting an apostrophe before it.

    Text that already starts with apostrophes before a formula character gets one more, so that import
    (which takes exactly one off such cells) gives back what was typed.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_rows(survey: Survey, responses: list[Response]) -> list[list[object]]:
    """One header row, then one row per response: reference, when, channel, formats, then each answer."""
    header: list[object] = ["Reference", "Submitted (UTC)", "Channel", "Formats"]
    for question in survey.questions:
        header.append(question.prompt)
        if question.kind.is_text:
            header.append(f"{question.prompt} (sentiment)")
    text_ids = [a.id for r in responses for a in r.answers if a.question.kind.is_text]
    labels = sentiment_of(text_ids)
    rows = [header]
    for response in responses:
        row: list[object] = [
            response.reference,
            response.submitted_at.strftime("%Y-%m-%d %H:%M:%S") if response.submitted_at else "",
            response.channel.value,
            response.formats,
        ]
        for question in survey.questions:
            answer = response.answer_for(question.id)
            row.append(answer.display if answer else "")
            if question.kind.is_text:
                row.append(labels.get(answer.id, (0, ""))[1] if answer else "")
        rows.append(row)
    return rows


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(rows: list[list[object]], kind: str, filename: str, sheet: str = "Responses") -> HttpResponse:
    """Rows as a CSV or Excel attachment, every cell neutralised so no spreadsheet runs it as a formula."""
    safe = [[neutralise(cell) for cell in row] for row in rows]
    body, mimetype = (to_csv(safe), "text/csv; charset=utf-8") if kind == "csv" else (to_xlsx(safe, sheet), XLSX)
    disposition = f'attachment; filename="{filename}.{kind}"'
    return HttpResponse(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


def to_csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    # A byte order mark lets Excel open UTF-8 (accents, curly quotes) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[object]], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Responses")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
