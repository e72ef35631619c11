"""The first draft of a "you said" from a theme: what the theme already knows, written for the lead to edit.

A title from the theme's name, one sentence on what its comments do (never a typed count: the statement's
card shows the computed one), an easy read version in short sentences, up to three clear quotes that
safeguarding does not hold back, and the parts of the core offer the theme touches, each with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from analysis.redact import redact
from engage.extensions import db
from engage.insights.models import Theme
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
# How close a theme's comments must be to a part's description to suggest it (cosine of the static
# embeddings; on the demo, themes about calls and waiting sit at 0.72 from the single point of access).
TOUCHES = 0.6


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
    """The parts of the core offer whose description reads like the theme's comments, closest first."""
    if not components or not theme.centroid:
        return []
    from analysis.embeddings import encode

    centre = np.frombuffer(theme.centroid, dtype=np.float32)
    described = encode([f"{c.title}. {c.description}" for c in components])
    if described.shape[1] != centre.shape[0]:
        return []  # a theme found with an earlier embedding model cannot be compared
    closeness = described @ centre
    touched = []
    for index in np.argsort(-closeness):
        if closeness[index] < TOUCHES or len(touched) == 2:
            break
        component = components[int(index)]
        words = set(re.findall(r"[a-z]+", f"{component.title} {component.description}".lower()))
        shared = [k for k in theme.keywords if k in words or k.rstrip("s") in words][:3]
        reason = (
            f"its comments mention {', '.join(f'“{w}”' for w in shared)}"
            if shared
            else "its comments read like this part's description"
        )
        touched.append((component, reason))
    return touched
