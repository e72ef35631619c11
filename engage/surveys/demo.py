"""The demo survey, answered with real comments selected (never altered) from public NHS patient feedback."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from engage.auth.models import User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.signals import response_submitted
from engage.surveys.answering import new_reference
from engage.surveys.building import add_equality_set
from engage.surveys.demo_formats import add_formats, arrival, as_bsl_answer, awaiting_bsl_answer
from engage.surveys.demo_languages import add_languages
from engage.surveys.demo_people import equality_answers
from engage.surveys.models import (
    Answer,
    Format,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from engage.timeutil import utcnow

SLUG = "your-experience-of-community-mental-health-services"
SOURCE_FILE = "patient_feedback/phase1_text_data.csv"
# Every row of SOURCE_FILE that passes is_selected(), in file order (see demo_data/README.md).
SAMPLE = Path(__file__).resolve().parent / "demo_data" / "mental_health_feedback.csv"
DEMO_RESPONSES = 300
# Comments about mental health care, chosen by these words.
MENTAL_HEALTH = re.compile(
    r"mental health|anxiety|anxious|depress|counsell|psychiat|crisis|CPN|therap|low mood|talking|"
    r"wellbeing|well-being|IAPT|psycholog|support worker|key worker|care coordinator",
    re.IGNORECASE,
)
ATTRIBUTION = (
    "Demo responses are real comments from public NHS patient feedback (the pxtextmining data sets, "
    "NHS England, MIT licence), selected and not altered. Ratings are derived from each comment's human "
    "criticality score."
)


def _questions() -> list[Question]:
    return [
        Question(
            position=1,
            kind=QuestionKind.SCALE,
            prompt="Overall, how was your experience of community mental health services?",
            scale_min=1,
            scale_max=5,
            scale_min_label="Very poor",
            scale_max_label="Very good",
            required=True,
        ),
        Question(
            position=2,
            kind=QuestionKind.LONG_TEXT,
            prompt="What has been good about the support you received?",
            hint="For example, a person who helped, or something that made a difference.",
            max_length=2000,
        ),
        Question(
            position=3,
            kind=QuestionKind.LONG_TEXT,
            prompt="What could we do better?",
            hint="Think about getting help, waiting, being listened to and moving between services.",
            max_length=2000,
        ),
        Question(position=4, kind=QuestionKind.YES_NO, prompt="Did you know who to contact in a mental health crisis?"),
    ]


def _crisis_follow_up(survey: Survey) -> Question:
    return Question(
        position=5,
        kind=QuestionKind.LONG_TEXT,
        prompt="What would have helped you know who to contact in a crisis?",
        content_warning="This question is about mental health crises. Skip it if you prefer.",
        max_length=2000,
        show_if_question_id=survey.questions[3].id,
        show_if_values=["No"],
    )


def _rating(criticality: int) -> str:
    """Map the human criticality score (-5 very critical … 5 very positive) onto the 1–5 scale."""
    return str(min(5, max(1, round(3 + criticality / 2))))


def is_selected(row: dict[str, str]) -> bool:
    """The demo sample's rule: a comment about mental health care, of a readable length, with a score."""
    return (
        25 <= len(row["feedback"]) <= 700 and bool(MENTAL_HEALTH.search(row["feedback"])) and bool(row["criticality"])
    )


def selected_rows(limit: int | None = DEMO_RESPONSES) -> list[dict[str, str]]:
    """The demo sample's rows in file order (all of them when limit is None)."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows[:limit]


def load_demo_survey(programme: Programme, lead: User) -> Survey:
    """Create the open demo survey, its equality questions and its responses, once."""
    survey = db.session.execute(select(Survey).where(Survey.slug == SLUG)).scalar_one_or_none()
    if survey is not None:
        return survey
    survey = Survey(
        programme=programme,
        slug=SLUG,
        title="Your experience of community mental health services",
        introduction=(
            "We want to hear about your experience of community mental health services, good and bad. "
            "It takes about 5 minutes.\n\nWhat you tell us will shape the new core offer: what everyone can "
            "expect, wherever they live."
        ),
        privacy_text=(
            "Your answers are anonymous unless you choose to leave contact details. We remove names and contact "
            "details before quoting anyone. If an answer suggests someone may be at risk of harm, a safeguarding "
            "lead may read it."
        ),
        status=SurveyStatus.OPEN,
        resume_days=7,
    )
    survey.questions = _questions()
    db.session.add(survey)
    db.session.flush()
    survey.questions.append(_crisis_follow_up(survey))
    add_equality_set(lead, survey)
    add_formats(survey)
    add_languages(lead, survey)
    _add_responses(survey, selected_rows())
    return survey


def _demo_response(survey: Survey, n: int, source: str) -> Response:
    channel, used, helper = arrival(n)
    return Response(
        survey=survey,
        status=ResponseStatus.SUBMITTED,
        reference=new_reference("DEMO"),
        submitted_at=utcnow() - timedelta(days=60) + timedelta(minutes=n * 283),
        channel=channel,
        formats=",".join(f.value for f in used),
        current_format=used[-1],
        assisted_by=helper,
        source=source,
    )


def _add_responses(survey: Survey, rows: list[dict[str, str]]) -> None:
    rating, good, better = survey.questions[0], survey.questions[1], survey.questions[2]
    equality = [q for q in survey.questions if q.equality_key]
    for n, row in enumerate(rows):
        criticality = int(row["criticality"])
        response = _demo_response(survey, n, f"demo: {SOURCE_FILE} row_index {row['row_index']}")
        comment = Answer(question=good if criticality > 0 else better, text=row["feedback"])
        response.answers = [Answer(question=rating, choices=[_rating(criticality)]), comment]
        response.answers.extend(equality_answers(n, equality))
        if Format.BSL in response.format_list:
            as_bsl_answer(response, comment, survey.programme_id)
        db.session.add(response)
        db.session.flush()
        response_submitted.send(None, response=response)
    for n in range(2):  # BSL answers still waiting for an interpreter
        response = _demo_response(survey, 3 + 17 * n, "demo: BSL placeholder video, not yet interpreted")
        response.answers = [awaiting_bsl_answer(better, survey.programme_id)]
        db.session.add(response)
