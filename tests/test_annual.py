"""The annual involvement report: one financial year of a programme's involvement, as a page, a PDF and a Word
document that say the same things, with small counts withheld."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta

import docx
import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.auth.models import Role, User
from engage.extensions import db
from engage.panels.models import (
    Comment,
    CommentDecision,
    Draft,
    DraftSection,
    Meeting,
    Membership,
    Outcome,
    Panel,
    PanelKind,
    Stance,
)
from engage.programmes.models import CoreOfferChange, Indicator, Measurement, Programme
from engage.surveys.models import Channel, Format, Response, ResponseStatus, Survey
from engage.tracker.models import ActionStatus, WeDid, YouSaid

YEAR = 2025  # the financial year 1 April 2025 to 31 March 2026
IN_YEAR = datetime(2025, 9, 1, 12)


@pytest.fixture
def programme(
    app: Flask,
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_user: Callable[..., User],
) -> Programme:
    """A year with 12 online and 3 paper responses (and 5 the year before), a panel of 3 with a meeting and
    decisions on 11 comments, a published statement with two actions, a change to the core offer, an indicator."""
    programme = make_programme()
    survey = make_survey(programme, title="Spring listening survey")
    members = [make_user(Role.MEMBER) for _ in range(3)]
    with app.app_context():
        for n, (channel, when) in enumerate(
            [(Channel.ONLINE, IN_YEAR)] * 12
            + [(Channel.PAPER, IN_YEAR)] * 3
            + [(Channel.ONLINE, datetime(2025, 3, 1))] * 5
        ):
            db.session.add(
                Response(
                    survey_id=survey.id, status=ResponseStatus.SUBMITTED, submitted_at=when + timedelta(minutes=n),
                    channel=channel, formats=Format.STANDARD.value,
                )
            )  # fmt: skip
        panel = Panel(programme_id=programme.id, kind=PanelKind.EXPERTS, name="Experts by experience", purpose="")
        panel.memberships = [Membership(user_id=m.id, joined_on=date(2025, 4, 10)) for m in members]
        db.session.add(panel)
        db.session.add(Meeting(panel=panel, starts_at=IN_YEAR, place="The hub"))
        draft = Draft(programme_id=programme.id, title="Core offer draft", created_at=IN_YEAR)
        draft.panels = [panel]
        section = DraftSection(draft=draft, heading="Access", body="One number to call.", position=1)
        db.session.add_all([draft, section])
        db.session.flush()
        for n in range(11):
            comment = Comment(section=section, author_id=members[n % 3].id, stance=Stance.CONCERN, text="Too slow",
                              created_at=IN_YEAR)  # fmt: skip
            comment.decision = CommentDecision(
                outcome=Outcome.ACCEPTED if n < 10 else Outcome.NOT_ACCEPTED, reason="", decided_at=IN_YEAR
            )
            db.session.add(comment)
        live = db.session.get(Programme, programme.id)
        component = live.components[0]
        you_said = YouSaid(programme_id=programme.id, title="Waiting too long", statement="People waited weeks.",
                           published_at=IN_YEAR)  # fmt: skip
        you_said.actions = [
            WeDid(what="Call back within 2 days", owner="Access team", status=ActionStatus.DONE),
            WeDid(what="Open 8am to 8pm", owner="Access team", status=ActionStatus.PLANNED),
        ]
        db.session.add(you_said)
        db.session.add(
            CoreOfferChange(component=component, before="One number.", after="One number, 8am to 8pm.",
                            reason="Longer opening hours", changed_at=IN_YEAR + timedelta(days=30))
        )  # fmt: skip
        indicator = Indicator(component=component, name="Days to a call back", unit="days", baseline=6.5,
                              baseline_on=date(2025, 4, 1), target=2, source="Referrals log")  # fmt: skip
        indicator.measurements = [Measurement(measured_on=date(2025, 10, 1), value=3.5)]
        db.session.add(indicator)
        db.session.commit()
    return programme


def test_the_report_covers_one_financial_year_with_small_counts_withheld(
    client: FlaskClient, programme: Programme
) -> None:
    page = client.get(f"/annual-report/{programme.slug}/{YEAR}").get_data(as_text=True)

    assert "How we involved people, 2025/26" in page and "1 April 2025 to 31 March 2026" in page
    # 15 responses in the year (the 5 from March 2025 belong to the year before); the 3 on paper are withheld,
    # and so is online's 12, which would give them away by subtraction.
    assert "Survey responses: <strong>15</strong>" in page
    assert "Ways of taking part" in page and "Not shown: too few people." in page
    assert ">Spring listening survey<" in page
    # A panel of 3: its size is withheld, its meeting and draft are counted.
    assert "Experts by experience" in page and "fewer than 10" in page
    # 11 comments: 10 accepted shown, 1 not accepted withheld (and the 10 with it, or subtraction would tell).
    assert "Comments made on drafts: 11." in page
    assert "Waiting too long" in page and "Call back within 2 days (Done)" in page
    assert "Longer opening hours" in page and "Days to a call back" in page and "3.5 days" in page


def test_the_report_reads_the_same_as_a_pdf_and_a_word_document(client: FlaskClient, programme: Programme) -> None:
    pdf = client.get(f"/annual-report/{programme.slug}/{YEAR}.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert f'filename="{programme.slug}-involvement-{YEAR}.pdf"' in pdf.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    for words in ("How we involved people, 2025/26", "Spring listening survey", "Waiting too long", "Referrals log"):
        assert words in " ".join(text.split()), words

    word = client.get(f"/annual-report/{programme.slug}/{YEAR}.docx")
    document = docx.Document(io.BytesIO(word.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "How we involved people, 2025/26"
    assert {"Who took part", "Surveys and panels", "You said, we did", "Changes to the core offer"} <= set(headings)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Spring listening survey", "15", "fewer than 10", "3.5 days", "Done"} <= cells
    assert "Survey responses: 15." in [p.text for p in document.paragraphs]


def test_a_year_not_begun_or_before_engage_is_not_found(client: FlaskClient, programme: Programme) -> None:
    assert client.get(f"/annual-report/{programme.slug}/2019").status_code == 404
    assert client.get(f"/annual-report/{programme.slug}/{date.today().year + 2}").status_code == 404
    latest = client.get(f"/annual-report/{programme.slug}")
    assert latest.status_code == 302 and latest.headers["Location"].startswith(f"/annual-report/{programme.slug}/")
