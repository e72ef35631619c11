"""The core offer: leads change it, every change is kept, everyone can read it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.auth.models import Role, User
from engage.extensions import db
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Programme
from tests.conftest import Auth


def _edit_url(programme: Programme) -> str:
    return f"/programmes/{programme.slug}/components/{programme.components[0].id}/edit"


def test_lead_changes_a_component_and_the_history_keeps_both_versions(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
) -> None:
    lead = make_user(Role.LEAD, name="Priya Lead")
    programme = make_programme(people=(lead,))
    auth.login(lead)
    response = client.post(
        _edit_url(programme),
        data={
            "title": "Single point of access",
            "description": "One number, a web form and drop-in, 8am to 8pm.",
            "reason": "Residents asked for evening access.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert "One number, a web form and drop-in, 8am to 8pm." in page
    history = client.get(f"/programmes/{programme.slug}/history").get_data(as_text=True)
    assert "Residents asked for evening access." in history
    assert "One number to call." in history and "8am to 8pm" in history
    assert "Priya Lead" in history
    with app.app_context():
        change = db.session.execute(select(CoreOfferChange)).scalar_one()
        assert (change.before, change.changed_by_id) == ("One number to call.", lead.id)
        actions = db.session.execute(select(AuditEvent.action)).scalars().all()
        assert "component_changed" in actions


def test_a_change_needs_a_reason_and_keeps_what_was_typed(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> None:
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    auth.login(lead)
    response = client.post(
        _edit_url(programme),
        data={"title": "Single point of access", "description": "Draft text I typed", "reason": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter why this is changing" in html and 'href="#reason"' in html
    assert "Draft text I typed" in html


def test_saving_with_no_change_says_so(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> None:
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    auth.login(lead)
    data = {"title": "Single point of access", "description": "One number to call.", "reason": "No reason"}
    assert "You have not changed anything" in client.post(_edit_url(programme), data=data).get_data(as_text=True)


def test_lead_of_another_programme_cannot_change_it(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> None:
    programme = make_programme(people=(make_user(Role.LEAD),))
    outsider = make_user(Role.LEAD)
    make_programme(people=(outsider,))
    auth.login(outsider)
    data = {"title": "Hijacked", "description": "Changed", "reason": "Because"}
    assert client.post(_edit_url(programme), data=data).status_code == 403
    assert "Hijacked" not in client.get(f"/programmes/{programme.slug}").get_data(as_text=True)


def test_component_ids_from_another_programme_are_not_found(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> None:
    lead = make_user(Role.LEAD)
    mine = make_programme(people=(lead,))
    theirs = make_programme()
    auth.login(lead)
    url = f"/programmes/{mine.slug}/components/{theirs.components[0].id}/edit"
    assert client.get(url).status_code == 404


def test_lead_adds_a_component_with_its_first_history_entry(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
) -> None:
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    auth.login(lead)
    data = {"title": "Peer support", "description": "Peer support workers in every team.", "reason": "Panel asked."}
    assert client.post(f"/programmes/{programme.slug}/components/new", data=data).status_code == 302
    with app.app_context():
        component = db.session.execute(
            select(CoreOfferComponent).where(CoreOfferComponent.title == "Peer support")
        ).scalar_one()
        assert component.position == 2
        assert [c.after for c in component.changes] == ["Peer support workers in every team."]


def test_member_sees_only_their_programmes(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> None:
    member = make_user(Role.MEMBER)
    mine = make_programme(people=(member,), title="My programme")
    make_programme(title="Someone else's programme")
    auth.login(member)
    html = client.get("/programmes/").get_data(as_text=True)
    assert mine.title in html and "Someone else" not in html


def test_public_page_escapes_what_leads_type(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> None:
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    auth.login(lead)
    payload = "<script>alert(1)</script>"
    client.post(_edit_url(programme), data={"title": "Access", "description": payload, "reason": payload})
    for path in (f"/programmes/{programme.slug}", f"/programmes/{programme.slug}/history"):
        html = client.get(path).get_data(as_text=True)
        assert payload not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_history_is_paginated(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> None:
    programme = make_programme()
    with app.app_context():
        component = db.session.get(CoreOfferComponent, programme.components[0].id)
        for n in range(25):
            component.changes.append(CoreOfferChange(before=str(n), after=str(n + 1), reason=f"Reason {n}"))
        db.session.commit()
    first = client.get(f"/programmes/{programme.slug}/history").get_data(as_text=True)
    assert "Page 2 of 2" in first
    second = client.get(f"/programmes/{programme.slug}/history?page=2").get_data(as_text=True)
    assert "Reason 0" in second and "Reason 0" not in first
