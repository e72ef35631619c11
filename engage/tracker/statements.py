"""Statements ("you said"), their quotes and their publication."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from analysis.redact import redact
from analysis.safeguarding import screen
from engage import audit
from engage.auth.models import Role, User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus, Theme
from engage.media.models import MediaKind
from engage.media.storage import UploadError, discard, store
from engage.notify.services import absolute_url, compose, notify
from engage.panels.models import Comment
from engage.panels.services import programme_comments_query
from engage.programmes.models import Programme
from engage.signals import held_back, themes_cited, words_erased, words_flagged
from engage.surveys.models import Answer
from engage.timeutil import utcnow
from engage.tracker.loop import evidence_ids, tell_contributors
from engage.tracker.models import Quote, WeDid, YouSaid, you_said_themes


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
    """Panel comments (not withdrawn) on the programme's drafts, oldest first."""
    return list(db.session.execute(programme_comments_query(programme.id)).scalars())


NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    "|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|dozens?|a dozen"
)
PEOPLE = (
    "people|persons|residents|respondents|participants|members|carers|patients|service users|users|individuals"
    "|families|parents|young people|adults|voices|of you|of us|men|women"
)
# "14 people told us", "a dozen of you", "90% of respondents": counts the board already shows, worked out.
TYPED_COUNT = re.compile(
    rf"\b(?:\d[\d,.]*\s*(?:%|per\s?cent)?|(?:{NUMBER_WORDS})(?:[\s-](?:{NUMBER_WORDS}))*)\s+"
    rf"(?:of\s+(?:the\s+|our\s+|all\s+)?)?(?:{PEOPLE})\b",
    re.IGNORECASE,
)
TYPED = (
    "Leave out how many people said this ({found}): the public board shows the number worked out from the "
    "evidence, with small numbers hidden so that nobody can be picked out"
)


def _check_counts(statement: Statement) -> None:
    """Refuse a typed count of people: beside the computed one it could contradict it or undo its suppression."""
    for field_name in ("title", "statement", "easy_read_text"):
        if found := TYPED_COUNT.search(getattr(statement, field_name)):
            raise TrackerError(TYPED.format(found=f"“{found.group(0)}”"), field_name)


def _evidence(programme: Programme, statement: Statement) -> tuple[list[Theme], list[Comment]]:
    """The themes and comments named, each checked to belong to this programme (ids can be forged)."""
    _check_counts(statement)
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
            selectinload(YouSaid.actions).selectinload(WeDid.indicators),
        )
    )
    if published_only:
        query = query.where(YouSaid.published_at.is_not(None)).order_by(YouSaid.published_at.desc())
    else:
        query = query.order_by(YouSaid.published_at.is_(None).desc(), YouSaid.updated_at.desc())
    return list(db.session.execute(query).scalars())


# Quotes: redacted when taken, approved before they are shown


def candidate_quotes(you_said: YouSaid) -> list[tuple[str, str]]:
    """(source key, redacted text) for the themes' representative quotes and the linked comments not yet used."""
    used = {f"a{q.answer_id}" for q in you_said.quotes if q.answer_id}
    used |= {f"c{q.comment_id}" for q in you_said.quotes if q.comment_id}
    keys = [f"a{i}" for theme in you_said.themes for i in theme.quote_answer_ids or []]
    keys += [f"c{i}" for theme in you_said.themes for i in theme.quote_comment_ids or []]
    keys += [f"c{c.id}" for c in you_said.comments]
    evidence = quotable_ids(you_said)
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


def quotable_ids(you_said: YouSaid) -> tuple[set[int], set[int]]:
    """The statement's evidence less any words safeguarding holds back (flagged, and not cleared)."""
    answers, comments = evidence_ids(you_said)
    held_answers, held_comments = held_back(answers, comments)
    return answers - held_answers, comments - held_comments


def held_quote_ids(quotes: list[Quote]) -> set[int]:
    """The quotes safeguarding holds back, never approved or published: their source is flagged and not
    cleared, or their own words (as a lead may have edited them) screen as a disclosure."""
    held_answers, held_comments = held_back(
        [q.answer_id for q in quotes if q.answer_id], [q.comment_id for q in quotes if q.comment_id]
    )
    return {
        q.id for q in quotes if q.answer_id in held_answers or q.comment_id in held_comments or screen(q.text).flagged
    }


