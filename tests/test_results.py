"""Results for leads: counts, filters, free-text search, safe exports, all-or-nothing imports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.surveys import answering
from engage.surveys.models import Answer, Channel, Response, ResponseStatus, Survey
from tests.conftest import PAYLOADS, Auth


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
        db.session.commit()


def test_counts_and_a_data_table_for_every_chart(app: Flask, client: FlaskClient, survey: Survey) -> None:
    submit(app, survey, "Shorter waits", "Good")
    submit(app, survey, "Kinder reception", "Poor")
    submit(app, survey, "More evening slots", "Good", Channel.PAPER)
    html = client.get(f"/surveys/manage/{survey.id}/results").get_data(as_text=True)
    assert "3 responses" in html
    assert "<caption" in html and "67%" in html and "33%" in html
    # Each bar names its answer and shows its value beside it, not only in the table.
    bars = html[html.index('class="engage-bars"') : html.index("</ul>", html.index('class="engage-bars"'))]
    assert "Good" in bars and 'max="3" value="2"' in bars and "2 (67%)" in bars
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


def _upload(client: FlaskClient, survey: Survey, body: bytes, filename: str = "export.csv") -> str:
    """Upload a file to import; returns the address of the column-matching page."""
    response = client.post(
        f"/surveys/manage/{survey.id}/import",
        data={"file": (io.BytesIO(body), filename)},
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
        (b"", "Select a CSV or Excel file"),
        (b"only a header\n", "at least one response"),
        (b"a,a\n1,2\n", "different, non-empty heading"),
        (b'Comments\n"unfinished quote\n', "never closed"),
        (b'Comments\n"quoted" then more\n', "out of place"),
        ("Comments\nfine\n".encode("utf-16"), "saved as UTF-8"),
        (b"PK\x03\x04not really a workbook", "not a readable Excel workbook"),
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


def _selected(page: str, question_id: int) -> str | None:
    """The column preselected for a question on the matching page (None: "Do not import")."""
    select_html = page.split(f'name="column-{question_id}">', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="(\d+)" selected>', select_html)
    return found.group(1) if found else None


def _texts(app: Flask, question_id: int) -> list[str]:
    with app.app_context():
        query = select(Answer.text).where(Answer.question_id == question_id).order_by(Answer.id)
        return list(db.session.execute(query).scalars())


def test_import_keeps_quoted_commas_line_breaks_and_quotes_exactly(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    body = (
        b"What could be better?,How was your care?\r\n"
        b'"Please refer to me as ""she"".",Good\r\n'
        b'"Waits, calls, letters: all slow",Poor\r\n'
        b'"Line one\nline two",Good\r\n'
    )
    url = _upload(client, survey, body)
    page = client.get(url).get_data(as_text=True)
    q1, q2, _ = survey.questions
    # Headings that are a question's wording are matched without the lead choosing them.
    assert _selected(page, q1.id) == "0" and _selected(page, q2.id) == "1"
    assert client.post(url, data={f"column-{q1.id}": "0", f"column-{q2.id}": "1"}).status_code == 302
    assert _texts(app, q1.id) == [
        'Please refer to me as "she".',
        "Waits, calls, letters: all slow",
        "Line one\nline two",
    ]


def test_headings_match_questions_whatever_their_case_and_punctuation(client: FlaskClient, survey: Survey) -> None:
    url = _upload(client, survey, b"WHAT COULD BE BETTER,how was your care ?,Unrelated\nx,Good,y\n")
    page = client.get(url).get_data(as_text=True)
    q1, q2, q3 = survey.questions
    assert _selected(page, q1.id) == "0" and _selected(page, q2.id) == "1" and _selected(page, q3.id) is None


def test_a_row_with_more_values_than_headings_is_reported_and_nothing_is_imported(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    body = b"What could be better?,How was your care?\nFine,Good\nWaits, too long,Poor\n"
    url = _upload(client, survey, body)
    q1, q2, _ = survey.questions
    page = client.post(url, data={f"column-{q1.id}": "0", f"column-{q2.id}": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Nothing was imported: 2 problems found" in html
    assert "“too long” is not one of the options" in html
    assert "This row has 3 values but there are 2 headings" in html and '<td class="nhsuk-table__cell">3</td>' in html
    assert _texts(app, q1.id) == []


def test_excel_workbooks_import_like_csv(app: Flask, client: FlaskClient, survey: Survey) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["What could be better?", "How was your care?", "Submitted"])
    sheet.append(['Quotes "and", commas\nand lines', "poor", "2026-10-01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = _upload(client, survey, buffer.getvalue(), "export.xlsx")
    q1, q2, _ = survey.questions
    assert (
        client.post(url, data={f"column-{q1.id}": "0", f"column-{q2.id}": "1", "date_column": "2"}).status_code == 302
    )
    assert _texts(app, q1.id) == ['Quotes "and", commas\nand lines']


def _hostile_texts() -> list[str]:
    """The naughty-strings list plus quotes, commas, line breaks, emoji and formula text, as a form keeps them."""
    listed = json.loads((PAYLOADS / "naughty-strings/blns.json").read_text(encoding="utf-8"))
    extra = [
        'She said "no", then "yes"',
        "a,b,,c",
        "one\ntwo\r\nthree",
        "🙂👍🏽 ok",
        "=1+1",
        "+44",
        "-3",
        "@SUM(A1)",
        "'=typed",
    ]
    # The answer form strips outer spaces and refuses empty answers; NUL cannot be stored by PostgreSQL.
    return [t.strip() for t in [*listed, *extra] if t.strip() and "\x00" not in t]


def _csv_rows(csv_bytes: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"), newline="")))


def _answer_column(csv_bytes: bytes, heading: str) -> list[str]:
    rows = _csv_rows(csv_bytes)
    column = rows[0].index(heading)
    return [row[column] for row in rows[1:]]


def test_hostile_text_survives_export_import_export(
    app: Flask,
    client: FlaskClient,
    survey: Survey,
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:
    texts = _hostile_texts()
    assert len(texts) > 400
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        for text in texts:
            response, _ = answering.start_response(live)
            answering.save_answer(response, live.questions[0], text=text)
            answering.submit(response)
        db.session.commit()
    first = client.get(f"/surveys/manage/{survey.id}/export.csv").get_data()
    q1 = survey.questions[0]
    # Import into a second survey with the same questions, so the two exports can be compared.
    with app.app_context():
        programme = db.session.get(Programme, survey.programme_id)
    other = make_survey(programme)
    url = _upload(client, other, first)
    page = client.get(url).get_data(as_text=True)
    column = _csv_rows(first)[0].index(q1.prompt)
    assert _selected(page, other.questions[0].id) == str(column)
    done = client.post(url, data={f"column-{other.questions[0].id}": str(column)})
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    assert sorted(_texts(app, other.questions[0].id)) == sorted(texts), "every word is stored as it was typed"
    second = client.get(f"/surveys/manage/{other.id}/export.csv").get_data()
    heading = q1.prompt
    assert sorted(_answer_column(second, heading)) == sorted(_answer_column(first, heading))


@pytest.mark.parametrize(
    "page",
    [
        "/surveys/manage/{survey}/results",
        "/surveys/manage/{survey}/results/{question}",
        "/surveys/manage/{survey}/export.csv",
        "/surveys/manage/{survey}",
    ],
)
def test_results_pages_run_as_many_queries_for_50_responses_as_for_1(
    app: Flask, client: FlaskClient, survey: Survey, count_queries: Callable[[Callable[[], Any]], int], page: str
) -> None:
    url = page.format(survey=survey.id, question=survey.questions[0].id)
    submit(app, survey, "The first answer", "Good")
    one = count_queries(lambda: client.get(url))
    for n in range(49):
        submit(app, survey, f"Answer {n}", "Poor")
    fifty = count_queries(lambda: client.get(url))
    assert client.get(url).status_code == 200
    assert fifty == one, f"{url}: {one} queries for 1 response, {fifty} for 50"
