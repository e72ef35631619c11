"""Offering a survey in other languages: the translators' words for every text, how much is translated, and
answers written in another language put into English before they are themed or quoted."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.signals import text_written
from engage.surveys.languages import LANGUAGES
from engage.surveys.models import Answer, QuestionTranslation, Response, ResponseStatus, Survey, SurveyLanguage
from engage.timeutil import utcnow


@dataclass
class QuestionWords:
    prompt: str = ""
    hint: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Translation:
    introduction: str = ""
    confirmation: str = ""
    crisis: str = ""
    translated_by: str = ""
    checked_by: str = ""
    questions: dict[int, QuestionWords] = field(default_factory=dict)


def add_language(actor: User, survey: Survey, code: str) -> SurveyLanguage:
    """Offer the survey in another language (its words start empty: respondents see English until translated)."""
    if code not in LANGUAGES:
        raise EngageError("Choose a language from the list", "code")
    if survey.translation(code) is not None:
        raise EngageError("The survey is already offered in this language", "code")
    language = SurveyLanguage(code=code)
    survey.languages.append(language)
    audit.record(actor.id, "survey_language_added", survey, f"language={code}")
    db.session.flush()
    return language


def remove_language(actor: User, survey: Survey, code: str) -> None:
    """Stop offering a language; its translations go (answers already given in it keep their words)."""
    language = survey.translation(code)
    if language is None:
        return
    survey.languages.remove(language)
    for question in survey.questions:
        if (translated := question.translation(code)) is not None:
            question.translations.remove(translated)
    audit.record(actor.id, "survey_language_removed", survey, f"language={code}")
    db.session.flush()


def save(actor: User, survey: Survey, code: str, words: Translation) -> None:
    """Store a translation, with who made it. Blank texts are allowed (respondents see English, with a note), but
    not a translation with none at all; translated options must match the English ones in number, so every
    language adds to one dataset."""
    language = survey.translation(code)
    if language is None:
        raise EngageError("The survey is not offered in this language")
    texts = [words.introduction, words.confirmation, words.crisis]
    texts += [text for given in words.questions.values() for text in (given.prompt, given.hint, *given.options)]
    if not any(text.strip() for text in texts):
        raise EngageError(
            "Enter at least one translation. To stop offering this language, remove it on the languages page",
            "introduction",
        )
    if not words.translated_by:
        raise EngageError("Enter who translated it", "translated_by")
    for question in survey.questions:
        given = words.questions.get(question.id, QuestionWords())
        options = [o for o in given.options if o.strip()]
        expected = question.choices() if question.kind.is_choice else []
        if options and len(options) != len(expected):
            raise EngageError(
                f"Give one translated option for each of the {len(expected)} options, in the same order, "
                "or leave them all empty",
                f"q{question.id}_options",
            )
        translated = question.translation(code)
        if translated is None:
            translated = QuestionTranslation(code=code)
            question.translations.append(translated)
        translated.prompt, translated.hint, translated.options = given.prompt, given.hint, options
    language.introduction, language.confirmation, language.crisis = (
        words.introduction,
        words.confirmation,
        words.crisis,
    )
    language.translated_by, language.checked_by = words.translated_by, words.checked_by
    audit.record(actor.id, "survey_translated", survey, f"language={code}")
    db.session.flush()


def coverage(survey: Survey, code: str) -> tuple[int, int]:
    """(texts translated, texts there are) in this language: the introduction, confirmation and crisis text,
    and each question's wording, hint (where it has one) and options."""
    language = survey.translation(code)
    done = sum(bool(getattr(language, name, "")) for name in ("introduction", "confirmation", "crisis"))
    total = 3
    for question in survey.questions:
        translated = question.translation(code)
        parts = [(True, bool(translated and translated.prompt))]
        parts.append((bool(question.hint), bool(translated and translated.hint)))
        parts.append((question.kind.is_choice, bool(translated and translated.options)))
        total += sum(1 for needed, _ in parts if needed)
        done += sum(1 for needed, present in parts if needed and present)
    return done, total


def awaiting_query(survey: Survey) -> Select[tuple[Answer]]:
    """Sent answers written in another language that have no English yet, oldest first."""
    return (
        select(Answer)
        .join(Response)
        .where(
            Response.survey_id == survey.id,
            Response.status == ResponseStatus.SUBMITTED,
            Answer.original_text != "",
            Answer.interpreted_at.is_(None),
        )
        .order_by(Response.submitted_at, Answer.id)
    )


def awaiting_count(survey: Survey) -> int:
    return db.session.execute(select(func.count()).select_from(awaiting_query(survey).subquery())).scalar_one()


def translate_answer(actor: User, answer: Answer, english: str, translator: str) -> None:
    """Record the English of an answer written in another language: from now on it counts in search, themes and
    quotes, and the English is screened for risk (the original was screened as it was saved)."""
    if not english.strip():
        raise EngageError("Enter the English translation", "text")
    answer.text, answer.interpreted_by, answer.interpreted_at = english, translator, utcnow()
    audit.record(actor.id, "answer_translated", answer, f"response={answer.response_id}")
    db.session.flush()
    text_written.send(None, source=answer)
