"""Who we haven't heard from: respondents beside the census or a lead's own figures, deprivation from postcodes
(never keeping the postcode), small counts withheld, bad uploads refused whole, and outreach against the gaps."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from engage.auth.models import User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.representation.census import ENGLAND_2021
from engage.representation.models import OutreachAction, Population, PostcodeDecile
from engage.signals import response_submitted
from engage.surveys.building import add_equality_set
from engage.surveys.equality import EQUALITY_KEYS, PREFER_NOT
from engage.surveys.models import Answer, Response, ResponseStatus, Survey
from engage.timeutil import utcnow
from tests.conftest import Auth

LOOKUP_HEADINGS = (
    "Postcode,Postcode Status,LSOA code,LSOA Name,Index of Multiple Deprivation Rank,"
    "Index of Multiple Deprivation Decile,Income Rank,Income Decile\n"
)


@pytest.fixture
def survey(app: Flask, make_survey: Callable[..., Survey], programme: Programme, lead: User) -> Survey:
    made = make_survey(programme)
    with app.app_context():
        add_equality_set(db.session.get(User, lead.id), db.session.get(Survey, made.id))
        db.session.commit()
    return made


def add_responses(app: Flask, survey: Survey, count: int, **choices: str) -> None:
    """`count` submitted responses, each choosing these equality answers (key=option)."""
    with app.app_context():
        questions = {q.equality_key: q for q in db.session.get(Survey, survey.id).questions if q.equality_key}
        for _ in range(count):
            response = Response(survey_id=survey.id, status=ResponseStatus.SUBMITTED, submitted_at=utcnow())
            response.answers = [Answer(question=questions[key], choices=[value]) for key, value in choices.items()]
            db.session.add(response)
            db.session.flush()
            response_submitted.send(None, response=response)
        db.session.commit()


def test_census_defaults_use_the_equality_sets_own_answers_and_add_up_to_a_hundred() -> None:
    for group, shares in ENGLAND_2021.items():
        options = set(EQUALITY_KEYS[group].options) - {PREFER_NOT}
        assert set(shares) == options, group
        assert sum(shares.values()) == pytest.approx(100, abs=0.2), group


def test_the_profile_sets_respondents_beside_the_census_and_highlights_who_is_missing(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, programme: Programme, survey: Survey
) -> None:
    add_responses(app, survey, 80, sex="Female", age="55 to 64")
    add_responses(app, survey, 20, sex="Male", age="18 to 24")
    add_responses(app, survey, 3, sex=PREFER_NOT)
    auth.login(lead)

    page = client.get(f"/representation/{programme.slug}").get_data(as_text=True)

    assert "England, Census 2021 (Office for National Statistics)" in page
    # Sex: 100 answered, 3 preferred not to say. Men are 20% of respondents against 49.0% of England: about
    # 49 expected, 20 heard from.
    assert "100 people answered; 3 preferred not to say" in page
    assert "<strong>Sex: Male</strong>: 20 of about 49 we would expect" in page
    assert "80.0%" in page and "51.0%" in page
    # 18 to 24: 20 of about 8 expected is over-represented; 25 to 34 (about 14 expected, none) is a gap.
    assert "<strong>Age: 25 to 34</strong>: Fewer than 10 of about 14 we would expect" in page
    assert "Age: 18 to 24</strong>" not in page
    assert page.count("Under-represented") >= 2


def test_small_counts_are_withheld_even_from_leads(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, programme: Programme, survey: Survey
) -> None:
    add_responses(app, survey, 40, religion="Christian")
    add_responses(app, survey, 3, religion="Sikh")
    auth.login(lead)

    page = client.get(f"/representation/{programme.slug}?survey={survey.id}").get_data(as_text=True)

    religion = page[page.index('id="group-religion"') :]
    people = re.findall(r'aria-hidden="true">People </span>([^<]*)</td>', religion[: religion.index("</table>")])
    # Neither the 3 nor the 40 (which, with the 43 who answered, would give the 3 away) is printed.
    assert "Fewer than 10" in people and "Not shown" in people
    assert "3" not in people and "40" not in people
    assert "43 people answered" in religion


def test_a_postcode_gives_the_neighbourhoods_decile_and_is_never_kept(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, programme: Programme, survey: Survey
) -> None:
    auth.login(lead)
    lookup = LOOKUP_HEADINGS + "N17 0AA,Live,E01002057,Haringey 016A,3301,2,2000,1\nSW1A 1AA,Live,E0,W,30000,10,1,10\n"
    uploaded = client.post(
        f"/representation/{programme.slug}/postcodes",
        data={"file": (io.BytesIO(lookup.encode()), "imd.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    auth.logout()
    with app.app_context():
        area = next(q for q in db.session.get(Survey, survey.id).questions if q.equality_key == "area")
        area_id = area.id

    client.post(f"/surveys/{survey.slug}/start")
    client.post(f"/surveys/{survey.slug}/questions/{area_id}", data={"answer": "n17 0aa"})
    client.post(f"/surveys/{survey.slug}/contact", data={})
    assert client.post(f"/surveys/{survey.slug}/submit").status_code == 303

    with app.app_context():
        response = db.session.execute(select(Response).where(Response.survey_id == survey.id)).scalar_one()
        assert response.imd_decile == 2
        assert response.answer_for(area_id).text == "N17"
        # Nowhere in the database does the full postcode appear, spaced or not.
        for table in ("answer", "response", "audit_event"):
            for row in db.session.execute(text(f"SELECT * FROM {table}")):  # noqa: S608  # fixed table names
                cells = " ".join(str(cell).upper() for cell in row)
                assert "N17 0AA" not in cells and "N170AA" not in cells  # (random tokens may hold "0AA")
    auth.login(lead)
    page = client.get(f"/representation/{programme.slug}").get_data(as_text=True)
    assert "1 person answered" in page[page.index('id="group-deprivation"') :]
    assert "N17 0AA" not in page


def test_a_lookup_in_the_wrong_format_or_with_a_bad_row_saves_nothing(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, programme: Programme
) -> None:
    auth.login(lead)

    def upload(body: str) -> Any:
        return client.post(
            f"/representation/{programme.slug}/postcodes",
            data={"file": (io.BytesIO(body.encode()), "imd.csv")},
            content_type="multipart/form-data",
        )

    wrong = upload("pcd,lsoa11\nN17 0AA,E01002057\n")
    assert wrong.status_code == 400
    assert "needs a column headed “Postcode”" in wrong.get_data(as_text=True)
    rows = "N17 0AA,Live,E0,H,1,2,1,1\nnot a postcode,Live,E0,H,1,3,1,1\nE1 6AN,Live,E0,T,1,11,1,1\n"
    bad = upload(LOOKUP_HEADINGS + rows)
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Row 3: “not a postcode” is not a full postcode" in page
    assert "Row 4: the decile must be a whole number from 1 to 10, not “11”" in page
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PostcodeDecile)).scalar_one() == 0


def test_a_lead_uploads_their_boroughs_figures_and_bad_totals_are_refused(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, programme: Programme, survey: Survey
) -> None:
    add_responses(app, survey, 30, sex="Female")
    auth.login(lead)

    def upload(body: str, source: str = "Haringey, Census 2021") -> Any:
        return client.post(
            f"/representation/{programme.slug}/population",
            data={"source": source, "file": (io.BytesIO(body.encode()), "population.csv")},
            content_type="multipart/form-data",
        )

    bad = upload("group,category,percent\nsex,Female,51\nsex,Male,46.2\nethnicity,Martian,1\n")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Sex: the percentages add up to 97.2, not 100" in page
    assert "Row 4: “Martian” is not one of the ethnic group answers" in page
    counted = upload("group,category,people\nSex,Female,130\nSex,Male,120\nSex,Total,260\n")
    assert "Sex: the people add up to 250, but the total row says 260" in counted.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Population)).scalar_one() == 0

    assert upload("group,category,people\nSex,Female,130\nSex,Male,120\nSex,Total,250\n").status_code == 302
    page = client.get(f"/representation/{programme.slug}").get_data(as_text=True)
    assert "Compared with: Haringey, Census 2021" in page
    assert "52.0%" in page and "48.0%" in page  # 130 and 120 of 250
    assert 'id="group-ethnicity"' not in page  # the borough's file gave no ethnicity figures

    client.post(f"/representation/{programme.slug}/population/census")
    assert "England, Census 2021" in client.get(f"/representation/{programme.slug}").get_data(as_text=True)


def test_outreach_is_logged_against_a_gap_and_shows_when_it_closes(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, programme: Programme, survey: Survey
) -> None:
    add_responses(app, survey, 45, sex="Female")
    add_responses(app, survey, 5, sex="Male")
    auth.login(lead)
    form = client.get(f"/representation/{programme.slug}/outreach/new?group=sex&category=Male")
    assert 'value="sex|Male" selected' in form.get_data(as_text=True)

    missing = client.post(f"/representation/{programme.slug}/outreach/new", data={"gap": "sex|Male"})
    assert missing.status_code == 400
    assert "Enter who went, or which partner" in missing.get_data(as_text=True)
    logged = client.post(
        f"/representation/{programme.slug}/outreach/new",
        data={
            "gap": "sex|Male",
            "survey": "",
            "who": "Peer workers with the men's shed",
            "place": "Tottenham men's shed",
            "held_on": "2026-11-20",
            "result": "30 paper forms",
        },
    )
    assert logged.status_code == 302
    with app.app_context():
        action = db.session.execute(select(OutreachAction)).scalar_one()
        assert action.share_before == 10.0
    page = client.get(f"/representation/{programme.slug}").get_data(as_text=True)
    assert "10.0% then, 10.0% now (population 49.0%)" in page and "Gap still open" in page

    add_responses(app, survey, 40, sex="Male")
    page = client.get(f"/representation/{programme.slug}").get_data(as_text=True)
    assert "10.0% then, 50.0% now" in page and "Gap closed" in page


def test_another_programmes_survey_cannot_be_shown(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    lead: User,
    programme: Programme,
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:
    theirs = make_survey(make_programme())
    auth.login(lead)
    assert client.get(f"/representation/{programme.slug}?survey={theirs.id}").status_code == 404
