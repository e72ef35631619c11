"""Account operations: sign-in with throttling, invitations, access needs."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from engage import audit
from engage.auth.models import ACCESS_NEEDS, LoginFailure, Role, User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.timeutil import utcnow


class AccountError(EngageError):
    """A request about an account that cannot be carried out; the message is for the user."""


@dataclass
class SignIn:
    user: User | None
    error: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _email_digest(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def recent_failures(email: str) -> int:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_THROTTLE_SECONDS"])
    query = select(func.count()).where(LoginFailure.email_digest == _email_digest(email), LoginFailure.at >= since)
    return db.session.execute(query).scalar_one()


def authenticate(email: str, password: str) -> SignIn:
    """Check credentials, refusing while too many recent attempts have failed for this email."""
    if recent_failures(email) >= current_app.config["LOGIN_MAX_FAILURES"]:
        minutes = max(1, current_app.config["LOGIN_THROTTLE_SECONDS"] // 60)
        return SignIn(None, f"Too many failed attempts. Wait {minutes} minutes, then try again")
    user = user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        db.session.add(LoginFailure(email_digest=_email_digest(email)))
        audit.record(None, "login_failed")
        db.session.flush()
        return SignIn(None, "Enter a correct email address and password")
    db.session.execute(delete(LoginFailure).where(LoginFailure.email_digest == _email_digest(email)))
    audit.record(user.id, "login", user)
    db.session.flush()
    return SignIn(user)


def record_sign_out(user: User) -> None:
    """End every session of the user's (a copied cookie stops working too) and note it in the audit trail."""
    sign_out_everywhere(user)
    audit.record(user.id, "logout", user)
    db.session.flush()


def sign_out_everywhere(user: User) -> None:
    """Invalidate every login cookie issued to this user."""
    user.session_token = secrets.token_urlsafe(24)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(actor: User, *, email: str, name: str, role: Role) -> tuple[User, str]:
    """Create an account and return it with a one-time invitation token for setting a password."""
    if user_by_email(email) is not None:
        raise AccountError("An account with this email address already exists")
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    db.session.add(user)
    token = issue_invite(user)
    audit.record(actor.id, "user_created", user, f"role={role.value}")
    db.session.flush()
    return user, token


def issue_invite(user: User) -> str:
    """Give the user a new invitation token, replacing any earlier one."""
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = _token_digest(token)
    user.invite_expires_at = utcnow() + timedelta(days=current_app.config["INVITE_DAYS"])
    return token


def user_for_invite(token: str) -> User | None:
    """The user an unexpired invitation token belongs to."""
    if not token or len(token) > 100:
        return None
    user = db.session.execute(select(User).where(User.invite_token_hash == _token_digest(token))).scalar_one_or_none()
    if user is None or user.invite_expires_at is None or user.invite_expires_at < utcnow():
        return None
    return user


def accept_invite(user: User, password: str) -> None:
    """Set the password chosen through an invitation; the token cannot be used again."""
    user.set_password(password)
    user.invite_token_hash = None
    user.invite_expires_at = None
    sign_out_everywhere(user)
    audit.record(user.id, "invite_accepted", user)
    db.session.flush()


def update_user(actor: User, user: User, *, name: str, role: Role, active: bool) -> None:
    """Change a user's name, role or whether they can sign in."""
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise AccountError("You cannot remove your own administrator access")
    changes = [f"role={role.value}"] if role != user.role else []
    if active != user.active:
        changes.append(f"active={active}")
        sign_out_everywhere(user)
    user.name, user.role, user.active = name.strip(), role, active
    audit.record(actor.id, "user_updated", user, " ".join(changes))
    db.session.flush()


def set_access_needs(user: User, needs: list[str], other: str) -> None:
    """Record the user's communication and access needs."""
    user.access_needs = ",".join(key for key in ACCESS_NEEDS if key in needs)
    user.access_needs_other = other.strip()
    audit.record(user.id, "access_needs_updated", user)
    db.session.flush()


def reissue_invite(actor: User, user: User) -> str:
    """Replace a user's invitation link with a new one."""
    token = issue_invite(user)
    audit.record(actor.id, "invite_reissued", user)
    db.session.flush()
    return token


def set_notifications(user: User, *, draft: bool, deadline: bool, decision: bool, updates: bool = True) -> None:
    """Record which notification emails the user wants."""
    user.notify_draft, user.notify_deadline, user.notify_decision = draft, deadline, decision
    user.notify_updates = updates
    audit.record(user.id, "notifications_updated", user)
    db.session.flush()
