"""You said, we did: publication rules, quotes, actions, the core offer history, feeds and closing the loop."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights.models import AnalysisRun, Codebook, RunStatus, TextCode, Theme, ThemeAssignment, ThemeQuote
from engage.notify.models import OutboxMessage
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Programme
from engage.surveys import answering, formats
from engage.surveys.models import Answer, Contact, Format, Survey
from engage.timeutil import utcnow
from engage.tracker.models import ActionStatus, ActionUpdate, Quote, WeDid, YouSaid
from tests.conftest import PNG, WEBM, Auth

ATOM = "{http://www.w3.org/2005/Atom}"
COMMENTS = [
    "I waited six weeks for a call back from the access team.",
    "Nobody called me back, my number is 07700 900123 and my name is Priya Shah.",
    "The waiting list was far too long.",
]


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.LEAD)


@pytest.fixture
def world(
    app: Flask, lead: User, make_programme: Callable[..., Programme], make_survey: Callable[..., Survey]
) -> dict[str, Any]:
    """A programme whose finished analysis put three answers (two from people who want updates) in one theme."""
    programme = make_programme(people=(lead,))
    survey = make_survey(programme)
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        answer_ids = []
        for n, text in enumerate(COMMENTS):
            response, _ = answering.start_response(live)
            answer_ids.append(answering.save_answer(response, live.questions[0], text=text).id)
            if n < 2:
                answering.save_contact(
                    response, may_contact=False, wants_updates=True, name="", email=f"person{n}@example.com", phone=""
                )
            answering.submit(response)
        run = AnalysisRun(
            programme_id=programme.id,
            title="Spring survey themes",
            questions=[live.questions[0]],
            status=RunStatus.DONE,
            finished_at=utcnow(),
        )
        waiting = Theme(
            label="Waiting for a call back", machine_label="Waiting", size=3, centroid=b"\0" * 16,
            quotes=ThemeQuote.of(answer_ids[:2], []),
        )  # fmt: skip
        other = Theme(label="Kind staff", machine_label="Kind staff", size=0, centroid=b"\0" * 16)
        run.themes = [waiting, other]
        db.session.add(run)
        db.session.flush()
        for answer_id in answer_ids:
            db.session.add(ThemeAssignment(run_id=run.id, theme_id=waiting.id, answer_id=answer_id))
        db.session.commit()
        components = [c.id for c in db.session.get(Programme, programme.id).components]
        db.session.commit()
        return {
            "programme": programme,
            "survey": survey,
            "theme": waiting.id,
            "other_theme": other.id,
            "answers": answer_ids,
            "components": components,
        }


def statement_for(client: FlaskClient, world: dict[str, Any], **extra: Any) -> int:
    data = {"title": "Waiting too long to hear back", "statement": "People waited weeks for a call back."}
    response = client.post(
        f"/you-said-we-did/{world['programme'].slug}/new", data=data | {"theme_ids": [world["theme"]]} | extra
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def action_for(client: FlaskClient, world: dict[str, Any], statement_id: int, **extra: Any) -> Any:
    data = {
        "what": "Call everyone back within 2 working days",
        "owner": "Access team",
        "component_ids": [world["components"][0]],
        "status": "planned",
        "progress": "0",
    }
    return client.post(f"/you-said-we-did/statements/{statement_id}/actions/new", data=data | extra)


def outbox(app: Flask, kind: str = "you_said_update") -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars().all()
        db.session.expunge_all()
        return list(messages)


def test_quotes_are_redacted_when_taken_and_must_be_approved_before_publishing(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    page = client.get(f"/you-said-we-did/statements/{statement_id}").get_data(as_text=True)
    assert "07700 900123" not in page and "Priya" not in page, "candidate quotes are shown redacted"
    added = client.post(
        f"/you-said-we-did/statements/{statement_id}/quotes", data={"source": f"a{world['answers'][1]}"}
    )
    assert added.status_code == 302
    with app.app_context():
        quote = db.session.execute(select(Quote)).scalar_one()
        assert "07700" not in quote.text and "Priya" not in quote.text and quote.approved_at is None
        quote_id = quote.id

    refused = client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    assert refused.status_code == 400
    assert "Approve or remove every quote before publishing" in refused.get_data(as_text=True)
    board = client.get(f"/programmes/{world['programme'].slug}/you-said-we-did").get_data(as_text=True)
    assert "Waiting too long to hear back" not in board, "nothing unpublished is public"

    client.post(f"/you-said-we-did/quotes/{quote_id}", data={"text": "Call me on 020 7946 0018, nobody rang."})
    with app.app_context():
        edited = db.session.get(Quote, quote_id)
        assert "7946" not in edited.text and edited.approved_at is None, "an edited quote is redacted and unapproved"
    client.post(f"/you-said-we-did/quotes/{quote_id}/approve")
    assert client.post(f"/you-said-we-did/statements/{statement_id}/publish").status_code == 302
    board = client.get(f"/programmes/{world['programme'].slug}/you-said-we-did").get_data(as_text=True)
    assert "Waiting too long to hear back" in board and "nobody rang" in board
    assert "fewer than 10" in board, "small counts are suppressed on the public board"
    assert ">3 people said this" not in board


def test_a_quote_must_come_from_the_statements_own_evidence(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    for forged in ("a999999", "c1", "x1", "", "a"):
        page = client.post(f"/you-said-we-did/statements/{statement_id}/quotes", data={"source": forged})
        assert page.status_code == 400
        assert "Choose a quote from this statement" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Quote)).first() is None


def test_a_bsl_answer_is_quoted_through_its_interpretation_only(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    with app.app_context():
        survey = db.session.get(Survey, world["survey"].id)
        response, _ = answering.start_response(survey, Format.BSL)
        answer = formats.save_video_answer(response, survey.questions[0], io.BytesIO(WEBM))
        answering.submit(response)
        run_theme = db.session.get(Theme, world["theme"])
        db.session.add(ThemeAssignment(run_id=run_theme.run_id, theme_id=run_theme.id, answer_id=answer.id))
        db.session.commit()
        answer_id = answer.id
        db.session.commit()
    auth.login(lead)
    statement_id = statement_for(client, world)
    url = f"/you-said-we-did/statements/{statement_id}/quotes"
    assert client.post(url, data={"source": f"a{answer_id}"}).status_code == 400, "no words until interpreted"
    with app.app_context():
        formats.interpret(db.session.get(User, lead.id), db.session.get(Answer, answer_id), "Signed: I waited.", "C.")
        db.session.commit()
    assert client.post(url, data={"source": f"a{answer_id}"}).status_code == 302
    with app.app_context():
        assert db.session.execute(select(Quote.text)).scalar_one() == "Signed: I waited."


def test_statements_refuse_other_programmes_themes_and_components(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    lead: User,
    world: dict[str, Any],
    make_programme: Callable[..., Programme],
) -> None:
    other = make_programme(people=(lead,))
    auth.login(lead)
    with app.app_context():
        foreign_run = AnalysisRun(programme_id=other.id, title="Other", status=RunStatus.DONE)
        foreign_run.themes = [Theme(label="Elsewhere", machine_label="x", size=1, centroid=b"\0" * 16)]
        db.session.add(foreign_run)
        db.session.commit()
        foreign_theme = foreign_run.themes[0].id
        foreign_component = db.session.get(Programme, other.id).components[0].id
    page = client.post(
        f"/you-said-we-did/{world['programme'].slug}/new",
        data={"title": "T", "statement": "S", "theme_ids": [foreign_theme]},
    )
    assert page.status_code == 200 and "Select only from the options shown" in page.get_data(as_text=True)
    statement_id = statement_for(client, world)
    forged = action_for(client, world, statement_id, component_ids=[foreign_component])
    assert "Select only from the options shown" in forged.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(WeDid)).first() is None
        assert db.session.execute(select(YouSaid)).scalar_one().programme_id == world["programme"].id


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"progress": "101"}, "Progress must be a whole number from 0 to 100"),
        ({"progress": "-5"}, "Progress must be a whole number from 0 to 100"),
        ({"progress": "lots"}, "Progress must be a whole number from 0 to 100"),
        ({"status": "not_taken_forward"}, "Say why this is not being taken forward"),
        ({"status": "abandoned"}, "Select only from the options shown"),
        ({"component_ids": []}, "Choose at least one part of the core offer"),
        ({"evidence_url": "javascript:alert(1)"}, "The evidence link must start with https://"),
    ],
)
def test_bad_actions_are_refused_with_a_clear_message(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any], extra: dict[str, Any], message: str
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    page = action_for(client, world, statement_id, **extra)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert message in html and "Call everyone back within 2 working days" in html, "what was typed is kept"
    with app.app_context():
        assert db.session.execute(select(WeDid)).first() is None


def test_an_action_that_changes_the_core_offer_is_linked_in_its_history(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    component_id = world["components"][0]
    assert action_for(client, world, statement_id).status_code == 302
    with app.app_context():
        action_id = db.session.execute(select(WeDid.id)).scalar_one()
        current = db.session.get(CoreOfferComponent, component_id).description
    url = f"/you-said-we-did/actions/{action_id}/core-offer/{component_id}"
    page = client.get(url).get_data(as_text=True)
    assert f">{current}</textarea>" in page, "editing starts from the current description, so nothing is lost"
    empty = client.post(url, data={"description": "  "})
    assert empty.status_code == 200 and "Enter the new description" in empty.get_data(as_text=True)
    same = client.post(url, data={"description": current}).get_data(as_text=True)
    assert "This is the description it has now" in same
    preview = client.post(url, data={"description": "Call back in 2 days."}).get_data(as_text=True)
    assert "Check the change to" in preview and "<ins>" in preview and "<del>" in preview
    with app.app_context():
        assert db.session.get(CoreOfferComponent, component_id).description == current, "a preview saves nothing"
    # Saving text other than what was previewed previews it again.
    again = client.post(url, data={"description": "Call back in 3 days.", "previewed": "x", "save": "yes"})
    assert "Check the change to" in again.get_data(as_text=True)
    saved = client.post(
        url, data={"description": "Call back in 2 days.", "previewed": "Call back in 2 days.", "save": "yes"}
    )
    assert saved.status_code == 302
    with app.app_context():
        change = db.session.execute(select(CoreOfferChange).where(CoreOfferChange.we_did_id.is_not(None))).scalar_one()
        assert change.after == "Call back in 2 days." and change.component_id == component_id
        assert db.session.get(CoreOfferComponent, component_id).description == "Call back in 2 days."
    history = f"/programmes/{world['programme'].slug}/history"
    assert "Changed because you said" not in client.get(history).get_data(as_text=True), "not before publishing"
    client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    page = client.get(history).get_data(as_text=True)
    assert "Changed because you said" in page and "Waiting too long to hear back" in page
    assert f"you-said-we-did#you-said-{statement_id}" in page


def test_people_who_opted_in_are_told_once_and_can_unsubscribe(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    action_for(client, world, statement_id)
    preview = client.get(f"/you-said-we-did/statements/{statement_id}/publish").get_data(as_text=True)
    assert "Check before publishing" in preview and "You said: Waiting too long to hear back" in preview
    assert "2 people who contributed and asked to hear back will be emailed" in preview
    assert "person0@example.com" not in preview, "the preview counts people without showing their addresses"
    assert not outbox(app), "previewing sends nothing"
    for _ in range(2):  # a double click publishes and emails once
        client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    published = outbox(app)
    assert sorted(m.to_email for m in published) == ["person0@example.com", "person1@example.com"]
    assert all("person0" not in m.body or m.to_email == "person0@example.com" for m in published)
    assert all("person1" not in m.body for m in published if m.to_email == "person0@example.com")
    client.post(f"/you-said-we-did/statements/{statement_id}/unpublish")
    client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    assert len(outbox(app)) == 2, "publishing again tells nobody twice"

    with app.app_context():
        action_id = db.session.execute(select(WeDid.id)).scalar_one()
    done = {
        "what": "Call everyone back within 2 working days",
        "owner": "Access team",
        "component_ids": [world["components"][0]],
        "status": "done",
        "progress": "100",
        "note": "Started on 1 March.",
    }
    assert client.post(f"/you-said-we-did/actions/{action_id}", data=done).status_code == 302
    client.post(f"/you-said-we-did/actions/{action_id}", data=done | {"note": "Still done."})
    assert len(outbox(app)) == 4, "a new status is told once to each person"

    stop = next(m for m in outbox(app) if m.to_email == "person0@example.com").body.split("To stop these emails: ")[1]
    token_path = stop.strip().split("localhost")[-1]
    assert client.get(token_path).status_code == 200
    assert client.post(token_path).status_code == 200
    with app.app_context():
        contacts = {c.email: c.wants_updates for c in db.session.execute(select(Contact)).scalars()}
        assert contacts == {"person0@example.com": False, "person1@example.com": True}
        assert len(db.session.execute(select(ActionUpdate)).all()) == 3, "every update is dated on the timeline"
    client.post(f"/you-said-we-did/actions/{action_id}", data=done | {"status": "in_progress", "progress": "90"})
    latest = [m.to_email for m in outbox(app)][4:]
    assert latest == ["person1@example.com"], "after unsubscribing, nothing more is sent"
    assert client.get("/updates/stop/forged-token").status_code == 404


def test_feeds_parse_and_refuse_odd_parameters(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    action_for(client, world, statement_id)
    client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    auth.logout()
    base = f"/programmes/{world['programme'].slug}/you-said-we-did"
    data = json.loads(client.get(base + ".json").get_data(as_text=True))
    assert [item["you_said"] for item in data["items"]] == ["Waiting too long to hear back"]
    assert data["items"][0]["we_did"][0]["status"] == "planned"
    feed = ElementTree.fromstring(client.get(base + ".atom").get_data())  # noqa: S314 (our own server's output)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert all(entries[0].find(f"{ATOM}{name}") is not None for name in ("id", "title", "updated", "link"))
    assert client.get(base + ".atom").mimetype == "application/atom+xml"
    for odd in ("?status=everything", "?component=1%27%20OR%201=1", "?component=99999", "?page=<script>"):
        for suffix in (".json", ".atom"):
            refused = client.get(base + suffix + odd)
            assert refused.status_code == 400, odd
            assert "<script>" not in refused.get_data(as_text=True) or suffix == ".json"
    filtered = json.loads(client.get(base + ".json?status=done").get_data(as_text=True))
    assert filtered["items"] == []
    board = client.get(base + "?status=nonsense")
    assert board.status_code == 400 and "Choose a status from the list" in board.get_data(as_text=True)


def test_easy_read_board_falls_back_to_standard_words_with_a_note(
    client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    auth.logout()
    page = client.get(f"/programmes/{world['programme'].slug}/you-said-we-did/easy-read").get_data(as_text=True)
    assert "does not have easy read words yet" in page and "People waited weeks for a call back." in page


def test_coverage_shows_what_is_still_to_respond_to(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    url = f"/you-said-we-did/{world['programme'].slug}/coverage"
    page = client.get(url).get_data(as_text=True)
    assert "Kind staff" in page, "a theme with no statement"
    assert "Waiting too long to hear back" in page, "a statement with no action"
    assert "no time to action" in page
    action_for(client, world, statement_id)
    with app.app_context():
        action = db.session.execute(select(WeDid)).scalar_one()
        action.updates[0].at = utcnow() - timedelta(days=45)
        action.created_at = utcnow() - timedelta(days=45)
        db.session.commit()
    stale = client.get(url + "?days=30").get_data(as_text=True)
    assert "Call everyone back within 2 working days" in stale
    assert "Call everyone back" not in client.get(url + "?days=60").get_data(as_text=True)
    assert "days</strong> (median)" in stale
    assert client.get(url + "?days=-1").status_code == 200


def test_a_draft_statement_can_be_deleted_after_confirming_but_a_published_one_cannot(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    action_for(client, world, statement_id)
    client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    url = f"/you-said-we-did/statements/{statement_id}/delete"
    assert "Delete “Waiting too long to hear back”?" in client.get(url).get_data(as_text=True)
    refused = client.post(url)
    assert refused.status_code == 400 and "Take this statement off the public board" in refused.get_data(as_text=True)
    client.post(f"/you-said-we-did/statements/{statement_id}/unpublish")
    assert client.post(url).status_code == 302
    with app.app_context():
        assert db.session.execute(select(YouSaid)).first() is None
        assert db.session.execute(select(WeDid)).first() is None


def _files(app: Flask) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_picture_without_alt_text_saves_nothing_and_keeps_the_old_picture(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    url = f"/you-said-we-did/{world['programme'].slug}/new"
    data = {"title": "Waiting too long", "statement": "People waited.", "theme_ids": [world["theme"]]}
    for _ in range(2):  # submitting the same mistake twice makes nothing twice
        page = client.post(url, data=data | {"picture": (io.BytesIO(PNG), "p.png")}, content_type="multipart/form-data")
        assert page.status_code == 200 and "Describe the picture" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(YouSaid)).first() is None, "no half-made statement"
    assert _files(app) == [], "no orphan file"

    made = client.post(
        url,
        data=data | {"picture": (io.BytesIO(PNG), "p.png"), "picture_alt": "A phone"},
        content_type="multipart/form-data",
    )
    assert made.status_code == 302
    statement_id = int(made.headers["Location"].rsplit("/", 1)[1])
    original = _files(app)
    assert len(original) == 1
    edit = f"/you-said-we-did/statements/{statement_id}/edit"
    replaced = client.post(
        edit, data=data | {"picture": (io.BytesIO(PNG), "q.png"), "picture_alt": ""}, content_type="multipart/form-data"
    )
    assert replaced.status_code == 200 and "Describe the picture" in replaced.get_data(as_text=True)
    assert _files(app) == original, "the old picture is kept until a replacement is saved"
    with app.app_context():
        you_said = db.session.get(YouSaid, statement_id)
        assert you_said.easy_read_image.stored_name == original[0] and you_said.easy_read_image_alt == "A phone"


def _publish_many(app: Flask, world: dict[str, Any], n: int) -> None:
    """n published statements, each citing the theme and a panel-free answer, with a quote and an action."""
    with app.app_context():
        programme = db.session.get(Programme, world["programme"].id)
        theme = db.session.get(Theme, world["theme"])
        for k in range(n):
            you_said = YouSaid(programme=programme, title=f"Statement {k}", statement="People said this.")
            you_said.themes = [theme]
            you_said.quotes = [Quote(text=f"Quote {k}", approved_at=utcnow(), answer_id=world["answers"][0])]
            action = WeDid(
                what=f"Action {k}",
                owner="Access team",
                components=programme.components[:2],
                status=ActionStatus.PLANNED,
            )
            action.updates = [ActionUpdate(status=action.status, progress=0, note="Added")]
            you_said.actions = [action]
            you_said.published_at = utcnow()
            db.session.add(you_said)
        db.session.commit()


@pytest.mark.parametrize("page", ["/programmes/{slug}/you-said-we-did", "/programmes/{slug}/you-said-we-did/easy-read",
                                  "/programmes/{slug}/you-said-we-did.json", "/programmes/{slug}/you-said-we-did.atom",
                                  "/you-said-we-did/{slug}", "/you-said-we-did/{slug}/report"])  # fmt: skip
def test_pages_run_as_many_queries_for_50_statements_as_for_1(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    lead: User,
    world: dict[str, Any],
    count_queries: Callable[[Callable[[], Any]], int],
    page: str,
) -> None:
    auth.login(lead)
    url = page.format(slug=world["programme"].slug)
    _publish_many(app, world, 1)
    one = count_queries(lambda: client.get(url))
    _publish_many(app, world, 49)
    fifty = count_queries(lambda: client.get(url))
    assert client.get(url).status_code == 200
    assert fifty == one, f"{url}: {one} queries for 1 statement, {fifty} for 50"


MARKUP = [
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '</textarea><button formaction="/surveys/manage/1/status" form="x">Save quote</button>',
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("payload", MARKUP)
def test_markup_in_what_people_wrote_is_shown_as_text_in_the_nhs_macros(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any], payload: str
) -> None:
    auth.login(lead)
    statement_id = statement_for(client, world)
    with app.app_context():
        quote = Quote(you_said_id=statement_id, text=payload)
        db.session.add(quote)
        db.session.commit()
        quote_id = quote.id
    page = client.get(f"/you-said-we-did/quotes/{quote_id}").get_data(as_text=True)
    assert payload not in page, "the quote editor's textarea (an NHS.UK macro) prints it as markup"
    assert escape(payload) in page


def test_a_theme_drafts_its_you_said_and_publishes_in_few_clicks(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    from engage.safeguarding.models import SafeguardingFlag

    with app.app_context():
        clear = db.session.get(Answer, world["answers"][0])
        clear.text = "I waited six weeks for a call back from the access team, and the phone line was always busy."
        flagged = db.session.get(Answer, world["answers"][2])
        flagged.text = "The waiting list was so long I nearly gave up, and I could not reach the access team."
        theme = db.session.get(Theme, world["theme"])
        theme.quotes = ThemeQuote.of(world["answers"], [])
        for assignment in db.session.execute(select(ThemeAssignment)).scalars():
            assignment.kind = "complaint"
        # Two of the theme's comments are coded to the first part of the core offer; a third nearly was.
        for n, answer_id in enumerate(world["answers"]):
            db.session.add(TextCode(run_id=theme.run_id, answer_id=answer_id, codebook=Codebook.CORE_OFFER,
                                    key=str(world["components"][0]), name="Part", applied=n < 2))  # fmt: skip
        part, size = db.session.get(CoreOfferComponent, world["components"][0]).title, theme.size
        # Held back by safeguarding: a clear quote otherwise, it is never offered.
        db.session.add(
            SafeguardingFlag(
                answer_id=flagged.id, response_id=flagged.response_id, categories="suicide", patterns="classifier"
            )
        )
        db.session.commit()
    auth.login(lead)
    slug = world["programme"].slug
    page = client.get(f"/you-said-we-did/{slug}/new?theme={world['theme']}").get_data(as_text=True)
    assert 'value="Waiting for a call back"' in page, "the title comes from the theme's name"
    assert "Most of what people told us about this was about problems." in page
    assert "You told us about this: Waiting for a call back." in page and "must get better" in page
    assert f"<strong>{part}</strong>: 2 of its {size} comments are about this part" in page
    assert 'id="easy_read_text-plain"' in page and "Plain English advice on “Easy read" not in page, "it reads plainly"
    assert f'value="a{world["answers"][0]}" checked' in page, "a clear quote is offered, ticked"
    assert f'value="a{world["answers"][1]}"' not in page, "a quote that is mostly personal details is not"
    assert f'value="a{world["answers"][2]}"' not in page, "a flagged quote is never offered"
    data = {
        "title": "Waiting for a call back",
        "statement": "Most of what people told us about this was about problems.",
        "theme_ids": [world["theme"]],
        "quote": [f"a{world['answers'][0]}", f"a{world['answers'][2]}"],  # the flagged one, typed in by hand
    }
    refused = client.post(f"/you-said-we-did/{slug}/new?theme={world['theme']}", data=data)
    assert "cannot be quoted" in refused.get_data(as_text=True)
    with app.app_context():
        assert not db.session.execute(select(YouSaid)).first(), "nothing is half saved"
    data["quote"] = [f"a{world['answers'][0]}"]
    saved = client.post(f"/you-said-we-did/{slug}/new?theme={world['theme']}", data=data)
    statement_id = int(saved.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        quotes = db.session.execute(select(Quote)).scalars().all()
        assert [(q.answer_id, q.approved_at is not None) for q in quotes] == [(world["answers"][0], True)]
    action_for(client, world, statement_id)
    publish = f"/you-said-we-did/statements/{statement_id}/publish"
    assert "Check before publishing" in client.get(publish).get_data(as_text=True)
    client.post(publish)
    with app.app_context():
        assert db.session.get(YouSaid, statement_id).published_at is not None


def test_authors_get_plain_english_advice_as_they_write_and_can_still_save(
    client: FlaskClient, auth: Auth, lead: User, world: dict[str, Any]
) -> None:
    auth.login(lead)
    words = "Notwithstanding capacity constraints, callbacks will be prioritised in order to facilitate access."
    advice = client.post("/plain-english", json={"text": words}).get_json()["advice"]
    assert any("Notwithstanding" in a for a in advice) and any("passive" in a for a in advice)
    assert client.post("/plain-english", json={"text": "Tell us what works."}).get_json() == {"advice": []}
    assert client.post("/plain-english", data="not json").get_json() == {"advice": []}
    statement_id = statement_for(client, world, statement=words)  # advice, never a block
    page = client.get(f"/you-said-we-did/statements/{statement_id}/edit").get_data(as_text=True)
    assert "Plain English advice on “What people told us”" in page and "say “to” instead" in page
