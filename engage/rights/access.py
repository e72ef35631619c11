"""Subject access: one person's data as a zip of a readable summary (HTML and PDF), JSON and their files."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from flask import render_template

from engage import audit
from engage.auth.models import User
from engage.media.storage import path_of
from engage.rights.holdings import Holdings, find
from engage.rights.models import RightsRequest
from engage.timeutil import utcnow

# What the export leaves out, and why; shown on the page and written into the export.
WITHHELD = [
    (
        "Other people's words that mention this person",
        "They are the data of the person who wrote them (a third party). They are listed on the request page "
        "so that you can decide, case by case, whether to share any part of them.",
    ),
    (
        "Safeguarding reviewers' notes",
        "Held back until a safeguarding lead has checked that sharing them would not be likely to cause serious "
        "harm (the Data Protection Act 2018 'serious harm test' for health data). The flags themselves, their "
        "categories, status and outcome are included.",
    ),
    (
        "Keyed hashes used for security",
        "Password hashes, sign-in codes and rate-limit counters are not readable information about the person.",
    ),
]

Record = dict[str, Any]


def export(actor: User, case: RightsRequest) -> bytes:
    """The zip handed to the person, produced in the app and recorded in the audit trail."""
    held = find(case)
    data = records(held)
    produced = utcnow()
    html = render_template("rights/export.html", data=data, produced=produced, withheld=WITHHELD, case=case)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", html)
        pdf = _pdf(html)
        if pdf is not None:
            archive.writestr("summary.pdf", pdf)
        document = {"produced_at": produced.isoformat(), "request": case.id, "records": data}
        document["withheld"] = [{"what": what, "why": why} for what, why in WITHHELD]
        archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False, default=_plain))
        for answer in held.answers:
            if answer.video is not None:
                archive.write(path_of(answer.video), _video_name(answer.id, answer.video.stored_name))
    case.exported_at = produced
    audit.record(actor.id, "subject_access_exported", case, f"pdf={pdf is not None} " + _counts(held))
    return buffer.getvalue()


def _pdf(html: str) -> bytes | None:
    """The summary as PDF, or None where the server lacks the Pango libraries WeasyPrint draws with."""
    try:
        from weasyprint import HTML
    except OSError:
        return None
    return HTML(string=html).write_pdf()


def _counts(held: Holdings) -> str:
    return " ".join(f"{noun.replace(' ', '_')}={count}" for noun, count in held.counts())


def _video_name(answer_id: int, stored_name: str) -> str:
    return f"files/answer-{answer_id}-video{stored_name[stored_name.rfind('.') :]}"


def _plain(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def records(held: Holdings) -> dict[str, list[Record]]:
    """Everything held, as sections of plain records: what the summary shows and the JSON holds."""
    sections: dict[str, list[Record]] = {
        "Accounts": [
            {
                "Name": user.name,
                "Email": user.email,
                "Role": user.role.label,
                "Created": user.created_at,
                "Communication needs": "; ".join(user.access_need_labels),
                "Two-step verification set up": user.totp_secret is not None,
            }
            for user in held.users
        ],
        "Survey responses": [_response(response, held) for response in held.responses],
        "Panel comments": [
            {
                "Draft": comment.section.draft.title,
                "Section": comment.section.heading,
                "Your view": comment.stance.label,
                "Comment": comment.text,
                "Written": comment.created_at,
                "Withdrawn": comment.withdrawn,
                "Decision": comment.decision.outcome.label if comment.decision else "",
                "Reason given": comment.decision.reason if comment.decision else "",
            }
            for comment in held.comments
        ],
        "Applications to join a panel": [
            {
                "Panel": application.panel.name,
                "Name": application.name,
                "Email": application.email,
                "About you": application.about,
                "Access needs": application.access_needs,
                "Status": application.status.value,
                "Sent": application.created_at,
            }
            for application in held.applications
        ],
        "Panel invitations": [
            {"Panel": invite.panel.name, "Name": invite.name, "Email": invite.email, "Sent": invite.created_at}
            for invite in held.invites
        ],
        "Panel memberships": [
            {"Panel": m.panel.name, "Role": m.role.value, "Joined": m.joined_on, "Left": m.left_on or ""}
            for m in held.memberships
        ],
        "Involvement records": [
            {
                "Panel": record.panel.name,
                "Day": record.day,
                "Activity": record.activity,
                "Minutes": record.minutes,
                "Payment (pence)": record.payment_pence,
                "Vouchers (pence)": record.voucher_pence,
                "Expenses (pence)": record.expenses_pence,
                "Declined payment": record.declined_payment,
            }
            for record in held.involvement
        ],
        "Meetings attended": [
            {"Panel": meeting.panel.name, "When": meeting.starts_at, "Where": meeting.place}
            for meeting in held.meetings
        ],
        "Emails sent": [
            {"To": m.to_email, "Subject": m.subject, "Written": m.created_at, "Sent": m.sent_at or "", "Body": m.body}
            for m in held.messages
        ],
        "Safeguarding flags": [
            {
                "Raised": flag.created_at,
                "Categories": flag.categories,
                "Status": flag.status.label,
                "Outcome": flag.outcome.label if flag.outcome else "",
                "History": "; ".join(
                    f"{event.at:%d %b %Y %H:%M} {event.action}"
                    for event in held.flag_events
                    if event.object_id == flag.id
                ),
            }
            for flag in held.flags
        ],
        "Quotes of your words": [
            {
                "Statement": quote.you_said.title,
                "Quote": quote.text,
                "Published": quote.you_said.is_published and quote.approved_at is not None,
            }
            for quote in held.quotes
        ],
    }
    return {title: items for title, items in sections.items() if items}


def _response(response: Any, held: Holdings) -> Record:
    contact = next((c for c in held.contacts if c.response_id == response.id), None)
    record: Record = {
        "Survey": response.survey.title,
        "Reference": response.reference or "",
        "Status": response.status.value,
        "How": response.channel.value,
        "Formats": response.formats,
        "Started": response.started_at,
        "Sent": response.submitted_at or "",
    }
    for answer in sorted(response.answers, key=lambda a: a.question.position):
        if answer.video is not None:
            video = f"Video: {_video_name(answer.id, answer.video.stored_name)}"
            record[answer.question.prompt] = f"{video}. {answer.text}".strip(". ") if answer.text else video
        else:
            record[answer.question.prompt] = answer.display
    if contact is not None:
        record.update(
            {
                "Contact name": contact.name,
                "Contact email": contact.email,
                "Contact phone": contact.phone,
                "May contact you": contact.may_contact,
                "Wants updates": contact.wants_updates,
            }
        )
    return record
