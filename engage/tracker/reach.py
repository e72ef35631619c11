"""Reach: how many people said something, through which formats and channels, from which groups."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select

from engage.extensions import db
from engage.insights.models import ThemeAssignment
from engage.panels.models import Comment
from engage.programmes.models import Programme
from engage.surveys.models import Answer, Question, Response, ResponseStatus, Survey
from engage.tracker.models import YouSaid, you_said_comments, you_said_themes


@dataclass
class Reach:
    people: int
    by_format: dict[str, int]
    by_channel: dict[str, int]
    by_group: dict[str, dict[str, int]]

    def public(self, threshold: int) -> PublicReach:
        """What a public page may show: no count under the threshold, and none that subtraction would reveal."""
        groups = {
            group: shown
            for group, counts in self.by_group.items()
            if (shown := safe_cells(self.people, counts, threshold, whole=True))
        }
        figures = PublicReach(
            threshold=threshold,
            people=self.people if self.people >= threshold else None,
            by_format=safe_cells(self.people, self.by_format, threshold),
            by_channel=safe_cells(self.people, self.by_channel, threshold),
            by_group=groups,
        )
        shown = len(figures.by_format) + len(figures.by_channel) + sum(len(cells) for cells in groups.values())
        everything = len(self.by_format) + len(self.by_channel) + sum(len(cells) for cells in self.by_group.values())
        figures.left_out = shown < everything
        return figures


@dataclass
class PublicReach:
    threshold: int
    people: int | None  # None: fewer than the threshold
    by_format: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_group: dict[str, list[tuple[str, int]]]
    left_out: bool = False


def safe_cells(total: int, cells: dict[str, int], threshold: int, whole: bool = False) -> list[tuple[str, int]]:
    """The cells of one breakdown of `total` people that may be published beside it, largest first.

    A cell under the threshold is left out (primary suppression). Then, so that nothing left out can be worked
    out by subtraction, the total less any sum of shown cells must be nobody or at least the threshold; while
    some sum leaves fewer, the smallest shown cell goes too (secondary suppression). Cells may overlap (a person
    can use two formats), so every sum is tried, not only all of them. With `whole` (equality groups), the
    breakdown is shown complete or not at all.
    """
    present = {label: n for label, n in cells.items() if n > 0}
    if total < threshold:
        return []
    shown = {label: n for label, n in present.items() if n >= threshold}
    if whole and len(shown) < len(present):
        return []
    while shown and _leaves_a_few(total, list(shown.values()), threshold):
        if whole:
            return []
        del shown[min(shown, key=lambda label: (shown[label], label))]
    return sorted(shown.items(), key=lambda item: (-item[1], item[0]))


def _leaves_a_few(total: int, counts: list[int], threshold: int) -> bool:
    """Whether the total less some sum of these counts is between none and the threshold."""
    sums = {0}
    for count in counts:
        sums |= {s + count for s in sums if s + count <= total}
    return any(0 < total - s < threshold for s in sums)


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


def programme_reach(programme: Programme, between: tuple[datetime, datetime] | None = None) -> Reach:
    """Everyone who answered the programme's surveys (sent between two moments, if given)."""
    query = (
        select(Response.id)
        .join(Survey)
        .where(Survey.programme_id == programme.id, Response.status == ResponseStatus.SUBMITTED)
    )
    if between is not None:
        query = query.where(Response.submitted_at >= between[0], Response.submitted_at < between[1])
    facts = _response_facts(query)
    return _tally(set(facts), facts)
