"""Public figures that can't be worked back: generated boards are attacked by every subtraction of what they show."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.auth.models import Role, User
from engage.programmes.models import Programme
from engage.tracker.reach import Reach, safe_cells
from tests.conftest import Auth

K = 10  # the default threshold
CARD = '{% from "tracker/_reach.html" import reach_list %}{{ reach_list(reach) }}'
FORMATS = ["standard", "easy_read", "bsl"]
CHANNELS = ["online", "paper", "phone", "event"]
GROUPS = {"ethnicity": ["Asian", "Black", "Mixed", "White", "Other"], "religion": ["None", "Christian", "Muslim"]}


@st.composite
def reaches(draw: st.DrawFn) -> Reach:
    """The people behind one statement: each used one or more formats and one channel, and may have answered
    each equality question; panel members add to the people and to the "panel" channel."""
    people = draw(st.lists(st.tuples(
        st.sets(st.sampled_from(FORMATS), min_size=1),
        st.sampled_from(CHANNELS),
        st.sampled_from([*GROUPS["ethnicity"], None]),
        st.sampled_from([*GROUPS["religion"], None]),
    ), max_size=60))  # fmt: skip
    authors = draw(st.integers(0, 15))
    formats: Counter[str] = Counter(f for person in people for f in person[0])
    channels = Counter(person[1] for person in people)
    if authors:
        channels["panel"] = authors
    groups = {
        key: dict(Counter(person[2 + i] for person in people if person[2 + i]))
        for i, key in enumerate(GROUPS)
        if any(person[2 + i] for person in people)
    }
    return Reach(len(people) + authors, dict(formats), dict(channels), groups)


def published(html: str) -> dict[str, Any]:
    """The figures a reader sees on the card: the total and each row's labelled numbers."""
    text = re.sub(r"<[^>]+>", " ", html)
    total = re.search(r"(?<!Fewer than )\b([\d,]+) (?:person|people) said this", text)
    rows = {
        key.strip(): {label.strip(): int(n.replace(",", "")) for label, n in re.findall(r"([^:;]+): ([\d,]+)", value)}
        for key, value in re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.DOTALL)
    }
    return {"total": int(total.group(1).replace(",", "")) if total else None, "rows": rows, "text": text}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reach=reaches())
def test_no_published_figure_is_small_or_can_be_worked_back_by_subtraction(app: Flask, reach: Reach) -> None:
    with app.test_request_context():
        card = published(render_template_string(CARD, reach=reach))
    total = card["total"]
    if reach.people < K:
        assert total is None and f"Fewer than {K} people said this" in card["text"]
        assert not any(card["rows"].values()), "nothing is broken down for fewer than the threshold"
        return
    assert total == reach.people
    for row, cells in card["rows"].items():
        assert all(n >= K for n in cells.values()), f"{row}: a small count is shown"
        # Every subtraction of shown figures from the total: what is left is nobody, or at least K people.
        for size in range(len(cells) + 1):
            for subset in combinations(cells.values(), size):
                left = total - sum(subset)
                assert left <= 0 or left >= K, f"{row}: {total} less {subset} leaves {left}"
    for key, counts in reach.by_group.items():
        row = key.capitalize()
        if row in card["rows"]:
            assert len(card["rows"][row]) == len(counts), f"{row} is shown whole or not at all"


@pytest.mark.parametrize(
    ("total", "cells", "shown"),
    [
        (12, {"standard": 10, "easy_read": 2}, []),  # "Standard: 10" of 12 would mean 2 used easy read
        (310, {"standard": 305, "easy_read": 5}, []),
        (40, {"online": 25, "paper": 10, "phone": 5}, [("online", 25)]),  # 40 less 25 and 10 would leave 5
        (40, {"online": 20, "paper": 10, "phone": 10}, [("online", 20), ("paper", 10), ("phone", 10)]),
    ],
)
def test_secondary_suppression_hides_what_subtraction_would_reveal(
    total: int, cells: dict[str, int], shown: list[tuple[str, int]]
) -> None:
    assert safe_cells(total, cells, K) == shown


def test_an_equality_group_is_shown_only_when_every_group_in_it_reaches_the_threshold() -> None:
    assert safe_cells(30, {"Asian": 12, "White": 15, "Mixed": 3}, K, whole=True) == []
    assert safe_cells(30, {"Asian": 12, "White": 18}, K, whole=True) == [("White", 18), ("Asian", 12)]
    assert safe_cells(30, {"Asian": 12, "White": 12}, K, whole=True) == [], "6 did not answer: too few to show"


def test_a_typed_count_of_people_is_refused_beside_the_computed_one(
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_review: Callable[..., dict[str, int]],
) -> None:
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    review = make_review(programme, make_user(Role.MEMBER))
    auth.login(lead)
    url = f"/you-said-we-did/{programme.slug}/new"
    for typed in ("14 people told us the wait was too long.", "Twenty-two of you said so.", "90% of respondents"):
        data = {"title": "Waiting", "statement": typed, "comment_ids": [review["comment"]]}
        refused = client.post(url, data=data).get_data(as_text=True)
        assert "Leave out how many people said this" in refused and typed in refused
    fine = {
        "title": "Waiting",
        "statement": "You told us that two weeks is too long.",
        "comment_ids": [review["comment"]],
    }
    assert client.post(url, data=fine).status_code == 302
