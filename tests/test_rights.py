"""Data rights: find a person, hand over everything held (subject access), and erase it, derived data included."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.audit import AuditEvent
from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights.models import (
    AnalysisRun,
    Codebook,
    CodeCorrection,
    RunStatus,
    TextCode,
    TextEmbedding,
    Theme,
    ThemeAssignment,
    ThemeQuote,
)
from engage.notify.models import OutboxMessage
from engage.panels.models import Application, Comment, InvolvementRecord
from engage.programmes.models import Programme
from engage.rights.models import RightsRequest
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys import answering, formats
from engage.surveys.models import Answer, Contact, Format, Survey
from engage.timeutil import utcnow
from engage.tracker.models import Quote, YouSaid
from tests.conftest import WEBM, Auth

EMAIL = "kwame.mensah@example.org"
PHONE = "07700 900461"
NAME = "Kwame Mensah"
# Their own words: distinctive, so that any copy left anywhere is found.
WORDS = [
    "The crisis line kept me on hold for forty minutes while my flat flooded in Peckham.",
    "I want to end my life, nobody at the hub listens to me.",
]
COMMENT = "Put the hub opening hours on the front page, the Lewisham bus timetable changed."
OTHERS = "Kwame Mensah from the café group helped me get to my appointment."
SECRETS = [EMAIL, PHONE, NAME, *WORDS, COMMENT, "forty minutes while my flat flooded"]


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


@pytest.fixture
def person(
    app: Flask,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_review: Callable[..., dict[str, int]],
) -> dict[str, Any]:
    """A resident who answered (in words and in BSL), left contact details, was flagged, was quoted on the
    public board, and is also a panel member who commented, applied, was paid and was emailed."""
    lead = make_user(Role.LEAD)
    member = make_user(Role.MEMBER, email=EMAIL, name=NAME)
    programme = make_programme(people=(lead,))
    survey = make_survey(programme)
    review = make_review(programme, member)
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        response, _ = answering.start_response(live, Format.BSL)
        first = answering.save_answer(response, live.questions[0], text=WORDS[0])
        video = formats.save_video_answer(response, live.questions[2], io.BytesIO(WEBM))
        answering.save_contact(
            response, may_contact=True, wants_updates=True, name=NAME, email=EMAIL.upper(), phone=PHONE
        )
        reference = answering.submit(response).reference
        flagged_response, _ = answering.start_response(live)
        flagged = answering.save_answer(flagged_response, live.questions[0], text=WORDS[1])
        answering.save_contact(flagged_response, may_contact=True, wants_updates=False, name="", email="", phone=PHONE)
        answering.submit(flagged_response)
        others, _ = answering.start_response(live)
        mention = answering.save_answer(others, live.questions[0], text=OTHERS)
        answering.submit(others)
        comment = db.session.get(Comment, review["comment"])
        comment.text = COMMENT
        db.session.add(Application(panel_id=review["panel"], name=NAME, email=EMAIL, about=COMMENT, consent=True))
        db.session.add(InvolvementRecord(panel_id=review["panel"], user_id=member.id, day=utcnow().date(),
                                         activity="Reviewed the draft", minutes=90, payment_pence=3000))  # fmt: skip
        db.session.add(OutboxMessage(to_email=EMAIL, kind="you_said_update", subject="Thank you", body=f"Dear {NAME}"))
        run = AnalysisRun(programme_id=programme.id, title="Themes", questions=[live.questions[0]],
                          status=RunStatus.DONE, finished_at=utcnow(), text_count=3)  # fmt: skip
        theme = Theme(label="Waiting on the phone", machine_label="Waiting", size=3, centroid=b"\0" * 16,
                      quotes=ThemeQuote.of([first.id, mention.id], []))  # fmt: skip
        run.themes = [theme]
        db.session.add(run)
        db.session.flush()
        for answer in (first, mention):
            db.session.add(ThemeAssignment(run_id=run.id, theme_id=theme.id, answer_id=answer.id))
        db.session.add(ThemeAssignment(run_id=run.id, theme_id=theme.id, comment_id=comment.id))
        for source in ({"answer_id": first.id}, {"answer_id": mention.id}, {"comment_id": comment.id}):
            db.session.add(TextCode(run_id=run.id, codebook=Codebook.FRAMEWORK, key="Contacting services",
                                    name="Contacting services", **source))  # fmt: skip
            db.session.add(CodeCorrection(programme_id=programme.id, codebook=Codebook.FRAMEWORK,
                                          key="Contacting services", applies=True, **source))  # fmt: skip
        for text in (WORDS[0], OTHERS, COMMENT):
            db.session.add(TextEmbedding(digest=TextEmbedding.digest_of(text), vector=b"\0" * 8))
        statement = YouSaid(programme_id=programme.id, title="Phones", statement="Calls waited too long.",
                            themes=[theme], published_at=utcnow())  # fmt: skip
        statement.quotes = [
            Quote(text=WORDS[0], answer_id=first.id, approved_at=utcnow()),
            Quote(text=OTHERS, answer_id=mention.id, approved_at=utcnow()),
        ]
        db.session.add(statement)
        db.session.commit()
        assert db.session.execute(select(SafeguardingFlag).where(SafeguardingFlag.answer_id == flagged.id)).scalar()
        return {
            "reference": reference,
            "video": video.video.stored_name,
            "theme": theme.id,
            "run": run.id,
            "mention": mention.id,
            "programme": programme,
            "member": member,
        }


def find(client: FlaskClient, **details: str) -> int:
    found = client.post("/rights/new", data=details)
    assert found.status_code == 302, found.get_data(as_text=True)
    return int(found.headers["Location"].rsplit("/", 1)[1])


def test_a_person_is_found_by_any_detail_they_give(
    client: FlaskClient, auth: Auth, admin: User, person: dict[str, Any]
) -> None:
    auth.login(admin)
    for details in ({"email": EMAIL.upper()}, {"reference": person["reference"].lower()}, {"phone": "+44 7700 900461"}):
        page = client.get(f"/rights/{find(client, **details)}").get_data(as_text=True)
        assert WORDS[0] in page, details
    by_email = client.get(f"/rights/{find(client, email=EMAIL)}").get_data(as_text=True)
    assert WORDS[1] not in by_email, "the flagged answer's contact details gave only a phone number"
    both = client.get(f"/rights/{find(client, email=EMAIL, phone=PHONE)}").get_data(as_text=True)
    for held in (WORDS[0], WORDS[1], COMMENT, "Reviewed the draft", "Dear Kwame", "Safeguarding flags (1)"):
        assert held in both
    by_name = client.get(f"/rights/{find(client, name=NAME.lower())}").get_data(as_text=True)
    assert "Accounts (1)" in by_name and "Mentioned in other people's words (1)" in by_name
    assert f"Survey answer {person['mention']}" in by_name


def test_finding_needs_a_detail_and_says_when_nothing_is_held(client: FlaskClient, auth: Auth, admin: User) -> None:
    auth.login(admin)
    empty = client.post("/rights/new", data={"email": "", "reference": "", "phone": "", "name": ""})
    assert empty.status_code == 200
    assert "Enter at least one detail" in empty.get_data(as_text=True)
    nobody = client.get(f"/rights/{find(client, email='nobody@example.org')}").get_data(as_text=True)
    assert "Engage holds nothing that matches these details" in nobody
    assert "Download everything" not in nobody


def test_subject_access_export_holds_everything_readable_and_as_json(
    app: Flask, client: FlaskClient, auth: Auth, admin: User, person: dict[str, Any]
) -> None:
    auth.login(admin)
    case = find(client, email=EMAIL, phone=PHONE)
    download = client.post(f"/rights/{case}/export")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    assert "no-store" in download.headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = set(archive.namelist())
    assert {"summary.html", "summary.pdf", "data.json"} <= names
    assert archive.read("summary.pdf").startswith(b"%PDF")
    videos = [name for name in names if name.startswith("files/")]
    assert len(videos) == 1 and archive.read(videos[0]) == WEBM
    summary = archive.read("summary.html").decode()
    document = json.loads(archive.read("data.json"))
    for text in (WORDS[0], WORDS[1], COMMENT, PHONE, "Reviewed the draft"):
        assert text in summary and text in json.dumps(document, ensure_ascii=False)
    assert OTHERS not in summary, "another person's words are withheld"
    assert any(item["what"] == "Other people's words that mention this person" for item in document["withheld"])
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "subject_access_exported")).scalar()
        assert event.object_id == case and EMAIL not in event.detail


def dump(app: Flask) -> str:
    """Every row of every table, as text."""
    with app.app_context():
        rows = []
        for table in db.metadata.sorted_tables:
            rows += [repr(tuple(row)) for row in db.session.execute(table.select())]
        return "\n".join(rows)


def test_erasure_leaves_nothing_of_the_person_in_any_table_or_file(
    app: Flask, client: FlaskClient, auth: Auth, admin: User, person: dict[str, Any]
) -> None:
    before = dump(app)
    assert all(secret.lower() in before.lower() for secret in SECRETS)
    auth.login(admin)
    case = find(client, email=EMAIL, phone=PHONE, name=NAME)
    confirm = client.get(f"/rights/{case}/erase").get_data(as_text=True)
    assert "1 published quote will be replaced" in confirm
    unconfirmed = client.post(f"/rights/{case}/erase", data={})
    assert "Confirm that you have checked the records" in unconfirmed.get_data(as_text=True)
    assert WORDS[0] in dump(app), "nothing goes without the confirmation"

    erased = client.post(f"/rights/{case}/erase", data={"checked": "y"})
    assert erased.status_code == 302

    after = dump(app).lower()
    for secret in SECRETS:
        assert secret.lower() not in after, secret
    uploads = Path(app.config["UPLOAD_DIR"])
    assert person["video"] not in {path.name for path in uploads.rglob("*")}
    with app.app_context():
        for model in (TextCode, CodeCorrection):
            left = db.session.execute(select(model.answer_id, model.comment_id)).all()
            assert left == [(person["mention"], None)], "codes of the person's words go, others' stay"
        theme = db.session.get(Theme, person["theme"])
        assert theme.size == 1 and db.session.get(AnalysisRun, person["run"]).text_count == 1
        others = db.session.get(Answer, person["mention"])
        assert others.text == "[name] from the café group helped me get to my appointment."
        assert db.session.get(User, person["member"].id) is None
        case_row = db.session.get(RightsRequest, case)
        assert case_row.erased_at is not None and not case_row.email and "survey responses" in case_row.outcome
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "personal_data_erased")).scalar()
        assert "survey_responses=2" in event.detail
    board = client.get(f"/programmes/{person['programme'].slug}/you-said-we-did").get_data(as_text=True)
    assert "A quote was removed at the person’s request." in board
    assert WORDS[0] not in board and "[name] from the café group" in board
    feed = client.get(f"/programmes/{person['programme'].slug}/you-said-we-did.json").get_json()
    assert feed["items"][0]["quotes_removed_on_request"] == 1
    closed = client.get(f"/rights/{case}").get_data(as_text=True)
    assert "Erased: " in closed and WORDS[0] not in closed


def test_erasure_refuses_your_own_account_and_a_closed_request(
    client: FlaskClient, auth: Auth, admin: User, make_user: Callable[..., User]
) -> None:
    auth.login(admin)
    own = find(client, email=admin.email)
    refused = client.post(f"/rights/{own}/erase", data={"checked": "y"}).get_data(as_text=True)
    assert "You cannot erase your own account" in refused
    client.post(f"/rights/{own}/close")
    again = client.post(f"/rights/{own}/erase", data={"checked": "y"}, follow_redirects=True)
    assert "This request is closed" in again.get_data(as_text=True)
    assert admin.email not in client.get("/rights/").get_data(as_text=True)


def test_a_surveys_privacy_notice_is_written_from_its_settings_and_the_schedule(
    client: FlaskClient,
    auth: Auth,
    admin: User,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:
    lead = make_user(Role.LEAD)
    survey = make_survey(make_programme(people=(lead,)), resume_days=5)
    start = client.get(f"/surveys/{survey.slug}").get_data(as_text=True)
    assert f"/surveys/{survey.slug}/privacy" in start
    notice = client.get(f"/surveys/{survey.slug}/privacy").get_data(as_text=True)
    said = ["3 questions, 2 of them in your own words", "5 days after you last saved", "never fewer than 10"]
    said += ["730 days after the survey closes", "183 days after the last statement", "(1 person)"]
    assert all(words in notice for words in said), [words for words in said if words not in notice]
    assert "Equality monitoring" not in notice and "If you answer in British Sign Language" not in notice
    auth.login(admin)
    client.post("/rights/retention/responses", data={"days": "365"})
    assert "365 days after the survey closes" in client.get(f"/surveys/{survey.slug}/privacy").get_data(as_text=True)


def test_the_demos_resident_who_answered_commented_and_was_quoted_is_found_exported_and_erased(
    app: Flask, client: FlaskClient, auth: Auth, admin: User
) -> None:
    from engage.tracker.demo import FINDABLE_EMAIL, FINDABLE_NAME

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == FINDABLE_EMAIL)).scalar_one()
        words = [c.text for c in db.session.execute(select(Comment).where(Comment.author_id == user.id)).scalars()]
        contact = db.session.execute(select(Contact).where(Contact.email == FINDABLE_EMAIL)).scalar_one()
        words += [
            a.text
            for a in db.session.execute(select(Answer).where(Answer.response_id == contact.response_id)).scalars()
            if a.text
        ]
        quoted = db.session.execute(
            select(func.count()).select_from(Quote).where(Quote.removed_at.is_(None))
        ).scalar_one()
    assert words and all(text in dump(app) for text in words)
    auth.login(admin)
    case = find(client, email=FINDABLE_EMAIL)
    page = client.get(f"/rights/{case}").get_data(as_text=True)
    assert "Accounts (1)" in page and "Survey responses (1)" in page and "Panel comments (1)" in page
    assert "Quotes of your words (2)" in page
    archive = zipfile.ZipFile(io.BytesIO(client.post(f"/rights/{case}/export").data))
    document = archive.read("data.json").decode()
    assert all(json.dumps(text, ensure_ascii=False)[1:-1] in document for text in words)
    assert client.post(f"/rights/{case}/erase", data={"checked": "y"}).status_code == 302
    after = dump(app)
    for secret in [FINDABLE_EMAIL, FINDABLE_NAME, *words]:
        assert secret not in after, secret
    with app.app_context():
        removed = db.session.execute(
            select(func.count()).select_from(Quote).where(Quote.removed_at.is_not(None))
        ).scalar_one()
        assert removed == 2 and quoted == db.session.execute(select(func.count()).select_from(Quote)).scalar_one()
    board = client.get("/programmes/community-mental-health-core-offer-review/you-said-we-did").get_data(as_text=True)
    assert board.count("A quote was removed at the person’s request.") == 2
