"""Everything Engage holds about one person, found from the details they give."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from engage.audit import AuditEvent
from engage.auth.models import User
from engage.auth.services import normalise_email
from engage.extensions import db
from engage.media.models import MediaFile
from engage.notify.models import OutboxMessage
from engage.notify.services import uk_mobile
from engage.panels.models import (
    Application,
    Comment,
    InvolvementRecord,
    Meeting,
    Membership,
    PanelInvite,
    meeting_attendance,
)
from engage.rights.models import RightsRequest
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys.models import Answer, Contact, Response
from engage.tracker.models import LoopNotice, Quote


def phone_digits(phone: str) -> str:
    """A phone number as its digits, with +44 written the national way (07700 900111 = +44 7700 900111)."""
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if digits.startswith("44") and len(digits) > 10 else digits


@dataclass
class Mention:
    """Someone else's words that name this person: withheld from the export, kept on erasure."""

    kind: str  # "answer" or "comment"
    ident: int
    found: str  # which detail: "email", "phone" or "name"


@dataclass
class Holdings:
    """One person's records. Lists of models, loaded with what the pages and the export read."""

    users: list[User] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    invites: list[PanelInvite] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    involvement: list[InvolvementRecord] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    messages: list[OutboxMessage] = field(default_factory=list)
    flags: list[SafeguardingFlag] = field(default_factory=list)
    flag_events: list[AuditEvent] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    loop_notices: list[LoopNotice] = field(default_factory=list)
    # Files people gave: BSL answer videos.
    files: list[MediaFile] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def answers(self) -> list[Answer]:
        return [answer for response in self.responses for answer in response.answers]

    @property
    def emails(self) -> set[str]:
        found = {user.email for user in self.users} | {c.email for c in self.contacts}
        found |= {a.email for a in self.applications} | {i.email for i in self.invites}
        return {normalise_email(email) for email in found if email}

    @property
    def is_empty(self) -> bool:
        return not (
            self.users or self.responses or self.applications or self.invites or self.messages or self.loop_notices
        )

    def counts(self) -> list[tuple[str, int]]:
        """What is held, as (plural noun, count), leaving out what there is none of."""
        kinds = [
            ("accounts", self.users),
            ("survey responses", self.responses),
            ("answers", self.answers),
            ("BSL video files", self.files),
            ("contact details", self.contacts),
            ("panel comments", self.comments),
            ("applications to join a panel", self.applications),
            ("panel invitations", self.invites),
            ("panel memberships", self.memberships),
            ("involvement records", self.involvement),
            ("meetings attended", self.meetings),
            ("emails sent", self.messages),
            ("safeguarding flags", self.flags),
            ("quotes", self.quotes),
        ]
        return [(noun, len(items)) for noun, items in kinds if items]

    def summary(self) -> str:
        return ", ".join(f"{count} {noun}" for noun, count in self.counts()) or "nothing"


