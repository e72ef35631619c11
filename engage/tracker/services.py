"""Named operations for "you said, we did": statements, quotes, actions, publication and closing the loop."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from analysis.redact import redact
from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus, Theme, ThemeAssignment
from engage.media.models import MediaKind
from engage.media.storage import UploadError, discard, store
from engage.notify.services import absolute_url, compose, notify, notify_address
from engage.panels.models import Comment, Draft, DraftSection
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Programme
from engage.signals import themes_cited
from engage.surveys.models import Answer, Contact, Question, Response, ResponseStatus, Survey
from engage.timeutil import utcnow
from engage.tracker.models import (
    ActionStatus,
    ActionUpdate,
    LoopNotice,
    Quote,
    WeDid,
    YouSaid,
    you_said_comments,
    you_said_themes,
)


class TrackerError(EngageError):
    """A change to "you said, we did" that cannot be made."""


@themes_cited.connect
def _statements_citing(sender: object, theme_ids: list[int]) -> list[str]:
    """Statements whose evidence includes any of these themes (insights asks before changing them)."""
    del sender
    query = (
        select(YouSaid.title)
        .join(you_said_themes, you_said_themes.c.you_said_id == YouSaid.id)
        .where(you_said_themes.c.theme_id.in_(theme_ids))
        .distinct()
        .order_by(YouSaid.title)
    )
    return list(db.session.execute(query).scalars())


# Statements


@dataclass
class Statement:
    title: str
    statement: str
    easy_read_text: str = ""
    theme_ids: list[int] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)


def programme_themes(programme: Programme) -> list[Theme]:
    """Themes a statement can be made from: those of the programme's finished runs, not marked as noise."""
    query = (
        select(Theme)
        .join(AnalysisRun)
        .where(AnalysisRun.programme_id == programme.id, AnalysisRun.status == RunStatus.DONE)
        .where(Theme.is_noise.is_(False))
        .order_by(AnalysisRun.created_at.desc(), Theme.position)
    )
    return list(db.session.execute(query).scalars())


def programme_comments(programme: Programme) -> list[Comment]:
    """Panel comments on the programme's drafts, decided ones first."""
    query = (
        select(Comment)
        .join(DraftSection)
        .join(Draft)
        .where(Draft.programme_id == programme.id, Comment.withdrawn.is_(False))
        .order_by(Comment.id)
    )
    return list(db.session.execute(query).scalars())


def _evidence(programme: Programme, statement: Statement) -> tuple[list[Theme], list[Comment]]:
    """The themes and comments named, each checked to belong to this programme (ids can be forged)."""
    themes = {t.id: t for t in programme_themes(programme)}
    comments = {c.id: c for c in programme_comments(programme)}
    if any(i not in themes for i in statement.theme_ids):
        raise TrackerError("Choose themes from this programme's analyses", "theme_ids")
    if any(i not in comments for i in statement.comment_ids):
        raise TrackerError("Choose comments from this programme's panels", "comment_ids")
    if not statement.theme_ids and not statement.comment_ids:
        raise TrackerError("Choose at least one theme or panel comment that this statement comes from", "theme_ids")
    return [themes[i] for i in statement.theme_ids], [comments[i] for i in statement.comment_ids]


def create_you_said(actor: User, programme: Programme, statement: Statement) -> YouSaid:
    themes, comments = _evidence(programme, statement)
    you_said = YouSaid(
        programme=programme,
        title=statement.title,
        statement=statement.statement,
        easy_read_text=statement.easy_read_text,
        themes=themes,
        comments=comments,
        created_by_id=actor.id,
    )
    db.session.add(you_said)
    audit.record(actor.id, "you_said_created", you_said, f"themes={len(themes)} comments={len(comments)}")
    db.session.flush()
    return you_said


def update_you_said(actor: User, you_said: YouSaid, statement: Statement) -> None:
    you_said.themes, you_said.comments = _evidence(you_said.programme, statement)
    you_said.title, you_said.statement = statement.title, statement.statement
    you_said.easy_read_text = statement.easy_read_text
    audit.record(actor.id, "you_said_changed", you_said)
    db.session.flush()


