"""Two-step verification: a code from an authenticator app (TOTP, RFC 6238) or a one-time recovery code.

Required for the roles that can see identifiable answers and disclosures (MFA_ROLES), as ASVS level 2 and
the NHS Data Security and Protection Toolkit expect. pyotp computes the codes; segno draws the QR code.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select

from engage import audit
from engage.auth.models import RecoveryCode, User
from engage.auth.services import sign_out_everywhere
from engage.extensions import db
from engage.timeutil import utcnow

ISSUER = "Engage"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def required_for(user: User) -> bool:
    return user.role.value in current_app.config["MFA_ROLES"]


def new_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code(user: User, secret: str) -> str:
    """The enrolment QR code as a data URI (an SVG drawn here: the secret never leaves the server)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    # A standalone SVG document (svg_inline leaves out the namespace, and an <img> then shows nothing).
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#212b32", light="#ffffff")


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code this is: now, or one step either side for a slow clock."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    for step in (now, now - 1, now + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _clean(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def check_app_code(user: User, secret: str, code: str) -> bool:
    """A current code from the app, not used before; the step is recorded so it cannot be replayed."""
    cleaned = _clean(code)
    if len(cleaned) != 6 or not cleaned.isdigit():
        return False
    step = _matching_step(secret, cleaned)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(_clean(code).encode(), key=key[:64], digest_size=32).hexdigest()


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one of the user's recovery codes."""
    cleaned = _clean(code)
    if len(cleaned) != 10:
        return False
    query = select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(cleaned), RecoveryCode.used_at.is_(None)
    )
    found = db.session.execute(query).scalar_one_or_none()
    if found is None:
        return False
    found.used_at = utcnow()
    audit.record(user.id, "recovery_code_used", user)
    return True


def verify(user: User, code: str) -> bool:
    """A code from the app, or else a recovery code."""
    ok = (user.totp_secret is not None and check_app_code(user, user.totp_secret, code)) or use_recovery_code(
        user, code
    )
    db.session.flush()
    return ok


def recovery_codes_left(user: User) -> int:
    query = select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return db.session.execute(query).scalar_one()


def _forget_recovery_codes(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones, shown once."""
    _forget_recovery_codes(user)
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    audit.record(user.id, "recovery_codes_issued", user)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Turn on two-step verification once the app shows a matching code; returns the recovery codes."""
    if not check_app_code(user, secret, code):
        return None
    user.totp_secret = secret
    audit.record(user.id, "two_step_enrolled", user)
    return new_recovery_codes(user)


def reset(actor: User, user: User) -> None:
    """An administrator clears a user's two-step verification (a lost phone): they enrol again at next sign-in."""
    user.totp_secret, user.totp_last_step = None, None
    _forget_recovery_codes(user)
    sign_out_everywhere(user)
    audit.record(actor.id, "two_step_reset", user)
    db.session.flush()
