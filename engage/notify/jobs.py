"""Delivering the outbox by SMTP: a job run by commands, which commits after each message it sends."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.timeutil import utcnow


def deliver_pending() -> int:
    """Send unsent outbox messages by SMTP (only when MAIL_BACKEND is "smtp"). Returns how many were sent."""
    config = current_app.config
    if config.get("MAIL_BACKEND") != "smtp":
        return 0
    pending = db.session.execute(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).scalars().all()
    sent = 0
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS", True):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for message in pending:
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = config["MAIL_FROM"], message.to_email, message.subject
            email.set_content(message.body)
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as error:
                message.error = type(error).__name__
            else:
                message.sent_at, sent = utcnow(), sent + 1
            # Each message is recorded as sent as soon as it is, so a process that dies part way never
            # sends the same email twice.
            db.session.commit()
    return sent
