"""Named operations for the accessible formats: easy read pictures, BSL videos, BSL answers and assisted entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.media.models import MediaFile, MediaKind
from engage.media.storage import UploadError, discard, store
from engage.signals import text_written
from engage.surveys.answering import (
    SurveyClosedError,
    finish_submission,
    keep_area,
    new_reference,
    visible_questions,
)
from engage.surveys.models import (
    Answer,
    BslVideo,
    Channel,
    Contact,
    Format,
    Question,
    Response,
    ResponseStatus,
    Survey,
)
from engage.throttle import allow, client_key
from engage.timeutil import utcnow


class FormatError(EngageError):
    """A change to a survey's formats or an assisted response that cannot be made."""


@dataclass
class MediaChanges:
    """What a lead set on a survey's or question's formats page. Streams are uploads (None: keep as is)."""

    picture: IO[bytes] | None = None
    picture_alt: str = ""
    remove_picture: bool = False
    video: IO[bytes] | None = None
    video_url: str = ""
    captions: IO[bytes] | None = None
    transcript: str = ""
    translated_by: str = ""
    checked_by: str = ""
    remove_video: bool = False


def check_video_url(url: str) -> None:
    """Linked videos must come over HTTPS from one of the organisation's own media servers."""
    hosts = list(current_app.config["MEDIA_HOSTS"])
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.hostname not in hosts:
        allowed = ", ".join(hosts) if hosts else "none is set up yet, so upload the video instead"
        raise FormatError(f"Link to a video on your organisation's media server ({allowed})", "video_url")


# A survey's BSL video slots (the attribute holding each), with what each is for.
SURVEY_VIDEOS = {
    "bsl": "BSL introduction video",
    "bsl_confirmation": "BSL confirmation video",
    "bsl_crisis": "BSL video on getting help now",
}


def update_media(actor: User, owner: Survey | Question, changes: MediaChanges, slot: str = "bsl") -> None:
    """Apply a formats page: store new files, replace or remove old ones, all or nothing. A survey has a BSL
    video in each of SURVEY_VIDEOS's slots; a question has one, in `bsl`."""
    survey = owner if isinstance(owner, Survey) else owner.survey
    replaced: list[MediaFile | None] = []

    def keep(stream: IO[bytes], kind: MediaKind, name: str) -> MediaFile:
        try:
            return store(stream, kind, programme_id=survey.programme_id)
        except UploadError as error:
            raise FormatError(str(error), name) from error

    if isinstance(owner, Question):
        _apply_picture(owner, changes, keep, replaced)
    _apply_bsl(owner, slot, changes, keep, replaced)
    audit.record(actor.id, "formats_updated", owner, f"survey={survey.id} slot={slot}")
    db.session.flush()
    discard_unused(replaced)


def _apply_picture(question: Question, changes: MediaChanges, keep: Callable, replaced: list) -> None:
    if changes.remove_picture:
        replaced.append(question.easy_read_image)
        question.easy_read_image = None
    elif changes.picture is not None:
        replaced.append(question.easy_read_image)
        question.easy_read_image = keep(changes.picture, MediaKind.IMAGE, "picture")
    if question.easy_read_image is not None and not changes.picture_alt:
        raise FormatError("Describe the picture for people who cannot see it", "picture_alt")
    question.easy_read_image_alt = changes.picture_alt if question.easy_read_image is not None else ""


