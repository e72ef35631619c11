"""Ready-made instruments a lead copies into a survey, each scored as its authors define it.

- The NHS Friends and Family Test (2020 question). NHS England reports the share of positive answers: "very
  good" and "good" out of every answer, "don't know" included; and the share of negative ones the same way.
- DIALOG (Priebe and colleagues): satisfaction with eight life domains and three parts of treatment, each from
  1 (totally dissatisfied) to 7 (totally satisfied). A person's subjective quality of life is the mean of their
  life domain ratings, their treatment satisfaction the mean of their treatment ratings; Engage reports the mean
  of those over people, counting someone who rated at least 6 of the 8 domains (or 2 of the 3 treatment items).

Each copied question remembers its instrument and item. A lead who changes a question's wording, kind or
answers turns its scoring off, and the results say so, rather than score something the definition does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

from sqlalchemy import Select, delete, select

from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.surveys.models import Answer, Question, QuestionKind, ScoreReference, Survey


@dataclass(frozen=True)
class Item:
    key: str
    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()
    hint: str = ""
    easy_prompt: str = ""
    group: str = ""  # DIALOG: "life" or "treatment"


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    about: str
    items: tuple[Item, ...]


FFT_ANSWERS = ("Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know")
DIALOG_ANSWERS = (
    "Totally dissatisfied",
    "Very dissatisfied",
    "Fairly dissatisfied",
    "In the middle",
    "Fairly satisfied",
    "Very satisfied",
    "Totally satisfied",
)
DIALOG_LIFE = (
    ("mental_health", "your mental health"),
    ("physical_health", "your physical health"),
    ("job", "your job situation"),
    ("accommodation", "your accommodation"),
    ("leisure", "your leisure activities"),
    ("partner_family", "your relationship with your partner or family"),
    ("friendships", "your friendships"),
    ("safety", "your personal safety"),
)
DIALOG_TREATMENT = (
    ("medication", "your medication"),
    ("practical_help", "the practical help you receive"),
    ("meetings", "your meetings with mental health professionals"),
)

INSTRUMENTS = {
    "fft": Instrument(
        "fft",
        "NHS Friends and Family Test",
        "The 2020 question and its six answers, with a free-text follow-up. Scored as NHS England does: "
        "the share of all answers that are very good or good.",
        (
            Item(
                "rating",
                QuestionKind.SINGLE,
                "Overall, how was your experience of our service?",
                FFT_ANSWERS,
                easy_prompt="How was our service?",
            ),
            Item("why", QuestionKind.LONG_TEXT, "Please can you tell us why you gave your answer?"),
        ),
    ),
    "dialog": Instrument(
        "dialog",
        "DIALOG",
        "Satisfaction with 8 parts of life and 3 parts of treatment, each from 1 (totally dissatisfied) to 7 "
        "(totally satisfied), giving subscores for subjective quality of life and treatment satisfaction.",
        tuple(
            Item(key, QuestionKind.SINGLE, f"How satisfied are you with {words}?", DIALOG_ANSWERS, group=group)
            for group, domains in (("life", DIALOG_LIFE), ("treatment", DIALOG_TREATMENT))
            for key, words in domains
        ),
    ),
}
# The parts of a question whose change turns its scoring off: what the definition scores.
SCORED_FIELDS = ("prompt", "kind", "options", "scale_min", "scale_max")


def add_instrument(actor: User, survey: Survey, key: str) -> int:
    """Copy an instrument's questions to the end of the survey (those it has already are not added twice)."""
    instrument = INSTRUMENTS[key]
    present = {(q.instrument, q.instrument_item) for q in survey.questions}
    position = max((q.position for q in survey.questions), default=0)
    added = 0
    for item in instrument.items:
        if (key, item.key) in present:
            continue
        position += 1
        survey.questions.append(
            Question(
                position=position,
                kind=item.kind,
                prompt=item.prompt,
                hint=item.hint,
                options=list(item.options),
                easy_read_prompt=item.easy_prompt,
                instrument=key,
                instrument_item=item.key,
            )
        )
        added += 1
    audit.record(actor.id, "instrument_added", survey, f"instrument={key} questions={added}")
    db.session.flush()
    return added


def keep_scoring(question: Question, values: dict[str, object]) -> bool:
    """Whether an edit leaves an instrument question scorable; if not, its scoring is turned off here."""
    if question.instrument is None:
        return True
    if all(values.get(name, getattr(question, name)) == getattr(question, name) for name in SCORED_FIELDS):
        return True
    question.instrument, question.instrument_item = None, None
    return False


@dataclass
class FftScore:
    counts: list[tuple[str, int]]
    total: int
    positive: float | None  # per cent; None with no answers
    negative: float | None