def set_picture(actor: User, you_said: YouSaid, picture: IO[bytes] | None, alt: str) -> None:
    """The easy read picture beside the statement; a new upload replaces the old one."""
    if picture is not None:
        try:
            media = store(picture, MediaKind.IMAGE, programme_id=you_said.programme_id)
        except UploadError as error:
            raise TrackerError(str(error), "picture") from error
        old, you_said.easy_read_image = you_said.easy_read_image, media
        if old is not None:
            discard(old)
    if you_said.easy_read_image is not None and not alt:
        raise TrackerError("Describe the picture for people who cannot see it", "picture_alt")
    you_said.easy_read_image_alt = alt if you_said.easy_read_image is not None else ""
    audit.record(actor.id, "you_said_picture", you_said)


def you_saids(programme: Programme, published_only: bool = False) -> list[YouSaid]:
    """The programme's statements with everything a list or the board shows, in a fixed number of queries."""
    query = (
        select(YouSaid)
        .where(YouSaid.programme_id == programme.id)
        .options(
            selectinload(YouSaid.themes),
            selectinload(YouSaid.comments),
            selectinload(YouSaid.quotes),
            selectinload(YouSaid.easy_read_image),
            selectinload(YouSaid.actions).selectinload(WeDid.components),
            selectinload(YouSaid.actions).selectinload(WeDid.updates),
        )
    )
    if published_only:
        query = query.where(YouSaid.published_at.is_not(None)).order_by(YouSaid.published_at.desc())
    else:
        query = query.order_by(YouSaid.published_at.is_(None).desc(), YouSaid.updated_at.desc())
    return list(db.session.execute(query).scalars())


# Quotes: redacted when taken, approved before they are shown


def _evidence_ids(you_said: YouSaid) -> tuple[set[int], set[int]]:
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


def candidate_quotes(you_said: YouSaid) -> list[tuple[str, str]]:
    """(source key, redacted text) for the themes' representative quotes and the linked comments not yet used."""
    used = {f"a{q.answer_id}" for q in you_said.quotes if q.answer_id}
    used |= {f"c{q.comment_id}" for q in you_said.quotes if q.comment_id}
    keys = [f"a{i}" for theme in you_said.themes for i in theme.quote_answer_ids or []]
    keys += [f"c{i}" for theme in you_said.themes for i in theme.quote_comment_ids or []]
    keys += [f"c{c.id}" for c in you_said.comments]
    evidence = _evidence_ids(you_said)
    found = []
    for key in dict.fromkeys(keys):
        if key in used:
            continue
        text = _source_text(key, evidence)
        if text:
            found.append((key, redact(text)))
    return found


def _source_text(key: str, evidence: tuple[set[int], set[int]]) -> str | None:
    """The words behind a source key ("a12": answer 12, "c3": comment 3), if that source is in the evidence."""
    kind, number = key[:1], key[1:]
    if not number.isdecimal():
        return None
    ident = int(number)
    answers, comments = evidence
    if kind == "a" and ident in answers:
        answer = db.session.get(Answer, ident)
        # A BSL answer is quoted through its English interpretation, and only once it has one.
        return answer.text if answer is not None and answer.text.strip() else None
    if kind == "c" and ident in comments:
        comment = db.session.get(Comment, ident)
        return comment.text if comment is not None and not comment.withdrawn else None
    return None


def add_quote(actor: User, you_said: YouSaid, key: str) -> Quote:
    text = _source_text(key, _evidence_ids(you_said))
    if text is None:
        raise TrackerError("Choose a quote from this statement's themes or comments", "source")
    quote = Quote(text=redact(text))
    if key.startswith("a"):
        quote.answer_id = int(key[1:])
    else:
        quote.comment_id = int(key[1:])
    you_said.quotes.append(quote)
    audit.record(actor.id, "quote_added", you_said, f"source={key}")
    db.session.flush()
    return quote


