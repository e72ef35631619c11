"""Accounts, roles and communication needs."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from engage.extensions import db
from engage.modeltypes import db_enum
from engage.timeutil import utcnow


class Role(enum.StrEnum):
    RESIDENT = "resident"
    MEMBER = "member"
    LEAD = "lead"
    SAFEGUARDING = "safeguarding"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.RESIDENT: "Resident",
    Role.MEMBER: "Panel member (expert by experience or reference group)",
    Role.LEAD: "Engagement lead",
    Role.SAFEGUARDING: "Safeguarding lead",
    Role.ADMIN: "Administrator",
}

# Communication and access needs, as the NHS Accessible Information Standard records them.
ACCESS_NEEDS = {
    "bsl": "British Sign Language (BSL) interpreter",
    "easy_read": "Easy read information",
    "large_print": "Large print",
    "hearing_loop": "Hearing loop",
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(db_enum(Role))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the login cookie: changing it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    invite_token_hash: Mapped[str | None] = mapped_column(String(64))
    invite_expires_at: Mapped[datetime | None]
    # A password reset link: its hash, single use, short-lived.
    reset_token_hash: Mapped[str | None] = mapped_column(String(64))
    reset_expires_at: Mapped[datetime | None]
    # Two-step verification: the authenticator app's shared secret (base32), and the last 30-second step
    # whose code was accepted, so a code seen over someone's shoulder cannot be used again.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    # Accessible Information Standard: a comma-separated set of ACCESS_NEEDS keys plus free text.
    access_needs: Mapped[str] = mapped_column(String(200), default="")
    access_needs_other: Mapped[str] = mapped_column(String(500), default="")
    # Which notifications the user wants (all on unless they say otherwise).
    notify_draft: Mapped[bool] = mapped_column(default=True, server_default="1")
    notify_deadline: Mapped[bool] = mapped_column(default=True, server_default="1")
    notify_decision: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Told when a "you said" they contributed to is published or its actions change.
    notify_updates: Mapped[bool] = mapped_column(default=True, server_default="1")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def access_need_keys(self) -> list[str]:
        return [key for key in self.access_needs.split(",") if key in ACCESS_NEEDS]

    @property
    def access_need_labels(self) -> list[str]:
        labels = [ACCESS_NEEDS[key] for key in self.access_need_keys]
        if self.access_needs_other:
            labels.append(self.access_needs_other)
        return labels


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app (a lost phone); only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class LoginFailure(db.Model):
    """One failed sign-in, kept briefly to throttle guessing across all workers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # A keyed hash of the email address, so the table holds no personal data.
    email_digest: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