@dataclass
class DialogScore:
    items: list[tuple[str, float | None, int]]  # (what is rated, mean 1 to 7, people who rated it)
    quality_of_life: float | None
    quality_of_life_people: int
    treatment: float | None
    treatment_people: int


@dataclass
class InstrumentResult:
    instrument: Instrument
    missing: list[Item]  # items changed or removed: scoring is off while any is missing
    fft: FftScore | None = None
    dialog: DialogScore | None = None

    @property
    def scored(self) -> bool:
        return not self.missing


def results(survey: Survey, response_ids: Select[tuple[int]]) -> list[InstrumentResult]:
    """The survey's instruments scored over these responses, or the items whose change turned scoring off."""
    found = []
    for key, instrument in INSTRUMENTS.items():
        questions = {q.instrument_item: q for q in survey.questions if q.instrument == key}
        if not questions:
            continue
        missing = [item for item in instrument.items if item.key not in questions]
        result = InstrumentResult(instrument, missing)
        if not missing:
            items = {questions[item.key].id: item for item in instrument.items}
            answers = _choices(items, response_ids)
            rated = [(response, items[question], choice) for question, response, choice in answers]
            if key == "fft":
                result.fft = score_fft([choice for _, item, choice in rated if item.key == "rating"])
            else:
                result.dialog = score_dialog(rated)
        found.append(result)
    return found


def _choices(items: dict[int, Item], response_ids: Select[tuple[int]]) -> list[tuple[int, int, str]]:
    """(question id, response id, the option chosen) for each answered question."""
    query = select(Answer.question_id, Answer.response_id, Answer.choices).where(
        Answer.question_id.in_(list(items)), Answer.response_id.in_(response_ids)
    )
    return [(question, response, choices[0]) for question, response, choices in db.session.execute(query) if choices]


def score_fft(answers: list[str]) -> FftScore:
    """NHS England's scoring: positive = (very good + good) / every answer, "don't know" included."""
    counts = [(answer, answers.count(answer)) for answer in FFT_ANSWERS]
    total = len(answers)
    if not total:
        return FftScore(counts, 0, None, None)
    share = dict(counts)
    positive = 100 * (share["Very good"] + share["Good"]) / total
    negative = 100 * (share["Poor"] + share["Very poor"]) / total
    return FftScore(counts, total, round(positive, 1), round(negative, 1))


# The fewest ratings a person's subscale mean is taken from.
LEAST_LIFE, LEAST_TREATMENT = 6, 2


def score_dialog(rated: list[tuple[int, Item, str]]) -> DialogScore:
    """Each item's mean rating, and the mean over people of each person's subscale means."""
    ratings: dict[int, dict[str, list[int]]] = {}
    by_item: dict[str, list[int]] = {}
    for response, item, choice in rated:
        if choice not in DIALOG_ANSWERS:
            continue
        score = DIALOG_ANSWERS.index(choice) + 1
        by_item.setdefault(item.key, []).append(score)
        ratings.setdefault(response, {}).setdefault(item.group, []).append(score)
    items = []
    for item in INSTRUMENTS["dialog"].items:
        scores = by_item.get(item.key, [])
        items.append((item.prompt, round(mean(scores), 2) if scores else None, len(scores)))
    life = [mean(groups["life"]) for groups in ratings.values() if len(groups.get("life", [])) >= LEAST_LIFE]
    treatment = [
        mean(groups["treatment"]) for groups in ratings.values() if len(groups.get("treatment", [])) >= LEAST_TREATMENT
    ]
    return DialogScore(
        items,
        round(mean(life), 2) if life else None,
        len(life),
        round(mean(treatment), 2) if treatment else None,
        len(treatment),
    )


def references(survey: Survey) -> dict[str, ScoreReference]:
    """The reference lines a lead set for this survey's scores, by scale."""
    query = select(ScoreReference).where(ScoreReference.survey_id == survey.id)
    return {reference.scale: reference for reference in db.session.execute(query).scalars()}


def set_references(actor: User, survey: Survey, values: dict[str, float | None], source: str) -> None:
    """Set (or, with None, remove) each scale's reference line; a line needs its source."""
    if any(value is not None for value in values.values()) and not source:
        raise EngageError("Say where the reference figures come from", "source")
    db.session.execute(delete(ScoreReference).where(ScoreReference.survey_id == survey.id))
    for scale, value in values.items():
        if value is not None:
            db.session.add(ScoreReference(survey_id=survey.id, scale=scale, value=value, source=source))
    audit.record(actor.id, "score_references_set", survey)
    db.session.flush()