def edit_quote(actor: User, quote: Quote, text: str) -> None:
    """Shorten or tidy a quote. It is redacted again, and needs approving again."""
    quote.text, quote.approved_at, quote.approved_by_id = redact(text), None, None
    audit.record(actor.id, "quote_edited", quote)
    db.session.flush()


def approve_quote(actor: User, quote: Quote) -> None:
    if redact(quote.text) != quote.text:
        raise TrackerError("This quote still contains personal details. Edit it first")
    quote.approved_at, quote.approved_by_id = utcnow(), actor.id
    audit.record(actor.id, "quote_approved", quote)
    db.session.flush()


def remove_quote(actor: User, quote: Quote) -> None:
    audit.record(actor.id, "quote_removed", quote.you_said, f"quote={quote.id}")
    db.session.delete(quote)
    db.session.flush()


# Publication


def check_publishable(you_said: YouSaid) -> None:
    """Refuse to publish while a quote is unapproved or still holds personal details."""
    unapproved = [q for q in you_said.quotes if q.approved_at is None]
    if unapproved:
        raise TrackerError(f"Approve or remove every quote before publishing ({len(unapproved)} not approved)")
    if any(redact(q.text) != q.text for q in you_said.quotes):
        raise TrackerError("A quote still contains personal details. Edit it before publishing")


def publish_event(you_said: YouSaid) -> str:
    return f"published:{you_said.id}"


def publish(actor: User, you_said: YouSaid) -> bool:
    """Put the statement on the public board and tell the people who contributed, once.

    Returns False, changing nothing, when it is already published (a double click or a replayed form).
    """
    check_publishable(you_said)
    if you_said.published_at is not None:
        return False
    you_said.published_at = utcnow()
    audit.record(actor.id, "you_said_published", you_said)
    tell_contributors(you_said, publish_event(you_said), "you_said_published", you_said=you_said)
    db.session.flush()
    return True


def delete_you_said(actor: User, you_said: YouSaid) -> None:
    """Delete a draft statement with its quotes and actions; a published one must be taken off the board first."""
    if you_said.is_published:
        raise TrackerError("Take this statement off the public board before deleting it")
    audit.record(actor.id, "you_said_deleted", you_said, f"title_length={len(you_said.title)}")
    # Core offer changes its actions made stay in the history; they just lose the link.
    db.session.delete(you_said)
    db.session.flush()


def unpublish(actor: User, you_said: YouSaid) -> None:
    you_said.published_at = None
    audit.record(actor.id, "you_said_unpublished", you_said)
    db.session.flush()


# Actions


@dataclass
class ActionFields:
    what: str
    owner: str
    detail: str = ""
    status: ActionStatus = ActionStatus.PLANNED
    reason: str = ""
    progress: int = 0
    target_date: date | None = None
    completed_on: date | None = None
    evidence_url: str = ""
    component_ids: list[int] = field(default_factory=list)


def _check_action(programme: Programme, fields: ActionFields) -> list[CoreOfferComponent]:
    if not 0 <= fields.progress <= 100:
        raise TrackerError("Progress must be a whole number from 0 to 100", "progress")
    if fields.status == ActionStatus.NOT_TAKEN_FORWARD and not fields.reason.strip():
        raise TrackerError("Say why this is not being taken forward", "reason")
    if fields.evidence_url and not fields.evidence_url.startswith(("https://", "http://")):
        raise TrackerError("The evidence link must start with https://", "evidence_url")
    components = {c.id: c for c in programme.components}
    if any(i not in components for i in fields.component_ids):
        raise TrackerError("Choose components of this programme's core offer", "component_ids")
    if not fields.component_ids:
        raise TrackerError("Choose at least one part of the core offer this action changes", "component_ids")
    return [components[i] for i in fields.component_ids]


