"""Surveys, their questions, and the responses people give, in every format and channel."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.media.models import MediaFile
from engage.modeltypes import db_enum
from engage.programmes.models import Programme
from engage.timeutil import utcnow


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE = "single_choice"
    MULTIPLE = "multiple_choice"
    SCALE = "scale"
    YES_NO = "yes_no"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def is_text(self) -> bool:
        return self in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)

    @property
    def is_choice(self) -> bool:
        return not self.is_text


KIND_LABELS = {
    QuestionKind.SHORT_TEXT: "Short text",
    QuestionKind.LONG_TEXT: "Long text",
    QuestionKind.SINGLE: "Single choice",
    QuestionKind.MULTIPLE: "Multiple choice",
    QuestionKind.SCALE: "Scale",
    QuestionKind.YES_NO: "Yes or no",
}


class Channel(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    PHONE = "phone"
    EVENT = "event"
    IMPORT = "import"

    @property
    def label(self) -> str:
        return {"event": "Drop-in or event", "import": "Another survey tool"}.get(self.value, self.value.capitalize())


class Format(enum.StrEnum):
    STANDARD = "standard"
    EASY_READ = "easy_read"
    BSL = "bsl"

    @property
    def label(self) -> str:
        return {"easy_read": "Easy read", "bsl": "BSL"}.get(self.value, self.value.capitalize())


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class BslVideo(db.Model):
    """The signed version of a survey's introduction or of one question, with captions and transcript."""

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id", ondelete="SET NULL"))
    # Or a link to the video on the organisation's own media server (one of MEDIA_HOSTS).
    video_url: Mapped[str] = mapped_column(String(500), default="")
    captions_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id", ondelete="SET NULL"))
    transcript: Mapped[str] = mapped_column(Text, default="")
    # The NHS BSL quality standard asks for registered translators, and a second person to check.
    translated_by: Mapped[str] = mapped_column(String(200), default="")
    checked_by: Mapped[str] = mapped_column(String(200), default="")
    # Demo placeholders say so on the page.
    is_demo: Mapped[bool] = mapped_column(default=False)

    video: Mapped[MediaFile | None] = relationship(foreign_keys=[video_id])
    captions: Mapped[MediaFile | None] = relationship(foreign_keys=[captions_id])

    @property
    def has_video(self) -> bool:
        return self.video is not None or bool(self.video_url)


