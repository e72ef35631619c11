"""Erasing a person: every record of them, and what was derived from their words, in one transaction."""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from engage import audit
from engage.auth.models import LoginFailure, Role, User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.insights.models import TextEmbedding
from engage.media.storage import discard
from engage.notify.models import OutboxMessage
from engage.panels.models import Application, Comment, PanelInvite
from engage.rights.holdings import MIN_TERM, Holdings, Mention, find
from engage.rights.models import RightsRequest
from engage.rights.services import close_request
from engage.signals import words_erased
from engage.surveys.models import Answer, Contact, Response
from engage.throttle import digest
from engage.timeutil import utcnow
from engage.tracker.models import LoopNotice, Quote


class ErasureError(EngageError):
    """An erasure that must not go ahead."""


def check_erasable(actor: User, held: Holdings) -> None:
    """Refuse to erase nothing, the administrator's own account, or the last administrator."""
    if held.is_empty:
        raise ErasureError("Engage holds nothing for these details, so there is nothing to erase")
    if any(user.id == actor.id for user in held.users):
        raise ErasureError("You cannot erase your own account. Ask another administrator")
    admins = db.session.execute(select(User.id).where(User.role == Role.ADMIN, User.active)).scalars().all()
    if any(user.role == Role.ADMIN for user in held.users) and set(admins) <= {user.id for user in held.users}:
        raise ErasureError("This would erase the last administrator. Make someone else an administrator first")


def erase(actor: User, case: RightsRequest) -> Holdings:
    """Delete everything held about the request's person, and clear the request's own copy of their details.

    Other people's words keep what they said but lose the person's email, phone number and name. The audit
    trail keeps the fact of the erasure and counts, never what was erased.
    """
    held = find(case)
    check_erasable(actor, held)
    summary = held.summary()
    remove(held)
    _redact_mentions(case, held.mentions)
    counts = " ".join(f"{noun.replace(' ', '_')}={count}" for noun, count in held.counts())
    audit.record(actor.id, "personal_data_erased", case, counts)
    case.erased_at = utcnow()
    close_request(actor, case, f"Erased: {summary}")
    # Rows deleted in bulk may still sit in the session, loaded by `find`.
    db.session.expire_all()
    return held


def remove(held: Holdings) -> None:
    """Delete the records in `held`: the one path for erasing a person and for the retention schedule.

    Derived data goes too: other features hear `words_erased` first and drop theme assignments, stored
    embeddings and quotes (a published quote becomes a note that it was removed at the person's request).
    Counts on public pages are computed from what remains, so they update by themselves.
    """
    words_erased.send(
        None, answer_ids=[answer.id for answer in held.answers], comment_ids=[comment.id for comment in held.comments]
    )
    for media in held.files:
        discard(media)
    digests = [digest("email", email) for email in held.emails]
    # The database's cascades (on for SQLite too) take what hangs off these rows: a response's answers and
    # flags; an account's comments (with their decisions and flags), memberships, involvement records,
    # attendance and recovery codes.
    _delete(LoopNotice, [notice.id for notice in held.loop_notices])
    _delete(OutboxMessage, [message.id for message in held.messages])
    _delete(Contact, [contact.id for contact in held.contacts])
    _delete(Response, [response.id for response in held.responses])
    _delete(Application, [application.id for application in held.applications])
    _delete(PanelInvite, [invite.id for invite in held.invites])
    _delete(User, [user.id for user in held.users])
    if digests:
        db.session.execute(delete(LoginFailure).where(LoginFailure.email_digest.in_(digests)))
    db.session.flush()


PLACEHOLDERS = {"email": "[email]", "phone": "[phone]", "name": "[name]"}


def _redact_mentions(case: RightsRequest, mentions: list[Mention]) -> None:
    """Other people's words keep what they said, but not the erased person's email, phone number or name."""
    terms = [
        (re.compile(re.escape(value.strip()), re.IGNORECASE), PLACEHOLDERS[kind])
        for kind, value in (("email", case.email), ("phone", case.phone), ("name", case.name))
        if len(value.strip()) >= MIN_TERM
    ]
    if not terms:
        return
    sources: list[Answer | Comment | Quote] = [
        source
        for mention in mentions
        if (source := db.session.get(Answer if mention.kind == "answer" else Comment, mention.ident)) is not None
    ]
    sources += db.session.execute(select(Quote).where(Quote.text != "")).scalars().all()
    for source in sources:
        text = source.text
        for pattern, placeholder in terms:
            text = pattern.sub(placeholder, text)
        if text != source.text:
            if not isinstance(source, Quote):
                # The stored embedding of the old words would still encode the name.
                forget = TextEmbedding.digest_of(source.text)
                db.session.execute(delete(TextEmbedding).where(TextEmbedding.digest == forget))
            source.text = text


def _delete(model: type[db.Model], ids: list[int]) -> None:
    if ids:
        db.session.execute(delete(model).where(model.id.in_(ids)))
