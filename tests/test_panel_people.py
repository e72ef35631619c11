"""Joining panels, meetings, involvement records and notifications."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.panels import services
from engage.panels.models import Draft, InvolvementRecord, Meeting, Membership, Panel
from engage.programmes.models import Programme
from engage.timeutil import utcnow
from tests.conftest import Auth


@pytest.fixture
def setup(
    make_user: Callable[..., User], make_programme: Callable[..., Programme], make_review: Callable[..., dict]
) -> dict:
    lead, member = make_user(Role.LEAD), make_user(Role.MEMBER)
    programme = make_programme(people=(lead,))
    return {"lead": lead, "member": member, "programme": programme, **make_review(programme, member)}


def _panel_link(client: FlaskClient, auth: Auth, setup: dict, name: str, email: str) -> str:
    """The lead invites someone to the panel; returns the path of the link they are sent, signed out again."""
    auth.login(setup["lead"])
    html = client.post(f"/panels/{setup['panel']}/invite", data={"name": name, "email": email}).get_data(as_text=True)
    auth.logout()
    return re.search(r"http://localhost(/panels/join/[A-Za-z0-9_-]+)", html).group(1)


def test_an_invitation_link_creates_a_member_account(app: Flask, client: FlaskClient, auth: Auth, setup: dict) -> None:
    path = _panel_link(client, auth, setup, "Nia Newcomer", "nia@example.org")
    joined = client.post(
        path,
        data={
            "name": "Nia",
            "password": "a long new passphrase",
            "confirm": "a long new passphrase",
            "needs": ["easy_read"],
        },
    )
    assert joined.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == "nia@example.org")).scalar_one()
        assert user.role == Role.MEMBER and user.access_need_keys == ["easy_read"]
        assert services.is_member(user, db.session.get(Panel, setup["panel"]))
        db.session.commit()
    assert client.get(path).status_code == 404, "the link works once"
    assert "Single point of access" in client.get("/panels/").get_data(as_text=True)


def test_applications_need_consent_and_a_lead_decides(app: Flask, client: FlaskClient, auth: Auth, setup: dict) -> None:
    url = f"/panels/{setup['panel']}/apply"
    data = {"name": "Sam", "email": "sam@example.org", "about": "I use the crisis line", "access_needs": "BSL"}
    assert "You need to agree" in client.post(url, data=data).get_data(as_text=True)
    assert "Thank you for applying" in client.post(url, data=data | {"consent": "y"}).get_data(as_text=True)
    auth.login(setup["lead"])
    page = client.get(f"/panels/{setup['panel']}/applications").get_data(as_text=True)
    assert "I use the crisis line" in page and "BSL" in page
    application_id = int(re.findall(r"/panels/applications/(\d+)", page)[0])
    accepted = client.post(f"/panels/applications/{application_id}", data={"decision": "accept"}).get_data(as_text=True)
    assert "/panels/join/" in accepted
    again = client.post(f"/panels/applications/{application_id}", data={"decision": "decline"}, follow_redirects=True)
    assert "already been decided" in again.get_data(as_text=True)


def test_meetings_record_adjustments_papers_and_attendance(
    app: Flask, client: FlaskClient, auth: Auth, setup: dict
) -> None:
    auth.login(setup["lead"])
    data = {
        "starts_at": "2026-12-03T14:00",
        "place": "Wood Green hub",
        "agenda": "1. The draft",
        "adjustments": ["bsl", "hearing_loop"],
        "papers": [str(setup["draft"])],
    }
    made = client.post(f"/panels/{setup['panel']}/meetings", data=data)
    assert made.status_code == 302
    meeting_id = int(made.headers["Location"].split("/")[-1])
    client.post(
        f"/panels/meetings/{meeting_id}",
        data={"attended": [str(setup["member"].id)], "notes": "Good discussion", "actions": "Redraft section 2"},
    )
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.adjustments == ["bsl", "hearing_loop"] and [d.id for d in meeting.papers] == [setup["draft"]]
        assert meeting.attended_user_ids == [setup["member"].id] and meeting.notes == "Good discussion"
    nowhere = client.post(f"/panels/{setup['panel']}/meetings", data=data | {"place": ""}).get_data(as_text=True)
    assert "Give a place or an online link" in nowhere


def test_involvement_declined_payment_keeps_time_and_members_see_only_their_own(
    app: Flask, client: FlaskClient, auth: Auth, setup: dict, make_user: Callable[..., User]
) -> None:
    auth.login(setup["lead"])
    row = {
        "user": str(setup["member"].id),
        "day": "2026-11-20",
        "activity": "Panel meeting",
        "minutes": "120",
        "payment": "50",
        "expenses": "6.40",
        "declined": "y",
    }
    assert client.post(f"/panels/{setup['panel']}/involvement", data=row).status_code == 302
    with app.app_context():
        record = db.session.execute(select(InvolvementRecord)).scalar_one()
        assert (record.minutes, record.payment_pence, record.expenses_pence, record.declined_payment) == (
            120,
            0,
            640,
            True,
        )
    csv_text = client.get(f"/panels/{setup['panel']}/involvement.csv").get_data().decode("utf-8-sig")
    assert "Panel meeting,120,0.00,0.00,6.40,yes" in csv_text
    auth.logout()
    auth.login(setup["member"])
    assert "Panel meeting" in client.get("/panels/my-involvement").get_data(as_text=True)
    assert client.get(f"/panels/{setup['panel']}/involvement").status_code == 403
    auth.logout()
    auth.login(make_user(Role.MEMBER))
    assert "Panel meeting" not in client.get("/panels/my-involvement").get_data(as_text=True)


def _outbox(app: Flask, kind: str) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars().all()
        db.session.expunge_all()
        return messages


def test_notifications_go_to_the_outbox_and_respect_choices(
    app: Flask, client: FlaskClient, auth: Auth, setup: dict
) -> None:
    with app.app_context():
        draft = db.session.get(Draft, setup["draft"])
        draft.status = draft.status.PREPARING
        db.session.commit()
    auth.login(setup["lead"])
    client.post(f"/panels/drafts/{setup['draft']}/send", data={"panels": [str(setup["panel"])]})
    sent = _outbox(app, "draft_for_review")
    assert [m.user_id for m in sent] == [setup["member"].id] and "For your review" in sent[0].subject
    client.post(
        f"/panels/comments/{setup['comment']}/decide", data={"outcome": "not_accepted", "reason": "Costs too much"}
    )
    decided = _outbox(app, "comment_decision")
    assert len(decided) == 1 and "Costs too much" in decided[0].body
    auth.logout()
    auth.login(setup["member"])
    client.post("/account/notifications", data={"notify_draft": "y"})  # decisions and reminders off
    auth.logout()
    auth.login(setup["lead"])
    client.post(f"/panels/comments/{setup['comment']}/decide", data={"outcome": "accepted", "reason": ""})
    assert len(_outbox(app, "comment_decision")) == 1, "the member switched these off"


def test_deadline_reminders_are_sent_once(app: Flask, setup: dict) -> None:
    with app.app_context():
        db.session.get(Draft, setup["draft"]).deadline = utcnow().date() + timedelta(days=1)
        db.session.commit()
    runner = app.test_cli_runner()
    assert "Queued 1 reminders" in runner.invoke(args=["send-reminders"]).output
    assert "Queued 0 reminders" in runner.invoke(args=["send-reminders"]).output
    assert len(_outbox(app, "deadline_reminder")) == 1


def test_a_panel_invitation_cannot_claim_an_account_an_admin_created(
    app: Flask, client: FlaskClient, auth: Auth, setup: dict, make_user: Callable[..., User]
) -> None:
    auth.login(make_user(Role.ADMIN))
    created = client.post("/admin/users/new", data={"email": "new.admin@example.org", "name": "New", "role": "admin"})
    assert created.status_code == 200, "the admin sees the new account's own invitation link"
    admin_link = re.search(r"http://localhost(/invite/[A-Za-z0-9_-]+)", created.get_data(as_text=True)).group(1)
    auth.logout()
    panel_link = _panel_link(client, auth, setup, "Not them", "new.admin@example.org")
    form = {"name": "Taken over", "password": "a long new passphrase", "confirm": "a long new passphrase"}
    refused = client.post(panel_link, data=form)
    assert refused.status_code == 200 and "There is already an account" in refused.get_data(as_text=True)
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == "new.admin@example.org")).scalar_one()
        assert user.password_hash is None and user.role == Role.ADMIN and user.name == "New"
        assert not services.is_member(user, db.session.get(Panel, setup["panel"]))
    assert client.get(admin_link).status_code == 200, "the person's own invitation still works"


def test_people_lists_run_as_many_queries_for_20_people_as_for_1(
    app: Flask, client: FlaskClient, auth: Auth, setup: dict, make_user: Callable[..., User],
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:  # fmt: skip
    """The panel page (members and the picker), the programme's people (admin) and the users list."""
    admin = make_user(Role.ADMIN)

    def add_people(start: int, stop: int) -> None:
        with app.app_context():
            panel = db.session.get(Panel, setup["panel"])
            programme = db.session.get(Programme, setup["programme"].id)
            for n in range(start, stop):
                person = User(email=f"person{n}@example.org", name=f"Person {n}", role=Role.MEMBER, access_needs="bsl")
                db.session.add(person)
                programme.people.append(person)
                panel.memberships.append(Membership(user=person))
            db.session.commit()

    lead_pages = [f"/panels/{setup['panel']}", f"/panels/{setup['panel']}/involvement"]
    admin_pages = ["/admin/users", f"/admin/programmes/{setup['programme'].id}"]
    add_people(0, 1)
    auth.login(setup["lead"])
    assert all(client.get(url).status_code == 200 for url in lead_pages)
    one = {url: count_queries(lambda url=url: client.get(url)) for url in lead_pages}
    add_people(1, 20)
    twenty = {url: count_queries(lambda url=url: client.get(url)) for url in lead_pages}
    assert twenty == one
    auth.logout()
    auth.login(admin)
    assert all(client.get(url).status_code == 200 for url in admin_pages)
    before = {url: count_queries(lambda url=url: client.get(url)) for url in admin_pages}
    add_people(20, 40)
    after = {url: count_queries(lambda url=url: client.get(url)) for url in admin_pages}
    assert after == before
