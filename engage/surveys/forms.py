"""Forms for respondents (one per question, built from the question) and for leads building surveys."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from engage.forms import NOT_OFFERED, MultiCheckboxField, NumberField, email_format, options, strip
from engage.forms import max_length as too_long
from engage.forms import required as needed

# Aliased: QuestionForm has fields named `required` and `max_length`, which would shadow the helpers.
from engage.media.storage import describe_size
from engage.notify.services import uk_mobile
from engage.surveys.models import KIND_LABELS, Question, QuestionKind


def answer_form(
    question: Question,
    easy: bool = False,
    bsl: bool = False,
    has_video: bool = False,
    language: str = "en",
    **kwargs: Any,
) -> FlaskForm:
    """A form with one field, `answer`, shaped by the question's kind, limits, required flag and format.

    In the BSL format a free-text question also takes a video of the answer instead of typing
    (`has_video`: one was sent before, so a required question is already answered).
    """
    if not (bsl and question.kind.is_text):

        class AnswerForm(FlaskForm):
            answer = answer_field(question, easy, language=language)

        return AnswerForm(**kwargs)

    class VideoAnswerForm(FlaskForm):
        answer = answer_field(question, easy, required=False, language=language)
        video = FileField(
            "Or upload a video of your answer in BSL",
            description=f"An MP4 or WebM video, smaller than {describe_size(current_app.config['VIDEO_MAX_BYTES'])}.",
        )

        def validate(self, extra_validators: Any = None) -> bool:
            valid = super().validate(extra_validators)
            if self.answer.data and self.video.data:
                self.video.errors = [*self.video.errors, "Type your answer or upload a video, not both"]
                return False
            if question.required and not (self.answer.data or self.video.data or has_video):
                self.answer.errors = [*self.answer.errors, "Type your answer, or upload a video of it in BSL"]
                return False
            return valid

    return VideoAnswerForm(**kwargs)


def answer_field(
    question: Question, easy: bool = False, *, required: bool | None = None, language: str = "en"
) -> Field:
    """The unbound field for one question, as a respondent (or a lead entering paper) answers it."""
    prompt, hint = question.wording(easy, language)
    needs_answer = question.required if required is None else required
    presence: list[Any] = [InputRequired(message=_missing_message(question))] if needs_answer else [Optional()]
    field: Field
    if question.kind.is_text:
        limit = Length(
            max=question.max_length, message=f"Your answer must be {question.max_length:,} characters or fewer"
        )
        cls = TextAreaField if question.kind == QuestionKind.LONG_TEXT else StringField
        field = cls(prompt, description=hint, filters=[strip], validators=[*presence, limit])
    elif question.kind == QuestionKind.MULTIPLE:
        field = MultiCheckboxField(
            prompt, description=hint, choices=options(question.choice_labels(easy, language)), validators=presence
        )
    else:
        field = RadioField(
            prompt,
            description=hint,
            choices=options(question.choice_labels(easy, language)),
            validators=presence,
            invalid_choice_message=NOT_OFFERED,
        )
    return field


def _missing_message(question: Question) -> str:
    if question.kind.is_text:
        return gettext("Enter your answer, or go back if you do not want to answer")
    if question.kind == QuestionKind.MULTIPLE:
        return gettext("Select at least one option")
    return gettext("Select an answer")


class ResumeForm(FlaskForm):
    code = StringField(
        "Your resume code",
        description="The 12-letter code you were given, for example ABCD-EFGH-JKMN.",
        filters=[strip],
        validators=[needed("Enter your resume code"), too_long(40, "The resume code")],
    )


class FormatForm(FlaskForm):
    format = RadioField(
        lazy_gettext("How would you like to answer?"),
        choices=options(
            [
                ("standard", lazy_gettext("Standard")),
                ("easy_read", lazy_gettext("Easy read: short sentences and pictures, in larger text")),
                (
                    "bsl",
                    lazy_gettext("British Sign Language (BSL): each question signed, and you can answer with a video"),
                ),
            ]
        ),
        default="standard",
        validators=[needed("Choose a format")],
        invalid_choice_message=NOT_OFFERED,
    )


class ResumeEmailForm(FlaskForm):
    code = HiddenField()
    email = EmailField(
        "Email address (optional)",
        description="We send the link and code to this address and do not keep it with your answers.",
        filters=[strip],
        validators=[needed("Enter an email address"), too_long(254, "Email address"), email_format()],
    )


class ResumeTextForm(FlaskForm):
    code = HiddenField()
    phone = TelField(
        "UK mobile number (optional)",
        description="For example, 07700 900 982. We text the link and code to it and do not keep it with your answers.",
        filters=[strip],
        validators=[needed("Enter a mobile number"), too_long(30, "The mobile number")],
    )

    def validate_phone(self, field: TelField) -> None:
        if uk_mobile(field.data or "") is None:
            raise ValidationError("Enter a UK mobile number, like 07700 900 982")


class ContactForm(FlaskForm):
    wants_updates = BooleanField(lazy_gettext("Tell me what changed because of what people said (“you said, we did”)"))
    may_contact = BooleanField(lazy_gettext("You can contact me about my answers"))
    wants_interpreter = BooleanField(
        lazy_gettext("I would like a BSL interpreter to contact me"),
        description=lazy_gettext("You agree that we keep your contact details so that an interpreter can reach you."),
    )
    name = StringField(lazy_gettext("Your name (optional)"), filters=[strip], validators=[too_long(120, "Your name")])
    email = EmailField(
        lazy_gettext("Email address"),
        filters=[strip],
        validators=[Optional(), too_long(254, "Email address"), email_format()],
    )
    phone = TelField(
        lazy_gettext("Phone number"),
        description=lazy_gettext(
            "For example, 07700 900 982. If you give a mobile and no email address, updates come by text."
        ),
        filters=[strip],
        validators=[too_long(40, "Phone number")],
    )

    # The same questions in easy read: short words, one idea each.
    EASY_READ = {
        "wants_updates": "Tell me what you changed because of what people said",
        "may_contact": "You can contact me about my answers",
        "wants_interpreter": "I want a BSL interpreter to contact me",
        "name": "Your name. You do not have to tell us",
        "email": "Your email address",
        "phone": "Your phone number",
    }

    def use_easy_read(self) -> None:
        for name, text in self.EASY_READ.items():
            self[name].label.text = text
        self.wants_interpreter.description = "We keep your contact details so the interpreter can reach you."

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here because the email field's Optional() stops its own validators when it is blank.
        consented = self.wants_updates.data or self.may_contact.data or self.wants_interpreter.data
        if consented and not (self.email.data or self.phone.data):
            self.email.errors = [
                *self.email.errors,
                gettext("Enter an email address or a phone number so we can reach you"),
            ]
            return False
        return valid

    def validate_phone(self, field: TelField) -> None:
        digits = "".join(ch for ch in field.data or "" if ch.isdigit())
        if field.data and not 10 <= len(digits) <= 13:
            raise ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")


class SurveyForm(FlaskForm):
    title = StringField(
        "Survey title", filters=[strip], validators=[needed("Enter a survey title"), too_long(200, "Survey title")]
    )
    introduction = TextAreaField(
        "Introduction",
        description="What the survey is about, how long it takes and what happens to the answers.",
        filters=[strip],
        validators=[needed("Enter an introduction"), too_long(4000, "Introduction")],
    )
    privacy_text = TextAreaField(
        "Privacy information",
        description="Who will see the answers and how long they are kept. Shown before the first question.",
        filters=[strip],
        validators=[needed("Enter privacy information"), too_long(4000, "Privacy information")],
    )
    opens_at = DateTimeLocalField("Opens (optional)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField("Closes (optional)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    resume_days = IntegerField(
        "Days to keep unfinished answers",
        description=(
            "People who save their progress can come back within this many days. "
            "After that, unfinished answers are deleted."
        ),
        default=7,
        validators=[
            InputRequired("Enter how many days to keep unfinished answers"),
            NumberRange(min=1, max=90, message="Enter a number of days from 1 to 90"),
        ],
    )

    easy_read_introduction = TextAreaField(
        "Easy read introduction (optional)",
        description="Short sentences, one idea per line, 15 words or fewer each.",
        filters=[strip],
        validators=[too_long(4000, "The easy read introduction")],
    )
    audience = SelectField(
        "Who can answer?",
        description="A panel-only survey asks people to sign in, and only that panel's members can answer.",
        coerce=int,
        default=0,
        invalid_choice_message=NOT_OFFERED,
    )

    def fields_dict(self) -> dict[str, Any]:
        names = (
            "title",
            "introduction",
            "privacy_text",
            "opens_at",
            "closes_at",
            "resume_days",
            "easy_read_introduction",
        )
        values = {name: getattr(self, name).data for name in names}
        return values | {
            "easy_read_introduction": values["easy_read_introduction"] or "",
            "panel_id": self.audience.data or None,
        }


class QuestionForm(FlaskForm):
    kind = SelectField(
        "Type of question",
        choices=options((kind.value, label) for kind, label in KIND_LABELS.items()),
        validators=[needed("Select a type of question")],
        invalid_choice_message=NOT_OFFERED,
    )
    prompt = TextAreaField(
        "Question", filters=[strip], validators=[needed("Enter the question"), too_long(500, "The question")]
    )
    hint = TextAreaField("Hint (optional)", filters=[strip], validators=[too_long(1000, "The hint")])
    required = BooleanField("People must answer this question")
    options = TextAreaField(
        "Options (for single and multiple choice)",
        description="One option per line. Include “Prefer not to say” where it fits.",
        filters=[strip],
        validators=[too_long(4000, "The options")],
    )
    scale_min = IntegerField(
        "Scale from",
        default=1,
        validators=[Optional(), NumberRange(min=0, max=10, message="Enter a number from 0 to 10")],
    )
    scale_max = IntegerField(
        "Scale to",
        default=5,
        validators=[Optional(), NumberRange(min=1, max=11, message="Enter a number from 1 to 11")],
    )
    scale_min_label = StringField(
        "Label for the lowest point",
        description="For example, Very poor.",
        filters=[strip],
        validators=[too_long(100, "The label")],
    )
    scale_max_label = StringField(
        "Label for the highest point",
        description="For example, Very good.",
        filters=[strip],
        validators=[too_long(100, "The label")],
    )
    max_length = IntegerField(
        "Longest answer allowed, in characters",
        default=1000,
        validators=[Optional(), NumberRange(min=10, max=10000, message="Enter a number from 10 to 10,000")],
    )
    content_warning = TextAreaField(
        "Content warning (optional)",
        description="Shown before a sensitive question, for example one about self-harm or past treatment.",
        filters=[strip],
        validators=[too_long(1000, "The content warning")],
    )
    easy_read_prompt = TextAreaField(
        "Easy read question (optional)",
        description="Short sentences, one idea per line, 15 words or fewer each.",
        filters=[strip],
        validators=[too_long(1000, "The easy read question")],
    )
    easy_read_hint = TextAreaField(
        "Easy read hint (optional)", filters=[strip], validators=[too_long(1000, "The easy read hint")]
    )
    easy_read_options = TextAreaField(
        "Easy read options (optional)",
        description="One per line, in the same order as the options (for scales, one per point; for yes or no, two).",
        filters=[strip],
        validators=[too_long(4000, "The easy read options")],
    )
    show_if_question_id = SelectField(
        "Show this question only if the answer to", coerce=int, default=0, invalid_choice_message=NOT_OFFERED
    )
    show_if_values = StringField(
        "includes one of these options",
        description=(
            "Type the options exactly as written, separated by a vertical bar (|). "
            "Leave both blank to always show the question."
        ),
        filters=[strip],
        validators=[too_long(1000, "The condition")],
    )

    def values(self) -> dict[str, Any]:
        """The question's values as the building service takes them."""
        kind = QuestionKind(self.kind.data)
        default_limit = 200 if kind == QuestionKind.SHORT_TEXT else 2000
        return {
            "kind": kind,
            "prompt": self.prompt.data,
            "hint": self.hint.data or "",
            "required": bool(self.required.data),
            "options": [line.strip() for line in (self.options.data or "").splitlines() if line.strip()],
            "scale_min": self.scale_min.data if self.scale_min.data is not None else 1,
            "scale_max": self.scale_max.data if self.scale_max.data is not None else 5,
            "scale_min_label": self.scale_min_label.data or "",
            "scale_max_label": self.scale_max_label.data or "",
            "max_length": self.max_length.data or default_limit,
            "content_warning": self.content_warning.data or "",
            "show_if_question_id": self.show_if_question_id.data or None,
            "show_if_values": [v.strip() for v in (self.show_if_values.data or "").split("|") if v.strip()],
            "easy_read_prompt": self.easy_read_prompt.data or "",
            "easy_read_hint": self.easy_read_hint.data or "",
            "easy_read_options": [
                line.strip() for line in (self.easy_read_options.data or "").splitlines() if line.strip()
            ],
        }


