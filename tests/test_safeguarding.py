"""The safeguarding screen, and the queue only safeguarding leads can see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from analysis.safeguarding import screen
from engage.audit import AuditEvent
from engage.auth.models import Role, User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.safeguarding.models import FlagStatus, SafeguardingFlag
from engage.surveys.models import Survey
from tests.conftest import Auth

RISK = [
    "There is no point going on any more.",
    "Some days I just want to end it all",
    "my family would be better off without me",
    "I've started cutting myself again since the referral was rejected",
    "I took an overdose last month and nobody followed up",
    "I don’t want to wake up tomorrow",
    "Honestly I can't go on like this",
    "I keep thinking about suicide when the waits get longer",
    "My partner hits me and I am scared of going home",
    "I feel suicidal most evenings",
]
NOT_RISK = [
    "The suicide prevention team was great",
    "The self-harm service helped me understand my triggers",
    "Waiting times were far too long",
    "The crisis team phoned back within an hour",
    "I was killing time in the waiting room for an hour",
    "My phone battery died while I was on hold",
    "Staff made me feel listened to",
    "",
    "🙂🙂🙂",
    "x" * 100_000,
]


@pytest.mark.parametrize("text", RISK)
def test_screen_flags_direct_and_indirect_risk(text: str) -> None:
    result = screen(text)
    assert result.flagged and result.categories


@pytest.mark.parametrize("text", NOT_RISK)
def test_screen_ignores_services_and_everyday_phrases(text: str) -> None:
    assert not screen(text).flagged


def test_flags_are_seen_only_by_safeguarding_leads(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_flag: Callable[[Survey], int],
) -> None:
    lead = make_user(Role.LEAD)
    survey = make_survey(make_programme(people=(lead,)))
    flag_id = make_flag(survey)
    for user in (lead, make_user(Role.ADMIN), make_user(Role.MEMBER)):
        auth.login(user)
        assert client.get("/safeguarding/").status_code == 403
        assert client.get(f"/safeguarding/{flag_id}").status_code == 403
        auth.logout()
    auth.login(make_user(Role.SAFEGUARDING))
    queue = client.get("/safeguarding/").get_data(as_text=True)
    assert "New (1)" in queue and survey.title in queue
    detail = client.get(f"/safeguarding/{flag_id}").get_data(as_text=True)
    assert "There is no point going on like this." in detail and "suicide" in detail


def test_review_needs_an_outcome_to_close_and_is_audited(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_flag: Callable[[Survey], int],
) -> None:
    flag_id = make_flag(make_survey(make_programme()))
    reviewer = make_user(Role.SAFEGUARDING)
    auth.login(reviewer)
    client.get(f"/safeguarding/{flag_id}")
    html = client.post(f"/safeguarding/{flag_id}", data={"status": "closed", "notes": "Read it"}).get_data(as_text=True)
    assert "Select an outcome before you close the flag" in html and "Read it" in html
    done = client.post(
        f"/safeguarding/{flag_id}", data={"status": "closed", "outcome": "signposted", "notes": "Anonymous"}
    )
    assert done.status_code == 302
    with app.app_context():
        flag = db.session.get(SafeguardingFlag, flag_id)
        assert (flag.status, flag.reviewer_id, flag.notes) == (FlagStatus.CLOSED, reviewer.id, "Anonymous")
        actions = (
            db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "SafeguardingFlag"))
            .scalars()
            .all()
        )
        assert {"safeguarding_flag_raised", "safeguarding_flag_viewed", "safeguarding_flag_reviewed"} <= set(actions)
