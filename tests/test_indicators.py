"""Outcome indicators: a baseline and a target, measurements typed or imported (all or nothing), linked to the
actions meant to move them, and charted with a table, source and date on lead pages and the public board."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.auth.models import User
from engage.extensions import db
from engage.programmes.models import Indicator, Measurement, Programme
from engage.timeutil import utcnow
from engage.tracker.models import WeDid, YouSaid
from tests.conftest import Auth

TODAY = utcnow().date()
BASELINE_ON = TODAY - timedelta(days=120)


def indicator_form(**changes: str) -> dict[str, str]:
    return {
        "name": "Days from referral to first contact",
        "unit": "days",
        "direction": "lower",
        "baseline": "28",
        "baseline_on": BASELINE_ON.isoformat(),
        "target": "14",
        "target_by": "",
        "source": "Referrals report from the patient record system, monthly",
    } | changes


@pytest.fixture
def indicator(client: FlaskClient, auth: Auth, lead: User, programme: Programme) -> int:
    auth.login(lead)
    url = f"/programmes/{programme.slug}/components/{programme.components[0].id}/indicators/new"
    made = client.post(url, data=indicator_form())
    assert made.status_code == 302, made.get_data(as_text=True)
    return int(made.headers["Location"].rsplit("/", 1)[1])


def test_an_indicator_needs_a_baseline_and_a_target_on_the_better_side(
    client: FlaskClient, auth: Auth, lead: User, programme: Programme
) -> None:
    auth.login(lead)
    url = f"/programmes/{programme.slug}/components/{programme.components[0].id}/indicators/new"
    for changes, message in (
        ({"baseline": ""}, "Enter the baseline: where the measure stood before the changes"),
        ({"baseline": "about a month"}, "Enter a number, like 28 or 4.5"),
        ({"baseline_on": (TODAY + timedelta(days=3)).isoformat()}, "The baseline date must be today or in the past"),
        ({"target": "35"}, "Better is lower for this measure, so the target must be lower than the baseline"),
    ):
        page = client.post(url, data=indicator_form(**changes))
        assert page.status_code == 400 and message in page.get_data(as_text=True), message
        assert 'value="Days from referral to first contact"' in page.get_data(as_text=True), "what was typed is kept"


def test_measurements_are_recorded_charted_and_never_from_the_future(
    app: Flask, client: FlaskClient, indicator: int, programme: Programme
) -> None:
    url = f"/programmes/{programme.slug}/indicators/{indicator}"
    future = client.post(
        url, data={"form": "one", "one-measured_on": (TODAY + timedelta(days=1)).isoformat(), "one-value": "9"}
    )
    assert future.status_code == 400
    assert "The date is in the future: enter measurements once they are taken" in future.get_data(as_text=True)
    for days_ago, value in ((60, "24"), (30, "21")):
        measured = (TODAY - timedelta(days=days_ago)).isoformat()
        assert (
            client.post(url, data={"form": "one", "one-measured_on": measured, "one-value": value}).status_code == 302
        )

    page = client.get(url).get_data(as_text=True)
    # From 28 towards 14: 21 is half way.
    assert "<strong>21 days</strong> (50% of the way from the baseline to the target)" in page
    assert "Baseline, " in page and ">24 days<" in page and "Target" in page
    assert "Source: Referrals report from the patient record system, monthly." in page


def test_a_csv_with_gaps_or_bad_dates_imports_nothing_and_says_which_rows(
    app: Flask, client: FlaskClient, indicator: int, programme: Programme
) -> None:
    url = f"/programmes/{programme.slug}/indicators/{indicator}"

    def upload(body: str) -> Any:
        return client.post(
            url,
            data={"form": "csv", "csv-file": (io.BytesIO(body.encode()), "m.csv")},
            content_type="multipart/form-data",
        )

    month = [(TODAY - timedelta(days=d)).isoformat() for d in (90, 60, 30)]
    bad = upload(
        f"date,value,note\n{month[0]},25,\n{month[1]},,system down\nlast week,20,\n"
        f"{(TODAY + timedelta(days=5)).isoformat()},19,\n{month[0]},24,again\n"
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Nothing was imported" in page
    assert "Row 3: no value" in page
    assert "Row 4: “last week” is not a date like 2026-03-31 or 31/03/2026" in page
    assert "is in the future" in page and "Row 6:" in page and "appears twice in the file" in page
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Measurement)).scalar_one() == 0

    good = upload(f"date,value\n{month[0]},25\n{month[1]},23\n")
    assert good.status_code == 302
    again = upload(f"Date,Value,Note\n{month[1]},22,corrected\n{month[2]},20,\n")
    assert again.status_code == 302
    with app.app_context():
        values = db.session.execute(select(Measurement.value).order_by(Measurement.measured_on)).scalars().all()
        assert values == [25, 22, 20], "a date imported again is replaced, not doubled"


def test_an_indicator_linked_to_an_action_shows_on_the_public_board(
    app: Flask,
    client: FlaskClient,
    indicator: int,
    lead: User,
    programme: Programme,
    make_programme: Callable[..., Programme],
) -> None:
    client.post(
        f"/programmes/{programme.slug}/indicators/{indicator}",
        data={"form": "one", "one-measured_on": (TODAY - timedelta(days=7)).isoformat(), "one-value": "18"},
    )
    with app.app_context():
        you_said = YouSaid(programme_id=programme.id, title="Waiting too long", statement="People waited.")
        you_said.actions = [WeDid(what="Call back within 2 days", owner="Access team")]
        db.session.add(you_said)
        db.session.commit()
        action_id, statement_id = you_said.actions[0].id, you_said.id
    other = make_programme()
    with app.app_context():
        elsewhere = Indicator(
            component_id=other.components[0].id, name="Not ours", unit="days", baseline=1, baseline_on=TODAY,
            target=0, source="Elsewhere",
        )  # fmt: skip
        db.session.add(elsewhere)
        db.session.commit()
        elsewhere_id = elsewhere.id
    fields = {"what": "Call back within 2 days", "owner": "Access team", "status": "in_progress", "progress": "50"}
    fields |= {"component_ids": [programme.components[0].id], "note": "Started"}
    refused = client.post(f"/you-said-we-did/actions/{action_id}", data=fields | {"indicator_ids": [elsewhere_id]})
    assert refused.status_code == 200 and "Select only from the options shown" in refused.get_data(as_text=True)
    linked = client.post(f"/you-said-we-did/actions/{action_id}", data=fields | {"indicator_ids": [indicator]})
    assert linked.status_code == 302
    with app.app_context():
        db.session.get(YouSaid, statement_id).published_at = utcnow()
        db.session.commit()

    board = client.get(f"/programmes/{programme.slug}/you-said-we-did").get_data(as_text=True)
    assert f'Meant to move: <a href="#indicator-{indicator}">Days from referral to first contact</a>' in board
    section = board[board.index("<h2>Outcome indicators</h2>") :]
    assert "<strong>18 days</strong>" in section and "Source: Referrals report" in section
    assert "Not ours" not in board
