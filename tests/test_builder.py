"""Leads build surveys: questions of every kind, conditions, order, copies, equality monitoring, status."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.surveys.equality import PREFER_NOT
from engage.surveys.models import Question, Survey, SurveyStatus
from tests.conftest import Auth

QUESTION = {
    "kind": "single_choice",
    "prompt": "How did you first contact the service?",
    "options": "Phone\nGP\nWalk-in",
}


@pytest.fixture
def lead_and_programme(
    auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme]
) -> Programme:
    lead = make_user(Role.LEAD)
    auth.login(lead)
    return make_programme(people=(lead,))


def _survey(app: Flask, survey_id: int) -> Survey:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.questions  # noqa: B018  (load before the session ends)
        db.session.expunge_all()
        return survey


def _create(client: FlaskClient, programme: Programme) -> int:
    response = client.post(
        f"/surveys/manage/new?programme={programme.slug}",
        data={
            "title": "Your experience",
            "introduction": "About services.",
            "privacy_text": "Anonymous.",
            "resume_days": "5",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_lead_builds_opens_and_previews_a_survey(
    app: Flask, client: FlaskClient, lead_and_programme: Programme
) -> None:
    survey_id = _create(client, lead_and_programme)
    assert "Add at least one question" in client.post(
        f"/surveys/manage/{survey_id}/status", data={"status": "open"}
    ).get_data(as_text=True)
    assert client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION).status_code == 302
    assert client.post(f"/surveys/manage/{survey_id}/status", data={"status": "open"}).status_code == 302
    survey = _survey(app, survey_id)
    assert survey.status == SurveyStatus.OPEN and survey.resume_days == 5
    preview = client.get(f"/surveys/manage/{survey_id}/preview").get_data(as_text=True)
    assert "How did you first contact the service?" in preview and "Walk-in" in preview
    assert client.get(f"/surveys/{survey.slug}").status_code == 200


def test_question_validation_keeps_what_was_typed(client: FlaskClient, lead_and_programme: Programme) -> None:
    survey_id = _create(client, lead_and_programme)
    html = client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION | {"options": "Only one"}).get_data(
        as_text=True
    )
    assert "Give at least two options" in html and "How did you first contact the service?" in html
    html = client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION | {"kind": "essay"}).get_data(
        as_text=True
    )
    assert "Select only from the options shown" in html


def test_conditions_must_point_at_an_earlier_choice_question(
    app: Flask, client: FlaskClient, lead_and_programme: Programme
) -> None:
    survey_id = _create(client, lead_and_programme)
    client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION)
    first = _survey(app, survey_id).questions[0]
    follow_up = {"kind": "long_text", "prompt": "Tell us more", "show_if_question_id": str(first.id)}
    html = client.post(
        f"/surveys/manage/{survey_id}/questions/new", data=follow_up | {"show_if_values": "Fax"}
    ).get_data(as_text=True)
    assert "Choose which answers to the earlier question show this one" in html
    html = client.post(
        f"/surveys/manage/{survey_id}/questions/new", data=follow_up | {"show_if_question_id": "999"}
    ).get_data(as_text=True)
    assert "Select only from the options shown" in html
    assert (
        client.post(
            f"/surveys/manage/{survey_id}/questions/new", data=follow_up | {"show_if_values": "GP | Walk-in"}
        ).status_code
        == 302
    )
    second = _survey(app, survey_id).questions[1]
    assert (second.show_if_question_id, second.show_if_values) == (first.id, ["GP", "Walk-in"])
    moved = client.post(
        f"/surveys/manage/{survey_id}/questions/{second.id}/move", data={"direction": "up"}, follow_redirects=True
    )
    assert "must come after it" in moved.get_data(as_text=True)


def test_reorder_duplicate_and_delete(app: Flask, client: FlaskClient, lead_and_programme: Programme) -> None:
    survey_id = _create(client, lead_and_programme)
    client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION)
    client.post(f"/surveys/manage/{survey_id}/questions/new", data={"kind": "short_text", "prompt": "Which team?"})
    first, second = _survey(app, survey_id).questions
    client.post(f"/surveys/manage/{survey_id}/questions/{second.id}/move", data={"direction": "up"})
    assert [q.prompt for q in _survey(app, survey_id).questions] == ["Which team?", QUESTION["prompt"]]
    client.post(f"/surveys/manage/{survey_id}/questions/{first.id}/duplicate")
    assert [q.prompt for q in _survey(app, survey_id).questions][-1] == QUESTION["prompt"] + " (copy)"
    confirm = client.get(f"/surveys/manage/{survey_id}/questions/{first.id}/delete").get_data(as_text=True)
    assert "cannot be undone" in confirm
    client.post(f"/surveys/manage/{survey_id}/questions/{first.id}/delete")
    assert [q.position for q in _survey(app, survey_id).questions] == [1, 2]


def test_duplicating_a_survey_copies_questions_and_conditions(
    app: Flask, client: FlaskClient, lead_and_programme: Programme
) -> None:
    survey_id = _create(client, lead_and_programme)
    client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION)
    first = _survey(app, survey_id).questions[0]
    client.post(
        f"/surveys/manage/{survey_id}/questions/new",
        data={
            "kind": "long_text",
            "prompt": "Tell us more",
            "show_if_question_id": str(first.id),
            "show_if_values": "GP",
        },
    )
    copy_id = int(client.post(f"/surveys/manage/{survey_id}/duplicate").headers["Location"].split("/")[-1])
    copy = _survey(app, copy_id)
    assert copy.status == SurveyStatus.DRAFT and copy.title.endswith("(copy)")
    assert copy.questions[1].show_if_question_id == copy.questions[0].id != first.id


def test_equality_set_is_optional_with_prefer_not_to_say(
    app: Flask, client: FlaskClient, lead_and_programme: Programme
) -> None:
    survey_id = _create(client, lead_and_programme)
    client.post(f"/surveys/manage/{survey_id}/equality")
    client.post(f"/surveys/manage/{survey_id}/equality")  # adding twice adds nothing more
    questions = _survey(app, survey_id).questions
    keys = [q.equality_key for q in questions]
    assert keys == [
        "age",
        "sex",
        "gender_identity",
        "ethnicity",
        "disability",
        "sexual_orientation",
        "religion",
        "carer",
        "area",
    ]
    assert not any(q.required for q in questions)
    assert all(PREFER_NOT in q.options for q in questions if q.kind.is_choice)
    ethnicity = next(q for q in questions if q.equality_key == "ethnicity")
    assert len(ethnicity.options) == 20 and "White: Roma" in ethnicity.options


def test_closing_date_must_follow_opening_date(client: FlaskClient, lead_and_programme: Programme) -> None:
    html = client.post(
        f"/surveys/manage/new?programme={lead_and_programme.slug}",
        data={
            "title": "Dates",
            "introduction": "x",
            "privacy_text": "y",
            "resume_days": "7",
            "opens_at": "2026-12-10T09:00",
            "closes_at": "2026-12-01T09:00",
        },
    ).get_data(as_text=True)
    assert "The closing date must be after the opening date" in html


def test_members_and_other_leads_cannot_build(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:
    member, other_lead = make_user(Role.MEMBER), make_user(Role.LEAD)
    programme = make_programme(people=(member,))
    survey = make_survey(programme)
    for user in (member, other_lead):
        auth.login(user)
        assert client.post(f"/surveys/manage/{survey.id}/questions/new", data=QUESTION).status_code == 403
        assert client.get(f"/surveys/manage/{survey.id}/results").status_code == 403
        assert client.get(f"/surveys/manage/{survey.id}/export.csv").status_code == 403
        auth.logout()
    with app.app_context():
        assert len(db.session.execute(select(Question).where(Question.survey_id == survey.id)).all()) == 3


def test_a_panel_only_survey_is_answered_only_by_that_panels_members(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_review: Callable[..., dict],
) -> None:
    lead, member, outsider = make_user(Role.LEAD), make_user(Role.MEMBER), make_user(Role.MEMBER)
    programme = make_programme(people=(lead,))
    review = make_review(programme, member)
    auth.login(lead)
    survey_id = _create(client, programme)
    client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION)
    details = {"title": "Panel check-in", "introduction": "x", "privacy_text": "y", "resume_days": "7"}
    assert client.post(f"/surveys/manage/{survey_id}/edit", data=details | {"audience": "999"}).status_code == 200
    assert (
        client.post(f"/surveys/manage/{survey_id}/edit", data=details | {"audience": str(review["panel"])}).status_code
        == 302
    )
    client.post(f"/surveys/manage/{survey_id}/status", data={"status": "open"})
    slug = _survey(app, survey_id).slug
    auth.logout()
    assert client.get(f"/surveys/{slug}").status_code == 303, "anonymous visitors are asked to sign in"
    auth.login(outsider)
    assert client.get(f"/surveys/{slug}").status_code == 403
    auth.logout()
    auth.login(member)
    assert client.get(f"/surveys/{slug}").status_code == 200
    assert client.post(f"/surveys/{slug}/start").status_code == 302


def test_easy_read_wording_is_checked_and_warned_about(
    app: Flask, client: FlaskClient, lead_and_programme: Programme
) -> None:
    survey_id = _create(client, lead_and_programme)
    mismatched = QUESTION | {"easy_read_prompt": "How did you first get in touch?", "easy_read_options": "Phone\nGP"}
    html = client.post(f"/surveys/manage/{survey_id}/questions/new", data=mismatched).get_data(as_text=True)
    assert "Give one easy read option for each of the 3 options" in html
    long = "This sentence is far too long for easy read because it goes on and on with many more words than fifteen."
    client.post(f"/surveys/manage/{survey_id}/questions/new", data=QUESTION | {"easy_read_prompt": long})
    client.post(f"/surveys/manage/{survey_id}/questions/new", data={"kind": "short_text", "prompt": "Which team?"})
    overview = client.get(f"/surveys/manage/{survey_id}").get_data(as_text=True)
    assert "Question 1: a sentence has more than 15 words" in overview
    assert "Question 2 has no easy read words" in overview and "no easy read introduction" in overview


def test_move_buttons_name_their_own_question_for_screen_readers(
    client: FlaskClient, auth: Auth, make_user: Callable[..., User], make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:  # fmt: skip
    lead = make_user(Role.LEAD)
    survey = make_survey(make_programme(people=(lead,)))
    auth.login(lead)
    page = client.get(f"/surveys/manage/{survey.id}").get_data(as_text=True)
    assert 'Move down<span class="nhsuk-u-visually-hidden"> question 1</span>' in page
    assert 'Move up<span class="nhsuk-u-visually-hidden"> question 2</span>' in page
    assert 'Move down<span class="nhsuk-u-visually-hidden"> question 2</span>' in page
    assert 'Move up<span class="nhsuk-u-visually-hidden"> question 3</span>' in page
