"""Named operations for leads building surveys: surveys, questions, order, conditions, duplication."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.programmes.models import Programme
from engage.programmes.services import slugify
from engage.signals import programme_surveys
from engage.surveys.equality import EQUALITY_SET
from engage.surveys.formats import copy_bsl, discard_unused
from engage.surveys.instruments import keep_scoring
from engage.surveys.models import Question, QuestionKind, Response, ResponseStatus, Survey, SurveyStatus

RESERVED_SLUGS = {"manage", "new"}
QUESTION_FIELDS = (
    "kind", "prompt", "hint", "required", "options", "scale_min", "scale_max", "scale_min_label",
    "scale_max_label", "max_length", "content_warning", "show_if_question_id", "show_if_values", "equality_key",
    "instrument", "instrument_item",
    "easy_read_prompt", "easy_read_hint", "easy_read_options", "easy_read_image_id", "easy_read_image_alt",
)  # fmt: skip


class BuilderError(EngageError):
    """A change to a survey that cannot be made; the message is for the lead."""


@dataclass
class SurveyFields:
    title: str
    introduction: str
    privacy_text: str
    opens_at: datetime | None
    closes_at: datetime | None
    resume_days: int
    panel_id: int | None = None  # None: anyone can answer; otherwise only this panel's members
    easy_read_introduction: str = ""


def _unique_slug(title: str, survey_id: int | None = None) -> str:
    base = slugify(title)
    if base in RESERVED_SLUGS or base.isdigit():
        base = f"survey-{base}"
    slug, n = base, 2
    while True:
        existing = db.session.execute(select(Survey.id).where(Survey.slug == slug)).scalar_one_or_none()
        if existing is None or existing == survey_id:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _check_fields(programme: Programme, fields: SurveyFields) -> None:
    if fields.opens_at and fields.closes_at and fields.closes_at <= fields.opens_at:
        raise BuilderError("The closing date must be after the opening date")
    if fields.panel_id is not None:
        from engage.panels.models import Panel

        panel = db.session.get(Panel, fields.panel_id)
        if panel is None or panel.programme_id != programme.id:
            raise BuilderError("Choose one of this programme's panels")


def _apply(survey: Survey, fields: SurveyFields) -> None:
    for name, value in vars(fields).items():
        setattr(survey, name, value)
    survey.audience = "panel" if fields.panel_id else "public"


def surveys_for(programme: Programme) -> list[Survey]:
    query = select(Survey).where(Survey.programme_id == programme.id).order_by(Survey.created_at.desc())
    return list(db.session.execute(query).scalars())


@programme_surveys.connect
def _listed_on_programme_page(sender: object, programme: Programme, manager: bool) -> list[Survey]:
    """The surveys a programme's page lists: drafts only for the people who run it."""
    del sender
    return [s for s in surveys_for(programme) if manager or s.status != SurveyStatus.DRAFT]


def submitted_count(survey: Survey) -> int:
    query = select(func.count()).where(Response.survey_id == survey.id, Response.status == ResponseStatus.SUBMITTED)
    return db.session.execute(query).scalar_one()


def create_survey(actor: User, programme: Programme, fields: SurveyFields) -> Survey:
    """Start a draft survey in the programme."""
    _check_fields(programme, fields)
    survey = Survey(programme=programme, slug=_unique_slug(fields.title))
    _apply(survey, fields)
    db.session.add(survey)
    audit.record(actor.id, "survey_created", survey)
    db.session.flush()
    return survey


def update_survey(actor: User, survey: Survey, fields: SurveyFields) -> None:
    """Change a survey's wording, dates or resume period."""
    _check_fields(survey.programme, fields)
    _apply(survey, fields)
    audit.record(actor.id, "survey_updated", survey)
    db.session.flush()


def set_status(actor: User, survey: Survey, status: SurveyStatus) -> None:
    """Open, close or return a survey to draft."""
    if status == SurveyStatus.OPEN and not survey.questions:
        raise BuilderError("Add at least one question before you open the survey")
    survey.status = status
    audit.record(actor.id, "survey_status", survey, f"status={status.value}")
    db.session.flush()


