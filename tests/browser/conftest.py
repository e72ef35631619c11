"""A live Engage server with the demo loaded, and headless Chromium with axe-core."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from engage import create_app
from engage.auth.models import User
from engage.auth.services import issue_invite
from engage.demo import load_demo
from engage.extensions import db
from tests.conftest import fresh_postgres_schema

CHROMIUM = os.environ.get("ENGAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_PASSWORD = "browser demo password"
WIDTHS = [1280, 320]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _fresh_database(app: Flask) -> None:
    with app.app_context():
        if os.environ.get("DATABASE_URL"):
            fresh_postgres_schema()
        upgrade()
        # The demo includes a finished analysis of the demo survey, run in this process, not the web one.
        load_demo()
        db.session.commit()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'browser.sqlite'}"
    app = create_app(
        {
            "SECRET_KEY": "browser-tests-secret-key-long-enough-0123",
            "SQLALCHEMY_DATABASE_URI": database,
            "DEMO_PASSWORD": DEMO_PASSWORD,
        }
    )

    @app.route("/_test/server-error")
    def server_error() -> str:
        """Lets the tests see the 500 page."""
        raise RuntimeError("deliberate failure for the error page test")

    _fresh_database(app)
    return app


class _ClosedWhenDropped:
    """A response body that is closed when the server lets go of it, whatever happened.

    werkzeug's development server drains the socket before it closes a response, and a client that reset the
    connection (Chromium cancelling a video's range request) makes that read fail, so the close is skipped and
    the video's open file is left to the garbage collector, which warns. Gunicorn, which serves Engage in
    production, closes responses itself.
    """

    def __init__(self, body: Any) -> None:
        self.body = body

    def __iter__(self) -> Any:
        return iter(self.body)

    def close(self) -> None:
        if hasattr(self.body, "close"):
            self.body.close()

    def __del__(self) -> None:
        self.close()


@pytest.fixture(scope="session")
def base_url(live_app: Flask) -> Iterator[str]:
    def closing(environ: dict[str, Any], start_response: Any) -> _ClosedWhenDropped:
        return _ClosedWhenDropped(live_app(environ, start_response))

    server = make_server("127.0.0.1", 0, closing, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def context_for(browser: Browser, base_url: str) -> Iterator[Callable[[str], BrowserContext]]:
    """One signed-in browser context per role (and one anonymous), made when first needed."""
    made: dict[str, BrowserContext] = {}

    def get(role: str) -> BrowserContext:
        if role not in made:
            # bypass_csp lets the tests inject axe-core; the app's own pages never need it.
            context = browser.new_context(base_url=base_url, bypass_csp=True)
            if role != "anonymous":
                sign_in(context.new_page(), f"{role}@demo.engage.test", DEMO_PASSWORD, close=True)
            made[role] = context
        return made[role]

    yield get
    for context in made.values():
        context.close()


# Authenticator app secrets of the demo accounts set up in this run, by email address.
APP_SECRETS: dict[str, str] = {}


def sign_in(page: Page, email: str, password: str, *, close: bool = False) -> None:
    """Sign in as a person would, setting up the authenticator app at first sign-in where the role needs one."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button")
    page.wait_for_load_state()
    if "/login/set-up-two-step" in page.url:
        APP_SECRETS[email] = page.inner_text(".engage-secret").replace(" ", "")
        page.fill("#code", pyotp.TOTP(APP_SECRETS[email]).now())
        page.click("main button")
        page.click("text=I have saved my recovery codes")
        page.wait_for_load_state()
    elif "/login/code" in page.url:
        page.fill("#code", pyotp.TOTP(APP_SECRETS[email]).now())
        page.click("main button")
        page.wait_for_load_state()
    assert "/login" not in page.url, f"could not sign in as {email}"
    if close:
        page.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page and return its WCAG 2.2 A and AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)", AXE_TAGS
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


def broken_error_links(page: Page) -> list[str]:
    """Error summary links whose target element does not exist."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.nhsuk-error-summary a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1))
            .filter(id => !document.getElementById(id))"""
    )


@pytest.fixture(scope="session")
def invite_path(live_app: Flask) -> str:
    with live_app.app_context():
        user = db.session.execute(select(User).where(User.email == "resident@demo.engage.test")).scalar_one()
        token = issue_invite(user)
        db.session.commit()
    return f"/invite/{token}"
