"""The survey builder for leads: surveys, questions, order, conditions, status and preview."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from engage.auth.permissions import require_manager
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import options, refuse, show_error
from engage.panels.services import panels_for
from engage.programmes import services as programmes
from engage.programmes.models import Programme
from engage.surveys import bp, building, formats, instruments, posters
from engage.surveys.forms import QuestionForm, StatusForm, SurveyForm, answer_form
from engage.surveys.models import Format, Question, Survey, SurveyStatus


def managed_survey(survey_id: int) -> Survey:
    """The survey, if the signed-in user leads its programme."""
    survey = db.get_or_404(Survey, survey_id)
    require_manager(survey.programme)
    return survey


def question_of(survey: Survey, question_id: int) -> Question:
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def _survey_form(programme: Programme, survey: Survey | None = None) -> SurveyForm:
    form = SurveyForm(obj=survey) if survey is not None and request.method == "GET" else SurveyForm()
    if survey is not None and request.method == "GET":
        form.audience.data = survey.panel_id or 0
    panels = panels_for(programme)
    form.audience.choices = options(
        [(0, "Anyone: a public survey"), *((p.id, f"Members of the {p.name}") for p in panels)]
    )
    return form


@bp.route("/manage/new", methods=["GET", "POST"])
def new_survey() -> str | HttpResponse:
    """Create a draft survey in a programme."""
    programme = programmes.programme_or_404(request.args.get("programme", ""))
    require_manager(programme)
    form = _survey_form(programme)
    if form.validate_on_submit():
        try:
            survey = building.create_survey(current_user, programme, building.SurveyFields(**form.fields_dict()))
        except EngageError as error:
            show_error(form, error, "closes_at")
        else:
            flash("Survey created. Now add its questions.")
            return redirect(url_for("surveys.overview", survey_id=survey.id))
    return render_template("surveys/manage/survey_form.html", form=form, programme=programme, survey=None)


@bp.route("/manage/<int:survey_id>")
def overview(survey_id: int) -> str:
    """A survey's questions, status and links to preview and results."""
    survey = managed_survey(survey_id)
    return _overview_page(survey, StatusForm(data={"status": survey.status.value}))


def _overview_page(survey: Survey, status_form: StatusForm) -> str:
    return render_template(
        "surveys/manage/overview.html",
        survey=survey,
        status_form=status_form,
        submitted=building.submitted_count(survey),
        easy_read_warnings=building.easy_read_warnings(survey),
        format_warnings=formats.format_warnings(survey),
        instruments=instruments.INSTRUMENTS,
    )


@bp.route("/manage/<int:survey_id>/edit", methods=["GET", "POST"])
def edit_survey(survey_id: int) -> str | HttpResponse:
    """Change a survey's title, introduction, privacy text, dates and resume period."""
    survey = managed_survey(survey_id)
    form = _survey_form(survey.programme, survey)
    if form.validate_on_submit():
        try:
            building.update_survey(current_user, survey, building.SurveyFields(**form.fields_dict()))
        except EngageError as error:
            show_error(form, error, "closes_at")
        else:
            flash("Survey details saved.")
            return redirect(url_for("surveys.overview", survey_id=survey.id))
    return render_template("surveys/manage/survey_form.html", form=form, programme=survey.programme, survey=survey)