def _apply_action(action: WeDid, fields: ActionFields, components: list[CoreOfferComponent]) -> None:
    action.what, action.owner, action.detail = fields.what, fields.owner, fields.detail
    action.status = fields.status
    action.reason = fields.reason if fields.status == ActionStatus.NOT_TAKEN_FORWARD else ""
    action.progress = 100 if fields.status == ActionStatus.DONE else fields.progress
    action.target_date, action.evidence_url = fields.target_date, fields.evidence_url
    action.completed_on = (fields.completed_on or date.today()) if fields.status == ActionStatus.DONE else None
    action.components, action.updated_at = components, utcnow()


def change_description(actor: User, action: WeDid, component: CoreOfferComponent, description: str) -> None:
    """Give a component of the action a new description, kept in the core offer's history and linked to the action.

    The lead starts from the current text and confirms a word-by-word preview first (see the view), so
    nothing is deleted by retyping. An empty or unchanged description is refused.
    """
    if component not in action.components:
        raise TrackerError("Choose a part of the core offer that this action changes")
    if not description.strip():
        raise TrackerError("Enter the new description. A part of the core offer cannot be left empty", "description")
    if description == component.description:
        raise TrackerError("This is the description it has now. Change it, or go back", "description")
    component.changes.append(
        CoreOfferChange(
            before=component.description,
            after=description,
            # The history is public at once; the statement's own words appear there only once it is published.
            reason="Changed in response to what people told us",
            changed_by_id=actor.id,
            we_did=action,
        )
    )
    component.description, component.updated_at = description, utcnow()
    audit.record(actor.id, "component_changed", component, f"we_did={action.id}")
    db.session.flush()


def add_action(actor: User, you_said: YouSaid, fields: ActionFields) -> WeDid:
    components = _check_action(you_said.programme, fields)
    action = WeDid()
    you_said.actions.append(action)
    _apply_action(action, fields, components)
    first = ActionUpdate(by_id=actor.id, status=action.status, progress=action.progress, note="Action added")
    action.updates.append(first)
    db.session.add(action)
    db.session.flush()
    audit.record(actor.id, "we_did_added", action, f"you_said={you_said.id}")
    db.session.flush()
    return action


def update_action(actor: User, action: WeDid, fields: ActionFields, note: str) -> None:
    """Change an action; a dated timeline entry records it, and contributors hear of a new status once."""
    components = _check_action(action.you_said.programme, fields)
    before = action.status
    _apply_action(action, fields, components)
    action.updates.append(ActionUpdate(by_id=actor.id, status=action.status, progress=action.progress, note=note))
    audit.record(actor.id, "we_did_updated", action, f"status={action.status.value}")
    if action.status != before and action.you_said.is_published:
        event = f"action:{action.id}:{action.status.value}"
        tell_contributors(action.you_said, event, "action_update", action=action, note=note)
    db.session.flush()


def last_update_at(action: WeDid) -> datetime:
    return max([u.at for u in action.updates] or [action.created_at])


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
    answer_ids, comment_ids = _evidence_ids(you_said)
    responses: set[int] = set()
    if answer_ids:
        query = select(Answer.response_id).where(Answer.id.in_(answer_ids))
        responses = set(db.session.execute(query).scalars())
    authors: set[int] = set()
    if comment_ids:
        authors = set(db.session.execute(select(Comment.author_id).where(Comment.id.in_(comment_ids))).scalars())
    return Contributors(responses, authors)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="you-said-updates")


def unsubscribe_link(kind: str, ident: int) -> str:
    return absolute_url("tracker.unsubscribe", token=_serializer().dumps([kind, ident]))


def token_is_valid(token: str) -> bool:
    try:
        _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return False
    return True


def unsubscribe(token: str) -> bool:
    """Stop "you said, we did" updates for whoever the token names. False if the token is not valid."""
    try:
        kind, ident = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return False
    if kind == "contact" and (contact := db.session.get(Contact, ident)) is not None:
        contact.wants_updates = False
    elif kind == "user" and (user := db.session.get(User, ident)) is not None:
        user.notify_updates = False
    else:
        return False
    audit.record(None, "updates_unsubscribed", None, f"{kind}={ident}")
    db.session.flush()
    return True