def is_held(quote: Quote) -> bool:
    return bool(held_quote_ids([quote]))


HELD = (
    "These words may disclose a risk of harm (they are waiting for a safeguarding review, were found to disclose "
    "risk, or read as a disclosure), so they cannot be quoted"
)


def add_quote(actor: User, you_said: YouSaid, key: str) -> Quote:
    text = _source_text(key, quotable_ids(you_said))
    if text is None and _source_text(key, evidence_ids(you_said)) is not None:
        raise TrackerError(HELD, "source")
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
    if quote.removed_at is not None:
        raise TrackerError("This quote was erased at the person's request. Its words cannot come back")
    quote.text, quote.approved_at, quote.approved_by_id = redact(text), None, None
    audit.record(actor.id, "quote_edited", quote)
    db.session.flush()


def approve_quote(actor: User, quote: Quote) -> None:
    if is_held(quote):
        raise TrackerError(HELD)
    if redact(quote.text) != quote.text:
        raise TrackerError("This quote still contains personal details. Edit it first")
    quote.approved_at, quote.approved_by_id = utcnow(), actor.id
    audit.record(actor.id, "quote_approved", quote)
    db.session.flush()


# The most quotes a new statement starts with (offered from its theme, ticked by the lead).
STARTING_QUOTES = 3


def start_with_quotes(actor: User, you_said: YouSaid, keys: list[str]) -> None:
    """Add the quotes a lead ticked on a new statement, approved: they read each one before saving."""
    for key in list(dict.fromkeys(keys))[:STARTING_QUOTES]:
        approve_quote(actor, add_quote(actor, you_said, key))


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
    if held_quote_ids(you_said.quotes):
        raise TrackerError("A quote's words are held back by safeguarding. Remove that quote before publishing")
    # A lead may paste a resident's words into the statement itself: they meet the same screen as a quote.
    if any(screen(text).flagged for text in (you_said.title, you_said.statement, you_said.easy_read_text)):
        raise TrackerError(
            "The statement's own words read like someone disclosing risk. Reword it, or ask your safeguarding "
            "lead, before publishing"
        )


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


@words_erased.connect
def _remove_erased_quotes(sender: object, answer_ids: list[int], comment_ids: list[int]) -> None:
    """A person's words are being erased: quotes of them go. On a published statement a note takes the quote's
    place, so readers see that it was removed at the person's request rather than silently changed."""
    del sender
    quotes = db.session.execute(
        select(Quote).where(or_(Quote.answer_id.in_(answer_ids), Quote.comment_id.in_(comment_ids)))
    ).scalars()
    for quote in quotes:
        if quote.you_said.is_published:
            quote.text, quote.answer_id, quote.comment_id, quote.removed_at = "", None, None, utcnow()
            audit.record(None, "quote_removed_on_request", quote)
        else:
            audit.record(None, "quote_removed_on_request", quote.you_said, f"quote={quote.id}")
            db.session.delete(quote)
    db.session.flush()


@words_flagged.connect
def _withdraw_flagged_quotes(sender: object, answer_id: int | None, comment_id: int | None) -> None:
    """Words flagged after they were quoted: the quote comes off the public pages at once, and the leads are told."""
    del sender
    column, ident = (Quote.answer_id, answer_id) if answer_id else (Quote.comment_id, comment_id)
    quotes = db.session.execute(select(Quote).where(column == ident, Quote.approved_at.is_not(None))).scalars()
    for quote in quotes:
        quote.approved_at, quote.approved_by_id = None, None
        audit.record(None, "quote_withdrawn_by_safeguarding", quote)
        you_said = quote.you_said
        link = absolute_url("tracker.statement", statement_id=you_said.id)
        for lead in you_said.programme.people:
            if lead.role == Role.LEAD:
                notify(lead, "quote_withdrawn", compose("quote_withdrawn", user=lead, you_said=you_said, link=link))
    db.session.flush()
