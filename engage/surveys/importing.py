"""Importing responses from a CSV exported by another survey tool: map columns, validate, all or nothing."""

from __future__ import annotations

import csv
import io
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.surveys.answering import new_reference, screen_answers
from engage.surveys.models import Answer, Channel, Question, QuestionKind, Response, ResponseStatus, Survey
from engage.timeutil import utcnow

MAX_ROWS = 20_000
STASH_HOURS = 24
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y")


class ImportProblem(ValueError):
    """The file cannot be read as a table of responses; the message is for the lead."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class RowError:
    row: int  # the spreadsheet row number, counting the header as row 1
    column: str
    message: str


def parse(data: bytes) -> Table:
    """Read CSV bytes (UTF-8, or Windows-1252 as Excel often saves) into headers and rows."""
    if not data.strip():
        raise ImportProblem("The file is empty")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportProblem("The file must be a CSV saved as UTF-8")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        records = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ImportProblem(f"The file is not a readable CSV ({error})") from error
    if len(records) < 2:
        raise ImportProblem("The file needs a header row and at least one response")
    headers = [h.strip() for h in records[0]]
    if len(set(headers)) != len(headers) or not all(headers):
        raise ImportProblem("Every column needs a different, non-empty heading in the first row")
    if len(records) - 1 > MAX_ROWS:
        raise ImportProblem(f"The file has more than {MAX_ROWS:,} responses. Split it into smaller files")
    width = len(headers)
    return Table(headers, [(row + [""] * width)[:width] for row in records[1:]])


def _stash_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(exist_ok=True)
    return folder


def stash(data: bytes) -> str:
    """Keep an uploaded file on the server between the upload and mapping steps; returns its token."""
    cutoff = time.time() - STASH_HOURS * 3600
    for old in _stash_dir().glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (_stash_dir() / f"{token}.csv").write_bytes(data)
    return token


def unstash(token: str) -> bytes | None:
    if len(token) != 32 or not all(ch in "0123456789abcdef" for ch in token):
        return None
    path = _stash_dir() / f"{token}.csv"
    return path.read_bytes() if path.exists() else None


def discard(token: str) -> None:
    if unstash(token) is not None:
        (_stash_dir() / f"{token}.csv").unlink(missing_ok=True)


def _parse_date(value: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    return None


def _choices(question: Question, cell: str) -> list[str] | None:
    """The options a cell names, matched without regard to case; None if any is not offered."""
    offered = {value.lower(): value for value in question.choices()}
    parts = [p.strip() for p in cell.split(";")] if question.kind == QuestionKind.MULTIPLE else [cell.strip()]
    chosen = [offered.get(p.lower()) for p in parts if p]
    return None if any(c is None for c in chosen) else [c for c in chosen if c]


def check(survey: Survey, table: Table, mapping: dict[int, int], date_column: int | None) -> list[RowError]:
    """Every problem in the file for this mapping of question id to column index."""
    errors: list[RowError] = []
    questions = {q.id: q for q in survey.questions}
    for number, row in enumerate(table.rows, start=2):
        if date_column is not None and row[date_column].strip() and _parse_date(row[date_column]) is None:
            errors.append(RowError(number, table.headers[date_column], "Use a date like 2026-11-23 or 23/11/2026"))
        for question_id, column in mapping.items():
            question, cell = questions[question_id], row[column].strip()
            if not cell:
                if question.required:
                    errors.append(RowError(number, table.headers[column], "This question needs an answer"))
                continue
            if question.kind.is_text:
                if len(cell) > question.max_length:
                    errors.append(
                        RowError(number, table.headers[column], f"Longer than {question.max_length:,} characters")
                    )
            elif _choices(question, cell) is None:
                errors.append(RowError(number, table.headers[column], f"“{cell[:60]}” is not one of the options"))
    return errors


def import_rows(actor: User, survey: Survey, table: Table, mapping: dict[int, int], date_column: int | None) -> int:
    """Store every row as a submitted response, in one transaction, screening free text. Call check() first."""
    questions = {q.id: q for q in survey.questions}
    now = utcnow()
    for number, row in enumerate(table.rows, start=2):
        submitted = _parse_date(row[date_column]) if date_column is not None else None
        response = Response(
            survey=survey,
            status=ResponseStatus.SUBMITTED,
            channel=Channel.IMPORT,
            reference=new_reference("IMP"),
            submitted_at=submitted or now,
            source=f"import row {number}",
        )
        for question_id, column in mapping.items():
            question, cell = questions[question_id], row[column].strip()
            if not cell:
                continue
            if question.kind.is_text:
                response.answers.append(Answer(question=question, text=cell))
            else:
                response.answers.append(Answer(question=question, choices=_choices(question, cell) or []))
        db.session.add(response)
        db.session.flush()
        screen_answers(response)
    audit.record(actor.id, "responses_imported", survey, f"rows={len(table.rows)}")
    db.session.commit()
    return len(table.rows)