def _told(event: str, recipient: str) -> bool:
    seen = select(LoopNotice.id).where(LoopNotice.event == event, LoopNotice.recipient == recipient)
    return db.session.execute(seen).first() is not None


@dataclass
class Recipient:
    key: str  # "contact:<id>" or "user:<id>": who was told, without their address
    email: str = ""
    user: User | None = None


def recipients(you_said: YouSaid) -> list[Recipient]:
    """Everyone who contributed to the statement and asked to hear back."""
    people = contributors(you_said)
    found: list[Recipient] = []
    if people.response_ids:
        query = select(Contact).where(
            Contact.response_id.in_(people.response_ids), Contact.wants_updates.is_(True), Contact.email != ""
        )
        found += [Recipient(f"contact:{c.id}", email=c.email) for c in db.session.execute(query).scalars()]
    if people.comment_author_ids:
        query = select(User).where(User.id.in_(people.comment_author_ids), User.notify_updates.is_(True))
        found += [Recipient(f"user:{u.id}", user=u) for u in db.session.execute(query.order_by(User.id)).scalars()]
    return found


def still_to_tell(you_said: YouSaid, event: str) -> list[Recipient]:
    """Those of the statement's recipients not yet told about this event."""
    return [person for person in recipients(you_said) if not _told(event, person.key)]


def tell_contributors(statement: YouSaid, event: str, template: str, **context: Any) -> int:
    """Email each person who contributed and asked to hear back, once per event. Each message is
    addressed to one person and says nothing about anyone else. Returns how many were queued."""
    board = absolute_url("tracker.board", slug=statement.programme.slug)
    people = still_to_tell(statement, event)
    for person in people:
        db.session.add(LoopNotice(event=event, recipient=person.key))
        kind, ident = person.key.split(":")
        email = compose(template, board=board, stop=unsubscribe_link(kind, int(ident)), **context)
        if person.user is not None:
            notify(person.user, "you_said_update", email, about=event)
        else:
            notify_address(person.email, "you_said_update", email)
    return len(people)


# Reach: how many people, through which formats and channels, from which groups


@dataclass
class Reach:
    people: int
    by_format: dict[str, int]
    by_channel: dict[str, int]
    by_group: dict[str, dict[str, int]]


@dataclass
class ResponseFacts:
    formats: list[str]
    channel: str
    groups: list[tuple[str, list[str]]] = field(default_factory=list)  # (equality key, choices)


def _response_facts(response_ids: set[int] | Select[tuple[int]]) -> dict[int, ResponseFacts]:
    """What reach counts for each response: its formats, channel and equality answers (two queries a batch).

    Takes ids, sent in batches under every database's limit on parameters, or a query of them.
    """
    facts: dict[int, ResponseFacts] = {}
    if isinstance(response_ids, set):
        ids = sorted(response_ids)
        batches: list[list[int] | Select[tuple[int]]] = [ids[i : i + 5000] for i in range(0, len(ids), 5000)]
    else:
        batches = [response_ids]
    for chunk in batches:
        for response in db.session.execute(
            select(Response.id, Response.formats, Response.channel).where(Response.id.in_(chunk))
        ):
            facts[response.id] = ResponseFacts(
                [f for f in (response.formats or "").split(",") if f], response.channel.value
            )
        equality = (
            select(Answer.response_id, Question.equality_key, Answer.choices)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.response_id.in_(chunk), Question.equality_key.is_not(None), Question.equality_key != "")
        )
        for response_id, key, choices in db.session.execute(equality):
            if choices:
                facts[response_id].groups.append((key, choices))
    return facts


