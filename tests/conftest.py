"""Fixtures: an app with a fresh database per test (SQLite, or PostgreSQL when DATABASE_URL is set)."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from engage import create_app
from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights.models import AnalysisRun, RunStatus, Theme
from engage.notify.services import Email, notify_address
from engage.panels.models import (
    Application,
    Comment,
    Draft,
    DraftSection,
    DraftStatus,
    Meeting,
    Membership,
    Panel,
    PanelKind,
    Stance,
)
from engage.programmes.models import CoreOfferComponent, Programme
from engage.rights.models import RightsRequest
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys import answering, formats
from engage.surveys.models import Format, Question, QuestionKind, Survey, SurveyStatus
from engage.timeutil import utcnow
from engage.tracker.models import Quote, WeDid, YouSaid

PASSWORD = "correct horse battery"
# The authenticator app secret of every test user whose role needs two-step verification.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MFA_ROLES = (Role.LEAD, Role.SAFEGUARDING, Role.ADMIN)
# Copies of the public attack-string lists the tests use (see payloads/README.md).
PAYLOADS = Path(__file__).resolve().parent / "payloads"
POSTGRES_URL = os.environ.get("DATABASE_URL", "")


def feedback(n: int, start: int = 0) -> list[str]:
    """Real NHS comments about mental health care, from the demo sample shipped with Engage."""
    from engage.surveys.demo import selected_rows

    return [row["feedback"] for row in selected_rows(limit=None)][start : start + n]


def reset_postgres() -> None:
    """Empty every table, so each test starts from a blank database."""
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


def fresh_postgres_schema() -> None:
    """Drop everything in the PostgreSQL test database: it outlives test runs, and older schemas linger."""
    db.session.execute(text("DROP SCHEMA public CASCADE"))
    db.session.execute(text("CREATE SCHEMA public"))
    db.session.commit()


@pytest.fixture(scope="session", autouse=True)
def postgres_schema() -> None:
    """Once per run, rebuild the PostgreSQL schema from the models (SQLite gets a new file per test)."""
    if not POSTGRES_URL:
        return
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": POSTGRES_URL})
    with app.app_context():
        fresh_postgres_schema()
        db.create_all()
        db.engine.dispose()
        db.session.commit()


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "DEMO_PASSWORD": "demo password for tests",
        "PUBLIC_URL": "http://localhost",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "VIDEO_MAX_BYTES": 1024 * 1024,
    }


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A fresh app and database. No app context stays pushed, so each request gets its own, as in production."""
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
        if POSTGRES_URL:
            reset_postgres()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def detached(obj: Any, *relations: str) -> Any:
    """Load every column (and the named relations), then detach, so tests can read it outside the app."""
    db.session.refresh(obj)
    for name in relations:
        for related in getattr(obj, name):
            db.session.refresh(related)
    db.session.expunge_all()
    return obj


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.MEMBER, **overrides: Any) -> User:
        n = next(counter)
        user = User(
            email=overrides.pop("email", f"{role.value}{n}@example.org"),
            name=overrides.pop("name", f"{role.value.title()} {n}"),
            role=role,
            totp_secret=overrides.pop("totp_secret", TOTP_SECRET if role in MFA_ROLES else None),
            **overrides,
        )
        with app.app_context():
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            return detached(user)

    return make


@pytest.fixture
def make_programme(app: Flask) -> Callable[..., Programme]:
    counter = iter(range(1, 10_000))

    def make(people: tuple[User, ...] = (), **overrides: Any) -> Programme:
        n = next(counter)
        with app.app_context():
            programme = Programme(
                slug=overrides.pop("slug", f"programme-{n}"),
                title=overrides.pop("title", f"Programme {n}"),
                area=overrides.pop("area", "Test area"),
                summary=overrides.pop("summary", "A programme for tests."),
                **overrides,
            )
            programme.people = [db.session.get(User, person.id) for person in people]
            programme.components.append(
                CoreOfferComponent(title="Single point of access", description="One number to call.", position=1)
            )
            db.session.add(programme)
            db.session.commit()
            return detached(programme, "components", "people")

    return make


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    """A lead, attached to `programme`."""
    return make_user(Role.LEAD)


