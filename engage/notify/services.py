"""Queue a notification: always kept in the outbox; `engage.notify.jobs` sends it when MAIL_BACKEND is "smtp"."""

from __future__ import annotations

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


def compose(template: str, **context: Any) -> Email:
    """An email from templates/emails/<template>.txt: the template sets `subject`; the rest is the body.

    Plain text: Flask does not HTML-escape .txt templates, and an email body is not HTML.
    """
    module = current_app.jinja_env.get_template(f"emails/{template}.txt").make_module(context)
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


def notify_address(address: str, kind: str, email: Email) -> OutboxMessage:
    """Queue a message to an address that has no account (for example a resume link); the caller commits."""
    message = OutboxMessage(to_email=address, kind=kind, subject=email.subject, body=email.body)
    db.session.add(message)
    return message
