"""Every message Engage sends, kept in an outbox so leads can see what went out, and what did not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.timeutil import utcnow


class OutboxMessage(db.Model):
    """One email or text message. It stays here, sent or not: a failed send is retried, then shown as failed."""

    # An email has an address and no phone number; a text message the other way round.
    __table_args__ = (CheckConstraint("(to_email = '') <> (to_phone = '')", name="one_recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_email: Mapped[str] = mapped_column(String(254), default="")
    # A UK mobile number in international form (+447700900123), for a text message.
    to_phone: Mapped[str] = mapped_column(String(16), default="")
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # What the message is about (for example "draft:4"), so a reminder goes once per person.
    about: Mapped[str] = mapped_column(String(60), default="", index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # Failed tries so far; the next is not before next_try_at. After SEND_MAX_ATTEMPTS, or a refusal that
    # trying again cannot mend (an invalid number), it waits for someone to look at it.
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime | None]
    gave_up: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(String(300), default="")
    # The delivery service's id for the message (GOV.UK Notify's notification id).
    provider_id: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {'sent' if self.sent_at else 'unsent'}>"

    @property
    def is_text(self) -> bool:
        return bool(self.to_phone)

    @property
    def status(self) -> str:
        if self.sent_at:
            return "Sent"
        if self.gave_up:
            return "Not sent"
        return "Waiting to try again" if self.attempts else "Waiting to send"