def _apply_bsl(owner: Survey | Question, slot: str, changes: MediaChanges, keep: Callable, replaced: list) -> None:
    bsl: BslVideo | None = getattr(owner, slot)
    if changes.remove_video:
        if bsl is not None:
            replaced.extend([bsl.video, bsl.captions])
            setattr(owner, slot, None)
            db.session.delete(bsl)
        return
    wanted = changes.video or changes.video_url or changes.captions or changes.transcript
    if bsl is None and not wanted:
        return
    if bsl is None:
        bsl = BslVideo()
        setattr(owner, slot, bsl)
    if changes.video is not None:
        replaced.append(bsl.video)
        bsl.video, bsl.video_url = keep(changes.video, MediaKind.VIDEO, "video"), ""
    elif changes.video_url:
        check_video_url(changes.video_url)
        replaced.append(bsl.video)
        bsl.video, bsl.video_url = None, changes.video_url
    if changes.captions is not None:
        replaced.append(bsl.captions)
        bsl.captions = keep(changes.captions, MediaKind.CAPTIONS, "captions")
    if not bsl.has_video:
        raise FormatError("Upload the BSL video, or link to it", "video")
    for name, message in (
        ("transcript", "Enter the English transcript of the video"),
        ("translated_by", "Enter who translated the video into BSL"),
        ("checked_by", "Enter who checked the translation"),
    ):
        if not getattr(changes, name):
            raise FormatError(message, name)
    bsl.transcript, bsl.translated_by, bsl.checked_by = changes.transcript, changes.translated_by, changes.checked_by
    bsl.is_demo = False


def _discard_if_unused(media: MediaFile | None) -> None:
    """Delete a replaced file unless a copied survey still shows it."""
    if media is None:
        return
    users = [
        select(func.count()).where(Question.easy_read_image_id == media.id),
        select(func.count()).where(or_(BslVideo.video_id == media.id, BslVideo.captions_id == media.id)),
        select(func.count()).where(Answer.video_id == media.id),
    ]
    if not any(db.session.execute(query).scalar_one() for query in users):
        discard(media)


def discard_unused(files: list[MediaFile | None]) -> None:
    """Delete files no longer shown anywhere (for example a removed question's picture and video)."""
    for media in files:
        _discard_if_unused(media)
    db.session.flush()


def copy_bsl(bsl: BslVideo | None) -> BslVideo | None:
    """A copied survey shares the stored files but has its own BSL record to change."""
    if bsl is None:
        return None
    return BslVideo(
        video=bsl.video,
        video_url=bsl.video_url,
        captions=bsl.captions,
        transcript=bsl.transcript,
        translated_by=bsl.translated_by,
        checked_by=bsl.checked_by,
        is_demo=bsl.is_demo,
    )


def format_warnings(survey: Survey) -> list[str]:
    """Pictures and BSL videos still to add, question by question."""
    warnings = []
    if survey.bsl is None:
        warnings.append("The survey introduction has no BSL video")
    for number, question in enumerate(survey.questions, start=1):
        if question.easy_read_image is None:
            warnings.append(f"Question {number} has no easy read picture")
        if question.bsl is None:
            warnings.append(f"Question {number} has no BSL video")
        elif question.bsl.captions is None:
            warnings.append(f"Question {number}: the BSL video has no captions")
    return warnings


# Answering in BSL


def may_send_video(response: Response) -> bool:
    """Anyone can answer without an account, so a web request's videos are limited per draft and per client."""
    config = current_app.config
    per_draft = allow(config["VIDEO_DRAFT_LIMITS"], f"video-draft:{response.id}")
    return allow(config["VIDEO_CLIENT_LIMITS"], "video-" + client_key()) and per_draft


def save_video_answer(response: Response, question: Question, video: IO[bytes]) -> Answer:
    """Keep a respondent's signed answer; its English interpretation is added later by a lead."""
    if response.status != ResponseStatus.IN_PROGRESS:
        raise SurveyClosedError("This response has already been sent")
    media = store(video, MediaKind.VIDEO, private=True, programme_id=response.survey.programme_id)
    answer = response.answer_for(question.id)
    old = answer.video if answer is not None else None
    if answer is None:
        answer = Answer(question=question)
        response.answers.append(answer)
    answer.text, answer.choices, answer.video = "", [], media
    answer.interpreted_by, answer.interpreted_at = "", None
    db.session.flush()
    _discard_if_unused(old)
    return answer