def _next_position(survey: Survey) -> int:
    return max((q.position for q in survey.questions), default=0) + 1


def _check_condition(survey: Survey, question: Question | None, values: dict[str, Any]) -> None:
    """A "show only if" condition must name an earlier choice question of this survey and its options."""
    target_id = values.get("show_if_question_id")
    if not target_id:
        values["show_if_question_id"], values["show_if_values"] = None, []
        return
    target = next((q for q in survey.questions if q.id == target_id), None)
    position = question.position if question else _next_position(survey)
    if target is None or target.position >= position or not target.kind.is_choice:
        raise BuilderError("A question can only depend on an earlier choice question in this survey")
    wanted = values.get("show_if_values") or []
    if not wanted or any(value not in target.choices() for value in wanted):
        raise BuilderError("Choose which answers to the earlier question show this one")


def _check_options(values: dict[str, Any]) -> None:
    kind = values["kind"]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = [o for o in values.get("options") or [] if o]
        if len(options) < 2:
            raise BuilderError("Give at least two options, one per line")
        if len(set(options)) != len(options):
            raise BuilderError("Each option must be different")
        values["options"] = options
    else:
        values["options"] = []
    if kind == QuestionKind.SCALE and not values.get("scale_min", 1) < values.get("scale_max", 5):
        raise BuilderError("The top of the scale must be higher than the bottom")
    easy = values.get("easy_read_options") or []
    if easy and kind.is_choice:
        expected = Question(kind=kind, options=values["options"], scale_min=values.get("scale_min", 1),
                            scale_max=values.get("scale_max", 5)).choices()  # fmt: skip
        if len(easy) != len(expected):
            raise BuilderError(f"Give one easy read option for each of the {len(expected)} options, in the same order")
    elif easy:
        values["easy_read_options"] = []


def add_question(actor: User, survey: Survey, values: dict[str, Any]) -> Question:
    """Add a question at the end of the survey."""
    _check_options(values)
    _check_condition(survey, None, values)
    question = Question(position=_next_position(survey), **values)
    survey.questions.append(question)
    audit.record(actor.id, "question_added", question)
    db.session.flush()
    return question


def update_question(actor: User, question: Question, values: dict[str, Any]) -> bool:
    """Change a question's wording, kind, options or condition. Returns False when the change turned off the
    scoring of the instrument the question came from."""
    _check_options(values)
    _check_condition(question.survey, question, values)
    scored = keep_scoring(question, values)
    for name, value in values.items():
        setattr(question, name, value)
    audit.record(actor.id, "question_updated", question, "" if scored else "instrument scoring turned off")
    db.session.flush()
    return scored


def delete_question(actor: User, question: Question) -> None:
    """Remove a question; questions that depended on it are shown to everyone."""
    survey = question.survey
    for other in survey.questions:
        if other.show_if_question_id == question.id:
            other.show_if_question_id, other.show_if_values = None, []
    audit.record(actor.id, "question_deleted", survey, f"question={question.id}")
    bsl = question.bsl
    files = [question.easy_read_image, *((bsl.video, bsl.captions) if bsl else ())]
    survey.questions.remove(question)
    if bsl is not None:
        db.session.delete(bsl)
    _renumber(survey)
    db.session.flush()
    discard_unused(files)


def _renumber(survey: Survey) -> None:
    for position, question in enumerate(sorted(survey.questions, key=lambda q: q.position), start=1):
        question.position = position


def move_question(actor: User, question: Question, offset: int) -> None:
    """Move a question up (-1) or down (+1), keeping conditions pointing at earlier questions."""
    ordered = sorted(question.survey.questions, key=lambda q: q.position)
    index = ordered.index(question)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    other = ordered[target]
    earlier, later = (question, other) if offset > 0 else (other, question)
    if later.show_if_question_id == earlier.id:
        raise BuilderError(f"“{later.prompt}” depends on “{earlier.prompt}”, so it must come after it")
    question.position, other.position = other.position, question.position
    audit.record(actor.id, "question_moved", question)
    db.session.flush()


