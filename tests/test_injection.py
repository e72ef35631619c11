"""Stored injection: the public XSS, HTML and naughty-strings lists go through every form a resident, member,
lead or administrator can fill, then every page, feed and export is read back as each of them.

The forms are found, not listed: each role opens every page of the route matrix, and every text field of
every form on it gets a payload (other fields keep what the page offers). A payload that holds markup must
come back escaped; no request may fail with a server error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from itertools import cycle
from typing import Any
from urllib.parse import urljoin

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from engage.extensions import db
from engage.panels.models import Comment
from engage.surveys.models import Answer
from tests.conftest import PAYLOADS, Auth
from tests.test_permissions import MATRIX, _ids, world  # noqa: F401  (world is a fixture used here)

ROLES = ["anonymous", "resident", "member", "lead", "admin"]
# Forms not filled: they end the session or remove what the other pages show.
SKIPPED_ACTIONS = ("/logout", "/delete", "/remove", "/another", "/reset", "/recovery-codes")
MARKUP = set("<>\"'")
# A payload that would build an element or an event handler if it reached the page unescaped.
ACTIVE = re.compile(r"<[a-zA-Z!/?]|[\"'][^\"']*\bon\w+\s*=")


def payloads() -> list[str]:
    """Every XSS list line, and the naughty strings that hold markup or quotes (the rest stress only encoding)."""
    found: list[str] = []
    for path in sorted((PAYLOADS / "xss").glob("*.txt")):
        found += [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    naughty = json.loads((PAYLOADS / "naughty-strings/blns.json").read_text())
    found += [text for text in naughty if text.strip() and MARKUP & set(text)]
    return list(dict.fromkeys(found))


class Forms(HTMLParser):
    """The POST forms on a page: action, and each field's name, kind and the value the page offers."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            if attr.get("method", "get").lower() == "post":
                self.forms.append({"action": attr.get("action", ""), "fields": []})
            return
        if not self.forms or "name" not in attr:
            if tag == "option" and self._select and self.forms:
                self._offer(self._select, "choice", attr.get("value", ""))
            return
        if tag == "input":
            kind = attr.get("type", "text")
            if kind in ("radio", "checkbox"):
                self._offer(attr["name"], "choice", attr.get("value", "on"))
            elif kind != "file":
                self.forms[-1]["fields"].append((attr["name"], kind, attr.get("value", "")))
        elif tag == "textarea":
            self.forms[-1]["fields"].append((attr["name"], "textarea", ""))
        elif tag == "select":
            self._select = attr["name"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def _offer(self, name: str, kind: str, value: str) -> None:
        fields = self.forms[-1]["fields"]
        if not any(existing == name for existing, _, _ in fields):
            fields.append((name, kind, value))


def fill(fields: list[tuple[str, str, str]], payload: Iterator[str]) -> dict[str, str]:
    """Every free-text field gets the next payload; addresses, numbers and choices stay valid."""
    data = {}
    for name, kind, value in fields:
        if kind in ("text", "textarea", "search", "url", "tel"):
            data[name] = next(payload)
        elif kind == "email":
            data[name] = "someone@example.org"
        elif kind == "password":
            data[name] = "a long enough password"
        else:
            data[name] = value
    return data


def pages(ids: dict[str, Any]) -> list[str]:
    return sorted({path.format(**ids) for (endpoint, method), (path, _) in MATRIX.items() if method == "GET"})


def read_all(app: Flask, users: dict[str, Any], ids: dict[str, Any]) -> dict[tuple[str, str], tuple[int, str, str]]:
    """Every page of the matrix as each role sees it: status, content type, body."""
    seen = {}
    for role in ROLES:
        client = signed_in(app, users, role)
        for path in pages(ids):
            page = client.get(path)
            body = page.get_data().decode(errors="replace")  # media and workbooks are not text
            seen[role, path] = (page.status_code, page.content_type or "", body)
            page.close()
    return seen


def signed_in(app: Flask, users: dict[str, Any], role: str) -> FlaskClient:
    client = app.test_client()
    if role != "anonymous":
        Auth(client).login(users[role])
    return client


def test_payloads_in_every_field_come_back_escaped_and_never_break_a_page(
    app: Flask,
    world: dict[str, Any],  # noqa: F811
) -> None:
    lines = payloads()
    assert len(lines) > 250, "the payload lists are in tests/payloads"
    payload = cycle(lines)
    ids = _ids(world)
    before = read_all(app, world["users"], ids)
    failures: list[str] = []
    filled = 0
    for role in ROLES:
        client = signed_in(app, world["users"], role)
        for path in pages(ids):  # in order, so a survey is started before its questions are visited
            page = client.get(path)
            if page.status_code != 200 or "html" not in (page.content_type or ""):
                page.close()
                continue
            parser = Forms()
            parser.feed(page.get_data(as_text=True))
            for form in parser.forms:
                action = urljoin(path, form["action"] or path)
                if any(word in action for word in SKIPPED_ACTIONS) or not form["fields"]:
                    continue
                sent = client.post(action, data=fill(form["fields"], payload))
                filled += 1
                if sent.status_code >= 500:
                    failures.append(f"{role}: POST {action} answered {sent.status_code}")
    assert filled > 60, f"only {filled} forms were filled: the crawl is not reaching the pages"
    active = [line for line in lines if ACTIVE.search(line)]
    after = read_all(app, world["users"], ids)
    for (role, path), (status, kind, body) in after.items():
        if status >= 500:
            failures.append(f"{role}: GET {path} answered {status}")
        if not any(markup in kind for markup in ("html", "xml")):
            continue  # CSV, JSON, XLSX, media: not read as markup (and sent with nosniff)
        already = before[role, path][2]
        failures += [f"{role}: {path} holds raw {line!r}" for line in active if line in body and line not in already]
    assert not failures, "\n".join(sorted(set(failures))[:40])
    shown = {line for line in active for (_, _, body) in after.values() if str(escape(line)) in body}
    assert len(shown) > 25, f"only {len(shown)} payloads came back at all: the fields are not being stored"
    with app.app_context():  # a resident's answers and a member's comments are among them (they reach leads)
        assert db.session.execute(select(func.count()).where(Answer.text.in_(lines))).scalar_one()
        assert db.session.execute(select(func.count()).where(Comment.text.in_(lines))).scalar_one()
