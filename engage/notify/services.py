"""Queue a notification: always kept in the outbox; `engage.notify.jobs` sends it by GOV.UK Notify or SMTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from engage.auth.models import User
from engage.extensions import db
from engage.notify.models import OutboxMessage

# The kinds of message a user can switch off, with the User flag that holds their choice.
PREFERENCES = {
    "draft_for_review": "notify_draft",
    "deadline_reminder": "notify_deadline",
    "comment_decision": "notify_decision",
    "you_said_update": "notify_updates",
}


def absolute_url(endpoint: str, **values: object) -> str:
    """A full link (for an email, a feed or a link to copy), always at PUBLIC_URL.

    Never from the request: its Host header is whatever the sender typed, and a link built from it could send
    someone's resume link or invitation to another site.
    """
    anchor = values.pop("_anchor", None)
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme, script_name=base.path or "/")
    return adapter.build(endpoint, values, force_external=True) + (f"#{anchor}" if anchor else "")


def already_sent(user: User, kind: str, about: str) -> bool:
    query = select(OutboxMessage.id).where(
        OutboxMessage.user_id == user.id, OutboxMessage.kind == kind, OutboxMessage.about == about
    )
    return db.session.execute(query).first() is not None


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def compose(template: str, folder: str = "emails", **context: Any) -> Email:
    """A message from templates/<folder>/<template>.txt ("emails", or "texts" for text messages): the template
    sets `subject` (for a text message, only the outbox shows it); the rest is the body.

    Plain text: Flask does not HTML-escape .txt templates, and an email body is not HTML.
    """
    module = current_app.jinja_env.get_template(f"{folder}/{template}.txt").make_module(context)
    return Email(str(module.subject), str(module).strip() + "\n")


def notify(user: User, kind: str, email: Email, about: str = "") -> OutboxMessage | None:
    """Queue a message to a user if they want this kind; the caller commits. Returns it, or None if skipped."""
    flag = PREFERENCES.get(kind)
    if flag and not getattr(user, flag):
        return None
    message = OutboxMessage(
        user_id=user.id, to_email=user.email, kind=kind, about=about, subject=email.subject, body=email.body
    )
    db.session.add(message)
    return message


def notify_address(address: str, kind: str, email: Email, about: str = "") -> OutboxMessage:
    """Queue a message to an address that has no account (for example a resume link); the caller commits."""
    message = OutboxMessage(to_email=address, kind=kind, about=about, subject=email.subject, body=email.body)
    db.session.add(message)
    return message


def notify_phone(mobile: str, kind: str, text: Email, about: str = "") -> OutboxMessage:
    """Queue a text message to a UK mobile (from uk_mobile); the subject names it in the outbox only."""
    message = OutboxMessage(to_phone=mobile, kind=kind, about=about, subject=text.subject, body=text.body)
    db.session.add(message)
    return message


# 07, then 9 digits, written with or without +44 or 0044 and with spaces, dashes, dots or brackets.
UK_MOBILE = re.compile(r"(?:(?:\+|00)44\(?0?\)?|0)(7\d{9})")


def uk_mobile(text: str) -> str | None:
    """The number in international form (+447700900123) if it is a UK mobile, else None."""
    match = UK_MOBILE.fullmatch(re.sub(r"[\s\-.]", "", text))
    return f"+44{match.group(1)}" if match else None
