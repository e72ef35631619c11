"""Panels review drafts: comments with a stance, a decision on each, version N+1 with a word-level diff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.markdown import render
from engage.panels.models import Comment, Draft, DraftStatus, Panel, PanelKind
from engage.panels.services import diff_words, is_member
from engage.programmes.models import Programme
from engage.timeutil import utcnow
from tests.conftest import PAYLOADS, Auth


@pytest.fixture
def people(make_user: Callable[..., User], make_programme: Callable[..., Programme]) -> dict:
    lead, member, other = make_user(Role.LEAD), make_user(Role.MEMBER, name="Morgan Member"), make_user(Role.MEMBER)
    return {"lead": lead, "member": member, "other": other, "programme": make_programme(people=(lead, member))}


def _id_from(location: str) -> int:
    return int(location.rstrip("/").split("/")[-1].split("#")[0])


def test_the_whole_review_cycle(app: Flask, client: FlaskClient, auth: Auth, people: dict) -> None:
    programme, member = people["programme"], people["member"]
    auth.login(people["lead"])
    made = client.post(
        f"/panels/programme/{programme.slug}",
        data={
            "form": "panel",
            "panel-kind": "experts_by_experience",
            "panel-name": "Experts",
            "panel-purpose": "Shape the offer",
        },
    )
    panel_id = _id_from(made.headers["Location"])
    assert client.post(f"/panels/{panel_id}", data={"user": str(member.id), "role": "member"}).status_code == 302
    made = client.post(
        f"/panels/programme/{programme.slug}",
        data={"form": "draft", "draft-title": "Single point of access", "draft-purpose": "Tell us what you think"},
    )
    draft_id = _id_from(made.headers["Location"])
    client.post(
        f"/panels/drafts/{draft_id}",
        data={"heading": "How to get help", "body": "Call one number, 9 to 5.", "component": "0"},
    )
    assert client.post(f"/panels/drafts/{draft_id}/send", data={"panels": [str(panel_id)]}).status_code == 302
    with app.app_context():
        section_id = db.session.get(Draft, draft_id).current_sections[0].id
    auth.logout()

    auth.login(member)
    assert "Single point of access" in client.get("/panels/").get_data(as_text=True)
    url = f"/panels/drafts/{draft_id}/sections/{section_id}/comments"
    assert client.post(url, data={"stance": "concern", "text": "Evenings matter: I work days"}).status_code == 302
    with app.app_context():
        comment_id = db.session.execute(select(Comment.id)).scalar_one()
    client.post(f"/panels/comments/{comment_id}/edit", data={"stance": "suggestion", "text": "Open until 8pm please"})
    auth.logout()

    auth.login(people["lead"])
    refused = client.post(f"/panels/drafts/{draft_id}/close", follow_redirects=True).get_data(as_text=True)
    assert "1 comment has no decision yet" in refused
    needs_reason = client.post(
        f"/panels/comments/{comment_id}/decide", data={"outcome": "partly_accepted", "reason": ""}
    )
    assert "Give a reason" in needs_reason.get_data(as_text=True)
    client.post(
        f"/panels/comments/{comment_id}/decide", data={"outcome": "partly_accepted", "reason": "8pm on weekdays"}
    )
    assert client.post(f"/panels/drafts/{draft_id}/close").status_code == 302
    published = client.post(
        f"/panels/drafts/{draft_id}/publish",
        data={
            f"heading-{section_id}": "How to get help",
            f"body-{section_id}": "Call one number, 8am to 8pm.",
            f"answers-{section_id}": str(comment_id),
        },
    )
    assert published.headers["Location"].endswith(f"/panels/drafts/{draft_id}/changes/2")
    auth.logout()

    auth.login(member)
    changes = client.get(f"/panels/drafts/{draft_id}/changes/2").get_data(as_text=True)
    assert "<del>9</del><ins>8am</ins>" in changes and "<del>5.</del><ins>8pm.</ins>" in changes
    assert "Open until 8pm please" in changes
    mine = client.get("/panels/my-comments").get_data(as_text=True)
    assert "Partly accepted" in mine and "8pm on weekdays" in mine and f"/panels/drafts/{draft_id}/changes/2" in mine


def test_closing_with_undecided_comments_needs_explicit_confirmation(
    app: Flask, client: FlaskClient, auth: Auth, people: dict, make_review: Callable[..., dict]
) -> None:
    review = make_review(people["programme"], people["member"])
    auth.login(people["lead"])
    client.post(f"/panels/drafts/{review['draft']}/close")
    with app.app_context():
        assert db.session.get(Draft, review["draft"]).status == DraftStatus.IN_REVIEW
    client.post(f"/panels/drafts/{review['draft']}/close", data={"confirm": "y"})
    with app.app_context():
        assert db.session.get(Draft, review["draft"]).status == DraftStatus.CLOSED


def test_comments_after_the_deadline_are_refused_and_kept_on_the_page(
    app: Flask, client: FlaskClient, auth: Auth, people: dict, make_review: Callable[..., dict]
) -> None:
    review = make_review(people["programme"], people["member"])
    with app.app_context():
        db.session.get(Draft, review["draft"]).deadline = utcnow().date() - timedelta(days=1)
        db.session.commit()
    auth.login(people["member"])
    url = f"/panels/drafts/{review['draft']}/sections/{review['section']}/comments"
    html = client.post(url, data={"stance": "agree", "text": "Late thought"}).get_data(as_text=True)
    assert "This review is closed" in html and "Late thought" in html
    assert client.post(f"/panels/comments/{review['comment']}/withdraw", follow_redirects=True).status_code == 200
    with app.app_context():
        assert not db.session.get(Comment, review["comment"]).withdrawn


def test_empty_and_over_long_comments_get_messages(
    client: FlaskClient, auth: Auth, people: dict, make_review: Callable[..., dict]
) -> None:
    review = make_review(people["programme"], people["member"])
    auth.login(people["member"])
    url = f"/panels/drafts/{review['draft']}/sections/{review['section']}/comments"
    html = client.post(url, data={}).get_data(as_text=True)
    assert "Select whether you agree" in html and "Enter your comment" in html
    html = client.post(url, data={"stance": "agree", "text": "x" * 2001}).get_data(as_text=True)
    assert "Your comment must be 2000 characters or fewer" in html


def test_outsiders_see_nothing(
    client: FlaskClient, auth: Auth, people: dict, make_user: Callable[..., User], make_review: Callable[..., dict]
) -> None:
    review = make_review(people["programme"], people["member"])
    for outsider in (people["other"], make_user(Role.LEAD)):
        auth.login(outsider)
        assert client.get(f"/panels/drafts/{review['draft']}").status_code == 403
        assert client.get(f"/panels/comments/{review['comment']}/decide").status_code == 403
        assert "Single point of access" not in client.get("/panels/").get_data(as_text=True)
        auth.logout()
    auth.login(people["member"])
    assert client.get(f"/panels/comments/{review['comment']}/decide").status_code == 403, "members cannot decide"
    assert client.get(f"/panels/drafts/{review['draft']}/sections/999999/comments").status_code == 404


def test_diff_is_word_level_and_escaped() -> None:
    assert str(diff_words("a b c", "a x c")) == "a <del>b</del><ins>x</ins> c"
    assert "&lt;script&gt;" in str(diff_words("", "<script>alert(1)</script>"))


def _payloads() -> list[str]:
    lines = []
    for name in ("xss_payloads_quick.txt", "XSS_Polyglots.txt", "port_swigger_xss_cheatsheet_event_handlers.txt"):
        path = PAYLOADS / "xss" / name
        lines += [line for line in path.read_text(errors="replace").splitlines() if line.strip()][:150]
    return lines


class _Tags(HTMLParser):
    """The elements and attributes a browser would actually build from some HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_markdown_never_renders_script_or_handlers() -> None:
    payloads = _payloads()
    assert len(payloads) > 100
    allowed = {"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "code", "pre", "hr"}
    for payload in payloads:
        parser = _Tags()
        parser.feed(str(render(payload)))
        for tag, attrs in parser.found:
            assert tag in allowed, (payload, tag)
            for name, value in attrs:
                assert not name.startswith("on"), (payload, name)
                if name == "href":
                    assert (value or "").startswith(("http://", "https://", "mailto:")), (payload, value)


def test_markdown_keeps_ordinary_formatting() -> None:
    html = str(render("**Bold** and a [link](https://www.nhs.uk)\n\n- one\n- two"))
    assert "<strong>Bold</strong>" in html and 'href="https://www.nhs.uk"' in html and "<li>one</li>" in html


def test_a_lead_cannot_give_programme_access_through_a_panel(
    app: Flask, client: FlaskClient, auth: Auth, people: dict, make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
) -> None:  # fmt: skip
    outsider_lead = make_user(Role.LEAD, name="Olive Outsider")
    elsewhere = make_user(Role.MEMBER, name="Ezra Elsewhere")
    make_programme(people=(elsewhere,))
    programme = people["programme"]
    with app.app_context():
        panel = Panel(programme_id=programme.id, kind=PanelKind.EXPERTS, name="Experts", purpose="Review")
        db.session.add(panel)
        db.session.commit()
        panel_id = panel.id
    auth.login(people["lead"])
    page = client.get(f"/panels/{panel_id}").get_data(as_text=True)
    assert "Morgan Member" in page, "people on the programme can be added"
    assert "Olive Outsider" not in page and "Ezra Elsewhere" not in page and elsewhere.email not in page
    forged = client.post(f"/panels/{panel_id}", data={"user": str(outsider_lead.id), "role": "member"})
    assert forged.status_code == 200
    with app.app_context():
        live = db.session.get(Programme, programme.id)
        assert outsider_lead.id not in {u.id for u in live.people}
        assert not is_member(db.session.get(User, outsider_lead.id), db.session.get(Panel, panel_id))
    auth.logout()
    auth.login(outsider_lead)
    assert client.get(f"/insights/{programme.slug}").status_code == 403, "no access to the programme's analyses"