@bp.route("/manage/<int:survey_id>/status", methods=["POST"])
def set_status(survey_id: int) -> str | HttpResponse:
    """Open, close or return the survey to draft."""
    survey = managed_survey(survey_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            building.set_status(current_user, survey, SurveyStatus(form.status.data))
        except EngageError as error:
            show_error(form, error, "status")
        else:
            flash(f"The survey is now {survey.status.value}.")
            return redirect(url_for("surveys.overview", survey_id=survey.id))
    return _overview_page(survey, form)


@bp.route("/manage/<int:survey_id>/duplicate", methods=["POST"])
def duplicate_survey(survey_id: int) -> HttpResponse:
    """Copy the survey and its questions as a new draft."""
    copy = building.duplicate_survey(current_user, managed_survey(survey_id))
    flash("Survey copied. This is the copy, in draft.")
    return redirect(url_for("surveys.overview", survey_id=copy.id))


def _question_form(survey: Survey, question: Question | None) -> QuestionForm:
    if request.method == "GET" and question is not None:
        form = QuestionForm(
            data={
                "kind": question.kind.value,
                "prompt": question.prompt,
                "hint": question.hint,
                "required": question.required,
                "options": "\n".join(question.options or []),
                "scale_min": question.scale_min,
                "scale_max": question.scale_max,
                "scale_min_label": question.scale_min_label,
                "scale_max_label": question.scale_max_label,
                "max_length": question.max_length,
                "content_warning": question.content_warning,
                "show_if_question_id": question.show_if_question_id or 0,
                "show_if_values": " | ".join(question.show_if_values or []),
                "easy_read_prompt": question.easy_read_prompt,
                "easy_read_hint": question.easy_read_hint,
                "easy_read_options": "\n".join(question.easy_read_options or []),
            }
        )
    else:
        form = QuestionForm()
    limit = question.position if question else 10**9
    earlier = [q for q in survey.questions if q.position < limit and q.kind.is_choice]
    form.show_if_question_id.choices = options([(0, "Always show this question"), *((q.id, q.prompt) for q in earlier)])
    return form


@bp.route("/manage/<int:survey_id>/questions/new", methods=["GET", "POST"])
def new_question(survey_id: int) -> str | HttpResponse:
    """Add a question at the end of the survey."""
    survey = managed_survey(survey_id)
    form = _question_form(survey, None)
    if form.validate_on_submit():
        try:
            building.add_question(current_user, survey, form.values())
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Question added.")
            return redirect(url_for("surveys.overview", survey_id=survey.id))
    return render_template("surveys/manage/question_form.html", survey=survey, form=form, question=None)


@bp.route("/manage/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(survey_id: int, question_id: int) -> str | HttpResponse:
    """Change a question."""
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    form = _question_form(survey, question)
    instrument = instruments.INSTRUMENTS[question.instrument].name if question.instrument else ""
    if form.validate_on_submit():
        try:
            scored = building.update_question(current_user, question, form.values())
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Question saved." if scored else f"Question saved. It is no longer scored as part of {instrument}.")
            return redirect(url_for("surveys.overview", survey_id=survey.id))
    return render_template(
        "surveys/manage/question_form.html", survey=survey, form=form, question=question, instrument_name=instrument
    )


@bp.route("/manage/<int:survey_id>/questions/<int:question_id>/move", methods=["POST"])
def move_question(survey_id: int, question_id: int) -> HttpResponse:
    """Move a question up or down."""
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    try:
        building.move_question(current_user, question, -1 if request.form.get("direction") == "up" else 1)
    except EngageError as error:
        refuse(error)
    return redirect(url_for("surveys.overview", survey_id=survey.id, _anchor=f"question-{question.id}"))


@bp.route("/manage/<int:survey_id>/questions/<int:question_id>/duplicate", methods=["POST"])
def duplicate_question(survey_id: int, question_id: int) -> HttpResponse:
    """Copy a question to just after itself."""
    survey = managed_survey(survey_id)
    copy = building.duplicate_question(current_user, question_of(survey, question_id))
    flash("Question copied.")
    return redirect(url_for("surveys.edit_question", survey_id=survey.id, question_id=copy.id))


@bp.route("/manage/<int:survey_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
def delete_question(survey_id: int, question_id: int) -> str | HttpResponse:
    """Confirm, then remove a question and any answers to it."""
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    if request.method == "POST":
        building.delete_question(current_user, question)
        flash("Question removed.")
        return redirect(url_for("surveys.overview", survey_id=survey.id))
    dependants = [q for q in survey.questions if q.show_if_question_id == question.id]
    return render_template(
        "surveys/manage/delete_question.html", survey=survey, question=question, dependants=dependants
    )


@bp.route("/manage/<int:survey_id>/equality", methods=["POST"])
def add_equality(survey_id: int) -> HttpResponse:
    """Add the equality monitoring questions."""
    survey = managed_survey(survey_id)
    added = building.add_equality_set(current_user, survey)
    flash(f"Added {added} equality monitoring questions." if added else "The survey already has them all.")
    return redirect(url_for("surveys.overview", survey_id=survey.id))


@bp.route("/manage/<int:survey_id>/instruments", methods=["POST"])
def add_instrument(survey_id: int) -> HttpResponse:
    """Copy a ready-made instrument's questions into the survey."""
    survey = managed_survey(survey_id)
    key = request.form.get("instrument", "")
    if key not in instruments.INSTRUMENTS:
        abort(400)
    added = instruments.add_instrument(current_user, survey, key)
    name = instruments.INSTRUMENTS[key].name
    flash(f"Added the {added} questions of {name}." if added else f"The survey already has every {name} question.")
    return redirect(url_for("surveys.overview", survey_id=survey.id))


@bp.route("/manage/<int:survey_id>/preview")
def preview(survey_id: int) -> str:
    """Every question as a respondent would see it, on one page."""
    survey = managed_survey(survey_id)
    chosen = request.args.get("format", "standard")
    if chosen not in {f.value for f in Format}:
        chosen = "standard"
    easy, bsl = chosen == Format.EASY_READ, chosen == Format.BSL
    # Each preview form gets its own prefix so element ids stay unique on the page.
    pages = [(q, answer_form(q, easy=easy, bsl=bsl, prefix=f"q{q.id}", meta={"csrf": False})) for q in survey.questions]
    return render_template("surveys/manage/preview.html", survey=survey, pages=pages, chosen=chosen)


@bp.route("/manage/<int:survey_id>/poster")
def poster(survey_id: int) -> str:
    """A poster (A4) or a sheet of four flyers (A6) to print, with the survey's QR code and short link."""
    survey = managed_survey(survey_id)
    link = posters.short_link(survey)
    flyers = request.args.get("layout") == "flyers"
    return render_template(
        "surveys/manage/poster.html", survey=survey, link=link, qr=posters.qr_code(link), flyers=flyers
    )
