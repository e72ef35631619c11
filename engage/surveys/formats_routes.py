"""Lead pages for the formats: easy read pictures, BSL videos, interpreting BSL answers, assisted entry."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import paginate, show_error
from engage.media.storage import accepts_video
from engage.surveys import bp, formats
from engage.surveys.forms import InterpretForm, MediaForm, QuestionMediaForm, entry_form
from engage.surveys.manage import managed_survey, question_of
from engage.surveys.models import Answer, Channel, Format, Question, Survey


def _changes(form: MediaForm) -> formats.MediaChanges:
    changes = formats.MediaChanges(
        video=form.video.data.stream if form.video.data else None,
        video_url=form.video_url.data or "",
        captions=form.captions.data.stream if form.captions.data else None,
        transcript=form.transcript.data or "",
        translated_by=form.translated_by.data or "",
        checked_by=form.checked_by.data or "",
        remove_video=bool(form.remove_video.data),
    )
    if isinstance(form, QuestionMediaForm):
        changes.picture = form.picture.data.stream if form.picture.data else None
        changes.picture_alt = form.picture_alt.data or ""
        changes.remove_picture = bool(form.remove_picture.data)
    return changes


def _media_page(survey: Survey, owner: Survey | Question, form: MediaForm, slot: str = "bsl") -> str | HttpResponse:
    if form.validate_on_submit():
        try:
            formats.update_media(current_user, owner, _changes(form), slot)
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Formats saved.")
            return redirect(url_for("surveys.overview", survey_id=survey.id))
    return render_template(
        "surveys/manage/formats.html", survey=survey, owner=owner, form=form, slot=slot, bsl=getattr(owner, slot)
    )


def _prefill(form: MediaForm, owner: Survey | Question, slot: str = "bsl") -> None:
    bsl = getattr(owner, slot)
    if request.method == "GET" and bsl is not None:
        for name in ("video_url", "transcript", "translated_by", "checked_by"):
            form[name].data = getattr(bsl, name)
    if request.method == "GET" and isinstance(owner, Question) and isinstance(form, QuestionMediaForm):
        form.picture_alt.data = owner.easy_read_image_alt


@bp.route("/manage/<int:survey_id>/formats", methods=["GET", "POST"])
@accepts_video
def survey_formats(survey_id: int) -> str | HttpResponse:
    """The BSL video for the survey's introduction."""
    survey = managed_survey(survey_id)
    form = MediaForm()
    _prefill(form, survey)
    return _media_page(survey, survey, form)


@bp.route("/manage/<int:survey_id>/formats/<any(confirmation, crisis):video>", methods=["GET", "POST"])
@accepts_video
def survey_video(survey_id: int, video: str) -> str | HttpResponse:
    """The BSL video for the confirmation page, or for getting help now."""
    survey = managed_survey(survey_id)
    form = MediaForm()
    slot = f"bsl_{video}"
    _prefill(form, survey, slot)
    return _media_page(survey, survey, form, slot)


@bp.route("/manage/<int:survey_id>/questions/<int:question_id>/formats", methods=["GET", "POST"])
@accepts_video
def question_formats(survey_id: int, question_id: int) -> str | HttpResponse:
    """A question's easy read picture and BSL video."""
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    form = QuestionMediaForm()
    _prefill(form, question)
    return _media_page(survey, question, form)


@bp.route("/manage/<int:survey_id>/bsl-answers")
def bsl_answers(survey_id: int) -> str:
    """Answers given in BSL, those awaiting an English interpretation first."""
    survey = managed_survey(survey_id)
    page = paginate(formats.video_answers_query(survey), 20)
    return render_template(
        "surveys/manage/bsl_answers.html", survey=survey, page=page, awaiting=formats.awaiting_interpretation(survey)
    )


@bp.route("/manage/<int:survey_id>/interpreter-requests")
def interpreter_requests(survey_id: int) -> str:
    """People who asked for a BSL interpreter to contact them: contact details, on a page of their own, never
    beside anyone's answers."""
    survey = managed_survey(survey_id)
    return render_template(
        "surveys/manage/interpreter_requests.html", survey=survey, requests=formats.interpreter_requests(survey)
    )


@bp.route("/manage/<int:survey_id>/bsl-answers/<int:answer_id>", methods=["GET", "POST"])
def interpret(survey_id: int, answer_id: int) -> str | HttpResponse:
    """Watch one BSL answer and record its English interpretation."""
    survey = managed_survey(survey_id)
    answer = db.get_or_404(Answer, answer_id)
    if answer.response.survey_id != survey.id or answer.video is None:
        abort(404)
    form = InterpretForm(data={"text": answer.text, "interpreter": answer.interpreted_by} if answer.text else None)
    if form.validate_on_submit():
        formats.interpret(current_user, answer, form.text.data, form.interpreter.data)
        flash("Interpretation saved. It now counts in search, themes and quotes.")
        return redirect(url_for("surveys.bsl_answers", survey_id=survey.id))
    return render_template("surveys/manage/interpret.html", survey=survey, answer=answer, form=form)


@bp.route("/manage/<int:survey_id>/enter", methods=["GET", "POST"])
def enter(survey_id: int) -> str | HttpResponse:
    """Key in a response from paper, a phone call or a drop-in event."""
    survey = managed_survey(survey_id)
    form = entry_form(survey)
    if form.validate_on_submit():
        try:
            response = formats.enter_response(current_user, survey, _entry(form))
        except EngageError as error:
            show_error(form, error)
        else:
            flash(f"Response saved, reference {response.reference}. The form is ready for the next one.")
            return redirect(url_for("surveys.enter", survey_id=survey.id))
    return render_template("surveys/manage/enter.html", survey=survey, form=form)


def _entry(form: FlaskForm) -> formats.Entry:
    return formats.Entry(
        channel=Channel(form.channel.data),
        formats=[Format(value) for value in form.formats.data or []],
        answers={question.id: field.data for question, field in form.answer_fields() if field.data},
        helper=form.helper.data or "",
        paper_number=form.paper_number.data or "",
    )