@pytest.fixture
def programme(make_programme: Callable[..., Programme], lead: User) -> Programme:
    """A programme that `lead` runs."""
    return make_programme(people=(lead,))


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: User, password: str = PASSWORD, **kwargs: Any) -> Any:
        """Sign in, giving the authenticator app's code too when the role needs one."""
        response = self.client.post("/login", data={"email": user.email, "password": password}, **kwargs)
        if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
            return self.security_code(user)
        return response

    def security_code(self, user: User, code: str | None = None) -> Any:
        """The second step of signing in, with the code the app shows now unless told otherwise."""
        if code is None:
            # A code is accepted once. A person signing in again within 30 seconds waits for the next code;
            # the tests forget the last one used instead.
            with self.client.application.app_context():
                db.session.get(User, user.id).totp_last_step = None
                db.session.commit()
            code = pyotp.TOTP(TOTP_SECRET).now()
        return self.client.post("/login/code", data={"code": code})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test hides a gap: fail the run rather than report it green."""
    if _skipped and exitstatus == 0:
        session.exitstatus = 1
        print(f"\n{len(_skipped)} test(s) skipped; a skip counts as a failure here: {_skipped}")


@pytest.fixture
def make_survey(app: Flask) -> Callable[..., Survey]:
    """An open survey: a long-text question, a choice question, and a short-text question last."""
    counter = iter(range(1, 10_000))

    def make(programme: Programme, **overrides: Any) -> Survey:
        n = next(counter)
        with app.app_context():
            survey = Survey(
                programme_id=programme.id,
                slug=overrides.pop("slug", f"survey-{n}"),
                title=overrides.pop("title", f"Survey {n}"),
                introduction="Tell us about community mental health services.",
                privacy_text="Your answers are anonymous.",
                status=overrides.pop("status", SurveyStatus.OPEN),
                **overrides,
            )
            survey.questions = [
                Question(position=1, kind=QuestionKind.LONG_TEXT, prompt="What could be better?", max_length=500),
                Question(position=2, kind=QuestionKind.SINGLE, prompt="How was your care?", options=["Good", "Poor"]),
                Question(position=3, kind=QuestionKind.SHORT_TEXT, prompt="Which team did you see?", max_length=100),
            ]
            db.session.add(survey)
            db.session.commit()
            return detached(survey, "questions")

    return make


@pytest.fixture
def make_flag(app: Flask) -> Callable[[Survey], int]:
    """A submitted response whose free text raised a safeguarding flag; returns the flag's id."""

    def make(survey: Survey) -> int:
        with app.app_context():
            live = db.session.get(Survey, survey.id)
            response, _ = answering.start_response(live)
            answering.save_answer(response, live.questions[0], text="There is no point going on like this.")
            answering.submit(response)
            db.session.commit()
            return db.session.execute(select(SafeguardingFlag.id)).scalars().first()

    return make


# The first bytes of real files: enough for the content checks (the browser tests use real videos).
WEBM = b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm" + bytes(4000)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(4000)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500)


@pytest.fixture
def make_bsl_answer(app: Flask) -> Callable[[Survey], tuple[int, str]]:
    """A submitted response whose first answer is a BSL video; returns (answer id, the video's stored name)."""

    def make(survey: Survey) -> tuple[int, str]:
        with app.app_context():
            live = db.session.get(Survey, survey.id)
            response, _ = answering.start_response(live, Format.BSL)
            answer = formats.save_video_answer(response, live.questions[0], io.BytesIO(WEBM))
            answering.submit(response)
            db.session.commit()
            return answer.id, answer.video.stored_name

    return make


