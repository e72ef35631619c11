"""Results for leads: counts, free text, filters, exports and imports from other survey tools."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager
from werkzeug.wrappers import Response as HttpResponse

from engage.extensions import db
from engage.signals import held_back, sentiments
from engage.surveys.models import Answer, Channel, Format, Question, Response, ResponseStatus, Survey
from engage.timeutil import end_of

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
    language: str | None = None

    @property
    def active(self) -> bool:
        return any([self.date_from, self.date_to, self.response_format, self.channel, self.group, self.language])


def _filtered(query: Select[T], filters: Filters) -> Select[T]:
    """Submitted responses only, narrowed by the date, format and channel filters."""
    query = query.where(Response.status == ResponseStatus.SUBMITTED)
    if filters.date_from:
        query = query.where(Response.submitted_at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to and (end := end_of(filters.date_to)):
        query = query.where(Response.submitted_at < end)
    if filters.response_format:
        query = query.where(Response.formats.contains(filters.response_format.value))
    if filters.channel:
        query = query.where(Response.channel == filters.channel)
    if filters.language:
        query = query.where(Response.language == filters.language)
    return query


def submitted_ids(filters: Filters) -> Select[tuple[int]]:
    """Ids of submitted responses, from any survey, matching the filters."""
    return _filtered(select(Response.id), filters)


def matching_ids(survey: Survey, filters: Filters) -> Select[tuple[int]]:
    """Ids of the survey's submitted responses matching every filter, as a query to use inside others.

    The equality group filter looks inside a JSON list, which each database does differently, so those
    ids are found in Python, from the group question's answers alone.
    """
    query = _filtered(select(Response.id).where(Response.survey_id == survey.id), filters)
    if filters.group:
        question_id, value = filters.group
        rows = db.session.execute(select(Answer.response_id, Answer.choices).where(Answer.question_id == question_id))
        query = query.where(Response.id.in_([response_id for response_id, choices in rows if value in choices]))
    return query


def response_count(ids: Select[tuple[int]]) -> int:
    return db.session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()


def any_demo(ids: Select[tuple[int]]) -> bool:
    """Whether any of these responses is demo data (the page then names its source)."""
    query = select(Response.id).where(Response.id.in_(ids), Response.source.startswith("demo")).limit(1)
    return db.session.execute(query).first() is not None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    counts: list[tuple[str, int]] = field(default_factory=list)

    def percent(self, n: int) -> int:
        return round(100 * n / self.answered) if self.answered else 0


def question_results(survey: Survey, ids: Select[tuple[int]]) -> list[QuestionResult]:
    """How many answered each question, and how often each option was chosen (rows, not objects: fast)."""
    answered: Counter[int] = Counter()
    tallies: dict[int, Counter[str]] = {}
    rows = db.session.execute(
        select(Answer.question_id, Answer.text, Answer.choices, Answer.video_id).where(Answer.response_id.in_(ids))
    )
    for question_id, text, choices, video_id in rows:
        if text.strip() or choices or video_id is not None:
            answered[question_id] += 1
            tallies.setdefault(question_id, Counter()).update(choices)
    results = []
    for question in survey.questions:
        result = QuestionResult(question, answered[question.id])
        if question.kind.is_choice:
            tally = tallies.get(question.id, Counter())
            result.counts = [(label, tally.get(value, 0)) for value, label in question.choice_labels()]
        results.append(result)
    return results


def sentiment_of(answer_ids: list[int]) -> dict[int, tuple[float, str]]:
    """Each answer's sentiment score and label from the latest finished analysis that read it."""
    return sentiments(answer_ids)


def text_answers_query(
    question: Question, ids: Select[tuple[int]], search: str, sentiment: str = ""
) -> Select[tuple[Answer]]:
    """Non-empty free-text answers to a question from these responses, newest first, optionally searched."""
    query = (
        select(Answer)
        .join(Response)
        .where(Answer.question_id == question.id, Answer.response_id.in_(ids), Answer.text != "")
        .options(contains_eager(Answer.response))
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
    if isinstance(value, str) and value and value[0] in "'=+-@\t\r" and value.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


AWAITING = "[BSL video answer, awaiting interpretation]"
AWAITING_TRANSLATION = "[Awaiting translation]"


HELD = "Held back: safeguarding review. Do not quote or publish"


def export_rows(survey: Survey, ids: Select[tuple[int]]) -> list[list[object]]:
    """One header row, then one row per response: reference, when, channel, formats, then each answer.

    Read as rows rather than objects, in four queries, so 20,000 responses export in a couple of seconds.
    """
    header: list[object] = ["Reference", "Submitted (UTC)", "Channel", "Formats", "Language", "Safeguarding"]
    for question in survey.questions:
        header.append(question.prompt)
        if question.kind.is_text:
            header.append(f"{question.prompt} (sentiment)")
    text_questions = {q.id for q in survey.questions if q.kind.is_text}
    answers: dict[tuple[int, int], str] = {}
    answer_ids: dict[tuple[int, int], int] = {}
    for answer_id, response_id, question_id, text, original, choices, video_id, interpreted_at in db.session.execute(
        select(
            Answer.id, Answer.response_id, Answer.question_id, Answer.text, Answer.original_text, Answer.choices,
            Answer.video_id, Answer.interpreted_at,
        ).where(Answer.response_id.in_(ids))
    ):  # fmt: skip
        if video_id is not None and interpreted_at is None:
            shown = AWAITING
        elif original and interpreted_at is None:
            shown = f"{AWAITING_TRANSLATION} {original}"
        elif original:
            shown = f"{text} [written as: {original}]"
        else:
            shown = text if question_id in text_questions else "; ".join(choices)
        answers[response_id, question_id] = shown
        answer_ids[response_id, question_id] = answer_id
    labels = _latest_labels(ids)
    held, _ = held_back(select(Answer.id).where(Answer.response_id.in_(ids)), [])
    held_responses = {response_id for (response_id, _), answer_id in answer_ids.items() if answer_id in held}
    rows = [header]
    columns = [(question.id, question.kind.is_text) for question in survey.questions]  # read once, not per row
    for response_id, reference, submitted_at, channel, response_formats, language in db.session.execute(
        select(
            Response.id,
            Response.reference,
            Response.submitted_at,
            Response.channel,
            Response.formats,
            Response.language,
        )
        .where(Response.id.in_(ids))
        .order_by(Response.submitted_at, Response.id)
    ):
        row: list[object] = [
            reference,
            submitted_at.strftime("%Y-%m-%d %H:%M:%S") if submitted_at else "",
            channel.value,
            response_formats,
            language,
            # Words held back by safeguarding are marked, so nobody quotes them from a spreadsheet.
            HELD if response_id in held_responses else "",
        ]
        for question_id, is_text in columns:
            key = (response_id, question_id)
            row.append(answers.get(key, ""))
            if is_text:
                answer_id = answer_ids.get(key)
                row.append(labels.get(answer_id, "") if answer_id is not None else "")
        rows.append(row)
    return rows


def _latest_labels(ids: Select[tuple[int]]) -> dict[int, str]:
    """Each answer's sentiment label from the latest finished analysis that read it."""
    return {
        answer_id: label
        for answer_id, (_, label) in sentiments(select(Answer.id).where(Answer.response_id.in_(ids))).items()
    }


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