class Survey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    privacy_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SurveyStatus] = mapped_column(db_enum(SurveyStatus), default=SurveyStatus.DRAFT)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # "public", or "panel" with panel_id naming the panel whose members may answer.
    audience: Mapped[str] = mapped_column(String(20), default="public")
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id", ondelete="SET NULL"))
    # Days an unsubmitted response is kept for its respondent to come back to.
    resume_days: Mapped[int] = mapped_column(default=7)
    easy_read_introduction: Mapped[str] = mapped_column(Text, default="")
    bsl_id: Mapped[int | None] = mapped_column(ForeignKey("bsl_video.id", ondelete="SET NULL"))
    # Signed versions of the confirmation ("thank you, what happens next") and of where to get help now.
    bsl_confirmation_id: Mapped[int | None] = mapped_column(ForeignKey("bsl_video.id", ondelete="SET NULL"))
    bsl_crisis_id: Mapped[int | None] = mapped_column(ForeignKey("bsl_video.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    bsl: Mapped[BslVideo | None] = relationship(foreign_keys=[bsl_id])
    bsl_confirmation: Mapped[BslVideo | None] = relationship(foreign_keys=[bsl_confirmation_id])
    bsl_crisis: Mapped[BslVideo | None] = relationship(foreign_keys=[bsl_crisis_id])
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )
    languages: Mapped[list[SurveyLanguage]] = relationship(
        back_populates="survey", order_by="SurveyLanguage.code", cascade="all, delete-orphan"
    )

    def translation(self, code: str) -> SurveyLanguage | None:
        """The survey's words in one of the languages it is offered in (None: not offered in it)."""
        return next((language for language in self.languages if language.code == code), None)

    def is_open_at(self, moment: datetime) -> bool:
        """Open for answers: status open and, where dates are set, between them."""
        if self.status != SurveyStatus.OPEN:
            return False
        if self.opens_at and moment < self.opens_at:
            return False
        return not (self.closes_at and moment >= self.closes_at)

    @property
    def is_open(self) -> bool:
        return self.is_open_at(utcnow())

    @property
    def paper_reference(self) -> str:
        """Printed on paper copies, so that returns are matched to this survey."""
        return f"ENG-S{self.id:04d}"


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(db_enum(QuestionKind))
    prompt: Mapped[str] = mapped_column(String(500))
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    scale_min_label: Mapped[str] = mapped_column(String(100), default="")
    scale_max_label: Mapped[str] = mapped_column(String(100), default="")
    max_length: Mapped[int] = mapped_column(default=1000)
    content_warning: Mapped[str] = mapped_column(Text, default="")
    # Show this question only if the earlier choice question's answer includes one of these options.
    show_if_question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"))
    show_if_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Set on the questions of the equality monitoring set, for example "ethnicity".
    equality_key: Mapped[str | None] = mapped_column(String(40))
    # Set on a ready-made instrument's questions (see surveys.instruments), for example "dialog" and "job";
    # cleared when a change to the question would make its scoring wrong.
    instrument: Mapped[str | None] = mapped_column(String(20))
    instrument_item: Mapped[str | None] = mapped_column(String(40))
    easy_read_prompt: Mapped[str] = mapped_column(Text, default="")
    easy_read_hint: Mapped[str] = mapped_column(Text, default="")
    easy_read_options: Mapped[list[str]] = mapped_column(JSON, default=list)
    easy_read_image_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id", ondelete="SET NULL"))
    easy_read_image_alt: Mapped[str] = mapped_column(String(300), default="")
    bsl_id: Mapped[int | None] = mapped_column(ForeignKey("bsl_video.id", ondelete="SET NULL"))

    survey: Mapped[Survey] = relationship(back_populates="questions")
    easy_read_image: Mapped[MediaFile | None] = relationship()
    bsl: Mapped[BslVideo | None] = relationship()
    show_if_question: Mapped[Question | None] = relationship(remote_side=[id])
    translations: Mapped[list[QuestionTranslation]] = relationship(
        back_populates="question", cascade="all, delete-orphan"
    )

    def translation(self, code: str) -> QuestionTranslation | None:
        return next((t for t in self.translations if t.code == code), None)

    def choices(self) -> list[str]:
        """The answer options a respondent picks from."""
        if self.kind == QuestionKind.YES_NO:
            return ["Yes", "No"]
        if self.kind == QuestionKind.SCALE:
            return [str(n) for n in range(self.scale_min, self.scale_max + 1)]
        return list(self.options or [])

    def wording(self, easy: bool, language: str = "en") -> tuple[str, str]:
        """The question and hint in the chosen language and format, falling back to the standard English words."""
        translated = self.translation(language) if language != "en" else None
        if translated is not None and translated.prompt:
            return translated.prompt, translated.hint
        if easy and self.easy_read_prompt:
            return self.easy_read_prompt, self.easy_read_hint
        return self.prompt, self.hint

    def is_translated(self, language: str) -> bool:
        """Whether the question's own words exist in this language (English always does)."""
        translated = self.translation(language) if language != "en" else None
        return language == "en" or (translated is not None and bool(translated.prompt))

    def choice_labels(self, easy: bool = False, language: str = "en") -> list[tuple[str, str]]:
        """(value, text shown) pairs; scale ends carry their labels; translated or easy read words where written.

        The values are always the standard English options, so every language and format adds to one dataset.
        """
        standard = self._standard_labels()
        translated = self.translation(language) if language != "en" else None
        if translated is not None and len(translated.options) == len(standard):
            return [(value, words) for (value, _), words in zip(standard, translated.options, strict=True)]
        easy_words = self.easy_read_options or []
        if easy and len(easy_words) == len(standard):
            return [(value, words) for (value, _), words in zip(standard, easy_words, strict=True)]
        return standard

    def _standard_labels(self) -> list[tuple[str, str]]:
        labels = []
        for value in self.choices():
            text = value
            if self.kind == QuestionKind.SCALE:
                if value == str(self.scale_min) and self.scale_min_label:
                    text = f"{value} – {self.scale_min_label}"
                elif value == str(self.scale_max) and self.scale_max_label:
                    text = f"{value} – {self.scale_max_label}"
            labels.append((value, text))
        return labels


class Response(db.Model):
    # A paper form's number is entered once per survey, so the same form is never keyed twice.
    __table_args__ = (
        UniqueConstraint("survey_id", "paper_number", name="uq_response_survey_id_paper_number"),
        CheckConstraint("imd_decile BETWEEN 1 AND 10", name="imd_decile_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[ResponseStatus] = mapped_column(db_enum(ResponseStatus), default=ResponseStatus.IN_PROGRESS)
    channel: Mapped[Channel] = mapped_column(db_enum(Channel), default=Channel.ONLINE)
    # Every format the respondent used, comma-separated in the order first used.
    formats: Mapped[str] = mapped_column(String(40), default=Format.STANDARD.value)
    current_format: Mapped[Format] = mapped_column(db_enum(Format), default=Format.STANDARD)
    # Keyed hashes of the browser's draft token and of the resume code: the raw values are never stored.
    draft_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    # Who helped (a peer supporter, an interpreter), recorded only with the respondent's consent.
    assisted_by: Mapped[str] = mapped_column(String(200), default="")
    paper_number: Mapped[str | None] = mapped_column(String(20))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Where a demo or imported response came from (for example "phase1_text_data.csv row 812").
    source: Mapped[str] = mapped_column(String(200), default="")
    # The language the respondent chose ("en", or a code from surveys.languages).
    language: Mapped[str] = mapped_column(String(10), default="en")
    # The Index of Multiple Deprivation decile of the postcode the respondent gave (1 most deprived), looked up
    # as the answer was saved; the postcode itself is not kept.
    imd_decile: Mapped[int | None]

    survey: Mapped[Survey] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")

    @property
    def format_list(self) -> list[Format]:
        return [Format(value) for value in self.formats.split(",") if value]

    def answer_for(self, question_id: int) -> Answer | None:
        return next((a for a in self.answers if a.question_id == question_id), None)


class Answer(db.Model):
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A BSL answer: the video is the source; `text` holds its English interpretation once recorded,
    # and only then does the answer count in search, analysis and quotes.
    video_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id", ondelete="SET NULL"))
    interpreted_by: Mapped[str] = mapped_column(String(200), default="")
    interpreted_at: Mapped[datetime | None]
    # Words typed in another language: kept as written here, with `text` empty until a translator records the
    # English (then interpreted_by and interpreted_at say who and when), as for a BSL answer.
    original_text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    video: Mapped[MediaFile | None] = relationship()

    @property
    def awaiting_interpretation(self) -> bool:
        return self.video_id is not None and self.interpreted_at is None

    @property
    def awaiting_translation(self) -> bool:
        return bool(self.original_text) and self.interpreted_at is None

    @property
    def display(self) -> str:
        if self.awaiting_interpretation:
            return "[BSL video answer, awaiting interpretation]"
        if self.awaiting_translation:
            return f"[Awaiting translation] {self.original_text}"
        return self.text if self.question.kind.is_text else "; ".join(self.choices)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.original_text.strip() and not self.choices and self.video_id is None


class SurveyLanguage(db.Model):
    """A language a survey is offered in: its own words for the introduction, confirmation and crisis text, and
    who translated them and who checked (questions are translated in QuestionTranslation)."""

    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    introduction: Mapped[str] = mapped_column(Text, default="")
    confirmation: Mapped[str] = mapped_column(Text, default="")
    crisis: Mapped[str] = mapped_column(Text, default="")
    translated_by: Mapped[str] = mapped_column(String(200), default="")
    checked_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="languages")

    def __repr__(self) -> str:
        return f"<SurveyLanguage {self.survey_id} {self.code}>"


class QuestionTranslation(db.Model):
    __table_args__ = (UniqueConstraint("question_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(String(500), default="")
    hint: Mapped[str] = mapped_column(Text, default="")
    # In the order of the English options; an empty list: not translated yet.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)

    question: Mapped[Question] = relationship(back_populates="translations")

    def __repr__(self) -> str:
        return f"<QuestionTranslation {self.question_id} {self.code}>"


class ScoreReference(db.Model):
    """A published figure a lead compares an instrument's score with, such as DIALOG's mean in a trial."""

    __table_args__ = (
        UniqueConstraint("survey_id", "scale"),
        CheckConstraint("value >= 1 AND value <= 7", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    scale: Mapped[str] = mapped_column(String(40))  # "dialog_life" or "dialog_treatment"
    value: Mapped[float]
    source: Mapped[str] = mapped_column(String(300))

    def __repr__(self) -> str:
        return f"<ScoreReference {self.scale}={self.value}>"


class Contact(db.Model):
    """Contact details and consent, kept apart from the answers they came with."""

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    may_contact: Mapped[bool] = mapped_column(default=False)
    wants_updates: Mapped[bool] = mapped_column(default=False)
    wants_interpreter: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
