"""Named operations for respondents: drafts, answers, conditions, resume codes and submission."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from engage.extensions import db
from engage.media.models import MediaFile
from engage.media.storage import discard
from engage.signals import area_given, drafts_to_keep, response_submitted, text_written
from engage.surveys.equality import AREA, split_postcode
from engage.surveys.languages import ENGLISH
from engage.surveys.models import (
    Answer,
    Contact,
    Format,
    Question,
    Response,
    ResponseStatus,
    Survey,
)
from engage.throttle import allow, allow_email
from engage.timeutil import utcnow

# Resume codes and references avoid letters and digits that are easy to confuse (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class SurveyClosedError(Exception):
    """The survey is not taking answers now."""


def _digest(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.strip().upper().replace("-", "").replace(" ", "").encode(), hashlib.sha256).hexdigest()


def _code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_reference(prefix: str = "ENG") -> str:
    """A response's reference, for example ENG-ABCD-EFGH (DEMO- and IMP- mark demo and imported ones)."""
    return f"{prefix}-{format_code(_code(8))}"


def format_code(code: str) -> str:
    """Show a code in groups of four so it is easy to read out and copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def purge_expired() -> int:
    """Delete unsubmitted responses whose resume period has ended. Returns how many."""
    expired = select(Response.id).where(Response.status == ResponseStatus.IN_PROGRESS, Response.expires_at < utcnow())
    # Words waiting for a safeguarding review are kept, with any contact the person left, until reviewed.
    if kept := drafts_to_keep(expired):
        expired = expired.where(Response.id.not_in(kept))
    # Videos of unsent BSL answers are personal data too: their files go with the answers.
    videos = (
        db.session.execute(
            select(MediaFile).join(Answer, Answer.video_id == MediaFile.id).where(Answer.response_id.in_(expired))
        )
        .scalars()
        .all()
    )
    # Answers and contact details first: SQLite does not enforce ON DELETE CASCADE unless asked to.
    db.session.execute(delete(Answer).where(Answer.response_id.in_(expired)))
    for media in videos:
        discard(media)
    db.session.execute(delete(Contact).where(Contact.response_id.in_(expired)))
    deleted = db.session.execute(delete(Response).where(Response.id.in_(expired))).rowcount
    db.session.flush()
    return deleted or 0


def start_response(
    survey: Survey, response_format: Format = Format.STANDARD, language: str = ENGLISH
) -> tuple[Response, str]:
    """Begin an anonymous draft; returns it and the token the respondent's browser keeps."""
    token = secrets.token_urlsafe(32)
    response = Response(
        survey=survey,
        draft_token_hash=_digest(token),
        formats=response_format.value,
        current_format=response_format,
        language=language,
        expires_at=utcnow() + timedelta(days=survey.resume_days),
    )
    db.session.add(response)
    db.session.flush()
    return response, token


def draft_for(survey: Survey, token: str | None) -> Response | None:
    """The respondent's unexpired draft (or just-submitted response) for this survey."""
    if not token:
        return None
    query = select(Response).where(Response.survey_id == survey.id, Response.draft_token_hash == _digest(token))
    response = db.session.execute(query).scalar_one_or_none()
    if response is None:
        return None
    if response.status == ResponseStatus.IN_PROGRESS and response.expires_at and response.expires_at < utcnow():
        return None
    return response


def answers_by_question(response: Response) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in response.answers}


def is_shown(question: Question, answers: dict[int, Answer]) -> bool:
    """A question is shown unless its condition's earlier answer does not include a chosen option."""
    if not question.show_if_question_id:
        return True
    earlier = answers.get(question.show_if_question_id)
    return earlier is not None and bool(set(earlier.choices) & set(question.show_if_values or []))


