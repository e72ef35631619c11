"""Signing in and out: messages, throttling, safe redirects, session renewal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.auth.models import Role, User
from engage.auth.routes import safe_next
from engage.auth.services import issue_invite, sign_out_everywhere
from engage.extensions import db
from tests.conftest import PASSWORD, PAYLOADS, Auth


def invite(app: Flask, user: User) -> str:
    with app.app_context():
        token = issue_invite(db.session.get(User, user.id))
        db.session.commit()
    return token


def test_sign_in_and_out(client: FlaskClient, auth: Auth, make_user: Callable[..., User]) -> None:
    lead = make_user(Role.LEAD)
    response = auth.login(lead)
    assert response.status_code == 302
    assert response.headers["Location"] == "/programmes/"
    assert client.get("/programmes/").status_code == 200
    auth.logout()
    assert client.get("/programmes/").status_code == 303


def test_wrong_password_keeps_email_but_not_password(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER, email="member@example.org")
    response = client.post("/login", data={"email": "member@example.org", "password": "not the password"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Enter a correct email address and password" in html
    assert 'value="member@example.org"' in html
    assert "not the password" not in html
    assert "<title>Error: Sign in" in html
    assert user.email in html


def test_unknown_email_gets_the_same_message(client: FlaskClient, app: Flask) -> None:
    response = client.post("/login", data={"email": "nobody@example.org", "password": "whatever123"})
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_empty_form_names_each_missing_field(client: FlaskClient) -> None:
    html = client.post("/login", data={}).get_data(as_text=True)
    assert 'href="#email"' in html and "Enter your email address" in html
    assert 'href="#password"' in html and "Enter your password" in html
    assert 'id="email"' in html and 'id="password"' in html


def test_repeated_failures_are_throttled(client: FlaskClient, app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.LEAD)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/programmes/").status_code == 303, "still signed out"


def test_throttle_counts_per_email_case_insensitively(
    client: FlaskClient, app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.LEAD, email="case@example.org")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": "CASE@example.org", "password": "wrong password"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_next_on_this_site_is_followed(auth: Auth, make_user: Callable[..., User]) -> None:
    response = auth.login(make_user(Role.MEMBER), query_string={"next": "/account"})
    assert response.headers["Location"] == "/account"


def _redirect_payloads() -> list[str]:
    lines = (PAYLOADS / "open-redirect/Open-Redirect-payloads.txt").read_text(errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip()][:200]


def test_next_pointing_off_site_is_ignored(auth: Auth, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER)
    for target in ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"]:
        response = auth.login(user, query_string={"next": target})
        assert response.headers["Location"] == "/programmes/", target
        auth.logout()


def test_no_open_redirect_payload_survives_the_next_check() -> None:
    for payload in _redirect_payloads():
        target = safe_next(payload)
        assert target is None or (target.startswith("/") and not target.startswith(("//", "/\\"))), payload


def test_sign_in_starts_a_new_session(client: FlaskClient, auth: Auth, make_user: Callable[..., User]) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login(make_user(Role.LEAD))
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_tampered_session_cookie_is_treated_as_signed_out(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    auth.login(make_user(Role.LEAD))
    cookie = client.get_cookie("engage_session")
    assert cookie is not None
    client.set_cookie("engage_session", cookie.value[:-4] + "AAAA")
    assert client.get("/programmes/").status_code == 303


def test_signing_out_invalidates_a_copied_cookie(
    app: Flask, auth: Auth, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.LEAD)
    auth.login(user)
    stolen = client.get_cookie("engage_session").value
    with app.app_context():
        sign_out_everywhere(db.session.get(User, user.id))
        db.session.commit()
    other = app.test_client()
    other.set_cookie("engage_session", stolen)
    assert other.get("/programmes/").status_code == 303


def test_over_long_and_non_utf8_input_gets_a_message_not_an_error(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "a" * 5000 + "@example.org", "password": "x" * 500})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email address must be 254 characters or fewer" in html
    response = client.post(
        "/login", data=b"email=%FF%FE%FA&password=%C3%28", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(auth: Auth, make_user: Callable[..., User]) -> None:
    user = make_user(Role.LEAD, active=False)
    response = auth.login(user)
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_access_needs_are_recorded(app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER)
    auth.login(user)
    response = client.post("/account", data={"needs": ["bsl", "hearing_loop"], "other": "Step-free access"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, user.id)
    assert user.access_need_labels == ["British Sign Language (BSL) interpreter", "Hearing loop", "Step-free access"]
    html = client.get("/account").get_data(as_text=True)
    assert 'value="bsl" checked' in html


def test_access_needs_reject_unknown_options(client: FlaskClient, auth: Auth, make_user: Callable[..., User]) -> None:
    auth.login(make_user(Role.MEMBER))
    response = client.post("/account", data={"needs": ["telepathy"], "other": "kept text"})
    html = response.get_data(as_text=True)
    assert "Select only from the options shown" in html
    assert "kept text" in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "8 characters or more"),
        ("x" * 65, "64 characters or fewer"),
        ("password123", "too common"),
        ("iloveyou1", "too common"),
    ],
)
def test_invitation_refuses_weak_passwords(
    client: FlaskClient, app: Flask, make_user: Callable[..., User], password: str, message: str
) -> None:
    user = make_user(Role.MEMBER)
    token = invite(app, user)
    html = client.post(f"/invite/{token}", data={"password": password, "confirm": password}).get_data(as_text=True)
    assert message in html


def test_invitation_sets_password_once(client: FlaskClient, app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER)
    token = invite(app, user)
    assert client.get(f"/invite/{token}").status_code == 200
    response = client.post(
        f"/invite/{token}", data={"password": "a long new passphrase", "confirm": "a long new passphrase"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).check_password("a long new passphrase")
    assert client.get(f"/invite/{token}").status_code == 404
    assert client.get("/invite/not-a-real-token").status_code == 404


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User]
) -> None:
    auth.login(make_user(Role.LEAD))
    copied = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    copied.set_cookie(cookie.key, cookie.value)
    assert copied.get("/account").status_code == 200, "the copy works while the session lasts"
    auth.logout()
    assert copied.get("/account").status_code in (302, 303), "after sign-out the copied cookie signs nobody in"