@pytest.fixture
def make_statement(app: Flask) -> Callable[[Programme, int], dict[str, int]]:
    """A draft "you said" from a theme, with an approved quote and a planned action; returns their ids."""

    def make(programme: Programme, theme_id: int) -> dict[str, int]:
        with app.app_context():
            live = db.session.get(Programme, programme.id)
            you_said = YouSaid(programme=live, title="Waiting too long", statement="People waited too long.")
            you_said.themes = [db.session.get(Theme, theme_id)]
            you_said.quotes = [Quote(text="The wait was far too long.", approved_at=utcnow())]
            you_said.actions = [WeDid(what="Call back within 2 days", owner="Access team", components=live.components)]
            db.session.add(you_said)
            db.session.commit()
            return {"statement": you_said.id, "quote": you_said.quotes[0].id, "action": you_said.actions[0].id}

    return make


@pytest.fixture
def make_message(app: Flask) -> Callable[[], int]:
    """An email in the outbox; returns its id."""

    def make() -> int:
        with app.app_context():
            message = notify_address(
                "someone@example.com", "resume_link", Email("Your saved answers", "Carry on here.")
            )
            db.session.commit()
            return message.id

    return make


@pytest.fixture
def make_rights_request(app: Flask) -> Callable[[], int]:
    """An open data rights request for someone Engage holds nothing about; returns its id."""

    def make() -> int:
        with app.app_context():
            case = RightsRequest(email="asked@example.org")
            db.session.add(case)
            db.session.commit()
            return case.id

    return make


@pytest.fixture
def make_run(app: Flask) -> Callable[[Programme, Survey], tuple[int, int]]:
    """A running analysis with one theme (no job behind it); returns (run id, theme id)."""

    def make(programme: Programme, survey: Survey) -> tuple[int, int]:
        with app.app_context():
            run = AnalysisRun(
                programme_id=programme.id,
                title="An analysis",
                questions=[db.session.get(Question, survey.questions[0].id)],
                status=RunStatus.RUNNING,
                heartbeat_at=utcnow(),
            )
            run.themes = [Theme(label="Waiting times", machine_label="Waiting times", size=0, centroid=b"\0" * 16)]
            db.session.add(run)
            db.session.commit()
            return run.id, run.themes[0].id

    return make


@pytest.fixture
def make_review(app: Flask) -> Callable[..., dict[str, int]]:
    """A panel with the given member, and a draft in review with one section and one comment by that member."""

    def make(programme: Programme, member: User) -> dict[str, int]:
        with app.app_context():
            panel = Panel(programme_id=programme.id, kind=PanelKind.EXPERTS, name="Experts panel", purpose="Review")
            panel.memberships = [Membership(user_id=member.id)]
            draft = Draft(
                programme_id=programme.id,
                title="Single point of access",
                purpose="Tell us",
                status=DraftStatus.IN_REVIEW,
            )
            draft.panels = [panel]
            section = DraftSection(version=1, position=1, heading="How to get help", body="Call **one** number.")
            section.comments = [Comment(author_id=member.id, stance=Stance.SUGGESTION, text="Add a web form")]
            draft.sections = [section]
            meeting = Meeting(panel=panel, starts_at=utcnow(), place="The hub", agenda="Welcome")
            application = Application(panel=panel, name="Applicant", email="applicant@example.org", consent=True)
            db.session.add_all([panel, draft, meeting, application])
            db.session.commit()
            return {
                "meeting": meeting.id,
                "application": application.id,
                "panel": panel.id,
                "membership": panel.memberships[0].id,
                "draft": draft.id,
                "section": section.id,
                "comment": section.comments[0].id,
            }

    return make


class QueryCounter:
    """Counts the SQL statements the app sends while it is active."""

    def __init__(self, app: Flask) -> None:
        self.app, self.count = app, 0

    def _count(self, *args: Any) -> None:
        del args
        self.count += 1

    def __enter__(self) -> QueryCounter:
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[Callable[[], Any]], int]:
    """How many SQL statements a call (usually a page request) makes."""

    def count(call: Callable[[], Any]) -> int:
        with QueryCounter(app) as counter:
            call()
        return counter.count

    return count
