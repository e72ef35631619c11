"""Results for leads: counts, filters, free-text search, safe exports, all-or-nothing imports."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.surveys import answering
from engage.surveys.models import Channel, Response, ResponseStatus, Survey
from tests.conftest import Auth


@pytest.fixture
def survey(
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> Survey:
    lead = make_user(Role.LEAD)
    auth.login(lead)
    return make_survey(make_programme(people=(lead,)))


def submit(app: Flask, survey: Survey, text: str, choice: str, channel: Channel = Channel.ONLINE) -> None:
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        response, _ = answering.start_response(live)
        response.channel = channel
        answering.save_answer(response, live.questions[0], text=text)
        answering.save_answer(response, live.questions[1], choices=[choice])
        answering.submit(response)


def test_counts_and_a_data_table_for_every_chart(app: Flask, client: FlaskClient, survey: Survey) -> None:
    submit(app, survey, "Shorter waits", "Good")
    submit(app, survey, "Kinder reception", "Poor")
    submit(app, survey, "More evening slots", "Good", Channel.PAPER)
    html = client.get(f"/surveys/manage/{survey.id}/results").get_data(as_text=True)
    assert "3 responses" in html
    assert '<svg role="img"' in html and "<caption" in html
    assert "67%" in html and "33%" in html
    paper = client.get(f"/surveys/manage/{survey.id}/results?channel=paper").get_data(as_text=True)
    assert "1 response match your filters" in paper
    ignored = client.get(f"/surveys/manage/{survey.id}/results?channel=carrier-pigeon&from=not-a-date")
    assert ignored.status_code == 200 and "3 responses" in ignored.get_data(as_text=True)


def test_free_text_is_searchable(app: Flask, client: FlaskClient, survey: Survey) -> None:
    submit(app, survey, "The waiting list was far too long", "Poor")
    submit(app, survey, "Reception staff were kind", "Good")
    url = f"/surveys/manage/{survey.id}/results/{survey.questions[0].id}"
    html = client.get(url, query_string={"q": "waiting"}).get_data(as_text=True)
    assert "far too long" in html and "Reception staff" not in html
    wildcard = client.get(url, query_string={"q": "%"}).get_data(as_text=True)
    assert "No answers match" in wildcard, "a % typed by the lead is searched for literally, not as a wildcard"


def test_exports_neutralise_formulas(app: Flask, client: FlaskClient, survey: Survey) -> None:
    for payload in ('=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)"):
        submit(app, survey, payload, "Good")
    csv_text = client.get(f"/surveys/manage/{survey.id}/export.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'+1+1" in csv_text and "'-2+3" in csv_text and "'@SUM(A1)" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    workbook = load_workbook(io.BytesIO(client.get(f"/surveys/manage/{survey.id}/export.xlsx").get_data()))
    cells = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in cells)
    assert '\'=HYPERLINK("http://evil.example","click")' in cells


def _upload(client: FlaskClient, survey: Survey, body: bytes) -> str:
    response = client.post(
        f"/surveys/manage/{survey.id}/import",
        data={"file": (io.BytesIO(body), "export.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_import_maps_columns_and_stores_every_row(app: Flask, client: FlaskClient, survey: Survey) -> None:
    body = b"Date,Comments,Rating\n2026-10-01,Need more evening appointments,good\n01/10/2026,Staff listened,Poor\n"
    url = _upload(client, survey, body)
    q1, q2, _ = survey.questions
    done = client.post(url, data={"date_column": "0", f"column-{q1.id}": "1", f"column-{q2.id}": "2"})
    assert done.status_code == 302
    with app.app_context():
        responses = db.session.execute(select(Response).order_by(Response.id)).scalars().all()
        assert [r.channel for r in responses] == [Channel.IMPORT, Channel.IMPORT]
        assert responses[0].answer_for(q2.id).choices == ["Good"], "options match regardless of case"
        assert responses[1].submitted_at.day == 1


def test_import_with_a_bad_row_imports_nothing_and_reports_it(app: Flask, client: FlaskClient, survey: Survey) -> None:
    body = b"Comments,Rating\nFine,Good\nNot fine,Terrible\n"
    url = _upload(client, survey, body)
    q1, q2, _ = survey.questions
    page = client.post(url, data={f"column-{q1.id}": "0", f"column-{q2.id}": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Nothing was imported: 1 problem found" in html and "“Terrible” is not one of the options" in html
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Response)).scalar_one() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "Select a CSV file"),
        (b"only a header\n", "at least one response"),
        (b"a,a\n1,2\n", "different, non-empty heading"),
    ],
)
def test_import_refuses_unreadable_files(client: FlaskClient, survey: Survey, body: bytes, message: str) -> None:
    response = client.post(
        f"/surveys/manage/{survey.id}/import",
        data={"file": (io.BytesIO(body), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_windows_encoded_csv_is_read(app: Flask, client: FlaskClient, survey: Survey) -> None:
    url = _upload(client, survey, "Comments\nCafé was closed – shame\n".encode("cp1252"))
    client.post(url, data={f"column-{survey.questions[0].id}": "0"})
    with app.app_context():
        response = db.session.execute(select(Response)).scalar_one()
        assert response.status == ResponseStatus.SUBMITTED and response.answers[0].text == "Café was closed – shame"