class StatusForm(FlaskForm):
    status = RadioField(
        "Status",
        choices=options(
            [
                ("draft", "Draft: only leads can see it"),
                ("open", "Open: people can answer"),
                ("closed", "Closed: no more answers"),
            ]
        ),
        validators=[needed("Select a status")],
        invalid_choice_message=NOT_OFFERED,
    )


class MediaForm(FlaskForm):
    """A survey's BSL introduction video; QuestionMediaForm adds the question's easy read picture."""

    video = FileField("BSL video", description="An MP4 or WebM file. Uploading a new one replaces the current video.")
    video_url = StringField(
        "Or link to the video on your organisation's media server",
        description="An https:// address.",
        filters=[strip],
        validators=[too_long(500, "The link")],
    )
    captions = FileField("Captions (WebVTT)", description="A .vtt file, so people can turn captions on.")
    transcript = TextAreaField(
        "English transcript",
        description="Shown beneath the video, word for word.",
        filters=[strip],
        validators=[too_long(4000, "The transcript")],
    )
    translated_by = StringField(
        "Translated by",
        description="The registered BSL translator's name and registration, for example NRCPD number.",
        filters=[strip],
        validators=[too_long(200, "Translated by")],
    )
    checked_by = StringField(
        "Checked by",
        description="A second registered translator or a Deaf BSL user who checked the video.",
        filters=[strip],
        validators=[too_long(200, "Checked by")],
    )
    remove_video = BooleanField("Remove the BSL video, captions and transcript")


