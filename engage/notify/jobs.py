"""Delivering the outbox, by GOV.UK Notify or SMTP: a job run by commands, which commits after each message.

A failed send is never lost: the message stays in the outbox with the reason, and is tried again later, waiting
longer each time (RETRY_MINUTES doubling), up to SEND_MAX_ATTEMPTS. A refusal that trying again cannot mend (an
address or number Notify will not accept) stops at once. Either way it is then shown as not sent, to the lead on
the statement it was about and to administrators in the outbox, who can send it again.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from typing import Protocol

from flask import current_app
from sqlalchemy import or_, select

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.timeutil import utcnow

RETRY_MINUTES = 5


class SendError(Exception):
    """A message was not sent; `lasting` when sending it again would fail the same way."""

    def __init__(self, reason: str, lasting: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:300]
        self.lasting = lasting


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> str:
        """Send one message; return the service's id for it (or ""), or raise SendError."""


class NotifySender:
    """GOV.UK Notify: one email template and one text message template, each filled with the message's words."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        config = current_app.config
        self.client = NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=30)
        self.email_template = config["NOTIFY_EMAIL_TEMPLATE_ID"]
        self.sms_template = config["NOTIFY_SMS_TEMPLATE_ID"]

    def send(self, message: OutboxMessage) -> str:
        from notifications_python_client.errors import HTTPError

        reference = f"engage-{message.id}"  # Notify keeps it; never anything about the person
        try:
            if message.is_text:
                sent = self.client.send_sms_notification(
                    phone_number=message.to_phone,
                    template_id=self.sms_template,
                    personalisation={"body": message.body},
                    reference=reference,
                )
            else:
                sent = self.client.send_email_notification(
                    email_address=message.to_email,
                    template_id=self.email_template,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=reference,
                )
        except HTTPError as error:
            # Notify answers 400 for a message it will never accept (a bad number, a trial-mode recipient) and
            # 403 for a bad key: sending again cannot help. 429 and 5xx pass; so does losing the connection.
            reason = _notify_reason(error.message)
            raise SendError(f"GOV.UK Notify {error.status_code}: {reason}", error.status_code in (400, 403)) from error
        return str(sent.get("id", ""))


def _notify_reason(message: object) -> str:
    """Notify's reason, from its {"errors": [{"error": ..., "message": ...}]} answer or a plain message."""
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in message)
    return str(message)


class SmtpSender:
    """An SMTP server, for an organisation without Notify. Email only: text messages wait for Notify."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, message: OutboxMessage) -> str:
        if message.is_text:
            raise SendError("Text messages need GOV.UK Notify (MAIL_BACKEND=notify)", lasting=True)
        config = current_app.config
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = config["MAIL_FROM"], message.to_email, message.subject
        email.set_content(message.body)
        try:
            self.smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            raise SendError("The mail server refused the address", lasting=True) from error
        except (smtplib.SMTPException, OSError) as error:
            raise SendError(f"SMTP: {type(error).__name__}") from error
        return ""


@contextmanager
def _smtp() -> Iterator[SmtpSender]:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS", True):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield SmtpSender(smtp)


def due() -> list[OutboxMessage]:
    """Unsent messages whose next try is due."""
    now = utcnow()
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.gave_up.is_(False),
            or_(OutboxMessage.next_try_at.is_(None), OutboxMessage.next_try_at <= now),
        )
        .order_by(OutboxMessage.id)
    )
    return list(db.session.execute(query).scalars())


def deliver_pending() -> int:
    """Send the messages that are due, by the MAIL_BACKEND ("notify" or "smtp"; "outbox" sends nothing).
    Returns how many were sent."""
    backend = current_app.config.get("MAIL_BACKEND")
    if backend == "notify":
        return _deliver(NotifySender())
    if backend == "smtp":
        pending = due()
        if not pending:
            return 0
        try:
            with _smtp() as sender:
                return _deliver(sender, pending)
        except (smtplib.SMTPException, OSError) as error:  # the server is down: every message waits its turn
            for message in pending:
                if message.sent_at is None:
                    _failed(message, SendError(f"SMTP: {type(error).__name__}"))
            db.session.commit()
    return 0


def _deliver(sender: Sender, pending: list[OutboxMessage] | None = None) -> int:
    sent = 0
    for message in due() if pending is None else pending:
        try:
            message.provider_id = sender.send(message)
        except SendError as error:
            _failed(message, error)
        else:
            message.sent_at, message.error, sent = utcnow(), "", sent + 1
        # Each message is recorded as soon as it is sent, so a process that dies part way never sends the
        # same message twice.
        db.session.commit()
    return sent


def _failed(message: OutboxMessage, error: SendError) -> None:
    message.attempts += 1
    message.error = error.reason
    if error.lasting or message.attempts >= int(current_app.config["SEND_MAX_ATTEMPTS"]):
        message.gave_up, message.next_try_at = True, None
    else:
        message.next_try_at = utcnow() + timedelta(minutes=RETRY_MINUTES * 2 ** (message.attempts - 1))


def send_again(actor: User, message: OutboxMessage) -> None:
    """Put a message that was not sent back in the queue, as new (after someone mended the cause)."""
    message.gave_up, message.attempts, message.next_try_at = False, 0, None
    audit.record(actor.id, "message_requeued", message)
    db.session.flush()
