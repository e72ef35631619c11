"""The first draft of a "you said" from a theme: what the theme already knows, written for the lead to edit.

A title from the theme's name, one sentence on what its comments do (never a typed count: the statement's
card shows the computed one), an easy read version in short sentences, up to three clear quotes that
safeguarding does not hold back, and the parts of the core offer the theme touches, each with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from analysis.redact import redact
from engage.extensions import db
from engage.insights.models import Codebook, TextCode, Theme, ThemeAssignment
from engage.insights.services import kind_counts
from engage.panels.models import Comment
from engage.programmes.models import CoreOfferComponent
from engage.signals import held_back
from engage.surveys.models import Answer
from engage.tracker.statements import STARTING_QUOTES

# What most of a theme's comments do, as a statement and an easy read line say it.
SAYING = {
    "praise": ("Most of what people told us about this was praise", "Many of you said this works well."),
    "complaint": (
        "Most of what people told us about this was about problems",
        "Many of you said this must get better.",
    ),
    "suggestion": (
        "Most of what people told us about this suggested changes",
        "Many of you told us how to make it better.",
    ),
}
ALSO = {"praise": "some praised it", "complaint": "some raised problems", "suggestion": "some suggested changes"}
# A quote is clear when it is a sentence or two long and redaction left most of its words.
QUOTE_CHARS = (40, 320)
# A theme touches a part of the core offer when at least this share of its comments, and at least 2, are coded
# to it (engage.insights.coding).
TOUCHES, TOUCHES_AT_LEAST = 0.2, 2


@dataclass
class Draft:
    title: str
    statement: str
    easy_read: str
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (source key, redacted text)
    components: list[tuple[CoreOfferComponent, str]] = field(default_factory=list)  # (part, reason)


def draft_from_theme(theme: Theme, components: list[CoreOfferComponent]) -> Draft:
    counts = kind_counts(theme.run).get(theme.id, {})
    said = sum(counts.values()) or 1
    ranked = sorted((k for k in SAYING if counts.get(k)), key=lambda k: -counts[k])
    most = ranked[0] if ranked and counts[ranked[0]] * 2 > said else None
    if theme.summary:
        statement = theme.summary
    elif most:
        also = [ALSO[k] for k in ranked[1:2] if counts[k] * 5 >= said]
        statement = ", and ".join([SAYING[most][0], *also]) + "."
    else:
        statement = "People told us good things about this, and things that should change."
    easy = [
        f"You told us about this: {theme.label}.",
        SAYING[most][1] if most else "You told us what works and what does not.",
        "We will tell you what we do about it.",
    ]
    return Draft(
        title=theme.label,
        statement=statement,
        easy_read="\n".join(easy),
        quotes=_clear_quotes(theme),
        components=_touched(theme, components),
    )


def _clear_quotes(theme: Theme) -> list[tuple[str, str]]:
    """Up to three of the theme's representative texts that read well, redacted, none held back."""
    answers, comments = theme.quote_answer_ids or [], theme.quote_comment_ids or []
    held_answers, held_comments = held_back(answers, comments)
    keys = [f"a{i}" for i in answers if i not in held_answers] + [f"c{i}" for i in comments if i not in held_comments]
    texts = {
        f"a{i}": text for i, text in db.session.execute(select(Answer.id, Answer.text).where(Answer.id.in_(answers)))
    }
    texts |= {
        f"c{i}": text
        for i, text in db.session.execute(
            select(Comment.id, Comment.text).where(Comment.id.in_(comments), Comment.withdrawn.is_(False))
        )
    }
    clear = []
    for key in keys:
        text = redact(texts.get(key, "")).strip()
        shortest, longest = QUOTE_CHARS
        if shortest <= len(text) <= longest and len(re.findall(r"\[[a-z ]+\]", text)) <= 1:
            clear.append((key, text))
    return clear[:STARTING_QUOTES]


def _touched(theme: Theme, components: list[CoreOfferComponent]) -> list[tuple[CoreOfferComponent, str]]:
    """The parts of the core offer that many of the theme's comments are coded to (the run's codes, as its
    lead corrected them), most first."""
    coded = (
        select(TextCode.key, func.count())
        .join(
            ThemeAssignment,
            and_(
                ThemeAssignment.run_id == TextCode.run_id,
                or_(ThemeAssignment.answer_id == TextCode.answer_id, ThemeAssignment.comment_id == TextCode.comment_id),
            ),
        )
        .where(ThemeAssignment.theme_id == theme.id, TextCode.codebook == Codebook.CORE_OFFER, TextCode.applied)
        .group_by(TextCode.key)
    )
    by_id = {str(component.id): component for component in components}
    counts = sorted(((n, key) for key, n in db.session.execute(coded) if key in by_id), reverse=True)
    return [
        (by_id[key], f"{n} of its {theme.size} comments are about this part")
        for n, key in counts[:2]
        if n >= max(TOUCHES_AT_LEAST, TOUCHES * theme.size)
    ]
