"""Closing the loop: who contributed to a statement, and telling those who asked to hear back, once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import or_, select

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.insights.models import ThemeAssignment
from engage.notify.models import OutboxMessage
from engage.notify.services import absolute_url, compose, notify, notify_address, notify_phone, uk_mobile
from engage.panels.models import Comment
from engage.surveys.models import Answer, Contact
from engage.tracker.models import LoopNotice, YouSaid


def evidence_ids(you_said: YouSaid) -> tuple[set[int], set[int]]:
    """The answers and panel comments behind a statement: those in its themes, and the comments linked to it."""
    answers: set[int] = set()
    comments = {c.id for c in you_said.comments}
    theme_ids = [t.id for t in you_said.themes]
    if theme_ids:
        query = select(ThemeAssignment.answer_id, ThemeAssignment.comment_id).where(
            ThemeAssignment.theme_id.in_(theme_ids)
        )
        for answer_id, comment_id in db.session.execute(query):
            if answer_id:
                answers.add(answer_id)
            if comment_id:
                comments.add(comment_id)
    return answers, comments


# Who contributed, and telling them


@dataclass
class Contributors:
    response_ids: set[int]
    comment_author_ids: set[int]

    @property
    def people(self) -> int:
        return len(self.response_ids) + len(self.comment_author_ids)


def contributors(you_said: YouSaid) -> Contributors:
    """The responses and panel members whose words are in the statement's themes or linked comments."""
    answer_ids, comment_ids = evidence_ids(you_said)
    responses: set[int] = set()
    if answer_ids:
        query = select(Answer.response_id).where(Answer.id.in_(answer_ids))
        responses = set(db.session.execute(query).scalars())
    authors: set[int] = set()
    if comment_ids:
        authors = set(db.session.execute(select(Comment.author_id).where(Comment.id.in_(comment_ids))).scalars())
    return Contributors(responses, authors)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="you-said-updates")


def unsubscribe_link(kind: str, ident: int) -> str:
    return absolute_url("tracker.unsubscribe", token=_serializer().dumps([kind, ident]))


def _recipient(token: str) -> tuple[str, int] | None:
    """Whom a "stop these updates" token names, while it is signed and younger than UNSUBSCRIBE_DAYS."""
    max_age = int(current_app.config["UNSUBSCRIBE_DAYS"]) * 24 * 60 * 60
    try:
        kind, ident = _serializer().loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        return None
    return kind, ident


def token_is_valid(token: str) -> bool:
    return _recipient(token) is not None


def unsubscribe(token: str) -> bool:
    """Stop "you said, we did" updates for whoever the token names. False if the token is not valid."""
    recipient = _recipient(token)
    if recipient is None:
        return False
    kind, ident = recipient
    if kind == "contact" and (contact := db.session.get(Contact, ident)) is not None:
        contact.wants_updates = False
    elif kind == "user" and (user := db.session.get(User, ident)) is not None:
        user.notify_updates = False
    else:
        return False
    audit.record(None, "updates_unsubscribed", None, f"{kind}={ident}")
    db.session.flush()
    return True


@dataclass
class Recipient:
    kind: str  # "contact" (a respondent's contact details) or "user" (a panel member)
    ident: int
    email: str = ""
    mobile: str = ""  # a respondent who left a UK mobile and no email is told by text message
    user: User | None = None

    @property
    def key(self) -> str:
        """Who was told, as loop notices record it, without their address."""
        return f"{self.kind}:{self.ident}"


def recipients(you_said: YouSaid) -> list[Recipient]:
    """Everyone who contributed to the statement and asked to hear back."""
    people = contributors(you_said)
    found: list[Recipient] = []
    if people.response_ids:
        query = select(Contact).where(Contact.response_id.in_(people.response_ids), Contact.wants_updates.is_(True))
        for contact in db.session.execute(query.order_by(Contact.id)).scalars():
            if contact.email:
                found.append(Recipient("contact", contact.id, email=contact.email))
            elif mobile := uk_mobile(contact.phone):
                found.append(Recipient("contact", contact.id, mobile=mobile))
    if people.comment_author_ids:
        query = select(User).where(User.id.in_(people.comment_author_ids), User.notify_updates.is_(True))
        found += [Recipient("user", u.id, user=u) for u in db.session.execute(query.order_by(User.id)).scalars()]
    return found


def still_to_tell(you_said: YouSaid, event: str) -> list[Recipient]:
    """Those of the statement's recipients not yet told about this event."""
    told = set(db.session.execute(select(LoopNotice.recipient).where(LoopNotice.event == event)).scalars())
    return [person for person in recipients(you_said) if person.key not in told]


def tell_contributors(statement: YouSaid, event: str, template: str, **context: Any) -> int:
    """Email each person who contributed and asked to hear back (or text them, if they left only a mobile), once
    per event. Each message is addressed to one person and says nothing about anyone else. Returns how many."""
    board = absolute_url("tracker.board", slug=statement.programme.slug)
    people = still_to_tell(statement, event)
    for person in people:
        db.session.add(LoopNotice(event=event, recipient=person.key))
        stop = unsubscribe_link(person.kind, person.ident)
        if person.mobile:
            text = compose(template, folder="texts", board=board, stop=stop, **context)
            notify_phone(person.mobile, "you_said_update", text, about=event)
            continue
        email = compose(template, board=board, stop=stop, **context)
        if person.user is not None:
            notify(person.user, "you_said_update", email, about=event)
        else:
            notify_address(person.email, "you_said_update", email, about=event)
    return len(people)


def messages_about(you_said: YouSaid) -> list[OutboxMessage]:
    """The emails and texts that told contributors about this statement and its actions, newest first."""
    events = [OutboxMessage.about == f"published:{you_said.id}"]
    events += [OutboxMessage.about.like(f"action:{action.id}:%") for action in you_said.actions]
    query = select(OutboxMessage).where(or_(*events)).order_by(OutboxMessage.id.desc())
    return list(db.session.execute(query).scalars())


def message_of(you_said: YouSaid, message_id: int) -> OutboxMessage | None:
    """One of the statement's messages (None: no such message, or about something else)."""
    return next((m for m in messages_about(you_said) if m.id == message_id), None)
