"""CSRF on every state change, and the security headers on every response."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage import ROOT
from engage.auth.models import Role, User
from engage.programmes.models import Programme
from engage.surveys.models import Survey
from tests.conftest import PASSWORD, TOTP_SECRET, csrf_token
from tests.test_permissions import MATRIX


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"WTF_CSRF_ENABLED": True}


def _signed_in_admin(client: FlaskClient, make_user: Callable[..., User]) -> User:
    admin = make_user(Role.ADMIN)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/login/code"
    token = csrf_token(client.get("/login/code").get_data(as_text=True))
    response = client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now(), "csrf_token": token})
    assert response.status_code == 302
    return admin


def test_login_without_csrf_token_is_refused_with_400(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.LEAD)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "this page timed out" in response.get_data(as_text=True)


def test_every_post_route_refuses_a_request_without_a_csrf_token(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:
    admin = _signed_in_admin(client, make_user)
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    survey = make_survey(programme)
    ids = {"slug": programme.slug, "component": programme.components[0].id, "user": admin.id, "programme": programme.id}
    ids |= {"survey": survey.id, "survey_slug": survey.slug, "question": survey.questions[0].id}
    ids |= {"spare_question": survey.questions[-1].id, "flag": 1, "run": 1, "theme": 1, "panel": 1, "membership": 1}
    ids |= {"draft": 1, "section": 1, "comment": 1, "meeting": 1, "application": 1, "bsl_answer": 1}
    ids |= {"statement": 1, "spare_statement": 1, "quote": 1, "action": 1}
    ids |= {"rights_request": 1, "spare_rights_request": 1, "code": 1}
    posts = [(path.format(**ids), endpoint) for (endpoint, method), (path, _) in MATRIX.items() if method == "POST"]
    assert posts
    for url, endpoint in posts:
        response = client.post(url, data={"title": "x"})
        assert response.status_code == 400, f"{endpoint} accepted a POST without a CSRF token"


def test_a_token_from_the_page_is_accepted(client: FlaskClient, make_user: Callable[..., User]) -> None:
    _signed_in_admin(client, make_user)
    token = csrf_token(client.get("/account").get_data(as_text=True))
    assert client.post("/account", data={"needs": ["bsl"], "csrf_token": token}).status_code == 302


@pytest.mark.parametrize("path", ["/", "/login", "/programmes/missing", "/accessibility"])
def test_security_headers_on_every_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers, "HSTS only over HTTPS"


def test_hsts_over_https(client: FlaskClient) -> None:
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.LEAD)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_are_not_cached_but_assets_are(client: FlaskClient) -> None:
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    response = client.get("/assets/images/favicon.svg")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_no_inline_script_in_pages(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "<script " in html
    assert 'type="module" src="/static/engage.js"' in html


def test_personal_data_stays_out_of_the_log(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    user = make_user(Role.LEAD, email="private.person@example.org")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    with caplog.at_level("DEBUG"):
        client.post("/login", data={"email": user.email, "password": "wrong password", "csrf_token": token})
    assert "private.person" not in caplog.text


def test_gunicorn_names_no_server(tmp_path: Path) -> None:
    """Served as the README says (gunicorn reads gunicorn.conf.py), no response names the server or its version."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "SECRET_KEY": "gunicorn-test-secret-key-long-enough-0123456",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite'}",
        "ENGAGE_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/static/engage.css")
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Server") is None
        connection.request("GET", "/", headers={"Host": "evil.example"})
        refused = connection.getresponse()
        assert refused.status == 400 and refused.getheader("Server") is None
    finally:
        server.terminate()
        server.wait(timeout=10)