class QuestionMediaForm(MediaForm):
    picture = FileField("Easy read picture", description="A PNG, JPEG or WebP picture, shown beside the words.")
    picture_alt = StringField(
        "Describe the picture",
        description="For people who cannot see it, for example “A person talking to a nurse”.",
        filters=[strip],
        validators=[too_long(300, "The description")],
    )
    remove_picture = BooleanField("Remove the picture")


class InterpretForm(FlaskForm):
    text = TextAreaField(
        "English interpretation",
        description="What the person signed, in English. This is what search, themes and quotes use.",
        filters=[strip],
        validators=[needed("Enter the English interpretation"), too_long(10000, "The interpretation")],
    )
    interpreter = StringField(
        "Interpreted by",
        filters=[strip],
        validators=[needed("Enter who interpreted the video"), too_long(200, "Interpreted by")],
    )


CHANNEL_CHOICES = [
    ("paper", "Paper form"),
    ("phone", "Phone call"),
    ("event", "Drop-in or event"),
]
FORMAT_CHOICES = [("standard", "Standard"), ("easy_read", "Easy read"), ("bsl", "British Sign Language (BSL)")]


def entry_form(survey: Any, **kwargs: Any) -> FlaskForm:
    """The assisted entry form: how the response came in, then every question at once, named q<id>."""

    class EntryForm(FlaskForm):
        channel = RadioField(
            "How did this response reach you?",
            choices=options(CHANNEL_CHOICES),
            default="paper",
            validators=[needed("Select how the response reached you")],
            invalid_choice_message=NOT_OFFERED,
        )
        formats = MultiCheckboxField(
            "Which format did they use?", choices=options(FORMAT_CHOICES), default=["standard"]
        )
        paper_number = StringField(
            "Paper form number (optional)",
            description="Written on the form, so the same form is not entered twice.",
            filters=[strip],
            validators=[too_long(20, "The paper form number")],
        )
        helper = StringField(
            "Who helped them answer (optional)",
            description="For example, a peer supporter or an interpreter. Recorded only if they agreed.",
            filters=[strip],
            validators=[too_long(200, "Who helped")],
        )
        helper_consent = BooleanField("They agreed that we record who helped them")

        def validate(self, extra_validators: Any = None) -> bool:
            valid = super().validate(extra_validators)
            if self.helper.data and not self.helper_consent.data:
                self.helper_consent.errors = [
                    *self.helper_consent.errors,
                    "Confirm they agreed, or leave “who helped” blank",
                ]
                return False
            if valid and not any(answer.data for _, answer in self.answer_fields()):
                self.form_errors.append("Enter at least one answer: this response is empty")
                return False
            return valid

        def answer_fields(self) -> list[tuple[Any, Field]]:
            return [(question, self[f"q{question.id}"]) for question in survey.questions]

    for question in survey.questions:
        # Conditions are checked when the response is stored, so no question is required here.
        setattr(EntryForm, f"q{question.id}", answer_field(question, required=False))
    return EntryForm(**kwargs)


class ReferenceForm(FlaskForm):
    life = NumberField(
        "Reference for subjective quality of life (optional)",
        description="A mean from 1 to 7, for example from a published study of people like yours.",
        validators=[Optional(), NumberRange(1, 7, "Enter a number from 1 to 7")],
    )
    treatment = NumberField(
        "Reference for treatment satisfaction (optional)",
        description="A mean from 1 to 7.",
        validators=[Optional(), NumberRange(1, 7, "Enter a number from 1 to 7")],
    )
    source = StringField(
        "Where the figures come from",
        description="For example, the study's authors, year and the group it measured.",
        filters=[strip],
        validators=[too_long(300, "The source")],
    )
