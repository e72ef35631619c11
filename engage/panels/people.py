"""Joining panels: invitation links that create member accounts, and applications leads decide on."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from engage import audit
from engage.auth.models import Role, User
from engage.auth.services import AccountError, normalise_email, user_by_email
from engage.extensions import db
from engage.panels.models import Application, ApplicationStatus, MemberRole, Membership, Panel, PanelInvite
from engage.panels.services import PanelError
from engage.signals import text_written
from engage.timeutil import utcnow

INVITE_DAYS = 14


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(actor: User, panel: Panel, *, name: str, email: str) -> str:
    """Make a one-time link that creates a member account for this person and adds them to the panel."""
    token = secrets.token_urlsafe(32)
    record = PanelInvite(
        panel=panel, token_hash=_digest(token), name=name, email=normalise_email(email),
        expires_at=utcnow() + timedelta(days=INVITE_DAYS),
    )  # fmt: skip
    db.session.add(record)
    audit.record(actor.id, "panel_invite_created", panel)
    db.session.flush()
    return token


def invite_for(token: str) -> PanelInvite | None:
    if not token or len(token) > 100:
        return None
    found = db.session.execute(select(PanelInvite).where(PanelInvite.token_hash == _digest(token))).scalar_one_or_none()
    if found is None or found.used_at is not None or found.expires_at < utcnow():
        return None
    return found


def accept_invite(record: PanelInvite, *, name: str, password: str, needs: list[str], other_needs: str) -> User:
    """Create a member account and add it to the panel; the link then stops working.

    A panel invitation only ever makes a new member. It never sets the password of an account that already
    exists, even one still waiting for its own invitation to be accepted: that account's role (perhaps lead
    or admin) was given by an administrator, and whoever holds a panel link must not be able to claim it.
    """
    if user_by_email(record.email) is not None:
        raise AccountError(
            "There is already an account for this email address. Sign in (or use the invitation you were sent "
            "to set it up), then ask your lead to add you to the panel"
        )
    user = User(email=record.email, name=name, role=Role.MEMBER)
    db.session.add(user)
    user.name = name
    user.set_password(password)
    user.access_needs, user.access_needs_other = ",".join(needs), other_needs
    db.session.flush()
    if not any(m.user_id == user.id and m.left_on is None for m in record.panel.memberships):
        db.session.add(Membership(panel=record.panel, user_id=user.id, role=MemberRole.MEMBER))
    if user not in record.panel.programme.people:
        record.panel.programme.people.append(user)
    record.used_at = utcnow()
    audit.record(user.id, "panel_invite_accepted", record.panel)
    db.session.flush()
    return user


def apply(panel: Panel, *, name: str, email: str, about: str, access_needs: str, consent: bool) -> Application:
    """Someone asks to join a panel."""
    if not consent:
        raise PanelError("You need to agree to us keeping your details so we can consider your application")
    application = Application(
        panel=panel, name=name, email=normalise_email(email), about=about, access_needs=access_needs, consent=True
    )
    db.session.add(application)
    audit.record(None, "panel_application_received", panel)
    db.session.flush()
    text_written.send(None, source=application)  # people applying may write about their own crisis
    return application


def decide_application(actor: User, application: Application, accept: bool) -> str | None:
    """Accept (returns an invitation token for the applicant) or decline an application."""
    if application.status != ApplicationStatus.PENDING:
        raise PanelError("This application has already been decided")
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED
    application.decided_by_id, application.decided_at = actor.id, utcnow()
    audit.record(actor.id, f"panel_application_{application.status.value}", application.panel)
    db.session.flush()
    return invite(actor, application.panel, name=application.name, email=application.email) if accept else None


def pending_applications(panel: Panel) -> list[Application]:
    query = select(Application).where(Application.panel_id == panel.id).order_by(Application.created_at.desc())
    return list(db.session.execute(query).scalars())