def drop_video(answer: Answer) -> None:
    """The respondent typed an answer instead of the video they sent before."""
    old = answer.video
    answer.video, answer.interpreted_by, answer.interpreted_at = None, "", None
    db.session.flush()
    _discard_if_unused(old)


def video_answers_query(survey: Survey) -> Select[tuple[Answer]]:
    """Submitted BSL answers, those awaiting interpretation first, oldest first."""
    return (
        select(Answer)
        .join(Response)
        .where(Response.survey_id == survey.id, Response.status == ResponseStatus.SUBMITTED)
        .where(Answer.video_id.is_not(None))
        .order_by(Answer.interpreted_at.is_not(None), Response.submitted_at, Answer.id)
    )


def awaiting_interpretation(survey: Survey) -> int:
    query = video_answers_query(survey).where(Answer.interpreted_at.is_(None)).order_by(None)
    return db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def interpret(actor: User, answer: Answer, text: str, interpreter: str) -> None:
    """Record the English interpretation of a BSL answer; it is what search, analysis and quotes use."""
    answer.text, answer.interpreted_by, answer.interpreted_at = text, interpreter, utcnow()
    audit.record(actor.id, "bsl_answer_interpreted", answer, f"response={answer.response_id}")
    db.session.flush()
    text_written.send(None, source=answer)  # screened like any typed answer
    db.session.flush()


def interpreter_requests(survey: Survey) -> list[Contact]:
    """People who asked for a BSL interpreter to contact them."""
    return list(
        db.session.execute(
            select(Contact)
            .join(Response, Contact.response_id == Response.id)
            .where(Response.survey_id == survey.id, Contact.wants_interpreter.is_(True))
            .order_by(Contact.created_at)
        ).scalars()
    )


# Assisted and offline entry


@dataclass
class Entry:
    """A response a lead keys in from paper, a phone call or a drop-in event."""

    channel: Channel
    formats: list[Format]
    answers: dict[int, str | list[str]] = field(default_factory=dict)
    helper: str = ""
    paper_number: str = ""


def paper_taken(survey: Survey, number: str) -> bool:
    query = select(Response.id).where(Response.survey_id == survey.id, Response.paper_number == number)
    return db.session.execute(query).first() is not None


def enter_response(actor: User, survey: Survey, entry: Entry) -> Response:
    """Store an assisted response as submitted, screened like any other. Closed surveys still accept
    paper that arrived in time, so entry does not check the dates."""
    if entry.paper_number and paper_taken(survey, entry.paper_number):
        raise FormatError("A response with this paper form number has already been entered", "paper_number")
    response = Response(
        survey=survey,
        status=ResponseStatus.SUBMITTED,
        channel=entry.channel,
        formats=",".join(f.value for f in entry.formats) or Format.STANDARD.value,
        current_format=entry.formats[0] if entry.formats else Format.STANDARD,
        assisted_by=entry.helper,
        paper_number=entry.paper_number or None,
        entered_by_id=actor.id,
        submitted_at=utcnow(),
        reference=new_reference(),
    )
    for question in survey.questions:
        value = entry.answers.get(question.id)
        if not value:
            continue
        # question_id is set as well as question: conditions are checked before the answers are flushed.
        if question.kind.is_text:
            answer = Answer(question_id=question.id, question=question, text=str(value))
            keep_area(response, answer)
        else:
            answer = Answer(
                question_id=question.id, question=question, choices=value if isinstance(value, list) else [value]
            )
        response.answers.append(answer)
    visible = {q.id for q in visible_questions(survey, response)}
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same paper form keyed twice at once (the caller rolls back)
        raise FormatError("A response with this paper form number has already been entered", "paper_number") from error
    finish_submission(response, visible)
    audit.record(actor.id, "response_entered", response, f"survey={survey.id} channel={entry.channel.value}")
    db.session.flush()
    return response
