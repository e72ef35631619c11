"""The resident's journey through a survey: one question per page, resume, once-only submission."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.extensions import db
from engage.programmes.models import Programme
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys import answering
from engage.surveys.models import Answer, Question, QuestionKind, Response, ResponseStatus, Survey, SurveyStatus
from engage.timeutil import utcnow


@pytest.fixture
def survey(make_programme: Callable[..., Programme], make_survey: Callable[..., Survey]) -> Survey:
    return make_survey(make_programme())


def begin(client: FlaskClient, survey: Survey) -> str:
    response = client.post(f"/surveys/{survey.slug}/start")
    assert response.status_code == 302
    return response.headers["Location"]


def answer(client: FlaskClient, survey: Survey, question_id: int, value: object, **extra: str) -> object:
    return client.post(f"/surveys/{survey.slug}/questions/{question_id}", data={"answer": value, **extra})


def count_submitted(app: Flask, survey: Survey) -> int:
    with app.app_context():
        query = select(func.count()).where(Response.survey_id == survey.id, Response.status == ResponseStatus.SUBMITTED)
        return db.session.execute(query).scalar_one()


def test_the_whole_journey_with_a_change_link(app: Flask, client: FlaskClient, survey: Survey) -> None:
    q1, q2, q3 = survey.questions
    assert begin(client, survey) == f"/surveys/{survey.slug}/questions/{q1.id}"
    page = client.get(f"/surveys/{survey.slug}/questions/{q1.id}").get_data(as_text=True)
    assert "Question 1 of 3" in page and "<title>Question 1 of 3: What could be better?" in page
    assert f'href="/surveys/{survey.slug}"' in page, "the back link of the first question goes to the start page"
    assert answer(client, survey, q1.id, "Shorter waits, please.").headers["Location"].endswith(f"/questions/{q2.id}")
    assert answer(client, survey, q2.id, "Poor").headers["Location"].endswith(f"/questions/{q3.id}")
    assert answer(client, survey, q3.id, "Crisis team").headers["Location"].endswith("/contact")
    assert client.post(f"/surveys/{survey.slug}/contact", data={}).headers["Location"].endswith("/check")
    check = client.get(f"/surveys/{survey.slug}/check").get_data(as_text=True)
    assert "Shorter waits, please." in check and "Poor" in check and "Crisis team" in check
    change = f"/surveys/{survey.slug}/questions/{q2.id}?return=check"
    assert change in check.replace("&amp;", "&")
    assert "Good" in client.get(change).get_data(as_text=True)
    back = client.post(change, data={"answer": "Good", "action": "check"})
    assert back.headers["Location"].endswith("/check")
    sent = client.post(f"/surveys/{survey.slug}/submit")
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/confirmation")
    done = client.get(f"/surveys/{survey.slug}/confirmation").get_data(as_text=True)
    assert "Your answers have been sent" in done and "<strong>ENG-" in done
    for support in ("116 123", "NHS 111", "mental health option", "999"):
        assert support in done
    with app.app_context():
        response = db.session.execute(select(Response)).scalar_one()
        assert response.status == ResponseStatus.SUBMITTED and response.reference in done
        assert {a.question_id: a.display for a in response.answers}[q2.id] == "Good"


def test_required_question_and_length_limit(
    client: FlaskClient, make_programme: Callable[..., Programme], app: Flask, make_survey: Callable[..., Survey]
) -> None:
    survey = make_survey(make_programme())
    with app.app_context():
        question = db.session.get(Question, survey.questions[0].id)
        question.required, question.max_length = True, 20
        db.session.commit()
    begin(client, survey)
    q1 = survey.questions[0]
    html = answer(client, survey, q1.id, "").get_data(as_text=True)
    assert "Enter your answer" in html and 'href="#answer"' in html and 'id="answer"' in html
    html = answer(client, survey, q1.id, "x" * 25).get_data(as_text=True)
    assert "Your answer must be 20 characters or fewer" in html
    assert "x" * 25 in html, "what they typed is kept"


def test_choices_that_are_not_offered_are_refused(client: FlaskClient, survey: Survey) -> None:
    begin(client, survey)
    html = answer(client, survey, survey.questions[1].id, "Excellent").get_data(as_text=True)
    assert "Select only from the options shown" in html
    assert 'href="#answer"' in html and 'id="answer"' in html, "the first radio carries the id the summary links to"


def test_a_forged_question_id_is_not_found(client: FlaskClient, survey: Survey) -> None:
    begin(client, survey)
    assert answer(client, survey, 999_999, "anything").status_code == 404


@pytest.mark.parametrize(
    ("kind", "extra", "good", "bad"),
    [
        (QuestionKind.SCALE, {"scale_min": 1, "scale_max": 5, "scale_min_label": "Very poor"}, "4", "6"),
        (QuestionKind.YES_NO, {}, "Yes", "Maybe"),
        (QuestionKind.MULTIPLE, {"options": ["Phone", "Email", "Letter"]}, ["Phone", "Letter"], ["Fax"]),
        (QuestionKind.SHORT_TEXT, {"max_length": 10}, "N17", "far too long an answer"),
    ],
)
def test_each_question_kind_saves_good_answers_and_refuses_bad_ones(
    app: Flask,
    client: FlaskClient,
    make_programme: Callable[..., Programme],
    kind: QuestionKind,
    extra: dict,
    good: object,
    bad: object,
) -> None:
    with app.app_context():
        programme = db.session.get(Programme, make_programme().id)
        survey = Survey(programme=programme, slug="kinds", title="Kinds", status=SurveyStatus.OPEN)
        survey.questions = [Question(position=1, kind=kind, prompt="The question", **extra)]
        db.session.add(survey)
        db.session.commit()
        question_id = survey.questions[0].id
        survey = db.session.get(Survey, survey.id)
        slug = survey.slug
    client.post(f"/surveys/{slug}/start")
    bad_page = client.post(f"/surveys/{slug}/questions/{question_id}", data={"answer": bad})
    assert bad_page.status_code == 200 and "There is a problem" in bad_page.get_data(as_text=True)
    assert client.post(f"/surveys/{slug}/questions/{question_id}", data={"answer": good}).status_code == 302
    with app.app_context():
        stored = db.session.execute(select(Response)).scalar_one().answers[0]
        assert (stored.text or stored.choices) == (
            good if isinstance(good, list) else ([good] if kind.is_choice else good)
        )


def test_conditions_show_and_hide_questions(app: Flask, client: FlaskClient, survey: Survey) -> None:
    q1, q2, q3 = survey.questions
    with app.app_context():
        follow_up = db.session.get(Question, q3.id)
        follow_up.show_if_question_id, follow_up.show_if_values = q2.id, ["Poor"]
        db.session.commit()
    start_page = client.get(f"/surveys/{survey.slug}").get_data(as_text=True)
    assert "There are 2 questions, and 1 more depending on your answers." in start_page, "as the progress counts"
    begin(client, survey)
    answer(client, survey, q1.id, "Fine")
    assert "Question 2 of 2" in client.get(f"/surveys/{survey.slug}/questions/{q2.id}").get_data(as_text=True)
    assert answer(client, survey, q2.id, "Good").headers["Location"].endswith("/contact"), "q3 is skipped"
    answer(client, survey, q2.id, "Poor")
    assert "Question 3 of 3" in client.get(f"/surveys/{survey.slug}/questions/{q3.id}").get_data(as_text=True)
    answer(client, survey, q3.id, "Home treatment team")
    answer(client, survey, q2.id, "Good")  # now q3 is hidden again: its answer must not be sent
    assert client.get(f"/surveys/{survey.slug}/questions/{q3.id}").headers["Location"].endswith("/check")
    client.post(f"/surveys/{survey.slug}/submit")
    with app.app_context():
        response = db.session.execute(select(Response)).scalar_one()
        assert {a.question_id for a in response.answers} == {q1.id, q2.id}


def test_missing_required_answer_blocks_submission(app: Flask, client: FlaskClient, survey: Survey) -> None:
    with app.app_context():
        db.session.get(Question, survey.questions[1].id).required = True
        db.session.commit()
    begin(client, survey)
    response = client.post(f"/surveys/{survey.slug}/submit")
    assert response.status_code == 400
    assert "before you send your answers" in response.get_data(as_text=True)
    assert count_submitted(app, survey) == 0


def test_resume_code_restores_answers_on_another_device(app: Flask, client: FlaskClient, survey: Survey) -> None:
    begin(client, survey)
    answer(client, survey, survey.questions[0].id, "Answer typed on my phone")
    html = client.post(f"/surveys/{survey.slug}/save").get_data(as_text=True)
    code = html.split('<p class="nhsuk-heading-l engage-token">')[1].split("</p>")[0].strip()
    assert len(code) == 14 and code.count("-") == 2
    laptop = app.test_client()
    restored = laptop.post(f"/surveys/{survey.slug}/resume", data={"code": code.lower().replace("-", " ")})
    # They carry on where they stopped, not on a page of answers they have not given yet.
    assert restored.headers["Location"].endswith(f"/questions/{survey.questions[1].id}")
    assert "Answer typed on my phone" in laptop.get(f"/surveys/{survey.slug}/check").get_data(as_text=True)
    for question in survey.questions[1:]:  # passed over without an answer: reached all the same
        laptop.post(
            f"/surveys/{survey.slug}/questions/{question.id}", data={"answer": ""} if question.kind.is_text else {}
        )
    again = laptop.post(f"/surveys/{survey.slug}/resume", data={"code": code})
    assert again.headers["Location"].endswith("/check"), "every question reached: check the answers"
    link = laptop.get(f"/surveys/{survey.slug}/resume/{code.replace('-', '')}")
    assert link.status_code == 302


def test_tampered_and_expired_resume_codes_are_refused(app: Flask, client: FlaskClient, survey: Survey) -> None:
    begin(client, survey)
    answer(client, survey, survey.questions[0].id, "Saved text")
    html = client.post(f"/surveys/{survey.slug}/save").get_data(as_text=True)
    code = html.split('<p class="nhsuk-heading-l engage-token">')[1].split("</p>")[0].strip()
    tampered = ("B" if code[0] != "B" else "C") + code[1:]
    other = app.test_client()
    page = other.post(f"/surveys/{survey.slug}/resume", data={"code": tampered}).get_data(as_text=True)
    assert "does not match any saved answers" in page
    with app.app_context():
        draft = db.session.execute(select(Response)).scalar_one()
        draft.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = other.post(f"/surveys/{survey.slug}/resume", data={"code": code}).get_data(as_text=True)
    assert "does not match any saved answers" in page
    with app.app_context():
        assert answering.purge_expired() == 1
        assert db.session.execute(select(func.count()).select_from(Response)).scalar_one() == 0
        assert db.session.execute(select(func.count()).select_from(Answer)).scalar_one() == 0, "answers go too"
        db.session.commit()


def test_double_submission_at_the_same_moment_stores_one_response(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    begin(client, survey)
    answer(client, survey, survey.questions[0].id, "There is no point going on")
    cookie = client.get_cookie("engage_session").value
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send() -> None:
        browser = app.test_client()
        browser.set_cookie("engage_session", cookie)
        barrier.wait()
        statuses.append(browser.post(f"/surveys/{survey.slug}/submit").status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 4
    assert count_submitted(app, survey) == 1
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SafeguardingFlag)).scalar_one() == 1
    replay = client.post(f"/surveys/{survey.slug}/submit")
    assert replay.status_code == 303 and count_submitted(app, survey) == 1


def test_a_survey_that_closes_mid_way_keeps_what_was_typed(app: Flask, client: FlaskClient, survey: Survey) -> None:
    begin(client, survey)
    answer(client, survey, survey.questions[0].id, "First answer")
    with app.app_context():
        db.session.get(Survey, survey.id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    html = answer(client, survey, survey.questions[1].id, "Poor").get_data(as_text=True)
    assert "This survey closed on" in html and "your answer has not been saved" in html
    assert 'value="Poor" checked' in html
    sent = client.post(f"/surveys/{survey.slug}/submit")
    assert sent.status_code == 409 and "your answers have not been sent" in sent.get_data(as_text=True)
    assert count_submitted(app, survey) == 0


def test_a_survey_not_yet_open_refuses_politely(app: Flask, client: FlaskClient, survey: Survey) -> None:
    with app.app_context():
        db.session.get(Survey, survey.id).opens_at = utcnow() + timedelta(days=2)
        db.session.commit()
    page = client.get(f"/surveys/{survey.slug}").get_data(as_text=True)
    assert "This survey opens on" in page and "Start now" not in page
    assert client.post(f"/surveys/{survey.slug}/start").headers["Location"] == f"/surveys/{survey.slug}"


def test_draft_surveys_are_not_public(
    app: Flask, client: FlaskClient, make_programme: Callable[..., Programme], make_survey: Callable[..., Survey]
) -> None:
    survey = make_survey(make_programme(), status=SurveyStatus.DRAFT)
    assert client.get(f"/surveys/{survey.slug}").status_code == 404


def test_contact_details_are_kept_apart_and_need_a_way_to_reach_you(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    begin(client, survey)
    html = client.post(f"/surveys/{survey.slug}/contact", data={"wants_updates": "y"}).get_data(as_text=True)
    assert "Enter an email address or a phone number" in html
    ok = client.post(f"/surveys/{survey.slug}/contact", data={"wants_updates": "y", "email": "resident@example.org"})
    assert ok.status_code == 302
    client.post(f"/surveys/{survey.slug}/submit")
    with app.app_context():
        response = db.session.execute(select(Response)).scalar_one()
        contact = answering.contact_for(response)
        assert contact is not None and contact.wants_updates and contact.email == "resident@example.org"
        assert all("resident@example.org" not in a.display for a in response.answers)
        db.session.commit()


def test_a_flagged_resident_is_never_told(client: FlaskClient, survey: Survey) -> None:
    begin(client, survey)
    answer(client, survey, survey.questions[0].id, "I want to end it all")
    client.post(f"/surveys/{survey.slug}/submit")
    html = client.get(f"/surveys/{survey.slug}/confirmation").get_data(as_text=True).lower()
    assert "flag" not in html and "safeguarding lead" not in html


def test_purge_command_deletes_expired_drafts(app: Flask, client: FlaskClient, survey: Survey) -> None:
    begin(client, survey)
    with app.app_context():
        db.session.execute(select(Response)).scalar_one().expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-drafts"])
    assert "Deleted 1 expired" in result.output


def test_the_resume_link_can_be_emailed_and_the_address_is_not_kept_with_answers(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    from engage.notify.models import OutboxMessage

    begin(client, survey)
    html = client.post(f"/surveys/{survey.slug}/save").get_data(as_text=True)
    code = html.split('<p class="nhsuk-heading-l engage-token">')[1].split("</p>")[0].strip()
    wrong = client.post(
        f"/surveys/{survey.slug}/save/email", data={"code": "AAAA-AAAA-AAAA", "email": "me@example.org"}
    )
    assert "no longer current" in wrong.get_data(as_text=True)
    sent = client.post(f"/surveys/{survey.slug}/save/email", data={"code": code, "email": "me@example.org"})
    assert "We have sent the link" in sent.get_data(as_text=True)
    with app.app_context():
        message = db.session.execute(select(OutboxMessage)).scalar_one()
        assert message.to_email == "me@example.org" and code.replace("-", "") in message.body
        assert answering.contact_for(db.session.execute(select(Response)).scalar_one()) is None
        db.session.commit()


def test_easy_read_can_be_chosen_and_switched_keeping_every_answer(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    q1, q2, _ = survey.questions
    with app.app_context():
        question = db.session.get(Question, q2.id)
        question.easy_read_prompt, question.easy_read_options = "Was your care good?", ["Yes, good", "No, poor"]
        db.session.commit()
    client.post(f"/surveys/{survey.slug}/start", data={"format": "easy_read"})
    page = client.get(f"/surveys/{survey.slug}/questions/{q1.id}").get_data(as_text=True)
    assert "engage-easy-read" in page and "does not have easy read words yet" in page
    answer(client, survey, q1.id, "Kind staff")
    page = client.get(f"/surveys/{survey.slug}/questions/{q2.id}").get_data(as_text=True)
    assert "Was your care good?" in page and "Yes, good" in page and 'value="Good"' in page
    answer(client, survey, q2.id, "Good")
    client.post(f"/surveys/{survey.slug}/format", data={"format": "standard", "question": str(q2.id)})
    page = client.get(f"/surveys/{survey.slug}/questions/{q2.id}").get_data(as_text=True)
    assert "How was your care?" in page and 'value="Good" checked' in page
    client.post(f"/surveys/{survey.slug}/submit")
    with app.app_context():
        response = db.session.execute(select(Response)).scalar_one()
        assert response.formats == "easy_read,standard"
        assert {a.question_id: a.display for a in response.answers} == {q1.id: "Kind staff", q2.id: "Good"}


def test_links_in_emails_and_feeds_never_follow_the_host_header(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    from engage.notify.models import OutboxMessage

    app.config["PUBLIC_URL"] = "https://engage.example.nhs.uk"
    assert client.get(f"/surveys/{survey.slug}", base_url="http://evil.example").status_code == 400, "untrusted"
    begin(client, survey)
    session = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert session is not None
    # Even a host Engage answers to (here 127.0.0.1, trusted in development) never shapes a link.
    client.set_cookie(session.key, session.value, domain="127.0.0.1")  # the same browser, another Host header
    evil = {"base_url": "http://127.0.0.1"}
    html = client.post(f"/surveys/{survey.slug}/save", **evil).get_data(as_text=True)
    code = html.split('<p class="nhsuk-heading-l engage-token">')[1].split("</p>")[0].strip()
    assert "https://engage.example.nhs.uk/surveys/" in html and "127.0.0.1" not in html
    client.post(
        f"/surveys/{survey.slug}/save/email",
        data={"code": code, "email": "me@example.org"},
        **evil,
    )
    with app.app_context():
        body = db.session.execute(select(OutboxMessage.body)).scalar_one()
    assert "https://engage.example.nhs.uk/surveys/" in body and "127.0.0.1" not in body


def test_resume_emails_are_limited_per_draft(app: Flask, client: FlaskClient, survey: Survey) -> None:
    from engage.notify.models import OutboxMessage

    begin(client, survey)
    html = client.post(f"/surveys/{survey.slug}/save").get_data(as_text=True)
    code = html.split('<p class="nhsuk-heading-l engage-token">')[1].split("</p>")[0].strip()
    for n in range(3):
        sent = client.post(f"/surveys/{survey.slug}/save/email", data={"code": code, "email": f"me{n}@example.org"})
        assert "We have sent the link" in sent.get_data(as_text=True)
    refused = client.post(f"/surveys/{survey.slug}/save/email", data={"code": code, "email": "else@example.org"})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "We have sent as many messages as we can for now" in page and code in page, "the code is still shown"
    with app.app_context():
        assert len(db.session.execute(select(OutboxMessage)).all()) == 3
        db.session.commit()


def test_page_parts_kept_between_requests_show_each_respondent_their_own_answers(app: Flask, survey: Survey) -> None:
    """Radios drawn once are kept and reused, so each person must still see only their own choice checked,
    and words someone typed are drawn afresh each time, never kept in the server's memory."""
    q1, q2, _ = survey.questions
    first, second = app.test_client(), app.test_client()
    for client, choice in ((first, "Poor"), (second, "Good")):
        begin(client, survey)
        answer(client, survey, q1.id, "My own words about the wait")
        answer(client, survey, q2.id, choice)
    text_box = app.jinja_env.globals["characterCount"]  # a long answer with a length limit
    typed_before = text_box.cache_info().currsize
    for client, choice in ((first, "Poor"), (second, "Good"), (first, "Poor")):
        page = client.get(f"/surveys/{survey.slug}/questions/{q2.id}").get_data(as_text=True)
        checked = [label for label in ("Good", "Poor") if f'value="{label}" checked' in page]
        assert checked == [choice]
        assert "My own words about the wait" in client.get(f"/surveys/{survey.slug}/questions/{q1.id}").get_data(
            as_text=True
        )
    assert app.jinja_env.globals["radios"].cache_info().hits >= 1, "the second drawing of a question is reused"
    assert text_box.cache_info().currsize == typed_before, "a text box holding typed words is never kept"