def _tally(response_ids: set[int], facts: dict[int, ResponseFacts], extra_people: int = 0) -> Reach:
    formats: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    groups: dict[str, Counter[str]] = {}
    for response_id in response_ids:
        fact = facts[response_id]
        formats.update(fact.formats)
        channels[fact.channel] += 1
        for key, choices in fact.groups:
            groups.setdefault(key, Counter()).update(choices)
    return Reach(
        len(response_ids) + extra_people, dict(formats), dict(channels), {k: dict(v) for k, v in groups.items()}
    )


def reach_of(response_ids: set[int], extra_people: int = 0) -> Reach:
    """Counts over these submitted responses (and panel members), for suppression by the caller."""
    return _tally(response_ids, _response_facts(response_ids), extra_people)


def you_said_reach(you_said: YouSaid) -> Reach:
    return reaches([you_said])[you_said.id]


def reaches(statements: list[YouSaid]) -> dict[int, Reach]:
    """Each statement's reach, in a fixed number of queries however many statements and people there are."""
    ids = [s.id for s in statements]
    responses: dict[int, set[int]] = {i: set() for i in ids}
    authors: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        cited = (
            select(you_said_themes.c.you_said_id, Answer.response_id, Comment.author_id)
            .join(ThemeAssignment, ThemeAssignment.theme_id == you_said_themes.c.theme_id)
            .outerjoin(Answer, Answer.id == ThemeAssignment.answer_id)
            .outerjoin(Comment, Comment.id == ThemeAssignment.comment_id)
            .where(you_said_themes.c.you_said_id.in_(ids))
            .distinct()
        )
        linked = (
            select(you_said_comments.c.you_said_id, Comment.author_id)
            .join(Comment, Comment.id == you_said_comments.c.comment_id)
            .where(you_said_comments.c.you_said_id.in_(ids))
        )
        for statement_id, response_id, author_id in db.session.execute(cited):
            if response_id is not None:
                responses[statement_id].add(response_id)
            if author_id is not None:
                authors[statement_id].add(author_id)
        for statement_id, author_id in db.session.execute(linked):
            authors[statement_id].add(author_id)
    facts = _response_facts(set().union(*responses.values()))
    result = {}
    for statement_id in ids:
        reach = _tally(responses[statement_id], facts, len(authors[statement_id]))
        if authors[statement_id]:
            reach.by_channel["panel"] = len(authors[statement_id])
        result[statement_id] = reach
    return result


def programme_reach(programme: Programme) -> Reach:
    query = (
        select(Response.id)
        .join(Survey)
        .where(Survey.programme_id == programme.id, Response.status == ResponseStatus.SUBMITTED)
    )
    facts = _response_facts(query)
    return _tally(set(facts), facts)


def shown(count: int) -> str:
    """A count as the public sees it: small counts are suppressed so nobody can be picked out."""
    threshold = int(current_app.config["SMALL_COUNT_THRESHOLD"])
    return f"fewer than {threshold}" if 0 < count < threshold else f"{count:,}"


# The public board


BOARD_STATUSES = {s.value for s in ActionStatus}


@dataclass
class BoardFilters:
    component_id: int | None = None
    status: ActionStatus | None = None


def board_filters(programme: Programme, component: str, status: str) -> BoardFilters:
    """Check the board's filters; unknown values are refused with a message, never a server error."""
    filters = BoardFilters()
    if component:
        if not component.isdecimal() or int(component) not in {c.id for c in programme.components}:
            raise TrackerError("There is no such part of the core offer in this programme", "component")
        filters.component_id = int(component)
    if status:
        if status not in BOARD_STATUSES:
            raise TrackerError("Choose a status from the list", "status")
        filters.status = ActionStatus(status)
    return filters


def board_items(programme: Programme, filters: BoardFilters) -> list[YouSaid]:
    """Published statements whose actions match the filters (all published ones when no filter is set)."""
    items = you_saids(programme, published_only=True)
    if filters.component_id is None and filters.status is None:
        return items

    def matches(action: WeDid) -> bool:
        if filters.component_id is not None and filters.component_id not in {c.id for c in action.components}:
            return False
        return filters.status is None or action.status == filters.status

    return [item for item in items if any(matches(a) for a in item.actions)]


