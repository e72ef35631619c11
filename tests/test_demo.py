"""The demo command: a realistic programme and one account per role, safe to run twice."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus
from engage.notify.models import OutboxMessage
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Programme
from engage.surveys.demo import is_selected, selected_rows
from engage.surveys.models import Channel, Format, Response, Survey
from engage.tracker.models import YouSaid


def test_demo_loads_once_and_accounts_sign_in(app: Flask) -> None:
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Programme)).scalar_one() == 1
        titles = db.session.execute(select(CoreOfferComponent.title)).scalars().all()
        assert len(titles) == 9
        assert {"Single point of access", "18 to 25 transition", "Interpreting and BSL access"} <= set(titles)
        survey = db.session.execute(select(Survey)).scalar_one()
        assert survey.title == "Your experience of community mental health services" and survey.is_open
        responses = db.session.execute(select(Response)).scalars().all()
        from_data = [r for r in responses if r.source.startswith("demo: patient_feedback/")]
        assert len(from_data) == 300 and len(responses) == 302, "plus two BSL answers awaiting interpretation"
        assert {c for r in responses for c in [r.channel]} == set(Channel) - {Channel.IMPORT}
        assert {f for r in responses for f in r.format_list} == set(Format)
        videos = [a for r in responses for a in r.answers if a.video_id]
        assert sum(a.awaiting_interpretation for a in videos) == 2 and len(videos) > 10
        assert all(a.text and a.interpreted_by for a in videos if not a.awaiting_interpretation)
        assert all(q.easy_read_prompt and q.easy_read_image_alt and q.bsl.captions for q in survey.questions)
        assert any(q.equality_key == "ethnicity" for q in survey.questions)
        run = db.session.execute(select(AnalysisRun)).scalar_one()
        assert run.status == RunStatus.DONE and run.text_count >= 300 and len(run.themes) >= 5, (
            "a lead's first analysis page shows themes of the shipped comments, not a failure"
        )
    client = app.test_client()
    board = client.get("/programmes/community-mental-health-core-offer-review/you-said-we-did").get_data(as_text=True)
    assert "You said: Let Deaf people contact us in BSL" in board and "Not taken forward" in board
    with app.app_context():
        statements = db.session.execute(select(YouSaid)).scalars().all()
        assert sum(s.is_published for s in statements) == 4 and any(not s.is_published for s in statements)
        assert all(q.approved_at for s in statements if s.is_published for q in s.quotes)
        assert all(s.themes for s in statements if s.title.startswith(("Being listened", "Support workers")))
        linked = db.session.execute(select(CoreOfferChange).where(CoreOfferChange.we_did_id.is_not(None))).all()
        assert len(linked) == 2, "the core offer history shows changes caused by what people said"
        sent = db.session.execute(select(func.count()).where(OutboxMessage.kind == "you_said_update")).scalar_one()
        assert sent > 0, "people who asked to hear back were told"
    for role in Role:
        response = client.post(
            "/login", data={"email": f"{role.value}@demo.engage.test", "password": app.config["DEMO_PASSWORD"]}
        )
        assert response.status_code == 302, role
        client.post("/logout")


def test_demo_password_comes_from_the_environment(app: Flask) -> None:
    app.config["DEMO_PASSWORD"] = "set by ENGAGE_DEMO_PASSWORD"
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        lead = db.session.execute(select(User).where(User.email == "lead@demo.engage.test")).scalar_one()
        assert lead.check_password("set by ENGAGE_DEMO_PASSWORD")


def test_the_demo_sample_follows_its_documented_rule() -> None:
    rows = selected_rows(limit=None)
    assert 300 <= len(rows) <= 500
    assert all(is_selected(row) for row in rows)
    indexes = [int(row["row_index"]) for row in rows]
    assert indexes == sorted(set(indexes)), "rows are distinct and in file order"


def test_demo_quotes_are_real_rows_of_the_sample(app: Flask) -> None:
    app.test_cli_runner().invoke(args=["demo"])
    originals = {row["row_index"]: row["feedback"] for row in selected_rows(limit=None)}
    with app.app_context():
        for response in db.session.execute(select(Response)).scalars():
            if not response.source.startswith("demo: patient_feedback/"):
                assert not any(a.text for a in response.answers), "uninterpreted BSL answers have no words"
                continue
            row_index = response.source.rsplit(" ", 1)[-1]
            texts = [a.text for a in response.answers if a.text]
            assert texts == [originals[row_index]], "demo quotes are selected, never altered"