def visible_questions(survey: Survey, response: Response) -> list[Question]:
    """The questions this respondent sees, in order, given what they have answered so far."""
    answers = answers_by_question(response)
    shown: list[Question] = []
    shown_ids: set[int] = set()
    for question in survey.questions:
        parent = question.show_if_question_id
        if parent and parent not in shown_ids:
            continue
        if is_shown(question, answers):
            shown.append(question)
            shown_ids.add(question.id)
    return shown


def next_question(survey: Survey, response: Response, after: Question | None) -> Question | None:
    """The next visible question after this one (the first when after is None)."""
    visible = visible_questions(survey, response)
    if after is None:
        return visible[0] if visible else None
    later = [q for q in visible if q.position > after.position]
    return later[0] if later else None


def previous_question(survey: Survey, response: Response, before: Question) -> Question | None:
    earlier = [q for q in visible_questions(survey, response) if q.position < before.position]
    return earlier[-1] if earlier else None


def first_not_reached(survey: Survey, response: Response) -> Question | None:
    """Where someone coming back carries on: the first question they see that has no answer saved at all
    (a question they passed without answering has an empty one)."""
    answers = answers_by_question(response)
    return next((q for q in visible_questions(survey, response) if q.id not in answers), None)


def first_unanswered_required(survey: Survey, response: Response) -> Question | None:
    answers = answers_by_question(response)
    for question in visible_questions(survey, response):
        answer = answers.get(question.id)
        if question.required and (answer is None or answer.is_empty):
            return question
    return None


def save_answer(response: Response, question: Question, *, text: str = "", choices: list[str] | None = None) -> Answer:
    """Store (or replace) the respondent's answer to one question."""
    if response.status != ResponseStatus.IN_PROGRESS:
        raise SurveyClosedError("This response has already been sent")
    answer = response.answer_for(question.id)
    if answer is None:
        answer = Answer(question=question)
        response.answers.append(answer)
    # Words typed in another language wait for a translator; the English `text` stays empty until then.
    typed = text if question.kind.is_text else ""
    in_english = response.language == ENGLISH or question.equality_key is not None
    answer.text, answer.original_text = (typed, "") if in_english else ("", typed)
    if typed and not in_english:  # new words: any earlier translation no longer matches them
        answer.interpreted_at, answer.interpreted_by = None, ""
    answer.choices = list(choices or []) if question.kind.is_choice else []
    keep_area(response, answer)
    response.expires_at = utcnow() + timedelta(days=response.survey.resume_days)
    db.session.flush()
    if answer.text or answer.original_text:
        text_written.send(None, source=answer)  # screened now: a draft never sent still reaches safeguarding
    return answer


def keep_area(response: Response, answer: Answer) -> None:
    """Cut a postcode in an area answer to its first part, once receivers have read the whole of it."""
    if answer.question.equality_key != AREA:
        return
    answer.text, postcode = split_postcode(answer.text)
    area_given.send(None, response=response, postcode=postcode)


def use_language(response: Response, language: str) -> None:
    """Switch the language the respondent sees (answers so far are kept, in the words they were typed in)."""
    response.language = language
    db.session.flush()


def use_format(response: Response, response_format: Format) -> None:
    """Switch the format the respondent sees; every format used is recorded."""
    response.current_format = response_format
    if response_format not in response.format_list:
        response.formats = ",".join([*(f.value for f in response.format_list), response_format.value])
    db.session.flush()


def issue_resume_code(response: Response) -> str:
    """A new code that restores this draft on any device until it expires; earlier codes stop working."""
    code = _code(12)
    response.resume_code_hash = _digest(code)
    response.expires_at = utcnow() + timedelta(days=response.survey.resume_days)
    db.session.flush()
    return format_code(code)


def may_send_resume_link(response: Response, recipient: str) -> bool:
    """Resume links are limited per draft, per recipient (an address or a mobile) and per client, so nobody can
    flood an inbox or a phone."""
    return allow(current_app.config["EMAIL_ADDRESS_LIMITS"], f"resume-draft:{response.id}") and allow_email(recipient)


