"""Email and text messages through GOV.UK Notify (a local stand-in that speaks its API): resume links by text,
"you said" updates to people who left only a mobile, and failed sends retried, shown to the lead, never lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from engage import create_app
from engage.auth.models import Role, User
from engage.config import UnsafeConfigError
from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus, Theme, ThemeAssignment
from engage.notify.models import OutboxMessage
from engage.programmes.models import Programme
from engage.surveys import answering
from engage.surveys.models import Survey
from engage.timeutil import utcnow
from engage.tracker import statements
from engage.tracker.models import Quote, WeDid, YouSaid
from tests import notify_standin
from tests.conftest import Auth


@pytest.fixture
def notify() -> Iterator[notify_standin.StandIn]:
    with notify_standin.running() as stand_in:
        yield stand_in


@pytest.fixture
def app_config(app_config: dict[str, Any], notify: notify_standin.StandIn) -> dict[str, Any]:
    return app_config | {
        "MAIL_BACKEND": "notify",
        "NOTIFY_API_KEY": notify_standin.API_KEY,
        "NOTIFY_BASE_URL": notify.url,
        "NOTIFY_EMAIL_TEMPLATE_ID": notify_standin.EMAIL_TEMPLATE,
        "NOTIFY_SMS_TEMPLATE_ID": notify_standin.SMS_TEMPLATE,
    }


def send_mail(app: Flask) -> str:
    return app.test_cli_runner().invoke(args=["send-mail"]).output


def messages(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        found = list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
        db.session.expunge_all()
        return found


def saved_code(client: FlaskClient, survey: Survey) -> str:
    client.post(f"/surveys/{survey.slug}/start")
    client.post(f"/surveys/{survey.slug}/questions/{survey.questions[0].id}", data={"answer": "Kind staff"})
    html = client.post(f"/surveys/{survey.slug}/save").get_data(as_text=True)
    return html.split('<p class="nhsuk-heading-l engage-token">')[1].split("</p>")[0].strip()


@pytest.fixture
def survey(make_programme: Callable[..., Programme], make_survey: Callable[..., Survey]) -> Survey:
    return make_survey(make_programme())


def test_the_resume_link_is_texted_through_notify_and_the_number_is_not_kept_with_the_answers(
    app: Flask, client: FlaskClient, survey: Survey, notify: notify_standin.StandIn
) -> None:
    code = saved_code(client, survey)
    landline = client.post(f"/surveys/{survey.slug}/save/text", data={"code": code, "phone": "020 7946 0000"})
    assert landline.status_code == 400
    assert "Enter a UK mobile number, like 07700 900 982" in landline.get_data(as_text=True)
    assert messages(app) == []

    sent = client.post(f"/surveys/{survey.slug}/save/text", data={"code": code, "phone": "07700 900 982"})
    assert "We have sent the link and code by text message" in sent.get_data(as_text=True)
    assert "Sent 1 messages." in send_mail(app)

    [text] = notify.texts()
    assert text["phone_number"] == "+447700900982"
    assert text["template_id"] == notify_standin.SMS_TEMPLATE
    assert code.replace("-", "") in text["personalisation"]["body"] and code in text["personalisation"]["body"]
    [message] = messages(app)
    assert message.sent_at is not None and message.provider_id and message.to_email == ""
    with app.app_context():
        response = db.session.execute(select(answering.Response)).scalar_one()
        assert answering.contact_for(response) is None


def test_a_failed_send_is_tried_again_later_and_then_sent(
    app: Flask, client: FlaskClient, survey: Survey, notify: notify_standin.StandIn
) -> None:
    code = saved_code(client, survey)
    client.post(f"/surveys/{survey.slug}/save/email", data={"code": code, "email": "me@example.org"})
    notify.fail_next(2, status=500)

    assert "Sent 0 messages." in send_mail(app)
    [message] = messages(app)
    assert message.sent_at is None and not message.gave_up and message.attempts == 1
    assert message.error.startswith("GOV.UK Notify 500")
    assert message.next_try_at is not None and message.next_try_at > utcnow()
    assert "Sent 0 messages." in send_mail(app), "not tried again before its time"
    assert messages(app)[0].attempts == 1

    for attempt in (2, 3):
        with app.app_context():
            db.session.execute(update(OutboxMessage).values(next_try_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        send_mail(app)
        assert messages(app)[0].attempts == min(attempt, 2)
    [message] = messages(app)
    assert message.sent_at is not None and message.error == ""
    assert [e["email_address"] for e in notify.emails()] == ["me@example.org"]


def test_notify_must_be_configured_in_full() -> None:
    with pytest.raises(UnsafeConfigError, match="ENGAGE_NOTIFY_API_KEY"):
        create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "MAIL_BACKEND": "notify"})
    with pytest.raises(UnsafeConfigError, match="outbox, notify or smtp"):
        create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "MAIL_BACKEND": "pigeon"})


@pytest.fixture
def published(app: Flask, survey: Survey, make_user: Callable[..., User]) -> dict[str, Any]:
    """A statement citing three answers: one person left an email, one only a mobile, one only a landline."""
    lead = make_user(Role.LEAD)
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        programme = db.session.get(Programme, live.programme_id)
        programme.people.append(db.session.get(User, lead.id))
        answer_ids = []
        for email, phone in (("person@example.org", ""), ("", "+44 7700 900123"), ("", "020 7946 0000")):
            response, _ = answering.start_response(live)
            answer_ids.append(answering.save_answer(response, live.questions[0], text="The wait was too long").id)
            answering.save_contact(response, may_contact=False, wants_updates=True, name="", email=email, phone=phone)
            answering.submit(response)
        run = AnalysisRun(
            programme_id=live.programme_id, title="Themes", questions=[live.questions[0]], status=RunStatus.DONE
        )
        run.themes = [Theme(label="Waiting", machine_label="Waiting", size=3, centroid=b"\0" * 16)]
        db.session.add(run)
        db.session.flush()
        for answer_id in answer_ids:
            db.session.add(ThemeAssignment(run_id=run.id, theme_id=run.themes[0].id, answer_id=answer_id))
        you_said = YouSaid(programme_id=live.programme_id, title="Waiting too long", statement="People waited.")
        you_said.themes = [run.themes[0]]
        you_said.quotes = [Quote(text="The wait was too long", approved_at=utcnow())]
        you_said.actions = [WeDid(what="Call back within 2 days", owner="Access team")]
        db.session.add(you_said)
        db.session.flush()
        statements.publish(db.session.get(User, lead.id), you_said)
        db.session.commit()
        return {"lead": lead, "statement": you_said.id}


def test_people_who_left_only_a_mobile_hear_back_by_text(
    app: Flask, published: dict[str, Any], notify: notify_standin.StandIn
) -> None:
    assert "Sent 2 messages." in send_mail(app)
    [email] = notify.emails()
    [text] = notify.texts()
    assert email["email_address"] == "person@example.org"
    assert email["personalisation"]["subject"] == "You said, we did: Waiting too long"
    assert text["phone_number"] == "+447700900123"
    body = text["personalisation"]["body"]
    assert "Waiting too long" in body and "/updates/stop/" in body and len(body) <= 459, "three text fragments"
    # The landline cannot take a text, and nobody was told twice.
    assert len(messages(app)) == 2


def test_a_message_notify_refuses_is_shown_to_the_lead_who_can_send_it_again(
    app: Flask, client: FlaskClient, auth: Auth, published: dict[str, Any], notify: notify_standin.StandIn
) -> None:
    app.config["NOTIFY_SMS_TEMPLATE_ID"] = "not-a-template"  # a mistake in the settings: Notify answers 400
    send_mail(app)
    text = next(m for m in messages(app) if m.is_text)
    assert text.gave_up and text.attempts == 1 and "Template not found" in text.error

    auth.login(published["lead"])
    page = client.get(f"/you-said-we-did/statements/{published['statement']}").get_data(as_text=True)
    assert "1 of 2 sent; 1 not sent" in page
    assert "GOV.UK Notify 400: Template not found" in page
    app.config["NOTIFY_SMS_TEMPLATE_ID"] = notify_standin.SMS_TEMPLATE
    again = client.post(f"/you-said-we-did/statements/{published['statement']}/messages/{text.id}/send-again")
    assert again.status_code == 302
    assert "Sent 1 messages." in send_mail(app)
    assert [t["phone_number"] for t in notify.texts()] == ["+447700900123"]
    page = client.get(f"/you-said-we-did/statements/{published['statement']}").get_data(as_text=True)
    assert "2 of 2 sent." in page
