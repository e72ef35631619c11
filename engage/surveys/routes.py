"""The respondent's journey: start, one question per page, save and resume, check answers, submit."""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse
from wtforms import Field

from analysis.safeguarding import screen
from engage.auth.permissions import can_manage
from engage.extensions import db
from engage.media.storage import UploadError, accepts_video
from engage.notify.services import absolute_url, uk_mobile
from engage.panels.models import Panel
from engage.panels.services import is_member
from engage.surveys import answering, bp, formats
from engage.surveys import privacy as privacy_notice
from engage.surveys.forms import ContactForm, FormatForm, ResumeEmailForm, ResumeForm, ResumeTextForm, answer_form
from engage.surveys.languages import CATALOGS, ENGLISH
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

TOO_MANY_MESSAGES = "We have sent as many messages as we can for now. Write down your code instead, or try again later"


def _survey(slug: str) -> Survey:
    """A survey residents may see: anything but a draft."""
    survey = db.session.execute(select(Survey).where(Survey.slug == slug)).scalar_one_or_none()
    if survey is None or survey.status == SurveyStatus.DRAFT:
        abort(404)
    if survey.panel_id is not None:
        _check_panel_audience(survey)
    return survey


def _check_panel_audience(survey: Survey) -> None:
    """A panel-only survey: sign in first; then only the panel's members (and its leads) may answer."""
    if not current_user.is_authenticated:
        abort(401)
    panel = db.session.get(Panel, survey.panel_id)
    if panel is None or not (is_member(current_user, panel) or can_manage(current_user, survey.programme)):
        abort(403)


def _remember(survey: Survey, token: str) -> None:
    drafts = dict(session.get("drafts", {}))
    drafts[str(survey.id)] = token
    session["drafts"] = drafts


def _draft(survey: Survey) -> Response | None:
    response = answering.draft_for(survey, session.get("drafts", {}).get(str(survey.id)))
    if response is not None:
        _speak(response.language)
    return response


def _speak(language: str) -> None:
    """Show the interface's own words in the respondent's language, where Engage has a catalog for it."""
    if language in CATALOGS:
        g.interface_language = language


def _in_progress(survey: Survey) -> Response:
    """The respondent's draft; without one they start again from the survey's first page."""
    response = _draft(survey)
    if response is None:
        abort(redirect(url_for("surveys.start", slug=survey.slug, expired=1)))
    if response.status == ResponseStatus.SUBMITTED:
        abort(redirect(url_for("surveys.confirmation", slug=survey.slug)))
    return response


def _progress(survey: Survey, response: Response, question: Question) -> dict[str, Any]:
    visible = answering.visible_questions(survey, response)
    number = next((i for i, q in enumerate(visible, start=1) if q.id == question.id), len(visible))
    return {"number": number, "total": len(visible)}


@bp.route("/<slug>")
def start(slug: str) -> str:
    """The survey's start page: what it is about, privacy, and a start button."""
    survey = _survey(slug)
    response = _draft(survey)
    everyone = sum(1 for question in survey.questions if question.show_if_question_id is None)
    language = _offered(survey, request.args.get("lang")) or (response.language if response else ENGLISH)
    _speak(language)
    return render_template(
        "surveys/start.html",
        survey=survey,
        response=response,
        language=language,
        translation=survey.translation(language),
        expired=request.args.get("expired") == "1",
        closed_reason=None if survey.is_open else closed_message(survey),
        format_form=FormatForm(),
        # The questions everyone sees, as the progress caption counts them, and those that depend on answers.
        question_count=everyone,
        depends=len(survey.questions) - everyone,
        carry_on=_carry_on(survey, response) if response is not None else None,
    )


@bp.route("/<slug>/privacy")
def privacy(slug: str) -> str:
    """This survey's privacy notice: what it collects, why, who sees it, how long it is kept, your rights."""
    return render_template("surveys/privacy.html", notice=privacy_notice.notice(_survey(slug)))


@bp.route("/<slug>/start", methods=["POST"])
def begin(slug: str) -> HttpResponse:
    """Create an anonymous draft and go to the first question."""
    survey = _survey(slug)
    if not survey.is_open:
        return redirect(url_for("surveys.start", slug=slug))
    answering.purge_expired()
    form = FormatForm()
    chosen = Format(form.format.data) if form.validate_on_submit() else Format.STANDARD
    language = _offered(survey, request.form.get("language")) or ENGLISH
    response, token = answering.start_response(survey, chosen, language)
    _remember(survey, token)
    first = answering.next_question(survey, response, None)
    return redirect(
        url_for("surveys.question", slug=slug, question_id=first.id) if first else url_for("surveys.check", slug=slug)
    )


