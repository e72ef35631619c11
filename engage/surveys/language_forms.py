"""Forms for offering a survey in other languages and translating answers into English."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField, TextAreaField

from engage.forms import NOT_OFFERED, options, strip
from engage.forms import max_length as too_long
from engage.forms import required as needed
from engage.surveys.languages import LANGUAGES
from engage.surveys.models import Survey
from engage.surveys.translating import QuestionWords, Translation


class AddLanguageForm(FlaskForm):
    code = SelectField("Add a language", invalid_choice_message=NOT_OFFERED)

    def offer(self, survey: Survey) -> None:
        present = {language.code for language in survey.languages}
        self.code.choices = options(
            (code, f"{name} ({own})") for code, (name, own, _) in LANGUAGES.items() if code not in present
        )


def translation_form(survey: Survey, **kwargs: Any) -> FlaskForm:
    """Every text of the survey to translate, each field headed by the English it translates."""

    class TranslationForm(FlaskForm):
        introduction = TextAreaField("Introduction", filters=[strip], validators=[too_long(10000, "The introduction")])
        confirmation = TextAreaField(
            "After sending: thank you and what happens next",
            description="Shown on the confirmation page, above the English.",
            filters=[strip],
            validators=[too_long(5000, "The confirmation")],
        )
        crisis = TextAreaField(
            "If you need help now",
            description="Shown on the crisis card above the phone numbers, which stay as they are.",
            filters=[strip],
            validators=[too_long(5000, "The crisis text")],
        )
        translated_by = StringField(
            "Translated by",
            description="The translator or agency, as for BSL videos.",
            filters=[strip],
            validators=[too_long(200, "Translated by")],
        )
        checked_by = StringField(
            "Checked by",
            description="A second qualified translator. Until someone is named here, respondents are told the "
            "translation is still to be checked.",
            filters=[strip],
            validators=[too_long(200, "Checked by")],
        )

        def question_fields(self) -> list[tuple[Any, Field, Field, Field | None]]:
            return [
                (
                    q,
                    self[f"q{q.id}_prompt"],
                    self[f"q{q.id}_hint"],
                    self[f"q{q.id}_options"] if q.kind.is_choice else None,
                )
                for q in survey.questions
            ]

        def translation(self) -> Translation:
            words = Translation(
                introduction=self.introduction.data or "",
                confirmation=self.confirmation.data or "",
                crisis=self.crisis.data or "",
                translated_by=self.translated_by.data or "",
                checked_by=self.checked_by.data or "",
            )
            for question, prompt, hint, choices in self.question_fields():
                lines = (choices.data or "").splitlines() if choices is not None else []
                words.questions[question.id] = QuestionWords(
                    prompt.data or "", hint.data or "", [line.strip() for line in lines]
                )
            return words

    for number, question in enumerate(survey.questions, start=1):
        setattr(
            TranslationForm,
            f"q{question.id}_prompt",
            StringField(f"Question {number}", filters=[strip], validators=[too_long(500, "The question")]),
        )
        setattr(TranslationForm, f"q{question.id}_hint", TextAreaField(f"Question {number} hint", filters=[strip]))
        if question.kind.is_choice:
            setattr(
                TranslationForm,
                f"q{question.id}_options",
                TextAreaField(f"Question {number} options, one per line, in the same order", filters=[strip]),
            )
    return TranslationForm(**kwargs)


def filled(survey: Survey, code: str) -> dict[str, Any]:
    """The form's starting data: what is translated so far."""
    language = survey.translation(code)
    data: dict[str, Any] = {
        name: getattr(language, name)
        for name in ("introduction", "confirmation", "crisis", "translated_by", "checked_by")
    }
    for question in survey.questions:
        translated = question.translation(code)
        if translated is not None:
            data[f"q{question.id}_prompt"], data[f"q{question.id}_hint"] = translated.prompt, translated.hint
            data[f"q{question.id}_options"] = "\n".join(translated.options)
    return data


class AnswerTranslationForm(FlaskForm):
    text = TextAreaField(
        "English translation",
        description="What the person wrote, in English. This is what search, themes and quotes use.",
        filters=[strip],
        validators=[needed("Enter the English translation"), too_long(10000, "The translation")],
    )
    translator = StringField(
        "Translated by", filters=[strip], validators=[needed("Enter who translated it"), too_long(200, "Translated by")]
    )
