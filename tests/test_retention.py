"""The retention schedule: defaults an administrator can change, and a daily run that deletes what is due."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.audit import AuditEvent
from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus, Theme, ThemeAssignment
from engage.notify.models import OutboxMessage
from engage.panels.models import Application, ApplicationStatus
from engage.programmes.models import Programme
from engage.rights.models import RetentionPeriod, RightsRequest
from engage.surveys import answering, formats, importing
from engage.surveys.models import Answer, Contact, Format, Response, Survey, SurveyStatus
from engage.timeutil import utcnow
from engage.tracker.models import YouSaid
from tests.conftest import WEBM, Auth

DAY = timedelta(days=1)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


def respond(survey: Survey, text: str, email: str = "") -> Response:
    response, _ = answering.start_response(survey)
    answering.save_answer(response, survey.questions[0], text=text)
    if email:
        answering.save_contact(response, may_contact=False, wants_updates=True, name="", email=email, phone="")
    answering.submit(response)
    return response


@pytest.fixture
def aged(
    app: Flask,
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_review: Callable[..., dict[str, int]],
    make_user: Callable[..., User],
) -> dict[str, Any]:
    """Data of every kind, some past its default date and some not."""
    programme = make_programme()
    old_survey = make_survey(programme)
    open_survey = make_survey(programme)
    review = make_review(programme, make_user(Role.MEMBER))
    now = utcnow()
    with app.app_context():
        old = db.session.get(Survey, old_survey.id)
        current = db.session.get(Survey, open_survey.id)
        expired = respond(old, "The old survey's forgotten answer.")
        cited = respond(old, "The old survey's answer a statement cites.", email="cited@example.org")
        fresh = respond(current, "An answer to a survey still open.")
        old.status, old.closes_at = SurveyStatus.CLOSED, now - 800 * DAY
        run = AnalysisRun(programme_id=programme.id, title="Themes", status=RunStatus.DONE, finished_at=now)
        theme = Theme(label="Old answers", machine_label="Old", size=1, centroid=b"\0" * 16)
        run.themes = [theme]
        db.session.add(run)
        db.session.flush()
        db.session.add(ThemeAssignment(run_id=run.id, theme_id=theme.id, answer_id=cited.answers[0].id))
        db.session.add(YouSaid(programme_id=programme.id, title="Old", statement="Said long ago.", themes=[theme],
                               published_at=now - 200 * DAY))  # fmt: skip
        bsl, _ = answering.start_response(current, Format.BSL)
        video = formats.save_video_answer(bsl, current.questions[0], io.BytesIO(WEBM))
        video.text, video.interpreted_by, video.interpreted_at = (
            "Signed: the hub is too far.",
            "Interpreter",
            now - 100 * DAY,
        )
        answering.submit(bsl)
        db.session.add(OutboxMessage(to_email="a@example.org", kind="x", subject="Old", body="Old words",
                                     sent_at=now - 40 * DAY))  # fmt: skip
        db.session.add(OutboxMessage(to_email="b@example.org", kind="x", subject="New", body="New words", sent_at=now))
        declined = db.session.get(Application, review["application"])
        declined.status, declined.decided_at = ApplicationStatus.DECLINED, now - 200 * DAY
        db.session.add(AuditEvent(action="ancient", object_type="", at=now - 7 * 365 * DAY))
        forgotten = RightsRequest(email="asked@example.org", created_at=now - 100 * DAY)
        db.session.add_all([forgotten, RightsRequest(email="recent@example.org")])
        db.session.commit()
        stale = importing.stash(b"a,b\n1,2\n")
        path = next(p for p in importing.stashed_files() if p.stem == stale)
        os.utime(path, (path.stat().st_mtime - 2 * 86400,) * 2)
        kept_stash = importing.stash(b"c,d\n3,4\n")
        return {
            "expired": expired.id,
            "cited": cited.id,
            "fresh": fresh.id,
            "video_answer": video.id,
            "video": video.video.stored_name,
            "application": declined.id,
            "stash": stale,
            "kept_stash": kept_stash,
            "forgotten": forgotten.id,
        }


def test_the_daily_run_deletes_what_is_due_and_keeps_the_rest(app: Flask, aged: dict[str, Any]) -> None:
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "Submitted survey responses, with their answers: 1" in result.output
    with app.app_context():
        assert db.session.get(Response, aged["expired"]) is None
        assert db.session.get(Response, aged["cited"]) is not None, "a statement's evidence is kept"
        assert db.session.get(Response, aged["fresh"]) is not None
        assert db.session.execute(select(func.count()).select_from(Contact)).scalar_one() == 0, (
            "contact details go 6 months after the statement built on their answers is published"
        )
        answer = db.session.get(Answer, aged["video_answer"])
        assert answer.video_id is None and answer.text == "Signed: the hub is too far."
        bodies = dict(db.session.execute(select(OutboxMessage.subject, OutboxMessage.body)).all())
        assert bodies == {"Old": "", "New": "New words"}
        assert db.session.get(Application, aged["application"]) is None
        assert not db.session.execute(select(AuditEvent).where(AuditEvent.action == "ancient")).first()
        emails = dict(db.session.execute(select(RightsRequest.id, RightsRequest.email)).all())
        assert emails[aged["forgotten"]] == "" and "recent@example.org" in emails.values(), "open too long: cleared"
        run = db.session.execute(select(AuditEvent).where(AuditEvent.action == "retention_applied")).scalar_one()
        assert "responses=1" in run.detail
        stashed = {path.stem for path in importing.stashed_files()}
        assert aged["kept_stash"] in stashed and aged["stash"] not in stashed
    uploads = Path(app.config["UPLOAD_DIR"])
    assert aged["video"] not in {path.name for path in uploads.rglob("*")}


def test_the_schedule_shows_what_goes_next_and_periods_can_change(
    app: Flask, client: FlaskClient, auth: Auth, admin: User, aged: dict[str, Any]
) -> None:
    auth.login(admin)
    page = client.get("/rights/retention").get_data(as_text=True)
    assert "730 days after the survey closes" in page
    assert "1 kept past their date because a “you said” statement cites them" in page
    for bad, message in (("0", "Enter a number of days from 1 to 36,500"), ("soon", "Enter a whole number")):
        refused = client.post("/rights/retention/email_bodies", data={"days": bad}).get_data(as_text=True)
        assert message in refused and f'value="{bad}"' in refused
    changed = client.post("/rights/retention/email_bodies", data={"days": "60"})
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.get(RetentionPeriod, "email_bodies").days == 60
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "retention_changed")).scalar_one()
        assert event.detail == "kind=email_bodies from=30 to=60"
    assert "60 days after the email is sent (default 30)" in client.get("/rights/retention").get_data(as_text=True)
    assert client.get("/rights/retention/no_such_kind").status_code == 404


def test_a_period_that_would_pass_cited_evidence_is_refused_with_the_reason(
    app: Flask, client: FlaskClient, auth: Auth, admin: User, aged: dict[str, Any]
) -> None:
    auth.login(admin)
    refused = client.post("/rights/retention/responses", data={"days": "365"}).get_data(as_text=True)
    assert "statements cite" in refused and "Enter at least 801 days" in refused
    with app.app_context():
        assert db.session.get(RetentionPeriod, "responses") is None