def find(case: RightsRequest) -> Holdings:
    """Everything held about the person this request names, in a fixed number of queries."""
    held = Holdings()
    email = normalise_email(case.email) if case.email else ""
    name = case.name.strip().lower()
    held.users = _matching(User, email, name)
    held.contacts = _contacts(email, phone_digits(case.phone), name)
    response_ids = {contact.response_id for contact in held.contacts}
    if case.reference:
        response_ids |= set(
            db.session.execute(
                select(Response.id).where(func.upper(Response.reference) == case.reference.strip().upper())
            ).scalars()
        )
    held.responses = _all(
        select(Response)
        .where(Response.id.in_(response_ids))
        .options(selectinload(Response.answers).selectinload(Answer.question), selectinload(Response.survey))
        .order_by(Response.id)
    )
    # A reference finds the contact details given with that response too.
    held.contacts = _all(select(Contact).where(Contact.response_id.in_(response_ids)).order_by(Contact.id))
    user_ids = [user.id for user in held.users]
    held.comments = _all(select(Comment).where(Comment.author_id.in_(user_ids)).order_by(Comment.id))
    held.applications = _matching(Application, email, name)
    held.invites = _all(select(PanelInvite).where(func.lower(PanelInvite.email) == email)) if email else []
    held.memberships = _all(select(Membership).where(Membership.user_id.in_(user_ids)))
    held.involvement = _all(select(InvolvementRecord).where(InvolvementRecord.user_id.in_(user_ids)))
    held.meetings = _all(
        select(Meeting)
        .join(meeting_attendance, meeting_attendance.c.meeting_id == Meeting.id)
        .where(meeting_attendance.c.user_id.in_(user_ids))
    )
    emails = held.emails
    # Text messages went to the mobile given in the request or with any of the person's contact details.
    mobiles = {m for phone in [case.phone, *(c.phone for c in held.contacts)] if (m := uk_mobile(phone))}
    held.messages = _all(
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.user_id.in_(user_ids),
                func.lower(OutboxMessage.to_email).in_(emails),
                OutboxMessage.to_phone.in_(mobiles),
            )
        )
        .order_by(OutboxMessage.id)
    )
    answer_ids = [answer.id for answer in held.answers]
    comment_ids = [comment.id for comment in held.comments]
    application_ids = [application.id for application in held.applications]
    held.flags = _all(
        select(SafeguardingFlag).where(
            or_(
                SafeguardingFlag.response_id.in_(response_ids),
                SafeguardingFlag.answer_id.in_(answer_ids),
                SafeguardingFlag.comment_id.in_(comment_ids),
                SafeguardingFlag.application_id.in_(application_ids),
            )
        )
    )
    held.flag_events = _all(
        select(AuditEvent)
        .where(AuditEvent.object_type == "SafeguardingFlag", AuditEvent.object_id.in_([f.id for f in held.flags]))
        .order_by(AuditEvent.at)
    )
    held.quotes = _all(
        select(Quote).where(or_(Quote.answer_id.in_(answer_ids), Quote.comment_id.in_(comment_ids))).order_by(Quote.id)
    )
    recipients = [f"contact:{c.id}" for c in held.contacts] + [f"user:{ident}" for ident in user_ids]
    held.loop_notices = _all(select(LoopNotice).where(LoopNotice.recipient.in_(recipients)))
    held.files = [answer.video for answer in held.answers if answer.video is not None]
    held.mentions = _mentions(case, set(answer_ids), set(comment_ids))
    return held


def _all(query: select) -> list:  # type: ignore[type-arg]
    return list(db.session.execute(query).scalars().unique())


def _matching(model: type[User] | type[Contact] | type[Application], email: str, name: str) -> list:  # type: ignore[type-arg]
    """Rows whose email or name (either case) is the one given."""
    conditions = [func.lower(model.email) == email] if email else []
    if name:
        conditions.append(func.lower(model.name) == name)
    return _all(select(model).where(or_(*conditions)).order_by(model.id)) if conditions else []


def _contacts(email: str, phone: str, name: str) -> list[Contact]:
    """Contact details given with survey answers that match the email, the phone number or the name."""
    found: list[Contact] = _matching(Contact, email, name)
    if phone:
        # Phone numbers are stored as typed: compare their digits.
        with_phone = db.session.execute(select(Contact).where(Contact.phone != "")).scalars()
        found += [contact for contact in with_phone if phone_digits(contact.phone) == phone and contact not in found]
    return found


# Shorter details would match inside ordinary words.
MIN_TERM = 3


def _mentions(case: RightsRequest, own_answers: set[int], own_comments: set[int]) -> list[Mention]:
    """Other people's answers and comments that contain the person's email, phone number or name."""
    terms = [("email", case.email.strip()), ("phone", case.phone.strip()), ("name", case.name.strip())]
    mentions: list[Mention] = []
    for found, term in terms:
        if len(term) < MIN_TERM:
            continue
        pattern = f"%{_escape_like(term.lower())}%"
        for kind, model, own in (("answer", Answer, own_answers), ("comment", Comment, own_comments)):
            query = select(model.id).where(func.lower(model.text).like(pattern, escape="\\")).order_by(model.id)
            idents = db.session.execute(query).scalars()
            mentions += [Mention(kind, ident, found) for ident in idents if ident not in own]
    return _unique(mentions)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _unique(mentions: Iterable[Mention]) -> list[Mention]:
    seen: dict[tuple[str, int], Mention] = {}
    for mention in mentions:
        seen.setdefault((mention.kind, mention.ident), mention)
    return list(seen.values())
