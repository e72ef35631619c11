"""Importing responses from a CSV or Excel file exported by another survey tool: map columns, check, all or nothing."""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app

from engage import audit
from engage.auth.models import User
from engage.config import private_folder
from engage.exceptions import EngageError
from engage.extensions import db
from engage.signals import response_submitted
from engage.surveys.answering import keep_area, new_reference
from engage.surveys.models import Answer, Channel, Question, QuestionKind, Response, ResponseStatus, Survey
from engage.tables import decode
from engage.timeutil import utcnow

MAX_ROWS = 20_000
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y")


class ImportProblem(EngageError):
    """The file cannot be read as a table of responses; the message is for the lead."""


@dataclass
class RowError:
    row: int  # the spreadsheet row number, counting the header as row 1
    column: str
    message: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    # Rows with more cells than there are headings: listed in the validation report, never dropped.
    ragged: list[RowError] = field(default_factory=list)


XLSX_MAGIC = b"PK\x03\x04"
# Export puts an apostrophe before a cell a spreadsheet would run as a formula (see results.neutralise);
# import takes it off again, so text survives export and import unchanged.
NEUTRALISED = re.compile(r"^'(?='*[=+\-@\t\r])")


def parse(data: bytes) -> Table:
    """Read an uploaded CSV (RFC 4180, UTF-8 with or without a byte order mark) or Excel file into a table."""
    if not data.strip():
        raise ImportProblem("The file is empty")
    records = _xlsx_records(data) if data.startswith(XLSX_MAGIC) else _csv_records(data)
    records = [(number, row) for number, row in records if any(cell.strip() for cell in row)]
    if len(records) < 2:
        raise ImportProblem("The file needs a header row and at least one response")
    headers = [h.strip() for h in records[0][1]]
    while headers and not headers[-1]:
        headers.pop()  # spreadsheets often save empty columns after the last heading
    if len(set(headers)) != len(headers) or not all(headers):
        raise ImportProblem("Every column needs a different, non-empty heading in the first row")
    if len(records) - 1 > MAX_ROWS:
        raise ImportProblem(f"The file has more than {MAX_ROWS:,} responses. Split it into smaller files")
    width, rows, ragged = len(headers), [], []
    for number, row in records[1:]:
        extra = [cell for cell in row[width:] if cell.strip()]
        if extra:
            message = (
                f"This row has {width + len(extra)} values but there are {width} headings. "
                "Check that text containing commas is inside double quotes"
            )
            ragged.append(RowError(number, "", message))
        rows.append([NEUTRALISED.sub("", cell, count=1) for cell in (row + [""] * width)[:width]])
    return Table(headers, rows, ragged)


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode(data)  # raises UnreadableFile, an EngageError the import pages show
    # RFC 4180: commas between fields, double quotes around fields holding commas, quotes or line breaks.
    reader = csv.reader(io.StringIO(text, newline=""), dialect=csv.excel, strict=True)
    try:
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise ImportProblem(
            f"The file is not a readable CSV: near line {reader.line_num} a double quote is out of place or never "
            "closed. Text containing commas, quotes or line breaks must be inside double quotes, with each quote "
            "inside doubled"
        ) from error


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or non-Excel zip
        raise ImportProblem("The file is not a readable Excel workbook (.xlsx)") from error
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(v) for v in row]) for number, row in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def heading_key(text: str) -> str:
    """A heading or question as matched: case, punctuation and spacing aside."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def suggested_mapping(survey: Survey, table: Table) -> dict[int, int]:
    """Question id to column index, for every column whose heading is a question's wording."""
    columns = {heading_key(h): i for i, h in enumerate(table.headers)}
    return {q.id: columns[heading_key(q.prompt)] for q in survey.questions if heading_key(q.prompt) in columns}


def _stash_dir() -> Path:
    return private_folder(Path(current_app.instance_path) / "imports")


def stashed_files() -> list[Path]:
    """Uploaded files waiting to be imported: the retention schedule deletes them after a day."""
    return sorted(_stash_dir().glob("*.upload"))


def stash(data: bytes) -> str:
    """Keep an uploaded file on the server between the upload and mapping steps; returns its token."""
    token = secrets.token_hex(16)
    # Readable by this account only: the file holds people's answers until it is imported or expires.
    descriptor = os.open(_stash_dir() / f"{token}.upload", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return token


def unstash(token: str) -> bytes | None:
    if len(token) != 32 or not all(ch in "0123456789abcdef" for ch in token):
        return None
    path = _stash_dir() / f"{token}.upload"
    return path.read_bytes() if path.exists() else None


def discard(token: str) -> None:
    if unstash(token) is not None:
        (_stash_dir() / f"{token}.upload").unlink(missing_ok=True)


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
    errors: list[RowError] = list(table.ragged)
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
                response.answers.append(answer := Answer(question=question, text=cell))
                keep_area(response, answer)
            else:
                response.answers.append(Answer(question=question, choices=_choices(question, cell) or []))
        db.session.add(response)
        db.session.flush()
        response_submitted.send(None, response=response)
    audit.record(actor.id, "responses_imported", survey, f"rows={len(table.rows)}")
    db.session.flush()
    return len(table.rows)
