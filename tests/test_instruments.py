"""Ready-made instruments scored by their definitions (worked by hand here), scoring switched off when a lead
changes what it scores, reference lines, and the co-production ladder rated by a programme's panel."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.panels.models import Membership, Panel, PanelKind
from engage.programmes.models import Programme
from engage.signals import response_submitted
from engage.surveys.instruments import DIALOG_ANSWERS
from engage.surveys.models import Answer, Question, Response, ResponseStatus, Survey
from engage.timeutil import utcnow
from tests.conftest import Auth


@pytest.fixture
def survey(make_survey: Callable[..., Survey], programme: Programme) -> Survey:
    return make_survey(programme)


def add(client: FlaskClient, survey: Survey, instrument: str) -> dict[str, int]:
    """Add an instrument through the builder; returns its questions' ids by item."""
    assert client.post(f"/surveys/manage/{survey.id}/instruments", data={"instrument": instrument}).status_code == 302
    with client.application.app_context():
        questions = db.session.execute(select(Question).where(Question.instrument == instrument)).scalars()
        return {q.instrument_item: q.id for q in questions}


def respond(app: Flask, survey: Survey, chosen: dict[int, str]) -> None:
    with app.app_context():
        response = Response(survey_id=survey.id, status=ResponseStatus.SUBMITTED, submitted_at=utcnow())
        response.answers = [Answer(question_id=q, choices=[value]) for q, value in chosen.items()]
        db.session.add(response)
        db.session.flush()
        response_submitted.send(None, response=response)
        db.session.commit()


