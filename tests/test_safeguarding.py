"""The safeguarding screen, and the queue only safeguarding leads can see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from analysis.safeguarding import patterns, screen
from engage.audit import AuditEvent
from engage.auth.models import Role, User
from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.panels.models import Comment
from engage.programmes.models import Programme
from engage.safeguarding.models import FlagStatus, SafeguardingFlag
from engage.surveys import answering
from engage.surveys.models import Response, Survey
from engage.timeutil import utcnow
from engage.tracker.models import Quote, YouSaid
from tests.conftest import Auth

RISK = [
    "There is no point going on any more.",
    "Some days I just want to end it all",
    "my family would be better off without me",
    "I've started cutting myself again since the referral was rejected",
    "I took an overdose last month and nobody followed up",
    "I don’t want to wake up tomorrow",
    "Honestly I can't go on like this",
    "I keep thinking about suicide when the waits get longer",
    "My partner hits me and I am scared of going home",
    "I feel suicidal most evenings",
]
NOT_RISK = [
    "The suicide prevention team was great",
    "The self-harm service helped me understand my triggers",
    "Waiting times were far too long",
    "The crisis team phoned back within an hour",
    "I was killing time in the waiting room for an hour",
    "My phone battery died while I was on hold",
    "Staff made me feel listened to",
    "",
    "🙂🙂🙂",
    "x" * 100_000,
]


@pytest.mark.parametrize("text", RISK)
def test_screen_flags_direct_and_indirect_risk(text: str) -> None:
    result = screen(text)
    assert result.flagged and result.categories


@pytest.mark.parametrize("text", NOT_RISK)
def test_screen_ignores_services_and_everyday_phrases(text: str) -> None:
    assert not screen(text).flagged


def test_flags_are_seen_only_by_safeguarding_leads(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_flag: Callable[[Survey], int],
) -> None:
    lead = make_user(Role.LEAD)
    survey = make_survey(make_programme(people=(lead,)))
    flag_id = make_flag(survey)
    for user in (lead, make_user(Role.ADMIN), make_user(Role.MEMBER)):
        auth.login(user)
        assert client.get("/safeguarding/").status_code == 403
        assert client.get(f"/safeguarding/{flag_id}").status_code == 403
        auth.logout()
    auth.login(make_user(Role.SAFEGUARDING))
    queue = client.get("/safeguarding/").get_data(as_text=True)
    assert "New (1)" in queue and survey.title in queue
    detail = client.get(f"/safeguarding/{flag_id}").get_data(as_text=True)
    assert "There is no point going on like this." in detail and "suicide" in detail


def test_review_needs_an_outcome_to_close_and_is_audited(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_flag: Callable[[Survey], int],
) -> None:
    flag_id = make_flag(make_survey(make_programme()))
    reviewer = make_user(Role.SAFEGUARDING)
    auth.login(reviewer)
    client.get(f"/safeguarding/{flag_id}")
    html = client.post(f"/safeguarding/{flag_id}", data={"status": "closed", "notes": "Read it"}).get_data(as_text=True)
    assert "Select an outcome before you close the flag" in html and "Read it" in html
    done = client.post(
        f"/safeguarding/{flag_id}", data={"status": "closed", "outcome": "signposted", "notes": "Anonymous"}
    )
    assert done.status_code == 302
    with app.app_context():
        flag = db.session.get(SafeguardingFlag, flag_id)
        assert (flag.status, flag.reviewer_id, flag.notes) == (FlagStatus.CLOSED, reviewer.id, "Anonymous")
        actions = (
            db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "SafeguardingFlag"))
            .scalars()
            .all()
        )
        assert {"safeguarding_flag_raised", "safeguarding_flag_viewed", "safeguarding_flag_reviewed"} <= set(actions)


# Everything people write is screened as it is saved, someone is told, and flagged words are never published.

DISCLOSURE = "I tried to kill myself last month and the crisis team never came"


def outbox_kinds(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (m.kind, m.to_email, m.body)
            for m in db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        ]


def test_a_disclosure_in_a_draft_never_sent_reaches_the_queue_and_help_is_shown_at_once(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:
    guardian = make_user(Role.SAFEGUARDING)
    survey = make_survey(make_programme())
    first = survey.questions[0]
    client.post(f"/surveys/{survey.slug}/start")
    saved = client.post(f"/surveys/{survey.slug}/questions/{first.id}", data={"answer": DISCLOSURE})
    assert saved.headers["Location"] == f"/surveys/{survey.slug}/support"
    help_page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "116 123" in help_page and "SHOUT" in help_page and "111" in help_page
    assert f'href="/surveys/{survey.slug}/questions/{survey.questions[1].id}"' in help_page, "then carry on"
    client.post(f"/surveys/{survey.slug}/questions/{first.id}", data={"answer": DISCLOSURE + " "})
    with app.app_context():
        flags = db.session.execute(select(SafeguardingFlag)).scalars().all()
        assert len(flags) == 1, "saving the same words again makes no second flag"
        assert flags[0].response.status.value == "in_progress" and "suicide" in flags[0].categories
        db.session.get(Response, flags[0].response_id).expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    messages = [m for m in outbox_kinds(app) if m[0] == "safeguarding_flag"]
    assert [to for _, to, _ in messages] == [guardian.email]
    assert "1 item is waiting" in messages[0][2] and "kill" not in messages[0][2], "no disclosure text in email"
    app.test_cli_runner().invoke(args=["purge-drafts"])
    with app.app_context():
        assert db.session.execute(select(SafeguardingFlag)).scalar_one().answer.text == DISCLOSURE, "kept for review"


def test_a_panel_comment_is_screened_when_written_and_when_edited(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_review: Callable[..., dict[str, int]],
) -> None:
    member = make_user(Role.MEMBER)
    review = make_review(make_programme(people=(member,)), member)
    auth.login(member)
    edited = client.post(f"/panels/comments/{review['comment']}/edit", data={"stance": "concern", "text": DISCLOSURE})
    assert "116 123" in client.get(edited.headers["Location"]).get_data(as_text=True), "help is offered at once"
    auth.logout()
    auth.login(make_user(Role.SAFEGUARDING))
    queue = client.get("/safeguarding/").get_data(as_text=True)
    assert "Panel comment: Single point of access" in queue and "1 waiting" in queue
    with app.app_context():
        flag = db.session.execute(select(SafeguardingFlag)).scalar_one()
        assert flag.comment_id == review["comment"] and flag.answer_id is None
    detail = client.get(f"/safeguarding/{flag.id}").get_data(as_text=True)
    assert DISCLOSURE in detail and member.email in detail
    auth.logout()
    auth.login(member)
    client.post(
        f"/panels/drafts/{review['draft']}/sections/{review['section']}/comments",
        data={"stance": "concern", "text": "I've been stockpiling my tablets"},
    )
    with app.app_context():
        assert len(db.session.execute(select(SafeguardingFlag)).all()) == 2, "a new comment is screened too"


def test_words_flagged_after_a_quote_was_published_come_off_the_board_and_cannot_go_back(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_review: Callable[..., dict[str, int]],
) -> None:
    lead, member = make_user(Role.LEAD), make_user(Role.MEMBER)
    programme = make_programme(people=(lead, member))
    review = make_review(programme, member)
    with app.app_context():
        you_said = YouSaid(programme_id=programme.id, title="A web form", statement="People asked for a web form.")
        you_said.comments = [db.session.get(Comment, review["comment"])]
        db.session.add(you_said)
        db.session.commit()
        statement = you_said.id
    base = "/you-said-we-did"
    auth.login(lead)
    client.post(f"{base}/statements/{statement}/quotes", data={"source": f"c{review['comment']}"})
    with app.app_context():
        quote = db.session.execute(select(Quote)).scalar_one().id
    client.post(f"{base}/quotes/{quote}/approve")
    client.post(f"{base}/statements/{statement}/publish")
    board = f"/programmes/{programme.slug}/you-said-we-did"
    assert "Add a web form" in client.get(board).get_data(as_text=True)
    auth.logout()
    auth.login(member)
    client.post(f"/panels/comments/{review['comment']}/edit", data={"stance": "concern", "text": DISCLOSURE})
    auth.logout()
    assert "Add a web form" not in client.get(board).get_data(as_text=True), "withdrawn at once"
    assert "Add a web form" not in client.get(board + ".json").get_data(as_text=True)
    assert any(kind == "quote_withdrawn" and to == lead.email for kind, to, _ in outbox_kinds(app))
    auth.login(lead)
    page = client.get(f"{base}/statements/{statement}").get_data(as_text=True)
    assert "Held back by safeguarding" in page and f"/quotes/{quote}/approve" not in page
    refused = client.post(f"{base}/quotes/{quote}/approve")
    assert refused.status_code == 400 and "safeguarding review" in refused.get_data(as_text=True)
    client.post(f"{base}/quotes/{quote}/remove")
    again = client.post(f"{base}/statements/{statement}/quotes", data={"source": f"c{review['comment']}"})
    assert again.status_code == 400, "the words cannot be taken as a quote again"
    with app.app_context():
        assert db.session.execute(select(Quote)).first() is None


def test_a_flag_cleared_by_review_releases_the_words(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User],
    make_programme: Callable[..., Programme], make_survey: Callable[..., Survey], make_flag: Callable[[Survey], int],
) -> None:  # fmt: skip
    from engage.signals import held_back

    flag_id = make_flag(make_survey(make_programme()))
    with app.app_context():
        answer_id = db.session.get(SafeguardingFlag, flag_id).answer_id
        assert held_back([answer_id], []) == ({answer_id}, set())
    auth.login(make_user(Role.SAFEGUARDING))
    client.post(f"/safeguarding/{flag_id}", data={"status": "closed", "outcome": "referred", "notes": "Crisis team"})
    with app.app_context():
        assert held_back([answer_id], []) == ({answer_id}, set()), "a confirmed disclosure stays held back"
    client.post(f"/safeguarding/{flag_id}", data={"status": "closed", "outcome": "no_action", "notes": "A quote"})
    with app.app_context():
        assert held_back([answer_id], []) == (set(), set())
        assert db.session.get(SafeguardingFlag, flag_id).reviewed_at is not None
    assert "Median time to review" in client.get("/safeguarding/").get_data(as_text=True)


def test_an_unreviewed_flag_is_escalated_to_admins_once(
    app: Flask, make_user: Callable[..., User], make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey], make_flag: Callable[[Survey], int],
) -> None:  # fmt: skip
    admin = make_user(Role.ADMIN)
    flag_id = make_flag(make_survey(make_programme()))
    runner = app.test_cli_runner()
    assert "Escalated 0" in runner.invoke(args=["escalate-flags"]).output, "not yet overdue"
    with app.app_context():
        db.session.get(SafeguardingFlag, flag_id).created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    assert "Escalated 1" in runner.invoke(args=["escalate-flags"]).output
    assert "Escalated 0" in runner.invoke(args=["escalate-flags"]).output, "each flag once"
    assert [to for kind, to, _ in outbox_kinds(app) if kind == "safeguarding_overdue"] == [admin.email]


def test_risk_is_never_read_as_positive_and_exports_mark_held_words(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User],
    make_programme: Callable[..., Programme], make_survey: Callable[..., Survey], make_flag: Callable[[Survey], int],
) -> None:  # fmt: skip
    from analysis.sentiment import assess

    result = assess(DISCLOSURE)
    assert result.label == "distress" and result.score <= -0.5
    assert assess("The crisis team were kind and quick").label != "distress"
    lead = make_user(Role.LEAD)
    survey = make_survey(make_programme(people=(lead,)))
    make_flag(survey)
    auth.login(lead)
    export = client.get(f"/surveys/manage/{survey.id}/export.csv").get_data(as_text=True)
    assert "Held back: safeguarding review" in export


def test_a_theme_never_offers_flagged_words_as_a_representative_quote(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User],
    make_programme: Callable[..., Programme], make_survey: Callable[..., Survey], make_flag: Callable[[Survey], int],
    make_run: Callable[..., tuple[int, int]],
) -> None:  # fmt: skip
    from engage.insights.models import Theme, ThemeQuote

    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    survey = make_survey(programme)
    flagged = db_answer(app, make_flag(survey))
    with app.app_context():
        response, _ = answering.start_response(db.session.get(Survey, survey.id))
        safe = answering.save_answer(response, response.survey.questions[0], text="The wait was far too long")
        answering.submit(response)
        db.session.commit()
        safe_id = safe.id
    _, theme_id = make_run(programme, survey)
    with app.app_context():
        db.session.get(Theme, theme_id).quotes = ThemeQuote.of([flagged, safe_id], [])
        db.session.commit()
    auth.login(lead)
    page = client.get(f"/insights/themes/{theme_id}").get_data(as_text=True)
    quotes = page.split("Representative quotes")[1].split("</div>")[0]
    assert "The wait was far too long" in quotes and "no point going on" not in quotes


def db_answer(app: Flask, flag_id: int) -> int:
    with app.app_context():
        return db.session.get(SafeguardingFlag, flag_id).answer_id


@pytest.mark.parametrize(
    "text",
    [
        "I called Samaritans on 116 123 and they were kind",
        "It says to text SHOUT to 85258 on the leaflet",
        "😭😭😭",
        "🔪🩸",
        "x" * 100_000,
        "12345 0800 123 456",
    ],
)
def test_odd_input_has_a_defined_result_and_helplines_or_emoji_alone_raise_nothing(text: str) -> None:
    assert screen(text).flagged is False


def test_a_very_long_disclosure_is_still_found_once() -> None:
    result = screen(("The service was slow. " * 200) + "I tried to kill myself last month" + " Thanks." * 500)
    assert result.flagged and "suicide" in result.categories
    assert len(result.matches) == len(set(result.matches))


def test_disclosures_in_hurried_spelling_and_about_someone_else_are_found() -> None:
    for text in ("gonna kms tonight", "i feel sucidal all the time", "I'm really worried my son will kill himself"):
        assert screen(text).flagged, text
    for text in ("I used to self harm as a teenager, I haven't for years", "The wait is killing me"):
        assert not patterns(text), f"the pattern layer reads {text!r} as risk"


def test_a_quote_a_lead_edits_into_a_disclosure_cannot_be_approved(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User],
    make_programme: Callable[..., Programme], make_run: Callable[..., tuple[int, int]],
    make_survey: Callable[..., Survey], make_statement: Callable[..., dict[str, int]],
) -> None:  # fmt: skip
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    ids = make_statement(programme, make_run(programme, make_survey(programme))[1])
    auth.login(lead)
    client.post(f"/you-said-we-did/quotes/{ids['quote']}", data={"text": DISCLOSURE})
    refused = client.post(f"/you-said-we-did/quotes/{ids['quote']}/approve")
    assert refused.status_code == 400 and "may disclose a risk of harm" in refused.get_data(as_text=True)
    assert client.get(f"/you-said-we-did/statements/{ids['statement']}/publish").status_code == 400


def test_an_application_to_join_a_panel_is_screened(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User],
    make_programme: Callable[..., Programme], make_review: Callable[..., dict[str, int]],
) -> None:  # fmt: skip
    member = make_user(Role.MEMBER)
    review = make_review(make_programme(people=(member,)), member)
    data = {"name": "Sam", "email": "sam@example.org", "about": "I've been stockpiling my meds", "consent": "y"}
    assert "Thank you for applying" in client.post(f"/panels/{review['panel']}/apply", data=data).get_data(as_text=True)
    auth.login(make_user(Role.SAFEGUARDING))
    assert "Application: Experts panel" in client.get("/safeguarding/").get_data(as_text=True)
    with app.app_context():
        flag = db.session.execute(select(SafeguardingFlag)).scalar_one()
    detail = client.get(f"/safeguarding/{flag.id}").get_data(as_text=True)
    assert "stockpiling my meds" in detail and "sam@example.org" in detail


def test_a_statement_whose_own_words_disclose_risk_is_not_published(
    app: Flask, client: FlaskClient, auth: Auth, make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
) -> None:  # fmt: skip
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    with app.app_context():
        you_said = YouSaid(programme_id=programme.id, title="Crisis care", statement=f"Someone said: {DISCLOSURE}")
        db.session.add(you_said)
        db.session.commit()
        statement = you_said.id
    auth.login(lead)
    refused = client.post(f"/you-said-we-did/statements/{statement}/publish")
    assert refused.status_code == 400 and "read like someone disclosing risk" in refused.get_data(as_text=True)
    with app.app_context():
        you_said = db.session.get(YouSaid, statement)
        assert you_said.published_at is None
        you_said.statement = "People told us the crisis line took too long to answer at night."
        db.session.commit()
    assert client.post(f"/you-said-we-did/statements/{statement}/publish").status_code == 302