def send_resume_link(response: Response, code: str, link: str, *, email: str = "", mobile: str = "") -> bool:
    """Email or text the resume link, if the code is this draft's current one. The address or number is not
    kept with the answers."""
    from engage.notify.services import compose, notify_address, notify_phone

    cleaned = "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)
    if response.resume_code_hash is None or _digest(cleaned) != response.resume_code_hash:
        return False
    context = {"survey": response.survey, "link": link, "code": format_code(cleaned), "expires_at": response.expires_at}
    if mobile:
        notify_phone(mobile, "resume_link", compose("resume_link", folder="texts", **context))
    else:
        notify_address(email, "resume_link", compose("resume_link", **context))
    db.session.flush()
    return True


def resume(survey: Survey, code: str) -> tuple[Response, str] | None:
    """Find the draft a resume code belongs to and give this browser a fresh token for it."""
    cleaned = "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)
    if len(cleaned) != 12:
        return None
    query = select(Response).where(
        Response.survey_id == survey.id,
        Response.resume_code_hash == _digest(cleaned),
        Response.status == ResponseStatus.IN_PROGRESS,
    )
    response = db.session.execute(query).scalar_one_or_none()
    if response is None or (response.expires_at and response.expires_at < utcnow()):
        return None
    token = secrets.token_urlsafe(32)
    response.draft_token_hash = _digest(token)
    db.session.flush()
    return response, token


def save_contact(
    response: Response,
    *,
    may_contact: bool,
    wants_updates: bool,
    name: str,
    email: str,
    phone: str,
    wants_interpreter: bool = False,
) -> None:
    """Keep the respondent's contact consent apart from their answers (or remove it if they withdraw)."""
    contact = db.session.execute(select(Contact).where(Contact.response_id == response.id)).scalar_one_or_none()
    if not (may_contact or wants_updates or wants_interpreter):
        if contact is not None:
            db.session.delete(contact)
        db.session.flush()
        return
    if contact is None:
        contact = Contact(response_id=response.id)
        db.session.add(contact)
    contact.may_contact, contact.wants_updates, contact.wants_interpreter = (
        may_contact,
        wants_updates,
        wants_interpreter,
    )
    contact.name, contact.email, contact.phone = name, email, phone
    db.session.flush()


def contact_for(response: Response) -> Contact | None:
    return db.session.execute(select(Contact).where(Contact.response_id == response.id)).scalar_one_or_none()


@dataclass
class Submission:
    reference: str
    newly_submitted: bool


def submit(response: Response) -> Submission:
    """Send the response, exactly once: a double click, refresh or replayed POST changes nothing more.

    The status changes with a conditional UPDATE, so of two concurrent submissions only one
    finds the response still in progress; the other sees it submitted and gets the same reference.
    """
    survey = response.survey
    if response.status == ResponseStatus.SUBMITTED:
        return Submission(response.reference or "", newly_submitted=False)
    if not survey.is_open:
        raise SurveyClosedError(survey.title)
    visible = {q.id for q in visible_questions(survey, response)}
    reference = new_reference()
    claimed = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == ResponseStatus.IN_PROGRESS)
        .values(
            status=ResponseStatus.SUBMITTED,
            reference=reference,
            submitted_at=utcnow(),
            expires_at=None,
            resume_code_hash=None,
        )
    ).rowcount
    # The UPDATE waits for a concurrent submission's transaction to end, then finds nothing to claim.
    db.session.refresh(response)
    if claimed == 0:
        return Submission(response.reference or "", newly_submitted=False)
    finish_submission(response, visible)
    return Submission(reference, newly_submitted=True)


def finish_submission(response: Response, visible: set[int]) -> None:
    """Drop answers to questions the respondent did not see, then screen free text for risk."""
    for answer in list(response.answers):
        if answer.question_id not in visible or answer.is_empty:
            response.answers.remove(answer)
    db.session.flush()
    response_submitted.send(None, response=response)