@dataclass
class BoardCharts:
    themes_total: int
    themes_answered: int  # linked to a published statement with at least one action
    themes_said: int  # linked to a published statement with no action yet
    actions_by_status: dict[ActionStatus, int]

    @property
    def theme_rows(self) -> list[tuple[str, int]]:
        waiting = self.themes_total - self.themes_answered - self.themes_said
        return [
            ("Themes with an action", self.themes_answered),
            ("Themes published, action to follow", self.themes_said),
            ("Themes not yet responded to", waiting),
        ]

    @property
    def status_rows(self) -> list[tuple[str, int]]:
        return [(status.label, n) for status, n in self.actions_by_status.items()]

    @property
    def actions_total(self) -> int:
        return sum(self.actions_by_status.values())


def board_charts(programme: Programme) -> BoardCharts:
    themes = {t.id for t in latest_themes(programme)}
    answered: set[int] = set()
    said: set[int] = set()
    statuses: Counter[ActionStatus] = Counter()
    for item in you_saids(programme, published_only=True):
        linked = {t.id for t in item.themes} & themes
        (answered if item.actions else said).update(linked)
        statuses.update(a.status for a in item.actions)
    return BoardCharts(len(themes), len(answered), len(said - answered), {s: statuses[s] for s in ActionStatus})


def latest_themes(programme: Programme) -> list[Theme]:
    """The themes of the programme's most recent finished analysis: what people are saying now."""
    run = (
        db.session.execute(
            select(AnalysisRun)
            .where(AnalysisRun.programme_id == programme.id, AnalysisRun.status == RunStatus.DONE)
            .order_by(AnalysisRun.finished_at.desc(), AnalysisRun.id.desc())
        )
        .scalars()
        .first()
    )
    if run is None:
        return []
    return [t for t in run.themes if not t.is_noise]


# Coverage for leads


@dataclass
class Coverage:
    themes_without_statement: list[Theme]
    statements_without_action: list[YouSaid]
    stale_actions: list[WeDid]
    median_days_to_action: float | None
    stale_days: int


def _first_heard(theme: Theme) -> datetime | None:
    answered = db.session.execute(
        select(func.min(Response.submitted_at))
        .join(Answer, Answer.response_id == Response.id)
        .join(ThemeAssignment, ThemeAssignment.answer_id == Answer.id)
        .where(ThemeAssignment.theme_id == theme.id)
    ).scalar_one()
    commented = db.session.execute(
        select(func.min(Comment.created_at))
        .join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id)
        .where(ThemeAssignment.theme_id == theme.id)
    ).scalar_one()
    return min([t for t in (answered, commented) if t is not None], default=None)


def coverage(programme: Programme, stale_days: int) -> Coverage:
    statements = you_saids(programme)
    linked = {t.id for s in statements for t in s.themes}
    first_action: dict[int, datetime] = {}
    for statement in statements:
        for action in statement.actions:
            for theme in statement.themes:
                if theme.id not in first_action or action.created_at < first_action[theme.id]:
                    first_action[theme.id] = action.created_at
    delays = []
    for theme_id, acted in first_action.items():
        theme = db.session.get(Theme, theme_id)
        heard = _first_heard(theme) if theme is not None else None
        if heard is not None:
            delays.append(max(0.0, (acted - heard).total_seconds() / 86400))
    cutoff = utcnow() - timedelta(days=stale_days)
    open_actions = [
        a
        for s in statements
        for a in s.actions
        if a.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and last_update_at(a) < cutoff
    ]
    return Coverage(
        themes_without_statement=[t for t in latest_themes(programme) if t.id not in linked],
        statements_without_action=[s for s in statements if not s.actions],
        stale_actions=open_actions,
        median_days_to_action=round(statistics.median(delays), 1) if delays else None,
        stale_days=stale_days,
    )
