"""Account operations: sign-in with throttling, invitations, access needs."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.security import check_password_hash, generate_password_hash

from engage import audit
from engage.auth.models import ACCESS_NEEDS, LoginFailure, Role, User, new_session_token
from engage.exceptions import EngageError
from engage.extensions import db
from engage.notify.services import absolute_url, compose, notify_address
from engage.throttle import digest
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
    return digest("email", email)


def _forget_failures(email: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.email_digest == _email_digest(email)))


def user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def wait_before_next_try(email: str) -> int:
    """Seconds before this email may try again: none for the first LOGIN_MAX_FAILURES failures in the window,
    then a delay that doubles with each further failure, up to LOGIN_MAX_DELAY_SECONDS.

    A growing delay rather than a lockout: a stranger who guesses at someone's address slows them down
    but cannot keep them out. The same rule applies to addresses with no account.
    """
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_THROTTLE_SECONDS"])
    query = select(func.count(), func.max(LoginFailure.at)).where(
        LoginFailure.email_digest == _email_digest(email), LoginFailure.at >= since
    )
    failures, last = db.session.execute(query).one()
    beyond = failures - config["LOGIN_MAX_FAILURES"]
    if beyond < 0 or last is None:
        return 0
    delay = min(2**beyond, config["LOGIN_MAX_DELAY_SECONDS"])
    return max(0, math.ceil((last - utcnow()).total_seconds() + delay))


def purge_login_failures() -> int:
    """Forget failed sign-ins older than the throttle window (the daily purge); returns how many."""
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_THROTTLE_SECONDS"])
    return db.session.execute(delete(LoginFailure).where(LoginFailure.at < since)).rowcount or 0


def describe_wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@cache
def _decoy_hash() -> str:
    """A password hash to check when no account matches, so an unknown email takes as long as a known one."""
    return generate_password_hash(secrets.token_urlsafe(16))


def record_failure(email: str) -> None:
    """A wrong password or security code for this email: counts towards the wait before the next try."""
    db.session.add(LoginFailure(email_digest=_email_digest(email)))
    audit.record(None, "login_failed")
    db.session.flush()


def authenticate(email: str, password: str) -> SignIn:
    """Check credentials, asking the person to wait after repeated failures for this email."""
    wait = wait_before_next_try(email)
    if wait:
        message = f"Too many failed attempts for this email address. Wait {describe_wait(wait)}, then try again"
        return SignIn(None, message)
    user = user_by_email(email)
    # One hash is always checked, the decoy's when no account (or no password) matches, so timing tells nothing.
    known = user is not None and user.password_hash is not None
    matches = check_password_hash(user.password_hash if known else _decoy_hash(), password) and known
    if user is None or not user.active or not matches:
        record_failure(email)
        return SignIn(None, "Enter a correct email address and password")
    _forget_failures(email)
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
    user.session_token = new_session_token()


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


def _token_owner(token: str, token_hash: InstrumentedAttribute[str | None]) -> User | None:
    """The user a link token (an invitation or a password reset) was issued to, expired or not."""
    if not token or len(token) > 100:
        return None
    return db.session.execute(select(User).where(token_hash == _token_digest(token))).scalar_one_or_none()


def _unexpired(expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at >= utcnow()


def user_for_invite(token: str) -> User | None:
    """The user an unexpired invitation token belongs to."""
    user = _token_owner(token, User.invite_token_hash)
    return user if user is not None and _unexpired(user.invite_expires_at) else None


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
    if changes:
        sign_out_everywhere(user)  # a new role or a closed account takes effect at once, on every device
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


def request_password_reset(email: str) -> None:
    """Email a single-use reset link, valid for an hour, if the address has an account that can sign in.

    The caller says the same thing whatever happens here, so the page tells nobody whether an address is
    registered (for a panel member, that alone would disclose lived experience of mental illness).
    """
    user = user_by_email(email)
    if user is None or not user.active or user.password_hash is None:
        return
    token = secrets.token_urlsafe(32)
    user.reset_token_hash = _token_digest(token)
    user.reset_expires_at = utcnow() + timedelta(seconds=current_app.config["PASSWORD_RESET_SECONDS"])
    link = absolute_url("auth.reset_password", token=token)
    notify_address(user.email, "password_reset", compose("password_reset", user=user, link=link))
    audit.record(None, "password_reset_requested", user)
    db.session.flush()


def user_for_reset(token: str) -> User | None:
    """The active user an unexpired reset token belongs to."""
    user = _token_owner(token, User.reset_token_hash)
    return user if user is not None and _unexpired(user.reset_expires_at) and user.active else None


def reset_password(user: User, password: str) -> None:
    """Set a new password from a reset link: the link is spent and every session signed out."""
    user.set_password(password)
    user.reset_token_hash, user.reset_expires_at = None, None
    _forget_failures(user.email)
    sign_out_everywhere(user)
    audit.record(user.id, "password_reset", user)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Change a password, given the current one; every other session is signed out (the caller signs this
    one in again with the new token)."""
    if not user.check_password(current):
        raise AccountError("Your current password is not correct", field="current")
    user.set_password(new)
    user.reset_token_hash, user.reset_expires_at = None, None
    sign_out_everywhere(user)
    audit.record(user.id, "password_changed", user)
    db.session.flush()
