"""Outcome indicators for the core offer: a baseline, a target and measurements over time, typed in or imported
from a CSV file (every row checked, all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.programmes.models import CoreOfferComponent, Indicator, Measurement, Programme
from engage.tables import csv_rows
from engage.timeutil import utcnow

MAX_ROWS = 5000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class IndicatorError(EngageError):
    """An indicator or measurement that cannot be saved; `rows` lists each bad row of an import."""

    def __init__(self, message: str, field: str | None = None, rows: list[str] | None = None) -> None:
        super().__init__(message, field)
        self.rows = rows or []


@dataclass
class IndicatorFields:
    name: str
    unit: str
    lower_is_better: bool
    baseline: float | None
    baseline_on: date | None
    target: float | None
    target_by: date | None
    source: str


def _check(fields: IndicatorFields) -> None:
    today = utcnow().date()
    if fields.baseline is None:
        raise IndicatorError("Enter the baseline: where the measure stood before the changes", "baseline")
    if fields.baseline_on is None:
        raise IndicatorError("Enter the date of the baseline", "baseline_on")
    if fields.baseline_on > today:
        raise IndicatorError("The baseline date must be today or in the past", "baseline_on")
    if fields.target is None:
        raise IndicatorError("Enter the target", "target")
    if fields.target_by is not None and fields.target_by <= fields.baseline_on:
        raise IndicatorError("The target date must be after the baseline date", "target_by")
    if fields.target == fields.baseline:
        raise IndicatorError("The target must differ from the baseline", "target")
    better = fields.target < fields.baseline if fields.lower_is_better else fields.target > fields.baseline
    if not better:
        way = "lower" if fields.lower_is_better else "higher"
        raise IndicatorError(
            f"Better is {way} for this measure, so the target must be {way} than the baseline", "target"
        )


def indicators_of(programme: Programme) -> list[Indicator]:
    """The programme's indicators, component by component."""
    query = (
        select(Indicator)
        .join(CoreOfferComponent)
        .where(CoreOfferComponent.programme_id == programme.id)
        .order_by(CoreOfferComponent.position, Indicator.id)
        .options(selectinload(Indicator.measurements), selectinload(Indicator.component))
    )
    return list(db.session.execute(query).scalars())


def add_indicator(actor: User, component: CoreOfferComponent, fields: IndicatorFields) -> Indicator:
    """Give a component an indicator."""
    _check(fields)
    indicator = Indicator(component=component, **vars(fields))
    db.session.add(indicator)
    db.session.flush()
    audit.record(actor.id, "indicator_added", indicator)
    return indicator


def update_indicator(actor: User, indicator: Indicator, fields: IndicatorFields) -> None:
    """Change an indicator's definition; its measurements stay."""
    _check(fields)
    for name, value in vars(fields).items():
        setattr(indicator, name, value)
    audit.record(actor.id, "indicator_updated", indicator)
    db.session.flush()


def _measure(indicator: Indicator, measured_on: date, value: float, note: str, actor: User) -> str:
    """Record one measurement, replacing one already on that date. Returns "added" or "replaced"."""
    existing = next((m for m in indicator.measurements if m.measured_on == measured_on), None)
    if existing is not None:
        existing.value, existing.note, existing.entered_by_id = value, note, actor.id
        return "replaced"
    indicator.measurements.append(Measurement(measured_on=measured_on, value=value, note=note, entered_by_id=actor.id))
    return "added"


def _date_problem(indicator: Indicator, measured_on: date) -> str | None:
    if measured_on > utcnow().date():
        return "is in the future: enter measurements once they are taken"
    if measured_on < indicator.baseline_on:
        return "is before the baseline date"
    return None


def add_measurement(actor: User, indicator: Indicator, measured_on: date, value: float, note: str) -> str:
    """Record a measurement (replacing one on the same date). Returns "added" or "replaced"."""
    if problem := _date_problem(indicator, measured_on):
        raise IndicatorError(f"The date {problem}", "measured_on")
    result = _measure(indicator, measured_on, value, note, actor)
    audit.record(actor.id, "measurement_recorded", indicator, f"on={measured_on.isoformat()}")
    db.session.flush()
    return result


def import_measurements(actor: User, indicator: Indicator, data: bytes) -> tuple[int, int]:
    """Measurements from a CSV headed date and value (and optionally note). Every row is checked first; if any
    has a problem nothing is saved. Returns (added, replaced)."""
    rows = csv_rows(data)
    if not rows or [h.lower() for h in rows[0][1][:2]] != ["date", "value"]:
        raise IndicatorError("The first row must have the headings date and value (and note, if you like)", "file")
    body = rows[1:]
    if not body:
        raise IndicatorError("The file has no measurements below its headings", "file")
    if len(body) > MAX_ROWS:
        raise IndicatorError(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files", "file")
    parsed: list[tuple[date, float, str]] = []
    problems: list[str] = []
    seen: set[date] = set()
    for number, row in body:
        cells = [*row, "", "", ""]
        measured_on, value = _parse_date(cells[0]), _parse_number(cells[1])
        if measured_on is None:
            problems.append(f"Row {number}: “{cells[0][:20]}” is not a date like 2026-03-31 or 31/03/2026")
        elif value is None:
            problems.append(f"Row {number}: {'no value' if not cells[1] else f'“{cells[1][:20]}” is not a number'}")
        elif problem := _date_problem(indicator, measured_on):
            problems.append(f"Row {number}: {measured_on:%d %B %Y} {problem}")
        elif measured_on in seen:
            problems.append(f"Row {number}: {measured_on:%d %B %Y} appears twice in the file")
        else:
            seen.add(measured_on)
            parsed.append((measured_on, value, cells[2][:300]))
    if problems:
        raise IndicatorError(
            "Nothing was imported. Correct these rows and upload the file again", "file", problems[:20]
        )
    outcomes = [_measure(indicator, measured_on, value, note, actor) for measured_on, value, note in parsed]
    audit.record(actor.id, "measurements_imported", indicator, f"rows={len(parsed)}")
    db.session.flush()
    return outcomes.count("added"), outcomes.count("replaced")


def _parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # a calendar date, no time of day
        except ValueError:
            continue
    return None


def _parse_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return None