def _copy_question(source: Question, **changes: Any) -> Question:
    values = {name: getattr(source, name) for name in QUESTION_FIELDS}
    values["options"] = list(source.options or [])
    values["show_if_values"] = list(source.show_if_values or [])
    values["easy_read_options"] = list(source.easy_read_options or [])
    return Question(**(values | changes), bsl=copy_bsl(source.bsl))


def duplicate_question(actor: User, question: Question) -> Question:
    """Copy a question to just after itself."""
    survey = question.survey
    for other in survey.questions:
        if other.position > question.position:
            other.position += 1
    copy = _copy_question(question, position=question.position + 1, prompt=f"{question.prompt} (copy)"[:500])
    survey.questions.append(copy)
    audit.record(actor.id, "question_duplicated", copy)
    db.session.flush()
    return copy


def duplicate_survey(actor: User, survey: Survey) -> Survey:
    """Copy a survey and its questions as a new draft, conditions included."""
    copy = Survey(
        programme=survey.programme,
        slug=_unique_slug(f"{survey.title} copy"),
        title=f"{survey.title} (copy)"[:200],
        introduction=survey.introduction,
        privacy_text=survey.privacy_text,
        easy_read_introduction=survey.easy_read_introduction,
        resume_days=survey.resume_days,
        audience=survey.audience,
        panel_id=survey.panel_id,
        bsl=copy_bsl(survey.bsl),
        bsl_confirmation=copy_bsl(survey.bsl_confirmation),
        bsl_crisis=copy_bsl(survey.bsl_crisis),
    )
    db.session.add(copy)
    mapping: dict[int, Question] = {}
    for question in sorted(survey.questions, key=lambda q: q.position):
        new = _copy_question(question, position=question.position, show_if_question_id=None)
        copy.questions.append(new)
        mapping[question.id] = new
    db.session.flush()
    for question in survey.questions:
        if question.show_if_question_id in mapping:
            mapping[question.id].show_if_question_id = mapping[question.show_if_question_id].id
    audit.record(actor.id, "survey_duplicated", copy, f"from={survey.id}")
    db.session.flush()
    return copy


def add_equality_set(actor: User, survey: Survey) -> int:
    """Add the equality monitoring questions that the survey does not have yet. Returns how many."""
    present = {q.equality_key for q in survey.questions}
    added = 0
    for item in EQUALITY_SET:
        if item.key in present:
            continue
        survey.questions.append(
            Question(
                position=_next_position(survey),
                kind=QuestionKind.SHORT_TEXT if item.is_text else QuestionKind.SINGLE,
                prompt=item.prompt,
                hint=item.hint,
                options=list(item.options),
                required=False,
                max_length=40,
                equality_key=item.key,
                easy_read_prompt=item.easy_prompt,
            )
        )
        added += 1
    audit.record(actor.id, "equality_set_added", survey, f"questions={added}")
    db.session.flush()
    return added


EASY_READ_MAX_WORDS = 15
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def long_sentences(text: str) -> list[str]:
    """Sentences (or lines) of the text longer than easy read guidance allows."""
    return [s for s in _SENTENCE.split(text or "") if len(s.split()) > EASY_READ_MAX_WORDS]


def easy_read_warnings(survey: Survey) -> list[str]:
    """What is missing or too long in the survey's easy read version, question by question."""
    warnings = []
    if not survey.easy_read_introduction:
        warnings.append("The survey has no easy read introduction")
    elif long_sentences(survey.easy_read_introduction):
        warnings.append(f"Easy read introduction: a sentence has more than {EASY_READ_MAX_WORDS} words")
    for number, question in enumerate(survey.questions, start=1):
        if not question.easy_read_prompt:
            warnings.append(f"Question {number} has no easy read words")
        elif long_sentences(question.easy_read_prompt) or long_sentences(question.easy_read_hint):
            warnings.append(f"Question {number}: a sentence has more than {EASY_READ_MAX_WORDS} words")
    return warnings