def test_the_friends_and_family_test_is_scored_as_nhs_england_defines_it(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    auth.login(lead)
    items = add(client, survey, "fft")
    assert set(items) == {"rating", "why"}
    again = client.post(f"/surveys/manage/{survey.id}/instruments", data={"instrument": "fft"}, follow_redirects=True)
    assert "already has every NHS Friends and Family Test question" in again.get_data(as_text=True)
    answers = ["Very good"] * 4 + ["Good"] * 2 + ["Neither good nor poor", "Poor", "Very poor", "Don't know"]
    for answer in answers:
        respond(app, survey, {items["rating"]: answer})

    page = client.get(f"/surveys/manage/{survey.id}/results").get_data(as_text=True)

    # By hand: (4 very good + 2 good) / 10 answers, "don't know" included = 60%; (1 poor + 1 very poor) / 10 = 20%.
    assert "<strong>60.0% positive</strong> and 20.0% negative, of 10 answers" in page
    assert "Friends and Family Test answers" in page and ">Don&#39;t know<" in page


def test_dialog_subscores_are_each_persons_mean_averaged_over_people(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    auth.login(lead)
    items = add(client, survey, "dialog")
    life = ["mental_health", "physical_health", "job", "accommodation", "leisure", "partner_family", "friendships"]
    life += ["safety"]
    treatment = ["medication", "practical_help", "meetings"]
    assert set(items) == {*life, *treatment}
    # Person A rates everything: life 7 6 5 4 3 2 1 4 (mean 4.0), treatment 5 6 7 (mean 6.0).
    a = dict(zip(life, [7, 6, 5, 4, 3, 2, 1, 4], strict=True)) | dict(zip(treatment, [5, 6, 7], strict=True))
    respond(app, survey, {items[key]: DIALOG_ANSWERS[score - 1] for key, score in a.items()})
    # Person B rates 6 parts of life 2 (mean 2.0) and one part of treatment (too few for a treatment subscore).
    b = dict.fromkeys(life[:6], 2) | {"medication": 4}
    respond(app, survey, {items[key]: DIALOG_ANSWERS[score - 1] for key, score in b.items()})
    # Person C rates 5 parts of life only: too few for either subscore.
    respond(app, survey, {items[key]: DIALOG_ANSWERS[0] for key in life[:5]})

    page = client.get(f"/surveys/manage/{survey.id}/results").get_data(as_text=True)
    subscores = page[page.index("<caption") : page.index("DIALOG: mean rating of each part")]
    assert "Subjective quality of life</td>" in subscores and ">3.00<" in subscores  # (4.0 + 2.0) / 2 people
    assert ">6.00<" in subscores and ">1<" in subscores  # treatment: person A alone
    # Mental health: A 7, B 2, C 1, mean 3.33 over 3 people.
    each = page[page.index("DIALOG: mean rating of each part") :]
    mental = each[each.index("Your mental health") :]
    assert ">3.33<" in mental[:400] and ">3<" in mental[:600]


def test_changing_what_an_instrument_scores_turns_its_scoring_off_and_says_so(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    auth.login(lead)
    items = add(client, survey, "dialog")
    url = f"/surveys/manage/{survey.id}/questions/{items['job']}/edit"
    form = client.get(url).get_data(as_text=True)
    assert "scored as part of DIALOG" in form
    base = {"kind": "single_choice", "prompt": "How satisfied are you with your job situation?"}
    base |= {"options": "\n".join(DIALOG_ANSWERS), "scale_min": "1", "scale_max": "5", "max_length": "1000"}
    hint_only = client.post(url, data=base | {"hint": "Paid or unpaid work."}, follow_redirects=True)
    assert "Question saved." in hint_only.get_data(as_text=True)
    assert "no longer scored" not in hint_only.get_data(as_text=True)

    reworded = client.post(url, data=base | {"prompt": "Are you happy at work?"}, follow_redirects=True)
    assert "It is no longer scored as part of DIALOG." in reworded.get_data(as_text=True)
    page = client.get(f"/surveys/manage/{survey.id}/results").get_data(as_text=True)
    assert "Scoring is off" in page and "1 of its 11 questions was changed or removed" in page
    assert "Subjective quality of life</td>" not in page


def test_reference_lines_need_a_source_and_a_score_from_1_to_7(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    auth.login(lead)
    add(client, survey, "dialog")
    url = f"/surveys/manage/{survey.id}/instruments/references"
    out_of_range = client.post(url, data={"life": "8", "source": "A study"})
    assert out_of_range.status_code == 400 and "Enter a number from 1 to 7" in out_of_range.get_data(as_text=True)
    no_source = client.post(url, data={"life": "4.5"})
    assert no_source.status_code == 400
    assert "Say where the reference figures come from" in no_source.get_data(as_text=True)
    assert client.post(url, data={"life": "4.5", "source": "A published trial, 2015"}).status_code == 302
    page = client.get(f"/surveys/manage/{survey.id}/results").get_data(as_text=True)
    assert ">4.50<" in page and "Reference: A published trial, 2015" in page and "None set" in page


@pytest.fixture
def member(app: Flask, make_user: Callable[..., User], programme: Programme) -> User:
    person = make_user(Role.MEMBER)
    with app.app_context():
        panel = Panel(programme_id=programme.id, kind=PanelKind.EXPERTS, name="Experts", purpose="Review")
        panel.memberships = [Membership(user_id=person.id)]
        db.session.add(panel)
        db.session.commit()
    return person


def test_panel_members_rate_the_programme_on_the_ladder_and_leads_see_it_over_time(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    lead: User,
    member: User,
    programme: Programme,
    make_user: Callable[..., User],
) -> None:
    url = f"/panels/programme/{programme.slug}/co-production"
    auth.login(member)
    empty = client.post(url, data={})
    assert empty.status_code == 400 and "Choose where the programme is on the ladder" in empty.get_data(as_text=True)
    for rung in ("3", "5"):  # a member who changes their mind counts once, with the latest rating
        assert client.post(url, data={"rung": rung, "comment": "We are asked, then told."}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Your last rating" in page and "<strong>Engagement</strong>" in page
    auth.logout()

    auth.login(lead)
    page = client.get(url).get_data(as_text=True)
    quarter = f"{utcnow().year} Q{(utcnow().month - 1) // 3 + 1}"
    table = page[page.index("The middle rating each quarter") :]
    assert f">{quarter}<" in table and ">1<" in table and "Engagement</td>" in table
    assert 'name="rung"' not in page, "leads see the ratings; the panel gives them"
    auth.logout()

    outsider = make_user(Role.MEMBER)
    auth.login(outsider)
    assert client.get(url).status_code == 403
