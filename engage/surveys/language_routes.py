"""Lead pages for languages: which a survey is offered in and how much is translated, the translators' words,
and answers written in another language put into English."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import paginate, show_error
from engage.surveys import bp, translating
from engage.surveys.language_forms import AddLanguageForm, AnswerTranslationForm, filled, translation_form
from engage.surveys.languages import LANGUAGES
from engage.surveys.manage import managed_survey
from engage.surveys.models import Answer, Survey, SurveyLanguage


@bp.route("/manage/<int:survey_id>/languages", methods=["GET", "POST"])
def languages(survey_id: int) -> str | tuple[str, int] | HttpResponse:
    """The languages the survey is offered in, how much of each is translated, and adding another."""
    survey = managed_survey(survey_id)
    form = AddLanguageForm()
    form.offer(survey)
    if form.validate_on_submit():
        try:
            translating.add_language(current_user, survey, form.code.data)
        except EngageError as error:
            show_error(form, error, "code")
        else:
            flash(f"{LANGUAGES[form.code.data][0]} added. Respondents see English until its words are translated.")
            return redirect(url_for("surveys.translate", survey_id=survey.id, code=form.code.data))
    offered = [(language, translating.coverage(survey, language.code)) for language in survey.languages]
    page = render_template(
        "surveys/manage/languages.html",
        survey=survey,
        form=form,
        offered=offered,
        awaiting=translating.awaiting_count(survey),
    )
    return page, (400 if form.errors else 200)


def _offered_language(survey_id: int, code: str) -> tuple[Survey, SurveyLanguage]:
    survey = managed_survey(survey_id)
    language = survey.translation(code)
    if language is None:
        abort(404)
    return survey, language


@bp.route("/manage/<int:survey_id>/languages/<code>", methods=["GET", "POST"])
def translate(survey_id: int, code: str) -> str | tuple[str, int] | HttpResponse:
    """Translate every text of the survey into one language, with who translated and who checked."""
    survey, language = _offered_language(survey_id, code)
    form = translation_form(survey, data=filled(survey, code) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            translating.save(current_user, survey, code, form.translation())
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Translation saved.")
            return redirect(url_for("surveys.languages", survey_id=survey.id))
    page = render_template("surveys/manage/translate.html", survey=survey, language=language, form=form)
    return page, (400 if form.errors else 200)


@bp.route("/manage/<int:survey_id>/languages/<code>/remove", methods=["POST"])
def remove_language(survey_id: int, code: str) -> HttpResponse:
    """Stop offering a language."""
    survey, _ = _offered_language(survey_id, code)
    translating.remove_language(current_user, survey, code)
    flash(f"The survey is no longer offered in {LANGUAGES[code][0]}. Answers already given in it are kept.")
    return redirect(url_for("surveys.languages", survey_id=survey.id))


@bp.route("/manage/<int:survey_id>/translations")
def answer_translations(survey_id: int) -> str:
    """Answers written in another language that wait for their English."""
    survey = managed_survey(survey_id)
    page = paginate(translating.awaiting_query(survey), 20)
    return render_template("surveys/manage/answer_translations.html", survey=survey, page=page)


@bp.route("/manage/<int:survey_id>/translations/<int:answer_id>", methods=["GET", "POST"])
def translate_answer(survey_id: int, answer_id: int) -> str | tuple[str, int] | HttpResponse:
    """Read one answer in the language it was written in and record its English."""
    survey = managed_survey(survey_id)
    answer = db.get_or_404(Answer, answer_id)
    if answer.response.survey_id != survey.id or not answer.original_text:
        abort(404)
    form = AnswerTranslationForm()
    if form.validate_on_submit():
        translating.translate_answer(current_user, answer, form.text.data, form.translator.data)
        flash("Translation saved. The answer now counts in search, themes and quotes.")
        return redirect(url_for("surveys.answer_translations", survey_id=survey.id))
    page = render_template("surveys/manage/translate_answer.html", survey=survey, answer=answer, form=form)
    return page, (400 if form.errors else 200)