@bp.route("/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
@accepts_video
def question(slug: str, question_id: int) -> str | HttpResponse:
    """One question on its own page, in the respondent's format."""
    survey = _survey(slug)
    response = _in_progress(survey)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    if question not in answering.visible_questions(survey, response):
        return redirect(url_for("surveys.check", slug=slug))
    existing = response.answer_for(question.id)
    data = (
        {
            "answer": (
                (existing.text or existing.original_text)
                if question.kind.is_text
                else _choice_data(question, existing.choices)
            )
        }
        if existing
        else {}
    )
    chosen = response.current_format
    form = answer_form(
        question,
        easy=chosen == Format.EASY_READ,
        bsl=chosen == Format.BSL,
        has_video=bool(existing and existing.video_id),
        language=response.language,
        data=data,
    )
    if form.validate_on_submit():
        if not survey.is_open:
            # Keep what they typed on the page, and say why it was not saved.
            form.form_errors.append(f"{closed_message(survey)}, so your answer has not been saved")
        else:
            try:
                _save(response, question, form)
            except UploadError as error:
                form.video.errors = [*form.video.errors, str(error)]
            else:
                target = _after_answer(survey, response, question)
                if question.kind.is_text and screen(form.answer.data or "").flagged:
                    # Help first: the words went to the safeguarding team as they were saved.
                    session["after_support"] = target
                    return redirect(url_for("surveys.support", slug=slug))
                return redirect(target)
    return _question_page(survey, response, question, form)


def _save(response: Response, question: Question, form: FlaskForm) -> None:
    """Store the answer: a BSL video, typed words, or the options chosen."""
    video = getattr(form, "video", None)
    if video is not None and video.data:
        if not formats.may_send_video(response):
            raise UploadError("You have sent as many videos as we can take for now. Type your answer, or try later")
        formats.save_video_answer(response, question, video.data.stream)
        return
    value = form.answer.data
    if question.kind.is_text:
        existing = response.answer_for(question.id)
        if existing is not None and existing.video_id and not value:
            return  # nothing typed: the video sent before stands
        if existing is not None and existing.video_id:
            formats.drop_video(existing)
        answering.save_answer(response, question, text=value or "")
    else:
        answering.save_answer(
            response, question, choices=value if isinstance(value, list) else ([value] if value else [])
        )


def _after_answer(survey: Survey, response: Response, question: Question) -> str:
    if request.args.get("return") == "check" or request.form.get("action") == "check":
        return url_for("surveys.check", slug=survey.slug)
    if request.form.get("action") == "save":
        return url_for("surveys.save", slug=survey.slug)
    following = answering.next_question(survey, response, question)
    if following:
        return url_for("surveys.question", slug=survey.slug, question_id=following.id)
    return url_for("surveys.contact", slug=survey.slug)


def _question_page(survey: Survey, response: Response, question: Question, form: FlaskForm) -> str:
    previous = answering.previous_question(survey, response, question)
    back = (
        url_for("surveys.question", slug=survey.slug, question_id=previous.id)
        if previous
        else url_for("surveys.start", slug=survey.slug)
    )
    return render_template(
        "surveys/question.html",
        survey=survey,
        question=question,
        form=form,
        progress=_progress(survey, response, question),
        back=back,
        returning=request.args.get("return") == "check",
        chosen=response.current_format,
        language=response.language,
        response=response,
        existing=response.answer_for(question.id),
    )


def _offered(survey: Survey, code: str | None) -> str | None:
    """The language code if the survey is offered in it (English always is), else None."""
    return code if code == ENGLISH or survey.translation(code or "") is not None else None


@bp.route("/<slug>/language", methods=["POST"])
def switch_language(slug: str) -> HttpResponse:
    """Change language on any page; every answer so far is kept."""
    survey = _survey(slug)
    response = _in_progress(survey)
    if language := _offered(survey, request.form.get("language")):
        answering.use_language(response, language)
    return _back_to(survey, request.form.get("question", ""))


@bp.route("/<slug>/format", methods=["POST"])
def switch_format(slug: str) -> HttpResponse:
    """Change between standard, easy read and BSL at any point; every answer so far is kept."""
    survey = _survey(slug)
    response = _in_progress(survey)
    form = FormatForm()
    if form.validate_on_submit():
        answering.use_format(response, Format(form.format.data))
    return _back_to(survey, request.form.get("question", ""))


def _back_to(survey: Survey, question_id: str) -> HttpResponse:
    """After a switch: the question the respondent was on, else checking their answers."""
    if question_id.isdecimal() and any(q.id == int(question_id) for q in survey.questions):
        return redirect(url_for("surveys.question", slug=survey.slug, question_id=int(question_id)))
    return redirect(url_for("surveys.check", slug=survey.slug))


def _answer_data(question: Question, existing: Answer) -> Any:
    """What the respondent gave before, to fill the field: their words as typed, or the options chosen."""
    if question.kind.is_text:
        return existing.original_text or existing.text
    return _choice_data(question, existing.choices)


def _choice_data(question: Question, choices: list[str]) -> Any:
    return choices if question.kind == QuestionKind.MULTIPLE else (choices[0] if choices else None)


@bp.route("/<slug>/contact", methods=["GET", "POST"])
def contact(slug: str) -> str | HttpResponse:
    """Optional: hear what changed, or be contacted. Kept apart from the answers."""
    survey = _survey(slug)
    response = _in_progress(survey)
    existing = answering.contact_for(response)
    form = ContactForm(obj=existing) if request.method == "GET" and existing else ContactForm()
    if response.current_format == Format.EASY_READ:
        form.use_easy_read()
    if form.validate_on_submit():
        answering.save_contact(
            response,
            may_contact=bool(form.may_contact.data),
            wants_updates=bool(form.wants_updates.data),
            wants_interpreter=bool(form.wants_interpreter.data),
            name=form.name.data or "",
            email=form.email.data or "",
            phone=form.phone.data or "",
        )
        return redirect(url_for("surveys.check", slug=slug))
    visible = answering.visible_questions(survey, response)
    back = (
        url_for("surveys.question", slug=slug, question_id=visible[-1].id)
        if visible
        else url_for("surveys.start", slug=slug)
    )
    return render_template("surveys/contact.html", survey=survey, form=form, back=back, response=response)


@bp.route("/<slug>/check")
def check(slug: str) -> str:
    """Check your answers before sending them."""
    survey = _survey(slug)
    response = _in_progress(survey)
    return _check_page(survey, response)


def _check_page(survey: Survey, response: Response, problem: str | None = None, status: int = 200) -> Any:
    answers = answering.answers_by_question(response)
    return (
        render_template(
            "surveys/check.html",
            survey=survey,
            response=response,
            rows=[(q, answers.get(q.id)) for q in answering.visible_questions(survey, response)],
            contact=answering.contact_for(response),
            problem=problem,
            missing=answering.first_unanswered_required(survey, response),
        ),
        status,
    )


@bp.route("/<slug>/submit", methods=["POST"])
def submit(slug: str) -> Any:
    """Send the answers. Safe to repeat: the response is stored once."""
    survey = _survey(slug)
    response = _draft(survey)
    if response is None:
        return redirect(url_for("surveys.start", slug=slug, expired=1))
    if response.status == ResponseStatus.IN_PROGRESS:
        missing = answering.first_unanswered_required(survey, response)
        if missing is not None:
            return _check_page(survey, response, f"Answer “{missing.prompt}” before you send your answers", 400)
        try:
            answering.submit(response)
        except answering.SurveyClosedError:
            return _check_page(survey, response, f"{closed_message(survey)}, so your answers have not been sent", 409)
    return redirect(url_for("surveys.confirmation", slug=slug), code=303)


def closed_message(survey: Survey) -> str:
    """Why a survey is not taking answers, in plain English."""
    now = utcnow()
    if survey.closes_at and survey.closes_at <= now:
        when = f"This survey closed on {survey.closes_at:%-d %B %Y at %H:%M}"
    elif survey.opens_at and survey.opens_at > now:
        when = f"This survey opens on {survey.opens_at:%-d %B %Y at %H:%M}"
    else:
        when = "This survey is not taking answers at the moment"
    return when


@bp.route("/<slug>/confirmation")
def confirmation(slug: str) -> str | HttpResponse:
    """Your answers have been sent: your reference, and where to get support."""
    survey = _survey(slug)
    response = _draft(survey)
    if response is None or response.status != ResponseStatus.SUBMITTED:
        return redirect(url_for("surveys.start", slug=slug))
    return render_template("surveys/confirmation.html", survey=survey, response=response)


@bp.route("/<slug>/another", methods=["POST"])
def another(slug: str) -> HttpResponse:
    """Start a new response on this device (for example at a drop-in where people share a tablet)."""
    survey = _survey(slug)
    drafts = dict(session.get("drafts", {}))
    drafts.pop(str(survey.id), None)
    session["drafts"] = drafts
    return redirect(url_for("surveys.start", slug=slug))


@bp.route("/<slug>/save", methods=["GET", "POST"])
def save(slug: str) -> str:
    """Save progress: a resume code and link that work on any device until they expire."""
    survey = _survey(slug)
    response = _in_progress(survey)
    code = answering.issue_resume_code(response) if request.method == "POST" else None
    return _saved_page(survey, response, code or "")


def _saved_page(
    survey: Survey, response: Response, code: str, email_form: ResumeEmailForm | None = None,
    text_form: ResumeTextForm | None = None, sent_to: str = "",
) -> str:  # fmt: skip
    return render_template(
        "surveys/save.html",
        survey=survey,
        code=code,
        response=response,
        form=email_form or ResumeEmailForm(data={"code": code}, formdata=None),
        text_form=text_form or ResumeTextForm(data={"code": code}, formdata=None),
        sent_to=sent_to,
    )


@bp.route("/<slug>/save/email", methods=["POST"])
def email_resume(slug: str) -> tuple[str, int]:
    """Optionally email the resume link and code to the respondent."""
    survey = _survey(slug)
    response = _in_progress(survey)
    form = ResumeEmailForm()
    sent, status = _send_resume(survey, response, form, form.email, email=form.email.data or "")
    return _saved_page(survey, response, form.code.data or "", email_form=form, sent_to=sent), status


@bp.route("/<slug>/save/text", methods=["POST"])
def text_resume(slug: str) -> tuple[str, int]:
    """Optionally text the resume link and code to the respondent's UK mobile."""
    survey = _survey(slug)
    response = _in_progress(survey)
    form = ResumeTextForm()
    mobile = uk_mobile(form.phone.data or "") or ""
    sent, status = _send_resume(survey, response, form, form.phone, mobile=mobile)
    return _saved_page(survey, response, form.code.data or "", text_form=form, sent_to=sent), status


def _send_resume(
    survey: Survey, response: Response, form: FlaskForm, field: Field, *, email: str = "", mobile: str = ""
) -> tuple[str, int]:
    """Send the link if the form is valid and the limits allow: ("email" or "text", 200), or ("", status)."""
    if not form.validate_on_submit():
        return "", 400
    if not answering.may_send_resume_link(response, email or mobile):
        field.errors.append(TOO_MANY_MESSAGES)
        return "", 429
    code = form.code.data or ""
    link = absolute_url("surveys.resume_link", slug=survey.slug, code=code.replace("-", ""))
    if not answering.send_resume_link(response, code, link, email=email, mobile=mobile):
        field.errors.append("That code is no longer current. Get a new code and try again")
        return "", 400
    return ("text" if mobile else "email"), 200


@bp.route("/<slug>/resume", methods=["GET", "POST"])
def resume(slug: str) -> str | HttpResponse:
    """Come back to saved answers with a resume code."""
    survey = _survey(slug)
    form = ResumeForm()
    if form.validate_on_submit():
        found = answering.resume(survey, form.code.data)
        if found is not None:
            return _continue(survey, *found)
        form.code.errors.append("That code does not match any saved answers. Check it, or it may have expired")
    return render_template("surveys/resume.html", survey=survey, form=form)


@bp.route("/<slug>/resume/<code>")
def resume_link(slug: str, code: str) -> str | HttpResponse:
    """The resume link: the same as typing the code."""
    survey = _survey(slug)
    found = answering.resume(survey, code)
    if found is None:
        form = ResumeForm(data={"code": ""})
        form.code.errors = ["That link does not match any saved answers. It may have expired"]
        return render_template("surveys/resume.html", survey=survey, form=form), 404
    return _continue(survey, *found)


def _continue(survey: Survey, response: Response, token: str) -> HttpResponse:
    _remember(survey, token)
    return redirect(_carry_on(survey, response))


def _carry_on(survey: Survey, response: Response) -> str:
    """Where someone coming back carries on: the first question not reached yet, else checking their answers."""
    following = answering.first_not_reached(survey, response)
    if following is not None:
        return url_for("surveys.question", slug=survey.slug, question_id=following.id)
    return url_for("surveys.check", slug=survey.slug)


@bp.route("/<slug>/print")
def printable(slug: str) -> str:
    """The whole survey on one page to print, in standard or easy read, with its paper reference."""
    survey = _survey(slug)
    easy = request.args.get("format") == Format.EASY_READ
    return render_template("surveys/print.html", survey=survey, easy=easy)


@bp.route("/<slug>/support")
def support(slug: str) -> str:
    """Where to get help now, shown straight after an answer that may disclose risk; then carry on."""
    survey = _survey(slug)
    response = _in_progress(survey)
    target = session.pop("after_support", "")
    if not target.startswith(f"/surveys/{slug}/"):
        target = url_for("surveys.check", slug=slug)
    return render_template("surveys/support.html", survey=survey, response=response, target=target)
