"""Administrators invite users, set roles and attach people to programmes."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.auth.models import Role, User
from engage.extensions import db
from engage.programmes.models import Programme
from tests.conftest import Auth


def test_admin_invites_a_user_who_sets_a_password(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    auth.login(make_user(Role.ADMIN))
    response = client.post("/admin/users/new", data={"name": "Jo Lead", "email": "Jo@Example.org", "role": "lead"})
    html = response.get_data(as_text=True)
    link = re.search(r"http://localhost(/invite/[A-Za-z0-9_-]+)", html)
    assert link, "the invitation link is shown to the admin"
    auth.logout()
    invited = app.test_client()
    response = invited.post(
        link.group(1), data={"password": "a long new passphrase", "confirm": "a long new passphrase"}
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == "jo@example.org")).scalar_one()
        assert user.role == Role.LEAD and user.check_password("a long new passphrase")
        assert "user_created" in db.session.execute(select(AuditEvent.action)).scalars().all()


def test_duplicate_email_is_refused_and_the_form_kept(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    existing = make_user(Role.MEMBER)
    auth.login(make_user(Role.ADMIN))
    html = client.post(
        "/admin/users/new", data={"name": "Second Person", "email": existing.email, "role": "member"}
    ).get_data(as_text=True)
    assert "An account with this email address already exists" in html
    assert 'value="Second Person"' in html


def test_forged_role_is_refused(client: FlaskClient, auth: Auth, make_user: Callable[..., User]) -> None:
    auth.login(make_user(Role.ADMIN))
    html = client.post("/admin/users/new", data={"name": "X", "email": "x@example.org", "role": "superuser"}).get_data(
        as_text=True
    )
    assert "Select only from the options shown" in html


def test_admin_changes_a_role_and_it_is_audited(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    member = make_user(Role.MEMBER)
    auth.login(make_user(Role.ADMIN))
    response = client.post(f"/admin/users/{member.id}", data={"name": member.name, "role": "lead", "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).role == Role.LEAD
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "user_updated")).scalar_one()
        assert event.detail == "role=lead"
    assert "user updated" in client.get("/admin/audit").get_data(as_text=True)


def test_deactivated_user_is_signed_out(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    member = make_user(Role.MEMBER)
    member_client = app.test_client()
    Auth(member_client).login(member)
    auth.login(make_user(Role.ADMIN))
    client.post(f"/admin/users/{member.id}", data={"name": member.name, "role": "member"})
    assert member_client.get("/programmes/").status_code == 303


def test_admin_cannot_remove_their_own_admin_role(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    html = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "member", "active": "y"}).get_data(
        as_text=True
    )
    assert "You cannot remove your own administrator access" in html


def test_admin_creates_a_programme_and_attaches_people(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    lead = make_user(Role.LEAD)
    auth.login(make_user(Role.ADMIN))
    response = client.post(
        "/admin/programmes/new", data={"title": "North Central London review", "area": "NCL ICS", "summary": "Review."}
    )
    assert response.status_code == 302
    with app.app_context():
        programme = db.session.execute(select(Programme)).scalar_one()
        assert programme.slug == "north-central-london-review"
    assert client.post(f"/admin/programmes/{programme.id}/people", data={"people": [str(lead.id)]}).status_code == 302
    auth.logout()
    auth.login(lead)
    assert "North Central London review" in client.get("/programmes/").get_data(as_text=True)
    assert client.get(f"/programmes/{programme.slug}/components/new").status_code == 200


def test_programme_form_errors_are_linked(client: FlaskClient, auth: Auth, make_user: Callable[..., User]) -> None:
    auth.login(make_user(Role.ADMIN))
    html = client.post("/admin/programmes/new", data={"title": "", "area": "", "summary": ""}).get_data(as_text=True)
    for field in ("title", "area", "summary"):
        assert f'href="#{field}"' in html and f'id="{field}"' in html


def test_admin_reads_the_outbox_and_reading_a_message_is_audited(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_message: Callable[[], int],
) -> None:
    message_id = make_message()
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    listing = client.get("/admin/outbox").get_data(as_text=True)
    assert "someone@example.com" in listing and "Your saved answers" in listing
    assert "No emails yet." in client.get("/admin/outbox?kind=you_said_update").get_data(as_text=True)
    assert "Carry on here." in client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "outbox_message_read")).scalar_one()
        assert event.actor_id == admin.id and event.object_id == message_id
