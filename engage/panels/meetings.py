"""Panel meetings and involvement records (time given, payments, vouchers, expenses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.panels.models import ADJUSTMENTS, Draft, InvolvementRecord, Meeting, Panel
from engage.panels.services import PanelError


@dataclass
class MeetingFields:
    starts_at: datetime
    place: str
    online_link: str
    agenda: str
    adjustments: list[str]
    paper_ids: list[int]


def meetings_of(panel: Panel) -> list[Meeting]:
    query = select(Meeting).where(Meeting.panel_id == panel.id).order_by(Meeting.starts_at.desc())
    return list(db.session.execute(query).scalars())


def _papers(panel: Panel, ids: list[int]) -> list[Draft]:
    drafts = list(db.session.execute(select(Draft).where(Draft.programme_id == panel.programme_id)).scalars())
    chosen = [d for d in drafts if d.id in ids]
    if len(chosen) != len(set(ids)):
        raise PanelError("Choose papers from this programme's drafts")
    return chosen


def save_meeting(actor: User, panel: Panel, fields: MeetingFields, meeting: Meeting | None = None) -> Meeting:
    """Create or change a meeting: when, where, agenda, papers and the adjustments people need."""
    if not fields.place and not fields.online_link:
        raise PanelError("Give a place or an online link")
    if meeting is None:
        meeting = Meeting(panel=panel, starts_at=fields.starts_at)
        db.session.add(meeting)
    meeting.starts_at, meeting.place, meeting.online_link = fields.starts_at, fields.place, fields.online_link
    meeting.agenda = fields.agenda
    meeting.adjustments = [a for a in ADJUSTMENTS if a in fields.adjustments]
    meeting.papers = _papers(panel, fields.paper_ids)
    audit.record(actor.id, "meeting_saved", panel)
    db.session.flush()
    return meeting


def record_outcome(actor: User, meeting: Meeting, *, attended: list[int], notes: str, actions: str) -> None:
    """Attendance, notes and actions after the meeting."""
    if not set(attended) <= {m.user_id for m in meeting.panel.memberships}:
        raise PanelError("Attendance can only include the panel's members")
    people = {m.user_id: m.user for m in meeting.panel.memberships}
    meeting.attended = [people[i] for i in sorted(set(attended))]
    meeting.notes, meeting.actions = notes, actions
    audit.record(actor.id, "meeting_notes_saved", meeting.panel)
    db.session.flush()


@dataclass
class InvolvementFields:
    user_id: int
    day: date
    activity: str
    minutes: int
    payment_pence: int
    voucher_pence: int
    expenses_pence: int
    declined_payment: bool


def add_involvement(actor: User, panel: Panel, fields: InvolvementFields) -> InvolvementRecord:
    """Record time given; a member who declined payment keeps their time but is paid nothing."""
    if fields.user_id not in {m.user_id for m in panel.memberships}:
        raise PanelError("Choose one of the panel's members")
    values = vars(fields).copy()
    if fields.declined_payment:
        values["payment_pence"] = values["voucher_pence"] = 0
    record = InvolvementRecord(panel=panel, **values)
    db.session.add(record)
    audit.record(actor.id, "involvement_recorded", panel, f"user={fields.user_id}")
    db.session.flush()
    return record


def records_of_panel(panel: Panel) -> list[InvolvementRecord]:
    query = select(InvolvementRecord).where(InvolvementRecord.panel_id == panel.id)
    return list(db.session.execute(query.order_by(InvolvementRecord.day.desc(), InvolvementRecord.id.desc())).scalars())


def records_of_user(user: User) -> list[InvolvementRecord]:
    query = select(InvolvementRecord).where(InvolvementRecord.user_id == user.id)
    return list(db.session.execute(query.order_by(InvolvementRecord.day.desc())).scalars())


@dataclass
class Totals:
    minutes: int = 0
    payment_pence: int = 0
    voucher_pence: int = 0
    expenses_pence: int = 0


def totals(records: list[InvolvementRecord]) -> Totals:
    total = Totals()
    for r in records:
        total.minutes += r.minutes
        total.payment_pence += r.payment_pence
        total.voucher_pence += r.voucher_pence
        total.expenses_pence += r.expenses_pence
    return total


def finance_rows(records: list[InvolvementRecord]) -> list[list[object]]:
    """One row per record, for the finance team (amounts in pounds)."""
    header: list[object] = ["Date", "Member", "Activity", "Minutes", "Payment £", "Voucher £", "Expenses £"]
    rows = [[*header, "Declined payment"]]
    for r in records:
        rows.append(
            [
                r.day.isoformat(), r.user.name, r.activity, r.minutes, f"{r.payment_pence / 100:.2f}",
                f"{r.voucher_pence / 100:.2f}", f"{r.expenses_pence / 100:.2f}", "yes" if r.declined_payment else "no",
            ]
        )  # fmt: skip
    return rows
